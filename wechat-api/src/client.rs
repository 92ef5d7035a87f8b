//! The [`Client`]: configuration, HTTP, token management, and the one code
//! path every generated method goes through.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use url::Url;

use crate::config::Config;
use crate::endpoint::ConfigKey;
use crate::error::{Error, Result};
use crate::limits::Limits;
use crate::redact::KnownSecrets;
use crate::token::{DurableStore, MemoryStore, TokenKey, TokenManager, TokenStore};

/// Default timeout of one HTTP request.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);

/// A WeChat client: cheap to clone, share it between tasks.
///
/// Endpoints are grouped by spec module: `client.component()`,
/// `client.official()`, `client.oauth()`. Calls whose endpoint needs a
/// credential get it from the [`TokenManager`]: cached while valid, refreshed
/// once when it expires, and refreshed and retried once when WeChat says it
/// is invalid (40001, 40014, 42001).
///
/// ```no_run
/// # async fn demo() -> wechat_api::Result<()> {
/// use wechat_api::{Client, Config};
/// use wechat_api::api::official::{GetTicketRequest, TicketType};
///
/// let client = Client::new(Config::from_env()?)?;
/// let ticket = client.official().get_ticket(GetTicketRequest::new(TicketType::Jsapi)).await?;
/// println!("expires in {} s", ticket.expires_in);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
    /// `Some` when acting for an authorizer of the third-party platform.
    pub(crate) authorizer: Option<Arc<Acting>>,
}

/// The authorizer a client acts for, with its token keys built once.
#[derive(Debug)]
pub(crate) struct Acting {
    pub(crate) appid: String,
    /// `None` when no component appid is configured (calls then fail with
    /// a configuration error).
    pub(crate) access_token: Option<TokenKey>,
    pub(crate) jsapi_ticket: TokenKey,
}

/// The keys of the client's own tokens, built once (a cached token get then
/// allocates nothing); `None` where the appid they need is not configured.
#[derive(Debug)]
pub(crate) struct OwnKeys {
    pub(crate) component_access_token: Option<TokenKey>,
    pub(crate) access_token: Option<TokenKey>,
    pub(crate) jsapi_ticket: Option<TokenKey>,
}

pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    pub(crate) config: Config,
    base_urls: HashMap<String, Url>,
    pub(crate) tokens: TokenManager,
    pub(crate) keys: OwnKeys,
    pub(crate) limits: Limits,
    /// The last tokens WeChat rejected, no longer cached but still masked
    /// in errors: an echo of one may come back from its refresh.
    retired: Mutex<VecDeque<String>>,
}

/// How many rejected tokens a client keeps masking.
const RETIRED_TOKENS: usize = 16;

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // never the rejected tokens themselves
        let retired = self
            .retired
            .lock()
            .map(|retired| retired.len())
            .unwrap_or_default();
        f.debug_struct("Inner")
            .field("config", &self.config)
            .field("base_urls", &self.base_urls)
            .field("tokens", &self.tokens)
            .field("keys", &self.keys)
            .field("limits", &self.limits)
            .field("retired_tokens", &retired)
            .finish_non_exhaustive()
    }
}

/// How a call authenticates; chosen on the module handle. Its `Debug`
/// output never shows an explicit token.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Auth<'a> {
    /// Use the token the client manages (refreshing and retrying as needed).
    Managed,
    /// Use this token as is.
    Explicit(&'a str),
}

impl std::fmt::Debug for Auth<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Auth::Managed => f.write_str("Managed"),
            Auth::Explicit(_) => f.write_str("Explicit([redacted])"),
        }
    }
}

impl Client {
    /// A client with default settings and an in-memory token store.
    ///
    /// The in-memory store loses everything on restart, including the
    /// authorizers' refresh tokens (the merchants would have to authorize
    /// again): in production use [`Client::builder`] with a durable or shared
    /// (Redis) store.
    ///
    /// # Errors
    /// [`Error::Config`] when the HTTP client cannot be built.
    pub fn new(config: Config) -> Result<Self> {
        Self::builder(config).build()
    }

    /// Starts a [`ClientBuilder`].
    pub fn builder(config: Config) -> ClientBuilder {
        ClientBuilder {
            config,
            base_urls: HashMap::new(),
            store: None,
            manager: None,
            timeout: DEFAULT_TIMEOUT,
            http: None,
            limits: Limits::default(),
        }
    }

    /// The same client, acting for an authorizer of the third-party platform:
    /// calls that need an `access_token` use the authorizer's (refreshed with
    /// its stored `authorizer_refresh_token`), and `appid` parameters are the
    /// authorizer's.
    pub fn authorizer(&self, authorizer_appid: impl Into<String>) -> Client {
        let appid = authorizer_appid.into();
        let component_appid = self.inner.config.component_appid();
        Client {
            inner: Arc::clone(&self.inner),
            authorizer: Some(Arc::new(Acting {
                access_token: component_appid
                    .map(|c| TokenKey::authorizer_access_token(c, appid.as_str())),
                jsapi_ticket: TokenKey::jsapi_ticket(appid.as_str()),
                appid,
            })),
        }
    }

    /// The authorizer this client acts for, if any.
    pub fn authorizer_appid(&self) -> Option<&str> {
        self.authorizer.as_ref().map(|a| a.appid.as_str())
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The token manager (to store a pushed verify ticket, read stored
    /// refresh tokens, and so on).
    pub fn tokens(&self) -> &TokenManager {
        &self.inner.tokens
    }

    /// The value a `from:` parameter is filled with.
    pub(crate) fn config_value(&self, key: ConfigKey) -> Result<&str> {
        use secrecy::ExposeSecret;
        let c = &self.inner.config;
        match key {
            ConfigKey::AppId => match &self.authorizer {
                Some(acting) => Ok(&acting.appid),
                None => Config::require(c.appid(), "appid"),
            },
            ConfigKey::Secret => Config::require(c.secret().map(|s| s.expose_secret()), "secret"),
            ConfigKey::ComponentAppId => Config::require(c.component_appid(), "component_appid"),
            ConfigKey::ComponentSecret => Config::require(
                c.component_secret().map(|s| s.expose_secret()),
                "component_secret",
            ),
            ConfigKey::MchId => Err(Error::Config(
                "`mchid` is a WeChat Pay setting: pay endpoints are called through `WechatPay`"
                    .to_owned(),
            )),
        }
    }

    /// The base URL requests to `host` go to: `https://{host}` unless
    /// overridden with [`ClientBuilder::base_url`].
    pub fn base_url(&self, host: &str) -> Result<Url> {
        match self.inner.base_urls.get(host) {
            Some(url) => Ok(url.clone()),
            None => Url::parse(&format!("https://{host}"))
                .map_err(|e| Error::Config(format!("invalid host `{host}`: {e}"))),
        }
    }

    /// The base URL set for `host` with [`ClientBuilder::base_url`], if any.
    pub(crate) fn base_url_override(&self, host: &str) -> Option<&Url> {
        self.inner.base_urls.get(host)
    }

    /// The secrets of the configuration and every token the token manager
    /// holds a local copy of, to be masked in the text of errors.
    pub(crate) fn known_secrets(&self) -> KnownSecrets {
        use secrecy::ExposeSecret;
        let mut known = KnownSecrets::default();
        let c = &self.inner.config;
        for secret in [
            &c.secret,
            &c.token,
            &c.encoding_aes_key,
            &c.component_secret,
            &c.component_token,
            &c.component_encoding_aes_key,
        ]
        .into_iter()
        .flatten()
        {
            known.add(secret.expose_secret());
        }
        for token in self.inner.tokens.local_values() {
            known.add(&token);
        }
        let retired = self.inner.retired.lock();
        for token in retired.unwrap_or_else(PoisonError::into_inner).iter() {
            known.add(token);
        }
        known
    }

    /// Keeps masking `token` (just rejected by WeChat) after it is dropped
    /// from the cache.
    pub(crate) fn retire_token(&self, token: &str) {
        let mut retired = self
            .inner
            .retired
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if !retired.iter().any(|t| t == token) {
            if retired.len() == RETIRED_TOKENS {
                retired.pop_front();
            }
            retired.push_back(token.to_owned());
        }
    }
}

/// Builds a [`Client`].
pub struct ClientBuilder {
    config: Config,
    base_urls: HashMap<String, Url>,
    store: Option<Arc<dyn TokenStore>>,
    manager: Option<TokenManager>,
    timeout: Duration,
    http: Option<reqwest::Client>,
    limits: Limits,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("config", &self.config)
            .field("base_urls", &self.base_urls)
            .field("custom_store", &self.store.is_some())
            .field("timeout", &self.timeout)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// Sends requests for `host` (e.g. `api.weixin.qq.com`) to `base`
    /// instead of `https://{host}`: a test server, the sandbox, a proxy.
    ///
    /// # Errors
    /// [`Error::Config`] when `base` is not an absolute URL.
    pub fn base_url(mut self, host: impl Into<String>, base: &str) -> Result<Self> {
        let url = Url::parse(base)
            .map_err(|e| Error::Config(format!("invalid base URL `{base}`: {e}")))?;
        self.base_urls.insert(host.into(), url);
        Ok(self)
    }

    /// Sends requests for every WeChat host ([`hosts::ALL`](crate::hosts::ALL):
    /// the API's, and those of the authorization pages and OAuth) to `base`:
    /// tests, the sandbox.
    ///
    /// # Errors
    /// [`Error::Config`] when `base` is not an absolute URL.
    pub fn base_url_for_all(mut self, base: &str) -> Result<Self> {
        for host in crate::hosts::ALL {
            self = self.base_url(host, base)?;
        }
        Ok(self)
    }

    /// Keeps tokens in `store` (default: in memory).
    pub fn token_store(mut self, store: Arc<dyn TokenStore>) -> Self {
        self.store = Some(store);
        self
    }

    /// Keeps tokens in a durable file at `path` (see [`DurableStore`]).
    ///
    /// Opens the file synchronously; inside async code you may prefer
    /// `DurableStore::open(path).await` with [`token_store`](Self::token_store).
    ///
    /// # Errors
    /// [`Error::Store`] when the file cannot be opened.
    pub fn durable_store(self, path: impl AsRef<std::path::Path>) -> Result<Self> {
        let store = DurableStore::open_blocking(path)?;
        Ok(self.token_store(Arc::new(store)))
    }

    /// Keeps tokens in Redis at `url` (`redis://host:6379/0`,
    /// `rediss://…`; see [`RedisStore`](crate::token::RedisStore) for
    /// clusters, sentinels and options), shared by every instance using the
    /// same Redis. The connection is made on first use
    /// ([`RedisStoreBuilder::connect_lazy`](crate::token::RedisStoreBuilder::connect_lazy)).
    ///
    /// # Errors
    /// [`Error::Config`] for an invalid URL, or when called outside a Tokio
    /// runtime.
    #[cfg(feature = "redis")]
    pub fn redis_store(self, url: impl Into<String>) -> Result<Self> {
        let store = crate::token::RedisStore::builder(url).connect_lazy()?;
        Ok(self.token_store(Arc::new(store)))
    }

    /// Uses an existing token manager (shares its cache with other clients).
    pub fn token_manager(mut self, manager: TokenManager) -> Self {
        self.manager = Some(manager);
        self
    }

    /// Timeout of one HTTP request (default 15 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The largest JSON answer read, in bytes (default
    /// [`DEFAULT_ANSWER_LIMIT`](crate::DEFAULT_ANSWER_LIMIT), 4 MiB): reading stops there and the call
    /// fails with [`Error::AnswerTooLarge`].
    pub fn answer_limit(mut self, bytes: u64) -> Self {
        self.limits.answer = bytes;
        self
    }

    /// The largest media answer read and the largest file uploaded, in bytes
    /// (default [`DEFAULT_MEDIA_LIMIT`](crate::DEFAULT_MEDIA_LIMIT), 32 MiB).
    pub fn media_limit(mut self, bytes: u64) -> Self {
        self.limits.media = bytes;
        self
    }

    /// Uses this `reqwest::Client` (its own timeouts and proxy apply).
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    /// [`Error::Config`] when the HTTP client cannot be built.
    pub fn build(self) -> Result<Client> {
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .timeout(self.timeout)
                .tls_backend_preconfigured(tls_config()?)
                .build()
                .map_err(|e| Error::Config(format!("HTTP client setup failed: {e}")))?,
        };
        let tokens = match (self.manager, self.store) {
            (Some(manager), _) => manager,
            (None, Some(store)) => TokenManager::new(store),
            (None, None) => TokenManager::new(Arc::new(MemoryStore::new())),
        };
        let keys = OwnKeys {
            component_access_token: self
                .config
                .component_appid()
                .map(TokenKey::component_access_token),
            access_token: self.config.appid().map(TokenKey::access_token),
            jsapi_ticket: self.config.appid().map(TokenKey::jsapi_ticket),
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                config: self.config,
                base_urls: self.base_urls,
                tokens,
                keys,
                limits: self.limits,
                retired: Mutex::default(),
            }),
            authorizer: None,
        })
    }
}

/// TLS with the ring provider and the platform's certificate verifier, set on
/// this client only: no process-wide default provider is installed, so the
/// application stays free to install its own.
pub(crate) fn tls_config() -> Result<rustls::ClientConfig> {
    use rustls_platform_verifier::BuilderVerifierExt;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|builder| builder.with_platform_verifier())
        .map(|builder| builder.with_no_client_auth())
        .map_err(|e| Error::Config(format!("TLS setup failed: {e}")))
}
