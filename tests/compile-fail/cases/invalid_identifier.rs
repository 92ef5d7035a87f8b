// invalid identifier: a compile error naming file, line and column.
wechat_api::generate!("invalid_identifier");

fn main() {}
