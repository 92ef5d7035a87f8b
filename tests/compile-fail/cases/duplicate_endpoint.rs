// duplicate endpoint: a compile error naming file, line and column.
wechat_api::generate!("duplicate_endpoint");

fn main() {}
