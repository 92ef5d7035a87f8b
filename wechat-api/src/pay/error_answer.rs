//! WeChat Pay's error answers: an HTTP status with
//! `{"code","message","detail"}` and the `Request-ID` header, as
//! [`Error::Pay`].

use reqwest::header::HeaderMap;
use serde::Deserialize;

use crate::error::Error;
use crate::redact::{self, KnownSecrets};

#[derive(Deserialize)]
struct Body {
    #[serde(default)]
    code: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    detail: Option<serde_json::Value>,
}

/// The [`Error::Pay`] of an answer with a non-2xx `status`. A body that is
/// not WeChat Pay's error JSON keeps its redacted start as `message`.
pub(crate) fn pay_error(
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
    secrets: &KnownSecrets,
) -> Error {
    let request_id = headers
        .get("Request-ID")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    match serde_json::from_slice::<Body>(body) {
        Ok(parsed) => Error::Pay {
            status,
            code: redact::message(&parsed.code, secrets),
            message: redact::message(&parsed.message, secrets),
            detail: parsed
                .detail
                .filter(|d| !d.is_null())
                .map(|d| redact::message(&d.to_string(), secrets)),
            request_id,
        },
        Err(_) => Error::Pay {
            status,
            code: String::new(),
            message: redact::snippet(body, secrets),
            detail: None,
            request_id,
        },
    }
}
