//! WeChat Pay notifications and certificates on hostile input
//! (feature `pay`): `verify_and_decrypt` as sent (headers and body of the
//! fuzzer's choosing, the timestamp near the clock so that the window check
//! passes and the key lookup and RSA check run), the envelope parser and the
//! AES-256-GCM resource decryption behind it, a real resource encrypted
//! then decrypted (it must come back unchanged), the typed resources
//! (transaction, refund), the notify handler's answer (always a FAIL
//! without the handler running, never quoting the input), and X.509
//! parsing. No panic; every error short and printable.
#![no_main]

use std::sync::{Arc, OnceLock};

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use reqwest::header::{HeaderMap, HeaderValue};
use wechat_api::pay::{
    ApiV3Key, EncryptedResource, NotificationEnvelope, PayConfig, NotifyOutcome, PayNotifyHandler,
    PlatformCertificate, Refund, Transaction, Verifier, WechatPay,
};
use wechat_api::token::MemoryStore;
use wechat_api_fuzz::assert_clean;

const T: i64 = 1_554_209_980;
const PLATFORM_SERIAL: &str = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1";
const PUB_KEY_ID: &str = "PUB_KEY_ID_0114232134912410000000000000";
const APIV3: &str = "a7cde1ZbTQ5PlxL9RkJ1mG3o2vWq8nHt";

#[derive(Arbitrary, Debug)]
enum Serial {
    Platform,
    PublicKey,
    Other(String),
}

#[derive(Arbitrary, Debug)]
enum Shape {
    AsSent {
        offset: i16,
        nonce: String,
        signature: String,
        serial: Serial,
    },
    Envelope,
    Resource {
        nonce: String,
        associated_data: String,
        ciphertext: String,
    },
    Encrypted {
        nonce: [u8; 12],
        associated_data: String,
    },
    Certificate,
    Typed,
}

#[derive(Arbitrary, Debug)]
struct Input {
    shape: Shape,
    body: Vec<u8>,
}

struct World {
    pay: WechatPay,
    handler: PayNotifyHandler,
    runtime: tokio::runtime::Runtime,
    key: ApiV3Key,
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/../wechat-api/tests/fixtures/pay/");
        let read = |name: &str| std::fs::read(format!("{fixtures}{name}")).expect("fixture");
        let config = PayConfig::builder()
            .mchid("1900000109")
            .merchant_serial("3775B6A45ACD588826D15E583A95F5DD5E63E2C0")
            .private_key_pem(read("merchant_key.pem"))
            .apiv3_key(APIV3)
            .platform_certificate_pem(read("platform_cert.pem"))
            .public_key_pem(PUB_KEY_ID, read("pub_key.pem"))
            .build()
            .expect("config");
        let (id, public) = config.public_key().expect("public key");
        let verifier = Verifier::builder("1900000109")
            .certificate(config.certificates()[0].clone())
            .public_key(id, public.clone())
            .clock(Arc::new(|| T))
            .build()
            .expect("verifier");
        let pay = WechatPay::with_verifier(config, verifier);
        let handler = PayNotifyHandler::new(pay.clone(), Arc::new(MemoryStore::new()))
            .on_transaction(|_| async { Err("reached".into()) })
            .on_refund(|_| async { Err("reached".into()) });
        World {
            handler,
            pay,
            runtime: tokio::runtime::Builder::new_current_thread()
                .build()
                .expect("runtime"),
            key: ApiV3Key::new(APIV3.as_bytes()).expect("key"),
        }
    })
}

fn check<T>(result: wechat_api::Result<T>) {
    if let Err(error) = result {
        assert_clean(&error);
    }
}

fuzz_target!(|input: Input| {
    let world = world();
    let Input { shape, body } = input;
    match shape {
        Shape::AsSent {
            offset,
            nonce,
            signature,
            serial,
        } => {
            let serial = match serial {
                Serial::Platform => PLATFORM_SERIAL.to_owned(),
                Serial::PublicKey => PUB_KEY_ID.to_owned(),
                Serial::Other(other) => other,
            };
            let timestamp = (T + i64::from(offset) / 64).to_string();
            let mut headers = HeaderMap::new();
            for (name, value) in [
                ("Wechatpay-Timestamp", timestamp.as_str()),
                ("Wechatpay-Nonce", nonce.as_str()),
                ("Wechatpay-Signature", signature.as_str()),
                ("Wechatpay-Serial", serial.as_str()),
            ] {
                if let Ok(value) = HeaderValue::from_str(value) {
                    headers.insert(name, value);
                }
            }
            let outcome = world
                .runtime
                .block_on(world.pay.verify_and_decrypt(&headers, &body));
            // the signatures are the fuzzer's: nothing may verify
            assert!(outcome.is_err(), "a forged notification verified");
            check(outcome);
            let answer = world.runtime.block_on(world.handler.handle(&headers, &body));
            assert!(
                matches!(
                    answer.outcome,
                    NotifyOutcome::Unverified | NotifyOutcome::Malformed
                ),
                "a forged notification was not refused: {answer:?}"
            );
            assert!((400..500).contains(&answer.status));
            let fail: serde_json::Value =
                serde_json::from_str(&answer.body).expect("the FAIL body is JSON");
            assert_eq!(fail["code"], "FAIL");
            let message = fail["message"].as_str().expect("a message");
            assert!(message.is_ascii() && message.len() < 80, "the message quotes nothing");
        }
        Shape::Envelope => {
            if let Ok(envelope) = serde_json::from_slice::<NotificationEnvelope>(&body) {
                check(world.pay.decrypt_resource(&envelope.resource));
            }
        }
        Shape::Resource {
            nonce,
            associated_data,
            ciphertext,
        } => {
            let resource = EncryptedResource {
                algorithm: "AEAD_AES_256_GCM".to_owned(),
                ciphertext,
                nonce,
                associated_data,
                original_type: "transaction".to_owned(),
            };
            check(world.pay.decrypt_resource(&resource));
        }
        Shape::Encrypted {
            nonce,
            associated_data,
        } => {
            let nonce: String = nonce.iter().map(|b| char::from(b'a' + b % 26)).collect();
            let ciphertext = world
                .key
                .encrypt(&nonce, &associated_data, &body)
                .expect("a 12-byte nonce encrypts");
            let resource = EncryptedResource {
                algorithm: "AEAD_AES_256_GCM".to_owned(),
                ciphertext,
                nonce,
                associated_data,
                original_type: String::new(),
            };
            let plain = world.pay.decrypt_resource(&resource).expect("round trip");
            assert_eq!(plain, body);
        }
        Shape::Typed => {
            // personal data never shows in Debug, whatever parses
            if let Ok(tx) = serde_json::from_slice::<Transaction>(&body) {
                let _ = format!("{tx:?}");
                if let Some(payer) = &tx.payer
                    && payer.openid.len() > 40
                {
                    assert!(!format!("{payer:?}").contains(&payer.openid));
                }
            }
            if let Ok(refund) = serde_json::from_slice::<Refund>(&body) {
                let _ = format!("{refund:?}");
            }
        }
        Shape::Certificate => {
            check(PlatformCertificate::from_der(&body));
            check(PlatformCertificate::from_pem(&body));
        }
    }
});
