//! [`WechatPay`]: a merchant's signer, verifier and keys together, with the
//! operations an application calls.

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::header::HeaderMap;
use secrecy::{ExposeSecret, SecretString};

use super::config::{PayConfig, VerificationMode};
use super::download::HttpCertificateSource;
use super::notify::{EncryptedResource, Notification, NotificationEnvelope};
use super::oaep::EncryptedField;
use super::params::{AppPayParams, JsapiPayParams};
use super::sign::RequestSigner;
use super::verify::{Verifier, VerifierBuilder};
use crate::error::{Error, Result};
use crate::redact::KnownSecrets;

/// A merchant's WeChat Pay side: signs requests, verifies answers and
/// notifications, encrypts and decrypts. Cheap to clone.
#[derive(Clone, Debug)]
pub struct WechatPay {
    config: PayConfig,
    signer: RequestSigner,
    verifier: Verifier,
    /// What the generated endpoints send through (`None` when TLS could
    /// not be set up: calls then fail with [`Error::Config`]).
    http: Option<reqwest::Client>,
}

impl PayConfig {
    /// A [`VerifierBuilder`] set up for this configuration's mode: the public
    /// key, the given platform certificates, and downloads through `http`
    /// from [`base_url`](Self::base_url). Add a token store or a clock,
    /// then pass the verifier to [`WechatPay::with_verifier`].
    ///
    /// # Errors
    /// [`Error::Config`] when the base URL is invalid.
    pub fn verifier_builder(&self, http: reqwest::Client) -> Result<VerifierBuilder> {
        let mut builder = Verifier::builder(self.mchid.clone());
        if let Some((id, key)) = &self.public_key {
            builder = builder.public_key(id.clone(), key.clone());
        }
        if matches!(
            self.mode,
            VerificationMode::PlatformCertificates | VerificationMode::Both
        ) {
            let source = HttpCertificateSource::new(http, &self.base_url, self.signer())?;
            builder = builder.platform_certificates(Arc::new(source), Arc::clone(&self.apiv3_key));
            for cert in &self.certificates {
                builder = builder.certificate(cert.clone());
            }
        }
        Ok(builder)
    }

    /// The request signer of this merchant.
    pub fn signer(&self) -> RequestSigner {
        RequestSigner::new(
            self.mchid.clone(),
            self.merchant_serial.clone(),
            Arc::clone(&self.merchant_key),
        )
    }
}

impl WechatPay {
    /// The merchant's WeChat Pay side with a default verifier (system clock,
    /// no shared store, a `reqwest` client with rustls for downloads).
    ///
    /// # Errors
    /// [`Error::Config`] when TLS cannot be set up or the base URL is invalid.
    pub fn new(config: PayConfig) -> Result<Self> {
        let verifier = config.verifier_builder(Self::http_client()?)?.build()?;
        Ok(Self::with_verifier(config, verifier))
    }

    /// A `reqwest` client like the one [`new`](Self::new) uses: rustls with
    /// the ring provider set on this client only, the platform's
    /// certificate verifier, [`DEFAULT_TIMEOUT`](crate::DEFAULT_TIMEOUT).
    ///
    /// # Errors
    /// [`Error::Config`] when TLS cannot be set up.
    pub fn http_client() -> Result<reqwest::Client> {
        reqwest::Client::builder()
            .tls_backend_preconfigured(crate::client::tls_config()?)
            .timeout(crate::DEFAULT_TIMEOUT)
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))
    }

    /// The merchant's WeChat Pay side with `verifier` (see
    /// [`PayConfig::verifier_builder`]).
    pub fn with_verifier(config: PayConfig, verifier: Verifier) -> Self {
        WechatPay {
            signer: config.signer(),
            config,
            verifier,
            http: Self::http_client().ok(),
        }
    }

    /// Sends the calls of the generated endpoints (`pay.transactions()…`)
    /// and bill downloads through `http` instead of the default client.
    pub fn with_http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// The HTTP client of the endpoints.
    pub(crate) fn http(&self) -> Result<&reqwest::Client> {
        self.http.as_ref().ok_or_else(|| {
            Error::Config(
                "the WeChat Pay HTTP client could not be built (TLS setup failed)".to_owned(),
            )
        })
    }

    /// The configuration.
    pub fn config(&self) -> &PayConfig {
        &self.config
    }

    /// The request signer.
    pub fn signer(&self) -> &RequestSigner {
        &self.signer
    }

    /// The verifier (certificates, refresh).
    pub fn verifier(&self) -> &Verifier {
        &self.verifier
    }

    /// The `Authorization` header of a request (now, fresh nonce).
    /// `canonical_url` is the path plus `?query` as sent; `body` the exact
    /// JSON sent (empty for GET).
    ///
    /// # Errors
    /// [`Error::PayCrypto`] if signing fails.
    pub fn authorization(&self, method: &str, canonical_url: &str, body: &str) -> Result<String> {
        self.signer.authorization(method, canonical_url, body)
    }

    /// Verifies an answer of WeChat Pay before it is believed.
    ///
    /// # Errors
    /// [`Error::PaySignature`] with the reason.
    pub async fn verify_answer(&self, headers: &HeaderMap, body: &[u8]) -> Result<()> {
        self.verifier.verify(headers, body).await
    }

    /// Verifies a notification, then decrypts its `resource` with the APIv3
    /// key. Framework-agnostic: pass the request's headers and raw body.
    ///
    /// # Errors
    /// [`Error::PaySignature`] when verification fails (nothing is
    /// decrypted); [`Error::Decode`] when the body is not a notification;
    /// [`Error::PayCrypto`] when the resource does not decrypt.
    pub async fn verify_and_decrypt(
        &self,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Notification> {
        self.verifier.verify(headers, body).await?;
        let envelope: NotificationEnvelope =
            serde_json::from_slice(body).map_err(|e| Error::Decode {
                endpoint: "pay notification".into(),
                reason: super::notify::json_error(&e),
                snippet: String::new(),
            })?;
        let plaintext = self.decrypt_resource(&envelope.resource)?;
        Ok(Notification::new(envelope, plaintext))
    }

    /// Decrypts an AEAD_AES_256_GCM resource with the APIv3 key.
    ///
    /// # Errors
    /// [`Error::PayCrypto`] for another algorithm or a failed decryption.
    pub fn decrypt_resource(&self, resource: &EncryptedResource) -> Result<Vec<u8>> {
        if resource.algorithm != "AEAD_AES_256_GCM" {
            return Err(Error::PayCrypto(format!(
                "unsupported resource algorithm `{}`",
                super::rejection::shown(&resource.algorithm)
            )));
        }
        self.config.apiv3_key.decrypt(
            &resource.nonce,
            &resource.associated_data,
            &resource.ciphertext,
        )
    }

    /// Encrypts a sensitive field (a name, an ID number…) with WeChat Pay's
    /// key, RSAES-OAEP with SHA-1 and MGF1-SHA1. Send the request with
    /// `Wechatpay-Serial: ` [`EncryptedField::serial`].
    ///
    /// # Errors
    /// [`Error::Config`] when no key is known yet; [`Error::PayCrypto`] when
    /// the value is too long for RSA-OAEP.
    pub fn encrypt_sensitive(&self, plaintext: &str) -> Result<EncryptedField> {
        let (serial, key) = self.verifier.encryption_key()?;
        let ciphertext = STANDARD.encode(key.encrypt_oaep(plaintext.as_bytes())?);
        Ok(EncryptedField { ciphertext, serial })
    }

    /// Decrypts a sensitive field of an answer (base64, RSA-OAEP) with the
    /// merchant key. The plaintext is kept in a [`SecretString`].
    ///
    /// # Errors
    /// [`Error::PayCrypto`] when it is not base64, does not decrypt, or is
    /// not UTF-8.
    pub fn decrypt_sensitive(&self, ciphertext_b64: &str) -> Result<SecretString> {
        let raw = STANDARD
            .decode(ciphertext_b64.trim())
            .map_err(|_| Error::PayCrypto("the RSA-OAEP ciphertext is not base64".to_owned()))?;
        let plain = self.config.merchant_key.decrypt_oaep(&raw)?;
        String::from_utf8(plain)
            .map(SecretString::from)
            .map_err(|_| Error::PayCrypto("the decrypted field is not UTF-8".to_owned()))
    }

    /// `wx.requestPayment` arguments for the order `prepay_id` of `appid`
    /// (now, fresh nonce).
    ///
    /// # Errors
    /// [`Error::PayCrypto`] if signing fails.
    pub fn jsapi_params(&self, appid: &str, prepay_id: &str) -> Result<JsapiPayParams> {
        self.jsapi_params_with(
            appid,
            prepay_id,
            crate::clock::unix_seconds(),
            &super::nonce(),
        )
    }

    /// [`jsapi_params`](Self::jsapi_params) with a given timestamp and nonce.
    ///
    /// # Errors
    /// [`Error::PayCrypto`] if signing fails.
    pub fn jsapi_params_with(
        &self,
        appid: &str,
        prepay_id: &str,
        timestamp: i64,
        nonce: &str,
    ) -> Result<JsapiPayParams> {
        let package = format!("prepay_id={prepay_id}");
        let time_stamp = timestamp.to_string();
        let message = format!("{appid}\n{time_stamp}\n{nonce}\n{package}\n");
        let pay_sign = self.config.merchant_key.sign(message.as_bytes())?;
        Ok(JsapiPayParams {
            app_id: appid.to_owned(),
            time_stamp,
            nonce_str: nonce.to_owned(),
            package,
            sign_type: "RSA".to_owned(),
            pay_sign,
        })
    }

    /// The APP SDK's `PayReq` fields for the order `prepay_id` of the mobile
    /// application `appid` (now, fresh nonce).
    ///
    /// # Errors
    /// [`Error::PayCrypto`] if signing fails.
    pub fn app_params(&self, appid: &str, prepay_id: &str) -> Result<AppPayParams> {
        self.app_params_with(
            appid,
            prepay_id,
            crate::clock::unix_seconds(),
            &super::nonce(),
        )
    }

    /// [`app_params`](Self::app_params) with a given timestamp and nonce.
    ///
    /// # Errors
    /// [`Error::PayCrypto`] if signing fails.
    pub fn app_params_with(
        &self,
        appid: &str,
        prepay_id: &str,
        timestamp: i64,
        nonce: &str,
    ) -> Result<AppPayParams> {
        let timestamp = timestamp.to_string();
        let message = format!("{appid}\n{timestamp}\n{nonce}\n{prepay_id}\n");
        let sign = self.config.merchant_key.sign(message.as_bytes())?;
        Ok(AppPayParams {
            appid: appid.to_owned(),
            partnerid: self.config.mchid.clone(),
            prepayid: prepay_id.to_owned(),
            package: "Sign=WXPay".to_owned(),
            noncestr: nonce.to_owned(),
            timestamp,
            sign,
        })
    }

    /// The [`Error::Pay`] of an error answer (non-2xx status, WeChat Pay's
    /// `{"code","message","detail"}` body, `Request-ID` header), redacted.
    pub fn error_of(&self, status: u16, headers: &HeaderMap, body: &[u8]) -> Error {
        super::error_answer::pay_error(status, headers, body, &self.secrets())
    }

    fn secrets(&self) -> KnownSecrets {
        let mut secrets = KnownSecrets::default();
        secrets.add(self.config.apiv3_text.expose_secret());
        secrets
    }
}
