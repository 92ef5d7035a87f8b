// keyword field: a compile error naming file, line and column.
wechat_api_macros::generate!("keyword_field");

fn main() {}
