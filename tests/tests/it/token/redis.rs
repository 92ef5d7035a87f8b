//! The Redis store against a real `redis-server` started by each test on a
//! free loopback port: single flight within one manager and across several
//! managers (as several processes would be), expiry, invalidation, a dead
//! lease holder, a failing refresh, and an unreachable Redis, and the raw
//! key layout. What every store must do (values, expiry, leases,
//! compare-and-delete, versioned writes, claims, concurrent callers) is in
//! the conformance suite (`it/token_store_conformance.rs`), which also runs
//! on Redis Cluster and Sentinel.
//!
//! Never skipped: without `redis-server` these tests fail with a message.

use wechat_api_test_support::redis as redis_server;
use wechat_api_test_support::refused_port;
use wechat_api_test_support::token as token_helpers;

use std::sync::Arc;
use std::time::{Duration, Instant};

use redis_server::RedisServer;
use refused_port::RefusedPort;
use token_helpers::{
    Refresher, assert_all_ok, concurrent_gets, http_refresh, replayed_push_keeps_the_newer_ticket,
};
use wechat_api::Error;
use wechat_api::token::{RedisStore, TokenKey, TokenManager, TokenStore};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const HOUR: Duration = Duration::from_secs(3600);

async fn store(server: &RedisServer) -> Arc<RedisStore> {
    Arc::new(
        RedisStore::connect(server.url())
            .await
            .expect("connect to the test redis-server"),
    )
}

/// `n` managers, each with its own store and connection, as `n` processes.
async fn managers(server: &RedisServer, n: usize) -> Vec<TokenManager> {
    let mut managers = Vec::with_capacity(n);
    for _ in 0..n {
        managers.push(TokenManager::new(store(server).await));
    }
    managers
}

async fn raw(server: &RedisServer) -> redis::aio::MultiplexedConnection {
    redis::Client::open(server.url())
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap()
}

/// `callers` concurrent callers on each manager, all released at once.
async fn across_managers(
    managers: &[TokenManager],
    key: &TokenKey,
    callers: usize,
    make_refresh: impl Fn() -> token_helpers::Refresh + Clone + Send + 'static,
) -> Vec<wechat_api::Result<String>> {
    let mut groups = Vec::new();
    for manager in managers {
        let (manager, key, make_refresh) = (manager.clone(), key.clone(), make_refresh.clone());
        groups.push(tokio::spawn(async move {
            concurrent_gets(&manager, &key, callers, make_refresh).await
        }));
    }
    let mut results = Vec::new();
    for group in groups {
        results.extend(group.await.unwrap());
    }
    results
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn cold_cache_200_concurrent_callers_refresh_exactly_once() {
    let server = RedisServer::start();
    let manager = TokenManager::new(store(&server).await);
    let key = TokenKey::access_token("wx-redis");
    let refresher = Refresher::new(HOUR, Duration::from_millis(50));

    let results = concurrent_gets(&manager, &key, 200, || refresher.refresh()).await;

    assert_eq!(refresher.calls(), 1);
    assert_all_ok(&results, "token-1");
    let mut conn = raw(&server).await;
    let value: Option<String> = redis::cmd("GET")
        .arg("wechat:app:wx-redis:access_token")
        .query_async(&mut conn)
        .await
        .unwrap();
    assert_eq!(value.as_deref(), Some("token-1"));
    let pttl: i64 = redis::cmd("PTTL")
        .arg("wechat:app:wx-redis:access_token")
        .query_async(&mut conn)
        .await
        .unwrap();
    assert!(
        pttl > 3_590_000 && pttl <= 3_600_000,
        "stored with expires_in as TTL: {pttl}"
    );
    let lease: bool = redis::cmd("EXISTS")
        .arg("wechat:app:wx-redis:access_token:lease")
        .query_async(&mut conn)
        .await
        .unwrap();
    assert!(!lease, "the lease was released");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn cold_cache_200_concurrent_callers_make_one_http_request() {
    let server = RedisServer::start();
    let upstream = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/cgi-bin/component/api_component_token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(
                    serde_json::json!({"access_token": "COMPONENT-1", "expires_in": 7200}),
                )
                .set_delay(Duration::from_millis(100)),
        )
        .expect(1)
        .mount(&upstream)
        .await;
    token_helpers::install_crypto_provider();
    let client = reqwest::Client::new();
    let url = format!("{}/cgi-bin/component/api_component_token", upstream.uri());
    let manager = TokenManager::new(store(&server).await);
    let key = TokenKey::component_access_token("wx-component");

    let results = concurrent_gets(&manager, &key, 200, || {
        http_refresh(client.clone(), url.clone())
    })
    .await;

    assert_all_ok(&results, "COMPONENT-1");
    assert_eq!(
        upstream.received_requests().await.unwrap_or_default().len(),
        1
    );
    upstream.verify().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn four_managers_with_50_callers_each_make_one_http_request() {
    let server = RedisServer::start();
    let upstream = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/cgi-bin/token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"access_token": "SHARED-1", "expires_in": 7200}))
                .set_delay(Duration::from_millis(100)),
        )
        .expect(1)
        .mount(&upstream)
        .await;
    token_helpers::install_crypto_provider();
    let client = reqwest::Client::new();
    let url = format!("{}/cgi-bin/token", upstream.uri());
    let managers = managers(&server, 4).await;
    let key = TokenKey::access_token("wx-shared");

    let results = across_managers(&managers, &key, 50, move || {
        http_refresh(client.clone(), url.clone())
    })
    .await;

    assert_all_ok(&results, "SHARED-1");
    upstream.verify().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn expiry_leads_to_exactly_one_refresh_across_managers() {
    let server = RedisServer::start();
    let mut managers = Vec::new();
    for _ in 0..4 {
        managers.push(
            TokenManager::builder(store(&server).await)
                .safety_margin(Duration::from_millis(300))
                .build(),
        );
    }
    let key = TokenKey::jsapi_ticket("wx-expiry");
    // Served without a refresh for 2300 - 300 = 2000 ms from the refresh:
    // time enough for the second round even on a loaded machine.
    let lifetime = Duration::from_millis(2300);
    let refresher = Refresher::new(lifetime, Duration::from_millis(50));
    let make = {
        let refresher = refresher.clone();
        move || refresher.refresh()
    };

    assert_all_ok(
        &across_managers(&managers, &key, 25, make.clone()).await,
        "token-1",
    );
    // The refresh happened before this instant, so it is stale from here
    // on plus its fresh time (Redis counts TTLs in whole milliseconds).
    let refreshed_by = Instant::now();
    assert_eq!(refresher.calls(), 1);
    assert_all_ok(
        &across_managers(&managers, &key, 25, make.clone()).await,
        "token-1",
    );
    assert_eq!(refresher.calls(), 1, "still fresh");

    // Past the point where it stops being served (2300 - 300 / 4 = 2225 ms
    // after the refresh; nobody asked in between, so no early refresh ran):
    // everyone waits for the one refresh.
    let stale_from =
        refreshed_by + lifetime - Duration::from_millis(300 / 4) + Duration::from_millis(5);
    tokio::time::sleep_until(stale_from.into()).await;
    assert_all_ok(&across_managers(&managers, &key, 25, make).await, "token-2");
    assert_eq!(refresher.calls(), 2, "one refresh after expiry");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn invalidation_leads_to_exactly_one_refresh_across_managers() {
    let server = RedisServer::start();
    let mut managers = Vec::new();
    for _ in 0..4 {
        // No local copy: every call reads Redis, so an invalidation is seen at once.
        managers.push(
            TokenManager::builder(store(&server).await)
                .local_max_age(Some(Duration::ZERO))
                .build(),
        );
    }
    let key = TokenKey::access_token("wx-invalidate");
    let refresher = Refresher::new(HOUR, Duration::from_millis(50));
    let make = {
        let refresher = refresher.clone();
        move || refresher.refresh()
    };
    assert_all_ok(
        &across_managers(&managers, &key, 25, make.clone()).await,
        "token-1",
    );

    assert!(
        managers[2]
            .invalidate_if_equals(&key, "token-1")
            .await
            .unwrap()
    );
    assert_all_ok(&across_managers(&managers, &key, 25, make).await, "token-2");
    assert_eq!(refresher.calls(), 2, "one refresh after invalidation");
}

#[tokio::test]
async fn with_local_copies_a_stale_token_is_dropped_without_dropping_the_new_one() {
    let server = RedisServer::start();
    let a = TokenManager::new(store(&server).await);
    let b = TokenManager::new(store(&server).await);
    let key = TokenKey::access_token("wx-local");
    let refresher = Refresher::new(HOUR, Duration::ZERO);
    assert_eq!(
        a.get_or_refresh(&key, refresher.refresh()).await.unwrap(),
        "token-1"
    );
    assert_eq!(
        b.get_or_refresh(&key, refresher.refresh()).await.unwrap(),
        "token-1"
    );

    // A gets 40001 and invalidates: A refreshes once.
    assert!(a.invalidate_if_equals(&key, "token-1").await.unwrap());
    assert_eq!(
        a.get_or_refresh(&key, refresher.refresh()).await.unwrap(),
        "token-2"
    );
    // B still serves its local copy (the documented trade-off)...
    assert_eq!(
        b.get_or_refresh(&key, refresher.refresh()).await.unwrap(),
        "token-1"
    );
    // ...until WeChat rejects it: B's invalidation keeps A's new token.
    assert!(!b.invalidate_if_equals(&key, "token-1").await.unwrap());
    assert_eq!(
        b.get_or_refresh(&key, refresher.refresh()).await.unwrap(),
        "token-2"
    );
    assert_eq!(refresher.calls(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_lease_holder_that_dies_is_taken_over_after_its_lease_expires() {
    let server = RedisServer::start();
    let key = TokenKey::component_access_token("wx-dead");
    // The "dead process": takes the lease with a short TTL and never releases it.
    let dead = store(&server).await;
    // Before the lease is taken: it cannot expire earlier than 400 ms from here.
    let started = Instant::now();
    let _lease = dead
        .try_lease(&key, Duration::from_millis(400))
        .await
        .unwrap()
        .expect("lease free");

    let managers = managers(&server, 2).await;
    let refresher = Refresher::new(HOUR, Duration::from_millis(20));
    let make = {
        let refresher = refresher.clone();
        move || refresher.refresh()
    };
    let results = across_managers(&managers, &key, 20, make).await;
    let elapsed = started.elapsed();

    assert_all_ok(&results, "token-1");
    assert_eq!(refresher.calls(), 1, "one survivor refreshed");
    // Redis and this process may round the 400 ms differently by a little.
    assert!(
        elapsed >= Duration::from_millis(390),
        "waited for the lease: {elapsed:?}"
    );
    // Far below the 40 s wait timeout: the survivors did not wait it out.
    assert!(
        elapsed < Duration::from_secs(10),
        "took over promptly: {elapsed:?}"
    );
}

#[tokio::test]
async fn a_failing_refresh_stores_nothing_and_the_next_call_refreshes_again() {
    let server = RedisServer::start();
    let manager = TokenManager::new(store(&server).await);
    let key = TokenKey::authorizer_access_token("wx-component", "wx-revoked");
    let failing = Refresher::new(HOUR, Duration::ZERO).failing(61023);

    let error = manager
        .get_or_refresh(&key, failing.refresh())
        .await
        .unwrap_err();
    assert_eq!(error.api_code(), Some(61023));
    let mut conn = raw(&server).await;
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg("*")
        .query_async(&mut conn)
        .await
        .unwrap();
    assert!(keys.is_empty(), "nothing written, lease released: {keys:?}");

    let error = manager
        .get_or_refresh(&key, failing.refresh())
        .await
        .unwrap_err();
    assert_eq!(error.api_code(), Some(61023));
    assert_eq!(failing.calls(), 2);
    let working = Refresher::new(HOUR, Duration::ZERO);
    assert_eq!(
        manager
            .get_or_refresh(&key, working.refresh())
            .await
            .unwrap(),
        "token-1"
    );
}

#[tokio::test]
async fn prefixes_keep_applications_apart() {
    let server = RedisServer::start();
    let a = RedisStore::builder(server.url())
        .prefix("app-a:")
        .connect()
        .await
        .unwrap();
    let b = RedisStore::builder(server.url())
        .prefix("app-b:")
        .connect()
        .await
        .unwrap();
    assert_eq!(a.prefix(), "app-a:");
    let key = TokenKey::access_token("wx1");
    a.set(&key, "from-a", None).await.unwrap();
    assert!(b.get(&key).await.unwrap().is_none());
    b.set(&key, "from-b", None).await.unwrap();
    assert_eq!(a.get(&key).await.unwrap().unwrap().value, "from-a");
    let mut conn = raw(&server).await;
    let mut keys: Vec<String> = redis::cmd("KEYS")
        .arg("*")
        .query_async(&mut conn)
        .await
        .unwrap();
    keys.sort();
    assert_eq!(
        keys,
        ["app-a:app:wx1:access_token", "app-b:app:wx1:access_token"]
    );
}

#[tokio::test]
async fn an_unreachable_redis_gives_a_typed_error_quickly() {
    // Holds the port (nothing else can listen there) and refuses connections.
    let refused = RefusedPort::bind();
    let url = format!("redis://:hunter2@{}/", refused.addr());

    let started = Instant::now();
    let error = RedisStore::builder(&url)
        .connect_timeout(Duration::from_millis(500))
        .operation_timeout(Duration::from_millis(500))
        .connect()
        .await
        .expect_err("nothing listens there");
    assert!(matches!(error, Error::Store(_)), "{error:?}");
    // Bounded (the 500 ms timeouts apply), with room for a loaded machine.
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert!(!error.to_string().contains("hunter2"), "{error}");

    // A lazily connected store fails each operation, and the manager passes
    // the error on without calling the refresh.
    let lazy = RedisStore::builder(&url)
        .connect_timeout(Duration::from_millis(300))
        .operation_timeout(Duration::from_millis(500))
        .connect_lazy()
        .unwrap();
    assert!(!format!("{lazy:?}").contains("hunter2"));
    let manager = TokenManager::new(Arc::new(lazy));
    let key = TokenKey::access_token("wx-down");
    let refresher = Refresher::new(HOUR, Duration::ZERO);
    for _ in 0..3 {
        let started = Instant::now();
        let error = manager
            .get_or_refresh(&key, refresher.refresh())
            .await
            .unwrap_err();
        assert!(
            matches!(error, Error::Store(_) | Error::Timeout(_)),
            "{error:?}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{:?}",
            started.elapsed()
        );
        let error = manager.store_verify_ticket("wx-c", "t").await.unwrap_err();
        assert!(
            matches!(error, Error::Store(_) | Error::Timeout(_)),
            "{error:?}"
        );
    }
    assert_eq!(refresher.calls(), 0);

    let error = RedisStore::connect("not a url").await.unwrap_err();
    assert!(matches!(error, Error::Config(_)), "{error:?}");
    drop(refused);
}

#[tokio::test]
async fn redis_dying_mid_way_gives_errors_not_hangs_and_recovers() {
    let mut server = RedisServer::start();
    let store = Arc::new(
        RedisStore::builder(server.url())
            .operation_timeout(Duration::from_secs(1))
            .connect()
            .await
            .unwrap(),
    );
    let manager = TokenManager::builder(store.clone())
        .local_max_age(Some(Duration::ZERO))
        .build();
    let key = TokenKey::access_token("wx-crash");
    let refresher = Refresher::new(HOUR, Duration::ZERO);
    assert_eq!(
        manager
            .get_or_refresh(&key, refresher.refresh())
            .await
            .unwrap(),
        "token-1"
    );

    server.kill();
    let started = Instant::now();
    let error = manager
        .get_or_refresh(&key, refresher.refresh())
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::Store(_) | Error::Timeout(_)),
        "{error:?}"
    );
    // Bounded by the 1 s operation timeout, with room for a loaded machine.
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(refresher.calls(), 1);

    // Redis comes back (empty: it saves nothing): the connection is
    // re-established and the token refreshed.
    let _restarted = RedisServer::start_on(server.port());
    let deadline = Instant::now() + Duration::from_secs(30);
    let value = loop {
        match manager.get_or_refresh(&key, refresher.refresh()).await {
            Ok(value) => break value,
            Err(_) if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(error) => panic!("no reconnection within 30 s: {error}"),
        }
    };
    assert_eq!(value, "token-2");
    assert_eq!(refresher.calls(), 2);
}

#[test]
fn connect_lazy_outside_a_runtime_is_an_error_not_a_panic() {
    let error = RedisStore::builder("redis://127.0.0.1:1/")
        .connect_lazy()
        .unwrap_err();
    assert!(matches!(error, Error::Config(_)), "{error:?}");
    let builder = RedisStore::builder("redis://:hunter2@127.0.0.1:1/");
    assert!(!format!("{builder:?}").contains("hunter2"));
}

#[tokio::test]
async fn a_redis_that_never_answers_gives_a_typed_error_not_a_hang() {
    // Accepts connections (the kernel does) but never reads nor answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("redis://{}/", silent.local_addr().unwrap());

    let started = Instant::now();
    let result = RedisStore::builder(&url)
        .connect_timeout(Duration::from_millis(300))
        .response_timeout(Duration::from_millis(300))
        .operation_timeout(Duration::from_millis(500))
        .connect()
        .await;
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
    let store = match result {
        Err(error) => {
            assert!(matches!(error, Error::Store(_)), "{error:?}");
            // Connecting did not complete: try the lazy way, which must fail per operation.
            RedisStore::builder(&url)
                .connect_timeout(Duration::from_millis(300))
                .response_timeout(Duration::from_millis(300))
                .operation_timeout(Duration::from_millis(500))
                .connect_lazy()
                .unwrap()
        }
        Ok(store) => store,
    };
    let manager = TokenManager::new(Arc::new(store));
    let refresher = Refresher::new(HOUR, Duration::ZERO);
    let started = Instant::now();
    let error = manager
        .get_or_refresh(&TokenKey::access_token("wx-silent"), refresher.refresh())
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::Store(_) | Error::Timeout(_)),
        "{error:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(refresher.calls(), 0);
    drop(silent);
}

#[tokio::test]
async fn a_replayed_push_never_rolls_the_ticket_back() {
    let server = RedisServer::start();
    let manager = TokenManager::new(store(&server).await);
    replayed_push_keeps_the_newer_ticket(&manager, "wx-component").await;

    // The ticket stays a plain string any reader can GET, with its 12-hour
    // expiry, and so does its version.
    let mut conn = raw(&server).await;
    let ticket: Option<String> = redis::cmd("GET")
        .arg("wechat:component:wx-component:verify_ticket")
        .query_async(&mut conn)
        .await
        .unwrap();
    assert_eq!(ticket.as_deref(), Some("ticket-C"));
    // The version sits under a name hash-tagged into the ticket's cluster
    // slot, and (outside a cluster) under its name before hash tags, which
    // processes of an earlier version read.
    for key in [
        "{wechat:component:wx-component:verify_ticket}:version",
        "wechat:component:wx-component:verify_ticket:version",
    ] {
        let version: Option<String> = redis::cmd("GET")
            .arg(key)
            .query_async(&mut conn)
            .await
            .unwrap();
        assert_eq!(version.as_deref(), Some("1700001200"), "{key}");
    }
    for key in [
        "wechat:component:wx-component:verify_ticket",
        "{wechat:component:wx-component:verify_ticket}:version",
        "wechat:component:wx-component:verify_ticket:version",
    ] {
        let pttl: i64 = redis::cmd("PTTL")
            .arg(key)
            .query_async(&mut conn)
            .await
            .unwrap();
        assert!(
            pttl > 11 * 3_600_000 && pttl <= 12 * 3_600_000,
            "{key}: {pttl}"
        );
    }
}

// ---- the test support itself ---------------------------------------------

#[test]
fn a_port_held_by_another_redis_server_is_not_taken_for_ours() {
    let first = RedisServer::start();
    let port = first.port();
    // Our child cannot bind the port; the server that answers there is
    // `first`, which must not be mistaken for it.
    let second = std::panic::catch_unwind(|| RedisServer::start_on(port));
    assert!(
        second.is_err(),
        "another test's redis-server was taken for ours"
    );
}

#[test]
fn a_refused_port_refuses_and_cannot_be_taken() {
    let refused = RefusedPort::bind();
    let connect = std::net::TcpStream::connect(refused.addr()).map(drop);
    assert_eq!(
        connect.map_err(|e| e.kind()),
        Err(std::io::ErrorKind::ConnectionRefused)
    );
    assert!(std::net::TcpListener::bind(refused.addr()).is_err());
}

/// `ClientBuilder::redis_store(url)`: two clients given the same Redis URL
/// share the token: the second one's call makes no token request.
#[tokio::test]
async fn clients_built_with_the_same_redis_url_share_their_tokens() {
    let server = RedisServer::start();
    let upstream = MockServer::start().await;
    Mock::given(path("/cgi-bin/stable_token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"access_token": "SHARED", "expires_in": 7200})),
        )
        .expect(1)
        .mount(&upstream)
        .await;
    let client = || {
        let config = wechat_api::Config::builder()
            .appid("wx_redis_app")
            .secret("secret")
            .build()
            .unwrap();
        wechat_api::Client::builder(config)
            .base_url_for_all(&upstream.uri())
            .unwrap()
            .redis_store(server.url())
            .unwrap()
            .build()
            .unwrap()
    };
    assert_eq!(client().access_token().await.unwrap(), "SHARED");
    assert_eq!(client().access_token().await.unwrap(), "SHARED");
    let stored = store(&server)
        .await
        .get(&TokenKey::access_token("wx_redis_app"))
        .await
        .unwrap()
        .map(|token| token.value);
    assert_eq!(stored.as_deref(), Some("SHARED"));
    upstream.verify().await;
    let error =
        wechat_api::Client::builder(wechat_api::Config::builder().appid("wx_a").build().unwrap())
            .redis_store("not a url")
            .err();
    assert!(
        matches!(error, Some(Error::Config(_) | Error::Store(_))),
        "{error:?}"
    );
}
