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
use super::store::{Lease, TokenKey, TokenStore, now};
use crate::{Error, Result};

/// How long a `component_verify_ticket` is kept: WeChat says 12 hours.
const VERIFY_TICKET_TTL: Duration = Duration::from_secs(12 * 3600);
/// Longest pause between two polls of the store while another process refreshes.
const MAX_POLL_INTERVAL: Duration = Duration::from_millis(250);
/// After an early refresh failed, how long the still-valid token is served
/// before the next attempt (never past the point where it stops being served).
const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(5);

/// `timeout` from now, saturating (a century) instead of overflowing.
fn deadline_after(timeout: Duration) -> tokio::time::Instant {
    let now = tokio::time::Instant::now();
    now.checked_add(timeout)
        .or_else(|| now.checked_add(Duration::from_secs(100 * 365 * 24 * 3600)))
        .unwrap_or(now)
}

/// The earlier of two points, `None` meaning "never".
fn earliest(a: Option<Instant>, b: Option<Instant>) -> Option<Instant> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, None) => a,
        (None, b) => b,
    }
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
    refresh_jitter: bool,
}

impl Settings {
    /// The longest pause between two polls of the store.
    fn max_pause(&self) -> Duration {
        MAX_POLL_INTERVAL.max(self.poll_interval)
    }

    /// How long a caller waits for a refresh running in another process:
    /// the wait timeout, but never less than a lease (plus one poll), so that
    /// a slow holder is waited for and a dead one taken over.
    fn wait_limit(&self) -> Duration {
        self.wait_timeout
            .max(self.lease_ttl.saturating_add(self.max_pause()))
    }

    /// The most a leader may take: waiting for another process's lease,
    /// then running the refresh under its own lease.
    fn leader_limit(&self) -> Duration {
        self.wait_limit().saturating_add(self.lease_ttl)
    }
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
    /// How long before its expiry a token is refreshed (default 5 minutes),
    /// clamped to half the token's lifetime so that a short-lived token
    /// (e.g. 60 s) is still served from cache for half its life.
    ///
    /// Each process picks, per token, a random point in the first half of
    /// the margin (see [`refresh_jitter`](Self::refresh_jitter)) and
    /// refreshes from there; while one caller refreshes, the others are
    /// served the still-valid token. Only in the last quarter of the margin
    /// do callers wait for the refresh.
    pub fn safety_margin(mut self, margin: Duration) -> Self {
        self.settings.safety_margin = margin;
        self
    }

    /// Whether each process refreshes at a random point between the full
    /// margin and half of it before expiry (default `true`), so that a
    /// fleet does not refresh all at once. `false`: exactly at the margin.
    pub fn refresh_jitter(mut self, enabled: bool) -> Self {
        self.settings.refresh_jitter = enabled;
        self
    }

    /// How long the refresh lease is held at most (default 30 s). The
    /// refresh closure must finish within 90 % of it ([`Error::Timeout`]
    /// otherwise); if its holder dies, others take over after it.
    pub fn lease_ttl(mut self, ttl: Duration) -> Self {
        self.settings.lease_ttl = ttl;
        self
    }

    /// How long a caller waits for a refresh done by another caller or
    /// process before failing with [`Error::Timeout`] (default 40 s).
    ///
    /// A caller never gives up before the refresh it waits for could have
    /// ended: it waits at least one lease TTL (plus a poll) for another
    /// process, and as long as the leader of its own process may take.
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
    /// until its refresh point; `Some(Duration::ZERO)`: no local copy).
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
                rejected: Mutex::new(HashMap::new()),
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
///    copy kept in this process, served until its refresh point (and for at
///    most `local_max_age`, default 60 s, after it was read from the store).
/// 2. **Single flight in the process**: on a miss, one caller per key becomes
///    the leader; the others wait for its outcome (value *or* error) instead
///    of calling WeChat themselves.
/// 3. **Store, then lease**: the leader reads the store (another process may
///    have refreshed); if the token is missing or due, it takes the store's
///    refresh lease, reads the store again, and only then runs the refresh
///    closure, writes the new token and releases the lease. A leader that
///    cannot get the lease polls the store (backing off from `poll_interval`
///    to 250 ms) until the holder has written a fresh token, or the lease has
///    expired (its holder died) and it can take it, or the wait limit has
///    passed ([`Error::Timeout`]).
///
/// # When a token is refreshed
///
/// With margin `m` (the safety margin, at most half the token's lifetime),
/// each process refreshes a token at a random point between `m` and `m/2`
/// before it expires (its own point: a fleet spreads out instead of
/// stampeding). From that point until `m/4` before expiry the token is still
/// served: the leader refreshes while the other callers get the current
/// token at once; if another process holds the lease, the current token is
/// served and the store read again a moment later; if the refresh fails, the
/// current token is served (the failure is logged) and the refresh retried a
/// few seconds later. In the last `m/4`, or with no token at all, callers
/// wait for the refresh and share its outcome.
///
/// A failed refresh writes nothing: the error goes to the callers that were
/// waiting for that attempt, and the next call refreshes again.
///
/// # Local copies and other processes
///
/// With a shared store (Redis), each process keeps its local copy until its
/// refresh point, where it reads the store again: a token another process
/// refreshed in the meantime is picked up there, without a call to WeChat.
/// The trade-off: if another process *invalidates* the token (WeChat
/// answered 40001), this process keeps serving its copy until it gets the
/// same error itself and calls [`TokenManager::invalidate_if_equals`], or
/// until `local_max_age` has passed. Set `local_max_age(Some(Duration::ZERO))`
/// to read the store on every call instead (one round trip per call).
#[derive(Clone)]
pub struct TokenManager {
    inner: Arc<Inner>,
}

struct Inner {
    store: Arc<dyn TokenStore>,
    settings: Settings,
    cache: RwLock<HashMap<TokenKey, Cached, BuildHasherDefault<TailHasher>>>,
    flights: Mutex<HashMap<TokenKey, Arc<Flight>>>,
    /// Tokens WeChat rejected ([`TokenManager::invalidate_if_equals`]), by
    /// key, until a different token is obtained.
    rejected: Mutex<HashMap<TokenKey, String>>,
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

/// This process's plan for one token: when it refreshes it, and when it
/// stops serving it (`None`: never).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Plan {
    refresh_at: Option<Instant>,
    stop_at: Option<Instant>,
}

/// Where a token stands in its plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Freshness {
    /// Before the refresh point: serve it.
    Fresh,
    /// Between the refresh point and the stop point: refresh it, and serve
    /// it meanwhile.
    Due,
    /// Past the stop point: do not serve it.
    Stale,
}

impl Plan {
    const NEVER: Plan = Plan {
        refresh_at: None,
        stop_at: None,
    };

    fn freshness(&self, now: Instant) -> Freshness {
        if self.refresh_at.is_none_or(|at| now < at) {
            Freshness::Fresh
        } else if self.stop_at.is_none_or(|at| now < at) {
            Freshness::Due
        } else {
            Freshness::Stale
        }
    }
}

struct Cached {
    value: String,
    /// Served from memory, without asking anyone, until then; `None`: forever.
    serve_until: Option<Instant>,
    plan: Plan,
}

/// A token read from the store, judged by this process's plan.
enum Judged {
    Fresh(String),
    /// Due for a refresh, still served meanwhile.
    Due(String),
    /// Absent, expired, or too close to its expiry to be served.
    Missing,
}

/// The result of one refresh attempt, shared with the callers waiting for it.
enum Outcome {
    Value(String),
    Failed(Error),
}

/// What the callers waiting on a leader see.
#[derive(Clone)]
enum State {
    /// The leader is at work.
    Pending,
    /// The leader refreshes a token that is still valid: take it
    /// ([`Running::serving`], unless it was revoked since).
    Serving,
    /// The leader is done.
    Done(Arc<Outcome>),
}

/// Single-flight state of one key: `Some` while an attempt runs.
#[derive(Default)]
struct Flight {
    running: Mutex<Option<Running>>,
}

/// A running attempt: where its state is published, until when its leader
/// may take, and the still-valid token served meanwhile.
struct Running {
    state: watch::Receiver<State>,
    deadline: tokio::time::Instant,
    /// Dropped when that token is invalidated (WeChat rejected it): the
    /// callers then wait for the new one.
    serving: Option<String>,
}

impl Flight {
    /// The token served while the running attempt refreshes, if any.
    fn serving(&self) -> Option<String> {
        lock(&self.running)
            .as_ref()
            .and_then(|running| running.serving.clone())
    }
}

/// How a leader tells its waiters what it serves meanwhile.
struct Publisher<'a> {
    flight: &'a Flight,
    state: &'a watch::Sender<State>,
}

impl Publisher<'_> {
    /// Serves `value`, still valid, to the callers while the leader refreshes.
    fn serve(&self, value: &str) {
        if let Some(running) = lock(&self.flight.running).as_mut() {
            running.serving = Some(value.to_owned());
        }
        self.state.send_replace(State::Serving);
    }

    /// Stops serving a token (it is gone from the store): the callers wait
    /// for the outcome.
    fn revoke(&self) {
        if let Some(running) = lock(&self.flight.running).as_mut() {
            running.serving = None;
        }
    }
}

enum Role {
    Lead(watch::Sender<State>),
    Wait(watch::Receiver<State>, tokio::time::Instant),
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
                refresh_jitter: true,
            },
        }
    }

    /// The store behind this manager.
    pub fn store(&self) -> &Arc<dyn TokenStore> {
        &self.inner.store
    }

    /// The safety margin: tokens are refreshed within this of their expiry
    /// (or within half their lifetime, if that is shorter).
    pub fn safety_margin(&self) -> Duration {
        self.inner.settings.safety_margin
    }

    /// The token under `key`: the cached one until its refresh point,
    /// otherwise a new one from `refresh`, called by exactly one caller in
    /// the cluster (see [`TokenManager`] for how and when).
    ///
    /// `refresh` is called at most once per call, and only after this
    /// process holds the store's lease on `key`. Its token is written to the
    /// store with `expires_in` as TTL. If it fails, nothing is written; while
    /// the current token may still be served, it is returned (and the failure
    /// logged), otherwise the error is returned (to this caller and to those
    /// of this process that waited for it) and the next call refreshes again.
    /// A failing store gives its error without calling `refresh`.
    ///
    /// # Errors
    ///
    /// The refresh closure's error; [`Error::Store`] if the store fails;
    /// [`Error::Timeout`] if another caller's refresh took longer than the
    /// wait limit, or this one longer than the lease TTL.
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

    /// The local copy of `key`, if it may be served without asking anyone.
    #[inline]
    fn cached(&self, key: &TokenKey) -> Option<String> {
        let cache = self
            .inner
            .cache
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        let entry = cache.get(key)?;
        match entry.serve_until {
            Some(until) if now() >= until => None,
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
        let settings = self.inner.settings;
        let started = tokio::time::Instant::now();
        let own_deadline = deadline_after(settings.wait_timeout);
        let flight = self.flight(key);
        loop {
            let role = {
                let mut running = lock(&flight.running);
                match &*running {
                    Some(attempt) => Role::Wait(attempt.state.clone(), attempt.deadline),
                    None => {
                        let (sender, receiver) = watch::channel(State::Pending);
                        *running = Some(Running {
                            state: receiver,
                            deadline: deadline_after(settings.leader_limit()),
                            serving: None,
                        });
                        Role::Lead(sender)
                    }
                }
            };
            match role {
                Role::Wait(mut receiver, leader_deadline) => {
                    // Never give up before the leader could have finished.
                    let deadline = own_deadline.max(leader_deadline);
                    let state = match tokio::time::timeout_at(
                        deadline,
                        receiver.wait_for(|state| match state {
                            State::Pending => false,
                            // The served token may have been revoked: then
                            // wait for the outcome.
                            State::Serving => flight.serving().is_some(),
                            State::Done(_) => true,
                        }),
                    )
                    .await
                    {
                        Err(_) => return Err(Error::Timeout(deadline - started)),
                        Ok(Ok(state)) => state.clone(),
                        // The leader was cancelled: take its place.
                        Ok(Err(_)) => continue,
                    };
                    match state {
                        State::Serving => match flight.serving() {
                            Some(value) => return Ok(value),
                            // Revoked just now: wait again.
                            None => continue,
                        },
                        State::Done(outcome) => {
                            return match &*outcome {
                                Outcome::Value(value) => Ok(value.clone()),
                                Outcome::Failed(error) => Err(Clone::clone(error)),
                            };
                        }
                        State::Pending => continue,
                    }
                }
                Role::Lead(sender) => {
                    let _idle_when_done = LeadGuard {
                        flights: &self.inner.flights,
                        key,
                        flight: &flight,
                    };
                    let publisher = Publisher {
                        flight: &flight,
                        state: &sender,
                    };
                    // The previous leader may have finished since our miss.
                    let result = match self.cached(key) {
                        Some(value) => Ok(value),
                        None => self.fetch_or_refresh(key, refresh, &publisher).await,
                    };
                    let outcome = match &result {
                        Ok(value) => Outcome::Value(value.clone()),
                        Err(error) => Outcome::Failed(Clone::clone(error)),
                    };
                    sender.send_replace(State::Done(Arc::new(outcome)));
                    return result;
                }
            }
        }
    }

    /// The leader's work: store, lease, store again, refresh.
    async fn fetch_or_refresh<F, Fut>(
        &self,
        key: &TokenKey,
        refresh: F,
        publisher: &Publisher<'_>,
    ) -> Result<String>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<FreshToken>>,
    {
        let settings = self.inner.settings;
        let store = &self.inner.store;
        // A token that is due but still valid is served while we refresh it.
        let mut still_valid = match self.read_store(key).await? {
            Judged::Fresh(value) => return Ok(value),
            Judged::Due(value) => {
                publisher.serve(&value);
                Some(value)
            }
            Judged::Missing => None,
        };
        let wait_limit = settings.wait_limit();
        let deadline = deadline_after(wait_limit);
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
                // Another process may have refreshed (or invalidated) it
                // just before we got the lease.
                match self.read_store(key).await {
                    Ok(Judged::Fresh(value)) => {
                        lease.release().await;
                        return Ok(value);
                    }
                    Ok(Judged::Due(value)) => {
                        publisher.serve(&value);
                        still_valid = Some(value);
                    }
                    Ok(Judged::Missing) => {
                        publisher.revoke();
                        still_valid = None;
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
                        return self.serve_despite(key, still_valid, error);
                    }
                    Err(_) => {
                        lease.release().await;
                        let error = Error::Timeout(settings.lease_ttl);
                        return self.serve_despite(key, still_valid, error);
                    }
                };
                let now = now();
                let expires_at = now.checked_add(fresh.expires_in);
                if let Err(error) = store.set(key, &fresh.value, Some(fresh.expires_in)).await {
                    // The token is valid: serve it, even if others cannot see it.
                    tracing::warn!(?key, %error, "could not store a refreshed token");
                }
                let plan = self.plan(expires_at, fresh.expires_in, now);
                self.remember(key, &fresh.value, plan, now);
                lease.release().await;
                tracing::debug!(?key, expires_in = ?fresh.expires_in, "token refreshed");
                return Ok(fresh.value);
            }
            // Somebody else refreshes. With a valid token, serve it and look
            // at the store again a moment later; without, wait for the new
            // token or for the holder's lease to expire.
            if let Some(value) = still_valid {
                self.postpone(key, &value, settings.max_pause());
                return Ok(value);
            }
            let now = tokio::time::Instant::now();
            if now >= deadline {
                return Err(Error::Timeout(wait_limit));
            }
            tokio::time::sleep(pause.min(deadline - now)).await;
            pause = pause.saturating_mul(2).min(settings.max_pause());
            match self.read_store(key).await? {
                Judged::Fresh(value) | Judged::Due(value) => return Ok(value),
                Judged::Missing => {}
            }
        }
    }

    /// After a failed early refresh: the still-valid token if it may still
    /// be served (retried a few seconds later), else the error.
    fn serve_despite(
        &self,
        key: &TokenKey,
        still_valid: Option<String>,
        error: Error,
    ) -> Result<String> {
        match still_valid {
            Some(value) if self.postpone(key, &value, RETRY_AFTER_FAILURE) => {
                tracing::warn!(
                    ?key,
                    %error,
                    "early token refresh failed; serving the still-valid token"
                );
                Ok(value)
            }
            _ => Err(error),
        }
    }

    /// This process's plan for a token expiring at `expires_at`, `lifetime`
    /// long: the margin is clamped to half the lifetime; the refresh point
    /// is jittered between the margin and half of it; the token stops being
    /// served a quarter of the margin before it expires.
    fn plan(&self, expires_at: Option<Instant>, lifetime: Duration, now: Instant) -> Plan {
        let Some(expires_at) = expires_at else {
            return Plan::NEVER;
        };
        let settings = &self.inner.settings;
        let margin = settings.safety_margin.min(lifetime / 2);
        let early = if settings.refresh_jitter {
            // in (margin / 2, margin]
            margin.mul_f64(1.0 - rand::random::<f64>() / 2.0)
        } else {
            margin
        };
        let before = |ahead: Duration| Some(expires_at.checked_sub(ahead).unwrap_or(now));
        Plan {
            refresh_at: before(early),
            stop_at: before(margin / 4),
        }
    }

    /// The plan for `value` read from the store: the one made when this
    /// process first saw it (its jittered point stays put, and its lifetime
    /// is what was left then), or a new one.
    fn plan_for_stored(&self, key: &TokenKey, value: &str, expires_at: Option<Instant>) -> Plan {
        let now = now();
        {
            let cache = self
                .inner
                .cache
                .read()
                .unwrap_or_else(PoisonError::into_inner);
            if let Some(entry) = cache.get(key)
                && entry.value == value
                && entry.plan.stop_at.is_some() == expires_at.is_some()
            {
                return Plan {
                    refresh_at: earliest(entry.plan.refresh_at, expires_at),
                    stop_at: earliest(entry.plan.stop_at, expires_at),
                };
            }
        }
        let lifetime = expires_at.map_or(Duration::ZERO, |at| at.saturating_duration_since(now));
        self.plan(expires_at, lifetime, now)
    }

    /// The store's token, judged by this process's plan, and remembered
    /// locally if it may be served.
    async fn read_store(&self, key: &TokenKey) -> Result<Judged> {
        let Some(stored) = self.inner.store.get(key).await? else {
            return Ok(Judged::Missing);
        };
        let plan = self.plan_for_stored(key, &stored.value, stored.expires_at);
        let now = now();
        let freshness = plan.freshness(now);
        if freshness == Freshness::Stale {
            return Ok(Judged::Missing);
        }
        self.remember(key, &stored.value, plan, now);
        Ok(match freshness {
            Freshness::Fresh => Judged::Fresh(stored.value),
            _ => Judged::Due(stored.value),
        })
    }

    /// Until when a token refreshed at `refresh_at` is served from memory.
    fn serve_until(&self, refresh_at: Option<Instant>, now: Instant) -> Option<Instant> {
        // An age too large to represent means no limit.
        let limit = self
            .inner
            .settings
            .local_max_age
            .and_then(|max_age| now.checked_add(max_age));
        earliest(refresh_at, limit)
    }

    /// Keeps a local copy of `value` with its plan (served from memory only
    /// while the plan and `local_max_age` allow), and forgets that an older
    /// token of `key` was rejected.
    fn remember(&self, key: &TokenKey, value: &str, plan: Plan, now: Instant) {
        {
            let mut rejected = lock(&self.inner.rejected);
            if rejected.get(key).is_some_and(|stale| stale != value) {
                rejected.remove(key);
            }
        }
        let serve_until = self.serve_until(plan.refresh_at, now);
        self.inner
            .cache
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(
                key.clone(),
                Cached {
                    value: value.to_owned(),
                    serve_until,
                    plan,
                },
            );
    }

    /// Moves this process's refresh point of `value` to `delay` from now
    /// (never past its stop point). Returns whether `value` may still be
    /// served.
    fn postpone(&self, key: &TokenKey, value: &str, delay: Duration) -> bool {
        let now = now();
        let mut cache = self
            .inner
            .cache
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        let Some(entry) = cache.get_mut(key).filter(|entry| entry.value == value) else {
            return false;
        };
        if entry.plan.freshness(now) == Freshness::Stale {
            return false;
        }
        let next = now.checked_add(delay).unwrap_or(now);
        entry.plan.refresh_at = earliest(Some(next), entry.plan.stop_at);
        entry.serve_until = self.serve_until(entry.plan.refresh_at, now);
        true
    }

    /// Drops the local copy of `key` (only if it is `only_if` when given),
    /// and stops a running refresh from serving it. Returns whether a local
    /// copy was dropped.
    fn forget_local(&self, key: &TokenKey, only_if: Option<&str>) -> bool {
        let matches = |value: &str| only_if.is_none_or(|stale| stale == value);
        if let Some(flight) = lock(&self.inner.flights).get(key)
            && let Some(running) = lock(&flight.running).as_mut()
            && running.serving.as_deref().is_some_and(matches)
        {
            running.serving = None;
        }
        let mut cache = self
            .inner
            .cache
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if cache.get(key).is_some_and(|c| matches(&c.value)) {
            return cache.remove(key).is_some();
        }
        false
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

    /// Whether WeChat rejected the last token of `key` (it was dropped with
    /// [`invalidate_if_equals`](Self::invalidate_if_equals)) and no other
    /// token has been obtained since: a refresh closure can then ask for a
    /// new token explicitly (`stable_token` with `force_refresh`).
    pub(crate) fn was_rejected(&self, key: &TokenKey) -> bool {
        lock(&self.inner.rejected).contains_key(key)
    }

    /// The unexpired value of `key` in the store (ignoring the safety
    /// margin), without refreshing.
    pub async fn get(&self, key: &TokenKey) -> Result<Option<String>> {
        Ok(self.inner.store.get(key).await?.map(|stored| stored.value))
    }

    /// Stores `value` under `key` for `ttl` (`None`: no expiry), replacing
    /// the local copy too.
    pub async fn set(&self, key: &TokenKey, value: &str, ttl: Option<Duration>) -> Result<()> {
        self.forget_local(key, None);
        self.inner.store.set(key, value, ttl).await?;
        if ttl.is_none_or(|ttl| !ttl.is_zero()) {
            let now = now();
            let expires_at = ttl.and_then(|ttl| now.checked_add(ttl));
            let plan = self.plan(expires_at, ttl.unwrap_or(Duration::ZERO), now);
            self.remember(key, value, plan, now);
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
    ///
    /// The next refresh of `key` knows the token was rejected (the client
    /// then asks `stable_token` with `force_refresh`), until a token other
    /// than `stale` is obtained.
    pub async fn invalidate_if_equals(&self, key: &TokenKey, stale: &str) -> Result<bool> {
        let local = self.forget_local(key, Some(stale));
        let dropped = self.inner.store.delete_if_equals(key, stale).await?;
        if local || dropped {
            lock(&self.inner.rejected).insert(key.clone(), stale.to_owned());
        }
        Ok(dropped)
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
    /// was stored (a push with the same `CreateTime` is stored again).
    ///
    /// One atomic step of the store ([`TokenStore::set_if_newer`], the
    /// `CreateTime` kept beside the ticket), so concurrent pushes handled by
    /// several instances sharing a store end with the newest ticket. The
    /// ticket itself stays where [`store_verify_ticket`](Self::store_verify_ticket)
    /// writes it and [`verify_ticket`](Self::verify_ticket) reads it.
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
        let key = TokenKey::component_verify_ticket(component_appid);
        self.inner
            .store
            .set_if_newer(&key, ticket, create_time, Some(VERIFY_TICKET_TTL))
            .await
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
                push_requested: false,
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
            lock(&self.inner.rejected).remove(key);
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
