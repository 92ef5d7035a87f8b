//! The sandbox plays WeChat Pay API v3, for merchants (直连商户) and service
//! providers (服务商): signed requests checked, signed answers, platform
//! certificates and the WeChat Pay public key, orders, payments, refunds,
//! bills and notifications; and for a service provider its sub-merchants,
//! media uploads, onboarding (`applyment4sub`), partner orders and
//! refunds, profit sharing, complaints and merchant transfers.
//!
//! What it checks as WeChat does, and what it does not, is in the README's
//! pay sandbox table and, for service providers, in `sandbox/PAY_PARTNER.md`. Everything is served under `/v3/` of
//! [`Sandbox::base_url`](crate::Sandbox::base_url) and steered through
//! [`Sandbox::pay`](crate::Sandbox::pay):
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use wechat_sandbox::{Sandbox, SandboxConfig};
//!
//! let sandbox = Sandbox::start(SandboxConfig::default()).await?;
//! let merchant = sandbox.pay().merchant()?;
//! // … create a JSAPI order signed with merchant.private_key_pem() …
//! let paid = sandbox.pay().pay_order("1217752501201407033233368018")?;
//! let delivered = sandbox
//!     .pay()
//!     .wait_for_notification(&paid.notification_id, std::time::Duration::from_secs(10))
//!     .await;
//! # let _ = (merchant, delivered);
//! # Ok(()) }
//! ```
//!
//! Keys are generated lazily, on the first pay request or call of
//! [`Sandbox::pay`](crate::Sandbox::pay), and shared by the sandboxes of a
//! process (see `keys`).

mod aead;
mod answer;
mod applyment;
mod auth;
mod bills;
mod complaints;
mod error;
mod faults;
mod keyring;
mod keys;
mod media;
mod notify;
mod orders;
mod partner;
mod partner_orders;
mod partner_refunds;
mod profitsharing;
mod receivers;
mod record;
mod refunds;
mod routes;
mod sensitive;
mod settings;
mod settlement;
mod sign;
mod sp_admin;
mod sp_routes;
mod sp_state;
mod state;
mod transfers;

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use axum::Router;
use axum::routing::any;

pub use applyment::{ApplymentState, ApplymentStep, AuditRejection};
pub use complaints::ComplaintSpec;
pub use faults::{PayFault, PayFaultKind};
pub use keyring::KeyMode;
pub use record::{Delivery, NotificationRecord, PayCall};
pub use settings::{
    DEFAULT_MCHID, PayMerchant, PaySettings, PaySettingsBuilder, WECHAT_RETRY_SCHEDULE,
};
pub use sp_admin::{ApplymentStatus, OpenedComplaint};
pub use transfers::TransferOutcome;

use crate::faults::lock;
use crate::{Sandbox, SandboxError, Shared};
use state::{PayWorld, RefundStatus};

/// The path prefix WeChat Pay is served under; spec endpoints there are not
/// routed from the spec.
pub(crate) const PREFIX: &str = "/v3/";

/// How a refund ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RefundOutcome {
    /// `SUCCESS`, pushing `REFUND.SUCCESS`.
    Success,
    /// `ABNORMAL` (the user's card was cancelled, …), pushing
    /// `REFUND.ABNORMAL`; the merchant may then apply for an abnormal
    /// refund.
    Abnormal,
    /// `CLOSED`, pushing `REFUND.CLOSED`; the amount can be refunded again.
    Closed,
}

/// WeChat Pay's state in a sandbox, made on first use.
pub(crate) struct PayShared {
    settings: settings::PaySettings,
    world: OnceLock<Result<Mutex<PayWorld>, String>>,
    /// Woken when a notification attempt is recorded.
    pub(crate) changed: tokio::sync::Notify,
}

impl fmt::Debug for PayShared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PayShared")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl PayShared {
    pub(crate) fn new(settings: settings::PaySettings) -> Self {
        PayShared {
            settings,
            world: OnceLock::new(),
            changed: tokio::sync::Notify::new(),
        }
    }

    /// The state, locked (made, with its keys, on first use).
    pub(crate) fn world(&self) -> Result<MutexGuard<'_, PayWorld>, String> {
        match self
            .world
            .get_or_init(|| PayWorld::new(&self.settings).map(Mutex::new))
        {
            Ok(world) => Ok(lock(world)),
            Err(e) => Err(format!("the pay sandbox could not start: {e}")),
        }
    }
}

/// The largest request body taken: a 5 MB video upload and its multipart
/// framing fit (axum's default of 2 MB would refuse it before the sandbox
/// could answer as WeChat does).
const PAY_BODY_LIMIT: usize = 8 << 20;

/// The routes under `/v3/`.
pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/v3/{*rest}", any(routes::handle))
        .layer(axum::extract::DefaultBodyLimit::max(PAY_BODY_LIMIT))
}

/// Ends a refund and pushes its notification (when it has a URL).
pub(crate) fn finish_refund(
    shared: &Arc<Shared>,
    mchid: &str,
    out_refund_no: &str,
    outcome: RefundOutcome,
) -> Result<Option<String>, String> {
    let (status, event_type, summary) = match outcome {
        RefundOutcome::Success => (RefundStatus::Success, "REFUND.SUCCESS", "退款成功"),
        RefundOutcome::Abnormal => (RefundStatus::Abnormal, "REFUND.ABNORMAL", "退款异常"),
        RefundOutcome::Closed => (RefundStatus::Closed, "REFUND.CLOSED", "退款关闭"),
    };
    let refund = refunds::finish(&mut *shared.pay.world()?, mchid, out_refund_no, status)?;
    let Some(notify_url) = refund.notify_url.clone() else {
        return Ok(None);
    };
    notify::send(
        shared,
        notify::Outgoing {
            mchid: mchid.to_owned(),
            notify_url,
            event_type,
            summary,
            original_type: "refund",
            resource: refunds::notification_json(&refund),
        },
    )
    .map(Some)
}

/// A merchant's credentials, for the code under test. `Debug` shows neither
/// the APIv3 key nor the private key.
#[derive(Clone)]
pub struct MerchantCredentials {
    mchid: String,
    serial: String,
    apiv3_key: String,
    private_key_pem: Option<String>,
}

impl fmt::Debug for MerchantCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MerchantCredentials")
            .field("mchid", &self.mchid)
            .field("serial", &self.serial)
            .finish_non_exhaustive()
    }
}

impl MerchantCredentials {
    /// The mchid.
    pub fn mchid(&self) -> &str {
        &self.mchid
    }

    /// The merchant certificate serial (`serial_no` of `Authorization`).
    pub fn serial(&self) -> &str {
        &self.serial
    }

    /// The APIv3 key (32 bytes).
    pub fn apiv3_key(&self) -> &str {
        &self.apiv3_key
    }

    /// The merchant's private key, PKCS#8 PEM, when the sandbox generated
    /// it (`None` for a merchant registered with its own public key).
    pub fn private_key_pem(&self) -> Option<&str> {
        self.private_key_pem.as_deref()
    }
}

/// A platform certificate, as the sandbox issued it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PlatformCertificate {
    /// Its serial, upper-case hex.
    pub serial: String,
    /// The certificate, PEM.
    pub pem: String,
}

/// The WeChat Pay public key (微信支付公钥).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WechatPayPublicKey {
    /// `PUB_KEY_ID_…`.
    pub id: String,
    /// `-----BEGIN PUBLIC KEY-----` PEM.
    pub pem: String,
}

/// An order the sandbox paid.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PaidOrder {
    /// The `transaction_id` WeChat Pay gave it.
    pub transaction_id: String,
    /// The `id` of its `TRANSACTION.SUCCESS` notification.
    pub notification_id: String,
}

/// Steers the WeChat Pay side of a sandbox; from [`Sandbox::pay`].
#[derive(Debug, Clone, Copy)]
pub struct PaySandbox<'a> {
    shared: &'a Arc<Shared>,
}

impl Sandbox {
    /// The WeChat Pay side: merchants' credentials, keys, paying orders,
    /// ending refunds, faults and what was sent.
    pub fn pay(&self) -> PaySandbox<'_> {
        PaySandbox {
            shared: &self.shared,
        }
    }
}

fn pay_error(e: String) -> SandboxError {
    SandboxError::Pay(e)
}

impl PaySandbox<'_> {
    fn world(&self) -> Result<MutexGuard<'_, PayWorld>, SandboxError> {
        self.shared.pay.world().map_err(pay_error)
    }

    /// The first configured merchant's credentials.
    ///
    /// # Errors
    /// [`SandboxError::Pay`] when the keys could not be made.
    pub fn merchant(&self) -> Result<MerchantCredentials, SandboxError> {
        let mchid = self
            .shared
            .config
            .pay
            .merchants
            .first()
            .map(|m| m.mchid.clone())
            .ok_or_else(|| pay_error("no pay merchant is configured".to_owned()))?;
        self.merchant_of(&mchid)
    }

    /// Merchant `mchid`'s credentials.
    ///
    /// # Errors
    /// [`SandboxError::Pay`] for an unknown mchid.
    pub fn merchant_of(&self, mchid: &str) -> Result<MerchantCredentials, SandboxError> {
        let world = self.world()?;
        let m = world
            .merchant(mchid)
            .ok_or_else(|| pay_error(format!("{mchid} is not a pay merchant")))?;
        Ok(MerchantCredentials {
            mchid: m.mchid.clone(),
            serial: m.serial.clone(),
            apiv3_key: m.apiv3_key.clone(),
            private_key_pem: m.private_key.as_ref().map(|k| k.private_key_pem()),
        })
    }

    /// The key mode.
    ///
    /// # Errors
    /// [`SandboxError::Pay`] when the keys could not be made.
    pub fn key_mode(&self) -> Result<KeyMode, SandboxError> {
        Ok(self.world()?.keys.mode)
    }

    /// Switches the key mode: [`KeyMode::PublicKey`] signs with the WeChat
    /// Pay public key only, [`KeyMode::Both`] with either, in turn.
    ///
    /// # Errors
    /// [`SandboxError::Pay`] when the keys could not be made.
    pub fn set_key_mode(&self, mode: KeyMode) -> Result<(), SandboxError> {
        self.world()?.keys.mode = mode;
        Ok(())
    }

    /// The listed platform certificates, newest first.
    ///
    /// # Errors
    /// [`SandboxError::Pay`] when the keys could not be made.
    pub fn platform_certificates(&self) -> Result<Vec<PlatformCertificate>, SandboxError> {
        Ok(self
            .world()?
            .keys
            .certificates()
            .iter()
            .map(|c| PlatformCertificate {
                serial: c.serial.clone(),
                pem: c.pem.clone(),
            })
            .collect())
    }

    /// The serial of the platform certificate that signs (in certificate
    /// mode).
    ///
    /// # Errors
    /// [`SandboxError::Pay`] when the keys could not be made.
    pub fn signing_serial(&self) -> Result<String, SandboxError> {
        Ok(self.world()?.keys.signing_serial().to_owned())
    }

    /// Starts a rotation: a new certificate is listed (first) by
    /// `/v3/certificates` while the current one keeps signing. Answers the
    /// new serial.
    ///
    /// # Errors
    /// [`SandboxError::Pay`] when the key or certificate could not be made.
    pub fn rotate_certificate(&self) -> Result<String, SandboxError> {
        self.world()?.keys.rotate().map_err(pay_error)
    }

    /// Ends a rotation: the newest certificate signs from now on. Answers
    /// its serial.
    ///
    /// # Errors
    /// [`SandboxError::Pay`] when the keys could not be made.
    pub fn complete_rotation(&self) -> Result<String, SandboxError> {
        Ok(self.world()?.keys.complete_rotation())
    }

    /// The WeChat Pay public key, as a merchant downloads it.
    ///
    /// # Errors
    /// [`SandboxError::Pay`] when the keys could not be made.
    pub fn public_key(&self) -> Result<WechatPayPublicKey, SandboxError> {
        let world = self.world()?;
        Ok(WechatPayPublicKey {
            id: world.keys.public_key_id().to_owned(),
            pem: world.keys.public_key_pem(),
        })
    }

    /// The user pays order `out_trade_no` of the first merchant; see
    /// [`pay_order_of`](Self::pay_order_of).
    ///
    /// # Errors
    /// As [`pay_order_of`](Self::pay_order_of).
    pub fn pay_order(&self, out_trade_no: &str) -> Result<PaidOrder, SandboxError> {
        let mchid = self.merchant()?.mchid;
        self.pay_order_of(&mchid, out_trade_no)
    }

    /// The user pays order `out_trade_no` of merchant `mchid`: it becomes
    /// `SUCCESS`, and `TRANSACTION.SUCCESS` is pushed to its `notify_url`
    /// in the background, retried on the configured schedule until the
    /// merchant answers 2xx (see
    /// [`wait_for_notification`](Self::wait_for_notification)).
    ///
    /// # Errors
    /// [`SandboxError::Pay`] when there is no such order or it is not
    /// `NOTPAY`.
    pub fn pay_order_of(&self, mchid: &str, out_trade_no: &str) -> Result<PaidOrder, SandboxError> {
        let order = orders::pay(&mut *self.world()?, mchid, out_trade_no).map_err(pay_error)?;
        let notification_id = notify::send(
            self.shared,
            notify::Outgoing {
                mchid: mchid.to_owned(),
                notify_url: order.notify_url.clone(),
                event_type: "TRANSACTION.SUCCESS",
                summary: "支付成功",
                original_type: "transaction",
                resource: orders::transaction_json(&order),
            },
        )
        .map_err(pay_error)?;
        Ok(PaidOrder {
            transaction_id: order.transaction_id.unwrap_or_default(),
            notification_id,
        })
    }

    /// How refunds end from now on, right after they are accepted
    /// (default `Some(Success)`); `None` leaves them `PROCESSING` until
    /// [`complete_refund`](Self::complete_refund).
    ///
    /// # Errors
    /// [`SandboxError::Pay`] when the keys could not be made.
    pub fn set_refund_outcome(&self, outcome: Option<RefundOutcome>) -> Result<(), SandboxError> {
        self.world()?.refund_outcome = outcome;
        Ok(())
    }

    /// Ends refund `out_refund_no` of the first merchant with `outcome`
    /// and pushes its `REFUND.*` notification; answers the notification id
    /// (`None` when the refund has no notify URL).
    ///
    /// # Errors
    /// [`SandboxError::Pay`] when there is no such refund or it is not
    /// `PROCESSING`.
    pub fn complete_refund(
        &self,
        out_refund_no: &str,
        outcome: RefundOutcome,
    ) -> Result<Option<String>, SandboxError> {
        let mchid = self.merchant()?.mchid;
        finish_refund(self.shared, &mchid, out_refund_no, outcome).map_err(pay_error)
    }

    /// Queues a fault.
    ///
    /// # Errors
    /// [`SandboxError::Pay`] when the keys could not be made.
    pub fn inject(&self, fault: PayFault) -> Result<(), SandboxError> {
        self.world()?.faults.push(fault);
        Ok(())
    }

    /// Drops every queued fault.
    ///
    /// # Errors
    /// [`SandboxError::Pay`] when the keys could not be made.
    pub fn clear_faults(&self) -> Result<(), SandboxError> {
        self.world()?.faults.clear();
        Ok(())
    }

    /// How many faults are still queued.
    ///
    /// # Errors
    /// [`SandboxError::Pay`] when the keys could not be made.
    pub fn pending_faults(&self) -> Result<usize, SandboxError> {
        Ok(self.world()?.faults.pending())
    }

    /// The requests received (the last 1000), oldest first.
    ///
    /// # Errors
    /// [`SandboxError::Pay`] when the keys could not be made.
    pub fn calls(&self) -> Result<Vec<PayCall>, SandboxError> {
        Ok(self.world()?.calls.clone())
    }

    /// Every notification, oldest first, with its attempts.
    ///
    /// # Errors
    /// [`SandboxError::Pay`] when the keys could not be made.
    pub fn notifications(&self) -> Result<Vec<NotificationRecord>, SandboxError> {
        Ok(self.world()?.notifications.clone())
    }

    /// Waits until notification `id` is delivered or given up, at most
    /// `timeout`; answers it then (`None` on timeout or an unknown id).
    pub async fn wait_for_notification(
        &self,
        id: &str,
        timeout: Duration,
    ) -> Option<NotificationRecord> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let changed = self.shared.pay.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            let record = self
                .world()
                .ok()?
                .notifications
                .iter()
                .find(|n| n.id == id)
                .cloned()?;
            if record.delivery != Delivery::Pending {
                return Some(record);
            }
            if tokio::time::timeout_at(deadline, changed).await.is_err() {
                return None;
            }
        }
    }
}
