// invalid identifier: a compile error naming file, line and column.
wechat_api_macros::generate!("invalid_identifier");

fn main() {}
