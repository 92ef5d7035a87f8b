//! A mini program's logistics and review events: the waybill traces of the
//! logistics assistant (物流助手, `add_express_path`), the status of an
//! instant delivery (即时配送, `update_waybill_status`), the outcome of a
//! category review (`wxa_category_audit`) and of a privacy-API application
//! (`wxa_privacy_apply`); their typed detail, read from the push's element
//! tree (XML, or JSON for mini programs configured for it).
//!
//! Anything a push lacks is `None`, so a known event never fails on a
//! missing detail.

use std::fmt;

use serde::Serialize;

use super::tree::{Node, number, text};

/// `add_express_path`: a waybill's trace changed
/// ([logistics.onPathUpdate](https://developers.weixin.qq.com/miniprogram/dev/server/event_push/express/provider/logistics.onPathUpdate.html)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ExpressPath {
    /// `DeliveryID`: the express company (`SF`…).
    pub delivery_id: Option<String>,
    /// `WayBillId`: the waybill.
    pub waybill_id: Option<String>,
    /// `OrderId`: the mini program's order.
    pub order_id: Option<String>,
    /// `Version`: the trace's version.
    pub version: Option<u32>,
    /// `Count`: how many trace nodes.
    pub count: Option<u32>,
    /// `Actions`: the trace nodes, oldest first.
    pub actions: Vec<ExpressAction>,
}

/// One node of a waybill's trace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ExpressAction {
    /// `ActionTime`: Unix seconds.
    pub action_time: Option<i64>,
    /// `ActionType`: 100001 picked up, 100002 pick-up failed, 100003
    /// courier assigned, 200001 in transit, 300002 out for delivery, 300003
    /// signed for, 300004 signing failed, 400001 cancelled, 400002 held up.
    pub action_type: Option<u32>,
    /// `ActionMsg`: the node's text.
    pub action_msg: Option<String>,
}

impl ExpressPath {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            delivery_id: text(tree, "DeliveryID"),
            waybill_id: text(tree, "WayBillId"),
            order_id: text(tree, "OrderId"),
            version: number(tree, "Version"),
            count: number(tree, "Count"),
            actions: tree
                .children
                .iter()
                .filter(|c| c.name == "Actions")
                .map(|action| ExpressAction {
                    action_time: number(action, "ActionTime"),
                    action_type: number(action, "ActionType"),
                    action_msg: text(action, "ActionMsg"),
                })
                .collect(),
        }
    }
}

/// `wxa_category_audit`: the review of a category a mini program applied for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CategoryAudit {
    /// `ret`: the outcome (2 rejected).
    pub ret: Option<i64>,
    /// `first`: the first-level category's id.
    pub first: Option<String>,
    /// `second`: the second-level category's id.
    pub second: Option<String>,
    /// `reason`: why it was rejected.
    pub reason: Option<String>,
}

impl CategoryAudit {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            ret: number(tree, "ret"),
            first: text(tree, "first"),
            second: text(tree, "second"),
            reason: text(tree, "reason"),
        }
    }
}

/// `wxa_privacy_apply`: the review of an application to use a privacy API
/// (`wx.choosePoi`…)
/// ([applyPrivacyInterface](https://developers.weixin.qq.com/doc/oplatform/openApi/OpenApiDoc/miniprogram-management/privacy-api-management/applyPrivacyInterface.html)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct PrivacyApply {
    /// `result_info/api_name`: the API applied for.
    pub api_name: Option<String>,
    /// `…/audit_id`: the review.
    pub audit_id: Option<String>,
    /// `…/status`: 2 rejected, 3 approved.
    pub status: Option<u32>,
    /// `…/apply_time`: Unix seconds.
    pub apply_time: Option<i64>,
    /// `…/audit_time`: Unix seconds.
    pub audit_time: Option<i64>,
    /// `…/reason`: why it was rejected.
    pub reason: Option<String>,
}

impl PrivacyApply {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        let info = tree.child("result_info").unwrap_or(tree);
        Self {
            api_name: text(info, "api_name"),
            audit_id: text(info, "audit_id"),
            status: number(info, "status"),
            apply_time: number(info, "apply_time"),
            audit_time: number(info, "audit_time"),
            reason: text(info, "reason"),
        }
    }
}

/// `update_waybill_status`: an instant-delivery (即时配送) order's status
/// changed
/// ([onOrderStatus](https://developers.weixin.qq.com/miniprogram/dev/api-backend/open-api/immediate-delivery/by-business/immediateDelivery.onOrderStatus.html)).
#[derive(Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct DeliveryStatus {
    /// `shopid`: the merchant's id at the delivery company.
    pub shopid: Option<String>,
    /// `shop_order_id`: the merchant's order.
    pub shop_order_id: Option<String>,
    /// `shop_no`: the merchant's store.
    pub shop_no: Option<String>,
    /// `waybill_id`: the delivery order.
    pub waybill_id: Option<String>,
    /// `order_status`: 101 rider assigned, 102 rider at the store, 201
    /// picked up, 202 delivering, 301 delivered, 302 cancelled…
    pub order_status: Option<u32>,
    /// `action_time`: Unix seconds.
    pub action_time: Option<i64>,
    /// `action_msg`: extra information.
    pub action_msg: Option<String>,
    /// `agent/name`: the rider (not shown by `Debug`).
    pub agent_name: Option<String>,
    /// `agent/phone`: the rider's phone (not shown by `Debug`).
    pub agent_phone: Option<String>,
    /// `agent/reach_time`: Unix seconds the rider expects to arrive.
    pub reach_time: Option<i64>,
}

impl DeliveryStatus {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        let agent = tree.child("agent");
        Self {
            shopid: text(tree, "shopid"),
            shop_order_id: text(tree, "shop_order_id"),
            shop_no: text(tree, "shop_no"),
            waybill_id: text(tree, "waybill_id"),
            order_status: number(tree, "order_status"),
            action_time: number(tree, "action_time"),
            action_msg: text(tree, "action_msg"),
            agent_name: agent.and_then(|a| text(a, "name")),
            agent_phone: agent.and_then(|a| text(a, "phone")),
            reach_time: agent.and_then(|a| number(a, "reach_time")),
        }
    }
}

/// Shows whether the rider's name and phone are present, never their value.
impl fmt::Debug for DeliveryStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hidden = |value: &Option<String>| value.as_ref().map(|_| "<redacted>");
        f.debug_struct("DeliveryStatus")
            .field("shopid", &self.shopid)
            .field("shop_order_id", &self.shop_order_id)
            .field("shop_no", &self.shop_no)
            .field("waybill_id", &self.waybill_id)
            .field("order_status", &self.order_status)
            .field("action_time", &self.action_time)
            .field("action_msg", &self.action_msg)
            .field("agent_name", &hidden(&self.agent_name))
            .field("agent_phone", &hidden(&self.agent_phone))
            .field("reach_time", &self.reach_time)
            .finish()
    }
}
