//! Verifying WeChat Pay's answers and notifications, and keeping the keys
//! that verify them: platform certificates by serial (several at once,
//! refreshed), the WeChat Pay public key by its `PUB_KEY_ID_…`, or both.
//!
//! An unknown serial causes one refresh, single-flight: in the process
//! through a lock and a generation counter (callers that waited on a refresh
//! made meanwhile do not start another; a download less than 10 s old
//! counts as that refresh, so forged serials cannot make the process hammer
//! WeChat Pay), and, with a token store,
//! cluster-wide: the instance that takes the store's lease downloads and
//! publishes the certificates under [`TokenKey::PayCertificates`]; the others
//! wait for them. The lease is kept until it expires, so a flood of forged
//! serials costs at most one download per lease lifetime for the whole
//! cluster. The store is trusted like it is for access tokens.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use reqwest::header::HeaderMap;

use super::aead::ApiV3Key;
use super::certificate::PlatformCertificate;
use super::download::{CertificateSource, check_status, decrypt_certificates};
use super::key::PayPublicKey;
use super::rejection::{PayRejection, shown};
use super::{SIGNATURE_PROBE_PREFIX, TIMESTAMP_WINDOW_SECS, normalize_serial};
use crate::error::{Error, Result};
use crate::token::{TokenKey, TokenStore};

/// The clock verification uses: Unix seconds.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

/// How long the cluster-wide download lease lives: at most one download
/// on unknown serials per this period, for the whole cluster.
const LEASE_TTL: Duration = Duration::from_secs(30);

/// How long an instance waits for another one's download.
const LEASE_WAIT: Duration = Duration::from_secs(5);

/// The default least time between two downloads in one process, whatever
/// asks for them (a flood of forged serials, a failing network): a
/// download this recent already holds every certificate WeChat Pay lists.
pub const DEFAULT_MIN_REFRESH_GAP: Duration = Duration::from_secs(10);

/// How long the shared certificate list is kept in the store.
const SHARED_TTL: Duration = Duration::from_secs(12 * 3600);

/// The default refresh interval of platform certificates (1 hour, well
/// under WeChat Pay's 12 hours).
pub const DEFAULT_REFRESH_INTERVAL: Duration = Duration::from_secs(3600);

/// The four `Wechatpay-*` headers of an answer or notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PayHeaders<'a> {
    /// `Wechatpay-Timestamp`.
    pub timestamp: &'a str,
    /// `Wechatpay-Nonce`.
    pub nonce: &'a str,
    /// `Wechatpay-Signature`.
    pub signature: &'a str,
    /// `Wechatpay-Serial`.
    pub serial: &'a str,
}

impl<'a> PayHeaders<'a> {
    /// Reads the headers through `lookup` (by their canonical names; make it
    /// case-insensitive). Values are trimmed.
    ///
    /// # Errors
    /// [`Error::PaySignature`] with [`PayRejection::MissingHeader`].
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<&'a str>) -> Result<Self> {
        let get = |name: &'static str| {
            lookup(name)
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .ok_or(Error::PaySignature {
                    reason: PayRejection::MissingHeader(name),
                })
        };
        Ok(PayHeaders {
            timestamp: get("Wechatpay-Timestamp")?,
            nonce: get("Wechatpay-Nonce")?,
            signature: get("Wechatpay-Signature")?,
            serial: get("Wechatpay-Serial")?,
        })
    }

    /// Reads the headers from an `http` header map (reqwest's, axum's, hyper's).
    ///
    /// # Errors
    /// As [`from_lookup`](Self::from_lookup).
    pub fn from_header_map(headers: &'a HeaderMap) -> Result<Self> {
        Self::from_lookup(|name| headers.get(name).and_then(|v| v.to_str().ok()))
    }
}

/// The verified text: `TIMESTAMP\nNONCE\nBODY\n`.
pub fn verification_message(timestamp: &str, nonce: &str, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(timestamp.len() + nonce.len() + body.len() + 3);
    out.extend_from_slice(timestamp.as_bytes());
    out.push(b'\n');
    out.extend_from_slice(nonce.as_bytes());
    out.push(b'\n');
    out.extend_from_slice(body);
    out.push(b'\n');
    out
}

fn rejected(reason: PayRejection) -> Error {
    Error::PaySignature { reason }
}

#[derive(Default)]
struct CertificateSet {
    by_serial: HashMap<String, PlatformCertificate>,
    fetched_at: Option<i64>,
}

struct Inner {
    mchid: String,
    public_key: Option<(String, PayPublicKey)>,
    certificates: bool,
    set: RwLock<Arc<CertificateSet>>,
    generation: AtomicU64,
    refresh_lock: tokio::sync::Mutex<()>,
    last_attempt: std::sync::Mutex<Option<Instant>>,
    source: Option<Arc<dyn CertificateSource>>,
    apiv3: Option<Arc<ApiV3Key>>,
    store: Option<Arc<dyn TokenStore>>,
    clock: Clock,
    refresh_interval: i64,
    min_gap: Duration,
}

/// Verifies answers and notifications; holds the verifying keys. Cheap to
/// clone (shared state).
#[derive(Clone)]
pub struct Verifier {
    inner: Arc<Inner>,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let serials: Vec<String> = self
            .certificates()
            .iter()
            .map(|c| c.serial().to_owned())
            .collect();
        f.debug_struct("Verifier")
            .field("mchid", &self.inner.mchid)
            .field(
                "public_key_id",
                &self.inner.public_key.as_ref().map(|(id, _)| id),
            )
            .field("platform_certificates", &self.inner.certificates)
            .field("serials", &serials)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Verifier`]; see [`Verifier::builder`].
pub struct VerifierBuilder {
    mchid: String,
    public_key: Option<(String, PayPublicKey)>,
    certificates: bool,
    initial: Vec<PlatformCertificate>,
    source: Option<Arc<dyn CertificateSource>>,
    apiv3: Option<Arc<ApiV3Key>>,
    store: Option<Arc<dyn TokenStore>>,
    clock: Clock,
    refresh_interval: Duration,
    min_gap: Duration,
}

impl fmt::Debug for VerifierBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifierBuilder")
            .field("mchid", &self.mchid)
            .field("certificates", &self.certificates)
            .finish_non_exhaustive()
    }
}

impl VerifierBuilder {
    /// Accepts signatures by the WeChat Pay public key `id` (`PUB_KEY_ID_…`).
    pub fn public_key(mut self, id: impl Into<String>, key: PayPublicKey) -> Self {
        self.public_key = Some((id.into().trim().to_owned(), key));
        self
    }

    /// Accepts signatures by platform certificates, downloaded from
    /// `source` and decrypted with `apiv3`.
    pub fn platform_certificates(
        mut self,
        source: Arc<dyn CertificateSource>,
        apiv3: Arc<ApiV3Key>,
    ) -> Self {
        self.certificates = true;
        self.source = Some(source);
        self.apiv3 = Some(apiv3);
        self
    }

    /// Trusts `certificate` from the start (platform-certificate mode, also
    /// without a source).
    pub fn certificate(mut self, certificate: PlatformCertificate) -> Self {
        self.certificates = true;
        self.initial.push(certificate);
        self
    }

    /// Shares downloads with the other instances of a cluster through `store`.
    pub fn store(mut self, store: Arc<dyn TokenStore>) -> Self {
        self.store = Some(store);
        self
    }

    /// Uses `clock` (Unix seconds) instead of the system clock.
    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// Refreshes platform certificates this often (default 1 hour; more
    /// than 12 hours is refused).
    pub fn refresh_interval(mut self, interval: Duration) -> Self {
        self.refresh_interval = interval;
        self
    }

    /// The least time between two downloads in this process (default
    /// [`DEFAULT_MIN_REFRESH_GAP`]): a refresh asked sooner is served by the
    /// last one.
    pub fn min_refresh_gap(mut self, gap: Duration) -> Self {
        self.min_gap = gap;
        self
    }

    /// Checks and returns the verifier.
    ///
    /// # Errors
    /// [`Error::Config`] when no verification mode is set, or the refresh
    /// interval is zero or over 12 hours.
    pub fn build(self) -> Result<Verifier> {
        if self.public_key.is_none() && !self.certificates {
            return Err(Error::Config(
                "no WeChat Pay verification key: set platform certificates, the WeChat Pay public key, or both"
                    .to_owned(),
            ));
        }
        let secs = self.refresh_interval.as_secs();
        if secs == 0 || secs > 12 * 3600 {
            return Err(Error::Config(format!(
                "the certificate refresh interval must be between 1 s and 12 h (it is {secs} s)"
            )));
        }
        let mut set = CertificateSet::default();
        for cert in self.initial {
            set.by_serial.insert(normalize_serial(cert.serial()), cert);
        }
        Ok(Verifier {
            inner: Arc::new(Inner {
                mchid: self.mchid,
                public_key: self.public_key,
                certificates: self.certificates,
                set: RwLock::new(Arc::new(set)),
                generation: AtomicU64::new(0),
                refresh_lock: tokio::sync::Mutex::new(()),
                last_attempt: std::sync::Mutex::new(None),
                source: self.source,
                apiv3: self.apiv3,
                store: self.store,
                clock: self.clock,
                refresh_interval: i64::try_from(secs).unwrap_or(3600),
                min_gap: self.min_gap,
            }),
        })
    }
}

impl Verifier {
    /// Starts a verifier for merchant `mchid`.
    pub fn builder(mchid: impl Into<String>) -> VerifierBuilder {
        VerifierBuilder {
            mchid: mchid.into(),
            public_key: None,
            certificates: false,
            initial: Vec::new(),
            source: None,
            apiv3: None,
            store: None,
            clock: Arc::new(crate::clock::unix_seconds),
            refresh_interval: DEFAULT_REFRESH_INTERVAL,
            min_gap: DEFAULT_MIN_REFRESH_GAP,
        }
    }

    /// Verifies an answer or notification from its headers and raw body.
    ///
    /// # Errors
    /// [`Error::PaySignature`] with the reason; never `Ok` on an unknown serial.
    pub async fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<()> {
        let parts = PayHeaders::from_header_map(headers)?;
        self.verify_parts(&parts, body).await
    }

    /// Verifies `body` against already extracted headers.
    ///
    /// # Errors
    /// As [`verify`](Self::verify).
    pub async fn verify_parts(&self, headers: &PayHeaders<'_>, body: &[u8]) -> Result<()> {
        self.check_preamble(headers)?;
        self.refresh_in_background_if_stale();
        let message = verification_message(headers.timestamp, headers.nonce, body);
        if let Some(key) = self.key_for(headers.serial) {
            return check(&key, &message, headers);
        }
        if !self.inner.certificates {
            return Err(rejected(PayRejection::UnknownSerial(shown(headers.serial))));
        }
        let seen = self.inner.generation.load(Ordering::Acquire);
        if let Err(e) = self.refresh_after_miss(seen).await {
            tracing::warn!(serial = %shown(headers.serial), error = %e, "WeChat Pay certificate refresh on an unknown serial failed");
        }
        match self.key_for(headers.serial) {
            Some(key) => check(&key, &message, headers),
            None => Err(rejected(PayRejection::UnknownSerial(shown(headers.serial)))),
        }
    }

    /// The probe, timestamp and window checks that come before any key.
    fn check_preamble(&self, headers: &PayHeaders<'_>) -> Result<()> {
        if headers.signature.starts_with(SIGNATURE_PROBE_PREFIX) {
            return Err(rejected(PayRejection::SignatureProbe));
        }
        let ts = headers.timestamp;
        if ts.is_empty() || ts.len() > 18 || !ts.bytes().all(|b| b.is_ascii_digit()) {
            return Err(rejected(PayRejection::BadTimestamp));
        }
        let timestamp: i64 = ts
            .parse()
            .map_err(|_| rejected(PayRejection::BadTimestamp))?;
        let now = (self.inner.clock)();
        if now.abs_diff(timestamp) >= TIMESTAMP_WINDOW_SECS.unsigned_abs() {
            return Err(rejected(PayRejection::TimestampOutOfWindow {
                timestamp,
                now,
            }));
        }
        Ok(())
    }

    /// The key `serial` names: the public key by its exact id, or a platform
    /// certificate by serial.
    fn key_for(&self, serial: &str) -> Option<PayPublicKey> {
        if let Some((id, key)) = &self.inner.public_key
            && id == serial
        {
            return Some(key.clone());
        }
        if !self.inner.certificates {
            return None;
        }
        self.snapshot()
            .by_serial
            .get(&normalize_serial(serial))
            .map(|c| c.public_key().clone())
    }

    fn snapshot(&self) -> Arc<CertificateSet> {
        match self.inner.set.read() {
            Ok(guard) => Arc::clone(&guard),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// The platform certificates known now.
    pub fn certificates(&self) -> Vec<PlatformCertificate> {
        let mut certs: Vec<_> = self.snapshot().by_serial.values().cloned().collect();
        certs.sort_by_key(|c| std::cmp::Reverse(c.effective_time()));
        certs
    }

    /// The key to encrypt sensitive fields with and the value of
    /// `Wechatpay-Serial` to send with it: the WeChat Pay public key when
    /// configured, else the newest platform certificate valid now.
    ///
    /// # Errors
    /// [`Error::Config`] when no key is known yet (refresh first).
    pub fn encryption_key(&self) -> Result<(String, PayPublicKey)> {
        if let Some((id, key)) = &self.inner.public_key {
            return Ok((id.clone(), key.clone()));
        }
        let now = (self.inner.clock)();
        self.snapshot()
            .by_serial
            .values()
            .filter(|c| c.is_valid_at(now))
            .max_by_key(|c| (c.effective_time(), c.expire_time()))
            .map(|c| (c.serial().to_owned(), c.public_key().clone()))
            .ok_or_else(|| {
                Error::Config(
                    "no valid WeChat Pay platform certificate is known yet: refresh the certificates first"
                        .to_owned(),
                )
            })
    }

    /// How many refreshes have completed (a counter; tests and metrics).
    pub fn generation(&self) -> u64 {
        self.inner.generation.load(Ordering::Acquire)
    }

    /// Downloads the platform certificates now (single-flight: a caller that
    /// waited for another's refresh still downloads once more). Returns
    /// how many certificates are known afterwards.
    ///
    /// # Errors
    /// [`Error::Config`] without a certificate source; the download's
    /// error ([`Error::Pay`], [`Error::Http`], [`Error::PaySignature`],
    /// [`Error::PayCrypto`]).
    pub async fn refresh(&self) -> Result<usize> {
        let _guard = self.inner.refresh_lock.lock().await;
        self.refresh_locked().await?;
        Ok(self.snapshot().by_serial.len())
    }

    async fn refresh_after_miss(&self, seen: u64) -> Result<()> {
        let _guard = self.inner.refresh_lock.lock().await;
        if self.inner.generation.load(Ordering::Acquire) != seen {
            // another caller refreshed while this one waited
            return Ok(());
        }
        if self.attempted_within(self.inner.min_gap) {
            return Ok(());
        }
        self.refresh_locked().await
    }

    fn refresh_in_background_if_stale(&self) {
        if self.inner.source.is_none() {
            return;
        }
        let now = (self.inner.clock)();
        let stale = self
            .snapshot()
            .fetched_at
            .is_none_or(|at| now.saturating_sub(at) >= self.inner.refresh_interval);
        if !stale || self.attempted_within(self.inner.min_gap) {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let me = self.clone();
        runtime.spawn(async move {
            let Ok(_guard) = me.inner.refresh_lock.try_lock() else {
                return; // a refresh is under way
            };
            if me.attempted_within(me.inner.min_gap) {
                return; // one was made meanwhile
            }
            if let Err(e) = me.refresh_locked().await {
                tracing::warn!(error = %e, "scheduled WeChat Pay certificate refresh failed");
            }
        });
    }

    /// Whether a refresh started less than `gap` ago.
    fn attempted_within(&self, gap: Duration) -> bool {
        let last = match self.inner.last_attempt.lock() {
            Ok(guard) => *guard,
            Err(poisoned) => *poisoned.into_inner(),
        };
        last.is_some_and(|at| at.elapsed() < gap)
    }

    /// The refresh itself; the caller holds `refresh_lock`.
    async fn refresh_locked(&self) -> Result<()> {
        match self.inner.last_attempt.lock() {
            Ok(mut guard) => *guard = Some(Instant::now()),
            Err(poisoned) => *poisoned.into_inner() = Some(Instant::now()),
        }
        let outcome = self.refresh_shared().await;
        self.inner.generation.fetch_add(1, Ordering::AcqRel);
        outcome
    }

    async fn refresh_shared(&self) -> Result<()> {
        let Some(store) = self.inner.store.clone() else {
            let certs = self.download().await?;
            self.install(certs);
            return Ok(());
        };
        let key = TokenKey::pay_certificates(&self.inner.mchid);
        if self.load_shared(store.as_ref(), &key).await? {
            return Ok(());
        }
        if store.try_lease(&key, LEASE_TTL).await?.is_some() {
            // the lease is kept until it expires: one download per LEASE_TTL
            let certs = self.download().await?;
            self.install(certs);
            self.save_shared(store.as_ref(), &key).await?;
            return Ok(());
        }
        let deadline = Instant::now() + LEASE_WAIT;
        while Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(100)).await;
            if self.load_shared(store.as_ref(), &key).await? {
                return Ok(());
            }
        }
        Ok(())
    }

    /// Adds the certificates another instance published; whether any was new.
    async fn load_shared(&self, store: &dyn TokenStore, key: &TokenKey) -> Result<bool> {
        let Some(stored) = store.get(key).await? else {
            return Ok(false);
        };
        let pems: Vec<String> = serde_json::from_str(&stored.value).map_err(|e| {
            Error::Store(format!(
                "the shared WeChat Pay certificates are not a JSON list: {e}"
            ))
        })?;
        let known = self.snapshot();
        let mut fresh = Vec::new();
        for pem in pems {
            let cert = PlatformCertificate::from_pem(pem.as_bytes())?;
            if !known
                .by_serial
                .contains_key(&normalize_serial(cert.serial()))
            {
                fresh.push(cert);
            }
        }
        if fresh.is_empty() {
            return Ok(false);
        }
        self.install(fresh);
        Ok(true)
    }

    async fn save_shared(&self, store: &dyn TokenStore, key: &TokenKey) -> Result<()> {
        let pems: Vec<String> = self
            .certificates()
            .iter()
            .map(|c| c.pem().to_owned())
            .collect();
        let value = serde_json::to_string(&pems)
            .map_err(|e| Error::Store(format!("cannot encode the certificates: {e}")))?;
        store.set(key, &value, Some(SHARED_TTL)).await
    }

    /// Downloads, decrypts and verifies the certificate list.
    async fn download(&self) -> Result<Vec<PlatformCertificate>> {
        let (Some(source), Some(apiv3)) = (&self.inner.source, &self.inner.apiv3) else {
            return Err(Error::Config(
                "no platform certificate source is configured".to_owned(),
            ));
        };
        let answer = source.fetch().await?;
        if answer.status == 404 && self.inner.public_key.is_some() {
            // a merchant moved to the WeChat Pay public key has no certificates
            return Ok(Vec::new());
        }
        check_status(&answer)?;
        let certs = decrypt_certificates(apiv3, &answer.body)?;
        let headers = PayHeaders::from_header_map(&answer.headers)?;
        self.check_preamble(&headers)?;
        let message = verification_message(headers.timestamp, headers.nonce, &answer.body);
        // a known key first; else the certificate of that serial inside the
        // answer, authenticated by AES-GCM under the APIv3 key
        let key = self.key_for(headers.serial).or_else(|| {
            certs
                .iter()
                .find(|c| normalize_serial(c.serial()) == normalize_serial(headers.serial))
                .map(|c| c.public_key().clone())
        });
        match key {
            Some(key) => check(&key, &message, &headers)?,
            None => {
                return Err(rejected(PayRejection::UnknownSerial(shown(headers.serial))));
            }
        }
        Ok(certs)
    }

    /// Adds `certs`, drops expired ones, and marks the set fresh.
    fn install(&self, certs: Vec<PlatformCertificate>) {
        let now = (self.inner.clock)();
        let old = self.snapshot();
        let mut next = CertificateSet {
            by_serial: old
                .by_serial
                .iter()
                .filter(|(_, c)| c.expire_time() >= now)
                .map(|(k, c)| (k.clone(), c.clone()))
                .collect(),
            fetched_at: Some(now),
        };
        for cert in certs {
            next.by_serial.insert(normalize_serial(cert.serial()), cert);
        }
        let next = Arc::new(next);
        match self.inner.set.write() {
            Ok(mut guard) => *guard = next,
            Err(poisoned) => *poisoned.into_inner() = next,
        }
    }
}

fn check(key: &PayPublicKey, message: &[u8], headers: &PayHeaders<'_>) -> Result<()> {
    if key.verify(message, headers.signature) {
        Ok(())
    } else {
        Err(rejected(PayRejection::BadSignature {
            serial: shown(headers.serial),
        }))
    }
}
