//! A local WeChat: an in-process emulator of the WeChat servers for tests,
//! demos and the quickstart.
//!
//! [`Sandbox::start`] binds a random port on 127.0.0.1 and serves, with real
//! behaviour:
//!
//! * **every endpoint of the spec** (`wechat_api::api::ENDPOINTS`): each
//!   one is routed from its static description, its credential is checked
//!   (a live token of the right kind: 41001 missing, 40001 unknown or
//!   replaced, 42001 expired), its required and fixed parameters, appids
//!   (40013) and secrets (40125). What has state — tokens, codes, tickets —
//!   is hand-written as overrides keyed by path; any other endpoint answers
//!   its spec example, so an endpoint added to `spec/` is served at once;
//! * **the authorization page** (`/cgi-bin/componentloginpage`): a
//!   configured merchant authorizes at once, the `authorized` event is
//!   pushed to the callback URL and the browser is redirected to
//!   `redirect_uri?auth_code=..&expires_in=..`;
//! * **web-page OAuth** (`/connect/oauth2/authorize`) for configured users;
//! * **pushes** of `component_verify_ticket` (on a schedule, with
//!   [`Sandbox::push_verify_ticket`], and right after a call of
//!   `api_start_push_ticket`), `authorized`, `updateauthorized` and
//!   `unauthorized`, encrypted and signed exactly as WeChat does. Only the
//!   latest delivered verify ticket gets a `component_access_token`.
//!
//! * **pushes to an official account's or mini program's own message URL**
//!   ([`Sandbox::push_to_account`], [`Sandbox::check_account_url`]): any
//!   message or event, in plain, compatible or safe mode, XML or JSON, the
//!   answer verified and decrypted as WeChat does;
//!
//! * **the full-network release test** ([`Sandbox::run_release_test`]):
//!   the test messages of one of WeChat's five groups of test accounts,
//!   sent to the platform's message URL, with a pass or fail per check
//!   ([`release_test`]);
//! * **flows that span calls**: a mini program's code lifecycle (`commit` →
//!   `submit_audit` → a `weapp_audit_success` or `weapp_audit_fail` event
//!   pushed to the authorizer's message URL, see
//!   [`Sandbox::set_message_url`] and [`AuditVerdict`] → `release`), files
//!   uploaded and downloaded (`media/upload` → `media/get`,
//!   `add_material` → `get_material`), the default menu (`menu/create` →
//!   `menu/get`), customer-service messages
//!   ([`Sandbox::custom_messages`]), WeChat Store products (`product/add` →
//!   `list/get` → `listing` → `delisting`) and orders (a buyer's order, see
//!   [`Sandbox::place_store_order`], → `order/get` → `delivery/send`), and
//!   the logistics helper's waybills (`order/add` → `test_update_order` →
//!   `path/get`, `order/cancel`).
//!
//! * **WeChat Pay API v3** under `/v3/` ([`pay`], steered with
//!   [`Sandbox::pay`]): signed requests checked, signed answers, platform
//!   certificates (rotated on request) and the WeChat Pay public key,
//!   orders, payments with their notifications, refunds and bills; and for
//!   a service provider its sub-merchants, media uploads, onboarding,
//!   partner orders and refunds, profit sharing, complaints and transfers
//!   (see `sandbox/PAY_PARTNER.md` for what it checks as WeChat does).
//!
//! Tests steer it: [`Sandbox::inject`] queues [`Fault`]s (errcodes, HTTP
//! statuses, delays), [`Sandbox::set_audit_verdict`] decides the next code
//! reviews, [`Sandbox::calls`] lists the calls received (method, path,
//! query, typed body, errcode answered), [`Sandbox::request_count`] counts
//! requests per path and [`Sandbox::endpoint_count`] per endpoint,
//! [`Sandbox::expire_all_tokens`] makes every token expire now.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use wechat_sandbox::{Sandbox, SandboxConfig};
//!
//! let sandbox = Sandbox::start(SandboxConfig::default()).await?;
//! let client = sandbox.client_builder()?.build()?;
//! let token = client.access_token().await?;
//! assert_eq!(sandbox.request_count("/cgi-bin/stable_token"), 1);
//! # let _ = token;
//! # Ok(()) }
//! ```
//!
//! # In your own tests
//!
//! Add the sandbox as a dev-dependency beside `wechat-api` (and `tokio`
//! for `#[tokio::test]`):
//!
//! ```toml
//! [dependencies]
//! wechat-api = { version = "0.1", features = ["axum"] }
//!
//! [dev-dependencies]
//! wechat-sandbox = "0.1"
//! tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
//! ```
//!
//! A test then has four moves, all on one [`Sandbox`]:
//!
//! * **configure** — [`SandboxConfig::builder`] declares the accounts:
//!   the official account (the `official_*` settings, its
//!   [`SandboxConfig::account_config`] is the `wechat_api::Config` your
//!   code gets), the Open Platform component, the merchants that can
//!   authorize it ([`Merchant`], official accounts or mini programs) and
//!   the users who follow ([`User`]); [`SandboxConfig::default`] has one of
//!   each ([`DEFAULT_OFFICIAL_APPID`], [`DEFAULT_COMPONENT_APPID`],
//!   [`DEFAULT_MERCHANT_APPID`], [`DEFAULT_OPENID`]);
//! * **push** — [`Sandbox::push_to_account`] sends a [`UserMessage`] to an
//!   account's own message URL ([`AccountUrl`], in any [`PushMode`] and
//!   [`PushFormat`]) and returns the decrypted [`AccountReply`];
//!   [`Sandbox::push_to_authorizer`] sends one to an authorizer of a
//!   platform at the platform's message URL ([`Sandbox::set_message_url`];
//!   always encrypted, WeChat's only mode for platforms) and returns its
//!   decrypted reply the same way; the platform's own pushes go to its
//!   callback URL ([`Sandbox::set_callback_url`]:
//!   [`Sandbox::push_verify_ticket`], authorization on the authorization
//!   page, [`Sandbox::unauthorize`]) and the message URL
//!   ([`Sandbox::complete_audit`], [`Sandbox::run_release_test`]);
//! * **read what your code did** — [`Sandbox::calls`] and
//!   [`Sandbox::calls_to`]: every call as a [`Call`] (method, path, query,
//!   the body typed with [`Call::body`] as a struct of yours or one of the
//!   library's body types, the errcode answered; tokens and secrets redacted;
//!   the last [`CALL_LOG_CAPACITY`] kept), [`Sandbox::clear_calls`];
//!   [`Sandbox::request_count`] (per path), [`Sandbox::endpoint_count`]
//!   (per spec endpoint), [`Sandbox::request_counts`] (all paths),
//!   [`Sandbox::custom_messages`] (the customer-service messages sent, as
//!   [`SentMessage`]s) and, for WeChat Pay, the recorded calls of
//!   [`pay::PaySandbox::calls`];
//! * **inject faults** — [`Sandbox::inject`] with a [`Fault`]:
//!   `Fault::errcode(40001)` (a rejected token: the client fetches a new
//!   one and retries once), an errcode storm
//!   `Fault::errcode(45009).on("/cgi-bin/message/custom/send").times(50)`,
//!   latency `Fault::delay(Duration::from_secs(6))`, a server error
//!   `Fault::status(502)`; [`Sandbox::clear_faults`] drops what is left.
//!
//! A user's handler tested end to end: the sandbox plays WeChat, pushing
//! a follower's text to the handler's URL and answering the API calls the
//! handler makes, the first of them with a rejected token.
//!
//! ```
//! use wechat_api::api::user::InfoRequest;
//! use wechat_api::callback::{HandlerResult, MessageCallback, Reply, Router};
//! use wechat_api::server::{AccountRoutes, serve};
//! use wechat_api::{Client, event::Message};
//! use wechat_sandbox::{DEFAULT_OPENID, Fault, PushMode, Sandbox, UserMessage};
//!
//! // The code under test: reads the sender's profile and answers with it.
//! async fn on_text(message: Message, client: Client) -> HandlerResult {
//!     let openid = message.header().from_user_name.clone();
//!     let user = client.user().info(InfoRequest::new(openid)).await?.user;
//!     Ok(Some(Reply::text(format!("hello {}", user.openid))))
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // Configure: the sandbox's official account, and a client for it.
//! let sandbox = Sandbox::start_default().await?;
//! let client = sandbox.client_builder_with(sandbox.config().account_config()?)?.build()?;
//! let router = Router::new().message("text", on_text);
//! let app = AccountRoutes::new(MessageCallback::account(client, router)?)?.router();
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! let addr = listener.local_addr()?;
//! tokio::spawn(async move { serve(listener, app, Default::default()).await });
//!
//! // Fault: the first user/info call meets a rejected token (40001).
//! sandbox.inject(Fault::errcode(40001).on("/cgi-bin/user/info"));
//!
//! // Push: a follower's text, in safe mode, as WeChat sends it.
//! let account = sandbox.official_account_url(format!("http://{addr}/wechat").parse()?);
//! let account = account.mode(PushMode::Safe);
//! sandbox.check_account_url(&account).await?;
//! let message = UserMessage::text(DEFAULT_OPENID, "hi");
//! let reply = sandbox.push_to_account(&account, &message).await?;
//!
//! // Read: the decrypted reply, and the calls the handler made.
//! assert_eq!(reply.content(), Some(format!("hello {DEFAULT_OPENID}")));
//! assert_eq!(sandbox.request_count("/cgi-bin/user/info"), 2);
//! assert_eq!(sandbox.pending_faults(), 0);
//! # Ok(()) }
//! ```
//!
//! What the code under test sent, read back from the call log: its
//! customer-service message, the body typed as a struct of the test's own
//! (or one of the library's body types), the token redacted.
//!
//! ```
//! use serde::Deserialize;
//! use wechat_api::Client;
//! use wechat_api::api::message::{CustomMessage, CustomSendRequest};
//! use wechat_sandbox::{DEFAULT_OPENID, REDACTED, Sandbox};
//!
//! // The code under test: tells a user their order shipped.
//! async fn notify_shipped(client: &Client, openid: &str) -> wechat_api::Result<()> {
//!     let text = CustomMessage::text("your order has shipped");
//!     client.message().custom_send(CustomSendRequest::new(openid, text)).await?;
//!     Ok(())
//! }
//!
//! // What the test asserts on.
//! #[derive(Deserialize)]
//! struct Sent {
//!     touser: String,
//!     msgtype: String,
//!     text: Text,
//! }
//! #[derive(Deserialize)]
//! struct Text {
//!     content: String,
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let sandbox = Sandbox::start_default().await?;
//! let client = sandbox.client_builder()?.build()?;
//! notify_shipped(&client, DEFAULT_OPENID).await?;
//!
//! let calls = sandbox.calls_to("/cgi-bin/message/custom/send");
//! assert_eq!(calls.len(), 1);
//! let call = &calls[0];
//! assert_eq!((call.method.as_str(), call.errcode), ("POST", Some(0)));
//! let sent: Sent = call.body()?;
//! assert_eq!((sent.touser.as_str(), sent.msgtype.as_str()), (DEFAULT_OPENID, "text"));
//! assert_eq!(sent.text.content, "your order has shipped");
//! // The library's own body types read it too.
//! let message: CustomMessage = call.body()?;
//! assert_eq!(message, CustomMessage::text("your order has shipped"));
//! // Tokens never reach the log, nor its Debug output.
//! assert_eq!(call.query("access_token"), Some(REDACTED));
//! let token = client.access_token().await?;
//! assert!(!format!("{:?}", sandbox.calls()).contains(token.as_str()));
//! # Ok(()) }
//! ```
#![warn(missing_docs)]

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use url::Url;
use wechat_api::crypto::MsgCrypt;
use wechat_api::endpoint::Endpoint;

mod account_push;
mod answer;
mod call_log;
mod checked;
mod checks;
mod code_review;
mod config;
pub mod errcode;
mod express;
mod faults;
mod media_store;
mod message_push;
mod overrides;
mod pages;
pub mod pay;
mod push;
pub mod release_test;
mod routes;
mod sent_message;
mod store;
mod world;

pub use account_push::{AccountReply, AccountUrl, PushFormat, PushMode, UserMessage};
pub use call_log::{CALL_LOG_CAPACITY, Call, CallBody, REDACTED, is_secret};
pub use code_review::AuditVerdict;
pub use config::{
    DEFAULT_COMPONENT_APPID, DEFAULT_MERCHANT_APPID, DEFAULT_OFFICIAL_APPID, DEFAULT_OPENID,
    Merchant, SandboxConfig, SandboxConfigBuilder, User,
};
pub use faults::{Fault, FaultKind};
pub use release_test::{ReleaseTest, ReleaseTestReport};
pub use sent_message::SentMessage;

use faults::{Monitor, lock};
use push::Event;
use world::{TokenKind, World};

/// Paths served by hand-written pages rather than the spec.
const PAGE_PATHS: [&str; 3] = [
    "/cgi-bin/componentloginpage",
    "/wxaopen/safe/bindcomponent",
    "/connect/oauth2/authorize",
];

/// The largest request body the sandbox reads (a 10 MB video and its form).
const BODY_LIMIT: usize = 16 << 20;

/// How often expired tokens and codes are forgotten.
const SWEEP_INTERVAL: Duration = Duration::from_secs(60);

/// What can go wrong running the sandbox.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SandboxError {
    /// The configuration is invalid.
    #[error("sandbox configuration: {0}")]
    Config(String),
    /// The listening socket could not be opened.
    #[error("sandbox could not listen: {0}")]
    Bind(#[source] std::io::Error),
    /// An event could not be pushed because no callback URL is set.
    #[error("no callback URL is set: call Sandbox::set_callback_url first")]
    NoCallbackUrl,
    /// A message or event could not be pushed to an authorizer because no
    /// message URL is set.
    #[error("no message URL is set: call Sandbox::set_message_url first")]
    NoMessageUrl,
    /// The callback did not accept a push.
    #[error("push failed: {0}")]
    Push(String),
    /// Encrypting a push failed.
    #[error("push encryption failed: {0}")]
    Crypto(#[source] wechat_api::Error),
    /// A recorded call's body is not JSON or does not read as the type
    /// asked for ([`Call::body`]).
    #[error("call log: {0}")]
    CallBody(String),
    /// A message could not be pushed to `appid` because it has not
    /// authorized the component ([`Sandbox::push_to_authorizer`]).
    #[error("`{0}` has not authorized the component")]
    NotAuthorized(String),
    /// A WeChat Pay operation of the sandbox failed (an unknown order or
    /// refund, one in the wrong state, keys that could not be made).
    #[error("pay sandbox: {0}")]
    Pay(String),
}

/// State shared by the handlers (its `Debug` shows no token).
pub(crate) struct Shared {
    pub(crate) config: SandboxConfig,
    world: Mutex<World>,
    pub(crate) monitor: Monitor,
    /// Every call to WeChat's API, for tests to read.
    pub(crate) calls: call_log::CallLog,
    pub(crate) crypt: MsgCrypt,
    pub(crate) http: reqwest::Client,
    /// `http://127.0.0.1:PORT/`.
    pub(crate) base_url: Url,
    callback_url: Mutex<Option<Url>>,
    /// The platform's message URL, with `$APPID$`.
    message_url: Mutex<Option<String>>,
    /// Woken whenever a call the release test watches is recorded.
    pub(crate) activity: tokio::sync::Notify,
    /// Signalled by `api_start_push_ticket`: push a verify ticket now.
    pub(crate) push_requested: Arc<tokio::sync::Notify>,
    /// Held while a verify ticket is pushed, so that the latest delivered
    /// ticket is the current one even when pushes overlap.
    ticket_push: tokio::sync::Mutex<()>,
    /// WeChat Pay: keys, merchants, orders, refunds, bills, notifications.
    pub(crate) pay: pay::PayShared,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("config", &self.config)
            .field("callback_url", &self.callback_url().map(|u| u.to_string()))
            .field("message_url", &self.message_url())
            .finish_non_exhaustive()
    }
}

impl Shared {
    /// The world, locked (hold it briefly, never across an await).
    pub(crate) fn world(&self) -> MutexGuard<'_, World> {
        lock(&self.world)
    }

    pub(crate) fn callback_url(&self) -> Option<Url> {
        lock(&self.callback_url).clone()
    }

    pub(crate) fn message_url(&self) -> Option<String> {
        lock(&self.message_url).clone()
    }

    /// What kind of account `appid` is: a configured merchant's kind, a
    /// release-test account's, else an official account.
    pub(crate) fn account_kind(&self, appid: &str) -> release_test::AccountKind {
        self.config
            .merchant(appid)
            .map(|m| m.kind)
            .or_else(|| {
                release_test::TEST_ACCOUNTS
                    .iter()
                    .find(|a| a.appid == appid)
                    .map(|a| a.kind)
            })
            .unwrap_or(release_test::AccountKind::OfficialAccount)
    }

    /// Pushes a new verify ticket; it becomes the current one once delivered.
    async fn push_verify_ticket(&self) -> Result<String, SandboxError> {
        let _one_at_a_time = self.ticket_push.lock().await;
        let ticket = format!("ticket@@@{}", world::random_string(86));
        self.push(&Event::VerifyTicket {
            ticket: ticket.clone(),
        })
        .await?;
        self.world().verify_ticket = Some(ticket.clone());
        tracing::info!("component_verify_ticket pushed and accepted");
        Ok(ticket)
    }
}

/// `expires_in` for a lifetime: whole seconds (rounded down, so a client
/// never believes a token lives longer than it does), at least 1.
pub(crate) fn expires_in(d: Duration) -> u64 {
    d.as_secs().max(1)
}

/// A running sandbox; stops when dropped (or with [`Sandbox::shutdown`]).
#[derive(Debug)]
pub struct Sandbox {
    shared: Arc<Shared>,
    addr: SocketAddr,
    base_url: Url,
    server: Option<JoinHandle<()>>,
    stop: Option<oneshot::Sender<()>>,
    tasks: Vec<JoinHandle<()>>,
}

impl Sandbox {
    /// Starts a sandbox on a random free port of 127.0.0.1.
    ///
    /// # Errors
    /// [`SandboxError::Config`] for an invalid EncodingAESKey;
    /// [`SandboxError::Bind`] when no port can be opened.
    pub async fn start(config: SandboxConfig) -> Result<Self, SandboxError> {
        let crypt = MsgCrypt::new(
            config.component_token.clone(),
            config.component_aes_key.clone(),
            config.component_appid.clone(),
        )
        .map_err(|e| SandboxError::Config(e.to_string()))?;
        if rustls::crypto::CryptoProvider::get_default().is_none() {
            let _ = rustls::crypto::ring::default_provider().install_default();
        }
        let http = reqwest::Client::builder()
            .timeout(config.push_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| SandboxError::Config(format!("HTTP client: {e}")))?;
        if let Some(template) = &config.message_url {
            message_push::message_url(template, DEFAULT_MERCHANT_APPID)?;
        }
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(SandboxError::Bind)?;
        let addr = listener.local_addr().map_err(SandboxError::Bind)?;
        let base_url = Url::parse(&format!("http://{addr}/"))
            .map_err(|e| SandboxError::Config(e.to_string()))?;
        let mut world = World::default();
        world.audit_verdict = config.audit_verdict.clone();
        let config_pay = config.pay.clone();
        let shared = Arc::new(Shared {
            callback_url: Mutex::new(config.callback_url.clone()),
            message_url: Mutex::new(config.message_url.clone()),
            calls: call_log::CallLog::new(config.call_log_capacity),
            config,
            world: Mutex::new(world),
            monitor: Monitor::default(),
            crypt,
            http,
            base_url: base_url.clone(),
            activity: tokio::sync::Notify::new(),
            push_requested: Arc::new(tokio::sync::Notify::new()),
            ticket_push: tokio::sync::Mutex::new(()),
            pay: pay::PayShared::new(config_pay),
        });
        let app = router(Arc::clone(&shared));
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
                let _ = stopped.await;
            });
            if let Err(error) = serve.await {
                tracing::error!(%error, "the sandbox server stopped");
            }
        });
        let mut tasks = vec![
            tokio::spawn(sweep(Arc::downgrade(&shared))),
            tokio::spawn(push_on_request(
                Arc::downgrade(&shared),
                Arc::clone(&shared.push_requested),
            )),
        ];
        if let Some(interval) = shared.config.push_interval {
            tasks.push(tokio::spawn(push_on_schedule(
                Arc::downgrade(&shared),
                interval,
            )));
        }
        tracing::info!(%addr, "WeChat sandbox listening");
        Ok(Sandbox {
            shared,
            addr,
            base_url,
            server: Some(server),
            stop: Some(stop),
            tasks,
        })
    }

    /// Starts a sandbox with [`SandboxConfig::default`].
    ///
    /// # Errors
    /// As [`Sandbox::start`].
    pub async fn start_default() -> Result<Self, SandboxError> {
        Self::start(SandboxConfig::default()).await
    }

    /// The configuration.
    pub fn config(&self) -> &SandboxConfig {
        &self.shared.config
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT/`: the base URL of every WeChat host.
    pub fn base_url(&self) -> &Url {
        &self.base_url
    }

    /// A client configuration with the credentials of the sandbox's
    /// component platform and official account.
    ///
    /// # Errors
    /// As [`SandboxConfig::client_config`].
    pub fn client_config(&self) -> wechat_api::Result<wechat_api::Config> {
        self.shared.config.client_config()
    }

    /// A client builder with [`client_config`](Self::client_config) and every
    /// WeChat host (api, mp, open) pointed at the sandbox. Add a token store
    /// and build.
    ///
    /// # Errors
    /// As [`wechat_api::ClientBuilder::base_url`].
    pub fn client_builder(&self) -> wechat_api::Result<wechat_api::ClientBuilder> {
        self.client_builder_with(self.client_config()?)
    }

    /// A client builder with `config` and every WeChat host pointed at the
    /// sandbox.
    ///
    /// # Errors
    /// As [`wechat_api::ClientBuilder::base_url`].
    pub fn client_builder_with(
        &self,
        config: wechat_api::Config,
    ) -> wechat_api::Result<wechat_api::ClientBuilder> {
        let base = self.base_url.as_str();
        wechat_api::Client::builder(config).base_url_for_all(base)
    }

    /// Where events are pushed; scheduled verify-ticket pushes start once set.
    pub fn set_callback_url(&self, url: Url) {
        *lock(&self.shared.callback_url) = Some(url);
    }

    /// Stops pushing (pushes fail with [`SandboxError::NoCallbackUrl`]).
    pub fn clear_callback_url(&self) {
        *lock(&self.shared.callback_url) = None;
    }

    /// The callback URL, if set.
    pub fn callback_url(&self) -> Option<Url> {
        self.shared.callback_url()
    }

    /// The platform's message URL (消息与事件接收URL), where messages and
    /// events to its authorizers are pushed: the URL configured on the
    /// platform, with WeChat's `$APPID$` placeholder
    /// (`https://platform.example.com/$APPID$/callback`), as the release
    /// test takes it.
    ///
    /// # Errors
    /// [`SandboxError::Config`] when `template` has no `$APPID$` or is not
    /// an absolute http(s) URL.
    pub fn set_message_url(&self, template: impl Into<String>) -> Result<(), SandboxError> {
        let template = template.into();
        message_push::message_url(&template, DEFAULT_MERCHANT_APPID)?;
        *lock(&self.shared.message_url) = Some(template);
        Ok(())
    }

    /// The message URL, if set.
    pub fn message_url(&self) -> Option<String> {
        self.shared.message_url()
    }

    /// How the code reviews submitted from now on are decided (default:
    /// [`AuditVerdict::Approve`]). With `Approve` or `Reject`, the review is
    /// decided right after `submit_audit` answered and its event pushed to
    /// the authorizer's message URL; with `Hold` it stays under review
    /// until [`complete_audit`](Self::complete_audit).
    pub fn set_audit_verdict(&self, verdict: AuditVerdict) {
        self.shared.world().audit_verdict = verdict;
    }

    /// Decides the review under way of the mini program `appid` (one
    /// submitted under [`AuditVerdict::Hold`]) and pushes its event;
    /// returns once the message URL accepted it.
    ///
    /// # Errors
    /// [`SandboxError::Config`] when `appid` has no review under way or
    /// `verdict` is `Hold`; [`SandboxError::NoMessageUrl`] and
    /// [`SandboxError::Push`] when the event is not delivered (the review
    /// is decided all the same).
    pub async fn complete_audit(
        &self,
        appid: &str,
        verdict: AuditVerdict,
    ) -> Result<(), SandboxError> {
        if verdict == AuditVerdict::Hold {
            return Err(SandboxError::Config(
                "a review is completed with Approve or Reject".to_owned(),
            ));
        }
        let pending = self
            .shared
            .world()
            .code
            .get(appid)
            .and_then(code_review::CodeState::pending);
        let auditid = pending
            .ok_or_else(|| SandboxError::Config(format!("`{appid}` has no code under review")))?;
        self.shared.decide_audit(appid, auditid, &verdict).await
    }

    /// The customer-service messages accepted so far (at most the last
    /// 1000), oldest first.
    pub fn custom_messages(&self) -> Vec<SentMessage> {
        self.shared.world().custom_messages.clone()
    }

    /// Pushes a new `component_verify_ticket` now and returns it. Once the
    /// callback accepted it (answered `success`), it is the only ticket
    /// `api_component_token` accepts.
    ///
    /// # Errors
    /// [`SandboxError::NoCallbackUrl`], or [`SandboxError::Push`] when the
    /// callback is unreachable or does not answer `success` (the previous
    /// ticket then stays current).
    pub async fn push_verify_ticket(&self) -> Result<String, SandboxError> {
        self.shared.push_verify_ticket().await
    }

    /// The current (latest delivered) verify ticket.
    pub fn verify_ticket(&self) -> Option<String> {
        self.shared.world().verify_ticket.clone()
    }

    /// The merchant `appid` revokes its authorization: its tokens and refresh
    /// token stop working and `unauthorized` is pushed.
    ///
    /// # Errors
    /// [`SandboxError::Config`] if it had not authorized; the push errors
    /// (the authorization is revoked all the same).
    pub async fn unauthorize(&self, appid: &str) -> Result<(), SandboxError> {
        {
            let mut world = self.shared.world();
            if world.authorizations.remove(appid).is_none() {
                return Err(SandboxError::Config(format!(
                    "`{appid}` has not authorized the component"
                )));
            }
            world.revoke(|k| matches!(k, TokenKind::Authorizer { appid: a } if a == appid));
        }
        self.shared
            .push(&Event::Unauthorized {
                authorizer_appid: appid.to_owned(),
            })
            .await
    }

    /// Whether the merchant `appid` has authorized the component.
    pub fn is_authorized(&self, appid: &str) -> bool {
        self.shared.world().authorizations.contains_key(appid)
    }

    /// The merchant who authorizes on the next authorization page without
    /// `biz_appid` (default: the first configured).
    ///
    /// # Errors
    /// [`SandboxError::Config`] if `appid` is not a configured merchant.
    pub fn select_merchant(&self, appid: &str) -> Result<(), SandboxError> {
        if self.shared.config.merchant(appid).is_none() {
            return Err(SandboxError::Config(format!("`{appid}` is not a merchant")));
        }
        self.shared.world().selected_merchant = Some(appid.to_owned());
        Ok(())
    }

    /// A buyer (`openid`) orders and pays `count` of a SKU of a WeChat Store
    /// product of the shop `shop_appid` (the appid its calls act for); the
    /// order is awaiting shipment (状态 20) and the SKU's stock drops. Answers
    /// the order id (`channels_ec_order().get(..)` reads it,
    /// `channels_ec_delivery().send(..)` ships it).
    ///
    /// # Errors
    /// [`SandboxError::Config`] if the product is unknown or not on sale, the
    /// SKU unknown, or its stock too low.
    pub fn place_store_order(
        &self,
        shop_appid: &str,
        product_id: &str,
        sku_id: &str,
        count: u64,
        openid: &str,
    ) -> Result<String, SandboxError> {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        self.shared
            .world()
            .store
            .shop(shop_appid)
            .place_order(product_id, sku_id, count, openid, now)
            .map_err(|e| SandboxError::Config(format!("cannot place the order: {}", e.message)))
    }

    /// The user who consents on the next OAuth pages (default: the first
    /// configured).
    ///
    /// # Errors
    /// [`SandboxError::Config`] if `openid` is not a configured user.
    pub fn select_user(&self, openid: &str) -> Result<(), SandboxError> {
        if self.shared.config.user(openid).is_none() {
            return Err(SandboxError::Config(format!("`{openid}` is not a user")));
        }
        self.shared.world().selected_user = Some(openid.to_owned());
        Ok(())
    }

    /// Makes every token and ticket issued so far expire now: their next use
    /// is answered 42001.
    pub fn expire_all_tokens(&self) {
        self.shared.world().expire_all();
    }

    /// Queues a fault for the next matching request(s).
    pub fn inject(&self, fault: Fault) {
        self.shared.monitor.inject(fault);
    }

    /// Drops every queued fault.
    pub fn clear_faults(&self) {
        self.shared.monitor.clear_faults();
    }

    /// How many faulty answers are still queued.
    pub fn pending_faults(&self) -> usize {
        self.shared.monitor.pending_faults()
    }

    /// How many requests `path` (e.g. `/cgi-bin/token`) received, faulty
    /// ones included.
    pub fn request_count(&self, path: &str) -> usize {
        self.shared.monitor.count(path)
    }

    /// Requests received per path.
    pub fn request_counts(&self) -> BTreeMap<String, usize> {
        self.shared.monitor.counts()
    }

    /// How many requests were routed to `endpoint` (several endpoints may
    /// share a path), refused ones included, faulty ones not.
    pub fn endpoint_count(&self, endpoint: &Endpoint) -> usize {
        self.shared.monitor.endpoint_count(endpoint)
    }

    /// Sets every request counter back to zero.
    pub fn reset_request_counts(&self) {
        self.shared.monitor.reset_counts();
    }

    /// The calls to WeChat's API the sandbox answered, in the order it
    /// answered them (calls made one after another: in the order made):
    /// method, path, query, body and answer, faulty answers included
    /// (WeChat Pay's are in [`pay::PaySandbox::calls`]). Credentials and
    /// secrets are redacted ([`is_secret`]). The log keeps the last
    /// [`SandboxConfigBuilder::call_log_capacity`] calls (default
    /// [`CALL_LOG_CAPACITY`]), dropping the oldest.
    pub fn calls(&self) -> Vec<Call> {
        self.shared.calls.all()
    }

    /// The calls to `path` (`/cgi-bin/message/custom/send`), in the order
    /// of [`calls`](Self::calls).
    pub fn calls_to(&self, path: &str) -> Vec<Call> {
        self.shared.calls.to(path)
    }

    /// The last call to `path` answered, if any.
    pub fn last_call_to(&self, path: &str) -> Option<Call> {
        self.shared.calls.to(path).pop()
    }

    /// Forgets every call recorded so far.
    pub fn clear_calls(&self) {
        self.shared.calls.clear();
    }

    /// Stops the server, waiting up to a second for requests in flight.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            let abort = server.abort_handle();
            if tokio::time::timeout(Duration::from_secs(1), server)
                .await
                .is_err()
            {
                abort.abort();
            }
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            server.abort();
        }
        for task in self.tasks.drain(..) {
            task.abort();
        }
    }
}

/// The whole application: spec routes, pages, counters and faults.
fn router(shared: Arc<Shared>) -> Router {
    let endpoints = shared.config.endpoints;
    let mut app = routes::spec_routes(endpoints).layer(DefaultBodyLimit::max(BODY_LIMIT));
    for path in PAGE_PATHS {
        if endpoints.iter().any(|e| e.path == path) {
            tracing::warn!(
                path,
                "a spec endpoint has the path of a sandbox page; serving the endpoint"
            );
            continue;
        }
        let page = if path == "/connect/oauth2/authorize" {
            get(pages::oauth_authorize)
        } else {
            get(pages::component_login_page)
        };
        app = app.route(path, page);
    }
    app.route(overrides::VIDEO_PATH, get(overrides::download_video))
        .merge(pay::routes())
        .fallback(routes::not_found)
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&shared),
            faults::intercept,
        ))
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&shared),
            call_log::record,
        ))
        .with_state(shared)
}

/// Whether the sandbox answers `endpoint` with hand-written, stateful
/// behaviour (tokens, codes, the flows that span calls) rather than the
/// example of its spec.
pub fn is_stateful(endpoint: &Endpoint) -> bool {
    overrides::is_stateful(endpoint)
}

/// Forgets expired state every minute while the sandbox lives.
async fn sweep(shared: std::sync::Weak<Shared>) {
    loop {
        tokio::time::sleep(SWEEP_INTERVAL).await;
        let Some(shared) = shared.upgrade() else {
            return;
        };
        shared.world().sweep();
    }
}

/// Pushes a verify ticket each time `api_start_push_ticket` asks for one.
async fn push_on_request(shared: std::sync::Weak<Shared>, requested: Arc<tokio::sync::Notify>) {
    loop {
        requested.notified().await;
        let Some(shared) = shared.upgrade() else {
            return;
        };
        if let Err(error) = shared.push_verify_ticket().await {
            tracing::warn!(%error, "requested component_verify_ticket push failed");
        }
    }
}

/// Pushes a verify ticket every `interval` while a callback URL is set.
async fn push_on_schedule(shared: std::sync::Weak<Shared>, interval: Duration) {
    loop {
        tokio::time::sleep(interval).await;
        let Some(shared) = shared.upgrade() else {
            return;
        };
        if shared.callback_url().is_none() {
            continue;
        }
        if let Err(error) = shared.push_verify_ticket().await {
            tracing::warn!(%error, "scheduled component_verify_ticket push failed");
        }
    }
}
