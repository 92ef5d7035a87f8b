//! Turning WeChat's answer into a typed response or a typed error.
//!
//! WeChat answers HTTP 200 with `{"errcode":40013,"errmsg":"invalid appid"}`
//! on failure, so `errcode` is checked before the body is decoded into the
//! endpoint's response type.

use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::error::{Error, Result};
use crate::redact;

/// The error fields every WeChat answer may carry.
#[derive(Deserialize)]
struct ErrorFields {
    #[serde(default)]
    errcode: i64,
    #[serde(default)]
    errmsg: String,
}

/// Decodes the answer of `endpoint`: non-2xx status → [`Error::Status`],
/// non-zero `errcode` → [`Error::Api`], anything not matching `R` →
/// [`Error::Decode`]. Never panics, whatever the bytes.
pub fn decode<R: DeserializeOwned>(endpoint: &'static str, status: u16, body: &[u8]) -> Result<R> {
    if !(200..300).contains(&status) {
        return Err(Error::Status {
            endpoint,
            status,
            snippet: redact::snippet(body),
        });
    }
    let decode_error = |e: serde_json::Error| Error::Decode {
        endpoint,
        reason: reason(&e),
        snippet: redact::snippet(body),
    };
    let fields: ErrorFields = serde_json::from_slice(body).map_err(decode_error)?;
    if fields.errcode != 0 {
        return Err(Error::Api {
            code: fields.errcode,
            message: fields.errmsg,
            endpoint,
        });
    }
    serde_json::from_slice(body).map_err(decode_error)
}

/// What the decoder complained about, without the offending value:
/// serde_json quotes values in type errors (`invalid type: string "…"`), and
/// such a value may be a token.
fn reason(e: &serde_json::Error) -> String {
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

    #[derive(Debug, Deserialize)]
    struct Token {
        access_token: String,
    }

    #[test]
    fn errcode_wins_over_decoding() {
        let e = decode::<Token>("t", 200, br#"{"errcode":40013,"errmsg":"invalid appid"}"#)
            .unwrap_err();
        assert!(
            matches!(e, Error::Api { code: 40013, ref message, endpoint: "t" } if message == "invalid appid")
        );
    }

    #[test]
    fn bad_bodies_are_typed_errors() {
        for body in [
            &b"<html>502</html>"[..],
            b"",
            br#"{"access_token":"abc"#,
            br#"[1,2]"#,
        ] {
            let e = decode::<Token>("t", 200, body).unwrap_err();
            assert!(matches!(e, Error::Decode { .. }), "{e:?}");
        }
        let e = decode::<Token>("t", 502, b"bad gateway").unwrap_err();
        assert!(matches!(e, Error::Status { status: 502, .. }));
        assert_eq!(
            decode::<Token>("t", 200, br#"{"access_token":"x","errcode":0}"#)
                .unwrap()
                .access_token,
            "x"
        );
    }

    #[test]
    fn type_errors_do_not_quote_the_value() {
        let e = decode::<Token>("t", 200, br#"{"access_token":12345678}"#).unwrap_err();
        let Error::Decode { reason, .. } = &e else {
            panic!("{e:?}")
        };
        assert!(!reason.contains("12345678"), "{reason}");
        #[derive(Debug, Deserialize)]
        struct Expiry {
            #[allow(dead_code)]
            expires_in: u32,
        }
        let e =
            decode::<Expiry>("t", 200, br#"{"expires_in":"SECRET_IN_WRONG_TYPE"}"#).unwrap_err();
        // the reason never quotes the value (the snippet shows the body,
        // with the values of secret-looking keys masked)
        let Error::Decode { reason, .. } = &e else {
            panic!("{e:?}")
        };
        assert!(!reason.contains("SECRET_IN_WRONG_TYPE"), "{reason}");
        assert!(reason.contains("does not have the type"), "{reason}");
        let e = decode::<Expiry>("t", 200, br#"{"other":1}"#).unwrap_err();
        assert!(e.to_string().contains("missing field `expires_in`"), "{e}");
    }

    #[test]
    fn decode_errors_do_not_quote_tokens() {
        let e =
            decode::<Token>("t", 200, br#"{"authorizer_access_token":"SECRET","x":"#).unwrap_err();
        assert!(!format!("{e} {e:?}").contains("SECRET"));
    }
}
