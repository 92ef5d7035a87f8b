//! `RedisStore` on the topologies beyond one server, and across an upgrade:
//!
//! * Redis Cluster single flight across processes: this test binary runs
//!   again as 4 child processes, each with 50 concurrent callers on its own
//!   cluster connection, released together; the upstream (wiremock) must
//!   see exactly one refresh.
//! * Sentinel failover: the master is killed mid-run while refresh tokens
//!   are written; calls recover after the promotion without a restart, no
//!   acknowledged refresh token is lost, and the outage costs typed errors
//!   within the configured bounds, never a hang. The figures are printed
//!   (`--nocapture`).
//! * Upgrade: a version stored under the layout before hash tags is still
//!   honoured.

use std::io::{BufRead as _, BufReader, Write as _};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use wechat_api::Error;
use wechat_api::token::{RedisStore, TokenKey, TokenManager, TokenStore};
use wechat_api_test_support::redis_sentinel::{MASTER_NAME, RedisSentinelGroup};
use wechat_api_test_support::token::{
    assert_all_ok, concurrent_gets, http_refresh, install_crypto_provider,
};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::token_store_conformance::{cluster, redis};

/// Set in a child's environment: the cluster's node URLs (comma-separated).
const CHILD_CLUSTER: &str = "WECHAT_API_TOPOLOGY_CHILD_CLUSTER";
/// Set in a child's environment: the upstream token URL.
const CHILD_UPSTREAM: &str = "WECHAT_API_TOPOLOGY_CHILD_UPSTREAM";
/// Set in a child's environment: the key prefix of this run.
const CHILD_PREFIX: &str = "WECHAT_API_TOPOLOGY_CHILD_PREFIX";
const SINGLE_FLIGHT_TEST: &str = "redis_topologies::cluster_single_flight_across_processes";
const PROCESSES: usize = 4;
const CALLERS: usize = 50;

/// Kills a child process when dropped (a failed assertion must not leave it).
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cluster_single_flight_across_processes() {
    if let Ok(nodes) = std::env::var(CHILD_CLUSTER) {
        return single_flight_child(&nodes).await;
    }
    let upstream = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/cgi-bin/token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(
                    serde_json::json!({"access_token": "cluster-token", "expires_in": 7200}),
                )
                .set_delay(Duration::from_millis(200)),
        )
        .mount(&upstream)
        .await;
    let nodes = cluster().urls().join(",");
    let prefix = format!("single-flight-{}:", std::process::id());
    let exe = std::env::current_exe().expect("the test binary's path");
    let mut children = Vec::new();
    for _ in 0..PROCESSES {
        let child = Command::new(&exe)
            .args([
                SINGLE_FLIGHT_TEST,
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_CLUSTER, &nodes)
            .env(CHILD_UPSTREAM, format!("{}/cgi-bin/token", upstream.uri()))
            .env(CHILD_PREFIX, &prefix)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the test binary starts again");
        children.push(KillOnDrop(child));
    }
    // Each child connects, says READY, and waits for GO on its stdin, so
    // that all 200 callers start together.
    let mut outputs = Vec::new();
    for child in &mut children {
        let stdout = child.0.stdout.take().expect("piped stdout");
        let (lines_tx, lines_rx) = std::sync::mpsc::channel::<String>();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = lines_tx.send(line);
            }
        });
        loop {
            let line = lines_rx
                .recv_timeout(Duration::from_secs(60))
                .expect("a child said READY within 60 s");
            // libtest may print `test <name> ... ` on the same line.
            if line.ends_with("CHILD-READY") {
                break;
            }
        }
        outputs.push(lines_rx);
    }
    for child in &mut children {
        let stdin = child.0.stdin.as_mut().expect("piped stdin");
        stdin.write_all(b"GO\n").expect("the child reads GO");
        stdin.flush().expect("flush GO");
    }
    for (i, (child, lines)) in children.iter_mut().zip(outputs).enumerate() {
        let status = child.0.wait().expect("the child exits");
        // Everything it printed (the reader ends at the child's EOF).
        let said: Vec<String> = lines.iter().collect();
        assert!(
            status.success(),
            "child {i} failed: {status}; it said {said:?}"
        );
        let line = format!("CHILD-OK {CALLERS} cluster-token");
        assert!(
            said.iter().any(|l| l.contains(&line)),
            "child {i} said {said:?}"
        );
    }
    let refreshes = upstream.received_requests().await.map_or(0, |r| r.len());
    println!(
        "cluster single flight: {PROCESSES} processes x {CALLERS} callers, {refreshes} upstream refresh"
    );
    assert_eq!(
        refreshes, 1,
        "exactly one upstream refresh across processes"
    );
}

/// The child's role: READY, wait for GO, 50 callers, print the outcome.
async fn single_flight_child(nodes: &str) {
    install_crypto_provider();
    let upstream = std::env::var(CHILD_UPSTREAM).expect("upstream URL");
    let prefix = std::env::var(CHILD_PREFIX).expect("prefix");
    let store = RedisStore::cluster(nodes.split(','))
        .prefix(prefix)
        .connect()
        .await
        .expect("connect to the cluster");
    let manager = TokenManager::new(Arc::new(store));
    println!("CHILD-READY");
    let mut go = String::new();
    std::io::stdin().read_line(&mut go).expect("GO on stdin");
    let client = reqwest::Client::new();
    let key = TokenKey::access_token("wx-cluster-single-flight");
    let results = concurrent_gets(&manager, &key, CALLERS, move || {
        http_refresh(client.clone(), upstream.clone())
    })
    .await;
    assert_all_ok(&results, "cluster-token");
    println!("CHILD-OK {} cluster-token", results.len());
}

/// What happened to one write during the failover run.
struct Attempt {
    index: usize,
    at: Duration,
    took: Duration,
    outcome: Result<(), String>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sentinel_failover_loses_no_acknowledged_refresh_token() {
    // Two replicas: after the promotion one is left to acknowledge writes.
    let mut group = tokio::task::spawn_blocking(|| RedisSentinelGroup::start_with_replicas(2))
        .await
        .expect("the group starts");
    let operation_timeout = Duration::from_secs(2);
    let wait_timeout = Duration::from_secs(1);
    let store = RedisStore::sentinel(MASTER_NAME, [group.sentinel_url()])
        .prefix("failover:")
        .connect_timeout(Duration::from_millis(500))
        .response_timeout(Duration::from_secs(1))
        .operation_timeout(operation_timeout)
        .wait_for_replicas(1, wait_timeout)
        .connect()
        .await
        .expect("connect through the sentinel");
    let manager = TokenManager::new(Arc::new(store));
    let started = Instant::now();
    let mut attempts: Vec<Attempt> = Vec::new();
    let mut killed_at = None;
    let mut recovered_at = None;
    let mut index = 0;
    let deadline = Duration::from_secs(120);
    // Write until 100 writes succeeded after recovery.
    while recovered_at.is_none_or(|_| {
        attempts
            .iter()
            .filter(|a| a.outcome.is_ok() && killed_at.is_some_and(|k| a.at > k))
            .count()
            < 100
    }) {
        assert!(
            started.elapsed() < deadline,
            "no recovery within {deadline:?}"
        );
        if killed_at.is_none() && attempts.iter().filter(|a| a.outcome.is_ok()).count() == 200 {
            group.kill_master();
            killed_at = Some(started.elapsed());
        }
        let begun = Instant::now();
        let outcome = manager
            .store_refresh_token(
                "wx-component",
                &format!("wx-{index}"),
                &format!("refresh-{index}"),
            )
            .await;
        let took = begun.elapsed();
        let outcome = match outcome {
            Ok(()) => Ok(()),
            Err(Error::Store(message)) => Err(message),
            Err(other) => panic!("write {index}: not a store error: {other:?}"),
        };
        if outcome.is_ok() && killed_at.is_some() && recovered_at.is_none() {
            recovered_at = Some(started.elapsed());
        }
        attempts.push(Attempt {
            index,
            at: started.elapsed(),
            took,
            outcome,
        });
        index += 1;
        if killed_at.is_some() && recovered_at.is_none() {
            // Failing writes are retried at a steady pace, as callers would.
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    let (killed_at, recovered_at) = (killed_at.expect("killed"), recovered_at.expect("recovered"));
    let promoted = tokio::task::spawn_blocking(move || {
        let port = group.wait_for_promotion(Duration::from_secs(5));
        (group, port)
    })
    .await
    .expect("promoted");
    let (group, promoted_port) = promoted;

    // Every acknowledged refresh token is on the new master, read by a
    // fresh store (as a restarted process would).
    let fresh = RedisStore::sentinel(MASTER_NAME, [group.sentinel_url()])
        .prefix("failover:")
        .connect()
        .await
        .expect("reconnect through the sentinel");
    let acknowledged: Vec<&Attempt> = attempts.iter().filter(|a| a.outcome.is_ok()).collect();
    let mut lost = Vec::new();
    for attempt in &acknowledged {
        let key =
            TokenKey::authorizer_refresh_token("wx-component", format!("wx-{}", attempt.index));
        let stored = fresh.get(&key).await.expect("read after the failover");
        if stored.map(|s| s.value) != Some(format!("refresh-{}", attempt.index)) {
            lost.push(attempt.index);
        }
    }
    let failed: Vec<&Attempt> = attempts.iter().filter(|a| a.outcome.is_err()).collect();
    let slowest_failure = failed.iter().map(|a| a.took).max().unwrap_or_default();
    let slowest = attempts.iter().map(|a| a.took).max().unwrap_or_default();
    let bound = operation_timeout + wait_timeout;
    println!(
        "sentinel failover: master killed at {killed_at:?}; first acknowledged refresh-token \
         write after it at {recovered_at:?} (recovery {:?}); promoted replica on port \
         {promoted_port}; {} writes acknowledged ({} before the kill), {} failed with \
         Error::Store (slowest failure {slowest_failure:?}, slowest call {slowest:?}, bound \
         {bound:?}); acknowledged refresh tokens lost: {}",
        recovered_at - killed_at,
        acknowledged.len(),
        acknowledged.iter().filter(|a| a.at <= killed_at).count(),
        failed.len(),
        lost.len(),
    );
    if let Some(first) = failed.first() {
        println!("first error: {:?}", first.outcome);
    }
    assert!(
        lost.is_empty(),
        "acknowledged refresh tokens lost: {lost:?}"
    );
    assert!(!failed.is_empty(), "the outage was seen as errors");
    // No hang: every call ended within its bound (with slack for a loaded
    // machine); the calls are bounded by timeouts, not by luck.
    assert!(
        slowest <= bound * 2,
        "a call took {slowest:?} (bound {bound:?})"
    );
    assert!(
        fresh
            .get(&TokenKey::access_token("after"))
            .await
            .expect("reads work")
            .is_none(),
        "reads work after the failover"
    );
}

#[tokio::test]
async fn a_version_stored_before_hash_tags_is_still_honoured() {
    let server = redis();
    let mut raw = redis::Client::open(server.url())
        .expect("client")
        .get_multiplexed_async_connection()
        .await
        .expect("raw connection");
    let prefix = "legacy-layout:";
    let key = TokenKey::component_verify_ticket("wx-upgraded");
    let value_name = key.render(prefix);
    // What the previous version wrote: the value and `<key>:version`.
    let () = redis::cmd("SET")
        .arg(&value_name)
        .arg("ticket-old-layout")
        .query_async(&mut raw)
        .await
        .expect("SET value");
    let () = redis::cmd("SET")
        .arg(format!("{value_name}:version"))
        .arg(500)
        .query_async(&mut raw)
        .await
        .expect("SET version");
    let store = RedisStore::builder(server.url())
        .prefix(prefix)
        .connect()
        .await
        .expect("connect");
    assert_eq!(
        store
            .get(&key)
            .await
            .expect("get")
            .expect("the old value is read")
            .value,
        "ticket-old-layout"
    );
    assert!(
        !store
            .set_if_newer(&key, "replayed", 400, None)
            .await
            .expect("write"),
        "the old layout's version still refuses a replay"
    );
    assert!(
        store
            .set_if_newer(&key, "newer", 600, None)
            .await
            .expect("write")
    );
    // Both names now hold 600: processes of the previous version (a rolling
    // upgrade) see it too.
    for name in [
        format!("{{{value_name}}}:version"),
        format!("{value_name}:version"),
    ] {
        let version: Option<String> = redis::cmd("GET")
            .arg(&name)
            .query_async(&mut raw)
            .await
            .expect("GET version");
        assert_eq!(version.as_deref(), Some("600"), "{name}");
    }
    // Refresh tokens written by the previous version are read as they were.
    let refresh = TokenKey::authorizer_refresh_token("wx-upgraded", "wx-a");
    let () = redis::cmd("SET")
        .arg(refresh.render(prefix))
        .arg("refresh-old")
        .query_async(&mut raw)
        .await
        .expect("SET refresh token");
    let manager = TokenManager::new(Arc::new(store));
    assert_eq!(
        manager
            .refresh_token("wx-upgraded", "wx-a")
            .await
            .expect("read"),
        "refresh-old"
    );
}

#[tokio::test]
async fn a_refresh_token_write_without_enough_replicas_is_a_typed_error() {
    // A standalone server has no replica: waiting for one must fail, and
    // say so, within the wait's timeout, with the value still written.
    let store = RedisStore::builder(redis().url())
        .prefix("no-replica:")
        .wait_for_replicas(1, Duration::from_millis(200))
        .connect()
        .await
        .expect("connect");
    let key = TokenKey::authorizer_refresh_token("wx-component", "wx-a");
    let begun = Instant::now();
    let error = store.set(&key, "refresh-a", None).await.unwrap_err();
    assert!(
        matches!(&error, Error::Store(m) if m.contains("acknowledged by 0 of 1 replicas")),
        "{error:?}"
    );
    assert!(begun.elapsed() >= Duration::from_millis(200), "WAIT waited");
    assert!(
        !format!("{error:?}").contains("refresh-a"),
        "no secret in the error"
    );
    assert_eq!(
        store
            .get(&key)
            .await
            .expect("read")
            .expect("on the master")
            .value,
        "refresh-a"
    );
    // Other keys do not wait.
    store
        .set(&TokenKey::access_token("wx-a"), "token", None)
        .await
        .expect("a plain write");
}
