//! WeChat Pay notifications: the envelope, its encrypted `resource`, and
//! the typed event types. Verification and decryption are
//! [`WechatPay::verify_and_decrypt`](super::WechatPay::verify_and_decrypt);
//! the typed resources are in `event`, deduplication and answers in
//! `notify_handler`.

use std::fmt;

use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::error::{Error, Result};

/// The JSON body WeChat Pay posts to a `notify_url`, before decryption.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct NotificationEnvelope {
    /// The notification id (the same on every retry).
    pub id: String,
    /// When it was created, RFC 3339 (`2015-05-20T13:29:35+08:00`).
    #[serde(default)]
    pub create_time: String,
    /// `TRANSACTION.SUCCESS`, `REFUND.SUCCESS`...
    pub event_type: String,
    /// `encrypt-resource`.
    #[serde(default)]
    pub resource_type: String,
    /// A short description (`支付成功`).
    #[serde(default)]
    pub summary: String,
    /// The encrypted payload.
    pub resource: EncryptedResource,
}

/// An AEAD_AES_256_GCM `resource` (or `encrypt_certificate`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct EncryptedResource {
    /// `AEAD_AES_256_GCM`.
    pub algorithm: String,
    /// Base64 of the ciphertext followed by the 16-byte tag.
    pub ciphertext: String,
    /// The 12-character nonce.
    pub nonce: String,
    /// The associated data (may be empty).
    #[serde(default)]
    pub associated_data: String,
    /// The type of the plaintext (`transaction`, `refund`).
    #[serde(default)]
    pub original_type: String,
}

/// What a notification is about. Unknown types are kept, never an error.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EventType {
    /// `TRANSACTION.SUCCESS`: an order was paid; the resource is the transaction.
    TransactionSuccess,
    /// `REFUND.SUCCESS`: a refund went through; the resource is the refund.
    RefundSuccess,
    /// `REFUND.ABNORMAL`: a refund failed (closed card...); the resource is the refund.
    RefundAbnormal,
    /// `REFUND.CLOSED`: a refund was closed; the resource is the refund.
    RefundClosed,
    /// Any other event type, as sent.
    Other(String),
}

impl EventType {
    /// The type of `event_type`.
    pub fn parse(event_type: &str) -> Self {
        match event_type {
            "TRANSACTION.SUCCESS" => EventType::TransactionSuccess,
            "REFUND.SUCCESS" => EventType::RefundSuccess,
            "REFUND.ABNORMAL" => EventType::RefundAbnormal,
            "REFUND.CLOSED" => EventType::RefundClosed,
            other => EventType::Other(other.to_owned()),
        }
    }

    /// The wire name.
    pub fn as_str(&self) -> &str {
        match self {
            EventType::TransactionSuccess => "TRANSACTION.SUCCESS",
            EventType::RefundSuccess => "REFUND.SUCCESS",
            EventType::RefundAbnormal => "REFUND.ABNORMAL",
            EventType::RefundClosed => "REFUND.CLOSED",
            EventType::Other(other) => other,
        }
    }

    /// Whether the resource is a refund.
    pub fn is_refund(&self) -> bool {
        matches!(
            self,
            EventType::RefundSuccess | EventType::RefundAbnormal | EventType::RefundClosed
        )
    }
}

/// A verified and decrypted notification. Its `Debug` shows the envelope
/// but never the decrypted resource (personal and payment data).
#[derive(Clone)]
pub struct Notification {
    /// The notification id (deduplicate on it).
    pub id: String,
    /// When it was created, RFC 3339.
    pub create_time: String,
    /// The typed event type.
    pub event_type: EventType,
    /// `encrypt-resource`.
    pub resource_type: String,
    /// A short description.
    pub summary: String,
    /// The type of the decrypted resource (`transaction`, `refund`).
    pub original_type: String,
    plaintext: Vec<u8>,
}

impl Notification {
    pub(crate) fn new(envelope: NotificationEnvelope, plaintext: Vec<u8>) -> Self {
        Notification {
            event_type: EventType::parse(&envelope.event_type),
            id: envelope.id,
            create_time: envelope.create_time,
            resource_type: envelope.resource_type,
            summary: envelope.summary,
            original_type: envelope.resource.original_type,
            plaintext,
        }
    }

    /// The decrypted resource, as sent (JSON).
    pub fn resource_bytes(&self) -> &[u8] {
        &self.plaintext
    }

    /// The decrypted resource decoded as `T` (the transaction or refund
    /// type, or `serde_json::Value`).
    ///
    /// # Errors
    /// [`Error::Decode`] naming the field, without quoting the plaintext.
    pub fn resource<T: DeserializeOwned>(&self) -> Result<T> {
        serde_json::from_slice(&self.plaintext).map_err(|e| Error::Decode {
            endpoint: "pay notification resource".into(),
            reason: json_error(&e),
            snippet: "(decrypted resource, not shown)".to_owned(),
        })
    }
}

/// A JSON error as its kind and position, without serde's message (which
/// can quote the input).
pub(crate) fn json_error(e: &serde_json::Error) -> String {
    format!("{} at line {} column {}", classify(e), e.line(), e.column())
}

/// The kind of a JSON error, without serde's message (which can quote the
/// plaintext, e.g. an unexpected string value).
fn classify(e: &serde_json::Error) -> &'static str {
    match e.classify() {
        serde_json::error::Category::Io => "I/O error",
        serde_json::error::Category::Syntax => "invalid JSON",
        serde_json::error::Category::Data => "JSON of another shape than expected",
        serde_json::error::Category::Eof => "truncated JSON",
    }
}

impl fmt::Debug for Notification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Notification")
            .field("id", &self.id)
            .field("create_time", &self.create_time)
            .field("event_type", &self.event_type)
            .field("resource_type", &self.resource_type)
            .field("summary", &self.summary)
            .field("original_type", &self.original_type)
            .field(
                "resource",
                &format_args!("[{} bytes, redacted]", self.plaintext.len()),
            )
            .finish()
    }
}
