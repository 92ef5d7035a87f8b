//! Credentials and settings of an official account and/or a third-party
//! platform, from code or from the environment.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};

use crate::error::{Error, Result};

/// Where the client gets the official account's basic `access_token`
/// ([`ConfigBuilder::access_token_endpoint`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum AccessTokenEndpoint {
    /// `cgi-bin/stable_token` (the default). Fetching it does not invalidate
    /// the token other servers hold, so two deployments that do not share a
    /// token store no longer knock each other's token out (40001). The
    /// client asks with `force_refresh: true` only after WeChat rejected the
    /// current token (40001, 40014, 42001), at most once per rejection
    /// (WeChat allows 20 forced refreshes a day).
    #[default]
    StableToken,
    /// `cgi-bin/token`: every fetch issues a new token and retires the
    /// previous one after 5 minutes, so every instance must share one token
    /// store. For accounts that must keep the classic behaviour.
    Token,
}

/// What the client needs to know about your account(s).
///
/// Every value is optional: an official account sets `appid` and `secret`
/// (plus `token` and `encoding_aes_key` for callbacks); a third-party platform
/// sets the `component_*` values. A call that needs a missing value fails with
/// [`Error::Config`] naming it. Secrets are held in [`SecretString`] and never
/// appear in `Debug` output.
#[derive(Clone, Default)]
pub struct Config {
    pub(crate) appid: Option<String>,
    pub(crate) secret: Option<SecretString>,
    pub(crate) token: Option<SecretString>,
    pub(crate) encoding_aes_key: Option<SecretString>,
    pub(crate) component_appid: Option<String>,
    pub(crate) component_secret: Option<SecretString>,
    pub(crate) component_token: Option<SecretString>,
    pub(crate) component_encoding_aes_key: Option<SecretString>,
    pub(crate) access_token_endpoint: AccessTokenEndpoint,
}

/// The environment variables [`Config::from_env`] reads.
pub const ENV_VARS: [&str; 8] = [
    "WECHAT_APPID",
    "WECHAT_SECRET",
    "WECHAT_TOKEN",
    "WECHAT_ENCODING_AES_KEY",
    "WECHAT_COMPONENT_APPID",
    "WECHAT_COMPONENT_SECRET",
    "WECHAT_COMPONENT_TOKEN",
    "WECHAT_COMPONENT_ENCODING_AES_KEY",
];

impl Config {
    /// Starts an empty configuration.
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }

    /// Reads the configuration from the `WECHAT_*` variables listed in
    /// [`ENV_VARS`]; unset or empty variables stay unset.
    ///
    /// # Errors
    /// [`Error::Config`] when a set EncodingAESKey is not 43 characters.
    pub fn from_env() -> Result<Self> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`from_env`](Self::from_env), reading variables through `lookup`.
    ///
    /// # Errors
    /// [`Error::Config`] when a set EncodingAESKey is not 43 characters.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let mut b = Config::builder();
        let [appid, secret, token, key, c_appid, c_secret, c_token, c_key] = ENV_VARS;
        if let Some(v) = get(appid) {
            b = b.appid(v);
        }
        if let Some(v) = get(secret) {
            b = b.secret(v);
        }
        if let Some(v) = get(token) {
            b = b.token(v);
        }
        if let Some(v) = get(key) {
            b = b.encoding_aes_key(v);
        }
        if let Some(v) = get(c_appid) {
            b = b.component_appid(v);
        }
        if let Some(v) = get(c_secret) {
            b = b.component_secret(v);
        }
        if let Some(v) = get(c_token) {
            b = b.component_token(v);
        }
        if let Some(v) = get(c_key) {
            b = b.component_encoding_aes_key(v);
        }
        b.build()
    }

    /// The official account's appid.
    pub fn appid(&self) -> Option<&str> {
        self.appid.as_deref()
    }

    /// The third-party platform's appid.
    pub fn component_appid(&self) -> Option<&str> {
        self.component_appid.as_deref()
    }

    /// The official account's AppSecret.
    pub fn secret(&self) -> Option<&SecretString> {
        self.secret.as_ref()
    }

    /// The official account's message token (callback signatures).
    pub fn token(&self) -> Option<&SecretString> {
        self.token.as_ref()
    }

    /// The official account's EncodingAESKey (43 characters).
    pub fn encoding_aes_key(&self) -> Option<&SecretString> {
        self.encoding_aes_key.as_ref()
    }

    /// The third-party platform's AppSecret.
    pub fn component_secret(&self) -> Option<&SecretString> {
        self.component_secret.as_ref()
    }

    /// The third-party platform's message token.
    pub fn component_token(&self) -> Option<&SecretString> {
        self.component_token.as_ref()
    }

    /// The third-party platform's EncodingAESKey.
    pub fn component_encoding_aes_key(&self) -> Option<&SecretString> {
        self.component_encoding_aes_key.as_ref()
    }

    /// Where the managed basic `access_token` comes from (default
    /// [`AccessTokenEndpoint::StableToken`]).
    pub fn access_token_endpoint(&self) -> AccessTokenEndpoint {
        self.access_token_endpoint
    }

    /// `Ok(value)` or a [`Error::Config`] naming what is missing.
    pub(crate) fn require<'a>(value: Option<&'a str>, name: &str) -> Result<&'a str> {
        value.ok_or_else(|| Error::Config(format!("`{name}` is not configured")))
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let set = |v: &Option<SecretString>| if v.is_some() { "[redacted]" } else { "None" };
        f.debug_struct("Config")
            .field("appid", &self.appid)
            .field("secret", &set(&self.secret))
            .field("token", &set(&self.token))
            .field("encoding_aes_key", &set(&self.encoding_aes_key))
            .field("component_appid", &self.component_appid)
            .field("component_secret", &set(&self.component_secret))
            .field("component_token", &set(&self.component_token))
            .field(
                "component_encoding_aes_key",
                &set(&self.component_encoding_aes_key),
            )
            .field("access_token_endpoint", &self.access_token_endpoint)
            .finish()
    }
}

/// Builds a [`Config`]; see [`Config::builder`].
#[derive(Default, Debug)]
pub struct ConfigBuilder {
    config: Config,
}

impl ConfigBuilder {
    /// The official account's appid.
    pub fn appid(mut self, value: impl Into<String>) -> Self {
        self.config.appid = Some(value.into());
        self
    }

    /// The official account's AppSecret.
    pub fn secret(mut self, value: impl Into<String>) -> Self {
        self.config.secret = Some(SecretString::from(value.into()));
        self
    }

    /// The official account's message token.
    pub fn token(mut self, value: impl Into<String>) -> Self {
        self.config.token = Some(SecretString::from(value.into()));
        self
    }

    /// The official account's EncodingAESKey (43 characters).
    pub fn encoding_aes_key(mut self, value: impl Into<String>) -> Self {
        self.config.encoding_aes_key = Some(SecretString::from(value.into()));
        self
    }

    /// The third-party platform's appid.
    pub fn component_appid(mut self, value: impl Into<String>) -> Self {
        self.config.component_appid = Some(value.into());
        self
    }

    /// The third-party platform's AppSecret.
    pub fn component_secret(mut self, value: impl Into<String>) -> Self {
        self.config.component_secret = Some(SecretString::from(value.into()));
        self
    }

    /// The third-party platform's message token.
    pub fn component_token(mut self, value: impl Into<String>) -> Self {
        self.config.component_token = Some(SecretString::from(value.into()));
        self
    }

    /// The third-party platform's EncodingAESKey (43 characters).
    pub fn component_encoding_aes_key(mut self, value: impl Into<String>) -> Self {
        self.config.component_encoding_aes_key = Some(SecretString::from(value.into()));
        self
    }

    /// Where the managed basic `access_token` comes from: `cgi-bin/stable_token`
    /// by default, `cgi-bin/token` with [`AccessTokenEndpoint::Token`]. Only
    /// the token the client fetches for itself is concerned; calling
    /// `client.official().token()` or `.stable_token(..)` directly is
    /// always possible.
    pub fn access_token_endpoint(mut self, endpoint: AccessTokenEndpoint) -> Self {
        self.config.access_token_endpoint = endpoint;
        self
    }

    /// Checks and returns the configuration.
    ///
    /// # Errors
    /// [`Error::Config`] when an EncodingAESKey is set but is not 43
    /// characters, or an appid is empty.
    pub fn build(self) -> Result<Config> {
        let c = self.config;
        for (name, key) in [
            ("encoding_aes_key", &c.encoding_aes_key),
            ("component_encoding_aes_key", &c.component_encoding_aes_key),
        ] {
            if let Some(key) = key
                && key.expose_secret().len() != 43
            {
                return Err(Error::Config(format!(
                    "`{name}` must be 43 characters (it is {})",
                    key.expose_secret().len()
                )));
            }
        }
        for (name, appid) in [("appid", &c.appid), ("component_appid", &c.component_appid)] {
            if appid.as_deref().is_some_and(|a| a.trim().is_empty()) {
                return Err(Error::Config(format!("`{name}` is empty")));
            }
        }
        Ok(c)
    }
}
