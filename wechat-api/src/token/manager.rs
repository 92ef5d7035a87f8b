//! [`TokenManager`]: serves cached tokens and makes sure exactly one caller
//! refreshes an expiring token, within the process and across processes.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

use tokio::sync::watch;

use super::memory::lock;
use super::store::{Lease, TokenKey, TokenStore};
use crate::{Error, Result};

/// How long a `component_verify_ticket` is kept: WeChat says 12 hours.
const VERIFY_TICKET_TTL: Duration = Duration::from_secs(12 * 3600);
/// Longest pause between two polls of the store while another process refreshes.
const MAX_POLL_INTERVAL: Duration = Duration::from_millis(250);

/// `timeout` from now, saturating (a century) instead of overflowing.
fn deadline_after(timeout: Duration) -> tokio::time::Instant {
    let now = tokio::time::Instant::now();
    now.checked_add(timeout)
        .or_else(|| now.checked_add(Duration::from_secs(100 * 365 * 24 * 3600)))
        .unwrap_or(now)
}

/// A token just obtained from WeChat, as returned by a refresh closure.
///
/// Its `Debug` output never shows the value.
#[derive(Clone, PartialEq, Eq)]
pub struct FreshToken {
    /// The token or ticket.
    pub value: String,
    /// Its lifetime as WeChat announced it (`expires_in`, usually 7200 s).
    pub expires_in: Duration,
}

impl FreshToken {
    /// A token valid for `expires_in`.
    pub fn new(value: impl Into<String>, expires_in: Duration) -> Self {
        FreshToken {
            value: value.into(),
            expires_in,
        }
    }
}

impl fmt::Debug for FreshToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FreshToken")
            .field("value", &"<redacted>")
            .field("expires_in", &self.expires_in)
            .finish()
    }
}

#[derive(Debug, Clone, Copy)]
struct Settings {
    safety_margin: Duration,
    lease_ttl: Duration,
    wait_timeout: Duration,
    poll_interval: Duration,
    local_max_age: Option<Duration>,
}

/// Builds a [`TokenManager`]; every setting has a default.
#[must_use]
pub struct TokenManagerBuilder {
    store: Arc<dyn TokenStore>,
    settings: Settings,
}

impl fmt::Debug for TokenManagerBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenManagerBuilder")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl TokenManagerBuilder {
    /// A token is refreshed when less than this is left before it expires
    /// (default 5 minutes). Tokens must live longer than the margin to be
    /// served from cache.
    pub fn safety_margin(mut self, margin: Duration) -> Self {
        self.settings.safety_margin = margin;
        self
    }

    /// How long the refresh lease is held at most (default 30 s). The
    /// refresh closure must finish within it ([`Error::Timeout`] otherwise);
    /// if its holder dies, others take over after it.
    pub fn lease_ttl(mut self, ttl: Duration) -> Self {
        self.settings.lease_ttl = ttl;
        self
    }

    /// How long a caller waits for a refresh done by another caller or
    /// process before failing with [`Error::Timeout`] (default 40 s; keep it
    /// above `lease_ttl` so that a dead holder can be taken over).
    pub fn wait_timeout(mut self, timeout: Duration) -> Self {
        self.settings.wait_timeout = timeout;
        self
    }

    /// First pause between two reads of the store while another process
    /// refreshes (default 20 ms; doubles up to 250 ms).
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.settings.poll_interval = interval.max(Duration::from_millis(1));
        self
    }

    /// How long a token read from the store is served from this process's
    /// memory before the store is read again (default `Some(60 s)`; `None`:
    /// until the safety margin; `Some(Duration::ZERO)`: no local copy).
    pub fn local_max_age(mut self, max_age: Option<Duration>) -> Self {
        self.settings.local_max_age = max_age;
        self
    }

    /// The manager.
    pub fn build(self) -> TokenManager {
        TokenManager {
            inner: Arc::new(Inner {
                store: self.store,
                settings: self.settings,
                cache: RwLock::new(HashMap::default()),
                flights: Mutex::new(HashMap::new()),
            }),
        }
    }
}

/// Serves tokens from a [`TokenStore`] and refreshes each one exactly once
/// when it expires.
///
/// Cheap to clone: clones share the local cache and the single-flight state.
/// Use one manager (or clones of it) per process and store.
///
/// # How a token is served
///
/// 1. **Local cache** (hot path, no allocation but the returned `String`): a
///    copy kept in this process, served while more than the safety margin is
///    left before it expires (and for at most `local_max_age`, default 60 s,
///    after it was read from the store).
/// 2. **Single flight in the process**: on a miss, one caller per key becomes
///    the leader; the others wait for its outcome (value *or* error) instead
///    of calling WeChat themselves.
/// 3. **Store, then lease**: the leader reads the store (another process may
///    have refreshed); if the token is missing or within the margin, it takes
///    the store's refresh lease, reads the store again, and only then runs the
///    refresh closure, writes the new token and releases the lease. A leader
///    that cannot get the lease polls the store (backing off from
///    `poll_interval` to 250 ms) until the holder has written a fresh token,
///    or the lease has expired (its holder died) and it can take it, or
///    `wait_timeout` has passed ([`Error::Timeout`]).
///
/// A failed refresh writes nothing: the error goes to the callers that were
/// waiting for that attempt, and the next call refreshes again.
///
/// # Local copies and other processes
///
/// With a shared store (Redis), each process keeps its local copy until the
/// token is within the margin of its expiry, which every process reads from
/// the store, so in normal operation they all stop serving it at the same
/// time and never serve a superseded token. The trade-off: if another process
/// *invalidates* the token (WeChat answered 40001), this process keeps serving
/// its copy until it gets the same error itself and calls
/// [`TokenManager::invalidate_if_equals`], or until `local_max_age` has
/// passed. Set `local_max_age(Some(Duration::ZERO))` to read the store on
/// every call instead (one round trip per call).
#[derive(Clone)]
pub struct TokenManager {
    inner: Arc<Inner>,
}

struct Inner {
    store: Arc<dyn TokenStore>,
    settings: Settings,
    cache: RwLock<HashMap<TokenKey, Cached, BuildHasherDefault<TailHasher>>>,
    flights: Mutex<HashMap<TokenKey, Arc<Flight>>>,
}

/// The hasher of the local cache (the hot path): it mixes only the length
/// and the last 8 bytes of each field written (appids end with 16 random hex
/// digits), about 3 times cheaper than SipHash over the whole key. Equal keys
/// still hash equally and `Eq` decides, so lookups stay exact; only the
/// spread is weaker, which matters neither for the few keys of a process nor
/// for appids WeChat assigns.
#[derive(Default)]
struct TailHasher(u64);

impl Hasher for TailHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let tail = bytes.get(bytes.len().saturating_sub(8)..).unwrap_or(bytes);
        let mut word = [0u8; 8];
        for (to, from) in word.iter_mut().zip(tail) {
            *to = *from;
        }
        let mixed = u64::from_le_bytes(word) ^ (bytes.len() as u64).rotate_right(8);
        self.0 = (self.0 ^ mixed)
            .wrapping_mul(0xf135_7aea_2e62_a9c5)
            .rotate_left(26);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

struct Cached {
    value: String,
    /// Served until then; `None`: forever.
    fresh_until: Option<Instant>,
}

/// The result of one refresh attempt, shared with the callers waiting for it.
enum Outcome {
    Value(String),
    Failed(Error),
}

type OutcomeSlot = Option<Arc<Outcome>>;

/// Single-flight state of one key: `Some` while an attempt runs, holding
/// where its outcome will be published.
#[derive(Default)]
struct Flight {
    running: Mutex<Option<watch::Receiver<OutcomeSlot>>>,
}

enum Role {
    Lead(watch::Sender<OutcomeSlot>),
    Wait(watch::Receiver<OutcomeSlot>),
}

/// Marks the flight idle again when the leader is done or cancelled, and
/// drops it from the map when nobody else holds it (so keys seen once, e.g.
/// an appid from a request, do not accumulate).
struct LeadGuard<'a> {
    flights: &'a Mutex<HashMap<TokenKey, Arc<Flight>>>,
    key: &'a TokenKey,
    flight: &'a Arc<Flight>,
}

impl Drop for LeadGuard<'_> {
    fn drop(&mut self) {
        *lock(&self.flight.running) = None;
        let mut flights = lock(self.flights);
        // the map's reference and ours: no waiter holds it, and none can take
        // it while we hold the map's lock
        if Arc::strong_count(self.flight) == 2 {
            flights.remove(self.key);
        }
    }
}

/// Releases a lease, also if the future holding it is dropped.
struct LeaseGuard {
    store: Arc<dyn TokenStore>,
    lease: Option<Lease>,
}

impl LeaseGuard {
    /// Releases the lease; if this future is dropped midway, `Drop` releases
    /// it again (compare-and-delete makes that harmless).
    async fn release(mut self) {
        if let Some(lease) = self.lease.clone() {
            release_lease(&*self.store, lease).await;
            self.lease = None;
        }
    }
}

async fn release_lease(store: &dyn TokenStore, lease: Lease) {
    let key = lease.key().clone();
    match store.release(lease).await {
        Ok(true) => {}
        Ok(false) => tracing::warn!(?key, "token refresh lease expired before it was released"),
        Err(error) => tracing::warn!(?key, %error, "could not release a token refresh lease"),
    }
}

impl Drop for LeaseGuard {
    fn drop(&mut self) {
        if let Some(lease) = self.lease.take()
            && let Ok(runtime) = tokio::runtime::Handle::try_current()
        {
            let store = Arc::clone(&self.store);
            runtime.spawn(async move { release_lease(&*store, lease).await });
        }
    }
}

impl fmt::Debug for TokenManager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cached = self
            .inner
            .cache
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .len();
        f.debug_struct("TokenManager")
            .field("settings", &self.inner.settings)
            .field("cached", &cached)
            .finish_non_exhaustive()
    }
}

impl TokenManager {
    /// A manager over `store` with the default settings.
    pub fn new(store: Arc<dyn TokenStore>) -> Self {
        Self::builder(store).build()
    }

    /// A builder for a manager over `store`.
    pub fn builder(store: Arc<dyn TokenStore>) -> TokenManagerBuilder {
        TokenManagerBuilder {
            store,
            settings: Settings {
                safety_margin: Duration::from_secs(300),
                lease_ttl: Duration::from_secs(30),
                wait_timeout: Duration::from_secs(40),
                poll_interval: Duration::from_millis(20),
                local_max_age: Some(Duration::from_secs(60)),
            },
        }
    }

    /// The store behind this manager.
    pub fn store(&self) -> &Arc<dyn TokenStore> {
        &self.inner.store
    }

    /// The safety margin: tokens with less than this left are refreshed.
    pub fn safety_margin(&self) -> Duration {
        self.inner.settings.safety_margin
    }

    /// The token under `key`: the cached one while more than the safety
    /// margin is left, otherwise a new one from `refresh`, called by exactly
    /// one caller in the cluster (see [`TokenManager`] for how).
    ///
    /// `refresh` is called at most once per call, and only after this
    /// process holds the store's lease on `key`. Its token is written to the
    /// store with `expires_in` as TTL. If it fails, nothing is written, its
    /// error is returned (to this caller and to those of this process that
    /// waited for it) and the next call refreshes again. A failing store
    /// gives its error without calling `refresh`.
    ///
    /// # Errors
    ///
    /// The refresh closure's error; [`Error::Store`] if the store fails;
    /// [`Error::Timeout`] if another caller's refresh took longer than the
    /// wait timeout, or this one longer than the lease TTL.
    pub async fn get_or_refresh<F, Fut>(&self, key: &TokenKey, refresh: F) -> Result<String>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<FreshToken>>,
    {
        if let Some(value) = self.cached(key) {
            return Ok(value);
        }
        // Boxed so that this future stays a few words (the slow path's state
        // is over a kilobyte, copied on every call if it were inline).
        Box::pin(self.single_flight(key, refresh)).await
    }

    /// The local copy of `key`, if it may still be served.
    #[inline]
    fn cached(&self, key: &TokenKey) -> Option<String> {
        let cache = self
            .inner
            .cache
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        let entry = cache.get(key)?;
        match entry.fresh_until {
            Some(until) if Instant::now() >= until => None,
            _ => Some(entry.value.clone()),
        }
    }

    fn flight(&self, key: &TokenKey) -> Arc<Flight> {
        let mut flights = lock(&self.inner.flights);
        if let Some(flight) = flights.get(key) {
            return Arc::clone(flight);
        }
        let flight = Arc::new(Flight::default());
        flights.insert(key.clone(), Arc::clone(&flight));
        flight
    }

    async fn single_flight<F, Fut>(&self, key: &TokenKey, refresh: F) -> Result<String>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<FreshToken>>,
    {
        let wait_timeout = self.inner.settings.wait_timeout;
        let deadline = deadline_after(wait_timeout);
        let flight = self.flight(key);
        loop {
            let role = {
                let mut running = lock(&flight.running);
                match &*running {
                    Some(receiver) => Role::Wait(receiver.clone()),
                    None => {
                        let (sender, receiver) = watch::channel(None);
                        *running = Some(receiver);
                        Role::Lead(sender)
                    }
                }
            };
            match role {
                Role::Wait(mut receiver) => {
                    let outcome =
                        match tokio::time::timeout_at(deadline, receiver.wait_for(Option::is_some))
                            .await
                        {
                            Err(_) => return Err(Error::Timeout(wait_timeout)),
                            Ok(Ok(slot)) => slot.clone(),
                            // The leader was cancelled: take its place.
                            Ok(Err(_)) => continue,
                        };
                    match outcome.as_deref() {
                        Some(Outcome::Value(value)) => return Ok(value.clone()),
                        Some(Outcome::Failed(error)) => return Err(Clone::clone(error)),
                        None => continue,
                    }
                }
                Role::Lead(sender) => {
                    let _idle_when_done = LeadGuard {
                        flights: &self.inner.flights,
                        key,
                        flight: &flight,
                    };
                    // The previous leader may have finished since our miss.
                    let result = match self.cached(key) {
                        Some(value) => Ok(value),
                        None => self.fetch_or_refresh(key, refresh).await,
                    };
                    let outcome = match &result {
                        Ok(value) => Outcome::Value(value.clone()),
                        Err(error) => Outcome::Failed(Clone::clone(error)),
                    };
                    sender.send_replace(Some(Arc::new(outcome)));
                    return result;
                }
            }
        }
    }

    /// The leader's work: store, lease, store again, refresh.
    async fn fetch_or_refresh<F, Fut>(&self, key: &TokenKey, refresh: F) -> Result<String>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<FreshToken>>,
    {
        let settings = self.inner.settings;
        let store = &self.inner.store;
        if let Some(value) = self.fresh_from_store(key).await? {
            return Ok(value);
        }
        let deadline = deadline_after(settings.wait_timeout);
        let mut pause = settings.poll_interval;
        loop {
            // the lease runs from the moment it is asked for; the refresh must
            // end (and its token be written) well before it expires
            let lease_deadline = deadline_after(settings.lease_ttl.mul_f64(0.9));
            if let Some(lease) = store.try_lease(key, settings.lease_ttl).await? {
                let lease = LeaseGuard {
                    store: Arc::clone(store),
                    lease: Some(lease),
                };
                // Another process may have refreshed just before we got the lease.
                match self.fresh_from_store(key).await {
                    Ok(None) => {}
                    Ok(Some(value)) => {
                        lease.release().await;
                        return Ok(value);
                    }
                    Err(error) => {
                        lease.release().await;
                        return Err(error);
                    }
                }
                let fresh = match tokio::time::timeout_at(lease_deadline, refresh()).await {
                    Ok(Ok(fresh)) => fresh,
                    Ok(Err(error)) => {
                        lease.release().await;
                        tracing::debug!(?key, %error, "token refresh failed");
                        return Err(error);
                    }
                    Err(_) => {
                        lease.release().await;
                        return Err(Error::Timeout(settings.lease_ttl));
                    }
                };
                let expires_at = Instant::now().checked_add(fresh.expires_in);
                if let Err(error) = store.set(key, &fresh.value, Some(fresh.expires_in)).await {
                    // The token is valid: serve it, even if others cannot see it.
                    tracing::warn!(?key, %error, "could not store a refreshed token");
                }
                self.remember(key, &fresh.value, expires_at);
                lease.release().await;
                tracing::debug!(?key, expires_in = ?fresh.expires_in, "token refreshed");
                return Ok(fresh.value);
            }
            // Somebody else refreshes: wait for its token or for its lease to expire.
            let now = tokio::time::Instant::now();
            if now >= deadline {
                return Err(Error::Timeout(settings.wait_timeout));
            }
            tokio::time::sleep(pause.min(deadline - now)).await;
            pause = pause
                .saturating_mul(2)
                .min(MAX_POLL_INTERVAL.max(settings.poll_interval));
            if let Some(value) = self.fresh_from_store(key).await? {
                return Ok(value);
            }
        }
    }

    /// Until when a token expiring at `expires_at` may be served, if at all:
    /// `None` if not; `Some(None)` forever.
    fn serve_until(&self, expires_at: Option<Instant>, now: Instant) -> Option<Option<Instant>> {
        let Some(expires_at) = expires_at else {
            return Some(None);
        };
        let until = expires_at.checked_sub(self.inner.settings.safety_margin)?;
        (until > now).then_some(Some(until))
    }

    /// The store's token if it is fresh, remembered locally.
    async fn fresh_from_store(&self, key: &TokenKey) -> Result<Option<String>> {
        let Some(stored) = self.inner.store.get(key).await? else {
            return Ok(None);
        };
        if self
            .serve_until(stored.expires_at, Instant::now())
            .is_none()
        {
            return Ok(None);
        }
        self.remember(key, &stored.value, stored.expires_at);
        Ok(Some(stored.value))
    }

    /// Keeps a local copy of `value` if it may be served.
    fn remember(&self, key: &TokenKey, value: &str, expires_at: Option<Instant>) {
        let now = Instant::now();
        let Some(mut until) = self.serve_until(expires_at, now) else {
            self.forget_local(key, None);
            return;
        };
        if let Some(max_age) = self.inner.settings.local_max_age {
            if max_age.is_zero() {
                return;
            }
            if let Some(limit) = now.checked_add(max_age) {
                until = Some(until.map_or(limit, |u| u.min(limit)));
            }
        }
        self.inner
            .cache
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(
                key.clone(),
                Cached {
                    value: value.to_owned(),
                    fresh_until: until,
                },
            );
    }

    /// Drops the local copy of `key` (only if it is `only_if` when given).
    fn forget_local(&self, key: &TokenKey, only_if: Option<&str>) {
        let mut cache = self
            .inner
            .cache
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if only_if.is_none_or(|stale| cache.get(key).is_some_and(|c| c.value == stale)) {
            cache.remove(key);
        }
    }

    /// Drops the single-flight state of `key` unless a refresh is running.
    fn forget_idle_flight(&self, key: &TokenKey) {
        let mut flights = lock(&self.inner.flights);
        if flights
            .get(key)
            .is_some_and(|flight| lock(&flight.running).is_none())
        {
            flights.remove(key);
        }
    }

    /// The unexpired value of `key` in the store (ignoring the safety
    /// margin), without refreshing.
    pub async fn get(&self, key: &TokenKey) -> Result<Option<String>> {
        Ok(self.inner.store.get(key).await?.map(|stored| stored.value))
    }

    /// Stores `value` under `key` for `ttl` (`None`: no expiry), replacing
    /// the local copy too.
    pub async fn set(&self, key: &TokenKey, value: &str, ttl: Option<Duration>) -> Result<()> {
        let expires_at = ttl.and_then(|ttl| Instant::now().checked_add(ttl));
        self.forget_local(key, None);
        self.inner.store.set(key, value, ttl).await?;
        if ttl.is_none_or(|ttl| !ttl.is_zero()) {
            self.remember(key, value, expires_at);
        }
        Ok(())
    }

    /// Drops the token under `key`, here and in the store, so that the next
    /// [`get_or_refresh`](Self::get_or_refresh) refreshes it. Prefer
    /// [`invalidate_if_equals`](Self::invalidate_if_equals) when reacting to
    /// WeChat rejecting a token.
    pub async fn invalidate(&self, key: &TokenKey) -> Result<()> {
        self.forget_local(key, None);
        self.inner.store.delete(key).await
    }

    /// Drops the token under `key` only if it is still `stale` (the one
    /// WeChat just rejected with 40001, 40014 or 42001): if another caller
    /// has already replaced it, the new token is kept. Returns whether the
    /// store's copy was dropped.
    pub async fn invalidate_if_equals(&self, key: &TokenKey, stale: &str) -> Result<bool> {
        self.forget_local(key, Some(stale));
        self.inner.store.delete_if_equals(key, stale).await
    }

    /// Stores the `component_verify_ticket` WeChat pushed to `component_appid`
    /// (kept 12 hours).
    pub async fn store_verify_ticket(&self, component_appid: &str, ticket: &str) -> Result<()> {
        let key = TokenKey::component_verify_ticket(component_appid);
        self.inner
            .store
            .set(&key, ticket, Some(VERIFY_TICKET_TTL))
            .await
    }

    /// Stores the `component_verify_ticket` of a push created at
    /// `create_time` (the push's `CreateTime`, Unix seconds), unless the
    /// stored ticket comes from a push created later: a replayed or
    /// delayed push never rolls the ticket back. Returns whether the ticket
    /// was stored.
    ///
    /// # Errors
    ///
    /// [`Error::Store`] when the store fails.
    pub async fn store_verify_ticket_if_newer(
        &self,
        component_appid: &str,
        ticket: &str,
        create_time: i64,
    ) -> Result<bool> {
        let time_key = TokenKey::marker("verify_ticket_create_time", component_appid);
        let stored_time = self
            .inner
            .store
            .get(&time_key)
            .await?
            .and_then(|stored| stored.value.parse::<i64>().ok());
        if stored_time.is_some_and(|stored| stored > create_time) {
            return Ok(false);
        }
        self.store_verify_ticket(component_appid, ticket).await?;
        self.inner
            .store
            .set(&time_key, &create_time.to_string(), Some(VERIFY_TICKET_TTL))
            .await?;
        Ok(true)
    }

    /// Marks `kind`/`id` as seen for `ttl`, in the store, so that every
    /// instance sharing it agrees: `true` the first time, `false` while the
    /// mark lasts. For duplicate and replay detection (a push's nonce and
    /// signature, a message id) and cluster-wide rate limits.
    ///
    /// # Errors
    ///
    /// [`Error::Store`] when the store fails.
    pub async fn mark_seen(&self, kind: &str, id: &str, ttl: Duration) -> Result<bool> {
        let key = TokenKey::marker(kind, id);
        Ok(self.inner.store.try_lease(&key, ttl).await?.is_some())
    }

    /// The last `component_verify_ticket` stored for `component_appid`.
    ///
    /// # Errors
    ///
    /// [`Error::TicketMissing`] if none is stored (or it has expired).
    pub async fn verify_ticket(&self, component_appid: &str) -> Result<String> {
        let key = TokenKey::component_verify_ticket(component_appid);
        match self.inner.store.get(&key).await? {
            Some(stored) => Ok(stored.value),
            None => Err(Error::TicketMissing {
                component_appid: component_appid.to_owned(),
            }),
        }
    }

    /// Stores the `authorizer_refresh_token` of `authorizer_appid` (no
    /// expiry; WeChat may hand out a new one with each refresh: store it).
    pub async fn store_refresh_token(
        &self,
        component_appid: &str,
        authorizer_appid: &str,
        refresh_token: &str,
    ) -> Result<()> {
        let key = TokenKey::authorizer_refresh_token(component_appid, authorizer_appid);
        self.inner.store.set(&key, refresh_token, None).await
    }

    /// The stored `authorizer_refresh_token` of `authorizer_appid`.
    ///
    /// # Errors
    ///
    /// [`Error::RefreshTokenMissing`] if none is stored.
    pub async fn refresh_token(
        &self,
        component_appid: &str,
        authorizer_appid: &str,
    ) -> Result<String> {
        let key = TokenKey::authorizer_refresh_token(component_appid, authorizer_appid);
        match self.inner.store.get(&key).await? {
            Some(stored) => Ok(stored.value),
            None => Err(Error::RefreshTokenMissing {
                authorizer_appid: authorizer_appid.to_owned(),
            }),
        }
    }

    /// Forgets everything stored for an authorizer (its access token, its
    /// refresh token and its JS-SDK / card tickets), e.g. when it
    /// unauthorized the platform.
    pub async fn forget_authorizer(
        &self,
        component_appid: &str,
        authorizer_appid: &str,
    ) -> Result<()> {
        let keys = [
            TokenKey::authorizer_access_token(component_appid, authorizer_appid),
            TokenKey::authorizer_refresh_token(component_appid, authorizer_appid),
            TokenKey::jsapi_ticket(authorizer_appid),
            TokenKey::wx_card_ticket(authorizer_appid),
        ];
        for key in &keys {
            self.forget_local(key, None);
            self.forget_idle_flight(key);
        }
        for key in &keys {
            self.inner.store.delete(key).await?;
        }
        Ok(())
    }
}

impl TokenManager {
    /// Every local copy, served or not, without touching the store: the
    /// transport masks them in the text of errors.
    pub(crate) fn local_values(&self) -> Vec<String> {
        let cache = self.inner.cache.read();
        let cache = cache.unwrap_or_else(PoisonError::into_inner);
        cache.values().map(|cached| cached.value.clone()).collect()
    }
}
