//! Onboarding a sub-merchant (特约商户进件, `applyment4sub`): submit
//! (`POST /v3/applyment4sub/applyment/`), query by `business_code` or by
//! `applyment_id`, and the state machine a test drives with
//! [`PaySandbox::advance_applyment`](super::PaySandbox::advance_applyment):
//!
//! ```text
//! WAITTING_FOR_AUDIT ─Audit→ AUDITING ─RequireAccountVerification→ TO_BE_CONFIRMED
//!        │                     │  └────────RequireSignature──────────┐      │
//!        │                     │                                     ▼      │
//!        └──Reject──┬──────────┴──Reject──┐        TO_BE_SIGNED ◀─RequireSignature
//!                   ▼                     ▼             │Sign / Finish
//!               REJECTED (audit_detail)              SIGNING ─Finish→ FINISHED (sub_mchid)
//! ```
//!
//! The submission is checked as WeChat checks it: every sensitive field
//! (names, ID numbers, phone, email, bank account name and number) must be
//! RSAES-OAEP ciphertext for the key named by `Wechatpay-Serial` — a
//! plaintext one is 400 `PARAM_ERROR` — and, decrypted, must make sense:
//! an 18-digit resident ID number with its GB 11643 check digit, a mobile
//! number, an email address, a personal account in the ID holder's name.
//! The images it names must be media the service provider uploaded. The
//! plaintext is never kept: only the account's last four digits are.

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::answer::{PayAnswer, json_body, optional, required};
use super::error::PayError;
use super::media::check_media;
use super::partner::Settlement;
use super::sensitive;
use super::state::PayWorld;

/// An onboarding's state (`applyment_state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ApplymentState {
    /// Submitted, not yet audited (`APPLYMENT_STATE_WAITTING_FOR_AUDIT`).
    WaitingForAudit,
    /// Being audited (`APPLYMENT_STATE_AUDITING`).
    Auditing,
    /// Rejected, with reasons (`APPLYMENT_STATE_REJECTED`).
    Rejected,
    /// Waiting for the account verification (`APPLYMENT_STATE_TO_BE_CONFIRMED`).
    ToBeConfirmed,
    /// Waiting for the super administrator's signature
    /// (`APPLYMENT_STATE_TO_BE_SIGNED`).
    ToBeSigned,
    /// Signed, permissions being opened (`APPLYMENT_STATE_SIGNING`).
    Signing,
    /// Done: the sub-merchant exists (`APPLYMENT_STATE_FINISHED`).
    Finished,
}

impl ApplymentState {
    /// WeChat's name (`APPLYMENT_STATE_…`).
    pub fn name(self) -> &'static str {
        match self {
            ApplymentState::WaitingForAudit => "APPLYMENT_STATE_WAITTING_FOR_AUDIT",
            ApplymentState::Auditing => "APPLYMENT_STATE_AUDITING",
            ApplymentState::Rejected => "APPLYMENT_STATE_REJECTED",
            ApplymentState::ToBeConfirmed => "APPLYMENT_STATE_TO_BE_CONFIRMED",
            ApplymentState::ToBeSigned => "APPLYMENT_STATE_TO_BE_SIGNED",
            ApplymentState::Signing => "APPLYMENT_STATE_SIGNING",
            ApplymentState::Finished => "APPLYMENT_STATE_FINISHED",
        }
    }

    fn message(self) -> &'static str {
        match self {
            ApplymentState::WaitingForAudit => "申请单已提交，待审核",
            ApplymentState::Auditing => "审核中",
            ApplymentState::Rejected => "已驳回，请按驳回原因修改后重新提交",
            ApplymentState::ToBeConfirmed => "待账户验证，请超级管理员扫码完成账户验证",
            ApplymentState::ToBeSigned => "待签约，请超级管理员扫码完成签约",
            ApplymentState::Signing => "开通权限中",
            ApplymentState::Finished => "已完成",
        }
    }
}

/// One reason an onboarding was rejected (`audit_detail`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRejection {
    /// The field's JSON name (`id_card_copy`).
    pub field: String,
    /// The field's name for people (`身份证人像面照片`).
    pub field_name: String,
    /// Why.
    pub reject_reason: String,
}

impl AuditRejection {
    /// A rejection of `field`.
    pub fn new(
        field: impl Into<String>,
        field_name: impl Into<String>,
        reject_reason: impl Into<String>,
    ) -> Self {
        AuditRejection {
            field: field.into(),
            field_name: field_name.into(),
            reject_reason: reject_reason.into(),
        }
    }
}

/// A step of the onboarding, as WeChat (and the merchant) take it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ApplymentStep {
    /// The audit starts.
    Audit,
    /// The audit passes; the account must be verified.
    RequireAccountVerification,
    /// The audit (or verification) passes; the merchant must sign.
    RequireSignature,
    /// The super administrator signs.
    Sign,
    /// Done: a `sub_mchid` is issued and the sub-merchant registered.
    Finish,
    /// Rejected, with these reasons.
    Reject(Vec<AuditRejection>),
}

/// An onboarding as the sandbox keeps it (no plaintext personal data).
#[derive(Debug, Clone)]
pub(crate) struct Applyment {
    pub sp_mchid: String,
    pub business_code: String,
    pub applyment_id: u64,
    pub state: ApplymentState,
    pub sub_mchid: Option<String>,
    pub rejections: Vec<AuditRejection>,
    pub sub_appids: Vec<String>,
    pub settlement: Settlement,
}

/// GB 11643: an 18-character resident ID number with its check digit.
pub(crate) fn valid_resident_id(id: &str) -> bool {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let bytes = id.as_bytes();
    if bytes.len() != 18 {
        return false;
    }
    let mut sum = 0;
    for (b, w) in bytes.iter().zip(WEIGHTS) {
        if !b.is_ascii_digit() {
            return false;
        }
        sum += u32::from(b - b'0') * w;
    }
    let expected = CHECK.get((sum % 11) as usize).copied();
    expected == bytes.get(17).map(u8::to_ascii_uppercase)
}

fn valid_mobile(phone: &str) -> bool {
    phone.len() == 11 && phone.starts_with('1') && phone.bytes().all(|b| b.is_ascii_digit())
}

fn valid_email(email: &str) -> bool {
    match email.split_once('@') {
        Some((user, domain)) => {
            !user.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        }
        None => false,
    }
}

fn valid_name(name: &str) -> bool {
    let n = name.trim().chars().count();
    (2..=64).contains(&n) && !name.chars().any(|c| c.is_ascii_digit())
}

/// The object `name` of `parent`.
fn object<'a>(parent: &'a Value, name: &str) -> Result<&'a Value, PayError> {
    parent
        .get(name)
        .filter(|v| v.is_object())
        .ok_or_else(|| PayError::param(name, "缺少必填参数"))
}

/// Decrypts sensitive field `name` of `parent` (required or not) and checks
/// the plaintext with `valid`.
struct Reader<'a> {
    world: &'a PayWorld,
    serial: Option<&'a str>,
}

impl Reader<'_> {
    fn field(
        &self,
        parent: &Value,
        name: &str,
        is_required: bool,
        valid: fn(&str) -> bool,
        what: &str,
    ) -> Result<Option<sensitive::Hidden>, PayError> {
        let Some(text) = (if is_required {
            Some(required(parent, name, 2048)?)
        } else {
            optional(parent, name, 2048)?
        }) else {
            return Ok(None);
        };
        let plain = sensitive::decrypt(self.world, self.serial, name, text)?;
        if !valid(&plain) {
            return Err(PayError::param(name, &format!("解密后{what}")));
        }
        Ok(Some(sensitive::Hidden(plain)))
    }
}

fn not_blank(s: &str) -> bool {
    !s.trim().is_empty()
}

fn account_number(s: &str) -> bool {
    (8..=30).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

/// `POST /v3/applyment4sub/applyment/`.
pub(crate) fn submit(
    world: &mut PayWorld,
    sp_mchid: &str,
    serial: Option<&str>,
    body: &[u8],
) -> Result<PayAnswer, PayError> {
    let body = json_body(body)?;
    let business_code = required(&body, "business_code", 124)?.to_owned();
    if !business_code
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return Err(PayError::param(
            "business_code",
            "只能由数字、字母或下划线组成",
        ));
    }
    let read = Reader { world, serial };
    // 超级管理员信息
    let contact = object(&body, "contact_info")?;
    let contact_type = required(contact, "contact_type", 16)?;
    if !["LEGAL", "SUPER"].contains(&contact_type) {
        return Err(PayError::param("contact_type", "应为LEGAL或SUPER"));
    }
    read.field(contact, "contact_name", true, valid_name, "姓名格式有误")?;
    let doc_type = optional(contact, "contact_id_doc_type", 64)?;
    let id_check: fn(&str) -> bool = match doc_type {
        None | Some("IDENTIFICATION_TYPE_IDCARD") => valid_resident_id,
        Some(_) => not_blank,
    };
    read.field(
        contact,
        "contact_id_number",
        contact_type == "SUPER",
        id_check,
        "证件号码格式有误",
    )?;
    read.field(
        contact,
        "mobile_phone",
        true,
        valid_mobile,
        "手机号码格式有误",
    )?;
    read.field(contact, "contact_email", true, valid_email, "邮箱格式有误")?;
    for image in ["contact_id_doc_copy", "contact_id_doc_copy_back"] {
        if let Some(id) = optional(contact, image, 256)? {
            check_media(world, sp_mchid, image, id)?;
        }
    }
    // 主体资料
    let subject = object(&body, "subject_info")?;
    let subject_type = required(subject, "subject_type", 64)?;
    let merchant_name = match subject.get("business_license_info") {
        Some(license) if license.is_object() => {
            check_media(
                world,
                sp_mchid,
                "license_copy",
                required(license, "license_copy", 256)?,
            )?;
            required(license, "license_number", 64)?;
            required(license, "legal_person", 128)?;
            Some(required(license, "merchant_name", 128)?.to_owned())
        }
        _ if subject_type == "SUBJECT_TYPE_MICRO" => None,
        _ => return Err(PayError::param("business_license_info", "缺少必填参数")),
    };
    let identity = object(subject, "identity_info")?;
    required(identity, "id_doc_type", 64)?;
    let holder_name = match identity.get("id_card_info") {
        Some(card) if card.is_object() => {
            check_media(
                world,
                sp_mchid,
                "id_card_copy",
                required(card, "id_card_copy", 256)?,
            )?;
            check_media(
                world,
                sp_mchid,
                "id_card_national",
                required(card, "id_card_national", 256)?,
            )?;
            let name = read.field(card, "id_card_name", true, valid_name, "姓名格式有误")?;
            read.field(
                card,
                "id_card_number",
                true,
                valid_resident_id,
                "身份证号码格式有误",
            )?;
            read.field(card, "id_card_address", false, not_blank, "地址为空")?;
            required(card, "card_period_begin", 16)?;
            required(card, "card_period_end", 16)?;
            name
        }
        _ => match identity.get("id_doc_info") {
            Some(doc) if doc.is_object() => {
                check_media(
                    world,
                    sp_mchid,
                    "id_doc_copy",
                    required(doc, "id_doc_copy", 256)?,
                )?;
                let name = read.field(doc, "id_doc_name", true, valid_name, "姓名格式有误")?;
                read.field(doc, "id_doc_number", true, not_blank, "证件号码为空")?;
                read.field(doc, "id_doc_address", false, not_blank, "地址为空")?;
                name
            }
            _ => return Err(PayError::param("id_card_info", "缺少必填参数")),
        },
    };
    if let Some(ubos) = subject.get("ubo_info_list").and_then(Value::as_array) {
        for ubo in ubos {
            read.field(ubo, "ubo_id_doc_name", true, valid_name, "姓名格式有误")?;
            read.field(ubo, "ubo_id_doc_number", true, not_blank, "证件号码为空")?;
            read.field(ubo, "ubo_id_doc_address", true, not_blank, "地址为空")?;
        }
    }
    // 经营资料
    let business = object(&body, "business_info")?;
    required(business, "merchant_shortname", 64)?;
    required(business, "service_phone", 32)?;
    let sales = object(business, "sales_info")?;
    let scenes = sales
        .get("sales_scenes_type")
        .and_then(Value::as_array)
        .filter(|a| !a.is_empty())
        .ok_or_else(|| PayError::param("sales_scenes_type", "缺少必填参数"))?;
    let mut sub_appids = Vec::new();
    for (info, field) in [
        ("mp_info", "mp_sub_appid"),
        ("mini_program_info", "mini_program_sub_appid"),
        ("app_info", "app_sub_appid"),
    ] {
        if let Some(appid) = sales
            .get(info)
            .and_then(|i| i.get(field))
            .and_then(Value::as_str)
        {
            sub_appids.push(appid.to_owned());
        }
    }
    let _ = scenes;
    object(&body, "settlement_info")?;
    // 结算银行账户
    let bank = object(&body, "bank_account_info")?;
    let account_type = required(bank, "bank_account_type", 64)?.to_owned();
    let account_name = read
        .field(bank, "account_name", true, not_blank, "开户名称为空")?
        .unwrap_or_default();
    let number = read
        .field(
            bank,
            "account_number",
            true,
            account_number,
            "银行账号应为8到30位数字",
        )?
        .unwrap_or_default();
    match account_type.as_str() {
        "BANK_ACCOUNT_TYPE_PERSONAL" => {
            if holder_name.as_ref().is_some_and(|h| h.0 != account_name.0) {
                return Err(PayError::param(
                    "account_name",
                    "个人银行账户的开户名称须与经营者证件姓名一致",
                ));
            }
        }
        "BANK_ACCOUNT_TYPE_CORPORATE" => {
            if merchant_name.as_ref().is_some_and(|m| *m != account_name.0) {
                return Err(PayError::param(
                    "account_name",
                    "对公银行账户的开户名称须与营业执照上的商户名称一致",
                ));
            }
        }
        _ => {
            return Err(PayError::param(
                "bank_account_type",
                "应为BANK_ACCOUNT_TYPE_CORPORATE或BANK_ACCOUNT_TYPE_PERSONAL",
            ));
        }
    }
    let account_bank = required(bank, "account_bank", 128)?.to_owned();
    required(bank, "bank_address_code", 16)?;
    let bank_name = optional(bank, "bank_name", 128)?.map(str::to_owned);
    let bank_branch_id = optional(bank, "bank_branch_id", 64)?.map(str::to_owned);
    let tail: String = number
        .0
        .chars()
        .skip(number.0.chars().count().saturating_sub(4))
        .collect();
    let settlement = Settlement {
        account_type: if account_type == "BANK_ACCOUNT_TYPE_PERSONAL" {
            "ACCOUNT_TYPE_PRIVATE".to_owned()
        } else {
            "ACCOUNT_TYPE_BUSINESS".to_owned()
        },
        account_bank,
        bank_name,
        bank_branch_id,
        account_tail: tail,
    };
    let existing = world
        .sp
        .applyments
        .iter_mut()
        .find(|a| a.sp_mchid == sp_mchid && a.business_code == business_code);
    let applyment_id = match existing {
        Some(a) if a.state == ApplymentState::Rejected => {
            a.state = ApplymentState::WaitingForAudit;
            a.rejections.clear();
            a.sub_appids = sub_appids;
            a.settlement = settlement;
            a.applyment_id
        }
        Some(_) => {
            return Err(PayError::invalid(
                "业务申请编号已存在且申请单未被驳回，不能重复提交",
            ));
        }
        None => {
            let applyment_id = 2_000_002_000_000_000 + rand::random_range(0..1_000_000_000u64);
            world.sp.applyments.push(Applyment {
                sp_mchid: sp_mchid.to_owned(),
                business_code,
                applyment_id,
                state: ApplymentState::WaitingForAudit,
                sub_mchid: None,
                rejections: Vec::new(),
                sub_appids,
                settlement,
            });
            applyment_id
        }
    };
    Ok(PayAnswer::Json(
        StatusCode::OK,
        json!({ "applyment_id": applyment_id }),
    ))
}

fn status_json(a: &Applyment) -> Value {
    let mut v = json!({
        "business_code": a.business_code,
        "applyment_id": a.applyment_id,
        "applyment_state": a.state.name(),
        "applyment_state_msg": a.state.message(),
    });
    if let Some(map) = v.as_object_mut() {
        if matches!(
            a.state,
            ApplymentState::Auditing
                | ApplymentState::ToBeConfirmed
                | ApplymentState::ToBeSigned
                | ApplymentState::Signing
                | ApplymentState::Finished
        ) {
            map.insert(
                "sign_url".into(),
                json!(format!(
                    "https://pay.weixin.qq.com/public/apply4ec_sign/s?applymentId={}&sign={}",
                    a.applyment_id,
                    hex::encode(rand::random::<[u8; 16]>())
                )),
            );
        }
        if let Some(sub) = &a.sub_mchid {
            map.insert("sub_mchid".into(), json!(sub));
        }
        if !a.rejections.is_empty() {
            map.insert(
                "audit_detail".into(),
                Value::Array(
                    a.rejections
                        .iter()
                        .map(|r| {
                            json!({"field": r.field, "field_name": r.field_name, "reject_reason": r.reject_reason})
                        })
                        .collect(),
                ),
            );
        }
    }
    v
}

/// `GET /v3/applyment4sub/applyment/business_code/{business_code}`.
pub(crate) fn query_by_business_code(
    world: &PayWorld,
    sp_mchid: &str,
    code: &str,
) -> Result<PayAnswer, PayError> {
    world
        .sp
        .applyments
        .iter()
        .find(|a| a.sp_mchid == sp_mchid && a.business_code == code)
        .map(|a| PayAnswer::Json(StatusCode::OK, status_json(a)))
        .ok_or_else(|| PayError::not_exists("申请单不存在"))
}

/// `GET /v3/applyment4sub/applyment/applyment_id/{applyment_id}`.
pub(crate) fn query_by_id(
    world: &PayWorld,
    sp_mchid: &str,
    id: &str,
) -> Result<PayAnswer, PayError> {
    let id: u64 = id.parse().map_err(|_| {
        PayError::param("applyment_id", "应为整数").detail("applyment_id", "path", "format")
    })?;
    world
        .sp
        .applyments
        .iter()
        .find(|a| a.sp_mchid == sp_mchid && a.applyment_id == id)
        .map(|a| PayAnswer::Json(StatusCode::OK, status_json(a)))
        .ok_or_else(|| PayError::not_exists("申请单不存在"))
}

/// Takes `step` on applyment `id`; answers its new state and `sub_mchid`.
pub(crate) fn advance(
    world: &mut PayWorld,
    id: u64,
    step: ApplymentStep,
) -> Result<(ApplymentState, Option<String>), String> {
    use ApplymentState as S;
    let a = world
        .sp
        .applyments
        .iter_mut()
        .find(|a| a.applyment_id == id)
        .ok_or_else(|| format!("no applyment {id}"))?;
    let next = match (&step, a.state) {
        (ApplymentStep::Audit, S::WaitingForAudit) => S::Auditing,
        (ApplymentStep::RequireAccountVerification, S::Auditing) => S::ToBeConfirmed,
        (ApplymentStep::RequireSignature, S::Auditing | S::ToBeConfirmed) => S::ToBeSigned,
        (ApplymentStep::Sign, S::ToBeSigned) => S::Signing,
        (ApplymentStep::Finish, S::ToBeSigned | S::Signing) => S::Finished,
        (ApplymentStep::Reject(reasons), S::WaitingForAudit | S::Auditing | S::ToBeConfirmed) => {
            if reasons.is_empty() {
                return Err("a rejection needs at least one reason".to_owned());
            }
            a.rejections.clone_from(reasons);
            S::Rejected
        }
        (step, state) => {
            return Err(format!(
                "applyment {id} is {}: {step:?} does not apply",
                state.name()
            ));
        }
    };
    a.state = next;
    if next == S::Finished {
        let sub = super::orders::digits("16", 10);
        a.sub_mchid = Some(sub.clone());
        let (sp, appids, settlement) = (
            a.sp_mchid.clone(),
            a.sub_appids.clone(),
            a.settlement.clone(),
        );
        world.add_sub_merchant(&sp, &sub, &appids);
        if let Some(s) = world.sub_merchant_mut(&sp, &sub) {
            s.settlement = Some(settlement);
        }
        return Ok((next, Some(sub)));
    }
    Ok((next, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resident_id_check_digits_are_gb_11643() {
        assert!(valid_resident_id("11010519491231002X"));
        assert!(valid_resident_id("11010519491231002x"));
        assert!(valid_resident_id("440524188001010014"));
        assert!(!valid_resident_id("440524188001010015"));
        assert!(!valid_resident_id("4405241880010100"));
        assert!(!valid_resident_id("44052418800101001A"));
        assert!(valid_mobile("13800138000"));
        assert!(!valid_mobile("23800138000"));
        assert!(valid_email("a@b.cn"));
        assert!(!valid_email("a@b"));
        assert!(valid_name("张三"));
        assert!(!valid_name("张"));
    }
}
