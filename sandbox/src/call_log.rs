//! The call log: every request the sandbox answered on WeChat's API hosts,
//! as a test reads it back — method, path, query, body (typed with
//! [`Call::body`]) and what was answered. WeChat Pay's requests (under
//! `/v3/`) have their own log, [`crate::pay::PayCall`]: the same method,
//! path, query and status, with the headers and the raw body its
//! signatures cover.
//!
//! Why a log of our own rather than counters only: a user's test asserts
//! *what* their code sent (the recipient of a message, the menu it
//! created), not just that it called.
//!
//! Credentials and secrets are redacted as a call is recorded (see
//! [`is_secret`]): no [`Call`], its `Debug` output or its typed body ever
//! holds an access token, a refresh token, an AppSecret or a verify
//! ticket; the parameter stays, with the value [`REDACTED`].
//!
//! The log is bounded: it keeps the last
//! [`call_log_capacity`](crate::SandboxConfigBuilder::call_log_capacity)
//! calls (default [`CALL_LOG_CAPACITY`]), dropping the oldest. A multipart
//! upload is noted with its size, its bytes are not kept.

use std::any::type_name;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::faults::lock;
use crate::{SandboxError, Shared};

/// How many calls the log keeps by default (the oldest are dropped), as
/// many as the WeChat Pay log.
pub const CALL_LOG_CAPACITY: usize = 1000;

/// The value a secret parameter is recorded with.
pub const REDACTED: &str = "[redacted]";

/// A request to WeChat's API the sandbox answered, faulty answers
/// included. Credentials and secrets are redacted as it is recorded (see
/// [`is_secret`]): neither a `Call` nor its `Debug` output holds one.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Call {
    /// `GET` or `POST`.
    pub method: String,
    /// The path (`/cgi-bin/message/custom/send`).
    pub path: String,
    /// The query parameters, in order, secrets redacted
    /// (`access_token=[redacted]`).
    pub query: Vec<(String, String)>,
    /// The body.
    pub body: CallBody,
    /// The HTTP status answered.
    pub status: u16,
    /// The `errcode` of a JSON answer (`0` when it has none, as WeChat
    /// means success); `None` for any other answer (a file, an HTTP error).
    pub errcode: Option<i64>,
    /// When the request arrived.
    pub at: SystemTime,
}

/// The body of a [`Call`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum CallBody {
    /// No body (a GET, mostly).
    Empty,
    /// A JSON body, secrets redacted.
    Json(Value),
    /// A `multipart/form-data` upload of `len` bytes (not kept).
    Multipart {
        /// Its size in bytes.
        len: usize,
    },
    /// Anything else (XML, text): its type and size (not kept).
    Other {
        /// The `Content-Type`, if any.
        content_type: Option<String>,
        /// Its size in bytes.
        len: usize,
    },
    /// A body over the sandbox's limit (16 MB), answered 413 unread.
    TooLarge,
}

impl CallBody {
    /// What the body is, in a few words (for messages).
    fn describe(&self) -> String {
        match self {
            CallBody::Empty => "empty".to_owned(),
            CallBody::Json(_) => "JSON".to_owned(),
            CallBody::Multipart { len } => format!("a {len}-byte multipart form"),
            CallBody::Other { content_type, len } => format!(
                "a {len}-byte {} body",
                content_type.as_deref().unwrap_or("untyped")
            ),
            CallBody::TooLarge => "over the size limit".to_owned(),
        }
    }
}

impl Call {
    /// The query parameter `name` (the first, if repeated).
    pub fn query(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The JSON body, if it was JSON.
    pub fn json(&self) -> Option<&Value> {
        match &self.body {
            CallBody::Json(value) => Some(value),
            _ => None,
        }
    }

    /// The JSON body read as `T`: a struct of your own with the fields you
    /// assert on, or one of the library's body types
    /// (`wechat_api::api::message::CustomMessage` reads the message of a
    /// `message/custom/send`; the request types, which also hold query and
    /// path parameters, only serialize).
    ///
    /// # Errors
    /// [`SandboxError::CallBody`] when the body is not JSON or does not
    /// read as `T`.
    pub fn body<T: DeserializeOwned>(&self) -> Result<T, SandboxError> {
        let value = self.json().ok_or_else(|| {
            SandboxError::CallBody(format!(
                "the body of {} {} is {}, not JSON",
                self.method,
                self.path,
                self.body.describe()
            ))
        })?;
        T::deserialize(value).map_err(|e| {
            SandboxError::CallBody(format!(
                "the body of {} {} does not read as {}: {e}",
                self.method,
                self.path,
                type_name::<T>()
            ))
        })
    }

    /// Whether WeChat would have called it a success: HTTP 2xx and errcode
    /// 0 (or an answer that is not JSON, like a file).
    pub fn succeeded(&self) -> bool {
        (200..300).contains(&self.status) && self.errcode.is_none_or(|code| code == 0)
    }
}

/// Whether a parameter named `name` holds a credential or a secret, whose
/// value the log redacts: names with `token`, `secret` or `password` in
/// them (`access_token`, `authorizer_refresh_token`, `component_appsecret`),
/// keys (`session_key`, `encrypt_key`) and `component_verify_ticket`.
///
/// Narrower than the library's masking of errors and logs (which also
/// hides every `code`, `ticket` and `key`): tests assert on a menu
/// button's `key`, a QR code's `ticket` (public) or the `js_code` their
/// code exchanged (single-use, spent by then).
pub fn is_secret(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    ["token", "secret", "password"]
        .iter()
        .any(|word| name.contains(word))
        || matches!(
            name.as_str(),
            "component_verify_ticket" | "session_key" | "encrypt_key" | "encoding_aes_key"
        )
}

/// `value` with every secret field (at any depth) redacted.
fn redact(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (name, field) in map.iter_mut() {
                if is_secret(name) && !field.is_null() {
                    *field = Value::String(REDACTED.to_owned());
                } else {
                    redact(field);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact),
        _ => {}
    }
}

/// The query's parameters, secrets redacted.
fn query_of(raw: Option<&str>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(raw.unwrap_or("").as_bytes())
        .map(|(name, value)| {
            let value = if is_secret(&name) {
                REDACTED.to_owned()
            } else {
                value.into_owned()
            };
            (name.into_owned(), value)
        })
        .collect()
}

/// What the body was, JSON kept (redacted), other kinds noted.
fn body_of(content_type: Option<&str>, bytes: &[u8]) -> CallBody {
    if bytes.is_empty() {
        return CallBody::Empty;
    }
    let multipart = content_type.is_some_and(|ct| {
        ct.trim_start()
            .to_ascii_lowercase()
            .starts_with("multipart/")
    });
    if multipart {
        return CallBody::Multipart { len: bytes.len() };
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(mut value) => {
            redact(&mut value);
            CallBody::Json(value)
        }
        Err(_) => CallBody::Other {
            content_type: content_type.map(str::to_owned),
            len: bytes.len(),
        },
    }
}

/// The errcode of a JSON answer: its `errcode`, else 0; `None` when the
/// answer is not a JSON object.
fn errcode_of(bytes: &[u8]) -> Option<i64> {
    match serde_json::from_slice::<Value>(bytes).ok()? {
        Value::Object(map) => Some(map.get("errcode").and_then(Value::as_i64).unwrap_or(0)),
        _ => None,
    }
}

/// The calls recorded in the order they were answered, at most
/// `capacity`.
#[derive(Debug)]
pub(crate) struct CallLog {
    calls: Mutex<VecDeque<Call>>,
    capacity: usize,
}

impl CallLog {
    /// An empty log keeping the last `capacity` calls (none when 0).
    pub(crate) fn new(capacity: usize) -> Self {
        CallLog {
            calls: Mutex::new(VecDeque::with_capacity(capacity.min(CALL_LOG_CAPACITY))),
            capacity,
        }
    }

    /// Records `call`, dropping the oldest when full.
    fn record(&self, call: Call) {
        if self.capacity == 0 {
            return;
        }
        let mut calls = lock(&self.calls);
        while calls.len() >= self.capacity {
            calls.pop_front();
        }
        calls.push_back(call);
    }

    /// Every call kept, in the order answered.
    pub(crate) fn all(&self) -> Vec<Call> {
        lock(&self.calls).iter().cloned().collect()
    }

    /// The calls to `path`, in the order answered.
    pub(crate) fn to(&self, path: &str) -> Vec<Call> {
        lock(&self.calls)
            .iter()
            .filter(|c| c.path == path)
            .cloned()
            .collect()
    }

    /// Forgets every call.
    pub(crate) fn clear(&self) {
        lock(&self.calls).clear();
    }
}

/// The middleware: reads the request's body (up to the sandbox's limit),
/// lets the sandbox answer (faults included), reads the answer's errcode
/// and records the call. WeChat Pay's requests are left to its own log.
pub(crate) async fn record(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    if request.uri().path().starts_with(crate::pay::PREFIX) {
        return next.run(request).await;
    }
    let at = SystemTime::now();
    let (parts, body) = request.into_parts();
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let method = parts.method.as_str().to_owned();
    let path = parts.uri.path().to_owned();
    let query = query_of(parts.uri.query());
    let (body, response) = match axum::body::to_bytes(body, crate::BODY_LIMIT).await {
        Ok(bytes) => {
            let noted = body_of(content_type.as_deref(), &bytes);
            let request = Request::from_parts(parts, Body::from(bytes));
            (noted, next.run(request).await)
        }
        Err(_) => (
            CallBody::TooLarge,
            (StatusCode::PAYLOAD_TOO_LARGE, "request body too large").into_response(),
        ),
    };
    let (response, errcode) = read_errcode(response).await;
    shared.calls.record(Call {
        method,
        path,
        query,
        body,
        status: response.status().as_u16(),
        errcode,
        at,
    });
    response
}

/// The answer's errcode, when it is JSON (the sandbox's JSON answers are
/// small; files pass through unread).
async fn read_errcode(response: Response) -> (Response, Option<i64>) {
    let json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/json"));
    if !json {
        return (response, None);
    }
    let (parts, body) = response.into_parts();
    match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => {
            let errcode = errcode_of(&bytes);
            (Response::from_parts(parts, Body::from(bytes)), errcode)
        }
        Err(error) => {
            tracing::error!(%error, "the sandbox could not read its own answer");
            (Response::from_parts(parts, Body::from(Bytes::new())), None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn call(path: &str) -> Call {
        Call {
            method: "GET".into(),
            path: path.into(),
            query: Vec::new(),
            body: CallBody::Empty,
            status: 200,
            errcode: Some(0),
            at: SystemTime::now(),
        }
    }

    #[test]
    fn secrets_are_redacted_at_any_depth() {
        let body = br#"{"appid":"wx1","secret":"s3cr3t","nested":[{"authorizer_refresh_token":"r"}],"n":{"component_verify_ticket":"t","ok":1}}"#;
        let CallBody::Json(value) = body_of(Some("application/json"), body) else {
            panic!("not JSON");
        };
        assert_eq!(
            value,
            json!({"appid":"wx1","secret":REDACTED,"nested":[{"authorizer_refresh_token":REDACTED}],"n":{"component_verify_ticket":REDACTED,"ok":1}})
        );
        let query = query_of(Some("access_token=tok&openid=o1&component_access_token=c"));
        assert_eq!(
            query,
            vec![
                ("access_token".to_owned(), REDACTED.to_owned()),
                ("openid".to_owned(), "o1".to_owned()),
                ("component_access_token".to_owned(), REDACTED.to_owned()),
            ]
        );
        assert!(!is_secret("openid") && !is_secret("next_key") && !is_secret("ticket"));
    }

    #[test]
    fn bodies_are_noted_by_kind() {
        assert_eq!(body_of(None, b""), CallBody::Empty);
        assert_eq!(
            body_of(Some("multipart/form-data; boundary=x"), b"--x..."),
            CallBody::Multipart { len: 6 }
        );
        assert_eq!(
            body_of(Some("text/xml"), b"<xml/>"),
            CallBody::Other {
                content_type: Some("text/xml".into()),
                len: 6
            }
        );
        assert_eq!(errcode_of(br#"{"errcode":45009}"#), Some(45009));
        assert_eq!(errcode_of(br#"{"access_token":"x"}"#), Some(0));
        assert_eq!(errcode_of(b"\xff\xd8"), None);
    }

    #[test]
    fn the_log_keeps_the_last_calls() {
        let log = CallLog::new(2);
        for path in ["/a", "/b", "/c"] {
            log.record(call(path));
        }
        let paths: Vec<String> = log.all().into_iter().map(|c| c.path).collect();
        assert_eq!(paths, ["/b", "/c"]);
        assert_eq!(log.to("/c").len(), 1);
        log.clear();
        assert!(log.all().is_empty());
        let off = CallLog::new(0);
        off.record(call("/a"));
        assert!(off.all().is_empty());
    }

    #[test]
    fn a_body_reads_as_a_type_or_says_why_not() {
        #[derive(Debug, serde::Deserialize)]
        struct Text {
            touser: String,
        }
        let mut sent = call("/cgi-bin/message/custom/send");
        sent.body = CallBody::Json(json!({"touser": "o1", "msgtype": "text"}));
        assert_eq!(sent.body::<Text>().unwrap().touser, "o1");
        sent.body = CallBody::Json(json!({"msgtype": "text"}));
        let e = sent.body::<Text>().unwrap_err().to_string();
        assert!(e.contains("touser") && e.contains("Text"), "{e}");
        sent.body = CallBody::Multipart { len: 3 };
        let e = sent.body::<Text>().unwrap_err().to_string();
        assert!(e.contains("multipart") && e.contains("not JSON"), "{e}");
        sent.status = 200;
        sent.errcode = Some(45009);
        assert!(!sent.succeeded());
    }
}
