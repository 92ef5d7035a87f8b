//! The spec-driven part: one route per path of `wechat_api::api::ENDPOINTS`
//! (or the configured list). Endpoints sharing a path and method are told
//! apart per request ([`select`]); the chosen endpoint gets the generic
//! checks ([`crate::checks`]) and then either a stateful override (see
//! [`crate::overrides`]) or the spec's example answer — JSON, or a sample
//! JPEG for the endpoints that answer a file.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter};
use serde_json::json;
use wechat_api::endpoint::{
    AnswerKind, BodyKind, Endpoint, HttpMethod, ParamLocation, ParamSource,
};

use crate::answer::{Answer, File};
use crate::checks::{self, Incoming, accepts, credential_name};
use crate::errcode::WxError;
use crate::release_test::AccountKind;
use crate::{Shared, overrides};

/// The routes of every endpoint in `endpoints`, grouped by path and method.
pub(crate) fn spec_routes(endpoints: &'static [&'static Endpoint]) -> Router<Arc<Shared>> {
    let mut groups: BTreeMap<(&'static str, &'static str), Vec<&'static Endpoint>> =
        BTreeMap::new();
    for &endpoint in endpoints {
        if endpoint.path.starts_with(crate::pay::PREFIX) {
            // WeChat Pay: served by `crate::pay`, signed and stateful
            continue;
        }
        if !routable(endpoint.path) {
            tracing::warn!(%endpoint, path = endpoint.path, "cannot route this path; skipping the endpoint");
            continue;
        }
        groups
            .entry((endpoint.path, endpoint.method.as_str()))
            .or_default()
            .push(endpoint);
    }
    let mut by_path: BTreeMap<&'static str, MethodRouter<Arc<Shared>>> = BTreeMap::new();
    for ((path, _), candidates) in groups {
        let Some(method) = candidates.first().map(|e| e.method) else {
            continue;
        };
        let filter = match method {
            HttpMethod::Get => MethodFilter::GET,
            HttpMethod::Post => MethodFilter::POST,
        };
        let candidates: Arc<[&'static Endpoint]> = candidates.into();
        let handler = move |State(shared): State<Arc<Shared>>,
                            uri: Uri,
                            headers: axum::http::HeaderMap,
                            RawQuery(query): RawQuery,
                            body: Bytes| {
            let candidates = Arc::clone(&candidates);
            async move {
                let content_type = headers
                    .get(header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok());
                let incoming = Incoming::new(
                    path,
                    uri.path(),
                    query.as_deref().unwrap_or(""),
                    content_type,
                    body,
                );
                match select(&shared, &candidates, &incoming) {
                    Some(endpoint) => serve(&shared, endpoint, incoming).await,
                    None => not_found().await,
                }
            }
        };
        let route = by_path.remove(path).unwrap_or_default();
        by_path.insert(path, route.on(filter, handler));
    }
    let mut router = Router::new();
    for (path, route) in by_path {
        router = router.route(path, route);
    }
    router
}

/// Whether `path` is a route axum accepts: literal segments, and `{name}`
/// segments for path parameters (no wildcards, which it would reject with a
/// panic, no empty segment).
fn routable(path: &str) -> bool {
    let Some(rest) = path.strip_prefix('/') else {
        return false;
    };
    let segments: Vec<&str> = rest.split('/').collect();
    let last = segments.len() - 1;
    segments.iter().enumerate().all(|(i, segment)| {
        let literal = |s: &str| {
            s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
        };
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(name) => !name.is_empty() && literal(name),
            // only a trailing slash leaves a segment empty
            None => literal(segment) && (!segment.is_empty() || (i == last && i > 0)),
        }
    })
}

/// The endpoint a request to a shared path is for: the one whose fixed
/// query and body values it carries (`action=create` or `action=search`),
/// then the one whose body kind it has (a multipart form or JSON), then the
/// one whose credential its token is (an `access_token` or a
/// `component_access_token`) and, for an access token, the one for the
/// kind of account it acts for (a mini program's token goes to the `wxa`
/// modules' endpoint); the first declared on a tie. A request carrying a
/// parameter that some of them fix is for one of those: with a value none
/// of them has, the first of them answers, and its checks refuse the value.
pub(crate) fn select(
    shared: &Shared,
    candidates: &[&'static Endpoint],
    incoming: &Incoming,
) -> Option<&'static Endpoint> {
    let (&first, rest) = candidates.split_first()?;
    if rest.is_empty() {
        return Some(first);
    }
    let mut eligible: Vec<&'static Endpoint> = candidates.to_vec();
    for (location, name) in candidates.iter().flat_map(|e| fixed_params(e)) {
        if incoming.value(location, name).is_none() {
            continue;
        }
        let declaring: Vec<&'static Endpoint> = eligible
            .iter()
            .copied()
            .filter(|e| fixed_params(e).any(|p| p == (location, name)))
            .collect();
        if !declaring.is_empty() {
            eligible = declaring;
        }
    }
    let mut best: Option<(i32, &'static Endpoint)> = None;
    for endpoint in eligible {
        let score = fit(shared, endpoint, incoming);
        if best.is_none_or(|(top, _)| score > top) {
            best = Some((score, endpoint));
        }
    }
    Some(best.map_or(first, |(_, endpoint)| endpoint))
}

/// Where and under which name `endpoint` takes fixed query or body values.
fn fixed_params(endpoint: &Endpoint) -> impl Iterator<Item = (ParamLocation, &'static str)> {
    endpoint
        .params
        .iter()
        .filter_map(|p| match (p.source, p.location) {
            (ParamSource::Fixed(_), location @ (ParamLocation::Query | ParamLocation::Body)) => {
                Some((location, p.name))
            }
            _ => None,
        })
}

/// How well a request fits `endpoint`.
fn fit(shared: &Shared, endpoint: &Endpoint, incoming: &Incoming) -> i32 {
    let mut score = 0;
    for param in endpoint.params {
        let ParamSource::Fixed(expected) = param.source else {
            continue;
        };
        if matches!(
            param.location,
            ParamLocation::Path | ParamLocation::Multipart
        ) {
            continue;
        }
        match incoming.value(param.location, param.name) {
            Some(value) if value == expected => score += 8,
            Some(_) => score -= 8,
            None => score -= 1,
        }
    }
    let multipart = endpoint.body == BodyKind::Multipart;
    if multipart == incoming.boundary.is_some() {
        score += 2;
    }
    if let Some(name) = credential_name(endpoint)
        && let Some(token) = incoming.query.get(name)
    {
        let kind = shared.world().check(token).ok().cloned();
        match kind {
            Some(kind) if accepts(endpoint.credential, &kind) => {
                score += 2;
                if kind
                    .appid()
                    .is_some_and(|appid| shared.account_kind(appid) == audience(endpoint))
                {
                    score += 1;
                }
            }
            Some(_) => score -= 2,
            None => {}
        }
    }
    score
}

/// The kind of account an endpoint is for: the spec's mini-program modules
/// are named `wxa…`.
fn audience(endpoint: &Endpoint) -> AccountKind {
    if endpoint.module.starts_with("wxa") {
        AccountKind::MiniProgram
    } else {
        AccountKind::OfficialAccount
    }
}

/// Serves one call: generic checks, then the override or the example.
async fn serve(shared: &Arc<Shared>, endpoint: &'static Endpoint, incoming: Incoming) -> Response {
    shared.monitor.record_endpoint(endpoint);
    let call = match checks::check(shared, endpoint, incoming).await {
        Ok(call) => call,
        Err(e) => {
            tracing::debug!(%endpoint, code = e.code, "sandbox refused a call");
            return e.into_response();
        }
    };
    let answer = match overrides::find(endpoint) {
        Some(handler) => handler.run(shared, &call),
        None => example(endpoint),
    };
    match answer {
        Ok(answer) => answer.into_response(),
        Err(e) => {
            tracing::debug!(%endpoint, code = e.code, "sandbox refused a call");
            e.into_response()
        }
    }
}

/// The spec's example answer (`{"errcode":0,"errmsg":"ok"}` without one),
/// or the sample JPEG for an endpoint that answers a file.
fn example(endpoint: &Endpoint) -> Result<Answer, WxError> {
    if endpoint.answer == AnswerKind::Media {
        return Ok(Answer::File(File::sample_jpeg(format!(
            "{}.jpg",
            endpoint.name
        ))));
    }
    match endpoint.example {
        None => Ok(Answer::Json(json!({"errcode": 0, "errmsg": "ok"}))),
        Some(text) => serde_json::from_str(text).map(Answer::Json).map_err(|e| {
            tracing::error!(%endpoint, error = %e, "the spec's example is not JSON");
            WxError::new(-1, "system error")
        }),
    }
}

/// The answer for a path no endpoint has.
pub(crate) async fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "not found in the WeChat sandbox").into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_and_parameter_segments_are_routable() {
        assert!(routable("/cgi-bin/token"));
        assert!(routable("/wxa/{appid}/page"));
        assert!(!routable("/wxa/{}/page"));
        assert!(!routable("/wxa/*rest"));
        assert!(!routable("/wxa/{*rest}"));
        assert!(!routable("wxa"));
        assert!(!routable("/wxa//x"));
    }
}
