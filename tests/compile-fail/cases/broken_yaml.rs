// broken yaml: a compile error naming file, line and column.
wechat_api::generate!("broken_yaml");

fn main() {}
