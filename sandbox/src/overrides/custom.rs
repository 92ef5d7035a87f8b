//! `message/custom/send` (official accounts and mini programs share the
//! path): the message is checked as WeChat checks it (a known `msgtype`,
//! the object named after it, its required fields, media ids of the
//! sending account) and recorded, for tests and the release test.

use serde_json::{Value, json};

use crate::Shared;
use crate::checked::Checked;
use crate::errcode::{self, WxError};
use crate::sent_message::SentMessage;
use crate::world::log_call;

/// The message types of both kinds of accounts.
const MSG_TYPES: [&str; 12] = [
    "text",
    "image",
    "voice",
    "video",
    "music",
    "news",
    "mpnews",
    "mpnewsarticle",
    "msgmenu",
    "wxcard",
    "miniprogrampage",
    "link",
];

/// How many articles a news message may hold.
const MAX_ARTICLES: usize = 8;

/// The fields each message type's object must have.
fn required_fields(msgtype: &str) -> &'static [&'static str] {
    match msgtype {
        "text" => &["content"],
        "image" | "voice" | "mpnews" => &["media_id"],
        "video" => &["media_id", "thumb_media_id"],
        "music" => &["musicurl", "hqmusicurl", "thumb_media_id"],
        "news" => &["articles"],
        "mpnewsarticle" => &["article_id"],
        "msgmenu" => &["list"],
        "wxcard" => &["card_id"],
        "miniprogrampage" => &["title", "pagepath", "thumb_media_id"],
        "link" => &["title", "description", "url", "thumb_url"],
        _ => &[],
    }
}

fn present(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => false,
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(_) => true,
    }
}

pub(super) fn custom_send(shared: &Shared, call: &Checked) -> Result<Value, WxError> {
    let touser = call.required("touser")?;
    let msgtype = call.required("msgtype")?;
    if !MSG_TYPES.contains(&msgtype.as_str()) {
        return Err(WxError::new(
            errcode::INVALID_MESSAGE_TYPE,
            "invalid message type",
        ));
    }
    let content = call
        .body_field(&msgtype)
        .and_then(Value::as_object)
        .ok_or_else(|| WxError::missing(&msgtype, true))?;
    for field in required_fields(&msgtype) {
        if !present(content.get(*field)) {
            return Err(WxError::missing(&format!("{msgtype}.{field}"), true));
        }
    }
    let (token, kind) = call.token.clone().ok_or_else(WxError::invalid_credential)?;
    let appid = kind.appid().map(str::to_owned);
    if msgtype == "news" {
        let articles = content
            .get("articles")
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice);
        if articles.len() > MAX_ARTICLES {
            return Err(WxError::new(
                errcode::ARTICLE_SIZE,
                "article size out of limit",
            ));
        }
        if articles
            .iter()
            .any(|a| !present(a.get("title")) || !present(a.get("url")))
        {
            return Err(WxError::missing("news.articles.title/url", true));
        }
    }
    let mut world = shared.world();
    if matches!(msgtype.as_str(), "image" | "voice") {
        let media_id = content
            .get("media_id")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if !world
            .media
            .knows(appid.as_deref().unwrap_or_default(), media_id)
        {
            return Err(WxError::new(errcode::INVALID_MEDIA_ID, "invalid media_id"));
        }
    }
    log_call(
        &mut world.custom_messages,
        SentMessage {
            appid,
            access_token: token,
            touser,
            msgtype,
            body: Value::Object(call.body.clone()),
        },
    );
    drop(world);
    shared.activity.notify_waiters();
    Ok(json!({"errcode": 0, "errmsg": "ok"}))
}
