//! A sub-merchant's settlement account: modify
//! (`POST /v3/apply4sub/sub_merchants/{sub_mchid}/modify-settlement`, the
//! account number and name encrypted like onboarding's), query
//! (`GET …/settlement`) and the modification's application
//! (`GET …/application/{application_no}`). The sandbox audits a
//! modification at once: it is `AUDIT_SUCCESS` and the account changes.

use axum::http::StatusCode;
use serde_json::json;
use time::OffsetDateTime;

use super::answer::{PayAnswer, json_body, optional, required};
use super::error::PayError;
use super::keyring::rfc3339;
use super::partner::{Settlement, path_sub_mchid};
use super::sensitive;
use super::state::PayWorld;

/// A modification of the settlement account.
#[derive(Debug, Clone)]
pub(crate) struct SettlementApplication {
    pub sp_mchid: String,
    pub sub_mchid: String,
    pub application_no: String,
    pub settlement: Settlement,
    /// The account name, masked (`张*`).
    pub masked_name: String,
    pub finished: OffsetDateTime,
}

fn mask_name(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => format!("{first}{}", "*".repeat(chars.count())),
        None => String::new(),
    }
}

/// `POST /v3/apply4sub/sub_merchants/{sub_mchid}/modify-settlement`.
pub(crate) fn modify(
    world: &mut PayWorld,
    sp_mchid: &str,
    sub_mchid: &str,
    serial: Option<&str>,
    body: &[u8],
) -> Result<PayAnswer, PayError> {
    path_sub_mchid(world, sp_mchid, sub_mchid)?;
    let body = json_body(body)?;
    let account_type = required(&body, "account_type", 32)?.to_owned();
    if !["ACCOUNT_TYPE_BUSINESS", "ACCOUNT_TYPE_PRIVATE"].contains(&account_type.as_str()) {
        return Err(PayError::param(
            "account_type",
            "应为ACCOUNT_TYPE_BUSINESS或ACCOUNT_TYPE_PRIVATE",
        ));
    }
    let account_bank = required(&body, "account_bank", 128)?.to_owned();
    required(&body, "bank_address_code", 16)?;
    let number = sensitive::decrypt(
        world,
        serial,
        "account_number",
        required(&body, "account_number", 2048)?,
    )?;
    if !(8..=30).contains(&number.len()) || !number.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PayError::param(
            "account_number",
            "解密后银行账号应为8到30位数字",
        ));
    }
    let masked_name = match optional(&body, "account_name", 2048)? {
        Some(name) => {
            let name = sensitive::decrypt(world, serial, "account_name", name)?;
            if name.trim().is_empty() {
                return Err(PayError::param("account_name", "解密后开户名称为空"));
            }
            mask_name(&name)
        }
        None => String::new(),
    };
    let settlement = Settlement {
        account_type,
        account_bank,
        bank_name: optional(&body, "bank_name", 128)?.map(str::to_owned),
        bank_branch_id: optional(&body, "bank_branch_id", 64)?.map(str::to_owned),
        account_tail: number
            .chars()
            .skip(number.len().saturating_sub(4))
            .collect(),
    };
    let application_no = super::orders::digits("", 24);
    if let Some(sub) = world.sub_merchant_mut(sp_mchid, sub_mchid) {
        sub.settlement = Some(settlement.clone());
    }
    world
        .sp
        .settlement_applications
        .push(SettlementApplication {
            sp_mchid: sp_mchid.to_owned(),
            sub_mchid: sub_mchid.to_owned(),
            application_no: application_no.clone(),
            settlement,
            masked_name,
            finished: OffsetDateTime::now_utc(),
        });
    Ok(PayAnswer::Json(
        StatusCode::OK,
        json!({ "application_no": application_no }),
    ))
}

/// `GET /v3/apply4sub/sub_merchants/{sub_mchid}/settlement`.
pub(crate) fn query(
    world: &PayWorld,
    sp_mchid: &str,
    sub_mchid: &str,
) -> Result<PayAnswer, PayError> {
    path_sub_mchid(world, sp_mchid, sub_mchid)?;
    let s = world
        .sub_merchant(sp_mchid, sub_mchid)
        .and_then(|s| s.settlement.as_ref())
        .ok_or_else(|| PayError::not_exists("结算账户不存在"))?;
    let mut v = json!({
        "account_type": s.account_type,
        "account_bank": s.account_bank,
        "account_number": s.masked_number(),
        "verify_result": "VERIFY_SUCCESS",
    });
    if let Some(map) = v.as_object_mut() {
        if let Some(name) = &s.bank_name {
            map.insert("bank_name".into(), json!(name));
        }
        if let Some(id) = &s.bank_branch_id {
            map.insert("bank_branch_id".into(), json!(id));
        }
    }
    Ok(PayAnswer::Json(StatusCode::OK, v))
}

/// `GET /v3/apply4sub/sub_merchants/{sub_mchid}/application/{application_no}`.
pub(crate) fn application(
    world: &PayWorld,
    sp_mchid: &str,
    sub_mchid: &str,
    application_no: &str,
) -> Result<PayAnswer, PayError> {
    path_sub_mchid(world, sp_mchid, sub_mchid)?;
    let a = world
        .sp
        .settlement_applications
        .iter()
        .find(|a| {
            a.sp_mchid == sp_mchid && a.sub_mchid == sub_mchid && a.application_no == application_no
        })
        .ok_or_else(|| PayError::not_exists("申请单不存在"))?;
    Ok(PayAnswer::Json(
        StatusCode::OK,
        json!({
            "account_name": a.masked_name,
            "account_type": a.settlement.account_type,
            "account_bank": a.settlement.account_bank,
            "account_number": a.settlement.masked_number(),
            "verify_result": "AUDIT_SUCCESS",
            "verify_finish_time": rfc3339(a.finished),
        }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_masked_after_the_first_character() {
        assert_eq!(mask_name("张三丰"), "张**");
        assert_eq!(mask_name(""), "");
    }
}
