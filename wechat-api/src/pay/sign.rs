//! Request signing: the `Authorization: WECHATPAY2-SHA256-RSA2048 …` header.
//!
//! The signed text is `METHOD\nCANONICAL_URL\nTIMESTAMP\nNONCE\nBODY\n`,
//! where the canonical URL is the path plus `?query` when there is one,
//! exactly as sent; the body is empty for a GET. The header lists
//! `mchid`, `nonce_str`, `timestamp`, `serial_no` and `signature`, each in
//! double quotes, in that order (as `wechatpay-java` and `wechatpay-go`
//! write it).

use std::fmt;
use std::sync::Arc;

use super::AUTHORIZATION_SCHEME;
use super::key::MerchantKey;
use crate::error::Result;

/// The signing string of a request.
pub fn signing_string(
    method: &str,
    canonical_url: &str,
    timestamp: i64,
    nonce: &str,
    body: &str,
) -> String {
    format!("{method}\n{canonical_url}\n{timestamp}\n{nonce}\n{body}\n")
}

/// The canonical URL of `url`: its path, plus `?` and the query if it has one.
pub fn canonical_url(url: &url::Url) -> String {
    match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_owned(),
    }
}

/// Signs requests as a merchant: the mchid, the serial of the merchant
/// certificate and the merchant private key.
#[derive(Clone)]
pub struct RequestSigner {
    mchid: String,
    serial: String,
    key: Arc<MerchantKey>,
}

impl RequestSigner {
    /// A signer for `mchid` with the merchant certificate serial `serial`.
    pub fn new(mchid: impl Into<String>, serial: impl Into<String>, key: Arc<MerchantKey>) -> Self {
        RequestSigner {
            mchid: mchid.into(),
            serial: serial.into(),
            key,
        }
    }

    /// The merchant id.
    pub fn mchid(&self) -> &str {
        &self.mchid
    }

    /// The merchant certificate serial sent as `serial_no`.
    pub fn serial(&self) -> &str {
        &self.serial
    }

    /// The merchant key.
    pub fn key(&self) -> &MerchantKey {
        &self.key
    }

    /// The `Authorization` header value for a request, with the given
    /// timestamp and nonce.
    ///
    /// # Errors
    /// [`Error::PayCrypto`](crate::Error::PayCrypto) if signing fails.
    pub fn authorization_with(
        &self,
        method: &str,
        canonical_url: &str,
        body: &str,
        timestamp: i64,
        nonce: &str,
    ) -> Result<String> {
        let message = signing_string(method, canonical_url, timestamp, nonce, body);
        let signature = self.key.sign(message.as_bytes())?;
        Ok(format!(
            "{AUTHORIZATION_SCHEME} mchid=\"{}\",nonce_str=\"{nonce}\",timestamp=\"{timestamp}\",serial_no=\"{}\",signature=\"{signature}\"",
            self.mchid, self.serial
        ))
    }

    /// The `Authorization` header value for a request, now, with a fresh nonce.
    ///
    /// # Errors
    /// [`Error::PayCrypto`](crate::Error::PayCrypto) if signing fails.
    pub fn authorization(&self, method: &str, canonical_url: &str, body: &str) -> Result<String> {
        self.authorization_with(
            method,
            canonical_url,
            body,
            crate::clock::unix_seconds(),
            &super::nonce(),
        )
    }
}

impl fmt::Debug for RequestSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestSigner")
            .field("mchid", &self.mchid)
            .field("serial", &self.serial)
            .field("key", &self.key)
            .finish()
    }
}
