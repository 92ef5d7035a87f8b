//! The XML envelopes around an encrypted payload, and the high-level entry
//! points [`MsgCrypt::decrypt_push`] and [`MsgCrypt::encrypt_reply`].
//!
//! An encrypted push is POSTed as
//!
//! ```xml
//! <xml><ToUserName><![CDATA[gh_…]]></ToUserName><Encrypt><![CDATA[…]]></Encrypt></xml>
//! ```
//!
//! (pushes to a third-party platform carry `AppId` instead of `ToUserName`),
//! with `msg_signature`, `timestamp` and `nonce` in the query string. A
//! passive reply is sent back as
//!
//! ```xml
//! <xml><Encrypt><![CDATA[…]]></Encrypt><MsgSignature><![CDATA[…]]></MsgSignature><TimeStamp>…</TimeStamp><Nonce>…</Nonce></xml>
//! ```
//!
//! [`Envelope::parse`] reads both forms.

use std::borrow::Cow;

use super::msg_crypt::MsgCrypt;
use crate::xml::{FieldSink, scan_fields};
use crate::{Error, Result};

/// A parsed encryption envelope: the `Encrypt` payload and whatever
/// addressing and signing elements came with it. Text is borrowed from the
/// input whenever possible.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Envelope<'a> {
    /// `ToUserName`: the official account's original id (`gh_…`), in pushes
    /// to an official account.
    pub to_user_name: Option<Cow<'a, str>>,
    /// `AppId`: the component AppId, in pushes to a third-party platform.
    pub app_id: Option<Cow<'a, str>>,
    /// `Encrypt`: the base64 ciphertext.
    pub encrypt: Cow<'a, str>,
    /// `MsgSignature`, in reply envelopes.
    pub msg_signature: Option<Cow<'a, str>>,
    /// `TimeStamp`, in reply envelopes.
    pub timestamp: Option<Cow<'a, str>>,
    /// `Nonce`, in reply envelopes.
    pub nonce: Option<Cow<'a, str>>,
}

/// The envelope's elements, as the scanner finds them.
#[derive(Default)]
pub(crate) struct Fields<'a> {
    to_user_name: Option<Cow<'a, str>>,
    app_id: Option<Cow<'a, str>>,
    encrypt: Option<Cow<'a, str>>,
    msg_signature: Option<Cow<'a, str>>,
    timestamp: Option<Cow<'a, str>>,
    nonce: Option<Cow<'a, str>>,
}

#[derive(Clone, Copy)]
pub(crate) enum Field {
    ToUserName,
    AppId,
    Encrypt,
    MsgSignature,
    TimeStamp,
    Nonce,
}

impl<'a> FieldSink<'a> for Fields<'a> {
    type Key = Field;

    fn classify(name: &str) -> Option<Field> {
        match name {
            "Encrypt" => Some(Field::Encrypt),
            "ToUserName" => Some(Field::ToUserName),
            "AppId" => Some(Field::AppId),
            "MsgSignature" => Some(Field::MsgSignature),
            "TimeStamp" => Some(Field::TimeStamp),
            "Nonce" => Some(Field::Nonce),
            _ => None,
        }
    }

    fn set(&mut self, key: Field, value: Cow<'a, str>) -> Result<()> {
        let slot = match key {
            Field::Encrypt => &mut self.encrypt,
            Field::ToUserName => &mut self.to_user_name,
            Field::AppId => &mut self.app_id,
            Field::MsgSignature => &mut self.msg_signature,
            Field::TimeStamp => &mut self.timestamp,
            Field::Nonce => &mut self.nonce,
        };
        if slot.replace(value).is_some() && matches!(key, Field::Encrypt) {
            return Err(Error::InvalidXml(
                "the envelope has more than one <Encrypt> element".to_owned(),
            ));
        }
        Ok(())
    }
}

impl<'a> Envelope<'a> {
    /// Parses an envelope. Other elements (some senders repeat the plaintext
    /// fields next to `Encrypt`) are ignored; CDATA and plain text are both
    /// accepted.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidXml`] if the XML is malformed, has no `Encrypt`
    /// element, or has more than one.
    pub fn parse(xml: &'a str) -> Result<Self> {
        let mut fields = Fields::default();
        scan_fields(xml, &mut fields)?;
        let encrypt = fields.encrypt.ok_or_else(|| {
            Error::InvalidXml(
                "the envelope has no <Encrypt> element (is the callback in plain mode?)".to_owned(),
            )
        })?;
        Ok(Self {
            to_user_name: fields.to_user_name,
            app_id: fields.app_id,
            encrypt,
            msg_signature: fields.msg_signature,
            timestamp: fields.timestamp,
            nonce: fields.nonce,
        })
    }

    /// Who the envelope is addressed to: `ToUserName`, or else `AppId`.
    pub fn receiver(&self) -> Option<&str> {
        self.to_user_name.as_deref().or(self.app_id.as_deref())
    }
}

/// Builds a reply envelope from an `Encrypt` text and its signature.
///
/// `Encrypt` and `MsgSignature` go in CDATA sections (base64 and hex cannot
/// close one); the timestamp and nonce, which come from the request, are
/// written as XML-escaped text, so any value round-trips.
pub fn reply_envelope(encrypt: &str, msg_signature: &str, timestamp: &str, nonce: &str) -> String {
    let timestamp = quick_xml::escape::escape(timestamp);
    let nonce = quick_xml::escape::escape(nonce);
    // base64 and hex never contain `]]>`; a caller's odd input must not end
    // the CDATA section early
    let encrypt = cdata_safe(encrypt);
    let msg_signature = cdata_safe(msg_signature);
    let mut xml = String::with_capacity(
        encrypt.len() + msg_signature.len() + timestamp.len() + nonce.len() + 140,
    );
    for piece in [
        "<xml><Encrypt><![CDATA[",
        &encrypt,
        "]]></Encrypt><MsgSignature><![CDATA[",
        &msg_signature,
        "]]></MsgSignature><TimeStamp>",
        &timestamp,
        "</TimeStamp><Nonce>",
        &nonce,
        "</Nonce></xml>",
    ] {
        xml.push_str(piece);
    }
    xml
}

/// Text that cannot close a CDATA section: `]]>` is split across two sections.
fn cdata_safe(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains("]]>") {
        std::borrow::Cow::Owned(text.replace("]]>", "]]]]><![CDATA[>"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

impl MsgCrypt {
    /// Handles an encrypted push: parses the envelope, checks the
    /// `msg_signature` over its `Encrypt` text in constant time, applies the
    /// replay protection if configured, decrypts, and returns the plaintext
    /// XML (parse it with [`crate::event`]).
    ///
    /// `msg_signature`, `timestamp` and `nonce` are the query parameters of
    /// the callback request; `body_xml` is its body.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidXml`] (bad envelope), [`Error::InvalidSignature`],
    /// [`Error::TimestampOutOfRange`], then the errors of
    /// [`MsgCrypt::decrypt`].
    pub fn decrypt_push(
        &self,
        msg_signature: &str,
        timestamp: &str,
        nonce: &str,
        body_xml: &str,
    ) -> Result<String> {
        let envelope = Envelope::parse(body_xml)?;
        self.decrypt_verified(msg_signature, timestamp, nonce, &envelope.encrypt)
    }

    /// Encrypts a passive reply (plaintext XML) and wraps it, signed, in the
    /// reply envelope. `timestamp` and `nonce` are usually those of the
    /// request being answered.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidLength`] if the reply is 4 GiB or longer.
    pub fn encrypt_reply(&self, plaintext: &str, timestamp: &str, nonce: &str) -> Result<String> {
        let encrypt = self.encrypt(plaintext)?;
        let signature = self.sign(timestamp, nonce, &encrypt);
        Ok(reply_envelope(&encrypt, &signature, timestamp, nonce))
    }
}

#[cfg(test)]
mod cdata_tests {
    use super::*;

    #[test]
    fn a_cdata_terminator_in_the_input_does_not_break_the_envelope() {
        let xml = reply_envelope("abc]]><Evil/>", "sig]]>", "1", "2");
        let envelope = Envelope::parse(&xml).unwrap();
        assert_eq!(envelope.encrypt, "abc]]><Evil/>");
        assert_eq!(envelope.msg_signature.as_deref(), Some("sig]]>"));
    }
}
