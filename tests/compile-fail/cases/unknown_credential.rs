// unknown credential: a compile error naming file, line and column.
wechat_api::generate!("unknown_credential");

fn main() {}
