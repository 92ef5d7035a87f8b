//! A service provider (服务商) end to end through the sandbox, with the
//! generated methods and the hand-written calls only (issue 16 §7):
//!
//! 1. onboard a sub-merchant: upload the ID images and a video (signed over
//!    `meta`), submit `applyment4sub` with its personal data as plaintext
//!    `Sensitive` fields (encrypted while the body is written; the sandbox
//!    decrypts and checks them; the wire holds none of them), drive the
//!    typed state machine to `Finished`, change the settlement account;
//! 2. order for it (partner JSAPI, `sub_appid`), build the client
//!    parameters, the sandbox pays;
//! 3. share profit to a receiver added with an encrypted name;
//! 4. refund the rest;
//! 5. a complaint arrives, is read (the payer's phone decrypted on
//!    request), answered with an uploaded image, and completed;
//! 6. a transfer to a user, with an encrypted name, finishes.
//!
//! Every notification is verified and decrypted by the library and typed by
//! `Notification::partner_event`. The test prints each step's time.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::HeaderMap;
use secrecy::ExposeSecret;
use wechat_api::api::applyment::{
    ApplymentBankAccountInfo, ApplymentBusinessInfo, ApplymentBusinessLicense,
    ApplymentContactInfo, ApplymentIdCardInfo, ApplymentIdentityInfo, ApplymentMiniProgramInfo,
    ApplymentSalesInfo, ApplymentSettlementInfo, ApplymentState, ApplymentSubjectInfo,
    ModifySettlementRequest, QueryByBusinessCodeRequest, QueryByIdRequest as ApplymentById,
    QuerySettlementApplicationRequest, QuerySettlementRequest, SettlementAuditResult,
    SubmitRequest,
};
use wechat_api::api::complaints::{
    ComplaintOperateType, ComplaintState, CompleteRequest, CreateNotificationRequest,
    DetailRequest, ListRequest, NegotiationHistoryRequest, RespondRequest,
};
use wechat_api::api::partner_refunds::{CreateRequest as RefundRequest, QueryRequest};
use wechat_api::api::partner_transactions::{
    JsapiRequest, PartnerOrderPayer, PartnerSettleInfo, QueryByIdRequest, QueryByOutTradeNoRequest,
};
use wechat_api::api::profitsharing::{
    AddReceiverRequest, CreateOrderRequest, ProfitSharingDetailResult, ProfitSharingOrderState,
    ProfitSharingReceiver, QueryOrderRequest, ReceiverRelationType, ReceiverType,
    UnsplitAmountRequest,
};
use wechat_api::api::refunds::{RefundRequestAmount, RefundStatus};
use wechat_api::api::transactions::{OrderAmount, TradeState};
use wechat_api::api::transfers::{
    CreateRequest as TransferRequest, QueryByOutBillNoRequest, TransferBillState,
    TransferSceneReportInfo,
};
use wechat_api::media::Upload;
use wechat_api::pay::{ComplaintAction, Notification, PartnerEvent, PayConfig, WechatPay};
use wechat_sandbox::pay::{
    ApplymentStep, ComplaintSpec, Delivery, KeyMode, PaySettings, TransferOutcome,
};
use wechat_sandbox::{Sandbox, SandboxConfig};

const WAIT: Duration = Duration::from_secs(60);
const SP_APPID: &str = "wx8888888888888888";
const SUB_APPID: &str = "wx8888888888888889";
const PAYER: &str = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o";
const OUT_TRADE_NO: &str = "1217752501201407033233368018";

/// The personal data of the onboarding, in plaintext (the caller's side).
const CONTACT_NAME: &str = "张三";
const ID_NUMBER: &str = "11010519491231002X";
const PHONE: &str = "13800138000";
const EMAIL: &str = "zhangsan@example.com";
const ADDRESS: &str = "北京市海淀区";
const ACCOUNT_NUMBER: &str = "6214830000001234";
const NEW_ACCOUNT_NUMBER: &str = "6228480000005678";

/// A PNG's signature and a tag: what the sandbox reads as a PNG.
fn png(tag: &str) -> Vec<u8> {
    let mut b = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    b.extend_from_slice(tag.as_bytes());
    b
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

/// The service provider's `WechatPay`, trusting the sandbox's WeChat Pay
/// public key.
fn service_provider(sandbox: &Sandbox) -> WechatPay {
    sandbox.pay().set_key_mode(KeyMode::PublicKey).unwrap();
    let creds = sandbox.pay().merchant().unwrap();
    let key = sandbox.pay().public_key().unwrap();
    let config = PayConfig::builder()
        .mchid(creds.mchid())
        .merchant_serial(creds.serial())
        .private_key_pem(creds.private_key_pem().unwrap().as_bytes().to_vec())
        .apiv3_key(creds.apiv3_key())
        .public_key_pem(key.id, key.pem.into_bytes())
        .base_url(sandbox.base_url().as_str().trim_end_matches('/'))
        .build()
        .unwrap();
    WechatPay::new(config).unwrap()
}

/// A notification as received: headers and body.
type Received = (HeaderMap, Vec<u8>);

/// A `notify_url` that records what arrives and answers 204.
#[derive(Clone, Default)]
struct NotifyUrl {
    got: Arc<Mutex<Vec<Received>>>,
}

impl NotifyUrl {
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

    /// Waits for notification `id`, then verifies and decrypts it with the
    /// library and types it.
    async fn event(
        &self,
        sandbox: &Sandbox,
        pay: &WechatPay,
        id: &str,
    ) -> (Notification, PartnerEvent) {
        let record = sandbox
            .pay()
            .wait_for_notification(id, WAIT)
            .await
            .expect("delivered in time");
        assert_eq!(record.delivery, Delivery::Delivered, "{record:?}");
        let (headers, body) = self
            .got
            .lock()
            .unwrap()
            .iter()
            .find(|(_, b)| {
                serde_json::from_slice::<serde_json::Value>(b).is_ok_and(|v| v["id"] == id)
            })
            .cloned()
            .expect("it arrived");
        let note = pay
            .verify_and_decrypt(&headers, &body)
            .await
            .expect("verified and decrypted");
        let event = note.partner_event().expect("typed");
        (note, event)
    }

    /// The last notification of `event_type`, verified, decrypted, typed.
    async fn last_of(
        &self,
        sandbox: &Sandbox,
        pay: &WechatPay,
        event_type: &str,
    ) -> (Notification, PartnerEvent) {
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
                return self.event(sandbox, pay, &id).await;
            }
            assert!(Instant::now() < deadline, "no {event_type} notification");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// The onboarding application: personal data in plaintext.
fn application(business_code: &str, images: &[String; 3]) -> SubmitRequest {
    let contact = ApplymentContactInfo::new(CONTACT_NAME, PHONE, EMAIL).contact_type("LEGAL");
    let id_card = ApplymentIdCardInfo::new(
        images[0].as_str(),
        images[1].as_str(),
        CONTACT_NAME,
        ID_NUMBER,
        "2019-06-06",
        "2039-06-06",
    )
    .id_card_address(ADDRESS);
    let identity = ApplymentIdentityInfo::new("IDENTIFICATION_TYPE_IDCARD")
        .id_holder_type("LEGAL")
        .id_card_info(id_card)
        .owner(true);
    let subject = ApplymentSubjectInfo::new("SUBJECT_TYPE_INDIVIDUAL", identity)
        .business_license_info(ApplymentBusinessLicense::new(
            images[2].as_str(),
            "914201123033363296",
            "张三的小店",
            CONTACT_NAME,
        ));
    let sales = ApplymentSalesInfo::new(vec!["SALES_SCENES_MINI_PROGRAM".to_owned()])
        .mini_program_info(
            ApplymentMiniProgramInfo::new()
                .mini_program_appid(SP_APPID)
                .mini_program_sub_appid(SUB_APPID),
        );
    SubmitRequest::new(
        business_code,
        contact,
        subject,
        ApplymentBusinessInfo::new("张三小店", "0758XXXXX", sales),
        ApplymentSettlementInfo::new()
            .settlement_id("719")
            .qualification_type("餐饮"),
        ApplymentBankAccountInfo::new(
            "BANK_ACCOUNT_TYPE_PERSONAL",
            CONTACT_NAME,
            "工商银行",
            "110000",
            ACCOUNT_NUMBER,
        ),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_provider_onboards_orders_shares_refunds_and_answers_a_complaint() {
    let started = Instant::now();
    let mut steps: Vec<(&str, Duration)> = Vec::new();
    let mut lap = Instant::now();
    let mut step = |name: &'static str| {
        steps.push((name, lap.elapsed()));
        lap = Instant::now();
    };
    let sandbox = sandbox().await;
    let pay = service_provider(&sandbox);
    let sp_mchid = pay.config().mchid().to_owned();
    let notify = NotifyUrl::default();
    let url = notify.start().await;
    step("sandbox started (its RSA keys generated), notify URL up");

    // 1. Onboard.
    let mut images = Vec::new();
    for name in ["id_front.png", "id_back.png", "license.png"] {
        let media = pay
            .upload_image(Upload::from_bytes(name, png(name)))
            .await
            .expect("image uploaded");
        images.push(media.media_id);
    }
    let images: [String; 3] = images.try_into().unwrap();
    let video = pay
        .upload_video(Upload::from_bytes("promo.mp4", b"....ftypmp42".to_vec()))
        .await
        .expect("video uploaded");
    assert!(!video.media_id.is_empty());
    let business_code = "1230000109_e2e_0001";
    let submitted = pay
        .applyment()
        .submit(application(business_code, &images))
        .await
        .expect("the sandbox decrypted and accepted every sensitive field");
    let applyment_id = submitted.applyment_id;
    let wire = sandbox
        .pay()
        .calls()
        .unwrap()
        .into_iter()
        .rev()
        .find(|c| c.path.starts_with("/v3/applyment4sub"))
        .unwrap();
    // (the name also sits in the clear where WeChat wants it: the licence's
    // legal person)
    for secret in [ID_NUMBER, PHONE, EMAIL, ACCOUNT_NUMBER, ADDRESS] {
        assert!(
            !wire.body.contains(secret),
            "{secret} went out in plaintext"
        );
    }
    assert!(
        wire.header("wechatpay-serial")
            .is_some_and(|s| s.starts_with("PUB_KEY_ID_")),
        "Wechatpay-Serial names the key"
    );
    step("onboarding submitted: 3 images and a video signed over meta, sensitive fields sealed");

    let status = pay
        .applyment()
        .query_by_business_code(QueryByBusinessCodeRequest::new(business_code))
        .await
        .unwrap()
        .status;
    assert_eq!(status.applyment_state, ApplymentState::WaitingForAudit);
    assert_eq!(status.applyment_id, Some(applyment_id));
    for (taken, state) in [
        (ApplymentStep::Audit, ApplymentState::Auditing),
        (
            ApplymentStep::RequireAccountVerification,
            ApplymentState::ToBeConfirmed,
        ),
        (ApplymentStep::RequireSignature, ApplymentState::ToBeSigned),
        (ApplymentStep::Sign, ApplymentState::Signing),
    ] {
        sandbox
            .pay()
            .advance_applyment(applyment_id as u64, taken)
            .unwrap();
        let status = pay
            .applyment()
            .query_by_id(ApplymentById::new(applyment_id))
            .await
            .unwrap()
            .status;
        assert_eq!(status.applyment_state, state);
        assert!(status.sub_mchid.is_none());
    }
    sandbox
        .pay()
        .advance_applyment(applyment_id as u64, ApplymentStep::Finish)
        .unwrap();
    let status = pay
        .applyment()
        .query_by_id(ApplymentById::new(applyment_id))
        .await
        .unwrap()
        .status;
    assert_eq!(status.applyment_state, ApplymentState::Finished);
    let sub = status.sub_mchid.expect("the sub-merchant id");
    let settlement = pay
        .applyment()
        .query_settlement(QuerySettlementRequest::new(sub.as_str()))
        .await
        .unwrap();
    assert!(settlement.account_number.ends_with("1234"));
    assert!(!settlement.account_number.contains(ACCOUNT_NUMBER));
    let modified = pay
        .applyment()
        .modify_settlement(
            ModifySettlementRequest::new(
                sub.as_str(),
                "ACCOUNT_TYPE_PRIVATE",
                "农业银行",
                "110000",
                NEW_ACCOUNT_NUMBER,
            )
            .account_name(CONTACT_NAME),
        )
        .await
        .expect("modified");
    let application_no = modified.application_no.expect("an application number");
    let change = pay
        .applyment()
        .query_settlement_application(QuerySettlementApplicationRequest::new(
            sub.as_str(),
            application_no.as_str(),
        ))
        .await
        .unwrap();
    assert_eq!(change.verify_result, SettlementAuditResult::Success);
    let settlement = pay
        .applyment()
        .query_settlement(QuerySettlementRequest::new(sub.as_str()))
        .await
        .unwrap();
    assert!(settlement.account_number.ends_with("5678"));
    step("onboarding driven to Finished (typed states), settlement account changed");

    // 2. Order for it, then pay.
    let order = JsapiRequest::new(
        SP_APPID,
        sub.as_str(),
        "Image形象店-深圳腾大-QQ公仔",
        OUT_TRADE_NO,
        url.as_str(),
        OrderAmount::new(1000).currency("CNY"),
        PartnerOrderPayer::new().sub_openid(PAYER),
    )
    .sub_appid(SUB_APPID)
    .settle_info(PartnerSettleInfo::new().profit_sharing(true));
    let prepay = pay
        .partner_transactions()
        .jsapi(order)
        .await
        .expect("ordered");
    let params = pay
        .partner_jsapi_params(SP_APPID, Some(SUB_APPID), &prepay.prepay_id)
        .unwrap();
    assert_eq!(params.app_id, SUB_APPID, "paid from the sub-merchant's app");
    assert_eq!(params.package, format!("prepay_id={}", prepay.prepay_id));
    let paid = sandbox.pay().pay_partner_order(&sub, OUT_TRADE_NO).unwrap();
    let (_, event) = notify.event(&sandbox, &pay, &paid.notification_id).await;
    let PartnerEvent::Transaction(t) = event else {
        panic!("expected a partner transaction, got {event:?}")
    };
    assert_eq!(
        (t.sp_mchid.as_str(), t.sub_mchid.as_str()),
        (sp_mchid.as_str(), sub.as_str())
    );
    assert_eq!(t.sub_appid.as_deref(), Some(SUB_APPID));
    assert_eq!(t.trade_state, wechat_api::pay::TradeState::Success);
    assert_eq!(t.amount.total, 1000);
    assert_eq!(
        t.payer.as_ref().and_then(|p| p.sub_openid.as_deref()),
        Some(PAYER)
    );
    let tid = t.transaction_id.clone();
    let by_id = pay
        .partner_transactions()
        .query_by_id(QueryByIdRequest::new(tid.as_str(), sub.as_str()))
        .await
        .unwrap()
        .transaction;
    assert_eq!(by_id.trade_state, TradeState::Success);
    let by_no = pay
        .partner_transactions()
        .query_by_out_trade_no(QueryByOutTradeNoRequest::new(OUT_TRADE_NO, sub.as_str()))
        .await
        .unwrap()
        .transaction;
    assert_eq!(by_no.transaction_id.as_deref(), Some(tid.as_str()));
    step("partner JSAPI order paid; TRANSACTION.SUCCESS verified, decrypted, typed");

    // 3. Share profit to the service provider itself.
    sandbox
        .pay()
        .set_profit_sharing_notify_url(&sp_mchid, &url)
        .unwrap();
    let added = pay
        .profitsharing()
        .add_receiver(
            AddReceiverRequest::new(
                sub.as_str(),
                SP_APPID,
                ReceiverType::MerchantId,
                sp_mchid.as_str(),
                ReceiverRelationType::ServiceProvider,
            )
            .name("示例服务商有限公司"),
        )
        .await
        .expect("receiver added (its name sealed)");
    assert_eq!(added.account, sp_mchid);
    let name = added.name.expect("the name, encrypted");
    assert_eq!(
        name.decrypt(&pay).unwrap().expose_secret(),
        "示例服务商有限公司",
        "the name comes back encrypted with the merchant key"
    );
    let unsplit = |pay: &WechatPay, tid: String| {
        let pay = pay.clone();
        async move {
            pay.profitsharing()
                .unsplit_amount(UnsplitAmountRequest::new(tid))
                .await
                .unwrap()
                .unsplit_amount
        }
    };
    assert_eq!(unsplit(&pay, tid.clone()).await, 1000);
    let shared = pay
        .profitsharing()
        .create_order(CreateOrderRequest::new(
            sub.as_str(),
            SP_APPID,
            tid.as_str(),
            "P20150806125346",
            vec![ProfitSharingReceiver::new(
                ReceiverType::MerchantId,
                sp_mchid.as_str(),
                300,
                "服务费",
            )],
            false,
        ))
        .await
        .expect("shared")
        .order;
    assert_eq!(shared.state, ProfitSharingOrderState::Processing);
    let queried = pay
        .profitsharing()
        .query_order(QueryOrderRequest::new(
            "P20150806125346",
            sub.as_str(),
            tid.as_str(),
        ))
        .await
        .unwrap()
        .order;
    assert_eq!(queried.state, ProfitSharingOrderState::Finished);
    assert_eq!(
        queried.receivers.unwrap_or_default()[0].result,
        ProfitSharingDetailResult::Success
    );
    let (_, event) = notify
        .last_of(&sandbox, &pay, "PROFITSHARING.SUCCESS")
        .await;
    let PartnerEvent::ProfitSharing(moved) = event else {
        panic!("expected profit sharing, got {event:?}")
    };
    assert_eq!(moved.receiver.amount, 300);
    assert_eq!(moved.sub_mchid.as_deref(), Some(sub.as_str()));
    assert_eq!(unsplit(&pay, tid.clone()).await, 700);
    step("30% shared to the service provider; PROFITSHARING.SUCCESS typed");

    // 4. Refund the rest.
    let refund = pay
        .partner_refunds()
        .create(
            RefundRequest::new(
                sub.as_str(),
                "1217752501201407033233368999",
                RefundRequestAmount::new(700, 1000, "CNY"),
            )
            .transaction_id(tid.as_str()),
        )
        .await
        .expect("refund accepted")
        .refund;
    assert_eq!(refund.status, RefundStatus::Processing);
    let (_, event) = notify.last_of(&sandbox, &pay, "REFUND.SUCCESS").await;
    let PartnerEvent::Refund(r) = event else {
        panic!("expected a partner refund, got {event:?}")
    };
    assert_eq!((r.sub_mchid.as_str(), r.amount.refund), (sub.as_str(), 700));
    let refund = pay
        .partner_refunds()
        .query(QueryRequest::new(
            "1217752501201407033233368999",
            sub.as_str(),
        ))
        .await
        .unwrap()
        .refund;
    assert_eq!(refund.status, RefundStatus::Success);
    assert_eq!(
        unsplit(&pay, tid.clone()).await,
        0,
        "nothing is left to share"
    );
    step("the rest refunded; REFUND.SUCCESS typed");

    // 5. A complaint arrives and is answered.
    let set = pay
        .complaints()
        .create_notification(CreateNotificationRequest::new(url.as_str()))
        .await
        .unwrap();
    assert_eq!(set.url, url);
    assert_eq!(
        pay.complaints().query_notification().await.unwrap().mchid,
        sp_mchid
    );
    let opened = sandbox
        .pay()
        .open_complaint(
            ComplaintSpec::new(&tid, "商品与描述不符", "13900139000").refund_asked(1000),
        )
        .unwrap();
    let (_, event) = notify
        .event(&sandbox, &pay, opened.notification_id.as_deref().unwrap())
        .await;
    let PartnerEvent::Complaint(c) = event else {
        panic!("expected a complaint, got {event:?}")
    };
    assert_eq!(c.complaint_id, opened.complaint_id);
    assert_eq!(c.action_type, ComplaintAction::CreateComplaint);
    let day = refund.create_time.clone().unwrap_or_default();
    let day = day.get(..10).unwrap_or_default();
    let list = pay
        .complaints()
        .list(ListRequest::new(day, day).limit(10))
        .await
        .unwrap();
    assert_eq!(list.total_count, Some(1));
    let complaint = pay
        .complaints()
        .detail(DetailRequest::new(c.complaint_id.as_str()))
        .await
        .unwrap()
        .complaint;
    assert_eq!(complaint.complaint_state, ComplaintState::Pending);
    assert_eq!(complaint.complainted_mchid, sub);
    let phone = complaint.payer_phone.expect("the payer's phone");
    assert_ne!(phone.as_str(), "13900139000", "it arrives encrypted");
    assert_eq!(phone.decrypt(&pay).unwrap().expose_secret(), "13900139000");
    let media_url = complaint.complaint_media_list.unwrap_or_default()[0]
        .media_url
        .clone()
        .unwrap_or_default()[0]
        .clone();
    let image = pay
        .download_complaint_image(&media_url)
        .await
        .expect("downloaded");
    assert!(image.bytes.starts_with(&[0x89, b'P', b'N', b'G']));
    let reply = pay
        .upload_complaint_image(Upload::from_bytes("reply.png", png("reply")))
        .await
        .expect("uploaded");
    let early = pay
        .complaints()
        .complete(CompleteRequest::new(c.complaint_id.as_str(), sub.as_str()))
        .await
        .expect_err("answer before completing");
    assert!(
        matches!(early, wechat_api::Error::Pay { status: 400, .. }),
        "{early:?}"
    );
    pay.complaints()
        .respond(
            RespondRequest::new(c.complaint_id.as_str(), sub.as_str(), "已为您全额退款")
                .response_images(vec![reply.media_id]),
        )
        .await
        .expect("answered");
    pay.complaints()
        .complete(CompleteRequest::new(c.complaint_id.as_str(), sub.as_str()))
        .await
        .expect("completed");
    let history = pay
        .complaints()
        .negotiation_history(
            NegotiationHistoryRequest::new(c.complaint_id.as_str())
                .limit(50)
                .offset(0),
        )
        .await
        .unwrap();
    let kinds: Vec<ComplaintOperateType> = history
        .data
        .unwrap_or_default()
        .into_iter()
        .map(|e| e.operate_type)
        .collect();
    assert!(
        kinds.contains(&ComplaintOperateType::MerchantResponse),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&ComplaintOperateType::MerchantConfirmComplete),
        "{kinds:?}"
    );
    let done = pay
        .complaints()
        .detail(DetailRequest::new(c.complaint_id.as_str()))
        .await
        .unwrap()
        .complaint;
    assert_eq!(done.complaint_state, ComplaintState::Processed);
    step("complaint pushed, read (phone decrypted), answered with an image, completed");

    // 6. A transfer to a user, the name sealed.
    let created = pay
        .transfers()
        .create(
            TransferRequest::new(
                SP_APPID,
                "plfk2020042013",
                "1000",
                "o-MYE42l80oelYMDE34nYD456Xoy",
                400_000,
                "新会员开通有礼",
                vec![
                    TransferSceneReportInfo::new("活动名称", "新会员有礼"),
                    TransferSceneReportInfo::new("奖励说明", "注册会员抽奖一等奖"),
                ],
            )
            .user_name("李四")
            .notify_url(url.as_str())
            .user_recv_perception("现金奖励"),
        )
        .await
        .expect("transfer created");
    assert_eq!(created.state, TransferBillState::WaitUserConfirm);
    let id = sandbox
        .pay()
        .finish_transfer(&sp_mchid, "plfk2020042013", TransferOutcome::Success)
        .unwrap()
        .expect("a notification");
    let (_, event) = notify.event(&sandbox, &pay, &id).await;
    let PartnerEvent::TransferBill(bill) = event else {
        panic!("expected a transfer, got {event:?}")
    };
    assert_eq!(bill.state, wechat_api::pay::TransferState::Success);
    assert_eq!(bill.transfer_amount, 400_000);
    let queried = pay
        .transfers()
        .query_by_out_bill_no(QueryByOutBillNoRequest::new("plfk2020042013"))
        .await
        .unwrap()
        .bill;
    assert_eq!(queried.state, TransferBillState::Success);
    assert_eq!(queried.transfer_bill_no, created.transfer_bill_no);
    step("transfer finished; MCHTRANSFER.BILL.FINISHED typed");

    let total = started.elapsed();
    println!("service provider end to end through the sandbox:");
    for (name, took) in &steps {
        println!("  {:>8.1} ms  {name}", took.as_secs_f64() * 1000.0);
    }
    println!(
        "  {:>8.1} ms  total ({} steps)",
        total.as_secs_f64() * 1000.0,
        steps.len()
    );
}
