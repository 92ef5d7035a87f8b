//! Profit sharing (分账) against a paid partner order marked
//! `settle_info.profit_sharing`: orders (`/v3/profitsharing/orders`, query
//! by `out_order_no`, `…/unfreeze`), returns (`/v3/profitsharing/return-orders`
//! and query), the transaction's remaining amount
//! (`/v3/profitsharing/transactions/{transaction_id}/amounts`), a
//! sub-merchant's maximum ratio (`/v3/profitsharing/merchant-configs/{sub_mchid}`)
//! and the bill (`/v3/profitsharing/bills`).
//!
//! What WeChat refuses, the sandbox refuses, with WeChat's words:
//! * sharing more than remains of the order — 400 `INVALID_REQUEST`
//!   “分账金额不足” (what remains: paid, less refunded, less shared, and
//!   nothing once unfrozen);
//! * sharing away more of the order than the sub-merchant's maximum ratio
//!   allows — 400 `INVALID_REQUEST` “分账金额超出最大分账比例”;
//! * a receiver that was not added — “分账接收方关系不存在…”;
//! * an order not marked for sharing — “非分账订单不支持分账”;
//! * returning more than was shared to that receiver — “剩余可回退的金额不足”.
//!
//! Sharing is asynchronous at WeChat: the create answer says `PROCESSING`
//! with `PENDING` receivers. The sandbox settles it at once, so a query
//! right after says `FINISHED`/`SUCCESS`; each `MERCHANT_ID` receiver that
//! is a configured merchant with a profit-sharing URL
//! ([`PaySandbox::set_profit_sharing_notify_url`](super::PaySandbox::set_profit_sharing_notify_url))
//! is sent `PROFITSHARING.SUCCESS` (and `PROFITSHARING.RETURN` for a
//! return), as WeChat notifies receivers.

use axum::http::StatusCode;
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::answer::{PayAnswer, fen, json_body, optional, own_no, query_param, required};
use super::error::PayError;
use super::keyring::rfc3339;
use super::notify::Outgoing;
use super::orders::digits;
use super::partner::{body_sub_mchid, path_sub_mchid, query_sub_mchid};
use super::partner_orders::OrderKey;
use super::receivers::receiver;
use super::sensitive;
use super::state::PayWorld;

/// One receiver's part of a sharing order.
#[derive(Debug, Clone)]
pub(crate) struct Share {
    pub kind: String,
    pub account: String,
    pub amount: i64,
    pub description: String,
    pub detail_id: String,
    pub time: OffsetDateTime,
    /// Returned from it so far.
    pub returned: i64,
}

/// A sharing order (分账单).
#[derive(Debug, Clone)]
pub(crate) struct SharingOrder {
    pub sp_mchid: String,
    pub sub_mchid: String,
    pub transaction_id: String,
    pub out_order_no: String,
    pub order_id: String,
    pub shares: Vec<Share>,
}

/// A return (分账回退).
#[derive(Debug, Clone)]
pub(crate) struct SharingReturn {
    pub sp_mchid: String,
    pub sub_mchid: String,
    pub order_id: String,
    pub out_order_no: String,
    pub out_return_no: String,
    pub return_id: String,
    pub return_mchid: String,
    pub amount: i64,
    pub description: String,
    pub time: OffsetDateTime,
}

fn not_enough() -> PayError {
    PayError::invalid("分账金额不足")
}

fn order_json(o: &SharingOrder, processing: bool) -> Value {
    json!({
        "sub_mchid": o.sub_mchid,
        "transaction_id": o.transaction_id,
        "out_order_no": o.out_order_no,
        "order_id": o.order_id,
        "state": if processing { "PROCESSING" } else { "FINISHED" },
        "receivers": o.shares.iter().map(|s| {
            let mut r = json!({
                "amount": s.amount, "description": s.description, "type": s.kind,
                "account": s.account, "result": if processing { "PENDING" } else { "SUCCESS" },
                "detail_id": s.detail_id, "create_time": rfc3339(s.time),
            });
            if let (false, Some(map)) = (processing, r.as_object_mut()) {
                map.insert("finish_time".into(), json!(rfc3339(s.time)));
            }
            r
        }).collect::<Vec<_>>(),
    })
}

/// The profit-sharing notification of one movement to `account`, if it is
/// a configured merchant with a URL.
#[allow(clippy::too_many_arguments)]
fn movement(
    world: &PayWorld,
    event_type: &'static str,
    summary: &'static str,
    order: &SharingOrder,
    order_id: &str,
    out_order_no: &str,
    kind: &str,
    account: &str,
    amount: i64,
    description: &str,
) -> Option<Outgoing> {
    if kind != "MERCHANT_ID" || world.merchant(account).is_none() {
        return None;
    }
    let url = world.sp.profitsharing_urls.get(account)?;
    Some(Outgoing {
        mchid: account.to_owned(),
        notify_url: url.clone(),
        event_type,
        summary,
        original_type: "profitsharing",
        resource: json!({
            "sp_mchid": order.sp_mchid,
            "sub_mchid": order.sub_mchid,
            "transaction_id": order.transaction_id,
            "order_id": order_id,
            "out_order_no": out_order_no,
            "receiver": {"type": kind, "account": account, "amount": amount, "description": description},
            "success_time": rfc3339(OffsetDateTime::now_utc()),
        }),
    })
}

/// The paid, shareable partner order `transaction_id` of `sp`'s `sub`.
fn shareable(world: &PayWorld, sp: &str, sub: &str, id: &str) -> Result<OrderKey, PayError> {
    let key = world
        .partner_order_key(sp, sub, id)
        .ok_or_else(|| PayError::not_exists("订单不存在"))?;
    let order = world
        .sp
        .partner_orders
        .get(&key)
        .ok_or_else(|| PayError::not_exists("订单不存在"))?;
    if !order.profit_sharing {
        return Err(PayError::invalid("非分账订单不支持分账"));
    }
    if !order.state.is_paid() {
        return Err(PayError::invalid("订单未支付成功，不能分账"));
    }
    Ok(key)
}

/// `POST /v3/profitsharing/orders`; answers the notifications to send.
pub(crate) fn create(
    world: &mut PayWorld,
    sp: &str,
    serial: Option<&str>,
    body: &[u8],
) -> Result<(PayAnswer, Vec<Outgoing>), PayError> {
    let body = json_body(body)?;
    let sub = body_sub_mchid(world, sp, &body)?.to_owned();
    let transaction_id = required(&body, "transaction_id", 32)?.to_owned();
    let out_order_no = own_no(&body, "out_order_no", 64)?.to_owned();
    let unfreeze = body
        .get("unfreeze_unsplit")
        .ok_or_else(|| PayError::param("unfreeze_unsplit", "缺少必填参数"))?
        .as_bool()
        .ok_or_else(|| PayError::param("unfreeze_unsplit", "应为布尔值"))?;
    if let Some(existing) = world
        .sp
        .sharing_orders
        .iter()
        .find(|o| o.sp_mchid == sp && o.sub_mchid == sub && o.out_order_no == out_order_no)
    {
        return Ok((
            PayAnswer::Json(StatusCode::OK, order_json(existing, false)),
            Vec::new(),
        ));
    }
    let key = shareable(world, sp, &sub, &transaction_id)?;
    let list = body
        .get("receivers")
        .and_then(Value::as_array)
        .filter(|l| !l.is_empty() && l.len() <= 50)
        .ok_or_else(|| PayError::param("receivers", "应为1到50个分账接收方"))?;
    let now = OffsetDateTime::now_utc();
    let mut shares = Vec::new();
    for r in list {
        let kind = required(r, "type", 32)?.to_owned();
        let account = required(r, "account", 64)?.to_owned();
        let amount = fen(r.get("amount"), "receivers.amount", 1)?;
        let description = required(r, "description", 80)?.to_owned();
        let name = match optional(r, "name", 2048)? {
            Some(name) => Some(sensitive::decrypt(world, serial, "name", name)?),
            None => None,
        };
        if kind == "PERSONAL_OPENID" {
            required(&body, "appid", 32)?;
        }
        let added = receiver(world, sp, &sub, &kind, &account).ok_or_else(|| {
            PayError::invalid("分账接收方关系不存在，请检查参数中每个接收方的关系")
        })?;
        if let (Some(given), Some(known)) = (&name, &added.name)
            && *given != known.0
        {
            return Err(PayError::invalid("分账接收方全称与添加接收方时不一致"));
        }
        shares.push(Share {
            kind,
            account,
            amount,
            description,
            detail_id: digits("3600", 29),
            time: now,
            returned: 0,
        });
    }
    let sum: i64 = shares.iter().map(|s| s.amount).sum();
    let max_ratio = world
        .sub_merchant(sp, &sub)
        .map_or(super::partner::DEFAULT_MAX_RATIO, |s| s.max_ratio);
    let order = world
        .sp
        .partner_orders
        .get_mut(&key)
        .ok_or_else(|| PayError::not_exists("订单不存在"))?;
    if sum > order.unsplit() {
        return Err(not_enough());
    }
    if (order.shared + sum) * 10_000 > order.total * max_ratio {
        return Err(PayError::invalid("分账金额超出最大分账比例"));
    }
    order.shared += sum;
    let mut sharing = SharingOrder {
        sp_mchid: sp.to_owned(),
        sub_mchid: sub.clone(),
        transaction_id,
        out_order_no,
        order_id: digits("3008", 29),
        shares,
    };
    let answer = order_json(&sharing, true);
    if unfreeze {
        let rest = order.unsplit();
        order.unfrozen = true;
        if rest > 0 {
            sharing.shares.push(Share {
                kind: "MERCHANT_ID".to_owned(),
                account: sub.clone(),
                amount: rest,
                description: "解冻给分账方".to_owned(),
                detail_id: digits("3600", 29),
                time: now,
                returned: 0,
            });
        }
    }
    let notes = sharing
        .shares
        .iter()
        .filter(|s| s.account != sub)
        .filter_map(|s| {
            movement(
                world,
                "PROFITSHARING.SUCCESS",
                "分账成功",
                &sharing,
                &sharing.order_id,
                &sharing.out_order_no,
                &s.kind,
                &s.account,
                s.amount,
                &s.description,
            )
        })
        .collect();
    world.sp.sharing_orders.push(sharing);
    Ok((PayAnswer::Json(StatusCode::OK, answer), notes))
}

/// `GET /v3/profitsharing/orders/{out_order_no}?sub_mchid=&transaction_id=`.
pub(crate) fn query(
    world: &PayWorld,
    sp: &str,
    out_order_no: &str,
    query: Option<&str>,
) -> Result<PayAnswer, PayError> {
    let sub = query_sub_mchid(world, sp, query)?;
    let transaction_id = query_param(query, "transaction_id").ok_or_else(|| {
        PayError::param("transaction_id", "缺少必填参数").detail(
            "transaction_id",
            "query",
            "missing",
        )
    })?;
    world
        .sp
        .sharing_orders
        .iter()
        .find(|o| {
            o.sp_mchid == sp
                && o.sub_mchid == sub
                && o.out_order_no == out_order_no
                && o.transaction_id == transaction_id
        })
        .map(|o| PayAnswer::Json(StatusCode::OK, order_json(o, false)))
        .ok_or_else(|| PayError::not_exists("记录不存在"))
}

/// `POST /v3/profitsharing/orders/unfreeze`: what remains goes back to the
/// sub-merchant.
pub(crate) fn unfreeze(world: &mut PayWorld, sp: &str, body: &[u8]) -> Result<PayAnswer, PayError> {
    let body = json_body(body)?;
    let sub = body_sub_mchid(world, sp, &body)?.to_owned();
    let transaction_id = required(&body, "transaction_id", 32)?.to_owned();
    let out_order_no = own_no(&body, "out_order_no", 64)?.to_owned();
    let description = required(&body, "description", 80)?.to_owned();
    if let Some(existing) = world
        .sp
        .sharing_orders
        .iter()
        .find(|o| o.sp_mchid == sp && o.sub_mchid == sub && o.out_order_no == out_order_no)
    {
        return Ok(PayAnswer::Json(StatusCode::OK, order_json(existing, false)));
    }
    let key = shareable(world, sp, &sub, &transaction_id)?;
    let order = world
        .sp
        .partner_orders
        .get_mut(&key)
        .ok_or_else(|| PayError::not_exists("订单不存在"))?;
    let rest = order.unsplit();
    if order.unfrozen || rest == 0 {
        return Err(not_enough());
    }
    order.unfrozen = true;
    let sharing = SharingOrder {
        sp_mchid: sp.to_owned(),
        sub_mchid: sub.clone(),
        transaction_id,
        out_order_no,
        order_id: digits("3008", 29),
        shares: vec![Share {
            kind: "MERCHANT_ID".to_owned(),
            account: sub,
            amount: rest,
            description,
            detail_id: digits("3600", 29),
            time: OffsetDateTime::now_utc(),
            returned: 0,
        }],
    };
    let answer = order_json(&sharing, true);
    world.sp.sharing_orders.push(sharing);
    Ok(PayAnswer::Json(StatusCode::OK, answer))
}

/// `GET /v3/profitsharing/transactions/{transaction_id}/amounts`.
pub(crate) fn amounts(world: &PayWorld, sp: &str, id: &str) -> Result<PayAnswer, PayError> {
    let order = world
        .sp
        .partner_orders
        .values()
        .find(|o| o.sp_mchid == sp && o.transaction_id.as_deref() == Some(id))
        .ok_or_else(|| PayError::not_exists("订单不存在"))?;
    if !order.profit_sharing {
        return Err(PayError::invalid("非分账订单不支持此查询"));
    }
    Ok(PayAnswer::Json(
        StatusCode::OK,
        json!({"transaction_id": id, "unsplit_amount": order.unsplit()}),
    ))
}

/// `GET /v3/profitsharing/merchant-configs/{sub_mchid}`.
pub(crate) fn max_ratio(world: &PayWorld, sp: &str, sub: &str) -> Result<PayAnswer, PayError> {
    path_sub_mchid(world, sp, sub)?;
    let ratio = world
        .sub_merchant(sp, sub)
        .map_or(super::partner::DEFAULT_MAX_RATIO, |s| s.max_ratio);
    Ok(PayAnswer::Json(
        StatusCode::OK,
        json!({"sub_mchid": sub, "max_ratio": ratio}),
    ))
}

fn return_json(r: &SharingReturn) -> Value {
    json!({
        "sub_mchid": r.sub_mchid, "order_id": r.order_id, "out_order_no": r.out_order_no,
        "out_return_no": r.out_return_no, "return_id": r.return_id, "return_mchid": r.return_mchid,
        "amount": r.amount, "description": r.description, "result": "SUCCESS",
        "create_time": rfc3339(r.time), "finish_time": rfc3339(r.time),
    })
}

/// `POST /v3/profitsharing/return-orders`; answers the notification to
/// send, if any.
pub(crate) fn create_return(
    world: &mut PayWorld,
    sp: &str,
    body: &[u8],
) -> Result<(PayAnswer, Vec<Outgoing>), PayError> {
    let body = json_body(body)?;
    let sub = body_sub_mchid(world, sp, &body)?.to_owned();
    let out_return_no = own_no(&body, "out_return_no", 64)?.to_owned();
    let return_mchid = required(&body, "return_mchid", 32)?.to_owned();
    let amount = fen(body.get("amount"), "amount", 1)?;
    let description = required(&body, "description", 80)?.to_owned();
    let order_id = optional(&body, "order_id", 64)?.map(str::to_owned);
    let out_order_no = optional(&body, "out_order_no", 64)?.map(str::to_owned);
    if order_id.is_none() && out_order_no.is_none() {
        return Err(PayError::param(
            "out_order_no",
            "order_id和out_order_no必须二选一",
        ));
    }
    if let Some(existing) = world
        .sp
        .returns
        .iter()
        .find(|r| r.sp_mchid == sp && r.sub_mchid == sub && r.out_return_no == out_return_no)
    {
        return Ok((
            PayAnswer::Json(StatusCode::OK, return_json(existing)),
            Vec::new(),
        ));
    }
    let index = world
        .sp
        .sharing_orders
        .iter()
        .position(|o| {
            o.sp_mchid == sp
                && o.sub_mchid == sub
                && (order_id.as_deref() == Some(o.order_id.as_str())
                    || out_order_no.as_deref() == Some(o.out_order_no.as_str()))
        })
        .ok_or_else(|| PayError::not_exists("分账单不存在"))?;
    let sharing = world
        .sp
        .sharing_orders
        .get_mut(index)
        .ok_or_else(|| PayError::not_exists("分账单不存在"))?;
    let share = sharing
        .shares
        .iter_mut()
        .find(|s| s.kind == "MERCHANT_ID" && s.account == return_mchid)
        .ok_or_else(|| PayError::invalid("回退商户不是该分账单的分账接收方"))?;
    if amount > share.amount - share.returned {
        return Err(PayError::invalid("剩余可回退的金额不足"));
    }
    share.returned += amount;
    let sharing = sharing.clone();
    if let Some(order) =
        world.sp.partner_orders.values_mut().find(|o| {
            o.sp_mchid == sp && o.transaction_id.as_deref() == Some(&sharing.transaction_id)
        })
    {
        order.shared -= amount;
    }
    let r = SharingReturn {
        sp_mchid: sp.to_owned(),
        sub_mchid: sub,
        order_id: sharing.order_id.clone(),
        out_order_no: sharing.out_order_no.clone(),
        out_return_no,
        return_id: digits("3008", 29),
        return_mchid,
        amount,
        description,
        time: OffsetDateTime::now_utc(),
    };
    let notes = movement(
        world,
        "PROFITSHARING.RETURN",
        "分账回退成功",
        &sharing,
        &r.return_id,
        &r.out_return_no,
        "MERCHANT_ID",
        &r.return_mchid,
        r.amount,
        &r.description,
    )
    .into_iter()
    .collect();
    let answer = return_json(&r);
    world.sp.returns.push(r);
    Ok((PayAnswer::Json(StatusCode::OK, answer), notes))
}

/// `GET /v3/profitsharing/return-orders/{out_return_no}?sub_mchid=&out_order_no=`.
pub(crate) fn query_return(
    world: &PayWorld,
    sp: &str,
    out_return_no: &str,
    query: Option<&str>,
) -> Result<PayAnswer, PayError> {
    let sub = query_sub_mchid(world, sp, query)?;
    let out_order_no = query_param(query, "out_order_no").ok_or_else(|| {
        PayError::param("out_order_no", "缺少必填参数").detail("out_order_no", "query", "missing")
    })?;
    world
        .sp
        .returns
        .iter()
        .find(|r| {
            r.sp_mchid == sp
                && r.sub_mchid == sub
                && r.out_return_no == out_return_no
                && r.out_order_no == out_order_no
        })
        .map(|r| PayAnswer::Json(StatusCode::OK, return_json(r)))
        .ok_or_else(|| PayError::not_exists("记录不存在"))
}

const BILL_HEADER: &str = "分账时间,分账发起方,分账方,微信订单号,微信分账/回退单号,分账明细单号,商户分账/回退单号,分账接收方类型,分账接收方,分账金额（元）,业务类型,处理状态,分账描述";

/// `GET /v3/profitsharing/bills?sub_mchid=&bill_date=`.
pub(crate) fn bill(
    world: &mut PayWorld,
    base_url: &url::Url,
    sp: &str,
    query: Option<&str>,
) -> Result<PayAnswer, PayError> {
    use super::bills::{bill_date, bill_time, china_date, row, yuan};
    let date = bill_date(query)?;
    let gzip = super::bills::gzip_asked(query)?;
    let sub = match query_param(query, "sub_mchid") {
        Some(sub) => {
            path_sub_mchid(world, sp, &sub)?;
            Some(sub)
        }
        None => None,
    };
    let mut lines = vec![BILL_HEADER.to_owned()];
    for o in world
        .sp
        .sharing_orders
        .iter()
        .filter(|o| o.sp_mchid == sp && sub.as_ref().is_none_or(|s| *s == o.sub_mchid))
    {
        for s in o.shares.iter().filter(|s| china_date(s.time) == date) {
            lines.push(row(&[
                bill_time(s.time),
                o.sp_mchid.clone(),
                o.sub_mchid.clone(),
                o.transaction_id.clone(),
                o.order_id.clone(),
                s.detail_id.clone(),
                o.out_order_no.clone(),
                s.kind.clone(),
                s.account.clone(),
                yuan(s.amount),
                "分账".to_owned(),
                "SUCCESS".to_owned(),
                s.description.clone(),
            ]));
        }
    }
    for r in world.sp.returns.iter().filter(|r| {
        r.sp_mchid == sp
            && sub.as_ref().is_none_or(|s| *s == r.sub_mchid)
            && china_date(r.time) == date
    }) {
        lines.push(row(&[
            bill_time(r.time),
            r.sp_mchid.clone(),
            r.sub_mchid.clone(),
            String::new(),
            r.return_id.clone(),
            String::new(),
            r.out_return_no.clone(),
            "MERCHANT_ID".to_owned(),
            r.return_mchid.clone(),
            yuan(-r.amount),
            "回退".to_owned(),
            "SUCCESS".to_owned(),
            r.description.clone(),
        ]));
    }
    if lines.len() == 1 {
        return Err(PayError::new(
            StatusCode::BAD_REQUEST,
            "NO_STATEMENT_EXIST",
            "账单文件不存在",
        ));
    }
    let mut text = lines.join("\r\n");
    text.push_str("\r\n");
    super::bills::publish(world, base_url, sp, &text, gzip)
}
