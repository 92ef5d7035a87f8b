//! Partner orders (服务商模式下单): JSAPI, APP, H5 and Native under
//! `/v3/pay/partner/transactions/{jsapi,app,h5,native}` with `sp_appid`,
//! `sp_mchid`, `sub_appid` and `sub_mchid`; query by `transaction_id` or
//! `out_trade_no` (`?sp_mchid=&sub_mchid=`); close (204); and paying one on
//! request, whose `TRANSACTION.SUCCESS` carries the `sp_`/`sub_` fields.
//!
//! Beyond the merchant order's checks: `sp_mchid` must be the signer,
//! `sub_mchid` its sub-merchant (else “受理关系不存在”), a `sub_appid` must
//! be one of the sub-merchant's, and a `payer.sub_openid` needs a
//! `sub_appid`. `settle_info.profit_sharing` marks an order whose money
//! may be shared (see `profitsharing`).

use axum::http::StatusCode;
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::answer::{PayAnswer, fen, json_body, optional, query_param, required, trade_no};
use super::error::PayError;
use super::keyring::rfc3339;
use super::orders::digits;
use super::partner::body_sub_mchid;
use super::state::{PayWorld, TradeState};
use crate::world::random_string;

/// A partner order.
#[derive(Debug, Clone)]
pub(crate) struct PartnerOrder {
    pub sp_mchid: String,
    pub sub_mchid: String,
    pub sp_appid: String,
    pub sub_appid: Option<String>,
    pub out_trade_no: String,
    pub trade_type: &'static str,
    pub description: String,
    pub attach: Option<String>,
    pub notify_url: String,
    pub total: i64,
    pub sp_openid: Option<String>,
    pub sub_openid: Option<String>,
    pub profit_sharing: bool,
    pub created: Value,
    pub request: Value,
    pub state: TradeState,
    pub transaction_id: Option<String>,
    pub success_time: Option<OffsetDateTime>,
    /// Refunded so far (accepted refunds, not closed ones).
    pub refunded: i64,
    /// Shared to receivers other than the sub-merchant, net of returns.
    pub shared: i64,
    /// The rest was unfrozen to the sub-merchant: nothing more to share.
    pub unfrozen: bool,
}

impl PartnerOrder {
    /// What can still be shared (`unsplit_amount`).
    pub(crate) fn unsplit(&self) -> i64 {
        if !self.profit_sharing || self.unfrozen || !self.state.is_paid() {
            0
        } else {
            (self.total - self.refunded - self.shared).max(0)
        }
    }
}

/// The key of the partner order map.
pub(crate) type OrderKey = (String, String, String);

fn key(sp: &str, sub: &str, no: &str) -> OrderKey {
    (sp.to_owned(), sub.to_owned(), no.to_owned())
}

/// `POST /v3/pay/partner/transactions/{kind}`.
pub(crate) fn create(
    world: &mut PayWorld,
    sp_mchid: &str,
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
    let sp_appid = required(&body, "sp_appid", 32)?.to_owned();
    if required(&body, "sp_mchid", 32)? != sp_mchid {
        return Err(PayError::param(
            "sp_mchid",
            "与请求头Authorization中的商户号不一致",
        ));
    }
    let sub_mchid = body_sub_mchid(world, sp_mchid, &body)?.to_owned();
    let sub_appid = optional(&body, "sub_appid", 32)?.map(str::to_owned);
    if let Some(appid) = &sub_appid {
        let known = world
            .sub_merchant(sp_mchid, &sub_mchid)
            .is_some_and(|s| s.sub_appids.iter().any(|a| a == appid));
        if !known {
            return Err(PayError::invalid("sub_mchid与sub_appid不匹配"));
        }
    }
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
    if amount
        .get("currency")
        .is_some_and(|c| c.as_str() != Some("CNY"))
    {
        return Err(PayError::param("amount.currency", "境内商户仅支持CNY"));
    }
    let text = |p: &str| body.pointer(p).and_then(Value::as_str).map(str::to_owned);
    let sp_openid = text("/payer/sp_openid");
    let sub_openid = text("/payer/sub_openid");
    if sub_openid.is_some() && sub_appid.is_none() {
        return Err(PayError::param(
            "sub_appid",
            "传sub_openid时必须传sub_appid",
        ));
    }
    if trade_type == "JSAPI" && sp_openid.is_none() && sub_openid.is_none() {
        return Err(PayError::param(
            "payer",
            "JSAPI下单必须传sp_openid或sub_openid",
        ));
    }
    if trade_type == "MWEB" && text("/scene_info/payer_client_ip").is_none() {
        return Err(PayError::param(
            "scene_info.payer_client_ip",
            "H5下单必须传用户终端IP",
        ));
    }
    let profit_sharing = body
        .pointer("/settle_info/profit_sharing")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let k = key(sp_mchid, &sub_mchid, &out_trade_no);
    if let Some(existing) = world.sp.partner_orders.get(&k) {
        if existing.state.is_paid() {
            return Err(PayError::new(
                StatusCode::FORBIDDEN,
                "ORDERPAID",
                "该订单已支付",
            ));
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
    world.sp.partner_orders.insert(
        k,
        PartnerOrder {
            sp_mchid: sp_mchid.to_owned(),
            sub_mchid,
            sp_appid,
            sub_appid,
            out_trade_no,
            trade_type,
            description,
            attach,
            notify_url,
            total,
            sp_openid,
            sub_openid,
            profit_sharing,
            created: created.clone(),
            request: body,
            state: TradeState::NotPay,
            transaction_id: None,
            success_time: None,
            refunded: 0,
            shared: 0,
            unfrozen: false,
        },
    );
    Ok(PayAnswer::Json(StatusCode::OK, created))
}

/// The partner transaction, as queries answer it and `TRANSACTION.SUCCESS`
/// carries it.
pub(crate) fn transaction_json(o: &PartnerOrder) -> Value {
    let mut t = json!({
        "sp_appid": o.sp_appid,
        "sp_mchid": o.sp_mchid,
        "sub_mchid": o.sub_mchid,
        "out_trade_no": o.out_trade_no,
        "description": o.description,
        "trade_type": o.trade_type,
        "trade_state": o.state.name(),
        "trade_state_desc": o.state.description(),
        "amount": { "total": o.total, "currency": "CNY" },
    });
    if let Some(map) = t.as_object_mut() {
        if let Some(appid) = &o.sub_appid {
            map.insert("sub_appid".into(), json!(appid));
        }
        if let Some(attach) = &o.attach {
            map.insert("attach".into(), json!(attach));
        }
        if let Some(id) = &o.transaction_id {
            map.insert("transaction_id".into(), json!(id));
            map.insert("bank_type".into(), json!("OTHERS"));
            map.insert(
                "amount".into(),
                json!({"total": o.total, "payer_total": o.total, "currency": "CNY", "payer_currency": "CNY"}),
            );
            let mut payer = serde_json::Map::new();
            if let Some(openid) = &o.sp_openid {
                payer.insert("sp_openid".into(), json!(openid));
            }
            if let Some(openid) = &o.sub_openid {
                payer.insert("sub_openid".into(), json!(openid));
            }
            if payer.is_empty() {
                payer.insert("sp_openid".into(), json!(crate::DEFAULT_OPENID));
            }
            map.insert("payer".into(), Value::Object(payer));
        }
        if let Some(at) = o.success_time {
            map.insert("success_time".into(), json!(rfc3339(at)));
        }
    }
    t
}

/// `sp_mchid` and `sub_mchid` of a query: the signer and its sub-merchant.
fn query_ids(world: &PayWorld, sp_mchid: &str, query: Option<&str>) -> Result<String, PayError> {
    match query_param(query, "sp_mchid") {
        None => {
            return Err(
                PayError::param("sp_mchid", "缺少必填参数").detail("sp_mchid", "query", "missing")
            );
        }
        Some(m) if m != sp_mchid => {
            return Err(PayError::param(
                "sp_mchid",
                "与请求头Authorization中的商户号不一致",
            ));
        }
        Some(_) => {}
    }
    super::partner::query_sub_mchid(world, sp_mchid, query)
}

/// `GET /v3/pay/partner/transactions/id/{transaction_id}`.
pub(crate) fn query_by_id(
    world: &PayWorld,
    sp_mchid: &str,
    id: &str,
    query: Option<&str>,
) -> Result<PayAnswer, PayError> {
    let sub = query_ids(world, sp_mchid, query)?;
    let order = world
        .partner_order_by_transaction(sp_mchid, &sub, id)
        .ok_or_else(PayError::order_not_exist)?;
    Ok(PayAnswer::Json(StatusCode::OK, transaction_json(order)))
}

/// `GET /v3/pay/partner/transactions/out-trade-no/{out_trade_no}`.
pub(crate) fn query_by_out_trade_no(
    world: &PayWorld,
    sp_mchid: &str,
    no: &str,
    query: Option<&str>,
) -> Result<PayAnswer, PayError> {
    let sub = query_ids(world, sp_mchid, query)?;
    let order = world
        .sp
        .partner_orders
        .get(&key(sp_mchid, &sub, no))
        .ok_or_else(PayError::order_not_exist)?;
    Ok(PayAnswer::Json(StatusCode::OK, transaction_json(order)))
}

/// `POST /v3/pay/partner/transactions/out-trade-no/{out_trade_no}/close`.
pub(crate) fn close(
    world: &mut PayWorld,
    sp_mchid: &str,
    no: &str,
    body: &[u8],
) -> Result<PayAnswer, PayError> {
    let body = json_body(body)?;
    if required(&body, "sp_mchid", 32)? != sp_mchid {
        return Err(PayError::param(
            "sp_mchid",
            "与请求头Authorization中的商户号不一致",
        ));
    }
    let sub = body_sub_mchid(world, sp_mchid, &body)?.to_owned();
    let order = world
        .sp
        .partner_orders
        .get_mut(&key(sp_mchid, &sub, no))
        .ok_or_else(PayError::order_not_exist)?;
    if order.state.is_paid() {
        return Err(PayError::new(
            StatusCode::FORBIDDEN,
            "ORDERPAID",
            "该订单已支付",
        ));
    }
    order.state = TradeState::Closed;
    Ok(PayAnswer::NoContent)
}

/// The user pays partner order `no` of `sub` (under whichever service
/// provider has it); answers the order as it now is.
pub(crate) fn pay(world: &mut PayWorld, sub: &str, no: &str) -> Result<PartnerOrder, String> {
    let order = world
        .sp
        .partner_orders
        .values_mut()
        .find(|o| o.sub_mchid == sub && o.out_trade_no == no)
        .ok_or_else(|| format!("sub-merchant {sub} has no order `{no}`"))?;
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

impl PayWorld {
    /// Partner order `transaction_id` of `sp`'s sub-merchant `sub`.
    pub(crate) fn partner_order_by_transaction(
        &self,
        sp: &str,
        sub: &str,
        id: &str,
    ) -> Option<&PartnerOrder> {
        self.sp.partner_orders.values().find(|o| {
            o.sp_mchid == sp && o.sub_mchid == sub && o.transaction_id.as_deref() == Some(id)
        })
    }

    /// The key of partner order `transaction_id` of `sp`'s `sub`.
    pub(crate) fn partner_order_key(&self, sp: &str, sub: &str, id: &str) -> Option<OrderKey> {
        self.partner_order_by_transaction(sp, sub, id)
            .map(|o| key(&o.sp_mchid, &o.sub_mchid, &o.out_trade_no))
    }
}
