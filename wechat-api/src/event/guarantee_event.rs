//! A mini program's trade-guarantee (交易保障) events: a user's complaint
//! about a trade was filed or moved on (`complaint_callback`) and a user left
//! a bad review (`wxa_comment_bad_score`); their typed detail, read from the
//! push's element tree.
//!
//! Anything a push lacks is `None`, so a known event never fails on a
//! missing detail. The fields are those of the
//! [complaint doc](https://developers.weixin.qq.com/miniprogram/dev/platform-capabilities/business-capabilities/guarantee/complaint.html)
//! and of the
//! [review doc](https://developers.weixin.qq.com/miniprogram/dev/platform-capabilities/industry/guarantee/comment.html)'s
//! bad-review callback (§4.1). A complaint carries the user's phone number:
//! `Debug` does not show it.

use std::fmt;

use serde::Serialize;

use super::tree::{Node, number, text};

/// `complaint_callback`: a trade complaint was filed, or its progress or
/// details changed.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct TradeComplaint {
    /// `appid`: the mini program.
    pub appid: Option<String>,
    /// `option_type`: what happened: a new complaint or a progress update.
    pub option_type: Option<u32>,
    /// `complaint_order_id`: the complaint, for the complaint APIs.
    pub complaint_order_id: Option<String>,
    /// `status`: the complaint's status code (201 awaiting the merchant…).
    pub status: Option<u32>,
    /// `create_time`: when it was filed, Unix seconds.
    pub create_time: Option<i64>,
    /// `expire_time`: when its current status runs out, Unix seconds.
    pub expire_time: Option<i64>,
    /// `type`: the kind of problem, a code of the doc's table.
    pub complaint_type: Option<u32>,
    /// `order_id`: the trade's order.
    pub order_id: Option<String>,
    /// `out_trade_no`: the merchant's order number.
    pub out_trade_no: Option<String>,
    /// `phone_number`: the user's phone (not shown by `Debug`).
    pub phone_number: Option<String>,
    /// `open_id`: the user.
    pub open_id: Option<String>,
    /// `customer_material_content`: what the user wrote.
    pub customer_material_content: Option<String>,
    /// `customer_material_media_id_list`: the user's pictures (their URLs
    /// expire: fetch them again through the complaint API).
    pub customer_material_media_id_list: Option<String>,
    /// `pay_time`: when the order was paid, Unix seconds.
    pub pay_time: Option<i64>,
    /// `total_cost`: the amount paid, in fen.
    pub total_cost: Option<i64>,
    /// `product_name`: what was bought.
    pub product_name: Option<String>,
    /// `history`: the complaint's steps so far.
    pub history: Vec<ComplaintStep>,
}

/// One step of a complaint's `history`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ComplaintStep {
    /// `time`: Unix seconds.
    pub time: Option<i64>,
    /// `content`: what was said.
    pub content: Option<String>,
    /// `media_id_list`: the pictures attached.
    pub media_id_list: Vec<String>,
}

impl ComplaintStep {
    fn from_tree(tree: &Node) -> Self {
        Self {
            time: number(tree, "time"),
            content: text(tree, "content"),
            media_id_list: tree
                .children
                .iter()
                .filter(|c| c.name == "media_id_list")
                .map(|c| c.text.trim())
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect(),
        }
    }
}

impl TradeComplaint {
    /// The fields are under `BussiCallBackInfo` in XML, at the top level in
    /// JSON.
    pub(crate) fn from_tree(tree: &Node) -> Self {
        let info = tree.child("BussiCallBackInfo").unwrap_or(tree);
        Self {
            appid: text(info, "appid"),
            option_type: number(info, "option_type"),
            complaint_order_id: text(info, "complaint_order_id"),
            status: number(info, "status"),
            create_time: number(info, "create_time"),
            expire_time: number(info, "expire_time"),
            complaint_type: number(info, "type"),
            order_id: text(info, "order_id"),
            out_trade_no: text(info, "out_trade_no"),
            phone_number: text(info, "phone_number"),
            open_id: text(info, "open_id"),
            customer_material_content: text(info, "customer_material_content"),
            customer_material_media_id_list: text(info, "customer_material_media_id_list"),
            pay_time: number(info, "pay_time"),
            total_cost: number(info, "total_cost"),
            product_name: text(info, "product_name"),
            history: info
                .children
                .iter()
                .filter(|c| c.name == "history")
                .map(ComplaintStep::from_tree)
                .collect(),
        }
    }
}

/// Shows whether the user's phone number is present, never its value.
impl fmt::Debug for TradeComplaint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TradeComplaint")
            .field("appid", &self.appid)
            .field("option_type", &self.option_type)
            .field("complaint_order_id", &self.complaint_order_id)
            .field("status", &self.status)
            .field("create_time", &self.create_time)
            .field("expire_time", &self.expire_time)
            .field("complaint_type", &self.complaint_type)
            .field("order_id", &self.order_id)
            .field("out_trade_no", &self.out_trade_no)
            .field(
                "phone_number",
                &self.phone_number.as_ref().map(|_| "<redacted>"),
            )
            .field("open_id", &self.open_id)
            .field("customer_material_content", &self.customer_material_content)
            .field(
                "customer_material_media_id_list",
                &self.customer_material_media_id_list,
            )
            .field("pay_time", &self.pay_time)
            .field("total_cost", &self.total_cost)
            .field("product_name", &self.product_name)
            .field("history", &self.history)
            .finish()
    }
}

/// `wxa_comment_bad_score`: a user left a bad review; the mini program may
/// reset its customer-service quota and write to the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct BadComment {
    /// `result/comment_id`: the review, for the review APIs.
    pub comment_id: Option<String>,
}

impl BadComment {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        let result = tree.child("result").unwrap_or(tree);
        Self {
            comment_id: text(result, "comment_id"),
        }
    }
}
