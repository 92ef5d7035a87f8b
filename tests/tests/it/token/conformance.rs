//! One `TokenStore` conformance suite, run against every store: memory,
//! durable (redb), Redis standalone, Redis Cluster (3 masters) and Redis
//! Sentinel (master, replica, sentinel).
//!
//! Each scenario is a function of [`Fixture`]; the `suite!` macro makes one
//! test per store and scenario, named `<store>::<scenario>`, so a failure
//! names both. Redis servers are started once per test binary
//! ([`shared`]) and each scenario writes under its own key prefix, so the
//! scenarios run in parallel without seeing each other.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use wechat_api::Error;
use wechat_api::token::{
    DurableStore, Lease, MemoryStore, RedisStore, TokenKey, TokenManager, TokenStore,
};
use wechat_api_test_support::redis::RedisServer;
use wechat_api_test_support::redis_cluster::RedisCluster;
use wechat_api_test_support::redis_sentinel::{MASTER_NAME, RedisSentinelGroup};
use wechat_api_test_support::shared::shared;
use wechat_api_test_support::token::{
    Refresher, assert_all_ok, concurrent_gets, concurrent_marks,
    concurrent_pushes_end_with_the_newest, replayed_push_keeps_the_newer_ticket,
};

/// A deadline for conditions that should hold within seconds: generous, as
/// the machine may be loaded.
const PATIENCE: Duration = Duration::from_secs(60);

pub(crate) fn redis() -> &'static RedisServer {
    static SERVER: OnceLock<RedisServer> = OnceLock::new();
    shared(&SERVER, RedisServer::start)
}

pub(crate) fn cluster() -> &'static RedisCluster {
    static CLUSTER: OnceLock<RedisCluster> = OnceLock::new();
    shared(&CLUSTER, RedisCluster::start)
}

fn sentinel() -> &'static RedisSentinelGroup {
    static GROUP: OnceLock<RedisSentinelGroup> = OnceLock::new();
    shared(&GROUP, RedisSentinelGroup::start)
}

/// The stores under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Memory,
    Durable,
    Redis,
    Cluster,
    Sentinel,
}

/// One scenario's view of one store.
pub struct Fixture {
    kind: Kind,
    prefix: String,
    /// Memory and durable: the one store of this scenario.
    local: Option<Arc<dyn TokenStore>>,
    /// Durable: where its file is.
    dir: Option<tempfile::TempDir>,
}

impl Fixture {
    async fn new(kind: Kind, scenario: &str) -> Fixture {
        let prefix = format!("conformance:{scenario}:");
        let (local, dir): (Option<Arc<dyn TokenStore>>, _) = match kind {
            Kind::Memory => (Some(Arc::new(MemoryStore::new())), None),
            Kind::Durable => {
                let dir = tempfile::tempdir().expect("temporary directory");
                let store = DurableStore::open(dir.path().join("tokens.redb"))
                    .await
                    .expect("open the durable store");
                (Some(Arc::new(store)), Some(dir))
            }
            Kind::Redis | Kind::Cluster | Kind::Sentinel => (None, None),
        };
        Fixture {
            kind,
            prefix,
            local,
            dir,
        }
    }

    /// A handle on the store, as another process would have one: a new
    /// connection for Redis, the same store for the in-process ones.
    pub async fn handle(&self) -> Arc<dyn TokenStore> {
        if let Some(local) = &self.local {
            return Arc::clone(local);
        }
        let builder = match self.kind {
            Kind::Redis => RedisStore::builder(redis().url()),
            Kind::Cluster => RedisStore::cluster(cluster().urls()),
            Kind::Sentinel => RedisStore::sentinel(MASTER_NAME, [sentinel().sentinel_url()]),
            Kind::Memory | Kind::Durable => unreachable!("in-process stores are local"),
        };
        let store = builder
            .prefix(self.prefix.clone())
            .connect()
            .await
            .unwrap_or_else(|e| panic!("{:?}: connect: {e}", self.kind));
        Arc::new(store)
    }

    /// `n` managers, each on its own handle.
    pub async fn managers(&self, n: usize) -> Vec<TokenManager> {
        let mut managers = Vec::with_capacity(n);
        for _ in 0..n {
            managers.push(TokenManager::new(self.handle().await));
        }
        managers
    }

    /// The store as a restarted process sees it, or `None` for the memory
    /// store (which keeps nothing across a restart). Every earlier handle
    /// of a durable store must have been dropped (the file is closed).
    pub async fn restarted(&mut self) -> Option<Arc<dyn TokenStore>> {
        match self.kind {
            Kind::Memory => None,
            Kind::Durable => {
                let dir = self.dir.as_ref().expect("durable stores have a directory");
                // Close the file: drop our handle, then reopen.
                self.local = None;
                let store = DurableStore::open(dir.path().join("tokens.redb"))
                    .await
                    .expect("reopen the durable store");
                let store: Arc<dyn TokenStore> = Arc::new(store);
                self.local = Some(Arc::clone(&store));
                Some(store)
            }
            Kind::Redis | Kind::Cluster | Kind::Sentinel => Some(self.handle().await),
        }
    }
}

/// Polls `done` every 20 ms until it is true, or fails after [`PATIENCE`].
async fn eventually<F, Fut>(what: &str, mut done: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let started = Instant::now();
    while !done().await {
        assert!(
            started.elapsed() < PATIENCE,
            "{what}: not within {PATIENCE:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The scenarios, one function each.
mod scenario {
    use super::*;

    /// Values with and without expiry, the remaining time, expiry, a zero
    /// TTL that deletes, a huge TTL that is clamped, delete.
    pub async fn get_set_expiry(fx: &mut Fixture) {
        let store = fx.handle().await;
        let key = TokenKey::access_token("wx-forever");
        assert!(store.get(&key).await.unwrap().is_none(), "empty at first");
        store.set(&key, "forever", None).await.unwrap();
        let read = store.get(&key).await.unwrap().expect("stored");
        assert_eq!((read.value.as_str(), read.expires_at), ("forever", None));

        let short = TokenKey::access_token("wx-short");
        let ttl = Duration::from_secs(60);
        let before_set = Instant::now();
        store.set(&short, "short", Some(ttl)).await.unwrap();
        let remaining = store
            .get(&short)
            .await
            .unwrap()
            .expect("a 60 s TTL has not run out")
            .remaining()
            .expect("it expires");
        assert!(remaining <= ttl, "{remaining:?}");
        assert!(
            remaining + before_set.elapsed() + Duration::from_millis(5) >= ttl,
            "{remaining:?} left after {:?}",
            before_set.elapsed()
        );

        let brief = TokenKey::jsapi_ticket("wx-brief");
        let brief_ttl = Duration::from_millis(500);
        let set_at = Instant::now();
        store.set(&brief, "brief", Some(brief_ttl)).await.unwrap();
        eventually("a 500 ms TTL runs out", || async {
            store.get(&brief).await.unwrap().is_none()
        })
        .await;
        assert!(
            set_at.elapsed() + Duration::from_millis(5) >= brief_ttl,
            "gone early: {:?}",
            set_at.elapsed()
        );

        store.set(&key, "x", Some(Duration::ZERO)).await.unwrap();
        assert!(
            store.get(&key).await.unwrap().is_none(),
            "a zero TTL deletes"
        );
        store.set(&key, "huge", Some(Duration::MAX)).await.unwrap();
        assert_eq!(
            store.get(&key).await.unwrap().expect("stored").value,
            "huge"
        );
        store.delete(&key).await.unwrap();
        assert!(store.get(&key).await.unwrap().is_none(), "deleted");
        store.delete(&key).await.unwrap();

        // Look-alike keys stay apart.
        let a = TokenKey::access_token("wx:a");
        let b = TokenKey::jsapi_ticket("wx:a");
        let c = TokenKey::authorizer_access_token("wx", "a:access_token");
        store.set(&a, "a", None).await.unwrap();
        store.set(&b, "b", None).await.unwrap();
        store.set(&c, "c", None).await.unwrap();
        for (key, value) in [(&a, "a"), (&b, "b"), (&c, "c")] {
            assert_eq!(store.get(key).await.unwrap().expect("stored").value, value);
        }
    }

    /// A lease is held by one caller at a time, released only by its
    /// holder, and frees itself after its TTL.
    pub async fn lease_exclusive_and_expiry(fx: &mut Fixture) {
        let one = fx.handle().await;
        let two = fx.handle().await;
        let key = TokenKey::component_access_token("wx-lease");
        // Long enough for the next write on a loaded machine (redb fsyncs).
        let lease_ttl = Duration::from_secs(2);
        let started = Instant::now();
        let held = one.try_lease(&key, lease_ttl).await.unwrap().expect("free");
        let long = Duration::from_secs(30);
        assert!(two.try_lease(&key, long).await.unwrap().is_none(), "held");
        assert!(
            !two.release(Lease::new(key.clone(), "forged"))
                .await
                .unwrap(),
            "only the holder releases"
        );
        assert!(
            two.try_lease(&key, long).await.unwrap().is_none(),
            "still held"
        );
        let next = loop {
            if let Some(next) = two.try_lease(&key, long).await.unwrap() {
                break next;
            }
            assert!(started.elapsed() < PATIENCE, "the lease never expired");
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        assert!(
            started.elapsed() + Duration::from_millis(10) >= lease_ttl,
            "expired early: {:?}",
            started.elapsed()
        );
        assert_ne!(held.value(), next.value(), "a new lease, a new value");
        assert!(
            !one.release(held).await.unwrap(),
            "a late release does nothing"
        );
        assert!(
            one.try_lease(&key, long).await.unwrap().is_none(),
            "new holder kept"
        );
        assert!(two.release(next.clone()).await.unwrap(), "released");
        assert!(!two.release(next).await.unwrap(), "released once");
        let again = one
            .try_lease(&key, long)
            .await
            .unwrap()
            .expect("free again");
        // Leases of different keys are independent, and independent of values.
        let other = TokenKey::component_access_token("wx-lease-2");
        assert!(two.try_lease(&other, long).await.unwrap().is_some());
        assert!(
            two.get(&key).await.unwrap().is_none(),
            "a lease is not a value"
        );
        assert!(one.release(again).await.unwrap());
    }

    /// `delete_if_equals` (the manager's `invalidate_if_equals`) drops only
    /// the value it was given, never a newer one.
    pub async fn invalidate_if_equals(fx: &mut Fixture) {
        let store = fx.handle().await;
        let key = TokenKey::authorizer_access_token("wx-component", "wx-a");
        assert!(!store.delete_if_equals(&key, "absent").await.unwrap());
        store
            .set(&key, "old", Some(Duration::from_secs(600)))
            .await
            .unwrap();
        assert!(!store.delete_if_equals(&key, "other").await.unwrap());
        assert_eq!(store.get(&key).await.unwrap().expect("kept").value, "old");
        assert!(store.delete_if_equals(&key, "old").await.unwrap());
        assert!(store.get(&key).await.unwrap().is_none());

        // Through managers: a caller holding a stale token does not drop the
        // one another caller stored meanwhile.
        let managers = fx.managers(2).await;
        managers[0].set(&key, "stale", None).await.unwrap();
        managers[1].set(&key, "fresh", None).await.unwrap();
        assert!(
            !managers[0]
                .invalidate_if_equals(&key, "stale")
                .await
                .unwrap()
        );
        assert_eq!(
            managers[0].get(&key).await.unwrap().as_deref(),
            Some("fresh")
        );
        assert!(
            managers[1]
                .invalidate_if_equals(&key, "fresh")
                .await
                .unwrap()
        );
        assert_eq!(managers[0].get(&key).await.unwrap(), None);

        // Two callers got 40001 with `first`; the first one invalidates it
        // and refreshes; the late one must not drop the new token.
        let key = TokenKey::access_token("wx-race");
        let refresher = Refresher::new(Duration::from_secs(3600), Duration::ZERO);
        let first = managers[0]
            .get_or_refresh(&key, refresher.refresh())
            .await
            .unwrap();
        assert!(
            managers[0]
                .invalidate_if_equals(&key, &first)
                .await
                .unwrap()
        );
        let second = managers[0]
            .get_or_refresh(&key, refresher.refresh())
            .await
            .unwrap();
        assert_eq!(second, "token-2");
        assert!(
            !managers[1]
                .invalidate_if_equals(&key, &first)
                .await
                .unwrap()
        );
        assert_eq!(
            managers[1]
                .get_or_refresh(&key, refresher.refresh())
                .await
                .unwrap(),
            "token-2"
        );
        assert_eq!(
            managers[0].get(&key).await.unwrap().as_deref(),
            Some("token-2")
        );
        assert_eq!(refresher.calls(), 2);
    }

    /// Versioned writes: newer and equal versions are stored, older ones
    /// refused (a replayed push), a plain write leaves the version alone,
    /// and the TTL applies.
    pub async fn set_if_newer_and_replay(fx: &mut Fixture) {
        let store = fx.handle().await;
        let key = TokenKey::component_verify_ticket("wx-versioned");
        let hour = Some(Duration::from_secs(3600));
        assert!(store.set_if_newer(&key, "v100", 100, hour).await.unwrap());
        assert!(store.set_if_newer(&key, "v200", 200, hour).await.unwrap());
        assert!(
            !store.set_if_newer(&key, "v100", 100, hour).await.unwrap(),
            "replay"
        );
        assert_eq!(
            store.get(&key).await.unwrap().expect("stored").value,
            "v200"
        );
        assert!(
            store.set_if_newer(&key, "v200", 200, hour).await.unwrap(),
            "equal"
        );
        let remaining = store.get(&key).await.unwrap().expect("stored").remaining();
        assert!(
            remaining.is_some_and(|r| r <= Duration::from_secs(3600)),
            "{remaining:?}"
        );
        store.set(&key, "manual", None).await.unwrap();
        assert_eq!(
            store.get(&key).await.unwrap().expect("stored").value,
            "manual"
        );
        assert!(
            !store.set_if_newer(&key, "v150", 150, hour).await.unwrap(),
            "bar kept"
        );
        assert!(store.set_if_newer(&key, "v300", 300, None).await.unwrap());
        assert_eq!(
            store.get(&key).await.unwrap().expect("stored").value,
            "v300"
        );

        // Another instance sees the same bar.
        let other = fx.handle().await;
        assert!(!other.set_if_newer(&key, "v250", 250, hour).await.unwrap());
        // A short TTL: value and version expire together, then anything goes.
        let brief = TokenKey::component_verify_ticket("wx-versioned-brief");
        let ttl = Some(Duration::from_millis(300));
        assert!(store.set_if_newer(&brief, "v9", 9, ttl).await.unwrap());
        eventually("the versioned value expires", || async {
            store.get(&brief).await.unwrap().is_none()
        })
        .await;
        assert!(
            store.set_if_newer(&brief, "v1", 1, None).await.unwrap(),
            "version expired too"
        );
        // The same at the edge, many times: the moment a value reads as
        // expired, its version bars nothing (Redis serves a key through its
        // last millisecond, and two relative expiries can differ by one).
        for round in 0..40_i64 {
            let edge = TokenKey::component_verify_ticket(format!("wx-versioned-edge-{round}"));
            let ttl = Some(Duration::from_millis(3));
            assert!(store.set_if_newer(&edge, "high", 1000, ttl).await.unwrap());
            while store.get(&edge).await.unwrap().is_some() {
                tokio::task::yield_now().await;
            }
            assert!(
                store.set_if_newer(&edge, "low", round, None).await.unwrap(),
                "round {round}: the value read as expired but its version still barred"
            );
        }

        // The manager's push path, through two instances.
        let managers = fx.managers(2).await;
        replayed_push_keeps_the_newer_ticket(&managers[0], "wx-push").await;
        assert_eq!(
            managers[1].verify_ticket("wx-push").await.unwrap(),
            "ticket-C"
        );
        // The ticket is a plain value with its 12-hour expiry.
        let stored = managers[1]
            .store()
            .get(&TokenKey::component_verify_ticket("wx-push"))
            .await
            .unwrap()
            .expect("stored");
        assert_eq!(stored.value, "ticket-C");
        assert!(
            stored
                .remaining()
                .is_some_and(|r| r > Duration::from_secs(11 * 3600))
        );
        // Another component is independent.
        assert!(
            managers[1]
                .store_verify_ticket_if_newer("wx-other", "old", 1)
                .await
                .unwrap()
        );
    }

    /// The dedupe claim (`mark_seen`): true once per lifetime across
    /// instances, then true again after it expires.
    pub async fn dedupe_claim(fx: &mut Fixture) {
        let managers = fx.managers(2).await;
        // Long enough for the next writes on a loaded machine (redb fsyncs).
        let ttl = Duration::from_secs(2);
        assert!(managers[0].mark_seen("push", "nonce-1", ttl).await.unwrap());
        assert!(!managers[1].mark_seen("push", "nonce-1", ttl).await.unwrap());
        assert!(!managers[0].mark_seen("push", "nonce-1", ttl).await.unwrap());
        assert!(
            managers[1].mark_seen("push", "nonce-2", ttl).await.unwrap(),
            "other id"
        );
        assert!(
            managers[1]
                .mark_seen("other", "nonce-1", ttl)
                .await
                .unwrap(),
            "other kind"
        );
        eventually("the claim expires", || async {
            managers[1].mark_seen("push", "nonce-1", ttl).await.unwrap()
        })
        .await;

        // Concurrent claims: one winner, none until it expires, then one.
        assert_eq!(concurrent_marks(&managers, 25, "nonce-3", ttl).await, 1);
        assert_eq!(concurrent_marks(&managers, 25, "nonce-3", ttl).await, 0);
        let marker = TokenKey::marker("push", "nonce-3");
        eventually("the concurrent claim expires", || async {
            // Probe with a lease on the marker that frees itself at once.
            let probe = managers[0]
                .store()
                .try_lease(&marker, Duration::from_millis(1));
            probe.await.unwrap().is_some()
        })
        .await;
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert_eq!(concurrent_marks(&managers, 25, "nonce-3", ttl).await, 1);
    }

    /// Refresh tokens: no expiry, overwritten by a newer one, forgotten on
    /// request, and (except in memory) still there after a restart.
    pub async fn refresh_token_persistence(fx: &mut Fixture) {
        {
            let manager = TokenManager::new(fx.handle().await);
            let missing = manager
                .refresh_token("wx-component", "wx-a")
                .await
                .unwrap_err();
            assert!(
                matches!(missing, Error::RefreshTokenMissing { .. }),
                "{missing:?}"
            );
            for (appid, token) in [
                ("wx-a", "r-a-1"),
                ("wx-a", "r-a-2"),
                ("wx-b", "r-b"),
                ("wx-c", "r-c"),
            ] {
                manager
                    .store_refresh_token("wx-component", appid, token)
                    .await
                    .unwrap();
            }
            manager
                .forget_authorizer("wx-component", "wx-c")
                .await
                .unwrap();
            manager
                .store_verify_ticket("wx-component", "ticket@1")
                .await
                .unwrap();
            assert_eq!(
                manager.refresh_token("wx-component", "wx-a").await.unwrap(),
                "r-a-2"
            );
            let stored = manager
                .store()
                .get(&TokenKey::authorizer_refresh_token("wx-component", "wx-a"))
                .await
                .unwrap()
                .expect("stored");
            assert_eq!(stored.expires_at, None, "refresh tokens never expire");
            // The manager and its handle are dropped here.
        }
        let Some(restarted) = fx.restarted().await else {
            assert_eq!(fx.kind, Kind::Memory, "only the memory store forgets");
            return;
        };
        let manager = TokenManager::new(restarted);
        assert_eq!(
            manager.refresh_token("wx-component", "wx-a").await.unwrap(),
            "r-a-2"
        );
        assert_eq!(
            manager.refresh_token("wx-component", "wx-b").await.unwrap(),
            "r-b"
        );
        let forgotten = manager
            .refresh_token("wx-component", "wx-c")
            .await
            .unwrap_err();
        assert!(
            matches!(forgotten, Error::RefreshTokenMissing { .. }),
            "{forgotten:?}"
        );
        assert_eq!(
            manager.verify_ticket("wx-component").await.unwrap(),
            "ticket@1"
        );
        // The ticket keeps its 12-hour expiry across the restart.
        let ticket = manager
            .store()
            .get(&TokenKey::component_verify_ticket("wx-component"))
            .await
            .unwrap()
            .expect("stored");
        assert!(
            ticket
                .remaining()
                .is_some_and(|r| r > Duration::from_secs(11 * 3600))
        );
    }

    /// Many callers on several instances: one refresh, one token for all;
    /// concurrent pushes end with the newest ticket; concurrent claims have
    /// one winner.
    pub async fn concurrent_callers(fx: &mut Fixture) {
        let managers = fx.managers(4).await;
        let key = TokenKey::access_token("wx-concurrent");
        let refresher = Refresher::new(Duration::from_secs(7200), Duration::from_millis(100));
        let mut groups = Vec::new();
        for manager in &managers {
            let (manager, key, refresher) = (manager.clone(), key.clone(), refresher.clone());
            groups.push(tokio::spawn(async move {
                concurrent_gets(&manager, &key, 50, move || refresher.refresh()).await
            }));
        }
        let mut results = Vec::new();
        for group in groups {
            results.extend(group.await.expect("callers"));
        }
        assert_eq!(results.len(), 200);
        assert_all_ok(&results, "token-1");
        assert_eq!(refresher.calls(), 1, "exactly one refresh");
        // Stored with `expires_in` as its TTL; warm callers are served from it.
        let stored = managers[0]
            .store()
            .get(&key)
            .await
            .unwrap()
            .expect("stored");
        assert_eq!(stored.value, "token-1");
        let remaining = stored.remaining().expect("stored with a TTL");
        assert!(
            remaining > Duration::from_secs(7200 - 60) && remaining <= Duration::from_secs(7200),
            "{remaining:?}"
        );
        for manager in &managers {
            let warm = manager.get_or_refresh(&key, refresher.refresh()).await;
            assert_eq!(warm.unwrap(), "token-1");
        }
        assert_eq!(refresher.calls(), 1, "warm callers do not refresh");

        concurrent_pushes_end_with_the_newest(&managers[..2], "wx-concurrent-push", 100).await;
        let winners =
            concurrent_marks(&managers, 50, "nonce-concurrent", Duration::from_secs(60)).await;
        assert_eq!(winners, 1, "one claim wins");
    }
}

/// One test per scenario for the store `$kind`.
macro_rules! suite {
    ($store:ident: $kind:expr) => {
        mod $store {
            use super::{Fixture, Kind, scenario};

            suite!(@scenarios $kind;
                get_set_expiry,
                lease_exclusive_and_expiry,
                invalidate_if_equals,
                set_if_newer_and_replay,
                dedupe_claim,
                refresh_token_persistence,
                concurrent_callers
            );
        }
    };
    (@scenarios $kind:expr; $($scenario:ident),*) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $scenario() {
                let mut fixture = Fixture::new($kind, stringify!($scenario)).await;
                scenario::$scenario(&mut fixture).await;
            }
        )*
    };
}

suite!(memory: Kind::Memory);
suite!(durable: Kind::Durable);
suite!(redis: Kind::Redis);
suite!(redis_cluster: Kind::Cluster);
suite!(redis_sentinel: Kind::Sentinel);
