// unknown type: a compile error naming file, line and column.
wechat_api::generate!("unknown_type");

fn main() {}
