//! The quickstart: a third-party platform's whole flow against the local
//! WeChat sandbox, over real HTTP on 127.0.0.1, in about a second.
//!
//! ```text
//! cargo run --example quickstart                       # embedded durable store in a temp dir
//! cargo run --example quickstart -- --redis redis://127.0.0.1:6379/
//! ```
//!
//! It starts the sandbox and a callback server (the library's
//! `CallbackRoutes`, served by `wechat_api::server::serve`) in this process
//! and walks through: verify ticket pushed → component_access_token →
//! pre_auth_code → the merchant authorizes (following the redirects:
//! callback server → sandbox page → callback server) → query_auth →
//! authorizer info → authorizer token refresh → clear quota → OAuth code →
//! user info → jsapi_ticket → share signature → the full-network release
//! test (the sandbox plays WeChat's test messages for one of its five groups
//! of test accounts, picked at random as WeChat does). It prints one line
//! per step and exits 0 when every step passed, 1 with the failing step
//! otherwise. Set `RUST_LOG=info` to see the servers' logs too.

use std::future::IntoFuture as _;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use url::Url;
use wechat_api::api::oauth::{ComponentAccessTokenRequest, UserinfoRequest};
use wechat_api::authorize::Scope;
use wechat_api::callback::{ComponentCallback, MessageCallback, Reply, Router};
use wechat_api::server::{AuthorizedAccount, CallbackRoutes, ServeOptions, serve};
use wechat_api::token::{DurableStore, RedisStore, TokenKey, TokenStore};
use wechat_sandbox::release_test::TEST_ACCOUNTS;
use wechat_sandbox::{ReleaseTest, Sandbox, SandboxConfig};

/// Runs the quickstart flow against the sandbox.
#[derive(Debug, Parser)]
#[command(about)]
struct Args {
    /// Keep tokens in Redis at this URL instead of the embedded durable store.
    #[arg(long, value_name = "URL")]
    redis: Option<String>,
}

/// What failed, and where.
type Failed = String;

/// Names the step a failure happened in.
fn at<E: std::fmt::Display>(step: &'static str) -> impl FnOnce(E) -> Failed {
    move |e| format!("step `{step}` failed: {e}")
}

/// Fails `step` unless `holds`.
fn check(holds: bool, step: &'static str, what: &str) -> Result<(), Failed> {
    match holds {
        true => Ok(()),
        false => Err(at(step)(what)),
    }
}

/// GETs `url` with `browser` (which follows no redirect) and returns where
/// it redirects to.
async fn follow(browser: &reqwest::Client, url: Url, step: &'static str) -> Result<Url, Failed> {
    let answer = browser.get(url.clone()).send().await.map_err(at(step))?;
    let location = answer
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| at(step)(format!("no redirect (HTTP {})", answer.status())))?;
    url.join(location).map_err(at(step))
}

fn param(url: &Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// Runs the whole flow with the token store `store`, printing each step;
/// returns how many steps passed (all of them) or the first failure.
async fn run(store: Arc<dyn TokenStore>) -> Result<usize, Failed> {
    // The sandbox: WeChat on a local port. The flow pushes the ticket itself.
    let config = SandboxConfig::builder().push_interval(None).build();
    let sandbox = Sandbox::start(config.map_err(at("sandbox"))?)
        .await
        .map_err(at("sandbox"))?;
    println!("sandbox: WeChat emulator on {}", sandbox.base_url());

    // The platform: a client and the library's callback routes.
    let client = sandbox
        .client_builder()
        .and_then(|builder| builder.token_store(store).build())
        .map_err(at("client"))?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(at("listen"))?;
    let url: Url = format!("http://{}/", listener.local_addr().map_err(at("listen"))?)
        .parse()
        .map_err(at("listen"))?;
    let messages = Router::new().message("text", |message, _client| async move {
        Ok(Some(Reply::text(format!(
            "echo: {}",
            message.content().unwrap_or_default()
        ))))
    });
    let routes = CallbackRoutes::new(
        ComponentCallback::new(client.clone()).map_err(at("callback server"))?,
        MessageCallback::new(client.clone(), messages)
            .map_err(at("callback server"))?
            .release_test(true),
        url.clone(),
    );
    tokio::spawn(serve(listener, routes.router(), ServeOptions::default()).into_future());
    sandbox.set_callback_url(routes.events_url());
    println!("callback server on {url}");

    let component_appid = sandbox.config().component_appid().to_owned();
    let tokens = client.tokens();
    let step = "push the component_verify_ticket";
    let ticket = sandbox.push_verify_ticket().await.map_err(at(step))?;
    let stored = tokens.verify_ticket(&component_appid).await;
    check(
        stored.ok() == Some(ticket),
        step,
        "the pushed ticket was not stored",
    )?;
    println!(" 1. component_verify_ticket pushed to the events URL, verified, decrypted, stored");

    let token = client
        .component_access_token()
        .await
        .map_err(at("component_access_token"))?;
    println!(
        " 2. component_access_token obtained with the stored ticket ({} chars)",
        token.len()
    );

    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(at("browser"))?;
    let page = follow(&browser, routes.authorize_url(), "pre_auth_code").await?;
    check(
        param(&page, "pre_auth_code").is_some(),
        "pre_auth_code",
        "none in the page URL",
    )?;
    println!(
        " 3. pre_auth_code created by GET {}",
        routes.authorize_url().path()
    );
    println!(
        " 4. authorization page: {}{}",
        page.origin().ascii_serialization(),
        page.path()
    );

    let step = "merchant authorization";
    let back = follow(&browser, page, step).await?;
    check(
        param(&back, "auth_code").is_some(),
        step,
        "no auth_code in the redirect",
    )?;
    println!(" 5. the merchant authorized on the page; redirected back with an auth_code");

    let step = "query_auth";
    let answer = browser.get(back).send().await.map_err(at(step))?;
    check(
        answer.status().is_success(),
        step,
        "the callback server failed",
    )?;
    let account: AuthorizedAccount = answer.json().await.map_err(at(step))?;
    let appid = account.authorizer_appid.clone();
    tokens
        .refresh_token(&component_appid, &appid)
        .await
        .map_err(at(step))?;
    println!(" 6. query_auth: authorizer {appid}'s tokens stored (refresh token in the store)");
    println!(
        " 7. authorizer info: {} ({}), permission sets {:?}",
        account.nick_name, account.user_name, account.func_ids
    );

    let step = "authorizer token refresh";
    let authorizer = client.authorizer(appid.as_str());
    let key = TokenKey::authorizer_access_token(component_appid.as_str(), appid.as_str());
    tokens.invalidate(&key).await.map_err(at(step))?;
    authorizer.access_token().await.map_err(at(step))?;
    println!(" 8. authorizer access token refreshed with the stored refresh token");

    let step = "clear quota";
    client.component().clear_quota().await.map_err(at(step))?;
    authorizer
        .official()
        .clear_quota()
        .await
        .map_err(at(step))?;
    println!(" 9. quota cleared for the platform and for the authorizer");

    let step = "OAuth code";
    let oauth = authorizer
        .oauth_url(
            url.join("oauth/done").map_err(at(step))?.as_str(),
            Scope::UserInfo,
        )
        .and_then(|builder| builder.state("quickstart").build())
        .map_err(at(step))?;
    let back = follow(&browser, oauth, step).await?;
    check(
        param(&back, "state").as_deref() == Some("quickstart"),
        step,
        "state lost",
    )?;
    let code = param(&back, "code").ok_or_else(|| at(step)("no code in the redirect"))?;
    println!("10. OAuth: the user consented on the authorizer's page, code received");

    let step = "user info";
    let user = authorizer
        .oauth()
        .component_access_token(ComponentAccessTokenRequest::new(code))
        .await
        .map_err(at(step))?
        .token;
    let info = authorizer
        .oauth()
        .userinfo(UserinfoRequest::new(
            user.access_token.as_str(),
            user.openid.as_str(),
        ))
        .await
        .map_err(at(step))?;
    println!(
        "11. user info: {} (openid {})",
        info.nickname.unwrap_or_default(),
        info.openid
    );

    let ticket = authorizer
        .jsapi_ticket()
        .await
        .map_err(at("jsapi_ticket"))?;
    println!(
        "12. jsapi_ticket obtained for {appid} ({} chars)",
        ticket.len()
    );
    let page = "https://example.com/shop?item=1";
    let share = wechat_api::jssdk::js_sdk_config_now(&appid, &ticket, page);
    println!(
        "13. share signature for {page}: {} (timestamp {})",
        share.signature, share.timestamp
    );

    // WeChat picks one of its test accounts at random.
    let account = TEST_ACCOUNTS[rand::random_range(0..TEST_ACCOUNTS.len())];
    let test = ReleaseTest::new(routes.message_url_template(), account);
    let report = sandbox
        .run_release_test(&test)
        .await
        .map_err(at("release test"))?;
    check(report.passed(), "release test", &report.to_string())?;
    println!(
        "14. full-network release test, group {} {}: all {} checks passed",
        account.group,
        account.appid,
        report.checks.len()
    );
    sandbox.shutdown().await;
    Ok(14)
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("error")),
        )
        .with_writer(std::io::stderr)
        .init();
    let dir = tempfile::tempdir();
    let store: Result<Arc<dyn TokenStore>, String> = match (args.redis, &dir) {
        (Some(url), _) => RedisStore::builder(url)
            .prefix(format!("wechat-quickstart:{:016x}:", rand::random::<u64>()))
            .connect()
            .await
            .map(|store| Arc::new(store) as _)
            .map_err(|e| e.to_string()),
        (None, Ok(dir)) => DurableStore::open(dir.path().join("wechat-tokens.redb"))
            .await
            .map(|store| Arc::new(store) as _)
            .map_err(|e| e.to_string()),
        (None, Err(e)) => Err(format!("cannot create a temporary directory: {e}")),
    };
    let outcome = match store {
        Ok(store) => run(store).await,
        Err(e) => Err(at("open the token store")(e)),
    };
    match outcome {
        Ok(steps) => {
            println!("quickstart passed: {steps} steps");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("quickstart failed: {e}");
            ExitCode::FAILURE
        }
    }
}

/// CI runs this program's flow (`cargo test` runs this example's tests).
#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn the_quickstart_passes_every_step() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let store = wechat_api::token::DurableStore::open(dir.path().join("tokens.redb"))
            .await
            .expect("the store opens");
        assert_eq!(super::run(std::sync::Arc::new(store)).await, Ok(14));
    }
}
