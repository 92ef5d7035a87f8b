//! The quickstart: a third-party platform's whole flow against the local
//! WeChat sandbox, over real HTTP on 127.0.0.1, in about a second.
//!
//! ```text
//! cargo run --example quickstart                       # embedded durable store in a temp dir
//! cargo run --example quickstart -- --redis redis://127.0.0.1:6379/
//! ```
//!
//! It starts the sandbox and the callback server (`examples/src/callback.rs`)
//! in this process and prints one line per step. It exits 0 when every step
//! passed, 1 with the failing step otherwise. Set `RUST_LOG=info` to see the
//! servers' logs too.

use std::process::ExitCode;

use clap::Parser;
use wechat_api_examples::quickstart::{self, StoreChoice};

/// Runs the quickstart flow against the sandbox.
#[derive(Debug, Parser)]
#[command(about)]
struct Args {
    /// Keep tokens in Redis at this URL instead of the embedded durable store.
    #[arg(long, value_name = "URL")]
    redis: Option<String>,
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
    let dir = match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(e) => {
            eprintln!("quickstart failed: cannot create a temporary directory: {e}");
            return ExitCode::FAILURE;
        }
    };
    let store = match args.redis {
        Some(url) => StoreChoice::Redis(url),
        None => StoreChoice::Durable(dir.path().join("wechat-tokens.redb")),
    };
    match quickstart::run(store, |line| println!("{line}")).await {
        Ok(report) => {
            println!(
                "quickstart passed: {} steps, authorizer {}, user {}",
                report.lines.len().saturating_sub(2),
                report.account.authorizer_appid,
                report.nickname
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("quickstart failed: {e}");
            ExitCode::FAILURE
        }
    }
}
