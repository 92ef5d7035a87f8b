//! Every WeChat Pay endpoint of the spec (`spec/pay/`), tested from the
//! spec alone against wiremock: its probe calls the generated method; the
//! test checks the method, path, query and JSON body that went over the
//! wire (sensitive fields decrypted by the test, which plays WeChat Pay and
//! holds its private key, and absent in plaintext), the `Authorization`
//! header's shape, and that the example answer, signed by the test's
//! WeChat Pay key, is verified and decodes into the typed response. Then:
//! an unsigned or forged answer is refused, and an error answer is
//! `Error::Pay` with its `Request-ID`.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use secrecy::ExposeSecret;
use serde_json::{Map, Value, json};
use wechat_api::__private::PayProbe;
use wechat_api::Error;
use wechat_api::api::{PAY_ENDPOINTS, PAY_PROBES};
use wechat_api::endpoint::{ConfigKey, ParamLocation, ParamSource};
use wechat_api::pay::{MerchantKey, PayAnswerKind, PayConfig, WechatPay};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const MCHID: &str = "1900000109";
const MERCHANT_SERIAL: &str = "3775B6A45ACD588826D15E583A95F5DD5E63E2C0";
const PUB_KEY_ID: &str = "PUB_KEY_ID_0114232134912410000000000000";

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../wechat-api/tests/fixtures/pay/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn apiv3() -> String {
    let vectors: Value = serde_json::from_slice(&fixture("vectors.json")).expect("vectors");
    vectors["apiv3_key"].as_str().expect("apiv3_key").to_owned()
}

/// The merchant's side, trusting the test's WeChat Pay public key.
fn merchant(base_url: &str, private_key: &str) -> WechatPay {
    let config = PayConfig::builder()
        .mchid(MCHID)
        .merchant_serial(MERCHANT_SERIAL)
        .private_key_pem(fixture(private_key))
        .apiv3_key(apiv3())
        .public_key_pem(PUB_KEY_ID, fixture("pub_key.pem"))
        .base_url(base_url)
        .build()
        .expect("pay config");
    WechatPay::new(config).expect("wechat pay")
}

/// WeChat Pay's signing key (the private half of `pub_key.pem`).
fn wechatpay_key() -> MerchantKey {
    MerchantKey::from_pem(&fixture("pubkey_private.pem")).expect("key")
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64
}

/// An answer signed as WeChat Pay signs it (over `body`, or over
/// `signed_body` to forge one).
fn signed(status: u16, body: &str, signed_body: &str) -> ResponseTemplate {
    let timestamp = now().to_string();
    let nonce = "593BEC0C930BF1AFEB40B4A08C8FB242";
    let message = format!("{timestamp}\n{nonce}\n{signed_body}\n");
    let signature = wechatpay_key().sign(message.as_bytes()).expect("sign");
    ResponseTemplate::new(status)
        .insert_header("Wechatpay-Timestamp", timestamp.as_str())
        .insert_header("Wechatpay-Nonce", nonce)
        .insert_header("Wechatpay-Signature", signature.as_str())
        .insert_header("Wechatpay-Serial", PUB_KEY_ID)
        .insert_header("Request-ID", "08F78BB5AF0610D302D7A2C8B4E5E02C8C8F")
        .set_body_raw(body.as_bytes().to_vec(), "application/json")
}

fn answer_of(probe: &PayProbe) -> (u16, String) {
    match probe.endpoint.answer {
        PayAnswerKind::NoContent => (204, String::new()),
        PayAnswerKind::Json => (200, probe.endpoint.example.unwrap_or("{}").to_owned()),
    }
}

/// `WECHATPAY2-SHA256-RSA2048 mchid="..",nonce_str="..",timestamp="..",serial_no="..",signature=".."`.
fn check_authorization(name: &str, header: &str) {
    let rest = header
        .strip_prefix("WECHATPAY2-SHA256-RSA2048 ")
        .unwrap_or_else(|| panic!("{name}: scheme of {header}"));
    let fields: BTreeMap<&str, &str> = rest
        .split(',')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k, v.trim_matches('"')))
        .collect();
    let keys: Vec<&str> = rest
        .split(',')
        .filter_map(|kv| kv.split_once('=').map(|(k, _)| k))
        .collect();
    assert_eq!(
        keys,
        ["mchid", "nonce_str", "timestamp", "serial_no", "signature"],
        "{name}"
    );
    assert_eq!(fields["mchid"], MCHID, "{name}");
    assert_eq!(fields["serial_no"], MERCHANT_SERIAL, "{name}");
    let age = now() - fields["timestamp"].parse::<i64>().expect("timestamp");
    assert!(age.abs() < 300, "{name}: timestamp {age}s off");
    assert!(fields["nonce_str"].len() >= 16, "{name}: nonce");
    let signature = STANDARD
        .decode(fields["signature"])
        .expect("base64 signature");
    assert_eq!(signature.len(), 256, "{name}: an RSA-2048 signature");
}

#[tokio::test]
async fn every_pay_endpoint_matches_its_spec_on_the_wire() {
    assert_eq!(PAY_PROBES.len(), PAY_ENDPOINTS.len());
    // issue 16: with the service provider's, at least 60 pay endpoints
    assert!(PAY_PROBES.len() >= 60, "{} pay endpoints", PAY_PROBES.len());
    // nested sensitive fields are listed by path, and exercised below
    let submit = PAY_PROBES
        .iter()
        .find(|p| p.endpoint.module == "applyment" && p.endpoint.name == "submit")
        .expect("applyment.submit");
    for path in [
        "contact_info.contact_name",
        "contact_info.mobile_phone",
        "subject_info.identity_info.id_card_info.id_card_number",
        "bank_account_info.account_number",
    ] {
        assert!(submit.endpoint.sensitive.contains(&path), "{path}");
    }
    // WeChat Pay's side: decrypts the sensitive fields with its private key
    let wechatpay = merchant("https://api.mch.weixin.qq.com", "pubkey_private.pem");
    for probe in PAY_PROBES {
        let name = probe.endpoint.to_string();
        let server = MockServer::start().await;
        let (status, body) = answer_of(probe);
        Mock::given(any())
            .respond_with(signed(status, &body, &body))
            .mount(&server)
            .await;
        let pay = merchant(&server.uri(), "merchant_key.pem");
        let answer = (probe.call)(&pay)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e:?}"));
        let expected: Value =
            serde_json::from_str(probe.answer.unwrap_or("null")).expect("probe answer");
        assert_eq!(answer, expected, "{name}: the typed answer");

        let requests: Vec<Request> = server.received_requests().await.expect("recorded");
        assert_eq!(requests.len(), 1, "{name}");
        let request = &requests[0];
        assert_eq!(
            request.method.as_str(),
            probe.endpoint.method.as_str(),
            "{name}"
        );
        assert_eq!(request.url.path(), probe.path, "{name}: path");
        let mut query: Vec<(String, String)> = probe
            .query
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let mut wanted_body: Map<String, Value> = probe
            .body
            .map(|b| serde_json::from_str(b).expect("probe body"))
            .unwrap_or_default();
        for p in probe.endpoint.params {
            if p.source == ParamSource::Config(ConfigKey::MchId) {
                match p.location {
                    ParamLocation::Query => query.push((p.name.to_owned(), MCHID.to_owned())),
                    ParamLocation::Body => {
                        wanted_body.insert(p.name.to_owned(), json!(MCHID));
                    }
                    _ => {}
                }
            }
        }
        let mut sent_query: Vec<(String, String)> = request
            .url
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        query.sort();
        sent_query.sort();
        assert_eq!(sent_query, query, "{name}: query");
        let authorization = request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("{name}: no Authorization"));
        check_authorization(&name, authorization);
        assert!(request.headers.get("user-agent").is_some(), "{name}: UA");
        if probe.body.is_none() {
            assert!(request.body.is_empty(), "{name}: a GET has no body");
            continue;
        }
        let raw = String::from_utf8(request.body.clone()).expect("utf-8 body");
        let sent: Map<String, Value> = serde_json::from_str(&raw).expect("JSON body");
        let mut sent = Value::Object(sent);
        let wanted = Value::Object(wanted_body.clone());
        // the body without its sensitive values: a plaintext also found
        // there (a licence's legal person is the ID card's name) proves nothing
        let mut rest = wanted.clone();
        for path in probe.endpoint.sensitive {
            strip(&mut rest, path);
        }
        let rest = rest.to_string();
        let mut checked = 0;
        for path in probe.endpoint.sensitive {
            checked += unseal(&wechatpay, &mut sent, &wanted, path, &raw, &rest, &name);
        }
        assert!(
            probe.endpoint.sensitive.is_empty() || checked > 0,
            "{name}: the sample carries none of its sensitive fields {:?}",
            probe.endpoint.sensitive
        );
        let Value::Object(sent) = sent else {
            unreachable!()
        };
        if !probe.endpoint.sensitive.is_empty() {
            assert_eq!(
                request
                    .headers
                    .get("wechatpay-serial")
                    .and_then(|v| v.to_str().ok()),
                Some(PUB_KEY_ID),
                "{name}: Wechatpay-Serial names the key"
            );
        }
        assert_eq!(
            Value::Object(sent),
            Value::Object(wanted_body),
            "{name}: body"
        );
    }
}

/// The values at `path` (`a.b.c`, lists walked through) of `value`.
fn at_path<'v>(value: &'v mut Value, path: &str) -> Vec<&'v mut Value> {
    let mut here = vec![value];
    for key in path.split('.') {
        let mut next = Vec::new();
        for v in here {
            let mut stack = vec![v];
            while let Some(v) = stack.pop() {
                match v {
                    Value::Array(items) => stack.extend(items.iter_mut()),
                    Value::Object(map) => {
                        if let Some(child) = map.get_mut(key) {
                            next.push(child);
                        }
                    }
                    _ => {}
                }
            }
        }
        here = next;
    }
    here
}

fn strip(value: &mut Value, path: &str) {
    for v in at_path(value, path) {
        *v = Value::Null;
    }
}

/// Checks every sensitive value at `path`: the wire holds ciphertext (never
/// the plaintext), which WeChat Pay's key decrypts to the plaintext wanted;
/// then puts the plaintext back in `sent` for the body comparison. Returns
/// how many values were checked.
fn unseal(
    wechatpay: &WechatPay,
    sent: &mut Value,
    wanted: &Value,
    path: &str,
    raw: &str,
    rest: &str,
    name: &str,
) -> usize {
    let mut wanted = wanted.clone();
    let plains: Vec<String> = at_path(&mut wanted, path)
        .into_iter()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    let ciphers = at_path(sent, path);
    assert_eq!(ciphers.len(), plains.len(), "{name}: `{path}` on the wire");
    for (cipher, plain) in ciphers.into_iter().zip(&plains) {
        if !rest.contains(plain.as_str()) {
            assert!(
                !raw.contains(plain.as_str()),
                "{name}: `{path}` in plaintext on the wire"
            );
        }
        let text = cipher.as_str().expect("ciphertext is a string").to_owned();
        assert_ne!(&text, plain, "{name}: `{path}` sent as it is");
        let decrypted = wechatpay.decrypt_sensitive(&text).expect("decrypts");
        assert_eq!(decrypted.expose_secret(), plain, "{name}: `{path}`");
        *cipher = json!(plain);
    }
    plains.len()
}

#[tokio::test]
async fn unsigned_and_forged_answers_are_refused() {
    let probe = PAY_PROBES
        .iter()
        .find(|p| p.endpoint.module == "transactions" && p.endpoint.name == "query_by_id")
        .expect("query_by_id");
    let (_, body) = answer_of(probe);
    // forged: signed over another body
    let server = MockServer::start().await;
    let forged = body.replace("SUCCESS", "CLOSED");
    Mock::given(any())
        .respond_with(signed(200, &forged, &body))
        .mount(&server)
        .await;
    let pay = merchant(&server.uri(), "merchant_key.pem");
    let err = (probe.call)(&pay).await.expect_err("a forged answer");
    assert!(matches!(err, Error::PaySignature { .. }), "{err:?}");
    // unsigned
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw(body.clone(), "application/json"))
        .mount(&server)
        .await;
    let pay = merchant(&server.uri(), "merchant_key.pem");
    let err = (probe.call)(&pay).await.expect_err("an unsigned answer");
    assert!(matches!(err, Error::PaySignature { .. }), "{err:?}");
    // a forged error answer is refused too, not reported as WeChat Pay's
    let server = MockServer::start().await;
    let error = r#"{"code":"ORDER_NOT_EXIST","message":"订单不存在"}"#;
    Mock::given(any())
        .respond_with(signed(404, error, "{}"))
        .mount(&server)
        .await;
    let pay = merchant(&server.uri(), "merchant_key.pem");
    let err = (probe.call)(&pay).await.expect_err("a forged error");
    assert!(matches!(err, Error::PaySignature { .. }), "{err:?}");
}

#[tokio::test]
async fn error_answers_are_error_pay_with_the_request_id() {
    let probe = PAY_PROBES
        .iter()
        .find(|p| p.endpoint.module == "transactions" && p.endpoint.name == "close")
        .expect("close");
    let server = MockServer::start().await;
    let error =
        r#"{"code":"ORDER_CLOSED","message":"订单已关闭","detail":{"field":"out_trade_no"}}"#;
    Mock::given(any())
        .respond_with(signed(400, error, error))
        .mount(&server)
        .await;
    let pay = merchant(&server.uri(), "merchant_key.pem");
    match (probe.call)(&pay).await {
        Err(Error::Pay {
            status,
            code,
            message,
            detail,
            request_id,
        }) => {
            assert_eq!(status, 400);
            assert_eq!(code, "ORDER_CLOSED");
            assert_eq!(message, "订单已关闭");
            assert!(detail.is_some_and(|d| d.contains("out_trade_no")));
            assert_eq!(
                request_id.as_deref(),
                Some("08F78BB5AF0610D302D7A2C8B4E5E02C8C8F")
            );
        }
        other => panic!("expected Error::Pay, got {other:?}"),
    }
}
