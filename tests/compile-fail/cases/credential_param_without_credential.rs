// credential_param renames a credential the endpoint must have
wechat_api::generate!("credential_param_without_credential");

fn main() {}
