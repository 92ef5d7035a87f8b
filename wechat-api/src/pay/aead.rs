//! The APIv3 key and AEAD_AES_256_GCM, which WeChat Pay uses for
//! notification resources and downloaded platform certificates.
//!
//! The ciphertext is base64 of the encrypted bytes followed by the 16-byte
//! tag; the nonce is the 12 bytes of the `nonce` text; the associated data
//! the bytes of `associated_data` (possibly empty).

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};

use crate::error::{Error, Result};

/// The merchant's APIv3 key (exactly 32 bytes), ready for AES-256-GCM. Its
/// `Debug` never shows it.
pub struct ApiV3Key {
    key: LessSafeKey,
}

impl ApiV3Key {
    /// Uses `key`, which must be exactly 32 bytes (the APIv3 key set in the
    /// merchant platform is 32 ASCII characters).
    ///
    /// # Errors
    /// [`Error::Config`] when `key` is not 32 bytes.
    pub fn new(key: &[u8]) -> Result<Self> {
        if key.len() != 32 {
            return Err(Error::Config(format!(
                "the APIv3 key must be exactly 32 bytes (it is {})",
                key.len()
            )));
        }
        let unbound = UnboundKey::new(&AES_256_GCM, key)
            .map_err(|_| Error::Config("the APIv3 key is not a valid AES-256 key".to_owned()))?;
        Ok(ApiV3Key {
            key: LessSafeKey::new(unbound),
        })
    }

    /// Decrypts a WeChat Pay AES-256-GCM `ciphertext` (base64, tag at the
    /// end) with its `nonce` and `associated_data`.
    ///
    /// # Errors
    /// [`Error::PayCrypto`] when the ciphertext is not base64, the nonce is
    /// not 12 bytes, or authentication fails (wrong key, altered data).
    pub fn decrypt(&self, nonce: &str, associated_data: &str, ciphertext: &str) -> Result<Vec<u8>> {
        let nonce = nonce_of(nonce)?;
        let mut data = STANDARD
            .decode(ciphertext.trim())
            .map_err(|_| Error::PayCrypto("the AES-GCM ciphertext is not base64".to_owned()))?;
        let plain = self
            .key
            .open_in_place(nonce, Aad::from(associated_data.as_bytes()), &mut data)
            .map_err(|_| {
                Error::PayCrypto(
                    "AES-256-GCM authentication failed: wrong APIv3 key, or altered nonce, associated_data or ciphertext"
                        .to_owned(),
                )
            })?;
        Ok(plain.to_vec())
    }

    /// Encrypts `plaintext` as WeChat Pay does (base64 of ciphertext and
    /// tag). WeChat Pay encrypts, a merchant decrypts: this is for tests and
    /// local fakes of WeChat Pay.
    ///
    /// # Errors
    /// [`Error::PayCrypto`] when the nonce is not 12 bytes.
    pub fn encrypt(&self, nonce: &str, associated_data: &str, plaintext: &[u8]) -> Result<String> {
        let nonce = nonce_of(nonce)?;
        let mut data = plaintext.to_vec();
        self.key
            .seal_in_place_append_tag(nonce, Aad::from(associated_data.as_bytes()), &mut data)
            .map_err(|_| Error::PayCrypto("AES-256-GCM encryption failed".to_owned()))?;
        Ok(STANDARD.encode(data))
    }
}

fn nonce_of(nonce: &str) -> Result<Nonce> {
    Nonce::try_assume_unique_for_key(nonce.as_bytes()).map_err(|_| {
        Error::PayCrypto(format!(
            "the AES-GCM nonce must be {NONCE_LEN} bytes (it is {})",
            nonce.len()
        ))
    })
}

impl fmt::Debug for ApiV3Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiV3Key([redacted])")
    }
}
