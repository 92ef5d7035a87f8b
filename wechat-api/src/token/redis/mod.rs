//! [`RedisStore`]: a token store in Redis, shared by every instance of a
//! cluster (crate feature `redis`), on one server, a Redis Cluster or a
//! Sentinel group.
//!
//! Values are plain Redis strings with a `PX` expiry; a refresh lease is
//! `SET <key>:lease <random> NX PX <ttl>`, released by a compare-and-delete
//! Lua script. A versioned write ([`TokenStore::set_if_newer`], the verify
//! ticket) keeps the version beside the value, under a name in the value's
//! cluster hash slot ([`keys`]), and is one Lua script that compares and
//! writes both. Every operation is bounded by the connection's connect and
//! response timeouts and by an outer Tokio timeout, so an unreachable Redis
//! gives an [`Error::Store`] quickly, never a hang.

mod builder;
mod connection;
mod keys;

use std::fmt;
use std::future::Future;
use std::time::Duration;

use ::redis::{RedisError, Script};

pub use self::builder::RedisStoreBuilder;
use self::builder::ReplicaWait;
use self::connection::Connection;
use super::store::{BoxFuture, Lease, StoredValue, TokenKey, TokenStore};
use crate::{Error, Result};

/// Compare-and-delete: deletes KEYS[1] only if it holds ARGV[1].
const COMPARE_AND_DELETE: &str =
    "if redis.call('get',KEYS[1])==ARGV[1] then return redis.call('del',KEYS[1]) else return 0 end";

/// Read with expiry: `{value, pttl}` of KEYS[1], or nil. One script (not a
/// MULTI) so it is one atomic command on every topology.
const GET_WITH_TTL: &str = r"
local value = redis.call('get', KEYS[1])
if not value then return nil end
return {value, redis.call('pttl', KEYS[1])}
";

/// Versioned write: KEYS[1] the value, KEYS[2] its version, KEYS[3] (only
/// outside a cluster) the version's name before hash tags; ARGV[1] the value,
/// ARGV[2] the version, ARGV[3] the TTL in milliseconds (empty: no expiry).
/// Stores the value and the version (under both names when KEYS[3] is given,
/// so processes of an earlier version still see it) unless the stored version
/// (KEYS[2], else KEYS[3]) is higher; returns 1 if stored, 0 if not.
/// Versions are compared as Lua numbers (exact up to 2^53; Unix seconds are
/// far below). A version in its last millisecond (`PTTL` 0, which Redis still
/// serves) counts as expired, as the value beside it does for
/// [`TokenStore::get`]: otherwise a value seen expired could still be barred
/// by its version.
const SET_IF_NEWER: &str = r"
local function live(k)
  local v = redis.call('get', k)
  if v and redis.call('pttl', k) ~= 0 then return tonumber(v) end
end
local stored = live(KEYS[2])
if not stored and KEYS[3] then stored = live(KEYS[3]) end
if stored and stored > tonumber(ARGV[2]) then return 0 end
local n = KEYS[3] and 3 or 2
if ARGV[3] == '' then
  redis.call('set', KEYS[1], ARGV[1])
  for i = 2, n do redis.call('set', KEYS[i], ARGV[2]) end
else
  -- One absolute expiry for every key: with a relative PX each SET reads the
  -- clock anew, so the version could outlive its value by a millisecond.
  if redis.replicate_commands then redis.replicate_commands() end
  local now = redis.call('time')
  local at = now[1] * 1000 + math.floor(now[2] / 1000) + tonumber(ARGV[3])
  redis.call('set', KEYS[1], ARGV[1])
  redis.call('pexpireat', KEYS[1], at)
  for i = 2, n do
    redis.call('set', KEYS[i], ARGV[2])
    redis.call('pexpireat', KEYS[i], at)
  end
end
return 1
";

/// Longest expiry written (a century): larger TTLs are clamped, as Redis
/// rejects expiries that overflow its clock.
const MAX_TTL_MS: u64 = 100 * 365 * 24 * 3600 * 1000;

fn ttl_millis(ttl: Duration) -> u64 {
    u64::try_from(ttl.as_millis())
        .unwrap_or(u64::MAX)
        .clamp(1, MAX_TTL_MS)
}

fn redis_err(what: &str, e: &RedisError) -> Error {
    Error::Store(format!("redis {what}: {e}"))
}

/// A token store in Redis, shared by every process of a cluster.
///
/// # Topologies
///
/// * one server: [`RedisStore::builder`]`(url)` or [`RedisStore::connect`];
/// * Redis Cluster (e.g. a managed "cluster edition"):
///   [`RedisStore::cluster`]`([node urls])`, any reachable nodes as seeds;
///   the slot map is discovered and followed (`MOVED`, resharding, failover
///   of a shard);
/// * Redis Sentinel: [`RedisStore::sentinel`]`(master name, [sentinel
///   urls])`; the master is looked up through the sentinels, and after a
///   failover the next operation finds the promoted replica (no restart).
///
/// All three take the same prefix, timeouts and
/// [`wait_for_replicas`](RedisStoreBuilder::wait_for_replicas) setting.
///
/// Keys are `{prefix}component:{component_appid}:...` or
/// `{prefix}app:{appid}:...` (see [`TokenKey::render`]), so several
/// applications can share one Redis; they are the same on every topology and
/// the same as in earlier versions, so an upgrade keeps every stored token
/// and refresh token. The only operation on two keys, the versioned write of
/// the verify ticket, keeps both in one cluster hash slot (a hash tag on the
/// version's name; the old name is still read). Cheap to clone (one
/// multiplexed connection per server, re-established automatically).
///
/// # Timeouts
///
/// Each operation is bounded by the operation timeout (default 3 s),
/// reconnection and Sentinel lookup included; a refresh-token write that
/// waits for replicas, by the operation timeout plus the wait's timeout.
/// While Redis is unreachable or a failover is under way, operations fail
/// with [`Error::Store`] within that bound: they never hang.
///
/// # Durability and failover: what is promised
///
/// Redis replication is asynchronous: a master acknowledges a write before
/// its replicas have it, so a write acknowledged just before the master
/// dies can be missing on the replica that is promoted. Access tokens and
/// tickets lost that way are harmless (they are fetched again; the verify
/// ticket is pushed again within 10 minutes). An `authorizer_refresh_token`
/// is not: without it the merchant must authorize again. So a
/// refresh-token write can wait (`WAIT`) until replicas have it
/// ([`wait_for_replicas`](RedisStoreBuilder::wait_for_replicas); on by
/// default on Sentinel: 1 replica, 1 s):
///
/// * when the write returns `Ok`, the refresh token is on the master and on
///   at least that many replicas. Among replicas of equal
///   `replica-priority`, Sentinel promotes the one with the most replicated
///   data, so the token survives the master's failure as long as a replica
///   that acknowledged it survives and is eligible;
/// * when the replicas do not acknowledge it in time, the write returns
///   [`Error::Store`]: the master holds the value but it may be lost at a
///   failover; a retry writes the same value again;
/// * writes that did not wait (other keys, or with waiting off) can be lost
///   at failover: those the replicas had not yet received when the master
///   died (its replication lag at that instant);
/// * `WAIT` does not make Redis strongly consistent: a replica that
///   acknowledged and then also fails, or a split brain where the old master
///   keeps accepting writes from clients on its side of the partition, can
///   still lose data. Use `min-replicas-to-write` on the server to bound the
///   latter.
///
/// Durability across restarts of the whole group is Redis's: configure AOF
/// or RDB persistence on the servers if they keep `authorizer_refresh_token`s.
#[derive(Clone)]
pub struct RedisStore {
    conn: Connection,
    prefix: String,
    operation_timeout: Duration,
    replica_wait: Option<ReplicaWait>,
    compare_and_delete: Script,
    get_with_ttl: Script,
    set_if_newer: Script,
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let topology = match &self.conn {
            Connection::Single(_) => "standalone",
            Connection::Cluster(_) => "cluster",
            Connection::Sentinel(_) => "sentinel",
        };
        f.debug_struct("RedisStore")
            .field("topology", &topology)
            .field("prefix", &self.prefix)
            .field("operation_timeout", &self.operation_timeout)
            .field("replica_wait", &self.replica_wait)
            .finish_non_exhaustive()
    }
}

impl RedisStore {
    /// A builder for a store on one server at `url`
    /// (`redis://[[user]:password@]host:port[/db]`, or `rediss://` for TLS
    /// if the redis crate was built with TLS).
    pub fn builder(url: impl Into<String>) -> RedisStoreBuilder {
        RedisStoreBuilder::single(url.into())
    }

    /// A builder for a store on a Redis Cluster: `nodes` are the URLs of
    /// some of its nodes (`redis://[[user]:password@]host:port`), from which
    /// the whole cluster is discovered.
    pub fn cluster<I>(nodes: I) -> RedisStoreBuilder
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        RedisStoreBuilder::cluster(nodes.into_iter().map(Into::into).collect())
    }

    /// A builder for a store on the master named `master` of a Sentinel
    /// group: `sentinels` are the sentinels' URLs
    /// (`redis://[[user]:password@]host:port`; the master's own password, if
    /// any, goes in [`RedisStoreBuilder::master_auth`]). Refresh-token
    /// writes wait for 1 replica for up to 1 s by default
    /// ([`RedisStoreBuilder::wait_for_replicas`]).
    pub fn sentinel<I>(master: impl Into<String>, sentinels: I) -> RedisStoreBuilder
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        RedisStoreBuilder::sentinel(
            master.into(),
            sentinels.into_iter().map(Into::into).collect(),
        )
    }

    /// Connects to one server at `url` with the default prefix and timeouts.
    pub async fn connect(url: impl Into<String>) -> Result<Self> {
        Self::builder(url).connect().await
    }

    fn from_parts(
        conn: Connection,
        prefix: String,
        operation_timeout: Duration,
        replica_wait: Option<ReplicaWait>,
    ) -> Self {
        RedisStore {
            conn,
            prefix,
            operation_timeout,
            replica_wait,
            compare_and_delete: Script::new(COMPARE_AND_DELETE),
            get_with_ttl: Script::new(GET_WITH_TTL),
            set_if_newer: Script::new(SET_IF_NEWER),
        }
    }

    /// The prefix of every key this store writes.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    async fn run<T>(
        &self,
        what: &str,
        op: impl Future<Output = std::result::Result<T, RedisError>>,
    ) -> Result<T> {
        self.run_within(what, self.operation_timeout, op).await
    }

    async fn run_within<T>(
        &self,
        what: &str,
        bound: Duration,
        op: impl Future<Output = std::result::Result<T, RedisError>>,
    ) -> Result<T> {
        match tokio::time::timeout(bound, op).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => Err(redis_err(what, &e)),
            Err(_) => Err(Error::Store(format!(
                "redis {what}: no answer within {bound:?}"
            ))),
        }
    }

    async fn compare_and_delete(&self, what: &str, key: String, expected: &str) -> Result<bool> {
        let mut conn = self.conn.clone();
        let deleted: i64 = self
            .run(
                what,
                self.compare_and_delete
                    .key(key)
                    .arg(expected)
                    .invoke_async(&mut conn),
            )
            .await?;
        Ok(deleted == 1)
    }

    /// `cmd` (a write), then `WAIT` for the replicas, on the same connection
    /// (one pipeline, so `WAIT` counts this write; on a cluster the pipeline
    /// goes to the master of the written key).
    async fn write_and_wait(&self, cmd: ::redis::Cmd, wait: ReplicaWait) -> Result<()> {
        let wait_ms = u64::try_from(wait.timeout.as_millis())
            .unwrap_or(u64::MAX)
            .max(1);
        let mut pipe = ::redis::pipe();
        pipe.add_command(cmd)
            .ignore()
            .cmd("WAIT")
            .arg(wait.replicas)
            .arg(wait_ms);
        let mut conn = self.conn.clone();
        let bound = self.operation_timeout.saturating_add(wait.timeout);
        let (acknowledged,): (i64,) = self
            .run_within("SET (refresh token)", bound, pipe.query_async(&mut conn))
            .await?;
        if acknowledged < i64::from(wait.replicas) {
            return Err(Error::Store(format!(
                "redis SET (refresh token): written on the master but acknowledged by \
                 {acknowledged} of {} replicas within {:?}; it may be lost if the master \
                 fails now (retry the write)",
                wait.replicas, wait.timeout
            )));
        }
        Ok(())
    }
}

impl TokenStore for RedisStore {
    fn get<'a>(&'a self, key: &'a TokenKey) -> BoxFuture<'a, Result<Option<StoredValue>>> {
        Box::pin(async move {
            let mut conn = self.conn.clone();
            let found: Option<(String, i64)> = self
                .run(
                    "GET",
                    self.get_with_ttl
                        .key(key.render(&self.prefix))
                        .invoke_async(&mut conn),
                )
                .await?;
            Ok(found.and_then(|(value, pttl)| match pttl {
                // No expiry.
                -1 => Some(StoredValue::new(value, None)),
                // 0: the last millisecond, which Redis still serves; counted as
                // expired here and by the versioned write alike.
                ms if ms <= 0 => None,
                ms => Some(StoredValue::expiring_in(
                    value,
                    Duration::from_millis(ms.unsigned_abs()),
                )),
            }))
        })
    }

    fn set<'a>(
        &'a self,
        key: &'a TokenKey,
        value: &'a str,
        ttl: Option<Duration>,
    ) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let name = key.render(&self.prefix);
            let cmd = match ttl {
                Some(ttl) if ttl.is_zero() => {
                    let mut del = ::redis::cmd("DEL");
                    del.arg(&name);
                    del
                }
                Some(ttl) => {
                    let mut set = ::redis::cmd("SET");
                    set.arg(&name).arg(value).arg("PX").arg(ttl_millis(ttl));
                    set
                }
                None => {
                    let mut set = ::redis::cmd("SET");
                    set.arg(&name).arg(value);
                    set
                }
            };
            match (key, self.replica_wait) {
                (TokenKey::AuthorizerRefreshToken { .. }, Some(wait)) => {
                    self.write_and_wait(cmd, wait).await
                }
                _ => {
                    let mut conn = self.conn.clone();
                    let _: ::redis::Value = self.run("SET", cmd.query_async(&mut conn)).await?;
                    Ok(())
                }
            }
        })
    }

    fn delete<'a>(&'a self, key: &'a TokenKey) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let mut conn = self.conn.clone();
            let mut cmd = ::redis::cmd("DEL");
            cmd.arg(key.render(&self.prefix));
            let _: i64 = self.run("DEL", cmd.query_async(&mut conn)).await?;
            Ok(())
        })
    }

    fn delete_if_equals<'a>(
        &'a self,
        key: &'a TokenKey,
        expected: &'a str,
    ) -> BoxFuture<'a, Result<bool>> {
        Box::pin(async move {
            self.compare_and_delete("compare-and-delete", key.render(&self.prefix), expected)
                .await
        })
    }

    fn try_lease<'a>(
        &'a self,
        key: &'a TokenKey,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<Option<Lease>>> {
        Box::pin(async move {
            let lease = Lease::random(key.clone());
            let mut conn = self.conn.clone();
            let mut cmd = ::redis::cmd("SET");
            cmd.arg(key.render_lease(&self.prefix))
                .arg(lease.value())
                .arg("NX")
                .arg("PX")
                .arg(ttl_millis(ttl));
            let taken: Option<String> = self.run("lease", cmd.query_async(&mut conn)).await?;
            Ok(taken.map(|_| lease))
        })
    }

    fn release(&self, lease: Lease) -> BoxFuture<'_, Result<bool>> {
        Box::pin(async move {
            self.compare_and_delete(
                "release lease",
                lease.key().render_lease(&self.prefix),
                lease.value(),
            )
            .await
        })
    }

    fn set_if_newer<'a>(
        &'a self,
        key: &'a TokenKey,
        value: &'a str,
        version: i64,
        ttl: Option<Duration>,
    ) -> BoxFuture<'a, Result<bool>> {
        Box::pin(async move {
            let ttl = ttl.map_or_else(String::new, |ttl| ttl_millis(ttl).to_string());
            let name = key.render(&self.prefix);
            let version_name = keys::version_name(&name);
            let legacy = keys::legacy_version_name(&name);
            let mut invocation = self.set_if_newer.key(&name);
            invocation.key(&version_name);
            // Outside a cluster, the version's old name is read as a fallback
            // and kept up to date (see `keys`); on a cluster it would be in
            // another slot, and no cluster ever held it.
            if !matches!(self.conn, Connection::Cluster(_)) && legacy != version_name {
                invocation.key(&legacy);
            }
            invocation.arg(value).arg(version).arg(ttl);
            let mut conn = self.conn.clone();
            let stored: i64 = self
                .run("versioned SET", invocation.invoke_async(&mut conn))
                .await?;
            Ok(stored == 1)
        })
    }
}
