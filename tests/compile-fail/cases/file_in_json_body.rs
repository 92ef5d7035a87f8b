// a file goes in a multipart part, not a JSON body
wechat_api::generate!("file_in_json_body");

fn main() {}
