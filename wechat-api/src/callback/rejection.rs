//! [`Rejection`]: why a callback request was refused for its shape, and the
//! HTTP status every error of a callback maps to ([`status_of`]).
//!
//! The crypto errors ([`Error::InvalidSignature`],
//! [`Error::ReceiveIdMismatch`]…) say what failed inside a well-formed
//! request; a [`Rejection`] says what is wrong with the request itself,
//! including the usual mix-ups: `signature` where `msg_signature` is
//! needed, an encrypted body without safe-mode parameters, a path segment
//! that is not an appid.

use crate::Error;

/// What is wrong with a callback request, as
/// [`Error::Callback`](crate::Error::Callback). Messages never quote the
/// request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Rejection {
    /// Neither GET (URL verification) nor POST (a push).
    #[error("method not allowed: WeChat sends GET to verify the URL and POST to push")]
    MethodNotAllowed,
    /// A query parameter WeChat always sends is missing.
    #[error("the `{0}` query parameter is missing")]
    MissingParameter(&'static str),
    /// `encrypt_type=aes` (safe mode) but no `msg_signature`: only the
    /// plain-mode `signature` came, which does not cover the encrypted body.
    #[error(
        "safe mode (encrypt_type=aes) without msg_signature: the plain-mode `signature` does not \
         cover the encrypted body; pass msg_signature"
    )]
    MsgSignatureMissing,
    /// `msg_signature` holds the plain-mode signature (over token,
    /// timestamp and nonce only), not the one over the `Encrypt` text.
    #[error(
        "msg_signature is the plain-mode signature (token, timestamp, nonce): pass WeChat's \
         msg_signature, which also covers the Encrypt text"
    )]
    PlainSignatureAsMsgSignature,
    /// The body is an encrypted envelope but the query is in plain mode
    /// (no `encrypt_type=aes`, no `msg_signature`).
    #[error(
        "the body is encrypted but the query has no msg_signature (plain mode): pass the whole \
         query string WeChat sent"
    )]
    EncryptedBodyInPlainMode,
    /// `encrypt_type` is neither `aes` nor `raw`.
    #[error("unsupported encrypt_type (WeChat sends `aes` in safe mode, nothing in plain mode)")]
    UnsupportedEncryptType,
    /// A push without a body.
    #[error("the body is empty")]
    EmptyBody,
    /// The body is not UTF-8.
    #[error("the body is not UTF-8")]
    BodyNotUtf8,
    /// The authorizer appid taken from the URL path (WeChat's `$APPID$`) is
    /// not an appid.
    #[error(
        "the authorizer appid in the URL path is not an appid (letters and digits, at most 32); \
         the message URL must contain WeChat's $APPID$ placeholder"
    )]
    InvalidAppid,
    /// A push to the component events URL names another component appid.
    #[error("the push is for another third-party platform (check component_appid)")]
    ForeignComponent,
}

impl Rejection {
    /// The HTTP status to answer with: 405 for a wrong method, 400
    /// otherwise.
    pub fn status(self) -> u16 {
        match self {
            Rejection::MethodNotAllowed => 405,
            _ => 400,
        }
    }
}

/// The HTTP status a callback answers when handling fails with `error`:
///
/// - 403 when the request is not authentic or not for us
///   ([`Error::InvalidSignature`], [`Error::TimestampOutOfRange`],
///   [`Error::ReceiveIdMismatch`]);
/// - [`Rejection::status`] for a [`Error::Callback`];
/// - 500 when this side failed ([`Error::Store`], [`Error::Timeout`],
///   [`Error::Config`], [`Error::Handler`]): WeChat retries later;
/// - 400 for every other malformed request (bad XML, base64, padding,
///   length).
pub fn status_of(error: &Error) -> u16 {
    match error {
        Error::InvalidSignature
        | Error::TimestampOutOfRange { .. }
        | Error::ReceiveIdMismatch { .. } => 403,
        Error::Callback(rejection) => rejection.status(),
        Error::Store(_) | Error::Timeout(_) | Error::Config(_) | Error::Handler(_) => 500,
        _ => 400,
    }
}

/// A short class name of a callback error, for log lines: it names the
/// failure without quoting anything from the request (the `Display` of some
/// errors includes an appid read from the decrypted body).
pub fn error_class(error: &Error) -> &'static str {
    match error {
        Error::InvalidSignature => "invalid signature (check the message token)",
        Error::TimestampOutOfRange { .. } => "timestamp out of the replay window",
        Error::ReceiveIdMismatch { .. } => "receive id mismatch (check the component appid)",
        Error::InvalidPadding => "invalid padding (check the EncodingAESKey)",
        Error::InvalidBase64 => "invalid base64",
        Error::InvalidLength(_) => "invalid length",
        Error::InvalidXml(_) => "malformed document",
        Error::Callback(Rejection::MethodNotAllowed) => "method not allowed",
        Error::Callback(Rejection::MissingParameter(_)) => "query parameter missing",
        Error::Callback(Rejection::MsgSignatureMissing) => "safe mode without msg_signature",
        Error::Callback(Rejection::PlainSignatureAsMsgSignature) => {
            "plain signature passed as msg_signature"
        }
        Error::Callback(Rejection::EncryptedBodyInPlainMode) => "encrypted body in plain mode",
        Error::Callback(Rejection::UnsupportedEncryptType) => "unsupported encrypt_type",
        Error::Callback(Rejection::EmptyBody) => "empty body",
        Error::Callback(Rejection::BodyNotUtf8) => "body not UTF-8",
        Error::Callback(Rejection::InvalidAppid) => "invalid authorizer appid in the path",
        Error::Callback(Rejection::ForeignComponent) => "push for another component",
        Error::Store(_) => "token store failure",
        Error::Timeout(_) => "timeout",
        Error::Config(_) => "configuration",
        Error::Handler(_) => "handler failure",
        _ => "other",
    }
}
