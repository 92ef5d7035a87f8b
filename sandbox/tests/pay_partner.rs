//! The sandbox as WeChat Pay for a service provider, driven by the
//! library's own WeChat Pay side (`wechat_api::pay::WechatPay`): requests
//! signed with its `RequestSigner`, sent with reqwest, every answer verified
//! with its verifier before it is read, sensitive fields encrypted with its
//! `encrypt_sensitive`, notifications verified and decrypted with
//! `verify_and_decrypt`, the complainant's phone read with
//! `decrypt_sensitive`.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::HeaderMap;
use serde_json::{Value, json};
use wechat_api::pay::{EventType, Notification, PayConfig, WechatPay};
use wechat_sandbox::pay::{
    ApplymentState, ApplymentStep, AuditRejection, ComplaintSpec, Delivery, KeyMode, PaySettings,
    TransferOutcome,
};
use wechat_sandbox::{Sandbox, SandboxConfig};

const WAIT: Duration = Duration::from_secs(30);
const SP_APPID: &str = "wx8888888888888888";
const SUB_APPID: &str = "wx8888888888888889";

/// A PNG's first bytes and some more: what WeChat reads as a PNG.
fn png(tag: &str) -> Vec<u8> {
    let mut b = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    b.extend_from_slice(tag.as_bytes());
    b
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, bytes))
}

struct Answer {
    status: u16,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    fn code(&self) -> String {
        self.json()["code"].as_str().unwrap_or_default().to_owned()
    }
}

/// The service provider's side: the library's `WechatPay` and reqwest.
struct Sp {
    pay: WechatPay,
    http: reqwest::Client,
    base: String,
    mchid: String,
}

impl Sp {
    async fn new(sandbox: &Sandbox) -> Self {
        sandbox.pay().set_key_mode(KeyMode::PublicKey).unwrap();
        let creds = sandbox.pay().merchant().unwrap();
        let key = sandbox.pay().public_key().unwrap();
        let base = sandbox.base_url().as_str().trim_end_matches('/').to_owned();
        let config = PayConfig::builder()
            .mchid(creds.mchid())
            .merchant_serial(creds.serial())
            .private_key_pem(creds.private_key_pem().unwrap().as_bytes().to_vec())
            .apiv3_key(creds.apiv3_key())
            .public_key_pem(key.id, key.pem.into_bytes())
            .base_url(&base)
            .build()
            .unwrap();
        Sp {
            pay: WechatPay::new(config).unwrap(),
            http: reqwest::Client::new(),
            base,
            mchid: creds.mchid().to_owned(),
        }
    }

    /// Sends a signed request; the answer must verify with the library.
    async fn send_raw(
        &self,
        method: &str,
        url: &str,
        content_type: Option<String>,
        body: Vec<u8>,
        signed_body: &str,
        serial: Option<&str>,
    ) -> Answer {
        let auth = self.pay.authorization(method, url, signed_body).unwrap();
        let mut request = self
            .http
            .request(method.parse().unwrap(), format!("{}{url}", self.base))
            .header("authorization", auth)
            .header("accept", "application/json")
            .header("user-agent", "pay_partner-test");
        if let Some(ct) = content_type {
            request = request.header("content-type", ct).body(body);
        }
        if let Some(serial) = serial {
            request = request.header("wechatpay-serial", serial);
        }
        let answer = request.send().await.unwrap();
        let status = answer.status().as_u16();
        let headers = answer.headers().clone();
        let body = answer.bytes().await.unwrap().to_vec();
        self.pay
            .verify_answer(&headers, &body)
            .await
            .unwrap_or_else(|e| panic!("{method} {url}: answer not verified: {e}"));
        Answer { status, body }
    }

    async fn send(
        &self,
        method: &str,
        url: &str,
        body: Option<&Value>,
        serial: Option<&str>,
    ) -> Answer {
        let text = body.map(Value::to_string).unwrap_or_default();
        let ct = body.map(|_| "application/json".to_owned());
        self.send_raw(method, url, ct, text.clone().into_bytes(), &text, serial)
            .await
    }

    async fn get(&self, url: &str) -> Answer {
        self.send("GET", url, None, None).await
    }

    async fn post(&self, url: &str, body: &Value) -> Answer {
        self.send("POST", url, Some(body), None).await
    }

    /// Encrypts a sensitive field with WeChat Pay's key.
    fn seal(&self, text: &str) -> (String, String) {
        let field = self.pay.encrypt_sensitive(text).unwrap();
        (field.ciphertext, field.serial)
    }

    /// A multipart upload, signed over its `meta` JSON.
    async fn upload_with(&self, path: &str, filename: &str, file: &[u8], sha: &str) -> Answer {
        let meta = json!({"filename": filename, "sha256": sha}).to_string();
        let boundary = "----partner-test-boundary";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n{meta}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: image/png\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(file);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        self.send_raw(
            "POST",
            path,
            Some(format!("multipart/form-data; boundary={boundary}")),
            body,
            &meta,
            None,
        )
        .await
    }

    async fn upload(&self, path: &str, filename: &str, file: &[u8]) -> String {
        let answer = self
            .upload_with(path, filename, file, &sha256_hex(file))
            .await;
        assert_eq!(
            answer.status,
            200,
            "{}",
            String::from_utf8_lossy(&answer.body)
        );
        answer.json()["media_id"].as_str().unwrap().to_owned()
    }
}

/// A notification as received: headers and body.
type Received = (HeaderMap, Vec<u8>);

/// A notification endpoint: records what arrives, answers 204.
#[derive(Clone, Default)]
struct Receiver {
    got: Arc<Mutex<Vec<Received>>>,
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
                    axum::http::StatusCode::NO_CONTENT
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

    /// Waits for notification `id` to be delivered, then verifies and
    /// decrypts what arrived with the library.
    async fn verified(&self, sandbox: &Sandbox, sp: &Sp, id: &str) -> (Notification, Value) {
        let record = sandbox
            .pay()
            .wait_for_notification(id, WAIT)
            .await
            .expect("the notification was delivered in time");
        assert_eq!(record.delivery, Delivery::Delivered, "{record:?}");
        let (headers, body) = self
            .got
            .lock()
            .unwrap()
            .iter()
            .find(|(_, b)| serde_json::from_slice::<Value>(b).is_ok_and(|v| v["id"] == id))
            .cloned()
            .expect("the notification arrived");
        let note = sp.pay.verify_and_decrypt(&headers, &body).await.unwrap();
        let resource: Value = note.resource().unwrap();
        (note, resource)
    }

    /// The last delivered notification of `event_type`.
    async fn last_of(&self, sandbox: &Sandbox, sp: &Sp, event_type: &str) -> (Notification, Value) {
        let deadline = Instant::now() + WAIT;
        loop {
            let id = sandbox
                .pay()
                .notifications()
                .unwrap()
                .iter()
                .rev()
                .find(|n| n.event_type == event_type)
                .map(|n| n.id.clone());
            if let Some(id) = id {
                return self.verified(sandbox, sp, &id).await;
            }
            assert!(Instant::now() < deadline, "no {event_type} notification");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

async fn sandbox() -> Sandbox {
    let settings = PaySettings::builder()
        .retry_schedule([Duration::from_millis(50), Duration::from_millis(50)])
        .build()
        .unwrap();
    let config = SandboxConfig::builder()
        .push_interval(None)
        .pay(settings)
        .build()
        .unwrap();
    Sandbox::start(config).await.unwrap()
}

/// The personal data of the onboarding, in plaintext (the test's side).
const CONTACT_NAME: &str = "张三";
const ID_NUMBER: &str = "11010519491231002X";
const PHONE: &str = "13800138000";
const EMAIL: &str = "zhangsan@example.com";
const ACCOUNT_NUMBER: &str = "6214830000001234";

/// An `applyment4sub` body for an individual business, every sensitive
/// field sealed by `seal`.
fn applyment_body(
    business_code: &str,
    images: &[String; 3],
    seal: &dyn Fn(&str) -> String,
) -> Value {
    json!({
        "business_code": business_code,
        "contact_info": {
            "contact_type": "LEGAL",
            "contact_name": seal(CONTACT_NAME),
            "mobile_phone": seal(PHONE),
            "contact_email": seal(EMAIL),
        },
        "subject_info": {
            "subject_type": "SUBJECT_TYPE_INDIVIDUAL",
            "business_license_info": {
                "license_copy": images[2], "license_number": "914201123033363296",
                "merchant_name": "张三的小店", "legal_person": CONTACT_NAME,
            },
            "identity_info": {
                "id_holder_type": "LEGAL",
                "id_doc_type": "IDENTIFICATION_TYPE_IDCARD",
                "id_card_info": {
                    "id_card_copy": images[0], "id_card_national": images[1],
                    "id_card_name": seal(CONTACT_NAME), "id_card_number": seal(ID_NUMBER),
                    "id_card_address": seal("北京市海淀区"),
                    "card_period_begin": "2019-06-06", "card_period_end": "2039-06-06",
                },
                "owner": true,
            },
        },
        "business_info": {
            "merchant_shortname": "张三小店", "service_phone": "0758XXXXX",
            "sales_info": {
                "sales_scenes_type": ["SALES_SCENES_MINI_PROGRAM"],
                "mini_program_info": {"mini_program_appid": SP_APPID, "mini_program_sub_appid": SUB_APPID},
            },
        },
        "settlement_info": {"settlement_id": "719", "qualification_type": "餐饮"},
        "bank_account_info": {
            "bank_account_type": "BANK_ACCOUNT_TYPE_PERSONAL",
            "account_name": seal(CONTACT_NAME), "account_bank": "工商银行",
            "bank_address_code": "110000", "account_number": seal(ACCOUNT_NUMBER),
        },
    })
}

/// Uploads the three images onboarding needs.
async fn images(sp: &Sp) -> [String; 3] {
    [
        sp.upload("/v3/merchant/media/upload", "id_front.png", &png("front"))
            .await,
        sp.upload("/v3/merchant/media/upload", "id_back.png", &png("back"))
            .await,
        sp.upload("/v3/merchant/media/upload", "license.png", &png("license"))
            .await,
    ]
}

/// Onboards a sub-merchant to the end; answers its `sub_mchid`.
async fn onboard(sandbox: &Sandbox, sp: &Sp, business_code: &str) -> String {
    let images = images(sp).await;
    let serial = sp.seal("x").1;
    let body = applyment_body(business_code, &images, &|t| sp.seal(t).0);
    let answer = sp
        .send(
            "POST",
            "/v3/applyment4sub/applyment/",
            Some(&body),
            Some(&serial),
        )
        .await;
    assert_eq!(
        answer.status,
        200,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    let id = answer.json()["applyment_id"].as_u64().unwrap();
    for step in [
        ApplymentStep::Audit,
        ApplymentStep::RequireSignature,
        ApplymentStep::Sign,
    ] {
        sandbox.pay().advance_applyment(id, step).unwrap();
    }
    let done = sandbox
        .pay()
        .advance_applyment(id, ApplymentStep::Finish)
        .unwrap();
    assert_eq!(done.state, ApplymentState::Finished);
    done.sub_mchid.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn onboard_order_pay_share_refund_and_answer_a_complaint() {
    let started = Instant::now();
    let mut steps: Vec<(&str, Duration)> = Vec::new();
    let mut lap = Instant::now();
    let mut step = |name: &'static str| {
        steps.push((name, lap.elapsed()));
        lap = Instant::now();
    };
    let sandbox = sandbox().await;
    let sp = Sp::new(&sandbox).await;
    let receiver = Receiver::default();
    let url = receiver.start().await;
    step("sandbox started, its RSA keys generated (debug build)");

    // 1. Onboard: upload the ID images, submit with encrypted fields.
    let images = images(&sp).await;
    let mut clip = b"....ftypmp42".to_vec();
    clip.resize(3 << 20, 0);
    let video = sp
        .upload("/v3/merchant/media/video_upload", "promo.mp4", &clip)
        .await;
    assert!(
        !video.is_empty(),
        "a 3 MB video is under WeChat's 5 MB limit"
    );
    clip.resize(6 << 20, 0);
    let too_big = sp
        .upload_with(
            "/v3/merchant/media/video_upload",
            "promo.mp4",
            &clip,
            &sha256_hex(&clip),
        )
        .await;
    assert_eq!(
        (too_big.status, too_big.code().as_str()),
        (400, "PARAM_ERROR")
    );
    let serial = sp.seal("x").1;
    let body = applyment_body("1230000109_e2e_0001", &images, &|t| sp.seal(t).0);
    let submitted = sp
        .send(
            "POST",
            "/v3/applyment4sub/applyment/",
            Some(&body),
            Some(&serial),
        )
        .await;
    assert_eq!(
        submitted.status,
        200,
        "{}",
        String::from_utf8_lossy(&submitted.body)
    );
    let applyment_id = submitted.json()["applyment_id"].as_u64().unwrap();
    let wire = sandbox
        .pay()
        .calls()
        .unwrap()
        .into_iter()
        .rev()
        .find(|c| c.path.starts_with("/v3/applyment4sub"))
        .unwrap();
    // (the name also appears where WeChat wants it in the clear: the
    // license's legal person)
    for secret in [ID_NUMBER, PHONE, EMAIL, ACCOUNT_NUMBER, "北京市海淀区"] {
        assert!(
            !wire.body.contains(secret),
            "{secret} went out in plaintext"
        );
    }
    assert_eq!(wire.header("wechatpay-serial"), Some(serial.as_str()));
    step("onboarding submitted (3 images, a 3 MB video, encrypted fields)");

    let query = sp
        .get("/v3/applyment4sub/applyment/business_code/1230000109_e2e_0001")
        .await;
    assert_eq!(
        query.json()["applyment_state"],
        "APPLYMENT_STATE_WAITTING_FOR_AUDIT"
    );
    assert_eq!(query.json()["applyment_id"], applyment_id);
    for (step_taken, state) in [
        (ApplymentStep::Audit, "APPLYMENT_STATE_AUDITING"),
        (
            ApplymentStep::RequireAccountVerification,
            "APPLYMENT_STATE_TO_BE_CONFIRMED",
        ),
        (
            ApplymentStep::RequireSignature,
            "APPLYMENT_STATE_TO_BE_SIGNED",
        ),
        (ApplymentStep::Sign, "APPLYMENT_STATE_SIGNING"),
    ] {
        sandbox
            .pay()
            .advance_applyment(applyment_id, step_taken)
            .unwrap();
        let q = sp
            .get(&format!(
                "/v3/applyment4sub/applyment/applyment_id/{applyment_id}"
            ))
            .await;
        assert_eq!(q.json()["applyment_state"], state);
        assert!(
            q.json()["sign_url"]
                .as_str()
                .unwrap()
                .starts_with("https://")
        );
        assert!(q.json().get("sub_mchid").is_none());
    }
    assert!(
        sandbox
            .pay()
            .advance_applyment(applyment_id, ApplymentStep::Audit)
            .is_err(),
        "a step the state does not allow is refused"
    );
    let finished = sandbox
        .pay()
        .advance_applyment(applyment_id, ApplymentStep::Finish)
        .unwrap();
    let sub = finished.sub_mchid.unwrap();
    let q = sp
        .get(&format!(
            "/v3/applyment4sub/applyment/applyment_id/{applyment_id}"
        ))
        .await;
    assert_eq!(q.json()["applyment_state"], "APPLYMENT_STATE_FINISHED");
    assert_eq!(q.json()["sub_mchid"], sub.as_str());
    let settlement = sp
        .get(&format!("/v3/apply4sub/sub_merchants/{sub}/settlement"))
        .await;
    assert_eq!(settlement.json()["account_number"], "***************1234");
    assert_eq!(settlement.json()["account_type"], "ACCOUNT_TYPE_PRIVATE");
    let (number, serial) = sp.seal("6228480000005678");
    let modified = sp
        .send(
            "POST",
            &format!("/v3/apply4sub/sub_merchants/{sub}/modify-settlement"),
            Some(
                &json!({"account_type": "ACCOUNT_TYPE_PRIVATE", "account_bank": "农业银行",
                "bank_address_code": "110000", "account_number": number,
                "account_name": sp.seal(CONTACT_NAME).0}),
            ),
            Some(&serial),
        )
        .await;
    assert_eq!(
        modified.status,
        200,
        "{}",
        String::from_utf8_lossy(&modified.body)
    );
    let no = modified.json()["application_no"]
        .as_str()
        .unwrap()
        .to_owned();
    let app = sp
        .get(&format!(
            "/v3/apply4sub/sub_merchants/{sub}/application/{no}"
        ))
        .await;
    assert_eq!(app.json()["verify_result"], "AUDIT_SUCCESS");
    assert_eq!(app.json()["account_name"], "张*");
    let settlement = sp
        .get(&format!("/v3/apply4sub/sub_merchants/{sub}/settlement"))
        .await;
    assert_eq!(settlement.json()["account_number"], "***************5678");
    step("onboarding driven to FINISHED, settlement account modified");

    // 2. Order for it, then pay.
    let order = json!({
        "sp_appid": SP_APPID, "sp_mchid": sp.mchid, "sub_appid": SUB_APPID, "sub_mchid": sub,
        "description": "Image形象店-深圳腾大-QQ公仔", "out_trade_no": "1217752501201407033233368018",
        "notify_url": url, "settle_info": {"profit_sharing": true},
        "amount": {"total": 1000, "currency": "CNY"}, "payer": {"sub_openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},
    });
    let created = sp.post("/v3/pay/partner/transactions/jsapi", &order).await;
    assert_eq!(
        created.status,
        200,
        "{}",
        String::from_utf8_lossy(&created.body)
    );
    let prepay_id = created.json()["prepay_id"].as_str().unwrap().to_owned();
    let params = sp.pay.jsapi_params(SUB_APPID, &prepay_id).unwrap();
    assert_eq!(params.package, format!("prepay_id={prepay_id}"));
    let paid = sandbox
        .pay()
        .pay_partner_order(&sub, "1217752501201407033233368018")
        .unwrap();
    let (note, t) = receiver
        .verified(&sandbox, &sp, &paid.notification_id)
        .await;
    assert_eq!(note.event_type, EventType::TransactionSuccess);
    assert_eq!(note.original_type, "transaction");
    assert_eq!(
        (
            t["sp_mchid"].as_str(),
            t["sub_mchid"].as_str(),
            t["sub_appid"].as_str()
        ),
        (Some(sp.mchid.as_str()), Some(sub.as_str()), Some(SUB_APPID))
    );
    assert_eq!(t["trade_state"], "SUCCESS");
    assert_eq!(t["payer"]["sub_openid"], "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o");
    assert_eq!(t["amount"]["total"], 1000);
    let tid = paid.transaction_id.clone();
    let by_id = sp
        .get(&format!(
            "/v3/pay/partner/transactions/id/{tid}?sp_mchid={}&sub_mchid={sub}",
            sp.mchid
        ))
        .await;
    assert_eq!(by_id.json()["trade_state"], "SUCCESS");
    let by_no = sp
        .get(&format!(
            "/v3/pay/partner/transactions/out-trade-no/1217752501201407033233368018?sp_mchid={}&sub_mchid={sub}",
            sp.mchid
        ))
        .await;
    assert_eq!(by_no.json()["transaction_id"], tid.as_str());
    step("partner JSAPI order paid, TRANSACTION.SUCCESS verified and decrypted");

    // 3. Share profit to a receiver: the service provider itself.
    sandbox
        .pay()
        .set_profit_sharing_notify_url(&sp.mchid, &url)
        .unwrap();
    let (name, serial) = sp.seal("示例服务商有限公司");
    let added = sp
        .send(
            "POST",
            "/v3/profitsharing/receivers/add",
            Some(
                &json!({"sub_mchid": sub, "appid": SP_APPID, "type": "MERCHANT_ID",
                "account": sp.mchid, "name": name, "relation_type": "SERVICE_PROVIDER"}),
            ),
            Some(&serial),
        )
        .await;
    assert_eq!(
        added.status,
        200,
        "{}",
        String::from_utf8_lossy(&added.body)
    );
    let echoed = added.json()["name"].as_str().unwrap().to_owned();
    assert_eq!(
        sp.pay
            .decrypt_sensitive(&echoed)
            .map(|s| {
                use secrecy::ExposeSecret as _;
                s.expose_secret().to_owned()
            })
            .unwrap(),
        "示例服务商有限公司",
        "the receiver's name comes back encrypted with the merchant key"
    );
    let amounts = sp
        .get(&format!("/v3/profitsharing/transactions/{tid}/amounts"))
        .await;
    assert_eq!(amounts.json()["unsplit_amount"], 1000);
    let share = json!({"sub_mchid": sub, "appid": SP_APPID, "transaction_id": tid,
        "out_order_no": "P20150806125346", "unfreeze_unsplit": false,
        "receivers": [{"type": "MERCHANT_ID", "account": sp.mchid, "amount": 300, "description": "服务费"}]});
    let shared = sp.post("/v3/profitsharing/orders", &share).await;
    assert_eq!(
        shared.status,
        200,
        "{}",
        String::from_utf8_lossy(&shared.body)
    );
    assert_eq!(shared.json()["state"], "PROCESSING");
    assert_eq!(shared.json()["receivers"][0]["result"], "PENDING");
    let q = sp
        .get(&format!(
            "/v3/profitsharing/orders/P20150806125346?sub_mchid={sub}&transaction_id={tid}"
        ))
        .await;
    assert_eq!(q.json()["state"], "FINISHED");
    assert_eq!(q.json()["receivers"][0]["result"], "SUCCESS");
    let (note, moved) = receiver
        .last_of(&sandbox, &sp, "PROFITSHARING.SUCCESS")
        .await;
    assert_eq!(note.original_type, "profitsharing");
    assert_eq!(moved["receiver"]["amount"], 300);
    assert_eq!(moved["sub_mchid"], sub.as_str());
    let amounts = sp
        .get(&format!("/v3/profitsharing/transactions/{tid}/amounts"))
        .await;
    assert_eq!(amounts.json()["unsplit_amount"], 700);
    step("30% shared to the service provider, PROFITSHARING.SUCCESS verified");

    // 4. Refund the rest.
    let refund = sp
        .post(
            "/v3/refund/domestic/refunds",
            &json!({"sub_mchid": sub, "transaction_id": tid, "out_refund_no": "1217752501201407033233368999",
                "amount": {"refund": 700, "total": 1000, "currency": "CNY"}}),
        )
        .await;
    assert_eq!(
        refund.status,
        200,
        "{}",
        String::from_utf8_lossy(&refund.body)
    );
    assert_eq!(refund.json()["status"], "PROCESSING");
    let (note, r) = receiver.last_of(&sandbox, &sp, "REFUND.SUCCESS").await;
    assert!(note.event_type.is_refund());
    assert_eq!(
        (
            r["sp_mchid"].as_str(),
            r["sub_mchid"].as_str(),
            r["amount"]["refund"].as_i64()
        ),
        (Some(sp.mchid.as_str()), Some(sub.as_str()), Some(700))
    );
    let q = sp
        .get(&format!(
            "/v3/refund/domestic/refunds/1217752501201407033233368999?sub_mchid={sub}"
        ))
        .await;
    assert_eq!(q.json()["status"], "SUCCESS");
    let amounts = sp
        .get(&format!("/v3/profitsharing/transactions/{tid}/amounts"))
        .await;
    assert_eq!(
        amounts.json()["unsplit_amount"],
        0,
        "nothing is left to share"
    );
    step("the rest refunded, REFUND.SUCCESS verified");

    // 5. A complaint arrives and is answered.
    let set = sp
        .post(
            "/v3/merchant-service/complaint-notifications",
            &json!({"url": url}),
        )
        .await;
    assert_eq!(set.json()["url"], url.as_str());
    assert_eq!(
        sp.get("/v3/merchant-service/complaint-notifications")
            .await
            .json()["mchid"],
        sp.mchid.as_str()
    );
    let opened = sandbox
        .pay()
        .open_complaint(
            ComplaintSpec::new(&tid, "商品与描述不符", "13900139000").refund_asked(1000),
        )
        .unwrap();
    let (note, c) = receiver
        .verified(&sandbox, &sp, &opened.notification_id.clone().unwrap())
        .await;
    assert_eq!(note.event_type.as_str(), "COMPLAINT.CREATE");
    assert_eq!(c["complaint_id"], opened.complaint_id.as_str());
    assert_eq!(c["action_type"], "CREATE_COMPLAINT");
    let today = q.json()["create_time"].as_str().unwrap()[..10].to_owned();
    let list = sp
        .get(&format!(
            "/v3/merchant-service/complaints-v2?begin_date={today}&end_date={today}&limit=10"
        ))
        .await;
    assert_eq!(list.json()["total_count"], 1);
    let id = &opened.complaint_id;
    let detail = sp
        .get(&format!("/v3/merchant-service/complaints-v2/{id}"))
        .await
        .json();
    assert_eq!(detail["complaint_state"], "PENDING");
    assert_eq!(detail["complainted_mchid"], sub.as_str());
    assert_eq!(
        detail["complaint_order_info"][0]["transaction_id"],
        tid.as_str()
    );
    let phone = detail["payer_phone"].as_str().unwrap();
    assert_ne!(phone, "13900139000");
    {
        use secrecy::ExposeSecret as _;
        assert_eq!(
            sp.pay.decrypt_sensitive(phone).unwrap().expose_secret(),
            "13900139000"
        );
    }
    let image_url = detail["complaint_media_list"][0]["media_url"][0]
        .as_str()
        .unwrap()
        .to_owned();
    let image_path = image_url.strip_prefix(&sp.base).unwrap();
    let image = sp.get(image_path).await;
    assert_eq!(image.status, 200);
    assert!(image.body.starts_with(&[0x89, b'P', b'N', b'G']));
    let reply_image = sp
        .upload(
            "/v3/merchant-service/images/upload",
            "reply.png",
            &png("reply"),
        )
        .await;
    let complete_early = sp
        .post(
            &format!("/v3/merchant-service/complaints-v2/{id}/complete"),
            &json!({"complainted_mchid": sub}),
        )
        .await;
    assert_eq!(
        (complete_early.status, complete_early.code().as_str()),
        (400, "INVALID_REQUEST")
    );
    let answered = sp
        .post(
            &format!("/v3/merchant-service/complaints-v2/{id}/response"),
            &json!({"complainted_mchid": sub, "response_content": "已为您全额退款", "response_images": [reply_image]}),
        )
        .await;
    assert_eq!(
        answered.status,
        204,
        "{}",
        String::from_utf8_lossy(&answered.body)
    );
    let completed = sp
        .post(
            &format!("/v3/merchant-service/complaints-v2/{id}/complete"),
            &json!({"complainted_mchid": sub}),
        )
        .await;
    assert_eq!(completed.status, 204);
    let history = sp
        .get(&format!(
            "/v3/merchant-service/complaints-v2/{id}/negotiation-historys?limit=50&offset=0"
        ))
        .await
        .json();
    let kinds: Vec<&str> = history["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["operate_type"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "USER_CREATE_COMPLAINT",
            "MERCHANT_RESPONSE",
            "MERCHANT_CONFIRM_COMPLETE"
        ]
    );
    let detail = sp
        .get(&format!("/v3/merchant-service/complaints-v2/{id}"))
        .await
        .json();
    assert_eq!(detail["complaint_state"], "PROCESSED");
    let (_, change) = receiver
        .last_of(&sandbox, &sp, "COMPLAINT.STATE_CHANGE")
        .await;
    assert_eq!(change["complaint_id"], id.as_str());
    let deleted = sp
        .send(
            "DELETE",
            "/v3/merchant-service/complaint-notifications",
            None,
            None,
        )
        .await;
    assert_eq!(deleted.status, 204);
    assert_eq!(
        sp.get("/v3/merchant-service/complaint-notifications")
            .await
            .status,
        404
    );
    step("complaint pushed, read (phone decrypted, image downloaded), answered and completed");

    let total = started.elapsed();
    println!("service-provider end-to-end flow through the sandbox:");
    for (i, (name, took)) in steps.iter().enumerate() {
        println!("  {}. {name}: {took:.1?}", i + 1);
    }
    println!("  total: {total:.1?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_are_wechats() {
    let sandbox = sandbox().await;
    let sp = Sp::new(&sandbox).await;
    let receiver = Receiver::default();
    let url = receiver.start().await;
    let images = images(&sp).await;
    let serial = sp.seal("x").1;

    // A plaintext sensitive field is refused, naming the field.
    let mut body = applyment_body("1230000109_plain", &images, &|t| sp.seal(t).0);
    body["contact_info"]["mobile_phone"] = json!(PHONE);
    let refused = sp
        .send(
            "POST",
            "/v3/applyment4sub/applyment/",
            Some(&body),
            Some(&serial),
        )
        .await;
    assert_eq!(
        (refused.status, refused.code().as_str()),
        (400, "PARAM_ERROR")
    );
    assert_eq!(refused.json()["detail"]["field"], "mobile_phone");
    // Without Wechatpay-Serial, the sandbox cannot know the key.
    let body = applyment_body("1230000109_noserial", &images, &|t| sp.seal(t).0);
    let refused = sp
        .send("POST", "/v3/applyment4sub/applyment/", Some(&body), None)
        .await;
    assert_eq!(refused.code(), "PARAM_ERROR");
    // Decrypted, an ID number must carry its check digit.
    let body = applyment_body("1230000109_badid", &images, &|t| {
        sp.seal(if t == ID_NUMBER {
            "110105194912310021"
        } else {
            t
        })
        .0
    });
    let refused = sp
        .send(
            "POST",
            "/v3/applyment4sub/applyment/",
            Some(&body),
            Some(&serial),
        )
        .await;
    assert_eq!(refused.json()["detail"]["field"], "id_card_number");
    // An image that was never uploaded.
    let fake = [
        images[0].clone(),
        "not-uploaded".to_owned(),
        images[2].clone(),
    ];
    let body = applyment_body("1230000109_noimage", &fake, &|t| sp.seal(t).0);
    let refused = sp
        .send(
            "POST",
            "/v3/applyment4sub/applyment/",
            Some(&body),
            Some(&serial),
        )
        .await;
    assert_eq!(refused.json()["detail"]["field"], "id_card_national");
    // A rejection carries its reasons; the same business_code resubmits.
    let body = applyment_body("1230000109_reject", &images, &|t| sp.seal(t).0);
    let ok = sp
        .send(
            "POST",
            "/v3/applyment4sub/applyment/",
            Some(&body),
            Some(&serial),
        )
        .await;
    let id = ok.json()["applyment_id"].as_u64().unwrap();
    let again = sp
        .send(
            "POST",
            "/v3/applyment4sub/applyment/",
            Some(&body),
            Some(&serial),
        )
        .await;
    assert_eq!(
        again.code(),
        "INVALID_REQUEST",
        "a pending business_code is not resubmitted"
    );
    sandbox
        .pay()
        .advance_applyment(id, ApplymentStep::Audit)
        .unwrap();
    sandbox
        .pay()
        .advance_applyment(
            id,
            ApplymentStep::Reject(vec![AuditRejection::new(
                "id_card_copy",
                "身份证人像面照片",
                "照片模糊",
            )]),
        )
        .unwrap();
    let q = sp
        .get("/v3/applyment4sub/applyment/business_code/1230000109_reject")
        .await
        .json();
    assert_eq!(q["applyment_state"], "APPLYMENT_STATE_REJECTED");
    assert_eq!(q["audit_detail"][0]["reject_reason"], "照片模糊");
    let resubmitted = sp
        .send(
            "POST",
            "/v3/applyment4sub/applyment/",
            Some(&body),
            Some(&serial),
        )
        .await;
    assert_eq!(resubmitted.json()["applyment_id"], id);
    let q = sp
        .get("/v3/applyment4sub/applyment/business_code/1230000109_reject")
        .await
        .json();
    assert_eq!(q["applyment_state"], "APPLYMENT_STATE_WAITTING_FOR_AUDIT");

    // Uploads: the sha256 must be the file's, the meta must be what was signed.
    let file = png("x");
    let bad_hash = sp
        .upload_with(
            "/v3/merchant/media/upload",
            "a.png",
            &file,
            &sha256_hex(b"other"),
        )
        .await;
    assert_eq!(
        (bad_hash.status, bad_hash.code().as_str()),
        (400, "PARAM_ERROR")
    );
    let not_png = sp
        .upload_with(
            "/v3/merchant/media/upload",
            "a.png",
            b"GIF89a",
            &sha256_hex(b"GIF89a"),
        )
        .await;
    assert_eq!(not_png.code(), "PARAM_ERROR");

    // A bad signature: 401 SIGN_ERROR.
    let auth = sp
        .pay
        .authorization("GET", "/v3/applyment4sub/applyment/business_code/other", "")
        .unwrap();
    let forged = sp
        .http
        .get(format!(
            "{}/v3/applyment4sub/applyment/business_code/1230000109_reject",
            sp.base
        ))
        .header("authorization", auth)
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 401);
    let headers = forged.headers().clone();
    let body = forged.bytes().await.unwrap();
    sp.pay.verify_answer(&headers, &body).await.unwrap();
    assert_eq!(
        serde_json::from_slice::<Value>(&body).unwrap()["code"],
        "SIGN_ERROR"
    );

    // An unknown sub_mchid: 受理关系不存在.
    let sub = onboard(&sandbox, &sp, "1230000109_refusals").await;
    let order = |sub: &str, no: &str, sharing: bool| {
        json!({"sp_appid": SP_APPID, "sp_mchid": sp.mchid, "sub_mchid": sub, "description": "d",
            "out_trade_no": no, "notify_url": url, "settle_info": {"profit_sharing": sharing},
            "amount": {"total": 1000}, "payer": {"sp_openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}})
    };
    let unknown = sp
        .post(
            "/v3/pay/partner/transactions/jsapi",
            &order("1900000000", "refused0001", true),
        )
        .await;
    assert_eq!(
        (unknown.status, unknown.code().as_str()),
        (400, "INVALID_REQUEST")
    );
    assert_eq!(unknown.json()["message"], "受理关系不存在");
    let wrong_appid = {
        let mut o = order(&sub, "refused0002", true);
        o["sub_appid"] = json!("wxnotmine00000000");
        sp.post("/v3/pay/partner/transactions/native", &o).await
    };
    assert_eq!(wrong_appid.code(), "INVALID_REQUEST");

    // Sharing: not more than remains, not over the ratio, only to receivers.
    sp.post(
        "/v3/pay/partner/transactions/native",
        &order(&sub, "share000001", true),
    )
    .await;
    let tid = sandbox
        .pay()
        .pay_partner_order(&sub, "share000001")
        .unwrap()
        .transaction_id;
    let share = |no: &str, account: &str, amount: i64| {
        json!({"sub_mchid": sub, "appid": SP_APPID, "transaction_id": tid, "out_order_no": no,
            "unfreeze_unsplit": false,
            "receivers": [{"type": "MERCHANT_ID", "account": account, "amount": amount, "description": "d"}]})
    };
    let no_relation = sp
        .post(
            "/v3/profitsharing/orders",
            &share("S0001", "1900000111", 10),
        )
        .await;
    let message = no_relation.json()["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(message.starts_with("分账接收方关系不存在"), "{message}");
    let (name, serial) = sp.seal("接收方公司");
    for account in ["1900000111", "1900000112"] {
        let added = sp
            .send("POST", "/v3/profitsharing/receivers/add",
                Some(&json!({"sub_mchid": sub, "appid": SP_APPID, "type": "MERCHANT_ID", "account": account,
                    "name": name, "relation_type": "PARTNER"})),
                Some(&serial))
            .await;
        assert_eq!(added.status, 200);
    }
    let plaintext_name = sp
        .send("POST", "/v3/profitsharing/receivers/add",
            Some(&json!({"sub_mchid": sub, "appid": SP_APPID, "type": "MERCHANT_ID", "account": "1900000113",
                "name": "接收方公司", "relation_type": "PARTNER"})),
            Some(&serial))
        .await;
    assert_eq!(plaintext_name.json()["detail"]["field"], "name");
    let over_ratio = sp
        .post(
            "/v3/profitsharing/orders",
            &share("S0002", "1900000111", 301),
        )
        .await;
    assert_eq!(over_ratio.json()["message"], "分账金额超出最大分账比例");
    sandbox
        .pay()
        .set_profit_sharing_max_ratio(&sp.mchid, &sub, 10_000)
        .unwrap();
    let ratio = sp
        .get(&format!("/v3/profitsharing/merchant-configs/{sub}"))
        .await;
    assert_eq!(ratio.json()["max_ratio"], 10_000);
    assert_eq!(
        sp.post(
            "/v3/profitsharing/orders",
            &share("S0003", "1900000111", 600)
        )
        .await
        .status,
        200
    );
    let too_much = sp
        .post(
            "/v3/profitsharing/orders",
            &share("S0004", "1900000112", 401),
        )
        .await;
    assert_eq!(
        (too_much.status, too_much.code().as_str()),
        (400, "INVALID_REQUEST")
    );
    assert_eq!(too_much.json()["message"], "分账金额不足");
    assert_eq!(
        sp.post(
            "/v3/profitsharing/orders",
            &share("S0005", "1900000112", 400)
        )
        .await
        .status,
        200
    );
    let nothing_left = sp
        .post("/v3/profitsharing/orders", &share("S0006", "1900000112", 1))
        .await;
    assert_eq!(nothing_left.json()["message"], "分账金额不足");
    // A refund cannot take what was shared away.
    let refund = sp
        .post(
            "/v3/refund/domestic/refunds",
            &json!({"sub_mchid": sub, "transaction_id": tid, "out_refund_no": "R-refused-1",
                "amount": {"refund": 1, "total": 1000, "currency": "CNY"}}),
        )
        .await;
    assert_eq!(refund.code(), "INVALID_REQUEST");
    // An order not marked for sharing.
    sp.post(
        "/v3/pay/partner/transactions/native",
        &order(&sub, "noshare0001", false),
    )
    .await;
    let plain_tid = sandbox
        .pay()
        .pay_partner_order(&sub, "noshare0001")
        .unwrap()
        .transaction_id;
    let mut s = share("S0007", "1900000111", 1);
    s["transaction_id"] = json!(plain_tid);
    assert_eq!(
        sp.post("/v3/profitsharing/orders", &s).await.json()["message"],
        "非分账订单不支持分账"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn returns_unfreeze_receivers_and_the_bill() {
    let sandbox = sandbox().await;
    let sp = Sp::new(&sandbox).await;
    let receiver = Receiver::default();
    let url = receiver.start().await;
    let sub = "1900000109";
    sandbox
        .pay()
        .add_sub_merchant(&sp.mchid, sub, &[SUB_APPID])
        .unwrap();
    sandbox
        .pay()
        .set_profit_sharing_notify_url(&sp.mchid, &url)
        .unwrap();
    let order = json!({"sp_appid": SP_APPID, "sp_mchid": sp.mchid, "sub_mchid": sub, "description": "d",
        "out_trade_no": "ret0000001", "notify_url": url, "settle_info": {"profit_sharing": true},
        "amount": {"total": 500}});
    let created = sp.post("/v3/pay/partner/transactions/native", &order).await;
    assert!(
        created.json()["code_url"]
            .as_str()
            .unwrap()
            .starts_with("weixin://")
    );
    let tid = sandbox
        .pay()
        .pay_partner_order(sub, "ret0000001")
        .unwrap()
        .transaction_id;
    let (name, serial) = sp.seal("服务商");
    sp.send(
        "POST",
        "/v3/profitsharing/receivers/add",
        Some(
            &json!({"sub_mchid": sub, "appid": SP_APPID, "type": "MERCHANT_ID", "account": sp.mchid,
            "name": name, "relation_type": "SERVICE_PROVIDER"}),
        ),
        Some(&serial),
    )
    .await;
    let shared = sp
        .post("/v3/profitsharing/orders",
            &json!({"sub_mchid": sub, "appid": SP_APPID, "transaction_id": tid, "out_order_no": "RS0001",
                "unfreeze_unsplit": true,
                "receivers": [{"type": "MERCHANT_ID", "account": sp.mchid, "amount": 100, "description": "服务费"}]}))
        .await;
    assert_eq!(shared.status, 200);
    let q = sp
        .get(&format!(
            "/v3/profitsharing/orders/RS0001?sub_mchid={sub}&transaction_id={tid}"
        ))
        .await
        .json();
    let parts: Vec<(String, i64)> = q["receivers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["account"].as_str().unwrap().to_owned(),
                r["amount"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        parts,
        [(sp.mchid.clone(), 100), (sub.to_owned(), 400)],
        "the rest is unfrozen to the sub-merchant"
    );
    let amounts = sp
        .get(&format!("/v3/profitsharing/transactions/{tid}/amounts"))
        .await;
    assert_eq!(amounts.json()["unsplit_amount"], 0);
    let unfreeze = sp
        .post("/v3/profitsharing/orders/unfreeze",
            &json!({"sub_mchid": sub, "transaction_id": tid, "out_order_no": "RS0002", "description": "解冻"}))
        .await;
    assert_eq!(
        unfreeze.json()["message"],
        "分账金额不足",
        "nothing is left to unfreeze"
    );

    // Returns: up to what the receiver got.
    let ret = |no: &str, amount: i64| {
        json!({"sub_mchid": sub, "out_order_no": "RS0001", "out_return_no": no, "return_mchid": sp.mchid,
            "amount": amount, "description": "用户退款"})
    };
    let returned = sp
        .post("/v3/profitsharing/return-orders", &ret("RR0001", 60))
        .await;
    assert_eq!(returned.json()["result"], "SUCCESS");
    let (note, moved) = receiver
        .last_of(&sandbox, &sp, "PROFITSHARING.RETURN")
        .await;
    assert_eq!(note.original_type, "profitsharing");
    assert_eq!(moved["receiver"]["amount"], 60);
    let over = sp
        .post("/v3/profitsharing/return-orders", &ret("RR0002", 41))
        .await;
    assert_eq!(over.json()["message"], "剩余可回退的金额不足");
    let q = sp
        .get(&format!(
            "/v3/profitsharing/return-orders/RR0001?sub_mchid={sub}&out_order_no=RS0001"
        ))
        .await;
    assert_eq!(q.json()["amount"], 60);

    // The bill lists the shares and the return, and its hash is its SHA1.
    let today = q.json()["create_time"].as_str().unwrap()[..10].to_owned();
    let bill = sp
        .get(&format!(
            "/v3/profitsharing/bills?sub_mchid={sub}&bill_date={today}"
        ))
        .await
        .json();
    assert_eq!(bill["hash_type"], "SHA1");
    let download = bill["download_url"]
        .as_str()
        .unwrap()
        .strip_prefix(&sp.base)
        .unwrap()
        .to_owned();
    let auth = sp.pay.authorization("GET", &download, "").unwrap();
    let file = sp
        .http
        .get(format!("{}{download}", sp.base))
        .header("authorization", auth)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    {
        use sha1::Digest as _;
        assert_eq!(
            hex::encode(sha1::Sha1::digest(&file)),
            bill["hash_value"].as_str().unwrap()
        );
    }
    let text = String::from_utf8(file.to_vec()).unwrap();
    assert_eq!(
        text.lines().count(),
        4,
        "header, two shares, one return:\n{text}"
    );
    assert!(text.contains("`-0.60"));

    // Receivers can be deleted; a share to one is then refused.
    let deleted = sp
        .post("/v3/profitsharing/receivers/delete",
            &json!({"sub_mchid": sub, "appid": SP_APPID, "type": "MERCHANT_ID", "account": sp.mchid}))
        .await;
    assert_eq!(deleted.json()["account"], sp.mchid.as_str());
    let gone = sp
        .post("/v3/profitsharing/receivers/delete",
            &json!({"sub_mchid": sub, "appid": SP_APPID, "type": "MERCHANT_ID", "account": sp.mchid}))
        .await;
    assert_eq!(gone.code(), "INVALID_REQUEST");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transfers_end_with_their_notification() {
    let sandbox = sandbox().await;
    let sp = Sp::new(&sandbox).await;
    let receiver = Receiver::default();
    let url = receiver.start().await;
    let bill = |no: &str, amount: i64, name: Option<&str>| {
        let mut b = json!({"appid": SP_APPID, "out_bill_no": no, "transfer_scene_id": "1000",
            "openid": "o-MYE42l80oelYMDE34nYD456Xoy", "transfer_amount": amount, "transfer_remark": "新会员开通有礼",
            "notify_url": url, "user_recv_perception": "现金奖励",
            "transfer_scene_report_infos": [{"info_type": "活动名称", "info_content": "新会员有礼"},
                {"info_type": "奖励说明", "info_content": "注册会员抽奖一等奖"}]});
        if let Some(n) = name {
            b["user_name"] = json!(n);
        }
        b
    };
    let (name, serial) = sp.seal("李四");
    let created = sp
        .send(
            "POST",
            "/v3/fund-app/mch-transfer/transfer-bills",
            Some(&bill("plfk2020042013", 400_000, Some(&name))),
            Some(&serial),
        )
        .await;
    assert_eq!(
        created.status,
        200,
        "{}",
        String::from_utf8_lossy(&created.body)
    );
    assert_eq!(created.json()["state"], "WAIT_USER_CONFIRM");
    assert!(created.json()["package_info"].as_str().is_some());
    let bill_no = created.json()["transfer_bill_no"]
        .as_str()
        .unwrap()
        .to_owned();
    let by_out = sp
        .get("/v3/fund-app/mch-transfer/transfer-bills/out-bill-no/plfk2020042013")
        .await;
    assert_eq!(by_out.json()["transfer_bill_no"], bill_no.as_str());
    assert_eq!(by_out.json()["mch_id"], sp.mchid.as_str());
    let by_bill = sp
        .get(&format!(
            "/v3/fund-app/mch-transfer/transfer-bills/transfer-bill-no/{bill_no}"
        ))
        .await;
    assert_eq!(by_bill.json()["out_bill_no"], "plfk2020042013");
    let id = sandbox
        .pay()
        .finish_transfer(&sp.mchid, "plfk2020042013", TransferOutcome::Success)
        .unwrap()
        .unwrap();
    let (note, t) = receiver.verified(&sandbox, &sp, &id).await;
    assert_eq!(note.event_type.as_str(), "MCHTRANSFER.BILL.FINISHED");
    assert_eq!(note.original_type, "mch_payment");
    assert_eq!(
        (t["state"].as_str(), t["transfer_amount"].as_i64()),
        (Some("SUCCESS"), Some(400_000))
    );
    assert!(
        sandbox
            .pay()
            .finish_transfer(&sp.mchid, "plfk2020042013", TransferOutcome::Success)
            .is_err()
    );

    // Cancel: CANCELING, then CANCELLED with its notification.
    let small = sp
        .post(
            "/v3/fund-app/mch-transfer/transfer-bills",
            &bill("plfk2020042014", 100, None),
        )
        .await;
    assert_eq!(small.status, 200);
    let cancel = sp
        .post(
            "/v3/fund-app/mch-transfer/transfer-bills/out-bill-no/plfk2020042014/cancel",
            &json!({}),
        )
        .await;
    assert_eq!(cancel.json()["state"], "CANCELING");
    let deadline = Instant::now() + WAIT;
    while sandbox
        .pay()
        .notifications()
        .unwrap()
        .iter()
        .filter(|n| n.event_type == "MCHTRANSFER.BILL.FINISHED")
        .count()
        < 2
    {
        assert!(Instant::now() < deadline, "no notification for the cancel");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (_, t) = receiver
        .last_of(&sandbox, &sp, "MCHTRANSFER.BILL.FINISHED")
        .await;
    assert_eq!(t["state"], "CANCELLED");
    let q = sp
        .get("/v3/fund-app/mch-transfer/transfer-bills/out-bill-no/plfk2020042014")
        .await;
    assert_eq!(q.json()["state"], "CANCELLED");
    let again = sp
        .post(
            "/v3/fund-app/mch-transfer/transfer-bills/out-bill-no/plfk2020042014/cancel",
            &json!({}),
        )
        .await;
    assert_eq!(again.code(), "INVALID_REQUEST");

    // A plaintext user_name, and a large transfer without one, are refused.
    let plain = sp
        .send(
            "POST",
            "/v3/fund-app/mch-transfer/transfer-bills",
            Some(&bill("plfk2020042015", 100, Some("李四"))),
            Some(&serial),
        )
        .await;
    assert_eq!(plain.json()["detail"]["field"], "user_name");
    let nameless = sp
        .post(
            "/v3/fund-app/mch-transfer/transfer-bills",
            &bill("plfk2020042016", 200_000, None),
        )
        .await;
    assert_eq!(nameless.json()["detail"]["field"], "user_name");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_abnormal_partner_refund_is_applied_for_again_and_uploads_sign_their_meta() {
    use wechat_sandbox::pay::RefundOutcome;
    let sandbox = sandbox().await;
    let sp = Sp::new(&sandbox).await;
    let receiver = Receiver::default();
    let url = receiver.start().await;
    let sub = "1900000109";
    sandbox
        .pay()
        .add_sub_merchant(&sp.mchid, sub, &[SUB_APPID])
        .unwrap();
    sandbox.pay().set_refund_outcome(None).unwrap();
    let order = json!({"sp_appid": SP_APPID, "sp_mchid": sp.mchid, "sub_mchid": sub, "description": "d",
        "out_trade_no": "abn0000001", "notify_url": url, "amount": {"total": 300},
        "scene_info": {"payer_client_ip": "14.23.150.211", "h5_info": {"type": "Wap"}}});
    let created = sp.post("/v3/pay/partner/transactions/h5", &order).await;
    assert!(
        created.json()["h5_url"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );
    let tid = sandbox
        .pay()
        .pay_partner_order(sub, "abn0000001")
        .unwrap()
        .transaction_id;
    let refund = sp
        .post(
            "/v3/refund/domestic/refunds",
            &json!({"sub_mchid": sub, "out_trade_no": "abn0000001", "out_refund_no": "abnrefund01",
                "amount": {"refund": 300, "total": 300, "currency": "CNY"}}),
        )
        .await;
    assert_eq!(refund.json()["transaction_id"], tid.as_str());
    let refund_id = refund.json()["refund_id"].as_str().unwrap().to_owned();
    let id = sandbox
        .pay()
        .complete_partner_refund(&sp.mchid, sub, "abnrefund01", RefundOutcome::Abnormal)
        .unwrap()
        .unwrap();
    let (note, r) = receiver.verified(&sandbox, &sp, &id).await;
    assert_eq!(note.event_type.as_str(), "REFUND.ABNORMAL");
    assert_eq!(r["refund_status"], "ABNORMAL");
    let apply = |account: String, name: String| {
        json!({"sub_mchid": sub, "out_refund_no": "abnrefund01", "type": "USER_BANK_CARD",
            "bank_type": "ICBC_DEBIT", "bank_account": account, "real_name": name})
    };
    let path = format!("/v3/refund/domestic/refunds/{refund_id}/apply-abnormal-refund");
    let (name, serial) = sp.seal("张三");
    let plain = sp
        .send(
            "POST",
            &path,
            Some(&apply("6214830000001234".into(), name.clone())),
            Some(&serial),
        )
        .await;
    assert_eq!(plain.json()["detail"]["field"], "bank_account");
    let applied = sp
        .send(
            "POST",
            &path,
            Some(&apply(sp.seal("6214830000001234").0, name)),
            Some(&serial),
        )
        .await;
    assert_eq!(
        applied.status,
        200,
        "{}",
        String::from_utf8_lossy(&applied.body)
    );
    assert_eq!(applied.json()["status"], "PROCESSING");
    let (_, r) = receiver.last_of(&sandbox, &sp, "REFUND.SUCCESS").await;
    assert_eq!(r["user_received_account"], "用户银行卡尾号1234");
    let q = sp
        .get(&format!(
            "/v3/refund/domestic/refunds/abnrefund01?sub_mchid={sub}"
        ))
        .await;
    assert_eq!(q.json()["status"], "SUCCESS");
    let unknown = sp
        .get("/v3/refund/domestic/refunds/abnrefund01?sub_mchid=1900000000")
        .await;
    assert_eq!(unknown.json()["message"], "受理关系不存在");

    // An upload whose signature covers another meta is refused.
    let file = png("signed");
    let meta = json!({"filename": "a.png", "sha256": sha256_hex(&file)}).to_string();
    let boundary = "b0undary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n{meta}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let other_meta = json!({"filename": "b.png", "sha256": sha256_hex(&file)}).to_string();
    let forged = sp
        .send_raw(
            "POST",
            "/v3/merchant/media/upload",
            Some(format!("multipart/form-data; boundary={boundary}")),
            body.clone(),
            &other_meta,
            None,
        )
        .await;
    assert_eq!((forged.status, forged.code().as_str()), (401, "SIGN_ERROR"));
    let signed = sp
        .send_raw(
            "POST",
            "/v3/merchant/media/upload",
            Some(format!("multipart/form-data; boundary={boundary}")),
            body,
            &meta,
            None,
        )
        .await;
    assert_eq!(signed.status, 200);
}
