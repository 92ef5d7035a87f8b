//! [`MsgCrypt`]: AES-256-CBC encryption of WeChat's `Encrypt` payload.
//!
//! The payload is `base64(AES-256-CBC(key, iv, plaintext))` where
//!
//! - `key` is the decoded EncodingAESKey (see [`super::key`]) and `iv` its
//!   first 16 bytes;
//! - `plaintext = random(16) ‖ u32_be(len(message)) ‖ message ‖ receive_id`,
//!   PKCS#7-padded to a multiple of **32** bytes (WeChat's own block size, so
//!   pad values run from 1 to 32);
//! - `receive_id` is the official account's AppId, or the component AppId of
//!   a third-party platform.
//!
//! The AES key schedule is computed once, when the [`MsgCrypt`] is built, so
//! that handling a push costs one allocation for the decoded payload (which
//! becomes the returned `String`) and no key expansion.

use std::fmt;
use std::time::Duration;

use aes::Aes256;
use aes::cipher::block_padding::NoPadding;
use aes::cipher::{BlockDecryptMut as _, BlockEncryptMut as _, InnerIvInit as _, KeyInit as _};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use secrecy::{ExposeSecret as _, SecretString};

use super::key::{LENIENT, decode_encoding_aes_key};
use super::signature;
use crate::{Error, Result};

/// Bytes of random prefix at the start of every plaintext.
const RANDOM_LEN: usize = 16;
/// Random prefix plus the big-endian `u32` message length.
const HEADER_LEN: usize = RANDOM_LEN + 4;
/// WeChat pads to a multiple of 32 bytes, not AES's 16.
const PAD_BLOCK: usize = 32;
/// AES block size: the ciphertext is always a multiple of it.
const AES_BLOCK: usize = 16;
/// The longest foreign receive id quoted in an error (AppIds have 18
/// characters).
const MAX_QUOTED_RECEIVE_ID: usize = 32;

/// Encrypts, decrypts and signs WeChat callback payloads for one
/// `(token, EncodingAESKey, receive id)` configuration.
///
/// Build it once and share it (it is `Send + Sync` and cheap to use
/// concurrently): the AES key schedule is precomputed. Its `Debug` output
/// never shows the token or the key.
///
/// The receive id is the official account's AppId for an official account's
/// callbacks, and the component AppId for the pushes a third-party platform
/// receives (component_verify_ticket, authorization events, and the messages
/// of its authorizers).
#[derive(Clone)]
pub struct MsgCrypt {
    token: SecretString,
    cipher: Aes256,
    iv: [u8; AES_BLOCK],
    receive_id: String,
    max_timestamp_age: Option<Duration>,
}

impl fmt::Debug for MsgCrypt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MsgCrypt")
            .field("token", &"<redacted>")
            .field("encoding_aes_key", &"<redacted>")
            .field("receive_id", &self.receive_id)
            .field("max_timestamp_age", &self.max_timestamp_age)
            .finish()
    }
}

/// Builder of a [`MsgCrypt`], for the optional settings (replay protection).
///
/// ```
/// use std::time::Duration;
/// use wechat_api::crypto::MsgCrypt;
///
/// let crypt = MsgCrypt::builder("token", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wx2c2769f8efd9abc2")
///     .max_timestamp_age(Duration::from_secs(300))
///     .build()?;
/// assert_eq!(crypt.max_timestamp_age(), Some(Duration::from_secs(300)));
/// # Ok::<(), wechat_api::Error>(())
/// ```
#[derive(Clone)]
pub struct MsgCryptBuilder {
    token: String,
    encoding_aes_key: String,
    receive_id: String,
    max_timestamp_age: Option<Duration>,
}

impl fmt::Debug for MsgCryptBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MsgCryptBuilder")
            .field("token", &"<redacted>")
            .field("encoding_aes_key", &"<redacted>")
            .field("receive_id", &self.receive_id)
            .field("max_timestamp_age", &self.max_timestamp_age)
            .finish()
    }
}

impl MsgCryptBuilder {
    /// Rejects pushes whose `timestamp` query parameter is further than `age`
    /// from the current time, in the past or in the future, with
    /// [`Error::TimestampOutOfRange`].
    ///
    /// This is optional replay protection: the signature covers the
    /// timestamp, so an attacker replaying a captured push cannot refresh it.
    /// Leave some slack for clock skew and WeChat's retries (it retries a push
    /// three times within about 15 seconds); 300 seconds is a common choice.
    /// Without it (the default), timestamps are only signed, never checked.
    #[must_use]
    pub fn max_timestamp_age(mut self, age: Duration) -> Self {
        self.max_timestamp_age = Some(age);
        self
    }

    /// Checks the configuration and precomputes the AES key schedule.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] if the token is empty or the EncodingAESKey is not 43
    /// base64 characters.
    pub fn build(self) -> Result<MsgCrypt> {
        if self.token.is_empty() {
            return Err(Error::Config(
                "the message token is empty (set the Token configured on the WeChat platform)"
                    .to_owned(),
            ));
        }
        let key = decode_encoding_aes_key(&self.encoding_aes_key)?;
        let cipher = Aes256::new(&key.into());
        // The IV is the first 16 bytes of the key (always present: 32 > 16).
        let iv = *key
            .first_chunk::<AES_BLOCK>()
            .ok_or_else(|| Error::Config("internal: short AES key".to_owned()))?;
        Ok(MsgCrypt {
            token: SecretString::from(self.token),
            cipher,
            iv,
            receive_id: self.receive_id,
            max_timestamp_age: self.max_timestamp_age,
        })
    }
}

impl MsgCrypt {
    /// Builds a `MsgCrypt` without replay protection.
    ///
    /// `token` and `encoding_aes_key` are the Token and EncodingAESKey set in
    /// the message settings of the WeChat platform; `receive_id` is the AppId
    /// (official account) or component AppId (third-party platform).
    ///
    /// # Errors
    ///
    /// [`Error::Config`] if the token is empty or the EncodingAESKey is not 43
    /// base64 characters.
    pub fn new(
        token: impl Into<String>,
        encoding_aes_key: impl Into<String>,
        receive_id: impl Into<String>,
    ) -> Result<Self> {
        Self::builder(token, encoding_aes_key, receive_id).build()
    }

    /// Starts a [`MsgCryptBuilder`], for optional settings.
    pub fn builder(
        token: impl Into<String>,
        encoding_aes_key: impl Into<String>,
        receive_id: impl Into<String>,
    ) -> MsgCryptBuilder {
        MsgCryptBuilder {
            token: token.into(),
            encoding_aes_key: encoding_aes_key.into(),
            receive_id: receive_id.into(),
            max_timestamp_age: None,
        }
    }

    /// The receive id (AppId or component AppId) messages must carry.
    pub fn receive_id(&self) -> &str {
        &self.receive_id
    }

    /// The configured maximum timestamp age, if replay protection is on.
    pub fn max_timestamp_age(&self) -> Option<Duration> {
        self.max_timestamp_age
    }

    // ---- signatures ------------------------------------------------------

    /// The `msg_signature` of an `Encrypt` text, with this token.
    pub fn sign(&self, timestamp: &str, nonce: &str, encrypt: &str) -> String {
        signature::msg_signature(self.token.expose_secret(), timestamp, nonce, encrypt)
    }

    /// Checks the `msg_signature` of an `Encrypt` text in constant time.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSignature`] if it does not match.
    pub fn verify_signature(
        &self,
        msg_signature: &str,
        timestamp: &str,
        nonce: &str,
        encrypt: &str,
    ) -> Result<()> {
        signature::verify_msg_signature(
            self.token.expose_secret(),
            msg_signature,
            timestamp,
            nonce,
            encrypt,
        )
    }

    /// Checks a plain-mode `signature` (token, timestamp, nonce) in constant
    /// time, then the timestamp if replay protection is on.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSignature`] or [`Error::TimestampOutOfRange`].
    pub fn verify_plain_signature(
        &self,
        signature: &str,
        timestamp: &str,
        nonce: &str,
    ) -> Result<()> {
        signature::verify_plain_signature(self.token.expose_secret(), signature, timestamp, nonce)?;
        self.check_timestamp(timestamp)
    }

    /// Applies the replay protection to a push's `timestamp`, against the
    /// system clock. Always `Ok` when no maximum age is configured.
    ///
    /// # Errors
    ///
    /// [`Error::TimestampOutOfRange`] if the timestamp is further than the
    /// maximum age from now, or is not a decimal number of seconds (then the
    /// error reports timestamp 0).
    pub fn check_timestamp(&self, timestamp: &str) -> Result<()> {
        if self.max_timestamp_age.is_none() {
            return Ok(());
        }
        self.check_timestamp_at(timestamp, crate::clock::unix_seconds())
    }

    /// Like [`check_timestamp`](Self::check_timestamp), against `now` (Unix
    /// seconds) instead of the system clock.
    ///
    /// # Errors
    ///
    /// [`Error::TimestampOutOfRange`], as for `check_timestamp`.
    pub fn check_timestamp_at(&self, timestamp: &str, now: i64) -> Result<()> {
        let Some(max_age) = self.max_timestamp_age else {
            return Ok(());
        };
        let max_age_secs = max_age.as_secs();
        let out_of_range = |timestamp| Error::TimestampOutOfRange {
            timestamp,
            max_age_secs,
        };
        let ts: i64 = timestamp.trim().parse().map_err(|_| out_of_range(0))?;
        if ts.abs_diff(now) > max_age_secs {
            return Err(out_of_range(ts));
        }
        Ok(())
    }

    // ---- payload ---------------------------------------------------------

    /// Encrypts `plaintext` into the base64 `Encrypt` text, with a fresh
    /// random 16-byte prefix from the thread-local CSPRNG.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidLength`] if the message is 4 GiB or longer.
    pub fn encrypt(&self, plaintext: &str) -> Result<String> {
        let random: [u8; RANDOM_LEN] = rand::random();
        self.encrypt_with_random(plaintext, &random)
    }

    /// Encrypts `plaintext` with the given 16-byte prefix instead of a random
    /// one. Deterministic, for known-answer tests; use [`encrypt`](Self::encrypt)
    /// otherwise.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidLength`] if the message is 4 GiB or longer.
    pub fn encrypt_with_random(&self, plaintext: &str, random: &[u8; 16]) -> Result<String> {
        let message = plaintext.as_bytes();
        let receive_id = self.receive_id.as_bytes();
        let too_long = || Error::InvalidLength("the message is too long to encrypt".to_owned());
        let message_len = u32::try_from(message.len()).map_err(|_| too_long())?;
        let unpadded = HEADER_LEN
            .checked_add(message.len())
            .and_then(|n| n.checked_add(receive_id.len()))
            .ok_or_else(too_long)?;
        let pad = PAD_BLOCK - unpadded % PAD_BLOCK;
        let total = unpadded.checked_add(pad).ok_or_else(too_long)?;

        let mut buf = Vec::with_capacity(total);
        buf.extend_from_slice(random);
        buf.extend_from_slice(&message_len.to_be_bytes());
        buf.extend_from_slice(message);
        buf.extend_from_slice(receive_id);
        // `pad` is in 1..=32, so it fits in a byte.
        buf.resize(total, pad as u8);

        let encryptor = cbc::Encryptor::<&Aes256>::inner_iv_init(&self.cipher, &self.iv.into());
        let ciphertext = encryptor
            .encrypt_padded_mut::<NoPadding>(&mut buf, total)
            .map_err(|_| Error::InvalidLength("internal: unaligned plaintext".to_owned()))?;
        Ok(STANDARD.encode(ciphertext))
    }

    /// Decrypts an `Encrypt` text into the message, checking the padding, the
    /// length field and the receive id. This does **not** check any
    /// signature: use [`decrypt_push`](Self::decrypt_push) or
    /// [`decrypt_verified`](Self::decrypt_verified) for pushes.
    ///
    /// # Errors
    ///
    /// - [`Error::InvalidBase64`]: `encrypt` is not base64;
    /// - [`Error::InvalidLength`]: the ciphertext is empty or not a multiple of
    ///   16 bytes, or the length field points past the end of the plaintext;
    /// - [`Error::InvalidPadding`]: the 32-byte PKCS#7 padding is malformed
    ///   (usually a wrong EncodingAESKey);
    /// - [`Error::ReceiveIdMismatch`]: the message is for another AppId;
    /// - [`Error::InvalidXml`]: the message is not UTF-8.
    pub fn decrypt(&self, encrypt: &str) -> Result<String> {
        let mut buf = Vec::with_capacity(encrypt.len() / 4 * 3 + 3);
        LENIENT
            .decode_vec(encrypt, &mut buf)
            .map_err(|_| Error::InvalidBase64)?;
        if buf.is_empty() || buf.len() % AES_BLOCK != 0 {
            return Err(Error::InvalidLength(format!(
                "the ciphertext is {} bytes, not a non-zero multiple of {AES_BLOCK}",
                buf.len()
            )));
        }
        let decryptor = cbc::Decryptor::<&Aes256>::inner_iv_init(&self.cipher, &self.iv.into());
        decryptor
            .decrypt_padded_mut::<NoPadding>(&mut buf)
            .map_err(|_| Error::InvalidLength("internal: unaligned ciphertext".to_owned()))?;

        let content_len = unpad(&buf)?;
        let content = buf.get(..content_len).ok_or(Error::InvalidPadding)?;
        let (header, rest) = content.split_first_chunk::<HEADER_LEN>().ok_or_else(|| {
            Error::InvalidLength(format!(
                "the decrypted payload is {content_len} bytes, shorter than its {HEADER_LEN}-byte header"
            ))
        })?;
        let (_random, length) = header.split_at(RANDOM_LEN);
        let length: [u8; 4] = length
            .try_into()
            .map_err(|_| Error::InvalidLength("internal: header".to_owned()))?;
        let message_len = u32::from_be_bytes(length) as usize;
        let receive_id = rest.get(message_len..).ok_or_else(|| {
            Error::InvalidLength(format!(
                "the length field says {message_len} bytes but only {} follow",
                rest.len()
            ))
        })?;
        if receive_id != self.receive_id.as_bytes() {
            return Err(Error::ReceiveIdMismatch {
                expected: self.receive_id.clone(),
                actual: describe_receive_id(receive_id),
            });
        }

        // Turn the buffer into the message in place: no second allocation.
        buf.truncate(HEADER_LEN + message_len);
        buf.drain(..HEADER_LEN);
        String::from_utf8(buf)
            .map_err(|_| Error::InvalidXml("the decrypted message is not UTF-8".to_owned()))
    }

    /// Checks the `msg_signature` over `encrypt`, then the timestamp (if
    /// replay protection is on), then decrypts.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSignature`], [`Error::TimestampOutOfRange`], then the
    /// errors of [`decrypt`](Self::decrypt).
    pub fn decrypt_verified(
        &self,
        msg_signature: &str,
        timestamp: &str,
        nonce: &str,
        encrypt: &str,
    ) -> Result<String> {
        self.verify_signature(msg_signature, timestamp, nonce, encrypt)?;
        self.check_timestamp(timestamp)?;
        self.decrypt(encrypt)
    }
}

/// How a [`Error::ReceiveIdMismatch`] names the receive id found in a
/// message: the id itself when it looks like an AppId (1 to 32 ASCII
/// letters, digits, `_` or `-`), else only its length.
///
/// Which AppId a push was meant for is what an operator needs to fix a
/// mismatch, and quoting it is safe: the id was encrypted with our key
/// (behind a signature made with our token, on the `decrypt_push` path),
/// and even a forged one can then only be a short run of letters and digits,
/// no control character, no line feed. Anything else is described by its
/// length, never quoted.
fn describe_receive_id(id: &[u8]) -> String {
    let appid_like = (1..=MAX_QUOTED_RECEIVE_ID).contains(&id.len())
        && id
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    match std::str::from_utf8(id) {
        Ok(id) if appid_like => id.to_owned(),
        _ => format!("<{} bytes, not an AppId>", id.len()),
    }
}

/// Validates WeChat's 32-byte PKCS#7 padding and returns the unpadded length.
fn unpad(buf: &[u8]) -> Result<usize> {
    let &last = buf.last().ok_or(Error::InvalidPadding)?;
    let pad = usize::from(last);
    if pad == 0 || pad > PAD_BLOCK {
        return Err(Error::InvalidPadding);
    }
    let start = buf.len().checked_sub(pad).ok_or(Error::InvalidPadding)?;
    let padding = buf.get(start..).ok_or(Error::InvalidPadding)?;
    if padding.iter().any(|&b| b != last) {
        return Err(Error::InvalidPadding);
    }
    Ok(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unpad_accepts_1_to_32() {
        for pad in 1..=32u8 {
            let mut buf = vec![7u8; 64];
            let len = buf.len();
            buf[len - usize::from(pad)..].fill(pad);
            assert_eq!(unpad(&buf).ok(), Some(64 - usize::from(pad)));
        }
    }

    #[test]
    fn unpad_rejects_bad_padding() {
        assert!(matches!(unpad(&[]), Err(Error::InvalidPadding)));
        assert!(matches!(unpad(&[0u8; 32]), Err(Error::InvalidPadding)));
        assert!(matches!(unpad(&[33u8; 48]), Err(Error::InvalidPadding)));
        assert!(matches!(unpad(&[4u8, 4, 4]), Err(Error::InvalidPadding)));
        let mut uneven = [3u8; 16];
        uneven[14] = 2;
        assert!(matches!(unpad(&uneven), Err(Error::InvalidPadding)));
    }

    #[test]
    fn debug_is_redacted() {
        let crypt = MsgCrypt::new(
            "secret-token",
            "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
            "wxappid",
        )
        .expect("valid config");
        let debug = format!("{crypt:?}");
        assert!(!debug.contains("secret-token"));
        assert!(!debug.contains("abcdefghij"));
        assert!(debug.contains("wxappid"));
    }
}
