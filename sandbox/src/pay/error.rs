//! WeChat Pay's error answers: an HTTP status and
//! `{"code": "...", "message": "...", "detail": {...}}`, as API v3 answers
//! every refusal (a signed answer like any other).

use axum::http::StatusCode;
use serde_json::{Value, json};

/// A refusal, answered as WeChat Pay answers it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PayError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub detail: Option<Value>,
}

impl PayError {
    pub(crate) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        PayError {
            status,
            code,
            message: message.into(),
            detail: None,
        }
    }

    /// Adds `detail: {"field": .., "location": .., "issue": ..}`.
    pub(crate) fn detail(mut self, field: &str, location: &str, issue: &str) -> Self {
        self.detail = Some(json!({"field": field, "location": location, "issue": issue}));
        self
    }

    /// 401 `SIGN_ERROR`: the request's signature did not verify.
    pub(crate) fn sign_error(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "SIGN_ERROR", message)
    }

    /// 400 `PARAM_ERROR` about `field` (in the body unless it says otherwise).
    pub(crate) fn param(field: &str, issue: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "PARAM_ERROR",
            format!("参数错误: {field} {issue}"),
        )
        .detail(field, "body", issue)
    }

    /// 400 `INVALID_REQUEST`: well formed, but against the rules.
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "INVALID_REQUEST", message)
    }

    /// 404 `ORDER_NOT_EXIST`.
    pub(crate) fn order_not_exist() -> Self {
        Self::new(StatusCode::NOT_FOUND, "ORDER_NOT_EXIST", "订单不存在")
    }

    /// 404 `RESOURCE_NOT_EXISTS`.
    pub(crate) fn not_exists(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "RESOURCE_NOT_EXISTS", message)
    }

    /// 500 `SYSTEM_ERROR`.
    pub(crate) fn system(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "SYSTEM_ERROR", message)
    }

    /// The JSON body.
    pub(crate) fn body(&self) -> Value {
        let mut body = json!({"code": self.code, "message": self.message});
        if let (Some(detail), Some(map)) = (&self.detail, body.as_object_mut()) {
            map.insert("detail".to_owned(), detail.clone());
        }
        body
    }
}
