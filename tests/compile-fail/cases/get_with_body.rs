// GET sends no body (a POST without body fields sends {})
wechat_api::generate!("get_with_body");

fn main() {}
