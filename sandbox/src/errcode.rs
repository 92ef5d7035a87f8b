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
/// `invalid media type` (not image, voice, video or thumb).
pub const INVALID_MEDIA_TYPE: i64 = 40004;
/// `invalid file type` (the extension does not fit the kind of media).
pub const INVALID_FILE_TYPE: i64 = 40005;
/// `invalid media size` (an empty file).
pub const INVALID_MEDIA_SIZE: i64 = 40006;
/// `invalid media_id`.
pub const INVALID_MEDIA_ID: i64 = 40007;
/// `invalid message type`.
pub const INVALID_MESSAGE_TYPE: i64 = 40008;
/// `invalid image size`.
pub const INVALID_IMAGE_SIZE: i64 = 40009;
/// `invalid voice size`.
pub const INVALID_VOICE_SIZE: i64 = 40010;
/// `invalid video size`.
pub const INVALID_VIDEO_SIZE: i64 = 40011;
/// `invalid thumb size`.
pub const INVALID_THUMB_SIZE: i64 = 40012;
/// `invalid appid`.
pub const INVALID_APPID: i64 = 40013;
/// `invalid access_token`.
pub const INVALID_ACCESS_TOKEN: i64 = 40014;
/// `invalid button size` (a menu has 1 to 3 buttons).
pub const INVALID_BUTTON_SIZE: i64 = 40016;
/// `invalid button type`.
pub const INVALID_BUTTON_TYPE: i64 = 40017;
/// `invalid button name size` (1 to 16 bytes).
pub const INVALID_BUTTON_NAME_SIZE: i64 = 40018;
/// `invalid button key size` (1 to 128 bytes).
pub const INVALID_BUTTON_KEY_SIZE: i64 = 40019;
/// `invalid button url size` (1 to 1024 bytes).
pub const INVALID_BUTTON_URL_SIZE: i64 = 40020;
/// `invalid sub menu level` (a sub-button holding sub-buttons).
pub const INVALID_SUB_MENU_LEVEL: i64 = 40022;
/// `invalid sub button size` (1 to 5 sub-buttons).
pub const INVALID_SUB_BUTTON_SIZE: i64 = 40023;
/// `invalid sub button type`.
pub const INVALID_SUB_BUTTON_TYPE: i64 = 40024;
/// `invalid sub button name size` (1 to 60 bytes).
pub const INVALID_SUB_BUTTON_NAME_SIZE: i64 = 40025;
/// `invalid sub button key size`.
pub const INVALID_SUB_BUTTON_KEY_SIZE: i64 = 40026;
/// `invalid sub button url size`.
pub const INVALID_SUB_BUTTON_URL_SIZE: i64 = 40027;
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
/// `media data missing`: no file part.
pub const MEDIA_MISSING: i64 = 41005;
/// `access_token expired`.
pub const EXPIRED: i64 = 42001;
/// `refresh_token expired` (web-page OAuth).
pub const REFRESH_TOKEN_EXPIRED: i64 = 42002;
/// `empty post data`.
pub const EMPTY_POST: i64 = 44002;
/// `article size out of limit`.
pub const ARTICLE_SIZE: i64 = 45008;
/// `menu no exist`.
pub const MENU_NOT_EXIST: i64 = 46003;
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

/// `tag is in invalid format` (`submit_audit`).
pub const INVALID_TAG: i64 = 85006;
/// `page is in invalid format` (`submit_audit`: not a page of the code).
pub const INVALID_PAGE: i64 = 85007;
/// `category is in invalid format` (`submit_audit`).
pub const INVALID_CATEGORY: i64 = 85008;
/// `already submit a version under auditing`.
pub const UNDER_AUDIT: i64 = 85009;
/// `invalid audit id`.
pub const INVALID_AUDIT_ID: i64 = 85012;
/// `no audit version` (`release` before any review).
pub const NO_AUDIT_VERSION: i64 = 85019;
/// `status not allowed` (`release` of a version not approved).
pub const STATUS_NOT_ALLOWED: i64 = 85020;
/// `pages field is empty` (`commit`).
pub const EMPTY_PAGES: i64 = 85047;
/// `parse ext_json fail` (`commit`).
pub const PARSE_EXT_JSON: i64 = 85048;
/// `app is already released`.
pub const ALREADY_RELEASED: i64 = 85052;
/// `no valid audit_id exist` (`get_latest_auditstatus` before any review).
pub const NO_AUDIT_ID: i64 = 85058;
/// `must commit before submit audit`.
pub const MUST_COMMIT: i64 = 85086;
/// `system error`.
pub const SYSTEM_ERROR: i64 = -1;

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
