//! The one error type of this crate.
//!
//! Every fallible function returns [`Result<T>`](crate::Result). Variants are
//! grouped by where the failure comes from: WeChat's answer (`Api`), the
//! transport (`Http`, `Status`), the body (`Decode`), configuration
//! (`Config`), callback security (signatures, AES, XML) and token handling.
//! No variant ever carries a secret: URLs are stripped of their query before
//! they reach an error, and the text WeChat (or a proxy) sent back is
//! redacted: every secret the client knows and every secret-looking
//! `key=value` or `"key": "value"` is masked (see `redact`).

use std::borrow::Cow;

/// The name an error gives the call that failed: the spec name of the
/// endpoint (`get_ticket`), or the path of a call made with
/// [`Client::raw`](crate::Client::raw) (`/wxa/new_api`).
pub type CallName = Cow<'static, str>;

/// Result alias used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Any error, boxed: what the application's handlers and hooks return, so
/// that `?` works on the application's own errors (a database's, an I/O
/// error, an `anyhow::Error` through `Into`) as well as on this crate's.
/// The callbacks turn it into [`Error::Handler`] (or back into the
/// [`Error`] it was, when a handler returned one of this crate's errors).
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The error an application's handler or hook returned, inside
/// [`Error::Handler`]: shared, so that [`Error`] stays `Clone`. It
/// dereferences to the error itself (`dyn Error`), which is also
/// [`Error::Handler`]'s [`source`](std::error::Error::source): downcast
/// either to get the application's error back.
///
/// ```
/// use std::error::Error as _;
/// use wechat_api::Error;
///
/// let error = Error::handler(std::io::Error::other("disk full"));
/// assert_eq!(error.to_string(), "handler failed: disk full");
/// let io = error.source().and_then(|e| e.downcast_ref::<std::io::Error>());
/// assert_eq!(io.map(|e| e.kind()), Some(std::io::ErrorKind::Other));
/// ```
#[derive(Debug, Clone)]
pub struct HandlerError(std::sync::Arc<dyn std::error::Error + Send + Sync + 'static>);

impl std::ops::Deref for HandlerError {
    type Target = dyn std::error::Error + Send + Sync + 'static;

    fn deref(&self) -> &Self::Target {
        &*self.0
    }
}

impl std::fmt::Display for HandlerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&*self.0, f)
    }
}

/// Everything that can go wrong when talking to WeChat or handling its pushes.
///
/// `Clone`, so that the callers waiting on one token refresh can all be
/// handed the error it ended with.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// WeChat answered with a non-zero `errcode`. The text shows WeChat's
    /// `errmsg`, then the code's name and meaning when it is known
    /// ([`errcode::lookup`](crate::errcode::lookup)).
    #[error("WeChat API error {code} from `{endpoint}`: {message}{}", known_errcode(*.code))]
    Api {
        /// The `errcode` WeChat returned (e.g. 40001 for an invalid token).
        code: i64,
        /// The `errmsg` WeChat returned, redacted and cut to 512 characters.
        message: String,
        /// The endpoint that was called.
        endpoint: CallName,
    },

    /// The request could not be sent or the answer could not be read
    /// (connection refused, timeout, TLS). The URL is stripped before it gets
    /// here, so no `access_token` leaks through this variant.
    #[error("HTTP error calling `{endpoint}`: {source}")]
    Http {
        /// The endpoint that was called.
        endpoint: CallName,
        /// The transport error, without its URL.
        #[source]
        source: std::sync::Arc<reqwest::Error>,
    },

    /// WeChat (or something in front of it) answered with a non-success HTTP status.
    #[error("`{endpoint}` answered HTTP {status}: {snippet}")]
    Status {
        /// The endpoint that was called.
        endpoint: CallName,
        /// The HTTP status code.
        status: u16,
        /// The start of the body, with secrets redacted.
        snippet: String,
    },

    /// The body was not the JSON the spec describes (HTML error page, empty
    /// body, truncated JSON, a missing field...).
    #[error("could not decode the answer of `{endpoint}`: {reason}; body starts with: {snippet}")]
    Decode {
        /// The endpoint that was called.
        endpoint: CallName,
        /// What the decoder complained about.
        reason: String,
        /// The start of the body, with secrets redacted.
        snippet: String,
    },

    /// The answer was larger than the configured limit
    /// ([`ClientBuilder::answer_limit`](crate::ClientBuilder::answer_limit) for
    /// JSON, [`ClientBuilder::media_limit`](crate::ClientBuilder::media_limit)
    /// for media); reading stopped there.
    #[error("the answer of `{endpoint}` is larger than the limit of {limit} bytes")]
    AnswerTooLarge {
        /// The endpoint that was called.
        endpoint: CallName,
        /// The limit, in bytes.
        limit: u64,
    },

    /// The request could not be encoded (a query or body value the format
    /// cannot represent, a path placeholder that does not exist).
    #[error("could not encode the request to `{endpoint}`: {reason}")]
    Encode {
        /// The endpoint that was called.
        endpoint: CallName,
        /// What went wrong.
        reason: String,
    },

    /// A file to upload could not be used: its filename has no extension
    /// (WeChat derives the media type from it), it could not be read, or it
    /// is larger than the media limit. Nothing was sent.
    #[error("cannot upload the `{part}` part of `{endpoint}`: {reason}")]
    Upload {
        /// The endpoint that was called.
        endpoint: CallName,
        /// The multipart part name (`media`...).
        part: &'static str,
        /// What is wrong with the file.
        reason: String,
    },

    /// The configuration is missing a value or holds an invalid one.
    #[error("configuration error: {0}")]
    Config(String),

    // ---- callback security (WXBizMsgCrypt) -------------------------------
    /// The `msg_signature` (or plain-mode `signature`) does not match: the push
    /// was forged, or the message token configured here differs from the one
    /// set on the WeChat platform.
    #[error(
        "invalid signature: check that the message token matches the one configured on the WeChat platform"
    )]
    InvalidSignature,

    /// The decrypted message names another receiver than ours.
    #[error(
        "receive id mismatch: expected `{expected}`, the message is for `{actual}` (check the AppId / component AppId)"
    )]
    ReceiveIdMismatch {
        /// The appid (or component appid) this side was configured with.
        expected: String,
        /// The appid found inside the decrypted message when it looks like
        /// one (up to 32 ASCII letters, digits, `_` or `-`); otherwise only
        /// its length, as `<N bytes, not an AppId>`.
        actual: String,
    },

    /// PKCS#7 padding is malformed: usually a wrong EncodingAESKey.
    #[error("invalid padding after AES decryption: check the EncodingAESKey")]
    InvalidPadding,

    /// The `Encrypt` text is not valid base64.
    #[error("invalid base64 in the encrypted message")]
    InvalidBase64,

    /// The ciphertext or the length field inside the plaintext is inconsistent
    /// (truncated body, not a multiple of the AES block size...).
    #[error("invalid length: {0}")]
    InvalidLength(String),

    /// The XML envelope or message could not be parsed.
    #[error("invalid XML: {0}")]
    InvalidXml(String),

    /// The push is older than the configured maximum timestamp age (replay protection).
    #[error("timestamp {timestamp} is too old or in the future (maximum age {max_age_secs} s)")]
    TimestampOutOfRange {
        /// The timestamp carried by the push.
        timestamp: i64,
        /// The configured maximum age.
        max_age_secs: u64,
    },

    /// A callback request was refused for its shape, before or instead of
    /// any decryption: wrong method, a query parameter missing or mixed up
    /// (`signature` vs `msg_signature`), a bad authorizer appid in the path…
    /// See [`Rejection`](crate::callback::Rejection).
    #[error("callback request refused: {0}")]
    Callback(crate::callback::Rejection),

    /// A handler or hook of the application (a [`Router`](crate::callback::Router)
    /// handler, a component hook, a payment notification handler) failed
    /// with an error of its own. Its message is shown, and the error itself
    /// is the [`source`](std::error::Error::source): downcast it to get it
    /// back. (A handler that fails with one of this crate's errors gives
    /// that error, not this variant: see [`Error::handler`].)
    #[error("handler failed: {0}")]
    Handler(#[source] HandlerError),

    // ---- tokens ----------------------------------------------------------
    /// No component_verify_ticket has been stored yet, so no
    /// component_access_token can be fetched.
    #[error(
        "no component_verify_ticket stored for component `{component_appid}`: {}",
        ticket_missing_hint(*.push_requested)
    )]
    TicketMissing {
        /// The component appid whose ticket is missing.
        component_appid: String,
        /// Whether WeChat was asked, within the last minute, to push one
        /// (`api_start_push_ticket`, by this or another instance sharing the
        /// token store): it should reach the push endpoint shortly.
        push_requested: bool,
    },

    /// No authorizer_refresh_token is stored for this authorizer: it was never
    /// authorized here, or it was unauthorized.
    #[error(
        "no authorizer_refresh_token stored for authorizer `{authorizer_appid}`: the merchant must authorize (again)"
    )]
    RefreshTokenMissing {
        /// The authorizer appid.
        authorizer_appid: String,
    },

    /// Refreshing an authorizer token failed (e.g. 61023: the refresh token is invalid).
    #[error("refreshing the token of authorizer `{authorizer_appid}` failed: {source}")]
    AuthorizerRefresh {
        /// The authorizer appid.
        authorizer_appid: String,
        /// Why the refresh failed.
        #[source]
        source: Box<Error>,
    },

    /// The token store failed (I/O, database, Redis).
    #[error("token store error: {0}")]
    Store(String),

    /// Waiting for a token refresh done by another caller or process took too long.
    #[error("timed out after {0:?} waiting for a token refresh")]
    Timeout(std::time::Duration),

    // ---- WeChat Pay (feature `pay`) ----------------------------------------
    /// WeChat Pay answered with an HTTP error status and its
    /// `{"code","message","detail"}` body.
    #[cfg(feature = "pay")]
    #[error(
        "WeChat Pay error (HTTP {status}) {code}: {message}{}",
        crate::pay::request_id_suffix(request_id.as_deref())
    )]
    Pay {
        /// The HTTP status.
        status: u16,
        /// The `code` WeChat Pay returned (`PARAM_ERROR`, `SIGN_ERROR`...).
        code: String,
        /// The `message`, redacted and cut to 512 characters.
        message: String,
        /// The `detail` object as JSON text, redacted, when there is one.
        detail: Option<String>,
        /// The `Request-ID` header, to quote to WeChat Pay's support.
        request_id: Option<String>,
    },

    /// A WeChat Pay answer or notification failed verification: it must not
    /// be believed. See [`PayRejection`](crate::pay::PayRejection).
    #[cfg(feature = "pay")]
    #[error("WeChat Pay signature verification failed: {reason}")]
    PaySignature {
        /// Why it was refused.
        reason: crate::pay::PayRejection,
    },

    /// A WeChat Pay ciphertext could not be decrypted or encrypted
    /// (AES-256-GCM `resource`, an encrypted certificate, an RSA-OAEP
    /// field). Never carries a key or plaintext.
    #[cfg(feature = "pay")]
    #[error("WeChat Pay cryptography failed: {0}")]
    PayCrypto(String),

    /// A downloaded bill does not match the `hash_value` of its bill answer:
    /// it was altered or truncated, and must not be used.
    #[cfg(feature = "pay")]
    #[error("the downloaded bill's SHA1 is {actual}, the bill answer says {expected}")]
    PayBillHash {
        /// The hash the bill answer gave (shortened when long).
        expected: String,
        /// The hash of what was downloaded.
        actual: String,
    },
}

/// ` [NAME: meaning]` for a known `errcode`, else nothing.
fn known_errcode(code: i64) -> String {
    crate::errcode::lookup(code)
        .map(|info| format!(" [{}: {}]", info.name, info.meaning))
        .unwrap_or_default()
}

/// What to do about a missing verify ticket.
fn ticket_missing_hint(push_requested: bool) -> &'static str {
    if push_requested {
        "WeChat was asked to push one (api_start_push_ticket); it arrives at the push endpoint, which must decrypt the callback and store the ticket, then retry"
    } else {
        "wire the push endpoint (decrypt the callback and store the ticket) and wait for WeChat's next push (every 10 minutes)"
    }
}

impl Error {
    /// The error of a handler or hook of the application: this crate's
    /// [`Error`] when the handler returned one (through `?` or `.into()`),
    /// else [`Error::Handler`] carrying it.
    pub fn handler(error: impl Into<BoxError>) -> Error {
        match error.into().downcast::<Error>() {
            Ok(own) => *own,
            Err(other) => Error::Handler(HandlerError(std::sync::Arc::from(other))),
        }
    }

    /// The WeChat `errcode`, if this is an [`Error::Api`].
    pub fn api_code(&self) -> Option<i64> {
        match self {
            Error::Api { code, .. } => Some(*code),
            Error::AuthorizerRefresh { source, .. } => source.api_code(),
            _ => None,
        }
    }

    /// Whether WeChat says the token used was invalid or expired
    /// ([`errcode::TOKEN_REJECTED`](crate::errcode::TOKEN_REJECTED): 40001,
    /// 40014, 42001): the cached token must be dropped and refreshed.
    pub fn is_token_expired(&self) -> bool {
        self.api_code()
            .is_some_and(crate::errcode::is_token_rejected)
    }
}
