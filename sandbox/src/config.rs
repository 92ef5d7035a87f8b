//! What the sandbox knows: the third-party platform, the official account,
//! the merchants that can authorize and the users that can log in, and how
//! long what it issues lives.

use std::fmt;
use std::time::Duration;

use wechat_api::endpoint::Endpoint;

use crate::code_review::AuditVerdict;
use crate::release_test::AccountKind;

/// The component appid of the default configuration.
pub const DEFAULT_COMPONENT_APPID: &str = "wx00000000c0000001";
/// The official account appid of the default configuration.
pub const DEFAULT_OFFICIAL_APPID: &str = "wx00000000a0000001";
/// The merchant (authorizer) appid of the default configuration.
pub const DEFAULT_MERCHANT_APPID: &str = "wx00000000b0000001";
/// The openid of the user of the default configuration.
pub const DEFAULT_OPENID: &str = "oSandboxUser0000000000000001";

/// A merchant: an official account or a mini program that can authorize
/// the third-party platform on the sandbox's authorization page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merchant {
    /// The authorizer appid.
    pub appid: String,
    /// Its nickname (`authorizer_info.nick_name`).
    pub nick_name: String,
    /// Its original id (`gh_...`).
    pub user_name: String,
    /// Its subject (company) name.
    pub principal_name: String,
    /// The permission set ids it grants.
    pub func_ids: Vec<i64>,
    /// An official account (the default) or a mini program: endpoints
    /// sharing a path for both (`message/custom/send`) are told apart by it.
    pub kind: AccountKind,
}

impl Merchant {
    /// A merchant with appid `appid` and nickname `nick_name`, granting
    /// permission sets 1, 2 and 3.
    pub fn new(appid: impl Into<String>, nick_name: impl Into<String>) -> Self {
        let appid = appid.into();
        let tail: String = appid
            .chars()
            .rev()
            .take(12)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        Merchant {
            user_name: format!("gh_{tail}"),
            appid,
            nick_name: nick_name.into(),
            principal_name: "Sandbox Trading Co., Ltd.".to_owned(),
            func_ids: vec![1, 2, 3],
            kind: AccountKind::OfficialAccount,
        }
    }

    /// Sets the original id (`gh_...`).
    pub fn user_name(mut self, user_name: impl Into<String>) -> Self {
        self.user_name = user_name.into();
        self
    }

    /// Makes it a mini program (or an official account).
    pub fn kind(mut self, kind: AccountKind) -> Self {
        self.kind = kind;
        self
    }

    /// Sets the permission set ids granted on authorization.
    pub fn func_ids(mut self, ids: impl IntoIterator<Item = i64>) -> Self {
        self.func_ids = ids.into_iter().collect();
        self
    }
}

/// A WeChat user who can go through web-page OAuth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The openid (the same for every account in the sandbox).
    pub openid: String,
    /// The nickname `sns/userinfo` returns.
    pub nickname: String,
    /// The unionid, if any.
    pub unionid: Option<String>,
}

impl User {
    /// A user with this openid and nickname.
    pub fn new(openid: impl Into<String>, nickname: impl Into<String>) -> Self {
        User {
            openid: openid.into(),
            nickname: nickname.into(),
            unionid: None,
        }
    }

    /// Sets the unionid.
    pub fn unionid(mut self, unionid: impl Into<String>) -> Self {
        self.unionid = Some(unionid.into());
        self
    }
}

/// The sandbox's configuration; start from [`SandboxConfig::builder`].
///
/// `Debug` does not show secrets.
#[derive(Clone)]
pub struct SandboxConfig {
    pub(crate) component_appid: String,
    pub(crate) component_secret: String,
    pub(crate) component_token: String,
    pub(crate) component_aes_key: String,
    pub(crate) official_appid: String,
    pub(crate) official_secret: String,
    pub(crate) official_token: String,
    pub(crate) official_aes_key: String,
    pub(crate) merchants: Vec<Merchant>,
    pub(crate) users: Vec<User>,
    pub(crate) token_ttl: Duration,
    pub(crate) token_overlap: Duration,
    pub(crate) code_ttl: Duration,
    pub(crate) push_interval: Option<Duration>,
    pub(crate) push_timeout: Duration,
    pub(crate) callback_url: Option<url::Url>,
    pub(crate) message_url: Option<String>,
    pub(crate) audit_verdict: AuditVerdict,
    pub(crate) page_size: usize,
    pub(crate) call_log_capacity: usize,
    pub(crate) endpoints: &'static [&'static Endpoint],
    pub(crate) pay: crate::pay::PaySettings,
}

impl fmt::Debug for SandboxConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SandboxConfig")
            .field("component_appid", &self.component_appid)
            .field("official_appid", &self.official_appid)
            .field("merchants", &self.merchants)
            .field("users", &self.users)
            .field("token_ttl", &self.token_ttl)
            .field("token_overlap", &self.token_overlap)
            .field("code_ttl", &self.code_ttl)
            .field("push_interval", &self.push_interval)
            .field(
                "callback_url",
                &self.callback_url.as_ref().map(url::Url::as_str),
            )
            .field("message_url", &self.message_url)
            .field("audit_verdict", &self.audit_verdict)
            .field("page_size", &self.page_size)
            .field("call_log_capacity", &self.call_log_capacity)
            .field("endpoints", &self.endpoints.len())
            .field("pay", &self.pay)
            .finish_non_exhaustive()
    }
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            component_appid: DEFAULT_COMPONENT_APPID.to_owned(),
            component_secret: "sandbox-component-secret".to_owned(),
            component_token: "sandboxtoken".to_owned(),
            component_aes_key: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG".to_owned(),
            official_appid: DEFAULT_OFFICIAL_APPID.to_owned(),
            official_secret: "sandbox-official-secret".to_owned(),
            official_token: "sandboxofficialtoken".to_owned(),
            official_aes_key: "0123456789abcdefghijklmnopqrstuvwxyzABCDEFG".to_owned(),
            merchants: vec![Merchant::new(DEFAULT_MERCHANT_APPID, "Sandbox Coffee")],
            users: vec![User::new(DEFAULT_OPENID, "Alice")],
            token_ttl: Duration::from_secs(7200),
            token_overlap: Duration::from_secs(300),
            code_ttl: Duration::from_secs(600),
            push_interval: Some(Duration::from_secs(600)),
            push_timeout: Duration::from_secs(5),
            callback_url: None,
            message_url: None,
            audit_verdict: AuditVerdict::Approve,
            page_size: 10_000,
            call_log_capacity: crate::CALL_LOG_CAPACITY,
            endpoints: wechat_api::api::ENDPOINTS,
            pay: crate::pay::PaySettings::default(),
        }
    }
}

impl SandboxConfig {
    /// A builder starting from the default configuration: one component
    /// platform, one official account, one merchant and one user, tokens of
    /// 7200 s, a verify ticket pushed every 10 minutes once a callback URL is
    /// set.
    pub fn builder() -> SandboxConfigBuilder {
        SandboxConfigBuilder {
            config: SandboxConfig::default(),
            merchants_set: false,
            users_set: false,
        }
    }

    /// The third-party platform's appid.
    pub fn component_appid(&self) -> &str {
        &self.component_appid
    }

    /// The third-party platform's AppSecret.
    pub fn component_secret(&self) -> &str {
        &self.component_secret
    }

    /// The third-party platform's message token.
    pub fn component_token(&self) -> &str {
        &self.component_token
    }

    /// The third-party platform's EncodingAESKey.
    pub fn component_aes_key(&self) -> &str {
        &self.component_aes_key
    }

    /// The official account's appid.
    pub fn official_appid(&self) -> &str {
        &self.official_appid
    }

    /// The official account's AppSecret.
    pub fn official_secret(&self) -> &str {
        &self.official_secret
    }

    /// The official account's message token (its own message URL's).
    pub fn official_token(&self) -> &str {
        &self.official_token
    }

    /// The official account's EncodingAESKey (its own message URL's).
    pub fn official_aes_key(&self) -> &str {
        &self.official_aes_key
    }

    /// The merchants that can authorize.
    pub fn merchants(&self) -> &[Merchant] {
        &self.merchants
    }

    /// The users that can log in.
    pub fn users(&self) -> &[User] {
        &self.users
    }

    /// Lifetime of every token and ticket issued.
    pub fn token_ttl(&self) -> Duration {
        self.token_ttl
    }

    /// The verify ticket push interval, if pushes are scheduled.
    pub fn push_interval(&self) -> Option<Duration> {
        self.push_interval
    }

    /// The WeChat Pay settings.
    pub fn pay(&self) -> &crate::pay::PaySettings {
        &self.pay
    }

    /// The merchant with this appid.
    pub fn merchant(&self, appid: &str) -> Option<&Merchant> {
        self.merchants.iter().find(|m| m.appid == appid)
    }

    /// The user with this openid.
    pub fn user(&self, openid: &str) -> Option<&User> {
        self.users.iter().find(|u| u.openid == openid)
    }

    /// A `wechat_api::Config` with the credentials of this sandbox's
    /// component platform and official account (its message token and
    /// EncodingAESKey included).
    ///
    /// # Errors
    /// [`wechat_api::Error::Config`] when the configured EncodingAESKey is not
    /// 43 characters.
    pub fn client_config(&self) -> wechat_api::Result<wechat_api::Config> {
        wechat_api::Config::builder()
            .appid(&self.official_appid)
            .secret(&self.official_secret)
            .token(&self.official_token)
            .encoding_aes_key(&self.official_aes_key)
            .component_appid(&self.component_appid)
            .component_secret(&self.component_secret)
            .component_token(&self.component_token)
            .component_encoding_aes_key(&self.component_aes_key)
            .build()
    }

    /// A `wechat_api::Config` of the official account alone (appid,
    /// AppSecret, message token and EncodingAESKey; no third-party
    /// platform), as an account's own server has it.
    ///
    /// # Errors
    /// [`wechat_api::Error::Config`] as [`Config::build`](wechat_api::ConfigBuilder::build).
    pub fn account_config(&self) -> wechat_api::Result<wechat_api::Config> {
        wechat_api::Config::builder()
            .appid(&self.official_appid)
            .secret(&self.official_secret)
            .token(&self.official_token)
            .encoding_aes_key(&self.official_aes_key)
            .build()
    }
}

/// Builds a [`SandboxConfig`].
#[derive(Debug)]
#[must_use]
pub struct SandboxConfigBuilder {
    config: SandboxConfig,
    merchants_set: bool,
    users_set: bool,
}

impl SandboxConfigBuilder {
    /// The third-party platform's appid and AppSecret.
    pub fn component(mut self, appid: impl Into<String>, secret: impl Into<String>) -> Self {
        self.config.component_appid = appid.into();
        self.config.component_secret = secret.into();
        self
    }

    /// The third-party platform's message token and EncodingAESKey (43
    /// characters), used to sign and encrypt the pushes.
    pub fn component_crypto(
        mut self,
        token: impl Into<String>,
        aes_key: impl Into<String>,
    ) -> Self {
        self.config.component_token = token.into();
        self.config.component_aes_key = aes_key.into();
        self
    }

    /// The official account's appid and AppSecret.
    pub fn official(mut self, appid: impl Into<String>, secret: impl Into<String>) -> Self {
        self.config.official_appid = appid.into();
        self.config.official_secret = secret.into();
        self
    }

    /// The official account's message token and EncodingAESKey (43
    /// characters), used to sign and encrypt the pushes to its own URL.
    pub fn official_crypto(mut self, token: impl Into<String>, aes_key: impl Into<String>) -> Self {
        self.config.official_token = token.into();
        self.config.official_aes_key = aes_key.into();
        self
    }

    /// Adds a merchant (the first call replaces the default one).
    pub fn merchant(mut self, merchant: Merchant) -> Self {
        if !self.merchants_set {
            self.config.merchants.clear();
            self.merchants_set = true;
        }
        self.config.merchants.push(merchant);
        self
    }

    /// Adds a user (the first call replaces the default one).
    pub fn user(mut self, user: User) -> Self {
        if !self.users_set {
            self.config.users.clear();
            self.users_set = true;
        }
        self.config.users.push(user);
        self
    }

    /// Lifetime of every token and ticket issued (default 7200 s); the
    /// `expires_in` answered is this in whole seconds (at least 1).
    pub fn token_ttl(mut self, ttl: Duration) -> Self {
        self.config.token_ttl = ttl;
        self
    }

    /// How long a token replaced by `cgi-bin/token` (or a forced
    /// `stable_token`) keeps working (default 5 minutes, as on WeChat).
    pub fn token_overlap(mut self, overlap: Duration) -> Self {
        self.config.token_overlap = overlap;
        self
    }

    /// Lifetime of pre-auth codes, auth codes and OAuth codes (default 600 s).
    pub fn code_ttl(mut self, ttl: Duration) -> Self {
        self.config.code_ttl = ttl;
        self
    }

    /// Pushes a new verify ticket every `interval` once a callback URL is
    /// set (default 10 minutes); `None`: only on demand.
    pub fn push_interval(mut self, interval: Option<Duration>) -> Self {
        self.config.push_interval = interval;
        self
    }

    /// How long a push waits for the callback's answer (default 5 s).
    pub fn push_timeout(mut self, timeout: Duration) -> Self {
        self.config.push_timeout = timeout;
        self
    }

    /// Where events are pushed (can also be set later with
    /// [`Sandbox::set_callback_url`](crate::Sandbox::set_callback_url)).
    pub fn callback_url(mut self, url: url::Url) -> Self {
        self.config.callback_url = Some(url);
        self
    }

    /// The platform's message URL, with WeChat's `$APPID$` placeholder
    /// (can also be set later with
    /// [`Sandbox::set_message_url`](crate::Sandbox::set_message_url)).
    pub fn message_url(mut self, template: impl Into<String>) -> Self {
        self.config.message_url = Some(template.into());
        self
    }

    /// How code reviews are decided (default
    /// [`AuditVerdict::Approve`]; can be changed later with
    /// [`Sandbox::set_audit_verdict`](crate::Sandbox::set_audit_verdict)).
    pub fn audit_verdict(mut self, verdict: AuditVerdict) -> Self {
        self.config.audit_verdict = verdict;
        self
    }

    /// The most openids a page of the follower list holds (default 10000,
    /// as WeChat; smaller to exercise paging with a few users; at least 1).
    pub fn page_size(mut self, size: usize) -> Self {
        self.config.page_size = size.max(1);
        self
    }

    /// How many calls [`Sandbox::calls`](crate::Sandbox::calls) keeps
    /// (default [`CALL_LOG_CAPACITY`](crate::CALL_LOG_CAPACITY)); the
    /// oldest are dropped. 0 records none.
    pub fn call_log_capacity(mut self, capacity: usize) -> Self {
        self.config.call_log_capacity = capacity;
        self
    }

    /// How the sandbox plays WeChat Pay (default
    /// [`PaySettings::default`](crate::pay::PaySettings)).
    pub fn pay(mut self, settings: crate::pay::PaySettings) -> Self {
        self.config.pay = settings;
        self
    }

    /// Serves these endpoints instead of `wechat_api::api::ENDPOINTS`.
    pub fn endpoints(mut self, endpoints: &'static [&'static Endpoint]) -> Self {
        self.config.endpoints = endpoints;
        self
    }

    /// The configuration.
    ///
    /// # Errors
    /// [`SandboxError::Config`](crate::SandboxError::Config) when the
    /// EncodingAESKey is invalid, a value is empty, or there is no merchant
    /// or no user.
    pub fn build(self) -> Result<SandboxConfig, crate::SandboxError> {
        let c = self.config;
        let bad = |m: &str| Err(crate::SandboxError::Config(m.to_owned()));
        for (name, value) in [
            ("component appid", &c.component_appid),
            ("component secret", &c.component_secret),
            ("component token", &c.component_token),
            ("official appid", &c.official_appid),
            ("official secret", &c.official_secret),
        ] {
            if value.trim().is_empty() {
                return bad(&format!("the {name} is empty"));
            }
        }
        if let Err(e) = wechat_api::crypto::decode_encoding_aes_key(&c.component_aes_key) {
            return bad(&format!("invalid EncodingAESKey: {e}"));
        }
        if c.merchants.is_empty() {
            return bad("at least one merchant is needed");
        }
        if c.users.is_empty() {
            return bad("at least one user is needed");
        }
        if c.token_ttl.is_zero() || c.code_ttl.is_zero() {
            return bad("token and code lifetimes must be positive");
        }
        if c.push_interval.is_some_and(|i| i.is_zero()) {
            return bad("the push interval must be positive");
        }
        if let Some(template) = &c.message_url {
            crate::message_push::message_url(template, DEFAULT_MERCHANT_APPID)?;
        }
        Ok(c)
    }
}
