// keyword field: a compile error naming file, line and column.
wechat_api::generate!("keyword_field");

fn main() {}
