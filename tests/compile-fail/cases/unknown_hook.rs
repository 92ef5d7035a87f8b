// unknown hook: a compile error naming file, line and column.
wechat_api::generate!("unknown_hook");

fn main() {}
