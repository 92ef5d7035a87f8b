//! The sandbox as WeChat Pay, driven by a small client written here from
//! WeChat Pay's rules (not from the sandbox's code): requests signed with
//! aws-lc-rs, every answer verified against the certificates it downloads or
//! the public key, certificates and notifications decrypted with the APIv3
//! key. The signing code stays in this test on purpose.

use std::collections::HashMap;
use std::io::Read as _;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{OAEP_SHA1_MGF1SHA1, OaepPublicEncryptingKey, PublicEncryptingKey};
use aws_lc_rs::signature::{
    RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_SHA256, RsaKeyPair, UnparsedPublicKey,
};
use axum::http::HeaderMap;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use rustls_pki_types::pem::PemObject as _;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, SubjectPublicKeyInfoDer};
use serde_json::{Value, json};
use sha1::{Digest as _, Sha1};
use wechat_sandbox::pay::{Delivery, KeyMode, PayFault, PaySettings, RefundOutcome};
use wechat_sandbox::{Sandbox, SandboxConfig};

const WAIT: Duration = Duration::from_secs(30);

/// What verifies WeChat Pay's signatures: certificates by serial, and the
/// public key by its id.
#[derive(Default)]
struct Verifier {
    certificates: HashMap<String, Vec<u8>>,
    public_key: Option<(String, Vec<u8>)>,
}

impl Verifier {
    fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<(), String> {
        let get = |n: &str| {
            headers
                .get(n)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
                .ok_or(format!("no {n}"))
        };
        let (serial, signature) = (get("wechatpay-serial")?, get("wechatpay-signature")?);
        let (timestamp, nonce) = (get("wechatpay-timestamp")?, get("wechatpay-nonce")?);
        if signature.starts_with("WECHATPAY/SIGNTEST/") {
            return Err("signature probe".into());
        }
        let age = now() - timestamp.parse::<i64>().map_err(|e| e.to_string())?;
        if age.abs() > 300 {
            return Err("stale".into());
        }
        let mut message = format!("{timestamp}\n{nonce}\n").into_bytes();
        message.extend_from_slice(body);
        message.push(b'\n');
        let signature = B64.decode(signature).map_err(|e| e.to_string())?;
        if let Some(der) = self.certificates.get(&serial) {
            let der = CertificateDer::from(der.clone());
            let cert = webpki::EndEntityCert::try_from(&der).map_err(|e| e.to_string())?;
            return cert
                .verify_signature(
                    webpki::ring::RSA_PKCS1_2048_8192_SHA256,
                    &message,
                    &signature,
                )
                .map_err(|e| format!("bad signature: {e:?}"));
        }
        match &self.public_key {
            Some((id, spki)) if *id == serial => {
                UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, spki)
                    .verify(&message, &signature)
                    .map_err(|_| "bad signature".to_owned())
            }
            _ => Err(format!("unknown serial {serial}")),
        }
    }
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn open(apiv3: &str, resource: &Value) -> Vec<u8> {
    assert_eq!(resource["algorithm"], "AEAD_AES_256_GCM");
    let key = LessSafeKey::new(UnboundKey::new(&AES_256_GCM, apiv3.as_bytes()).unwrap());
    let nonce = resource["nonce"].as_str().unwrap();
    let aad = resource["associated_data"].as_str().unwrap();
    let mut data = B64
        .decode(resource["ciphertext"].as_str().unwrap())
        .unwrap();
    let plain = key
        .open_in_place(
            Nonce::try_assume_unique_for_key(nonce.as_bytes()).unwrap(),
            Aad::from(aad.as_bytes()),
            &mut data,
        )
        .expect("decrypts with the APIv3 key");
    plain.to_vec()
}

fn oaep(spki: &[u8], text: &str) -> String {
    let key = OaepPublicEncryptingKey::new(PublicEncryptingKey::from_der(spki).unwrap()).unwrap();
    let mut out = vec![0; key.ciphertext_size()];
    B64.encode(
        key.encrypt(&OAEP_SHA1_MGF1SHA1, text.as_bytes(), &mut out, None)
            .unwrap(),
    )
}

/// A merchant's client.
struct Merchant {
    http: reqwest::Client,
    base: String,
    mchid: String,
    serial: String,
    apiv3: String,
    key: RsaKeyPair,
    verifier: Verifier,
}

struct Answer {
    status: u16,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

impl Merchant {
    fn new(sandbox: &Sandbox) -> Self {
        let creds = sandbox.pay().merchant().unwrap();
        let pem = creds.private_key_pem().unwrap();
        let der = PrivateKeyDer::from_pem_slice(pem.as_bytes()).unwrap();
        Merchant {
            http: reqwest::Client::new(),
            base: sandbox.base_url().as_str().trim_end_matches('/').to_owned(),
            mchid: creds.mchid().to_owned(),
            serial: creds.serial().to_owned(),
            apiv3: creds.apiv3_key().to_owned(),
            key: RsaKeyPair::from_pkcs8(der.secret_der()).unwrap(),
            verifier: Verifier::default(),
        }
    }

    fn authorization(&self, method: &str, url: &str, body: &str, timestamp: i64) -> String {
        let nonce = format!("{:032X}", rand::random::<u128>());
        let message = format!("{method}\n{url}\n{timestamp}\n{nonce}\n{body}\n");
        let mut sig = vec![0; self.key.public_modulus_len()];
        self.key
            .sign(
                &RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                message.as_bytes(),
                &mut sig,
            )
            .unwrap();
        format!(
            "WECHATPAY2-SHA256-RSA2048 mchid=\"{}\",nonce_str=\"{nonce}\",signature=\"{}\",timestamp=\"{timestamp}\",serial_no=\"{}\"",
            self.mchid,
            B64.encode(&sig),
            self.serial
        )
    }

    async fn send(
        &self,
        method: &str,
        url: &str,
        body: Option<&Value>,
        auth: Option<String>,
        extra: &[(&str, &str)],
    ) -> Answer {
        let text = body.map(Value::to_string).unwrap_or_default();
        let auth = auth.unwrap_or_else(|| self.authorization(method, url, &text, now()));
        let mut request = self
            .http
            .request(method.parse().unwrap(), format!("{}{url}", self.base))
            .header("authorization", auth)
            .header("accept", "application/json");
        if body.is_some() {
            request = request
                .header("content-type", "application/json")
                .body(text);
        }
        for (n, v) in extra {
            request = request.header(*n, *v);
        }
        let answer = request.send().await.unwrap();
        Answer {
            status: answer.status().as_u16(),
            headers: answer.headers().clone(),
            body: answer.bytes().await.unwrap().to_vec(),
        }
    }

    /// A call whose answer must verify.
    async fn call(&self, method: &str, url: &str, body: Option<&Value>) -> Answer {
        let answer = self.send(method, url, body, None, &[]).await;
        self.verifier
            .verify(&answer.headers, &answer.body)
            .unwrap_or_else(|e| panic!("{method} {url}: answer not verified: {e}"));
        assert!(answer.headers.contains_key("request-id"));
        answer
    }

    /// Downloads the platform certificates (verified with what it had, or
    /// the certificate it decrypts, on first use) and keeps them.
    async fn refresh_certificates(&mut self) -> Vec<String> {
        let answer = self.send("GET", "/v3/certificates", None, None, &[]).await;
        assert_eq!(answer.status, 200);
        let listed = answer.json();
        let mut serials = Vec::new();
        let mut fresh = HashMap::new();
        for item in listed["data"].as_array().unwrap() {
            let enc = &item["encrypt_certificate"];
            assert_eq!(enc["associated_data"], "certificate");
            let pem = open(&self.apiv3, enc);
            let der = CertificateDer::from_pem_slice(&pem).unwrap();
            let serial = item["serial_no"].as_str().unwrap().to_owned();
            assert!(item["effective_time"].as_str().unwrap().ends_with("+08:00"));
            fresh.insert(serial.clone(), der.as_ref().to_vec());
            serials.push(serial);
        }
        self.verifier.certificates.extend(fresh);
        self.verifier
            .verify(&answer.headers, &answer.body)
            .expect("the certificate list verifies with a listed certificate or the public key");
        serials
    }

    fn trust_public_key(&mut self, sandbox: &Sandbox) {
        let key = sandbox.pay().public_key().unwrap();
        let spki = SubjectPublicKeyInfoDer::from_pem_slice(key.pem.as_bytes()).unwrap();
        self.verifier.public_key = Some((key.id, spki.as_ref().to_vec()));
    }

    async fn jsapi(&self, out_trade_no: &str, total: i64, notify_url: &str) -> Answer {
        let body = json!({
            "appid": "wxd678efh567hg6787", "mchid": self.mchid, "description": "Image形象店-深圳腾大-QQ公仔",
            "out_trade_no": out_trade_no, "notify_url": notify_url,
            "amount": {"total": total, "currency": "CNY"}, "payer": {"openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},
        });
        self.call("POST", "/v3/pay/transactions/jsapi", Some(&body))
            .await
    }
}

/// A notification as received: headers and body.
type Received = (HeaderMap, Vec<u8>);

/// A merchant's notification endpoint: records what arrives, answers the
/// queued statuses (then 204).
#[derive(Clone, Default)]
struct Receiver {
    got: Arc<Mutex<Vec<Received>>>,
    answers: Arc<Mutex<Vec<u16>>>,
}

impl Receiver {
    async fn start(&self) -> String {
        let me = self.clone();
        let app = axum::Router::new().route(
            "/notify",
            axum::routing::post(move |headers: HeaderMap, body: axum::body::Bytes| {
                let me = me.clone();
                async move {
                    me.got.lock().unwrap().push((headers, body.to_vec()));
                    let mut answers = me.answers.lock().unwrap();
                    let status = if answers.is_empty() {
                        204
                    } else {
                        answers.remove(0)
                    };
                    axum::http::StatusCode::from_u16(status).unwrap()
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        format!("http://{addr}/notify")
    }

    fn last(&self) -> Received {
        self.got
            .lock()
            .unwrap()
            .last()
            .cloned()
            .expect("a notification arrived")
    }
}

async fn sandbox_with(settings: PaySettings) -> Sandbox {
    let config = SandboxConfig::builder()
        .push_interval(None)
        .pay(settings)
        .build()
        .unwrap();
    Sandbox::start(config).await.unwrap()
}

async fn fast_sandbox() -> Sandbox {
    sandbox_with(
        PaySettings::builder()
            .retry_schedule([Duration::from_millis(50), Duration::from_millis(50)])
            .build()
            .unwrap(),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn order_pay_notify_query_refund_and_bill() {
    let sandbox = fast_sandbox().await;
    let mut m = Merchant::new(&sandbox);
    m.refresh_certificates().await;
    let receiver = Receiver::default();
    let url = receiver.start().await;

    let created = m.jsapi("1217752501201407033233368018", 100, &url).await;
    assert_eq!(created.status, 200);
    let prepay_id = created.json()["prepay_id"].as_str().unwrap().to_owned();
    assert!(prepay_id.starts_with("wx"));
    let again = m.jsapi("1217752501201407033233368018", 100, &url).await;
    assert_eq!(
        again.json()["prepay_id"],
        prepay_id.as_str(),
        "a repeat is the same order"
    );
    let clash = m.jsapi("1217752501201407033233368018", 101, &url).await;
    assert_eq!(
        (clash.status, clash.json()["code"].clone()),
        (403, json!("OUT_TRADE_NO_USED"))
    );
    let q = m
        .call(
            "GET",
            &format!(
                "/v3/pay/transactions/out-trade-no/1217752501201407033233368018?mchid={}",
                m.mchid
            ),
            None,
        )
        .await;
    assert_eq!(q.json()["trade_state"], "NOTPAY");

    let paid = sandbox
        .pay()
        .pay_order("1217752501201407033233368018")
        .unwrap();
    let record = sandbox
        .pay()
        .wait_for_notification(&paid.notification_id, WAIT)
        .await
        .unwrap();
    assert_eq!(record.delivery, Delivery::Delivered);
    let (headers, body) = receiver.last();
    m.verifier
        .verify(&headers, &body)
        .expect("the notification verifies");
    let note: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(note["event_type"], "TRANSACTION.SUCCESS");
    assert_eq!(note["resource_type"], "encrypt-resource");
    assert_eq!(note["id"], paid.notification_id.as_str());
    assert_eq!(note["resource"]["original_type"], "transaction");
    let transaction: Value = serde_json::from_slice(&open(&m.apiv3, &note["resource"])).unwrap();
    assert_eq!(transaction["trade_state"], "SUCCESS");
    assert_eq!(transaction["transaction_id"], paid.transaction_id.as_str());
    assert_eq!(transaction["amount"]["payer_total"], 100);
    assert_eq!(
        transaction["payer"]["openid"],
        "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"
    );

    let by_id = m
        .call(
            "GET",
            &format!(
                "/v3/pay/transactions/id/{}?mchid={}",
                paid.transaction_id, m.mchid
            ),
            None,
        )
        .await;
    assert_eq!(by_id.json()["out_trade_no"], "1217752501201407033233368018");
    let close = m
        .call(
            "POST",
            "/v3/pay/transactions/out-trade-no/1217752501201407033233368018/close",
            Some(&json!({"mchid": m.mchid})),
        )
        .await;
    assert_eq!(close.status, 403, "a paid order is not closed");

    let too_much = json!({"transaction_id": paid.transaction_id, "out_refund_no": "RF1217752501201407033233368018",
        "amount": {"refund": 101, "total": 100, "currency": "CNY"}});
    let refused = m
        .call("POST", "/v3/refund/domestic/refunds", Some(&too_much))
        .await;
    assert_eq!(
        (refused.status, refused.json()["code"].clone()),
        (400, json!("INVALID_REQUEST"))
    );
    let refund = json!({"out_trade_no": "1217752501201407033233368018", "out_refund_no": "RF1217752501201407033233368018",
        "notify_url": url, "amount": {"refund": 60, "total": 100, "currency": "CNY"}});
    let created = m
        .call("POST", "/v3/refund/domestic/refunds", Some(&refund))
        .await;
    assert_eq!(created.status, 200);
    assert_eq!(created.json()["status"], "PROCESSING");
    let second = json!({"out_trade_no": "1217752501201407033233368018", "out_refund_no": "RF2",
        "amount": {"refund": 41, "total": 100, "currency": "CNY"}});
    let second = m
        .call("POST", "/v3/refund/domestic/refunds", Some(&second))
        .await;
    assert_eq!(second.status, 400, "60 + 41 > 100");
    let deadline = tokio::time::Instant::now() + WAIT;
    let refund_note = loop {
        let found = receiver.got.lock().unwrap().iter().find_map(|(h, b)| {
            let v: Value = serde_json::from_slice(b).ok()?;
            (v["event_type"] == "REFUND.SUCCESS").then(|| (h.clone(), b.clone(), v))
        });
        if let Some(found) = found {
            break found;
        }
        assert!(tokio::time::Instant::now() < deadline, "no REFUND.SUCCESS");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    m.verifier.verify(&refund_note.0, &refund_note.1).unwrap();
    let refund_resource: Value =
        serde_json::from_slice(&open(&m.apiv3, &refund_note.2["resource"])).unwrap();
    assert_eq!(refund_resource["refund_status"], "SUCCESS");
    assert_eq!(refund_resource["amount"]["refund"], 60);
    let queried = m
        .call(
            "GET",
            "/v3/refund/domestic/refunds/RF1217752501201407033233368018",
            None,
        )
        .await;
    assert_eq!(queried.json()["status"], "SUCCESS");
    let missing = m
        .call("GET", "/v3/refund/domestic/refunds/NOSUCHREFUND", None)
        .await;
    assert_eq!(
        (missing.status, missing.json()["code"].clone()),
        (404, json!("RESOURCE_NOT_EXISTS"))
    );

    let today = time_today();
    for (path, gzip) in [
        ("/v3/bill/tradebill", false),
        ("/v3/bill/tradebill", true),
        ("/v3/bill/fundflowbill", false),
    ] {
        let tar = if gzip { "&tar_type=GZIP" } else { "" };
        let bill = m
            .call("GET", &format!("{path}?bill_date={today}{tar}"), None)
            .await;
        assert_eq!(bill.status, 200, "{}", String::from_utf8_lossy(&bill.body));
        let bill = bill.json();
        assert_eq!(bill["hash_type"], "SHA1");
        let url = bill["download_url"].as_str().unwrap();
        let path_query = &url[m.base.len()..];
        let file = m.send("GET", path_query, None, None, &[]).await;
        assert_eq!(file.status, 200);
        assert!(
            !file.headers.contains_key("wechatpay-signature"),
            "downloads are not signed"
        );
        let plain = if gzip {
            let mut out = Vec::new();
            flate2::read::GzDecoder::new(&file.body[..])
                .read_to_end(&mut out)
                .unwrap();
            out
        } else {
            file.body.clone()
        };
        assert_eq!(
            hex::encode(Sha1::digest(&plain)),
            bill["hash_value"].as_str().unwrap()
        );
        let text = String::from_utf8(plain).unwrap();
        assert!(
            text.contains(if path.contains("fund") {
                "`1.00"
            } else {
                "`1217752501201407033233368018"
            }),
            "{text}"
        );
    }
    let none = m
        .call("GET", "/v3/bill/tradebill?bill_date=2001-01-01", None)
        .await;
    assert_eq!(none.json()["code"], "NO_STATEMENT_EXIST");

    let calls = sandbox.pay().calls().unwrap();
    let jsapi = calls
        .iter()
        .find(|c| c.path == "/v3/pay/transactions/jsapi")
        .unwrap();
    assert!(
        jsapi
            .header("authorization")
            .unwrap()
            .starts_with("WECHATPAY2-SHA256-RSA2048 ")
    );
    assert!(jsapi.body.contains("1217752501201407033233368018"));
}

fn time_today() -> String {
    // China time, as bills are dated
    let secs = now() + 8 * 3600;
    let days = secs.div_euclid(86_400);
    // civil-from-days (Howard Hinnant)
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{d:02}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_request_signatures_are_refused_with_sign_error() {
    let sandbox = fast_sandbox().await;
    let mut m = Merchant::new(&sandbox);
    m.refresh_certificates().await;
    let url = "/v3/certificates";
    let stale = m.authorization("GET", url, "", now() - 600);
    let other_url = m.authorization("GET", "/v3/certificates?x=1", "", now());
    let wrong_serial = m
        .authorization("GET", url, "", now())
        .replace(&m.serial, "0123456789ABCDEF");
    let tampered = {
        let good = m.authorization("GET", url, "", now());
        let at = good.find("signature=\"").unwrap() + 11;
        let mut bytes = good.into_bytes();
        bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
        String::from_utf8(bytes).unwrap()
    };
    for (what, auth) in [
        ("stale", stale),
        ("other url", other_url),
        ("serial", wrong_serial),
        ("tampered", tampered),
        ("garbage", "Bearer x".to_owned()),
    ] {
        let answer = m.send("GET", url, None, Some(auth), &[]).await;
        assert_eq!(answer.status, 401, "{what}");
        assert_eq!(answer.json()["code"], "SIGN_ERROR", "{what}");
        m.verifier
            .verify(&answer.headers, &answer.body)
            .expect("refusals are signed too");
    }
    let body = json!({"mchid": m.mchid});
    let signed_for_other_body = m.authorization(
        "POST",
        "/v3/pay/transactions/out-trade-no/ABCDEF1/close",
        "{}",
        now(),
    );
    let answer = m
        .send(
            "POST",
            "/v3/pay/transactions/out-trade-no/ABCDEF1/close",
            Some(&body),
            Some(signed_for_other_body),
            &[],
        )
        .await;
    assert_eq!(answer.status, 401, "the body is signed");
    let unpaid = m
        .call(
            "POST",
            "/v3/pay/transactions/out-trade-no/ABCDEF1/close",
            Some(&body),
        )
        .await;
    assert_eq!(
        (unpaid.status, unpaid.json()["code"].clone()),
        (404, json!("ORDER_NOT_EXIST"))
    );
    let fractional = json!({"appid": "wx1", "mchid": m.mchid, "description": "d", "out_trade_no": "ABCDEF2",
        "notify_url": "https://example.com/n", "amount": {"total": 1.5}});
    let answer = m
        .call("POST", "/v3/pay/transactions/native", Some(&fractional))
        .await;
    assert_eq!(
        (answer.status, answer.json()["code"].clone()),
        (400, json!("PARAM_ERROR"))
    );
    let calls = sandbox.pay().calls().unwrap();
    assert_eq!(
        calls
            .iter()
            .filter(|c| c.error_code.as_deref() == Some("SIGN_ERROR"))
            .count(),
        6
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotated_certificate_is_listed_before_it_signs() {
    let sandbox = fast_sandbox().await;
    let mut m = Merchant::new(&sandbox);
    let first = m.refresh_certificates().await;
    assert_eq!(first.len(), 1);
    let new = sandbox.pay().rotate_certificate().unwrap();
    // a client that has not refreshed yet still verifies: the old one signs
    let answer = m.call("GET", "/v3/certificates", None).await;
    assert_eq!(answer.headers["wechatpay-serial"], first[0].as_str());
    let listed = m.refresh_certificates().await;
    assert_eq!(
        listed,
        vec![new.clone(), first[0].clone()],
        "the new one first"
    );
    sandbox.pay().complete_rotation().unwrap();
    let answer = m.call("GET", "/v3/certificates", None).await;
    assert_eq!(answer.headers["wechatpay-serial"], new.as_str());

    // a client that never refreshed meets an unknown serial
    let stale = Merchant::new(&sandbox);
    let mut stale = stale;
    stale
        .verifier
        .certificates
        .insert(first[0].clone(), m.verifier.certificates[&first[0]].clone());
    let answer = stale.send("GET", "/v3/certificates", None, None, &[]).await;
    assert!(
        stale
            .verifier
            .verify(&answer.headers, &answer.body)
            .unwrap_err()
            .contains("unknown serial")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_key_mode_and_the_migration() {
    let sandbox = fast_sandbox().await;
    let mut m = Merchant::new(&sandbox);
    m.refresh_certificates().await;
    sandbox.pay().set_key_mode(KeyMode::Both).unwrap();
    let mut seen = Vec::new();
    for _ in 0..4 {
        let answer = m.send("GET", "/v3/certificates", None, None, &[]).await;
        seen.push(
            answer.headers["wechatpay-serial"]
                .to_str()
                .unwrap()
                .to_owned(),
        );
    }
    assert!(
        seen.iter().any(|s| s.starts_with("PUB_KEY_ID_")),
        "{seen:?}"
    );
    assert!(
        seen.iter().any(|s| !s.starts_with("PUB_KEY_ID_")),
        "{seen:?}"
    );
    m.trust_public_key(&sandbox);
    for _ in 0..4 {
        m.call("GET", "/v3/certificates", None).await;
    }
    sandbox.pay().set_key_mode(KeyMode::PublicKey).unwrap();
    let only_key = Merchant::new(&sandbox);
    let mut only_key = only_key;
    only_key.trust_public_key(&sandbox);
    let answer = only_key.call("GET", "/v3/certificates", None).await;
    assert!(
        answer.headers["wechatpay-serial"]
            .to_str()
            .unwrap()
            .starts_with("PUB_KEY_ID_")
    );
    assert_eq!(
        answer.json()["data"],
        json!([]),
        "no platform certificate for a public-key merchant"
    );

    // sensitive fields encrypted with the public key, named by its id
    let receiver = Receiver::default();
    let url = receiver.start().await;
    sandbox
        .pay()
        .set_refund_outcome(Some(RefundOutcome::Abnormal))
        .unwrap();
    only_key.jsapi("ABNORMAL0001", 50, &url).await;
    sandbox.pay().pay_order("ABNORMAL0001").unwrap();
    let refund = json!({"out_trade_no": "ABNORMAL0001", "out_refund_no": "RFABNORMAL0001", "notify_url": url,
        "amount": {"refund": 50, "total": 50, "currency": "CNY"}});
    let created = only_key
        .call("POST", "/v3/refund/domestic/refunds", Some(&refund))
        .await
        .json();
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let q = only_key
            .call("GET", "/v3/refund/domestic/refunds/RFABNORMAL0001", None)
            .await
            .json();
        if q["status"] == "ABNORMAL" {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let key = sandbox.pay().public_key().unwrap();
    let spki = SubjectPublicKeyInfoDer::from_pem_slice(key.pem.as_bytes()).unwrap();
    let apply = format!(
        "/v3/refund/domestic/refunds/{}/apply-abnormal-refund",
        created["refund_id"].as_str().unwrap()
    );
    let plaintext = json!({"out_refund_no": "RFABNORMAL0001", "type": "USER_BANK_CARD", "bank_type": "ICBC_DEBIT",
        "bank_account": "6214830000001234", "real_name": "张三"});
    let text = plaintext.to_string();
    let auth = only_key.authorization("POST", &apply, &text, now());
    let refused = only_key
        .send(
            "POST",
            &apply,
            Some(&plaintext),
            Some(auth),
            &[("wechatpay-serial", &key.id)],
        )
        .await;
    assert_eq!(
        (refused.status, refused.json()["code"].clone()),
        (400, json!("PARAM_ERROR")),
        "plaintext is refused"
    );
    let encrypted = json!({"out_refund_no": "RFABNORMAL0001", "type": "USER_BANK_CARD", "bank_type": "ICBC_DEBIT",
        "bank_account": oaep(spki.as_ref(), "6214830000001234"), "real_name": oaep(spki.as_ref(), "张三")});
    let text = encrypted.to_string();
    let auth = only_key.authorization("POST", &apply, &text, now());
    let accepted = only_key
        .send(
            "POST",
            &apply,
            Some(&encrypted),
            Some(auth),
            &[("wechatpay-serial", &key.id)],
        )
        .await;
    assert_eq!(
        accepted.status,
        200,
        "{}",
        String::from_utf8_lossy(&accepted.body)
    );
    assert_eq!(
        accepted.json()["user_received_account"],
        "用户银行卡尾号1234"
    );
    let events: Vec<String> = sandbox
        .pay()
        .notifications()
        .unwrap()
        .iter()
        .map(|n| n.event_type.clone())
        .collect();
    assert!(events.contains(&"REFUND.ABNORMAL".to_owned()), "{events:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_is_caught_by_a_verifying_client() {
    let sandbox = fast_sandbox().await;
    let mut m = Merchant::new(&sandbox);
    m.refresh_certificates().await;
    let pay = sandbox.pay();
    for (fault, expect) in [
        (PayFault::bad_signature(), "bad signature"),
        (PayFault::unknown_serial(), "unknown serial"),
        (PayFault::signature_probe(), "signature probe"),
    ] {
        pay.inject(fault.on("/v3/certificates")).unwrap();
        let answer = m.send("GET", "/v3/certificates", None, None, &[]).await;
        assert_eq!(answer.status, 200);
        let error = m
            .verifier
            .verify(&answer.headers, &answer.body)
            .unwrap_err();
        assert!(error.contains(expect), "{error}");
    }
    pay.inject(PayFault::server_error(503).times(2)).unwrap();
    for _ in 0..2 {
        let answer = m.call("GET", "/v3/certificates", None).await;
        assert_eq!(
            (answer.status, answer.json()["code"].clone()),
            (503, json!("SYSTEM_ERROR"))
        );
    }
    pay.inject(PayFault::latency(Duration::from_millis(300)))
        .unwrap();
    let started = std::time::Instant::now();
    m.call("GET", "/v3/certificates", None).await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(pay.pending_faults().unwrap(), 0);

    // notifications: a probe, then retries until accepted
    let receiver = Receiver::default();
    let url = receiver.start().await;
    *receiver.answers.lock().unwrap() = vec![500, 500];
    pay.inject(PayFault::signature_probe().on_notifications())
        .unwrap();
    m.jsapi("FAULTS000001", 1, &url).await;
    let paid = pay.pay_order("FAULTS000001").unwrap();
    let record = pay
        .wait_for_notification(&paid.notification_id, WAIT)
        .await
        .unwrap();
    assert_eq!(record.delivery, Delivery::Delivered);
    assert_eq!(record.attempts, vec!["500", "500", "204"]);
    let got = receiver.got.lock().unwrap().clone();
    assert_eq!(got.len(), 3);
    assert!(
        m.verifier
            .verify(&got[0].0, &got[0].1)
            .unwrap_err()
            .contains("probe")
    );
    m.verifier.verify(&got[2].0, &got[2].1).unwrap();
    let ids: Vec<Value> = got
        .iter()
        .map(|(_, b)| serde_json::from_slice::<Value>(b).unwrap()["id"].clone())
        .collect();
    assert!(
        ids.iter().all(|id| *id == ids[0]),
        "a retry is the same notification"
    );

    *receiver.answers.lock().unwrap() = vec![500, 502, 503];
    m.jsapi("FAULTS000002", 1, &url).await;
    let paid = pay.pay_order("FAULTS000002").unwrap();
    let record = pay
        .wait_for_notification(&paid.notification_id, WAIT)
        .await
        .unwrap();
    assert_eq!(
        record.delivery,
        Delivery::GivenUp,
        "the schedule has two retries"
    );
    assert_eq!(record.attempts, vec!["500", "502", "503"]);
}
