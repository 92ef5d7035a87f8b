// duplicate endpoint: a compile error naming file, line and column.
wechat_api_macros::generate!("duplicate_endpoint");

fn main() {}
