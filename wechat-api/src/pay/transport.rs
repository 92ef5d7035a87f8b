//! The one signed transport every generated WeChat Pay method goes through.
//!
//! [`send`] builds the URL from the configured base URL, the path (its
//! parameters percent-encoded as one segment each) and the query; signs
//! `METHOD\nCANONICAL_URL\nTIMESTAMP\nNONCE\nBODY\n` with the canonical URL
//! exactly as sent; sends through `reqwest`; reads the answer up to the
//! crate's answer limit; and **verifies the answer's signature before
//! anything is decoded**: a success answer that is unsigned, forged, stale or
//! signed by an unknown key is [`Error::PaySignature`], never a value. Error
//! answers are verified too when they carry a signature; an unsigned error
//! answer (WeChat Pay's gateway does not sign all of them) is reported as
//! [`Error::Pay`] but never believed as success.

use std::fmt::{self, Display};

use bytes::Bytes;
use percent_encoding::utf8_percent_encode;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, USER_AGENT};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::endpoint::PayEndpoint;
use super::sensitive::Encryptor;
use super::wechat_pay::WechatPay;
use crate::call::SEGMENT;
use crate::endpoint::HttpMethod;
use crate::error::{CallName, Error, Result};
use crate::limits::{self, DEFAULT_ANSWER_LIMIT};

/// The `User-Agent` sent to WeChat Pay (it refuses requests without one).
pub(crate) const PAY_USER_AGENT: &str = concat!("wechat-api/", env!("CARGO_PKG_VERSION"));

/// A request to one WeChat Pay endpoint, built by generated code:
///
/// ```ignore
/// let call = rt::PayCall::new(&endpoints::QUERY_BY_ID)
///     .path_param("transaction_id", &request.transaction_id)
///     .query(&Query { mchid })?;
/// rt::pay_send(self.pay, call).await?.json()
/// ```
pub struct PayCall {
    endpoint: &'static PayEndpoint,
    path: String,
    query: String,
    body: Option<Bytes>,
    serial: Option<String>,
    invalid: Option<String>,
}

impl PayCall {
    /// A call to `endpoint`.
    pub fn new(endpoint: &'static PayEndpoint) -> Self {
        PayCall {
            endpoint,
            path: endpoint.path.to_owned(),
            query: String::new(),
            body: None,
            serial: None,
            invalid: None,
        }
    }

    /// Puts `value`, percent-encoded as one path segment, in place of the
    /// path's `{name}`. An empty value, `.` or `..` makes the call fail with
    /// [`Error::Encode`] before it is sent.
    pub fn path_param(mut self, name: &str, value: &dyn Display) -> Self {
        let placeholder = format!("{{{name}}}");
        let value = value.to_string();
        if matches!(value.as_str(), "" | "." | "..") {
            self.invalid.get_or_insert_with(|| {
                format!(
                    "path parameter `{name}` is empty, `.` or `..`, which would change the path"
                )
            });
        } else if self.path.contains(&placeholder) {
            let encoded = utf8_percent_encode(&value, SEGMENT).to_string();
            self.path = self.path.replace(&placeholder, &encoded);
        } else {
            self.invalid
                .get_or_insert_with(|| format!("the path has no `{placeholder}` placeholder"));
        }
        self
    }

    /// Adds the fields of `query` to the query string.
    ///
    /// # Errors
    /// [`Error::Encode`] when `query` is not a flat struct of scalars.
    pub fn query<Q: Serialize + ?Sized>(mut self, query: &Q) -> Result<Self> {
        let encoded = serde_urlencoded::to_string(query).map_err(|e| self.encode_error(&e))?;
        if !encoded.is_empty() {
            if !self.query.is_empty() {
                self.query.push('&');
            }
            self.query.push_str(&encoded);
        }
        Ok(self)
    }

    /// Sends `body` as the JSON body.
    ///
    /// # Errors
    /// [`Error::Encode`] when `body` cannot be serialized.
    pub fn json<B: Serialize + ?Sized>(mut self, body: &B) -> Result<Self> {
        let json = serde_json::to_vec(body).map_err(|e| self.encode_error(&e))?;
        self.body = Some(Bytes::from(json));
        Ok(self)
    }

    /// Sends `body` as the JSON body, its nested [`Sensitive`](crate::pay::Sensitive) fields
    /// encrypted by `encryptor` as they are written.
    ///
    /// # Errors
    /// [`Error::Encode`] when `body` cannot be serialized or a field does
    /// not encrypt.
    pub fn json_sealed<B: Serialize + ?Sized>(
        self,
        body: &B,
        encryptor: &Encryptor,
    ) -> Result<Self> {
        super::sensitive::seal(encryptor, || self.json(body))
    }

    /// Names the key the body's sensitive fields were encrypted with
    /// (`Wechatpay-Serial`).
    pub fn serial(mut self, serial: &str) -> Self {
        self.serial = Some(serial.to_owned());
        self
    }

    fn encode_error(&self, e: &dyn Display) -> Error {
        Error::Encode {
            endpoint: pay_call_name(self.endpoint),
            reason: e.to_string(),
        }
    }

    /// The path and query as they will be sent (the canonical URL that is
    /// signed).
    pub fn canonical_url(&self) -> String {
        if self.query.is_empty() {
            self.path.clone()
        } else {
            format!("{}?{}", self.path, self.query)
        }
    }
}

impl fmt::Debug for PayCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // the body may hold personal data (encrypted or not)
        f.debug_struct("PayCall")
            .field("endpoint", &self.endpoint.name)
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// A verified 2xx answer of WeChat Pay.
#[derive(Clone)]
pub struct PayAnswer {
    endpoint: CallName,
    status: u16,
    headers: HeaderMap,
    body: Bytes,
}

impl PayAnswer {
    /// The HTTP status (2xx).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The `Request-ID` header.
    pub fn request_id(&self) -> Option<&str> {
        self.headers.get("Request-ID").and_then(|v| v.to_str().ok())
    }

    /// The `Content-Type` header.
    pub fn content_type(&self) -> Option<&str> {
        self.headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok())
    }

    /// The verified body.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The body decoded as `T`.
    ///
    /// # Errors
    /// [`Error::Decode`] when it is not a `T` (the reason never quotes the
    /// body, which holds personal data).
    pub fn json<T: DeserializeOwned>(&self) -> Result<T> {
        serde_json::from_slice(&self.body).map_err(|e| Error::Decode {
            endpoint: self.endpoint.clone(),
            reason: super::notify::json_error(&e),
            snippet: String::new(),
        })
    }

    /// Checks that the answer is an acknowledgement without content.
    ///
    /// # Errors
    /// [`Error::Decode`] when it carries a body.
    pub fn empty(&self) -> Result<()> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            Ok(())
        } else {
            Err(Error::Decode {
                endpoint: self.endpoint.clone(),
                reason: format!(
                    "expected no content (HTTP 204), got {} bytes (HTTP {})",
                    self.body.len(),
                    self.status
                ),
                snippet: String::new(),
            })
        }
    }
}

impl fmt::Debug for PayAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PayAnswer")
            .field("endpoint", &self.endpoint)
            .field("status", &self.status)
            .field("request_id", &self.request_id())
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// Sends `call` signed as `pay`'s merchant and verifies the answer; see the
/// module documentation.
///
/// # Errors
/// [`Error::Encode`] before sending; [`Error::PayCrypto`] if signing fails;
/// [`Error::Http`], [`Error::AnswerTooLarge`]; [`Error::PaySignature`] when
/// the answer (a success, or a signed error) does not verify;
/// [`Error::Pay`] for a non-2xx status.
pub async fn send(pay: &WechatPay, call: PayCall) -> Result<PayAnswer> {
    let span = tracing::debug_span!("wechat.pay", endpoint = call.endpoint.name);
    tracing::Instrument::instrument(exchange(pay, call), span).await
}

async fn exchange(pay: &WechatPay, call: PayCall) -> Result<PayAnswer> {
    let endpoint = pay_call_name(call.endpoint);
    if let Some(reason) = call.invalid {
        return Err(Error::Encode { endpoint, reason });
    }
    if let Some(start) = call.path.find('{') {
        return Err(Error::Encode {
            endpoint,
            reason: format!(
                "path parameter `{}` was not given",
                call.path[start..].split('}').next().unwrap_or_default()
            ),
        });
    }
    let canonical = if call.query.is_empty() {
        call.path.clone()
    } else {
        format!("{}?{}", call.path, call.query)
    };
    let base = pay.config().base_url().trim_end_matches('/');
    let url = url::Url::parse(&format!("{base}{canonical}")).map_err(|e| Error::Encode {
        endpoint: endpoint.clone(),
        reason: format!("invalid URL: {e}"),
    })?;
    // sign what is sent: the URL as `url` normalized it
    let canonical = super::canonical_url(&url);
    let method = call.endpoint.method;
    let body = match (method, call.body) {
        (HttpMethod::Get, _) => Bytes::new(),
        (HttpMethod::Post, Some(body)) => body,
        (HttpMethod::Post, None) => Bytes::from_static(b"{}"),
    };
    let body_text = std::str::from_utf8(&body).map_err(|_| Error::Encode {
        endpoint: endpoint.clone(),
        reason: "the body is not UTF-8".to_owned(),
    })?;
    let authorization = pay.authorization(method.as_str(), &canonical, body_text)?;
    let http = pay.http()?;
    let mut request = match method {
        HttpMethod::Get => http.get(url),
        HttpMethod::Post => http
            .post(url)
            .header(CONTENT_TYPE, "application/json")
            .body(body),
    }
    .header(AUTHORIZATION, authorization)
    .header(ACCEPT, "application/json")
    .header(USER_AGENT, PAY_USER_AGENT);
    if let Some(serial) = &call.serial {
        request = request.header("Wechatpay-Serial", serial.as_str());
    }
    receive(pay, endpoint, request, true).await
}

/// What a hand-written WeChat Pay call sends besides its signature: the
/// body signed is given separately (a multipart upload signs its `meta`
/// part, not the whole form).
pub(crate) enum SignedBody {
    /// No body (GET, DELETE).
    None,
    /// A JSON body, signed as it is.
    Json(String),
    /// A `multipart/form-data` body whose `meta` part (the text given) is
    /// what is signed.
    Multipart {
        /// The `meta` JSON, as signed and sent.
        meta: String,
        /// The whole form.
        form: reqwest::multipart::Form,
    },
}

/// Sends a hand-written call (a method or body the spec cannot express:
/// PUT, DELETE, multipart uploads, binary downloads) signed as `pay`'s
/// merchant, and verifies the answer exactly as [`send`] does. With
/// `unsigned_ok` (binary downloads only, which WeChat Pay does not sign),
/// a 2xx answer without a signature is returned unverified; one that
/// carries a signature is still verified.
pub(crate) async fn send_custom(
    pay: &WechatPay,
    name: &'static str,
    method: reqwest::Method,
    path_and_query: &str,
    body: SignedBody,
    unsigned_ok: bool,
) -> Result<PayAnswer> {
    let path = path_and_query
        .split('?')
        .next()
        .unwrap_or_default()
        .to_owned();
    let endpoint = CallName::endpoint("pay", name, path);
    let base = pay.config().base_url().trim_end_matches('/');
    let url = url::Url::parse(&format!("{base}{path_and_query}")).map_err(|e| Error::Encode {
        endpoint: endpoint.clone(),
        reason: format!("invalid URL: {e}"),
    })?;
    let canonical = super::canonical_url(&url);
    let signed = match &body {
        SignedBody::None => "",
        SignedBody::Json(json) => json.as_str(),
        SignedBody::Multipart { meta, .. } => meta.as_str(),
    };
    let authorization = pay.authorization(method.as_str(), &canonical, signed)?;
    let http = pay.http()?;
    let request = http
        .request(method, url)
        .header(AUTHORIZATION, authorization)
        .header(ACCEPT, "application/json")
        .header(USER_AGENT, PAY_USER_AGENT);
    let request = match body {
        SignedBody::None => request,
        SignedBody::Json(json) => request.header(CONTENT_TYPE, "application/json").body(json),
        SignedBody::Multipart { form, .. } => request.multipart(form),
    };
    let span = tracing::debug_span!("wechat.pay", endpoint = name);
    tracing::Instrument::instrument(receive(pay, endpoint, request, !unsigned_ok), span).await
}

/// Sends `request` and verifies the answer before anything is believed
/// (an unsigned 2xx answer is accepted only when not `require_signature`).
async fn receive(
    pay: &WechatPay,
    endpoint: CallName,
    request: reqwest::RequestBuilder,
    require_signature: bool,
) -> Result<PayAnswer> {
    let response = request.send().await.map_err(|e| Error::Http {
        endpoint: endpoint.clone(),
        source: std::sync::Arc::new(e.without_url()),
    })?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = limits::read_body(response, DEFAULT_ANSWER_LIMIT, &endpoint).await?;
    if !(200..300).contains(&status) {
        if headers.contains_key("Wechatpay-Signature") {
            pay.verify_answer(&headers, &body).await?;
        }
        return Err(pay.error_of(status, &headers, &body));
    }
    if require_signature || headers.contains_key("Wechatpay-Signature") {
        pay.verify_answer(&headers, &body).await?;
    }
    Ok(PayAnswer {
        endpoint,
        status,
        headers,
        body,
    })
}

/// How errors name a call to `endpoint`: `pay.jsapi` (/v3/pay/…).
fn pay_call_name(endpoint: &'static PayEndpoint) -> CallName {
    CallName::endpoint(endpoint.module, endpoint.name, endpoint.path)
}
