//! One connection type over the three Redis topologies, so that the store's
//! operations are written once.
//!
//! * standalone: the redis crate's [`ConnectionManager`], which reconnects
//!   by itself;
//! * cluster: the redis crate's [`ClusterConnection`], which follows the
//!   slot map (`MOVED`/`ASK`) and reconnects by itself;
//! * Sentinel: the redis crate resolves the master through the sentinels
//!   but has no self-healing connection, so [`SentinelConnection`] keeps the
//!   master's multiplexed connection and forgets it on a connection error or
//!   a `READONLY` answer (a demoted master): the next operation asks the
//!   sentinels again and reaches the promoted replica, without a restart.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use ::redis::aio::{ConnectionLike, ConnectionManager, MultiplexedConnection};
use ::redis::cluster_async::ClusterConnection;
use ::redis::sentinel::SentinelClient;
use ::redis::{AsyncConnectionConfig, Cmd, Pipeline, RedisError, RedisFuture, RedisResult, Value};

/// A connection to whichever topology the store was built for. Cheap to
/// clone; clones share the underlying connections.
#[derive(Clone)]
pub(super) enum Connection {
    /// One server.
    Single(ConnectionManager),
    /// A Redis Cluster.
    Cluster(ClusterConnection),
    /// The master of a Sentinel group.
    Sentinel(Arc<SentinelConnection>),
}

/// The master's connection, found through the sentinels and forgotten when
/// it fails.
pub(super) struct SentinelConnection {
    client: tokio::sync::Mutex<SentinelClient>,
    config: AsyncConnectionConfig,
    /// The current master connection and its generation.
    current: Mutex<Option<(u64, MultiplexedConnection)>>,
    generation: AtomicU64,
}

impl SentinelConnection {
    pub(super) fn new(client: SentinelClient, config: AsyncConnectionConfig) -> Self {
        SentinelConnection {
            client: tokio::sync::Mutex::new(client),
            config,
            current: Mutex::new(None),
            generation: AtomicU64::new(0),
        }
    }

    fn cached(&self) -> Option<(u64, MultiplexedConnection)> {
        self.current
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The master's connection, asking the sentinels for the master (and
    /// connecting) if there is none.
    pub(super) async fn master(&self) -> RedisResult<(u64, MultiplexedConnection)> {
        if let Some(current) = self.cached() {
            return Ok(current);
        }
        // One lookup at a time: the callers waiting here reuse its result.
        let mut client = self.client.lock().await;
        if let Some(current) = self.cached() {
            return Ok(current);
        }
        let conn = client
            .get_async_connection_with_config(&self.config)
            .await?;
        let generation = self.generation.fetch_add(1, Ordering::Relaxed) + 1;
        *self.current.lock().unwrap_or_else(PoisonError::into_inner) =
            Some((generation, conn.clone()));
        Ok((generation, conn))
    }

    /// Forgets connection `generation` if `error` says that it no longer
    /// reaches a working master.
    fn forget_on(&self, generation: u64, error: &RedisError) {
        let stale = error.is_io_error()
            || error.is_connection_dropped()
            || error.is_connection_refusal()
            || error.is_timeout()
            || error.is_unrecoverable_error()
            || matches!(error.code(), Some("READONLY" | "MASTERDOWN" | "LOADING"));
        if stale {
            let mut current = self.current.lock().unwrap_or_else(PoisonError::into_inner);
            if current.as_ref().is_some_and(|(g, _)| *g == generation) {
                *current = None;
            }
        }
    }
}

impl ConnectionLike for Connection {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        match self {
            Connection::Single(conn) => conn.req_packed_command(cmd),
            Connection::Cluster(conn) => conn.req_packed_command(cmd),
            Connection::Sentinel(sentinel) => Box::pin(async move {
                let (generation, mut conn) = sentinel.master().await?;
                let answer = conn.req_packed_command(cmd).await;
                if let Err(e) = &answer {
                    sentinel.forget_on(generation, e);
                }
                answer
            }),
        }
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        match self {
            Connection::Single(conn) => conn.req_packed_commands(pipeline, offset, count),
            Connection::Cluster(conn) => conn.req_packed_commands(pipeline, offset, count),
            Connection::Sentinel(sentinel) => Box::pin(async move {
                let (generation, mut conn) = sentinel.master().await?;
                let answer = conn.req_packed_commands(pipeline, offset, count).await;
                match &answer {
                    Err(e) => sentinel.forget_on(generation, e),
                    Ok(values) => {
                        // A demoted master answers writes in a pipeline with
                        // per-command errors, not a failed pipeline.
                        for value in values {
                            if let Value::ServerError(e) = value {
                                sentinel.forget_on(generation, &RedisError::from(e.clone()));
                            }
                        }
                    }
                }
                answer
            }),
        }
    }

    fn get_db(&self) -> i64 {
        match self {
            Connection::Single(conn) => conn.get_db(),
            Connection::Cluster(conn) => conn.get_db(),
            Connection::Sentinel(sentinel) => {
                sentinel.cached().map_or(0, |(_, conn)| conn.get_db())
            }
        }
    }
}
