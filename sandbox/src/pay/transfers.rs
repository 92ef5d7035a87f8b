//! Merchant transfers (商家转账, the current API):
//! `POST /v3/fund-app/mch-transfer/transfer-bills`, query by
//! `out-bill-no/{out_bill_no}` and `transfer-bill-no/{transfer_bill_no}`,
//! and `…/out-bill-no/{out_bill_no}/cancel`.
//!
//! A new bill waits for the user to confirm (`WAIT_USER_CONFIRM`, with the
//! `package_info` the merchant hands to the client); a test ends it
//! ([`PaySandbox::finish_transfer`](super::PaySandbox::finish_transfer)) as
//! `SUCCESS` or `FAIL`; a cancel answers `CANCELING` and the bill then is
//! `CANCELLED`. Each end pushes `MCHTRANSFER.BILL.FINISHED` to the bill's
//! `notify_url`. `user_name` is a sensitive field (refused in plaintext);
//! WeChat requires it from 2,000 yuan up, and so does the sandbox.

use axum::http::StatusCode;
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::answer::{PayAnswer, fen, json_body, optional, own_no, required};
use super::error::PayError;
use super::keyring::rfc3339;
use super::notify::Outgoing;
use super::orders::digits;
use super::sensitive;
use super::state::PayWorld;
use crate::world::random_string;

/// From this amount (fen) up, `user_name` is required.
const NAME_REQUIRED_FROM: i64 = 200_000;

/// How a test ends a transfer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransferOutcome {
    /// The user confirmed; the money arrived (`SUCCESS`).
    Success,
    /// It failed, with WeChat's `fail_reason` (`ACCOUNT_FROZEN`, …).
    Fail(String),
}

/// A transfer bill.
#[derive(Debug, Clone)]
pub(crate) struct Transfer {
    pub mchid: String,
    pub appid: String,
    pub out_bill_no: String,
    pub transfer_bill_no: String,
    pub openid: String,
    pub amount: i64,
    pub remark: String,
    pub notify_url: Option<String>,
    pub state: &'static str,
    pub fail_reason: Option<String>,
    pub create_time: OffsetDateTime,
    pub update_time: OffsetDateTime,
}

fn bill_json(t: &Transfer) -> Value {
    let mut v = json!({
        "mch_id": t.mchid, "out_bill_no": t.out_bill_no, "transfer_bill_no": t.transfer_bill_no,
        "appid": t.appid, "state": t.state, "transfer_amount": t.amount,
        "transfer_remark": t.remark, "openid": t.openid,
        "create_time": rfc3339(t.create_time), "update_time": rfc3339(t.update_time),
    });
    if let (Some(reason), Some(map)) = (&t.fail_reason, v.as_object_mut()) {
        map.insert("fail_reason".into(), json!(reason));
    }
    v
}

/// `MCHTRANSFER.BILL.FINISHED` of `t`, if it has a URL.
pub(crate) fn notification(t: &Transfer) -> Option<Outgoing> {
    Some(Outgoing {
        mchid: t.mchid.clone(),
        notify_url: t.notify_url.clone()?,
        event_type: "MCHTRANSFER.BILL.FINISHED",
        summary: "商家转账单据终态通知",
        original_type: "mch_payment",
        resource: json!({
            "out_bill_no": t.out_bill_no, "transfer_bill_no": t.transfer_bill_no,
            "state": t.state, "mch_id": t.mchid, "transfer_amount": t.amount,
            "openid": t.openid, "fail_reason": t.fail_reason,
            "create_time": rfc3339(t.create_time), "update_time": rfc3339(t.update_time),
        }),
    })
}

/// `POST /v3/fund-app/mch-transfer/transfer-bills`.
pub(crate) fn create(
    world: &mut PayWorld,
    mchid: &str,
    serial: Option<&str>,
    body: &[u8],
) -> Result<PayAnswer, PayError> {
    let body = json_body(body)?;
    let appid = required(&body, "appid", 32)?.to_owned();
    let out_bill_no = own_no(&body, "out_bill_no", 32)?.to_owned();
    required(&body, "transfer_scene_id", 36)?;
    let openid = required(&body, "openid", 64)?.to_owned();
    let amount = fen(body.get("transfer_amount"), "transfer_amount", 10)?;
    let remark = required(&body, "transfer_remark", 32)?.to_owned();
    let notify_url = optional(&body, "notify_url", 256)?.map(str::to_owned);
    if let Some(url) = &notify_url
        && !url::Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "http" | "https"))
    {
        return Err(PayError::param("notify_url", "应为http(s) URL"));
    }
    match optional(&body, "user_name", 2048)? {
        Some(name) => {
            let plain = sensitive::decrypt(world, serial, "user_name", name)?;
            if plain.trim().is_empty() {
                return Err(PayError::param("user_name", "解密后的姓名为空"));
            }
        }
        None if amount >= NAME_REQUIRED_FROM => {
            return Err(PayError::param(
                "user_name",
                "转账金额大于等于2000元时必须传收款用户姓名",
            ));
        }
        None => {}
    }
    let reports_ok = body
        .get("transfer_scene_report_infos")
        .and_then(Value::as_array)
        .is_some_and(|list| {
            !list.is_empty()
                && list.iter().all(|i| {
                    required(i, "info_type", 64).is_ok() && required(i, "info_content", 256).is_ok()
                })
        });
    if !reports_ok {
        return Err(PayError::param(
            "transfer_scene_report_infos",
            "应为非空数组，每项含info_type和info_content",
        ));
    }
    let key = (mchid.to_owned(), out_bill_no.clone());
    if let Some(t) = world.sp.transfers.get(&key) {
        return Ok(PayAnswer::Json(StatusCode::OK, create_json(t)));
    }
    let now = OffsetDateTime::now_utc();
    let t = Transfer {
        mchid: mchid.to_owned(),
        appid,
        out_bill_no,
        transfer_bill_no: digits("1330", 32),
        openid,
        amount,
        remark,
        notify_url,
        state: "WAIT_USER_CONFIRM",
        fail_reason: None,
        create_time: now,
        update_time: now,
    };
    let answer = create_json(&t);
    world.sp.transfers.insert(key, t);
    Ok(PayAnswer::Json(StatusCode::OK, answer))
}

fn create_json(t: &Transfer) -> Value {
    json!({
        "out_bill_no": t.out_bill_no, "transfer_bill_no": t.transfer_bill_no,
        "create_time": rfc3339(t.create_time), "state": t.state,
        "package_info": format!("ABBQO+oYAAABAAAAAAB{}", random_string(40)),
    })
}

/// `GET …/transfer-bills/out-bill-no/{out_bill_no}`.
pub(crate) fn query_by_out_bill_no(
    world: &PayWorld,
    mchid: &str,
    no: &str,
) -> Result<PayAnswer, PayError> {
    world
        .sp
        .transfers
        .get(&(mchid.to_owned(), no.to_owned()))
        .map(|t| PayAnswer::Json(StatusCode::OK, bill_json(t)))
        .ok_or_else(|| PayError::not_exists("记录不存在"))
}

/// `GET …/transfer-bills/transfer-bill-no/{transfer_bill_no}`.
pub(crate) fn query_by_bill_no(
    world: &PayWorld,
    mchid: &str,
    no: &str,
) -> Result<PayAnswer, PayError> {
    world
        .sp
        .transfers
        .values()
        .find(|t| t.mchid == mchid && t.transfer_bill_no == no)
        .map(|t| PayAnswer::Json(StatusCode::OK, bill_json(t)))
        .ok_or_else(|| PayError::not_exists("记录不存在"))
}

/// `POST …/transfer-bills/out-bill-no/{out_bill_no}/cancel`: answers
/// `CANCELING`; the bill is `CANCELLED` right after, and its notification
/// is returned for sending.
pub(crate) fn cancel(
    world: &mut PayWorld,
    mchid: &str,
    no: &str,
) -> Result<(PayAnswer, Option<Outgoing>), PayError> {
    let t = world
        .sp
        .transfers
        .get_mut(&(mchid.to_owned(), no.to_owned()))
        .ok_or_else(|| PayError::not_exists("记录不存在"))?;
    if !["ACCEPTED", "PROCESSING", "WAIT_USER_CONFIRM"].contains(&t.state) {
        return Err(PayError::invalid(format!(
            "单据状态为{}，不能撤销",
            t.state
        )));
    }
    let now = OffsetDateTime::now_utc();
    let answer = json!({
        "out_bill_no": t.out_bill_no, "transfer_bill_no": t.transfer_bill_no,
        "state": "CANCELING", "update_time": rfc3339(now),
    });
    t.state = "CANCELLED";
    t.update_time = now;
    Ok((PayAnswer::Json(StatusCode::OK, answer), notification(t)))
}

/// Ends transfer `no` of `mchid`; answers its notification, if any.
pub(crate) fn finish(
    world: &mut PayWorld,
    mchid: &str,
    no: &str,
    outcome: TransferOutcome,
) -> Result<Option<Outgoing>, String> {
    let t = world
        .sp
        .transfers
        .get_mut(&(mchid.to_owned(), no.to_owned()))
        .ok_or_else(|| format!("merchant {mchid} has no transfer `{no}`"))?;
    if !["ACCEPTED", "PROCESSING", "WAIT_USER_CONFIRM", "TRANSFERING"].contains(&t.state) {
        return Err(format!("transfer `{no}` is already {}", t.state));
    }
    match outcome {
        TransferOutcome::Success => t.state = "SUCCESS",
        TransferOutcome::Fail(reason) => {
            t.state = "FAIL";
            t.fail_reason = Some(reason);
        }
    }
    t.update_time = OffsetDateTime::now_utc();
    Ok(notification(t))
}
