//! WeChat Pay notifications per second: verify (RSA-2048 SHA-256 with the
//! key of `Wechatpay-Serial`, window and probe checks) + decrypt
//! (AES-256-GCM `resource`) + parse (the envelope and the typed
//! transaction), `WechatPay::verify_and_decrypt` then `Notification::event`.
//!
//! `scripts/bench_pay_notify/run.py` runs it side by side with the Python
//! peer (`wechatpayv3`) on the same notification, passed in the file named
//! by `PAY_NOTIFY_INPUT` (signed now with the fixture WeChat Pay public
//! key's private half, encrypted with the fixture APIv3 key). Without it,
//! the fixture notification (platform certificate, its own timestamp) is
//! used. Prints the best of three 1 s rounds:
//!
//! `cargo bench -p wechat-api-benches --features pay --bench pay_notify`

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;
use wechat_api::pay::{PayConfig, PayEvent, PlatformCertificate, Verifier, WechatPay};

const T: i64 = 1_554_209_980;
const PUB_KEY_ID: &str = "PUB_KEY_ID_0114232134912410000000000000";

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

fn main() {
    let vectors: Value = serde_json::from_slice(&fixture("vectors.json")).expect("vectors");
    let apiv3 = vectors["apiv3_key"].as_str().expect("key").to_owned();
    let builder = PayConfig::builder()
        .mchid("1900000109")
        .merchant_serial("3775B6A45ACD588826D15E583A95F5DD5E63E2C0")
        .private_key_pem(fixture("merchant_key.pem"))
        .apiv3_key(apiv3);
    let mut headers = HeaderMap::new();
    let (pay, body, source) = match std::env::var("PAY_NOTIFY_INPUT") {
        Ok(path) => {
            let input: Value =
                serde_json::from_slice(&std::fs::read(&path).expect("PAY_NOTIFY_INPUT file"))
                    .expect("input JSON");
            for (name, value) in input["headers"].as_object().expect("headers") {
                headers.insert(
                    HeaderName::from_bytes(name.as_bytes()).expect("name"),
                    HeaderValue::from_str(value.as_str().expect("value")).expect("value"),
                );
            }
            let config = builder
                .public_key_pem(PUB_KEY_ID, fixture("pub_key.pem"))
                .build()
                .expect("config");
            let pay = WechatPay::new(config).expect("pay");
            let body = input["body"].as_str().expect("body").as_bytes().to_vec();
            (pay, body, "PAY_NOTIFY_INPUT, public key mode")
        }
        Err(_) => {
            let v = &vectors["notification"];
            for (name, key) in [
                ("Wechatpay-Timestamp", "timestamp"),
                ("Wechatpay-Nonce", "nonce"),
                ("Wechatpay-Signature", "signature"),
                ("Wechatpay-Serial", "serial"),
            ] {
                headers.insert(
                    name,
                    HeaderValue::from_str(v[key].as_str().expect("vector")).expect("value"),
                );
            }
            let config = builder
                .platform_certificate_pem(fixture("platform_cert.pem"))
                .build()
                .expect("config");
            let cert = PlatformCertificate::from_pem(&fixture("platform_cert.pem")).expect("cert");
            let verifier = Verifier::builder("1900000109")
                .certificate(cert)
                .clock(Arc::new(|| T))
                .build()
                .expect("verifier");
            let pay = WechatPay::with_verifier(config, verifier);
            let body = v["body"].as_str().expect("body").as_bytes().to_vec();
            (pay, body, "fixture notification, platform certificate")
        }
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let mut op = || {
        let notification = rt
            .block_on(pay.verify_and_decrypt(black_box(&headers), black_box(&body)))
            .expect("the notification verifies and decrypts");
        match notification.event().expect("typed") {
            PayEvent::Transaction(tx) => {
                black_box(tx.amount.total);
            }
            other => panic!("a transaction was expected, got {other:?}"),
        }
    };
    let mut best = 0f64;
    for _ in 0..3 {
        best = best.max(rate(&mut op));
    }
    println!("notify   wechat_api {best:>9.0}/s   ({source})");
}
