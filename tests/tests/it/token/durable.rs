//! The redb-backed durable store: values (the verify ticket, refresh tokens,
//! access tokens with their expiry) survive closing and reopening the file;
//! leases expire; the manager's single flight works over it. What every
//! store must do (refresh tokens surviving a restart included) is in the
//! conformance suite (`it/token_store_conformance.rs`); this file keeps what
//! is the durable store's own.

use wechat_api_test_support::token as token_helpers;

use std::sync::Arc;
use std::time::{Duration, Instant};

use token_helpers::{Refresher, replayed_push_keeps_the_newer_ticket};
use wechat_api::Error;
use wechat_api::token::{DurableStore, TokenKey, TokenManager, TokenStore};

const HOUR: Duration = Duration::from_secs(3600);

fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary directory")
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
