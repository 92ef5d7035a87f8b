//! The example callback server: the library's ready router
//! ([`wechat_api::server::CallbackRoutes`], served with
//! [`wechat_api::server::serve`] and its timeouts and limits) plus what an
//! application adds to it:
//!
//! * a record of what it heard about authorizers (a component event hook);
//! * a message router: text messages are echoed, new followers welcomed;
//!   the full-network release test is answered;
//! * `GET /jssdk/config?url=…[&appid=…]`: the JS-SDK `wx.config` values for
//!   a page, as JSON.
//!
//! [`CallbackServer`] runs it in the background on a local port (for the
//! quickstart and the tests).

use std::collections::{BTreeMap, HashMap};
use std::future::IntoFuture as _;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use url::Url;
use wechat_api::callback::{self, ComponentCallback, MessageCallback, Reply};
use wechat_api::event::ComponentEvent;
use wechat_api::server::{CallbackRoutes, ServeOptions, serve};
use wechat_api::{Client, Error};

/// Path of the JS-SDK configuration.
pub const JSSDK_PATH: &str = "/jssdk/config";

/// What the server last heard about an authorizer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthorizerStatus {
    /// `authorized` or `updateauthorized` was pushed.
    Authorized,
    /// `unauthorized` was pushed; its tokens were forgotten.
    Unauthorized,
}

/// Why the server could not be set up.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SetupError {
    /// The client's configuration lacks the component's message settings.
    #[error("callback set-up: {0}")]
    Callback(#[source] Error),
    /// The listening socket could not be opened.
    #[error("cannot listen: {0}")]
    Bind(#[source] std::io::Error),
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

/// The routes and what the example records. Cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState {
    routes: CallbackRoutes,
    heard: Arc<Heard>,
}

/// The example's message router: text is echoed, new followers welcomed.
fn messages() -> callback::Router {
    callback::Router::new()
        .message("text", |message, _client| async move {
            let text = message.content().unwrap_or_default().to_owned();
            Ok(Some(Reply::text(format!("echo: {text}"))))
        })
        .event("subscribe", |_message, _client| async move {
            Ok(Some(Reply::text("welcome")))
        })
}

impl AppState {
    /// The state of a server reachable at `public_url`, calling WeChat with
    /// `client`, whose configuration must have the component appid, message
    /// token and EncodingAESKey.
    ///
    /// # Errors
    /// [`SetupError::Callback`] when the configuration lacks them.
    pub fn new(client: Client, public_url: Url) -> Result<Self, SetupError> {
        let heard = Arc::new(Heard::default());
        let hook = Arc::clone(&heard);
        let component = ComponentCallback::new(client.clone())
            .map_err(SetupError::Callback)?
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
        let messages = MessageCallback::new(client, messages())
            .map_err(SetupError::Callback)?
            .release_test(true);
        Ok(AppState {
            routes: CallbackRoutes::new(component, messages, public_url),
            heard,
        })
    }

    /// The library's routes.
    pub fn routes(&self) -> &CallbackRoutes {
        &self.routes
    }

    /// The client the server calls WeChat with.
    pub fn client(&self) -> &Client {
        self.routes.component().client()
    }

    /// The URL the server is reachable at.
    pub fn public_url(&self) -> &Url {
        self.routes.public_url()
    }

    /// What was heard about each authorizer (since this server started).
    pub fn authorizers(&self) -> BTreeMap<String, AuthorizerStatus> {
        self.heard
            .authorizers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// How many verify tickets were pushed to this server.
    pub fn tickets_received(&self) -> u64 {
        self.heard.tickets.load(Ordering::Relaxed)
    }
}

/// The library's routes plus the JS-SDK configuration.
pub fn router(state: &AppState) -> Router {
    Router::new()
        .route(JSSDK_PATH, get(jssdk_config))
        .with_state(state.clone())
        .merge(state.routes.router())
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    (status, text).into_response()
}

/// `GET /jssdk/config?url=…[&appid=…]`: for the official account itself,
/// or for an authorizer when `appid` names one.
async fn jssdk_config(State(state): State<AppState>, RawQuery(query): RawQuery) -> Response {
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

/// The callback server running in the background on a local port.
#[derive(Debug)]
pub struct CallbackServer {
    addr: SocketAddr,
    state: AppState,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl CallbackServer {
    /// Serves [`router`] on `listen` (port 0: a free one) for `client`, with
    /// the default [`ServeOptions`]. The public URL is
    /// `http://{the bound address}/`.
    ///
    /// # Errors
    /// [`SetupError`] when the port cannot be opened or the client's
    /// configuration lacks the component's message settings.
    pub async fn start(listen: SocketAddr, client: Client) -> Result<Self, SetupError> {
        Self::start_with(listen, client, ServeOptions::default()).await
    }

    /// Like [`start`](Self::start), with `options`.
    ///
    /// # Errors
    /// As [`start`](Self::start).
    pub async fn start_with(
        listen: SocketAddr,
        client: Client,
        options: ServeOptions,
    ) -> Result<Self, SetupError> {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(SetupError::Bind)?;
        let addr = listener.local_addr().map_err(SetupError::Bind)?;
        let public_url = Url::parse(&format!("http://{addr}/"))
            .map_err(|e| SetupError::Bind(std::io::Error::other(e)))?;
        let state = AppState::new(client, public_url)?;
        let app = router(&state);
        let (stop, stopped) = oneshot::channel::<()>();
        let server = serve(listener, app, options).with_graceful_shutdown(async move {
            let _ = stopped.await;
        });
        let task = tokio::spawn(server.into_future());
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

    /// The URL WeChat pushes component events to.
    pub fn events_url(&self) -> Url {
        self.state.routes.events_url()
    }

    /// The message URL of the authorizer `appid`.
    pub fn message_url(&self, appid: &str) -> Url {
        self.state.routes.message_url(appid)
    }

    /// The URL that starts an authorization.
    pub fn authorize_url(&self) -> Url {
        self.state.routes.authorize_url()
    }

    /// The URL of the JS-SDK configuration.
    pub fn jssdk_url(&self) -> Url {
        let mut url = self.url().clone();
        url.set_path(JSSDK_PATH);
        url
    }

    /// The handlers' state.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Stops accepting connections, waits up to 2 s for requests in flight
    /// and for the handlers still running in the background, then drops the
    /// state (and so the client and its token store, whose file can then be
    /// opened again).
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let routes = self.state.routes.clone();
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

impl Drop for CallbackServer {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
