// an integer-coded enum has only integers
wechat_api::generate!("enum_mixes_integers_and_strings");

fn main() {}
