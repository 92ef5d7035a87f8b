// Unknown is the variant that keeps values WeChat adds later
wechat_api::generate!("enum_variant_named_unknown");

fn main() {}
