// an endpoint answering file bytes has no JSON response fields
wechat_api::generate!("media_with_response");

fn main() {}
