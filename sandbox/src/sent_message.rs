//! [`SentMessage`]: a customer-service message the sandbox accepted
//! (`message/custom/send`), as tests and the release test read it back.

use std::fmt;

use serde_json::Value;

/// A customer-service message sent through `message/custom/send` (official
/// accounts and mini programs share the path), with the token it was sent
/// with. `Debug` does not show the token.
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub struct SentMessage {
    /// The account the token acts for (an authorizer's appid, or the
    /// official account's).
    pub appid: Option<String>,
    /// The access token the message was sent with.
    pub access_token: String,
    /// The recipient's openid (`touser`).
    pub touser: String,
    /// `msgtype`.
    pub msgtype: String,
    /// The whole request body.
    pub body: Value,
}

impl SentMessage {
    /// The object named after the message type (`text`, `news`…).
    pub fn content(&self) -> Option<&Value> {
        self.body.get(&self.msgtype)
    }

    /// `text.content`, for a text message.
    pub fn text(&self) -> Option<&str> {
        self.content()?.get("content")?.as_str()
    }
}

impl fmt::Debug for SentMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SentMessage")
            .field("appid", &self.appid)
            .field("touser", &self.touser)
            .field("msgtype", &self.msgtype)
            .field("body", &self.body)
            .finish_non_exhaustive()
    }
}
