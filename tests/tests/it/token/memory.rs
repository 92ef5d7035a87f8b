//! Token manager over the in-memory store: single flight, expiry,
//! invalidation, failing refreshes, leases, key rendering and redaction.
//! What every store must do is in the conformance suite
//! (`it/token_store_conformance.rs`); this file keeps the manager's own
//! behaviour, checked over the memory store.

use wechat_api_test_support::token as token_helpers;

use std::sync::Arc;
use std::time::{Duration, Instant};

use token_helpers::{
    Refresher, assert_all_ok, concurrent_gets, concurrent_pushes_end_with_the_newest, http_refresh,
    replayed_push_keeps_the_newer_ticket,
};
use wechat_api::Error;
use wechat_api::token::{FreshToken, MemoryStore, StoredValue, TokenKey, TokenManager, TokenStore};
use wechat_api_test_support::recording_store::{Op, RecordingStore};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const HOUR: Duration = Duration::from_secs(3600);

fn memory_manager() -> (Arc<MemoryStore>, TokenManager) {
    let store = Arc::new(MemoryStore::new());
    let manager = TokenManager::new(store.clone());
    (store, manager)
}

/// Counts the store calls, to show that callers waiting in this process do
/// not poll the store. Only the required methods: `set_if_newer` is the
/// trait's default.
fn counting_store() -> RecordingStore {
    RecordingStore::new(MemoryStore::new()).lease_set_if_newer()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn callers_waiting_in_the_process_do_not_touch_the_store() {
    let store = Arc::new(counting_store());
    let manager = TokenManager::new(store.clone());
    let key = TokenKey::access_token("wx-counting");
    let refresher = Refresher::new(HOUR, Duration::from_millis(100));

    let results = concurrent_gets(&manager, &key, 200, || refresher.refresh()).await;

    assert_all_ok(&results, "token-1");
    assert_eq!(refresher.calls(), 1);
    assert_eq!(store.count_op(Op::TryLease), 1, "one lease taken");
    // The leader reads before and after taking the lease; nobody else reads.
    assert_eq!(store.count_op(Op::Get), 2);
    let again = concurrent_gets(&manager, &key, 200, || refresher.refresh()).await;
    assert_all_ok(&again, "token-1");
    assert_eq!(store.count_op(Op::Get), 2, "warm gets are served locally");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn cold_cache_200_concurrent_callers_make_one_http_request() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/cgi-bin/token"))
        .and(query_param("appid", "wx-http"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"access_token": "ACCESS-1", "expires_in": 7200}))
                .set_delay(Duration::from_millis(100)),
        )
        .expect(1)
        .mount(&server)
        .await;
    let (_, manager) = memory_manager();
    let key = TokenKey::access_token("wx-http");
    token_helpers::install_crypto_provider();
    let client = reqwest::Client::new();
    let url = format!(
        "{}/cgi-bin/token?grant_type=client_credential&appid=wx-http&secret=s",
        server.uri()
    );

    let results = concurrent_gets(&manager, &key, 200, || {
        http_refresh(client.clone(), url.clone())
    })
    .await;

    assert_all_ok(&results, "ACCESS-1");
    let requests = server.received_requests().await.unwrap_or_default();
    assert_eq!(requests.len(), 1, "exactly one upstream request");
    server.verify().await;
}

#[tokio::test(start_paused = true)]
async fn a_token_past_its_refresh_point_is_refreshed_once() {
    let store = Arc::new(MemoryStore::new());
    let manager = TokenManager::builder(store)
        .safety_margin(Duration::from_secs(200))
        .refresh_jitter(false)
        .build();
    let key = TokenKey::jsapi_ticket("wx-expiry");
    // Lives 600 s: refreshed from 600 - 200 = 400 s on, no longer served
    // from 600 - 200 / 4 = 550 s on.
    let refresher =
        Refresher::new(Duration::from_secs(600), Duration::from_secs(1)).prefix("ticket");
    for _ in 0..2 {
        let value = manager.get_or_refresh(&key, refresher.refresh()).await;
        assert_eq!(value.unwrap(), "ticket-1");
    }
    assert_eq!(refresher.calls(), 1);

    // Past the stop point: every caller waits for the one refresh.
    tokio::time::sleep(Duration::from_secs(560)).await;
    let results = concurrent_gets(&manager, &key, 50, || refresher.refresh()).await;
    assert_all_ok(&results, "ticket-2");
    assert_eq!(refresher.calls(), 2, "one refresh, not 50");
}

#[tokio::test(start_paused = true)]
async fn a_token_shorter_lived_than_twice_the_margin_is_served_for_half_its_life() {
    let (_, manager) = memory_manager();
    assert_eq!(manager.safety_margin(), Duration::from_secs(300));
    let key = TokenKey::access_token("wx-margin");
    // Lives 4 minutes, less than the 5-minute margin: the margin becomes
    // 2 minutes, so it is served from cache for (at least) 2 minutes.
    let refresher = Refresher::new(Duration::from_secs(240), Duration::ZERO);
    for _ in 0..100 {
        let value = manager.get_or_refresh(&key, refresher.refresh()).await;
        assert_eq!(value.unwrap(), "token-1");
    }
    tokio::time::sleep(Duration::from_secs(119)).await;
    let value = manager.get_or_refresh(&key, refresher.refresh()).await;
    assert_eq!(value.unwrap(), "token-1");
    assert_eq!(refresher.calls(), 1);
    // Past its refresh point (between 120 and 180 s) it is refreshed once.
    tokio::time::sleep(Duration::from_secs(62)).await;
    let value = manager.get_or_refresh(&key, refresher.refresh()).await;
    assert_eq!(value.unwrap(), "token-2");
    let value = manager.get_or_refresh(&key, refresher.refresh()).await;
    assert_eq!(value.unwrap(), "token-2");
    assert_eq!(refresher.calls(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn invalidation_leads_to_exactly_one_refresh() {
    let (store, manager) = memory_manager();
    let key = TokenKey::authorizer_access_token("wx-component", "wx-authorizer");
    let refresher = Refresher::new(HOUR, Duration::from_millis(30));
    assert_eq!(
        manager
            .get_or_refresh(&key, refresher.refresh())
            .await
            .unwrap(),
        "token-1"
    );

    manager.invalidate(&key).await.unwrap();
    assert!(
        store.get(&key).await.unwrap().is_none(),
        "dropped from the store"
    );

    let results = concurrent_gets(&manager, &key, 50, || refresher.refresh()).await;
    assert_all_ok(&results, "token-2");
    assert_eq!(refresher.calls(), 2);
}

#[tokio::test]
async fn a_failing_refresh_caches_nothing_and_the_next_call_refreshes_again() {
    let (store, manager) = memory_manager();
    let key = TokenKey::component_access_token("wx-component");
    let failing = Refresher::new(HOUR, Duration::ZERO).failing(61004);

    let error = manager
        .get_or_refresh(&key, failing.refresh())
        .await
        .expect_err("the refresh failed");
    assert_eq!(error.api_code(), Some(61004));
    assert!(store.get(&key).await.unwrap().is_none(), "nothing stored");
    assert!(manager.get(&key).await.unwrap().is_none());

    let error = manager
        .get_or_refresh(&key, failing.refresh())
        .await
        .unwrap_err();
    assert_eq!(error.api_code(), Some(61004));
    assert_eq!(failing.calls(), 2, "an error is never cached");

    let working = Refresher::new(HOUR, Duration::ZERO);
    assert_eq!(
        manager
            .get_or_refresh(&key, working.refresh())
            .await
            .unwrap(),
        "token-1"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn callers_waiting_for_a_failing_refresh_share_its_error() {
    let (_, manager) = memory_manager();
    let key = TokenKey::access_token("wx-shared-error");
    let failing = Refresher::new(HOUR, Duration::from_millis(300)).failing(40013);

    let results = concurrent_gets(&manager, &key, 50, || failing.refresh()).await;

    assert_eq!(
        failing.calls(),
        1,
        "waiters do not retry the failed refresh"
    );
    for result in &results {
        let error = result.as_ref().expect_err("every caller sees the failure");
        assert_eq!(error.api_code(), Some(40013), "{error}");
    }
}

#[tokio::test]
async fn a_refresh_done_by_another_process_is_picked_up_without_refreshing() {
    let (store, manager) = memory_manager();
    let key = TokenKey::access_token("wx-other-process");
    // "Another process" holds the lease and writes the token 150 ms later.
    let lease = store
        .try_lease(&key, Duration::from_secs(5))
        .await
        .unwrap()
        .expect("lease free");
    let other = store.clone();
    let other_key = key.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(150)).await;
        other
            .set(&other_key, "from-other", Some(HOUR))
            .await
            .unwrap();
        assert!(other.release(lease).await.unwrap());
    });

    let refresher = Refresher::new(HOUR, Duration::ZERO);
    let started = Instant::now();
    let value = manager
        .get_or_refresh(&key, refresher.refresh())
        .await
        .unwrap();
    assert_eq!(value, "from-other");
    assert_eq!(refresher.calls(), 0);
    assert!(started.elapsed() >= Duration::from_millis(140));
}

#[tokio::test(start_paused = true)]
async fn waiting_for_a_lease_that_is_never_released_times_out() {
    let store = Arc::new(MemoryStore::new());
    let manager = TokenManager::builder(store.clone())
        .wait_timeout(Duration::from_millis(300))
        .lease_ttl(Duration::from_secs(2))
        .build();
    let key = TokenKey::access_token("wx-stuck");
    // Held (by "another process") far longer than its own lease TTL says.
    let _held = store
        .try_lease(&key, Duration::from_secs(60))
        .await
        .unwrap()
        .unwrap();

    let refresher = Refresher::new(HOUR, Duration::ZERO);
    let started = tokio::time::Instant::now();
    let error = manager
        .get_or_refresh(&key, refresher.refresh())
        .await
        .unwrap_err();
    // The wait lasts a lease TTL plus a poll (the wait timeout is shorter):
    // long enough for a holder that respects the TTL to finish or die.
    let limit = Duration::from_millis(2250);
    assert!(
        matches!(error, Error::Timeout(d) if d == limit),
        "{error:?}"
    );
    assert_eq!(started.elapsed(), limit, "the paused clock");
    assert_eq!(refresher.calls(), 0);
}

#[tokio::test]
async fn a_dead_lease_holder_is_taken_over_when_its_lease_expires() {
    let store = Arc::new(MemoryStore::new());
    let manager = TokenManager::builder(store.clone())
        .wait_timeout(Duration::from_secs(5))
        .build();
    let key = TokenKey::access_token("wx-dead-holder");
    // Before the lease is taken: it cannot expire earlier than 300 ms from here.
    let started = Instant::now();
    // Taken and never released: its holder "died".
    let _dead = store
        .try_lease(&key, Duration::from_millis(300))
        .await
        .unwrap()
        .unwrap();

    let refresher = Refresher::new(HOUR, Duration::ZERO);
    assert_eq!(
        manager
            .get_or_refresh(&key, refresher.refresh())
            .await
            .unwrap(),
        "token-1"
    );
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "waited for the lease to expire"
    );
    assert_eq!(refresher.calls(), 1);
}

#[tokio::test]
async fn a_refresh_slower_than_the_lease_fails_and_caches_nothing() {
    let store = Arc::new(MemoryStore::new());
    let manager = TokenManager::builder(store.clone())
        .lease_ttl(Duration::from_millis(100))
        .build();
    let key = TokenKey::access_token("wx-slow");
    let slow = Refresher::new(HOUR, Duration::from_secs(10));
    let error = manager
        .get_or_refresh(&key, slow.refresh())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Timeout(_)), "{error:?}");
    assert!(store.get(&key).await.unwrap().is_none());
    // The lease was released: the next caller does not wait.
    let fast = Refresher::new(HOUR, Duration::ZERO);
    assert_eq!(
        manager.get_or_refresh(&key, fast.refresh()).await.unwrap(),
        "token-1"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_leader_releases_its_lease_and_a_waiter_takes_over() {
    let store = Arc::new(MemoryStore::new());
    let manager = TokenManager::builder(store.clone())
        .lease_ttl(Duration::from_secs(20))
        .wait_timeout(Duration::from_secs(30))
        .build();
    let key = TokenKey::access_token("wx-cancel");
    let hanging = Refresher::new(HOUR, Duration::from_secs(60));
    let leader = {
        let (manager, key, refresh) = (manager.clone(), key.clone(), hanging.refresh());
        tokio::spawn(async move { manager.get_or_refresh(&key, refresh).await })
    };
    // Wait until the leader is refreshing (it holds the lease then).
    let deadline = Instant::now() + Duration::from_secs(10);
    while hanging.calls() == 0 {
        assert!(Instant::now() < deadline, "the leader never started");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(hanging.calls(), 1);
    let waiter = {
        let refresher = Refresher::new(HOUR, Duration::ZERO);
        let (manager, key) = (manager.clone(), key.clone());
        let refresh = refresher.refresh();
        (
            refresher,
            tokio::spawn(async move { manager.get_or_refresh(&key, refresh).await }),
        )
    };
    // Give the waiter a moment to join the leader's flight. Whether it has
    // or not, it cannot have the token before the leader is gone (the lease
    // is held for 20 s), and it must get it soon after.
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(!waiter.1.is_finished(), "nothing to take before the abort");
    leader.abort();
    let value = tokio::time::timeout(Duration::from_secs(15), waiter.1)
        .await
        .expect("the waiter took over, it did not wait for the 20 s lease")
        .unwrap()
        .unwrap();
    assert_eq!(value, "token-1");
    assert_eq!(waiter.0.calls(), 1);
}

#[tokio::test]
async fn the_get_or_refresh_future_is_send() {
    fn assert_send<T: Send>(_: &T) {}
    let (_, manager) = memory_manager();
    let key = TokenKey::access_token("wx-send");
    let refresher = Refresher::new(HOUR, Duration::ZERO);
    let future = manager.get_or_refresh(&key, refresher.refresh());
    assert_send(&future);
    assert_eq!(future.await.unwrap(), "token-1");
}

#[tokio::test]
async fn set_and_get_passthroughs() {
    let (store, manager) = memory_manager();
    let key = TokenKey::wx_card_ticket("wx-card");
    manager.set(&key, "card-1", Some(HOUR)).await.unwrap();
    assert_eq!(manager.get(&key).await.unwrap().as_deref(), Some("card-1"));
    let refresher = Refresher::new(HOUR, Duration::ZERO);
    assert_eq!(
        manager
            .get_or_refresh(&key, refresher.refresh())
            .await
            .unwrap(),
        "card-1"
    );
    assert_eq!(refresher.calls(), 0);

    // A zero TTL deletes.
    manager
        .set(&key, "card-2", Some(Duration::ZERO))
        .await
        .unwrap();
    assert!(store.get(&key).await.unwrap().is_none());
    assert_eq!(
        manager
            .get_or_refresh(&key, refresher.refresh())
            .await
            .unwrap(),
        "token-1"
    );
}

#[tokio::test]
async fn verify_ticket_and_refresh_token_helpers() {
    let (store, manager) = memory_manager();
    let error = manager.verify_ticket("wx-component").await.unwrap_err();
    assert!(
        matches!(&error, Error::TicketMissing { component_appid, push_requested: false } if component_appid == "wx-component"),
        "{error:?}"
    );
    manager
        .store_verify_ticket("wx-component", "ticket@@@1")
        .await
        .unwrap();
    assert_eq!(
        manager.verify_ticket("wx-component").await.unwrap(),
        "ticket@@@1"
    );
    let stored = store
        .get(&TokenKey::component_verify_ticket("wx-component"))
        .await
        .unwrap()
        .unwrap();
    let remaining = stored.remaining().expect("the ticket expires");
    assert!(
        remaining > Duration::from_secs(11 * 3600) && remaining <= Duration::from_secs(12 * 3600)
    );

    let error = manager
        .refresh_token("wx-component", "wx-a")
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::RefreshTokenMissing { authorizer_appid } if authorizer_appid == "wx-a"),
        "{error:?}"
    );
    manager
        .store_refresh_token("wx-component", "wx-a", "refresh@a")
        .await
        .unwrap();
    manager
        .store_refresh_token("wx-component", "wx-b", "refresh@b")
        .await
        .unwrap();
    assert_eq!(
        manager.refresh_token("wx-component", "wx-a").await.unwrap(),
        "refresh@a"
    );
    let refresh_key = TokenKey::authorizer_refresh_token("wx-component", "wx-a");
    assert_eq!(
        store.get(&refresh_key).await.unwrap().unwrap().expires_at,
        None,
        "no TTL"
    );

    let access_key = TokenKey::authorizer_access_token("wx-component", "wx-a");
    manager
        .set(&access_key, "access@a", Some(HOUR))
        .await
        .unwrap();
    manager
        .forget_authorizer("wx-component", "wx-a")
        .await
        .unwrap();
    assert!(manager.refresh_token("wx-component", "wx-a").await.is_err());
    assert!(store.get(&access_key).await.unwrap().is_none());
    let refresher = Refresher::new(HOUR, Duration::ZERO);
    assert_eq!(
        manager
            .get_or_refresh(&access_key, refresher.refresh())
            .await
            .unwrap(),
        "token-1",
        "the local copy was forgotten too"
    );
    assert_eq!(
        manager.refresh_token("wx-component", "wx-b").await.unwrap(),
        "refresh@b"
    );
}

#[test]
fn keys_render_with_prefix_and_cannot_collide() {
    let p = "wechat:";
    assert_eq!(
        TokenKey::component_verify_ticket("wxc").render(p),
        "wechat:component:wxc:verify_ticket"
    );
    assert_eq!(
        TokenKey::component_access_token("wxc").render(p),
        "wechat:component:wxc:access_token"
    );
    assert_eq!(
        TokenKey::authorizer_access_token("wxc", "wxa").render(p),
        "wechat:component:wxc:authorizer:wxa:access_token"
    );
    assert_eq!(
        TokenKey::authorizer_refresh_token("wxc", "wxa").render("x:"),
        "x:component:wxc:authorizer:wxa:refresh_token"
    );
    assert_eq!(
        TokenKey::access_token("wx1").render(p),
        "wechat:app:wx1:access_token"
    );
    assert_eq!(
        TokenKey::jsapi_ticket("wx1").render(p),
        "wechat:app:wx1:jsapi_ticket"
    );
    assert_eq!(
        TokenKey::wx_card_ticket("wx1").render(p),
        "wechat:app:wx1:wx_card_ticket"
    );
    assert_eq!(
        TokenKey::access_token("wx1").render_lease(p),
        "wechat:app:wx1:access_token:lease"
    );
    // A crafted component appid cannot impersonate an authorizer key.
    let crafted = TokenKey::component_access_token("wxc:authorizer:wxa").render(p);
    let real = TokenKey::authorizer_access_token("wxc", "wxa").render(p);
    assert_ne!(crafted, real);
    assert_eq!(
        crafted,
        "wechat:component:wxc%3Aauthorizer%3Awxa:access_token"
    );
    assert_ne!(
        TokenKey::access_token("a%3Ab").render(p),
        TokenKey::access_token("a:b").render(p)
    );
}

#[tokio::test]
async fn secrets_never_appear_in_debug_output() {
    let secret = "SECRET-TOKEN-VALUE";
    let (store, manager) = memory_manager();
    let key = TokenKey::access_token("wx-debug");
    manager.set(&key, secret, Some(HOUR)).await.unwrap();
    let stored = store.get(&key).await.unwrap().unwrap();
    let lease = store
        .try_lease(&key, Duration::from_secs(1))
        .await
        .unwrap()
        .unwrap();
    let lease_value = lease.value().to_owned();
    let outputs = [
        format!("{stored:?}"),
        format!("{:?}", StoredValue::new(secret, None)),
        format!("{:?}", FreshToken::new(secret, HOUR)),
        format!("{store:?}"),
        format!("{manager:?}"),
        format!("{lease:?}"),
    ];
    for output in &outputs {
        assert!(!output.contains(secret), "leaked in {output}");
        assert!(
            !output.contains(&lease_value),
            "lease value leaked in {output}"
        );
    }
    assert!(outputs[0].contains("redacted"));
    assert!(
        outputs[5].contains("wx-debug"),
        "the key is not secret: {}",
        outputs[5]
    );
}

#[test]
fn stored_values_with_huge_ttls_do_not_panic() {
    let value = StoredValue::expiring_in("v", Duration::MAX);
    assert_eq!(value.expires_at, None);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let store = MemoryStore::new();
        let key = TokenKey::access_token("wx-huge");
        store.set(&key, "v", Some(Duration::MAX)).await.unwrap();
        assert!(store.get(&key).await.unwrap().is_some());
        assert!(
            store
                .try_lease(&key, Duration::MAX)
                .await
                .unwrap()
                .is_some()
        );
        let manager = TokenManager::builder(Arc::new(MemoryStore::new()))
            .safety_margin(Duration::MAX)
            .wait_timeout(Duration::MAX)
            .lease_ttl(Duration::MAX)
            .poll_interval(Duration::MAX)
            .local_max_age(Some(Duration::MAX))
            .build();
        let refresher = Refresher::new(HOUR, Duration::ZERO);
        // A margin longer than any lifetime is clamped to half of it: no
        // panic, and the token is served from cache.
        assert_eq!(
            manager
                .get_or_refresh(&key, refresher.refresh())
                .await
                .unwrap(),
            "token-1"
        );
        assert_eq!(
            manager
                .get_or_refresh(&key, refresher.refresh())
                .await
                .unwrap(),
            "token-1"
        );
        assert_eq!(refresher.calls(), 1);
        // A lifetime too long to represent means "never expires".
        let forever = Refresher::new(Duration::MAX, Duration::ZERO).prefix("forever");
        let other = TokenKey::access_token("wx-forever");
        assert_eq!(
            manager
                .get_or_refresh(&other, forever.refresh())
                .await
                .unwrap(),
            "forever-1"
        );
        assert_eq!(
            manager
                .get_or_refresh(&other, forever.refresh())
                .await
                .unwrap(),
            "forever-1"
        );
    });
}

#[tokio::test]
async fn many_keys_including_look_alikes_are_kept_apart() {
    let (_, manager) = memory_manager();
    let refresher = Refresher::new(HOUR, Duration::ZERO);
    // Same length and same last 8 characters: these collide in the local
    // cache's hasher, and must still be told apart.
    let mut keys = Vec::new();
    for i in 0..300 {
        keys.push(TokenKey::authorizer_access_token(
            "wxcomponent0000001",
            format!("wx{i:08x}deadbeef"),
        ));
    }
    keys.push(TokenKey::access_token("wxaaaaaaaa12345678"));
    keys.push(TokenKey::access_token("wxbbbbbbbb12345678"));
    keys.push(TokenKey::jsapi_ticket("wxaaaaaaaa12345678"));
    for (i, key) in keys.iter().enumerate() {
        manager
            .set(key, &format!("value-{i}"), Some(HOUR))
            .await
            .unwrap();
    }
    for (i, key) in keys.iter().enumerate() {
        let value = manager
            .get_or_refresh(key, refresher.refresh())
            .await
            .unwrap();
        assert_eq!(value, format!("value-{i}"));
    }
    assert_eq!(refresher.calls(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_default_set_if_newer_of_a_custom_store_is_correct_too() {
    // counting_store() implements only the required methods: it gets the
    // trait's default set_if_newer (a lease around read, compare, write).
    let store = Arc::new(counting_store());
    let manager = TokenManager::new(store.clone());
    replayed_push_keeps_the_newer_ticket(&manager, "wx-component").await;
    assert!(store.count_op(Op::TryLease) >= 5, "serialized by leases");

    let managers = [
        TokenManager::new(store.clone()),
        TokenManager::new(store.clone()),
    ];
    concurrent_pushes_end_with_the_newest(&managers, "wx-concurrent", 100).await;
    // The version is kept under the marker `version` of the ticket key.
    let version_key = TokenKey::component_verify_ticket("wx-concurrent").version_key();
    assert_eq!(
        version_key,
        TokenKey::marker("version", "component:wx-concurrent:verify_ticket")
    );
    assert_eq!(store.get(&version_key).await.unwrap().unwrap().value, "100");
}
