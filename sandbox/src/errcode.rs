//! WeChat's error answers: `{"errcode": N, "errmsg": "..."}` with HTTP 200,
//! with the codes WeChat uses for each situation.
//!
//! The codes, their names and meanings are the library's
//! ([`wechat_api::errcode`], re-exported here); this module only builds the
//! answers.

use axum::Json;
use axum::response::{IntoResponse, Response};
use serde_json::json;

pub use wechat_api::errcode::*;

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
        Self::new(ACCESS_TOKEN_EXPIRED, "access_token expired")
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
