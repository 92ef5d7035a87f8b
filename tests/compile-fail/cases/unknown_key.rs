// unknown key: a compile error naming file, line and column.
wechat_api::generate!("unknown_key");

fn main() {}
