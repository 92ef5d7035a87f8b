//! The paged lists, paged for real: the account's followers (the configured
//! users, [`page_size`](crate::SandboxConfigBuilder::page_size) openids a
//! page, by `next_openid`), the platform's authorizers (by `offset` and
//! `count`), and the empty shapes WeChat answers for a tag without followers
//! (`{"count": 0}`) and an empty blacklist, since the sandbox keeps no tags
//! and blocks no one.

use serde_json::{Value, json};

use crate::Shared;
use crate::checked::Checked;
use crate::errcode::{self, WxError};

/// The page of `openids` after `cursor` (from the start when empty), and
/// the next cursor: the page's last openid, empty once nothing is left.
fn openid_page<'a>(
    openids: &'a [String],
    cursor: Option<&str>,
    size: usize,
) -> Result<(&'a [String], String), WxError> {
    let start = match cursor.filter(|c| !c.is_empty()) {
        None => 0,
        Some(cursor) => {
            openids
                .iter()
                .position(|o| o == cursor)
                .ok_or_else(|| WxError::new(errcode::INVALID_OPENID, "invalid next_openid"))?
                + 1
        }
    };
    let rest = openids.get(start..).unwrap_or_default();
    let page = rest.get(..size.min(rest.len())).unwrap_or_default();
    let next = page.last().cloned().unwrap_or_default();
    Ok((page, next))
}

/// `user/get`: the followers, a page at a time.
pub(super) fn followers(shared: &Shared, call: &Checked) -> Result<Value, WxError> {
    let mut openids: Vec<String> = shared
        .config
        .users
        .iter()
        .map(|u| u.openid.clone())
        .collect();
    openids.sort();
    let cursor = call.param("next_openid");
    let (page, next) = openid_page(&openids, cursor.as_deref(), shared.config.page_size)?;
    let mut answer = json!({
        "total": openids.len(),
        "count": page.len(),
        "next_openid": next,
    });
    if !page.is_empty() {
        answer["data"] = json!({ "openid": page });
    }
    Ok(answer)
}

/// `user/tag/get`: no tag has followers in the sandbox; WeChat answers an
/// empty tag with only a count.
pub(super) fn tag_users(_shared: &Shared, call: &Checked) -> Result<Value, WxError> {
    call.required("tagid")?;
    Ok(json!({"count": 0}))
}

/// `tags/members/getblacklist`: nobody is blocked in the sandbox.
pub(super) fn blacklist(_shared: &Shared, _call: &Checked) -> Result<Value, WxError> {
    Ok(json!({"total": 0, "count": 0}))
}

/// `api_get_authorizer_list`: the merchants that authorized the platform,
/// by appid, `count` (at most 500) from `offset`.
pub(super) fn authorizers(shared: &Shared, call: &Checked) -> Result<Value, WxError> {
    let number = |name: &str| -> Result<usize, WxError> {
        call.required(name)?
            .parse()
            .map_err(|_| WxError::new(errcode::INVALID_ARGS, format!("invalid {name}")))
    };
    let offset = number("offset")?;
    let count = number("count")?;
    if count == 0 || count > 500 {
        return Err(WxError::new(
            errcode::INVALID_ARGS,
            "count must be between 1 and 500",
        ));
    }
    let world = shared.world();
    let mut authorizations: Vec<(&String, &crate::world::Authorization)> =
        world.authorizations.iter().collect();
    authorizations.sort_by(|a, b| a.0.cmp(b.0));
    let list: Vec<Value> = authorizations
        .iter()
        .skip(offset)
        .take(count)
        .map(|(appid, auth)| {
            // the sandbox keeps no authorization time: 0
            json!({"authorizer_appid": appid, "refresh_token": auth.refresh_token, "auth_time": 0})
        })
        .collect();
    Ok(json!({"total_count": authorizations.len(), "list": list}))
}

#[cfg(test)]
mod tests {
    use super::openid_page;

    #[test]
    fn openid_pages_walk_by_cursor_and_end_empty() {
        let openids: Vec<String> = (1..=5).map(|i| format!("o{i}")).collect();
        let (page, next) = openid_page(&openids, None, 2).unwrap();
        assert_eq!((page, next.as_str()), (&openids[0..2], "o2"));
        let (page, next) = openid_page(&openids, Some("o4"), 2).unwrap();
        assert_eq!((page, next.as_str()), (&openids[4..5], "o5"));
        let (page, next) = openid_page(&openids, Some("o5"), 2).unwrap();
        assert!(page.is_empty());
        assert_eq!(next, "");
        assert!(openid_page(&openids, Some("nobody"), 2).is_err());
    }
}
