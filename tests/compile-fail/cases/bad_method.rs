// bad method: a compile error naming file, line and column.
wechat_api_macros::generate!("bad_method");

fn main() {}
