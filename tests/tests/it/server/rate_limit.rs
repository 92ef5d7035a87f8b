//! The routes of `wechat_api::server::CallbackRoutes` that anyone can reach
//! are rate limited per client address, over HTTP through
//! `wechat_api::server::serve`: past its budget a client gets `429` with
//! `Retry-After` (before any handler runs, so before WeChat is called),
//! another client (another loopback address) still has its own budget,
//! `/healthz` is not limited. On the callback routes only failures count: a
//! valid signed push is never refused, however many come from one address
//! and even when that address is over its budget because of forgeries.
//!
//! The budgets are set to refill once an hour here: no timing matters.

use std::future::IntoFuture as _;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt as _;
use wechat_api::callback::{self, ComponentCallback, MessageCallback};
use wechat_api::crypto::{MsgCrypt, plain_signature};
use wechat_api::server::{
    AUTHORIZE_PATH, AUTHORIZED_PATH, CallbackRoutes, EVENTS_PATH, HEALTHZ_PATH, Rate, RateLimits,
    ServeOptions, serve,
};
use wechat_api::token::MemoryStore;
use wechat_sandbox::{Sandbox, SandboxConfig};

const HOUR: Duration = Duration::from_secs(3600);

struct Served {
    addr: SocketAddr,
    /// The platform's message crypto and token, to sign pushes like WeChat.
    crypt: MsgCrypt,
    token: String,
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
    let config = sandbox.config();
    let crypt = MsgCrypt::new(
        config.component_token(),
        config.component_aes_key(),
        config.component_appid(),
    )
    .unwrap();
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
        crypt,
        token: config.component_token().to_owned(),
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

/// How a push is signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Signed {
    /// Like WeChat's: `signature` and `msg_signature`.
    Valid,
    /// Both signatures wrong.
    Forged,
    /// A valid `signature` (a query WeChat sent, replayed) with a body that
    /// does not match its `msg_signature`.
    TamperedBody,
}

/// `POST`s the text message `msg_id` to the authorizer message URL,
/// encrypted and signed as `signed` says: the answer's status.
async fn push(s: &Served, http: &reqwest::Client, msg_id: u64, signed: Signed) -> u16 {
    let timestamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string();
    let nonce = msg_id.to_string();
    let plaintext = format!(
        "<xml><ToUserName><![CDATA[gh_b0000001]]></ToUserName>\
         <FromUserName><![CDATA[oUser1]]></FromUserName><CreateTime>{timestamp}</CreateTime>\
         <MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hello {msg_id}]]></Content>\
         <MsgId>{msg_id}</MsgId></xml>"
    );
    let encrypt = s.crypt.encrypt(&plaintext).unwrap();
    let (mut signature, mut msg_signature) = (
        plain_signature(&s.token, &timestamp, &nonce),
        s.crypt.sign(&timestamp, &nonce, &encrypt),
    );
    let mut body_encrypt = encrypt.clone();
    match signed {
        Signed::Valid => {}
        Signed::Forged => {
            signature = "0".repeat(40);
            msg_signature = "0".repeat(40);
        }
        Signed::TamperedBody => body_encrypt = s.crypt.encrypt("<xml>other</xml>").unwrap(),
    }
    let body = format!(
        "<xml><ToUserName><![CDATA[gh_b0000001]]></ToUserName>\
         <Encrypt><![CDATA[{body_encrypt}]]></Encrypt></xml>"
    );
    let url = format!(
        "http://{}/wx00000000b0000001/callback?signature={signature}&timestamp={timestamp}\
         &nonce={nonce}&openid=oUser1&encrypt_type=aes&msg_signature={msg_signature}",
        s.addr
    );
    http.post(url)
        .body(body)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
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
async fn valid_signed_pushes_far_above_the_old_budget_all_get_2xx() {
    // The defaults; the budget used to count every callback request (bursts
    // of 1,000, then 500 a second).
    let s = served(None).await;
    let http = client_from(Ipv4Addr::LOCALHOST);
    let statuses: Vec<u16> = futures_util::stream::iter(0..3_000u64)
        .map(|msg_id| push(&s, &http, 1_000_000 + msg_id, Signed::Valid))
        .buffer_unordered(16)
        .collect()
        .await;
    let refused: Vec<_> = statuses.iter().filter(|&&status| status != 200).collect();
    assert!(refused.is_empty(), "{} refused: {refused:?}", refused.len());
}

#[tokio::test]
async fn forgeries_spend_the_budget_and_valid_pushes_still_pass() {
    let limits = RateLimits::unlimited().callbacks_per_client(Some(Rate::new(4, HOUR)));
    let s = served(Some(limits)).await;
    let first = client_from(Ipv4Addr::LOCALHOST);
    let mut msg_id = 0u64..;
    let mut next = || msg_id.next().unwrap();

    // Valid pushes, many times the budget: none is counted.
    for _ in 0..40 {
        assert_eq!(push(&s, &first, next(), Signed::Valid).await, 200);
    }
    // Forged ones are verified (403) within the budget, then refused
    // unread.
    for n in 0..4 {
        let status = push(&s, &first, next(), Signed::Forged).await;
        assert_eq!(status, 403, "forgery {n} within the budget");
    }
    for _ in 0..10 {
        assert_eq!(push(&s, &first, next(), Signed::Forged).await, 429);
    }
    // The address is over its budget, yet a valid signature is proof
    // enough: WeChat's pushes from it (behind the same proxy, say) pass.
    for _ in 0..40 {
        assert_eq!(push(&s, &first, next(), Signed::Valid).await, 200);
    }
    assert_eq!(push(&s, &first, next(), Signed::Forged).await, 429);
    // So does the signed URL handshake, not an unsigned one.
    let timestamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string();
    let signature = plain_signature(&s.token, &timestamp, "77");
    let handshake = first
        .get(format!(
            "http://{}/wx00000000b0000001/callback?signature={signature}\
             &timestamp={timestamp}&nonce=77&echostr=echo-me",
            s.addr
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(handshake.status().as_u16(), 200);
    assert_eq!(handshake.text().await.unwrap(), "echo-me");
    let (status, _) = get(&first, s.addr, "/wx00000000b0000001/callback").await;
    assert_eq!(status, 429, "an unsigned handshake");

    // A signed query whose body fails its msg_signature is handled (403),
    // then counted: the fifth request after four such is refused.
    let second = client_from(Ipv4Addr::new(127, 0, 0, 2));
    for _ in 0..4 {
        assert_eq!(push(&s, &second, next(), Signed::TamperedBody).await, 403);
    }
    assert_eq!(push(&s, &second, next(), Signed::Forged).await, 429);
    assert_eq!(push(&s, &second, next(), Signed::Valid).await, 200);
}
