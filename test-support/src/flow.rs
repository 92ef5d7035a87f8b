//! The quickstart's steps, walked by the platform harness: a third-party
//! platform's whole life, against the sandbox, over real HTTP on 127.0.0.1.
//!
//! `cargo run --example quickstart` is the short program a user reads; this
//! is the same flow with a check after every step, for the tests. [`run`]
//! starts a [`Sandbox`] and a [`Platform`], then walks
//! through: verify ticket pushed → component_access_token → pre_auth_code →
//! authorization URL → the merchant authorizes (following the redirects:
//! callback server → sandbox page → callback server) → query_auth →
//! authorizer info → authorizer token refresh → clear quota → OAuth code →
//! user info → jsapi_ticket → share signature → the full-network release
//! test (the sandbox plays WeChat's test messages for one of its five
//! groups of test accounts, picked at random as WeChat does). Each step
//! reports one line.
//!
//! The steps are also public, one function each, so tests can stop and
//! restart the platform between them ([`Flow`]).

use std::path::PathBuf;
use std::sync::Arc;

use url::Url;
use wechat_api::Client;
use wechat_api::api::oauth::{ComponentAccessTokenRequest, UserinfoRequest};
use wechat_api::authorize::Scope;
use wechat_api::jssdk::JsSdkConfig;
use wechat_api::token::{DurableStore, MemoryStore, TokenKey, TokenStore};
use wechat_sandbox::release_test::{AccountKind, TEST_ACCOUNTS, TestAccount};
use wechat_sandbox::{ReleaseTest, ReleaseTestReport, Sandbox, SandboxConfig};

use wechat_api::server::{AUTHORIZE_PATH, AuthorizedAccount, EVENTS_PATH};

use crate::platform::{Platform, browser, follow, query_param};

/// Where the platform keeps its tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreChoice {
    /// In memory (lost on exit).
    Memory,
    /// The embedded durable store, in this file.
    Durable(PathBuf),
    /// Redis at this URL, under a prefix unique to the run.
    Redis(String),
}

/// A failed step.
#[derive(Debug, thiserror::Error)]
#[error("step `{step}` failed: {message}")]
pub struct FlowError {
    /// The step.
    pub step: &'static str,
    /// What went wrong.
    pub message: String,
}

impl FlowError {
    /// A failure of `step`.
    pub fn new(step: &'static str, message: impl std::fmt::Display) -> Self {
        FlowError {
            step,
            message: message.to_string(),
        }
    }
}

/// `Result` of a step.
pub type FlowResult<T> = Result<T, FlowError>;

fn at<E: std::fmt::Display>(step: &'static str) -> impl FnOnce(E) -> FlowError {
    move |e| FlowError::new(step, e)
}

/// What the flow ended with, for the caller to check.
#[derive(Debug, Clone)]
pub struct Report {
    /// The merchant that authorized.
    pub account: AuthorizedAccount,
    /// The OAuth user's openid.
    pub openid: String,
    /// The OAuth user's nickname.
    pub nickname: String,
    /// The page the JS-SDK configuration is for.
    pub page_url: String,
    /// The JS-SDK configuration the callback server answered.
    pub jssdk: JsSdkConfig,
    /// The release test's result.
    pub release_test: ReleaseTestReport,
    /// The lines reported, in order.
    pub lines: Vec<String>,
}

/// Opens the token store.
///
/// # Errors
/// When the file or Redis cannot be opened.
pub async fn open_store(choice: &StoreChoice) -> FlowResult<Arc<dyn TokenStore>> {
    let step = "open the token store";
    Ok(match choice {
        StoreChoice::Memory => Arc::new(MemoryStore::new()),
        StoreChoice::Durable(path) => Arc::new(DurableStore::open(path).await.map_err(at(step))?),
        StoreChoice::Redis(url) => {
            let prefix = format!("wechat-quickstart:{:016x}:", rand::random::<u64>());
            Arc::new(
                wechat_api::token::RedisStore::builder(url.clone())
                    .prefix(prefix)
                    .connect()
                    .await
                    .map_err(at(step))?,
            )
        }
    })
}

/// `url` with the values of the query parameters named like a secret
/// (`*code*`, `*ticket*`, `*token*`) replaced by `…` (for printing).
pub fn masked(url: &Url) -> String {
    let Some(query) = url.query() else {
        return url.to_string();
    };
    let mut shown = url.clone();
    shown.set_query(None);
    shown.set_fragment(None);
    let pairs: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, _)) if ["code", "ticket", "token"].iter().any(|s| name.contains(s)) => {
                format!("{name}=…")
            }
            _ => pair.to_owned(),
        })
        .collect();
    format!("{shown}?{}", pairs.join("&"))
}

/// The flow's moving parts: the sandbox, the callback server (which can be
/// stopped and started again on the same store) and a browser.
#[derive(Debug)]
pub struct Flow {
    /// The WeChat sandbox.
    pub sandbox: Sandbox,
    /// The running callback server, if any.
    pub server: Option<Platform>,
    /// An HTTP client that does not follow redirects.
    pub browser: reqwest::Client,
    store: StoreChoice,
}

impl Flow {
    /// Starts a sandbox with `config` (no callback server yet).
    ///
    /// # Errors
    /// When the sandbox cannot start.
    pub async fn start(config: SandboxConfig, store: StoreChoice) -> FlowResult<Self> {
        let sandbox = Sandbox::start(config)
            .await
            .map_err(at("start the sandbox"))?;
        Ok(Flow {
            sandbox,
            server: None,
            browser: browser(),
            store,
        })
    }

    /// Opens the store, builds a client pointed at the sandbox and starts a
    /// callback server with it on a free port; the sandbox pushes to it.
    ///
    /// # Errors
    /// When the store, the client or the server cannot be set up.
    pub async fn start_server(&mut self) -> FlowResult<&Platform> {
        let step = "start the callback server";
        let store = open_store(&self.store).await?;
        let client = self
            .sandbox
            .client_builder()
            .map_err(at(step))?
            .token_store(store)
            .build()
            .map_err(at(step))?;
        let server = Platform::serve(client).await;
        self.sandbox.set_callback_url(server.events_url());
        Ok(self.server.insert(server))
    }

    /// Stops the callback server (its client and store are dropped).
    pub async fn stop_server(&mut self) {
        self.sandbox.clear_callback_url();
        if let Some(server) = self.server.take() {
            server.shutdown().await;
        }
    }

    /// The running callback server.
    ///
    /// # Errors
    /// When none runs.
    pub fn server(&self) -> FlowResult<&Platform> {
        self.server
            .as_ref()
            .ok_or_else(|| FlowError::new("callback server", "not running"))
    }

    /// The callback server's client.
    ///
    /// # Errors
    /// When no server runs.
    pub fn client(&self) -> FlowResult<&Client> {
        Ok(self.server()?.client())
    }

    fn component_appid(&self) -> String {
        self.sandbox.config().component_appid().to_owned()
    }

    /// The sandbox pushes a verify ticket; checks the server stored it.
    ///
    /// # Errors
    /// When the push is refused or the stored ticket differs.
    pub async fn push_ticket(&self) -> FlowResult<String> {
        let step = "push the component_verify_ticket";
        let ticket = self.sandbox.push_verify_ticket().await.map_err(at(step))?;
        let stored = self
            .client()?
            .tokens()
            .verify_ticket(&self.component_appid())
            .await
            .map_err(at(step))?;
        if stored != ticket {
            return Err(FlowError::new(
                step,
                "the stored ticket is not the pushed one",
            ));
        }
        Ok(format!(
            "component_verify_ticket pushed to {} (AES, msg_signature), verified, decrypted, stored",
            EVENTS_PATH
        ))
    }

    /// Gets the component_access_token from the stored ticket.
    ///
    /// # Errors
    /// The client's errors.
    pub async fn component_token(&self) -> FlowResult<String> {
        let token = self
            .client()?
            .component_access_token()
            .await
            .map_err(at("component_access_token"))?;
        Ok(format!(
            "component_access_token obtained with the stored ticket ({} chars, cached in the store)",
            token.len()
        ))
    }

    /// `GET /wechat/component/authorize`: the server creates a pre_auth_code
    /// and redirects to the authorization page. Returns that page's URL.
    ///
    /// # Errors
    /// When the server does not redirect to a page with a pre_auth_code.
    pub async fn start_authorization(&self) -> FlowResult<Url> {
        let step = "pre_auth_code";
        let page = follow(&self.browser, &self.server()?.authorize_url())
            .await
            .map_err(at(step))?;
        if query_param(&page, "pre_auth_code").is_none_or(|c| c.is_empty()) {
            return Err(FlowError::new(
                step,
                "the authorization URL has no pre_auth_code",
            ));
        }
        Ok(page)
    }

    /// The merchant authorizes on the sandbox page; returns the callback
    /// URL (with `auth_code`) the page redirected to.
    ///
    /// # Errors
    /// When the page does not redirect back with an `auth_code`.
    pub async fn authorize_on_page(&self, page: &Url) -> FlowResult<Url> {
        let step = "merchant authorization";
        let back = follow(&self.browser, page).await.map_err(at(step))?;
        if query_param(&back, "auth_code").is_none_or(|c| c.is_empty()) {
            return Err(FlowError::new(step, "the redirect has no auth_code"));
        }
        Ok(back)
    }

    /// Opens the callback URL: the server runs query_auth and fetches the
    /// authorizer's details.
    ///
    /// # Errors
    /// When the server does not answer the details.
    pub async fn complete_authorization(&self, back: &Url) -> FlowResult<AuthorizedAccount> {
        let step = "query_auth";
        let answer = self
            .browser
            .get(back.clone())
            .send()
            .await
            .map_err(at(step))?;
        let status = answer.status();
        if !status.is_success() {
            let body = answer.text().await.unwrap_or_default();
            return Err(FlowError::new(
                step,
                format!("HTTP {}: {}", status.as_u16(), body.trim()),
            ));
        }
        let account: AuthorizedAccount = answer.json().await.map_err(at(step))?;
        self.client()?
            .tokens()
            .refresh_token(&self.component_appid(), &account.authorizer_appid)
            .await
            .map_err(at("the refresh token was not stored"))?;
        Ok(account)
    }

    /// Drops the authorizer's access token and gets a new one with the
    /// stored refresh token.
    ///
    /// # Errors
    /// The client's errors.
    pub async fn refresh_authorizer_token(&self, authorizer_appid: &str) -> FlowResult<()> {
        let step = "authorizer token refresh";
        let client = self.client()?;
        let key = TokenKey::authorizer_access_token(self.component_appid(), authorizer_appid);
        client.tokens().invalidate(&key).await.map_err(at(step))?;
        let before = self
            .sandbox
            .request_count("/cgi-bin/component/api_authorizer_token");
        client
            .authorizer(authorizer_appid)
            .access_token()
            .await
            .map_err(at(step))?;
        let after = self
            .sandbox
            .request_count("/cgi-bin/component/api_authorizer_token");
        if after != before + 1 {
            return Err(FlowError::new(
                step,
                "api_authorizer_token was not called once",
            ));
        }
        Ok(())
    }

    /// Clears the platform's quota and the authorizer's.
    ///
    /// # Errors
    /// The client's errors.
    pub async fn clear_quota(&self, authorizer_appid: &str) -> FlowResult<()> {
        let step = "clear quota";
        let client = self.client()?;
        client.component().clear_quota().await.map_err(at(step))?;
        client
            .authorizer(authorizer_appid)
            .official()
            .clear_quota()
            .await
            .map_err(at(step))?;
        Ok(())
    }

    /// A user goes through OAuth (scope `snsapi_userinfo`) on the
    /// authorizer's page, through the platform; returns the code.
    ///
    /// # Errors
    /// When the sandbox does not redirect back with the code and state.
    pub async fn oauth_code(&self, authorizer_appid: &str) -> FlowResult<String> {
        let step = "OAuth code";
        let client = self.client()?.authorizer(authorizer_appid);
        let redirect = self.server()?.url().join("/oauth/done").map_err(at(step))?;
        let url = client
            .oauth_url(redirect.as_str(), Scope::UserInfo)
            .map_err(at(step))?
            .state("quickstart")
            .build()
            .map_err(at(step))?;
        let back = follow(&self.browser, &url).await.map_err(at(step))?;
        if query_param(&back, "state").as_deref() != Some("quickstart") {
            return Err(FlowError::new(step, "the state did not come back"));
        }
        query_param(&back, "code")
            .filter(|c| !c.is_empty())
            .ok_or_else(|| FlowError::new(step, "no code in the redirect"))
    }

    /// Exchanges the code for a user token and reads the user's profile;
    /// returns `(openid, nickname)`.
    ///
    /// # Errors
    /// The client's errors.
    pub async fn user_info(
        &self,
        authorizer_appid: &str,
        code: &str,
    ) -> FlowResult<(String, String)> {
        let step = "user info";
        let client = self.client()?.authorizer(authorizer_appid);
        let token = client
            .oauth()
            .component_access_token(ComponentAccessTokenRequest::new(code))
            .await
            .map_err(at(step))?
            .token;
        let info = client
            .oauth()
            .userinfo(UserinfoRequest::new(
                token.access_token.as_str(),
                token.openid.as_str(),
            ))
            .await
            .map_err(at(step))?;
        Ok((info.openid, info.nickname.unwrap_or_default()))
    }

    /// Gets the authorizer's jsapi_ticket.
    ///
    /// # Errors
    /// The client's errors.
    pub async fn jsapi_ticket(&self, authorizer_appid: &str) -> FlowResult<String> {
        self.client()?
            .authorizer(authorizer_appid)
            .jsapi_ticket()
            .await
            .map_err(at("jsapi_ticket"))
    }

    /// Asks the callback server for the JS-SDK configuration of `page` and
    /// checks its signature against `ticket`.
    ///
    /// # Errors
    /// When the server fails or the signature does not match.
    pub async fn share_signature(
        &self,
        authorizer_appid: &str,
        ticket: &str,
        page: &str,
    ) -> FlowResult<JsSdkConfig> {
        let step = "share signature";
        let mut url = self.server()?.jssdk_url();
        url.query_pairs_mut()
            .append_pair("url", page)
            .append_pair("appid", authorizer_appid);
        let answer = self.browser.get(url).send().await.map_err(at(step))?;
        if !answer.status().is_success() {
            return Err(FlowError::new(
                step,
                format!("HTTP {}", answer.status().as_u16()),
            ));
        }
        let value: serde_json::Value = answer.json().await.map_err(at(step))?;
        let field = |name: &str| value.get(name).cloned().unwrap_or_default();
        let config = wechat_api::jssdk::js_sdk_config(
            field("appId").as_str().unwrap_or_default(),
            ticket,
            page,
            field("nonceStr").as_str().unwrap_or_default(),
            field("timestamp").as_i64().unwrap_or_default(),
        );
        // `config` was signed here with the ticket: the server must agree.
        if field("signature").as_str() != Some(config.signature.as_str())
            || config.app_id != authorizer_appid
        {
            return Err(FlowError::new(
                step,
                "the signature does not match the jsapi_ticket",
            ));
        }
        Ok(config)
    }

    /// The sandbox plays WeChat's full-network release test with `account`
    /// against the callback server's message URL.
    ///
    /// # Errors
    /// When the test cannot run, or a check fails (the message lists them).
    pub async fn release_test(&self, account: &TestAccount) -> FlowResult<ReleaseTestReport> {
        let step = "release test";
        let test = ReleaseTest::new(self.server()?.routes().message_url_template(), *account);
        let report = self
            .sandbox
            .run_release_test(&test)
            .await
            .map_err(at(step))?;
        if !report.passed() {
            return Err(FlowError::new(step, report));
        }
        Ok(report)
    }

    /// Stops the callback server and the sandbox.
    pub async fn finish(mut self) {
        self.stop_server().await;
        self.sandbox.shutdown().await;
    }
}

/// Runs the whole flow with a sandbox of the default configuration,
/// reporting each step with `say`.
///
/// # Errors
/// The first step that fails.
pub async fn run(store: StoreChoice, say: impl FnMut(&str)) -> FlowResult<Report> {
    // The flow pushes the ticket itself; no scheduled push in the middle.
    let config = SandboxConfig::builder()
        .push_interval(None)
        .build()
        .map_err(at("configure the sandbox"))?;
    run_with(config, store, say).await
}

/// Runs the whole flow against a sandbox with `config`.
///
/// # Errors
/// The first step that fails.
pub async fn run_with(
    config: SandboxConfig,
    store: StoreChoice,
    mut say: impl FnMut(&str),
) -> FlowResult<Report> {
    let mut lines = Vec::new();
    let mut report = |line: String| {
        say(&line);
        lines.push(line);
    };
    let store_name = match &store {
        StoreChoice::Memory => "in-memory store".to_owned(),
        StoreChoice::Durable(path) => format!("durable store {}", path.display()),
        StoreChoice::Redis(_) => "Redis store".to_owned(),
    };
    let mut flow = Flow::start(config, store).await?;
    report(format!(
        "sandbox: WeChat emulator on {}",
        flow.sandbox.base_url()
    ));
    let server_url = flow.start_server().await?.url().clone();
    report(format!("callback server on {server_url} ({store_name})"));

    let line = flow.push_ticket().await?;
    report(format!(" 1. {line}"));
    let line = flow.component_token().await?;
    report(format!(" 2. {line}"));

    let page = flow.start_authorization().await?;
    report(format!(
        " 3. pre_auth_code created by GET {}",
        AUTHORIZE_PATH
    ));
    report(format!(" 4. authorization URL: {}", masked(&page)));
    let back = flow.authorize_on_page(&page).await?;
    let merchant = flow
        .sandbox
        .config()
        .merchants()
        .first()
        .map(|m| m.appid.clone())
        .unwrap_or_default();
    report(format!(
        " 5. merchant {merchant} authorized on the page; redirected to {}; `authorized` event pushed",
        masked(&back)
    ));
    let account = flow.complete_authorization(&back).await?;
    report(format!(
        " 6. query_auth: authorizer {} tokens stored (refresh token in the store)",
        account.authorizer_appid
    ));
    report(format!(
        " 7. authorizer info: {} ({}), permission sets {:?}",
        account.nick_name, account.user_name, account.func_ids
    ));
    let heard = flow.server()?.authorizers();
    if !heard.contains_key(&account.authorizer_appid) {
        return Err(FlowError::new(
            "authorized event",
            "the callback server did not record it",
        ));
    }

    let appid = account.authorizer_appid.clone();
    flow.refresh_authorizer_token(&appid).await?;
    report(" 8. authorizer access token refreshed with the stored refresh token".to_owned());
    flow.clear_quota(&appid).await?;
    report(" 9. quota cleared for the platform and for the authorizer".to_owned());

    let code = flow.oauth_code(&appid).await?;
    report(format!(
        "10. OAuth: user consented on the authorizer's page, code received ({} chars, state=quickstart)",
        code.len()
    ));
    let (openid, nickname) = flow.user_info(&appid, &code).await?;
    report(format!("11. user info: {nickname} (openid {openid})"));

    let ticket = flow.jsapi_ticket(&appid).await?;
    report(format!(
        "12. jsapi_ticket obtained for {appid} ({} chars)",
        ticket.len()
    ));
    let page_url = "https://example.com/shop?item=1".to_owned();
    let jssdk = flow.share_signature(&appid, &ticket, &page_url).await?;
    report(format!(
        "13. share signature for {page_url}: {} (timestamp {}, nonceStr {}) verified",
        jssdk.signature, jssdk.timestamp, jssdk.nonce_str
    ));
    // WeChat picks one of its test accounts at random.
    let test_account = TEST_ACCOUNTS[rand::random_range(0..TEST_ACCOUNTS.len())];
    let release_test = flow.release_test(&test_account).await?;
    let kind = match test_account.kind {
        AccountKind::OfficialAccount => "official account",
        AccountKind::MiniProgram => "mini program",
    };
    report(format!(
        "14. full-network release test played by the sandbox, group {} {kind} {}: all {} checks passed",
        test_account.group,
        test_account.appid,
        release_test.checks.len()
    ));
    flow.finish().await;
    Ok(Report {
        account,
        openid,
        nickname,
        page_url,
        jssdk,
        release_test,
        lines,
    })
}
