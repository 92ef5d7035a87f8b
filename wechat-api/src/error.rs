//! The one error type of this crate.
//!
//! Every fallible function returns [`Result<T>`](crate::Result). Variants are
//! grouped by where the failure comes from: WeChat's answer (`Api`), the
//! transport (`Http`, `Status`), the body (`Decode`), configuration
//! (`Config`), callback security (signatures, AES, XML) and token handling.
//! No variant ever carries a secret: URLs are stripped of their query before
//! they reach an error, and body snippets are redacted.

/// Result alias used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong when talking to WeChat or handling its pushes.
///
/// `Clone`, so that the callers waiting on one token refresh can all be
/// handed the error it ended with.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// WeChat answered with a non-zero `errcode`.
    #[error("WeChat API error {code} from `{endpoint}`: {message}")]
    Api {
        /// The `errcode` WeChat returned (e.g. 40001 for an invalid token).
        code: i64,
        /// The `errmsg` WeChat returned.
        message: String,
        /// The spec name of the endpoint that was called.
        endpoint: &'static str,
    },

    /// The request could not be sent or the answer could not be read
    /// (connection refused, timeout, TLS). The URL is stripped before it gets
    /// here, so no `access_token` leaks through this variant.
    #[error("HTTP error calling `{endpoint}`: {source}")]
    Http {
        /// The spec name of the endpoint that was called.
        endpoint: &'static str,
        /// The transport error, without its URL.
        #[source]
        source: std::sync::Arc<reqwest::Error>,
    },

    /// WeChat (or something in front of it) answered with a non-success HTTP status.
    #[error("`{endpoint}` answered HTTP {status}: {snippet}")]
    Status {
        /// The spec name of the endpoint that was called.
        endpoint: &'static str,
        /// The HTTP status code.
        status: u16,
        /// The start of the body, with secrets redacted.
        snippet: String,
    },

    /// The body was not the JSON the spec describes (HTML error page, empty
    /// body, truncated JSON, a missing field...).
    #[error("could not decode the answer of `{endpoint}`: {reason}; body starts with: {snippet}")]
    Decode {
        /// The spec name of the endpoint that was called.
        endpoint: &'static str,
        /// What the decoder complained about.
        reason: String,
        /// The start of the body, with secrets redacted.
        snippet: String,
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

    // ---- tokens ----------------------------------------------------------
    /// No component_verify_ticket has been stored yet, so no
    /// component_access_token can be fetched.
    #[error(
        "no component_verify_ticket stored for component `{component_appid}`: wire the push endpoint (decrypt the callback and store the ticket) and wait for WeChat's next push (every 10 minutes)"
    )]
    TicketMissing {
        /// The component appid whose ticket is missing.
        component_appid: String,
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
}

impl Error {
    /// The WeChat `errcode`, if this is an [`Error::Api`].
    pub fn api_code(&self) -> Option<i64> {
        match self {
            Error::Api { code, .. } => Some(*code),
            Error::AuthorizerRefresh { source, .. } => source.api_code(),
            _ => None,
        }
    }

    /// Whether WeChat says the token used was invalid or expired
    /// (40001, 40014, 42001): the cached token must be dropped and refreshed.
    pub fn is_token_expired(&self) -> bool {
        matches!(self.api_code(), Some(40001 | 40014 | 42001))
    }
}
