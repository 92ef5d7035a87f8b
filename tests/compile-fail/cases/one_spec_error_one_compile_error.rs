// One spec error gives one compile error: the broken endpoint is still
// generated (with a stand-in type), so the code using it raises nothing more.
wechat_api::generate!("one_spec_error_one_compile_error");

#[allow(dead_code)]
async fn use_both(client: &wechat_api::Client) -> wechat_api::Result<()> {
    let good = client.demo().good(demo::GoodRequest::new("x")).await?;
    let _: &str = &good.name;
    let bad = client.demo().bad().await?;
    let _total = bad.total;
    Ok(())
}

fn main() {}
