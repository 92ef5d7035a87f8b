//! A production-shaped callback server for a WeChat third-party platform.
//!
//! ```text
//! # against WeChat: credentials from WECHAT_COMPONENT_* (and WECHAT_APPID/SECRET)
//! cargo run --example callback_server -- --listen 0.0.0.0:8080 \
//!     --public-url https://platform.example.com --store /var/lib/wechat/tokens.redb
//!
//! # against a local sandbox, started in the same process
//! cargo run --example callback_server -- --sandbox
//! ```
//!
//! The routes are the library's (`wechat_api::server::CallbackRoutes`):
//! `POST /wechat/component/events`, `GET|POST /{appid}/callback` (configure
//! `{public url}/$APPID$/callback` as the message URL),
//! `GET /wechat/component/authorize`, `GET /wechat/component/callback`,
//! `GET /healthz`; plus what an application adds to them: a component event
//! hook (it logs who authorized or revoked the platform), a message router
//! (text is echoed, new followers welcomed, the full-network release test
//! answered) and `GET /jssdk/config?url=…[&appid=…]`, the JS-SDK
//! `wx.config` values of a page as JSON.
//! It is served by `wechat_api::server::serve`, whose timeouts and limits
//! shed slow and hostile clients. Tokens, the verify ticket and the
//! authorizers' refresh tokens are kept in the durable store file, so a
//! restart loses nothing. Stop with Ctrl-C.

use std::collections::HashMap;
use std::future::IntoFuture as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use clap::Parser;
use url::Url;
use wechat_api::callback::{self, ComponentCallback, MessageCallback, Reply};
use wechat_api::event::ComponentEvent;
use wechat_api::server::{CallbackRoutes, ServeOptions, serve};
use wechat_api::{Client, Config, Error};
use wechat_sandbox::Sandbox;

/// Path of the JS-SDK configuration.
const JSSDK_PATH: &str = "/jssdk/config";

/// Serves the callback endpoints of a third-party platform.
#[derive(Debug, Parser)]
#[command(about)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// The URL WeChat and browsers reach this server at (default: http://LISTEN).
    #[arg(long)]
    public_url: Option<Url>,
    /// The durable token store file.
    #[arg(long, default_value = "wechat-tokens.redb")]
    store: PathBuf,
    /// Start a local WeChat sandbox and use it instead of WeChat.
    #[arg(long)]
    sandbox: bool,
    /// The most connections open at once (keep it below `ulimit -n`).
    #[arg(long, default_value_t = wechat_api::server::DEFAULT_MAX_CONNECTIONS)]
    max_connections: usize,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    match run(Args::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let listener = tokio::net::TcpListener::bind(args.listen).await?;
    let addr = listener.local_addr()?;
    let public_url = match args.public_url {
        Some(url) => url,
        None => Url::parse(&format!("http://{addr}/"))?,
    };
    let sandbox = match args.sandbox {
        true => Some(Sandbox::start_default().await?),
        false => None,
    };
    let builder = match &sandbox {
        Some(sandbox) => sandbox.client_builder()?,
        None => Client::builder(Config::from_env()?),
    };
    let client = builder.durable_store(&args.store)?.build()?;
    let state = AppState::new(client, public_url.clone())?;
    let routes = state.routes();
    tracing::info!(
        %addr,
        events_url = %routes.events_url(),
        message_url = %routes.message_url_template(),
        store = %args.store.display(),
        "callback server listening"
    );
    let options = ServeOptions::default().max_connections(args.max_connections);
    let server = serve(listener, router(&state), options)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
            tracing::info!("shutting down");
        })
        .into_future();
    let Some(sandbox) = &sandbox else {
        server.await;
        return Ok(());
    };
    sandbox.set_callback_url(routes.events_url());
    tracing::info!(sandbox = %sandbox.base_url(), "using the local sandbox; open {}", routes.authorize_url());
    // Like WeChat right after the platform is configured: push a ticket
    // (once the server accepts connections).
    let (_, pushed) = tokio::join!(server, sandbox.push_verify_ticket());
    if let Err(e) = pushed {
        tracing::warn!("the sandbox could not push a verify ticket: {e}");
    }
    Ok(())
}

/// The routes and the application's own state (none here). Cheap to clone.
#[derive(Clone, Debug)]
struct AppState {
    routes: CallbackRoutes,
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
    /// [`Error::Config`] when the configuration lacks them.
    fn new(client: Client, public_url: Url) -> Result<Self, Error> {
        // The library stores tickets and tokens and forgets revoked
        // authorizers; an application adds its own reaction in a hook.
        let component = ComponentCallback::new(client.clone())?.on_event(|event, _client| {
            match &event {
                ComponentEvent::Authorized(auth) | ComponentEvent::UpdateAuthorized(auth) => {
                    tracing::info!(authorizer = %auth.authorizer_appid, "merchant authorized us");
                }
                ComponentEvent::Unauthorized(revoked) => {
                    tracing::info!(authorizer = %revoked.authorizer_appid, "merchant revoked us");
                }
                _ => {}
            }
            async { Ok(()) }
        });
        let messages = MessageCallback::new(client, messages())?.release_test(true);
        Ok(AppState {
            routes: CallbackRoutes::new(component, messages, public_url),
        })
    }

    /// The library's routes.
    fn routes(&self) -> &CallbackRoutes {
        &self.routes
    }

    /// The client the server calls WeChat with.
    fn client(&self) -> &Client {
        self.routes.component().client()
    }
}

/// The library's routes plus the JS-SDK configuration.
fn router(state: &AppState) -> Router {
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
