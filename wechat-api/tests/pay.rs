//! WeChat Pay core (feature `pay`): known-answer tests against vectors made
//! by openssl and Python's `cryptography` (tests/fixtures/pay, see
//! make_fixtures.sh), property tests, refresh single-flight, redaction.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use proptest::prelude::*;
use reqwest::header::{HeaderMap, HeaderValue};
use secrecy::ExposeSecret;
use serde_json::Value;
use wechat_api::Error;
use wechat_api::pay::{
    ApiV3Key, CertificateAnswer, CertificateSource, Clock, EventType, MerchantKey, PAY_ENV_VARS,
    PayConfig, PayConfigBuilder, PayHeaders, PayPublicKey, PayRejection, PlatformCertificate,
    VerificationMode, Verifier, WechatPay, canonical_url, signing_string,
};
use wechat_api::token::{BoxFuture, MemoryStore, TokenStore};

const MCHID: &str = "1900000109";
const MERCHANT_SERIAL: &str = "3775B6A45ACD588826D15E583A95F5DD5E63E2C0";
const PLATFORM_SERIAL: &str = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1";
const NEW_SERIAL: &str = "0A6B1F4D3C2E5F7081920A1B2C3D4E5F60718293";
const PUB_KEY_ID: &str = "PUB_KEY_ID_0114232134912410000000000000";

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/pay/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn text(name: &str) -> String {
    String::from_utf8(fixture(name)).expect("utf-8 fixture")
}

fn vectors() -> Value {
    serde_json::from_slice(&fixture("vectors.json")).expect("vectors.json")
}

fn apiv3() -> String {
    vectors()["apiv3_key"].as_str().expect("key").to_owned()
}

fn fixed(t: i64) -> Clock {
    Arc::new(move || t)
}

/// 1554209980: the timestamp of the answer and notification vectors.
const T: i64 = 1_554_209_980;

fn headers(timestamp: &str, nonce: &str, signature: &str, serial: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (name, value) in [
        ("Wechatpay-Timestamp", timestamp),
        ("Wechatpay-Nonce", nonce),
        ("Wechatpay-Signature", signature),
        ("Wechatpay-Serial", serial),
    ] {
        h.insert(name, HeaderValue::from_str(value).expect("header"));
    }
    h
}

fn vector_headers(v: &Value) -> HeaderMap {
    headers(
        v["timestamp"].as_str().expect("ts"),
        v["nonce"].as_str().expect("nonce"),
        v["signature"].as_str().expect("sig"),
        v["serial"].as_str().expect("serial"),
    )
}

fn answer_parts() -> (String, Vec<u8>) {
    let message = text("answer_message.txt");
    let mut lines = message.splitn(3, '\n');
    let (_, nonce, body) = (lines.next(), lines.next(), lines.next());
    let body = body
        .expect("body")
        .trim_end_matches('\n')
        .as_bytes()
        .to_vec();
    (nonce.expect("nonce").to_owned(), body)
}

fn base() -> PayConfigBuilder {
    PayConfig::builder()
        .mchid(MCHID)
        .merchant_serial(MERCHANT_SERIAL)
        .private_key_pem(fixture("merchant_key.pem"))
        .apiv3_key(apiv3())
}

fn rejection(e: Error) -> PayRejection {
    match e {
        Error::PaySignature { reason } => reason,
        other => panic!("expected a signature rejection, got {other:?}"),
    }
}

fn config_error(result: wechat_api::Result<PayConfig>) -> String {
    match result {
        Err(Error::Config(message)) => message,
        Err(other) => panic!("expected Error::Config, got {other:?}"),
        Ok(c) => panic!("expected an error, got {c:?}"),
    }
}

/// A `/v3/certificates` that counts its calls and can be slow.
struct FakeSource {
    answer: CertificateAnswer,
    calls: Arc<AtomicUsize>,
    delay: Duration,
}

impl FakeSource {
    fn new(v: &Value, calls: &Arc<AtomicUsize>) -> Self {
        FakeSource {
            answer: CertificateAnswer {
                status: 200,
                headers: vector_headers(v),
                body: Bytes::from(v["body"].as_str().expect("body").to_owned()),
            },
            calls: Arc::clone(calls),
            delay: Duration::ZERO,
        }
    }
}

impl CertificateSource for FakeSource {
    fn fetch(&self) -> BoxFuture<'_, wechat_api::Result<CertificateAnswer>> {
        Box::pin(async move {
            self.calls.fetch_add(1, Ordering::SeqCst);
            if !self.delay.is_zero() {
                tokio::time::sleep(self.delay).await;
            }
            Ok(self.answer.clone())
        })
    }
}

fn cert_verifier(source: FakeSource, clock: i64) -> wechat_api::pay::VerifierBuilder {
    let key = Arc::new(ApiV3Key::new(apiv3().as_bytes()).expect("key"));
    Verifier::builder(MCHID)
        .platform_certificates(Arc::new(source), key)
        .clock(fixed(clock))
}

fn pubkey() -> PayPublicKey {
    PayPublicKey::from_pem(&fixture("pub_key.pem")).expect("pub key")
}

// ---- signing: known answers from `openssl dgst -sha256 -sign` ----------

#[test]
fn request_signature_matches_openssl() {
    let config = base().platform_certificates().build().expect("config");
    let body = r#"{"appid":"wxd678efh567hg6787","mchid":"1230000109"}"#;
    let message = signing_string(
        "POST",
        "/v3/pay/transactions/jsapi",
        1_554_208_460,
        "593BEC0C930BF1AFEB40B4A08C8FB242",
        body,
    );
    assert_eq!(message, text("request_message.txt"));
    let auth = config
        .signer()
        .authorization_with(
            "POST",
            "/v3/pay/transactions/jsapi",
            body,
            1_554_208_460,
            "593BEC0C930BF1AFEB40B4A08C8FB242",
        )
        .expect("sign");
    let expected = format!(
        "WECHATPAY2-SHA256-RSA2048 mchid=\"{MCHID}\",nonce_str=\"593BEC0C930BF1AFEB40B4A08C8FB242\",timestamp=\"1554208460\",serial_no=\"{MERCHANT_SERIAL}\",signature=\"{}\"",
        text("request_signature.b64").trim()
    );
    assert_eq!(auth, expected);
}

#[test]
fn pkcs1_key_signs_like_pkcs8_and_get_has_an_empty_body_line() {
    let config = base()
        .private_key_pem(fixture("merchant_key_pkcs1.pem"))
        .platform_certificates()
        .build()
        .expect("config");
    let url = url::Url::parse("https://api.mch.weixin.qq.com/v3/certificates?algorithm_type=RSA")
        .expect("url");
    assert_eq!(canonical_url(&url), "/v3/certificates?algorithm_type=RSA");
    let auth = config
        .signer()
        .authorization_with(
            "GET",
            &canonical_url(&url),
            "",
            1_554_208_460,
            "593BEC0C930BF1AFEB40B4A08C8FB242",
        )
        .expect("sign");
    let signature = auth
        .rsplit("signature=\"")
        .next()
        .expect("sig")
        .trim_end_matches('"');
    assert_eq!(signature, text("get_signature.b64").trim());
}

#[test]
fn client_parameters_match_openssl() {
    let config = base().platform_certificates().build().expect("config");
    let pay = WechatPay::with_verifier(
        config,
        Verifier::builder(MCHID)
            .public_key(PUB_KEY_ID, pubkey())
            .build()
            .expect("verifier"),
    );
    let js = pay
        .jsapi_params_with(
            "wx8888888888888888",
            "wx201410272009395522657a690389285100",
            1_414_561_699,
            "5K8264ILTKCH16CQ2502SI8ZNMTM67VS",
        )
        .expect("jsapi");
    assert_eq!(js.package, "prepay_id=wx201410272009395522657a690389285100");
    assert_eq!(js.sign_type, "RSA");
    assert_eq!(js.pay_sign, text("jsapi_signature.b64").trim());
    let json = serde_json::to_value(&js).expect("json");
    for field in [
        "appId",
        "timeStamp",
        "nonceStr",
        "package",
        "signType",
        "paySign",
    ] {
        assert!(json.get(field).is_some(), "missing {field} in {json}");
    }
    let app = pay
        .app_params_with(
            "wx8888888888888888",
            "WX1217752501201407033233368018",
            1_414_561_699,
            "5K8264ILTKCH16CQ2502SI8ZNMTM67VS",
        )
        .expect("app");
    assert_eq!(app.package, "Sign=WXPay");
    assert_eq!(app.partnerid, MCHID);
    assert_eq!(app.sign, text("app_signature.b64").trim());
    let json = serde_json::to_value(&app).expect("json");
    for field in [
        "appid",
        "partnerid",
        "prepayid",
        "package",
        "noncestr",
        "timestamp",
        "sign",
    ] {
        assert!(json.get(field).is_some(), "missing {field} in {json}");
    }
}

// ---- verification -------------------------------------------------------

#[tokio::test]
async fn answers_verify_with_the_certificate_the_public_key_or_both() {
    let (nonce, body) = answer_parts();
    let ts = T.to_string();
    let cert = PlatformCertificate::from_pem(&fixture("platform_cert.pem")).expect("cert");
    let by_cert = headers(
        &ts,
        &nonce,
        text("answer_signature_platform.b64").trim(),
        PLATFORM_SERIAL,
    );
    let by_key = headers(
        &ts,
        &nonce,
        text("answer_signature_pubkey.b64").trim(),
        PUB_KEY_ID,
    );

    let certs = Verifier::builder(MCHID)
        .certificate(cert.clone())
        .clock(fixed(T))
        .build()
        .expect("v");
    certs
        .verify(&by_cert, &body)
        .await
        .expect("certificate mode");
    assert!(
        matches!(rejection(certs.verify(&by_key, &body).await.expect_err("no key")), PayRejection::UnknownSerial(s) if s == PUB_KEY_ID)
    );

    let key = Verifier::builder(MCHID)
        .public_key(PUB_KEY_ID, pubkey())
        .clock(fixed(T))
        .build()
        .expect("v");
    key.verify(&by_key, &body).await.expect("public key mode");
    assert!(matches!(
        rejection(key.verify(&by_cert, &body).await.expect_err("no cert")),
        PayRejection::UnknownSerial(_)
    ));

    let both = Verifier::builder(MCHID)
        .public_key(PUB_KEY_ID, pubkey())
        .certificate(cert)
        .clock(fixed(T))
        .build()
        .expect("v");
    both.verify(&by_cert, &body)
        .await
        .expect("both: certificate");
    both.verify(&by_key, &body).await.expect("both: public key");

    // a signature made by one key and announced as the other fails
    let swapped = headers(
        &ts,
        &nonce,
        text("answer_signature_pubkey.b64").trim(),
        PLATFORM_SERIAL,
    );
    assert!(matches!(
        rejection(both.verify(&swapped, &body).await.expect_err("swapped")),
        PayRejection::BadSignature { .. }
    ));
}

#[tokio::test]
async fn the_timestamp_must_be_within_five_minutes_either_way() {
    let (nonce, body) = answer_parts();
    let h = headers(
        &T.to_string(),
        &nonce,
        text("answer_signature_platform.b64").trim(),
        PLATFORM_SERIAL,
    );
    let cert = PlatformCertificate::from_pem(&fixture("platform_cert.pem")).expect("cert");
    for (now, ok) in [
        (T + 299, true),
        (T - 299, true),
        (T + 300, false),
        (T - 300, false),
        (T + 86_400, false),
    ] {
        let v = Verifier::builder(MCHID)
            .certificate(cert.clone())
            .clock(fixed(now))
            .build()
            .expect("v");
        match v.verify(&h, &body).await {
            Ok(()) => assert!(ok, "accepted at {now}"),
            Err(e) => {
                assert!(!ok, "refused at {now}: {e}");
                assert_eq!(
                    rejection(e),
                    PayRejection::TimestampOutOfWindow { timestamp: T, now }
                );
            }
        }
    }
    let v = Verifier::builder(MCHID)
        .certificate(cert)
        .clock(fixed(T))
        .build()
        .expect("v");
    let bad = headers(
        "15542O9980",
        &nonce,
        text("answer_signature_platform.b64").trim(),
        PLATFORM_SERIAL,
    );
    assert_eq!(
        rejection(v.verify(&bad, &body).await.expect_err("bad ts")),
        PayRejection::BadTimestamp
    );
}

#[tokio::test]
async fn signature_probes_missing_headers_and_bad_signatures_fail() {
    let (nonce, body) = answer_parts();
    let ts = T.to_string();
    let cert = PlatformCertificate::from_pem(&fixture("platform_cert.pem")).expect("cert");
    let v = Verifier::builder(MCHID)
        .public_key(PUB_KEY_ID, pubkey())
        .certificate(cert)
        .clock(fixed(T))
        .build()
        .expect("v");
    let probe = format!(
        "WECHATPAY/SIGNTEST/{}",
        text("answer_signature_platform.b64").trim()
    );
    assert_eq!(
        rejection(
            v.verify(&headers(&ts, &nonce, &probe, PLATFORM_SERIAL), &body)
                .await
                .expect_err("probe")
        ),
        PayRejection::SignatureProbe
    );
    for missing in [
        "Wechatpay-Timestamp",
        "Wechatpay-Nonce",
        "Wechatpay-Signature",
        "Wechatpay-Serial",
    ] {
        let mut h = headers(
            &ts,
            &nonce,
            text("answer_signature_platform.b64").trim(),
            PLATFORM_SERIAL,
        );
        h.remove(missing);
        assert_eq!(
            rejection(v.verify(&h, &body).await.expect_err("missing")),
            PayRejection::MissingHeader(missing)
        );
    }
    let not_b64 = headers(&ts, &nonce, "%%%not base64%%%", PLATFORM_SERIAL);
    assert!(matches!(
        rejection(v.verify(&not_b64, &body).await.expect_err("b64")),
        PayRejection::BadSignature { .. }
    ));
    let mut changed = body.clone();
    changed[3] ^= 1;
    let h = headers(
        &ts,
        &nonce,
        text("answer_signature_platform.b64").trim(),
        PLATFORM_SERIAL,
    );
    assert!(matches!(
        rejection(v.verify(&h, &changed).await.expect_err("body")),
        PayRejection::BadSignature { .. }
    ));
    // header names are case-insensitive; serials compare without case or leading zeros
    let lower = headers(
        &ts,
        &nonce,
        text("answer_signature_platform.b64").trim(),
        &PLATFORM_SERIAL.to_lowercase(),
    );
    v.verify(&lower, &body).await.expect("lower-case serial");
    let parts =
        PayHeaders::from_lookup(|name| h.get(name).and_then(|v| v.to_str().ok())).expect("parts");
    v.verify_parts(&parts, &body).await.expect("parts");
}

// ---- certificates: download, first download, rotation, single-flight ----

#[tokio::test]
async fn the_first_download_is_verified_with_the_certificate_inside() {
    let v = vectors();
    let calls = Arc::new(AtomicUsize::new(0));
    let verifier = cert_verifier(FakeSource::new(&v["certificates_answer"], &calls), T)
        .build()
        .expect("v");
    assert_eq!(verifier.refresh().await.expect("refresh"), 1);
    let certs = verifier.certificates();
    assert_eq!(certs[0].serial(), PLATFORM_SERIAL);
    assert!(certs[0].expire_time() > certs[0].effective_time());
    // the downloaded certificate verifies answers
    let (nonce, body) = answer_parts();
    let h = headers(
        &T.to_string(),
        &nonce,
        text("answer_signature_platform.b64").trim(),
        PLATFORM_SERIAL,
    );
    verifier
        .verify(&h, &body)
        .await
        .expect("verified with the downloaded certificate");
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_tampered_or_misdecrypted_download_is_refused() {
    let v = vectors();
    let calls = Arc::new(AtomicUsize::new(0));
    // body changed after signing: the signature check fails, nothing is installed
    let mut answer = v["certificates_answer"].clone();
    let body = answer["body"]
        .as_str()
        .expect("body")
        .replace("2123-06-08", "2124-06-08");
    answer["body"] = Value::String(body);
    let verifier = cert_verifier(FakeSource::new(&answer, &calls), T)
        .build()
        .expect("v");
    let e = verifier.refresh().await.expect_err("tampered");
    assert!(matches!(rejection(e), PayRejection::BadSignature { .. }));
    assert!(verifier.certificates().is_empty());
    // the wrong APIv3 key: AES-GCM authentication fails
    let wrong = Arc::new(ApiV3Key::new(b"00000000000000000000000000000000").expect("key"));
    let verifier = Verifier::builder(MCHID)
        .platform_certificates(
            Arc::new(FakeSource::new(&v["certificates_answer"], &calls)),
            wrong,
        )
        .clock(fixed(T))
        .build()
        .expect("v");
    assert!(matches!(verifier.refresh().await, Err(Error::PayCrypto(_))));
    // signed by a certificate neither known nor in the answer
    let mut answer = v["certificates_answer"].clone();
    answer["serial"] = Value::String(NEW_SERIAL.to_owned());
    let verifier = cert_verifier(FakeSource::new(&answer, &calls), T)
        .build()
        .expect("v");
    assert!(matches!(
        rejection(verifier.refresh().await.expect_err("unknown")),
        PayRejection::UnknownSerial(_)
    ));
}

#[tokio::test]
async fn an_unknown_serial_refreshes_once_then_is_refused() {
    let v = vectors();
    let calls = Arc::new(AtomicUsize::new(0));
    let mut source = FakeSource::new(&v["certificates_answer"], &calls);
    source.delay = Duration::from_millis(50);
    let verifier = cert_verifier(source, T).build().expect("v");
    let (nonce, body) = answer_parts();
    let h = headers(
        &T.to_string(),
        &nonce,
        text("answer_signature_platform.b64").trim(),
        "FFFF0000",
    );
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let (verifier, h, body) = (verifier.clone(), h.clone(), body.clone());
            tokio::spawn(async move { verifier.verify(&h, &body).await })
        })
        .collect();
    for task in tasks {
        let outcome = task.await.expect("task");
        assert!(
            matches!(rejection(outcome.expect_err("unknown")), PayRejection::UnknownSerial(s) if s == "FFFF0000")
        );
    }
    assert_eq!(
        calls.load(Ordering::SeqCst),
        1,
        "one download for 16 concurrent misses"
    );
}

#[tokio::test]
async fn a_rotation_is_picked_up_on_the_new_serial() {
    let v = vectors();
    let calls = Arc::new(AtomicUsize::new(0));
    let old = PlatformCertificate::from_pem(&fixture("platform_cert.pem")).expect("cert");
    let verifier = cert_verifier(FakeSource::new(&v["certificates_rotation"], &calls), T)
        .certificate(old)
        .build()
        .expect("v");
    // the new serial as Java prints it (no leading zero) also matches
    let by_new = &v["answer_by_new_certificate"];
    let mut h = vector_headers(by_new);
    h.insert(
        "Wechatpay-Serial",
        HeaderValue::from_static("A6B1F4D3C2E5F7081920A1B2C3D4E5F60718293"),
    );
    verifier
        .verify(&h, by_new["body"].as_str().expect("body").as_bytes())
        .await
        .expect("after one refresh");
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    let serials: Vec<_> = verifier
        .certificates()
        .iter()
        .map(|c| c.serial().to_owned())
        .collect();
    assert!(
        serials.contains(&NEW_SERIAL.to_owned()) && serials.contains(&PLATFORM_SERIAL.to_owned()),
        "{serials:?}"
    );
    // the old one still verifies during the switch
    let (nonce, body) = answer_parts();
    let h = headers(
        &T.to_string(),
        &nonce,
        text("answer_signature_platform.b64").trim(),
        PLATFORM_SERIAL,
    );
    verifier.verify(&h, &body).await.expect("old certificate");
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_cluster_downloads_once_through_the_store() {
    let v = vectors();
    let store: Arc<dyn TokenStore> = Arc::new(MemoryStore::new());
    let calls = Arc::new(AtomicUsize::new(0));
    let instances: Vec<Verifier> = (0..3)
        .map(|_| {
            let mut source = FakeSource::new(&v["certificates_rotation"], &calls);
            source.delay = Duration::from_millis(100);
            cert_verifier(source, T)
                .store(Arc::clone(&store))
                .build()
                .expect("v")
        })
        .collect();
    let by_new = &v["answer_by_new_certificate"];
    let h = vector_headers(by_new);
    let body = by_new["body"].as_str().expect("body").as_bytes().to_vec();
    let tasks: Vec<_> = instances
        .iter()
        .map(|verifier| {
            let (verifier, h, body) = (verifier.clone(), h.clone(), body.clone());
            tokio::spawn(async move { verifier.verify(&h, &body).await })
        })
        .collect();
    for task in tasks {
        task.await.expect("task").expect("every instance verifies");
    }
    assert_eq!(
        calls.load(Ordering::SeqCst),
        1,
        "one download for the cluster"
    );
}

// ---- notifications and AES-GCM -----------------------------------------

fn notification_pay(clock: i64) -> WechatPay {
    let config = base()
        .platform_certificate_pem(fixture("platform_cert.pem"))
        .build()
        .expect("config");
    let verifier = Verifier::builder(MCHID)
        .certificate(config.certificates()[0].clone())
        .clock(fixed(clock))
        .build()
        .expect("v");
    WechatPay::with_verifier(config, verifier)
}

#[tokio::test]
async fn a_notification_is_verified_decrypted_and_typed() {
    let v = &vectors()["notification"];
    let pay = notification_pay(T + 60);
    let body = v["body"].as_str().expect("body").as_bytes();
    let n = pay
        .verify_and_decrypt(&vector_headers(v), body)
        .await
        .expect("notification");
    assert_eq!(n.id, "EV-2018022511223320873");
    assert_eq!(n.event_type, EventType::TransactionSuccess);
    assert_eq!(n.original_type, "transaction");
    assert_eq!(
        n.resource_bytes(),
        v["plaintext"].as_str().expect("plain").as_bytes()
    );
    let tx: Value = n.resource().expect("json");
    assert_eq!(tx["payer"]["openid"], "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o");
    let debug = format!("{n:?}");
    assert!(
        !debug.contains("oUpF8uMuAJO") && !debug.contains("1217752501201407033233368018"),
        "{debug}"
    );
    // a forged body (signature of the real one) is not decrypted
    let forged = String::from_utf8_lossy(body).replace("EV-2018", "EV-2019");
    assert!(matches!(
        pay.verify_and_decrypt(&vector_headers(v), forged.as_bytes())
            .await,
        Err(Error::PaySignature { .. })
    ));
    // a decode error into the wrong type does not quote the plaintext
    let e = n.resource::<Vec<u32>>().expect_err("shape");
    assert!(!e.to_string().contains("oUpF8uMuAJO"), "{e}");
}

/// Two instances sharing a store, and a handler that panics then succeeds.
#[tokio::test]
async fn notifications_are_handled_once_per_cluster_and_a_panic_releases_the_claim() {
    use wechat_api::pay::{NotifyOutcome, PayEvent, PayNotifyHandler};
    let v = &vectors()["notification"];
    let body = v["body"].as_str().expect("body").as_bytes();
    let n = notification_pay(T + 60)
        .verify_and_decrypt(&vector_headers(v), body)
        .await
        .expect("notification");
    let Ok(PayEvent::Transaction(tx)) = n.event() else {
        panic!("a transaction")
    };
    assert_eq!(tx.amount.total, 100);
    assert!(!format!("{tx:?}").contains("oUpF8uMuAJO"));

    let store: Arc<dyn TokenStore> = Arc::new(MemoryStore::new());
    let runs = Arc::new(AtomicUsize::new(0));
    let instance = |panics: bool| {
        let runs = Arc::clone(&runs);
        PayNotifyHandler::new(notification_pay(T + 60), Arc::clone(&store)).on_transaction(
            move |tx| {
                let runs = Arc::clone(&runs);
                async move {
                    runs.fetch_add(1, Ordering::SeqCst);
                    assert_eq!(tx.out_trade_no, "1217752501201407033233368018");
                    if panics {
                        panic!("handler bug");
                    }
                    Ok(())
                }
            },
        )
    };
    let (broken, a, b) = (instance(true), instance(false), instance(false));
    let headers = vector_headers(v);
    let answer = broken.handle(&headers, body).await;
    assert_eq!(
        (answer.status, answer.outcome),
        (500, NotifyOutcome::HandlerFailed)
    );
    let fail: Value = serde_json::from_str(&answer.body).expect("json");
    assert_eq!(fail["code"], "FAIL");
    let answer = a.handle(&headers, body).await;
    assert_eq!(
        (answer.status, answer.outcome),
        (204, NotifyOutcome::Handled)
    );
    assert!(answer.body.is_empty());
    let answer = b.handle(&headers, body).await;
    assert_eq!(
        (answer.status, answer.outcome),
        (204, NotifyOutcome::Duplicate)
    );
    assert_eq!(runs.load(Ordering::SeqCst), 2, "the panic, then once");

    // Stale (the clock 5 minutes on): refused, nothing run.
    let stale = PayNotifyHandler::new(notification_pay(T + 300), Arc::new(MemoryStore::new()))
        .on_transaction(|_| async { panic!("must not run") });
    let answer = stale.handle(&headers, body).await;
    assert_eq!(
        (answer.status, answer.outcome),
        (401, NotifyOutcome::Unverified)
    );
    assert!(!answer.body.contains("1554209980"), "{}", answer.body);
}

#[test]
fn event_types_are_typed_and_unknown_ones_kept() {
    for (raw, typed) in [
        ("TRANSACTION.SUCCESS", EventType::TransactionSuccess),
        ("REFUND.SUCCESS", EventType::RefundSuccess),
        ("REFUND.ABNORMAL", EventType::RefundAbnormal),
        ("REFUND.CLOSED", EventType::RefundClosed),
        (
            "MCHTRANSFER.BILL.FINISHED",
            EventType::Other("MCHTRANSFER.BILL.FINISHED".to_owned()),
        ),
    ] {
        let parsed = EventType::parse(raw);
        assert_eq!(parsed, typed);
        assert_eq!(parsed.as_str(), raw);
    }
    assert!(EventType::RefundClosed.is_refund() && !EventType::TransactionSuccess.is_refund());
}

#[test]
fn aes_gcm_known_answers_and_failures() {
    let v = vectors();
    let key = ApiV3Key::new(apiv3().as_bytes()).expect("key");
    let r = &v["resource_empty_ad"];
    let plain = key
        .decrypt(
            r["nonce"].as_str().expect("n"),
            "",
            r["ciphertext"].as_str().expect("c"),
        )
        .expect("decrypt");
    assert_eq!(plain, r["plaintext"].as_str().expect("p").as_bytes());
    // our encryption gives the same bytes as Python's
    assert_eq!(
        key.encrypt("0123456789ab", "", &plain).expect("enc"),
        r["ciphertext"].as_str().expect("c")
    );
    // altered tag, wrong associated data, short nonce, not base64
    let mut raw = STANDARD
        .decode(r["ciphertext"].as_str().expect("c"))
        .expect("b64");
    let last = raw.len() - 1;
    raw[last] ^= 0x80;
    assert!(matches!(
        key.decrypt("0123456789ab", "", &STANDARD.encode(&raw)),
        Err(Error::PayCrypto(_))
    ));
    assert!(matches!(
        key.decrypt("0123456789ab", "x", r["ciphertext"].as_str().expect("c")),
        Err(Error::PayCrypto(_))
    ));
    assert!(matches!(
        key.decrypt("short", "", r["ciphertext"].as_str().expect("c")),
        Err(Error::PayCrypto(_))
    ));
    assert!(matches!(
        key.decrypt("0123456789ab", "", "***"),
        Err(Error::PayCrypto(_))
    ));
    assert!(format!("{key:?}").contains("redacted") && !format!("{key:?}").contains(&apiv3()));
}

// ---- RSA-OAEP -----------------------------------------------------------

#[test]
fn oaep_decrypts_pythons_ciphertext_and_round_trips() {
    let v = vectors();
    let config = base()
        .platform_certificate_pem(fixture("platform_cert.pem"))
        .build()
        .expect("config");
    let verifier = Verifier::builder(MCHID)
        .certificate(config.certificates()[0].clone())
        .build()
        .expect("v");
    let pay = WechatPay::with_verifier(config, verifier);
    let plain = pay
        .decrypt_sensitive(v["oaep"]["ciphertext"].as_str().expect("c"))
        .expect("decrypt");
    assert_eq!(plain.expose_secret(), "张三");

    // encrypted to the platform certificate, decrypted with its private key
    let field = pay
        .encrypt_sensitive("李四 110101199003074477")
        .expect("encrypt");
    assert_eq!(field.serial, PLATFORM_SERIAL);
    assert_eq!(STANDARD.decode(&field.ciphertext).expect("b64").len(), 256);
    let platform_side = PayConfig::builder()
        .mchid(MCHID)
        .merchant_serial(PLATFORM_SERIAL)
        .private_key_pem(fixture("platform_key.pem"))
        .apiv3_key(apiv3())
        .public_key_pem(PUB_KEY_ID, fixture("pub_key.pem"))
        .build()
        .expect("config");
    let other = WechatPay::with_verifier(
        platform_side,
        Verifier::builder(MCHID)
            .public_key(PUB_KEY_ID, pubkey())
            .build()
            .expect("v"),
    );
    assert_eq!(
        other
            .decrypt_sensitive(&field.ciphertext)
            .expect("round trip")
            .expose_secret(),
        "李四 110101199003074477"
    );
    // with the public key configured, it is preferred and named by its id
    assert_eq!(
        other.encrypt_sensitive("x").expect("enc").serial,
        PUB_KEY_ID
    );
    // the wrong key fails cleanly
    assert!(matches!(
        pay.decrypt_sensitive(&field.ciphertext),
        Err(Error::PayCrypto(_))
    ));
    assert!(matches!(
        pay.decrypt_sensitive("@@"),
        Err(Error::PayCrypto(_))
    ));
    assert!(matches!(
        pay.encrypt_sensitive(&"x".repeat(300)),
        Err(Error::PayCrypto(_))
    ));
}

// ---- configuration ------------------------------------------------------

#[test]
fn bad_configuration_is_refused_at_build_time() {
    let e = config_error(
        base()
            .private_key_pem(fixture("small_key.pem"))
            .platform_certificates()
            .build(),
    );
    assert!(e.contains("2048"), "{e}");
    let e = config_error(
        base()
            .private_key_pem(fixture("ec_key.pem"))
            .platform_certificates()
            .build(),
    );
    assert!(e.contains("not an RSA key"), "{e}");
    let e = config_error(
        base()
            .private_key_pem(fixture("platform_cert.pem"))
            .platform_certificates()
            .build(),
    );
    assert!(e.contains("private key"), "{e}");
    let e = config_error(
        base()
            .apiv3_key("0123456789012345678901234567890")
            .platform_certificates()
            .build(),
    );
    assert!(e.contains("32 bytes"), "{e}");
    let e = config_error(base().build());
    assert!(e.contains("verification mode"), "{e}");
    let e = config_error(
        base()
            .merchant_serial("00FF")
            .merchant_certificate_pem(fixture("merchant_cert.pem"))
            .platform_certificates()
            .build(),
    );
    assert!(e.contains("does not match"), "{e}");
    let e = config_error(
        base()
            .merchant_serial(PLATFORM_SERIAL)
            .merchant_certificate_pem(fixture("platform_cert.pem"))
            .platform_certificates()
            .build(),
    );
    assert!(e.contains("does not belong"), "{e}");
    let e = config_error(
        base()
            .public_key_pem("KEY_1", fixture("pub_key.pem"))
            .build(),
    );
    assert!(e.contains("PUB_KEY_ID_"), "{e}");
    let e = config_error(
        base()
            .public_key_pem(PUB_KEY_ID, fixture("platform_cert.pem"))
            .build(),
    );
    assert!(e.contains("public key"), "{e}");
    // the matching certificate and serial pass, lower-case serial too
    let ok = base()
        .merchant_serial(MERCHANT_SERIAL.to_lowercase())
        .merchant_certificate_pem(fixture("merchant_cert.pem"))
        .public_key_pem(PUB_KEY_ID, fixture("pub_key.pem"))
        .platform_certificates()
        .build()
        .expect("valid");
    assert_eq!(ok.mode(), VerificationMode::Both);
    assert!(matches!(
        MerchantKey::from_pem(b"nothing"),
        Err(Error::Config(_))
    ));
}

#[test]
fn configuration_from_the_environment() {
    let dir = format!("{}/tests/fixtures/pay", env!("CARGO_MANIFEST_DIR"));
    let key = apiv3();
    let vars = [
        ("WECHATPAY_MCHID", MCHID.to_owned()),
        ("WECHATPAY_MERCHANT_SERIAL", MERCHANT_SERIAL.to_owned()),
        (
            "WECHATPAY_PRIVATE_KEY_FILE",
            format!("{dir}/merchant_key.pem"),
        ),
        (
            "WECHATPAY_MERCHANT_CERT_FILE",
            format!("{dir}/merchant_cert.pem"),
        ),
        ("WECHATPAY_APIV3_KEY", key.clone()),
        ("WECHATPAY_PUBLIC_KEY_ID", PUB_KEY_ID.to_owned()),
        ("WECHATPAY_PUBLIC_KEY_FILE", format!("{dir}/pub_key.pem")),
    ];
    for (name, _) in &vars {
        assert!(PAY_ENV_VARS.contains(name), "{name} is not listed");
    }
    let lookup = |name: &str| {
        vars.iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
    };
    let config = PayConfig::from_lookup(lookup).expect("config");
    assert_eq!(config.mode(), VerificationMode::PublicKey);
    assert_eq!(config.mchid(), MCHID);
    let debug = format!("{config:?}");
    assert!(
        !debug.contains(&key) && !debug.contains("PRIVATE KEY"),
        "{debug}"
    );
    let missing = |name: &str| {
        if name == "WECHATPAY_APIV3_KEY" {
            None
        } else {
            lookup(name)
        }
    };
    let e = config_error(PayConfig::from_lookup(missing));
    assert!(e.contains("apiv3_key"), "{e}");
}

#[test]
fn certificates_parse_like_openssl_prints_them() {
    let cert = PlatformCertificate::from_pem(&fixture("platform2_cert.pem")).expect("cert");
    assert_eq!(cert.serial(), NEW_SERIAL);
    assert_eq!(cert.public_key().bits(), 2048);
    assert_eq!(cert.expire_time() - cert.effective_time(), 36_500 * 86_400);
    assert!(cert.pem().starts_with("-----BEGIN CERTIFICATE-----\n"));
    assert_eq!(
        PlatformCertificate::from_pem(cert.pem().as_bytes())
            .expect("again")
            .serial(),
        NEW_SERIAL
    );
}

// ---- errors and redaction -----------------------------------------------

#[test]
fn error_answers_become_error_pay_and_nothing_secret_shows() {
    let config = base().platform_certificates().build().expect("config");
    let debug = format!("{config:?}");
    let key_pem = text("merchant_key.pem");
    let key_line = key_pem.lines().nth(1).expect("a base64 line");
    assert!(
        !debug.contains(&apiv3()) && !debug.contains(key_line),
        "{debug}"
    );
    let pay = WechatPay::with_verifier(
        config,
        Verifier::builder(MCHID)
            .public_key(PUB_KEY_ID, pubkey())
            .build()
            .expect("v"),
    );
    let debug = format!("{pay:?}");
    assert!(
        !debug.contains(&apiv3()) && !debug.contains(key_line),
        "{debug}"
    );

    let mut h = HeaderMap::new();
    h.insert(
        "Request-ID",
        HeaderValue::from_static("08F78BB5AF0610D302A5D5A10D0A2C08"),
    );
    let body = format!(
        r#"{{"code":"PARAM_ERROR","message":"bad key {}","detail":{{"field":"/amount/total","issue":"must be > 0"}}}}"#,
        apiv3()
    );
    let e = pay.error_of(400, &h, body.as_bytes());
    match &e {
        Error::Pay {
            status,
            code,
            message,
            detail,
            request_id,
        } => {
            assert_eq!(*status, 400);
            assert_eq!(code, "PARAM_ERROR");
            assert!(!message.contains(&apiv3()), "{message}");
            assert!(
                detail
                    .as_deref()
                    .is_some_and(|d| d.contains("/amount/total"))
            );
            assert_eq!(
                request_id.as_deref(),
                Some("08F78BB5AF0610D302A5D5A10D0A2C08")
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().contains("08F78BB5AF0610D302A5D5A10D0A2C08"));
    assert!(!e.to_string().contains(&apiv3()));
    let key = MerchantKey::from_pem(&fixture("merchant_key.pem")).expect("key");
    assert_eq!(
        format!("{key:?}"),
        "MerchantKey { bits: 2048, private_key: \"[redacted]\" }"
    );
}

// ---- properties ---------------------------------------------------------

/// The merchant certificate holds the merchant key's public half: a
/// verifier trusting it verifies what the merchant key signs.
fn self_verifier(clock: i64) -> Verifier {
    let cert = PlatformCertificate::from_pem(&fixture("merchant_cert.pem")).expect("cert");
    Verifier::builder(MCHID)
        .certificate(cert)
        .clock(fixed(clock))
        .build()
        .expect("v")
}

fn signed(key: &MerchantKey, ts: &str, nonce: &str, body: &[u8]) -> String {
    let mut message = format!("{ts}\n{nonce}\n").into_bytes();
    message.extend_from_slice(body);
    message.push(b'\n');
    key.sign(&message).expect("sign")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn whatever_is_signed_verifies_and_any_changed_byte_fails(
        body in proptest::collection::vec(any::<u8>(), 0..300),
        nonce in "[A-Za-z0-9]{1,32}",
        ts in 1_000_000_000i64..2_000_000_000,
        which in 0usize..4,
        pos in any::<prop::sample::Index>(),
        flip in 1u8..=255,
    ) {
        let key = MerchantKey::from_pem(&fixture("merchant_key.pem")).expect("key");
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("rt");
        let verifier = self_verifier(ts);
        let ts_text = ts.to_string();
        let signature = signed(&key, &ts_text, &nonce, &body);
        let ok = runtime.block_on(verifier.verify(&headers(&ts_text, &nonce, &signature, MERCHANT_SERIAL), &body));
        prop_assert!(ok.is_ok(), "{:?}", ok);

        let (mut b, mut n, mut t, mut s) = (body.clone(), nonce.clone().into_bytes(), ts_text.clone().into_bytes(), STANDARD.decode(&signature).expect("b64"));
        let target: &mut Vec<u8> = match which { 0 => &mut b, 1 => &mut n, 2 => &mut t, _ => &mut s };
        if target.is_empty() {
            target.push(flip);
        } else {
            let i = pos.index(target.len());
            target[i] ^= flip;
        }
        // a changed header byte may make it an invalid header value: that is a refusal too
        let (Ok(nonce2), Ok(ts2)) = (String::from_utf8(n), String::from_utf8(t)) else { return Ok(()); };
        let sig2 = STANDARD.encode(&s);
        let mut h = HeaderMap::new();
        let mut valid = true;
        for (name, value) in [("Wechatpay-Timestamp", ts2.as_str()), ("Wechatpay-Nonce", nonce2.as_str()), ("Wechatpay-Signature", sig2.as_str()), ("Wechatpay-Serial", MERCHANT_SERIAL)] {
            match HeaderValue::from_str(value) {
                Ok(v) => { h.insert(name, v); }
                Err(_) => valid = false,
            }
        }
        if valid {
            let outcome = runtime.block_on(verifier.verify(&h, &b));
            prop_assert!(outcome.is_err(), "a changed byte ({which}) verified");
        }
    }
}

// ---- the signed GET of /v3/certificates over HTTP ------------------------

#[tokio::test]
async fn certificates_are_downloaded_with_a_signed_get() {
    use axum::http::HeaderMap as AxumHeaders;
    let v = vectors()["certificates_answer"].clone();
    let seen: Arc<std::sync::Mutex<Vec<(String, String)>>> = Arc::default();
    let answer = v.clone();
    let record = Arc::clone(&seen);
    let app = axum::Router::new().route(
        "/v3/certificates",
        axum::routing::get(move |uri: axum::http::Uri, h: AxumHeaders| {
            let answer = answer.clone();
            let record = Arc::clone(&record);
            async move {
                let auth = h
                    .get("authorization")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                record.lock().expect("lock").push((uri.to_string(), auth));
                let mut out = AxumHeaders::new();
                for (name, key) in [
                    ("Wechatpay-Timestamp", "timestamp"),
                    ("Wechatpay-Nonce", "nonce"),
                    ("Wechatpay-Signature", "signature"),
                    ("Wechatpay-Serial", "serial"),
                ] {
                    out.insert(
                        name,
                        answer[key].as_str().expect("v").parse().expect("header"),
                    );
                }
                (out, answer["body"].as_str().expect("body").to_owned())
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });

    let config = base()
        .base_url(format!("http://{addr}"))
        .platform_certificates()
        .build()
        .expect("config");
    let verifier = config
        .verifier_builder(WechatPay::http_client().expect("http"))
        .expect("builder")
        .clock(fixed(T))
        .build()
        .expect("v");
    let pay = WechatPay::with_verifier(config, verifier);
    assert_eq!(pay.verifier().refresh().await.expect("download"), 1);
    assert_eq!(pay.verifier().certificates()[0].serial(), PLATFORM_SERIAL);

    let (path, auth) = seen.lock().expect("lock")[0].clone();
    assert_eq!(path, "/v3/certificates");
    let fields = auth
        .strip_prefix("WECHATPAY2-SHA256-RSA2048 ")
        .expect("scheme");
    let get = |name: &str| {
        fields
            .split(',')
            .find_map(|kv| kv.strip_prefix(&format!("{name}=\"")))
            .map(|v| v.trim_end_matches('"').to_owned())
            .expect(name)
    };
    assert_eq!(get("mchid"), MCHID);
    assert_eq!(get("serial_no"), MERCHANT_SERIAL);
    assert_eq!(get("nonce_str").len(), 32);
    let message = format!(
        "GET\n/v3/certificates\n{}\n{}\n\n",
        get("timestamp"),
        get("nonce_str")
    );
    let merchant = PlatformCertificate::from_pem(&fixture("merchant_cert.pem")).expect("cert");
    assert!(
        merchant
            .public_key()
            .verify(message.as_bytes(), &get("signature"))
    );
}

// ---- the refresh schedule ------------------------------------------------

async fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while !done() {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn certificates_are_refreshed_on_schedule() {
    use std::sync::atomic::AtomicI64;
    let v = vectors();
    let calls = Arc::new(AtomicUsize::new(0));
    let now = Arc::new(AtomicI64::new(T));
    let clock_now = Arc::clone(&now);
    let cert = PlatformCertificate::from_pem(&fixture("platform_cert.pem")).expect("cert");
    let verifier = cert_verifier(FakeSource::new(&v["certificates_answer"], &calls), T)
        .clock(Arc::new(move || clock_now.load(Ordering::SeqCst)))
        .certificate(cert)
        .refresh_interval(Duration::from_secs(3600))
        .min_refresh_gap(Duration::ZERO)
        .build()
        .expect("v");
    let (nonce, body) = answer_parts();
    let h = headers(
        &T.to_string(),
        &nonce,
        text("answer_signature_platform.b64").trim(),
        PLATFORM_SERIAL,
    );
    // never downloaded: the first verification starts a download in the background
    verifier
        .verify(&h, &body)
        .await
        .expect("verifies with the given certificate");
    wait_for("the first refresh", || verifier.generation() >= 1).await;
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    // an hour later (the answer's own timestamp moves too), the next one
    now.store(T + 3600, Ordering::SeqCst);
    let later = (T + 3600).to_string();
    let h2 = headers(
        &later,
        &nonce,
        text("answer_signature_platform.b64").trim(),
        PLATFORM_SERIAL,
    );
    let _ = verifier.verify(&h2, &body).await; // the signature is over the old timestamp: refused
    wait_for("the scheduled refresh", || {
        calls.load(Ordering::SeqCst) >= 2
    })
    .await;

    let long = Verifier::builder(MCHID)
        .public_key(PUB_KEY_ID, pubkey())
        .refresh_interval(Duration::from_secs(13 * 3600))
        .build();
    assert!(matches!(long, Err(Error::Config(m)) if m.contains("12 h")));
}
