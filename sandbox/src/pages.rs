//! The browser side: the third-party platform's authorization page
//! (`componentloginpage` on the mp host, `bindcomponent` on the open host)
//! and the web-page OAuth authorize page (`connect/oauth2/authorize`).
//!
//! A person would click "authorize" on these pages; in the sandbox the
//! configured merchant or user says yes at once and the page redirects.
//! Bad requests get a 400 with a one-line text explanation, as WeChat shows
//! an error page.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use url::Url;

use crate::push::Event;
use crate::world::{Authorization, OAuthCode, after, random_string};
use crate::{Shared, expires_in};

fn refuse(message: &str) -> Response {
    tracing::info!(message, "sandbox page refused a request");
    (
        StatusCode::BAD_REQUEST,
        format!("WeChat sandbox: {message}\n"),
    )
        .into_response()
}

fn redirect(to: &Url) -> Response {
    (
        StatusCode::FOUND,
        [(header::LOCATION, to.as_str().to_owned())],
    )
        .into_response()
}

fn parse_query(query: Option<&str>) -> HashMap<String, String> {
    url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .into_owned()
        .collect()
}

fn redirect_target(query: &HashMap<String, String>) -> Result<Url, &'static str> {
    let raw = query.get("redirect_uri").ok_or("redirect_uri is missing")?;
    match Url::parse(raw) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => Ok(url),
        _ => Err("redirect_uri is not an absolute http(s) URL"),
    }
}

/// `GET /cgi-bin/componentloginpage` (and the mobile `bindcomponent`): the
/// merchant authorizes the platform; WeChat pushes `authorized` (or
/// `updateauthorized`) and redirects to `redirect_uri?auth_code=..&expires_in=..`.
pub(crate) async fn component_login_page(
    State(shared): State<Arc<Shared>>,
    RawQuery(query): RawQuery,
) -> Response {
    let query = parse_query(query.as_deref());
    let config = &shared.config;
    if query.get("component_appid") != Some(&config.component_appid) {
        return refuse("component_appid is missing or unknown");
    }
    let mut target = match redirect_target(&query) {
        Ok(url) => url,
        Err(message) => return refuse(message),
    };
    if let Some(auth_type) = query.get("auth_type")
        && !matches!(auth_type.as_str(), "1" | "2" | "3" | "4" | "5" | "6")
    {
        return refuse("auth_type must be 1 to 6");
    }
    let Some(pre_auth_code) = query.get("pre_auth_code").cloned() else {
        return refuse("pre_auth_code is missing");
    };
    let (event, auth_code) = {
        let mut world = shared.world();
        let merchant = match query.get("biz_appid") {
            Some(appid) => config.merchant(appid),
            None => world
                .selected_merchant
                .as_deref()
                .and_then(|a| config.merchant(a))
                .or_else(|| config.merchants.first()),
        };
        let Some(merchant) = merchant else {
            return refuse("biz_appid is not a merchant of the sandbox");
        };
        if let Err(message) = world.use_pre_auth_code(&pre_auth_code) {
            return refuse(message);
        }
        let auth_code = world.issue_auth_code(&merchant.appid, config.code_ttl);
        let update = world.authorizations.contains_key(&merchant.appid);
        if !update {
            world.authorizations.insert(
                merchant.appid.clone(),
                Authorization {
                    refresh_token: format!("refreshtoken@@@{}", random_string(43)),
                    func_ids: merchant.func_ids.clone(),
                },
            );
        }
        let event = Event::Authorized {
            update,
            authorizer_appid: merchant.appid.clone(),
            authorization_code: auth_code.clone(),
            expired_time: crate::push::unix_now()
                .saturating_add(i64::try_from(config.code_ttl.as_secs()).unwrap_or(i64::MAX)),
            pre_auth_code,
        };
        (event, auth_code)
    };
    tracing::info!(
        kind = event.info_type(),
        "merchant authorized in the sandbox"
    );
    if let Err(error) = shared.push(&event).await {
        // WeChat redirects whatever became of the push.
        tracing::warn!(%error, kind = event.info_type(), "the authorization event was not delivered");
    }
    target
        .query_pairs_mut()
        .append_pair("auth_code", &auth_code)
        .append_pair("expires_in", &expires_in(config.code_ttl).to_string());
    redirect(&target)
}

/// `GET /connect/oauth2/authorize`: the user consents; WeChat redirects to
/// `redirect_uri?code=..&state=..`.
pub(crate) async fn oauth_authorize(
    State(shared): State<Arc<Shared>>,
    RawQuery(query): RawQuery,
) -> Response {
    let query = parse_query(query.as_deref());
    let config = &shared.config;
    let Some(appid) = query.get("appid").cloned() else {
        return refuse("appid is missing");
    };
    let mut target = match redirect_target(&query) {
        Ok(url) => url,
        Err(message) => return refuse(message),
    };
    if query.get("response_type").map(String::as_str) != Some("code") {
        return refuse("response_type must be code");
    }
    let scope = match query.get("scope").map(String::as_str) {
        Some(scope @ ("snsapi_base" | "snsapi_userinfo")) => scope.to_owned(),
        _ => return refuse("scope must be snsapi_base or snsapi_userinfo"),
    };
    let code = {
        let mut world = shared.world();
        let component_appid = match query.get("component_appid") {
            None if appid == config.official_appid => None,
            None => return refuse("appid is not an account of the sandbox"),
            Some(c) if *c != config.component_appid => {
                return refuse("component_appid is unknown");
            }
            Some(c) if world.authorizations.contains_key(&appid) => Some(c.clone()),
            Some(_) => return refuse("appid has not authorized the component"),
        };
        let user = world
            .selected_user
            .as_deref()
            .and_then(|o| config.user(o))
            .or_else(|| config.users.first());
        let Some(user) = user else {
            return refuse("no user in the sandbox");
        };
        let code = random_string(32);
        world.oauth_codes.insert(
            code.clone(),
            OAuthCode {
                appid,
                component_appid,
                openid: user.openid.clone(),
                scope,
                expires_at: after(std::time::Instant::now(), config.code_ttl),
                used: false,
            },
        );
        code
    };
    {
        let mut pairs = target.query_pairs_mut();
        pairs.append_pair("code", &code);
        pairs.append_pair("state", query.get("state").map_or("", String::as_str));
        // Through a third-party platform, WeChat also says which authorizer.
        if query.contains_key("component_appid") {
            pairs.append_pair("appid", query.get("appid").map_or("", String::as_str));
        }
    }
    redirect(&target)
}
