//! JS-SDK share signature: the official known answer, fragment stripping,
//! and the `wx.config` JSON shape.

use wechat_api::jssdk::{js_sdk_config, js_sdk_config_now, jsapi_signature, url_without_fragment};

// From the JS-SDK documentation's signature example (appendix 1).
const TICKET: &str =
    "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg";
const NONCE: &str = "Wm3WZYTPz0wzccnW";
const TIMESTAMP: i64 = 1414587457;
const URL: &str = "http://mp.weixin.qq.com?params=value";
const SIGNATURE: &str = "0f9de62fce790f9a083d5c99e95740ceb90c27ed";

#[test]
fn official_known_answer() {
    assert_eq!(jsapi_signature(TICKET, NONCE, TIMESTAMP, URL), SIGNATURE);
}

#[test]
fn fragment_is_stripped() {
    assert_eq!(
        jsapi_signature(TICKET, NONCE, TIMESTAMP, &format!("{URL}#wechat_redirect")),
        SIGNATURE
    );
    assert_eq!(
        jsapi_signature(TICKET, NONCE, TIMESTAMP, &format!("{URL}#a#b")),
        SIGNATURE
    );
    assert_eq!(
        url_without_fragment("https://a.example/p?x=1#frag"),
        "https://a.example/p?x=1"
    );
    assert_eq!(
        url_without_fragment("https://a.example/p"),
        "https://a.example/p"
    );
    // The query is part of what is signed.
    assert_ne!(
        jsapi_signature(
            TICKET,
            NONCE,
            TIMESTAMP,
            "http://mp.weixin.qq.com?params=other"
        ),
        SIGNATURE
    );
}

#[test]
fn config_serializes_with_camel_case_names() {
    let config = js_sdk_config("wx2c2769f8efd9abc2", TICKET, URL, NONCE, TIMESTAMP);
    assert_eq!(config.signature, SIGNATURE);
    let json = serde_json::to_value(&config).expect("serializes");
    assert_eq!(
        json,
        serde_json::json!({
            "appId": "wx2c2769f8efd9abc2",
            "timestamp": TIMESTAMP,
            "nonceStr": NONCE,
            "signature": SIGNATURE,
        })
    );
}

#[test]
fn config_now_uses_a_fresh_nonce_and_the_clock() {
    let a = js_sdk_config_now("wxappid", TICKET, URL);
    let b = js_sdk_config_now("wxappid", TICKET, URL);
    assert_eq!(a.nonce_str.len(), 16);
    assert!(a.nonce_str.chars().all(|c| c.is_ascii_alphanumeric()));
    assert_ne!(a.nonce_str, b.nonce_str);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64;
    assert!((a.timestamp - now).abs() <= 5);
    assert_eq!(
        a.signature,
        jsapi_signature(TICKET, &a.nonce_str, a.timestamp, URL)
    );
}
