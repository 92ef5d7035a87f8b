// missing path: a compile error naming file, line and column.
wechat_api::generate!("missing_path");

fn main() {}
