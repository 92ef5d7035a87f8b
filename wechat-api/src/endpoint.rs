//! Static descriptions of endpoints, generated from the spec.
//!
//! Every generated method carries one; [`crate::api::ENDPOINTS`] lists them
//! all. They are what the sandbox serves and what the tests check against.

use std::fmt;

/// One endpoint as the spec describes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Endpoint {
    /// The spec module (`client.<module>()`).
    pub module: &'static str,
    /// The spec name (the method name).
    pub name: &'static str,
    /// The doc line.
    pub summary: &'static str,
    /// The official documentation link.
    pub link: Option<&'static str>,
    /// HTTP method.
    pub method: HttpMethod,
    /// Host, e.g. `api.weixin.qq.com`.
    pub host: &'static str,
    /// Path, e.g. `/cgi-bin/token`.
    pub path: &'static str,
    /// The managed credential put in the query.
    pub credential: Credential,
    /// Query and body parameters.
    pub params: &'static [ParamInfo],
    /// Wire names of the response's top-level fields.
    pub response_fields: &'static [&'static str],
    /// The example response from the official docs.
    pub example: Option<&'static str>,
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.module, self.name)
    }
}

/// HTTP method of an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpMethod {
    /// `GET`.
    Get,
    /// `POST` with a JSON body.
    Post,
}

impl HttpMethod {
    /// `"GET"` or `"POST"`.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
        }
    }
}

/// The managed credential an endpoint puts in its query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    /// None.
    None,
    /// `access_token`: the account's basic token or an authorizer's.
    AccessToken,
    /// `component_access_token`: the third-party platform's token.
    ComponentAccessToken,
}

impl Credential {
    /// The query parameter name, if any.
    pub fn query_name(self) -> Option<&'static str> {
        match self {
            Credential::None => None,
            Credential::AccessToken => Some("access_token"),
            Credential::ComponentAccessToken => Some("component_access_token"),
        }
    }
}

/// A request parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamInfo {
    /// Query or body.
    pub location: ParamLocation,
    /// Name on the wire.
    pub name: &'static str,
    /// Where its value comes from.
    pub source: ParamSource,
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    /// The query string.
    Query,
    /// The JSON body.
    Body,
}

/// Where a parameter's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamSource {
    /// A fixed value.
    Fixed(&'static str),
    /// The client configuration.
    Config(ConfigKey),
    /// The caller's request struct.
    Caller {
        /// Whether the caller must provide it.
        required: bool,
    },
}

/// A configuration value a parameter is filled from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigKey {
    /// The appid the client acts for: the account's own, or the authorizer's.
    AppId,
    /// The account's AppSecret.
    Secret,
    /// The third-party platform's appid.
    ComponentAppId,
    /// The third-party platform's AppSecret.
    ComponentSecret,
}
