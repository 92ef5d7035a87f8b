//! A token store that records every call made to the store it wraps, and
//! can be made to fail writes: for tests that count store round trips
//! (waiting callers must not poll the store), write transactions (a durable
//! store writes only what changed) or the writes of one kind of key (the
//! verify ticket), and for tests of what a failing store costs.
//!
//! By default every call goes to the wrapped store, `set_if_newer`
//! included (so the wrapped store's own atomic version of it runs). With
//! [`RecordingStore::lease_set_if_newer`] the store behaves like a custom
//! store that implements only the required methods: `set_if_newer` is the
//! trait's default (a lease around read, compare and write), and what is
//! recorded is the calls it makes.

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use wechat_api::Error;
use wechat_api::token::{BoxFuture, Lease, MemoryStore, StoredValue, TokenKey, TokenStore};

/// A [`TokenStore`] method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// [`TokenStore::get`].
    Get,
    /// [`TokenStore::set`].
    Set,
    /// [`TokenStore::delete`].
    Delete,
    /// [`TokenStore::delete_if_equals`].
    DeleteIfEquals,
    /// [`TokenStore::try_lease`].
    TryLease,
    /// [`TokenStore::release`].
    Release,
    /// [`TokenStore::set_if_newer`].
    SetIfNewer,
}

impl Op {
    /// Whether the method writes (a write transaction in a durable store).
    /// Leases are not writes: the built-in stores keep them apart.
    pub fn writes(self) -> bool {
        matches!(
            self,
            Op::Set | Op::Delete | Op::DeleteIfEquals | Op::SetIfNewer
        )
    }
}

/// One recorded call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// The method.
    pub op: Op,
    /// The key (`None` for [`Op::Release`], which takes a lease).
    pub key: Option<TokenKey>,
    /// Whether the call succeeded and changed or took something: `set` and
    /// `delete` that returned `Ok`, the others that returned `Ok(true)` or
    /// `Ok(Some(_))`. A `get` counts as done when it returned `Ok`.
    pub done: bool,
}

impl Call {
    /// Whether this is a write of the component verify ticket that stored it.
    pub fn stored_a_ticket(&self) -> bool {
        self.done
            && matches!(self.op, Op::Set | Op::SetIfNewer)
            && matches!(self.key, Some(TokenKey::ComponentVerifyTicket { .. }))
    }
}

/// Which writes fail (with `Error::Store`), by key.
type FailWhen = fn(&TokenKey) -> bool;

/// The recorded store: the required methods, recorded; `set_if_newer` is
/// the trait's default, over them.
#[derive(Debug, Default)]
struct Recorder<S> {
    inner: S,
    calls: Mutex<Vec<Call>>,
    fail_writes: Mutex<Option<FailWhen>>,
}

impl<S> Recorder<S> {
    fn failing(&self, key: &TokenKey) -> bool {
        self.fail_writes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_some_and(|when| when(key))
    }

    fn record(&self, op: Op, key: Option<&TokenKey>, done: bool) {
        self.calls
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(Call {
                op,
                key: key.cloned(),
                done,
            });
    }
}

/// Wraps a store (by default a [`MemoryStore`]) and records every call.
#[derive(Debug, Default)]
pub struct RecordingStore<S = MemoryStore> {
    recorder: Recorder<S>,
    lease_set_if_newer: bool,
}

impl<S: TokenStore> RecordingStore<S> {
    /// Records the calls made to `inner`.
    pub fn new(inner: S) -> Self {
        RecordingStore {
            recorder: Recorder {
                inner,
                calls: Mutex::new(Vec::new()),
                fail_writes: Mutex::new(None),
            },
            lease_set_if_newer: false,
        }
    }

    /// `set_if_newer` is the trait's default implementation (a lease around
    /// read, compare, write) instead of the wrapped store's: the store is
    /// then like a custom store with only the required methods.
    #[must_use]
    pub fn lease_set_if_newer(mut self) -> Self {
        self.lease_set_if_newer = true;
        self
    }

    /// The wrapped store (calls to it are not recorded).
    pub fn inner(&self) -> &S {
        &self.recorder.inner
    }

    /// The calls so far, in the order they completed.
    pub fn calls(&self) -> Vec<Call> {
        self.recorder
            .calls
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// How many calls so far satisfy `which`.
    pub fn count(&self, which: impl Fn(&Call) -> bool) -> usize {
        self.recorder
            .calls
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .filter(|call| which(call))
            .count()
    }

    /// How many calls of `op` so far, whatever their outcome.
    pub fn count_op(&self, op: Op) -> usize {
        self.count(|call| call.op == op)
    }

    /// How many writing calls so far, whatever their outcome (each one is a
    /// write transaction in the durable store).
    pub fn writes(&self) -> usize {
        self.count(|call| call.op.writes())
    }

    /// How many times the component verify ticket was stored.
    pub fn tickets_stored(&self) -> usize {
        self.count(Call::stored_a_ticket)
    }

    /// From now on, writes to the keys for which `when` holds fail with
    /// `Error::Store` without reaching the wrapped store (`None`: none fail).
    pub fn fail_writes(&self, when: Option<FailWhen>) {
        *self
            .recorder
            .fail_writes
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = when;
    }
}

fn refused<T>() -> wechat_api::Result<T> {
    Err(Error::Store("writes are failing (RecordingStore)".into()))
}

impl<S: TokenStore> TokenStore for Recorder<S> {
    fn get<'a>(
        &'a self,
        key: &'a TokenKey,
    ) -> BoxFuture<'a, wechat_api::Result<Option<StoredValue>>> {
        Box::pin(async move {
            let result = self.inner.get(key).await;
            self.record(Op::Get, Some(key), result.is_ok());
            result
        })
    }

    fn set<'a>(
        &'a self,
        key: &'a TokenKey,
        value: &'a str,
        ttl: Option<Duration>,
    ) -> BoxFuture<'a, wechat_api::Result<()>> {
        Box::pin(async move {
            let result = match self.failing(key) {
                true => refused(),
                false => self.inner.set(key, value, ttl).await,
            };
            self.record(Op::Set, Some(key), result.is_ok());
            result
        })
    }

    fn delete<'a>(&'a self, key: &'a TokenKey) -> BoxFuture<'a, wechat_api::Result<()>> {
        Box::pin(async move {
            let result = match self.failing(key) {
                true => refused(),
                false => self.inner.delete(key).await,
            };
            self.record(Op::Delete, Some(key), result.is_ok());
            result
        })
    }

    fn delete_if_equals<'a>(
        &'a self,
        key: &'a TokenKey,
        expected: &'a str,
    ) -> BoxFuture<'a, wechat_api::Result<bool>> {
        Box::pin(async move {
            let result = match self.failing(key) {
                true => refused(),
                false => self.inner.delete_if_equals(key, expected).await,
            };
            self.record(Op::DeleteIfEquals, Some(key), matches!(result, Ok(true)));
            result
        })
    }

    fn try_lease<'a>(
        &'a self,
        key: &'a TokenKey,
        ttl: Duration,
    ) -> BoxFuture<'a, wechat_api::Result<Option<Lease>>> {
        Box::pin(async move {
            let result = self.inner.try_lease(key, ttl).await;
            self.record(Op::TryLease, Some(key), matches!(result, Ok(Some(_))));
            result
        })
    }

    fn release(&self, lease: Lease) -> BoxFuture<'_, wechat_api::Result<bool>> {
        Box::pin(async move {
            let result = self.inner.release(lease).await;
            self.record(Op::Release, None, matches!(result, Ok(true)));
            result
        })
    }
}

/// Every method recorded.
impl<S: TokenStore> TokenStore for RecordingStore<S> {
    fn get<'a>(
        &'a self,
        key: &'a TokenKey,
    ) -> BoxFuture<'a, wechat_api::Result<Option<StoredValue>>> {
        self.recorder.get(key)
    }

    fn set<'a>(
        &'a self,
        key: &'a TokenKey,
        value: &'a str,
        ttl: Option<Duration>,
    ) -> BoxFuture<'a, wechat_api::Result<()>> {
        self.recorder.set(key, value, ttl)
    }

    fn delete<'a>(&'a self, key: &'a TokenKey) -> BoxFuture<'a, wechat_api::Result<()>> {
        self.recorder.delete(key)
    }

    fn delete_if_equals<'a>(
        &'a self,
        key: &'a TokenKey,
        expected: &'a str,
    ) -> BoxFuture<'a, wechat_api::Result<bool>> {
        self.recorder.delete_if_equals(key, expected)
    }

    fn try_lease<'a>(
        &'a self,
        key: &'a TokenKey,
        ttl: Duration,
    ) -> BoxFuture<'a, wechat_api::Result<Option<Lease>>> {
        self.recorder.try_lease(key, ttl)
    }

    fn release(&self, lease: Lease) -> BoxFuture<'_, wechat_api::Result<bool>> {
        self.recorder.release(lease)
    }

    /// The wrapped store's, recorded as one call; or, with
    /// [`lease_set_if_newer`](RecordingStore::lease_set_if_newer), the
    /// trait's default over the recorded methods.
    fn set_if_newer<'a>(
        &'a self,
        key: &'a TokenKey,
        value: &'a str,
        version: i64,
        ttl: Option<Duration>,
    ) -> BoxFuture<'a, wechat_api::Result<bool>> {
        if self.lease_set_if_newer {
            return self.recorder.set_if_newer(key, value, version, ttl);
        }
        let recorder = &self.recorder;
        Box::pin(async move {
            let result = match recorder.failing(key) {
                true => refused(),
                false => recorder.inner.set_if_newer(key, value, version, ttl).await,
            };
            recorder.record(Op::SetIfNewer, Some(key), matches!(result, Ok(true)));
            result
        })
    }
}
