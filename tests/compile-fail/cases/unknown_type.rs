// unknown type: a compile error naming file, line and column.
wechat_api_macros::generate!("unknown_type");

fn main() {}
