//! End to end against the sandbox playing WeChat Pay, through the generated
//! pay methods only: a JSAPI order created, queried, paid (by the sandbox),
//! queried by `transaction_id`, refunded and the refund queried; another
//! order closed; the trade and fund-flow bills asked for and downloaded
//! with their SHA1 checked. Every answer is verified by the library's
//! verifier with the platform certificates it downloads from the sandbox.

use std::time::{SystemTime, UNIX_EPOCH};

use wechat_api::api::bills::{FundFlowBillRequest, TradeBillRequest};
use wechat_api::api::refunds::{self, RefundRequestAmount, RefundStatus};
use wechat_api::api::transactions::{
    CloseRequest, JsapiRequest, OrderAmount, OrderPayer, QueryByIdRequest,
    QueryByOutTradeNoRequest, TradeState,
};
use wechat_api::pay::{BillCompression, PayConfig, WechatPay};
use wechat_sandbox::pay::PaySettings;
use wechat_sandbox::{Sandbox, SandboxConfig};

const APPID: &str = "wxd678efh567hg6787";
const OPENID: &str = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o";

async fn sandbox() -> Sandbox {
    let config = SandboxConfig::builder()
        .push_interval(None)
        .pay(PaySettings::default())
        .build()
        .expect("sandbox config");
    Sandbox::start(config).await.expect("sandbox")
}

fn wechat_pay(sandbox: &Sandbox) -> WechatPay {
    let merchant = sandbox.pay().merchant().expect("merchant");
    let config = PayConfig::builder()
        .mchid(merchant.mchid())
        .merchant_serial(merchant.serial())
        .private_key_pem(merchant.private_key_pem().expect("key").as_bytes().to_vec())
        .apiv3_key(merchant.apiv3_key())
        .platform_certificates()
        .base_url(sandbox.base_url().as_str().trim_end_matches('/'))
        .build()
        .expect("pay config");
    WechatPay::new(config).expect("wechat pay")
}

/// Today in China (UTC+8), `yyyy-MM-DD` (Howard Hinnant's civil-from-days).
fn china_today() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64
        + 8 * 3600;
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

fn order(out_trade_no: &str, total: i64) -> JsapiRequest {
    JsapiRequest::new(
        APPID,
        "Image形象店-深圳腾大-QQ公仔",
        out_trade_no,
        "https://merchant.example/notify",
        OrderAmount::new(total).currency("CNY"),
        OrderPayer::new(OPENID),
    )
}

#[tokio::test]
async fn order_query_pay_refund_close_and_bills_through_the_generated_methods() {
    let sandbox = sandbox().await;
    let pay = wechat_pay(&sandbox);

    let created = pay
        .transactions()
        .jsapi(order("E2E-ORDER-1", 100))
        .await
        .expect("jsapi");
    assert!(!created.prepay_id.is_empty());
    let unpaid = pay
        .transactions()
        .query_by_out_trade_no(QueryByOutTradeNoRequest::new("E2E-ORDER-1"))
        .await
        .expect("query unpaid");
    assert_eq!(unpaid.transaction.trade_state, TradeState::NotPay);

    let paid = sandbox.pay().pay_order("E2E-ORDER-1").expect("paid");
    let by_id = pay
        .transactions()
        .query_by_id(QueryByIdRequest::new(paid.transaction_id.clone()))
        .await
        .expect("query by id");
    assert_eq!(by_id.transaction.trade_state, TradeState::Success);
    assert_eq!(by_id.transaction.out_trade_no, "E2E-ORDER-1");
    assert_eq!(
        by_id.transaction.amount.as_ref().and_then(|a| a.total),
        Some(100)
    );

    let refund = pay
        .refunds()
        .create(
            refunds::CreateRequest::new("E2E-REFUND-1", RefundRequestAmount::new(40, 100, "CNY"))
                .transaction_id(paid.transaction_id.clone()),
        )
        .await
        .expect("refund");
    assert_eq!(refund.refund.amount.refund, 40);
    let queried = pay
        .refunds()
        .query(refunds::QueryRequest::new("E2E-REFUND-1"))
        .await
        .expect("refund query");
    assert_eq!(queried.refund.refund_id, refund.refund.refund_id);
    assert!(matches!(
        queried.refund.status,
        RefundStatus::Processing | RefundStatus::Success
    ));

    pay.transactions()
        .jsapi(order("E2E-ORDER-2", 1))
        .await
        .expect("second order");
    pay.transactions()
        .close(CloseRequest::new("E2E-ORDER-2"))
        .await
        .expect("close answers 204");
    let closed = pay
        .transactions()
        .query_by_out_trade_no(QueryByOutTradeNoRequest::new("E2E-ORDER-2"))
        .await
        .expect("query closed");
    assert_eq!(closed.transaction.trade_state, TradeState::Closed);

    let today = china_today();
    let bill = pay
        .bills()
        .trade_bill(TradeBillRequest::new(today.clone()).tar_type("GZIP"))
        .await
        .expect("trade bill");
    let bytes = pay
        .download_bill(
            &bill.download_url,
            &bill.hash_type,
            &bill.hash_value,
            BillCompression::Gzip,
        )
        .await
        .expect("download");
    let text = String::from_utf8(bytes.to_vec()).expect("a text bill");
    assert!(text.contains("E2E-ORDER-1"), "{text}");
    // a wrong hash is refused
    let err = pay
        .download_bill(
            &bill.download_url,
            &bill.hash_type,
            "0000000000000000000000000000000000000000",
            BillCompression::Gzip,
        )
        .await
        .expect_err("hash mismatch");
    assert!(
        matches!(err, wechat_api::Error::PayBillHash { .. }),
        "{err:?}"
    );
    let fund = pay
        .bills()
        .fund_flow_bill(FundFlowBillRequest::new(today))
        .await
        .expect("fund-flow bill");
    let fund_bytes = pay
        .download_bill(
            &fund.download_url,
            &fund.hash_type,
            &fund.hash_value,
            BillCompression::None,
        )
        .await
        .expect("fund-flow download");
    assert!(!fund_bytes.is_empty());

    let certificates = pay.certificates().list().await.expect("certificates");
    assert!(!certificates.data.is_empty());
}
