//! Authorization URLs (no HTTP call): the third-party platform's
//! authorization page and the web-page OAuth authorize URL.
//!
//! WeChat matches these URLs strictly: parameters are written in the order its
//! documentation gives, `redirect_uri` is percent-encoded, and the links that
//! need it end in `#wechat_redirect`.

use url::Url;

use crate::client::Client;
use crate::endpoint::ConfigKey;
use crate::error::{Error, Result};

pub use crate::hosts::{MP_HOST, OPEN_HOST};

/// Which accounts the merchant may pick on the authorization page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum AuthType {
    /// Official accounts only (`1`).
    OfficialAccount,
    /// Mini programs only (`2`).
    MiniProgram,
    /// Both (`3`).
    #[default]
    Both,
    /// Mini-program promoter accounts (`4`).
    Promoter,
    /// Channels (视频号) accounts (`5`).
    Channels,
    /// Every kind (`6`).
    All,
}

impl AuthType {
    /// The number WeChat expects.
    pub fn code(self) -> u8 {
        match self {
            AuthType::OfficialAccount => 1,
            AuthType::MiniProgram => 2,
            AuthType::Both => 3,
            AuthType::Promoter => 4,
            AuthType::Channels => 5,
            AuthType::All => 6,
        }
    }
}

/// The third-party platform's authorization page, where a merchant
/// authorizes the platform (`componentloginpage` on PC, `bindcomponent` on
/// mobile).
///
/// ```
/// use wechat_api::authorize::{AuthType, ComponentAuthUrl};
/// let url = ComponentAuthUrl::new("wx_component", "preauthcode@@@x", "https://example.com/cb?a=1")
///     .auth_type(AuthType::OfficialAccount)
///     .build()
///     .unwrap();
/// assert_eq!(
///     url.as_str(),
///     "https://mp.weixin.qq.com/cgi-bin/componentloginpage?component_appid=wx_component\
///      &pre_auth_code=preauthcode%40%40%40x&redirect_uri=https%3A%2F%2Fexample.com%2Fcb%3Fa%3D1&auth_type=1"
/// );
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ComponentAuthUrl {
    component_appid: String,
    pre_auth_code: String,
    redirect_uri: String,
    auth_type: AuthType,
    biz_appid: Option<String>,
    mobile: bool,
    /// Base URL of the PC page's host (`mp.weixin.qq.com`), when overridden.
    base_mp: Option<Url>,
    /// Base URL of the mobile link's host (`open.weixin.qq.com`), when overridden.
    base_open: Option<Url>,
}

impl std::fmt::Debug for ComponentAuthUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ComponentAuthUrl")
            .field("component_appid", &self.component_appid)
            .field("pre_auth_code", &"[redacted]")
            .field("redirect_uri", &self.redirect_uri)
            .field("auth_type", &self.auth_type)
            .field("biz_appid", &self.biz_appid)
            .field("mobile", &self.mobile)
            .finish_non_exhaustive()
    }
}

impl ComponentAuthUrl {
    /// The PC page for `pre_auth_code`, returning to `redirect_uri` with
    /// `auth_code` and `expires_in`.
    pub fn new(
        component_appid: impl Into<String>,
        pre_auth_code: impl Into<String>,
        redirect_uri: impl Into<String>,
    ) -> Self {
        Self {
            component_appid: component_appid.into(),
            pre_auth_code: pre_auth_code.into(),
            redirect_uri: redirect_uri.into(),
            auth_type: AuthType::default(),
            biz_appid: None,
            mobile: false,
            base_mp: None,
            base_open: None,
        }
    }

    /// Which accounts may be picked (default [`AuthType::Both`]).
    pub fn auth_type(mut self, auth_type: AuthType) -> Self {
        self.auth_type = auth_type;
        self
    }

    /// Only this account may authorize.
    pub fn biz_appid(mut self, appid: impl Into<String>) -> Self {
        self.biz_appid = Some(appid.into());
        self
    }

    /// The mobile link (`bindcomponent`, opened inside WeChat) instead of the PC page.
    pub fn mobile(mut self) -> Self {
        self.mobile = true;
        self
    }

    /// Sends the browser to `base` instead of WeChat's hosts (the sandbox),
    /// for both the PC page and the mobile link.
    pub fn base_url(mut self, base: Url) -> Self {
        self.base_mp = Some(base.clone());
        self.base_open = Some(base);
        self
    }

    /// The URL.
    ///
    /// # Errors
    /// [`Error::Config`] when `redirect_uri` is not an absolute http(s) URL or
    /// a required value is empty.
    pub fn build(&self) -> Result<Url> {
        check_redirect(&self.redirect_uri)?;
        non_empty("component_appid", &self.component_appid)?;
        non_empty("pre_auth_code", &self.pre_auth_code)?;
        let (base, host, path) = if self.mobile {
            (&self.base_open, OPEN_HOST, "/wxaopen/safe/bindcomponent")
        } else {
            (&self.base_mp, MP_HOST, "/cgi-bin/componentloginpage")
        };
        let mut url = base_or_default(base.as_ref(), host, path)?;
        {
            let mut q = url.query_pairs_mut();
            if self.mobile {
                q.append_pair("action", "bindcomponent")
                    .append_pair("no_scan", "1");
            }
            q.append_pair("component_appid", &self.component_appid)
                .append_pair("pre_auth_code", &self.pre_auth_code)
                .append_pair("redirect_uri", &self.redirect_uri)
                .append_pair("auth_type", &self.auth_type.code().to_string());
            if let Some(biz) = &self.biz_appid {
                q.append_pair("biz_appid", biz);
            }
        }
        if self.mobile {
            url.set_fragment(Some("wechat_redirect"));
        }
        Ok(url)
    }
}

/// Web-page OAuth scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Silent: only the openid.
    Base,
    /// Asks the user: openid plus profile (`sns/userinfo`).
    UserInfo,
}

impl Scope {
    /// `snsapi_base` or `snsapi_userinfo`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Base => "snsapi_base",
            Scope::UserInfo => "snsapi_userinfo",
        }
    }
}

/// The web-page OAuth authorize URL (`connect/oauth2/authorize`), for the
/// account itself or, with [`component_appid`](Self::component_appid),
/// started by a third-party platform for an authorizer.
///
/// ```
/// use wechat_api::authorize::{OAuthUrl, Scope};
/// let url = OAuthUrl::new("wx_app", "https://example.com/oauth", Scope::UserInfo)
///     .state("s1")
///     .build()
///     .unwrap();
/// assert_eq!(
///     url.as_str(),
///     "https://open.weixin.qq.com/connect/oauth2/authorize?appid=wx_app\
///      &redirect_uri=https%3A%2F%2Fexample.com%2Foauth&response_type=code\
///      &scope=snsapi_userinfo&state=s1#wechat_redirect"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthUrl {
    appid: String,
    redirect_uri: String,
    scope: Scope,
    state: Option<String>,
    component_appid: Option<String>,
    force_popup: bool,
    base: Option<Url>,
}

impl OAuthUrl {
    /// Authorize URL for `appid`, returning to `redirect_uri` with `code` and `state`.
    pub fn new(appid: impl Into<String>, redirect_uri: impl Into<String>, scope: Scope) -> Self {
        Self {
            appid: appid.into(),
            redirect_uri: redirect_uri.into(),
            scope,
            state: None,
            component_appid: None,
            force_popup: false,
            base: None,
        }
    }

    /// `state`, echoed back to `redirect_uri` (at most 128 bytes of `a-zA-Z0-9`).
    pub fn state(mut self, state: impl Into<String>) -> Self {
        self.state = Some(state.into());
        self
    }

    /// Started by this third-party platform on behalf of `appid`.
    pub fn component_appid(mut self, component_appid: impl Into<String>) -> Self {
        self.component_appid = Some(component_appid.into());
        self
    }

    /// Always show the consent popup (`forcePopup=true`).
    pub fn force_popup(mut self) -> Self {
        self.force_popup = true;
        self
    }

    /// Sends the browser to `base` instead of WeChat's host (the sandbox).
    pub fn base_url(mut self, base: Url) -> Self {
        self.base = Some(base);
        self
    }

    /// The URL, ending in `#wechat_redirect`.
    ///
    /// # Errors
    /// [`Error::Config`] when `redirect_uri` is not an absolute http(s) URL,
    /// `appid` is empty, or `state` is too long or not alphanumeric.
    pub fn build(&self) -> Result<Url> {
        check_redirect(&self.redirect_uri)?;
        non_empty("appid", &self.appid)?;
        if let Some(state) = &self.state
            && (state.len() > 128 || !state.bytes().all(|b| b.is_ascii_alphanumeric()))
        {
            return Err(Error::Config(
                "OAuth `state` must be at most 128 characters of a-z, A-Z, 0-9".into(),
            ));
        }
        let mut url = base_or_default(self.base.as_ref(), OPEN_HOST, "/connect/oauth2/authorize")?;
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("appid", &self.appid)
                .append_pair("redirect_uri", &self.redirect_uri)
                .append_pair("response_type", "code")
                .append_pair("scope", self.scope.as_str());
            if let Some(state) = &self.state {
                q.append_pair("state", state);
            }
            if self.force_popup {
                q.append_pair("forcePopup", "true");
            }
            if let Some(component_appid) = &self.component_appid {
                q.append_pair("component_appid", component_appid);
            }
        }
        url.set_fragment(Some("wechat_redirect"));
        Ok(url)
    }
}

impl Client {
    /// The authorization page for `pre_auth_code`, with this client's
    /// component appid and base URL overrides.
    ///
    /// # Errors
    /// [`Error::Config`] when no component appid is configured.
    pub fn component_auth_url(
        &self,
        pre_auth_code: impl Into<String>,
        redirect_uri: impl Into<String>,
    ) -> Result<ComponentAuthUrl> {
        let component_appid = self.config_value(ConfigKey::ComponentAppId)?;
        let mut url = ComponentAuthUrl::new(component_appid, pre_auth_code, redirect_uri);
        url.base_mp = self.base_url_override(MP_HOST).cloned();
        url.base_open = self.base_url_override(OPEN_HOST).cloned();
        Ok(url)
    }

    /// The OAuth authorize URL for the account this client acts for; through
    /// the third-party platform when it acts for an authorizer.
    ///
    /// # Errors
    /// [`Error::Config`] when the appid (or component appid) is not configured.
    pub fn oauth_url(&self, redirect_uri: impl Into<String>, scope: Scope) -> Result<OAuthUrl> {
        let appid = self.config_value(ConfigKey::AppId)?;
        let mut url = OAuthUrl::new(appid, redirect_uri, scope);
        url.base = self.base_url_override(OPEN_HOST).cloned();
        if self.authorizer_appid().is_some() {
            url = url.component_appid(self.config_value(ConfigKey::ComponentAppId)?);
        }
        Ok(url)
    }
}

fn base_or_default(base: Option<&Url>, host: &str, path: &str) -> Result<Url> {
    let mut url = match base {
        Some(base) => base.clone(),
        None => Url::parse(&format!("https://{host}"))
            .map_err(|e| Error::Config(format!("invalid host `{host}`: {e}")))?,
    };
    let prefix = url.path().trim_end_matches('/').to_string();
    url.set_path(&format!("{prefix}{path}"));
    url.set_query(None);
    url.set_fragment(None);
    Ok(url)
}

fn check_redirect(redirect_uri: &str) -> Result<()> {
    match Url::parse(redirect_uri) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => Ok(()),
        _ => Err(Error::Config(format!(
            "redirect_uri `{redirect_uri}` must be an absolute http(s) URL"
        ))),
    }
}

fn non_empty(name: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::Config(format!("`{name}` is empty")));
    }
    Ok(())
}
