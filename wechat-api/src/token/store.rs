//! The [`TokenStore`] trait, the [`TokenKey`] naming what is stored, and the
//! values a store hands back ([`StoredValue`], [`Lease`]).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

use crate::Result;

/// Default prefix of every key a shared store (Redis) writes: `wechat:`.
pub const DEFAULT_PREFIX: &str = "wechat:";

/// A boxed, `Send` future: what the methods of [`TokenStore`] return, so the
/// trait can be used as `Arc<dyn TokenStore>`.
///
/// Implement a method with `Box::pin(async move { ... })`.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What a token store holds, namespaced by appid or component appid so that
/// several applications can share one store.
///
/// Build keys once (e.g. when the client is built) and reuse them: a lookup
/// by `&TokenKey` allocates nothing.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TokenKey {
    /// The `component_verify_ticket` WeChat pushes to a third-party platform
    /// every 10 minutes (valid 12 hours).
    ComponentVerifyTicket {
        /// The third-party platform's appid.
        component_appid: String,
    },
    /// The `component_access_token` of a third-party platform.
    ComponentAccessToken {
        /// The third-party platform's appid.
        component_appid: String,
    },
    /// The `authorizer_access_token` a third-party platform uses on behalf of
    /// an authorizer (an official account or mini program).
    AuthorizerAccessToken {
        /// The third-party platform's appid.
        component_appid: String,
        /// The authorizer's appid.
        authorizer_appid: String,
    },
    /// The `authorizer_refresh_token` of an authorizer: long-lived, store it
    /// durably, it cannot be recovered without a new authorization.
    AuthorizerRefreshToken {
        /// The third-party platform's appid.
        component_appid: String,
        /// The authorizer's appid.
        authorizer_appid: String,
    },
    /// The basic `access_token` of an official account or mini program.
    AccessToken {
        /// The account's appid.
        appid: String,
    },
    /// The JS-SDK `jsapi_ticket` of an account.
    JsapiTicket {
        /// The account's appid.
        appid: String,
    },
    /// The `wx_card` API ticket of an account.
    WxCardTicket {
        /// The account's appid.
        appid: String,
    },
    /// The WeChat Pay platform certificates of a merchant, shared by every
    /// instance of a cluster (PEM texts as JSON), so that one download
    /// serves them all (feature `pay`).
    PayCertificates {
        /// The merchant id (`mchid`).
        mchid: String,
    },
    /// A marker that something was seen or done, shared by every instance
    /// of a cluster: a push already handled (replay and duplicate
    /// detection), a rate limit. Only its lease is used
    /// ([`TokenStore::try_lease`] with the marker's lifetime, never
    /// released), so taking it succeeds exactly once per lifetime.
    ///
    /// The kind `version` is used by the default
    /// [`TokenStore::set_if_newer`] to keep the version of another key (its
    /// id is that key rendered without prefix).
    Marker {
        /// What is marked, e.g. `push` or `start_push_ticket`.
        kind: String,
        /// Which one, e.g. a nonce and signature, or a component appid.
        id: String,
    },
}

impl TokenKey {
    /// Key of the `component_verify_ticket` of `component_appid`.
    pub fn component_verify_ticket(component_appid: impl Into<String>) -> Self {
        TokenKey::ComponentVerifyTicket {
            component_appid: component_appid.into(),
        }
    }

    /// Key of the `component_access_token` of `component_appid`.
    pub fn component_access_token(component_appid: impl Into<String>) -> Self {
        TokenKey::ComponentAccessToken {
            component_appid: component_appid.into(),
        }
    }

    /// Key of the `authorizer_access_token` of `authorizer_appid` under `component_appid`.
    pub fn authorizer_access_token(
        component_appid: impl Into<String>,
        authorizer_appid: impl Into<String>,
    ) -> Self {
        TokenKey::AuthorizerAccessToken {
            component_appid: component_appid.into(),
            authorizer_appid: authorizer_appid.into(),
        }
    }

    /// Key of the `authorizer_refresh_token` of `authorizer_appid` under `component_appid`.
    pub fn authorizer_refresh_token(
        component_appid: impl Into<String>,
        authorizer_appid: impl Into<String>,
    ) -> Self {
        TokenKey::AuthorizerRefreshToken {
            component_appid: component_appid.into(),
            authorizer_appid: authorizer_appid.into(),
        }
    }

    /// Key of the basic `access_token` of `appid`.
    pub fn access_token(appid: impl Into<String>) -> Self {
        TokenKey::AccessToken {
            appid: appid.into(),
        }
    }

    /// Key of the `jsapi_ticket` of `appid`.
    pub fn jsapi_ticket(appid: impl Into<String>) -> Self {
        TokenKey::JsapiTicket {
            appid: appid.into(),
        }
    }

    /// Key of the `wx_card` ticket of `appid`.
    pub fn wx_card_ticket(appid: impl Into<String>) -> Self {
        TokenKey::WxCardTicket {
            appid: appid.into(),
        }
    }

    /// Key of the shared WeChat Pay platform certificates of `mchid`.
    pub fn pay_certificates(mchid: impl Into<String>) -> Self {
        TokenKey::PayCertificates {
            mchid: mchid.into(),
        }
    }

    /// Key of the marker `kind`/`id` (see [`TokenKey::Marker`]).
    pub fn marker(kind: impl Into<String>, id: impl Into<String>) -> Self {
        TokenKey::Marker {
            kind: kind.into(),
            id: id.into(),
        }
    }

    /// The key as a string under `prefix`, e.g.
    /// `wechat:component:{component_appid}:verify_ticket`,
    /// `wechat:component:{component_appid}:authorizer:{authorizer_appid}:access_token`,
    /// `wechat:app:{appid}:jsapi_ticket`, `wechat:pay:{mchid}:certificates`,
    /// `wechat:marker:{kind}:{id}`.
    ///
    /// `:` and `%` inside an appid are percent-encoded, so two different keys
    /// never render to the same string.
    pub fn render(&self, prefix: &str) -> String {
        let mut out = String::with_capacity(prefix.len() + 80);
        out.push_str(prefix);
        let (scope, first, second, kind) = match self {
            TokenKey::ComponentVerifyTicket { component_appid } => {
                ("component:", component_appid, None, "verify_ticket")
            }
            TokenKey::ComponentAccessToken { component_appid } => {
                ("component:", component_appid, None, "access_token")
            }
            TokenKey::AuthorizerAccessToken {
                component_appid,
                authorizer_appid,
            } => (
                "component:",
                component_appid,
                Some(authorizer_appid),
                "access_token",
            ),
            TokenKey::AuthorizerRefreshToken {
                component_appid,
                authorizer_appid,
            } => (
                "component:",
                component_appid,
                Some(authorizer_appid),
                "refresh_token",
            ),
            TokenKey::AccessToken { appid } => ("app:", appid, None, "access_token"),
            TokenKey::JsapiTicket { appid } => ("app:", appid, None, "jsapi_ticket"),
            TokenKey::WxCardTicket { appid } => ("app:", appid, None, "wx_card_ticket"),
            TokenKey::PayCertificates { mchid } => ("pay:", mchid, None, "certificates"),
            TokenKey::Marker { kind, id } => {
                out.push_str("marker:");
                push_escaped(&mut out, kind);
                out.push(':');
                push_escaped(&mut out, id);
                return out;
            }
        };
        out.push_str(scope);
        push_escaped(&mut out, first);
        out.push(':');
        if let Some(authorizer) = second {
            out.push_str("authorizer:");
            push_escaped(&mut out, authorizer);
            out.push(':');
        }
        out.push_str(kind);
        out
    }

    /// The key of the refresh lease of this key under `prefix`: the rendered
    /// key followed by `:lease`.
    pub fn render_lease(&self, prefix: &str) -> String {
        let mut out = self.render(prefix);
        out.push_str(":lease");
        out
    }

    /// The key under which a store keeps the version of this key's value
    /// ([`TokenStore::set_if_newer`]) under `prefix`: the rendered key
    /// followed by `:version`, e.g.
    /// `wechat:component:{component_appid}:verify_ticket:version`.
    pub fn render_version(&self, prefix: &str) -> String {
        let mut out = self.render(prefix);
        out.push_str(":version");
        out
    }

    /// The key the default [`TokenStore::set_if_newer`] keeps the version
    /// of this key under: the marker `version`/`{this key without prefix}`.
    pub fn version_key(&self) -> TokenKey {
        TokenKey::marker("version", self.render(""))
    }
}

fn push_escaped(out: &mut String, segment: &str) {
    for c in segment.chars() {
        match c {
            ':' => out.push_str("%3A"),
            '%' => out.push_str("%25"),
            c => out.push(c),
        }
    }
}

/// Now, on the monotonic clock token expiries are measured with: Tokio's,
/// which is the standard clock except in a test that paused Tokio's time
/// (then expiries, leases and refresh points follow the paused clock).
pub(crate) fn now() -> Instant {
    tokio::time::Instant::now().into_std()
}

/// A value read from a store, with its absolute expiry.
///
/// Its `Debug` output never shows the value.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredValue {
    /// The token, ticket or refresh token.
    pub value: String,
    /// When it expires, on this process's monotonic clock (Tokio's clock,
    /// the standard one unless a test paused it); `None` if it never
    /// expires.
    pub expires_at: Option<Instant>,
}

impl StoredValue {
    /// A value that expires at `expires_at` (`None`: never).
    pub fn new(value: impl Into<String>, expires_at: Option<Instant>) -> Self {
        StoredValue {
            value: value.into(),
            expires_at,
        }
    }

    /// A value that expires `remaining` from now. A `remaining` too large to
    /// be represented means "never".
    pub fn expiring_in(value: impl Into<String>, remaining: Duration) -> Self {
        StoredValue::new(value, now().checked_add(remaining))
    }

    /// How long until it expires (zero if it has); `None` if it never expires.
    pub fn remaining(&self) -> Option<Duration> {
        self.expires_at
            .map(|at| at.saturating_duration_since(now()))
    }
}

impl fmt::Debug for StoredValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredValue")
            .field("value", &"<redacted>")
            .field("remaining", &self.remaining())
            .finish()
    }
}

/// A lease on the refresh of one key: whoever holds it is the one caller, in
/// the whole cluster, that refreshes the token.
///
/// It carries a random value so that only its holder can release it, and it
/// expires by itself (its TTL) if its holder dies. Its `Debug` output never
/// shows the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Lease {
    key: TokenKey,
    value: String,
}

impl Lease {
    /// A lease on `key` identified by `value` (for [`TokenStore`] implementors).
    pub fn new(key: TokenKey, value: impl Into<String>) -> Self {
        Lease {
            key,
            value: value.into(),
        }
    }

    /// A lease on `key` with a fresh random 128-bit value.
    pub fn random(key: TokenKey) -> Self {
        let value = format!("{:032x}", rand::random::<u128>());
        Lease { key, value }
    }

    /// The key this lease is for.
    pub fn key(&self) -> &TokenKey {
        &self.key
    }

    /// The random value identifying the holder.
    pub fn value(&self) -> &str {
        &self.value
    }
}

impl fmt::Debug for Lease {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Lease")
            .field("key", &self.key)
            .field("value", &"<redacted>")
            .finish()
    }
}

/// Where tokens, tickets and refresh tokens are kept.
///
/// Implementations must be safe to share between tasks (`Arc<dyn TokenStore>`)
/// and, for a store shared by several processes, atomic per operation.
/// Methods return a [`BoxFuture`]; implement them with
/// `Box::pin(async move { ... })`.
///
/// A store only stores: deciding when to refresh is the job of
/// [`TokenManager`](super::TokenManager).
pub trait TokenStore: Send + Sync + 'static {
    /// The value of `key` if present and not expired.
    fn get<'a>(&'a self, key: &'a TokenKey) -> BoxFuture<'a, Result<Option<StoredValue>>>;

    /// Stores `value` under `key`, expiring after `ttl` (`None`: never).
    /// A zero `ttl` deletes the key. The write is done (durable, for a
    /// durable store) when the future completes.
    fn set<'a>(
        &'a self,
        key: &'a TokenKey,
        value: &'a str,
        ttl: Option<Duration>,
    ) -> BoxFuture<'a, Result<()>>;

    /// Removes `key` (no error if it is absent).
    fn delete<'a>(&'a self, key: &'a TokenKey) -> BoxFuture<'a, Result<()>>;

    /// Removes `key` only if its current value is `expected`, atomically.
    /// Returns whether it was removed. Used to drop a token WeChat rejected
    /// without dropping the new one another caller may have stored meanwhile.
    fn delete_if_equals<'a>(
        &'a self,
        key: &'a TokenKey,
        expected: &'a str,
    ) -> BoxFuture<'a, Result<bool>>;

    /// Takes the refresh lease of `key` for `ttl` if nobody holds it
    /// (`None` if somebody does). The lease expires by itself after `ttl`.
    fn try_lease<'a>(
        &'a self,
        key: &'a TokenKey,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<Option<Lease>>>;

    /// Releases `lease` if it is still the one held (compare-and-delete).
    /// Returns whether it was released; `false` means it had expired (and may
    /// now be held by somebody else, whose lease is left alone).
    fn release(&self, lease: Lease) -> BoxFuture<'_, Result<bool>>;

    /// Stores `value` under `key` for `ttl` (as [`set`](Self::set)) unless
    /// the value stored there carries a higher `version`, as one atomic
    /// step. Returns whether it was stored. An equal version is stored (the
    /// same push seen twice writes the same value).
    ///
    /// The version is kept beside the value, with the same `ttl`, and only
    /// this method reads or writes it: [`get`](Self::get) and
    /// [`set`](Self::set) of `key` are unchanged, and a plain `set` leaves
    /// the version alone. Used for the `component_verify_ticket`, versioned
    /// by the push's `CreateTime`, so that a replayed or delayed push never
    /// rolls it back.
    ///
    /// The built-in stores do it in one step (one lock, one transaction, one
    /// Lua script). This default implementation serializes writers with the
    /// lease of [`key.version_key()`](TokenKey::version_key), then reads,
    /// compares and writes (the version under that key): correct across a
    /// cluster as long as [`try_lease`](Self::try_lease) is atomic and each
    /// write finishes within the 10-second lease.
    ///
    /// # Errors
    ///
    /// [`Error::Store`](crate::Error::Store) when the store fails;
    /// [`Error::Timeout`](crate::Error::Timeout) (default implementation)
    /// when the version's lease stays taken for 10 seconds.
    fn set_if_newer<'a>(
        &'a self,
        key: &'a TokenKey,
        value: &'a str,
        version: i64,
        ttl: Option<Duration>,
    ) -> BoxFuture<'a, Result<bool>> {
        Box::pin(set_if_newer_with_lease(self, key, value, version, ttl))
    }
}

/// How long the default [`TokenStore::set_if_newer`] holds, and waits for,
/// the version's lease.
const VERSION_LEASE_TTL: Duration = Duration::from_secs(10);

/// The default [`TokenStore::set_if_newer`]: the version's lease as a
/// cluster-wide lock around read, compare and write.
async fn set_if_newer_with_lease<S: TokenStore + ?Sized>(
    store: &S,
    key: &TokenKey,
    value: &str,
    version: i64,
    ttl: Option<Duration>,
) -> Result<bool> {
    let version_key = key.version_key();
    let deadline = tokio::time::Instant::now() + VERSION_LEASE_TTL;
    let mut pause = Duration::from_millis(5);
    let lease = loop {
        if let Some(lease) = store.try_lease(&version_key, VERSION_LEASE_TTL).await? {
            break lease;
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(crate::Error::Timeout(VERSION_LEASE_TTL));
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_millis(100));
    };
    let written = async {
        let stored = store
            .get(&version_key)
            .await?
            .and_then(|stored| stored.value.parse::<i64>().ok());
        if stored.is_some_and(|stored| stored > version) {
            return Ok(false);
        }
        store.set(key, value, ttl).await?;
        store.set(&version_key, &version.to_string(), ttl).await?;
        Ok(true)
    }
    .await;
    // An expired lease is harmless here: the next writer compares again.
    let _ = store.release(lease).await;
    written
}
