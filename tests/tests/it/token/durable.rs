//! The redb-backed durable store: values (the verify ticket, refresh tokens,
//! access tokens with their expiry) survive closing and reopening the file;
//! leases expire; the manager's single flight works over it.

use super::helpers as token_helpers;

use std::sync::Arc;
use std::time::{Duration, Instant};

use token_helpers::{
    Refresher, assert_all_ok, concurrent_gets, concurrent_pushes_end_with_the_newest,
    replayed_push_keeps_the_newer_ticket,
};
use wechat_api::Error;
use wechat_api::token::{DurableStore, TokenKey, TokenManager, TokenStore};

const HOUR: Duration = Duration::from_secs(3600);

fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary directory")
}

#[tokio::test]
async fn verify_ticket_and_refresh_tokens_survive_a_restart() {
    let dir = temp_dir();
    let file = dir.path().join("tokens.redb");
    {
        let store = Arc::new(DurableStore::open(&file).await.unwrap());
        let manager = TokenManager::new(store);
        manager
            .store_verify_ticket("wx-component", "ticket@@@42")
            .await
            .unwrap();
        manager
            .store_refresh_token("wx-component", "wx-a", "refresh@a")
            .await
            .unwrap();
        manager
            .store_refresh_token("wx-component", "wx-b", "refresh@b")
            .await
            .unwrap();
        manager
            .store_refresh_token("wx-component", "wx-c", "refresh@c")
            .await
            .unwrap();
        manager
            .forget_authorizer("wx-component", "wx-c")
            .await
            .unwrap();
        // Every clone of the store is dropped here, closing the file.
    }
    assert!(file.exists());

    let store = Arc::new(DurableStore::open(&file).await.unwrap());
    let manager = TokenManager::new(store.clone());
    assert_eq!(
        manager.verify_ticket("wx-component").await.unwrap(),
        "ticket@@@42"
    );
    assert_eq!(
        manager.refresh_token("wx-component", "wx-a").await.unwrap(),
        "refresh@a"
    );
    assert_eq!(
        manager.refresh_token("wx-component", "wx-b").await.unwrap(),
        "refresh@b"
    );
    let error = manager
        .refresh_token("wx-component", "wx-c")
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::RefreshTokenMissing { .. }),
        "{error:?}"
    );
    // The ticket keeps its 12-hour expiry; refresh tokens have none.
    let ticket = store
        .get(&TokenKey::component_verify_ticket("wx-component"))
        .await
        .unwrap()
        .unwrap();
    let remaining = ticket.remaining().unwrap();
    assert!(remaining > Duration::from_secs(11 * 3600), "{remaining:?}");
    let refresh = store
        .get(&TokenKey::authorizer_refresh_token("wx-component", "wx-a"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(refresh.expires_at, None);
}

#[tokio::test]
async fn an_access_token_is_served_after_a_restart_without_refreshing() {
    let dir = temp_dir();
    let file = dir.path().join("tokens.redb");
    let key = TokenKey::access_token("wx-restart");
    let refresher = Refresher::new(HOUR, Duration::ZERO);
    {
        let manager = TokenManager::new(Arc::new(DurableStore::open(&file).await.unwrap()));
        assert_eq!(
            manager
                .get_or_refresh(&key, refresher.refresh())
                .await
                .unwrap(),
            "token-1"
        );
    }
    let manager = TokenManager::new(Arc::new(DurableStore::open(&file).await.unwrap()));
    assert_eq!(
        manager
            .get_or_refresh(&key, refresher.refresh())
            .await
            .unwrap(),
        "token-1"
    );
    assert_eq!(refresher.calls(), 1);
}

#[tokio::test]
async fn expiry_is_kept_across_a_restart() {
    let dir = temp_dir();
    let file = dir.path().join("tokens.redb");
    let key = TokenKey::jsapi_ticket("wx-ttl");
    // Long enough to survive closing and reopening the file (a disk write
    // and a sync) on a loaded machine.
    let ttl = Duration::from_secs(3);
    let set_done;
    {
        let store = DurableStore::open(&file).await.unwrap();
        store.set(&key, "short-lived", Some(ttl)).await.unwrap();
        set_done = Instant::now();
    }
    let store = DurableStore::open(&file).await.unwrap();
    let value = store.get(&key).await.unwrap().expect("not expired yet");
    assert_eq!(value.value, "short-lived");
    assert!(value.remaining().unwrap() <= ttl);
    // The expiry is stored as wall-clock milliseconds: allow for rounding.
    tokio::time::sleep_until((set_done + ttl + Duration::from_millis(5)).into()).await;
    assert!(store.get(&key).await.unwrap().is_none(), "expired");
    // A zero TTL deletes.
    store.set(&key, "v", None).await.unwrap();
    store.set(&key, "v", Some(Duration::ZERO)).await.unwrap();
    assert!(store.get(&key).await.unwrap().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn cold_cache_200_concurrent_callers_refresh_exactly_once() {
    let dir = temp_dir();
    let store = Arc::new(DurableStore::open(dir.path().join("t.redb")).await.unwrap());
    let manager = TokenManager::new(store.clone());
    let key = TokenKey::component_access_token("wx-component");
    let refresher = Refresher::new(HOUR, Duration::from_millis(50));

    let results = concurrent_gets(&manager, &key, 200, || refresher.refresh()).await;

    assert_eq!(refresher.calls(), 1);
    assert_all_ok(&results, "token-1");
    assert_eq!(store.get(&key).await.unwrap().unwrap().value, "token-1");
}

#[tokio::test]
async fn invalidation_and_a_failing_refresh() {
    let dir = temp_dir();
    let store = Arc::new(DurableStore::open(dir.path().join("t.redb")).await.unwrap());
    let manager = TokenManager::new(store.clone());
    let key = TokenKey::authorizer_access_token("wx-component", "wx-a");

    let failing = Refresher::new(HOUR, Duration::ZERO).failing(61023);
    let error = manager
        .get_or_refresh(&key, failing.refresh())
        .await
        .unwrap_err();
    assert_eq!(error.api_code(), Some(61023));
    assert!(store.get(&key).await.unwrap().is_none(), "nothing written");

    let refresher = Refresher::new(HOUR, Duration::ZERO);
    assert_eq!(
        manager
            .get_or_refresh(&key, refresher.refresh())
            .await
            .unwrap(),
        "token-1"
    );
    assert!(!manager.invalidate_if_equals(&key, "token-0").await.unwrap());
    assert!(manager.invalidate_if_equals(&key, "token-1").await.unwrap());
    assert!(store.get(&key).await.unwrap().is_none());
    assert_eq!(
        manager
            .get_or_refresh(&key, refresher.refresh())
            .await
            .unwrap(),
        "token-2"
    );
    manager.invalidate(&key).await.unwrap();
    assert!(store.get(&key).await.unwrap().is_none());
    assert_eq!(refresher.calls(), 2);
}

#[tokio::test]
async fn leases_are_exclusive_and_expire() {
    let dir = temp_dir();
    let store = DurableStore::open(dir.path().join("t.redb")).await.unwrap();
    let key = TokenKey::access_token("wx-lease");
    // Long enough for the next write transaction on a loaded machine.
    let lease_ttl = Duration::from_secs(1);
    let dead = store.try_lease(&key, lease_ttl).await.unwrap().unwrap();
    let leased = Instant::now();
    assert!(
        store
            .try_lease(&key, Duration::from_secs(1))
            .await
            .unwrap()
            .is_none()
    );
    tokio::time::sleep_until((leased + lease_ttl + Duration::from_millis(5)).into()).await;
    let next = store
        .try_lease(&key, Duration::from_secs(5))
        .await
        .unwrap()
        .expect("expired");
    assert!(
        !store.release(dead).await.unwrap(),
        "an expired lease is not released"
    );
    assert!(
        store
            .try_lease(&key, Duration::from_secs(1))
            .await
            .unwrap()
            .is_none()
    );
    assert!(store.release(next).await.unwrap());
    assert!(
        store
            .try_lease(&key, Duration::from_secs(1))
            .await
            .unwrap()
            .is_some()
    );
}

#[tokio::test]
async fn a_file_that_is_open_already_or_not_a_database_gives_a_store_error() {
    let dir = temp_dir();
    let file = dir.path().join("t.redb");
    let _open = DurableStore::open(&file).await.unwrap();
    let error = DurableStore::open(&file).await.unwrap_err();
    assert!(matches!(error, Error::Store(_)), "{error:?}");

    let garbage = dir.path().join("garbage.redb");
    std::fs::write(&garbage, b"this is not a redb file, not at all, really not").unwrap();
    let error = DurableStore::open(&garbage).await.unwrap_err();
    assert!(matches!(error, Error::Store(_)), "{error:?}");

    let error = DurableStore::open(dir.path().join("missing-dir").join("t.redb"))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Store(_)), "{error:?}");
}

#[test]
fn open_blocking_works_outside_a_runtime() {
    let dir = temp_dir();
    let store = DurableStore::open_blocking(dir.path().join("t.redb")).unwrap();
    assert_eq!(store.path(), dir.path().join("t.redb"));
    assert!(format!("{store:?}").contains("t.redb"));
}

#[tokio::test]
async fn a_replayed_push_never_rolls_the_ticket_back_even_after_a_restart() {
    let dir = temp_dir();
    let file = dir.path().join("tokens.redb");
    {
        let manager = TokenManager::new(Arc::new(DurableStore::open(&file).await.unwrap()));
        replayed_push_keeps_the_newer_ticket(&manager, "wx-component").await;
    }
    let store = Arc::new(DurableStore::open(&file).await.unwrap());
    let manager = TokenManager::new(store.clone());
    assert!(
        !manager
            .store_verify_ticket_if_newer("wx-component", "ticket-A", 1_700_000_000)
            .await
            .unwrap(),
        "the version survived the restart"
    );
    assert_eq!(
        manager.verify_ticket("wx-component").await.unwrap(),
        "ticket-C"
    );
    let ticket = store
        .get(&TokenKey::component_verify_ticket("wx-component"))
        .await
        .unwrap()
        .unwrap();
    assert!(ticket.remaining().unwrap() > Duration::from_secs(11 * 3600));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_pushes_end_with_the_newest_ticket() {
    let dir = temp_dir();
    let store = Arc::new(DurableStore::open(dir.path().join("t.redb")).await.unwrap());
    let managers = [
        TokenManager::new(store.clone()),
        TokenManager::new(store.clone()),
    ];
    concurrent_pushes_end_with_the_newest(&managers, "wx-component", 60).await;
}
