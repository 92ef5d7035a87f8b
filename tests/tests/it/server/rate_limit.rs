//! The routes of `wechat_api::server::CallbackRoutes` that anyone can reach
//! are rate limited per client address, over HTTP through
//! `wechat_api::server::serve`: past its budget a client gets `429` with
//! `Retry-After` (before any handler runs, so before WeChat is called),
//! another client (another loopback address) still has its own budget,
//! `/healthz` is not limited, and the defaults let a burst of 1,000 callback
//! requests from one address through (so that tests and real bursts from
//! one of WeChat's addresses are not refused).
//!
//! The budgets are set to refill once an hour here: no timing matters.

use std::future::IntoFuture as _;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use wechat_api::callback::{self, ComponentCallback, MessageCallback};
use wechat_api::server::{
    AUTHORIZE_PATH, AUTHORIZED_PATH, CallbackRoutes, EVENTS_PATH, HEALTHZ_PATH, Rate, RateLimits,
    ServeOptions, serve,
};
use wechat_api::token::MemoryStore;
use wechat_sandbox::{Sandbox, SandboxConfig};

const HOUR: Duration = Duration::from_secs(3600);

struct Served {
    addr: SocketAddr,
    _sandbox: Sandbox,
    _stop: tokio::sync::oneshot::Sender<()>,
}

/// The callback routes with `limits` (`None`: the defaults), served on a
/// free port of 127.0.0.1.
async fn served(limits: Option<RateLimits>) -> Served {
    let sandbox = Sandbox::start(
        SandboxConfig::builder()
            .push_interval(None)
            .build()
            .unwrap(),
    )
    .await
    .unwrap();
    let client = sandbox
        .client_builder()
        .unwrap()
        .token_store(Arc::new(MemoryStore::new()))
        .build()
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut routes = CallbackRoutes::new(
        ComponentCallback::new(client.clone()).unwrap(),
        MessageCallback::new(client, callback::Router::new()).unwrap(),
        format!("http://{addr}/").parse().unwrap(),
    );
    if let Some(limits) = limits {
        routes = routes.rate_limits(limits);
    }
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(
        serve(listener, routes.router(), ServeOptions::default())
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .into_future(),
    );
    Served {
        addr,
        _sandbox: sandbox,
        _stop: stop,
    }
}

/// An HTTP client whose connections come from `from` (any 127.0.0.0/8
/// address is the loopback interface on Linux).
fn client_from(from: Ipv4Addr) -> reqwest::Client {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .local_address(IpAddr::V4(from))
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

/// `GET path` (with an unsigned query): (status, Retry-After).
async fn get(http: &reqwest::Client, addr: SocketAddr, path: &str) -> (u16, Option<String>) {
    let answer = http
        .get(format!(
            "http://{addr}{path}?timestamp=1&nonce=2&signature=x"
        ))
        .send()
        .await
        .unwrap();
    let retry_after = answer
        .headers()
        .get("retry-after")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    (answer.status().as_u16(), retry_after)
}

#[tokio::test]
async fn a_client_past_its_budget_gets_429_and_others_keep_theirs() {
    let limits = RateLimits::unlimited()
        .authorization_per_client(Some(Rate::new(3, HOUR)))
        .callbacks_per_client(Some(Rate::new(4, HOUR)));
    let s = served(Some(limits)).await;
    let first = client_from(Ipv4Addr::LOCALHOST);
    let second = client_from(Ipv4Addr::new(127, 0, 0, 2));
    let messages = "/wx0000000000000001/callback";

    for path in [AUTHORIZE_PATH, AUTHORIZED_PATH, EVENTS_PATH, messages] {
        let budget = if path == EVENTS_PATH || path == messages {
            4
        } else {
            3
        };
        for n in 0..budget {
            let (status, _) = get(&first, s.addr, path).await;
            assert_ne!(status, 429, "request {n} of {path} within the budget");
        }
        let (status, retry_after) = get(&first, s.addr, path).await;
        assert_eq!(status, 429, "{path} past the budget");
        let seconds: u64 = retry_after
            .expect("Retry-After")
            .parse()
            .expect("Retry-After in seconds");
        assert!((1..=3600).contains(&seconds), "{seconds}");
        // Another address has a budget of its own.
        let (status, _) = get(&second, s.addr, path).await;
        assert_ne!(status, 429, "{path} from another client");
    }
    // Each route has its budget: the message URL of another appid shares
    // the route's (the path's appid is not a client).
    let (status, _) = get(&first, s.addr, "/wx0000000000000002/callback").await;
    assert_eq!(status, 429);
    // The health check is not limited.
    for _ in 0..20 {
        assert_eq!(get(&first, s.addr, HEALTHZ_PATH).await.0, 200);
    }
}

#[tokio::test]
async fn the_authorization_routes_have_an_overall_budget() {
    let limits = RateLimits::unlimited().authorization_overall(Some(Rate::new(2, HOUR)));
    let s = served(Some(limits)).await;
    let clients = [
        client_from(Ipv4Addr::LOCALHOST),
        client_from(Ipv4Addr::new(127, 0, 0, 2)),
        client_from(Ipv4Addr::new(127, 0, 0, 3)),
    ];
    assert_ne!(get(&clients[0], s.addr, AUTHORIZE_PATH).await.0, 429);
    assert_ne!(get(&clients[1], s.addr, AUTHORIZE_PATH).await.0, 429);
    assert_eq!(get(&clients[2], s.addr, AUTHORIZE_PATH).await.0, 429);
    // The redirect route's budget is its own; the callback routes have none
    // overall.
    assert_ne!(get(&clients[2], s.addr, AUTHORIZED_PATH).await.0, 429);
    for _ in 0..5 {
        assert_ne!(get(&clients[2], s.addr, EVENTS_PATH).await.0, 429);
    }
}

#[tokio::test]
async fn the_default_callback_budget_lets_a_burst_of_1000_through() {
    let s = served(None).await;
    assert_eq!(
        RateLimits::default()
            .callbacks_per_client_rate()
            .map(|rate| rate.burst()),
        Some(1_000)
    );
    let http = client_from(Ipv4Addr::LOCALHOST);
    for n in 0..1_000 {
        let (status, _) = get(&http, s.addr, EVENTS_PATH).await;
        assert_ne!(status, 429, "request {n} of a burst of 1,000");
    }
    // (The 1,001st is refused: the library's unit test of the default rate.)
}
