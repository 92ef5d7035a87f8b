//! WeChat Pay signing and verification per second, against the raw `ring`
//! primitives they are built on (the ratio is the crate's overhead).
//!
//! - sign: `RequestSigner::authorization_with` (signing string, RSA-2048
//!   PKCS#1 v1.5 SHA-256, base64, header) vs `RsaKeyPair::sign` alone over
//!   the same bytes;
//! - verify: `Verifier::verify` (headers, probe and window checks, key by
//!   serial, message, base64, RSA verify) vs `UnparsedPublicKey::verify`
//!   alone on the prepared message and signature bytes;
//! - notify: `WechatPay::verify_and_decrypt` + decoding the resource as JSON
//!   vs RSA verify + AES-256-GCM open + `serde_json` parse, prepared inputs.
//!
//! Run with `cargo bench -p wechat-api-benches --features pay --bench pay`; it
//! prints operations per second, each best of three alternating 1 s rounds.

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use reqwest::header::{HeaderMap, HeaderValue};
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
use ring::signature::{self, RsaKeyPair};
use rustls_pki_types::PrivateKeyDer;
use rustls_pki_types::pem::PemObject as _;
use serde_json::Value;
use wechat_api::pay::{PayConfig, PlatformCertificate, Verifier, WechatPay};

const T: i64 = 1_554_209_980;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../wechat-api/tests/fixtures/pay/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Runs `op` for about 1 s and returns operations per second.
fn rate(op: &mut impl FnMut()) -> f64 {
    for _ in 0..20 {
        op();
    }
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < Duration::from_secs(1) {
        for _ in 0..20 {
            op();
        }
        n += 20;
    }
    n as f64 / start.elapsed().as_secs_f64()
}

/// Measures `ours` and `raw` in three alternating rounds (the machine is
/// shared: alternating spreads the noise over both) and prints the best
/// rate of each and their ratio.
fn compare(name: &str, mut ours: impl FnMut(), mut raw: impl FnMut()) {
    let (mut best_ours, mut best_raw) = (0f64, 0f64);
    for _ in 0..3 {
        best_ours = best_ours.max(rate(&mut ours));
        best_raw = best_raw.max(rate(&mut raw));
    }
    println!(
        "{name:<8} wechat_api {best_ours:>9.0}/s   raw ring {best_raw:>9.0}/s   ratio {:.3}",
        best_ours / best_raw
    );
}

fn main() {
    let vectors: Value = serde_json::from_slice(&fixture("vectors.json")).expect("vectors");
    let apiv3 = vectors["apiv3_key"].as_str().expect("key").to_owned();
    let config = PayConfig::builder()
        .mchid("1900000109")
        .merchant_serial("3775B6A45ACD588826D15E583A95F5DD5E63E2C0")
        .private_key_pem(fixture("merchant_key.pem"))
        .apiv3_key(apiv3.clone())
        .platform_certificate_pem(fixture("platform_cert.pem"))
        .build()
        .expect("config");
    let cert = PlatformCertificate::from_pem(&fixture("platform_cert.pem")).expect("cert");
    let verifier = Verifier::builder("1900000109")
        .certificate(cert)
        .clock(Arc::new(|| T))
        .build()
        .expect("verifier");
    let pay = WechatPay::with_verifier(config, verifier.clone());
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");

    // ---- signing
    let body = r#"{"appid":"wxd678efh567hg6787","mchid":"1230000109","description":"Image形象店-深圳腾大-QQ公仔","out_trade_no":"1217752501201407033233368018","notify_url":"https://www.weixin.qq.com/wxpay/pay.php","amount":{"total":100,"currency":"CNY"},"payer":{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}}"#;
    let signer = pay.signer().clone();
    let ours = || {
        black_box(
            signer
                .authorization_with(
                    "POST",
                    "/v3/pay/transactions/jsapi",
                    black_box(body),
                    1_554_208_460,
                    "593BEC0C930BF1AFEB40B4A08C8FB242",
                )
                .expect("sign"),
        );
    };
    let der = PrivateKeyDer::from_pem_slice(&fixture("merchant_key.pem")).expect("pem");
    let PrivateKeyDer::Pkcs8(pkcs8) = der else {
        panic!("pkcs8 expected")
    };
    let pair = RsaKeyPair::from_pkcs8(pkcs8.secret_pkcs8_der()).expect("key");
    let rng = ring::rand::SystemRandom::new();
    let message = format!(
        "POST\n/v3/pay/transactions/jsapi\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n{body}\n"
    );
    let mut sig = vec![0; pair.public().modulus_len()];
    let raw = || {
        pair.sign(
            &signature::RSA_PKCS1_SHA256,
            &rng,
            black_box(message.as_bytes()),
            &mut sig,
        )
        .expect("sign");
        black_box(&sig);
    };
    compare("sign", ours, raw);

    // ---- verification of an answer
    let answer = String::from_utf8(fixture("answer_message.txt")).expect("utf-8");
    let mut lines = answer.splitn(3, '\n');
    let (ts, nonce, rest) = (
        lines.next().expect("ts"),
        lines.next().expect("nonce"),
        lines.next().expect("body"),
    );
    let answer_body = rest.trim_end_matches('\n').as_bytes().to_vec();
    let signature_b64 = String::from_utf8(fixture("answer_signature_platform.b64"))
        .expect("utf-8")
        .trim()
        .to_owned();
    let headers = headers(
        ts,
        nonce,
        &signature_b64,
        "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
    );
    let ours = || {
        rt.block_on(verifier.verify(&headers, &answer_body))
            .expect("verifies");
    };
    let platform_rsa = platform_rsa_public_key();
    let signature_bytes = STANDARD.decode(&signature_b64).expect("b64");
    let message = answer.as_bytes().to_vec();
    let raw = || {
        signature::UnparsedPublicKey::new(&signature::RSA_PKCS1_2048_8192_SHA256, &platform_rsa)
            .verify(black_box(&message), &signature_bytes)
            .expect("verify");
    };
    compare("verify", ours, raw);

    // ---- a notification: verify + decrypt + parse
    let n = &vectors["notification"];
    let n_body = n["body"].as_str().expect("body").as_bytes().to_vec();
    let n_headers = headers_of(n);
    let ours = || {
        let notification = rt
            .block_on(pay.verify_and_decrypt(&n_headers, &n_body))
            .expect("verifies");
        black_box(notification.resource::<Value>().expect("json"));
    };
    let n_message = format!(
        "{}\n{}\n{}\n",
        n["timestamp"].as_str().expect("ts"),
        n["nonce"].as_str().expect("nonce"),
        n["body"].as_str().expect("body")
    )
    .into_bytes();
    let n_signature = STANDARD
        .decode(n["signature"].as_str().expect("sig"))
        .expect("b64");
    let envelope: Value = serde_json::from_slice(&n_body).expect("json");
    let ciphertext = STANDARD
        .decode(envelope["resource"]["ciphertext"].as_str().expect("c"))
        .expect("b64");
    let gcm = LessSafeKey::new(UnboundKey::new(&AES_256_GCM, apiv3.as_bytes()).expect("key"));
    let raw = || {
        signature::UnparsedPublicKey::new(&signature::RSA_PKCS1_2048_8192_SHA256, &platform_rsa)
            .verify(black_box(&n_message), &n_signature)
            .expect("verify");
        let mut data = ciphertext.clone();
        let plain = gcm
            .open_in_place(
                Nonce::try_assume_unique_for_key(b"fdasflkja484").expect("nonce"),
                Aad::from(b"transaction"),
                &mut data,
            )
            .expect("open");
        black_box(serde_json::from_slice::<Value>(plain).expect("json"));
    };
    compare("notify", ours, raw);
}

fn headers(ts: &str, nonce: &str, signature: &str, serial: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (name, value) in [
        ("Wechatpay-Timestamp", ts),
        ("Wechatpay-Nonce", nonce),
        ("Wechatpay-Signature", signature),
        ("Wechatpay-Serial", serial),
    ] {
        h.insert(name, HeaderValue::from_str(value).expect("header"));
    }
    h
}

fn headers_of(v: &Value) -> HeaderMap {
    headers(
        v["timestamp"].as_str().expect("ts"),
        v["nonce"].as_str().expect("nonce"),
        v["signature"].as_str().expect("sig"),
        v["serial"].as_str().expect("serial"),
    )
}

/// The platform certificate's key as DER `RSAPublicKey`, for raw ring.
fn platform_rsa_public_key() -> Vec<u8> {
    use rustls_pki_types::CertificateDer;
    let der = CertificateDer::from_pem_slice(&fixture("platform_cert.pem")).expect("pem");
    let (_, cert) = x509_parser::parse_x509_certificate(der.as_ref()).expect("x509");
    cert.public_key().subject_public_key.data.to_vec()
}
