//! A mini program's code lifecycle (`wxa_code`): `commit` →
//! `get_page` / `get_qrcode` → `submit_audit` → the review decided as the
//! sandbox's [`AuditVerdict`](crate::AuditVerdict) says, with
//! `weapp_audit_success` or `weapp_audit_fail` pushed to the authorizer's
//! message URL → `get_auditstatus` / `get_latest_auditstatus` → `release`.
//! The state is [`crate::code_review`]'s, per appid of the call's token.

use std::sync::Arc;

use serde_json::{Value, json};
use wechat_api::endpoint::Endpoint;

use crate::answer::{Answer, File};
use crate::checked::Checked;
use crate::code_review::{self, AuditVerdict, Commit, Decision};
use crate::errcode::{self, WxError};
use crate::message_push::SystemEvent;
use crate::push::unix_now;
use crate::{SandboxError, Shared};

/// The pages of the code template when `ext_json` lists none: those of the
/// `get_page` example, else `index`.
fn template_pages(shared: &Shared) -> Vec<String> {
    example_of(shared, "get_page")
        .and_then(|e| {
            e.get("page_list")?.as_array().map(|pages| {
                pages
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            })
        })
        .filter(|pages| !pages.is_empty())
        .unwrap_or_else(|| vec!["index".to_owned()])
}

/// The example answer of the `wxa_code` endpoint `name`, when served.
fn example_of(shared: &Shared, name: &str) -> Option<Value> {
    shared
        .config
        .endpoints
        .iter()
        .find(|e: &&&Endpoint| e.module == "wxa_code" && e.name == name)
        .and_then(|e| e.example)
        .and_then(|text| serde_json::from_str(text).ok())
}

fn ok() -> Value {
    json!({"errcode": 0, "errmsg": "ok"})
}

pub(super) fn commit(shared: &Shared, call: &Checked) -> Result<Value, WxError> {
    let appid = call.appid()?;
    let ext_json = call.required("ext_json")?;
    if !call.body_field("template_id").is_some_and(Value::is_i64) {
        return Err(WxError::new(
            errcode::DATA_FORMAT,
            "data format error: template_id is not an integer",
        ));
    }
    let pages = code_review::commit_pages(&ext_json, &template_pages(shared))?;
    let commit = Commit {
        user_version: call.required("user_version")?,
        user_desc: call.param("user_desc").unwrap_or_default(),
        time: unix_now(),
        pages,
    };
    shared.world().code.entry(appid).or_default().commit(commit);
    Ok(ok())
}

pub(super) fn get_page(shared: &Shared, call: &Checked) -> Result<Value, WxError> {
    let appid = call.appid()?;
    let pages = shared
        .world()
        .code
        .get(&appid)
        .and_then(|code| code.trial.as_ref())
        .map(|trial| trial.pages.clone())
        .unwrap_or_default();
    Ok(json!({"errcode": 0, "errmsg": "ok", "page_list": pages}))
}

/// The trial version's QR code; `-1 system error` before any commit (the
/// only error the doc shows).
pub(super) fn get_qrcode(shared: &Arc<Shared>, call: &Checked) -> Result<Answer, WxError> {
    let appid = call.appid()?;
    let committed = shared
        .world()
        .code
        .get(&appid)
        .is_some_and(|code| code.trial.is_some());
    if !committed {
        return Err(WxError::new(errcode::SYSTEM_ERROR, "system error"));
    }
    Ok(Answer::File(File::sample_jpeg("QRCode.jpg")))
}

/// Puts the trial version under review, then (in the background) decides
/// it as the current verdict says and pushes the event.
pub(super) fn submit_audit(shared: &Arc<Shared>, call: &Checked) -> Result<Answer, WxError> {
    let appid = call.appid()?;
    let items = match call.body_field("item_list") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items.clone(),
        Some(_) => {
            return Err(WxError::new(
                errcode::DATA_FORMAT,
                "data format error: item_list is not a list",
            ));
        }
    };
    let categories = example_of(shared, "get_category")
        .map(|answer| code_review::categories(&answer))
        .unwrap_or_default();
    let (auditid, verdict) = {
        let mut world = shared.world();
        let auditid = world.last_auditid + 1;
        world.code.entry(appid.clone()).or_default().submit(
            auditid,
            &items,
            &categories,
            unix_now(),
        )?;
        world.last_auditid = auditid;
        (auditid, world.audit_verdict.clone())
    };
    let background = Arc::clone(shared);
    tokio::spawn(async move {
        if let Err(error) = background.decide_audit(&appid, auditid, &verdict).await {
            tracing::warn!(%error, auditid, "the review's event was not delivered");
        }
    });
    Ok(Answer::Json(
        json!({"errcode": 0, "errmsg": "ok", "auditid": auditid}),
    ))
}

pub(super) fn get_audit_status(shared: &Shared, call: &Checked) -> Result<Value, WxError> {
    let appid = call.appid()?;
    let auditid = call
        .body_field("auditid")
        .and_then(|v| v.as_i64().or_else(|| v.as_str()?.parse().ok()))
        .ok_or_else(|| WxError::new(errcode::INVALID_AUDIT_ID, "invalid audit id"))?;
    let world = shared.world();
    world
        .code
        .get(&appid)
        .ok_or_else(|| WxError::new(errcode::INVALID_AUDIT_ID, "invalid audit id"))?
        .status(auditid)
}

pub(super) fn get_latest_audit_status(shared: &Shared, call: &Checked) -> Result<Value, WxError> {
    let appid = call.appid()?;
    let world = shared.world();
    match world.code.get(&appid) {
        Some(code) => code.latest(),
        None => Err(WxError::new(
            errcode::NO_AUDIT_ID,
            "no valid audit_id exist",
        )),
    }
}

pub(super) fn release(shared: &Shared, call: &Checked) -> Result<Value, WxError> {
    let appid = call.appid()?;
    shared
        .world()
        .code
        .entry(appid)
        .or_default()
        .release(unix_now())?;
    Ok(ok())
}

pub(super) fn get_version_info(shared: &Shared, call: &Checked) -> Result<Value, WxError> {
    let appid = call.appid()?;
    Ok(shared
        .world()
        .code
        .get(&appid)
        .map_or_else(ok, |code| code.version_info()))
}

impl Shared {
    /// Decides the review `auditid` of `appid` as `verdict` says and pushes
    /// its event to the authorizer's message URL (nothing for
    /// [`AuditVerdict::Hold`]). The review's status changes before the push,
    /// so that a platform calling `release` from its event handler finds it
    /// approved.
    ///
    /// # Errors
    /// [`SandboxError::Config`] when there is no such review under way; the
    /// errors of [`Shared::push_message`].
    pub(crate) async fn decide_audit(
        &self,
        appid: &str,
        auditid: i64,
        verdict: &AuditVerdict,
    ) -> Result<(), SandboxError> {
        let decision = self
            .world()
            .code
            .get_mut(appid)
            .ok_or_else(|| SandboxError::Config(format!("`{appid}` has no code under review")))?
            .decide(auditid, verdict)
            .map_err(|e| SandboxError::Config(format!("review {auditid}: {}", e.message)))?;
        let event = match decision {
            None => return Ok(()),
            Some(Decision::Approved) => SystemEvent::AuditSuccess,
            Some(Decision::Rejected { reason }) => SystemEvent::AuditFail { reason },
        };
        self.push_message(appid, &event).await
    }
}
