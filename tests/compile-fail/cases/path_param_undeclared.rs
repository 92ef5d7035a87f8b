// a {placeholder} in a path needs a declared path parameter
wechat_api::generate!("path_param_undeclared");

fn main() {}
