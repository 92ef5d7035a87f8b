//! Sensitive fields of the generated endpoints (`sensitive: true` in the
//! spec): plaintext goes in, ciphertext goes out.
//!
//! A request struct holds a sensitive field as plaintext (redacted in
//! `Debug`); the generated method encrypts it with an [`Encryptor`] (one
//! WeChat Pay key per request, RSAES-OAEP) into the body it sends, and names
//! the key in `Wechatpay-Serial`. The plaintext never reaches the wire.
//! In answers, a sensitive field is a [`Ciphertext`]: it decrypts with the
//! merchant key only when asked ([`Ciphertext::decrypt`]).

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use super::key::PayPublicKey;
use super::wechat_pay::WechatPay;
use crate::error::Result;

/// Encrypts the sensitive fields of one request with one WeChat Pay key.
pub struct Encryptor {
    serial: String,
    key: PayPublicKey,
}

impl Encryptor {
    /// The encryptor of `pay`'s current key (the WeChat Pay public key, or
    /// the newest platform certificate).
    ///
    /// # Errors
    /// [`Error::Config`](crate::Error::Config) when no key is known yet.
    pub fn new(pay: &WechatPay) -> Result<Self> {
        let (serial, key) = pay.verifier().encryption_key()?;
        Ok(Encryptor { serial, key })
    }

    /// `plaintext` encrypted (RSAES-OAEP, SHA-1, MGF1-SHA1), base64.
    ///
    /// # Errors
    /// [`Error::PayCrypto`](crate::Error::PayCrypto) when it is too long
    /// for RSA-OAEP.
    pub fn encrypt(&self, plaintext: &str) -> Result<String> {
        Ok(STANDARD.encode(self.key.encrypt_oaep(plaintext.as_bytes())?))
    }

    /// The serial (or `PUB_KEY_ID_…`) of the key, for `Wechatpay-Serial`.
    pub fn serial(&self) -> &str {
        &self.serial
    }
}

impl fmt::Debug for Encryptor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Encryptor")
            .field("serial", &self.serial)
            .finish_non_exhaustive()
    }
}

/// A sensitive field of an answer, still encrypted with the merchant's key
/// (base64 RSAES-OAEP). [`decrypt`](Self::decrypt) it when needed.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Ciphertext(String);

impl Ciphertext {
    /// A ciphertext as received (base64).
    pub fn new(base64: impl Into<String>) -> Self {
        Ciphertext(base64.into())
    }

    /// The base64 text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The plaintext, decrypted with `pay`'s merchant key.
    ///
    /// # Errors
    /// [`Error::PayCrypto`](crate::Error::PayCrypto) when it does not
    /// decrypt.
    pub fn decrypt(&self, pay: &WechatPay) -> Result<SecretString> {
        pay.decrypt_sensitive(&self.0)
    }
}

impl fmt::Debug for Ciphertext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Ciphertext({} bytes of base64)", self.0.len())
    }
}
