//! What the call log costs a call: the same calls through the real client
//! against a sandbox with the log on (its default capacity) and one with
//! it off (capacity 0), in alternating rounds; prints the best round's
//! mean per call for a GET (`user/info`) and a JSON POST
//! (`message/custom/send`).
//!
//! ```text
//! cargo run --release -p wechat-sandbox --example call_log_overhead [calls per round]
//! ```

use std::time::{Duration, Instant};

use wechat_api::Client;
use wechat_api::api::message::{CustomMessage, CustomSendRequest};
use wechat_api::api::user::InfoRequest;
use wechat_sandbox::{DEFAULT_OPENID, Sandbox, SandboxConfig};

const ROUNDS: usize = 5;

async fn sandbox(capacity: usize) -> Result<(Sandbox, Client), Box<dyn std::error::Error>> {
    let config = SandboxConfig::builder()
        .push_interval(None)
        .call_log_capacity(capacity)
        .build()?;
    let sandbox = Sandbox::start(config).await?;
    let client = sandbox.client_builder()?.build()?;
    client.access_token().await?;
    Ok((sandbox, client))
}

/// The mean time of `n` calls of each kind.
async fn round(client: &Client, n: usize) -> Result<(Duration, Duration), wechat_api::Error> {
    let start = Instant::now();
    for _ in 0..n {
        client.user().info(InfoRequest::new(DEFAULT_OPENID)).await?;
    }
    let get = start.elapsed() / n as u32;
    let start = Instant::now();
    for _ in 0..n {
        let text = CustomMessage::text("your order has shipped");
        client
            .message()
            .custom_send(CustomSendRequest::new(DEFAULT_OPENID, text))
            .await?;
    }
    Ok((get, start.elapsed() / n as u32))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(2000)
        .max(1);
    let (on, client_on) = sandbox(wechat_sandbox::CALL_LOG_CAPACITY).await?;
    let (_off, client_off) = sandbox(0).await?;
    round(&client_on, n / 10 + 1).await?;
    round(&client_off, n / 10 + 1).await?;
    let (mut best_on, mut best_off) = (
        (Duration::MAX, Duration::MAX),
        (Duration::MAX, Duration::MAX),
    );
    for _ in 0..ROUNDS {
        let (get, post) = round(&client_on, n).await?;
        best_on = (best_on.0.min(get), best_on.1.min(post));
        let (get, post) = round(&client_off, n).await?;
        best_off = (best_off.0.min(get), best_off.1.min(post));
    }
    println!("{n} calls per round, best of {ROUNDS} rounds, mean per call:");
    println!(
        "  GET  user/info            log on {:>8.1} µs   log off {:>8.1} µs",
        best_on.0.as_secs_f64() * 1e6,
        best_off.0.as_secs_f64() * 1e6
    );
    println!(
        "  POST message/custom/send  log on {:>8.1} µs   log off {:>8.1} µs",
        best_on.1.as_secs_f64() * 1e6,
        best_off.1.as_secs_f64() * 1e6
    );
    println!("  calls kept with the log on: {}", on.calls().len());
    Ok(())
}
