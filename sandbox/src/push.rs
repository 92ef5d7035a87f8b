//! Pushes to the platform's authorization-event URL, encrypted and signed
//! exactly as WeChat does it:
//!
//! ```text
//! POST {callback_url}?signature=..&timestamp=..&nonce=..&encrypt_type=aes&msg_signature=..
//! <xml><AppId><![CDATA[{component_appid}]]></AppId><Encrypt><![CDATA[...]]></Encrypt></xml>
//! ```
//!
//! The `Encrypt` payload is the event's XML encrypted with the component's
//! EncodingAESKey and the component appid as receive id; `msg_signature`
//! signs it with the component's message token. A push counts as delivered
//! when the callback answers 2xx with the body `success`.

use std::time::{SystemTime, UNIX_EPOCH};

use rand::Rng as _;

use crate::{SandboxError, Shared};

/// An event the sandbox pushes.
#[derive(Debug, Clone)]
pub(crate) enum Event {
    /// `component_verify_ticket`.
    VerifyTicket { ticket: String },
    /// `authorized` or `updateauthorized`.
    Authorized {
        update: bool,
        authorizer_appid: String,
        authorization_code: String,
        expired_time: i64,
        pre_auth_code: String,
    },
    /// `unauthorized`.
    Unauthorized { authorizer_appid: String },
}

/// Unix seconds now.
pub(crate) fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// `<Name><![CDATA[value]]></Name>`, splitting any `]]>` in the value.
pub(crate) fn cdata(xml: &mut String, name: &str, value: &str) {
    xml.push('<');
    xml.push_str(name);
    xml.push_str("><![CDATA[");
    xml.push_str(&value.replace("]]>", "]]]]><![CDATA[>"));
    xml.push_str("]]></");
    xml.push_str(name);
    xml.push('>');
}

impl Event {
    /// The `InfoType`.
    pub(crate) fn info_type(&self) -> &'static str {
        match self {
            Event::VerifyTicket { .. } => "component_verify_ticket",
            Event::Authorized { update: false, .. } => "authorized",
            Event::Authorized { update: true, .. } => "updateauthorized",
            Event::Unauthorized { .. } => "unauthorized",
        }
    }

    /// The plaintext XML, as WeChat writes it.
    pub(crate) fn to_xml(&self, component_appid: &str, create_time: i64) -> String {
        let mut xml = String::from("<xml>");
        cdata(&mut xml, "AppId", component_appid);
        xml.push_str(&format!("<CreateTime>{create_time}</CreateTime>"));
        cdata(&mut xml, "InfoType", self.info_type());
        match self {
            Event::VerifyTicket { ticket } => cdata(&mut xml, "ComponentVerifyTicket", ticket),
            Event::Authorized {
                authorizer_appid,
                authorization_code,
                expired_time,
                pre_auth_code,
                ..
            } => {
                cdata(&mut xml, "AuthorizerAppid", authorizer_appid);
                cdata(&mut xml, "AuthorizationCode", authorization_code);
                xml.push_str(&format!(
                    "<AuthorizationCodeExpiredTime>{expired_time}</AuthorizationCodeExpiredTime>"
                ));
                cdata(&mut xml, "PreAuthCode", pre_auth_code);
            }
            Event::Unauthorized { authorizer_appid } => {
                cdata(&mut xml, "AuthorizerAppid", authorizer_appid);
            }
        }
        xml.push_str("</xml>");
        xml
    }
}

impl Shared {
    /// Encrypts, signs and POSTs `event` to the callback URL.
    pub(crate) async fn push(&self, event: &Event) -> Result<(), SandboxError> {
        let mut url = self.callback_url().ok_or(SandboxError::NoCallbackUrl)?;
        let config = &self.config;
        let timestamp = unix_now().to_string();
        let nonce = rand::rng()
            .random_range(100_000_000u32..1_000_000_000)
            .to_string();
        let plaintext = event.to_xml(&config.component_appid, unix_now());
        let encrypt = self
            .crypt
            .encrypt(&plaintext)
            .map_err(SandboxError::Crypto)?;
        let msg_signature = self.crypt.sign(&timestamp, &nonce, &encrypt);
        let signature =
            wechat_api::crypto::plain_signature(&config.component_token, &timestamp, &nonce);
        url.query_pairs_mut()
            .append_pair("signature", &signature)
            .append_pair("timestamp", &timestamp)
            .append_pair("nonce", &nonce)
            .append_pair("encrypt_type", "aes")
            .append_pair("msg_signature", &msg_signature);
        let mut body = String::from("<xml>");
        cdata(&mut body, "AppId", &config.component_appid);
        cdata(&mut body, "Encrypt", &encrypt);
        body.push_str("</xml>");
        let answer = self
            .http
            .post(url)
            .header("content-type", "text/xml")
            .body(body)
            .send()
            .await
            .map_err(|e| {
                SandboxError::Push(format!("could not reach the callback: {}", e.without_url()))
            })?;
        let status = answer.status();
        let text = answer.text().await.map_err(|e| {
            SandboxError::Push(format!(
                "could not read the callback's answer: {}",
                e.without_url()
            ))
        })?;
        if !status.is_success() || text.trim() != "success" {
            let snippet: String = text.chars().take(200).collect();
            return Err(SandboxError::Push(format!(
                "the callback answered HTTP {} `{}` instead of `success`",
                status.as_u16(),
                snippet.trim()
            )));
        }
        tracing::debug!(kind = event.info_type(), "event pushed");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wechat_api::event::ComponentEvent;

    #[test]
    fn events_are_written_as_wechat_writes_them() {
        let xml = Event::VerifyTicket {
            ticket: "ticket@@@a]]>b".into(),
        }
        .to_xml("wxc", 1_700_000_000);
        assert!(
            xml.starts_with(
                "<xml><AppId><![CDATA[wxc]]></AppId><CreateTime>1700000000</CreateTime>"
            )
        );
        let ComponentEvent::VerifyTicket(ticket) = ComponentEvent::from_xml(&xml).unwrap() else {
            panic!("not a ticket: {xml}");
        };
        assert_eq!(ticket.component_verify_ticket, "ticket@@@a]]>b");

        let event = Event::Authorized {
            update: true,
            authorizer_appid: "wxa".into(),
            authorization_code: "queryauthcode@@@x".into(),
            expired_time: 1_700_000_600,
            pre_auth_code: "preauthcode@@@y".into(),
        };
        match ComponentEvent::from_xml(&event.to_xml("wxc", 1_700_000_000)).unwrap() {
            ComponentEvent::UpdateAuthorized(auth) => {
                assert_eq!(auth.authorizer_appid, "wxa");
                assert_eq!(auth.authorization_code, "queryauthcode@@@x");
                assert_eq!(auth.authorization_code_expired_time, 1_700_000_600);
                assert_eq!(auth.pre_auth_code.as_deref(), Some("preauthcode@@@y"));
            }
            other => panic!("{other:?}"),
        }
        let xml = Event::Unauthorized {
            authorizer_appid: "wxa".into(),
        }
        .to_xml("wxc", 1);
        assert_eq!(
            ComponentEvent::from_xml(&xml).unwrap().info_type(),
            "unauthorized"
        );
    }
}
