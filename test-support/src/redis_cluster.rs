//! Starts a throwaway 3-master Redis Cluster on free loopback ports, killed
//! on drop.
//!
//! Three `redis-server --cluster-enabled yes` (each with its bus on another
//! free port, `--cluster-port`, so that `port + 10000` need not be free), then
//! `redis-cli --cluster create ... --cluster-replicas 0 --cluster-yes`, then
//! a wait until every node says `cluster_state:ok`. Like
//! [`RedisServer`], it never skips: a missing
//! `redis-server` or `redis-cli` is a failure that says what to install.
//! Set `REDIS_CLI` to use a `redis-cli` that is not on the `PATH`.

use std::process::{Command, Stdio};
use std::time::Duration;

use crate::redis::{RedisServer, info, info_field, wait_until};

/// How long the cluster may take to agree on its slots (a loaded machine is slow).
const READY_TIMEOUT: Duration = Duration::from_secs(60);

/// A running 3-master Redis Cluster.
pub struct RedisCluster {
    nodes: Vec<RedisServer>,
    // Node configuration files; removed after the nodes (field order).
    _dir: tempfile::TempDir,
}

impl RedisCluster {
    /// Starts the cluster, or panics with a clear message.
    pub fn start() -> RedisCluster {
        let dir = tempfile::Builder::new()
            .prefix("wechat-redis-cluster-")
            .tempdir()
            .expect("cannot create a temporary directory");
        let nodes: Vec<RedisServer> = (0..3)
            .map(|_| {
                RedisServer::start_with(
                    dir.path(),
                    &[
                        "--cluster-enabled",
                        "yes",
                        "--cluster-config-file",
                        "nodes-{port}.conf",
                        "--cluster-port",
                        "{free}",
                        "--cluster-node-timeout",
                        "5000",
                    ],
                )
            })
            .collect();
        let cli = std::env::var("REDIS_CLI").unwrap_or_else(|_| "redis-cli".to_owned());
        let output = Command::new(&cli)
            .arg("--cluster")
            .arg("create")
            .args(
                nodes
                    .iter()
                    .map(|node| format!("127.0.0.1:{}", node.port())),
            )
            .args(["--cluster-replicas", "0", "--cluster-yes"])
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot run `{cli}`: {e}. The Redis Cluster tests need redis-cli and are \
                     never skipped: install it (`apt-get install redis-tools`) or set \
                     REDIS_CLI to its path."
                )
            });
        assert!(
            output.status.success(),
            "`{cli} --cluster create` failed: {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        for node in &nodes {
            let port = node.port();
            wait_until(
                &format!("cluster_state:ok on node {port}"),
                READY_TIMEOUT,
                || {
                    info(port, "cluster-info").is_some_and(|info| {
                        info_field(&info, "cluster_state") == Some("ok")
                            && info_field(&info, "cluster_known_nodes") == Some("3")
                    })
                },
            );
        }
        RedisCluster { nodes, _dir: dir }
    }

    /// The `redis://` URLs of its nodes (any one is enough as a seed).
    pub fn urls(&self) -> Vec<String> {
        self.nodes.iter().map(RedisServer::url).collect()
    }

    /// Its nodes.
    pub fn nodes(&self) -> &[RedisServer] {
        &self.nodes
    }
}
