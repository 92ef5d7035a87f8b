//! The fields of a decrypted push, as text borrowed from the XML.
//!
//! One pass over the document collects every field any typed event needs;
//! the typed constructors then pick and convert what they need. Other
//! elements are skipped. If an element is repeated, the last one wins.

use std::borrow::Cow;

use crate::xml::{FieldSink, scan_fields};
use crate::{Error, Result};

/// Declares the known elements: the [`Field`] enum and its names.
macro_rules! fields {
    ($($field:ident => $name:literal),* $(,)?) => {
        /// A known element of a push.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub(crate) enum Field {
            $(
                #[doc = concat!("`", $name, "`")]
                $field,
            )*
        }

        impl Field {
            /// How many fields there are.
            const COUNT: usize = [$(Field::$field),*].len();

            /// The field an element name is, if known.
            fn from_name(name: &str) -> Option<Self> {
                match name {
                    $($name => Some(Field::$field),)*
                    _ => None,
                }
            }

            /// The element name, for error messages.
            pub(crate) fn name(self) -> &'static str {
                match self {
                    $(Field::$field => $name,)*
                }
            }
        }
    };
}

fields! {
    // component pushes
    AppId => "AppId",
    CreateTime => "CreateTime",
    InfoType => "InfoType",
    ComponentVerifyTicket => "ComponentVerifyTicket",
    AuthorizerAppid => "AuthorizerAppid",
    AuthorizationCode => "AuthorizationCode",
    AuthorizationCodeExpiredTime => "AuthorizationCodeExpiredTime",
    PreAuthCode => "PreAuthCode",
    // official-account messages
    ToUserName => "ToUserName",
    FromUserName => "FromUserName",
    MsgType => "MsgType",
    Event => "Event",
    Content => "Content",
    MsgId => "MsgId",
    EventKey => "EventKey",
    Ticket => "Ticket",
    Latitude => "Latitude",
    Longitude => "Longitude",
    Precision => "Precision",
    // message types
    PicUrl => "PicUrl",
    MediaId => "MediaId",
    Format => "Format",
    Recognition => "Recognition",
    ThumbMediaId => "ThumbMediaId",
    LocationX => "Location_X",
    LocationY => "Location_Y",
    Scale => "Scale",
    Label => "Label",
    Title => "Title",
    Description => "Description",
    Url => "Url",
    FileKey => "FileKey",
    FileMd5 => "FileMd5",
    FileTotalLen => "FileTotalLen",
    PagePath => "PagePath",
    ThumbUrl => "ThumbUrl",
    // events
    MenuId => "MenuId",
    JobMsgId => "MsgID",
    Status => "Status",
    TotalCount => "TotalCount",
    FilterCount => "FilterCount",
    SentCount => "SentCount",
    ErrorCount => "ErrorCount",
    SuccTime => "SuccTime",
    FailTime => "FailTime",
    DelayTime => "DelayTime",
    Reason => "Reason",
    ScreenShot => "ScreenShot",
    // fast registration (component push, lower-case names)
    RegisteredAppid => "appid",
    RegisterStatus => "status",
    AuthCode => "auth_code",
    RegisterMsg => "msg",
}

/// Text of the known fields of a push, indexed by [`Field`] (an array, so
/// storing a field is an index, not a jump table).
pub(crate) struct RawFields<'a> {
    values: [Option<Cow<'a, str>>; Field::COUNT],
}

impl Default for RawFields<'_> {
    fn default() -> Self {
        Self {
            values: [const { None }; Field::COUNT],
        }
    }
}

impl<'a> FieldSink<'a> for RawFields<'a> {
    type Key = Field;

    fn classify(name: &str) -> Option<Field> {
        Field::from_name(name)
    }

    fn set(&mut self, key: Field, value: Cow<'a, str>) -> Result<()> {
        if let Some(slot) = self.values.get_mut(key as usize) {
            *slot = Some(value);
        }
        Ok(())
    }
}

impl<'a> RawFields<'a> {
    /// Collects the known fields of `xml` into this (fresh) value, in place:
    /// the array is too big to move around for nothing.
    pub(crate) fn fill(&mut self, xml: &'a str) -> Result<()> {
        scan_fields(xml, self)
    }

    /// Collects the known top-level fields of a JSON push (mini programs
    /// may send JSON): strings as they are, numbers and booleans as text;
    /// objects and arrays are left to the element tree.
    pub(crate) fn fill_json(&mut self, object: &'a serde_json::Map<String, serde_json::Value>) {
        use serde_json::Value;
        for (name, value) in object {
            let Some(field) = Field::from_name(name) else {
                continue;
            };
            let text = match value {
                Value::String(s) => Cow::Borrowed(s.as_str()),
                Value::Number(n) => Cow::Owned(n.to_string()),
                Value::Bool(b) => Cow::Owned(b.to_string()),
                Value::Null | Value::Array(_) | Value::Object(_) => continue,
            };
            if let Some(slot) = self.values.get_mut(field as usize) {
                *slot = Some(text);
            }
        }
    }

    /// The text of a field, `None` when absent.
    pub(crate) fn get(&self, field: Field) -> Option<&str> {
        self.values.get(field as usize)?.as_deref()
    }

    /// A required text field, owned, or an error naming the element.
    ///
    /// `kind` names the push in errors: a literal, never text from the
    /// push (errors end up in logs).
    pub(crate) fn required(&self, field: Field, kind: &'static str) -> Result<String> {
        self.get(field)
            .map(str::to_owned)
            .ok_or_else(|| missing(field, kind))
    }

    /// An optional text field, owned.
    pub(crate) fn optional(&self, field: Field) -> Option<String> {
        self.get(field).map(str::to_owned)
    }

    /// A required numeric field.
    pub(crate) fn required_number<T: std::str::FromStr>(
        &self,
        field: Field,
        kind: &'static str,
    ) -> Result<T> {
        let text = self.get(field).ok_or_else(|| missing(field, kind))?;
        number(text, field, kind)
    }

    /// An optional numeric field (absent or empty is `None`).
    pub(crate) fn optional_number<T: std::str::FromStr>(
        &self,
        field: Field,
        kind: &'static str,
    ) -> Result<Option<T>> {
        match self.get(field) {
            None | Some("") => Ok(None),
            Some(text) => number(text, field, kind).map(Some),
        }
    }
}

fn missing(field: Field, kind: &'static str) -> Error {
    Error::InvalidXml(format!("{kind} without <{}>", field.name()))
}

/// Parses a numeric field. The error gives the length of the text, not the
/// text: it comes from the sender and ends up in logs.
fn number<T: std::str::FromStr>(text: &str, field: Field, kind: &'static str) -> Result<T> {
    text.trim().parse().map_err(|_| {
        Error::InvalidXml(format!(
            "{kind}: <{}> is not a number ({} bytes of text)",
            field.name(),
            text.len()
        ))
    })
}
