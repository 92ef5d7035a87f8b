//! Profit-sharing receivers (分账接收方): add (`POST
//! /v3/profitsharing/receivers/add`) and delete (`…/delete`). A share can
//! only go to a receiver added for that sub-merchant. The receiver's `name`
//! is a sensitive field: it must decrypt (a plaintext one is refused), it
//! is required for a `MERCHANT_ID` receiver (the merchant's full name), and
//! the answer gives it back encrypted with the merchant's own key, as
//! WeChat does.

use axum::http::StatusCode;
use serde_json::json;

use super::answer::{PayAnswer, json_body, optional, required};
use super::error::PayError;
use super::partner::body_sub_mchid;
use super::sensitive::{self, Hidden};
use super::state::PayWorld;

/// `type` values WeChat accepts.
const TYPES: [&str; 3] = ["MERCHANT_ID", "PERSONAL_OPENID", "PERSONAL_SUB_OPENID"];
/// `relation_type` values WeChat accepts.
const RELATIONS: [&str; 12] = [
    "SERVICE_PROVIDER",
    "STORE",
    "STAFF",
    "STORE_OWNER",
    "PARTNER",
    "HEADQUARTER",
    "BRAND",
    "DISTRIBUTOR",
    "USER",
    "SUPPLIER",
    "CUSTOM",
    "SUB_MERCHANT",
];

/// A receiver of a sub-merchant's shares.
#[derive(Debug, Clone)]
pub(crate) struct Receiver {
    pub sp_mchid: String,
    pub sub_mchid: String,
    pub kind: String,
    pub account: String,
    /// The name it was added with (decrypted), which a share naming the
    /// receiver must repeat.
    pub name: Option<Hidden>,
}

/// `POST /v3/profitsharing/receivers/add`.
pub(crate) fn add(
    world: &mut PayWorld,
    sp_mchid: &str,
    serial: Option<&str>,
    body: &[u8],
) -> Result<PayAnswer, PayError> {
    let body = json_body(body)?;
    let sub = body_sub_mchid(world, sp_mchid, &body)?.to_owned();
    required(&body, "appid", 32)?;
    let kind = required(&body, "type", 32)?.to_owned();
    if !TYPES.contains(&kind.as_str()) {
        return Err(PayError::param(
            "type",
            "应为MERCHANT_ID、PERSONAL_OPENID或PERSONAL_SUB_OPENID",
        ));
    }
    if kind == "PERSONAL_SUB_OPENID" && optional(&body, "sub_appid", 32)?.is_none() {
        return Err(PayError::param(
            "sub_appid",
            "接收方类型为PERSONAL_SUB_OPENID时必须传sub_appid",
        ));
    }
    let account = required(&body, "account", 64)?.to_owned();
    let name = match optional(&body, "name", 2048)? {
        Some(text) => {
            let plain = sensitive::decrypt(world, serial, "name", text)?;
            if plain.trim().is_empty() || plain.chars().count() > 128 {
                return Err(PayError::param("name", "解密后的姓名或名称长度应为1到128"));
            }
            Some(Hidden(plain))
        }
        None if kind == "MERCHANT_ID" => {
            return Err(PayError::param(
                "name",
                "接收方类型为MERCHANT_ID时必须传商户全称",
            ));
        }
        None => None,
    };
    let relation_type = required(&body, "relation_type", 32)?.to_owned();
    if !RELATIONS.contains(&relation_type.as_str()) {
        return Err(PayError::param("relation_type", "不是有效的分账关系类型"));
    }
    let custom_relation = optional(&body, "custom_relation", 10)?.map(str::to_owned);
    if relation_type == "CUSTOM" && custom_relation.is_none() {
        return Err(PayError::param(
            "custom_relation",
            "relation_type为CUSTOM时必须传custom_relation",
        ));
    }
    if kind == "MERCHANT_ID" && account == sub {
        return Err(PayError::invalid("分账接收方不能是分账方自己"));
    }
    let encrypted_name = match &name {
        Some(n) => Some(sensitive::encrypt_for_merchant(world, sp_mchid, &n.0)?),
        None => None,
    };
    world.sp.receivers.retain(|r| {
        !(r.sp_mchid == sp_mchid && r.sub_mchid == sub && r.account == account && r.kind == kind)
    });
    world.sp.receivers.push(Receiver {
        sp_mchid: sp_mchid.to_owned(),
        sub_mchid: sub.clone(),
        kind: kind.clone(),
        account: account.clone(),
        name,
    });
    let mut answer = json!({
        "sub_mchid": sub, "type": kind, "account": account, "relation_type": relation_type,
    });
    if let Some(map) = answer.as_object_mut() {
        if let Some(n) = encrypted_name {
            map.insert("name".into(), json!(n));
        }
        if let Some(c) = custom_relation {
            map.insert("custom_relation".into(), json!(c));
        }
    }
    Ok(PayAnswer::Json(StatusCode::OK, answer))
}

/// `POST /v3/profitsharing/receivers/delete`.
pub(crate) fn delete(
    world: &mut PayWorld,
    sp_mchid: &str,
    body: &[u8],
) -> Result<PayAnswer, PayError> {
    let body = json_body(body)?;
    let sub = body_sub_mchid(world, sp_mchid, &body)?.to_owned();
    required(&body, "appid", 32)?;
    let kind = required(&body, "type", 32)?.to_owned();
    let account = required(&body, "account", 64)?.to_owned();
    let before = world.sp.receivers.len();
    world.sp.receivers.retain(|r| {
        !(r.sp_mchid == sp_mchid && r.sub_mchid == sub && r.account == account && r.kind == kind)
    });
    if world.sp.receivers.len() == before {
        return Err(PayError::invalid("分账接收方不存在"));
    }
    Ok(PayAnswer::Json(
        StatusCode::OK,
        json!({"sub_mchid": sub, "type": kind, "account": account}),
    ))
}

/// Receiver `account` of `kind` of `sp`'s `sub`, if it was added.
pub(crate) fn receiver<'a>(
    world: &'a PayWorld,
    sp: &str,
    sub: &str,
    kind: &str,
    account: &str,
) -> Option<&'a Receiver> {
    world
        .sp
        .receivers
        .iter()
        .find(|r| r.sp_mchid == sp && r.sub_mchid == sub && r.kind == kind && r.account == account)
}
