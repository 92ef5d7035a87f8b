// a JSON string cannot hold a file
wechat_api::generate!("json_string_of_a_file");

fn main() {}
