//! Web-page OAuth (网页授权): codes exchanged once for a user token and a
//! refresh token, for the official account itself or through the
//! third-party platform; the profile for `snsapi_userinfo` tokens.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::checked::Checked;
use crate::errcode::{self, WxError};
use crate::world::{TokenKind, UserRefresh, after, random_string};
use crate::{Shared, expires_in};

/// How long a web-page OAuth refresh token lives (30 days, as on WeChat).
const USER_REFRESH_TTL: Duration = Duration::from_secs(30 * 86_400);

pub(super) fn oauth_access_token(shared: &Shared, call: &Checked) -> Result<Value, WxError> {
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

pub(super) fn oauth_refresh_token(shared: &Shared, call: &Checked) -> Result<Value, WxError> {
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
fn user_of(shared: &Shared, call: &Checked) -> Result<(String, String), WxError> {
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

pub(super) fn userinfo(shared: &Shared, call: &Checked) -> Result<Value, WxError> {
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

pub(super) fn check_token(shared: &Shared, call: &Checked) -> Result<Value, WxError> {
    user_of(shared, call)?;
    Ok(json!({"errcode": 0, "errmsg": "ok"}))
}
