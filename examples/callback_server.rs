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
//! Routes (see `examples/src/callback.rs`): `POST /wechat/component/events`,
//! `GET /wechat/component/authorize`, `GET /wechat/component/callback`,
//! `GET /jssdk/config?url=…`, `GET /healthz`. Tokens, the verify ticket and
//! the authorizers' refresh tokens are kept in the durable store file, so a
//! restart loses nothing. Stop with Ctrl-C.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use url::Url;
use wechat_api::{Client, Config};
use wechat_api_examples::callback::{AppState, EVENTS_PATH, router};
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
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    match serve(Args::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let listener = tokio::net::TcpListener::bind(args.listen).await?;
    let addr = listener.local_addr()?;
    let public_url = match args.public_url {
        Some(url) => url,
        None => Url::parse(&format!("http://{addr}/"))?,
    };
    let sandbox = if args.sandbox {
        Some(Sandbox::start_default().await?)
    } else {
        None
    };
    let builder = match &sandbox {
        Some(sandbox) => sandbox.client_builder()?,
        None => Client::builder(Config::from_env()?),
    };
    let client = builder.durable_store(&args.store)?.build()?;
    let state = AppState::new(client, public_url.clone())?;
    if let Some(sandbox) = &sandbox {
        let mut events = public_url.clone();
        events.set_path(EVENTS_PATH);
        sandbox.set_callback_url(events);
        tracing::info!(sandbox = %sandbox.base_url(), "using the local sandbox; open {public_url}wechat/component/authorize");
    }
    tracing::info!(%addr, %public_url, store = %args.store.display(), "callback server listening");
    let server = axum::serve(listener, router(state)).with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down");
    });
    if let Some(sandbox) = &sandbox {
        // Like WeChat right after the platform is configured: push a ticket.
        // The listener is bound already, so the push waits in its backlog
        // until the server accepts it: no need to wait for the server.
        let (served, pushed) = tokio::join!(server, sandbox.push_verify_ticket());
        if let Err(e) = pushed {
            tracing::warn!("the sandbox could not push a verify ticket: {e}");
        }
        served?;
    } else {
        server.await?;
    }
    Ok(())
}
