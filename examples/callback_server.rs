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
//! `GET /healthz`; plus `GET /jssdk/config?url=…` (`examples/src/callback.rs`).
//! It is served by `wechat_api::server::serve`, whose timeouts and limits
//! shed slow and hostile clients. Tokens, the verify ticket and the
//! authorizers' refresh tokens are kept in the durable store file, so a
//! restart loses nothing. Stop with Ctrl-C.

use std::future::IntoFuture as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use url::Url;
use wechat_api::server::{ServeOptions, serve};
use wechat_api::{Client, Config};
use wechat_api_examples::callback::{AppState, router};
use wechat_sandbox::Sandbox;

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
