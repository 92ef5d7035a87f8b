//! [`PayConfig`]: a merchant's WeChat Pay settings, from code or the
//! environment, checked when built (not at the first payment).

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};

use super::aead::ApiV3Key;
use super::certificate::PlatformCertificate;
use super::key::{MerchantKey, PayPublicKey};
use super::normalize_serial;
use crate::error::{Error, Result};

/// The environment variables [`PayConfig::from_env`] reads.
///
/// `WECHATPAY_PRIVATE_KEY` holds PEM text, `WECHATPAY_PRIVATE_KEY_FILE` a
/// path (one of the two); `WECHATPAY_PLATFORM_CERTIFICATES=true` turns on
/// the platform-certificate mode; `WECHATPAY_PUBLIC_KEY_ID` with
/// `WECHATPAY_PUBLIC_KEY_FILE` the public-key mode (both: migration).
pub const PAY_ENV_VARS: [&str; 10] = [
    "WECHATPAY_MCHID",
    "WECHATPAY_MERCHANT_SERIAL",
    "WECHATPAY_PRIVATE_KEY",
    "WECHATPAY_PRIVATE_KEY_FILE",
    "WECHATPAY_MERCHANT_CERT_FILE",
    "WECHATPAY_APIV3_KEY",
    "WECHATPAY_PLATFORM_CERTIFICATES",
    "WECHATPAY_PUBLIC_KEY_ID",
    "WECHATPAY_PUBLIC_KEY_FILE",
    "WECHATPAY_BASE_URL",
];

/// Which keys verify WeChat Pay's signatures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerificationMode {
    /// Platform certificates, downloaded from `/v3/certificates`.
    PlatformCertificates,
    /// The WeChat Pay public key (`PUB_KEY_ID_…`): new merchants get only this.
    PublicKey,
    /// Both, during the migration from certificates to the public key.
    Both,
}

/// A merchant's WeChat Pay settings. Secrets never appear in `Debug`.
#[derive(Clone)]
pub struct PayConfig {
    pub(crate) mchid: String,
    pub(crate) merchant_serial: String,
    pub(crate) merchant_key: Arc<MerchantKey>,
    pub(crate) apiv3_key: Arc<ApiV3Key>,
    pub(crate) apiv3_text: SecretString,
    pub(crate) mode: VerificationMode,
    pub(crate) public_key: Option<(String, PayPublicKey)>,
    pub(crate) certificates: Vec<PlatformCertificate>,
    pub(crate) base_url: String,
}

impl PayConfig {
    /// Starts an empty configuration.
    pub fn builder() -> PayConfigBuilder {
        PayConfigBuilder::default()
    }

    /// Reads the configuration from the variables listed in [`PAY_ENV_VARS`].
    ///
    /// # Errors
    /// [`Error::Config`] naming what is missing or wrong.
    pub fn from_env() -> Result<Self> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`from_env`](Self::from_env), reading variables through `lookup`.
    ///
    /// # Errors
    /// As [`from_env`](Self::from_env).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let [
            mchid,
            serial,
            key,
            key_file,
            cert_file,
            apiv3,
            certs,
            pk_id,
            pk_file,
            base,
        ] = PAY_ENV_VARS;
        let mut b = PayConfig::builder();
        if let Some(v) = get(mchid) {
            b = b.mchid(v);
        }
        if let Some(v) = get(serial) {
            b = b.merchant_serial(v);
        }
        if let Some(v) = get(key) {
            b = b.private_key_pem(v.into_bytes());
        }
        if let Some(v) = get(key_file) {
            b = b.private_key_file(v);
        }
        if let Some(v) = get(cert_file) {
            b = b.merchant_certificate_file(v);
        }
        if let Some(v) = get(apiv3) {
            b = b.apiv3_key(v);
        }
        if let Some(v) = get(certs) {
            match v.trim().to_ascii_lowercase().as_str() {
                "1" | "true" | "yes" | "on" => b = b.platform_certificates(),
                "0" | "false" | "no" | "off" => {}
                other => {
                    return Err(Error::Config(format!(
                        "`{certs}` must be true or false (it is `{other}`)"
                    )));
                }
            }
        }
        match (get(pk_id), get(pk_file)) {
            (Some(id), Some(file)) => b = b.public_key_file(id, file),
            (None, None) => {}
            _ => {
                return Err(Error::Config(format!(
                    "`{pk_id}` and `{pk_file}` go together: set both or neither"
                )));
            }
        }
        if let Some(v) = get(base) {
            b = b.base_url(v);
        }
        b.build()
    }

    /// The merchant id.
    pub fn mchid(&self) -> &str {
        &self.mchid
    }

    /// The merchant certificate serial (`serial_no` of signed requests).
    pub fn merchant_serial(&self) -> &str {
        &self.merchant_serial
    }

    /// The merchant private key.
    pub fn merchant_key(&self) -> &Arc<MerchantKey> {
        &self.merchant_key
    }

    /// The APIv3 key.
    pub fn apiv3_key(&self) -> &Arc<ApiV3Key> {
        &self.apiv3_key
    }

    /// The verification mode.
    pub fn mode(&self) -> VerificationMode {
        self.mode
    }

    /// The WeChat Pay public key id and key, in public-key mode.
    pub fn public_key(&self) -> Option<(&str, &PayPublicKey)> {
        self.public_key.as_ref().map(|(id, k)| (id.as_str(), k))
    }

    /// Platform certificates given up front.
    pub fn certificates(&self) -> &[PlatformCertificate] {
        &self.certificates
    }

    /// The API host (default [`DEFAULT_BASE_URL`](super::DEFAULT_BASE_URL)).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }
}

impl fmt::Debug for PayConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PayConfig")
            .field("mchid", &self.mchid)
            .field("merchant_serial", &self.merchant_serial)
            .field("merchant_key", &self.merchant_key)
            .field("apiv3_key", &"[redacted]")
            .field("mode", &self.mode)
            .field("public_key_id", &self.public_key.as_ref().map(|(id, _)| id))
            .field(
                "certificates",
                &self
                    .certificates
                    .iter()
                    .map(PlatformCertificate::serial)
                    .collect::<Vec<_>>(),
            )
            .field("base_url", &self.base_url)
            .finish()
    }
}

enum Source {
    Pem(Vec<u8>),
    File(PathBuf),
}

impl Source {
    fn read(&self, what: &str) -> Result<Vec<u8>> {
        match self {
            Source::Pem(pem) => Ok(pem.clone()),
            Source::File(path) => std::fs::read(path).map_err(|e| {
                Error::Config(format!(
                    "cannot read the {what} file `{}`: {e}",
                    path.display()
                ))
            }),
        }
    }
}

/// Builds a [`PayConfig`]; see [`PayConfig::builder`]. Nothing is checked
/// before [`build`](Self::build).
#[derive(Default)]
pub struct PayConfigBuilder {
    mchid: Option<String>,
    merchant_serial: Option<String>,
    private_key: Option<Source>,
    merchant_certificate: Option<Source>,
    apiv3_key: Option<SecretString>,
    platform_certificates: bool,
    certificates: Vec<Vec<u8>>,
    public_key: Option<(String, Source)>,
    base_url: Option<String>,
}

impl fmt::Debug for PayConfigBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PayConfigBuilder")
            .field("mchid", &self.mchid)
            .field("merchant_serial", &self.merchant_serial)
            .field(
                "private_key",
                &self.private_key.as_ref().map(|_| "[redacted]"),
            )
            .field("apiv3_key", &self.apiv3_key.as_ref().map(|_| "[redacted]"))
            .field("platform_certificates", &self.platform_certificates)
            .field("public_key_id", &self.public_key.as_ref().map(|(id, _)| id))
            .finish_non_exhaustive()
    }
}

impl PayConfigBuilder {
    /// The merchant id (`mchid`).
    pub fn mchid(mut self, mchid: impl Into<String>) -> Self {
        self.mchid = Some(mchid.into());
        self
    }

    /// The serial of the merchant API certificate, as shown in the merchant
    /// platform (hex).
    pub fn merchant_serial(mut self, serial: impl Into<String>) -> Self {
        self.merchant_serial = Some(serial.into());
        self
    }

    /// The merchant private key as PEM text (PKCS#8 or PKCS#1).
    pub fn private_key_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.private_key = Some(Source::Pem(pem.into()));
        self
    }

    /// The merchant private key from a PEM file (`apiclient_key.pem`).
    pub fn private_key_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.private_key = Some(Source::File(path.into()));
        self
    }

    /// The merchant certificate (PEM text), checked against the key and the serial.
    pub fn merchant_certificate_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.merchant_certificate = Some(Source::Pem(pem.into()));
        self
    }

    /// The merchant certificate from a file (`apiclient_cert.pem`), checked
    /// against the key and the serial.
    pub fn merchant_certificate_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.merchant_certificate = Some(Source::File(path.into()));
        self
    }

    /// The APIv3 key (exactly 32 bytes).
    pub fn apiv3_key(mut self, key: impl Into<String>) -> Self {
        self.apiv3_key = Some(SecretString::from(key.into()));
        self
    }

    /// Verifies with platform certificates downloaded from `/v3/certificates`.
    pub fn platform_certificates(mut self) -> Self {
        self.platform_certificates = true;
        self
    }

    /// Trusts this platform certificate (PEM) from the start; turns on the
    /// platform-certificate mode.
    pub fn platform_certificate_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.platform_certificates = true;
        self.certificates.push(pem.into());
        self
    }

    /// Verifies with the WeChat Pay public key `id` (`PUB_KEY_ID_…`), PEM text.
    pub fn public_key_pem(mut self, id: impl Into<String>, pem: impl Into<Vec<u8>>) -> Self {
        self.public_key = Some((id.into(), Source::Pem(pem.into())));
        self
    }

    /// Verifies with the WeChat Pay public key `id` (`PUB_KEY_ID_…`) from a
    /// PEM file (`pub_key.pem`).
    pub fn public_key_file(mut self, id: impl Into<String>, path: impl Into<PathBuf>) -> Self {
        self.public_key = Some((id.into(), Source::File(path.into())));
        self
    }

    /// The API host, e.g. a local sandbox (default
    /// [`DEFAULT_BASE_URL`](super::DEFAULT_BASE_URL)).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Checks everything and returns the configuration.
    ///
    /// # Errors
    /// [`Error::Config`] naming the problem: a missing value; a private key
    /// that is not RSA or under 2048 bits; a merchant certificate whose key
    /// or serial does not match; an APIv3 key that is not 32 bytes; no
    /// verification mode; a public key id not starting with `PUB_KEY_ID_`.
    pub fn build(self) -> Result<PayConfig> {
        let missing = |name: &str| Error::Config(format!("`{name}` is not configured"));
        let mchid = self
            .mchid
            .filter(|m| !m.trim().is_empty())
            .ok_or_else(|| missing("mchid"))?;
        let merchant_serial = self
            .merchant_serial
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .ok_or_else(|| missing("merchant_serial"))?;
        if !merchant_serial.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Error::Config(
                "`merchant_serial` must be the hexadecimal serial of the merchant certificate"
                    .to_owned(),
            ));
        }
        let key_pem = self
            .private_key
            .ok_or_else(|| missing("private_key"))?
            .read("merchant private key")?;
        let merchant_key = Arc::new(MerchantKey::from_pem(&key_pem)?);
        if let Some(cert) = self.merchant_certificate {
            let cert = PlatformCertificate::from_pem(&cert.read("merchant certificate")?)
                .map_err(|e| Error::Config(format!("the merchant certificate: {e}")))?;
            if cert.public_key().rsa_der() != merchant_key.public_rsa_der() {
                return Err(Error::Config(
                    "the merchant certificate does not belong to the merchant private key"
                        .to_owned(),
                ));
            }
            if normalize_serial(cert.serial()) != normalize_serial(&merchant_serial) {
                return Err(Error::Config(format!(
                    "`merchant_serial` {merchant_serial} does not match the merchant certificate's serial {}",
                    cert.serial()
                )));
            }
        }
        let apiv3_text = self.apiv3_key.ok_or_else(|| missing("apiv3_key"))?;
        let apiv3_key = Arc::new(ApiV3Key::new(apiv3_text.expose_secret().as_bytes())?);
        let public_key = match self.public_key {
            Some((id, source)) => {
                let id = id.trim().to_owned();
                if !id.starts_with("PUB_KEY_ID_") {
                    return Err(Error::Config(format!(
                        "the WeChat Pay public key id must start with `PUB_KEY_ID_` (it is `{id}`)"
                    )));
                }
                let key = PayPublicKey::from_pem(&source.read("WeChat Pay public key")?)?;
                Some((id, key))
            }
            None => None,
        };
        let mode = match (self.platform_certificates, public_key.is_some()) {
            (true, true) => VerificationMode::Both,
            (true, false) => VerificationMode::PlatformCertificates,
            (false, true) => VerificationMode::PublicKey,
            (false, false) => {
                return Err(Error::Config(
                    "no WeChat Pay verification mode: set platform certificates, the WeChat Pay public key, or both"
                        .to_owned(),
                ));
            }
        };
        let certificates = self
            .certificates
            .iter()
            .map(|pem| PlatformCertificate::from_pem(pem))
            .collect::<Result<Vec<_>>>()?;
        let base_url = self
            .base_url
            .unwrap_or_else(|| super::DEFAULT_BASE_URL.to_owned())
            .trim_end_matches('/')
            .to_owned();
        url::Url::parse(&base_url)
            .map_err(|e| Error::Config(format!("invalid WeChat Pay base URL `{base_url}`: {e}")))?;
        Ok(PayConfig {
            mchid,
            merchant_serial,
            merchant_key,
            apiv3_key,
            apiv3_text,
            mode,
            public_key,
            certificates,
            base_url,
        })
    }
}
