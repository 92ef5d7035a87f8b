//! [`MemoryStore`]: a token store in the memory of one process, and the
//! in-process leases it shares with [`DurableStore`](super::DurableStore).

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use super::store::{BoxFuture, Lease, StoredValue, TokenKey, TokenStore};
use crate::Result;

/// Locks a std mutex, going on if a panicking thread poisoned it (the maps
/// guarded here are consistent after every single operation).
pub(super) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Expiring refresh leases held in this process.
#[derive(Default)]
pub(super) struct LocalLeases {
    held: Mutex<HashMap<TokenKey, (String, Instant)>>,
}

impl LocalLeases {
    pub(super) fn try_lease(&self, key: &TokenKey, ttl: Duration) -> Option<Lease> {
        let now = Instant::now();
        let mut held = lock(&self.held);
        if let Some((_, until)) = held.get(key)
            && *until > now
        {
            return None;
        }
        // A TTL too large to represent is clamped to a century.
        let until = now
            .checked_add(ttl)
            .or_else(|| now.checked_add(Duration::from_secs(100 * 365 * 24 * 3600)))
            .unwrap_or(now);
        let lease = Lease::random(key.clone());
        held.insert(key.clone(), (lease.value().to_owned(), until));
        Some(lease)
    }

    pub(super) fn release(&self, lease: &Lease) -> bool {
        let mut held = lock(&self.held);
        match held.get(lease.key()) {
            // An expired lease is no longer ours, even if nobody took it since.
            Some((value, until)) if value == lease.value() && *until > Instant::now() => {
                held.remove(lease.key());
                true
            }
            _ => false,
        }
    }
}

/// A token store in the memory of this process: fast, but lost on exit and
/// not shared with other processes.
///
/// Fine for a single instance that holds only short-lived tokens (a basic
/// `access_token`); do not keep `authorizer_refresh_token`s here, use
/// [`DurableStore`](super::DurableStore) or a persistent Redis.
#[derive(Default)]
pub struct MemoryStore {
    values: Mutex<HashMap<TokenKey, StoredValue>>,
    leases: LocalLeases,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn get_now(&self, key: &TokenKey) -> Option<StoredValue> {
        let mut values = lock(&self.values);
        let value = values.get(key)?;
        if value.expires_at.is_some_and(|at| at <= Instant::now()) {
            values.remove(key);
            return None;
        }
        Some(value.clone())
    }

    fn set_now(&self, key: &TokenKey, value: &str, ttl: Option<Duration>) {
        let mut values = lock(&self.values);
        match ttl {
            Some(ttl) if ttl.is_zero() => {
                values.remove(key);
            }
            Some(ttl) => {
                values.insert(key.clone(), StoredValue::expiring_in(value, ttl));
            }
            None => {
                values.insert(key.clone(), StoredValue::new(value, None));
            }
        }
    }

    fn delete_if_equals_now(&self, key: &TokenKey, expected: &str) -> bool {
        let mut values = lock(&self.values);
        let matches = values.get(key).is_some_and(|v| {
            v.value == expected && v.expires_at.is_none_or(|at| at > Instant::now())
        });
        if matches {
            values.remove(key);
        }
        matches
    }
}

impl fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryStore")
            .field("entries", &lock(&self.values).len())
            .finish_non_exhaustive()
    }
}

impl TokenStore for MemoryStore {
    fn get<'a>(&'a self, key: &'a TokenKey) -> BoxFuture<'a, Result<Option<StoredValue>>> {
        Box::pin(async move { Ok(self.get_now(key)) })
    }

    fn set<'a>(
        &'a self,
        key: &'a TokenKey,
        value: &'a str,
        ttl: Option<Duration>,
    ) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            self.set_now(key, value, ttl);
            Ok(())
        })
    }

    fn delete<'a>(&'a self, key: &'a TokenKey) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            lock(&self.values).remove(key);
            Ok(())
        })
    }

    fn delete_if_equals<'a>(
        &'a self,
        key: &'a TokenKey,
        expected: &'a str,
    ) -> BoxFuture<'a, Result<bool>> {
        Box::pin(async move { Ok(self.delete_if_equals_now(key, expected)) })
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
}
