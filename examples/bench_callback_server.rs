//! The callback benchmark's server: the authorizers' message URL
//! (`POST /{appid}/callback`) of the library's ready router
//! (`wechat_api::server::CallbackRoutes`), served by
//! `wechat_api::server::serve` with its default protections (the per-client
//! callback rate limit lifted: the load comes from one address), the in-memory
//! token store (which deduplicates the messages by `MsgId`), and a router
//! whose text handler answers an encrypted passive text reply repeating the
//! message.
//!
//! ```text
//! cargo run --release --example bench_callback_server -- --listen 127.0.0.1:0
//! ```
//!
//! With `--account` it serves an official account's own message URL
//! instead (`POST /wechat`, the library's `AccountRoutes`, the account's
//! appid, token and key of `wechat_api_examples::bench_callback`), with the
//! same router.
//!
//! It prints `listening on ADDR` once it accepts connections, then serves
//! until Ctrl-C or SIGTERM. `scripts/bench_callback/run.py` starts it and
//! loads it with `bench_callback_load`.

use std::io::Write as _;
use std::net::SocketAddr;
use std::process::ExitCode;

use clap::Parser;
use tokio::signal::unix::{SignalKind, signal};
use wechat_api::Client;
use wechat_api::callback::{ComponentCallback, MessageCallback};
use wechat_api::server::{AccountRoutes, CallbackRoutes, RateLimits, ServeOptions, serve};
use wechat_api_examples::bench_callback::{account_config, config, echo_messages, echo_router};

/// Serves the benchmark's message URL.
#[derive(Debug, Parser)]
#[command(about)]
struct Args {
    /// Address to listen on (port 0: any free port, printed).
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// Serve an official account's own message URL (`/wechat`) instead of
    /// the authorizers' one.
    #[arg(long)]
    account: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Args::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench_callback_server: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let listener = tokio::net::TcpListener::bind(args.listen).await?;
    let addr = listener.local_addr()?;
    // One load generator sends every message from one address, far above
    // the per-client callback rate: the benchmark measures the message path.
    let limits = RateLimits::default().callbacks_per_client(None);
    let app = if args.account {
        let client = Client::new(account_config()?)?;
        AccountRoutes::new(MessageCallback::account(client, echo_router())?)?
            .rate_limits(limits)
            .router()
    } else {
        let client = Client::new(config()?)?;
        CallbackRoutes::new(
            ComponentCallback::new(client.clone())?,
            echo_messages(client)?,
            format!("http://{addr}/").parse()?,
        )
        .rate_limits(limits)
        .router()
    };
    let mut terminate = signal(SignalKind::terminate())?;
    let server = serve(listener, app, ServeOptions::default()).with_graceful_shutdown(async move {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = terminate.recv() => {}
        }
    });
    let mut stdout = std::io::stdout();
    writeln!(stdout, "listening on {addr}")?;
    stdout.flush()?;
    server.await;
    Ok(())
}
