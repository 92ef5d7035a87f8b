//! Notifications (回调通知): WeChat Pay POSTs to the `notify_url`
//!
//! ```json
//! {"id": "…", "create_time": "2025-01-01T12:00:00+08:00",
//!  "resource_type": "encrypt-resource", "event_type": "TRANSACTION.SUCCESS",
//!  "summary": "支付成功",
//!  "resource": {"original_type": "transaction", "algorithm": "AEAD_AES_256_GCM",
//!               "ciphertext": "…", "associated_data": "transaction", "nonce": "…"}}
//! ```
//!
//! signed like an answer (`Wechatpay-*` headers, fresh for each attempt),
//! the resource encrypted with the merchant's APIv3 key. A 2xx answer
//! within the timeout is a delivery; anything else is retried after each
//! wait of the retry schedule, then given up.

use std::sync::{Arc, Weak};

use serde_json::{Value, json};
use time::OffsetDateTime;

use super::aead;
use super::faults::Target;
use super::keyring::rfc3339;
use super::record::{Delivery, NotificationRecord};
use super::sign;
use crate::Shared;

/// A notification to send.
#[derive(Debug, Clone)]
pub(crate) struct Outgoing {
    pub mchid: String,
    pub notify_url: String,
    pub event_type: &'static str,
    pub summary: &'static str,
    pub original_type: &'static str,
    pub resource: Value,
}

/// A notification id, shaped like WeChat's (a UUID).
fn notification_id() -> String {
    let b: [u8; 16] = rand::random();
    let h = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// Encrypts the resource, records the notification and starts delivering
/// it in the background; answers its `id`.
pub(crate) fn send(shared: &Arc<Shared>, out: Outgoing) -> Result<String, String> {
    let id = notification_id();
    let schedule = shared.config.pay.retry_schedule.clone();
    let body = {
        let mut world = shared.pay.world()?;
        let key = world
            .merchant(&out.mchid)
            .map(|m| m.apiv3_key.clone())
            .ok_or_else(|| format!("unknown merchant {}", out.mchid))?;
        let plaintext = serde_json::to_vec(&out.resource).map_err(|e| e.to_string())?;
        let resource = aead::seal(key.as_bytes(), out.original_type, &plaintext)?;
        let mut resource = resource;
        if let Some(map) = resource.as_object_mut() {
            map.insert("original_type".into(), json!(out.original_type));
        }
        world.notifications.push(NotificationRecord {
            id: id.clone(),
            event_type: out.event_type.to_owned(),
            notify_url: out.notify_url.clone(),
            attempts: Vec::new(),
            delivery: Delivery::Pending,
            schedule: schedule.clone(),
        });
        serde_json::to_vec(&json!({
            "id": id,
            "create_time": rfc3339(OffsetDateTime::now_utc()),
            "resource_type": "encrypt-resource",
            "event_type": out.event_type,
            "summary": out.summary,
            "resource": resource,
        }))
        .map_err(|e| e.to_string())?
    };
    tokio::spawn(deliver(
        Arc::downgrade(shared),
        id.clone(),
        out.notify_url,
        body,
    ));
    Ok(id)
}

/// Tries, waits, tries again, as the schedule says.
async fn deliver(shared: Weak<Shared>, id: String, url: String, body: Vec<u8>) {
    let mut attempt = 0usize;
    loop {
        let Some(strong) = shared.upgrade() else {
            return;
        };
        let outcome = attempt_once(&strong, &url, &body).await;
        let delivered = outcome
            .as_ref()
            .is_ok_and(|status| (200..300).contains(status));
        let wait = strong.config.pay.retry_schedule.get(attempt).copied();
        if let Ok(mut world) = strong.pay.world()
            && let Some(record) = world.notifications.iter_mut().find(|n| n.id == id)
        {
            record.attempts.push(match &outcome {
                Ok(status) => status.to_string(),
                Err(e) => e.clone(),
            });
            if delivered {
                record.delivery = Delivery::Delivered;
            } else if wait.is_none() {
                record.delivery = Delivery::GivenUp;
            }
        }
        strong.pay.changed.notify_waiters();
        if delivered {
            tracing::debug!(%id, "pay notification delivered");
            return;
        }
        drop(strong);
        let Some(wait) = wait else {
            tracing::warn!(%id, "pay notification given up");
            return;
        };
        tokio::time::sleep(wait).await;
        attempt += 1;
    }
}

/// One POST; the HTTP status, or why there was none.
async fn attempt_once(shared: &Shared, url: &str, body: &[u8]) -> Result<u16, String> {
    let (signer, fault) = {
        let mut world = shared.pay.world()?;
        let path = url::Url::parse(url)
            .map(|u| u.path().to_owned())
            .unwrap_or_default();
        (
            world.keys.signer(),
            world.faults.take(Target::Notifications, &path),
        )
    };
    let headers = sign::headers(&signer, body, fault.as_ref())?;
    let mut request = shared
        .http
        .post(url)
        .timeout(shared.config.pay.notify_timeout)
        .header("content-type", "application/json")
        .body(body.to_vec());
    for (name, value) in headers {
        request = request.header(name, value);
    }
    match request.send().await {
        Ok(answer) => Ok(answer.status().as_u16()),
        Err(e) if e.is_timeout() => Err("timeout".to_owned()),
        Err(e) => Err(format!("unreachable: {}", e.without_url())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_look_like_uuids() {
        let id = notification_id();
        assert_eq!(id.len(), 36);
        assert_eq!(id.matches('-').count(), 4);
        assert_ne!(id, notification_id());
    }
}
