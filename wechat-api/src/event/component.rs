//! Pushes to a third-party platform's "authorization event" URL, told apart
//! by their `InfoType`.
//!
//! | `InfoType` | variant |
//! | --- | --- |
//! | `component_verify_ticket` | [`ComponentEvent::VerifyTicket`] (every 10 minutes) |
//! | `authorized` | [`ComponentEvent::Authorized`] |
//! | `updateauthorized` | [`ComponentEvent::UpdateAuthorized`] |
//! | `unauthorized` | [`ComponentEvent::Unauthorized`] |
//! | `notify_third_fasteregister` | [`ComponentEvent::FastRegister`] |
//! | `notify_third_fastregisterbetaapp` | [`ComponentEvent::FastRegisterBetaApp`] |
//! | `notify_third_fastverifybetaapp` | [`ComponentEvent::FastVerifyBetaApp`] |
//! | `notify_icpfiling_verify_result` | [`ComponentEvent::IcpFilingVerify`] |
//! | `notify_apply_icpfiling_result` | [`ComponentEvent::IcpFilingApply`] |
//! | `notify_3rd_wxa_auth` | [`ComponentEvent::WxaAuth`] |
//! | `notify_3rd_wxa_wxverify` | [`ComponentEvent::WxaVerifyExpiry`] |
//! | `order_path_audit_result_notify` | [`ComponentEvent::OrderPathAudit`] |
//! | anything else | [`ComponentEvent::Unknown`], with the raw XML |

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use super::Redacted;
use super::component_notify::{
    IcpFilingApply, IcpFilingVerify, OrderPathAudit, WxaAuth, WxaVerifyExpiry,
};
use super::raw::{Field, RawFields};
use super::tree::Node;
use crate::{Error, Result};

/// A decrypted push to a third-party platform, by `InfoType`.
///
/// Serializes (e.g. to JSON) with a `kind` tag: the `InfoType` for known
/// pushes, `"unknown"` otherwise; fields are snake_case. Serialization
/// includes secret values in full (tickets, authorization codes): it is meant
/// for storage and debugging tools, unlike `Debug`, which redacts them.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind")]
#[non_exhaustive]
pub enum ComponentEvent {
    /// `component_verify_ticket`: the ticket needed to fetch the
    /// component_access_token. Store it.
    #[serde(rename = "component_verify_ticket")]
    VerifyTicket(ComponentVerifyTicket),
    /// `authorized`: an account authorized the platform. Exchange the
    /// authorization code for the authorizer's tokens.
    #[serde(rename = "authorized")]
    Authorized(Authorization),
    /// `updateauthorized`: an account changed the permissions it granted.
    #[serde(rename = "updateauthorized")]
    UpdateAuthorized(Authorization),
    /// `unauthorized`: an account revoked its authorization.
    #[serde(rename = "unauthorized")]
    Unauthorized(Unauthorization),
    /// `notify_third_fasteregister`: the outcome of a fast mini-program
    /// registration (`fastregisterweapp`, company or personal).
    #[serde(rename = "notify_third_fasteregister")]
    FastRegister(FastRegister),
    /// `notify_third_fastregisterbetaapp`: the outcome of creating a beta
    /// (试用) mini program; `info` holds `unique_id` and `name`.
    #[serde(rename = "notify_third_fastregisterbetaapp")]
    FastRegisterBetaApp(FastRegister),
    /// `notify_third_fastverifybetaapp`: the outcome of verifying a beta
    /// mini program into a regular one; `info` holds the company's details.
    #[serde(rename = "notify_third_fastverifybetaapp")]
    FastVerifyBetaApp(FastRegister),
    /// `notify_icpfiling_verify_result`: an administrator finished the face
    /// verification of an ICP filing.
    #[serde(rename = "notify_icpfiling_verify_result")]
    IcpFilingVerify(IcpFilingVerify),
    /// `notify_apply_icpfiling_result`: an ICP filing was approved or rejected.
    #[serde(rename = "notify_apply_icpfiling_result")]
    IcpFilingApply(IcpFilingApply),
    /// `notify_3rd_wxa_auth`: a mini program's verification task moved on.
    #[serde(rename = "notify_3rd_wxa_auth")]
    WxaAuth(Box<WxaAuth>),
    /// `notify_3rd_wxa_wxverify`: a mini program's yearly verification expires.
    #[serde(rename = "notify_3rd_wxa_wxverify")]
    WxaVerifyExpiry(WxaVerifyExpiry),
    /// `order_path_audit_result_notify`: the review of order-page paths.
    #[serde(rename = "order_path_audit_result_notify")]
    OrderPathAudit(OrderPathAudit),
    /// Any other `InfoType` (WeChat adds new ones: fast registration, name
    /// checks…). Never an error, so that new pushes are not lost.
    #[serde(rename = "unknown")]
    Unknown {
        /// The `InfoType` found (empty if the element was absent).
        info_type: String,
        /// The whole decrypted XML.
        raw: String,
    },
}

/// The `component_verify_ticket` push.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ComponentVerifyTicket {
    /// The third-party platform's component AppId.
    pub app_id: String,
    /// Unix seconds.
    pub create_time: i64,
    /// The ticket (secret: `Debug` shows only its start).
    pub component_verify_ticket: String,
}

impl fmt::Debug for ComponentVerifyTicket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ComponentVerifyTicket")
            .field("app_id", &self.app_id)
            .field("create_time", &self.create_time)
            .field(
                "component_verify_ticket",
                &Redacted(&self.component_verify_ticket),
            )
            .finish()
    }
}

/// The `authorized` and `updateauthorized` pushes.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Authorization {
    /// The third-party platform's component AppId.
    pub app_id: String,
    /// Unix seconds.
    pub create_time: i64,
    /// The AppId of the account that authorized.
    pub authorizer_appid: String,
    /// The authorization code, to exchange with `api_query_auth` (secret:
    /// `Debug` shows only its start).
    pub authorization_code: String,
    /// When the authorization code expires, in Unix seconds.
    pub authorization_code_expired_time: i64,
    /// The pre-auth code the authorization went through, when WeChat sends
    /// it (secret: `Debug` shows only its start).
    pub pre_auth_code: Option<String>,
}

impl fmt::Debug for Authorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Authorization")
            .field("app_id", &self.app_id)
            .field("create_time", &self.create_time)
            .field("authorizer_appid", &self.authorizer_appid)
            .field("authorization_code", &Redacted(&self.authorization_code))
            .field(
                "authorization_code_expired_time",
                &self.authorization_code_expired_time,
            )
            .field(
                "pre_auth_code",
                &self.pre_auth_code.as_deref().map(Redacted),
            )
            .finish()
    }
}

/// The `unauthorized` push.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Unauthorization {
    /// The third-party platform's component AppId.
    pub app_id: String,
    /// Unix seconds.
    pub create_time: i64,
    /// The AppId of the account that revoked its authorization.
    pub authorizer_appid: String,
}

/// The `notify_third_fasteregister` push, and the beta-app pushes of the
/// same shape (`notify_third_fastregisterbetaapp`,
/// `notify_third_fastverifybetaapp`).
#[derive(Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct FastRegister {
    /// The third-party platform's component AppId.
    pub app_id: String,
    /// Unix seconds.
    pub create_time: i64,
    /// `appid`: the new mini program's appid, on success.
    pub registered_appid: Option<String>,
    /// `status`: 0 on success, an error code otherwise.
    pub status: i64,
    /// `auth_code`: an authorization code for the new mini program, to
    /// exchange with `api_query_auth`, on success (secret: `Debug` shows
    /// only its start).
    pub auth_code: Option<String>,
    /// `msg`: `OK` or what went wrong.
    pub msg: String,
    /// `info`: the registration request echoed back (`name`, `code`,
    /// `code_type`, `legal_persona_wechat`, `legal_persona_name`,
    /// `component_phone` for a company; `wxuser`, `idname`,
    /// `component_phone` for a person; `unique_id`, `name` for a beta
    /// app), by element name.
    pub info: BTreeMap<String, String>,
}

impl fmt::Debug for FastRegister {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FastRegister")
            .field("app_id", &self.app_id)
            .field("create_time", &self.create_time)
            .field("registered_appid", &self.registered_appid)
            .field("status", &self.status)
            .field("auth_code", &self.auth_code.as_deref().map(Redacted))
            .field("msg", &self.msg)
            .field("info", &format_args!("<{} fields>", self.info.len()))
            .finish()
    }
}

/// Known pushes print their (redacted) fields; an unknown one prints only
/// its `InfoType` and size, since its XML may carry codes or tickets.
impl fmt::Debug for ComponentEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::VerifyTicket(e) => f.debug_tuple("VerifyTicket").field(e).finish(),
            Self::Authorized(e) => f.debug_tuple("Authorized").field(e).finish(),
            Self::UpdateAuthorized(e) => f.debug_tuple("UpdateAuthorized").field(e).finish(),
            Self::Unauthorized(e) => f.debug_tuple("Unauthorized").field(e).finish(),
            Self::FastRegister(e) => f.debug_tuple("FastRegister").field(e).finish(),
            Self::FastRegisterBetaApp(e) => f.debug_tuple("FastRegisterBetaApp").field(e).finish(),
            Self::FastVerifyBetaApp(e) => f.debug_tuple("FastVerifyBetaApp").field(e).finish(),
            Self::IcpFilingVerify(e) => f.debug_tuple("IcpFilingVerify").field(e).finish(),
            Self::IcpFilingApply(e) => f.debug_tuple("IcpFilingApply").field(e).finish(),
            Self::WxaAuth(e) => f.debug_tuple("WxaAuth").field(e).finish(),
            Self::WxaVerifyExpiry(e) => f.debug_tuple("WxaVerifyExpiry").field(e).finish(),
            Self::OrderPathAudit(e) => f.debug_tuple("OrderPathAudit").field(e).finish(),
            Self::Unknown { info_type, raw } => f
                .debug_struct("Unknown")
                .field("info_type", info_type)
                .field("raw", &format_args!("<{} bytes of XML>", raw.len()))
                .finish(),
        }
    }
}

impl ComponentEvent {
    /// Parses a decrypted component push (see
    /// [`MsgCrypt::decrypt_push`](crate::crypto::MsgCrypt::decrypt_push)).
    /// CDATA and plain text are both accepted.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidXml`] if the XML is malformed, has no `InfoType`, or a
    /// known push lacks a field it must have (or has a non-numeric time). An
    /// unknown `InfoType` is not an error but [`ComponentEvent::Unknown`].
    pub fn from_xml(xml: &str) -> Result<Self> {
        let mut raw = RawFields::default();
        raw.fill(xml)?;
        Self::from_raw(&raw, xml)?.ok_or_else(|| {
            Error::InvalidXml("no <InfoType>: this is not a component push".to_owned())
        })
    }

    /// The typed event, `None` if there is no `InfoType`.
    pub(crate) fn from_raw(raw: &RawFields<'_>, xml: &str) -> Result<Option<Self>> {
        let Some(info_type) = raw.get(Field::InfoType) else {
            return Ok(None);
        };
        // Errors name the push by a literal, never by text from the push.
        let event = match info_type {
            "component_verify_ticket" => Self::VerifyTicket(ComponentVerifyTicket {
                app_id: raw.required(Field::AppId, "component_verify_ticket")?,
                create_time: raw.required_number(Field::CreateTime, "component_verify_ticket")?,
                component_verify_ticket: raw
                    .required(Field::ComponentVerifyTicket, "component_verify_ticket")?,
            }),
            "authorized" => Self::Authorized(Authorization::from_raw(raw, "authorized")?),
            "updateauthorized" => {
                Self::UpdateAuthorized(Authorization::from_raw(raw, "updateauthorized")?)
            }
            "unauthorized" => Self::Unauthorized(Unauthorization {
                app_id: raw.required(Field::AppId, "unauthorized")?,
                create_time: raw.required_number(Field::CreateTime, "unauthorized")?,
                authorizer_appid: raw.required(Field::AuthorizerAppid, "unauthorized")?,
            }),
            "notify_third_fasteregister" => Self::FastRegister(FastRegister::from_raw(
                raw,
                xml,
                "notify_third_fasteregister",
            )?),
            "notify_third_fastregisterbetaapp" => Self::FastRegisterBetaApp(
                FastRegister::from_raw(raw, xml, "notify_third_fastregisterbetaapp")?,
            ),
            "notify_third_fastverifybetaapp" => Self::FastVerifyBetaApp(FastRegister::from_raw(
                raw,
                xml,
                "notify_third_fastverifybetaapp",
            )?),
            "notify_icpfiling_verify_result" => {
                Self::IcpFilingVerify(IcpFilingVerify::from_raw(raw, &Node::from_xml(xml)?)?)
            }
            "notify_apply_icpfiling_result" => {
                Self::IcpFilingApply(IcpFilingApply::from_raw(raw, &Node::from_xml(xml)?)?)
            }
            "notify_3rd_wxa_auth" => {
                Self::WxaAuth(Box::new(WxaAuth::from_raw(raw, &Node::from_xml(xml)?)?))
            }
            "notify_3rd_wxa_wxverify" => {
                Self::WxaVerifyExpiry(WxaVerifyExpiry::from_raw(raw, &Node::from_xml(xml)?)?)
            }
            "order_path_audit_result_notify" => {
                Self::OrderPathAudit(OrderPathAudit::from_raw(raw, &Node::from_xml(xml)?)?)
            }
            other => Self::Unknown {
                info_type: other.to_owned(),
                raw: xml.to_owned(),
            },
        };
        Ok(Some(event))
    }

    /// The `InfoType` of this push.
    pub fn info_type(&self) -> &str {
        match self {
            Self::VerifyTicket(_) => "component_verify_ticket",
            Self::Authorized(_) => "authorized",
            Self::UpdateAuthorized(_) => "updateauthorized",
            Self::Unauthorized(_) => "unauthorized",
            Self::FastRegister(_) => "notify_third_fasteregister",
            Self::FastRegisterBetaApp(_) => "notify_third_fastregisterbetaapp",
            Self::FastVerifyBetaApp(_) => "notify_third_fastverifybetaapp",
            Self::IcpFilingVerify(_) => "notify_icpfiling_verify_result",
            Self::IcpFilingApply(_) => "notify_apply_icpfiling_result",
            Self::WxaAuth(_) => "notify_3rd_wxa_auth",
            Self::WxaVerifyExpiry(_) => "notify_3rd_wxa_wxverify",
            Self::OrderPathAudit(_) => "order_path_audit_result_notify",
            Self::Unknown { info_type, .. } => info_type,
        }
    }

    /// The component AppId the push is for, when the push is known.
    pub fn app_id(&self) -> Option<&str> {
        match self {
            Self::VerifyTicket(e) => Some(&e.app_id),
            Self::Authorized(e) | Self::UpdateAuthorized(e) => Some(&e.app_id),
            Self::Unauthorized(e) => Some(&e.app_id),
            Self::FastRegister(e) | Self::FastRegisterBetaApp(e) | Self::FastVerifyBetaApp(e) => {
                Some(&e.app_id)
            }
            Self::IcpFilingVerify(e) => Some(&e.app_id),
            Self::IcpFilingApply(e) => Some(&e.app_id),
            Self::WxaAuth(e) => Some(&e.app_id),
            Self::WxaVerifyExpiry(e) => Some(&e.app_id),
            Self::OrderPathAudit(e) => Some(&e.app_id),
            Self::Unknown { .. } => None,
        }
    }
}

impl Authorization {
    fn from_raw(raw: &RawFields<'_>, kind: &'static str) -> Result<Self> {
        Ok(Self {
            app_id: raw.required(Field::AppId, kind)?,
            create_time: raw.required_number(Field::CreateTime, kind)?,
            authorizer_appid: raw.required(Field::AuthorizerAppid, kind)?,
            authorization_code: raw.required(Field::AuthorizationCode, kind)?,
            authorization_code_expired_time: raw
                .required_number(Field::AuthorizationCodeExpiredTime, kind)?,
            pre_auth_code: raw.optional(Field::PreAuthCode),
        })
    }
}

impl FastRegister {
    fn from_raw(raw: &RawFields<'_>, xml: &str, kind: &'static str) -> Result<Self> {
        Ok(Self {
            app_id: raw.required(Field::AppId, kind)?,
            create_time: raw.required_number(Field::CreateTime, kind)?,
            registered_appid: raw
                .optional(Field::RegisteredAppid)
                .filter(|a| !a.is_empty()),
            status: raw.required_number(Field::RegisterStatus, kind)?,
            auth_code: raw.optional(Field::AuthCode).filter(|c| !c.is_empty()),
            msg: raw.optional(Field::RegisterMsg).unwrap_or_default(),
            info: Node::from_xml(xml)?
                .child("info")
                .map(|info| {
                    info.children
                        .iter()
                        .map(|c| (c.name.clone(), c.text.clone()))
                        .collect()
                })
                .unwrap_or_default(),
        })
    }
}
