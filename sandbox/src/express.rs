//! The logistics helper's waybills (物流助手), per mini program: each ordered
//! waybill with its courier, tracking number, parties, state and tracking
//! path, so that a waybill ordered can be read, tracked, moved along by the
//! test courier and cancelled.
//!
//! As on WeChat, only the test courier (`delivery_id` `TEST`, `biz_id`
//! `test_biz_id`) can be moved along with `test_update_order`; other
//! couriers' waybills stay as ordered. Errors WeChat reports with codes of
//! its own (an unknown waybill, a duplicate order id) answer 40097 here.

use std::collections::BTreeMap;

use serde_json::{Value, json};

/// The test courier's `delivery_id`.
pub(crate) const TEST_DELIVERY_ID: &str = "TEST";
/// The test courier's `biz_id`.
pub(crate) const TEST_BIZ_ID: &str = "test_biz_id";

/// `order_status` of a waybill.
pub(crate) mod waybill_status {
    /// 正常: ordered.
    pub const NORMAL: i64 = 0;
    /// 取消: cancelled.
    pub const CANCELLED: i64 = 1;
}

/// An ordered waybill.
#[derive(Debug, Clone)]
pub(crate) struct Waybill {
    /// The mini program's order id.
    pub order_id: String,
    /// The courier.
    pub delivery_id: String,
    /// The courier's customer code.
    pub biz_id: String,
    /// The tracking number the courier gave.
    pub waybill_id: String,
    /// The user who ordered, when the order came from the mini program.
    pub openid: Option<String>,
    /// [`waybill_status`].
    pub status: i64,
    /// Tracking steps, oldest first, as `path/get` answers them.
    pub path: Vec<Value>,
    /// The waybill's key–value lines, as `order/add` answers them.
    pub data: Vec<Value>,
}

/// Every mini program's waybills: by appid, then by (order id, courier).
#[derive(Debug, Default)]
pub(crate) struct ExpressState {
    waybills: BTreeMap<String, BTreeMap<(String, String), Waybill>>,
    issued: u64,
}

impl ExpressState {
    /// The waybills of `appid`.
    pub(crate) fn of(&mut self, appid: &str) -> &mut BTreeMap<(String, String), Waybill> {
        self.waybills.entry(appid.to_owned()).or_default()
    }

    /// A new tracking number for `delivery_id`.
    pub(crate) fn waybill_id(&mut self, delivery_id: &str) -> String {
        self.issued = self.issued.saturating_add(1);
        format!("{delivery_id}{:012}", self.issued)
    }
}

impl Waybill {
    /// The waybill as `order/get` answers it.
    pub(crate) fn answer(&self) -> Value {
        json!({
            "order_id": self.order_id,
            "waybill_id": self.waybill_id,
            "print_html": "PGh0bWw+PC9odG1sPg==",
            "waybill_data": self.data,
            "order_status": self.status,
        })
    }
}
