//! Downloading a bill (trade bill, fund-flow bill): the answer of the bill
//! endpoints names a `download_url`, a `hash_type` (`SHA1`) and a
//! `hash_value`; the file itself is fetched with a signed GET whose answer
//! WeChat Pay does **not** sign, so the hash is what authenticates it.
//!
//! [`WechatPay::download_bill`] fetches it (only from the configured WeChat
//! Pay host: the signed `Authorization` header goes nowhere else), bounded
//! by the media limit, gunzips it when it was asked with `tar_type=GZIP`
//! (bounded too), and checks the SHA-1 of the plain bill against
//! `hash_value`: a mismatch is [`Error::PayBillHash`].

use std::io::Read;

use bytes::Bytes;
use reqwest::header::{ACCEPT, AUTHORIZATION, USER_AGENT};

use super::transport::PAY_USER_AGENT;
use super::wechat_pay::WechatPay;
use crate::error::{CallName, Error, Result};
use crate::limits::{self, DEFAULT_MEDIA_LIMIT};

/// How the bill file was asked for (`tar_type` of the bill request).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BillCompression {
    /// No `tar_type`: the file is the plain CSV-like text.
    None,
    /// `tar_type=GZIP`: the file is gzip-compressed.
    Gzip,
}

const ENDPOINT: &str = "download_bill";

impl WechatPay {
    /// Downloads the bill at `download_url` (from a trade or fund-flow bill
    /// answer) and returns the plain bill, after checking its `hash_type`
    /// digest (`SHA1`, hex) against `hash_value`.
    ///
    /// # Errors
    /// [`Error::Config`] when `download_url` is not on the configured WeChat
    /// Pay host or the hash type is not `SHA1`; [`Error::Http`],
    /// [`Error::AnswerTooLarge`] (the media limit, also for the
    /// decompressed bill); [`Error::Pay`] for a non-2xx status;
    /// [`Error::Decode`] when a GZIP file does not decompress;
    /// [`Error::PayBillHash`] when the digest differs.
    pub async fn download_bill(
        &self,
        download_url: &str,
        hash_type: &str,
        hash_value: &str,
        compression: BillCompression,
    ) -> Result<Bytes> {
        let endpoint = CallName::from(ENDPOINT);
        if !hash_type.eq_ignore_ascii_case("SHA1") {
            return Err(Error::Config(format!(
                "unsupported bill hash type `{}` (WeChat Pay uses SHA1)",
                super::rejection::shown(hash_type)
            )));
        }
        let url = self.bill_url(download_url)?;
        let canonical = super::canonical_url(&url);
        let authorization = self.authorization("GET", &canonical, "")?;
        let response = self
            .http()?
            .get(url)
            .header(AUTHORIZATION, authorization)
            .header(ACCEPT, "*/*")
            .header(USER_AGENT, PAY_USER_AGENT)
            .send()
            .await
            .map_err(|e| Error::Http {
                endpoint: endpoint.clone(),
                source: std::sync::Arc::new(e.without_url()),
            })?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = limits::read_body(response, DEFAULT_MEDIA_LIMIT, &endpoint).await?;
        if !(200..300).contains(&status) {
            return Err(self.error_of(status, &headers, &body));
        }
        let plain = match compression {
            BillCompression::None => body,
            BillCompression::Gzip => gunzip(&body, DEFAULT_MEDIA_LIMIT)?,
        };
        check_hash(&plain, hash_value)?;
        Ok(plain)
    }

    /// `download_url` parsed, if it is on the configured WeChat Pay host.
    fn bill_url(&self, download_url: &str) -> Result<url::Url> {
        let invalid = |why: &str| Error::Config(format!("invalid bill download URL: {why}"));
        let url = url::Url::parse(download_url).map_err(|e| invalid(&e.to_string()))?;
        let base =
            url::Url::parse(self.config().base_url()).map_err(|e| invalid(&e.to_string()))?;
        let same = url.scheme() == base.scheme()
            && url.host_str() == base.host_str()
            && url.port_or_known_default() == base.port_or_known_default();
        if !same {
            return Err(invalid(
                "not on the configured WeChat Pay host (the signed request goes nowhere else)",
            ));
        }
        Ok(url)
    }
}

/// The decompressed `gzip`, at most `limit` bytes.
fn gunzip(gzip: &[u8], limit: u64) -> Result<Bytes> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(gzip)
        .take(limit.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|e| Error::Decode {
            endpoint: CallName::from(ENDPOINT),
            reason: format!("the bill does not decompress (gzip): {e}"),
            snippet: String::new(),
        })?;
    if out.len() as u64 > limit {
        return Err(Error::AnswerTooLarge {
            endpoint: CallName::from(ENDPOINT),
            limit,
        });
    }
    Ok(Bytes::from(out))
}

/// `Err(PayBillHash)` unless the SHA-1 of `plain` is `expected` (hex, any case).
fn check_hash(plain: &[u8], expected: &str) -> Result<()> {
    let actual = hex::encode(ring::digest::digest(
        &ring::digest::SHA1_FOR_LEGACY_USE_ONLY,
        plain,
    ));
    if actual.eq_ignore_ascii_case(expected.trim()) {
        Ok(())
    } else {
        Err(Error::PayBillHash {
            expected: super::rejection::shown(expected),
            actual,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn sha1_known_answer_and_mismatch() {
        // SHA-1("abc"), FIPS 180 test vector
        assert!(check_hash(b"abc", "A9993E364706816ABA3E25717850C26C9CD0D89D").is_ok());
        let err = check_hash(b"abd", "a9993e364706816aba3e25717850c26c9cd0d89d").unwrap_err();
        assert!(matches!(err, Error::PayBillHash { .. }), "{err}");
    }

    #[test]
    fn gunzip_round_trips_and_is_bounded() {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(&[b'x'; 1000]).unwrap();
        let gz = enc.finish().unwrap();
        assert_eq!(gunzip(&gz, 1000).unwrap().len(), 1000);
        assert!(matches!(
            gunzip(&gz, 999),
            Err(Error::AnswerTooLarge { .. })
        ));
        assert!(matches!(gunzip(b"not gzip", 10), Err(Error::Decode { .. })));
    }
}
