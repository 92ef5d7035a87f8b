//! The account's message URL against pushes nobody here encrypted:
//!
//! - Tencent's own WXBizMsgCrypt sample (a compatible-mode text push to the
//!   sample account `wx2c2769f8efd9abc2`, its `msg_signature` and plain
//!   `signature`), sent as WeChat sends it;
//! - `tests/vectors/account_pushes.json`, written by
//!   `tests/vectors/account_pushes.py` from the documented algorithm with
//!   Python's `hashlib` and `cryptography`: the URL check, plain, compatible
//!   and safe pushes, a mini program's JSON pushes and customer-service
//!   messages.
//!
//! The replies are opened here with the `aes`, `cbc`, `sha1` and `base64`
//! crates, following the documentation, not with the library's crypto.

use std::path::PathBuf;
use std::time::Duration;

use aes::Aes256;
use aes::cipher::block_padding::NoPadding;
use aes::cipher::{BlockDecryptMut as _, KeyIvInit as _};
use base64::Engine as _;
use base64::alphabet;
use base64::engine::general_purpose::STANDARD;
use base64::engine::{GeneralPurpose, GeneralPurposeConfig};
use serde_json::Value;
use sha1::{Digest as _, Sha1};
use wechat_api::callback::{CallbackRequest, CallbackResponse, MessageCallback, Reply, Router};
use wechat_api::event::Message;
use wechat_api::{Client, Config};
use wechat_api_test_support::callback::{leaf, now};

/// Tencent's sample (see tests/it/crypto/msg_crypt.rs, where it was checked
/// with Python's hashlib and `cryptography`).
const SAMPLE_TOKEN: &str = "spamtest";
const SAMPLE_KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const SAMPLE_APPID: &str = "wx2c2769f8efd9abc2";
const SAMPLE_QUERY: &str = "signature=16120ec1b8dbb870f510d87ce6bc2463eae6ca1a&timestamp=1409735669&nonce=1320562132&openid=oyORnuP8q7ou2gfYjqLzSIWZf0rs&encrypt_type=aes&msg_signature=5d197aaffba7e9b25a30732f161a50dee96bd5fa";
const SAMPLE_BODY: &str = "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName><CreateTime>1409735668</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[abcdteT]]></Content><MsgId>6054768590064713728</MsgId><Encrypt><![CDATA[hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=]]></Encrypt></xml>";

/// The vectors' replay window: their 2014 timestamps, plus a day.
fn window_since_2014() -> Duration {
    let age = u64::try_from(now() - 1_409_304_348).expect("after 2014");
    Duration::from_secs(age + 86_400)
}

/// An account callback with `token`, `key` and `appid` whose handler answers
/// `type|event|content`.
fn callback(token: &str, key: &str, appid: &str) -> MessageCallback {
    let config = Config::builder()
        .appid(appid)
        .token(token)
        .encoding_aes_key(key)
        .build()
        .expect("config");
    let router = Router::new().fallback(|message: Message, _client| async move {
        Ok(Some(Reply::text(format!(
            "{}|{}|{}",
            message.msg_type(),
            message.event().unwrap_or("-"),
            message.content().unwrap_or("-"),
        ))))
    });
    MessageCallback::account(Client::new(config).expect("client"), router)
        .expect("account")
        .replay_window(window_since_2014())
        .expect("window")
}

fn sha1_hex(parts: &[&str]) -> String {
    let mut parts = parts.to_vec();
    parts.sort_unstable();
    hex_of(&Sha1::digest(parts.concat().as_bytes()))
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Opens an encrypted reply as the documentation says: the signature over
/// the sorted (token, TimeStamp, Nonce, Encrypt), then AES-256-CBC with IV
/// = key[..16], the 32-byte PKCS#7 padding, `random(16) ‖ len ‖ msg ‖
/// appid`.
fn open(
    token: &str,
    key: &str,
    appid: &str,
    encrypt: &str,
    signature: &str,
    timestamp: &str,
    nonce: &str,
) -> String {
    assert_eq!(
        sha1_hex(&[token, timestamp, nonce, encrypt]),
        signature,
        "the reply's MsgSignature"
    );
    // WeChat's keys end in bits that canonical base64 would have zero.
    let lenient = GeneralPurpose::new(
        &alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true),
    );
    let key = lenient
        .decode(format!("{key}="))
        .expect("the EncodingAESKey is base64");
    let mut buf = STANDARD.decode(encrypt).expect("Encrypt is base64");
    let iv: [u8; 16] = key[..16].try_into().expect("16 bytes");
    let key: [u8; 32] = key[..].try_into().expect("32 bytes");
    let plain = cbc::Decryptor::<Aes256>::new(&key.into(), &iv.into())
        .decrypt_padded_mut::<NoPadding>(&mut buf)
        .expect("whole blocks");
    let pad = usize::from(*plain.last().expect("not empty"));
    assert!((1..=32).contains(&pad), "padding {pad}");
    let plain = &plain[..plain.len() - pad];
    let len = u32::from_be_bytes(plain[16..20].try_into().expect("4 bytes")) as usize;
    let (message, receive_id) = plain[20..].split_at(len);
    assert_eq!(
        receive_id,
        appid.as_bytes(),
        "the receive id is the account's appid"
    );
    String::from_utf8(message.to_vec()).expect("UTF-8")
}

/// The plaintext of a reply: opened when it is an envelope (XML or JSON).
fn reply_of(token: &str, key: &str, appid: &str, response: &CallbackResponse) -> (bool, String) {
    assert_eq!(response.status, 200, "{response:?}");
    let body = response.body.trim();
    if body.starts_with('{') {
        let envelope: Value = serde_json::from_str(body).expect("JSON");
        let Some(encrypt) = envelope["Encrypt"].as_str() else {
            return (false, body.to_owned());
        };
        let field = |name: &str| envelope[name].as_str().expect(name).to_owned();
        let plain = open(
            token,
            key,
            appid,
            encrypt,
            &field("MsgSignature"),
            &field("TimeStamp"),
            &field("Nonce"),
        );
        return (true, plain);
    }
    match leaf(body, "Encrypt") {
        Some(encrypt) => {
            let field = |name: &str| leaf(body, name).unwrap_or_else(|| panic!("{name}"));
            let plain = open(
                token,
                key,
                appid,
                &encrypt,
                &field("MsgSignature"),
                &field("TimeStamp"),
                &field("Nonce"),
            );
            (true, plain)
        }
        None => (false, body.to_owned()),
    }
}

/// A field of a reply document, XML or JSON.
fn reply_field(document: &str, name: &str) -> Option<String> {
    if document.trim_start().starts_with('{') {
        let value: Value = serde_json::from_str(document).expect("JSON");
        return value[name].as_str().map(str::to_owned);
    }
    leaf(document, name)
}

#[tokio::test]
async fn tencents_own_sample_push_is_answered_with_an_encrypted_reply() {
    let callback = callback(SAMPLE_TOKEN, SAMPLE_KEY, SAMPLE_APPID);
    let response = callback
        .handle_account(CallbackRequest::post(SAMPLE_QUERY, SAMPLE_BODY))
        .await;
    let (encrypted, reply) = reply_of(SAMPLE_TOKEN, SAMPLE_KEY, SAMPLE_APPID, &response);
    assert!(
        encrypted,
        "compatible mode answers as the request came: encrypted"
    );
    assert_eq!(leaf(&reply, "Content").as_deref(), Some("text|-|abcdteT"));
    assert_eq!(
        leaf(&reply, "ToUserName").as_deref(),
        Some("oyORnuP8q7ou2gfYjqLzSIWZf0rs")
    );
    assert_eq!(
        leaf(&reply, "FromUserName").as_deref(),
        Some("gh_10f6c3c3ac5a")
    );
    // WeChat's retry of it: answered without running the handler again.
    let retry = callback
        .handle_account(CallbackRequest::post(SAMPLE_QUERY, SAMPLE_BODY))
        .await;
    assert_eq!(retry.body, "success");
    // With the default window, the 2014 sample is a replay: 403.
    let strict = MessageCallback::account(
        Client::new(
            Config::builder()
                .appid(SAMPLE_APPID)
                .token(SAMPLE_TOKEN)
                .encoding_aes_key(SAMPLE_KEY)
                .build()
                .expect("config"),
        )
        .expect("client"),
        Router::new(),
    )
    .expect("account");
    let old = strict
        .handle_account(CallbackRequest::post(SAMPLE_QUERY, SAMPLE_BODY))
        .await;
    assert_eq!(old.status, 403);
}

#[tokio::test]
async fn pushes_built_by_the_python_emulation_are_answered_in_every_mode() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("vectors/account_pushes.json");
    let text = std::fs::read_to_string(&path).expect("run tests/vectors/account_pushes.py");
    let vectors: Value = serde_json::from_str(&text).expect("JSON");
    let s = |v: &Value, k: &str| v[k].as_str().unwrap_or_else(|| panic!("{k}")).to_owned();
    let (token, key, appid) = (
        s(&vectors, "token"),
        s(&vectors, "encoding_aes_key"),
        s(&vectors, "appid"),
    );
    let callback = callback(&token, &key, &appid);
    let cases = vectors["cases"].as_array().expect("cases");
    assert!(cases.len() >= 10);
    for case in cases {
        let name = s(case, "name");
        let request = CallbackRequest::new(&s(case, "method"), s(case, "query"), s(case, "body"));
        let response = callback.handle_account(request).await;
        if let Some(answer) = case["answer"].as_str() {
            assert_eq!(
                (response.status, response.body.as_str()),
                (200, answer),
                "{name}"
            );
            continue;
        }
        let (encrypted, reply) = reply_of(&token, &key, &appid, &response);
        assert_eq!(
            encrypted,
            case["encrypted"].as_bool().expect("encrypted"),
            "{name}"
        );
        let json = case["json"].as_bool().unwrap_or(false);
        assert_eq!(
            reply.trim_start().starts_with('{'),
            json,
            "{name}: the reply's format"
        );
        let expected = format!(
            "{}|{}|{}",
            s(case, "msg_type"),
            case["event"].as_str().unwrap_or("-"),
            case["content"].as_str().unwrap_or("-"),
        );
        assert_eq!(reply_field(&reply, "Content"), Some(expected), "{name}");
        assert_eq!(
            reply_field(&reply, "ToUserName"),
            Some(s(&vectors, "openid")),
            "{name}"
        );
        assert_eq!(
            reply_field(&reply, "FromUserName"),
            Some(s(&vectors, "original_id")),
            "{name}"
        );
        assert_eq!(
            response.content_type.starts_with("application/json"),
            json,
            "{name}: {}",
            response.content_type
        );
    }
    // Every vector again: each is a repeat now, answered `success`.
    for case in cases.iter().filter(|c| c["method"] == "POST") {
        let request = CallbackRequest::new("POST", s(case, "query"), s(case, "body"));
        let response = callback.handle_account(request).await;
        assert_eq!(response.body, "success", "{}", s(case, "name"));
    }
}
