//! Sensitive fields of the generated endpoints (`sensitive: true` in the
//! spec): plaintext goes in, ciphertext goes out.
//!
//! A request struct holds a sensitive field as plaintext (redacted in
//! `Debug`); the generated method encrypts it with an [`Encryptor`] (one
//! WeChat Pay key per request, RSAES-OAEP) into the body it sends, and names
//! the key in `Wechatpay-Serial`. The plaintext never reaches the wire.
//! In answers, a sensitive field is a [`Ciphertext`]: it decrypts with the
//! merchant key only when asked ([`Ciphertext::decrypt`]).
//!
//! A sensitive field *nested* in a request (the applyment's
//! `contact_info.contact_name`, a profit sharing receiver's `name`) is a
//! [`Sensitive`]: plaintext held by the caller, which serializes only as
//! ciphertext, and only while a WeChat Pay request seals its body with an
//! [`Encryptor`] ([`seal`]). Serialized anywhere else it is an error, never
//! plaintext: the client cannot send one unencrypted.

use std::cell::RefCell;
use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use secrecy::SecretString;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::key::PayPublicKey;
use super::wechat_pay::WechatPay;
use crate::error::Result;

/// Encrypts the sensitive fields of one request with one WeChat Pay key.
#[derive(Clone)]
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

thread_local! {
    /// The encryptor of the body being serialized on this thread, if any.
    static SEAL: RefCell<Option<Encryptor>> = const { RefCell::new(None) };
}

/// Runs `serialize` with `encryptor` sealing every [`Sensitive`] it writes
/// (serialization is synchronous: the thread-local cannot leak across an
/// `await`). The previous seal, if any, is restored afterwards, even on panic.
pub fn seal<T>(encryptor: &Encryptor, serialize: impl FnOnce() -> T) -> T {
    struct Restore(Option<Encryptor>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let previous = self.0.take();
            SEAL.with(|seal| *seal.borrow_mut() = previous);
        }
    }
    let previous = SEAL.with(|seal| seal.borrow_mut().replace(encryptor.clone()));
    let _restore = Restore(previous);
    serialize()
}

/// A sensitive field nested in a request: plaintext in, ciphertext out.
///
/// It serializes as the base64 RSAES-OAEP ciphertext of its text under the
/// [`Encryptor`] of the request being sent ([`seal`]); serialized outside a
/// WeChat Pay request it fails instead of writing plaintext. It deserializes
/// from plaintext (a request kept by the caller), never from an answer's
/// ciphertext (answers use [`Ciphertext`]). `Debug` shows nothing of it.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Sensitive(String);

impl Sensitive {
    /// The plaintext to send encrypted.
    pub fn new(plaintext: impl Into<String>) -> Self {
        Sensitive(plaintext.into())
    }

    /// The plaintext.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Sensitive {
    fn from(plaintext: &str) -> Self {
        Sensitive::new(plaintext)
    }
}

impl From<String> for Sensitive {
    fn from(plaintext: String) -> Self {
        Sensitive(plaintext)
    }
}

impl fmt::Debug for Sensitive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sensitive([redacted])")
    }
}

impl Serialize for Sensitive {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let sealed = SEAL.with(|seal| {
            seal.borrow()
                .as_ref()
                .map(|encryptor| encryptor.encrypt(&self.0))
        });
        match sealed {
            Some(Ok(ciphertext)) => serializer.serialize_str(&ciphertext),
            Some(Err(e)) => Err(serde::ser::Error::custom(format!(
                "a sensitive field could not be encrypted: {e}"
            ))),
            None => Err(serde::ser::Error::custom(
                "a sensitive field was serialized outside a WeChat Pay request; its plaintext is never written",
            )),
        }
    }
}

impl<'de> Deserialize<'de> for Sensitive {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        String::deserialize(deserializer).map(Sensitive)
    }
}
