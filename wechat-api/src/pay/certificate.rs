//! An X.509 certificate of WeChat Pay (a platform certificate) or of the
//! merchant: its serial as WeChat Pay prints it, its validity and its key.

use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;

use super::key::PayPublicKey;
use crate::error::{Error, Result};

/// A parsed certificate: serial (upper-case hex), validity (Unix seconds)
/// and RSA public key.
#[derive(Clone, Debug)]
pub struct PlatformCertificate {
    serial: String,
    effective_time: i64,
    expire_time: i64,
    key: PayPublicKey,
    pem: String,
}

impl PlatformCertificate {
    /// Parses a `-----BEGIN CERTIFICATE-----` PEM.
    ///
    /// # Errors
    /// [`Error::Config`] when the text holds no certificate, or a
    /// certificate that cannot be parsed or whose key is not RSA ≥ 2048 bits.
    pub fn from_pem(pem: &[u8]) -> Result<Self> {
        let der = CertificateDer::from_pem_slice(pem)
            .map_err(|e| Error::Config(format!("not a PEM certificate: {e}")))?;
        Self::from_der(der.as_ref())
    }

    /// Parses a DER certificate.
    ///
    /// # Errors
    /// As [`from_pem`](Self::from_pem).
    pub fn from_der(der: &[u8]) -> Result<Self> {
        let (_, cert) = x509_parser::parse_x509_certificate(der)
            .map_err(|e| Error::Config(format!("invalid X.509 certificate: {e}")))?;
        let raw = cert.raw_serial();
        // a DER INTEGER carries a leading zero byte when its top bit is set
        let start = raw
            .iter()
            .position(|b| *b != 0)
            .unwrap_or(raw.len().saturating_sub(1));
        let serial = hex::encode_upper(raw.get(start..).unwrap_or_default());
        let key = PayPublicKey::from_spki_der(cert.public_key().raw)?;
        let validity = cert.validity();
        let pem = pem_of(der);
        Ok(PlatformCertificate {
            serial,
            effective_time: validity.not_before.timestamp(),
            expire_time: validity.not_after.timestamp(),
            key,
            pem,
        })
    }

    /// The serial number, upper-case hex (e.g. `5157F09EFDC096DE15EBE81A47057A7232F1B8E1`).
    pub fn serial(&self) -> &str {
        &self.serial
    }

    /// When the certificate starts being valid (Unix seconds, `notBefore`).
    pub fn effective_time(&self) -> i64 {
        self.effective_time
    }

    /// When the certificate stops being valid (Unix seconds, `notAfter`).
    pub fn expire_time(&self) -> i64 {
        self.expire_time
    }

    /// Whether `now` (Unix seconds) is within the validity.
    pub fn is_valid_at(&self, now: i64) -> bool {
        self.effective_time <= now && now <= self.expire_time
    }

    /// The RSA public key.
    pub fn public_key(&self) -> &PayPublicKey {
        &self.key
    }

    /// The certificate as PEM.
    pub fn pem(&self) -> &str {
        &self.pem
    }
}

/// `der` wrapped as a PEM `CERTIFICATE`, 64 characters a line.
fn pem_of(der: &[u8]) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = String::with_capacity(b64.len() + b64.len() / 64 + 60);
    out.push_str("-----BEGIN CERTIFICATE-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str("-----END CERTIFICATE-----\n");
    out
}
