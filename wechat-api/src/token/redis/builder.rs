//! [`RedisStoreBuilder`]: which Redis (one server, a cluster, a Sentinel
//! group), the key prefix, the timeouts and the replica acknowledgement of
//! refresh-token writes.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use ::redis::aio::{ConnectionManager, ConnectionManagerConfig};
use ::redis::cluster::{ClusterClient, ClusterConfig};
use ::redis::sentinel::{SentinelClient, SentinelNodeConnectionInfo, SentinelServerType};
use ::redis::{AsyncConnectionConfig, Client, RedisConnectionInfo};

use super::connection::{Connection, SentinelConnection};
use super::{RedisStore, redis_err};
use crate::token::store::DEFAULT_PREFIX;
use crate::{Error, Result};

/// Where the store's Redis is.
enum Topology {
    Single(String),
    Cluster(Vec<String>),
    Sentinel {
        master: String,
        sentinels: Vec<String>,
        master_username: Option<String>,
        master_password: Option<String>,
        master_db: i64,
    },
}

/// How many replicas must acknowledge a refresh-token write, and how long
/// to wait for them (`WAIT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct ReplicaWait {
    pub(super) replicas: u32,
    pub(super) timeout: Duration,
}

/// Builds a [`RedisStore`]: the topology ([`RedisStore::builder`],
/// [`RedisStore::cluster`], [`RedisStore::sentinel`]), key prefix, timeouts,
/// and how refresh-token writes wait for replicas
/// ([`wait_for_replicas`](Self::wait_for_replicas)).
#[must_use]
pub struct RedisStoreBuilder {
    topology: Topology,
    prefix: String,
    connect_timeout: Duration,
    response_timeout: Duration,
    operation_timeout: Duration,
    replica_wait: Option<ReplicaWait>,
}

impl fmt::Debug for RedisStoreBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // URLs may carry a password: only their count and the kind.
        let topology = match &self.topology {
            Topology::Single(_) => "standalone".to_owned(),
            Topology::Cluster(nodes) => format!("cluster ({} seed nodes)", nodes.len()),
            Topology::Sentinel { sentinels, .. } => {
                format!("sentinel ({} sentinels)", sentinels.len())
            }
        };
        f.debug_struct("RedisStoreBuilder")
            .field("topology", &topology)
            .field("prefix", &self.prefix)
            .field("connect_timeout", &self.connect_timeout)
            .field("response_timeout", &self.response_timeout)
            .field("operation_timeout", &self.operation_timeout)
            .field("replica_wait", &self.replica_wait)
            .finish()
    }
}

fn invalid_url(e: &::redis::RedisError) -> Error {
    // Not the URL itself: it may carry a password.
    Error::Config(format!("invalid Redis URL ({:?})", e.kind()))
}

impl RedisStoreBuilder {
    fn new(topology: Topology, replica_wait: Option<ReplicaWait>) -> Self {
        RedisStoreBuilder {
            topology,
            prefix: DEFAULT_PREFIX.to_owned(),
            connect_timeout: Duration::from_secs(2),
            response_timeout: Duration::from_secs(2),
            operation_timeout: Duration::from_secs(3),
            replica_wait,
        }
    }

    pub(super) fn single(url: String) -> Self {
        Self::new(Topology::Single(url), None)
    }

    pub(super) fn cluster(nodes: Vec<String>) -> Self {
        Self::new(Topology::Cluster(nodes), None)
    }

    pub(super) fn sentinel(master: String, sentinels: Vec<String>) -> Self {
        Self::new(
            Topology::Sentinel {
                master,
                sentinels,
                master_username: None,
                master_password: None,
                master_db: 0,
            },
            Some(ReplicaWait {
                replicas: 1,
                timeout: Duration::from_secs(1),
            }),
        )
    }

    /// The prefix of every key written (default [`DEFAULT_PREFIX`], `wechat:`).
    ///
    /// On a cluster, a prefix with a hash tag (e.g. `{wechat}:`) puts every
    /// key in one slot (one shard); without one, keys spread over the shards.
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// How long one connection attempt may take (default 2 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long Redis may take to answer one command (default 2 s).
    pub fn response_timeout(mut self, timeout: Duration) -> Self {
        self.response_timeout = timeout;
        self
    }

    /// Upper bound on one store operation, reconnection (and, on Sentinel, the
    /// master's lookup) included (default 3 s). A refresh-token write may
    /// take this plus the [`wait_for_replicas`](Self::wait_for_replicas)
    /// timeout.
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.operation_timeout = timeout;
        self
    }

    /// After each `authorizer_refresh_token` write, waits (Redis `WAIT`) until
    /// `replicas` replicas have acknowledged it, for at most `timeout`.
    ///
    /// The write then succeeds only if they did: when fewer acknowledge it
    /// within `timeout`, it fails with [`Error::Store`] although the master
    /// holds the value (a retry rewrites the same value). So a refresh token
    /// the store acknowledged is on the master and at least `replicas`
    /// replicas. Default: 1 replica within 1 s for [`RedisStore::sentinel`],
    /// none for the other topologies (enable it on a cluster whose shards
    /// have replicas). `replicas = 0` turns it off.
    pub fn wait_for_replicas(mut self, replicas: u32, timeout: Duration) -> Self {
        self.replica_wait = (replicas > 0).then_some(ReplicaWait { replicas, timeout });
        self
    }

    /// Sentinel only: the password (and user name, for Redis ACLs) of the
    /// master and replicas, when they differ from the sentinels' (those go
    /// in the sentinel URLs). Ignored by the other topologies.
    pub fn master_auth(mut self, username: Option<String>, password: impl Into<String>) -> Self {
        if let Topology::Sentinel {
            master_username,
            master_password,
            ..
        } = &mut self.topology
        {
            *master_username = username;
            *master_password = Some(password.into());
        }
        self
    }

    /// Sentinel only: the database number on the master (default 0; Redis
    /// Cluster has only database 0; a standalone URL says it as `/<db>`).
    pub fn master_db(mut self, db: i64) -> Self {
        if let Topology::Sentinel { master_db, .. } = &mut self.topology {
            *master_db = db;
        }
        self
    }

    /// The bound on connecting eagerly: connect timeout plus operation timeout.
    fn connect_bound(&self) -> Duration {
        self.connect_timeout.saturating_add(self.operation_timeout)
    }

    fn manager_config(&self) -> ConnectionManagerConfig {
        ConnectionManagerConfig::new()
            .set_connection_timeout(Some(self.connect_timeout))
            .set_response_timeout(Some(self.response_timeout))
            .set_number_of_retries(1)
            .set_min_delay(Duration::from_millis(50))
            .set_max_delay(Duration::from_millis(500))
    }

    fn cluster_client(&self, nodes: &[String]) -> Result<ClusterClient> {
        if nodes.is_empty() {
            return Err(Error::Config(
                "a Redis Cluster needs at least one node URL".into(),
            ));
        }
        ClusterClient::builder(nodes.iter().map(String::as_str))
            .connection_timeout(self.connect_timeout)
            .response_timeout(self.response_timeout)
            .retries(2)
            .min_retry_wait(50)
            .max_retry_wait(500)
            .build()
            .map_err(|e| invalid_url(&e))
    }

    fn cluster_config(&self) -> ClusterConfig {
        ClusterConfig::new()
            .set_connection_timeout(self.connect_timeout)
            .set_response_timeout(self.response_timeout)
    }

    fn sentinel_connection(&self) -> Result<Option<SentinelConnection>> {
        let Topology::Sentinel {
            master,
            sentinels,
            master_username,
            master_password,
            master_db,
        } = &self.topology
        else {
            return Ok(None);
        };
        if sentinels.is_empty() {
            return Err(Error::Config(
                "Redis Sentinel needs at least one sentinel URL".into(),
            ));
        }
        let mut info = RedisConnectionInfo::default().set_db(*master_db);
        if let Some(username) = master_username {
            info = info.set_username(username);
        }
        if let Some(password) = master_password {
            info = info.set_password(password);
        }
        let client = SentinelClient::build(
            sentinels.iter().map(String::as_str).collect(),
            master.clone(),
            Some(SentinelNodeConnectionInfo::default().set_redis_connection_info(info)),
            SentinelServerType::Master,
        )
        .map_err(|e| invalid_url(&e))?;
        let config = AsyncConnectionConfig::new()
            .set_connection_timeout(Some(self.connect_timeout))
            .set_response_timeout(Some(self.response_timeout));
        Ok(Some(SentinelConnection::new(client, config)))
    }

    fn finish(self, conn: Connection) -> RedisStore {
        RedisStore::from_parts(conn, self.prefix, self.operation_timeout, self.replica_wait)
    }

    /// Connects now: fails with [`Error::Store`] (within about the connect
    /// timeout plus the operation timeout) if Redis cannot be reached (on
    /// Sentinel: if no sentinel names a reachable master), or
    /// [`Error::Config`] if a URL is invalid. After that, connections are
    /// re-established automatically when they drop, and a Sentinel store
    /// follows a failover to the promoted replica.
    pub async fn connect(self) -> Result<RedisStore> {
        let bound = self.connect_bound();
        let timed_out = || Error::Store(format!("redis connect: no connection within {bound:?}"));
        let conn = match &self.topology {
            Topology::Single(url) => {
                let client = Client::open(url.as_str()).map_err(|e| invalid_url(&e))?;
                let connecting = ConnectionManager::new_with_config(client, self.manager_config());
                match tokio::time::timeout(bound, connecting).await {
                    Ok(Ok(conn)) => Connection::Single(conn),
                    Ok(Err(e)) => return Err(redis_err("connect", &e)),
                    Err(_) => return Err(timed_out()),
                }
            }
            Topology::Cluster(nodes) => {
                let client = self.cluster_client(nodes)?;
                let connecting = client.get_async_connection_with_config(self.cluster_config());
                match tokio::time::timeout(bound, connecting).await {
                    Ok(Ok(conn)) => Connection::Cluster(conn),
                    Ok(Err(e)) => return Err(redis_err("connect", &e)),
                    Err(_) => return Err(timed_out()),
                }
            }
            Topology::Sentinel { .. } => {
                let Some(sentinel) = self.sentinel_connection()? else {
                    return Err(Error::Config("not a Sentinel topology".into()));
                };
                match tokio::time::timeout(bound, sentinel.master()).await {
                    Ok(Ok(_)) => Connection::Sentinel(Arc::new(sentinel)),
                    Ok(Err(e)) => return Err(redis_err("connect", &e)),
                    Err(_) => return Err(timed_out()),
                }
            }
        };
        Ok(self.finish(conn))
    }

    /// Builds the store without connecting: the connection is made on first
    /// use, and each operation fails with [`Error::Store`] while Redis is
    /// unreachable. Must be called within a Tokio runtime ([`Error::Config`]
    /// otherwise).
    pub fn connect_lazy(self) -> Result<RedisStore> {
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(Error::Config(
                "RedisStore::connect_lazy must be called within a Tokio runtime".into(),
            ));
        }
        let conn = match &self.topology {
            Topology::Single(url) => {
                let client = Client::open(url.as_str()).map_err(|e| invalid_url(&e))?;
                let conn = ConnectionManager::new_lazy_with_config(client, self.manager_config())
                    .map_err(|e| redis_err("connect", &e))?;
                Connection::Single(conn)
            }
            Topology::Cluster(nodes) => Connection::Cluster(
                self.cluster_client(nodes)?
                    .get_pending_async_connection_with_config(self.cluster_config()),
            ),
            Topology::Sentinel { .. } => match self.sentinel_connection()? {
                Some(sentinel) => Connection::Sentinel(Arc::new(sentinel)),
                None => return Err(Error::Config("not a Sentinel topology".into())),
            },
        };
        Ok(self.finish(conn))
    }
}
