//! The default custom menu (`menu/create` → `menu/get`,
//! `get_current_selfmenu_info`, `menu/delete`), checked with WeChat's
//! errcodes (40016–40027) and answered as WeChat answers it: every button
//! carries `sub_button` (`[]` for a button that acts itself), a button
//! holding a sub-menu only its name and sub-buttons.

use serde_json::{Map, Value, json};

use crate::Shared;
use crate::checked::Checked;
use crate::errcode::{self, WxError};

/// At most 3 top-level buttons, 5 sub-buttons each.
const MAX_BUTTONS: usize = 3;
const MAX_SUB_BUTTONS: usize = 5;
/// Name lengths in bytes: top-level buttons, sub-buttons.
const MAX_NAME: usize = 16;
const MAX_SUB_NAME: usize = 60;
const MAX_KEY: usize = 128;
const MAX_URL: usize = 1024;

/// The types whose button pushes an event with its `key`.
const KEY_TYPES: [&str; 7] = [
    "click",
    "scancode_push",
    "scancode_waitmsg",
    "pic_sysphoto",
    "pic_photo_or_album",
    "pic_weixin",
    "location_select",
];

/// The fields of a button WeChat keeps.
const FIELDS: [&str; 8] = [
    "type",
    "name",
    "key",
    "url",
    "appid",
    "pagepath",
    "media_id",
    "article_id",
];

/// The errcodes of one level of the menu.
struct Level {
    max_name: usize,
    name: (i64, &'static str),
    kind: (i64, &'static str),
    key: (i64, &'static str),
    url: (i64, &'static str),
}

const TOP: Level = Level {
    max_name: MAX_NAME,
    name: (
        errcode::INVALID_BUTTON_NAME_SIZE,
        "invalid button name size",
    ),
    kind: (errcode::INVALID_BUTTON_TYPE, "invalid button type"),
    key: (errcode::INVALID_BUTTON_KEY_SIZE, "invalid button key size"),
    url: (errcode::INVALID_BUTTON_URL_SIZE, "invalid button url size"),
};

const SUB: Level = Level {
    max_name: MAX_SUB_NAME,
    name: (
        errcode::INVALID_SUB_BUTTON_NAME_SIZE,
        "invalid sub button name size",
    ),
    kind: (errcode::INVALID_SUB_BUTTON_TYPE, "invalid sub button type"),
    key: (
        errcode::INVALID_SUB_BUTTON_KEY_SIZE,
        "invalid sub button key size",
    ),
    url: (
        errcode::INVALID_SUB_BUTTON_URL_SIZE,
        "invalid sub button url size",
    ),
};

fn error((code, message): (i64, &'static str)) -> WxError {
    WxError::new(code, message)
}

fn text<'a>(button: &'a Map<String, Value>, name: &str) -> &'a str {
    button.get(name).and_then(Value::as_str).unwrap_or_default()
}

/// Whether `value` is 1 to `max` bytes long.
fn sized(value: &str, max: usize) -> bool {
    !value.is_empty() && value.len() <= max
}

/// A button's non-empty `sub_button` list, if it has one.
fn sub_buttons(button: &Map<String, Value>) -> Option<&Vec<Value>> {
    button
        .get("sub_button")
        .and_then(Value::as_array)
        .filter(|list| !list.is_empty())
}

/// A button that acts itself, checked at `level`, as `menu/get` answers it.
fn leaf(button: &Map<String, Value>, level: &Level) -> Result<Value, WxError> {
    let kind = text(button, "type");
    if KEY_TYPES.contains(&kind) {
        if !sized(text(button, "key"), MAX_KEY) {
            return Err(error(level.key));
        }
    } else {
        match kind {
            "view" => {
                if !sized(text(button, "url"), MAX_URL) {
                    return Err(error(level.url));
                }
            }
            "miniprogram" => {
                if !sized(text(button, "url"), MAX_URL) {
                    return Err(error(level.url));
                }
                for field in ["appid", "pagepath"] {
                    if text(button, field).is_empty() {
                        return Err(WxError::missing(field, true));
                    }
                }
            }
            "media_id" | "view_limited" => {
                if text(button, "media_id").is_empty() {
                    return Err(WxError::new(errcode::INVALID_MEDIA_ID, "invalid media_id"));
                }
            }
            "article_id" | "article_view_limited" => {
                if text(button, "article_id").is_empty() {
                    return Err(WxError::missing("article_id", true));
                }
            }
            _ => return Err(error(level.kind)),
        }
    }
    let mut kept: Map<String, Value> = FIELDS
        .iter()
        .filter_map(|f| Some(((*f).to_owned(), button.get(*f)?.clone())))
        .collect();
    kept.insert("sub_button".into(), json!([]));
    Ok(Value::Object(kept))
}

/// The top-level buttons of a `menu/create` body, checked, as `menu/get`
/// answers them.
fn menu(buttons: Option<&Value>) -> Result<Vec<Value>, WxError> {
    let buttons = buttons
        .and_then(Value::as_array)
        .filter(|b| (1..=MAX_BUTTONS).contains(&b.len()))
        .ok_or_else(|| WxError::new(errcode::INVALID_BUTTON_SIZE, "invalid button size"))?;
    let object = |button: &Value| {
        button.as_object().cloned().ok_or_else(|| {
            WxError::new(
                errcode::DATA_FORMAT,
                "data format error: a button is not an object",
            )
        })
    };
    let mut menu = Vec::with_capacity(buttons.len());
    for button in buttons {
        let button = object(button)?;
        let name = text(&button, "name");
        if !sized(name, TOP.max_name) {
            return Err(error(TOP.name));
        }
        let Some(subs) = sub_buttons(&button) else {
            menu.push(leaf(&button, &TOP)?);
            continue;
        };
        if subs.len() > MAX_SUB_BUTTONS {
            return Err(WxError::new(
                errcode::INVALID_SUB_BUTTON_SIZE,
                "invalid sub button size",
            ));
        }
        let mut kept = Vec::with_capacity(subs.len());
        for sub in subs {
            let sub = object(sub)?;
            if !sized(text(&sub, "name"), SUB.max_name) {
                return Err(error(SUB.name));
            }
            if sub_buttons(&sub).is_some() {
                return Err(WxError::new(
                    errcode::INVALID_SUB_MENU_LEVEL,
                    "invalid sub menu level",
                ));
            }
            kept.push(leaf(&sub, &SUB)?);
        }
        menu.push(json!({"name": name, "sub_button": kept}));
    }
    Ok(menu)
}

pub(super) fn create(shared: &Shared, call: &Checked) -> Result<Value, WxError> {
    let appid = call.appid()?;
    let menu = menu(call.body_field("button"))?;
    shared.world().menus.insert(appid, menu);
    Ok(json!({"errcode": 0, "errmsg": "ok"}))
}

pub(super) fn get(shared: &Shared, call: &Checked) -> Result<Value, WxError> {
    let appid = call.appid()?;
    let world = shared.world();
    let buttons = world
        .menus
        .get(&appid)
        .ok_or_else(|| WxError::new(errcode::MENU_NOT_EXIST, "menu no exist"))?;
    Ok(json!({"menu": {"button": buttons}}))
}

pub(super) fn delete(shared: &Shared, call: &Checked) -> Result<Value, WxError> {
    let appid = call.appid()?;
    shared.world().menus.remove(&appid);
    Ok(json!({"errcode": 0, "errmsg": "ok"}))
}

/// The menu in effect, in `get_current_selfmenu_info`'s shape: sub-menus
/// as `{"list": [...]}`, no empty `sub_button`.
pub(super) fn current_selfmenu_info(shared: &Shared, call: &Checked) -> Result<Value, WxError> {
    let appid = call.appid()?;
    let world = shared.world();
    let Some(buttons) = world.menus.get(&appid) else {
        return Ok(json!({"is_menu_open": 0, "selfmenu_info": {"button": []}}));
    };
    let strip = |button: &Value| {
        let mut button = button.clone();
        if let Some(map) = button.as_object_mut() {
            map.remove("sub_button");
        }
        button
    };
    let buttons: Vec<Value> = buttons
        .iter()
        .map(
            |button| match button.get("sub_button").and_then(Value::as_array) {
                Some(subs) if !subs.is_empty() => json!({
                    "name": button.get("name").cloned().unwrap_or_default(),
                    "sub_button": {"list": subs.iter().map(strip).collect::<Vec<_>>()},
                }),
                _ => strip(button),
            },
        )
        .collect();
    Ok(json!({"is_menu_open": 1, "selfmenu_info": {"button": buttons}}))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(body: Value) -> i64 {
        menu(Some(&body)).map(|_| 0).unwrap_or_else(|e| e.code)
    }

    #[test]
    fn a_menu_is_answered_as_wechat_answers_it() {
        let sent = json!([
            {"type": "click", "name": "Today", "key": "V1001_TODAY"},
            {"name": "More", "sub_button": [
                {"type": "view", "name": "Search", "url": "https://www.example.com/", "extra": 1},
                {"type": "miniprogram", "name": "wxa", "url": "http://mp.weixin.qq.com", "appid": "wx286b93c14bbf93aa", "pagepath": "pages/lunar/index"},
            ]},
        ]);
        let answered = menu(Some(&sent)).unwrap();
        assert_eq!(
            answered,
            vec![
                json!({"type": "click", "name": "Today", "key": "V1001_TODAY", "sub_button": []}),
                json!({"name": "More", "sub_button": [
                    {"type": "view", "name": "Search", "url": "https://www.example.com/", "sub_button": []},
                    {"type": "miniprogram", "name": "wxa", "url": "http://mp.weixin.qq.com", "appid": "wx286b93c14bbf93aa", "pagepath": "pages/lunar/index", "sub_button": []},
                ]}),
            ]
        );
    }

    #[test]
    fn bad_menus_get_wechats_errcodes() {
        let click = json!({"type": "click", "name": "a", "key": "k"});
        assert_eq!(code(json!([])), errcode::INVALID_BUTTON_SIZE);
        assert_eq!(
            code(json!([click, click, click, click])),
            errcode::INVALID_BUTTON_SIZE
        );
        assert_eq!(
            code(json!([{"type": "click", "name": "", "key": "k"}])),
            errcode::INVALID_BUTTON_NAME_SIZE
        );
        assert_eq!(
            code(json!([{"type": "click", "name": "x".repeat(17), "key": "k"}])),
            errcode::INVALID_BUTTON_NAME_SIZE
        );
        assert_eq!(
            code(json!([{"type": "tap", "name": "a"}])),
            errcode::INVALID_BUTTON_TYPE
        );
        assert_eq!(
            code(json!([{"type": "click", "name": "a"}])),
            errcode::INVALID_BUTTON_KEY_SIZE
        );
        assert_eq!(
            code(json!([{"type": "view", "name": "a"}])),
            errcode::INVALID_BUTTON_URL_SIZE
        );
        let subs = |list: Value| json!([{"name": "m", "sub_button": list}]);
        assert_eq!(
            code(subs(json!([click, click, click, click, click, click]))),
            errcode::INVALID_SUB_BUTTON_SIZE
        );
        assert_eq!(
            code(subs(json!([{"type": "tap", "name": "a"}]))),
            errcode::INVALID_SUB_BUTTON_TYPE
        );
        assert_eq!(
            code(subs(json!([{"type": "click", "name": "a"}]))),
            errcode::INVALID_SUB_BUTTON_KEY_SIZE
        );
        assert_eq!(
            code(subs(json!([{"type": "view", "name": "a"}]))),
            errcode::INVALID_SUB_BUTTON_URL_SIZE
        );
        assert_eq!(
            code(subs(json!([{"type": "click", "name": "", "key": "k"}]))),
            errcode::INVALID_SUB_BUTTON_NAME_SIZE
        );
        assert_eq!(
            code(subs(json!([{"name": "deep", "sub_button": [click]}]))),
            errcode::INVALID_SUB_MENU_LEVEL
        );
        assert_eq!(
            code(json!([{"type": "media_id", "name": "a"}])),
            errcode::INVALID_MEDIA_ID
        );
        assert_eq!(code(json!([click, "not a button"])), errcode::DATA_FORMAT);
        assert_eq!(code(subs(json!([click]))), 0);
    }
}
