//! Downloading the platform certificates (`GET /v3/certificates`) and
//! decrypting the answer's `data[].encrypt_certificate` with the APIv3 key.
//!
//! The verification of the answer's signature is the [`Verifier`]'s
//! (see [`Verifier::refresh`]); a [`CertificateSource`] only fetches.
//!
//! [`Verifier`]: super::Verifier
//! [`Verifier::refresh`]: super::Verifier::refresh

use std::fmt;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use serde::Deserialize;

use super::aead::ApiV3Key;
use super::certificate::PlatformCertificate;
use super::rejection::shown;
use super::sign::RequestSigner;
use super::{error_answer, normalize_serial};
use crate::error::{Error, Result};
use crate::token::BoxFuture;

/// The path of the certificate download.
pub(crate) const CERTIFICATES_PATH: &str = "/v3/certificates";

/// An answer of `/v3/certificates`, before verification.
#[derive(Clone)]
pub struct CertificateAnswer {
    /// The HTTP status.
    pub status: u16,
    /// The answer's headers (`Wechatpay-*`, `Request-ID`).
    pub headers: HeaderMap,
    /// The answer's body.
    pub body: Bytes,
}

impl fmt::Debug for CertificateAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CertificateAnswer")
            .field("status", &self.status)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

/// Where a [`Verifier`](super::Verifier) gets the answer of
/// `/v3/certificates` when it refreshes: [`HttpCertificateSource`], or a
/// fake in tests.
pub trait CertificateSource: Send + Sync + 'static {
    /// Fetches the answer (any status: the verifier handles errors).
    fn fetch(&self) -> BoxFuture<'_, Result<CertificateAnswer>>;
}

/// Fetches `/v3/certificates` with a signed GET through `reqwest`.
#[derive(Debug, Clone)]
pub struct HttpCertificateSource {
    http: reqwest::Client,
    url: url::Url,
    signer: RequestSigner,
}

impl HttpCertificateSource {
    /// A source asking `base_url` (e.g. [`DEFAULT_BASE_URL`](super::DEFAULT_BASE_URL)),
    /// signing as `signer`.
    ///
    /// # Errors
    /// [`Error::Config`] when `base_url` is not a URL.
    pub fn new(http: reqwest::Client, base_url: &str, signer: RequestSigner) -> Result<Self> {
        let url = url::Url::parse(base_url)
            .and_then(|base| base.join(CERTIFICATES_PATH))
            .map_err(|e| Error::Config(format!("invalid WeChat Pay base URL `{base_url}`: {e}")))?;
        Ok(HttpCertificateSource { http, url, signer })
    }
}

impl CertificateSource for HttpCertificateSource {
    fn fetch(&self) -> BoxFuture<'_, Result<CertificateAnswer>> {
        Box::pin(async move {
            let canonical = super::canonical_url(&self.url);
            let authorization = self.signer.authorization("GET", &canonical, "")?;
            let answer = self
                .http
                .get(self.url.clone())
                .header(reqwest::header::AUTHORIZATION, authorization)
                .header(reqwest::header::ACCEPT, "application/json")
                .send()
                .await
                .map_err(http_error)?;
            let status = answer.status().as_u16();
            let headers = answer.headers().clone();
            let body = answer.bytes().await.map_err(http_error)?;
            Ok(CertificateAnswer {
                status,
                headers,
                body,
            })
        })
    }
}

fn http_error(e: reqwest::Error) -> Error {
    Error::Http {
        endpoint: CERTIFICATES_PATH.into(),
        source: std::sync::Arc::new(e.without_url()),
    }
}

#[derive(Deserialize)]
struct Answer {
    data: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    serial_no: String,
    encrypt_certificate: Encrypted,
}

#[derive(Deserialize)]
struct Encrypted {
    algorithm: String,
    nonce: String,
    #[serde(default)]
    associated_data: String,
    ciphertext: String,
}

/// The certificates of a `/v3/certificates` answer body, decrypted with
/// `key` and parsed; each must carry the serial its entry announces.
pub(crate) fn decrypt_certificates(
    key: &ApiV3Key,
    body: &[u8],
) -> Result<Vec<PlatformCertificate>> {
    let answer: Answer = serde_json::from_slice(body).map_err(|e| Error::Decode {
        endpoint: CERTIFICATES_PATH.into(),
        reason: e.to_string(),
        snippet: String::new(),
    })?;
    let mut out = Vec::with_capacity(answer.data.len());
    for entry in answer.data {
        let enc = entry.encrypt_certificate;
        if enc.algorithm != "AEAD_AES_256_GCM" {
            return Err(Error::PayCrypto(format!(
                "certificate `{}` uses the unsupported algorithm `{}`",
                shown(&entry.serial_no),
                shown(&enc.algorithm)
            )));
        }
        let pem = key.decrypt(&enc.nonce, &enc.associated_data, &enc.ciphertext)?;
        let cert = PlatformCertificate::from_pem(&pem)?;
        if normalize_serial(cert.serial()) != normalize_serial(&entry.serial_no) {
            return Err(Error::PayCrypto(format!(
                "the certificate listed as `{}` has the serial `{}`",
                shown(&entry.serial_no),
                cert.serial()
            )));
        }
        out.push(cert);
    }
    Ok(out)
}

/// `Err` with the [`Error::Pay`] of a non-2xx answer.
pub(crate) fn check_status(answer: &CertificateAnswer) -> Result<()> {
    if (200..300).contains(&answer.status) {
        return Ok(());
    }
    Err(error_answer::pay_error(
        answer.status,
        &answer.headers,
        &answer.body,
        &crate::redact::KnownSecrets::default(),
    ))
}
