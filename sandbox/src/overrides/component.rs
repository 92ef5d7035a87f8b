//! The third-party platform's calls: its `component_access_token` (only for
//! the latest delivered verify ticket), ticket pushes on demand,
//! pre-authorization codes, and what an authorization gives (`query_auth`,
//! authorizer tokens and details).

use std::time::Instant;

use serde_json::{Value, json};

use crate::checked::Checked;
use crate::errcode::{self, WxError};
use crate::world::{QueryAuthCall, TokenKind, log_call};
use crate::{Shared, expires_in};

pub(super) fn component_token(shared: &Shared, call: &Checked) -> Result<Value, WxError> {
    let ticket = call.required("component_verify_ticket")?;
    let mut world = shared.world();
    if world.verify_ticket.as_deref() != Some(ticket.as_str()) {
        return Err(WxError::new(
            errcode::INVALID_TICKET,
            "component ticket is invalid",
        ));
    }
    let ttl = shared.config.token_ttl;
    let token = world.issue(TokenKind::Component, ttl);
    Ok(json!({"component_access_token": token, "expires_in": expires_in(ttl)}))
}

/// Asks for a verify ticket push: one is pushed to the callback URL right
/// away (by a task of the sandbox; WeChat takes a little longer).
pub(super) fn start_push_ticket(shared: &Shared, _call: &Checked) -> Result<Value, WxError> {
    shared.push_requested.notify_one();
    Ok(json!({"errcode": 0, "errmsg": "ok"}))
}

pub(super) fn create_preauthcode(shared: &Shared, _call: &Checked) -> Result<Value, WxError> {
    let ttl = shared.config.code_ttl;
    let code = shared.world().issue_pre_auth_code(ttl);
    Ok(json!({"pre_auth_code": code, "expires_in": expires_in(ttl)}))
}

fn func_info(ids: &[i64]) -> Value {
    Value::Array(
        ids.iter()
            .map(|id| json!({"funcscope_category": {"id": id}}))
            .collect(),
    )
}

pub(super) fn query_auth(shared: &Shared, call: &Checked) -> Result<Value, WxError> {
    let code = call.required("authorization_code")?;
    let mut world = shared.world();
    let auth =
        world.auth_codes.get(&code).cloned().ok_or_else(|| {
            WxError::new(errcode::INVALID_AUTH_CODE, "invalid authorization code")
        })?;
    if auth.expires_at <= Instant::now() {
        return Err(WxError::new(
            errcode::AUTH_CODE_EXPIRED,
            "authorization code is expired",
        ));
    }
    let authorization = world
        .authorizations
        .get(&auth.authorizer_appid)
        .cloned()
        .ok_or_else(not_authorized)?;
    // Single-use, like WeChat's: a second exchange is refused.
    world.auth_codes.remove(&code);
    let ttl = shared.config.token_ttl;
    let token = world.issue(
        TokenKind::Authorizer {
            appid: auth.authorizer_appid.clone(),
        },
        ttl,
    );
    log_call(
        &mut world.query_auth_calls,
        QueryAuthCall {
            code,
            token: token.clone(),
        },
    );
    drop(world);
    shared.activity.notify_waiters();
    Ok(json!({
        "authorization_info": {
            "authorizer_appid": auth.authorizer_appid,
            "authorizer_access_token": token,
            "expires_in": expires_in(ttl),
            "authorizer_refresh_token": authorization.refresh_token,
            "func_info": func_info(&authorization.func_ids),
        }
    }))
}

fn not_authorized() -> WxError {
    WxError::new(
        errcode::NOT_AUTHORIZED,
        "component is not authorized by this account",
    )
}

pub(super) fn authorizer_token(shared: &Shared, call: &Checked) -> Result<Value, WxError> {
    let appid = call.required("authorizer_appid")?;
    let refresh_token = call.required("authorizer_refresh_token")?;
    let mut world = shared.world();
    let authorization = world
        .authorizations
        .get(&appid)
        .cloned()
        .ok_or_else(not_authorized)?;
    if authorization.refresh_token != refresh_token {
        return Err(WxError::new(
            errcode::INVALID_REFRESH_TOKEN,
            "invalid authorizer_refresh_token",
        ));
    }
    let ttl = shared.config.token_ttl;
    let token = world.issue(TokenKind::Authorizer { appid }, ttl);
    Ok(json!({
        "authorizer_access_token": token,
        "expires_in": expires_in(ttl),
        "authorizer_refresh_token": authorization.refresh_token,
    }))
}

pub(super) fn get_authorizer_info(shared: &Shared, call: &Checked) -> Result<Value, WxError> {
    let appid = call.required("authorizer_appid")?;
    let authorization = shared
        .world()
        .authorizations
        .get(&appid)
        .cloned()
        .ok_or_else(not_authorized)?;
    let merchant = shared.config.merchant(&appid).ok_or_else(not_authorized)?;
    // The spec's example, with this merchant's details.
    let mut answer: Value = call
        .endpoint
        .example
        .and_then(|e| serde_json::from_str(e).ok())
        .unwrap_or_else(|| json!({}));
    let Some(root) = answer.as_object_mut() else {
        return Err(WxError::new(-1, "system error"));
    };
    let info = root.entry("authorizer_info").or_insert_with(|| json!({}));
    if let Some(info) = info.as_object_mut() {
        info.insert("nick_name".into(), json!(merchant.nick_name));
        info.insert("user_name".into(), json!(merchant.user_name));
        info.insert("principal_name".into(), json!(merchant.principal_name));
        info.entry("service_type_info").or_insert(json!({"id": 2}));
        info.entry("verify_type_info").or_insert(json!({"id": 0}));
    }
    root.insert(
        "authorization_info".into(),
        json!({
            "authorizer_appid": appid,
            "authorization_appid": appid,
            "authorizer_refresh_token": authorization.refresh_token,
            "func_info": func_info(&authorization.func_ids),
        }),
    );
    Ok(answer)
}
