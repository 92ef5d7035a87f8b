// hooks are hand-written code of wechat-api itself
wechat_api::generate!("hook_in_a_users_crate");

fn main() {}
