//! An account's own credentials: the basic and the stable `access_token`
//! (with WeChat's overlap when one replaces another), JS-SDK and card
//! tickets, and the monthly quota resets.

use serde_json::{Value, json};

use crate::checked::Checked;
use crate::errcode::{self, WxError};
use crate::world::TokenKind;
use crate::{Shared, expires_in};

/// How many times an appid may clear its quota (WeChat: 10 a month).
const QUOTA_CLEARS: u32 = 10;

pub(super) fn clear_quota(shared: &Shared, call: &Checked) -> Result<Value, WxError> {
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

pub(super) fn token(shared: &Shared, call: &Checked) -> Result<Value, WxError> {
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
pub(super) fn stable_token(shared: &Shared, call: &Checked) -> Result<Value, WxError> {
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

pub(super) fn get_ticket(shared: &Shared, call: &Checked) -> Result<Value, WxError> {
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
