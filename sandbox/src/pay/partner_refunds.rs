//! Partner refunds: the same `/v3/refund/domestic/refunds` as a merchant's,
//! with `sub_mchid` in the body (and `?sub_mchid=` on the query). The refund
//! comes out of what the sub-merchant still holds of the order: the paid
//! amount less what was refunded and what was shared away. It starts
//! `PROCESSING` and ends like a merchant's refund, pushing `REFUND.*` with
//! `sp_mchid` and `sub_mchid`. An `ABNORMAL` one may be applied for again
//! (`…/{refund_id}/apply-abnormal-refund` with `sub_mchid`; the bank account
//! and name are sensitive fields).

use axum::http::StatusCode;
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::answer::required;
use super::answer::{PayAnswer, fen, optional, trade_no};
use super::error::PayError;
use super::keyring::rfc3339;
use super::partner::body_sub_mchid;
use super::sensitive;
use super::state::{PayWorld, RefundStatus, TradeState};

/// A partner refund.
#[derive(Debug, Clone)]
pub(crate) struct PartnerRefund {
    pub sp_mchid: String,
    pub sub_mchid: String,
    pub refund_id: String,
    pub out_refund_no: String,
    pub transaction_id: String,
    pub out_trade_no: String,
    pub notify_url: Option<String>,
    pub refund: i64,
    pub total: i64,
    pub status: RefundStatus,
    pub create_time: OffsetDateTime,
    pub success_time: Option<OffsetDateTime>,
    pub user_received_account: String,
}

/// The key of the partner refund map.
pub(crate) type RefundKey = (String, String, String);

fn key(sp: &str, sub: &str, no: &str) -> RefundKey {
    (sp.to_owned(), sub.to_owned(), no.to_owned())
}

/// The refund as the API answers it.
pub(crate) fn refund_json(r: &PartnerRefund) -> Value {
    let mut v = json!({
        "refund_id": r.refund_id,
        "out_refund_no": r.out_refund_no,
        "transaction_id": r.transaction_id,
        "out_trade_no": r.out_trade_no,
        "channel": "ORIGINAL",
        "user_received_account": r.user_received_account,
        "create_time": rfc3339(r.create_time),
        "status": r.status.name(),
        "funds_account": "UNAVAILABLE",
        "amount": {
            "total": r.total, "refund": r.refund, "payer_total": r.total,
            "payer_refund": r.refund, "settlement_refund": r.refund,
            "settlement_total": r.total, "discount_refund": 0, "currency": "CNY",
        },
    });
    if let (Some(at), Some(map)) = (r.success_time, v.as_object_mut()) {
        map.insert("success_time".into(), json!(rfc3339(at)));
    }
    v
}

/// The refund as partner `REFUND.*` notifications carry it.
pub(crate) fn notification_json(r: &PartnerRefund) -> Value {
    let mut v = json!({
        "sp_mchid": r.sp_mchid,
        "sub_mchid": r.sub_mchid,
        "out_trade_no": r.out_trade_no,
        "transaction_id": r.transaction_id,
        "out_refund_no": r.out_refund_no,
        "refund_id": r.refund_id,
        "refund_status": r.status.name(),
        "user_received_account": r.user_received_account,
        "amount": {"total": r.total, "refund": r.refund, "payer_total": r.total, "payer_refund": r.refund},
    });
    if let (Some(at), Some(map)) = (r.success_time, v.as_object_mut()) {
        map.insert("success_time".into(), json!(rfc3339(at)));
    }
    v
}

/// `POST /v3/refund/domestic/refunds` with `sub_mchid`; answers the new
/// refund's number when one was made.
pub(crate) fn create(
    world: &mut PayWorld,
    sp_mchid: &str,
    body: &Value,
) -> Result<(PayAnswer, Option<String>), PayError> {
    let sub = body_sub_mchid(world, sp_mchid, body)?.to_owned();
    let out_refund_no = trade_no(body, "out_refund_no", 64)?.to_owned();
    optional(body, "reason", 80)?;
    let notify_url = optional(body, "notify_url", 256)?.map(str::to_owned);
    let transaction_id = optional(body, "transaction_id", 32)?;
    let out_trade_no = optional(body, "out_trade_no", 32)?;
    let amount = body
        .get("amount")
        .ok_or_else(|| PayError::param("amount", "缺少必填参数"))?;
    let refund = fen(amount.get("refund"), "amount.refund", 1)?;
    let total = fen(amount.get("total"), "amount.total", 1)?;
    if amount.get("currency").and_then(Value::as_str) != Some("CNY") {
        return Err(PayError::param("amount.currency", "应为CNY"));
    }
    let rk = key(sp_mchid, &sub, &out_refund_no);
    if let Some(existing) = world.sp.partner_refunds.get(&rk) {
        return Ok((PayAnswer::Json(StatusCode::OK, refund_json(existing)), None));
    }
    let order_key = match (transaction_id, out_trade_no) {
        (Some(id), _) => world.partner_order_key(sp_mchid, &sub, id),
        (None, Some(no)) => {
            let k = (sp_mchid.to_owned(), sub.clone(), no.to_owned());
            world.sp.partner_orders.contains_key(&k).then_some(k)
        }
        (None, None) => {
            return Err(PayError::param(
                "transaction_id",
                "transaction_id和out_trade_no必须二选一",
            ));
        }
    }
    .ok_or_else(|| PayError::not_exists("订单不存在"))?;
    let order = world
        .sp
        .partner_orders
        .get_mut(&order_key)
        .ok_or_else(|| PayError::not_exists("订单不存在"))?;
    let Some(paid_id) = order
        .transaction_id
        .clone()
        .filter(|_| order.state.is_paid())
    else {
        return Err(PayError::invalid("订单未支付，不能退款"));
    };
    if total != order.total {
        return Err(PayError::param(
            "amount.total",
            "订单金额与原订单金额不一致",
        ));
    }
    if refund > order.total - order.refunded - order.shared {
        return Err(PayError::invalid("申请退款金额超过订单可退金额"));
    }
    order.refunded += refund;
    let r = PartnerRefund {
        sp_mchid: sp_mchid.to_owned(),
        sub_mchid: sub,
        refund_id: super::orders::digits("50", 29),
        out_refund_no: out_refund_no.clone(),
        transaction_id: paid_id,
        out_trade_no: order.out_trade_no.clone(),
        notify_url: notify_url.or(Some(order.notify_url.clone())),
        refund,
        total,
        status: RefundStatus::Processing,
        create_time: OffsetDateTime::now_utc(),
        success_time: None,
        user_received_account: "支付用户零钱".to_owned(),
    };
    let answer = refund_json(&r);
    world.sp.partner_refunds.insert(rk, r);
    Ok((PayAnswer::Json(StatusCode::OK, answer), Some(out_refund_no)))
}

/// `GET /v3/refund/domestic/refunds/{out_refund_no}?sub_mchid=`.
pub(crate) fn query(
    world: &PayWorld,
    sp_mchid: &str,
    out_refund_no: &str,
    query: Option<&str>,
) -> Result<PayAnswer, PayError> {
    let sub = super::partner::query_sub_mchid(world, sp_mchid, query)?;
    let r = world
        .sp
        .partner_refunds
        .get(&key(sp_mchid, &sub, out_refund_no))
        .ok_or_else(|| PayError::not_exists("退款单不存在"))?;
    Ok(PayAnswer::Json(StatusCode::OK, refund_json(r)))
}

/// `POST /v3/refund/domestic/refunds/{refund_id}/apply-abnormal-refund`
/// with `sub_mchid`: only an `ABNORMAL` refund, to the user's bank card
/// (the encrypted `bank_account` and `real_name`) or the merchant's. It is
/// `PROCESSING` again; answers it and its sub-merchant and number.
pub(crate) fn apply_abnormal(
    world: &mut PayWorld,
    sp_mchid: &str,
    refund_id: &str,
    serial: Option<&str>,
    body: &Value,
) -> Result<(PayAnswer, String, String), PayError> {
    let sub = body_sub_mchid(world, sp_mchid, body)?.to_owned();
    let no = required(body, "out_refund_no", 64)?.to_owned();
    let account = match required(body, "type", 32)? {
        "USER_BANK_CARD" => {
            required(body, "bank_type", 32)?;
            let number = sensitive::decrypt(
                world,
                serial,
                "bank_account",
                required(body, "bank_account", 2048)?,
            )?;
            let name = sensitive::decrypt(
                world,
                serial,
                "real_name",
                required(body, "real_name", 2048)?,
            )?;
            if name.trim().is_empty() || number.len() < 4 {
                return Err(PayError::param(
                    "bank_account",
                    "解密后的银行卡号或姓名无效",
                ));
            }
            let tail: String = number.chars().skip(number.len() - 4).collect();
            format!("用户银行卡尾号{tail}")
        }
        "MERCHANT_BANK_CARD" => "商户银行卡".to_owned(),
        _ => {
            return Err(PayError::param(
                "type",
                "应为USER_BANK_CARD或MERCHANT_BANK_CARD",
            ));
        }
    };
    let r = world
        .sp
        .partner_refunds
        .get_mut(&key(sp_mchid, &sub, &no))
        .filter(|r| r.refund_id == refund_id)
        .ok_or_else(|| PayError::not_exists("退款单不存在"))?;
    if r.status != RefundStatus::Abnormal {
        return Err(PayError::invalid(
            "退款单状态不是ABNORMAL，不能发起异常退款",
        ));
    }
    r.status = RefundStatus::Processing;
    r.user_received_account = account;
    Ok((PayAnswer::Json(StatusCode::OK, refund_json(r)), sub, no))
}

/// Ends partner refund `no` with `status`; answers it as it now is.
pub(crate) fn finish(
    world: &mut PayWorld,
    sp: &str,
    sub: &str,
    no: &str,
    status: RefundStatus,
) -> Result<PartnerRefund, String> {
    let r = world
        .sp
        .partner_refunds
        .get_mut(&key(sp, sub, no))
        .ok_or_else(|| format!("sub-merchant {sub} has no refund `{no}`"))?;
    if r.status != RefundStatus::Processing {
        return Err(format!(
            "refund `{no}` is {}, not PROCESSING",
            r.status.name()
        ));
    }
    r.status = status;
    if status == RefundStatus::Success {
        r.success_time = Some(OffsetDateTime::now_utc());
    }
    let r = r.clone();
    if let Some(o) =
        world
            .sp
            .partner_orders
            .get_mut(&(sp.to_owned(), sub.to_owned(), r.out_trade_no.clone()))
    {
        match status {
            RefundStatus::Success => o.state = TradeState::Refund,
            RefundStatus::Closed => o.refunded -= r.refund,
            RefundStatus::Abnormal | RefundStatus::Processing => {}
        }
    }
    Ok(r)
}
