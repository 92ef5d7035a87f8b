// map<T> needs a known T
wechat_api::generate!("map_of_unknown_type");

fn main() {}
