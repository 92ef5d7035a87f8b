//! The platform harness: a third-party platform for end-to-end tests
//! against the sandbox.
//!
//! A [`Platform`] is a client plus the library's `CallbackRoutes` (with a
//! message router, the full-network release-test responder and a hook that
//! records the component events), plus a JS-SDK configuration route, served
//! by `wechat_api::server::serve` on a free loopback port. The sandbox
//! pushes its component events to the events URL and, once
//! [`attached`](Platform::attach), its authorizers' messages to the message
//! URL (`{url}/$APPID$/callback`); merchants authorize through the sandbox's
//! authorization page, followed by [`browser`] like a browser would.
//!
//! One harness for every test that needs a platform: the quickstart's steps
//! ([`crate::flow`]) walk it, the breadth tests authorize merchants on it,
//! the log tests send it hostile requests.

use std::collections::{BTreeMap, HashMap};
use std::future::IntoFuture as _;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use url::Url;
use wechat_api::api::component::QueryAuthRequest;
use wechat_api::callback::{self, ComponentCallback, MessageCallback, Reply};
use wechat_api::event::ComponentEvent;
use wechat_api::server::{CallbackRoutes, ServeOptions, serve};
use wechat_api::token::MemoryStore;
use wechat_api::{Client, Error};
use wechat_sandbox::{Sandbox, SandboxConfigBuilder};

/// Path of the JS-SDK configuration route.
pub const JSSDK_PATH: &str = "/jssdk/config";

/// A sandbox built from `config`, without scheduled pushes (tests push on
/// demand).
pub async fn sandbox_with(config: SandboxConfigBuilder) -> Sandbox {
    Sandbox::start(config.push_interval(None).build().expect("sandbox config"))
        .await
        .expect("sandbox starts")
}

/// A client on the sandbox with an in-memory token store of its own.
pub fn client(sandbox: &Sandbox) -> Client {
    sandbox
        .client_builder()
        .expect("builder")
        .token_store(Arc::new(MemoryStore::new()))
        .build()
        .expect("client")
}

/// An HTTP client that does not follow redirects (each hop is a step).
pub fn browser() -> reqwest::Client {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .expect("an HTTP client")
}

/// GETs `url` and returns the `Location` of its redirect.
///
/// # Errors
/// A message when the answer is not a redirect.
pub async fn follow(browser: &reqwest::Client, url: &Url) -> Result<Url, String> {
    let answer = browser
        .get(url.clone())
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = answer.status();
    let location = answer
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    match location {
        Some(location) if status.is_redirection() => url.join(&location).map_err(|e| e.to_string()),
        _ => {
            let body = answer.text().await.unwrap_or_default();
            Err(format!(
                "expected a redirect, got HTTP {}: {}",
                status.as_u16(),
                body.trim()
            ))
        }
    }
}

/// The value of the query parameter `name` of `url`.
pub fn query_param(url: &Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// The merchant `biz_appid` (else the sandbox's selected one) authorizes
/// the platform on the authorization page, as a browser would; the code is
/// exchanged with `query_auth`, which stores the authorizer's tokens. The
/// platform must have its verify ticket.
pub async fn authorize(client: &Client, biz_appid: Option<&str>) {
    let code = client
        .component()
        .create_preauthcode()
        .await
        .expect("pre_auth_code")
        .pre_auth_code;
    let mut page = client
        .component_auth_url(code, "http://127.0.0.1:9/cb")
        .expect("authorization page");
    if let Some(appid) = biz_appid {
        page = page.biz_appid(appid);
    }
    let page = page.build().expect("authorization page");
    let back = follow(&browser(), &page)
        .await
        .expect("the page redirects back");
    let auth_code = query_param(&back, "auth_code").expect("auth_code in the redirect");
    client
        .component()
        .query_auth(QueryAuthRequest::new(auth_code))
        .await
        .expect("query_auth");
}

/// Serves a [`Platform`] for `client`, has the sandbox push a verify ticket
/// to it (only the events URL is set), then lets the sandbox's merchant
/// authorize and exchanges the code. Keep the returned platform alive as
/// long as the sandbox may push.
pub async fn authorize_merchant(sandbox: &Sandbox, client: &Client) -> Platform {
    let platform = Platform::serve(client.clone()).await;
    sandbox.set_callback_url(platform.events_url());
    sandbox.push_verify_ticket().await.expect("ticket pushed");
    authorize(client, None).await;
    platform
}

/// What the platform last heard about an authorizer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthorizerStatus {
    /// `authorized` or `updateauthorized` was pushed.
    Authorized,
    /// `unauthorized` was pushed.
    Unauthorized,
}

/// What the component event hook heard.
#[derive(Debug, Default)]
struct Heard {
    authorizers: Mutex<BTreeMap<String, AuthorizerStatus>>,
    tickets: AtomicU64,
}

impl Heard {
    fn record(&self, appid: &str, status: AuthorizerStatus) {
        self.authorizers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(appid.to_owned(), status);
    }
}

/// The default message router: text is echoed, new followers welcomed.
pub fn echo_messages() -> callback::Router {
    callback::Router::new()
        .message("text", |message, _client| async move {
            let text = message.content().unwrap_or_default().to_owned();
            Ok(Some(Reply::text(format!("echo: {text}"))))
        })
        .event("subscribe", |_message, _client| async move {
            Ok(Some(Reply::text("welcome")))
        })
}

/// A third-party platform served on a free loopback port; stops serving
/// when dropped (or with [`shutdown`](Self::shutdown)).
#[derive(Debug)]
pub struct Platform {
    addr: SocketAddr,
    routes: CallbackRoutes,
    heard: Arc<Heard>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Platform {
    /// Serves `client`'s platform with [`echo_messages`] and the default
    /// [`ServeOptions`].
    pub async fn serve(client: Client) -> Platform {
        Self::serve_with(client, echo_messages(), ServeOptions::default()).await
    }

    /// Serves `client`'s platform with the message router `messages` and
    /// `options`. The public URL is `http://{the bound address}/`.
    pub async fn serve_with(
        client: Client,
        messages: callback::Router,
        options: ServeOptions,
    ) -> Platform {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free loopback port");
        let addr = listener.local_addr().expect("a bound address");
        let public_url = Url::parse(&format!("http://{addr}/")).expect("the platform URL");
        let heard = Arc::new(Heard::default());
        let hook = Arc::clone(&heard);
        let component = ComponentCallback::new(client.clone())
            .expect("component message settings")
            .on_event(move |event, _client| {
                match &event {
                    ComponentEvent::VerifyTicket(_) => {
                        hook.tickets.fetch_add(1, Ordering::Relaxed);
                    }
                    ComponentEvent::Authorized(auth) | ComponentEvent::UpdateAuthorized(auth) => {
                        hook.record(&auth.authorizer_appid, AuthorizerStatus::Authorized);
                    }
                    ComponentEvent::Unauthorized(revoked) => {
                        hook.record(&revoked.authorizer_appid, AuthorizerStatus::Unauthorized);
                    }
                    _ => {}
                }
                async { Ok(()) }
            });
        let messages = MessageCallback::new(client, messages)
            .expect("message settings")
            .release_test(true);
        let routes = CallbackRoutes::new(component, messages, public_url);
        let app = axum::Router::new()
            .route(JSSDK_PATH, get(jssdk_config))
            .with_state(routes.clone())
            .merge(routes.router());
        let (stop, stopped) = oneshot::channel::<()>();
        let server = serve(listener, app, options).with_graceful_shutdown(async move {
            let _ = stopped.await;
        });
        let task = tokio::spawn(server.into_future());
        Platform {
            addr,
            routes,
            heard,
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// A client on `sandbox` (memory store) serving `messages`; the
    /// sandbox's events and message URLs point at it, and a verify ticket
    /// was pushed.
    pub async fn start(sandbox: &Sandbox, messages: callback::Router) -> Platform {
        let platform = Self::serve_with(client(sandbox), messages, ServeOptions::default()).await;
        platform.attach(sandbox);
        sandbox.push_verify_ticket().await.expect("ticket pushed");
        platform
    }

    /// Points the sandbox's events URL and message URL at this platform.
    pub fn attach(&self, sandbox: &Sandbox) {
        sandbox.set_callback_url(self.events_url());
        sandbox
            .set_message_url(self.routes.message_url_template())
            .expect("the message URL has $APPID$");
    }

    /// The merchant `appid` authorizes the platform (its tokens are then
    /// stored); returns a client acting for it.
    pub async fn authorize(&self, appid: &str) -> Client {
        authorize(self.client(), Some(appid)).await;
        self.client().authorizer(appid)
    }

    /// The platform's client.
    pub fn client(&self) -> &Client {
        self.routes.component().client()
    }

    /// The library's routes.
    pub fn routes(&self) -> &CallbackRoutes {
        &self.routes
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://{addr}/`.
    pub fn url(&self) -> &Url {
        self.routes.public_url()
    }

    /// The URL WeChat pushes component events to.
    pub fn events_url(&self) -> Url {
        self.routes.events_url()
    }

    /// The message URL of the authorizer `appid`.
    pub fn message_url(&self, appid: &str) -> Url {
        self.routes.message_url(appid)
    }

    /// The URL that starts an authorization.
    pub fn authorize_url(&self) -> Url {
        self.routes.authorize_url()
    }

    /// The URL of the JS-SDK configuration.
    pub fn jssdk_url(&self) -> Url {
        let mut url = self.url().clone();
        url.set_path(JSSDK_PATH);
        url
    }

    /// What was heard about each authorizer since the platform started.
    pub fn authorizers(&self) -> BTreeMap<String, AuthorizerStatus> {
        self.heard
            .authorizers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// How many verify tickets were pushed to the platform.
    pub fn tickets_received(&self) -> u64 {
        self.heard.tickets.load(Ordering::Relaxed)
    }

    /// Stops accepting connections, waits up to 2 s for requests in flight
    /// and for the handlers still running in the background, then drops the
    /// routes (and so the client and its token store, whose file can then be
    /// opened again).
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let routes = self.routes.clone();
        let background = async {
            routes.component().wait_background().await;
            routes.messages().wait_background().await;
        };
        let _ = tokio::time::timeout(Duration::from_secs(2), background).await;
        if let Some(task) = self.task.take() {
            let abort = task.abort_handle();
            if tokio::time::timeout(Duration::from_secs(2), task)
                .await
                .is_err()
            {
                abort.abort();
            }
        }
    }
}

impl Drop for Platform {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    (status, text).into_response()
}

/// `GET /jssdk/config?url=…[&appid=…]`: the `wx.config` values of a page,
/// for the platform's own account or for the authorizer `appid`.
async fn jssdk_config(State(routes): State<CallbackRoutes>, RawQuery(query): RawQuery) -> Response {
    let query: HashMap<String, String> =
        url::form_urlencoded::parse(query.as_deref().unwrap_or("").as_bytes())
            .into_owned()
            .collect();
    let Some(page) = query.get("url") else {
        return plain(StatusCode::BAD_REQUEST, "url is missing\n");
    };
    if !Url::parse(page).is_ok_and(|u| matches!(u.scheme(), "http" | "https")) {
        return plain(
            StatusCode::BAD_REQUEST,
            "url must be an absolute http(s) URL\n",
        );
    }
    let platform = routes.component().client();
    let own = platform.config().appid();
    let client = match query.get("appid") {
        Some(appid) if Some(appid.as_str()) != own => platform.authorizer(appid.as_str()),
        _ if own.is_some() => platform.clone(),
        _ => return plain(StatusCode::BAD_REQUEST, "appid is missing\n"),
    };
    let Some(appid) = client.authorizer_appid().or(own).map(str::to_owned) else {
        return plain(StatusCode::BAD_REQUEST, "appid is missing\n");
    };
    match client.jsapi_ticket().await {
        Ok(ticket) => {
            axum::Json(wechat_api::jssdk::js_sdk_config_now(&appid, &ticket, page)).into_response()
        }
        Err(Error::RefreshTokenMissing { .. }) => {
            // unauthenticated: the caller chose `appid`, so only its length is logged
            tracing::warn!(
                appid_len = appid.len(),
                "JS-SDK config asked for an unknown authorizer"
            );
            plain(StatusCode::NOT_FOUND, "unknown authorizer\n")
        }
        Err(error) => {
            tracing::warn!(%error, "jsapi_ticket failed");
            plain(StatusCode::BAD_GATEWAY, "WeChat call failed\n")
        }
    }
}
