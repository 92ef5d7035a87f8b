//! When the token manager refreshes, on Tokio's paused clock (no test here
//! measures real time): a short-lived token is served for half its life, a
//! waiter outlasts a slow leader (in the process and across processes), the
//! refresh points of a fleet are spread by jitter, and callers keep being
//! served the still-valid token while one caller refreshes it — also when
//! that refresh fails or another process holds the lease.

use wechat_api_test_support::token as token_helpers;

use std::sync::Arc;
use std::time::Duration;

use token_helpers::Refresher;
use tokio::time::{Instant, sleep};
use wechat_api::Error;
use wechat_api::token::{MemoryStore, TokenKey, TokenManager, TokenStore};

/// WeChat's usual token lifetime.
const LIFETIME: Duration = Duration::from_secs(7200);
/// The default safety margin.
const MARGIN: Duration = Duration::from_secs(300);

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// Waits (on the paused clock, without moving it) until `refresher` ran `n` times.
async fn until_calls(refresher: &Refresher, n: usize) {
    while refresher.calls() < n {
        tokio::task::yield_now().await;
    }
}

#[tokio::test(start_paused = true)]
async fn a_60_s_token_is_refreshed_once_between_30_and_45_s() {
    let manager = TokenManager::new(Arc::new(MemoryStore::new()));
    let key = TokenKey::access_token("wx-short");
    let refresher = Refresher::new(secs(60), Duration::ZERO);
    let started = Instant::now();
    // The margin (300 s) is clamped to half the lifetime: 30 s; the refresh
    // point is jittered within the first half of it.
    let refreshed_at = loop {
        for _ in 0..10 {
            manager
                .get_or_refresh(&key, refresher.refresh())
                .await
                .unwrap();
        }
        if refresher.calls() == 2 {
            break started.elapsed();
        }
        assert_eq!(refresher.calls(), 1, "fetched once until its refresh point");
        sleep(secs(1)).await;
    };
    assert!(
        (secs(30)..=secs(46)).contains(&refreshed_at),
        "{refreshed_at:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_waiter_with_a_short_wait_timeout_outlasts_a_slow_leader_in_its_process() {
    let manager = TokenManager::builder(Arc::new(MemoryStore::new()))
        .wait_timeout(secs(1))
        .lease_ttl(secs(30))
        .build();
    let key = TokenKey::access_token("wx-slow-leader");
    // The leader's refresh takes 10 s, well within its 30-s lease.
    let slow = Refresher::new(LIFETIME, secs(10));
    let leader = {
        let (manager, key, refresh) = (manager.clone(), key.clone(), slow.refresh());
        tokio::spawn(async move { manager.get_or_refresh(&key, refresh).await })
    };
    until_calls(&slow, 1).await;

    let waiter = Refresher::new(LIFETIME, Duration::ZERO);
    let started = Instant::now();
    let value = manager.get_or_refresh(&key, waiter.refresh()).await;
    assert_eq!(
        value.unwrap(),
        "token-1",
        "the leader's token, not a timeout"
    );
    assert_eq!(started.elapsed(), secs(10), "waited for the leader");
    assert_eq!(waiter.calls(), 0);
    assert_eq!(leader.await.unwrap().unwrap(), "token-1");
}

#[tokio::test(start_paused = true)]
async fn a_waiter_with_a_short_wait_timeout_outlasts_a_slow_leader_in_another_process() {
    let store = Arc::new(MemoryStore::new());
    let settings = |store: Arc<MemoryStore>| {
        TokenManager::builder(store)
            .wait_timeout(secs(1))
            .lease_ttl(secs(30))
            .build()
    };
    let (one, two) = (settings(store.clone()), settings(store.clone()));
    let key = TokenKey::access_token("wx-slow-process");
    let slow = Refresher::new(LIFETIME, secs(20));
    let leader = {
        let (one, key, refresh) = (one.clone(), key.clone(), slow.refresh());
        tokio::spawn(async move { one.get_or_refresh(&key, refresh).await })
    };
    until_calls(&slow, 1).await;

    // The other process finds the lease taken and polls the store for up
    // to a lease TTL, not just its 1-s wait timeout.
    let other = Refresher::new(LIFETIME, Duration::ZERO);
    let value = two.get_or_refresh(&key, other.refresh()).await;
    assert_eq!(value.unwrap(), "token-1");
    assert_eq!(other.calls(), 0);
    assert_eq!(leader.await.unwrap().unwrap(), "token-1");
}

#[tokio::test(start_paused = true)]
async fn processes_that_do_not_share_a_store_refresh_at_spread_out_points() {
    // Eight deployments, each with its own store (the worst case: nothing
    // tells them another one refreshed).
    let key = TokenKey::access_token("wx-fleet");
    let fleet: Vec<(TokenManager, Refresher)> = (0..8)
        .map(|_| {
            (
                TokenManager::new(Arc::new(MemoryStore::new())),
                Refresher::new(LIFETIME, Duration::ZERO),
            )
        })
        .collect();
    let started = Instant::now();
    for (manager, refresher) in &fleet {
        manager
            .get_or_refresh(&key, refresher.refresh())
            .await
            .unwrap();
    }
    let mut points = vec![None; fleet.len()];
    sleep(LIFETIME - MARGIN - secs(1)).await;
    while points.iter().any(Option::is_none) {
        assert!(started.elapsed() <= LIFETIME - MARGIN / 2, "{points:?}");
        for ((manager, refresher), point) in fleet.iter().zip(&mut points) {
            manager
                .get_or_refresh(&key, refresher.refresh())
                .await
                .unwrap();
            if point.is_none() && refresher.calls() == 2 {
                *point = Some(started.elapsed().as_secs());
            }
        }
        sleep(secs(1)).await;
    }
    let points: Vec<u64> = points.into_iter().flatten().collect();
    // Each in the first half of the margin: between 6900 and 7050 s.
    for point in &points {
        assert!((6900..=7050).contains(point), "{points:?}");
    }
    // Not all at once (the chance that 8 uniform points over 150 s fall in
    // the same second is 150^-7).
    let first = points.iter().min();
    let last = points.iter().max();
    assert!(first < last, "{points:?}");
}

#[tokio::test(start_paused = true)]
async fn a_fleet_sharing_a_store_refreshes_once_at_the_earliest_point() {
    let store = Arc::new(MemoryStore::new());
    let key = TokenKey::access_token("wx-shared-fleet");
    let refresher = Refresher::new(LIFETIME, Duration::ZERO);
    let fleet: Vec<TokenManager> = (0..8)
        .map(|_| {
            TokenManager::builder(store.clone())
                .local_max_age(None)
                .build()
        })
        .collect();
    for manager in &fleet {
        let value = manager.get_or_refresh(&key, refresher.refresh()).await;
        assert_eq!(value.unwrap(), "token-1");
    }
    sleep(LIFETIME - MARGIN - secs(1)).await;
    // Step through the refresh window: the first process to reach its point
    // refreshes, the others pick the new token up from the store at theirs.
    for _ in 0..160 {
        for manager in &fleet {
            manager
                .get_or_refresh(&key, refresher.refresh())
                .await
                .unwrap();
        }
        sleep(secs(1)).await;
    }
    assert_eq!(refresher.calls(), 2, "one refresh for the whole fleet");
    for manager in &fleet {
        let value = manager.get_or_refresh(&key, refresher.refresh()).await;
        assert_eq!(value.unwrap(), "token-2");
    }
}

#[tokio::test(start_paused = true)]
async fn callers_are_served_the_still_valid_token_while_it_is_refreshed() {
    let manager = TokenManager::builder(Arc::new(MemoryStore::new()))
        .refresh_jitter(false)
        .build();
    let key = TokenKey::access_token("wx-not-blocked");
    // Each refresh takes 10 s.
    let refresher = Refresher::new(LIFETIME, secs(10));
    let first = manager.get_or_refresh(&key, refresher.refresh()).await;
    assert_eq!(first.unwrap(), "token-1");

    // Past the refresh point (7200 - 300 s), before the stop point (- 75 s).
    sleep(LIFETIME - MARGIN + secs(1)).await;
    let leader = {
        let (manager, key, refresh) = (manager.clone(), key.clone(), refresher.refresh());
        tokio::spawn(async move { manager.get_or_refresh(&key, refresh).await })
    };
    until_calls(&refresher, 2).await;

    // While the leader refreshes, nobody waits: the paused clock does not
    // move (it would jump ahead if any caller slept or waited).
    let before = Instant::now();
    for _ in 0..100 {
        let value = manager.get_or_refresh(&key, refresher.refresh()).await;
        assert_eq!(value.unwrap(), "token-1");
    }
    assert_eq!(Instant::now(), before, "no caller waited");
    assert_eq!(refresher.calls(), 2, "only the leader refreshes");

    assert_eq!(leader.await.unwrap().unwrap(), "token-2");
    let value = manager.get_or_refresh(&key, refresher.refresh()).await;
    assert_eq!(value.unwrap(), "token-2");
    assert_eq!(refresher.calls(), 2);
}

#[tokio::test(start_paused = true)]
async fn while_another_process_refreshes_the_still_valid_token_is_served() {
    let store = Arc::new(MemoryStore::new());
    let build = || {
        TokenManager::builder(store.clone())
            .refresh_jitter(false)
            .build()
    };
    let (one, two) = (build(), build());
    let key = TokenKey::access_token("wx-two-processes");
    let refresher = Refresher::new(LIFETIME, secs(10));
    let first = one.get_or_refresh(&key, refresher.refresh()).await;
    assert_eq!(first.unwrap(), "token-1");
    let first = two.get_or_refresh(&key, refresher.refresh()).await;
    assert_eq!(first.unwrap(), "token-1");

    sleep(LIFETIME - MARGIN + secs(1)).await;
    let leader = {
        let (one, key, refresh) = (one.clone(), key.clone(), refresher.refresh());
        tokio::spawn(async move { one.get_or_refresh(&key, refresh).await })
    };
    until_calls(&refresher, 2).await;

    // The other process finds the lease taken: it serves its valid token
    // instead of waiting, and does not refresh.
    let before = Instant::now();
    for _ in 0..10 {
        let value = two.get_or_refresh(&key, refresher.refresh()).await;
        assert_eq!(value.unwrap(), "token-1");
    }
    assert_eq!(Instant::now(), before, "no caller waited");
    assert_eq!(leader.await.unwrap().unwrap(), "token-2");
    // A moment later it reads the store again and picks the new token up.
    sleep(secs(1)).await;
    let value = two.get_or_refresh(&key, refresher.refresh()).await;
    assert_eq!(value.unwrap(), "token-2");
    assert_eq!(refresher.calls(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_failing_early_refresh_serves_the_valid_token_until_it_must_stop() {
    let store = Arc::new(MemoryStore::new());
    let manager = TokenManager::builder(store.clone())
        .refresh_jitter(false)
        .build();
    let key = TokenKey::access_token("wx-failing");
    let working = Refresher::new(LIFETIME, Duration::ZERO);
    let first = manager.get_or_refresh(&key, working.refresh()).await;
    assert_eq!(first.unwrap(), "token-1");

    // WeChat is down from the refresh point on.
    let failing = Refresher::new(LIFETIME, Duration::ZERO).failing(-1);
    sleep(LIFETIME - MARGIN + secs(1)).await;
    let value = manager.get_or_refresh(&key, failing.refresh()).await;
    assert_eq!(value.unwrap(), "token-1", "served despite the failure");
    assert_eq!(failing.calls(), 1);
    // Retried a few seconds later, not on every call.
    for _ in 0..50 {
        let value = manager.get_or_refresh(&key, failing.refresh()).await;
        assert_eq!(value.unwrap(), "token-1");
    }
    assert_eq!(failing.calls(), 1);
    sleep(secs(6)).await;
    let value = manager.get_or_refresh(&key, failing.refresh()).await;
    assert_eq!(value.unwrap(), "token-1");
    assert_eq!(failing.calls(), 2);

    // In the last quarter of the margin the token is no longer served: the
    // failure reaches the caller.
    sleep(MARGIN - MARGIN / 4).await;
    let error = manager
        .get_or_refresh(&key, failing.refresh())
        .await
        .unwrap_err();
    assert_eq!(error.api_code(), Some(-1), "{error:?}");
    assert!(
        store.get(&key).await.unwrap().is_some(),
        "the token is not dropped"
    );
}

#[tokio::test(start_paused = true)]
async fn an_invalidated_token_is_never_served_while_it_is_refreshed() {
    let manager = TokenManager::builder(Arc::new(MemoryStore::new()))
        .refresh_jitter(false)
        .build();
    let key = TokenKey::access_token("wx-invalidated");
    let refresher = Refresher::new(LIFETIME, secs(10));
    let first = manager.get_or_refresh(&key, refresher.refresh()).await;
    assert_eq!(first.unwrap(), "token-1");

    // WeChat rejected it: callers wait for the new token, even though the
    // old one has not reached its refresh point.
    assert!(manager.invalidate_if_equals(&key, "token-1").await.unwrap());
    let leader = {
        let (manager, key, refresh) = (manager.clone(), key.clone(), refresher.refresh());
        tokio::spawn(async move { manager.get_or_refresh(&key, refresh).await })
    };
    until_calls(&refresher, 2).await;
    let value = manager.get_or_refresh(&key, refresher.refresh()).await;
    assert_eq!(value.unwrap(), "token-2");
    assert_eq!(leader.await.unwrap().unwrap(), "token-2");
}

#[tokio::test(start_paused = true)]
async fn a_refresh_slower_than_its_lease_is_a_timeout_for_every_waiter() {
    let manager = TokenManager::builder(Arc::new(MemoryStore::new()))
        .lease_ttl(secs(10))
        .wait_timeout(secs(1))
        .build();
    let key = TokenKey::access_token("wx-too-slow");
    let hanging = Refresher::new(LIFETIME, secs(3600));
    let leader = {
        let (manager, key, refresh) = (manager.clone(), key.clone(), hanging.refresh());
        tokio::spawn(async move { manager.get_or_refresh(&key, refresh).await })
    };
    until_calls(&hanging, 1).await;
    let waiter = Refresher::new(LIFETIME, Duration::ZERO);
    let error = manager
        .get_or_refresh(&key, waiter.refresh())
        .await
        .unwrap_err();
    // The leader gave up at 90 % of its lease, and the waiter got its error.
    assert!(
        matches!(error, Error::Timeout(d) if d == secs(10)),
        "{error:?}"
    );
    assert!(matches!(leader.await.unwrap(), Err(Error::Timeout(_))));
    assert_eq!(waiter.calls(), 0);
}

#[tokio::test(start_paused = true)]
async fn a_token_rejected_during_its_early_refresh_is_no_longer_served() {
    let manager = TokenManager::builder(Arc::new(MemoryStore::new()))
        .refresh_jitter(false)
        .build();
    let key = TokenKey::access_token("wx-rejected-meanwhile");
    let refresher = Refresher::new(LIFETIME, secs(10));
    let first = manager.get_or_refresh(&key, refresher.refresh()).await;
    assert_eq!(first.unwrap(), "token-1");
    sleep(LIFETIME - MARGIN + secs(1)).await;
    let leader = {
        let (manager, key, refresh) = (manager.clone(), key.clone(), refresher.refresh());
        tokio::spawn(async move { manager.get_or_refresh(&key, refresh).await })
    };
    until_calls(&refresher, 2).await;
    let value = manager.get_or_refresh(&key, refresher.refresh()).await;
    assert_eq!(value.unwrap(), "token-1", "served while refreshing");

    // WeChat rejects it meanwhile: from now on callers wait for the new one.
    manager.invalidate_if_equals(&key, "token-1").await.unwrap();
    let value = manager.get_or_refresh(&key, refresher.refresh()).await;
    assert_eq!(value.unwrap(), "token-2");
    assert_eq!(leader.await.unwrap().unwrap(), "token-2");
    assert_eq!(refresher.calls(), 2);
}
