// every variant of a sibling union needs its tag value
wechat_api::generate!("sibling_variant_without_value");

fn main() {}
