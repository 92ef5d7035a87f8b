//! The fields of a decrypted push, as text borrowed from the XML.
//!
//! One pass over the document collects every field any typed event needs;
//! the typed constructors then pick and convert what they need. Other
//! elements are skipped. If an element is repeated, the last one wins.

use std::borrow::Cow;

use crate::crypto::xml::{FieldSink, scan_fields};
use crate::{Error, Result};

macro_rules! raw_fields {
    ($($field:ident => $name:literal),* $(,)?) => {
        /// Text of the known fields of a push, `None` when absent.
        #[derive(Default)]
        #[allow(non_snake_case)]
        pub(crate) struct RawFields<'a> {
            $(pub(crate) $field: Option<Cow<'a, str>>,)*
        }

        #[derive(Clone, Copy)]
        #[allow(non_camel_case_types)]
        pub(crate) enum FieldName {
            $($field,)*
        }

        impl<'a> FieldSink<'a> for RawFields<'a> {
            type Key = FieldName;

            fn classify(name: &str) -> Option<FieldName> {
                match name {
                    $($name => Some(FieldName::$field),)*
                    _ => None,
                }
            }

            fn set(&mut self, key: FieldName, value: Cow<'a, str>) -> Result<()> {
                match key {
                    $(FieldName::$field => self.$field = Some(value),)*
                }
                Ok(())
            }
        }

        impl<'a> RawFields<'a> {
            /// Collects the known fields of `xml`.
            pub(crate) fn parse(xml: &'a str) -> Result<Self> {
                scan_fields(xml)
            }
        }
    };
}

raw_fields! {
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
}

/// A required text field: owned, or an error naming the element.
pub(crate) fn required(value: &Option<Cow<'_, str>>, element: &str, kind: &str) -> Result<String> {
    value
        .as_deref()
        .map(str::to_owned)
        .ok_or_else(|| Error::InvalidXml(format!("{kind} without <{element}>")))
}

/// A required numeric field.
pub(crate) fn required_number<T: std::str::FromStr>(
    value: &Option<Cow<'_, str>>,
    element: &str,
    kind: &str,
) -> Result<T> {
    let text = value
        .as_deref()
        .ok_or_else(|| Error::InvalidXml(format!("{kind} without <{element}>")))?;
    number(text, element, kind)
}

/// An optional numeric field (absent or empty is `None`).
pub(crate) fn optional_number<T: std::str::FromStr>(
    value: &Option<Cow<'_, str>>,
    element: &str,
    kind: &str,
) -> Result<Option<T>> {
    match value.as_deref() {
        None | Some("") => Ok(None),
        Some(text) => number(text, element, kind).map(Some),
    }
}

fn number<T: std::str::FromStr>(text: &str, element: &str, kind: &str) -> Result<T> {
    text.trim().parse().map_err(|_| {
        Error::InvalidXml(format!(
            "{kind}: <{element}> is not a number: {:?}",
            text.chars().take(32).collect::<String>()
        ))
    })
}
