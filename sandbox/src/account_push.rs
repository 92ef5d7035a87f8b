//! Pushes to an official account's or a mini program's own message URL
//! (服务器地址URL), as WeChat does: the URL check (`GET
//! ?signature=&timestamp=&nonce=&echostr=`) and any message or event a user
//! sends, in plain, compatible or safe mode, as XML or (mini programs) JSON;
//! the answer is read as WeChat reads it (a safe or compatible mode reply
//! envelope has its `MsgSignature` checked and is decrypted).
//!
//! ```text
//! plain:      POST {url}?signature=..&timestamp=..&nonce=..&openid=..
//!             <xml><ToUserName>..</ToUserName>…<MsgId>..</MsgId></xml>
//! compatible: POST {url}?signature=..&timestamp=..&nonce=..&openid=..&encrypt_type=aes&msg_signature=..
//!             <xml>…the plaintext fields…<Encrypt>..</Encrypt></xml>
//! safe:       POST {url}?…&encrypt_type=aes&msg_signature=..
//!             <xml><ToUserName>..</ToUserName><Encrypt>..</Encrypt></xml>
//! JSON:       {"ToUserName":"..","Encrypt":".."} (safe), the message's JSON (plain)
//! ```
//!
//! Tests drive it with [`Sandbox::push_to_account`] and
//! [`Sandbox::check_account_url`]; [`Sandbox::official_account_url`]
//! addresses the sandbox's own official account.

use std::collections::HashMap;
use std::fmt;

use rand::Rng as _;
use serde_json::{Map, Value, json};
use url::Url;
use wechat_api::crypto::{MsgCrypt, plain_signature};

use crate::push::{cdata, unix_now};
use crate::release_test::wire::fields;
use crate::{Sandbox, SandboxError};

/// How the account's URL is configured to receive pushes (消息加解密方式).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum PushMode {
    /// 明文模式: the message as is, `signature` in the query.
    Plain,
    /// 兼容模式: the plaintext fields and their `Encrypt` side by side.
    Compatible,
    /// 安全模式 (the default): only `ToUserName` and `Encrypt`.
    #[default]
    Safe,
}

/// What the pushes are written in (a mini program chooses; an official
/// account gets XML).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum PushFormat {
    /// XML (the default).
    #[default]
    Xml,
    /// JSON (mini programs only).
    Json,
}

/// An account's own message URL and the settings of its message page: what
/// the sandbox needs to push to it. `Debug` shows neither the token nor the
/// key.
#[derive(Clone)]
pub struct AccountUrl {
    url: Url,
    appid: String,
    user_name: String,
    token: String,
    encoding_aes_key: String,
    mode: PushMode,
    format: PushFormat,
}

impl fmt::Debug for AccountUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccountUrl")
            .field("url", &self.url.as_str())
            .field("appid", &self.appid)
            .field("user_name", &self.user_name)
            .field("mode", &self.mode)
            .field("format", &self.format)
            .finish_non_exhaustive()
    }
}

impl AccountUrl {
    /// The message URL `url` of the account `appid`, with the Token and
    /// EncodingAESKey of its message settings; safe mode, XML, original id
    /// `gh_` + the appid's last 12 characters.
    pub fn new(
        url: Url,
        appid: impl Into<String>,
        token: impl Into<String>,
        encoding_aes_key: impl Into<String>,
    ) -> Self {
        let appid = appid.into();
        let tail = appid
            .char_indices()
            .rev()
            .nth(11)
            .map_or(appid.as_str(), |(at, _)| &appid[at..]);
        AccountUrl {
            user_name: format!("gh_{tail}"),
            url,
            appid,
            token: token.into(),
            encoding_aes_key: encoding_aes_key.into(),
            mode: PushMode::default(),
            format: PushFormat::default(),
        }
    }

    /// The account's original id (`ToUserName` of the pushes).
    #[must_use]
    pub fn user_name(mut self, user_name: impl Into<String>) -> Self {
        self.user_name = user_name.into();
        self
    }

    /// The mode pushes are sent in.
    #[must_use]
    pub fn mode(mut self, mode: PushMode) -> Self {
        self.mode = mode;
        self
    }

    /// The format pushes are written in.
    #[must_use]
    pub fn format(mut self, format: PushFormat) -> Self {
        self.format = format;
        self
    }

    /// The URL.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The account's appid.
    pub fn appid(&self) -> &str {
        &self.appid
    }

    /// The account's original id.
    pub fn original_id(&self) -> &str {
        &self.user_name
    }

    fn crypt(&self) -> Result<MsgCrypt, SandboxError> {
        MsgCrypt::new(&self.token, &self.encoding_aes_key, &self.appid)
            .map_err(SandboxError::Crypto)
    }
}

/// What a user sends the account: a message or an event.
#[derive(Debug, Clone, PartialEq)]
pub struct UserMessage {
    from: String,
    msg_type: String,
    fields: Vec<(String, Value)>,
    msg_id: bool,
    create_time: Option<i64>,
}

impl UserMessage {
    fn new(from: impl Into<String>, msg_type: &str, msg_id: bool) -> Self {
        UserMessage {
            from: from.into(),
            msg_type: msg_type.to_owned(),
            fields: Vec::new(),
            msg_id,
            create_time: None,
        }
    }

    /// A text message (`MsgType` `text`) from `openid`.
    pub fn text(openid: impl Into<String>, content: impl Into<String>) -> Self {
        Self::new(openid, "text", true).field("Content", content.into())
    }

    /// An event (`MsgType` `event`) named `event` (`subscribe`,
    /// `unsubscribe`, `user_enter_tempsession`…) from `openid`.
    pub fn event(openid: impl Into<String>, event: impl Into<String>) -> Self {
        Self::new(openid, "event", false).field("Event", event.into())
    }

    /// A menu click (`CLICK` event) on the button whose key is `key`.
    pub fn click(openid: impl Into<String>, key: impl Into<String>) -> Self {
        Self::event(openid, "CLICK").field("EventKey", key.into())
    }

    /// A message of any other `msg_type` (`image`, `miniprogrampage`…), with
    /// a `MsgId`; add its fields with [`field`](Self::field).
    pub fn message(openid: impl Into<String>, msg_type: impl Into<String>) -> Self {
        let mut message = Self::new(openid, "", true);
        message.msg_type = msg_type.into();
        message
    }

    /// Adds a field (a string, or a number: `json!(1)`).
    #[must_use]
    pub fn field(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.fields.push((name.into(), value.into()));
        self
    }

    /// Sets `CreateTime` (default: when it is pushed).
    #[must_use]
    pub fn create_time(mut self, unix_seconds: i64) -> Self {
        self.create_time = Some(unix_seconds);
        self
    }

    /// Who sends it (`FromUserName`).
    pub(crate) fn sender(&self) -> &str {
        &self.from
    }

    /// The document WeChat writes, to `to_user_name`, with `msg_id`.
    pub(crate) fn document(&self, to_user_name: &str, format: PushFormat, msg_id: u64) -> String {
        let time = self.create_time.unwrap_or_else(unix_now);
        match format {
            PushFormat::Xml => {
                let mut xml = String::from("<xml>");
                cdata(&mut xml, "ToUserName", to_user_name);
                cdata(&mut xml, "FromUserName", &self.from);
                xml.push_str(&format!("<CreateTime>{time}</CreateTime>"));
                cdata(&mut xml, "MsgType", &self.msg_type);
                for (name, value) in &self.fields {
                    match value {
                        Value::String(text) => cdata(&mut xml, name, text),
                        other => xml.push_str(&format!("<{name}>{other}</{name}>")),
                    }
                }
                if self.msg_id {
                    xml.push_str(&format!("<MsgId>{msg_id}</MsgId>"));
                }
                xml.push_str("</xml>");
                xml
            }
            PushFormat::Json => {
                let mut object = Map::new();
                object.insert("ToUserName".into(), json!(to_user_name));
                object.insert("FromUserName".into(), json!(self.from));
                object.insert("CreateTime".into(), json!(time));
                object.insert("MsgType".into(), json!(self.msg_type));
                for (name, value) in &self.fields {
                    object.insert(name.clone(), value.clone());
                }
                if self.msg_id {
                    object.insert("MsgId".into(), json!(msg_id));
                }
                Value::Object(object).to_string()
            }
        }
    }
}

/// The answer to a push — of an account's own URL
/// ([`Sandbox::push_to_account`]) or of a platform's message URL for an
/// authorizer ([`Sandbox::push_to_authorizer`]) — read as WeChat reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountReply {
    /// The HTTP status.
    pub status: u16,
    /// The `Content-Type`, if any.
    pub content_type: Option<String>,
    /// Whether the answer was an encrypted envelope (verified and opened).
    pub encrypted: bool,
    /// The answer's body, decrypted when it was encrypted: an XML or JSON
    /// reply, `success` or empty.
    pub body: String,
    /// The `MsgId` the push carried (for a repeat with
    /// [`Sandbox::repeat_push_to_account`] or
    /// [`Sandbox::repeat_push_to_authorizer`]).
    pub msg_id: u64,
}

impl AccountReply {
    /// Whether the account answered a reply message (not `success`, not
    /// empty).
    pub fn is_reply(&self) -> bool {
        let body = self.body.trim();
        (200..300).contains(&self.status) && !body.is_empty() && body != "success"
    }

    /// A field of the reply message (`MsgType`, `Content`, `ToUserName`…),
    /// from XML or JSON.
    pub fn field(&self, name: &str) -> Option<String> {
        let body = self.body.trim();
        if body.starts_with('{') {
            let value: Value = serde_json::from_str(body).ok()?;
            return match value.get(name)? {
                Value::String(text) => Some(text.clone()),
                other => Some(other.to_string()),
            };
        }
        fields(body).ok()?.remove(name)
    }

    /// The `Content` of a text reply.
    pub fn content(&self) -> Option<String> {
        self.field("Content")
    }
}

/// A fresh `MsgId`, as large as WeChat's.
pub(crate) fn new_msg_id() -> u64 {
    rand::rng().random_range(6_000_000_000_000_000_000..u64::MAX)
}

/// A random nonce, as WeChat's (9 or 10 digits).
fn nonce() -> String {
    rand::rng()
        .random_range(100_000_000u32..4_000_000_000)
        .to_string()
}

/// The URL with the query WeChat signs every push and check with.
fn signed_url(to: &AccountUrl, timestamp: &str, nonce: &str, extra: &[(&str, &str)]) -> Url {
    let mut url = to.url.clone();
    {
        let mut query = url.query_pairs_mut();
        query
            .append_pair("signature", &plain_signature(&to.token, timestamp, nonce))
            .append_pair("timestamp", timestamp)
            .append_pair("nonce", nonce);
        for (name, value) in extra {
            query.append_pair(name, value);
        }
    }
    url
}

/// The plaintext fields of a compatible-mode XML body: the document without
/// its closing tag.
fn open_document(document: &str) -> &str {
    document.strip_suffix("</xml>").unwrap_or(document)
}

impl Sandbox {
    /// The sandbox's official account (its appid, the Token and
    /// EncodingAESKey of its message settings) at its message URL `url`,
    /// in safe mode.
    pub fn official_account_url(&self, url: Url) -> AccountUrl {
        let config = self.config();
        AccountUrl::new(
            url,
            config.official_appid(),
            config.official_token(),
            config.official_aes_key(),
        )
    }

    /// WeChat's URL check (a GET with `echostr`, when the URL is saved on
    /// the settings page): passes when the URL answers `200` with the
    /// `echostr`.
    ///
    /// # Errors
    /// [`SandboxError::Push`] when it is unreachable or answers otherwise.
    pub async fn check_account_url(&self, to: &AccountUrl) -> Result<(), SandboxError> {
        let (timestamp, nonce) = (unix_now().to_string(), nonce());
        let echostr = format!("{}", rand::rng().random::<u64>());
        let url = signed_url(to, &timestamp, &nonce, &[("echostr", &echostr)]);
        let answer = self
            .shared
            .http
            .get(url)
            .send()
            .await
            .map_err(unreachable)?;
        let status = answer.status().as_u16();
        let body = answer.text().await.map_err(unreachable)?;
        if status == 200 && body == echostr {
            Ok(())
        } else {
            Err(SandboxError::Push(format!(
                "the URL check failed: HTTP {status} with a {}-byte body that is not the echostr",
                body.len()
            )))
        }
    }

    /// Pushes `message` to the account's URL in its mode and format, as
    /// WeChat does, and returns the answer, decrypted when it came
    /// encrypted (the reply envelope's signature checked first).
    ///
    /// # Errors
    /// [`SandboxError::Push`] when the URL is unreachable, or its answer is
    /// an envelope that does not verify or decrypt;
    /// [`SandboxError::Crypto`] for an invalid EncodingAESKey. An answer
    /// with an error status is returned, not an error.
    pub async fn push_to_account(
        &self,
        to: &AccountUrl,
        message: &UserMessage,
    ) -> Result<AccountReply, SandboxError> {
        self.repeat_push_to_account(to, message, new_msg_id()).await
    }

    /// Like [`push_to_account`](Self::push_to_account) with the `MsgId`
    /// `msg_id`: WeChat's retry of a push it got no answer to in 5 seconds
    /// (with a fresh nonce and signature, the same message).
    ///
    /// # Errors
    /// As [`push_to_account`](Self::push_to_account).
    pub async fn repeat_push_to_account(
        &self,
        to: &AccountUrl,
        message: &UserMessage,
        msg_id: u64,
    ) -> Result<AccountReply, SandboxError> {
        let crypt = to.crypt()?;
        let document = message.document(&to.user_name, to.format, msg_id);
        let (timestamp, nonce) = (unix_now().to_string(), nonce());
        let openid = [("openid", message.from.as_str())];
        let (url, body) = match to.mode {
            PushMode::Plain => (signed_url(to, &timestamp, &nonce, &openid), document),
            PushMode::Compatible | PushMode::Safe => {
                let encrypt = crypt.encrypt(&document).map_err(SandboxError::Crypto)?;
                let msg_signature = crypt.sign(&timestamp, &nonce, &encrypt);
                let query = [
                    openid[0],
                    ("encrypt_type", "aes"),
                    ("msg_signature", &msg_signature),
                ];
                let url = signed_url(to, &timestamp, &nonce, &query);
                let body = match (to.format, to.mode) {
                    (PushFormat::Json, _) => {
                        json!({"ToUserName": to.user_name, "Encrypt": encrypt}).to_string()
                    }
                    (PushFormat::Xml, PushMode::Compatible) => {
                        let mut xml = open_document(&document).to_owned();
                        cdata(&mut xml, "Encrypt", &encrypt);
                        xml.push_str("</xml>");
                        xml
                    }
                    (PushFormat::Xml, _) => {
                        let mut xml = String::from("<xml>");
                        cdata(&mut xml, "ToUserName", &to.user_name);
                        cdata(&mut xml, "Encrypt", &encrypt);
                        xml.push_str("</xml>");
                        xml
                    }
                };
                (url, body)
            }
        };
        let content_type = match to.format {
            PushFormat::Xml => "text/xml",
            PushFormat::Json => "application/json",
        };
        deliver(&self.shared.http, url, content_type, body, &crypt, msg_id).await
    }
}

/// Posts a push to the URL of an account or an authorizer and reads the
/// reply as WeChat does (an encrypted envelope checked and opened with
/// `crypt`).
pub(crate) async fn deliver(
    http: &reqwest::Client,
    url: Url,
    content_type: &str,
    body: String,
    crypt: &MsgCrypt,
    msg_id: u64,
) -> Result<AccountReply, SandboxError> {
    let answer = http
        .post(url)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .map_err(unreachable)?;
    let status = answer.status().as_u16();
    let content_type = answer
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let text = answer.text().await.map_err(unreachable)?;
    let (encrypted, body) = open_answer(crypt, &text)?;
    Ok(AccountReply {
        status,
        content_type,
        encrypted,
        body,
        msg_id,
    })
}

/// The answer's body, opened when it is an encrypted envelope.
pub(crate) fn open_answer(crypt: &MsgCrypt, text: &str) -> Result<(bool, String), SandboxError> {
    let trimmed = text.trim();
    if trimmed.starts_with('{') {
        let value: Value = serde_json::from_str(trimmed)
            .map_err(|_| SandboxError::Push("the JSON answer is malformed".to_owned()))?;
        let Some(encrypt) = value.get("Encrypt").and_then(Value::as_str) else {
            return Ok((false, text.to_owned()));
        };
        let get = |name: &str| {
            value
                .get(name)
                .and_then(|v| {
                    v.as_str()
                        .map(str::to_owned)
                        .or_else(|| Some(v.to_string()))
                })
                .ok_or_else(|| SandboxError::Push(format!("the JSON reply envelope has no {name}")))
        };
        let plaintext = crypt
            .decrypt_verified(
                &get("MsgSignature")?,
                &get("TimeStamp")?,
                &get("Nonce")?,
                encrypt,
            )
            .map_err(|e| SandboxError::Push(format!("the reply does not open: {e}")))?;
        return Ok((true, plaintext));
    }
    if trimmed.starts_with('<') {
        let envelope: HashMap<String, String> =
            fields(trimmed).map_err(|e| SandboxError::Push(format!("the answer is {e}")))?;
        if envelope.contains_key("Encrypt") {
            let get = |name: &str| envelope.get(name).map(String::as_str).unwrap_or_default();
            let plaintext = crypt
                .decrypt_verified(
                    get("MsgSignature"),
                    get("TimeStamp"),
                    get("Nonce"),
                    get("Encrypt"),
                )
                .map_err(|e| SandboxError::Push(format!("the reply does not open: {e}")))?;
            return Ok((true, plaintext));
        }
    }
    Ok((false, text.to_owned()))
}

fn unreachable(error: reqwest::Error) -> SandboxError {
    SandboxError::Push(format!(
        "could not reach the message URL: {}",
        error.without_url()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_read_by_the_sdk_in_both_formats() {
        let message = UserMessage::text("oUser", "hi ]]> there").create_time(1_700_000_000);
        let xml = message.document("gh_1", PushFormat::Xml, 42);
        let parsed = wechat_api::event::Message::from_xml(&xml).unwrap();
        assert_eq!(parsed.content(), Some("hi ]]> there"));
        assert_eq!(parsed.msg_id(), Some(42));
        let json = message.document("gh_1", PushFormat::Json, 43);
        let parsed = wechat_api::event::Message::from_json(&json).unwrap();
        assert_eq!(parsed.content(), Some("hi ]]> there"));
        assert_eq!(parsed.header().to_user_name, "gh_1");
        let click = UserMessage::click("oUser", "MENU_1").document("gh_1", PushFormat::Xml, 1);
        let parsed = wechat_api::event::Message::from_xml(&click).unwrap();
        assert_eq!(parsed.event_key(), Some("MENU_1"));
        assert_eq!(parsed.msg_id(), None);
    }

    #[test]
    fn the_original_id_comes_from_the_appid() {
        let url = Url::parse("http://127.0.0.1:1/wechat").unwrap();
        let to = AccountUrl::new(url, "wx00000000a0000001", "secret-token", "secret-key");
        assert_eq!(to.original_id(), "gh_0000a0000001");
        assert!(!format!("{to:?}").contains("secret"));
    }
}
