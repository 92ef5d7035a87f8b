//! Pushes to an authorizer's message URL (消息与事件接收URL), as WeChat
//! does for every authorizer of a third-party platform: the URL the
//! platform configured, with its `$APPID$` placeholder replaced by the
//! authorizer's appid; the message encrypted with the platform's
//! EncodingAESKey and signed with its token.
//!
//! ```text
//! POST {message url}?signature=..&timestamp=..&nonce=..&openid=..&encrypt_type=aes&msg_signature=..
//! <xml><ToUserName><![CDATA[gh_…]]></ToUserName><Encrypt><![CDATA[…]]></Encrypt></xml>
//! ```
//!
//! A platform's message URL has no mode to choose: WeChat always encrypts
//! what it pushes to an authorizer (safe mode, XML), for official accounts
//! and mini programs alike, and reads an encrypted reply (the platform's
//! `MsgSignature` checked, then decrypted).
//!
//! Tests push any message or event with [`Sandbox::push_to_authorizer`]
//! (the messages of [`UserMessage`], the answer an [`AccountReply`], as for
//! an account's own URL); the release test sends its test messages this
//! way; the code review's `weapp_audit_success` and `weapp_audit_fail`
//! events go out the same way ([`Shared::push_message`]).

use rand::Rng as _;
use url::Url;
use wechat_api::crypto::MsgCrypt;

use crate::account_push::{AccountReply, PushFormat, UserMessage, deliver, new_msg_id};
use crate::push::{cdata, unix_now};
use crate::{Sandbox, SandboxError, Shared};

/// Where WeChat's own events to an authorizer come from (`FromUserName`).
const SYSTEM_OPENID: &str = "oSandboxSystem00000000000000";

/// The message URL of `appid`: `template` with `$APPID$` replaced.
///
/// # Errors
/// [`SandboxError::Config`] when `template` has no `$APPID$` or is not an
/// absolute http(s) URL.
pub(crate) fn message_url(template: &str, appid: &str) -> Result<Url, SandboxError> {
    if !template.contains("$APPID$") {
        return Err(SandboxError::Config(
            "the message URL has no $APPID$ placeholder".to_owned(),
        ));
    }
    match Url::parse(&template.replace("$APPID$", appid)) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => Ok(url),
        _ => Err(SandboxError::Config(
            "the message URL is not an absolute http(s) URL".to_owned(),
        )),
    }
}

/// A sealed request: the URL with its signed query, and the body.
pub(crate) struct Sealed {
    pub(crate) url: Url,
    pub(crate) body: String,
}

/// Encrypts and signs `plaintext` for the authorizer `to_user_name`, to
/// `message_url`, from `openid`.
pub(crate) fn seal(
    crypt: &MsgCrypt,
    token: &str,
    message_url: &Url,
    to_user_name: &str,
    openid: &str,
    plaintext: &str,
) -> Result<Sealed, wechat_api::Error> {
    let timestamp = unix_now().to_string();
    let nonce = rand::rng()
        .random_range(100_000_000u32..1_000_000_000)
        .to_string();
    let encrypt = crypt.encrypt(plaintext)?;
    let msg_signature = crypt.sign(&timestamp, &nonce, &encrypt);
    let signature = wechat_api::crypto::plain_signature(token, &timestamp, &nonce);
    let mut url = message_url.clone();
    url.query_pairs_mut()
        .append_pair("signature", &signature)
        .append_pair("timestamp", &timestamp)
        .append_pair("nonce", &nonce)
        .append_pair("openid", openid)
        .append_pair("encrypt_type", "aes")
        .append_pair("msg_signature", &msg_signature);
    let mut body = String::from("<xml>");
    cdata(&mut body, "ToUserName", to_user_name);
    cdata(&mut body, "Encrypt", &encrypt);
    body.push_str("</xml>");
    Ok(Sealed { url, body })
}

/// An event WeChat sends an authorizer itself (not from a user).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SystemEvent {
    /// `weapp_audit_success`.
    AuditSuccess,
    /// `weapp_audit_fail`.
    AuditFail { reason: String },
}

impl SystemEvent {
    /// The `Event` name.
    pub(crate) fn name(&self) -> &'static str {
        match self {
            SystemEvent::AuditSuccess => "weapp_audit_success",
            SystemEvent::AuditFail { .. } => "weapp_audit_fail",
        }
    }

    /// The plaintext XML, as WeChat writes it, sent to `to_user_name` at
    /// `time`.
    pub(crate) fn to_xml(&self, to_user_name: &str, time: i64) -> String {
        let mut xml = String::from("<xml>");
        cdata(&mut xml, "ToUserName", to_user_name);
        cdata(&mut xml, "FromUserName", SYSTEM_OPENID);
        xml.push_str(&format!("<CreateTime>{time}</CreateTime>"));
        cdata(&mut xml, "MsgType", "event");
        cdata(&mut xml, "Event", self.name());
        match self {
            SystemEvent::AuditSuccess => xml.push_str(&format!("<SuccTime>{time}</SuccTime>")),
            SystemEvent::AuditFail { reason } => {
                cdata(&mut xml, "Reason", reason);
                xml.push_str(&format!("<FailTime>{time}</FailTime>"));
                cdata(&mut xml, "ScreenShot", "");
            }
        }
        xml.push_str("</xml>");
        xml
    }
}

impl Shared {
    /// The original id (`gh_…`) of the account `appid`: a configured
    /// merchant's, a release-test account's, else the appid.
    fn user_name_of(&self, appid: &str) -> String {
        self.config
            .merchant(appid)
            .map(|m| m.user_name.clone())
            .or_else(|| {
                crate::release_test::TEST_ACCOUNTS
                    .iter()
                    .find(|a| a.appid == appid)
                    .map(|a| a.user_name.to_owned())
            })
            .unwrap_or_else(|| appid.to_owned())
    }

    /// Pushes `event` to the message URL of the authorizer `appid`. It is
    /// delivered when the URL answers 2xx with an empty body, `success` or
    /// an XML reply.
    ///
    /// # Errors
    /// [`SandboxError::NoMessageUrl`] without a message URL;
    /// [`SandboxError::Push`] when the URL is unreachable or answers
    /// otherwise.
    pub(crate) async fn push_message(
        &self,
        appid: &str,
        event: &SystemEvent,
    ) -> Result<(), SandboxError> {
        let template = self.message_url().ok_or(SandboxError::NoMessageUrl)?;
        let url = message_url(&template, appid)?;
        let user_name = self.user_name_of(appid);
        let time = self.world().event_time(appid, unix_now());
        let plaintext = event.to_xml(&user_name, time);
        let sealed = seal(
            &self.crypt,
            &self.config.component_token,
            &url,
            &user_name,
            SYSTEM_OPENID,
            &plaintext,
        )
        .map_err(SandboxError::Crypto)?;
        let answer = self
            .http
            .post(sealed.url)
            .header("content-type", "text/xml")
            .body(sealed.body)
            .send()
            .await
            .map_err(|e| {
                SandboxError::Push(format!(
                    "could not reach the message URL: {}",
                    e.without_url()
                ))
            })?;
        let status = answer.status();
        let text = answer.text().await.map_err(|e| {
            SandboxError::Push(format!(
                "could not read the message URL's answer: {}",
                e.without_url()
            ))
        })?;
        let body = text.trim();
        if !status.is_success()
            || !(body.is_empty() || body == "success" || body.starts_with("<xml"))
        {
            return Err(SandboxError::Push(format!(
                "the message URL answered HTTP {} with a {}-byte body that is neither empty, `success` nor XML",
                status.as_u16(),
                text.len()
            )));
        }
        tracing::debug!(event = event.name(), "event pushed to the message URL");
        Ok(())
    }
}

impl Sandbox {
    /// Pushes `message` (from a user, or an event) to the authorizer
    /// `appid` at the platform's message URL ([`Sandbox::set_message_url`],
    /// `$APPID$` replaced), as WeChat does: in safe mode — the only mode
    /// of a third-party platform — encrypted with the component's
    /// EncodingAESKey and signed with its token, `ToUserName` the
    /// authorizer's original id. Returns the answer, decrypted when it came
    /// encrypted (the reply envelope's `MsgSignature` checked first, as
    /// WeChat does); [`AccountReply::encrypted`] says whether it was, as
    /// safe mode expects of a reply message.
    ///
    /// ```no_run
    /// # async fn demo(sandbox: wechat_sandbox::Sandbox) -> Result<(), wechat_sandbox::SandboxError> {
    /// use wechat_sandbox::{DEFAULT_MERCHANT_APPID, DEFAULT_OPENID, UserMessage};
    ///
    /// sandbox.set_message_url("http://127.0.0.1:8080/wechat/$APPID$/callback")?;
    /// let hi = UserMessage::text(DEFAULT_OPENID, "hi");
    /// let reply = sandbox.push_to_authorizer(DEFAULT_MERCHANT_APPID, &hi).await?;
    /// // what the platform's handler answered, decrypted
    /// assert!(reply.encrypted);
    /// println!("{:?}", reply.content());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`SandboxError::NoMessageUrl`] without a message URL;
    /// [`SandboxError::NotAuthorized`] when `appid` has not authorized the
    /// component; [`SandboxError::Push`] when the URL is unreachable, or
    /// its answer is an envelope that does not verify or decrypt. An
    /// answer with an error status is returned, not an error.
    pub async fn push_to_authorizer(
        &self,
        appid: &str,
        message: &UserMessage,
    ) -> Result<AccountReply, SandboxError> {
        self.repeat_push_to_authorizer(appid, message, new_msg_id())
            .await
    }

    /// Like [`push_to_authorizer`](Self::push_to_authorizer) with the
    /// `MsgId` `msg_id`: WeChat's retry of a push it got no answer to in 5
    /// seconds (a fresh nonce and signature, the same message).
    ///
    /// # Errors
    /// As [`push_to_authorizer`](Self::push_to_authorizer).
    pub async fn repeat_push_to_authorizer(
        &self,
        appid: &str,
        message: &UserMessage,
        msg_id: u64,
    ) -> Result<AccountReply, SandboxError> {
        let shared = &self.shared;
        let template = shared.message_url().ok_or(SandboxError::NoMessageUrl)?;
        if !self.is_authorized(appid) {
            return Err(SandboxError::NotAuthorized(appid.to_owned()));
        }
        let url = message_url(&template, appid)?;
        let user_name = shared.user_name_of(appid);
        let document = message.document(&user_name, PushFormat::Xml, msg_id);
        let sealed = seal(
            &shared.crypt,
            &shared.config.component_token,
            &url,
            &user_name,
            message.sender(),
            &document,
        )
        .map_err(SandboxError::Crypto)?;
        deliver(
            &shared.http,
            sealed.url,
            "text/xml",
            sealed.body,
            &shared.crypt,
            msg_id,
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wechat_api::event::{Event, Message};

    #[test]
    fn the_message_url_needs_the_placeholder() {
        let url = message_url("https://p.example/$APPID$/callback", "wx1").unwrap();
        assert_eq!(url.as_str(), "https://p.example/wx1/callback");
        assert!(message_url("https://p.example/callback", "wx1").is_err());
        assert!(message_url("/$APPID$/callback", "wx1").is_err());
    }

    #[test]
    fn audit_events_are_read_by_the_sdk() {
        let xml = SystemEvent::AuditSuccess.to_xml("gh_1", 1_700_000_000);
        let message = Message::from_xml(&xml).unwrap();
        assert_eq!(message.event(), Some("weapp_audit_success"));
        assert_eq!(message.header().to_user_name, "gh_1");
        let xml = SystemEvent::AuditFail {
            reason: "1:<br>bad]]>".into(),
        }
        .to_xml("gh_1", 7);
        let message = Message::from_xml(&xml).unwrap();
        match message {
            Message::Event(event) => match event.detail {
                Event::WeappAuditFail(fail) => {
                    assert_eq!(fail.reason, "1:<br>bad]]>");
                    assert_eq!(fail.fail_time, 7);
                    assert!(fail.screen_shots.is_empty());
                }
                other => panic!("{other:?}"),
            },
            other => panic!("{other:?}"),
        }
    }
}
