//! Static descriptions of endpoints, generated from the spec.
//!
//! Every generated method carries one; [`crate::api::ENDPOINTS`] lists them
//! all. They are what the sandbox serves, what the spec-derived tests check
//! against, and what the transport reads (method, host, path, credential,
//! body and answer kinds).

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
    /// The permission set (权限集) id(s) a third-party platform needs to call
    /// it for an authorizer, as the official documentation gives them
    /// (e.g. `"18"`, `"8-10, 13"`).
    pub permission: Option<&'static str>,
    /// HTTP method.
    pub method: HttpMethod,
    /// Host, e.g. `api.weixin.qq.com`.
    pub host: &'static str,
    /// Path, e.g. `/cgi-bin/token`; `{name}` marks a path parameter
    /// (a [`ParamLocation::Path`] entry of `params`).
    pub path: &'static str,
    /// The managed credential put in the query.
    pub credential: Credential,
    /// The query parameter name the credential is sent under: usually
    /// [`Credential::query_name`], but some endpoints take the
    /// `component_access_token` under the name `access_token`. Empty when
    /// the credential is [`Credential::None`].
    pub credential_param: &'static str,
    /// What the request body is.
    pub body: BodyKind,
    /// What a successful answer is.
    pub answer: AnswerKind,
    /// Path, query, body and multipart parameters.
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
    /// `POST` with a JSON or multipart body.
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
    /// The usual query parameter name, if any (see
    /// [`Endpoint::credential_param`] for the name an endpoint uses).
    pub fn query_name(self) -> Option<&'static str> {
        match self {
            Credential::None => None,
            Credential::AccessToken => Some("access_token"),
            Credential::ComponentAccessToken => Some("component_access_token"),
        }
    }
}

/// What the body of a request is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// No body (`GET`).
    None,
    /// A JSON object (`POST`); `{}` when the endpoint has no body parameters,
    /// because WeChat answers 44002 to an empty `POST`.
    Json,
    /// `multipart/form-data`: file parts and text fields.
    Multipart,
}

/// What a successful answer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerKind {
    /// A JSON object (with `errcode` 0 or none).
    Json,
    /// File bytes; WeChat answers errors as JSON.
    Media,
    /// File bytes, or a JSON object for some kinds of media (a video's URL,
    /// a news article).
    MediaOrJson,
}

/// A request parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamInfo {
    /// Where it goes.
    pub location: ParamLocation,
    /// Name on the wire.
    pub name: &'static str,
    /// Where its value comes from.
    pub source: ParamSource,
    /// The shape of its value.
    pub kind: ValueKind,
    /// Its value's keys sit directly in the body instead of under `name`
    /// (a flattened object or tagged union, e.g. `msgtype` and `text` of a
    /// customer-service message).
    pub flatten: bool,
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    /// A `{name}` segment of the path.
    Path,
    /// The query string.
    Query,
    /// The JSON body.
    Body,
    /// A part of a `multipart/form-data` body.
    Multipart,
}

/// Where a parameter's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamSource {
    /// A fixed value, as written in the spec (`"true"` for a boolean).
    Fixed(&'static str),
    /// The client configuration.
    Config(ConfigKey),
    /// The caller's request struct.
    Caller {
        /// Whether the caller must provide it.
        required: bool,
    },
}

/// The shape of a parameter's value on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// A JSON string (or text in a query, path or multipart field).
    String,
    /// A boolean.
    Bool,
    /// An integer (including integer-coded enums).
    Integer,
    /// A floating-point number.
    Float,
    /// A list.
    List,
    /// An object (a named type, a map, a union).
    Object,
    /// Any JSON value.
    Json,
    /// A string holding serialized JSON.
    JsonString,
    /// A file part of a multipart body.
    File,
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
    /// The WeChat Pay merchant id (`mchid`) of the `WechatPay` client (feature
    /// `pay`) a pay endpoint is called through (pay endpoints only).
    MchId,
}
