//! The plain request and response types a callback works with: whatever web
//! framework serves the URL puts the method, the raw query string and the
//! body bytes into a [`CallbackRequest`] (the body as [`Bytes`], which most
//! frameworks hand out, so that it is not copied), and writes the status,
//! content type and body of the [`CallbackResponse`] back.

use std::fmt;

use bytes::Bytes;

use super::rejection::{Rejection, error_class, status_of};
use crate::Error;

/// `Content-Type` of plain-text answers (`success`, the empty answer, an
/// echoed `echostr`, error texts).
pub const TEXT_PLAIN: &str = "text/plain; charset=utf-8";
/// `Content-Type` of XML replies: `text/xml`, which WeChat accepts for
/// passive replies (some stacks answering `application/json` or a framework
/// default get "该公众号提供的服务出现故障").
pub const TEXT_XML: &str = "text/xml; charset=utf-8";
/// `Content-Type` of JSON replies (mini programs configured for JSON).
pub const APPLICATION_JSON: &str = "application/json; charset=utf-8";

/// The HTTP method of a callback request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Method {
    /// `GET`: the URL-verification handshake (`echostr`).
    Get,
    /// `POST`: a push.
    Post,
    /// Anything else: answered 405.
    Other,
}

impl Method {
    /// The method named `name` (ASCII case-insensitive).
    pub fn parse(name: &str) -> Method {
        if name.eq_ignore_ascii_case("GET") {
            Method::Get
        } else if name.eq_ignore_ascii_case("POST") {
            Method::Post
        } else {
            Method::Other
        }
    }
}

/// An HTTP request to a callback URL: method, raw query string and body.
///
/// Its `Debug` output shows sizes only (the query carries signatures, the
/// body the message).
#[derive(Clone, PartialEq, Eq)]
pub struct CallbackRequest {
    /// The method.
    pub method: Method,
    /// The raw query string, without the `?` (still percent-encoded).
    pub query: String,
    /// The body bytes.
    pub body: Bytes,
}

impl CallbackRequest {
    /// A request with `method` (e.g. `"POST"`), the raw `query` string and
    /// the `body`: [`Bytes`] (not copied), a `Vec<u8>` or `String` (not
    /// copied either), or a `&'static` slice or string. A borrowed body:
    /// [`from_slice`](Self::from_slice).
    pub fn new(method: &str, query: impl Into<String>, body: impl Into<Bytes>) -> Self {
        CallbackRequest {
            method: Method::parse(method),
            query: query.into(),
            body: body.into(),
        }
    }

    /// Like [`new`](Self::new), with a copy of the borrowed `body`.
    pub fn from_slice(method: &str, query: impl Into<String>, body: &[u8]) -> Self {
        Self::new(method, query, Bytes::copy_from_slice(body))
    }

    /// A `GET` request (the URL-verification handshake).
    pub fn get(query: impl Into<String>) -> Self {
        CallbackRequest {
            method: Method::Get,
            query: query.into(),
            body: Bytes::new(),
        }
    }

    /// A `POST` request (a push), with a body as for [`new`](Self::new).
    pub fn post(query: impl Into<String>, body: impl Into<Bytes>) -> Self {
        CallbackRequest {
            method: Method::Post,
            query: query.into(),
            body: body.into(),
        }
    }
}

impl fmt::Debug for CallbackRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallbackRequest")
            .field("method", &self.method)
            .field("query", &format_args!("<{} bytes>", self.query.len()))
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .finish()
    }
}

/// The HTTP answer to a callback request: write `status`, a `Content-Type`
/// header with `content_type`, and `body`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallbackResponse {
    /// The status code.
    pub status: u16,
    /// The `Content-Type` header value.
    pub content_type: &'static str,
    /// The body.
    pub body: String,
}

impl CallbackResponse {
    /// 200 `success`: "received, no reply".
    pub fn success() -> Self {
        Self::text(200, "success")
    }

    /// 200 with an empty body: "received, no reply now" (the answer the
    /// release test expects before a customer-service message).
    pub fn empty() -> Self {
        Self::text(200, "")
    }

    /// 200 with an XML body (a passive reply, plain or encrypted).
    pub fn xml(body: String) -> Self {
        CallbackResponse {
            status: 200,
            content_type: TEXT_XML,
            body,
        }
    }

    /// 200 with a JSON body (a passive reply to a JSON push).
    pub fn json(body: String) -> Self {
        CallbackResponse {
            status: 200,
            content_type: APPLICATION_JSON,
            body,
        }
    }

    /// A plain-text answer.
    pub fn text(status: u16, body: impl Into<String>) -> Self {
        CallbackResponse {
            status,
            content_type: TEXT_PLAIN,
            body: body.into(),
        }
    }

    /// The answer to a request whose handling failed with `error`: the
    /// status of [`status_of`] and a short text naming the class of the
    /// failure (never quoting the request).
    pub fn for_error(error: &Error) -> Self {
        let status = status_of(error);
        let body = match error {
            Error::Callback(rejection) => format!("{rejection}\n"),
            other if status == 500 => format!("{}\n", error_class(other)),
            other => format!("refused: {}\n", error_class(other)),
        };
        Self::text(status, body)
    }

    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// The query parameters a callback reads. Values are percent-decoded; the
/// first occurrence of a repeated name wins.
#[derive(Default, Clone)]
pub(crate) struct Query {
    pub(crate) signature: Option<String>,
    pub(crate) msg_signature: Option<String>,
    pub(crate) timestamp: Option<String>,
    pub(crate) nonce: Option<String>,
    pub(crate) echostr: Option<String>,
    pub(crate) encrypt_type: Option<String>,
}

impl Query {
    /// Reads the parameters of a raw query string.
    pub(crate) fn parse(query: &str) -> Query {
        let mut out = Query::default();
        for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
            let slot = match &*name {
                "signature" => &mut out.signature,
                "msg_signature" => &mut out.msg_signature,
                "timestamp" => &mut out.timestamp,
                "nonce" => &mut out.nonce,
                "echostr" => &mut out.echostr,
                "encrypt_type" => &mut out.encrypt_type,
                _ => continue,
            };
            if slot.is_none() {
                *slot = Some(value.into_owned());
            }
        }
        out
    }

    /// A parameter WeChat always sends, or [`Rejection::MissingParameter`].
    pub(crate) fn required<'q>(
        value: &'q Option<String>,
        name: &'static str,
    ) -> crate::Result<&'q str> {
        value
            .as_deref()
            .ok_or(Error::Callback(Rejection::MissingParameter(name)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bytes_body_is_not_copied() {
        let body = Bytes::from(b"<xml>push</xml>".to_vec());
        // A second handle to the same buffer: a conversion to an owned
        // `Vec<u8>` would have to copy it.
        let kept = body.clone();
        let request = CallbackRequest::post("timestamp=1", body);
        assert_eq!(request.body.as_ptr(), kept.as_ptr());
        let request = CallbackRequest::new("POST", "timestamp=1", kept.clone());
        assert_eq!(request.body.as_ptr(), kept.as_ptr());
        // Owned vectors and strings are taken over, borrowed bodies copied.
        let owned = b"<xml/>".to_vec();
        let pointer = owned.as_ptr();
        assert_eq!(CallbackRequest::post("", owned).body.as_ptr(), pointer);
        let borrowed = String::from("<xml/>");
        let request = CallbackRequest::from_slice("POST", "", borrowed.as_bytes());
        assert_eq!(&request.body[..], b"<xml/>");
        assert_eq!(request.method, Method::Post);
    }
}
