// broken yaml: a compile error naming file, line and column.
wechat_api_macros::generate!("broken_yaml");

fn main() {}
