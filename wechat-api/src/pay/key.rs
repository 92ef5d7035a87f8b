//! The merchant's RSA private key and WeChat Pay's RSA public keys.
//!
//! Signing and verification go through `ring`, RSA-OAEP through `aws-lc-rs`
//! (see the module docs of [`pay`](crate::pay) for why).

use std::fmt;
use std::path::Path;

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::{
    OAEP_SHA1_MGF1SHA1, OaepPrivateDecryptingKey, OaepPublicEncryptingKey, PrivateDecryptingKey,
    PublicEncryptingKey,
};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ring::signature::{self, KeyPair, RsaKeyPair};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{PrivateKeyDer, SubjectPublicKeyInfoDer};

use crate::error::{Error, Result};

/// The smallest RSA modulus WeChat Pay (and this crate) accepts, in bits.
const MIN_BITS: usize = 2048;

/// The merchant's API private key (`apiclient_key.pem`), PKCS#8 or PKCS#1,
/// RSA of 2048 bits or more. Its `Debug` shows only the size.
pub struct MerchantKey {
    signing: RsaKeyPair,
    decrypting: OaepPrivateDecryptingKey,
    rng: ring::rand::SystemRandom,
}

impl MerchantKey {
    /// Reads the key from PEM text (`PRIVATE KEY` or `RSA PRIVATE KEY`).
    ///
    /// # Errors
    /// [`Error::Config`] when there is no private key in the text, it is not
    /// RSA, or it is smaller than 2048 bits.
    pub fn from_pem(pem: &[u8]) -> Result<Self> {
        let der = PrivateKeyDer::from_pem_slice(pem).map_err(|e| {
            Error::Config(format!(
                "the merchant private key is not a PEM private key ({e}); expected `-----BEGIN PRIVATE KEY-----` or `-----BEGIN RSA PRIVATE KEY-----`"
            ))
        })?;
        Self::from_der(&der)
    }

    /// Reads the key from a PEM file.
    ///
    /// # Errors
    /// [`Error::Config`] when the file cannot be read, or as [`from_pem`](Self::from_pem).
    pub fn from_pem_file(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let pem = std::fs::read(path).map_err(|e| {
            Error::Config(format!(
                "cannot read the merchant private key file `{}`: {e}",
                path.display()
            ))
        })?;
        Self::from_pem(&pem)
    }

    /// Uses a DER private key (PKCS#8 or PKCS#1).
    ///
    /// # Errors
    /// As [`from_pem`](Self::from_pem).
    pub fn from_der(der: &PrivateKeyDer<'_>) -> Result<Self> {
        let rejected = |e: ring::error::KeyRejected| {
            let why = match e.to_string().as_str() {
                "TooSmall" => "it is smaller than 2048 bits".to_owned(),
                "WrongAlgorithm" | "InvalidEncoding" => "it is not an RSA key".to_owned(),
                other => format!("it was rejected ({other})"),
            };
            Error::Config(format!("the merchant private key is not usable: {why}"))
        };
        let (signing, pkcs8) = match der {
            PrivateKeyDer::Pkcs8(k) => (
                RsaKeyPair::from_pkcs8(k.secret_pkcs8_der()).map_err(rejected)?,
                k.secret_pkcs8_der().to_vec(),
            ),
            PrivateKeyDer::Pkcs1(k) => {
                let signing = RsaKeyPair::from_der(k.secret_pkcs1_der()).map_err(rejected)?;
                let unusable =
                    || Error::Config("the merchant private key is not a usable RSA key".to_owned());
                let pair = aws_lc_rs::signature::RsaKeyPair::from_der(k.secret_pkcs1_der())
                    .map_err(|_| unusable())?;
                let pkcs8 = pair.as_der().map_err(|_| unusable())?.as_ref().to_vec();
                (signing, pkcs8)
            }
            _ => {
                return Err(Error::Config(
                    "the merchant private key is not an RSA key (WeChat Pay API v3 uses RSA 2048)"
                        .to_owned(),
                ));
            }
        };
        let bits = signing.public().modulus_len() * 8;
        if bits < MIN_BITS {
            return Err(Error::Config(format!(
                "the merchant private key has {bits} bits; at least {MIN_BITS} are required"
            )));
        }
        let decrypting = PrivateDecryptingKey::from_pkcs8(&pkcs8)
            .ok()
            .and_then(|k| OaepPrivateDecryptingKey::new(k).ok())
            .ok_or_else(|| {
                Error::Config("the merchant private key is not usable for RSA-OAEP".to_owned())
            })?;
        Ok(MerchantKey {
            signing,
            decrypting,
            rng: ring::rand::SystemRandom::new(),
        })
    }

    /// The modulus size in bits.
    pub fn bits(&self) -> usize {
        self.signing.public().modulus_len() * 8
    }

    /// The public half as DER `RSAPublicKey` (PKCS#1), to compare with a
    /// certificate.
    pub(crate) fn public_rsa_der(&self) -> &[u8] {
        self.signing.public_key().as_ref()
    }

    /// SHA256withRSA (PKCS#1 v1.5) of `message`, base64 (standard alphabet,
    /// padded).
    ///
    /// # Errors
    /// [`Error::PayCrypto`] if the signing primitive fails (it does not for a
    /// valid key).
    pub fn sign(&self, message: &[u8]) -> Result<String> {
        let mut signature = vec![0; self.signing.public().modulus_len()];
        self.signing
            .sign(
                &signature::RSA_PKCS1_SHA256,
                &self.rng,
                message,
                &mut signature,
            )
            .map_err(|_| Error::PayCrypto("RSA signing failed".to_owned()))?;
        Ok(STANDARD.encode(signature))
    }

    /// RSA-OAEP (SHA-1, MGF1-SHA1) decryption of raw ciphertext bytes.
    pub(crate) fn decrypt_oaep(&self, ciphertext: &[u8]) -> Result<Vec<u8>> {
        let mut out = vec![0; self.decrypting.min_output_size()];
        let plain = self
            .decrypting
            .decrypt(&OAEP_SHA1_MGF1SHA1, ciphertext, &mut out, None)
            .map_err(|_| {
                Error::PayCrypto(
                    "RSA-OAEP decryption failed (wrong key, or not OAEP SHA-1 ciphertext)"
                        .to_owned(),
                )
            })?;
        Ok(plain.to_vec())
    }
}

impl fmt::Debug for MerchantKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MerchantKey")
            .field("bits", &self.bits())
            .field("private_key", &"[redacted]")
            .finish()
    }
}

/// A WeChat Pay RSA public key: of a platform certificate, or the WeChat Pay
/// public key (`pub_key.pem`). Verifies signatures and encrypts sensitive
/// fields.
#[derive(Clone)]
pub struct PayPublicKey {
    /// DER `RSAPublicKey` (PKCS#1), what `ring` verifies with.
    rsa_der: Vec<u8>,
    encrypting: std::sync::Arc<OaepPublicEncryptingKey>,
    bits: usize,
}

impl PayPublicKey {
    /// Reads a `-----BEGIN PUBLIC KEY-----` (SPKI) PEM.
    ///
    /// # Errors
    /// [`Error::Config`] when there is no public key in the text, it is not
    /// RSA, or smaller than 2048 bits.
    pub fn from_pem(pem: &[u8]) -> Result<Self> {
        let der = SubjectPublicKeyInfoDer::from_pem_slice(pem).map_err(|e| {
            Error::Config(format!(
                "the WeChat Pay public key is not a PEM public key ({e}); expected `-----BEGIN PUBLIC KEY-----`"
            ))
        })?;
        Self::from_spki_der(der.as_ref())
    }

    /// Uses a DER `SubjectPublicKeyInfo`.
    ///
    /// # Errors
    /// As [`from_pem`](Self::from_pem).
    pub fn from_spki_der(spki: &[u8]) -> Result<Self> {
        use x509_parser::prelude::FromDer;
        let (_, info) = x509_parser::x509::SubjectPublicKeyInfo::from_der(spki)
            .map_err(|e| Error::Config(format!("invalid public key: {e}")))?;
        match info.parsed() {
            Ok(x509_parser::public_key::PublicKey::RSA(_)) => {}
            _ => {
                return Err(Error::Config(
                    "the public key is not an RSA key (WeChat Pay API v3 uses RSA 2048)".to_owned(),
                ));
            }
        }
        let public = PublicEncryptingKey::from_der(spki)
            .map_err(|e| Error::Config(format!("unusable RSA public key: {e}")))?;
        let bits = public.key_size_bits();
        if bits < MIN_BITS {
            return Err(Error::Config(format!(
                "the public key has {bits} bits; at least {MIN_BITS} are required"
            )));
        }
        let encrypting = OaepPublicEncryptingKey::new(public)
            .map_err(|_| Error::Config("unusable RSA public key for OAEP".to_owned()))?;
        Ok(PayPublicKey {
            rsa_der: info.subject_public_key.data.to_vec(),
            encrypting: std::sync::Arc::new(encrypting),
            bits,
        })
    }

    /// The modulus size in bits.
    pub fn bits(&self) -> usize {
        self.bits
    }

    /// The key as DER `RSAPublicKey` (PKCS#1).
    pub(crate) fn rsa_der(&self) -> &[u8] {
        &self.rsa_der
    }

    /// Whether `signature_b64` (base64) is a valid SHA256withRSA signature of
    /// `message` by this key.
    pub fn verify(&self, message: &[u8], signature_b64: &str) -> bool {
        let Ok(signature) = STANDARD.decode(signature_b64.trim()) else {
            return false;
        };
        signature::UnparsedPublicKey::new(&signature::RSA_PKCS1_2048_8192_SHA256, &self.rsa_der)
            .verify(message, &signature)
            .is_ok()
    }

    /// RSA-OAEP (SHA-1, MGF1-SHA1) encryption, raw ciphertext bytes.
    pub(crate) fn encrypt_oaep(&self, plaintext: &[u8]) -> Result<Vec<u8>> {
        let max = self.encrypting.max_plaintext_size(&OAEP_SHA1_MGF1SHA1);
        if plaintext.len() > max {
            return Err(Error::PayCrypto(format!(
                "a sensitive field of {} bytes is longer than RSA-OAEP allows ({max} bytes)",
                plaintext.len()
            )));
        }
        let mut out = vec![0; self.encrypting.ciphertext_size()];
        let ciphertext = self
            .encrypting
            .encrypt(&OAEP_SHA1_MGF1SHA1, plaintext, &mut out, None)
            .map_err(|_| Error::PayCrypto("RSA-OAEP encryption failed".to_owned()))?;
        Ok(ciphertext.to_vec())
    }
}

impl fmt::Debug for PayPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PayPublicKey")
            .field("bits", &self.bits)
            .finish_non_exhaustive()
    }
}
