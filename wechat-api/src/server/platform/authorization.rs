//! The merchant's side of authorizing the platform: the start handler
//! (a fresh `pre_auth_code`, then a redirect to WeChat's authorization page)
//! and the handler of the page's redirect back (`auth_code` → `query_auth`,
//! which stores the authorizer's tokens → the authorizer's details).
//!
//! **The redirect handler already exchanges the code**: it calls
//! `api_query_auth` with the `auth_code` of its query (which stores the
//! authorizer's refresh token and caches its access token), then
//! `api_get_authorizer_info`. Nothing else has to exchange it: a
//! [`ComponentCallback`](crate::callback::ComponentCallback) hook seeing the
//! `authorized` push (which carries the same code) should not call
//! `query_auth` again; the authorizer's client is ready
//! (`client.authorizer(appid)`). An exchange made anyway is harmless: every
//! successful `query_auth` remembers its code for an hour (its SHA-1, in
//! the token store), and the redirect handler does not exchange a code
//! already exchanged (by itself on a reload, or by a hook); an exchange
//! after the handler's is refused by WeChat (codes are single-use) and
//! stores nothing. The handler answers the [`AuthorizedAccount`] as JSON, or
//! what the hook given to
//! [`CallbackRoutes::on_authorized`](super::CallbackRoutes::on_authorized)
//! answers (the platform's own page, a redirect).
//!
//! Both are reachable by anyone and spend WeChat API quota on every hit:
//! the start handler calls `api_create_preauthcode`, the redirect handler
//! `api_query_auth` with any `auth_code` it is given (a made-up one still
//! costs a call) and then `api_get_authorizer_info`. The router puts each
//! behind a rate limit ([`rate_limit`](super::rate_limit)), checked before
//! these handlers run.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::routes::CallbackRoutes;
use crate::Error;
use crate::api::component::{GetAuthorizerInfoRequest, QueryAuthRequest};
use crate::authorize::AuthType;

/// What the redirect handler answers (as JSON) once an authorization is
/// complete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AuthorizedAccount {
    /// The authorizer's appid.
    pub authorizer_appid: String,
    /// Its nickname.
    pub nick_name: String,
    /// Its original id (`gh_…`).
    pub user_name: String,
    /// The permission set ids it granted.
    pub func_ids: Vec<i64>,
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    (status, text).into_response()
}

fn query_map(query: Option<&str>) -> HashMap<String, String> {
    url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .into_owned()
        .collect()
}

/// Logs a failed WeChat call (its class and code, never a token) and
/// answers 503 before the first verify ticket arrived, 502 otherwise.
fn upstream_failure(what: &'static str, error: &Error) -> Response {
    tracing::warn!(%error, what, "WeChat call failed");
    match error {
        Error::TicketMissing { .. } => plain(
            StatusCode::SERVICE_UNAVAILABLE,
            "no component_verify_ticket yet: wait for WeChat's next push\n",
        ),
        _ => plain(StatusCode::BAD_GATEWAY, "WeChat call failed\n"),
    }
}

fn auth_type(code: &str) -> Option<AuthType> {
    Some(match code {
        "1" => AuthType::OfficialAccount,
        "2" => AuthType::MiniProgram,
        "3" => AuthType::Both,
        "4" => AuthType::Promoter,
        "5" => AuthType::Channels,
        "6" => AuthType::All,
        _ => return None,
    })
}

/// `GET /wechat/component/authorize[?auth_type=1..6][&biz_appid=wx…][&mobile=1]`:
/// creates a `pre_auth_code` and redirects the merchant to the
/// authorization page, which redirects back to the redirect handler.
pub(crate) async fn start(
    State(routes): State<CallbackRoutes>,
    RawQuery(query): RawQuery,
) -> Response {
    let query = query_map(query.as_deref());
    let kind = match query.get("auth_type").map(|code| auth_type(code)) {
        None => AuthType::default(),
        Some(Some(kind)) => kind,
        Some(None) => return plain(StatusCode::BAD_REQUEST, "auth_type must be 1 to 6\n"),
    };
    let client = routes.component().client();
    let code = match client.component().create_preauthcode().await {
        Ok(answer) => answer.pre_auth_code,
        Err(error) => return upstream_failure("create_preauthcode", &error),
    };
    let page = client
        .component_auth_url(code, routes.redirect_uri().as_str())
        .map(|page| {
            let page = page.auth_type(kind);
            let page = match query.get("biz_appid") {
                Some(appid) => page.biz_appid(appid.as_str()),
                None => page,
            };
            if query.get("mobile").is_some_and(|m| m == "1") {
                page.mobile()
            } else {
                page
            }
        })
        .and_then(|page| page.build());
    match page {
        Ok(page) => (
            StatusCode::FOUND,
            [(header::LOCATION, page.as_str().to_owned())],
        )
            .into_response(),
        Err(error) => upstream_failure("component_auth_url", &error),
    }
}

/// `GET /wechat/component/callback?auth_code=…&expires_in=…`: the page's
/// redirect back. `query_auth` stores the authorizer's refresh token (and
/// caches its access token), unless the code was already exchanged; the
/// answer is the authorizer's [`AuthorizedAccount`] as JSON, or the
/// `on_authorized` hook's answer.
pub(crate) async fn finish(
    State(routes): State<CallbackRoutes>,
    RawQuery(query): RawQuery,
) -> Response {
    let query = query_map(query.as_deref());
    let Some(auth_code) = query.get("auth_code").filter(|c| !c.is_empty()) else {
        tracing::warn!("authorization redirect without auth_code");
        return plain(StatusCode::BAD_REQUEST, "auth_code is missing\n");
    };
    let client = routes.component().client();
    let exchanged = client
        .tokens()
        .get(&crate::hooks::exchanged_code_key(auth_code))
        .await
        .ok()
        .flatten();
    // The permission sets from the exchange, if this handler made it.
    let (appid, granted) = match exchanged {
        Some(appid) => {
            tracing::info!("auth_code already exchanged; not exchanged again");
            (appid, None)
        }
        None => match client
            .component()
            .query_auth(QueryAuthRequest::new(auth_code.as_str()))
            .await
        {
            Ok(answer) => (
                answer.authorization_info.authorizer_appid,
                answer.authorization_info.func_info,
            ),
            Err(error) => return upstream_failure("query_auth", &error),
        },
    };
    let info = match client
        .component()
        .get_authorizer_info(GetAuthorizerInfoRequest::new(appid.as_str()))
        .await
    {
        Ok(info) => info,
        Err(error) => return upstream_failure("get_authorizer_info", &error),
    };
    tracing::info!(authorizer = %crate::callback::loggable::loggable(&appid), "authorization completed");
    let func_ids = granted
        .or(info.authorization_info.func_info)
        .unwrap_or_default()
        .iter()
        .map(|f| f.funcscope_category.id)
        .collect();
    let account = AuthorizedAccount {
        authorizer_appid: appid,
        nick_name: info.authorizer_info.nick_name,
        user_name: info.authorizer_info.user_name,
        func_ids,
    };
    match routes.authorized_page() {
        Some(page) => {
            let client = client.authorizer(account.authorizer_appid.as_str());
            page(account, client).await
        }
        None => Json(account).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_types_are_read_from_their_codes() {
        for code in 1..=6u8 {
            let kind = auth_type(&code.to_string()).unwrap();
            assert_eq!(kind.code(), code);
        }
        assert_eq!(auth_type("0"), None);
        assert_eq!(auth_type("x"), None);
    }
}
