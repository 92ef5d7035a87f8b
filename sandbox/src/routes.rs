//! The spec-driven part: one route per endpoint of
//! `wechat_api::api::ENDPOINTS` (or the configured list), with the generic
//! checks every endpoint gets — credential, required parameters, fixed
//! values, appids and secrets — and then either a stateful override (keyed
//! by path, see [`crate::overrides`]) or the spec's example answer.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter};
use serde_json::{Map, Value, json};
use wechat_api::endpoint::{
    ConfigKey, Credential, Endpoint, HttpMethod, ParamLocation, ParamSource,
};

use crate::errcode::{self, WxError};
use crate::world::TokenKind;
use crate::{Shared, overrides};

/// A request that passed the generic checks.
#[derive(Debug)]
pub(crate) struct Call {
    /// The endpoint called.
    pub endpoint: &'static Endpoint,
    query: HashMap<String, String>,
    body: Map<String, Value>,
    /// The credential's token and what it is, when the endpoint takes one.
    pub token: Option<(String, TokenKind)>,
}

impl Call {
    /// A parameter, from the query or the body (strings as is, other JSON
    /// values rendered).
    pub fn param(&self, name: &str) -> Option<String> {
        self.query
            .get(name)
            .cloned()
            .or_else(|| self.body.get(name).and_then(render))
    }

    /// A body field as JSON (objects included).
    pub fn body_field(&self, name: &str) -> Option<&Value> {
        self.body.get(name)
    }

    /// A parameter that must be there (the generic checks made sure of it
    /// when the spec says so).
    pub fn required(&self, name: &str) -> Result<String, WxError> {
        self.param(name)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| WxError::missing(name, self.endpoint.method == HttpMethod::Post))
    }

    /// A boolean body parameter.
    pub fn flag(&self, name: &str) -> bool {
        match self.body.get(name) {
            Some(Value::Bool(b)) => *b,
            Some(Value::String(s)) => s == "true" || s == "1",
            Some(Value::Number(n)) => n.as_i64().is_some_and(|n| n != 0),
            _ => self
                .query
                .get(name)
                .is_some_and(|s| s == "true" || s == "1"),
        }
    }
}

fn render(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// The routes of every endpoint in `endpoints`, grouped by path.
pub(crate) fn spec_routes(endpoints: &'static [&'static Endpoint]) -> Router<Arc<Shared>> {
    let mut by_path: BTreeMap<&'static str, MethodRouter<Arc<Shared>>> = BTreeMap::new();
    let mut seen = std::collections::HashSet::new();
    for &endpoint in endpoints {
        if !routable(endpoint.path) {
            tracing::warn!(%endpoint, path = endpoint.path, "cannot route this path; skipping the endpoint");
            continue;
        }
        if !seen.insert((endpoint.path, endpoint.method.as_str())) {
            tracing::warn!(%endpoint, path = endpoint.path, "two endpoints share a method and path; serving the first");
            continue;
        }
        let filter = match endpoint.method {
            HttpMethod::Get => MethodFilter::GET,
            HttpMethod::Post => MethodFilter::POST,
        };
        let handler = move |State(shared): State<Arc<Shared>>,
                            RawQuery(query): RawQuery,
                            body: Bytes| async move {
            serve(&shared, endpoint, query.as_deref().unwrap_or(""), &body)
        };
        let route = by_path.remove(endpoint.path).unwrap_or_default();
        by_path.insert(endpoint.path, route.on(filter, handler));
    }
    let mut router = Router::new();
    for (path, route) in by_path {
        router = router.route(path, route);
    }
    router
}

/// Whether `path` is a literal route axum accepts (no parameters or
/// wildcards, which it would reject with a panic).
fn routable(path: &str) -> bool {
    path.starts_with('/')
        && path
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'_' | b'-' | b'.'))
}

/// Serves one call: generic checks, then the override or the example.
fn serve(shared: &Shared, endpoint: &'static Endpoint, query: &str, body: &[u8]) -> Response {
    let call = match check(shared, endpoint, query, body) {
        Ok(call) => call,
        Err(e) => {
            tracing::debug!(%endpoint, code = e.code, "sandbox refused a call");
            return e.into_response();
        }
    };
    let answer = match overrides::find(endpoint.path) {
        Some(handler) => handler(shared, &call),
        None => example(endpoint),
    };
    match answer {
        Ok(value) => axum::Json(value).into_response(),
        Err(e) => {
            tracing::debug!(%endpoint, code = e.code, "sandbox refused a call");
            e.into_response()
        }
    }
}

/// The spec's example answer, or `{"errcode":0,"errmsg":"ok"}` without one.
fn example(endpoint: &Endpoint) -> Result<Value, WxError> {
    match endpoint.example {
        None => Ok(json!({"errcode": 0, "errmsg": "ok"})),
        Some(text) => serde_json::from_str(text).map_err(|e| {
            tracing::error!(%endpoint, error = %e, "the spec's example is not JSON");
            WxError::new(-1, "system error")
        }),
    }
}

/// The checks every endpoint gets, in WeChat's order: credential, body
/// format, then each parameter.
fn check(
    shared: &Shared,
    endpoint: &'static Endpoint,
    query: &str,
    body: &[u8],
) -> Result<Call, WxError> {
    let query: HashMap<String, String> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let mut token = None;
    if let Some(name) = endpoint.credential.query_name() {
        let value = query
            .get(name)
            .filter(|v| !v.is_empty())
            .cloned()
            .ok_or_else(|| WxError::missing(name, false))?;
        let world = shared.world();
        let kind = world.check(&value)?;
        let right_kind = match endpoint.credential {
            Credential::AccessToken => kind.is_access_token(),
            Credential::ComponentAccessToken => *kind == TokenKind::Component,
            Credential::None => true,
        };
        if !right_kind {
            return Err(WxError::invalid_credential());
        }
        token = Some((value, kind.clone()));
    }
    let has_body_params = endpoint
        .params
        .iter()
        .any(|p| p.location == ParamLocation::Body);
    let body = match endpoint.method {
        HttpMethod::Post if body.iter().all(u8::is_ascii_whitespace) => {
            if has_body_params {
                return Err(WxError::new(errcode::EMPTY_POST, "empty post data"));
            }
            Map::new()
        }
        HttpMethod::Post => match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(map)) => map,
            _ => {
                return Err(WxError::new(
                    errcode::DATA_FORMAT,
                    "data format error: the body is not a JSON object",
                ));
            }
        },
        HttpMethod::Get => Map::new(),
    };
    let call = Call {
        endpoint,
        query,
        body,
        token,
    };
    let config = &shared.config;
    let mut appid_for_secret = None;
    for param in endpoint.params {
        if param.flatten {
            // its keys sit in the body itself; the body's other checks apply
            continue;
        }
        let in_body = param.location == ParamLocation::Body;
        let value = match param.location {
            ParamLocation::Query => call.query.get(param.name).cloned(),
            ParamLocation::Body => call.body.get(param.name).and_then(render),
            // path and multipart parameters are checked by the routes that serve them
            ParamLocation::Path | ParamLocation::Multipart => continue,
        }
        .filter(|v| !v.is_empty());
        let value = match (value, param.source) {
            (None, ParamSource::Caller { required: false }) => continue,
            (None, _) => return Err(WxError::missing(param.name, in_body)),
            (Some(v), _) => v,
        };
        match param.source {
            ParamSource::Fixed(expected) if value != expected => {
                let code = if param.name == "grant_type" {
                    errcode::INVALID_GRANT_TYPE
                } else {
                    errcode::INVALID_ARGS
                };
                return Err(WxError::new(code, format!("invalid {}", param.name)));
            }
            ParamSource::Config(ConfigKey::AppId) => {
                let known = value == config.official_appid || config.merchant(&value).is_some();
                let token_appid = call.token.as_ref().and_then(|(_, kind)| kind.appid());
                if !known || token_appid.is_some_and(|a| a != value) {
                    return Err(WxError::new(errcode::INVALID_APPID, "invalid appid"));
                }
                appid_for_secret = Some(value);
            }
            ParamSource::Config(ConfigKey::ComponentAppId) if value != config.component_appid => {
                return Err(WxError::new(errcode::INVALID_APPID, "invalid appid"));
            }
            ParamSource::Config(ConfigKey::ComponentSecret) if value != config.component_secret => {
                return Err(WxError::new(errcode::INVALID_SECRET, "invalid appsecret"));
            }
            // `Config(Secret)` is checked against the appid below, once
            // every parameter was read.
            _ => {}
        }
    }
    if let Some(param) = endpoint
        .params
        .iter()
        .find(|p| p.source == ParamSource::Config(ConfigKey::Secret))
    {
        let secret = call.param(param.name).unwrap_or_default();
        let appid_ok = appid_for_secret.is_some_and(|a| a == config.official_appid);
        if !appid_ok || secret != config.official_secret {
            return Err(WxError::new(errcode::INVALID_SECRET, "invalid appsecret"));
        }
    }
    Ok(call)
}

/// The answer for a path no endpoint has.
pub(crate) async fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "not found in the WeChat sandbox").into_response()
}
