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

use std::time::Duration;

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

/// The marker id of a message: `appid:MsgId`, or for pushes without a
/// `MsgId` (events) `appid:FromUserName:CreateTime:Event:EventKey` (the
/// event name and key keep two different events of the same second apart,
/// e.g. `subscribe` and `LOCATION` on a follow).
pub(crate) fn message_id(appid: &str, message: &Message) -> String {
    let header = message.header();
    match message.msg_id() {
        Some(msg_id) => format!("{appid}:{msg_id}"),
        None => format!(
            "{appid}:{}:{}:{}:{}",
            header.from_user_name,
            header.create_time,
            message.event().unwrap_or(&header.msg_type),
            message.event_key().unwrap_or_default(),
        ),
    }
}
