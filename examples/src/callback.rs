//! A production-shaped callback server for a third-party platform.
//!
//! | route | what it does |
//! | --- | --- |
//! | `POST /wechat/component/events` | verifies, decrypts and handles WeChat's pushes: stores the `component_verify_ticket`, records `authorized` / `updateauthorized`, forgets an authorizer on `unauthorized`; answers `success` |
//! | `GET /wechat/component/authorize` | redirects the merchant to the authorization page with a fresh `pre_auth_code` |
//! | `GET /wechat/component/callback` | the authorization page's redirect: `auth_code` → `query_auth` (which stores the authorizer's tokens) → the authorizer's details, as JSON |
//! | `GET /jssdk/config?url=…[&appid=…]` | the JS-SDK `wx.config` values for a page, as JSON |
//! | `GET /healthz` | `ok` |
//!
//! Bodies are limited to [`BODY_LIMIT`]; a push with a bad signature, a bad
//! envelope or bad XML gets a 4xx answer and a log line, never a panic. No
//! token, ticket, code or key is logged, and no log line quotes what a
//! request carries: errors give kinds, offsets and lengths, and the only
//! values logged are AppIds and `InfoType`s from verified pushes, when they
//! have the shape of one (see [`loggable`]).
//!
//! Build the router with [`router`] and serve it yourself, or use
//! [`CallbackServer::start`] to serve it on a port in the background.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use secrecy::ExposeSecret as _;
use serde::Serialize;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use url::Url;
use wechat_api::api::component::{GetAuthorizerInfoRequest, QueryAuthRequest};
use wechat_api::crypto::MsgCrypt;
use wechat_api::event::ComponentEvent;
use wechat_api::{Client, Error};

/// Largest request body accepted (1 MiB); larger ones get 413.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// How far a push's timestamp may be from now (replay protection).
pub const MAX_PUSH_AGE: Duration = Duration::from_secs(300);

/// Path of the push endpoint.
pub const EVENTS_PATH: &str = "/wechat/component/events";
/// Path that starts an authorization.
pub const AUTHORIZE_PATH: &str = "/wechat/component/authorize";
/// Path the authorization page redirects back to.
pub const CALLBACK_PATH: &str = "/wechat/component/callback";
/// Path of the JS-SDK configuration.
pub const JSSDK_PATH: &str = "/jssdk/config";

/// What the server last heard about an authorizer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthorizerStatus {
    /// `authorized` or `updateauthorized` was pushed, or the authorization
    /// callback completed.
    Authorized,
    /// `unauthorized` was pushed; its tokens were forgotten.
    Unauthorized,
}

/// The details `GET /wechat/component/callback` answers with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct AuthorizedAccount {
    /// The authorizer's appid.
    pub authorizer_appid: String,
    /// Its nickname.
    pub nick_name: String,
    /// Its original id (`gh_...`).
    pub user_name: String,
    /// The permission set ids it granted.
    pub func_ids: Vec<i64>,
}

/// Why the server state could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SetupError {
    /// A value the server needs is not in the client's configuration.
    #[error("the client configuration lacks {0}")]
    Missing(&'static str),
    /// The message crypto could not be set up.
    #[error("message crypto: {0}")]
    Crypto(#[source] Error),
    /// The listening socket could not be opened.
    #[error("cannot listen: {0}")]
    Bind(#[source] std::io::Error),
}

/// What the handlers share: the client, the message crypto and what was
/// heard about authorizers. Cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    client: Client,
    crypt: MsgCrypt,
    component_appid: String,
    public_url: Url,
    authorizers: Mutex<BTreeMap<String, AuthorizerStatus>>,
    tickets_received: Mutex<u64>,
}

impl AppState {
    /// State for a server reachable at `public_url` (its redirect URI is
    /// `{public_url}/wechat/component/callback`), calling WeChat with
    /// `client`, whose configuration must have the component appid, token
    /// and EncodingAESKey.
    ///
    /// # Errors
    /// [`SetupError::Missing`] or [`SetupError::Crypto`].
    pub fn new(client: Client, public_url: Url) -> Result<Self, SetupError> {
        let config = client.config();
        let component_appid = config
            .component_appid()
            .ok_or(SetupError::Missing("component_appid"))?
            .to_owned();
        let token = config
            .component_token()
            .ok_or(SetupError::Missing("component_token"))?;
        let key = config
            .component_encoding_aes_key()
            .ok_or(SetupError::Missing("component_encoding_aes_key"))?;
        let crypt = MsgCrypt::builder(
            token.expose_secret(),
            key.expose_secret(),
            component_appid.clone(),
        )
        .max_timestamp_age(MAX_PUSH_AGE)
        .build()
        .map_err(SetupError::Crypto)?;
        Ok(AppState {
            inner: Arc::new(Inner {
                client,
                crypt,
                component_appid,
                public_url,
                authorizers: Mutex::new(BTreeMap::new()),
                tickets_received: Mutex::new(0),
            }),
        })
    }

    /// The client the server calls WeChat with.
    pub fn client(&self) -> &Client {
        &self.inner.client
    }

    /// The URL the server is reachable at.
    pub fn public_url(&self) -> &Url {
        &self.inner.public_url
    }

    /// The redirect URI of the authorization page.
    pub fn callback_url(&self) -> Url {
        join(&self.inner.public_url, CALLBACK_PATH)
    }

    /// What was heard about each authorizer (since this server started).
    pub fn authorizers(&self) -> BTreeMap<String, AuthorizerStatus> {
        lock(&self.inner.authorizers).clone()
    }

    /// How many verify tickets this server stored.
    pub fn tickets_received(&self) -> u64 {
        *lock(&self.inner.tickets_received)
    }

    fn record(&self, appid: &str, status: AuthorizerStatus) {
        lock(&self.inner.authorizers).insert(appid.to_owned(), status);
    }
}

/// How a log line shows an identifier (AppId, `InfoType`) taken from a
/// verified push: the identifier itself when it is 1 to 32 ASCII letters,
/// digits, `_` or `-`, else only its length. A verified push was encrypted
/// with the platform's key, so only WeChat can choose it; even so, nothing
/// with a line feed, an escape or a megabyte of text reaches the log.
pub fn loggable(value: &str) -> std::borrow::Cow<'_, str> {
    let identifier = (1..=32).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if identifier {
        std::borrow::Cow::Borrowed(value)
    } else {
        std::borrow::Cow::Owned(format!("<{} bytes>", value.len()))
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// `base` with its path replaced by `path`.
fn join(base: &Url, path: &str) -> Url {
    let mut url = base.clone();
    let prefix = url.path().trim_end_matches('/').to_owned();
    url.set_path(&format!("{prefix}{path}"));
    url.set_query(None);
    url
}

/// The callback server's routes, with the 1 MiB body limit.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route(EVENTS_PATH, post(component_events))
        .route(AUTHORIZE_PATH, get(authorize))
        .route(CALLBACK_PATH, get(authorization_callback))
        .route(JSSDK_PATH, get(jssdk_config))
        .route("/healthz", get(|| async { "ok" }))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state)
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    (status, text).into_response()
}

fn query_map(query: Option<&str>) -> HashMap<String, String> {
    url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .into_owned()
        .collect()
}

/// `POST /wechat/component/events`.
async fn component_events(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match body {
        Ok(body) => body,
        Err(rejection) => {
            tracing::warn!(status = rejection.status().as_u16(), reason = %rejection.body_text(), "push refused: unreadable body");
            return rejection.into_response();
        }
    };
    let query = query_map(query.as_deref());
    let (Some(msg_signature), Some(timestamp), Some(nonce)) = (
        query.get("msg_signature"),
        query.get("timestamp"),
        query.get("nonce"),
    ) else {
        tracing::warn!("push refused: msg_signature, timestamp or nonce missing");
        return plain(
            StatusCode::BAD_REQUEST,
            "missing msg_signature, timestamp or nonce\n",
        );
    };
    if query.get("encrypt_type").is_some_and(|t| t != "aes") {
        tracing::warn!("push refused: not in safe (aes) mode");
        return plain(
            StatusCode::BAD_REQUEST,
            "only encrypt_type=aes is supported\n",
        );
    }
    let Ok(body) = std::str::from_utf8(&body) else {
        tracing::warn!("push refused: the body is not UTF-8");
        return plain(StatusCode::BAD_REQUEST, "the body is not UTF-8\n");
    };
    let plaintext = match state
        .inner
        .crypt
        .decrypt_push(msg_signature, timestamp, nonce, body)
    {
        Ok(plaintext) => plaintext,
        Err(error) => {
            let status = match error {
                Error::InvalidSignature | Error::TimestampOutOfRange { .. } => {
                    StatusCode::FORBIDDEN
                }
                _ => StatusCode::BAD_REQUEST,
            };
            tracing::warn!(%error, status = status.as_u16(), "push refused");
            return plain(status, "push refused\n");
        }
    };
    let event = match ComponentEvent::from_xml(&plaintext) {
        Ok(event) => event,
        Err(error) => {
            tracing::warn!(%error, "push refused: not a component event");
            return plain(StatusCode::BAD_REQUEST, "not a component event\n");
        }
    };
    if let Some(appid) = event
        .app_id()
        .filter(|appid| *appid != state.inner.component_appid)
    {
        tracing::warn!(
            appid = %loggable(appid),
            "push refused: for another component"
        );
        return plain(StatusCode::BAD_REQUEST, "push for another component\n");
    }
    let tokens = state.client().tokens();
    let component_appid = &state.inner.component_appid;
    match &event {
        ComponentEvent::VerifyTicket(ticket) => {
            if let Err(error) = tokens
                .store_verify_ticket(component_appid, &ticket.component_verify_ticket)
                .await
            {
                tracing::error!(%error, "could not store the component_verify_ticket");
                return plain(StatusCode::INTERNAL_SERVER_ERROR, "store failed\n");
            }
            *lock(&state.inner.tickets_received) += 1;
            tracing::info!("component_verify_ticket stored");
        }
        ComponentEvent::Authorized(auth) | ComponentEvent::UpdateAuthorized(auth) => {
            tracing::info!(kind = event.info_type(), authorizer = %loggable(&auth.authorizer_appid), "authorization event");
            state.record(&auth.authorizer_appid, AuthorizerStatus::Authorized);
        }
        ComponentEvent::Unauthorized(revoked) => {
            if let Err(error) = tokens
                .forget_authorizer(component_appid, &revoked.authorizer_appid)
                .await
            {
                tracing::error!(%error, "could not forget an authorizer");
                return plain(StatusCode::INTERNAL_SERVER_ERROR, "store failed\n");
            }
            tracing::info!(authorizer = %loggable(&revoked.authorizer_appid), "authorizer unauthorized; tokens forgotten");
            state.record(&revoked.authorizer_appid, AuthorizerStatus::Unauthorized);
        }
        other => {
            tracing::info!(kind = %loggable(other.info_type()), "component event ignored");
        }
    }
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/plain")],
        "success",
    )
        .into_response()
}

/// Logs a failed WeChat call and answers 502 (or 503 before the first
/// verify ticket arrived).
fn upstream_failure(what: &'static str, error: &Error) -> Response {
    tracing::warn!(%error, what, "WeChat call failed");
    match error {
        Error::TicketMissing { .. } => plain(
            StatusCode::SERVICE_UNAVAILABLE,
            "no component_verify_ticket yet: wait for WeChat's next push\n",
        ),
        _ => plain(StatusCode::BAD_GATEWAY, "WeChat call failed\n"),
    }
}

/// `GET /wechat/component/authorize`.
async fn authorize(State(state): State<AppState>) -> Response {
    let client = state.client();
    let code = match client.component().create_preauthcode().await {
        Ok(answer) => answer.pre_auth_code,
        Err(error) => return upstream_failure("create_preauthcode", &error),
    };
    let url = client
        .component_auth_url(code, state.callback_url().as_str())
        .and_then(|u| u.build());
    match url {
        Ok(url) => (
            StatusCode::FOUND,
            [(header::LOCATION, url.as_str().to_owned())],
        )
            .into_response(),
        Err(error) => upstream_failure("component_auth_url", &error),
    }
}

/// `GET /wechat/component/callback?auth_code=..&expires_in=..`.
async fn authorization_callback(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Response {
    let query = query_map(query.as_deref());
    let Some(auth_code) = query.get("auth_code").filter(|c| !c.is_empty()) else {
        tracing::warn!("authorization callback without auth_code");
        return plain(StatusCode::BAD_REQUEST, "auth_code is missing\n");
    };
    let client = state.client();
    // query_auth stores the refresh token (durably) and caches the access token.
    let authorization = match client
        .component()
        .query_auth(QueryAuthRequest::new(auth_code.as_str()))
        .await
    {
        Ok(answer) => answer.authorization_info,
        Err(error) => return upstream_failure("query_auth", &error),
    };
    let appid = authorization.authorizer_appid;
    let info = match client
        .component()
        .get_authorizer_info(GetAuthorizerInfoRequest::new(appid.as_str()))
        .await
    {
        Ok(info) => info,
        Err(error) => return upstream_failure("get_authorizer_info", &error),
    };
    state.record(&appid, AuthorizerStatus::Authorized);
    tracing::info!(authorizer = %appid, "authorization completed");
    let func_ids = authorization
        .func_info
        .unwrap_or_default()
        .iter()
        .map(|f| f.funcscope_category.id)
        .collect();
    axum::Json(AuthorizedAccount {
        authorizer_appid: appid,
        nick_name: info.authorizer_info.nick_name,
        user_name: info.authorizer_info.user_name,
        func_ids,
    })
    .into_response()
}

/// `GET /jssdk/config?url=…[&appid=…]`: for the official account itself,
/// or for an authorizer when `appid` names one.
async fn jssdk_config(State(state): State<AppState>, RawQuery(query): RawQuery) -> Response {
    let query = query_map(query.as_deref());
    let Some(page) = query.get("url") else {
        return plain(StatusCode::BAD_REQUEST, "url is missing\n");
    };
    if !Url::parse(page).is_ok_and(|u| matches!(u.scheme(), "http" | "https")) {
        return plain(
            StatusCode::BAD_REQUEST,
            "url must be an absolute http(s) URL\n",
        );
    }
    let own = state.client().config().appid();
    let client = match query.get("appid") {
        Some(appid) if Some(appid.as_str()) != own => state.client().authorizer(appid.as_str()),
        _ if own.is_some() => state.client().clone(),
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
            // The appid comes from an unauthenticated query: its length only.
            tracing::warn!(
                appid_len = appid.len(),
                "JS-SDK config asked for an unknown authorizer"
            );
            plain(StatusCode::NOT_FOUND, "unknown authorizer\n")
        }
        Err(error) => upstream_failure("jsapi_ticket", &error),
    }
}

/// The callback server running in the background on a local port.
#[derive(Debug)]
pub struct CallbackServer {
    addr: SocketAddr,
    state: AppState,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl CallbackServer {
    /// Serves [`router`] on `listen` (port 0: a free one) for `client`.
    /// The public URL is `http://{the bound address}`.
    ///
    /// # Errors
    /// [`SetupError`] when the port cannot be opened or the client's
    /// configuration lacks the component's message settings.
    pub async fn start(listen: SocketAddr, client: Client) -> Result<Self, SetupError> {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(SetupError::Bind)?;
        let addr = listener.local_addr().map_err(SetupError::Bind)?;
        let public_url = Url::parse(&format!("http://{addr}/"))
            .map_err(|e| SetupError::Bind(std::io::Error::other(e)))?;
        let state = AppState::new(client, public_url)?;
        let app = router(state.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
                let _ = stopped.await;
            });
            if let Err(error) = serve.await {
                tracing::error!(%error, "callback server stopped");
            }
        });
        tracing::info!(%addr, "callback server listening");
        Ok(CallbackServer {
            addr,
            state,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://{addr}/`.
    pub fn url(&self) -> &Url {
        self.state.public_url()
    }

    /// The URL WeChat pushes events to.
    pub fn events_url(&self) -> Url {
        join(self.url(), EVENTS_PATH)
    }

    /// The URL that starts an authorization.
    pub fn authorize_url(&self) -> Url {
        join(self.url(), AUTHORIZE_PATH)
    }

    /// The URL of the JS-SDK configuration.
    pub fn jssdk_url(&self) -> Url {
        join(self.url(), JSSDK_PATH)
    }

    /// The handlers' state.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Stops accepting connections, waits up to 2 s for requests in flight,
    /// and drops the state (and so the client and its token store, whose
    /// file can then be opened again).
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
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

impl Drop for CallbackServer {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
