//! The release test on the wire, as WeChat does it: a user's text message
//! to an authorizer (sealed and POSTed to the platform's message URL by
//! [`crate::message_push`]); and the platform's encrypted passive reply,
//! verified, decrypted and read.

use std::collections::HashMap;

use quick_xml::events::Event as XmlEvent;
use rand::Rng as _;
use wechat_api::crypto::MsgCrypt;

use crate::push::{cdata, unix_now};

/// A text message from `from_openid` to the account `to_user_name`, as
/// plaintext XML.
pub(crate) fn text_message(to_user_name: &str, from_openid: &str, content: &str) -> String {
    let mut xml = String::from("<xml>");
    cdata(&mut xml, "ToUserName", to_user_name);
    cdata(&mut xml, "FromUserName", from_openid);
    xml.push_str(&format!("<CreateTime>{}</CreateTime>", unix_now()));
    cdata(&mut xml, "MsgType", "text");
    cdata(&mut xml, "Content", content);
    let msg_id: u64 = rand::rng().random_range(6_000_000_000_000_000_000..u64::MAX);
    xml.push_str(&format!("<MsgId>{msg_id}</MsgId></xml>"));
    xml
}

/// A random openid, shaped like WeChat's (28 characters).
pub(crate) fn random_openid() -> String {
    format!("o{}", crate::world::random_string(27))
}

/// The fields directly under the root element of an XML document (text and
/// CDATA joined). Errors name what is wrong, never quote the document.
pub(crate) fn fields(xml: &str) -> Result<HashMap<String, String>, String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut fields = HashMap::new();
    let mut depth = 0usize;
    let mut current: Option<(String, String)> = None;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("not well-formed XML ({e})"))?;
        match event {
            XmlEvent::Start(start) => {
                depth += 1;
                if depth == 2 {
                    current = Some((start.name().as_ref().to_owned(), String::new()));
                }
            }
            XmlEvent::End(_) => {
                if depth == 2
                    && let Some((name, value)) = current.take()
                {
                    fields.insert(name, value);
                }
                depth = depth.saturating_sub(1);
            }
            XmlEvent::Text(text) if depth == 2 => {
                if let Some((_, value)) = &mut current {
                    value.push_str(&text.xml10_content());
                }
            }
            XmlEvent::CData(data) if depth == 2 => {
                if let Some((_, value)) = &mut current {
                    value.push_str(&data.xml10_content());
                }
            }
            XmlEvent::GeneralRef(reference) if depth == 2 => {
                let ch = match reference.resolve_char_ref() {
                    Ok(Some(ch)) => ch,
                    _ => match reference.as_ref() {
                        "lt" => '<',
                        "gt" => '>',
                        "amp" => '&',
                        "apos" => '\'',
                        "quot" => '"',
                        _ => return Err("an unknown entity".to_owned()),
                    },
                };
                if let Some((_, value)) = &mut current {
                    value.push(ch);
                }
            }
            XmlEvent::Eof => break,
            _ => {}
        }
    }
    if depth != 0 {
        return Err("the XML is cut off".to_owned());
    }
    Ok(fields)
}

/// An encrypted passive reply, opened as WeChat opens it: the envelope's
/// `MsgSignature` checked over its `TimeStamp`, `Nonce` and `Encrypt`, the
/// `Encrypt` text decrypted (for the platform's component appid), and the
/// reply's fields read.
pub(crate) fn open_reply(crypt: &MsgCrypt, body: &str) -> Result<HashMap<String, String>, String> {
    let envelope = fields(body).map_err(|e| format!("the reply envelope is {e}"))?;
    let get = |name: &str| {
        envelope
            .get(name)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| format!("the reply envelope has no {name} (is the reply encrypted?)"))
    };
    let (encrypt, signature, timestamp, nonce) = (
        get("Encrypt")?,
        get("MsgSignature")?,
        get("TimeStamp")?,
        get("Nonce")?,
    );
    let plaintext = crypt
        .decrypt_verified(signature, timestamp, nonce, encrypt)
        .map_err(|e| format!("the reply does not open: {e}"))?;
    fields(&plaintext).map_err(|e| format!("the decrypted reply is {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message_push::seal;
    use url::Url;

    #[test]
    fn fields_are_read_from_text_and_cdata() {
        let xml =
            "<xml><A><![CDATA[x]]]]><![CDATA[>y]]></A><B>1 &amp; 2</B><C><D>nested</D></C></xml>";
        let fields = fields(xml).unwrap();
        assert_eq!(fields["A"], "x]]>y");
        assert_eq!(fields["B"], "1 & 2");
        assert!(!fields.contains_key("D"));
        assert!(super::fields("<xml><A>").is_err());
    }

    #[test]
    fn a_sealed_message_opens_with_the_sdk() {
        let crypt = MsgCrypt::new(
            "token",
            "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
            "wxcomponent",
        )
        .unwrap();
        let url = Url::parse("http://127.0.0.1:9/wx570bc396a51b8ff8/callback").unwrap();
        let plaintext = text_message("gh_3c884a361561", "oUser", "TESTCOMPONENT_MSG_TYPE_TEXT");
        let sealed = seal(
            &crypt,
            "token",
            &url,
            "gh_3c884a361561",
            "oUser",
            &plaintext,
        )
        .unwrap();
        let query: HashMap<String, String> = sealed.url.query_pairs().into_owned().collect();
        let opened = crypt
            .decrypt_push(
                &query["msg_signature"],
                &query["timestamp"],
                &query["nonce"],
                &sealed.body,
            )
            .unwrap();
        assert_eq!(opened, plaintext);
        let fields = fields(&opened).unwrap();
        assert_eq!(fields["Content"], "TESTCOMPONENT_MSG_TYPE_TEXT");
        assert_eq!(fields["FromUserName"], "oUser");
        // A reply encrypted by the SDK opens here.
        let reply = crypt
            .encrypt_reply("<xml><Content><![CDATA[ok]]></Content></xml>", "1", "2")
            .unwrap();
        assert_eq!(open_reply(&crypt, &reply).unwrap()["Content"], "ok");
        assert!(open_reply(&crypt, "<xml><Content>plain</Content></xml>").is_err());
    }
}
