//! [`MemoryStore`]: a token store in the memory of one process, and the
//! in-process leases it shares with [`DurableStore`](super::DurableStore).

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use super::store::{BoxFuture, Lease, StoredValue, TokenKey, TokenStore, now};
use crate::Result;

/// Locks a std mutex, going on if a panicking thread poisoned it (the maps
/// guarded here are consistent after every single operation).
pub(super) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Fewest leases held before expired ones are swept out.
const SWEEP_FLOOR: usize = 64;

/// Expiring refresh leases (and markers) held in this process.
#[derive(Default)]
pub(super) struct LocalLeases {
    held: Mutex<Held>,
}

#[derive(Default)]
struct Held {
    leases: HashMap<TokenKey, (String, Instant)>,
    /// Expired leases are swept out when this many are held: markers
    /// (`mark_seen`, one per push) are never released, only expire.
    sweep_at: usize,
}

impl Held {
    /// Drops expired leases once the map has grown to `sweep_at`, then
    /// waits for it to double: amortized constant time per lease.
    fn sweep(&mut self, now: Instant) {
        if self.leases.len() < self.sweep_at.max(SWEEP_FLOOR) {
            return;
        }
        self.leases.retain(|_, (_, until)| *until > now);
        self.sweep_at = self.leases.len().saturating_mul(2);
    }
}

impl LocalLeases {
    pub(super) fn try_lease(&self, key: &TokenKey, ttl: Duration) -> Option<Lease> {
        let now = now();
        let mut held = lock(&self.held);
        if let Some((_, until)) = held.leases.get(key)
            && *until > now
        {
            return None;
        }
        held.sweep(now);
        // A TTL too large to represent is clamped to a century.
        let until = now
            .checked_add(ttl)
            .or_else(|| now.checked_add(Duration::from_secs(100 * 365 * 24 * 3600)))
            .unwrap_or(now);
        let lease = Lease::random(key.clone());
        held.leases
            .insert(key.clone(), (lease.value().to_owned(), until));
        Some(lease)
    }

    pub(super) fn release(&self, lease: &Lease) -> bool {
        let mut held = lock(&self.held);
        match held.leases.get(lease.key()) {
            // An expired lease is no longer ours, even if nobody took it since.
            Some((value, until)) if value == lease.value() && *until > now() => {
                held.leases.remove(lease.key());
                true
            }
            _ => false,
        }
    }

    /// How many leases are held (expired ones not yet swept included).
    #[cfg(test)]
    fn len(&self) -> usize {
        lock(&self.held).leases.len()
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
    /// Versions of values written by `set_if_newer`, with their expiry;
    /// always locked after `values`.
    versions: Mutex<HashMap<TokenKey, (i64, Option<Instant>)>>,
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
        if value.expires_at.is_some_and(|at| at <= now()) {
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

    fn set_if_newer_now(
        &self,
        key: &TokenKey,
        value: &str,
        version: i64,
        ttl: Option<Duration>,
    ) -> bool {
        let mut values = lock(&self.values);
        let mut versions = lock(&self.versions);
        let now = now();
        let newer_stored = versions.get(key).is_some_and(|(stored, expires_at)| {
            *stored > version && expires_at.is_none_or(|at| at > now)
        });
        if newer_stored {
            return false;
        }
        let stored = match ttl {
            Some(ttl) => StoredValue::expiring_in(value, ttl),
            None => StoredValue::new(value, None),
        };
        versions.insert(key.clone(), (version, stored.expires_at));
        values.insert(key.clone(), stored);
        true
    }

    fn delete_if_equals_now(&self, key: &TokenKey, expected: &str) -> bool {
        let mut values = lock(&self.values);
        let matches = values
            .get(key)
            .is_some_and(|v| v.value == expected && v.expires_at.is_none_or(|at| at > now()));
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

    fn set_if_newer<'a>(
        &'a self,
        key: &'a TokenKey,
        value: &'a str,
        version: i64,
        ttl: Option<Duration>,
    ) -> BoxFuture<'a, Result<bool>> {
        Box::pin(async move { Ok(self.set_if_newer_now(key, value, version, ttl)) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expired_leases_are_swept_so_markers_do_not_accumulate() {
        let leases = LocalLeases::default();
        for i in 0..10_000 {
            let key = TokenKey::marker("push", format!("nonce-{i}"));
            assert!(leases.try_lease(&key, Duration::ZERO).is_some());
        }
        // Zero-TTL leases expire at once: the map never holds more than
        // twice the floor.
        assert!(leases.len() <= 2 * SWEEP_FLOOR, "{}", leases.len());

        // Live leases are kept, and stay exclusive.
        let live: Vec<_> = (0..200)
            .map(|i| TokenKey::marker("live", format!("{i}")))
            .collect();
        for key in &live {
            assert!(leases.try_lease(key, Duration::from_secs(3600)).is_some());
        }
        for i in 0..1_000 {
            let key = TokenKey::marker("push", format!("again-{i}"));
            assert!(leases.try_lease(&key, Duration::ZERO).is_some());
        }
        for key in &live {
            assert!(leases.try_lease(key, Duration::from_secs(1)).is_none());
        }
        assert!(leases.len() <= 2 * (200 + SWEEP_FLOOR), "{}", leases.len());
    }
}
