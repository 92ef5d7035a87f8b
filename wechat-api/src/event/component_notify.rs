//! The third-party platform's pushes about its authorizers' mini programs,
//! beyond authorization itself: the ICP filing (备案) face verification and
//! filing outcome, the WeChat verification (认证) task and its yearly
//! expiry, and the review of order-page paths; decoded from the
//! component's authorization-event URL like the other `InfoType` pushes.
//!
//! `AppId` and `CreateTime` are required, as for every component push; the
//! rest is `None` (or empty) when a push lacks it, so a known push never
//! fails on a missing detail. (The beta-app pushes have the shape of
//! [`FastRegister`](super::FastRegister) and use it.)

use serde::Serialize;

use super::raw::{Field, RawFields};
use super::tree::{Node, number, text};
use crate::Result;

/// The fields every component push has.
fn header(raw: &RawFields<'_>, kind: &'static str) -> Result<(String, i64)> {
    Ok((
        raw.required(Field::AppId, kind)?,
        raw.required_number(Field::CreateTime, kind)?,
    ))
}

/// `notify_icpfiling_verify_result`: a mini program's administrator
/// finished the face verification of an ICP filing
/// ([createIcpVerifyTask](https://developers.weixin.qq.com/doc/oplatform/openApi/miniprogram-management/record/api_createicpverifytask.html)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct IcpFilingVerify {
    /// The third-party platform's component AppId.
    pub app_id: String,
    /// Unix seconds.
    pub create_time: i64,
    /// `task_id`: the face-verification task.
    pub task_id: Option<String>,
    /// `verify_appid`: the mini program.
    pub verify_appid: Option<String>,
    /// `result`: 2 failed, 3 passed.
    pub result: Option<u32>,
    /// `along_with_auth_result`: 9 when the SMS check of a combined
    /// verification-and-filing passed.
    pub along_with_auth_result: Option<u32>,
}

impl IcpFilingVerify {
    pub(crate) fn from_raw(raw: &RawFields<'_>, tree: &Node) -> Result<Self> {
        let (app_id, create_time) = header(raw, "notify_icpfiling_verify_result")?;
        Ok(Self {
            app_id,
            create_time,
            task_id: text(tree, "task_id"),
            verify_appid: text(tree, "verify_appid"),
            result: number(tree, "result"),
            along_with_auth_result: number(tree, "along_with_auth_result"),
        })
    }
}

/// `notify_apply_icpfiling_result`: a mini program's ICP filing was
/// approved or rejected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct IcpFilingApply {
    /// The third-party platform's component AppId.
    pub app_id: String,
    /// Unix seconds.
    pub create_time: i64,
    /// `authorizer_appid`: the mini program.
    pub authorizer_appid: Option<String>,
    /// `beian_status`: the filing status, as `get_icp_filing_status`
    /// answers it.
    pub beian_status: Option<i64>,
}

impl IcpFilingApply {
    pub(crate) fn from_raw(raw: &RawFields<'_>, tree: &Node) -> Result<Self> {
        let (app_id, create_time) = header(raw, "notify_apply_icpfiling_result")?;
        Ok(Self {
            app_id,
            create_time,
            authorizer_appid: text(tree, "authorizer_appid"),
            beian_status: number(tree, "beian_status"),
        })
    }
}

/// `notify_3rd_wxa_auth`: a mini program's WeChat verification (认证) task
/// moved on
/// ([secwxaapi_wxaauth](https://developers.weixin.qq.com/doc/oplatform/openApi/OpenApiDoc/miniprogram-management/weapp-wxverify/secwxaapi_wxaauth.html)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct WxaAuth {
    /// The third-party platform's component AppId.
    pub app_id: String,
    /// Unix seconds.
    pub create_time: i64,
    /// `appid`: the mini program.
    pub appid: Option<String>,
    /// `taskid`: the verification task.
    pub taskid: Option<String>,
    /// `task_status`: 0 initial … 9 SMS check passed, 12 review order
    /// created, 14 failed, 15 waiting for payment.
    pub task_status: Option<i64>,
    /// `apply_status`: 1 waiting for payment, 2 under review, 3 to fill in
    /// again, 4 verified, 5 finally failed.
    pub apply_status: Option<i64>,
    /// `message`: WeChat's note or why it failed.
    pub message: Option<String>,
    /// `dispatch_info/provider`: the reviewing agency.
    pub provider: Option<String>,
    /// `dispatch_info/contact`: the agency's contact.
    pub contact: Option<String>,
    /// `dispatch_info/dispatch_time`: Unix seconds the review was assigned.
    pub dispatch_time: Option<i64>,
}

impl WxaAuth {
    pub(crate) fn from_raw(raw: &RawFields<'_>, tree: &Node) -> Result<Self> {
        let (app_id, create_time) = header(raw, "notify_3rd_wxa_auth")?;
        let dispatch = tree.child("dispatch_info");
        Ok(Self {
            app_id,
            create_time,
            appid: text(tree, "appid"),
            taskid: text(tree, "taskid"),
            task_status: number(tree, "task_status"),
            apply_status: number(tree, "apply_status"),
            message: text(tree, "message"),
            provider: dispatch.and_then(|d| text(d, "provider")),
            contact: dispatch.and_then(|d| text(d, "contact")),
            dispatch_time: dispatch.and_then(|d| number(d, "dispatch_time")),
        })
    }
}

/// `notify_3rd_wxa_wxverify`: a mini program's yearly verification expires
/// (sent on the day, and 30 and 60 days after).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct WxaVerifyExpiry {
    /// The third-party platform's component AppId.
    pub app_id: String,
    /// Unix seconds.
    pub create_time: i64,
    /// `appid`: the mini program.
    pub appid: Option<String>,
    /// `expired`: Unix seconds the verification expires.
    pub expired: Option<i64>,
    /// `message`: WeChat's reminder.
    pub message: Option<String>,
}

impl WxaVerifyExpiry {
    pub(crate) fn from_raw(raw: &RawFields<'_>, tree: &Node) -> Result<Self> {
        let (app_id, create_time) = header(raw, "notify_3rd_wxa_wxverify")?;
        Ok(Self {
            app_id,
            create_time,
            appid: text(tree, "appid"),
            expired: number(tree, "expired"),
            message: text(tree, "message"),
        })
    }
}

/// `order_path_audit_result_notify`: the review of the order-page paths the
/// platform applied for
/// ([applySetOrderPathInfo](https://developers.weixin.qq.com/doc/oplatform/openApi/miniprogram-management/basic-info-management/api_applysetorderpathinfo.html)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct OrderPathAudit {
    /// The third-party platform's component AppId.
    pub app_id: String,
    /// Unix seconds.
    pub create_time: i64,
    /// `list`: one entry per mini program.
    pub list: Vec<OrderPathResult>,
}

/// The review of one mini program's order-page path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct OrderPathResult {
    /// `appid`: the mini program.
    pub appid: Option<String>,
    /// `audit_id`: the review.
    pub audit_id: Option<String>,
    /// `status`: 2 under review, 3 rejected, 4 approved.
    pub status: Option<u32>,
    /// `ret_code`: the submission's return code (0 submitted).
    pub ret_code: Option<i64>,
    /// `apply_time`: Unix seconds.
    pub apply_time: Option<i64>,
    /// `audit_time`: Unix seconds.
    pub audit_time: Option<i64>,
    /// `reason`: why it was rejected.
    pub reason: Option<String>,
}

impl OrderPathAudit {
    pub(crate) fn from_raw(raw: &RawFields<'_>, tree: &Node) -> Result<Self> {
        let (app_id, create_time) = header(raw, "order_path_audit_result_notify")?;
        Ok(Self {
            app_id,
            create_time,
            list: tree
                .children
                .iter()
                .filter(|c| c.name.eq_ignore_ascii_case("list"))
                .map(|item| OrderPathResult {
                    appid: text(item, "appid"),
                    audit_id: text(item, "audit_id"),
                    status: number(item, "status"),
                    ret_code: number(item, "ret_code"),
                    apply_time: number(item, "apply_time"),
                    audit_time: number(item, "audit_time"),
                    reason: text(item, "reason"),
                })
                .collect(),
        })
    }
}
