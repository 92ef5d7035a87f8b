//! Cost of getting a token from `TokenManager`.
//!
//! - `memory/floor_clock_and_clone`: `Instant::now()` plus cloning the
//!   token `String`, the least any cached get returning a `String` costs;
//! - `memory/cached_get`: a warm `get_or_refresh` over `MemoryStore`, polled
//!   once with a no-op waker (what a caller pays, without any executor
//!   overhead); goal ≤ 100 ns;
//! - `memory/cached_get_block_on`: the same through a current-thread Tokio
//!   runtime's `block_on`, for reference;
//! - `durable/store_get`: one read of `DurableStore` (redb on the blocking pool);
//! - with the `redis` feature, against a redis-server started here on a free
//!   loopback port: `redis/cached_get` (local copy, the default),
//!   `redis/uncached_get` (`local_max_age(Some(ZERO))`: one GET+PTTL round
//!   trip per call) and `redis/store_get` (the store alone).
//!
//! Run with
//! `cargo bench -p wechat-api-benches --features redis --bench tokens -- --warm-up-time 1 --measurement-time 3`.

use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use wechat_api::token::{
    DurableStore, FreshToken, MemoryStore, TokenKey, TokenManager, TokenStore,
};
use wechat_api::{Error, Result};

#[cfg(feature = "redis")]
use wechat_api_test_support::redis as redis_server;

const HOUR: Duration = Duration::from_secs(3600);
const TOKEN: &str = "89_xMQmp4oN4DdN1bPkJcKJ3Y0w0qu4y0rG4wRjV9ndPZl1aHqYd8Tjr0y0a8ZQlRk2Z9o7X8h9C6h7mRmWJyK7l_7lZ5nQx8lRSfAfAQXYZ";

/// A refresh that must not run in these benchmarks.
async fn no_refresh() -> Result<FreshToken> {
    Err(Error::Store("the benchmark expected a cached token".into()))
}

/// Polls a future that is expected to be ready at once.
fn poll_once<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    match future.as_mut().poll(&mut cx) {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("a cached get must not wait"),
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("tokio runtime")
}

fn warm(rt: &tokio::runtime::Runtime, manager: &TokenManager, key: &TokenKey) {
    rt.block_on(manager.set(key, TOKEN, Some(HOUR)))
        .expect("store the token");
}

fn memory(c: &mut Criterion) {
    let rt = runtime();
    let manager = TokenManager::new(Arc::new(MemoryStore::new()));
    let key = TokenKey::authorizer_access_token("wx3c1a2b3c4d5e6f70", "wx0123456789abcdef");
    warm(&rt, &manager, &key);
    assert_eq!(
        poll_once(manager.get_or_refresh(&key, no_refresh)).expect("cached"),
        TOKEN
    );

    let mut group = c.benchmark_group("tokens/memory");
    // What any cached get returning an owned String pays at least: one
    // monotonic clock read and one allocation + copy of the token.
    let owned = TOKEN.to_owned();
    group.bench_function("floor_clock_and_clone", |b| {
        b.iter(|| (std::time::Instant::now(), black_box(&owned).clone()))
    });
    group.bench_function("cached_get", |b| {
        b.iter(|| poll_once(manager.get_or_refresh(black_box(&key), no_refresh)))
    });
    let current = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    group.bench_function("cached_get_block_on", |b| {
        b.iter(|| current.block_on(manager.get_or_refresh(black_box(&key), no_refresh)))
    });
    group.finish();
}

fn durable(c: &mut Criterion) {
    let rt = runtime();
    let file = std::env::temp_dir().join(format!("wechat-api-bench-{}.redb", std::process::id()));
    let store = rt
        .block_on(DurableStore::open(&file))
        .expect("open the durable store");
    let key = TokenKey::access_token("wx3c1a2b3c4d5e6f70");
    rt.block_on(store.set(&key, TOKEN, Some(HOUR)))
        .expect("store the token");

    let mut group = c.benchmark_group("tokens/durable");
    group.bench_function("store_get", |b| {
        b.to_async(&rt).iter(|| store.get(black_box(&key)))
    });
    group.finish();
    drop(store);
    let _ = std::fs::remove_file(&file);
}

#[cfg(feature = "redis")]
fn redis(c: &mut Criterion) {
    use wechat_api::token::RedisStore;

    let server = redis_server::RedisServer::start();
    let rt = runtime();
    let store = Arc::new(
        rt.block_on(RedisStore::connect(server.url()))
            .expect("connect to the benchmark redis-server"),
    );
    let key = TokenKey::access_token("wx3c1a2b3c4d5e6f70");
    let cached = TokenManager::new(store.clone());
    warm(&rt, &cached, &key);
    let uncached = TokenManager::builder(store.clone())
        .local_max_age(Some(Duration::ZERO))
        .build();
    assert_eq!(
        rt.block_on(uncached.get_or_refresh(&key, no_refresh))
            .expect("stored"),
        TOKEN
    );

    let mut group = c.benchmark_group("tokens/redis");
    group.bench_function("cached_get", |b| {
        b.iter(|| poll_once(cached.get_or_refresh(black_box(&key), no_refresh)))
    });
    group.bench_function("uncached_get", |b| {
        b.to_async(&rt)
            .iter(|| uncached.get_or_refresh(black_box(&key), no_refresh))
    });
    group.bench_function("store_get", |b| {
        b.to_async(&rt).iter(|| store.get(black_box(&key)))
    });
    group.finish();
    drop(server);
}

#[cfg(not(feature = "redis"))]
fn redis(_: &mut Criterion) {
    eprintln!("tokens/redis skipped: build with `--features redis`");
}

criterion_group!(benches, memory, durable, redis);
criterion_main!(benches);
