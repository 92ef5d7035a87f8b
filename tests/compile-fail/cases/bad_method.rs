// bad method: a compile error naming file, line and column.
wechat_api::generate!("bad_method");

fn main() {}
