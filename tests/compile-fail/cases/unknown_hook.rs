// unknown hook: a compile error naming file, line and column.
wechat_api_macros::generate!("unknown_hook");

fn main() {}
