//! [`RedisStore`]: a token store in Redis, shared by every instance of a
//! cluster (crate feature `redis`).
//!
//! Values are plain Redis strings with a `PX` expiry; a refresh lease is
//! `SET <key>:lease <random> NX PX <ttl>`, released by a compare-and-delete
//! Lua script. A versioned write ([`TokenStore::set_if_newer`], the verify
//! ticket) keeps the version in `<key>:version` and is one Lua script that
//! compares and writes both keys. Every operation is bounded by the connection's connect and
//! response timeouts and by an outer Tokio timeout, so an unreachable Redis
//! gives an [`Error::Store`] quickly, never a hang.

use std::fmt;
use std::future::Future;
use std::time::Duration;

use ::redis::aio::{ConnectionManager, ConnectionManagerConfig};
use ::redis::{Client, RedisError, Script};

use super::store::{BoxFuture, DEFAULT_PREFIX, Lease, StoredValue, TokenKey, TokenStore};
use crate::{Error, Result};

/// Compare-and-delete: deletes KEYS[1] only if it holds ARGV[1].
const COMPARE_AND_DELETE: &str =
    "if redis.call('get',KEYS[1])==ARGV[1] then return redis.call('del',KEYS[1]) else return 0 end";

/// Versioned write: KEYS[1] the value, KEYS[2] its version; ARGV[1] the
/// value, ARGV[2] the version, ARGV[3] the TTL in milliseconds (empty: no
/// expiry). Stores both unless KEYS[2] holds a higher version; returns 1 if
/// stored, 0 if not. Versions are compared as Lua numbers (exact up to
/// 2^53; Unix seconds are far below).
const SET_IF_NEWER: &str = r"
local stored = tonumber(redis.call('get', KEYS[2]))
if stored and stored > tonumber(ARGV[2]) then return 0 end
if ARGV[3] == '' then
  redis.call('set', KEYS[1], ARGV[1])
  redis.call('set', KEYS[2], ARGV[2])
else
  redis.call('set', KEYS[1], ARGV[1], 'px', ARGV[3])
  redis.call('set', KEYS[2], ARGV[2], 'px', ARGV[3])
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

/// Builds a [`RedisStore`]: key prefix and timeouts.
#[must_use]
pub struct RedisStoreBuilder {
    url: String,
    prefix: String,
    connect_timeout: Duration,
    response_timeout: Duration,
    operation_timeout: Duration,
}

impl fmt::Debug for RedisStoreBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The URL may carry a password.
        f.debug_struct("RedisStoreBuilder")
            .field("url", &"<redacted>")
            .field("prefix", &self.prefix)
            .field("connect_timeout", &self.connect_timeout)
            .field("response_timeout", &self.response_timeout)
            .field("operation_timeout", &self.operation_timeout)
            .finish()
    }
}

impl RedisStoreBuilder {
    /// The prefix of every key written (default [`DEFAULT_PREFIX`], `wechat:`).
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

    /// Upper bound on one store operation, reconnection included (default 3 s).
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.operation_timeout = timeout;
        self
    }

    fn parts(self) -> Result<(Client, ConnectionManagerConfig, RedisStore0)> {
        let client = Client::open(self.url.as_str()).map_err(|e| {
            // Not the URL itself: it may carry a password.
            Error::Config(format!("invalid Redis URL ({:?})", e.kind()))
        })?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(self.connect_timeout))
            .set_response_timeout(Some(self.response_timeout))
            .set_number_of_retries(1)
            .set_min_delay(Duration::from_millis(50))
            .set_max_delay(Duration::from_millis(500));
        Ok((
            client,
            config,
            RedisStore0 {
                prefix: self.prefix,
                operation_timeout: self.operation_timeout,
                connect_timeout: self.connect_timeout,
            },
        ))
    }

    /// Connects now: fails with [`Error::Store`] (within about the connect
    /// timeout plus the operation timeout) if Redis cannot be reached, or
    /// [`Error::Config`] if the URL is invalid. After that, the connection is
    /// re-established automatically when it drops.
    pub async fn connect(self) -> Result<RedisStore> {
        let (client, config, rest) = self.parts()?;
        let bound = rest.connect_timeout.saturating_add(rest.operation_timeout);
        let conn =
            match tokio::time::timeout(bound, ConnectionManager::new_with_config(client, config))
                .await
            {
                Ok(Ok(conn)) => conn,
                Ok(Err(e)) => return Err(redis_err("connect", &e)),
                Err(_) => {
                    return Err(Error::Store(format!(
                        "redis connect: no connection within {bound:?}"
                    )));
                }
            };
        Ok(rest.with(conn))
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
        let (client, config, rest) = self.parts()?;
        let conn = ConnectionManager::new_lazy_with_config(client, config)
            .map_err(|e| redis_err("connect", &e))?;
        Ok(rest.with(conn))
    }
}

struct RedisStore0 {
    prefix: String,
    operation_timeout: Duration,
    connect_timeout: Duration,
}

impl RedisStore0 {
    fn with(self, conn: ConnectionManager) -> RedisStore {
        RedisStore {
            conn,
            prefix: self.prefix,
            operation_timeout: self.operation_timeout,
            script: Script::new(COMPARE_AND_DELETE),
            set_if_newer: Script::new(SET_IF_NEWER),
        }
    }
}

/// A token store in Redis, shared by every process of a cluster.
///
/// Keys are `{prefix}component:{component_appid}:...` or
/// `{prefix}app:{appid}:...` (see [`TokenKey::render`]), so several
/// applications can share one Redis. Cheap to clone (one multiplexed
/// connection, re-established automatically).
///
/// Durability is Redis's: configure AOF or RDB persistence on the server if
/// it keeps `authorizer_refresh_token`s.
#[derive(Clone)]
pub struct RedisStore {
    conn: ConnectionManager,
    prefix: String,
    operation_timeout: Duration,
    script: Script,
    set_if_newer: Script,
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore")
            .field("prefix", &self.prefix)
            .field("operation_timeout", &self.operation_timeout)
            .finish_non_exhaustive()
    }
}

impl RedisStore {
    /// A builder for a store at `url` (`redis://[:password@]host:port[/db]`).
    pub fn builder(url: impl Into<String>) -> RedisStoreBuilder {
        RedisStoreBuilder {
            url: url.into(),
            prefix: DEFAULT_PREFIX.to_owned(),
            connect_timeout: Duration::from_secs(2),
            response_timeout: Duration::from_secs(2),
            operation_timeout: Duration::from_secs(3),
        }
    }

    /// Connects to `url` with the default prefix and timeouts.
    pub async fn connect(url: impl Into<String>) -> Result<Self> {
        Self::builder(url).connect().await
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
        match tokio::time::timeout(self.operation_timeout, op).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => Err(redis_err(what, &e)),
            Err(_) => Err(Error::Store(format!(
                "redis {what}: no answer within {:?}",
                self.operation_timeout
            ))),
        }
    }

    async fn compare_and_delete(&self, what: &str, key: String, expected: &str) -> Result<bool> {
        let mut conn = self.conn.clone();
        let deleted: i64 = self
            .run(
                what,
                self.script.key(key).arg(expected).invoke_async(&mut conn),
            )
            .await?;
        Ok(deleted == 1)
    }
}

impl TokenStore for RedisStore {
    fn get<'a>(&'a self, key: &'a TokenKey) -> BoxFuture<'a, Result<Option<StoredValue>>> {
        Box::pin(async move {
            let name = key.render(&self.prefix);
            let mut conn = self.conn.clone();
            let mut pipe = ::redis::pipe();
            pipe.atomic().get(&name).pttl(&name);
            let (value, pttl): (Option<String>, i64) =
                self.run("GET", pipe.query_async(&mut conn)).await?;
            Ok(value.and_then(|value| match pttl {
                // No expiry.
                -1 => Some(StoredValue::new(value, None)),
                // Expired between GET and PTTL cannot happen (MULTI), but be safe.
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
            let mut conn = self.conn.clone();
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
            let _: ::redis::Value = self.run("SET", cmd.query_async(&mut conn)).await?;
            Ok(())
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
            let mut conn = self.conn.clone();
            let mut invocation = self.set_if_newer.key(key.render(&self.prefix));
            invocation
                .key(key.render_version(&self.prefix))
                .arg(value)
                .arg(version)
                .arg(ttl);
            let stored: i64 = self
                .run("versioned SET", invocation.invoke_async(&mut conn))
                .await?;
            Ok(stored == 1)
        })
    }
}
