//! Helpers shared by the token tests: counting refresh closures, a refresh
//! that makes a real HTTP call to a wiremock server, and a way to fire many
//! concurrent `get_or_refresh` calls at once, and the scenarios several
//! stores share (replayed and concurrent pushes, concurrent marks).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::Barrier;
use wechat_api::token::{FreshToken, TokenKey, TokenManager};
use wechat_api::{Error, Result};

/// What a refresh closure returns.
pub type RefreshFuture = Pin<Box<dyn Future<Output = Result<FreshToken>> + Send>>;

/// A refresh closure.
pub type Refresh = Box<dyn FnOnce() -> RefreshFuture + Send>;

/// Hands out refresh closures that count their calls and return
/// `{prefix}-{n}` (n = 1, 2, ...) after `delay`, or fail with WeChat error
/// `fail_with` if set.
#[derive(Clone)]
pub struct Refresher {
    calls: Arc<AtomicUsize>,
    prefix: &'static str,
    expires_in: Duration,
    delay: Duration,
    fail_with: Option<i64>,
}

impl Refresher {
    /// Tokens valid for `expires_in`, refreshed in `delay`.
    pub fn new(expires_in: Duration, delay: Duration) -> Self {
        Refresher {
            calls: Arc::new(AtomicUsize::new(0)),
            prefix: "token",
            expires_in,
            delay,
            fail_with: None,
        }
    }

    /// Returns `{prefix}-{n}`.
    pub fn prefix(mut self, prefix: &'static str) -> Self {
        self.prefix = prefix;
        self
    }

    /// Every refresh fails with WeChat error `code`.
    pub fn failing(mut self, code: i64) -> Self {
        self.fail_with = Some(code);
        self
    }

    /// How many refreshes ran.
    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    /// A refresh closure.
    pub fn refresh(&self) -> Refresh {
        let this = self.clone();
        Box::new(move || {
            Box::pin(async move {
                let n = this.calls.fetch_add(1, Ordering::SeqCst) + 1;
                tokio::time::sleep(this.delay).await;
                match this.fail_with {
                    Some(code) => Err(Error::Api {
                        code,
                        message: "refresh refused".into(),
                        endpoint: "test/refresh".into(),
                    }),
                    None => Ok(FreshToken::new(
                        format!("{}-{n}", this.prefix),
                        this.expires_in,
                    )),
                }
            })
        })
    }
}

/// A refresh closure that GETs `url` (a wiremock server answering like
/// `cgi-bin/token`) with a real HTTP client.
pub fn http_refresh(client: reqwest::Client, url: String) -> Refresh {
    install_crypto_provider();
    Box::new(move || {
        Box::pin(async move {
            let answer = client
                .get(&url)
                .send()
                .await
                .map_err(|e| Error::Store(format!("test HTTP call: {e}")))?;
            let body: serde_json::Value = answer
                .json()
                .await
                .map_err(|e| Error::Store(format!("test HTTP body: {e}")))?;
            let token = body["access_token"]
                .as_str()
                .ok_or_else(|| Error::Store(format!("no access_token in {body}")))?;
            let expires_in = body["expires_in"].as_u64().unwrap_or(0);
            Ok(FreshToken::new(token, Duration::from_secs(expires_in)))
        })
    })
}

/// Installs rustls's ring provider (reqwest is built without one); call it
/// before building a `reqwest::Client`.
pub fn install_crypto_provider() {
    // Err means one is installed already.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Runs `callers` concurrent `get_or_refresh(key)` on `manager`, released
/// together by a barrier, each with its own closure from `make_refresh`.
pub async fn concurrent_gets(
    manager: &TokenManager,
    key: &TokenKey,
    callers: usize,
    make_refresh: impl Fn() -> Refresh,
) -> Vec<Result<String>> {
    let barrier = Arc::new(Barrier::new(callers));
    let mut tasks = Vec::with_capacity(callers);
    for _ in 0..callers {
        let manager = manager.clone();
        let key = key.clone();
        let barrier = Arc::clone(&barrier);
        let refresh = make_refresh();
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            manager.get_or_refresh(&key, refresh).await
        }));
    }
    let mut results = Vec::with_capacity(callers);
    for task in tasks {
        results.push(task.await.expect("caller task panicked"));
    }
    results
}

/// Asserts every result is `Ok(expected)`.
pub fn assert_all_ok(results: &[Result<String>], expected: &str) {
    for (i, result) in results.iter().enumerate() {
        match result {
            Ok(value) => assert_eq!(value, expected, "caller {i} got another token"),
            Err(e) => panic!("caller {i} failed: {e}"),
        }
    }
}

/// Push A, push B, replay A: the ticket stays B. Also: the same push again
/// is stored, a later push is, and a plain `store_verify_ticket` keeps
/// working without lowering the bar for replays.
pub async fn replayed_push_keeps_the_newer_ticket(manager: &TokenManager, component_appid: &str) {
    let stored = |ticket: &'static str, time: i64| async move {
        manager
            .store_verify_ticket_if_newer(component_appid, ticket, time)
            .await
            .expect("store works")
    };
    assert!(stored("ticket-A", 1_700_000_000).await, "push A");
    assert!(stored("ticket-B", 1_700_000_600).await, "push B");
    assert!(!stored("ticket-A", 1_700_000_000).await, "replay of A");
    assert_eq!(ticket(manager, component_appid).await, "ticket-B");
    assert!(stored("ticket-B", 1_700_000_600).await, "B seen again");
    assert_eq!(ticket(manager, component_appid).await, "ticket-B");

    // An unversioned write still works and is what verify_ticket reads...
    manager
        .store_verify_ticket(component_appid, "ticket-manual")
        .await
        .expect("store works");
    assert_eq!(ticket(manager, component_appid).await, "ticket-manual");
    // ...and a replay is still refused afterwards.
    assert!(!stored("ticket-A", 1_700_000_000).await, "replay of A");
    assert_eq!(ticket(manager, component_appid).await, "ticket-manual");
    assert!(stored("ticket-C", 1_700_001_200).await, "push C");
    assert_eq!(ticket(manager, component_appid).await, "ticket-C");
}

async fn ticket(manager: &TokenManager, component_appid: &str) -> String {
    manager
        .verify_ticket(component_appid)
        .await
        .expect("a ticket is stored")
}

/// Pushes with versions 1..=`pushes`, in a scrambled order, stored
/// concurrently through `managers` (round robin): the newest ticket wins.
pub async fn concurrent_pushes_end_with_the_newest(
    managers: &[TokenManager],
    component_appid: &str,
    pushes: i64,
) {
    let barrier = Arc::new(Barrier::new(usize::try_from(pushes).unwrap_or(0)));
    let mut tasks = Vec::new();
    for i in 0..pushes {
        // A permutation of 1..=pushes when 37 is coprime with `pushes`.
        let version = (i * 37) % pushes + 1;
        let manager = managers[usize::try_from(i).unwrap_or(0) % managers.len()].clone();
        let component_appid = component_appid.to_owned();
        let barrier = Arc::clone(&barrier);
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            manager
                .store_verify_ticket_if_newer(
                    &component_appid,
                    &format!("ticket-{version}"),
                    version,
                )
                .await
        }));
    }
    let mut stored = 0;
    for task in tasks {
        if task.await.expect("task").expect("store works") {
            stored += 1;
        }
    }
    assert!(stored >= 1);
    for manager in managers {
        assert_eq!(
            ticket(manager, component_appid).await,
            format!("ticket-{pushes}")
        );
        // Every older push is refused now.
        for version in [1, pushes / 2, pushes - 1] {
            assert!(
                !manager
                    .store_verify_ticket_if_newer(component_appid, "late", version)
                    .await
                    .expect("store works")
            );
        }
    }
}

/// `callers` concurrent `mark_seen` on each manager: how many got `true`.
pub async fn concurrent_marks(
    managers: &[TokenManager],
    callers: usize,
    id: &str,
    ttl: Duration,
) -> usize {
    let barrier = Arc::new(Barrier::new(callers * managers.len()));
    let mut tasks = Vec::new();
    for manager in managers {
        for _ in 0..callers {
            let manager = manager.clone();
            let barrier = Arc::clone(&barrier);
            let id = id.to_owned();
            tasks.push(tokio::spawn(async move {
                barrier.wait().await;
                manager.mark_seen("push", &id, ttl).await
            }));
        }
    }
    let mut first = 0;
    for task in tasks {
        if task.await.expect("task").expect("store works") {
            first += 1;
        }
    }
    first
}
