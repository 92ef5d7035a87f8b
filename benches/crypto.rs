//! Cost of handling an encrypted push, against the bare primitives.
//!
//! For a component_verify_ticket push (292-byte plaintext, 559-byte body)
//! and a ~16 KiB text message:
//!
//! - `baseline`: only base64-decode + AES-256-CBC-decrypt (precomputed key
//!   schedule) + SHA-1 over the same bytes, nothing else;
//! - `decrypt_push`: envelope parse + constant-time signature check +
//!   decrypt + padding / length / receive id checks, returning the plaintext;
//! - `full`: `decrypt_push` then parsing the typed event;
//! - `piece_*`: each step alone, to see where the time goes.
//!
//! Run with `cargo bench -p wechat-api-benches --bench crypto`.

use std::hint::black_box;

use aes::Aes256;
use aes::cipher::block_padding::NoPadding;
use aes::cipher::{BlockDecryptMut as _, InnerIvInit as _, KeyInit as _};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sha1::{Digest as _, Sha1};
use wechat_api::crypto::{Envelope, MsgCrypt, decode_encoding_aes_key};
use wechat_api::event::{ComponentEvent, Message};

const TOKEN: &str = "componenttoken";
const AES_KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const APPID: &str = "wx3c1a2b3c4d5e6f70";
const TIMESTAMP: &str = "1413192605";
const NONCE: &str = "1320562132";

struct Push {
    body: String,
    encrypt: String,
    signature: String,
    plaintext_len: usize,
}

fn push(crypt: &MsgCrypt, plaintext: &str) -> Push {
    let encrypt = crypt.encrypt(plaintext).expect("encrypts");
    let signature = crypt.sign(TIMESTAMP, NONCE, &encrypt);
    let body = format!(
        "<xml><AppId><![CDATA[{APPID}]]></AppId><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
    );
    Push {
        body,
        encrypt,
        signature,
        plaintext_len: plaintext.len(),
    }
}

/// base64-decode + AES-256-CBC-decrypt + SHA-1, nothing else. The SHA-1
/// input is the same as the signature's, its parts sorted in advance.
fn baseline(cipher: &Aes256, iv: &[u8; 16], encrypt: &str) -> (Vec<u8>, [u8; 20]) {
    let mut parts = [TOKEN, TIMESTAMP, NONCE, encrypt];
    // The order is fixed here: Encrypt text (base64 of our ciphertext)
    // sorts wherever it sorts, but the cost does not depend on the order.
    parts.sort_unstable();
    let mut hasher = Sha1::new();
    for part in parts {
        hasher.update(part.as_bytes());
    }
    let digest: [u8; 20] = hasher.finalize().into();
    let mut buf = STANDARD.decode(encrypt).expect("base64");
    cbc::Decryptor::<&Aes256>::inner_iv_init(cipher, iv.into())
        .decrypt_padded_mut::<NoPadding>(&mut buf)
        .expect("aligned");
    (buf, digest)
}

fn bench(c: &mut Criterion) {
    let crypt = MsgCrypt::new(TOKEN, AES_KEY, APPID).expect("valid config");
    let key = decode_encoding_aes_key(AES_KEY).expect("valid key");
    let cipher = Aes256::new(&key.into());
    let iv: [u8; 16] = key[..16].try_into().expect("16 bytes");

    let ticket = format!(
        "<xml><AppId><![CDATA[{APPID}]]></AppId><CreateTime>1413192605</CreateTime>\
         <InfoType><![CDATA[component_verify_ticket]]></InfoType>\
         <ComponentVerifyTicket><![CDATA[ticket@@@{}]]></ComponentVerifyTicket></xml>",
        "Bt4AkD7bSk5Sf8mX_YzJr4Mz8EhXo0dQ6Vc-pWnN2lq0pQz1ZkUv3xW8yH5tR2mN7bC4dF6gJ9kL0"
    );
    // 25 bytes a repetition (mixed CJK and ASCII): the plaintext is ~16 KiB.
    let content = "微信 WeChat 0123456789 ".repeat((16 * 1024 - 256) / 25);
    let text = format!(
        "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>\
         <FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>\
         <CreateTime>1409735668</CreateTime><MsgType><![CDATA[text]]></MsgType>\
         <Content><![CDATA[{content}]]></Content><MsgId>6054768590064713728</MsgId></xml>"
    );

    let small = push(&crypt, &ticket);
    let large = push(&crypt, &text);

    // Sanity: every path agrees before anything is measured.
    for p in [&small, &large] {
        let plain = crypt
            .decrypt_push(&p.signature, TIMESTAMP, NONCE, &p.body)
            .expect("decrypts");
        assert_eq!(plain.len(), p.plaintext_len);
        assert_eq!(Envelope::parse(&p.body).expect("parses").encrypt, p.encrypt);
        let (raw, digest) = baseline(&cipher, &iv, &p.encrypt);
        assert!(raw.len() > plain.len());
        assert_eq!(hex::encode(digest), p.signature);
    }

    for (name, p, typed) in [
        ("component_verify_ticket", &small, true),
        ("text_16KiB", &large, false),
    ] {
        let mut group = c.benchmark_group(name);
        group.throughput(Throughput::Bytes(p.body.len() as u64));
        group.bench_function("baseline", |b| {
            b.iter(|| baseline(&cipher, &iv, black_box(&p.encrypt)));
        });
        group.bench_function("decrypt_push", |b| {
            b.iter(|| {
                crypt
                    .decrypt_push(
                        black_box(&p.signature),
                        TIMESTAMP,
                        NONCE,
                        black_box(&p.body),
                    )
                    .expect("decrypts")
            });
        });
        // The pieces, to see where the time goes.
        group.bench_function("piece_envelope_parse", |b| {
            b.iter(|| Envelope::parse(black_box(&p.body)).expect("parses"));
        });
        group.bench_function("piece_verify_signature", |b| {
            b.iter(|| {
                crypt
                    .verify_signature(
                        black_box(&p.signature),
                        TIMESTAMP,
                        NONCE,
                        black_box(&p.encrypt),
                    )
                    .expect("verifies")
            });
        });
        group.bench_function("piece_decrypt", |b| {
            b.iter(|| crypt.decrypt(black_box(&p.encrypt)).expect("decrypts"));
        });
        let plain = crypt.decrypt(&p.encrypt).expect("decrypts");
        group.bench_function("piece_parse_event", |b| {
            b.iter(|| {
                if typed {
                    ComponentEvent::from_xml(black_box(&plain)).map(|_| ())
                } else {
                    Message::from_xml(black_box(&plain)).map(|_| ())
                }
                .expect("parses")
            });
        });
        group.bench_function("full", |b| {
            b.iter(|| {
                let plain = crypt
                    .decrypt_push(
                        black_box(&p.signature),
                        TIMESTAMP,
                        NONCE,
                        black_box(&p.body),
                    )
                    .expect("decrypts");
                if typed {
                    let event = ComponentEvent::from_xml(&plain).expect("parses");
                    assert!(matches!(event, ComponentEvent::VerifyTicket(_)));
                } else {
                    let message = Message::from_xml(&plain).expect("parses");
                    assert!(matches!(message, Message::Text(_)));
                }
            });
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
