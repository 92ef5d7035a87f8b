// missing path: a compile error naming file, line and column.
wechat_api_macros::generate!("missing_path");

fn main() {}
