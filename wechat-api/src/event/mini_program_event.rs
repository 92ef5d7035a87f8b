//! A mini program's logistics and review events: the waybill traces of the
//! logistics assistant (物流助手, `add_express_path`) and the outcome of
//! binding a merchant account with an express company
//! (`update_business_bind_result`), the status of an
//! instant delivery (即时配送, `update_waybill_status`), the outcome of a
//! category review (`wxa_category_audit`) and of a privacy-API application
//! (`wxa_privacy_apply`), a violation record (`wxa_illegal_record`) and the
//! appeal against one (`wxa_appeal_record`); their typed detail, read from
//! the push's element tree (XML, or JSON for mini programs configured for
//! it).
//!
//! Anything a push lacks is `None`, so a known event never fails on a
//! missing detail.

use std::fmt;

use serde::Serialize;

use super::tree::{Node, number, text, texts};

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

/// `update_business_bind_result`: the express company reviewed the
/// account a merchant asked to bind (logistics helper, to the merchant;
/// answered `success`)
/// ([logistics.onBindResultUpdate](https://developers.weixin.qq.com/miniprogram/dev/server/event_push/express/business/Bind_merchant_review_result_update_event.html)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ExpressBindResult {
    /// `errcode`: 0 when the account was bound.
    pub errcode: Option<i64>,
    /// `errmsg`: the outcome's text.
    pub errmsg: Option<String>,
    /// `delivery_id`: the express company (`EMS`…).
    pub delivery_id: Option<String>,
    /// `biz_id`: the merchant's account with it.
    pub biz_id: Option<String>,
}

impl ExpressBindResult {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            errcode: number(tree, "errcode"),
            errmsg: text(tree, "errmsg"),
            delivery_id: text(tree, "delivery_id"),
            biz_id: text(tree, "biz_id"),
        }
    }
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
    /// `order_status`: 101 waiting for a rider, 102 rider assigned, 103
    /// cancelled by the merchant; 201 rider at the store, 202 picked up,
    /// 203–205 pickup failed (cancelled); 301 delivering, 302 delivered,
    /// 303–305 on the way back to the merchant; 401 returned; 501
    /// cancelled by the delivery company's system.
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

/// `wxa_illegal_record`: the mini program was found in violation of a rule
/// ([getIllegalRecords](https://developers.weixin.qq.com/doc/oplatform/openApi/OpenApiDoc/miniprogram-management/record-management/getIllegalRecords.html)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct IllegalRecord {
    /// `illegal_record_id`: the record, for the appeal APIs.
    pub illegal_record_id: Option<String>,
    /// `appid`: the mini program.
    pub appid: Option<String>,
    /// `create_time`: Unix seconds of the violation.
    pub create_time: Option<i64>,
    /// `illegal_reason`: why.
    pub illegal_reason: Option<String>,
    /// `illegal_content`: what was found.
    pub illegal_content: Option<String>,
    /// `rule_url`: the rule's page.
    pub rule_url: Option<String>,
    /// `rule_name`: the rule.
    pub rule_name: Option<String>,
}

impl IllegalRecord {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            illegal_record_id: text(tree, "illegal_record_id"),
            appid: text(tree, "appid"),
            create_time: number(tree, "create_time"),
            illegal_reason: text(tree, "illegal_reason"),
            illegal_content: text(tree, "illegal_content"),
            rule_url: text(tree, "rule_url"),
            rule_name: text(tree, "rule_name"),
        }
    }
}

/// `wxa_appeal_record`: an appeal against a violation record moved on
/// ([getAppealRecords](https://developers.weixin.qq.com/doc/oplatform/openApi/OpenApiDoc/miniprogram-management/record-management/getAppealRecords.html)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct AppealRecord {
    /// `appeal_record_id`: the appeal.
    pub appeal_record_id: Option<String>,
    /// `appid`: the mini program.
    pub appid: Option<String>,
    /// `appeal_time`: Unix seconds.
    pub appeal_time: Option<i64>,
    /// `appeal_count`: how many times it was appealed.
    pub appeal_count: Option<u32>,
    /// `appeal_from`: 0 the user, 1 the service provider.
    pub appeal_from: Option<u32>,
    /// `appeal_status`: 1 under review, 2 rejected, 3 approved, 4 withdrawn.
    pub appeal_status: Option<u32>,
    /// `audit_time`: Unix seconds of the review.
    pub audit_time: Option<i64>,
    /// `audit_reason`: the review's reason.
    pub audit_reason: Option<String>,
    /// `punish_description`: the penalty appealed against.
    pub punish_description: Option<String>,
    /// `materials` (`material` in XML): what the violation and the appeal
    /// consist of.
    pub materials: Vec<AppealMaterial>,
}

/// One entry of an appeal's material.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct AppealMaterial {
    /// `illegal_material/content`: the content found in violation.
    pub illegal_content: Option<String>,
    /// `illegal_material/content_url`: where it was.
    pub illegal_content_url: Option<String>,
    /// `appeal_material/reason`: the appeal's reason.
    pub appeal_reason: Option<String>,
    /// `appeal_material/proof_material_ids`: media ids of the proof.
    pub proof_material_ids: Vec<String>,
}

impl AppealRecord {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            appeal_record_id: text(tree, "appeal_record_id"),
            appid: text(tree, "appid"),
            appeal_time: number(tree, "appeal_time"),
            appeal_count: number(tree, "appeal_count"),
            appeal_from: number(tree, "appeal_from"),
            appeal_status: number(tree, "appeal_status"),
            audit_time: number(tree, "audit_time"),
            audit_reason: text(tree, "audit_reason"),
            punish_description: text(tree, "punish_description"),
            materials: tree
                .items("material")
                .chain(tree.items("materials"))
                .filter(|m| {
                    m.child("illegal_material").is_some() || m.child("appeal_material").is_some()
                })
                .map(|material| {
                    let illegal = material.child("illegal_material");
                    let appeal = material.child("appeal_material");
                    AppealMaterial {
                        illegal_content: illegal.and_then(|i| text(i, "content")),
                        illegal_content_url: illegal.and_then(|i| text(i, "content_url")),
                        appeal_reason: appeal.and_then(|a| text(a, "reason")),
                        proof_material_ids: appeal
                            .map(|a| {
                                let mut ids = texts(a, "proof_material_ids");
                                ids.extend(texts(a, "proof_material_id"));
                                ids
                            })
                            .unwrap_or_default(),
                    }
                })
                .collect(),
        }
    }
}
