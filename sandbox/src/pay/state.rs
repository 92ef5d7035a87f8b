//! WeChat Pay's state in the sandbox: the key ring, the merchants and the
//! orders, refunds, bills, notifications and calls — under one mutex, held
//! for a few map operations and never across an await.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;
use time::OffsetDateTime;

use super::faults::PayFaults;
use super::keyring::KeyRing;
use super::keys::{Purpose, RsaKey, shared_key};
use super::record::{NotificationRecord, PayCall};
use super::settings::{MerchantKey, PaySettings};
use super::sp_state::SpWorld;

/// How many calls are remembered (the oldest are dropped): as many as the
/// WeChat API's call log keeps by default.
const CALL_LOG_LEN: usize = crate::CALL_LOG_CAPACITY;

/// A merchant as WeChat Pay knows it.
#[derive(Debug)]
pub(crate) struct MerchantState {
    pub mchid: String,
    pub apiv3_key: String,
    pub serial: String,
    /// Its public key (SubjectPublicKeyInfo DER).
    pub spki: Vec<u8>,
    /// The private key, when the sandbox generated it.
    pub private_key: Option<Arc<RsaKey>>,
}

/// `trade_state`, as WeChat Pay names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TradeState {
    NotPay,
    Success,
    Refund,
    Closed,
}

impl TradeState {
    pub(crate) fn name(self) -> &'static str {
        match self {
            TradeState::NotPay => "NOTPAY",
            TradeState::Success => "SUCCESS",
            TradeState::Refund => "REFUND",
            TradeState::Closed => "CLOSED",
        }
    }

    pub(crate) fn description(self) -> &'static str {
        match self {
            TradeState::NotPay => "订单未支付",
            TradeState::Success => "支付成功",
            TradeState::Refund => "转入退款",
            TradeState::Closed => "订单已关闭",
        }
    }

    pub(crate) fn is_paid(self) -> bool {
        matches!(self, TradeState::Success | TradeState::Refund)
    }
}

/// An order (direct merchant).
#[derive(Debug, Clone)]
pub(crate) struct Order {
    pub mchid: String,
    pub appid: String,
    pub out_trade_no: String,
    pub trade_type: &'static str,
    pub description: String,
    pub attach: Option<String>,
    pub notify_url: String,
    pub total: i64,
    pub currency: String,
    pub openid: Option<String>,
    /// The create answer (`prepay_id`, `h5_url` or `code_url`).
    pub created: Value,
    /// The request body it was created with, to tell a repeat from a clash.
    pub request: Value,
    pub state: TradeState,
    pub transaction_id: Option<String>,
    pub success_time: Option<OffsetDateTime>,
    /// Refunded so far (accepted refunds, not closed ones).
    pub refunded: i64,
}

/// `status` of a refund.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RefundStatus {
    Processing,
    Success,
    Abnormal,
    Closed,
}

impl RefundStatus {
    pub(crate) fn name(self) -> &'static str {
        match self {
            RefundStatus::Processing => "PROCESSING",
            RefundStatus::Success => "SUCCESS",
            RefundStatus::Abnormal => "ABNORMAL",
            RefundStatus::Closed => "CLOSED",
        }
    }
}

/// A refund.
#[derive(Debug, Clone)]
pub(crate) struct Refund {
    pub mchid: String,
    pub refund_id: String,
    pub out_refund_no: String,
    pub transaction_id: String,
    pub out_trade_no: String,
    pub notify_url: Option<String>,
    pub refund: i64,
    pub total: i64,
    pub status: RefundStatus,
    pub create_time: OffsetDateTime,
    pub success_time: Option<OffsetDateTime>,
    pub user_received_account: String,
}

/// A bill ready for download.
#[derive(Debug, Clone)]
pub(crate) struct BillFile {
    pub mchid: String,
    /// The bytes served (gzip-compressed when asked).
    pub bytes: Vec<u8>,
}

/// Everything WeChat Pay knows.
#[derive(Debug)]
pub(crate) struct PayWorld {
    pub keys: KeyRing,
    pub merchants: Vec<MerchantState>,
    /// `(mchid, out_trade_no)` → order.
    pub orders: HashMap<(String, String), Order>,
    /// `(mchid, out_refund_no)` → refund.
    pub refunds: HashMap<(String, String), Refund>,
    /// Download token → bill.
    pub bills: HashMap<String, BillFile>,
    pub faults: PayFaults,
    pub calls: Vec<PayCall>,
    pub notifications: Vec<NotificationRecord>,
    /// How new refunds end (`None`: they stay `PROCESSING`).
    pub refund_outcome: Option<super::RefundOutcome>,
    /// Service providers, their sub-merchants and what they do.
    pub sp: SpWorld,
}

impl PayWorld {
    /// Generates (or takes from the process-wide cache) every key.
    pub(crate) fn new(settings: &PaySettings) -> Result<Self, String> {
        let first = settings
            .merchants
            .first()
            .map_or(super::settings::DEFAULT_MCHID, |m| m.mchid.as_str());
        let keys = KeyRing::new(first, settings.key_mode)?;
        let mut merchants = Vec::with_capacity(settings.merchants.len());
        for m in &settings.merchants {
            let (spki, private_key) = match &m.key {
                MerchantKey::Generated { index } => {
                    let key = shared_key(Purpose::Merchant, *index)?;
                    (key.spki_der().to_vec(), Some(key))
                }
                MerchantKey::External { spki } => (spki.clone(), None),
            };
            merchants.push(MerchantState {
                mchid: m.mchid.clone(),
                apiv3_key: m.apiv3_key.clone(),
                serial: m.serial.clone(),
                spki,
                private_key,
            });
        }
        Ok(PayWorld {
            keys,
            merchants,
            orders: HashMap::new(),
            refunds: HashMap::new(),
            bills: HashMap::new(),
            faults: PayFaults::default(),
            calls: Vec::new(),
            notifications: Vec::new(),
            refund_outcome: Some(super::RefundOutcome::Success),
            sp: SpWorld::default(),
        })
    }

    pub(crate) fn merchant(&self, mchid: &str) -> Option<&MerchantState> {
        self.merchants.iter().find(|m| m.mchid == mchid)
    }

    pub(crate) fn record(&mut self, call: PayCall) {
        if self.calls.len() >= CALL_LOG_LEN {
            self.calls.remove(0);
        }
        self.calls.push(call);
    }

    /// The order with this `transaction_id`.
    pub(crate) fn order_by_transaction(&self, mchid: &str, id: &str) -> Option<&Order> {
        self.orders
            .values()
            .find(|o| o.mchid == mchid && o.transaction_id.as_deref() == Some(id))
    }
}
