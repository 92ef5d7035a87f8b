//! Cluster-wide "seen" markers: WeChat retries a push up to three times
//! within 15 seconds when the answer is slow or lost, and a captured push can
//! be replayed within the timestamp window. A push is processed by whichever
//! instance first takes its marker in the token store (the markers of
//! [`TokenManager::mark_seen`](crate::token::TokenManager::mark_seen): a
//! lease on [`TokenKey::Marker`], never released while it lasts); the others
//! answer without processing it.
//!
//! A claim can be given back ([`Claim::release`]) when the processing failed
//! before doing anything, so that WeChat's retry is processed.

use std::fmt::Write as _;
use std::time::Duration;

use sha1::{Digest as _, Sha1};

use crate::Result;
use crate::event::Message;
use crate::token::{Lease, TokenKey, TokenManager};

/// A marker taken for one push.
pub(crate) struct Claim {
    tokens: TokenManager,
    lease: Lease,
}

impl Claim {
    /// Takes the marker `kind`/`id` for `ttl`: `Some` the first time in the
    /// cluster, `None` while another instance (or an earlier request) holds
    /// it.
    ///
    /// # Errors
    ///
    /// [`Error::Store`](crate::Error::Store) when the store fails.
    pub(crate) async fn take(
        tokens: &TokenManager,
        kind: &str,
        id: String,
        ttl: Duration,
    ) -> Result<Option<Claim>> {
        let key = TokenKey::marker(kind, id);
        Ok(tokens
            .store()
            .try_lease(&key, ttl)
            .await?
            .map(|lease| Claim {
                tokens: tokens.clone(),
                lease,
            }))
    }

    /// Gives the marker back, so that a retry of the push is processed.
    pub(crate) async fn release(self) {
        if let Err(error) = self.tokens.store().release(self.lease).await {
            tracing::warn!(%error, "could not release a push marker");
        }
    }
}

/// The marker id of a message, made of what the signed message itself
/// says, never of the request's path: `ToUserName:MsgId`, or for pushes
/// without a `MsgId` (events)
/// `ToUserName:FromUserName:CreateTime:Event:EventKey:` and the SHA-1 of
/// the whole decrypted `document`. WeChat's retry repeats the document
/// byte for byte, so it finds the marker; two different events of the same
/// second from the same sender do not (a WeChat Store's orders all come
/// from one system account, many in one second), and neither do
/// `subscribe` and `LOCATION` on a follow.
///
/// The authorizer appid in the message URL's path is not covered by the
/// signature (every authorizer's pushes are signed with the platform's
/// token): a marker made of it would let a captured push replayed to
/// `/{another appid}/callback` be processed again, as another authorizer.
/// `ToUserName` (the authorizer's original id) is inside the signed
/// ciphertext.
pub(crate) fn message_id(message: &Message, document: &str) -> String {
    let header = message.header();
    match message.msg_id() {
        Some(msg_id) => format!("{}:{msg_id}", header.to_user_name),
        None => {
            let digest = Sha1::digest(document.as_bytes());
            let mut id = format!(
                "{}:{}:{}:{}:{}:",
                header.to_user_name,
                header.from_user_name,
                header.create_time,
                message.event().unwrap_or(&header.msg_type),
                message.event_key().unwrap_or_default(),
            );
            for byte in digest {
                let _ = write!(id, "{byte:02x}");
            }
            id
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "<xml><ToUserName><![CDATA[gh_a]]></ToUserName><FromUserName><![CDATA[oUser]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hi]]></Content><MsgId>42</MsgId></xml>";
    const CLICK: &str = "<xml><ToUserName><![CDATA[gh_a]]></ToUserName><FromUserName><![CDATA[oUser]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[CLICK]]></Event><EventKey><![CDATA[K]]></EventKey></xml>";

    fn id(xml: &str) -> String {
        message_id(&Message::from_xml(xml).unwrap(), xml)
    }

    #[test]
    fn markers_are_made_of_the_signed_message() {
        assert_eq!(id(TEXT), "gh_a:42");
        let click = id(CLICK);
        assert!(
            click.starts_with("gh_a:oUser:1700000000:CLICK:K:"),
            "{click}"
        );
        assert_eq!(click.len(), "gh_a:oUser:1700000000:CLICK:K:".len() + 40);
        // A retry is the same document: the same marker.
        assert_eq!(id(CLICK), click);
        // The same MsgId sent to another account is another message.
        assert_ne!(id(TEXT), id(&TEXT.replace("gh_a", "gh_b")));
        assert_ne!(id(CLICK), id(&CLICK.replace("gh_a", "gh_b")));
        // Another event of the same second and sender is another event.
        let other = CLICK.replace("</xml>", "<MenuId>2</MenuId></xml>");
        assert_ne!(id(&other), click);
    }
}
