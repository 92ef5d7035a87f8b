// an example is checked against its declared response type
wechat_api::generate!("example_does_not_match");

fn main() {}
