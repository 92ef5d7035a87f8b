//! Message security for WeChat callbacks: the WXBizMsgCrypt scheme.
//!
//! WeChat signs (and, in "safe mode", encrypts) every push it sends to an
//! official account's or a third-party platform's callback URL. This module
//! implements both sides of that scheme:
//!
//! - [`signature`]: the SHA-1 signatures (`signature` in plain mode,
//!   `msg_signature` in safe mode), compared in constant time;
//! - [`key`]: decoding the 43-character EncodingAESKey;
//! - [`msg_crypt`]: [`MsgCrypt`], AES-256-CBC encryption and decryption of the
//!   `Encrypt` payload, with WeChat's 32-byte PKCS#7 padding, the receive id
//!   check and optional replay protection;
//! - [`envelope`]: the XML envelopes around the payload (incoming push,
//!   outgoing reply) and the high-level [`MsgCrypt::decrypt_push`] /
//!   [`MsgCrypt::encrypt_reply`];
//! - [`handshake`]: the `echostr` URL-verification handshake, in plain and
//!   encrypted mode.
//!
//! # Example
//!
//! ```
//! use wechat_api::crypto::MsgCrypt;
//!
//! # fn main() -> wechat_api::Result<()> {
//! let crypt = MsgCrypt::new("spamtest", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wx2c2769f8efd9abc2")?;
//! let reply = crypt.encrypt_reply("<xml><Content>hi</Content></xml>", "1409735669", "1320562132")?;
//! // WeChat would send such an envelope back; the query carries msg_signature.
//! let envelope = wechat_api::crypto::Envelope::parse(&reply)?;
//! let signature = envelope.msg_signature.as_deref().unwrap_or_default();
//! let plaintext = crypt.decrypt_push(signature, "1409735669", "1320562132", &reply)?;
//! assert_eq!(plaintext, "<xml><Content>hi</Content></xml>");
//! # Ok(())
//! # }
//! ```

pub mod envelope;
pub mod handshake;
pub mod key;
pub mod msg_crypt;
pub mod signature;

#[doc(hidden)]
pub use crate::xml::{FieldsByBothPaths, fields_by_both_paths};
pub use envelope::{Envelope, reply_envelope};
pub use handshake::verify_url_plain;
pub use key::decode_encoding_aes_key;
pub use msg_crypt::{MsgCrypt, MsgCryptBuilder};
pub use signature::{
    msg_signature, plain_signature, sha1_signature, verify_msg_signature, verify_plain_signature,
};
