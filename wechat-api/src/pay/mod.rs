//! WeChat Pay API v3: signed requests, verified answers and notifications,
//! platform certificates and the WeChat Pay public key, AES-256-GCM and
//! RSAES-OAEP, and the parameters a client needs to start a payment
//! (feature `pay`).
//!
//! Start from a [`PayConfig`] (builder or [`PayConfig::from_env`]), then
//! [`WechatPay::new`]:
//!
//! * [`WechatPay::authorization`] signs a request (`Authorization:
//!   WECHATPAY2-SHA256-RSA2048 …`);
//! * [`WechatPay::verify_answer`] verifies an answer before it is believed;
//! * [`WechatPay::verify_and_decrypt`] verifies a notification and decrypts
//!   its `resource` into a [`Notification`], typed by
//!   [`Notification::event`] ([`Transaction`], [`Refund`]);
//! * [`PayNotifyHandler`] is the whole `notify_url`: verification, typed
//!   handlers, deduplication through the token store, the 5-second rule
//!   (and `server::PayNotifyRoutes` its axum route, feature `axum`);
//! * [`WechatPay::encrypt_sensitive`] / [`WechatPay::decrypt_sensitive`]
//!   handle the RSA-OAEP fields;
//! * the endpoints of the spec's `pay` family, generated as methods:
//!   `pay.transactions().jsapi(..)`, `pay.refunds().create(..)`… (see
//!   [`crate::api`]); they all go through one signed transport ([`send`]),
//!   which verifies every answer before it is decoded;
//! * [`WechatPay::download_bill`] fetches a bill and checks its hash;
//! * [`WechatPay::jsapi_params`] / [`WechatPay::app_params`] build what
//!   `wx.requestPayment` and the APP SDK need
//!   ([`WechatPay::partner_jsapi_params`] / [`WechatPay::partner_app_params`]
//!   for a service provider's orders).
//!
//! # Service providers (服务商)
//!
//! The spec's partner modules (`pay.partner_transactions()`,
//! `partner_refunds()`, `applyment()`, `profitsharing()`, `complaints()`,
//! `transfers()`) are generated like the merchant ones; what the spec
//! cannot express is hand-written here: the media uploads whose signature
//! covers the multipart `meta` part ([`WechatPay::upload_image`],
//! [`WechatPay::upload_video`], [`WechatPay::upload_complaint_image`]),
//! the complaint notification URL's `PUT` and `DELETE`, the complaint image
//! download, and the typed notifications ([`Notification::partner_event`]).
//! Sensitive fields nested in a request ([`Sensitive`]) are encrypted while
//! the body is written, never sent in plaintext.
//!
//! # Cryptographic choices
//!
//! * **Private-key operations are constant-time.** The `rsa` crate carries
//!   RUSTSEC-2023-0071 (Marvin: a timing side channel on private-key
//!   operations), so it is not used at all. Request signing (SHA256withRSA,
//!   PKCS#1 v1.5) and answer verification use `ring`, which this crate
//!   already links through rustls. `ring` has no RSA encryption, so the
//!   RSAES-OAEP fields (SHA-1, MGF1-SHA1, as WeChat Pay specifies) use
//!   `aws-lc-rs`, whose RSA code is constant-time (BoringSSL lineage).
//!   `aws-lc-sys` builds with the `cc` crate: no cmake is needed on Linux.
//! * **AES-256-GCM** (notification resources, encrypted certificates) uses
//!   `ring`'s AEAD: the 16-byte tag is the end of the base64 ciphertext, the
//!   nonce is the 12 bytes of the `nonce` text, the associated data the
//!   bytes of `associated_data`.
//! * **X.509** platform and merchant certificates are parsed by
//!   `x509-parser`; PEM by `rustls-pki-types` (PKCS#8 or PKCS#1 private
//!   keys, `PUBLIC KEY` SPKI for the WeChat Pay public key).
//!
//! # Verification rules
//!
//! Every answer and notification is verified over
//! `TIMESTAMP\nNONCE\nBODY\n` with the key its `Wechatpay-Serial` names: a
//! platform certificate by serial, or the WeChat Pay public key by its
//! `PUB_KEY_ID_…`. The timestamp must be less than 5 minutes from the clock,
//! either way. A signature starting with `WECHATPAY/SIGNTEST/` (WeChat
//! Pay's signature probes) always fails. An unknown serial causes one
//! certificate refresh (single-flight in the process, and cluster-wide
//! through the token store when one is given), then a typed
//! [`PayRejection::UnknownSerial`]; it is never accepted.
//!
//! # The first certificate download
//!
//! The answer of `/v3/certificates` is verified like any other, with the
//! keys already trusted. When it is signed with a serial not yet known (the
//! very first download, or a rotation), it is verified with the certificate
//! of that serial found *inside* the answer, after decryption: that
//! certificate is authenticated by AES-256-GCM under the APIv3 key, which
//! only WeChat Pay and the merchant hold. The official SDKs
//! (`wechatpay-java`, `wechatpay-go`) accept the first download unverified
//! and rely on the decryption alone; this crate verifies it anyway.

mod aead;
mod bill;
mod certificate;
mod complaint_calls;
mod config;
mod download;
mod endpoint;
mod error_answer;
#[macro_use]
mod event;
mod key;
mod media_upload;
mod nonce;
mod notify;
mod notify_handler;
mod oaep;
mod params;
mod partner_event;
mod partner_params;
#[cfg(all(feature = "spec-tests", not(test)))]
mod probe;
mod rejection;
mod sensitive;
mod sign;
mod transport;
mod verify;
mod wechat_pay;

pub use aead::ApiV3Key;
pub use bill::BillCompression;
pub use certificate::PlatformCertificate;
pub use complaint_calls::{ComplaintImage, ComplaintNotificationUrl};
pub use config::{PAY_ENV_VARS, PayConfig, PayConfigBuilder, VerificationMode};
pub use download::{CertificateAnswer, CertificateSource, HttpCertificateSource};
pub use endpoint::{PAY_HOST, PayAnswerKind, PayEndpoint};
pub use event::{
    PayEvent, Payer, PromotionDetail, Refund, RefundAmount, RefundStatus, SceneInfo, TradeState,
    TradeType, Transaction, TransactionAmount,
};
pub use key::{MerchantKey, PayPublicKey};
pub use media_upload::{
    COMPLAINT_IMAGE_LIMIT, MEDIA_IMAGE_LIMIT, MEDIA_VIDEO_LIMIT, MediaId, MediaKind, MediaMeta,
};
pub use nonce::nonce;
pub use notify::{EncryptedResource, EventType, Notification, NotificationEnvelope};
pub use notify_handler::{
    DEFAULT_DONE_WINDOW, DEFAULT_PROCESSING_WINDOW, NotifyOutcome, PayHandlerResult,
    PayNotifyHandler, PayNotifyResponse,
};
pub use oaep::EncryptedField;
pub use params::{AppPayParams, JsapiPayParams};
pub use partner_event::{
    ComplaintAction, ComplaintNotice, PartnerEvent, PartnerPayer, PartnerRefund,
    PartnerTransaction, PartnerTransactionAmount, ProfitSharingMovement, ProfitSharingNotice,
    ReceiverType, TransferBillNotice, TransferState,
};
#[cfg(all(feature = "spec-tests", not(test)))]
pub use probe::PayProbe;
pub use rejection::PayRejection;
pub use sensitive::{Ciphertext, Encryptor, Sensitive, seal};
pub use sign::{RequestSigner, canonical_url, signing_string};
pub use transport::{PayAnswer, PayCall, send};
pub use verify::{
    Clock, DEFAULT_MIN_REFRESH_GAP, DEFAULT_REFRESH_INTERVAL, PayHeaders, Verifier,
    VerifierBuilder, verification_message,
};
pub use wechat_pay::WechatPay;

/// The production host of WeChat Pay API v3.
pub const DEFAULT_BASE_URL: &str = "https://api.mch.weixin.qq.com";

/// The signature scheme named in the `Authorization` header.
pub const AUTHORIZATION_SCHEME: &str = "WECHATPAY2-SHA256-RSA2048";

/// The prefix of WeChat Pay's signature probes: such a signature never verifies.
pub const SIGNATURE_PROBE_PREFIX: &str = "WECHATPAY/SIGNTEST/";

/// How far (seconds, either way) an answer's timestamp may be from the clock.
pub const TIMESTAMP_WINDOW_SECS: i64 = 300;

/// ` (request id …)` for an error message, or nothing.
pub(crate) fn request_id_suffix(request_id: Option<&str>) -> String {
    match request_id {
        Some(id) => format!(" (Request-ID {id})"),
        None => String::new(),
    }
}

/// Serials compare without case and without leading zeros: Java prints
/// `BigInteger.toString(16)`, Go `%X` of the bytes.
pub(crate) fn normalize_serial(serial: &str) -> String {
    let trimmed = serial.trim().trim_start_matches('0');
    if trimmed.is_empty() {
        "0".to_owned()
    } else {
        trimmed.to_ascii_uppercase()
    }
}
