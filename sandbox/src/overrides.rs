//! The stateful behaviour, keyed by endpoint path: issuing and checking
//! tokens, codes and tickets. Every other endpoint answers its spec example
//! (see [`crate::routes`]). Each override runs after the generic checks, so
//! the credential, the appids, the secrets and the required parameters are
//! already known to be right.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::errcode::{self, WxError};
use crate::routes::Call;
use crate::world::{
    CustomMessage, QueryAuthCall, TokenKind, UserRefresh, after, log_call, random_string,
};
use crate::{Shared, expires_in};

/// An override: computes the answer of a call that passed the generic checks.
pub(crate) type Override = fn(&Shared, &Call) -> Result<Value, WxError>;

/// How long a web-page OAuth refresh token lives (30 days, as on WeChat).
const USER_REFRESH_TTL: Duration = Duration::from_secs(30 * 86_400);
/// How many times an appid may clear its quota (WeChat: 10 a month).
const QUOTA_CLEARS: u32 = 10;

/// The override of the endpoint at `path`, if it has one.
pub(crate) fn find(path: &str) -> Option<Override> {
    let handler: Override = match path {
        "/cgi-bin/component/api_component_token" => component_token,
        "/cgi-bin/component/api_start_push_ticket" => start_push_ticket,
        "/cgi-bin/component/api_create_preauthcode" => create_preauthcode,
        "/cgi-bin/component/api_query_auth" => query_auth,
        "/cgi-bin/component/api_authorizer_token" => authorizer_token,
        "/cgi-bin/component/api_get_authorizer_info" => get_authorizer_info,
        "/cgi-bin/component/clear_quota" | "/cgi-bin/clear_quota" => clear_quota,
        "/cgi-bin/token" => token,
        "/cgi-bin/stable_token" => stable_token,
        "/cgi-bin/ticket/getticket" => get_ticket,
        "/sns/oauth2/access_token" | "/sns/oauth2/component/access_token" => oauth_access_token,
        "/sns/oauth2/refresh_token" | "/sns/oauth2/component/refresh_token" => oauth_refresh_token,
        "/sns/userinfo" => userinfo,
        "/sns/auth" => check_token,
        "/cgi-bin/message/custom/send" => custom_send,
        _ => return None,
    };
    Some(handler)
}

fn component_token(shared: &Shared, call: &Call) -> Result<Value, WxError> {
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
fn start_push_ticket(shared: &Shared, _call: &Call) -> Result<Value, WxError> {
    shared.push_requested.notify_one();
    Ok(json!({"errcode": 0, "errmsg": "ok"}))
}

fn create_preauthcode(shared: &Shared, _call: &Call) -> Result<Value, WxError> {
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

fn query_auth(shared: &Shared, call: &Call) -> Result<Value, WxError> {
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

fn authorizer_token(shared: &Shared, call: &Call) -> Result<Value, WxError> {
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

fn get_authorizer_info(shared: &Shared, call: &Call) -> Result<Value, WxError> {
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

fn clear_quota(shared: &Shared, call: &Call) -> Result<Value, WxError> {
    let appid = call
        .param("appid")
        .or_else(|| call.param("component_appid"))
        .unwrap_or_default();
    let mut world = shared.world();
    let clears = world.quota_clears.entry(appid).or_default();
    if *clears >= QUOTA_CLEARS {
        return Err(WxError::new(
            errcode::CLEAR_QUOTA_LIMIT,
            "forbid to clear quota because of reaching the limit",
        ));
    }
    *clears += 1;
    Ok(json!({"errcode": 0, "errmsg": "ok"}))
}

fn token(shared: &Shared, call: &Call) -> Result<Value, WxError> {
    let appid = call.required("appid")?;
    let config = &shared.config;
    let mut world = shared.world();
    // A new basic token replaces the previous ones, which keep working for
    // the overlap (5 minutes on WeChat).
    let previous = TokenKind::Access {
        appid: appid.clone(),
    };
    world.supersede(config.token_overlap.min(config.token_ttl), |k| {
        *k == previous
    });
    let token = world.issue(TokenKind::Access { appid }, config.token_ttl);
    Ok(json!({"access_token": token, "expires_in": expires_in(config.token_ttl)}))
}

/// The stable token: a live one is handed out again, except in its last
/// `token_overlap` (5 minutes on WeChat), when a new one is issued and the
/// old one keeps working until it expires; `force_refresh` issues a new one
/// and retires the others after the overlap.
fn stable_token(shared: &Shared, call: &Call) -> Result<Value, WxError> {
    let appid = call.required("appid")?;
    let config = &shared.config;
    let kind = TokenKind::Stable { appid };
    let mut world = shared.world();
    let force = call.flag("force_refresh");
    if !force
        && let Some((token, left)) = world.live_token(&kind)
        && left > config.token_overlap
    {
        return Ok(json!({"access_token": token, "expires_in": expires_in(left)}));
    }
    if force {
        world.supersede(config.token_overlap.min(config.token_ttl), |k| *k == kind);
    }
    let token = world.issue(kind, config.token_ttl);
    Ok(json!({"access_token": token, "expires_in": expires_in(config.token_ttl)}))
}

fn get_ticket(shared: &Shared, call: &Call) -> Result<Value, WxError> {
    let kind = call.required("type")?;
    if kind != "jsapi" && kind != "wx_card" {
        return Err(WxError::new(errcode::INVALID_ARGS, "invalid args: type"));
    }
    let appid = call
        .token
        .as_ref()
        .and_then(|(_, k)| k.appid())
        .ok_or_else(WxError::invalid_credential)?
        .to_owned();
    let (ticket, left) = shared
        .world()
        .ticket(&appid, &kind, shared.config.token_ttl);
    Ok(json!({"errcode": 0, "errmsg": "ok", "ticket": ticket, "expires_in": expires_in(left)}))
}

fn oauth_access_token(shared: &Shared, call: &Call) -> Result<Value, WxError> {
    let appid = call.required("appid")?;
    let code = call.required("code")?;
    let component = call.endpoint.credential != wechat_api::endpoint::Credential::None;
    let invalid = || WxError::new(errcode::INVALID_OAUTH_CODE, "invalid code");
    let mut world = shared.world();
    let entry = world.oauth_codes.get_mut(&code).ok_or_else(invalid)?;
    if entry.appid != appid || entry.component_appid.is_some() != component {
        return Err(invalid());
    }
    if entry.used {
        return Err(WxError::new(errcode::OAUTH_CODE_USED, "code been used"));
    }
    if entry.expires_at <= Instant::now() {
        return Err(invalid());
    }
    entry.used = true;
    let (openid, scope) = (entry.openid.clone(), entry.scope.clone());
    let refresh_token = random_string(86);
    world.user_refresh.insert(
        refresh_token.clone(),
        UserRefresh {
            appid: appid.clone(),
            component,
            openid: openid.clone(),
            scope: scope.clone(),
            expires_at: after(Instant::now(), USER_REFRESH_TTL),
        },
    );
    Ok(user_token(
        shared,
        &mut world,
        appid,
        openid,
        scope,
        refresh_token,
    ))
}

fn user_token(
    shared: &Shared,
    world: &mut crate::world::World,
    appid: String,
    openid: String,
    scope: String,
    refresh_token: String,
) -> Value {
    let ttl = shared.config.token_ttl;
    let unionid = shared.config.user(&openid).and_then(|u| u.unionid.clone());
    let token = world.issue(
        TokenKind::User {
            appid,
            openid: openid.clone(),
            scope: scope.clone(),
        },
        ttl,
    );
    let mut answer = json!({
        "access_token": token,
        "expires_in": expires_in(ttl),
        "refresh_token": refresh_token,
        "openid": openid,
        "scope": scope,
    });
    if let (Some(unionid), Some(map)) = (unionid, answer.as_object_mut()) {
        map.insert("unionid".into(), json!(unionid));
    }
    answer
}

fn oauth_refresh_token(shared: &Shared, call: &Call) -> Result<Value, WxError> {
    let appid = call.required("appid")?;
    let refresh_token = call.required("refresh_token")?;
    let component = call.endpoint.credential != wechat_api::endpoint::Credential::None;
    let mut world = shared.world();
    let entry = world
        .user_refresh
        .get(&refresh_token)
        .filter(|r| r.appid == appid && r.component == component)
        .cloned()
        .ok_or_else(|| {
            WxError::new(
                errcode::INVALID_OAUTH_REFRESH_TOKEN,
                "invalid refresh_token",
            )
        })?;
    if entry.expires_at <= Instant::now() {
        return Err(WxError::new(
            errcode::REFRESH_TOKEN_EXPIRED,
            "refresh_token expired",
        ));
    }
    Ok(user_token(
        shared,
        &mut world,
        appid,
        entry.openid,
        entry.scope,
        refresh_token,
    ))
}

/// The user token of a `sns/*` call, checked against its openid.
fn user_of(shared: &Shared, call: &Call) -> Result<(String, String), WxError> {
    let token = call.required("access_token")?;
    let openid = call.required("openid")?;
    let world = shared.world();
    match world.check(&token)? {
        TokenKind::User {
            openid: owner,
            scope,
            ..
        } => {
            if *owner != openid {
                return Err(WxError::new(errcode::INVALID_OPENID, "invalid openid"));
            }
            Ok((openid, scope.clone()))
        }
        _ => Err(WxError::invalid_credential()),
    }
}

fn userinfo(shared: &Shared, call: &Call) -> Result<Value, WxError> {
    let (openid, scope) = user_of(shared, call)?;
    if scope != "snsapi_userinfo" {
        return Err(WxError::new(
            errcode::API_UNAUTHORIZED,
            "api unauthorized: the scope is not snsapi_userinfo",
        ));
    }
    let user = shared
        .config
        .user(&openid)
        .ok_or_else(|| WxError::new(errcode::INVALID_OPENID, "invalid openid"))?;
    let mut answer = json!({
        "openid": user.openid,
        "nickname": user.nickname,
        "sex": 0,
        "province": "",
        "city": "",
        "country": "",
        "headimgurl": "https://thirdwx.qlogo.cn/mmopen/sandbox/132",
        "privilege": [],
    });
    if let (Some(unionid), Some(map)) = (&user.unionid, answer.as_object_mut()) {
        map.insert("unionid".into(), json!(unionid));
    }
    Ok(answer)
}

/// `message/custom/send` (official accounts and mini programs share the
/// path): recorded for the release test, then answered `ok`.
fn custom_send(shared: &Shared, call: &Call) -> Result<Value, WxError> {
    let touser = call.required("touser")?;
    let msgtype = call.required("msgtype")?;
    let content = call
        .body_field(&msgtype)
        .and_then(|v| v.get("content"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    if msgtype == "text" && content.as_deref().is_none_or(str::is_empty) {
        return Err(WxError::missing("text.content", true));
    }
    let (token, kind) = call.token.clone().ok_or_else(WxError::invalid_credential)?;
    log_call(
        &mut shared.world().custom_messages,
        CustomMessage {
            token,
            appid: kind.appid().map(str::to_owned),
            touser,
            msgtype,
            content,
        },
    );
    shared.activity.notify_waiters();
    Ok(json!({"errcode": 0, "errmsg": "ok"}))
}

fn check_token(shared: &Shared, call: &Call) -> Result<Value, WxError> {
    user_of(shared, call)?;
    Ok(json!({"errcode": 0, "errmsg": "ok"}))
}
