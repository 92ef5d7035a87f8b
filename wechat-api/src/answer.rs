//! What WeChat answered, checked: [`Answer`] is handed out only for a 2xx
//! answer without a non-zero `errcode`, and turns into the endpoint's
//! response type ([`Answer::json`]) or a file ([`Answer::media`]).
//!
//! WeChat answers HTTP 200 with `{"errcode":40013,"errmsg":"invalid appid"}`
//! on failure, sometimes with the code as a string (`"errcode":"40013"`),
//! sometimes labelled `text/plain`; media endpoints answer their errors as
//! JSON too.

use std::fmt;

use bytes::Bytes;
use reqwest::header::HeaderValue;
use serde::Deserialize;
use serde::de::{self, DeserializeOwned, Deserializer, Visitor};

use crate::error::{Error, Result};
use crate::media::{Media, MediaOr, disposition_filename};
use crate::redact;
use crate::transport::Exchange;

/// The checked answer of a call; see [`send`](crate::transport::send).
pub struct Answer {
    pub(crate) received: Received,
    pub(crate) exchange: Exchange,
}

/// What came back over HTTP.
pub(crate) struct Received {
    pub(crate) status: u16,
    pub(crate) content_type: Option<HeaderValue>,
    pub(crate) disposition: Option<HeaderValue>,
    pub(crate) body: Bytes,
    /// Whether the body is a JSON object (its `errcode` was checked).
    pub(crate) json: bool,
}

impl Received {
    /// The `Content-Type`, if it is text.
    pub(crate) fn content_type(&self) -> Option<&str> {
        text(self.content_type.as_ref())
    }
}

fn text(header: Option<&HeaderValue>) -> Option<&str> {
    header.and_then(|value| value.to_str().ok())
}

impl Answer {
    /// The JSON answer decoded as `R`.
    ///
    /// # Errors
    /// [`Error::Decode`] (with a redacted snippet of the body) when the body
    /// is not JSON matching `R`.
    pub fn json<R: DeserializeOwned>(self) -> Result<R> {
        self.decode()
    }

    /// The JSON answer decoded as `R`, keeping the answer (to read a part of
    /// it first, as the hooks do with the tokens an answer carries).
    ///
    /// # Errors
    /// [`Error::Decode`] as for [`json`](Self::json).
    pub fn decode<R: DeserializeOwned>(&self) -> Result<R> {
        serde_json::from_slice(&self.received.body).map_err(|e| self.decode_error(&e))
    }

    /// The JSON body this call sent, decoded as `R` (a hook reads the few
    /// request fields it stores from the wire form, so it needs no
    /// generated request type).
    ///
    /// # Errors
    /// [`Error::Encode`] when the call sent no JSON body, or one that does
    /// not match `R`.
    pub fn decode_sent<R: DeserializeOwned>(&self) -> Result<R> {
        let failed = |reason: String| Error::Encode {
            endpoint: self.exchange.name().clone(),
            reason,
        };
        let sent = self
            .exchange
            .sent_json()
            .ok_or_else(|| failed("the call sent no JSON body".to_owned()))?;
        serde_json::from_slice(sent).map_err(|e| failed(reason(&e)))
    }

    /// The answer as a file.
    ///
    /// # Errors
    /// None today: a JSON error answer was already turned into
    /// [`Error::Api`] by `send`. A JSON answer without an error is handed
    /// out as a file of type `application/json`.
    pub fn media(self) -> Result<Media> {
        Ok(self.into_media())
    }

    /// The answer as a file, or, when WeChat answered JSON, decoded as `R`.
    ///
    /// # Errors
    /// [`Error::Decode`] when the JSON does not match `R`.
    pub fn media_or_json<R: DeserializeOwned>(self) -> Result<MediaOr<R>> {
        if self.received.json {
            self.json().map(MediaOr::Json)
        } else {
            Ok(MediaOr::Media(self.into_media()))
        }
    }

    fn into_media(self) -> Media {
        let Received {
            content_type,
            disposition,
            body,
            ..
        } = self.received;
        Media {
            content_type: text(content_type.as_ref())
                .unwrap_or("application/octet-stream")
                .to_owned(),
            filename: text(disposition.as_ref()).and_then(disposition_filename),
            bytes: body,
        }
    }

    fn decode_error(&self, e: &serde_json::Error) -> Error {
        Error::Decode {
            endpoint: self.exchange.name().clone(),
            reason: reason(e),
            snippet: redact::snippet(&self.received.body, &self.exchange.secrets()),
        }
    }
}

impl fmt::Debug for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Answer")
            .field("endpoint", self.exchange.name())
            .field("status", &self.received.status)
            .field("content_type", &self.received.content_type)
            .field("len", &self.received.body.len())
            .finish_non_exhaustive()
    }
}

/// The `errcode` and `errmsg` of a JSON answer, if `errcode` is non-zero.
///
/// # Errors
/// Why `body` cannot be checked (without quoting it): it is not a JSON
/// object, or its `errcode` is neither a number nor a numeric string.
pub(crate) fn api_error(body: &[u8]) -> std::result::Result<Option<(i64, String)>, String> {
    #[derive(Deserialize)]
    struct ErrorFields {
        #[serde(default)]
        errcode: Option<Code>,
        #[serde(default)]
        errmsg: Option<serde_json::Value>,
    }
    // serde would read `[code, message]` as the struct too
    if !body.trim_ascii_start().starts_with(b"{") {
        return Err("the answer is not a JSON object".to_owned());
    }
    let fields: ErrorFields = serde_json::from_slice(body).map_err(|e| reason(&e))?;
    Ok(match fields.errcode {
        Some(Code(code)) if code != 0 => {
            let message = match fields.errmsg {
                Some(serde_json::Value::String(message)) => message,
                Some(serde_json::Value::Null) | None => String::new(),
                Some(other) => other.to_string(),
            };
            Some((code, message))
        }
        _ => None,
    })
}

/// An `errcode`: a number, or a string holding one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Code(i64);

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct CodeVisitor;
        impl Visitor<'_> for CodeVisitor {
            type Value = Code;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an errcode (a number or a numeric string)")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<Code, E> {
                Ok(Code(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<Code, E> {
                i64::try_from(v)
                    .map(Code)
                    .map_err(|_| E::custom("errcode out of range"))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<Code, E> {
                if v.fract() == 0.0 && v.abs() < 9.0e15 {
                    Ok(Code(v as i64))
                } else {
                    Err(E::custom("errcode is not an integer"))
                }
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Code, E> {
                match v.trim() {
                    "" => Ok(Code(0)),
                    digits => digits
                        .parse()
                        .map(Code)
                        .map_err(|_| E::custom("errcode is a string without a number")),
                }
            }
        }
        deserializer.deserialize_any(CodeVisitor)
    }
}

/// Whether an answer is JSON: by its content type, or, when that is
/// missing or says neither JSON nor a picture, audio or video, by its body
/// starting with `{`.
pub(crate) fn looks_like_json(content_type: Option<&str>, body: &[u8]) -> bool {
    match content_type.and_then(|ct| ct.parse::<mime::Mime>().ok()) {
        Some(m) if declares_json(&m) => true,
        Some(m) if matches!(m.type_(), mime::IMAGE | mime::AUDIO | mime::VIDEO) => false,
        _ => body.trim_ascii_start().starts_with(b"{"),
    }
}

/// Whether the content type says JSON (`application/json`, `text/json`,
/// `application/problem+json`...).
pub(crate) fn content_type_is_json(content_type: Option<&str>) -> bool {
    content_type
        .and_then(|ct| ct.parse::<mime::Mime>().ok())
        .is_some_and(|m| declares_json(&m))
}

fn declares_json(m: &mime::Mime) -> bool {
    m.subtype() == mime::JSON || m.suffix() == Some(mime::JSON)
}

/// What the decoder complained about, without the offending value:
/// serde_json quotes values in type errors (`invalid type: string "…"`), and
/// such a value may be a token.
pub(crate) fn reason(e: &serde_json::Error) -> String {
    let message = e.to_string();
    let keeps_no_value =
        message.starts_with("missing field") || message.starts_with("duplicate field");
    match e.classify() {
        serde_json::error::Category::Data if !keeps_no_value => format!(
            "a value does not have the type the spec gives it (line {}, column {})",
            e.line(),
            e.column()
        ),
        _ => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errcode_as_number_or_string() {
        type Case<'a> = (&'a [u8], Option<(i64, &'a str)>);
        let cases: [Case; 9] = [
            (
                br#"{"errcode":40013,"errmsg":"invalid appid"}"#,
                Some((40013, "invalid appid")),
            ),
            (
                br#"{"errcode":"40029","errmsg":"invalid code"}"#,
                Some((40029, "invalid code")),
            ),
            (br#"{"errcode":" 45009 "}"#, Some((45009, ""))),
            (br#"{"errcode":40001.0,"errmsg":null}"#, Some((40001, ""))),
            (
                br#"{"errcode":-1,"errmsg":{"x":1}}"#,
                Some((-1, r#"{"x":1}"#)),
            ),
            (br#"{"errcode":0,"errmsg":"ok","ticket":"t"}"#, None),
            (br#"{"errcode":"0"}"#, None),
            (br#"{"errcode":null,"access_token":"x"}"#, None),
            (br#"{"access_token":"x"}"#, None),
        ];
        for (body, expected) in cases {
            let got = api_error(body).expect("parses");
            assert_eq!(
                got.as_ref().map(|(c, m)| (*c, m.as_str())),
                expected,
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }

    #[test]
    fn bad_error_fields_are_errors() {
        for body in [
            &b"<html>502</html>"[..],
            b"",
            br#"{"access_token":"abc"#,
            b"[1,2]",
            br#"{"errcode":"forty"}"#,
            br#"{"errcode":1.5}"#,
            br#"{"errcode":true}"#,
        ] {
            assert!(
                api_error(body).is_err(),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }

    #[test]
    fn json_is_recognised_by_content_type_or_first_byte() {
        assert!(looks_like_json(
            Some("application/json; charset=utf-8"),
            b"x"
        ));
        assert!(looks_like_json(Some("text/plain"), b"  {\"errcode\":1}"));
        assert!(looks_like_json(None, b"{}"));
        assert!(looks_like_json(Some("application/octet-stream"), b"{}"));
        assert!(!looks_like_json(Some("image/jpeg"), b"{}"));
        assert!(!looks_like_json(None, b"\xff\xd8\xff"));
        assert!(!looks_like_json(Some("text/plain"), b"[1]"));
        assert!(content_type_is_json(Some("application/problem+json")));
        assert!(!content_type_is_json(Some("text/plain")));
    }

    #[test]
    fn type_errors_do_not_quote_the_value() {
        #[derive(Debug, Deserialize)]
        struct Expiry {
            #[allow(dead_code)]
            expires_in: u32,
        }
        let e = serde_json::from_slice::<Expiry>(br#"{"expires_in":"SECRET_IN_WRONG_TYPE"}"#)
            .expect_err("a string is not a number");
        let r = reason(&e);
        assert!(!r.contains("SECRET_IN_WRONG_TYPE") && r.contains("does not have the type"));
        let e = serde_json::from_slice::<Expiry>(br#"{"other":1}"#).expect_err("missing");
        assert!(reason(&e).contains("missing field `expires_in`"));
    }
}
