//! [`DurableStore`]: a token store in an embedded [redb](https://docs.rs/redb)
//! file, so that the `component_verify_ticket` and the
//! `authorizer_refresh_token`s survive a restart of a single-instance
//! deployment.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};

use super::memory::LocalLeases;
use super::store::{BoxFuture, DEFAULT_PREFIX, Lease, StoredValue, TokenKey, TokenStore};
use crate::{Error, Result};

/// rendered key -> [version byte, expiry in Unix milliseconds (u64 BE, 0 = never), UTF-8 value].
/// The version written by `set_if_newer` is a record of its own, under
/// [`TokenKey::render_version`], holding the decimal version.
const TOKENS: TableDefinition<&str, &[u8]> = TableDefinition::new("wechat_tokens");
const FORMAT_V1: u8 = 1;
const HEADER_LEN: usize = 9;

/// A token store in one redb file: every write is committed to disk (fsync)
/// before [`TokenStore::set`] returns, and the values are there again after a
/// restart, with their expiry (kept as wall-clock time).
///
/// redb locks the file: one process at a time. Refresh leases are therefore
/// kept in memory (they still expire). For several instances, use
/// `RedisStore`. redb calls block, so they run on Tokio's blocking pool
/// (`spawn_blocking`); a Tokio runtime is required.
#[derive(Clone)]
pub struct DurableStore {
    db: Arc<Database>,
    path: PathBuf,
    leases: Arc<LocalLeases>,
}

fn store_err(context: &str, e: impl fmt::Display) -> Error {
    Error::Store(format!("durable store: {context}: {e}"))
}

fn unix_millis_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// When a value stored now for `ttl` expires, in Unix milliseconds (0:
/// never).
fn expiry_ms(ttl: Option<Duration>) -> u64 {
    match ttl {
        // At least 1 so that 0 keeps meaning "never".
        Some(ttl) => unix_millis_now()
            .saturating_add(u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX))
            .max(1),
        None => 0,
    }
}

fn encode(value: &str, ttl: Option<Duration>) -> Vec<u8> {
    encode_until(value, expiry_ms(ttl))
}

/// The records `set_if_newer` writes: the value and its version, with one
/// expiry. (Read from the clock once for each, the version could outlive
/// its value by a millisecond, and bar a write the moment the value reads
/// as expired.)
fn versioned_records(value: &str, version: i64, ttl: Option<Duration>) -> (Vec<u8>, Vec<u8>) {
    let expires_ms = expiry_ms(ttl);
    (
        encode_until(value, expires_ms),
        encode_until(&version.to_string(), expires_ms),
    )
}

/// A record of `value` expiring at `expires_ms` (see [`expiry_ms`]).
fn encode_until(value: &str, expires_ms: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN + value.len());
    out.push(FORMAT_V1);
    out.extend_from_slice(&expires_ms.to_be_bytes());
    out.extend_from_slice(value.as_bytes());
    out
}

/// Decodes a record; `Ok(None)` if it has expired.
fn decode(bytes: &[u8]) -> Result<Option<StoredValue>> {
    let (header, value) = bytes
        .split_at_checked(HEADER_LEN)
        .ok_or_else(|| Error::Store("durable store: truncated record".into()))?;
    let (version, expiry) = header
        .split_first()
        .ok_or_else(|| Error::Store("durable store: truncated record".into()))?;
    if *version != FORMAT_V1 {
        return Err(Error::Store(format!(
            "durable store: unknown record format {version}"
        )));
    }
    let expiry = <[u8; 8]>::try_from(expiry)
        .map_err(|_| Error::Store("durable store: truncated record".into()))?;
    let expires_ms = u64::from_be_bytes(expiry);
    let value = std::str::from_utf8(value)
        .map_err(|_| Error::Store("durable store: record is not UTF-8".into()))?;
    if expires_ms == 0 {
        return Ok(Some(StoredValue::new(value, None)));
    }
    let now = unix_millis_now();
    if expires_ms <= now {
        return Ok(None);
    }
    Ok(Some(StoredValue::expiring_in(
        value,
        Duration::from_millis(expires_ms - now),
    )))
}

impl DurableStore {
    /// Opens (or creates) the store file at `path`, on Tokio's blocking pool.
    ///
    /// Fails with [`Error::Store`] if the file cannot be opened, is not a
    /// redb database, or is already open (in this or another process).
    pub async fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        tokio::task::spawn_blocking(move || Self::open_blocking(path))
            .await
            .map_err(|e| store_err("open task failed", e))?
    }

    /// Opens (or creates) the store file at `path`, blocking the calling
    /// thread (for use at start-up, outside of async code).
    pub fn open_blocking(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        let db = Database::create(&path)
            .map_err(|e| store_err(&format!("cannot open {}", path.display()), e))?;
        // Create the table up front so that readers never see it missing.
        let txn = db.begin_write().map_err(|e| store_err("begin", e))?;
        txn.open_table(TOKENS)
            .map_err(|e| store_err("open table", e))?;
        txn.commit().map_err(|e| store_err("commit", e))?;
        Ok(DurableStore {
            db: Arc::new(db),
            path,
            leases: Arc::new(LocalLeases::default()),
        })
    }

    /// The path of the store file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    async fn blocking<T, F>(&self, op: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Database) -> Result<T> + Send + 'static,
    {
        let db = Arc::clone(&self.db);
        tokio::task::spawn_blocking(move || op(&db))
            .await
            .map_err(|e| store_err("blocking task failed", e))?
    }
}

impl fmt::Debug for DurableStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DurableStore")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl TokenStore for DurableStore {
    fn get<'a>(&'a self, key: &'a TokenKey) -> BoxFuture<'a, Result<Option<StoredValue>>> {
        let name = key.render(DEFAULT_PREFIX);
        Box::pin(self.blocking(move |db| {
            let txn = db.begin_read().map_err(|e| store_err("begin read", e))?;
            let table = txn
                .open_table(TOKENS)
                .map_err(|e| store_err("open table", e))?;
            match table.get(name.as_str()).map_err(|e| store_err("read", e))? {
                Some(record) => decode(record.value()),
                None => Ok(None),
            }
        }))
    }

    fn set<'a>(
        &'a self,
        key: &'a TokenKey,
        value: &'a str,
        ttl: Option<Duration>,
    ) -> BoxFuture<'a, Result<()>> {
        let name = key.render(DEFAULT_PREFIX);
        let record = match ttl {
            Some(ttl) if ttl.is_zero() => None,
            ttl => Some(encode(value, ttl)),
        };
        Box::pin(self.blocking(move |db| {
            let txn = db.begin_write().map_err(|e| store_err("begin write", e))?;
            {
                let mut table = txn
                    .open_table(TOKENS)
                    .map_err(|e| store_err("open table", e))?;
                match &record {
                    Some(record) => {
                        table
                            .insert(name.as_str(), record.as_slice())
                            .map_err(|e| store_err("write", e))?;
                    }
                    None => {
                        table
                            .remove(name.as_str())
                            .map_err(|e| store_err("delete", e))?;
                    }
                }
            }
            txn.commit().map_err(|e| store_err("commit", e))
        }))
    }

    fn delete<'a>(&'a self, key: &'a TokenKey) -> BoxFuture<'a, Result<()>> {
        let name = key.render(DEFAULT_PREFIX);
        Box::pin(self.blocking(move |db| {
            let txn = db.begin_write().map_err(|e| store_err("begin write", e))?;
            {
                let mut table = txn
                    .open_table(TOKENS)
                    .map_err(|e| store_err("open table", e))?;
                table
                    .remove(name.as_str())
                    .map_err(|e| store_err("delete", e))?;
            }
            txn.commit().map_err(|e| store_err("commit", e))
        }))
    }

    fn delete_if_equals<'a>(
        &'a self,
        key: &'a TokenKey,
        expected: &'a str,
    ) -> BoxFuture<'a, Result<bool>> {
        let name = key.render(DEFAULT_PREFIX);
        let expected = expected.to_owned();
        Box::pin(self.blocking(move |db| {
            // One write transaction: redb serializes writers, so the compare
            // and the delete are atomic.
            let txn = db.begin_write().map_err(|e| store_err("begin write", e))?;
            let removed = {
                let mut table = txn
                    .open_table(TOKENS)
                    .map_err(|e| store_err("open table", e))?;
                let current = match table.get(name.as_str()).map_err(|e| store_err("read", e))? {
                    Some(record) => decode(record.value())?,
                    None => None,
                };
                if current.is_some_and(|v| v.value == expected) {
                    table
                        .remove(name.as_str())
                        .map_err(|e| store_err("delete", e))?;
                    true
                } else {
                    false
                }
            };
            txn.commit().map_err(|e| store_err("commit", e))?;
            Ok(removed)
        }))
    }

    fn try_lease<'a>(
        &'a self,
        key: &'a TokenKey,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<Option<Lease>>> {
        Box::pin(async move { Ok(self.leases.try_lease(key, ttl)) })
    }

    fn release(&self, lease: Lease) -> BoxFuture<'_, Result<bool>> {
        Box::pin(async move { Ok(self.leases.release(&lease)) })
    }

    fn set_if_newer<'a>(
        &'a self,
        key: &'a TokenKey,
        value: &'a str,
        version: i64,
        ttl: Option<Duration>,
    ) -> BoxFuture<'a, Result<bool>> {
        let name = key.render(DEFAULT_PREFIX);
        let version_name = key.render_version(DEFAULT_PREFIX);
        let (record, version_record) = versioned_records(value, version, ttl);
        Box::pin(self.blocking(move |db| {
            // One write transaction: redb serializes writers, so the compare
            // and both writes are atomic.
            let txn = db.begin_write().map_err(|e| store_err("begin write", e))?;
            let written = {
                let mut table = txn
                    .open_table(TOKENS)
                    .map_err(|e| store_err("open table", e))?;
                let stored = match table
                    .get(version_name.as_str())
                    .map_err(|e| store_err("read", e))?
                {
                    Some(record) => decode(record.value())?,
                    None => None,
                };
                // An unreadable version (not a number) counts as none.
                let newer_stored = stored
                    .and_then(|stored| stored.value.parse::<i64>().ok())
                    .is_some_and(|stored| stored > version);
                if !newer_stored {
                    table
                        .insert(name.as_str(), record.as_slice())
                        .map_err(|e| store_err("write", e))?;
                    table
                        .insert(version_name.as_str(), version_record.as_slice())
                        .map_err(|e| store_err("write", e))?;
                }
                !newer_stored
            };
            txn.commit().map_err(|e| store_err("commit", e))?;
            Ok(written)
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The expiry stored in `record`.
    fn expiry_of(record: &[u8]) -> u64 {
        u64::from_be_bytes(record[1..HEADER_LEN].try_into().unwrap())
    }

    /// A versioned value and its version expire together: the conformance
    /// suite's edge loop (`durable::set_if_newer_and_replay`) caught the
    /// version outliving its value by a millisecond, 1 run in 12 of the test
    /// command, when the clock was read once for each. So many records that
    /// two readings would straddle a millisecond many times over.
    #[test]
    fn a_versioned_value_and_its_version_expire_together() {
        let ttl = Some(Duration::from_millis(3));
        for round in 0..200_000 {
            let (value, version) = versioned_records("v", round, ttl);
            assert_eq!(expiry_of(&value), expiry_of(&version), "round {round}");
        }
    }
}
