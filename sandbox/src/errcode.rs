//! WeChat's error answers: `{"errcode": N, "errmsg": "..."}` with HTTP 200,
//! with the codes WeChat uses for each situation.

use axum::Json;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// `invalid credential, access_token is invalid or not latest`.
pub const INVALID_CREDENTIAL: i64 = 40001;
/// `invalid grant_type`.
pub const INVALID_GRANT_TYPE: i64 = 40002;
/// `invalid openid`.
pub const INVALID_OPENID: i64 = 40003;
/// `invalid appid`.
pub const INVALID_APPID: i64 = 40013;
/// `invalid access_token`.
pub const INVALID_ACCESS_TOKEN: i64 = 40014;
/// `invalid code` (web-page OAuth).
pub const INVALID_OAUTH_CODE: i64 = 40029;
/// `invalid refresh_token` (web-page OAuth).
pub const INVALID_OAUTH_REFRESH_TOKEN: i64 = 40030;
/// `invalid args`.
pub const INVALID_ARGS: i64 = 40097;
/// `invalid appsecret`.
pub const INVALID_SECRET: i64 = 40125;
/// `code been used` (web-page OAuth).
pub const OAUTH_CODE_USED: i64 = 40163;
/// `access_token missing`.
pub const MISSING_ACCESS_TOKEN: i64 = 41001;
/// `appid missing`.
pub const MISSING_APPID: i64 = 41002;
/// `refresh_token missing`.
pub const MISSING_REFRESH_TOKEN: i64 = 41003;
/// `appsecret missing`.
pub const MISSING_SECRET: i64 = 41004;
/// `missing code`.
pub const MISSING_CODE: i64 = 41008;
/// `missing openid`.
pub const MISSING_OPENID: i64 = 41009;
/// `access_token expired`.
pub const EXPIRED: i64 = 42001;
/// `refresh_token expired` (web-page OAuth).
pub const REFRESH_TOKEN_EXPIRED: i64 = 42002;
/// `empty post data`.
pub const EMPTY_POST: i64 = 44002;
/// `data format error`.
pub const DATA_FORMAT: i64 = 47001;
/// `api unauthorized`.
pub const API_UNAUTHORIZED: i64 = 48001;
/// `forbid to clear quota because of reaching the limit`.
pub const CLEAR_QUOTA_LIMIT: i64 = 48006;
/// `component is not authorized by this account`.
pub const NOT_AUTHORIZED: i64 = 61003;
/// `component ticket is invalid`.
pub const INVALID_TICKET: i64 = 61006;
/// `invalid authorization code`.
pub const INVALID_AUTH_CODE: i64 = 61009;
/// `authorization code is expired`.
pub const AUTH_CODE_EXPIRED: i64 = 61010;
/// `invalid authorizer_refresh_token`.
pub const INVALID_REFRESH_TOKEN: i64 = 61023;

/// A WeChat error answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WxError {
    /// The `errcode`.
    pub code: i64,
    /// The `errmsg`.
    pub message: String,
}

impl WxError {
    /// An error answer.
    pub fn new(code: i64, message: impl Into<String>) -> Self {
        WxError {
            code,
            message: message.into(),
        }
    }

    /// 40001.
    pub fn invalid_credential() -> Self {
        Self::new(
            INVALID_CREDENTIAL,
            "invalid credential, access_token is invalid or not latest",
        )
    }

    /// 42001.
    pub fn expired() -> Self {
        Self::new(EXPIRED, "access_token expired")
    }

    /// The answer for a missing parameter `name`.
    pub fn missing(name: &str, in_body: bool) -> Self {
        let code = match name {
            "access_token" | "component_access_token" => MISSING_ACCESS_TOKEN,
            "appid" | "component_appid" => MISSING_APPID,
            "secret" | "component_appsecret" => MISSING_SECRET,
            "refresh_token" | "authorizer_refresh_token" => MISSING_REFRESH_TOKEN,
            "code" => MISSING_CODE,
            "openid" => MISSING_OPENID,
            "grant_type" => INVALID_GRANT_TYPE,
            _ if in_body => DATA_FORMAT,
            _ => INVALID_ARGS,
        };
        Self::new(code, format!("missing {name}"))
    }
}

impl IntoResponse for WxError {
    fn into_response(self) -> Response {
        Json(json!({ "errcode": self.code, "errmsg": self.message })).into_response()
    }
}
