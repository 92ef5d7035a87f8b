//! Refunds: create (`/v3/refund/domestic/refunds`), query by
//! `out_refund_no`, and apply for an abnormal refund
//! (`…/{refund_id}/apply-abnormal-refund`, whose bank account and name are
//! sensitive fields). A refund never exceeds what is left of the order; a
//! repeated `out_refund_no` is the same refund. It starts `PROCESSING` and
//! ends as the sandbox is told ([`RefundOutcome`](super::RefundOutcome)),
//! each end pushing its `REFUND.*` notification.

use axum::http::StatusCode;
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::answer::{PayAnswer, fen, json_body, optional, required, trade_no};
use super::error::PayError;
use super::keyring::rfc3339;
use super::sensitive;
use super::state::{PayWorld, Refund, RefundStatus, TradeState};

/// The refund as the API answers it.
pub(crate) fn refund_json(r: &Refund) -> Value {
    let mut v = json!({
        "refund_id": r.refund_id,
        "out_refund_no": r.out_refund_no,
        "transaction_id": r.transaction_id,
        "out_trade_no": r.out_trade_no,
        "channel": "ORIGINAL",
        "user_received_account": r.user_received_account,
        "create_time": rfc3339(r.create_time),
        "status": r.status.name(),
        "funds_account": "AVAILABLE",
        "amount": {
            "total": r.total,
            "refund": r.refund,
            "payer_total": r.total,
            "payer_refund": r.refund,
            "settlement_refund": r.refund,
            "settlement_total": r.total,
            "discount_refund": 0,
            "currency": "CNY",
            "refund_fee": 0,
        },
    });
    if let (Some(at), Some(map)) = (r.success_time, v.as_object_mut()) {
        map.insert("success_time".into(), json!(rfc3339(at)));
    }
    v
}

/// The refund as `REFUND.*` notifications carry it.
pub(crate) fn notification_json(r: &Refund) -> Value {
    let mut v = json!({
        "mchid": r.mchid,
        "out_trade_no": r.out_trade_no,
        "transaction_id": r.transaction_id,
        "out_refund_no": r.out_refund_no,
        "refund_id": r.refund_id,
        "refund_status": r.status.name(),
        "user_received_account": r.user_received_account,
        "amount": {
            "total": r.total,
            "refund": r.refund,
            "payer_total": r.total,
            "payer_refund": r.refund,
        },
    });
    if let (Some(at), Some(map)) = (r.success_time, v.as_object_mut()) {
        map.insert("success_time".into(), json!(rfc3339(at)));
    }
    v
}

/// `POST /v3/refund/domestic/refunds`.
pub(crate) fn create(
    world: &mut PayWorld,
    mchid: &str,
    body: &[u8],
) -> Result<(PayAnswer, Option<String>), PayError> {
    let body = json_body(body)?;
    let out_refund_no = trade_no(&body, "out_refund_no", 64)?.to_owned();
    optional(&body, "reason", 80)?;
    let notify_url = optional(&body, "notify_url", 256)?.map(str::to_owned);
    let transaction_id = optional(&body, "transaction_id", 32)?;
    let out_trade_no = optional(&body, "out_trade_no", 32)?;
    let amount = body
        .get("amount")
        .ok_or_else(|| PayError::param("amount", "缺少必填参数"))?;
    let refund = fen(amount.get("refund"), "amount.refund", 1)?;
    let total = fen(amount.get("total"), "amount.total", 1)?;
    if amount.get("currency").and_then(Value::as_str) != Some("CNY") {
        return Err(PayError::param("amount.currency", "应为CNY"));
    }
    let key = (mchid.to_owned(), out_refund_no.clone());
    if let Some(existing) = world.refunds.get(&key) {
        return Ok((PayAnswer::Json(StatusCode::OK, refund_json(existing)), None));
    }
    let order = match (transaction_id, out_trade_no) {
        (Some(id), _) => world.order_by_transaction(mchid, id).cloned(),
        (None, Some(no)) => world
            .orders
            .get(&(mchid.to_owned(), no.to_owned()))
            .cloned(),
        (None, None) => {
            return Err(PayError::param(
                "transaction_id",
                "transaction_id和out_trade_no必须二选一",
            ));
        }
    }
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
    if refund > order.total - order.refunded {
        return Err(PayError::invalid("申请退款金额超过订单可退金额"));
    }
    let refund_id = {
        let mut id = String::from("50");
        while id.len() < 29 {
            id.push(char::from(b'0' + rand::random_range(0..10u8)));
        }
        id
    };
    if let Some(o) = world
        .orders
        .get_mut(&(mchid.to_owned(), order.out_trade_no.clone()))
    {
        o.refunded += refund;
    }
    let r = Refund {
        mchid: mchid.to_owned(),
        refund_id,
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
    world.refunds.insert(key, r);
    Ok((PayAnswer::Json(StatusCode::OK, answer), Some(out_refund_no)))
}

/// `GET /v3/refund/domestic/refunds/{out_refund_no}`.
pub(crate) fn query(
    world: &PayWorld,
    mchid: &str,
    out_refund_no: &str,
) -> Result<PayAnswer, PayError> {
    let r = world
        .refunds
        .get(&(mchid.to_owned(), out_refund_no.to_owned()))
        .ok_or_else(|| PayError::not_exists("退款单不存在"))?;
    Ok(PayAnswer::Json(StatusCode::OK, refund_json(r)))
}

/// `POST /v3/refund/domestic/refunds/{refund_id}/apply-abnormal-refund`:
/// only an `ABNORMAL` refund; to the user's bank card (`USER_BANK_CARD`,
/// with the encrypted `bank_account` and `real_name`) or the merchant's
/// (`MERCHANT_BANK_CARD`). The refund is `PROCESSING` again.
pub(crate) fn apply_abnormal(
    world: &mut PayWorld,
    mchid: &str,
    refund_id: &str,
    serial: Option<&str>,
    body: &[u8],
) -> Result<(PayAnswer, String), PayError> {
    let body = json_body(body)?;
    let out_refund_no = required(&body, "out_refund_no", 64)?.to_owned();
    let kind = required(&body, "type", 32)?;
    let account = match kind {
        "USER_BANK_CARD" => {
            required(&body, "bank_type", 32)?;
            let account = required(&body, "bank_account", 1024)?;
            let name = required(&body, "real_name", 1024)?;
            let account = sensitive::decrypt(world, serial, "bank_account", account)?;
            sensitive::decrypt(world, serial, "real_name", name)?;
            let tail: String = account
                .chars()
                .rev()
                .take(4)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
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
        .refunds
        .get_mut(&(mchid.to_owned(), out_refund_no.clone()))
        .filter(|r| r.refund_id == refund_id)
        .ok_or_else(|| PayError::not_exists("退款单不存在"))?;
    if r.status != RefundStatus::Abnormal {
        return Err(PayError::invalid(
            "退款单状态不是ABNORMAL，不能发起异常退款",
        ));
    }
    r.status = RefundStatus::Processing;
    r.user_received_account = account;
    Ok((
        PayAnswer::Json(StatusCode::OK, refund_json(r)),
        out_refund_no,
    ))
}

/// Ends refund `out_refund_no` with `status`; answers the refund as it now
/// is, for its notification.
pub(crate) fn finish(
    world: &mut PayWorld,
    mchid: &str,
    out_refund_no: &str,
    status: RefundStatus,
) -> Result<Refund, String> {
    let r = world
        .refunds
        .get_mut(&(mchid.to_owned(), out_refund_no.to_owned()))
        .ok_or_else(|| format!("merchant {mchid} has no refund `{out_refund_no}`"))?;
    if r.status != RefundStatus::Processing {
        return Err(format!(
            "refund `{out_refund_no}` is {}, not PROCESSING",
            r.status.name()
        ));
    }
    r.status = status;
    let r = r.clone();
    let order = world
        .orders
        .get_mut(&(mchid.to_owned(), r.out_trade_no.clone()));
    match status {
        RefundStatus::Success => {
            if let Some(r) = world
                .refunds
                .get_mut(&(mchid.to_owned(), out_refund_no.to_owned()))
            {
                r.success_time = Some(OffsetDateTime::now_utc());
            }
            if let Some(o) = order {
                o.state = TradeState::Refund;
            }
        }
        RefundStatus::Closed => {
            if let Some(o) = order {
                o.refunded -= r.refund;
            }
        }
        RefundStatus::Abnormal | RefundStatus::Processing => {}
    }
    world
        .refunds
        .get(&(mchid.to_owned(), out_refund_no.to_owned()))
        .cloned()
        .ok_or_else(|| "refund vanished".to_owned())
}
