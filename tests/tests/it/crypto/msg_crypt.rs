//! Message security (WXBizMsgCrypt): known answers from Tencent's official
//! sample, negative tests for every error class, and property tests.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aes::Aes256;
use aes::cipher::block_padding::NoPadding;
use aes::cipher::{BlockEncryptMut as _, KeyIvInit as _};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use proptest::prelude::*;
use wechat_api::Error;
use wechat_api::crypto::{
    Envelope, MsgCrypt, decode_encoding_aes_key, msg_signature, plain_signature, sha1_signature,
    verify_msg_signature, verify_plain_signature, verify_url_plain,
};
use wechat_api::event::Message;

// ---- Tencent's official WXBizMsgCrypt sample ---------------------------
// These values are those of the sample shipped with Tencent's WXBizMsgCrypt
// code (its Python `Sample.py` and the ports derived from it) and reused by
// the test suites of several WeChat SDKs. They were checked independently
// (Python hashlib and `cryptography`) before being used here: the SHA-1 of
// the sorted (token, timestamp, nonce, Encrypt) is MSG_SIGNATURE, and AES
// decryption gives SAMPLE_PLAINTEXT followed by the AppId. PLAIN_SIGNATURE,
// the plain-mode signature over (token, timestamp, nonce), comes from an
// SDK's URL-verification test built on the same sample, checked likewise.

const TOKEN: &str = "spamtest";
const AES_KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const APPID: &str = "wx2c2769f8efd9abc2";
const TIMESTAMP: &str = "1409735669";
const NONCE: &str = "1320562132";
const MSG_SIGNATURE: &str = "5d197aaffba7e9b25a30732f161a50dee96bd5fa";
/// The plain-mode signature over (token, timestamp, nonce) of the sample.
const PLAIN_SIGNATURE: &str = "16120ec1b8dbb870f510d87ce6bc2463eae6ca1a";
const ENCRYPT: &str = "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=";
/// The sample's POST body: the plaintext fields repeated next to Encrypt.
const SAMPLE_BODY: &str = "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName><CreateTime>1409735668</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[abcdteT]]></Content><MsgId>6054768590064713728</MsgId><Encrypt><![CDATA[hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=]]></Encrypt></xml>";
/// What the sample's Encrypt decrypts to (WeChat separates fields with `\n`).
const SAMPLE_PLAINTEXT: &str = "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>\n<FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>\n<CreateTime>1409735668</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[abcdteT]]></Content>\n<MsgId>6054768590064713728</MsgId>\n</xml>";
/// The 16-byte random prefix inside the sample's plaintext.
const SAMPLE_RANDOM: &[u8; 16] = b"89465c840c5f116f";

fn sample() -> MsgCrypt {
    MsgCrypt::new(TOKEN, AES_KEY, APPID).expect("the sample configuration is valid")
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .expect("clock after 1970")
}

/// AES-256-CBC with WeChat's key and IV over an already padded plaintext,
/// written independently of the library to craft malformed payloads.
fn raw_encrypt(plaintext: &[u8]) -> String {
    let key = decode_encoding_aes_key(AES_KEY).expect("sample key");
    let iv: [u8; 16] = key[..16].try_into().expect("16 bytes");
    let mut buf = plaintext.to_vec();
    let len = buf.len();
    let ciphertext = cbc::Encryptor::<Aes256>::new(&key.into(), &iv.into())
        .encrypt_padded_mut::<NoPadding>(&mut buf, len)
        .expect("plaintext is a multiple of 16 bytes");
    STANDARD.encode(ciphertext)
}

/// `random(16) ‖ len ‖ message ‖ receive_id`, padded the WeChat way (to 32).
fn wechat_plaintext(length_field: u32, message: &[u8], receive_id: &[u8]) -> Vec<u8> {
    let mut buf = b"0123456789abcdef".to_vec();
    buf.extend_from_slice(&length_field.to_be_bytes());
    buf.extend_from_slice(message);
    buf.extend_from_slice(receive_id);
    let pad = 32 - buf.len() % 32;
    buf.resize(buf.len() + pad, pad as u8);
    buf
}

// ---- known answers -------------------------------------------------------

#[test]
fn sample_msg_signature_matches() {
    assert_eq!(
        msg_signature(TOKEN, TIMESTAMP, NONCE, ENCRYPT),
        MSG_SIGNATURE
    );
    assert_eq!(
        sha1_signature(&[ENCRYPT, NONCE, TOKEN, TIMESTAMP]),
        MSG_SIGNATURE
    );
    assert_eq!(sample().sign(TIMESTAMP, NONCE, ENCRYPT), MSG_SIGNATURE);
    verify_msg_signature(TOKEN, MSG_SIGNATURE, TIMESTAMP, NONCE, ENCRYPT)
        .expect("the sample signature verifies");
    // WeChat sends lower-case hex; anything else is a different signature.
    assert!(matches!(
        verify_msg_signature(
            TOKEN,
            &MSG_SIGNATURE.to_uppercase(),
            TIMESTAMP,
            NONCE,
            ENCRYPT
        ),
        Err(Error::InvalidSignature)
    ));
}

#[test]
fn sample_plain_signature_matches() {
    assert_eq!(plain_signature(TOKEN, TIMESTAMP, NONCE), PLAIN_SIGNATURE);
    verify_plain_signature(TOKEN, PLAIN_SIGNATURE, TIMESTAMP, NONCE).expect("verifies");
}

#[test]
fn sample_push_decrypts_to_the_text_message() {
    let plaintext = sample()
        .decrypt_push(MSG_SIGNATURE, TIMESTAMP, NONCE, SAMPLE_BODY)
        .expect("the official sample decrypts");
    assert_eq!(plaintext, SAMPLE_PLAINTEXT);
    let Message::Text(text) = Message::from_xml(&plaintext).expect("parses") else {
        panic!("the sample is a text message");
    };
    assert_eq!(text.content, "abcdteT");
    assert_eq!(text.msg_id, 6054768590064713728);
    assert_eq!(text.header.to_user_name, "gh_10f6c3c3ac5a");
    assert_eq!(text.header.from_user_name, "oyORnuP8q7ou2gfYjqLzSIWZf0rs");
    assert_eq!(text.header.create_time, 1409735668);
}

#[test]
fn sample_encryption_is_reproduced_with_the_same_random_prefix() {
    let encrypt = sample()
        .encrypt_with_random(SAMPLE_PLAINTEXT, SAMPLE_RANDOM)
        .expect("encrypts");
    assert_eq!(encrypt, ENCRYPT);
}

#[test]
fn sample_key_needs_lenient_trailing_bits() {
    // The last character `G` leaves non-zero bits after the 32 bytes: a
    // strict decoder rejects Tencent's own sample key.
    assert!(STANDARD.decode(format!("{AES_KEY}=")).is_err());
    let key = decode_encoding_aes_key(AES_KEY).expect("lenient decoding works");
    assert_eq!(&key[..6], b"i\xb7\x1dy\xf8!");
}

#[test]
fn url_verification_in_both_modes() {
    let crypt = sample();
    assert_eq!(
        verify_url_plain(TOKEN, PLAIN_SIGNATURE, TIMESTAMP, NONCE, "shr5ch").expect("valid"),
        "shr5ch"
    );
    assert_eq!(
        crypt
            .verify_url_plain(PLAIN_SIGNATURE, TIMESTAMP, NONCE, "shr5ch")
            .expect("valid"),
        "shr5ch"
    );
    assert!(matches!(
        verify_url_plain(TOKEN, PLAIN_SIGNATURE, TIMESTAMP, "1", "shr5ch"),
        Err(Error::InvalidSignature)
    ));
    // Encrypted mode: the echostr is an Encrypt text, signed with msg_signature.
    assert_eq!(
        crypt
            .verify_url(MSG_SIGNATURE, TIMESTAMP, NONCE, ENCRYPT)
            .expect("valid"),
        SAMPLE_PLAINTEXT
    );
    let echo = crypt.encrypt("1616140317555161061").expect("encrypts");
    let signature = crypt.sign("1700000000", "nonce", &echo);
    assert_eq!(
        crypt
            .verify_url(&signature, "1700000000", "nonce", &echo)
            .expect("valid"),
        "1616140317555161061"
    );
    assert!(matches!(
        crypt.verify_url(&signature, "1700000001", "nonce", &echo),
        Err(Error::InvalidSignature)
    ));
}

#[test]
fn reply_envelope_round_trip() {
    let crypt = sample();
    let reply = "<xml><Content><![CDATA[你好, world]]></Content></xml>";
    let envelope_xml = crypt
        .encrypt_reply(reply, TIMESTAMP, "a<&>nonce")
        .expect("encrypts");
    assert!(envelope_xml.starts_with("<xml><Encrypt><![CDATA["));
    let envelope = Envelope::parse(&envelope_xml).expect("parses");
    assert_eq!(envelope.timestamp.as_deref(), Some(TIMESTAMP));
    assert_eq!(envelope.nonce.as_deref(), Some("a<&>nonce"));
    let signature = envelope.msg_signature.as_deref().expect("signed");
    assert_eq!(
        signature,
        msg_signature(TOKEN, TIMESTAMP, "a<&>nonce", &envelope.encrypt)
    );
    assert_eq!(
        crypt
            .decrypt_push(signature, TIMESTAMP, "a<&>nonce", &envelope_xml)
            .expect("decrypts"),
        reply
    );
    // Two encryptions of the same reply differ (random prefix).
    assert_ne!(
        crypt.encrypt(reply).expect("encrypts"),
        crypt.encrypt(reply).expect("encrypts")
    );
}

#[test]
fn component_envelope_with_app_id_and_plain_text() {
    let crypt = MsgCrypt::new(TOKEN, AES_KEY, "wxcomponent0001").expect("valid");
    let encrypt = crypt
        .encrypt("<xml><InfoType>unauthorized</InfoType></xml>")
        .expect("ok");
    let body = format!(
        "<xml>\n  <AppId>wxcomponent0001</AppId>\n  <Encrypt>\n    {encrypt}\n  </Encrypt>\n</xml>"
    );
    let envelope = Envelope::parse(&body).expect("parses");
    assert_eq!(envelope.app_id.as_deref(), Some("wxcomponent0001"));
    assert_eq!(envelope.receiver(), Some("wxcomponent0001"));
    assert_eq!(envelope.encrypt, encrypt);
    let signature = crypt.sign("1", "2", &encrypt);
    assert_eq!(
        crypt.decrypt_push(&signature, "1", "2", &body).expect("ok"),
        "<xml><InfoType>unauthorized</InfoType></xml>"
    );
}

// ---- configuration ----------------------------------------------------------

#[test]
fn bad_configuration_is_a_config_error() {
    for key in [
        "",
        "abcdefghijklmnopqrstuvwxyz0123456789ABCDEF", // 42
        "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH", // 44
        "abcdefghijklmnopqrstuvwxyz0123456789ABCDEF-", // URL-safe alphabet
        "abcdefghijklmnopqrstuvwxyz0123456789ABCDE!G",
        "abcdefghijklmnopqrstuvwxyz0123456789ABCDEF=",
        "abcdefghijklmnopqrstuvwxyz0123456789ABCDEé", // 43 chars, 44 bytes
    ] {
        let err = MsgCrypt::new(TOKEN, key, APPID).expect_err(key);
        assert!(matches!(err, Error::Config(_)), "{key:?}: {err:?}");
        if !key.is_empty() {
            assert!(!err.to_string().contains(key), "the error repeats the key");
        }
    }
    assert!(matches!(
        MsgCrypt::new("", AES_KEY, APPID),
        Err(Error::Config(_))
    ));
}

#[test]
fn debug_never_shows_token_or_key() {
    let builder = MsgCrypt::builder("my-secret-token", AES_KEY, APPID)
        .max_timestamp_age(Duration::from_secs(60));
    let builder_debug = format!("{builder:?}");
    let crypt = builder.build().expect("valid");
    let crypt_debug = format!("{crypt:?}");
    for debug in [builder_debug, crypt_debug] {
        assert!(!debug.contains("my-secret-token"), "{debug}");
        assert!(!debug.contains("abcdefghijklmnop"), "{debug}");
        assert!(debug.contains(APPID), "{debug}");
    }
}

// ---- each error class ------------------------------------------------------

#[test]
fn invalid_signature() {
    let crypt = sample();
    for signature in [
        "",
        "5d197aaffba7e9b25a30732f161a50dee96bd5fb", // last digit changed
        "5d197aaffba7e9b25a30732f161a50dee96bd5f",  // 39 digits
        "5d197aaffba7e9b25a30732f161a50dee96bd5fa0", // 41 digits
        "zz197aaffba7e9b25a30732f161a50dee96bd5fa", // not hex
        "5d197aaffba7e9b25a30732f161a50dee96bd5fa\n",
    ] {
        assert!(
            matches!(
                crypt.decrypt_push(signature, TIMESTAMP, NONCE, SAMPLE_BODY),
                Err(Error::InvalidSignature)
            ),
            "{signature:?}"
        );
    }
    // Right signature, wrong token / timestamp / nonce.
    let other_token = MsgCrypt::new("spamtesu", AES_KEY, APPID).expect("valid");
    assert!(matches!(
        other_token.decrypt_push(MSG_SIGNATURE, TIMESTAMP, NONCE, SAMPLE_BODY),
        Err(Error::InvalidSignature)
    ));
    assert!(matches!(
        crypt.decrypt_push(MSG_SIGNATURE, "1409735670", NONCE, SAMPLE_BODY),
        Err(Error::InvalidSignature)
    ));
    assert!(matches!(
        crypt.decrypt_push(MSG_SIGNATURE, TIMESTAMP, "1320562133", SAMPLE_BODY),
        Err(Error::InvalidSignature)
    ));
    assert!(matches!(
        verify_plain_signature(TOKEN, MSG_SIGNATURE, TIMESTAMP, NONCE),
        Err(Error::InvalidSignature)
    ));
}

#[test]
fn receive_id_mismatch() {
    let other = MsgCrypt::new(TOKEN, AES_KEY, "wx0000000000000000").expect("valid");
    match other.decrypt_push(MSG_SIGNATURE, TIMESTAMP, NONCE, SAMPLE_BODY) {
        Err(Error::ReceiveIdMismatch { expected, actual }) => {
            assert_eq!(expected, "wx0000000000000000");
            assert_eq!(actual, APPID);
        }
        other => panic!("expected ReceiveIdMismatch, got {other:?}"),
    }
}

#[test]
fn invalid_base64() {
    let crypt = sample();
    for encrypt in ["not base64!", "abc$", "hyzAe4Oz mOMbd6Tv", "===="] {
        assert!(
            matches!(crypt.decrypt(encrypt), Err(Error::InvalidBase64)),
            "{encrypt:?}"
        );
        // Through the full path, with a valid signature over the bad text.
        let body = format!("<xml><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>");
        let signature = crypt.sign(TIMESTAMP, NONCE, encrypt);
        assert!(matches!(
            crypt.decrypt_push(&signature, TIMESTAMP, NONCE, &body),
            Err(Error::InvalidBase64)
        ));
    }
}

#[test]
fn invalid_ciphertext_length() {
    let crypt = sample();
    for bytes in [0usize, 1, 15, 17, 31, 33] {
        let encrypt = STANDARD.encode(vec![0x5a; bytes]);
        assert!(
            matches!(crypt.decrypt(&encrypt), Err(Error::InvalidLength(_))),
            "{bytes} bytes"
        );
    }
}

#[test]
fn invalid_length_field() {
    let crypt = sample();
    // Says 1000 bytes of message, has 5.
    let encrypt = raw_encrypt(&wechat_plaintext(1000, b"hello", APPID.as_bytes()));
    assert!(matches!(
        crypt.decrypt(&encrypt),
        Err(Error::InvalidLength(_))
    ));
    // u32::MAX must not overflow anything.
    let encrypt = raw_encrypt(&wechat_plaintext(u32::MAX, b"hello", APPID.as_bytes()));
    assert!(matches!(
        crypt.decrypt(&encrypt),
        Err(Error::InvalidLength(_))
    ));
    // Shorter than the 20-byte header once unpadded: 10 bytes + 22 of padding.
    let mut short = b"0123456789".to_vec();
    short.resize(32, 22);
    assert!(matches!(
        crypt.decrypt(&raw_encrypt(&short)),
        Err(Error::InvalidLength(_))
    ));
    // The well-formed payload built the same way decrypts (the helper is right).
    let encrypt = raw_encrypt(&wechat_plaintext(5, b"hello", APPID.as_bytes()));
    assert_eq!(crypt.decrypt(&encrypt).expect("well-formed"), "hello");
}

#[test]
fn invalid_padding() {
    let crypt = sample();
    let good = wechat_plaintext(5, b"hello", APPID.as_bytes());
    let last = good.len() - 1;
    let cases: Vec<Vec<u8>> = vec![
        // pad byte 0
        {
            let mut p = good.clone();
            p[last] = 0;
            p
        },
        // pad byte 33 (> WeChat's 32-byte block)
        {
            let mut p = good.clone();
            p[last] = 33;
            p
        },
        // inconsistent padding bytes
        {
            let mut p = good.clone();
            p[last - 1] ^= 0x01;
            p
        },
    ];
    for plaintext in cases {
        assert!(matches!(
            crypt.decrypt(&raw_encrypt(&plaintext)),
            Err(Error::InvalidPadding)
        ));
    }
    // A wrong EncodingAESKey almost always shows up as bad padding.
    let wrong_key =
        MsgCrypt::new(TOKEN, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefg", APPID).expect("valid");
    assert!(matches!(
        wrong_key.decrypt_push(MSG_SIGNATURE, TIMESTAMP, NONCE, SAMPLE_BODY),
        Err(Error::InvalidPadding)
    ));
}

#[test]
fn padding_of_a_full_32_byte_block_is_valid() {
    // 20 + 24 + 20 = 64 bytes: the padding is a whole block of 32s.
    let crypt = MsgCrypt::new(TOKEN, AES_KEY, "r".repeat(20)).expect("valid");
    let message = "x".repeat(24);
    let encrypt = crypt.encrypt(&message).expect("encrypts");
    assert_eq!(STANDARD.decode(&encrypt).expect("base64").len(), 96);
    assert_eq!(crypt.decrypt(&encrypt).expect("decrypts"), message);
}

#[test]
fn invalid_xml() {
    let crypt = sample();
    for body in [
        "",
        "not xml",
        "<xml><ToUserName>x</ToUserName></xml>",
        "<xml><Encrypt>abc</Encrypt>",
        "<xml><Encrypt>abc</Encrypt></xml1>",
        "<xml><Encrypt>a</Encrypt><Encrypt>b</Encrypt></xml>",
    ] {
        assert!(
            matches!(
                crypt.decrypt_push(MSG_SIGNATURE, TIMESTAMP, NONCE, body),
                Err(Error::InvalidXml(_))
            ),
            "{body:?}"
        );
    }
    // A message that is not UTF-8.
    let encrypt = raw_encrypt(&wechat_plaintext(2, b"\xff\xfe", APPID.as_bytes()));
    assert!(matches!(crypt.decrypt(&encrypt), Err(Error::InvalidXml(_))));
}

#[test]
fn replay_protection() {
    let crypt = MsgCrypt::builder(TOKEN, AES_KEY, APPID)
        .max_timestamp_age(Duration::from_secs(300))
        .build()
        .expect("valid");
    // The sample's 2014 timestamp is far too old, although correctly signed.
    match crypt.decrypt_push(MSG_SIGNATURE, TIMESTAMP, NONCE, SAMPLE_BODY) {
        Err(Error::TimestampOutOfRange {
            timestamp,
            max_age_secs,
        }) => {
            assert_eq!(timestamp, 1409735669);
            assert_eq!(max_age_secs, 300);
        }
        other => panic!("expected TimestampOutOfRange, got {other:?}"),
    }
    // A fresh push passes.
    let fresh = now().to_string();
    let reply = crypt
        .encrypt_reply("<xml/>", &fresh, NONCE)
        .expect("encrypts");
    let signature = Envelope::parse(&reply)
        .expect("parses")
        .msg_signature
        .expect("signed")
        .into_owned();
    assert_eq!(
        crypt
            .decrypt_push(&signature, &fresh, NONCE, &reply)
            .expect("fresh push"),
        "<xml/>"
    );
    // Boundaries, against a fixed clock.
    assert!(crypt.check_timestamp_at("1000", 1300).is_ok());
    assert!(crypt.check_timestamp_at("1600", 1300).is_ok());
    assert!(matches!(
        crypt.check_timestamp_at("999", 1300),
        Err(Error::TimestampOutOfRange { .. })
    ));
    assert!(matches!(
        crypt.check_timestamp_at("1601", 1300),
        Err(Error::TimestampOutOfRange { .. })
    ));
    assert!(matches!(
        crypt.check_timestamp_at("yesterday", 1300),
        Err(Error::TimestampOutOfRange { timestamp: 0, .. })
    ));
    // Without the option, timestamps are not checked.
    assert!(sample().check_timestamp_at("0", 1_000_000_000).is_ok());
    assert!(
        sample()
            .decrypt_push(MSG_SIGNATURE, TIMESTAMP, NONCE, SAMPLE_BODY)
            .is_ok()
    );
}

// ---- properties ------------------------------------------------------------

fn aes_key() -> impl Strategy<Value = String> {
    "[A-Za-z0-9+/]{43}"
}

fn message() -> impl Strategy<Value = String> {
    prop_oneof![
        // short, any Unicode
        ".{0,64}",
        // up to 64 KiB: chars of 1 to 4 bytes
        proptest::collection::vec(any::<char>(), 0..16_384)
            .prop_map(|chars| chars.into_iter().collect::<String>()),
        // long ASCII
        "[ -~]{0,4096}".prop_map(|s| s.repeat(16)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn encrypt_then_decrypt_round_trips(
        key in aes_key(),
        token in "[A-Za-z0-9]{3,32}",
        receive_id in "\\PC{0,40}",
        message in message(),
        timestamp in "[0-9]{10}",
        nonce in "[0-9a-zA-Z]{1,16}",
    ) {
        let crypt = MsgCrypt::new(token.as_str(), key.as_str(), receive_id.as_str()).expect("valid config");
        let encrypt = crypt.encrypt(&message).expect("encrypts");
        prop_assert_eq!(crypt.decrypt(&encrypt).expect("decrypts"), message.clone());
        let reply = crypt.encrypt_reply(&message, &timestamp, &nonce).expect("encrypts");
        let envelope = Envelope::parse(&reply).expect("parses");
        let signature = envelope.msg_signature.clone().expect("signed");
        prop_assert_eq!(signature.as_ref(), msg_signature(&token, &timestamp, &nonce, &envelope.encrypt));
        prop_assert_eq!(crypt.decrypt_push(&signature, &timestamp, &nonce, &reply).expect("decrypts"), message);
    }

    #[test]
    fn arbitrary_encrypt_text_never_panics(encrypt in any::<String>()) {
        let crypt = sample();
        prop_assert!(crypt.decrypt(&encrypt).is_err());
        let signature = crypt.sign(TIMESTAMP, NONCE, &encrypt);
        prop_assert!(crypt.decrypt_verified(&signature, TIMESTAMP, NONCE, &encrypt).is_err());
    }

    #[test]
    fn arbitrary_ciphertext_never_panics(blocks in proptest::collection::vec(any::<u8>(), 1..200)) {
        // Random bytes cut to whole AES blocks go through AES and the checks.
        let len = blocks.len() / 16 * 16;
        let encrypt = STANDARD.encode(&blocks[..len]);
        let result = sample().decrypt(&encrypt);
        prop_assert!(matches!(
            result,
            Err(Error::InvalidPadding | Error::InvalidLength(_) | Error::ReceiveIdMismatch { .. } | Error::InvalidXml(_))
        ), "{:?}", result);
    }

    #[test]
    fn arbitrary_envelopes_never_panic(
        body in prop_oneof![
            any::<String>(),
            proptest::collection::vec(
                prop_oneof![
                    Just("<xml>".to_owned()), Just("</xml>".to_owned()),
                    Just("<Encrypt>".to_owned()), Just("</Encrypt>".to_owned()),
                    Just("<Encrypt/>".to_owned()), Just("<AppId>".to_owned()), Just("</AppId>".to_owned()),
                    Just("<![CDATA[".to_owned()), Just("]]>".to_owned()), Just("&amp;".to_owned()),
                    Just("&#x41;".to_owned()), Just("&#0;".to_owned()), Just("&bogus;".to_owned()),
                    Just("<!-- c -->".to_owned()), Just("<?pi?>".to_owned()), Just("<!DOCTYPE x>".to_owned()),
                    "[A-Za-z0-9+/=]{0,24}", "<[A-Za-z]{1,4}>", "</[A-Za-z]{1,4}>", "\\PC{0,4}",
                ],
                0..24,
            ).prop_map(|parts| parts.concat()),
        ],
        signature in "[0-9a-f]{40}|\\PC{0,41}",
        timestamp in "\\PC{0,12}",
        nonce in "\\PC{0,12}",
    ) {
        let _ = Envelope::parse(&body);
        prop_assert!(sample().decrypt_push(&signature, &timestamp, &nonce, &body).is_err());
    }

    #[test]
    fn any_flipped_bit_is_rejected(
        message in ".{0,200}",
        position in any::<prop::sample::Index>(),
        bit in 0u8..7,
        in_signature in any::<bool>(),
    ) {
        let crypt = sample();
        let encrypt = crypt.encrypt(&message).expect("encrypts");
        let signature = crypt.sign(TIMESTAMP, NONCE, &encrypt);
        // Flip one of the 7 low bits of one ASCII character (stays ASCII).
        let flip = |text: &str| {
            let mut bytes = text.as_bytes().to_vec();
            let i = position.index(bytes.len());
            bytes[i] ^= 1 << bit;
            String::from_utf8(bytes).expect("still ASCII")
        };
        let (encrypt, signature) = if in_signature {
            (encrypt.clone(), flip(&signature))
        } else {
            (flip(&encrypt), signature)
        };
        let result = crypt.decrypt_verified(&signature, TIMESTAMP, NONCE, &encrypt);
        prop_assert!(matches!(result, Err(Error::InvalidSignature)), "{:?}", result);
    }
}
