//! The `echostr` URL-verification handshake.
//!
//! When a callback URL is saved on the WeChat platform, WeChat sends a GET
//! request with `signature`, `timestamp`, `nonce` and `echostr` (plus
//! `msg_signature` in encrypted mode). The server proves it knows the token
//! by answering with the echo string:
//!
//! - plain mode: check `signature` over (token, timestamp, nonce) and answer
//!   `echostr` as is ([`verify_url_plain`], [`MsgCrypt::verify_url_plain`]);
//! - encrypted mode: check `msg_signature` over (token, timestamp, nonce,
//!   echostr), decrypt `echostr` and answer the plaintext
//!   ([`MsgCrypt::verify_url`]).

use super::msg_crypt::MsgCrypt;
use super::signature;
use crate::Result;

/// Plain-mode handshake: checks `signature` and returns the `echostr` to
/// answer with. Needs only the token; no replay protection is applied (use
/// [`MsgCrypt::verify_url_plain`] for that).
///
/// # Errors
///
/// [`crate::Error::InvalidSignature`] if the signature does not match.
pub fn verify_url_plain<'e>(
    token: &str,
    signature: &str,
    timestamp: &str,
    nonce: &str,
    echostr: &'e str,
) -> Result<&'e str> {
    signature::verify_plain_signature(token, signature, timestamp, nonce)?;
    Ok(echostr)
}

impl MsgCrypt {
    /// Plain-mode handshake with this token: checks `signature`, then the
    /// timestamp if replay protection is on, and returns `echostr`.
    ///
    /// # Errors
    ///
    /// [`crate::Error::InvalidSignature`] or
    /// [`crate::Error::TimestampOutOfRange`].
    pub fn verify_url_plain<'e>(
        &self,
        signature: &str,
        timestamp: &str,
        nonce: &str,
        echostr: &'e str,
    ) -> Result<&'e str> {
        self.verify_plain_signature(signature, timestamp, nonce)?;
        Ok(echostr)
    }

    /// Encrypted-mode handshake: checks `msg_signature` over `echostr`, then
    /// the timestamp if replay protection is on, decrypts `echostr` and
    /// returns the plaintext to answer with.
    ///
    /// # Errors
    ///
    /// [`crate::Error::InvalidSignature`],
    /// [`crate::Error::TimestampOutOfRange`], then the errors of
    /// [`MsgCrypt::decrypt`].
    pub fn verify_url(
        &self,
        msg_signature: &str,
        timestamp: &str,
        nonce: &str,
        echostr: &str,
    ) -> Result<String> {
        self.decrypt_verified(msg_signature, timestamp, nonce, echostr)
    }
}
