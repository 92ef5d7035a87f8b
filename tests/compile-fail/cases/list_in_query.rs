// query parameters are scalars
wechat_api::generate!("list_in_query");

fn main() {}
