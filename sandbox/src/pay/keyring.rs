//! The keys WeChat Pay signs with, and how they change over time.
//!
//! * **Platform certificates** (平台证书): X.509, self-signed here, each
//!   with its own RSA key and a 40-hex-digit serial. `/v3/certificates`
//!   lists them, newest first, encrypted with the merchant's APIv3 key. A
//!   rotation lists the new certificate first and keeps signing with the old
//!   one until [`KeyRing::complete_rotation`] — WeChat's order, so a client
//!   that refreshes its list is never surprised.
//! * **The WeChat Pay public key** (微信支付公钥): an id `PUB_KEY_ID_…` and a
//!   PEM the merchant downloads from the merchant platform; new merchants get
//!   only this.
//! * **Both**, during a migration: answers are signed with either, in turn.

use std::sync::Arc;

use serde_json::{Value, json};
use time::{Duration as TimeDuration, OffsetDateTime, UtcOffset};

use super::aead;
use super::keys::{Purpose, RsaKey, shared_key};

/// Which keys sign WeChat Pay's answers and notifications.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum KeyMode {
    /// Platform certificates only (the serial of the current certificate in
    /// `Wechatpay-Serial`); the default.
    #[default]
    PlatformCertificates,
    /// The WeChat Pay public key only (`Wechatpay-Serial: PUB_KEY_ID_…`);
    /// `/v3/certificates` then lists no certificate.
    PublicKey,
    /// Both, in turn (a merchant migrating from certificates to the public
    /// key sees either).
    Both,
}

/// A platform certificate.
#[derive(Debug, Clone)]
pub(crate) struct PlatformCert {
    pub serial: String,
    pub key: Arc<RsaKey>,
    pub pem: String,
    pub effective: OffsetDateTime,
    pub expire: OffsetDateTime,
}

/// A key that signs, named by the serial WeChat Pay puts in
/// `Wechatpay-Serial`.
#[derive(Debug, Clone)]
pub(crate) struct Signer {
    pub serial: String,
    pub key: Arc<RsaKey>,
}

/// The platform certificates, the public key and the mode.
#[derive(Debug)]
pub(crate) struct KeyRing {
    /// Newest first.
    certs: Vec<PlatformCert>,
    /// The serial of the certificate that signs.
    signing: String,
    public_key_id: String,
    public_key: Arc<RsaKey>,
    pub mode: KeyMode,
    turn: u64,
}

/// `OffsetDateTime` in China time, as WeChat Pay writes times
/// (`2025-01-01T12:00:00+08:00`).
pub(crate) fn rfc3339(at: OffsetDateTime) -> String {
    let offset = UtcOffset::from_hms(8, 0, 0).unwrap_or(UtcOffset::UTC);
    at.to_offset(offset)
        .replace_nanosecond(0)
        .unwrap_or(at)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// 20 random bytes as 40 upper-case hex digits, positive as an X.509 serial.
fn random_serial() -> Vec<u8> {
    let mut bytes: [u8; 20] = rand::random();
    bytes[0] = (bytes[0] & 0x7f) | 0x10;
    bytes.to_vec()
}

/// A self-signed platform certificate for the `index`th platform key.
fn issue(index: usize) -> Result<PlatformCert, String> {
    let key = shared_key(Purpose::Platform, index)?;
    let signing =
        rcgen::KeyPair::try_from(key.pkcs8_der()).map_err(|e| format!("platform key: {e}"))?;
    let serial = random_serial();
    let now = OffsetDateTime::now_utc();
    let effective = now - TimeDuration::days(1);
    let expire = now + TimeDuration::days(5 * 365);
    let mut params = rcgen::CertificateParams::default();
    params.serial_number = Some(rcgen::SerialNumber::from_slice(&serial));
    params.not_before = effective;
    params.not_after = expire;
    let mut name = rcgen::DistinguishedName::new();
    name.push(rcgen::DnType::CountryName, "CN");
    name.push(rcgen::DnType::OrganizationName, "Tenpay.com (sandbox)");
    name.push(
        rcgen::DnType::CommonName,
        "Wechatpay Sandbox Platform Certificate",
    );
    params.distinguished_name = name;
    let cert = params
        .self_signed(&signing)
        .map_err(|e| format!("platform certificate: {e}"))?;
    Ok(PlatformCert {
        serial: hex::encode_upper(&serial),
        key,
        pem: cert.pem(),
        effective: effective.replace_nanosecond(0).unwrap_or(effective),
        expire: expire.replace_nanosecond(0).unwrap_or(expire),
    })
}

impl KeyRing {
    /// One platform certificate and the public key for merchant `mchid`.
    pub(crate) fn new(mchid: &str, mode: KeyMode) -> Result<Self, String> {
        let first = issue(0)?;
        let digits: String = format!("01{mchid}{}", rand::random::<u64>())
            .chars()
            .filter(char::is_ascii_digit)
            .chain(std::iter::repeat('0'))
            .take(30)
            .collect();
        Ok(KeyRing {
            signing: first.serial.clone(),
            certs: vec![first],
            public_key_id: format!("PUB_KEY_ID_{digits}"),
            public_key: shared_key(Purpose::PublicKey, 0)?,
            mode,
            turn: 0,
        })
    }

    /// Lists a new certificate first; the old one still signs.
    pub(crate) fn rotate(&mut self) -> Result<String, String> {
        let cert = issue(self.certs.len())?;
        let serial = cert.serial.clone();
        self.certs.insert(0, cert);
        Ok(serial)
    }

    /// The newest certificate signs from now on (the older ones stay
    /// listed until they expire).
    pub(crate) fn complete_rotation(&mut self) -> String {
        if let Some(newest) = self.certs.first() {
            self.signing = newest.serial.clone();
        }
        self.signing.clone()
    }

    /// The listed certificates, newest first.
    pub(crate) fn certificates(&self) -> &[PlatformCert] {
        &self.certs
    }

    /// The serial of the certificate that signs in certificate mode.
    pub(crate) fn signing_serial(&self) -> &str {
        &self.signing
    }

    /// `PUB_KEY_ID_…`.
    pub(crate) fn public_key_id(&self) -> &str {
        &self.public_key_id
    }

    /// The WeChat Pay public key, PEM.
    pub(crate) fn public_key_pem(&self) -> String {
        self.public_key.public_key_pem()
    }

    fn certificate_signer(&self) -> Option<Signer> {
        self.certs
            .iter()
            .find(|c| c.serial == self.signing)
            .map(|c| Signer {
                serial: c.serial.clone(),
                key: Arc::clone(&c.key),
            })
    }

    fn public_key_signer(&self) -> Signer {
        Signer {
            serial: self.public_key_id.clone(),
            key: Arc::clone(&self.public_key),
        }
    }

    /// The key that signs the next answer or notification.
    pub(crate) fn signer(&mut self) -> Signer {
        let certificate = self.certificate_signer();
        match (self.mode, certificate) {
            (KeyMode::PlatformCertificates, Some(signer)) => signer,
            (KeyMode::Both, Some(signer)) => {
                self.turn = self.turn.wrapping_add(1);
                if self.turn % 2 == 1 {
                    signer
                } else {
                    self.public_key_signer()
                }
            }
            _ => self.public_key_signer(),
        }
    }

    /// The private key behind `serial` (a listed certificate or the public
    /// key), for decrypting what a merchant encrypted with it.
    pub(crate) fn key_for_serial(&self, serial: &str) -> Option<Arc<RsaKey>> {
        if serial == self.public_key_id && self.mode != KeyMode::PlatformCertificates {
            return Some(Arc::clone(&self.public_key));
        }
        if self.mode == KeyMode::PublicKey {
            return None;
        }
        self.certs
            .iter()
            .find(|c| c.serial == serial)
            .map(|c| Arc::clone(&c.key))
    }

    /// The `/v3/certificates` answer, encrypted with `apiv3_key`.
    pub(crate) fn certificates_json(&self, apiv3_key: &[u8]) -> Result<Value, String> {
        let listed: &[PlatformCert] = if self.mode == KeyMode::PublicKey {
            &[]
        } else {
            &self.certs
        };
        let mut data = Vec::with_capacity(listed.len());
        for cert in listed {
            data.push(json!({
                "serial_no": cert.serial,
                "effective_time": rfc3339(cert.effective),
                "expire_time": rfc3339(cert.expire),
                "encrypt_certificate": aead::seal(apiv3_key, "certificate", cert.pem.as_bytes())?,
            }));
        }
        Ok(json!({ "data": data }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rotation_lists_the_new_certificate_before_it_signs() {
        let mut ring = KeyRing::new("1230000109", KeyMode::PlatformCertificates).unwrap();
        let old = ring.signer().serial;
        assert_eq!(old.len(), 40);
        assert!(
            old.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_lowercase())
        );
        let new = ring.rotate().unwrap();
        assert_ne!(old, new);
        assert_eq!(ring.certificates()[0].serial, new, "listed first");
        assert_eq!(ring.signer().serial, old, "the old one still signs");
        assert_eq!(ring.complete_rotation(), new);
        assert_eq!(ring.signer().serial, new);
        assert!(ring.key_for_serial(&old).is_some(), "still listed");
        assert!(ring.public_key_id().starts_with("PUB_KEY_ID_"));
        assert!(ring.key_for_serial(ring.public_key_id()).is_none());

        ring.mode = KeyMode::Both;
        let serials: Vec<String> = (0..4).map(|_| ring.signer().serial).collect();
        assert!(serials.contains(&new));
        assert!(serials.iter().any(|s| s.starts_with("PUB_KEY_ID_")));

        ring.mode = KeyMode::PublicKey;
        assert!(ring.signer().serial.starts_with("PUB_KEY_ID_"));
        let listed = ring.certificates_json(&[7; 32]).unwrap();
        assert_eq!(listed["data"].as_array().map(Vec::len), Some(0));
        assert!(ring.key_for_serial(&new).is_none());
    }

    #[test]
    fn times_are_written_in_china_time() {
        let at = OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap();
        assert_eq!(rfc3339(at), "2023-11-15T06:13:20+08:00");
    }
}
