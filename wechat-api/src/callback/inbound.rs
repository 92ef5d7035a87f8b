//! From an HTTP request to a verified plaintext document: which mode the
//! request is in (plain or safe), signature and timestamp checks, decryption,
//! and the GET `echostr` handshake. The mix-ups users hit most often get
//! their own [`Rejection`]s instead of a bare "invalid signature".

use std::time::Duration;

use secrecy::ExposeSecret as _;
use serde::Deserialize;

use super::http::Query;
use super::rejection::Rejection;
use crate::crypto::{Envelope, MsgCrypt};
use crate::{Client, Config, Error, Result};

/// The message crypto of the third-party platform configured in `client`
/// (its token, EncodingAESKey and component appid: WeChat encrypts the
/// pushes to the component events URL and the messages of every authorizer
/// with them), rejecting timestamps further than `replay_window` from now.
///
/// # Errors
///
/// [`Error::Config`] when one of the three is missing or the key is not a
/// valid EncodingAESKey.
pub(crate) fn component_crypt(client: &Client, replay_window: Duration) -> Result<MsgCrypt> {
    let config = client.config();
    let appid = Config::require(config.component_appid(), "component_appid")?;
    let token = Config::require(
        config.component_token().map(|t| t.expose_secret()),
        "component_token",
    )?;
    let key = Config::require(
        config
            .component_encoding_aes_key()
            .map(|k| k.expose_secret()),
        "component_encoding_aes_key",
    )?;
    MsgCrypt::builder(token, key, appid)
        .max_timestamp_age(replay_window)
        .build()
}

/// How the request's body is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Plain mode: `signature` over (token, timestamp, nonce); the body is
    /// the message itself.
    Plain,
    /// Safe mode: `msg_signature` over the `Encrypt` text too; the body is
    /// an envelope. Replies are encrypted.
    Safe,
}

/// What the document is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Xml,
    /// Mini programs may be configured to push JSON.
    Json,
}

/// A verified push: its plaintext document and how it came.
pub(crate) struct Inbound {
    /// The plaintext document (XML, or JSON from a mini program).
    pub(crate) document: String,
    pub(crate) mode: Mode,
    /// The request body's format, which the reply follows.
    pub(crate) format: Format,
    pub(crate) timestamp: String,
    pub(crate) nonce: String,
    /// The signature that was checked (`msg_signature` in safe mode,
    /// `signature` in plain mode), for replay detection.
    pub(crate) signature: String,
}

/// The JSON envelope of an encrypted JSON push.
#[derive(Deserialize)]
struct JsonEnvelope {
    #[serde(rename = "Encrypt")]
    encrypt: String,
}

/// The body as text, refusing empty and non-UTF-8 bodies.
fn body_text(body: &[u8]) -> Result<&str> {
    let text = std::str::from_utf8(body).map_err(|_| Error::Callback(Rejection::BodyNotUtf8))?;
    if text.trim().is_empty() {
        return Err(Error::Callback(Rejection::EmptyBody));
    }
    Ok(text)
}

/// The format of a document: JSON if it starts with `{`.
pub(crate) fn format_of(text: &str) -> Format {
    if text.trim_start().starts_with('{') {
        Format::Json
    } else {
        Format::Xml
    }
}

/// Whether the request is in safe mode.
fn is_safe(query: &Query) -> Result<bool> {
    match query.encrypt_type.as_deref() {
        Some(t) if t.eq_ignore_ascii_case("aes") => Ok(true),
        Some(t) if t.is_empty() || t.eq_ignore_ascii_case("raw") => {
            Ok(query.msg_signature.is_some())
        }
        Some(_) => Err(Error::Callback(Rejection::UnsupportedEncryptType)),
        None => Ok(query.msg_signature.is_some()),
    }
}

/// The `Encrypt` text of an envelope.
fn encrypt_text(text: &str, format: Format) -> Result<String> {
    match format {
        Format::Xml => Ok(Envelope::parse(text)?.encrypt.into_owned()),
        Format::Json => serde_json::from_str::<JsonEnvelope>(text)
            .map(|envelope| envelope.encrypt)
            .map_err(|_| {
                Error::InvalidXml("the JSON envelope has no \"Encrypt\" string".to_owned())
            }),
    }
}

/// Whether a plain-mode body is in fact an encrypted envelope.
fn looks_encrypted(text: &str, format: Format) -> bool {
    match format {
        Format::Xml => Envelope::parse(text).is_ok(),
        Format::Json => serde_json::from_str::<JsonEnvelope>(text).is_ok(),
    }
}

/// Checks the `msg_signature` of a safe-mode request, naming the usual
/// mix-up: the plain-mode `signature` passed as `msg_signature`.
fn verify_msg_signature(
    crypt: &MsgCrypt,
    msg_signature: &str,
    timestamp: &str,
    nonce: &str,
    encrypt: &str,
) -> Result<()> {
    match crypt.verify_signature(msg_signature, timestamp, nonce, encrypt) {
        Err(Error::InvalidSignature)
            if crypt
                .verify_plain_signature(msg_signature, timestamp, nonce)
                .is_ok() =>
        {
            Err(Error::Callback(Rejection::PlainSignatureAsMsgSignature))
        }
        other => other,
    }
}

/// Verifies (and in safe mode decrypts) a POSTed push.
pub(crate) fn open(crypt: &MsgCrypt, query: &Query, body: &[u8]) -> Result<Inbound> {
    let safe = is_safe(query)?;
    let text = body_text(body)?;
    let format = format_of(text);
    if safe {
        let msg_signature = match &query.msg_signature {
            Some(signature) => signature.as_str(),
            None if query.signature.is_some() => {
                return Err(Error::Callback(Rejection::MsgSignatureMissing));
            }
            None => {
                return Err(Error::Callback(Rejection::MissingParameter(
                    "msg_signature",
                )));
            }
        };
        let timestamp = Query::required(&query.timestamp, "timestamp")?;
        let nonce = Query::required(&query.nonce, "nonce")?;
        let encrypt = encrypt_text(text, format)?;
        verify_msg_signature(crypt, msg_signature, timestamp, nonce, &encrypt)?;
        crypt.check_timestamp(timestamp)?;
        let document = crypt.decrypt(&encrypt)?;
        Ok(Inbound {
            document,
            mode: Mode::Safe,
            format,
            timestamp: timestamp.to_owned(),
            nonce: nonce.to_owned(),
            signature: msg_signature.to_owned(),
        })
    } else {
        let signature = Query::required(&query.signature, "signature")?;
        let timestamp = Query::required(&query.timestamp, "timestamp")?;
        let nonce = Query::required(&query.nonce, "nonce")?;
        crypt.verify_plain_signature(signature, timestamp, nonce)?;
        if looks_encrypted(text, format) {
            return Err(Error::Callback(Rejection::EncryptedBodyInPlainMode));
        }
        Ok(Inbound {
            document: text.to_owned(),
            mode: Mode::Plain,
            format,
            timestamp: timestamp.to_owned(),
            nonce: nonce.to_owned(),
            signature: signature.to_owned(),
        })
    }
}

/// Whether the raw `query` string carries a valid plain-mode `signature`
/// (over the token, `timestamp` and `nonce`) whose timestamp is within the
/// replay window of `crypt`.
///
/// WeChat sends `signature` with every callback request, in safe mode next
/// to `msg_signature`. Checking it costs a SHA-1 over a few dozen bytes and
/// needs no body: a request that passes comes from WeChat, from someone
/// holding the token, or replays within the window a query WeChat sent
/// (its body is still verified against `msg_signature`).
pub(crate) fn query_is_signed(crypt: &MsgCrypt, query: &str) -> bool {
    let query = Query::parse(query);
    match (&query.signature, &query.timestamp, &query.nonce) {
        (Some(signature), Some(timestamp), Some(nonce)) => crypt
            .verify_plain_signature(signature, timestamp, nonce)
            .is_ok(),
        _ => false,
    }
}

/// The GET handshake: checks the signature and returns what to answer.
/// With `msg_signature` the `echostr` is encrypted (and is decrypted);
/// without, `signature` is checked and `echostr` answered as is.
pub(crate) fn handshake(crypt: &MsgCrypt, query: &Query) -> Result<String> {
    let echostr = Query::required(&query.echostr, "echostr")?;
    let timestamp = Query::required(&query.timestamp, "timestamp")?;
    let nonce = Query::required(&query.nonce, "nonce")?;
    match &query.msg_signature {
        Some(msg_signature) => {
            verify_msg_signature(crypt, msg_signature, timestamp, nonce, echostr)?;
            crypt.check_timestamp(timestamp)?;
            crypt.decrypt(echostr)
        }
        None => {
            let signature = Query::required(&query.signature, "signature")?;
            crypt
                .verify_url_plain(signature, timestamp, nonce, echostr)
                .map(str::to_owned)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::plain_signature;

    const TOKEN: &str = "token";
    const KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

    fn crypt() -> MsgCrypt {
        MsgCrypt::builder(TOKEN, KEY, "wx00000000c0000001")
            .max_timestamp_age(Duration::from_secs(300))
            .build()
            .unwrap()
    }

    fn query(signature: &str, timestamp: &str) -> String {
        format!(
            "signature={signature}&timestamp={timestamp}&nonce=42&openid=o1\
             &encrypt_type=aes&msg_signature=whatever"
        )
    }

    #[test]
    fn a_query_is_signed_by_a_valid_signature_within_the_window() {
        let crypt = crypt();
        let now = crate::clock::unix_seconds().to_string();
        let signature = plain_signature(TOKEN, &now, "42");
        assert!(query_is_signed(&crypt, &query(&signature, &now)));
        // Another token's signature, a signature for another nonce.
        let forged = plain_signature("other", &now, "42");
        assert!(!query_is_signed(&crypt, &query(&forged, &now)));
        let other_nonce = plain_signature(TOKEN, &now, "43");
        assert!(!query_is_signed(&crypt, &query(&other_nonce, &now)));
        // A signature WeChat made an hour ago: out of the replay window.
        let old = (crate::clock::unix_seconds() - 3600).to_string();
        let stale = plain_signature(TOKEN, &old, "42");
        assert!(!query_is_signed(&crypt, &query(&stale, &old)));
        // Missing parameters.
        assert!(!query_is_signed(&crypt, ""));
        assert!(!query_is_signed(
            &crypt,
            &format!("signature={signature}&timestamp={now}")
        ));
        assert!(!query_is_signed(
            &crypt,
            "msg_signature=x&timestamp=1&nonce=2"
        ));
    }
}
