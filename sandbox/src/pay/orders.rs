//! Merchant (direct) orders: JSAPI, APP, H5 and Native create
//! (`/v3/pay/transactions/{jsapi,app,h5,native}` → `prepay_id`, `h5_url`,
//! `code_url`), query by `transaction_id` or `out_trade_no`, close (204),
//! and paying an order on request. Amounts are whole fen; states are
//! WeChat's (`NOTPAY`, `SUCCESS`, `REFUND`, `CLOSED`).

use axum::http::StatusCode;
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::answer::{
    PayAnswer, fen, json_body, optional, query_param, required, same_mchid, trade_no,
};
use super::error::PayError;
use super::keyring::rfc3339;
use super::state::{Order, PayWorld, TradeState};
use crate::world::random_string;

/// 403 for an order that is already paid.
fn already_paid() -> PayError {
    PayError::new(StatusCode::FORBIDDEN, "ORDERPAID", "该订单已支付")
}

/// Digits of `len`, from the clock and randomness.
pub(crate) fn digits(prefix: &str, len: usize) -> String {
    let now = OffsetDateTime::now_utc();
    let mut out = format!(
        "{prefix}{:04}{:02}{:02}",
        now.year(),
        u8::from(now.month()),
        now.day()
    );
    while out.len() < len {
        out.push(char::from(b'0' + rand::random_range(0..10u8)));
    }
    out
}

/// `POST /v3/pay/transactions/{kind}`.
pub(crate) fn create(
    world: &mut PayWorld,
    mchid: &str,
    kind: &str,
    body: &[u8],
) -> Result<PayAnswer, PayError> {
    let body = json_body(body)?;
    let trade_type = match kind {
        "jsapi" => "JSAPI",
        "app" => "APP",
        "h5" => "MWEB",
        "native" => "NATIVE",
        _ => return Err(PayError::not_exists("接口不存在")),
    };
    let appid = required(&body, "appid", 32)?.to_owned();
    same_mchid(&body, mchid)?;
    let description = required(&body, "description", 127)?.to_owned();
    let out_trade_no = trade_no(&body, "out_trade_no", 32)?.to_owned();
    let attach = optional(&body, "attach", 128)?.map(str::to_owned);
    let notify_url = required(&body, "notify_url", 256)?.to_owned();
    match url::Url::parse(&notify_url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.query().is_none() => {}
        _ => return Err(PayError::param("notify_url", "应为不带参数的http(s) URL")),
    }
    let amount = body
        .get("amount")
        .ok_or_else(|| PayError::param("amount", "缺少必填参数"))?;
    let total = fen(amount.get("total"), "amount.total", 1)?;
    let currency = match amount.get("currency") {
        None => "CNY".to_owned(),
        Some(c) => c
            .as_str()
            .filter(|c| *c == "CNY")
            .ok_or_else(|| PayError::param("amount.currency", "境内商户仅支持CNY"))?
            .to_owned(),
    };
    let openid = body
        .pointer("/payer/openid")
        .and_then(Value::as_str)
        .map(str::to_owned);
    if trade_type == "JSAPI" && openid.as_deref().is_none_or(str::is_empty) {
        return Err(PayError::param("payer.openid", "JSAPI下单必须传openid"));
    }
    if trade_type == "MWEB" {
        if body
            .pointer("/scene_info/payer_client_ip")
            .and_then(Value::as_str)
            .is_none()
        {
            return Err(PayError::param(
                "scene_info.payer_client_ip",
                "H5下单必须传用户终端IP",
            ));
        }
        if body
            .pointer("/scene_info/h5_info/type")
            .and_then(Value::as_str)
            .is_none()
        {
            return Err(PayError::param(
                "scene_info.h5_info.type",
                "H5下单必须传场景类型",
            ));
        }
    }
    let key = (mchid.to_owned(), out_trade_no.clone());
    if let Some(existing) = world.orders.get(&key) {
        if existing.state.is_paid() {
            return Err(already_paid());
        }
        if existing.state == TradeState::Closed {
            return Err(PayError::invalid("订单已关闭"));
        }
        if existing.request == body && existing.trade_type == trade_type {
            return Ok(PayAnswer::Json(StatusCode::OK, existing.created.clone()));
        }
        return Err(PayError::new(
            StatusCode::FORBIDDEN,
            "OUT_TRADE_NO_USED",
            "商户订单号重复",
        ));
    }
    let prepay_id = format!("wx{}", digits("", 32));
    let created = match trade_type {
        "JSAPI" | "APP" => json!({ "prepay_id": prepay_id }),
        "MWEB" => json!({
            "h5_url": format!("https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id={prepay_id}&package={}", rand::random_range(1_000_000_000u64..10_000_000_000))
        }),
        _ => json!({ "code_url": format!("weixin://wxpay/bizpayurl?pr={}", random_string(7)) }),
    };
    world.orders.insert(
        key,
        Order {
            mchid: mchid.to_owned(),
            appid,
            out_trade_no,
            trade_type,
            description,
            attach,
            notify_url,
            total,
            currency,
            openid,
            created: created.clone(),
            request: body,
            state: TradeState::NotPay,
            transaction_id: None,
            success_time: None,
            refunded: 0,
        },
    );
    Ok(PayAnswer::Json(StatusCode::OK, created))
}

/// The transaction as queries answer it and `TRANSACTION.SUCCESS` carries it.
pub(crate) fn transaction_json(order: &Order) -> Value {
    let mut t = json!({
        "appid": order.appid,
        "mchid": order.mchid,
        "out_trade_no": order.out_trade_no,
        "trade_type": order.trade_type,
        "trade_state": order.state.name(),
        "trade_state_desc": order.state.description(),
        "amount": { "total": order.total, "currency": order.currency },
    });
    if let Some(map) = t.as_object_mut() {
        if let Some(attach) = &order.attach {
            map.insert("attach".into(), json!(attach));
        }
        if let Some(id) = &order.transaction_id {
            map.insert("transaction_id".into(), json!(id));
            map.insert("bank_type".into(), json!("OTHERS"));
            map.insert(
                "amount".into(),
                json!({
                    "total": order.total,
                    "payer_total": order.total,
                    "currency": order.currency,
                    "payer_currency": order.currency,
                }),
            );
            map.insert(
                "payer".into(),
                json!({ "openid": order.openid.clone().unwrap_or_else(|| crate::DEFAULT_OPENID.to_owned()) }),
            );
        }
        if let Some(at) = order.success_time {
            map.insert("success_time".into(), json!(rfc3339(at)));
        }
    }
    t
}

/// The `mchid` query parameter must be there and be the signer's.
fn query_mchid(query: Option<&str>, signer: &str) -> Result<(), PayError> {
    match query_param(query, "mchid") {
        None => Err(PayError::param("mchid", "缺少必填参数").detail("mchid", "query", "missing")),
        Some(m) if m == signer => Ok(()),
        Some(_) => Err(PayError::param(
            "mchid",
            "与请求头Authorization中的商户号不一致",
        )),
    }
}

/// `GET /v3/pay/transactions/id/{transaction_id}?mchid=`.
pub(crate) fn query_by_id(
    world: &PayWorld,
    mchid: &str,
    id: &str,
    query: Option<&str>,
) -> Result<PayAnswer, PayError> {
    query_mchid(query, mchid)?;
    let order = world
        .order_by_transaction(mchid, id)
        .ok_or_else(PayError::order_not_exist)?;
    Ok(PayAnswer::Json(StatusCode::OK, transaction_json(order)))
}

/// `GET /v3/pay/transactions/out-trade-no/{out_trade_no}?mchid=`.
pub(crate) fn query_by_out_trade_no(
    world: &PayWorld,
    mchid: &str,
    no: &str,
    query: Option<&str>,
) -> Result<PayAnswer, PayError> {
    query_mchid(query, mchid)?;
    let order = world
        .orders
        .get(&(mchid.to_owned(), no.to_owned()))
        .ok_or_else(PayError::order_not_exist)?;
    Ok(PayAnswer::Json(StatusCode::OK, transaction_json(order)))
}

/// `POST /v3/pay/transactions/out-trade-no/{out_trade_no}/close`.
pub(crate) fn close(
    world: &mut PayWorld,
    mchid: &str,
    no: &str,
    body: &[u8],
) -> Result<PayAnswer, PayError> {
    let body = json_body(body)?;
    same_mchid(&body, mchid)?;
    let order = world
        .orders
        .get_mut(&(mchid.to_owned(), no.to_owned()))
        .ok_or_else(PayError::order_not_exist)?;
    if order.state.is_paid() {
        return Err(already_paid());
    }
    order.state = TradeState::Closed;
    Ok(PayAnswer::NoContent)
}

/// The user pays `out_trade_no`: the order becomes `SUCCESS` with a
/// `transaction_id`; answers the order as it now is.
pub(crate) fn pay(world: &mut PayWorld, mchid: &str, no: &str) -> Result<Order, String> {
    let order = world
        .orders
        .get_mut(&(mchid.to_owned(), no.to_owned()))
        .ok_or_else(|| format!("merchant {mchid} has no order `{no}`"))?;
    if order.state != TradeState::NotPay {
        return Err(format!(
            "order `{no}` is {}, not NOTPAY",
            order.state.name()
        ));
    }
    order.state = TradeState::Success;
    order.transaction_id = Some(digits("4200", 28));
    order.success_time = Some(OffsetDateTime::now_utc());
    Ok(order.clone())
}
