//! Starts a throwaway Redis Sentinel group on free loopback ports: a master,
//! one replica (or more) and one sentinel, all killed on drop.
//!
//! The sentinel watches the master as `mymaster` with a quorum of 1,
//! `down-after-milliseconds 1000` and `failover-timeout 5000`, so that a
//! killed master is replaced within seconds. The group counts as started
//! once the replicas' links are up and the sentinel sees the master `ok`
//! with its replicas. The sentinel is `redis-server <config> --sentinel` (what
//! `redis-sentinel` is), so no other binary is needed; it never skips (see
//! [`RedisServer`]).

use std::time::Duration;

use crate::redis::{RedisServer, info, info_field, wait_until};

/// The master's name the sentinel watches.
pub const MASTER_NAME: &str = "mymaster";

/// How long the group may take to settle (a loaded machine is slow).
const READY_TIMEOUT: Duration = Duration::from_secs(60);

/// A running master, replicas and sentinel.
pub struct RedisSentinelGroup {
    master: RedisServer,
    replicas: Vec<RedisServer>,
    sentinel: RedisServer,
    // Files of all three; removed after them (field order).
    dir: tempfile::TempDir,
}

/// `master0:name=...,status=ok,address=127.0.0.1:port,slaves=1,sentinels=1`
/// from the sentinel's `INFO sentinel`, as (status, port, replicas).
fn sentinel_view(sentinel: u16) -> Option<(String, u16, u32)> {
    let info = info(sentinel, "sentinel")?;
    let line = info_field(&info, "master0")?;
    let mut status = None;
    let mut port = None;
    let mut replicas = None;
    for part in line.split(',') {
        match part.split_once('=') {
            Some(("status", value)) => status = Some(value.to_owned()),
            Some(("address", value)) => {
                port = value.rsplit_once(':').and_then(|(_, p)| p.parse().ok());
            }
            Some(("slaves", value)) => replicas = value.parse().ok(),
            _ => {}
        }
    }
    Some((status?, port?, replicas?))
}

impl RedisSentinelGroup {
    /// Starts a master, one replica and a sentinel, or panics with a clear
    /// message.
    pub fn start() -> RedisSentinelGroup {
        Self::start_with_replicas(1)
    }

    /// Starts a master, `replicas` replicas and a sentinel, or panics.
    pub fn start_with_replicas(replicas: usize) -> RedisSentinelGroup {
        let dir = tempfile::Builder::new()
            .prefix("wechat-redis-sentinel-")
            .tempdir()
            .expect("cannot create a temporary directory");
        let master_dir = dir.path().join("master");
        std::fs::create_dir_all(&master_dir).expect("cannot create the master's directory");
        let master = RedisServer::start_with(&master_dir, &[]);
        let master_port = master.port().to_string();
        let replicas: Vec<RedisServer> = (0..replicas)
            .map(|i| {
                let replica_dir = dir.path().join(format!("replica-{i}"));
                std::fs::create_dir_all(&replica_dir)
                    .expect("cannot create the replica's directory");
                RedisServer::start_with(&replica_dir, &["--replicaof", "127.0.0.1", &master_port])
            })
            .collect();
        for replica in &replicas {
            let replica_port = replica.port();
            wait_until("the replica's link to the master", READY_TIMEOUT, || {
                info(replica_port, "replication")
                    .is_some_and(|info| info_field(&info, "master_link_status") == Some("up"))
            });
        }
        let expected_replicas = u32::try_from(replicas.len()).unwrap_or(u32::MAX);
        // The sentinel rewrites its configuration file: one per port tried.
        let config = dir.path().join("sentinel-{port}.conf");
        let config_text = |port: &str| {
            format!(
                "port {port}\nbind 127.0.0.1\ndir {dir}\n\
                 sentinel monitor {MASTER_NAME} 127.0.0.1 {master_port} 1\n\
                 sentinel down-after-milliseconds {MASTER_NAME} 1000\n\
                 sentinel failover-timeout {MASTER_NAME} 5000\n\
                 sentinel parallel-syncs {MASTER_NAME} 1\n",
                dir = dir.path().display()
            )
        };
        let sentinel = RedisServer::start_sentinel(&config, &config_text);
        let sentinel_port = sentinel.port();
        wait_until(
            "the sentinel seeing the master ok with its replicas",
            READY_TIMEOUT,
            || {
                sentinel_view(sentinel_port).is_some_and(|(status, port, seen)| {
                    status == "ok" && port == master.port() && seen == expected_replicas
                })
            },
        );
        RedisSentinelGroup {
            master,
            replicas,
            sentinel,
            dir,
        }
    }

    /// The sentinel's `redis://` URL.
    pub fn sentinel_url(&self) -> String {
        self.sentinel.url()
    }

    /// The name of the master the sentinel watches ([`MASTER_NAME`]).
    pub fn master_name(&self) -> &'static str {
        MASTER_NAME
    }

    /// The first master's `redis://` URL.
    pub fn master_url(&self) -> String {
        self.master.url()
    }

    /// The replicas' `redis://` URLs.
    pub fn replica_urls(&self) -> Vec<String> {
        self.replicas.iter().map(RedisServer::url).collect()
    }

    /// The first master's port.
    pub fn master_port(&self) -> u16 {
        self.master.port()
    }

    /// The replicas' ports.
    pub fn replica_ports(&self) -> Vec<u16> {
        self.replicas.iter().map(RedisServer::port).collect()
    }

    /// The port of the server the sentinel currently names as master.
    pub fn current_master_port(&self) -> Option<u16> {
        sentinel_view(self.sentinel.port()).map(|(_, port, _)| port)
    }

    /// Kills the first master (as a crash would); the sentinel then
    /// promotes a replica after about a second.
    pub fn kill_master(&mut self) {
        self.master.kill();
    }

    /// Waits until the sentinel names a replica as master and that replica
    /// says it is one, or panics after `timeout`; returns its port.
    pub fn wait_for_promotion(&self, timeout: Duration) -> u16 {
        let replicas = self.replica_ports();
        let mut promoted = 0;
        wait_until("a replica's promotion", timeout, || {
            let Some(port) = self.current_master_port().filter(|p| replicas.contains(p)) else {
                return false;
            };
            promoted = port;
            info(port, "replication")
                .is_some_and(|info| info_field(&info, "role") == Some("master"))
        });
        promoted
    }

    /// The directory holding the servers' files.
    pub fn dir(&self) -> &std::path::Path {
        self.dir.path()
    }
}
