//! The single-waybill (散单寄件) requests WeChat's logistics helper sends an
//! express company: a user with no account at the company sends a parcel
//! from WeChat ("微信快递服务", the shipping and return components), pays
//! online, and follows it in WeChat. WeChat asks the company for a price,
//! places and cancels the order, asks for its state, relays the payment, a
//! reminder, a complaint and a rating, and asks which pickup times a city
//! has. Each waits for its answer in the HTTP response
//! (`request.reply(…)`, an [`EventReply`]).
//!
//! The requests are those of the
//! [single-waybill guide](https://developers.weixin.qq.com/miniprogram/dev/platform-capabilities/industry/express/delivery/single-delivery.html)
//! and its event pages; every field is `Option`, so a known request never
//! fails on a missing detail. `Debug` never shows an order's `Token`, an
//! account's password, nor anyone's name, phone or street address.
//! They live apart from the merchant requests of
//! [`express_company_request`](super::express_company_request) because
//! they form a second integration with its own ids (`WXAppId`, a `Token`
//! per order, no `BizID`).

use std::fmt;

use serde::Serialize;

use super::express_company_request::{WaybillContact, WaybillInsurance, hidden};
use super::tree::{Node, number, text};
use crate::callback::{EventReply, Fields};

/// The goods of a single waybill (`GoodDetail`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct SingleWaybillGoods {
    /// `Special`: the kind of goods (the guide's goods types).
    pub special: Option<i64>,
    /// `Weight`: kg.
    pub weight: Option<f64>,
}

impl SingleWaybillGoods {
    fn child(tree: &Node) -> Option<Self> {
        tree.child("GoodDetail").map(|node| Self {
            special: number(node, "Special"),
            weight: number(node, "Weight"),
        })
    }
}

/// The answer every single-waybill request shares: `ResultCode` (0 for
/// success) and `ResultMsg`.
fn result(result_code: i64, result_msg: impl Into<String>) -> Fields {
    Fields::new()
        .integer("ResultCode", result_code)
        .text("ResultMsg", result_msg)
}

/// `query_single_waybill_fee`: the user picked the addresses; WeChat asks
/// for the standard price
/// ([check_standard_shipping](https://developers.weixin.qq.com/miniprogram/dev/server/event_push/express/provider/check_standard_shipping.html)).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct SingleWaybillFeeQuery {
    /// `Sender` (personal data: hidden in `Debug`).
    pub sender: Option<WaybillContact>,
    /// `Receiver` (personal data: hidden in `Debug`).
    pub receiver: Option<WaybillContact>,
    /// `GoodDetail`.
    pub good_detail: Option<SingleWaybillGoods>,
    /// `Scene`: where the user orders from.
    pub scene: Option<i64>,
}

impl SingleWaybillFeeQuery {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            sender: WaybillContact::child(tree, "Sender"),
            receiver: WaybillContact::child(tree, "Receiver"),
            good_detail: SingleWaybillGoods::child(tree),
            scene: number(tree, "Scene"),
        }
    }

    /// The answer: `result_code` (0 priced), its message, the price
    /// (`Fee`, fen) and the price before discount (`OriginalFee`, fen) if
    /// there is one.
    pub fn reply(
        &self,
        result_code: i64,
        result_msg: impl Into<String>,
        fee: i64,
        original_fee: Option<i64>,
    ) -> EventReply {
        EventReply::new(
            "query_single_waybill_fee",
            result(result_code, result_msg)
                .integer("Fee", fee)
                .optional_integer("OriginalFee", original_fee),
        )
    }
}

/// `add_single_waybill`: the user orders
/// ([shipping_capacity_order](https://developers.weixin.qq.com/miniprogram/dev/server/event_push/express/provider/shipping_capacity_order.html)).
///
/// ```
/// use wechat_api::callback::Reply;
/// use wechat_api::event::{Event, Message};
///
/// let push = "<xml><ToUserName><![CDATA[gh_abcdefg]]></ToUserName><FromUserName><![CDATA[oABCD]]></FromUserName>\
///             <CreateTime>1533042556</CreateTime><MsgType><![CDATA[event]]></MsgType>\
///             <Event><![CDATA[add_single_waybill]]></Event><Token><![CDATA[tok]]></Token>\
///             <WXAppId><![CDATA[wxABCD]]></WXAppId><OrderID><![CDATA[o1]]></OrderID>\
///             <Sender><Name><![CDATA[张三]]></Name><City><![CDATA[广州市]]></City></Sender>\
///             <ExpectStartTime>1700000000</ExpectStartTime><Scene>1</Scene></xml>";
/// let Message::Event(event) = Message::from_xml(push)? else { panic!("an event") };
/// let Event::AddSingleWaybill(order) = &event.detail else { panic!("add_single_waybill") };
/// assert_eq!(order.expect_start_time, Some(1_700_000_000));
/// assert!(!format!("{order:?}").contains("张三"));
/// let reply = Reply::from(order.reply(0, "success", "SF123", Some("2023-11-16"), Some("4321")));
/// assert!(reply.to_xml("oABCD", "gh_abcdefg", 1).contains("<PickCode><![CDATA[4321]]></PickCode>"));
/// # Ok::<(), wechat_api::Error>(())
/// ```
#[derive(Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct SingleWaybillOrder {
    /// `Token`: WeChat's token for the order (never in `Debug`).
    pub token: Option<String>,
    /// `WXAppId`: the mini program the user ordered from.
    pub wx_app_id: Option<String>,
    /// `CompanyID`: the key account's company, if any.
    pub company_id: Option<String>,
    /// `Account`: the monthly account, if any.
    pub account: Option<String>,
    /// `AccountPwd`: its password (never in `Debug`).
    pub account_pwd: Option<String>,
    /// `OrderID`: the order id.
    pub order_id: Option<String>,
    /// `Sender`.
    pub sender: Option<WaybillContact>,
    /// `Receiver`.
    pub receiver: Option<WaybillContact>,
    /// `GoodDetail`.
    pub good_detail: Option<SingleWaybillGoods>,
    /// `Insured`.
    pub insured: Option<WaybillInsurance>,
    /// `Remark`.
    pub remark: Option<String>,
    /// `Settingment` (so spelt): how the order is settled.
    pub settingment: Option<i64>,
    /// `ExpectStartTime`: the wished pickup window's start (Unix seconds).
    pub expect_start_time: Option<i64>,
    /// `ExpectEndTime`: its end.
    pub expect_end_time: Option<i64>,
    /// `PickUpStartTime`: the booked pickup slot's start (Unix seconds).
    pub pick_up_start_time: Option<i64>,
    /// `PickUpEndTime`: its end.
    pub pick_up_end_time: Option<i64>,
    /// `Scene`: where the user orders from.
    pub scene: Option<i64>,
}

impl SingleWaybillOrder {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            token: text(tree, "Token"),
            wx_app_id: text(tree, "WXAppId"),
            company_id: text(tree, "CompanyID"),
            account: text(tree, "Account"),
            account_pwd: text(tree, "AccountPwd"),
            order_id: text(tree, "OrderID"),
            sender: WaybillContact::child(tree, "Sender"),
            receiver: WaybillContact::child(tree, "Receiver"),
            good_detail: SingleWaybillGoods::child(tree),
            insured: WaybillInsurance::child(tree),
            remark: text(tree, "Remark"),
            settingment: number(tree, "Settingment"),
            expect_start_time: number(tree, "ExpectStartTime"),
            expect_end_time: number(tree, "ExpectEndTime"),
            pick_up_start_time: number(tree, "PickUpStartTime"),
            pick_up_end_time: number(tree, "PickUpEndTime"),
            scene: number(tree, "Scene"),
        }
    }

    /// The answer: `result_code` (0 ordered), its message, the waybill
    /// number (`WayBillID`), the expected delivery date
    /// (`EstimatedDeliveryTime`, `yyyy-MM-dd`) and the pickup code
    /// (`PickCode`) when the company gives them.
    pub fn reply(
        &self,
        result_code: i64,
        result_msg: impl Into<String>,
        way_bill_id: impl Into<String>,
        estimated_delivery_time: Option<&str>,
        pick_code: Option<&str>,
    ) -> EventReply {
        EventReply::new(
            "add_single_waybill",
            result(result_code, result_msg)
                .text("WayBillID", way_bill_id)
                .optional_text("EstimatedDeliveryTime", estimated_delivery_time)
                .optional_text("PickCode", pick_code),
        )
    }
}

impl fmt::Debug for SingleWaybillOrder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SingleWaybillOrder")
            .field("token", &hidden(&self.token))
            .field("wx_app_id", &self.wx_app_id)
            .field("company_id", &self.company_id)
            .field("account", &self.account)
            .field("account_pwd", &hidden(&self.account_pwd))
            .field("order_id", &self.order_id)
            .field("sender", &self.sender)
            .field("receiver", &self.receiver)
            .field("good_detail", &self.good_detail)
            .field("insured", &self.insured)
            .field("remark", &self.remark)
            .field("settingment", &self.settingment)
            .field("expect_start_time", &self.expect_start_time)
            .field("expect_end_time", &self.expect_end_time)
            .field("pick_up_start_time", &self.pick_up_start_time)
            .field("pick_up_end_time", &self.pick_up_end_time)
            .field("scene", &self.scene)
            .finish()
    }
}

/// The ids every request about an existing single waybill carries:
/// `Token` (never in `Debug`), `WXAppId`, `OrderID`, `WayBillID`.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SingleWaybillIds {
    /// `Token`: WeChat's token for the order.
    pub token: Option<String>,
    /// `WXAppId`: the mini program the user ordered from.
    pub wx_app_id: Option<String>,
    /// `OrderID`.
    pub order_id: Option<String>,
    /// `WayBillID`.
    pub way_bill_id: Option<String>,
}

impl SingleWaybillIds {
    fn from_tree(tree: &Node) -> Self {
        Self {
            token: text(tree, "Token"),
            wx_app_id: text(tree, "WXAppId"),
            order_id: text(tree, "OrderID"),
            way_bill_id: text(tree, "WayBillID"),
        }
    }
}

impl fmt::Debug for SingleWaybillIds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SingleWaybillIds")
            .field("token", &hidden(&self.token))
            .field("wx_app_id", &self.wx_app_id)
            .field("order_id", &self.order_id)
            .field("way_bill_id", &self.way_bill_id)
            .finish()
    }
}

/// `cancel_single_waybill`: the user cancels the order (single-waybill
/// guide).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SingleWaybillCancel {
    /// The order.
    pub ids: SingleWaybillIds,
    /// `CancelID`: the reason's id.
    pub cancel_id: Option<String>,
    /// `CancelReason`: the reason.
    pub cancel_reason: Option<String>,
}

impl SingleWaybillCancel {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            ids: SingleWaybillIds::from_tree(tree),
            cancel_id: text(tree, "CancelID"),
            cancel_reason: text(tree, "CancelReason"),
        }
    }

    /// The answer: `result_code` (0 cancelled) and its message.
    pub fn reply(&self, result_code: i64, result_msg: impl Into<String>) -> EventReply {
        EventReply::new("cancel_single_waybill", result(result_code, result_msg))
    }
}

/// `query_single_waybill`: the user looks at the order; WeChat asks for
/// the waybill's details and trace
/// ([query_waybill](https://developers.weixin.qq.com/miniprogram/dev/server/event_push/express/provider/query_waybill.html)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SingleWaybillQuery {
    /// The order.
    pub ids: SingleWaybillIds,
}

impl SingleWaybillQuery {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            ids: SingleWaybillIds::from_tree(tree),
        }
    }

    /// The answer: `result_code` (0 found), its message, the waybill
    /// number (`WayBillID`), then `details`, the rest of the doc's answer
    /// built with [`Fields`]: `Sender` and `Receiver` (objects as in the
    /// request), `GoodDetail`, `Insured`, `PathInfo` (an object with a
    /// `path_info` list of `action_time`, `action_type`, `action_msg`,
    /// `pickup_courier_name`…), `Fee` and `OriginalFee` (fen),
    /// `OnlinePay`, `PayResult`.
    pub fn reply(
        &self,
        result_code: i64,
        result_msg: impl Into<String>,
        way_bill_id: impl Into<String>,
        details: Fields,
    ) -> EventReply {
        let mut fields = result(result_code, result_msg).text("WayBillID", way_bill_id);
        for name in details.names() {
            if let Some(value) = details.get(name) {
                fields = fields.field(name, value.clone());
            }
        }
        EventReply::new("query_single_waybill", fields)
    }
}

/// `notify_single_waybill_pay`: the user paid for the waybill (single-
/// waybill guide).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SingleWaybillPayment {
    /// The order.
    pub ids: SingleWaybillIds,
    /// `Fee`: the amount paid, fen.
    pub fee: Option<i64>,
    /// `OriginalFee`: the price before discount, fen.
    pub original_fee: Option<i64>,
    /// `PayOrderId`: the payment's id.
    pub pay_order_id: Option<String>,
    /// `PayFinishTime`: when it was paid (Unix seconds).
    pub pay_finish_time: Option<i64>,
}

impl SingleWaybillPayment {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            ids: SingleWaybillIds::from_tree(tree),
            fee: number(tree, "Fee"),
            original_fee: number(tree, "OriginalFee"),
            pay_order_id: text(tree, "PayOrderId"),
            pay_finish_time: number(tree, "PayFinishTime"),
        }
    }

    /// The answer: `result_code` (0 received) and its message.
    pub fn reply(&self, result_code: i64, result_msg: impl Into<String>) -> EventReply {
        EventReply::new("notify_single_waybill_pay", result(result_code, result_msg))
    }
}

/// `remind_waybill`: the user asks the company to hurry (single-waybill
/// guide).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct WaybillReminder {
    /// The order.
    pub ids: SingleWaybillIds,
}

impl WaybillReminder {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            ids: SingleWaybillIds::from_tree(tree),
        }
    }

    /// The answer: `result_code` (0 noted), its message, and the waybill
    /// number and expected date (`EstimatedDeliveryTime`, `yyyy-MM-dd`)
    /// when the company gives them.
    pub fn reply(
        &self,
        result_code: i64,
        result_msg: impl Into<String>,
        way_bill_id: Option<&str>,
        estimated_delivery_time: Option<&str>,
    ) -> EventReply {
        EventReply::new(
            "remind_waybill",
            result(result_code, result_msg)
                .optional_text("WayBillID", way_bill_id)
                .optional_text("EstimatedDeliveryTime", estimated_delivery_time),
        )
    }
}

/// `waybill_complaint`: the user complains about the waybill
/// (single-waybill guide).
#[derive(Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct WaybillComplaint {
    /// The order.
    pub ids: SingleWaybillIds,
    /// `ComplainType`: the kind of complaint.
    pub complain_type: Option<i64>,
    /// `Content`: what the user wrote.
    pub content: Option<String>,
    /// `Pic`: a picture's URL.
    pub pic: Option<String>,
    /// `Name`: the user's name (never in `Debug`).
    pub name: Option<String>,
    /// `Phone`: the user's phone (never in `Debug`).
    pub phone: Option<String>,
}

impl WaybillComplaint {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            ids: SingleWaybillIds::from_tree(tree),
            complain_type: number(tree, "ComplainType"),
            content: text(tree, "Content"),
            pic: text(tree, "Pic"),
            name: text(tree, "Name"),
            phone: text(tree, "Phone"),
        }
    }

    /// The answer: `result_code` (0 received) and its message.
    pub fn reply(&self, result_code: i64, result_msg: impl Into<String>) -> EventReply {
        EventReply::new("waybill_complaint", result(result_code, result_msg))
    }
}

impl fmt::Debug for WaybillComplaint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaybillComplaint")
            .field("ids", &self.ids)
            .field("complain_type", &self.complain_type)
            .field("content", &self.content)
            .field("pic", &self.pic)
            .field("name", &hidden(&self.name))
            .field("phone", &hidden(&self.phone))
            .finish()
    }
}

/// `waybill_evaluate_agent`: the user rates the courier (single-waybill
/// guide).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CourierRating {
    /// The order.
    pub ids: SingleWaybillIds,
    /// `CourierType`: which courier (the one who picked up or delivered).
    pub courier_type: Option<i64>,
    /// `Score`: the rating.
    pub score: Option<i64>,
}

impl CourierRating {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            ids: SingleWaybillIds::from_tree(tree),
            courier_type: number(tree, "CourierType"),
            score: number(tree, "Score"),
        }
    }

    /// The answer: `result_code` (0 received) and its message.
    pub fn reply(&self, result_code: i64, result_msg: impl Into<String>) -> EventReply {
        EventReply::new("waybill_evaluate_agent", result(result_code, result_msg))
    }
}

/// `waybill_query_expect_time_range`: the user picks a pickup time; WeChat
/// asks which slots the address's city has
/// ([check_reservation](https://developers.weixin.qq.com/miniprogram/dev/server/event_push/express/provider/check_reservation.html)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct PickupTimeQuery {
    /// `WXAppId`: the mini program the user orders from.
    pub wx_app_id: Option<String>,
    /// The address (`Province`, `City`, `Area`, `Street`, `Address`, `Id`;
    /// the street and address hidden in `Debug`).
    pub address: WaybillContact,
}

impl PickupTimeQuery {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            wx_app_id: text(tree, "WXAppId"),
            address: WaybillContact::from_tree(tree),
        }
    }

    /// The answer: `result_code` (0 found), its message and the slots
    /// (`ValidTimeRange`, one element each).
    pub fn reply(
        &self,
        result_code: i64,
        result_msg: impl Into<String>,
        ranges: &[PickupTimeRange],
    ) -> EventReply {
        EventReply::new(
            "waybill_query_expect_time_range",
            result(result_code, result_msg).list(
                "ValidTimeRange",
                ranges.iter().map(PickupTimeRange::fields).collect(),
            ),
        )
    }
}

/// A pickup slot, in [`PickupTimeQuery::reply`] (`ValidTimeRange`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickupTimeRange {
    start_time: i64,
    end_time: i64,
    day_delta: Option<i64>,
    status: Option<i64>,
}

impl PickupTimeRange {
    /// From hour `start_time` to hour `end_time` (`StartTime`, `EndTime`).
    pub fn new(start_time: i64, end_time: i64) -> Self {
        Self {
            start_time,
            end_time,
            day_delta: None,
            status: None,
        }
    }

    /// On the day `day_delta` days from today (`DayDelta`: 0 today).
    #[must_use]
    pub fn day_delta(mut self, day_delta: i64) -> Self {
        self.day_delta = Some(day_delta);
        self
    }

    /// With the slot's `Status` (whether it can be booked).
    #[must_use]
    pub fn status(mut self, status: i64) -> Self {
        self.status = Some(status);
        self
    }

    fn fields(&self) -> Fields {
        Fields::new()
            .integer("StartTime", self.start_time)
            .integer("EndTime", self.end_time)
            .optional_integer("DayDelta", self.day_delta)
            .optional_integer("Status", self.status)
    }
}
