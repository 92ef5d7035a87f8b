//! Messages and events pushed to an official account's message URL (or to a
//! third-party platform on behalf of its authorizers), told apart by their
//! `MsgType`.
//!
//! Text messages and events are typed; every other message type (image,
//! voice, video, location, link…) keeps its common header and raw XML.

use serde::Serialize;

use super::raw::{Field, RawFields};
use crate::{Error, Result};

/// The fields every official-account message carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct MessageHeader {
    /// `ToUserName`: the official account's original id (`gh_…`).
    pub to_user_name: String,
    /// `FromUserName`: the sender's OpenID.
    pub from_user_name: String,
    /// `CreateTime`: Unix seconds.
    pub create_time: i64,
    /// `MsgType`: `text`, `image`, `event`…
    pub msg_type: String,
    /// `Event`: the event name, for `MsgType` `event` (`subscribe`,
    /// `unsubscribe`, `SCAN`, `LOCATION`, `CLICK`, `VIEW`…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
}

/// A decrypted official-account message, by `MsgType`.
///
/// Serializes with a `kind` tag (`text`, `event` or `other`) and the header
/// fields flattened next to the message's own, all snake_case.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Message {
    /// `MsgType` `text`.
    Text(TextMessage),
    /// `MsgType` `event`.
    Event(EventMessage),
    /// Any other `MsgType`, kept raw.
    Other(OtherMessage),
}

/// A text message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct TextMessage {
    /// The common fields.
    #[serde(flatten)]
    pub header: MessageHeader,
    /// `Content`: the text, exactly as sent when it is in CDATA.
    pub content: String,
    /// `MsgId`: use it to drop WeChat's retries of the same message.
    pub msg_id: u64,
}

/// An event (`MsgType` `event`). The fields of the common events are typed;
/// [`raw`](Self::raw) keeps the whole XML for the others.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct EventMessage {
    /// The common fields; `header.event` holds the event name.
    #[serde(flatten)]
    pub header: MessageHeader,
    /// `EventKey`: the menu key, URL or QR scene (`qrscene_…` on subscribe).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_key: Option<String>,
    /// `Ticket`: the QR code ticket, for scans of parametric QR codes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    /// `Latitude`, for `LOCATION` events.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    /// `Longitude`, for `LOCATION` events.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
    /// `Precision`, for `LOCATION` events.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub precision: Option<f64>,
    /// The whole decrypted XML (not serialized).
    #[serde(skip)]
    pub raw: String,
}

/// A message of a type without its own struct.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct OtherMessage {
    /// The common fields.
    #[serde(flatten)]
    pub header: MessageHeader,
    /// The whole decrypted XML.
    pub raw: String,
}

/// The well-known event names, from [`EventMessage::kind`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EventKind {
    /// `subscribe` (possibly through a parametric QR code).
    Subscribe,
    /// `unsubscribe`.
    Unsubscribe,
    /// `SCAN`: an existing follower scanned a parametric QR code.
    Scan,
    /// `LOCATION`: location report.
    Location,
    /// `CLICK`: click on a menu button.
    Click,
    /// `VIEW`: click on a menu link.
    View,
    /// Anything else: see [`MessageHeader::event`].
    Other,
}

impl EventMessage {
    /// The event name (`Event`), empty if absent.
    pub fn event(&self) -> &str {
        self.header.event.as_deref().unwrap_or_default()
    }

    /// The event name as an [`EventKind`] (compared case-insensitively, as
    /// WeChat is not consistent about case).
    pub fn kind(&self) -> EventKind {
        let event = self.event();
        [
            ("subscribe", EventKind::Subscribe),
            ("unsubscribe", EventKind::Unsubscribe),
            ("scan", EventKind::Scan),
            ("location", EventKind::Location),
            ("click", EventKind::Click),
            ("view", EventKind::View),
        ]
        .into_iter()
        .find_map(|(name, kind)| event.eq_ignore_ascii_case(name).then_some(kind))
        .unwrap_or(EventKind::Other)
    }
}

impl Message {
    /// Parses a decrypted official-account message. CDATA and plain text
    /// are both accepted.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidXml`] if the XML is malformed, lacks a header field
    /// (`ToUserName`, `FromUserName`, `CreateTime`, `MsgType`), or a text
    /// message lacks `Content` or `MsgId`.
    pub fn from_xml(xml: &str) -> Result<Self> {
        let mut raw = RawFields::default();
        raw.fill(xml)?;
        Self::from_raw(&raw, xml)?.ok_or_else(|| {
            Error::InvalidXml("no <MsgType>: this is not an official-account message".to_owned())
        })
    }

    /// The typed message, `None` if there is no `MsgType`.
    pub(crate) fn from_raw(raw: &RawFields<'_>, xml: &str) -> Result<Option<Self>> {
        let Some(msg_type) = raw.get(Field::MsgType) else {
            return Ok(None);
        };
        let kind = "message";
        let header = MessageHeader {
            to_user_name: raw.required(Field::ToUserName, kind)?,
            from_user_name: raw.required(Field::FromUserName, kind)?,
            create_time: raw.required_number(Field::CreateTime, kind)?,
            msg_type: msg_type.to_owned(),
            event: raw.optional(Field::Event),
        };
        let message = match msg_type {
            "text" => Self::Text(TextMessage {
                header,
                content: raw.required(Field::Content, "text message")?,
                msg_id: raw.required_number(Field::MsgId, "text message")?,
            }),
            "event" => Self::Event(EventMessage {
                header,
                event_key: raw.optional(Field::EventKey),
                ticket: raw.optional(Field::Ticket),
                latitude: raw.optional_number(Field::Latitude, "event")?,
                longitude: raw.optional_number(Field::Longitude, "event")?,
                precision: raw.optional_number(Field::Precision, "event")?,
                raw: xml.to_owned(),
            }),
            _ => Self::Other(OtherMessage {
                header,
                raw: xml.to_owned(),
            }),
        };
        Ok(Some(message))
    }

    /// The common fields.
    pub fn header(&self) -> &MessageHeader {
        match self {
            Self::Text(m) => &m.header,
            Self::Event(m) => &m.header,
            Self::Other(m) => &m.header,
        }
    }
}
