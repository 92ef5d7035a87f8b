//! Passive replies against an independent implementation, wechatpy
//! (`tests/vectors/passive_reply.py` regenerates the vectors):
//!
//! - `wechatpy_reply.json`: a reply and an incoming message encrypted by
//!   wechatpy's `WeChatCrypto` with a fixed random prefix. Our encryption
//!   gives the same `Encrypt` text and `msg_signature`, reads wechatpy's
//!   envelope, and the message callback answers wechatpy's push.
//! - `our_reply.json`: a reply as this crate writes it (content with a CDATA
//!   terminator), deterministic here; the script had wechatpy decrypt and
//!   parse it, and recorded what it got in `wechatpy_reply.json`.
//!
//! `WECHAT_API_WRITE_VECTORS=1 cargo test -p wechat-api-tests --test
//! callback_vectors` rewrites `our_reply.json` (then run the script).

use wechat_api_test_support::callback as support;

use std::path::PathBuf;
use std::time::Duration;

use serde_json::{Value, json};
use support::*;
use wechat_api::callback::{MessageCallback, Reply, Router};
use wechat_api::crypto::{Envelope, MsgCrypt, reply_envelope};

fn vector_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("vectors")
        .join(name)
}

fn read_vector(name: &str) -> Value {
    let path = vector_path(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run tests/vectors/passive_reply.py)",
            path.display()
        )
    });
    serde_json::from_str(&text).expect("vector JSON")
}

fn str_of<'v>(v: &'v Value, key: &str) -> &'v str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("`{key}` in the vector"))
}

fn crypt_of(v: &Value) -> MsgCrypt {
    MsgCrypt::new(
        str_of(v, "token"),
        str_of(v, "encoding_aes_key"),
        str_of(v, "receive_id"),
    )
    .expect("the vector's configuration")
}

fn random_of(v: &Value) -> [u8; 16] {
    str_of(v, "random")
        .as_bytes()
        .try_into()
        .expect("16 ASCII bytes")
}

/// Our passive reply, made deterministic: fixed CreateTime, timestamp,
/// nonce and random prefix.
fn our_reply() -> Value {
    const RANDOM: &str = "ourRandomPrefix!";
    let (timestamp, nonce, create_time) = ("1700000000", "987654321", 1_700_000_000);
    let content = "回复 ]]> <b>&amp; done";
    let (to, from) = ("oUser_openid", "gh_account");
    let plaintext = Reply::text(content).to_xml(to, from, create_time);
    let crypt = MsgCrypt::new(TOKEN, AES_KEY, COMPONENT_APPID).unwrap();
    let random: [u8; 16] = RANDOM.as_bytes().try_into().unwrap();
    let encrypt = crypt.encrypt_with_random(&plaintext, &random).unwrap();
    let signature = crypt.sign(timestamp, nonce, &encrypt);
    json!({
        "token": TOKEN,
        "encoding_aes_key": AES_KEY,
        "receive_id": COMPONENT_APPID,
        "timestamp": timestamp,
        "nonce": nonce,
        "random": RANDOM,
        "content": content,
        "to": to,
        "from": from,
        "create_time": create_time,
        "plaintext": plaintext,
        "envelope": reply_envelope(&encrypt, &signature, timestamp, nonce),
    })
}

#[test]
fn our_reply_is_the_checked_in_vector() {
    let ours = our_reply();
    if std::env::var_os("WECHAT_API_WRITE_VECTORS").is_some() {
        let text = serde_json::to_string_pretty(&ours).unwrap() + "\n";
        std::fs::write(vector_path("our_reply.json"), text).expect("write the vector");
    }
    assert_eq!(
        ours,
        read_vector("our_reply.json"),
        "our reply writer changed: regenerate the vectors"
    );
}

#[test]
fn wechatpy_decrypted_and_parsed_our_reply() {
    let ours = read_vector("our_reply.json");
    let wechatpy = read_vector("wechatpy_reply.json");
    let check = &wechatpy["our_reply_decrypted_by_wechatpy"];
    assert_eq!(
        check["envelope"], ours["envelope"],
        "the script checked this envelope"
    );
    assert_eq!(check["plaintext"], ours["plaintext"]);
    assert_eq!(
        check["content"], ours["content"],
        "the CDATA terminator survived"
    );
    assert_eq!(check["target"], ours["to"]);
    assert_eq!(check["source"], ours["from"]);
}

#[test]
fn our_encryption_matches_wechatpys() {
    let vector = read_vector("wechatpy_reply.json");
    for case in ["reply", "push"] {
        let v = &vector[case];
        let crypt = crypt_of(&vector);
        let plaintext = str_of(v, "plaintext");
        let encrypt = crypt
            .encrypt_with_random(plaintext, &random_of(&vector))
            .unwrap();
        assert_eq!(encrypt, str_of(v, "encrypt"), "{case}: Encrypt");
        let (timestamp, nonce) = (str_of(v, "timestamp"), str_of(v, "nonce"));
        assert_eq!(
            crypt.sign(timestamp, nonce, &encrypt),
            str_of(v, "msg_signature"),
            "{case}"
        );
        // wechatpy's envelope (newlines, CDATA nonce) reads and decrypts
        let envelope = str_of(v, "envelope");
        assert_eq!(Envelope::parse(envelope).unwrap().encrypt, encrypt);
        let decrypted = crypt
            .decrypt_push(str_of(v, "msg_signature"), timestamp, nonce, envelope)
            .unwrap();
        assert_eq!(decrypted, plaintext, "{case}");
    }
}

#[tokio::test]
async fn the_message_callback_answers_wechatpys_push() {
    let vector = read_vector("wechatpy_reply.json");
    let push = &vector["push"];
    let query = format!(
        "timestamp={}&nonce={}&encrypt_type=aes&msg_signature={}",
        str_of(push, "timestamp"),
        str_of(push, "nonce"),
        str_of(push, "msg_signature")
    );
    let request =
        wechat_api::callback::CallbackRequest::post(query, str_of(push, "envelope").to_owned());
    let router = Router::new().message("text", |message, _| async move {
        Ok(Some(Reply::text(format!(
            "got: {}",
            message.content().unwrap_or_default()
        ))))
    });
    // the vector's timestamp is fixed: widen the replay window to reach it
    let messages = MessageCallback::new(client(), router)
        .unwrap()
        .replay_window(Duration::from_secs(100 * 365 * 24 * 3600))
        .unwrap();
    let answer = messages.handle(AUTHORIZER, request).await;
    let reply = Wechat::default().open_reply(&answer);
    assert_eq!(
        leaf(&reply, "Content").as_deref(),
        Some("got: hello from wechatpy")
    );
    assert_eq!(leaf(&reply, "ToUserName").as_deref(), Some("oWechatpyUser"));
}
