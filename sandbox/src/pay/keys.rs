//! RSA-2048 key pairs, from aws-lc-rs: signing (SHA256 with RSA, PKCS#1
//! v1.5) and RSAES-OAEP decryption are constant-time there, which the `rsa`
//! crate does not promise (RUSTSEC-2023-0071).
//!
//! Generating an RSA-2048 key takes from tens of milliseconds to a second
//! (debug builds), so keys are made lazily and kept for the whole process,
//! by purpose and index: every sandbox of a test binary shares the same
//! platform key, WeChat Pay public key and merchant keys (their serials and
//! certificates are still its own).

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock};

use aws_lc_rs::encoding::AsDer as _;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeySize, OAEP_SHA1_MGF1SHA1, OaepPrivateDecryptingKey, PrivateDecryptingKey};
use aws_lc_rs::signature::{
    KeyPair as _, RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_SHA256, RsaKeyPair, UnparsedPublicKey,
};

use crate::faults::lock;

/// An RSA-2048 key pair (`Debug` shows no key material).
pub(crate) struct RsaKey {
    pair: RsaKeyPair,
    pkcs8: Vec<u8>,
    spki: Vec<u8>,
}

impl fmt::Debug for RsaKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RsaKey(RSA-2048, private)")
    }
}

impl RsaKey {
    /// A new random key pair.
    pub(crate) fn generate() -> Result<Self, String> {
        let pair = RsaKeyPair::generate(KeySize::Rsa2048)
            .map_err(|_| "RSA key generation failed".to_owned())?;
        let pkcs8 = pair
            .as_der()
            .map_err(|_| "PKCS#8 encoding failed".to_owned())?
            .as_ref()
            .to_vec();
        let spki = pair
            .public_key()
            .as_der()
            .map_err(|_| "public key encoding failed".to_owned())?
            .as_ref()
            .to_vec();
        Ok(RsaKey { pair, pkcs8, spki })
    }

    /// `base64(SHA256withRSA(message))`.
    pub(crate) fn sign_base64(&self, message: &[u8]) -> Result<String, String> {
        let mut signature = vec![0; self.pair.public_modulus_len()];
        self.pair
            .sign(
                &RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                message,
                &mut signature,
            )
            .map_err(|_| "RSA signing failed".to_owned())?;
        Ok(base64_encode(&signature))
    }

    /// RSAES-OAEP (SHA-1, MGF1-SHA-1) decryption, as WeChat Pay encrypts
    /// sensitive fields.
    pub(crate) fn oaep_decrypt(&self, ciphertext: &[u8]) -> Result<Vec<u8>, ()> {
        let key = PrivateDecryptingKey::from_pkcs8(&self.pkcs8).map_err(|_| ())?;
        let key = OaepPrivateDecryptingKey::new(key).map_err(|_| ())?;
        let mut out = vec![0; key.key_size_bytes()];
        let plain = key
            .decrypt(&OAEP_SHA1_MGF1SHA1, ciphertext, &mut out, None)
            .map_err(|_| ())?;
        Ok(plain.to_vec())
    }

    /// The public key, X.509 SubjectPublicKeyInfo DER.
    pub(crate) fn spki_der(&self) -> &[u8] {
        &self.spki
    }

    /// The private key, PKCS#8 DER.
    pub(crate) fn pkcs8_der(&self) -> &[u8] {
        &self.pkcs8
    }

    /// The public key as a `-----BEGIN PUBLIC KEY-----` PEM.
    pub(crate) fn public_key_pem(&self) -> String {
        pem("PUBLIC KEY", &self.spki)
    }

    /// The private key as a `-----BEGIN PRIVATE KEY-----` (PKCS#8) PEM.
    pub(crate) fn private_key_pem(&self) -> String {
        pem("PRIVATE KEY", &self.pkcs8)
    }
}

/// Whether `signature_b64` is a valid SHA256withRSA signature of `message`
/// by the public key `spki` (X.509 SubjectPublicKeyInfo or PKCS#1 DER).
pub(crate) fn verify_base64(spki: &[u8], message: &[u8], signature_b64: &str) -> bool {
    let Ok(signature) = base64_decode(signature_b64) else {
        return false;
    };
    UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, spki)
        .verify(message, &signature)
        .is_ok()
}

/// Standard base64 with padding.
pub(crate) fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Standard base64 with padding.
pub(crate) fn base64_decode(text: &str) -> Result<Vec<u8>, base64::DecodeError> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(text)
}

/// A PEM block with 64-character lines.
pub(crate) fn pem(label: &str, der: &[u8]) -> String {
    let body = base64_encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in body.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// What a process-wide key is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Purpose {
    /// A platform certificate's key (one per rotation).
    Platform,
    /// The WeChat Pay public key.
    PublicKey,
    /// A merchant's API key pair.
    Merchant,
}

type Pool = Mutex<HashMap<(Purpose, usize), Arc<RsaKey>>>;

/// The process-wide key for `(purpose, index)`, generated on first use.
pub(crate) fn shared_key(purpose: Purpose, index: usize) -> Result<Arc<RsaKey>, String> {
    static POOL: OnceLock<Pool> = OnceLock::new();
    let mut pool = lock(POOL.get_or_init(Pool::default));
    if let Some(key) = pool.get(&(purpose, index)) {
        return Ok(Arc::clone(key));
    }
    let key = Arc::new(RsaKey::generate()?);
    pool.insert((purpose, index), Arc::clone(&key));
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_verify_and_oaep_round_trips() {
        let key = shared_key(Purpose::Merchant, 0).unwrap();
        let signature = key.sign_base64(b"GET\n/v3/certificates\n1\nn\n\n").unwrap();
        assert!(verify_base64(
            key.spki_der(),
            b"GET\n/v3/certificates\n1\nn\n\n",
            &signature
        ));
        assert!(!verify_base64(
            key.spki_der(),
            b"GET\n/v3/certificates\n2\nn\n\n",
            &signature
        ));
        assert!(!verify_base64(key.spki_der(), b"x", "not base64!"));

        let public = aws_lc_rs::rsa::PublicEncryptingKey::from_der(key.spki_der()).unwrap();
        let public = aws_lc_rs::rsa::OaepPublicEncryptingKey::new(public).unwrap();
        let mut ciphertext = vec![0; public.ciphertext_size()];
        let ciphertext = public
            .encrypt(
                &OAEP_SHA1_MGF1SHA1,
                "张三".as_bytes(),
                &mut ciphertext,
                None,
            )
            .unwrap();
        assert_eq!(key.oaep_decrypt(ciphertext).unwrap(), "张三".as_bytes());
        assert!(key.oaep_decrypt(b"plaintext").is_err());
        assert!(
            key.private_key_pem()
                .starts_with("-----BEGIN PRIVATE KEY-----\n")
        );
        assert!(!format!("{key:?}").contains("MII"));
    }

    #[test]
    fn keys_are_shared_by_purpose_and_index() {
        let a = shared_key(Purpose::PublicKey, 0).unwrap();
        let b = shared_key(Purpose::PublicKey, 0).unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        let c = shared_key(Purpose::Platform, 0).unwrap();
        assert_ne!(a.spki_der(), c.spki_der());
    }
}
