//! `MsgCrypt::decrypt_push` on hostile pushes, in four shapes: as sent (the
//! signature check), signed over whatever `Encrypt` holds (base64, length,
//! padding and receive id checks), raw ciphertext bytes signed (AES output
//! the checks must survive), and a plaintext encrypted for real (it must
//! come back unchanged, then be parsed as an event).
#![no_main]

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use wechat_api::crypto::{Envelope, msg_signature, reply_envelope};
use wechat_api::event::Push;
use wechat_api_fuzz::{TOKEN, assert_clean, crypt};

#[derive(Arbitrary, Debug)]
enum Shape {
    AsSent { signature: String },
    SignedEnvelope,
    SignedCiphertext { ciphertext: Vec<u8> },
    Encrypted { random: [u8; 16] },
}

#[derive(Arbitrary, Debug)]
struct Input {
    shape: Shape,
    timestamp: String,
    nonce: String,
    body: String,
}

fuzz_target!(|push: Input| {
    let crypt = crypt();
    let Input {
        shape,
        timestamp,
        nonce,
        body,
    } = push;
    let result = match shape {
        Shape::AsSent { signature } => crypt.decrypt_push(&signature, &timestamp, &nonce, &body),
        Shape::SignedEnvelope => {
            let encrypt = match Envelope::parse(&body) {
                Ok(envelope) => envelope.encrypt.into_owned(),
                Err(error) => {
                    assert_clean(&error);
                    return;
                }
            };
            let signature = msg_signature(TOKEN, &timestamp, &nonce, &encrypt);
            crypt.decrypt_push(&signature, &timestamp, &nonce, &body)
        }
        Shape::SignedCiphertext { ciphertext } => {
            let encrypt = STANDARD.encode(&ciphertext);
            let signature = msg_signature(TOKEN, &timestamp, &nonce, &encrypt);
            let envelope = reply_envelope(&encrypt, &signature, &timestamp, &nonce);
            crypt.decrypt_push(&signature, &timestamp, &nonce, &envelope)
        }
        Shape::Encrypted { random } => {
            let encrypt = match crypt.encrypt_with_random(&body, &random) {
                Ok(encrypt) => encrypt,
                Err(error) => panic!("encrypting {} bytes failed: {error}", body.len()),
            };
            let signature = msg_signature(TOKEN, &timestamp, &nonce, &encrypt);
            let envelope = reply_envelope(&encrypt, &signature, &timestamp, &nonce);
            match crypt.decrypt_push(&signature, &timestamp, &nonce, &envelope) {
                Ok(plaintext) => assert_eq!(plaintext, body, "the round trip changed the message"),
                Err(error) => panic!("a push encrypted for real was refused: {error}"),
            }
            if let Err(error) = Push::from_xml(&body) {
                assert_clean(&error);
            }
            return;
        }
    };
    match result {
        Ok(plaintext) => {
            if let Err(error) = Push::from_xml(&plaintext) {
                assert_clean(&error);
            }
        }
        Err(error) => assert_clean(&error),
    }
});
