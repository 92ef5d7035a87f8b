//! Requests the mini-program instant-delivery platform (即时配送) sends a
//! delivery company's mini program (配送公司 / 运力方, the provider side of
//! instant delivery): they wait for an answer in the HTTP response, which
//! each request builds (`request.reply(…)`, an [`EventReply`] that a router
//! handler returns as a [`Reply`](crate::callback::Reply)).
//!
//! Two families: the order requests (`transport_*`: quote, place, re-place,
//! tip, cancel, query an order, the rider's position and score, the
//! merchant's confirmation of a returned parcel, and the test tool's
//! `mock_update_order_status`) and the account-binding requests
//! (`get_pre_auth_code`, `get_auth_info`, `cancel_auth_account`). Their
//! answers use lowercase `resultcode` / `resultmsg` and the fields of each
//! doc's answer table, in its order; fees are yuan and distances metres, so
//! they are decimals.
//!
//! The callback answers request events every time they come, WeChat's
//! retries included (it does not drop them as repeats): a retried order
//! must get the same answer (the same waybill for the same
//! `shop_order_id`).
//!
//! Anything a push lacks is `None`, so a known request never fails on a
//! missing detail. The fields are those of the instant-delivery provider
//! docs, the `immediateDelivery.on*` pages (e.g.
//! [onOrderAdd](https://developers.weixin.qq.com/miniprogram/dev/api-backend/open-api/immediate-delivery/by-provider/immediateDelivery.onOrderAdd.html)),
//! which give field tables and no samples.
//! `Debug` never shows `delivery_sign` (signed with the company's
//! appSecret), tokens or authorization codes, nor the personal data of an
//! order (names, phones, addresses, coordinates).

use std::fmt;

use serde::Serialize;

use super::tree::{Node, number, text};
use crate::callback::{EventReply, Fields};

/// `Some("<redacted>")` for a present value: `Debug` says whether a secret
/// or personal detail came, never what it is.
fn hidden<T>(value: &Option<T>) -> Option<&'static str> {
    value.as_ref().map(|_| "<redacted>")
}

/// `resultcode` and `resultmsg`, the start of every answer.
fn result(result_code: i64, result_msg: impl Into<String>) -> Fields {
    Fields::new()
        .integer("resultcode", result_code)
        .text("resultmsg", result_msg)
}

/// A sender or receiver of an instant-delivery order (`sender`,
/// `receiver`). `Debug` shows the city and the coordinate type only.
#[derive(Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct DeliveryAddress {
    /// `name` (personal data).
    pub name: Option<String>,
    /// `city`, e.g. 广州市.
    pub city: Option<String>,
    /// `address`: street, estate or building, for locating (personal data).
    pub address: Option<String>,
    /// `address_detail`: building, unit, floor (personal data).
    pub address_detail: Option<String>,
    /// `phone` (personal data).
    pub phone: Option<String>,
    /// `lng`: longitude, in the system of `coordinate_type` (personal data).
    pub lng: Option<f64>,
    /// `lat`: latitude (personal data).
    pub lat: Option<f64>,
    /// `coordinate_type`: 0 GCJ-02 (Tencent, AMap), 1 Baidu.
    pub coordinate_type: Option<i64>,
}

impl DeliveryAddress {
    fn from_tree(node: &Node) -> Self {
        Self {
            name: text(node, "name"),
            city: text(node, "city"),
            address: text(node, "address"),
            address_detail: text(node, "address_detail"),
            phone: text(node, "phone"),
            lng: number(node, "lng"),
            lat: number(node, "lat"),
            coordinate_type: number(node, "coordinate_type"),
        }
    }
}

impl fmt::Debug for DeliveryAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeliveryAddress")
            .field("name", &hidden(&self.name))
            .field("city", &self.city)
            .field("address", &hidden(&self.address))
            .field("address_detail", &hidden(&self.address_detail))
            .field("phone", &hidden(&self.phone))
            .field("lng", &hidden(&self.lng))
            .field("lat", &hidden(&self.lat))
            .field("coordinate_type", &self.coordinate_type)
            .finish()
    }
}

/// One line of `cargo/goods_detail/goods`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct DeliveryGoods {
    /// `good_count`.
    pub good_count: Option<i64>,
    /// `good_name`.
    pub good_name: Option<String>,
    /// `good_price`: unit price in yuan.
    pub good_price: Option<f64>,
    /// `good_unit`: the unit, e.g. 元 or 件.
    pub good_unit: Option<String>,
}

impl DeliveryGoods {
    fn from_tree(node: &Node) -> Self {
        Self {
            good_count: number(node, "good_count"),
            good_name: text(node, "good_name"),
            good_price: number(node, "good_price"),
            good_unit: text(node, "good_unit"),
        }
    }
}

/// What is delivered (`cargo`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct DeliveryCargo {
    /// `goods_value`: yuan.
    pub goods_value: Option<f64>,
    /// `goods_height`: cm.
    pub goods_height: Option<f64>,
    /// `goods_length`: cm.
    pub goods_length: Option<f64>,
    /// `goods_width`: cm.
    pub goods_width: Option<f64>,
    /// `goods_weight`: kg.
    pub goods_weight: Option<f64>,
    /// `goods_detail/goods`: the lines.
    pub goods: Vec<DeliveryGoods>,
    /// `goods_pickup_info`: for the rider at the store.
    pub goods_pickup_info: Option<String>,
    /// `goods_delivery_info`: for the hand-over.
    pub goods_delivery_info: Option<String>,
    /// `cargo_first_class`: category, e.g. 美食夜宵.
    pub cargo_first_class: Option<String>,
    /// `cargo_second_class`: sub-category, e.g. 零食小吃.
    pub cargo_second_class: Option<String>,
}

impl DeliveryCargo {
    fn from_tree(node: &Node) -> Self {
        Self {
            goods_value: number(node, "goods_value"),
            goods_height: number(node, "goods_height"),
            goods_length: number(node, "goods_length"),
            goods_width: number(node, "goods_width"),
            goods_weight: number(node, "goods_weight"),
            goods: node
                .child("goods_detail")
                .map(|detail| {
                    detail
                        .items("goods")
                        .map(DeliveryGoods::from_tree)
                        .collect()
                })
                .unwrap_or_default(),
            goods_pickup_info: text(node, "goods_pickup_info"),
            goods_delivery_info: text(node, "goods_delivery_info"),
            cargo_first_class: text(node, "cargo_first_class"),
            cargo_second_class: text(node, "cargo_second_class"),
        }
    }
}

/// How the order is to be delivered (`order_info`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct DeliveryOrderInfo {
    /// `delivery_service_code`: the company's own service code.
    pub delivery_service_code: Option<String>,
    /// `order_type`: 0 now, 1 booked (then one of the `expected_*` times).
    pub order_type: Option<i64>,
    /// `expected_delivery_time`: Unix seconds to dispatch.
    pub expected_delivery_time: Option<i64>,
    /// `expected_finish_time`: Unix seconds to deliver by.
    pub expected_finish_time: Option<i64>,
    /// `expected_pick_time`: Unix seconds to pick up.
    pub expected_pick_time: Option<i64>,
    /// `poi_seq`: the store's order number, for the rider.
    pub poi_seq: Option<String>,
    /// `note`.
    pub note: Option<String>,
    /// `order_time`: Unix seconds the user paid.
    pub order_time: Option<i64>,
    /// `is_insured`: 1 insured.
    pub is_insured: Option<i64>,
    /// `declared_value`: insured value, yuan.
    pub declared_value: Option<f64>,
    /// `tips`: yuan.
    pub tips: Option<f64>,
    /// `is_direct_delivery`: 1 the rider carries this order only.
    pub is_direct_delivery: Option<i64>,
    /// `cash_on_delivery`: yuan the rider pays.
    pub cash_on_delivery: Option<f64>,
    /// `cash_on_pickup`: yuan the rider collects.
    pub cash_on_pickup: Option<f64>,
    /// `rider_pick_method`: 1 store to user, 2 user to store.
    pub rider_pick_method: Option<i64>,
    /// `is_finish_code_needed`: 1 the rider needs the receiver's code.
    pub is_finish_code_needed: Option<i64>,
    /// `is_pickup_code_needed`: 1 the rider needs the store's code.
    pub is_pickup_code_needed: Option<i64>,
}

impl DeliveryOrderInfo {
    fn from_tree(node: &Node) -> Self {
        Self {
            delivery_service_code: text(node, "delivery_service_code"),
            order_type: number(node, "order_type"),
            expected_delivery_time: number(node, "expected_delivery_time"),
            expected_finish_time: number(node, "expected_finish_time"),
            expected_pick_time: number(node, "expected_pick_time"),
            poi_seq: text(node, "poi_seq"),
            note: text(node, "note"),
            order_time: number(node, "order_time"),
            is_insured: number(node, "is_insured"),
            declared_value: number(node, "declared_value"),
            tips: number(node, "tips"),
            is_direct_delivery: number(node, "is_direct_delivery"),
            cash_on_delivery: number(node, "cash_on_delivery"),
            cash_on_pickup: number(node, "cash_on_pickup"),
            rider_pick_method: number(node, "rider_pick_method"),
            is_finish_code_needed: number(node, "is_finish_code_needed"),
            is_pickup_code_needed: number(node, "is_pickup_code_needed"),
        }
    }
}

/// `transport_precreate_order` (a quote: 预下单), `transport_add_order`
/// (place the order: 下单) and `transport_readd_order` (place again after a
/// cancellation or a failed delivery: 重新下单): one order, answered with
/// [`DeliveryOrder::reply`].
///
/// ```
/// use wechat_api::callback::Reply;
/// use wechat_api::event::{Event, Message, OrderAnswer};
///
/// let push = r#"{"ToUserName":"gh_delivery","FromUserName":"oWeChat","CreateTime":1586000000,
///     "MsgType":"event","Event":"transport_add_order","wx_token":"tok","shopid":"shop1",
///     "shop_order_id":"order1","delivery_sign":"sign","receiver":{"name":"Li","phone":"13800000000"}}"#;
/// let Message::Event(event) = Message::from_json(push)? else { panic!("an event") };
/// let Event::TransportAddOrder(order) = &event.detail else { panic!("transport_add_order") };
/// assert_eq!(order.receiver.as_ref().and_then(|r| r.name.as_deref()), Some("Li"));
/// assert!(!format!("{order:?}").contains("13800000000"));
/// let answer = OrderAnswer { fee: 9.5, waybill_id: Some("wb1".into()), order_status: Some(101), ..OrderAnswer::default() };
/// let reply = Reply::from(order.reply(&answer));
/// assert!(reply.to_json("oWeChat", "gh_delivery", 1).contains(r#""waybill_id":"wb1""#));
/// # Ok::<(), wechat_api::Error>(())
/// ```
#[derive(Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct DeliveryOrder {
    /// The request (`transport_precreate_order`, `transport_add_order` or
    /// `transport_readd_order`): the answer repeats it.
    #[serde(skip)]
    event: &'static str,
    /// `wx_token`: WeChat's token for the order, to pass to `updateOrder`
    /// (placing only; never in `Debug`).
    pub wx_token: Option<String>,
    /// `delivery_token`: the token the company gave with its quote, to keep
    /// the fee (placing only; never in `Debug`).
    pub delivery_token: Option<String>,
    /// `shopid`: the merchant's id (appkey) at the company.
    pub shopid: Option<String>,
    /// `shop_no`: the merchant's store at the company.
    pub shop_no: Option<String>,
    /// `shop_order_id`: the merchant's order.
    pub shop_order_id: Option<String>,
    /// `delivery_sign`: the request's signature with the company's appSecret
    /// (never in `Debug`).
    pub delivery_sign: Option<String>,
    /// `sender`: absent when the company knows the store's address.
    pub sender: Option<DeliveryAddress>,
    /// `receiver`.
    pub receiver: Option<DeliveryAddress>,
    /// `cargo`.
    pub cargo: Option<DeliveryCargo>,
    /// `order_info`.
    pub order_info: Option<DeliveryOrderInfo>,
}

impl DeliveryOrder {
    pub(crate) fn from_tree(tree: &Node, event: &'static str) -> Self {
        Self {
            event,
            wx_token: text(tree, "wx_token"),
            delivery_token: text(tree, "delivery_token"),
            shopid: text(tree, "shopid"),
            shop_no: text(tree, "shop_no"),
            shop_order_id: text(tree, "shop_order_id"),
            delivery_sign: text(tree, "delivery_sign"),
            sender: tree.child("sender").map(DeliveryAddress::from_tree),
            receiver: tree.child("receiver").map(DeliveryAddress::from_tree),
            cargo: tree.child("cargo").map(DeliveryCargo::from_tree),
            order_info: tree.child("order_info").map(DeliveryOrderInfo::from_tree),
        }
    }

    /// The answer, with the fields of this request's answer table, in its
    /// order: for a quote (`transport_precreate_order`) `resultcode`,
    /// `resultmsg`, `fee`, `deliverfee`, `couponfee`, `tips`,
    /// `insurancefee`, then `distance`, `dispatch_duration` and
    /// `delivery_token` when given; for an order (`transport_add_order`,
    /// `transport_readd_order`) the same fees, then `distance`,
    /// `waybill_id`, `order_status`, `finish_code`, `pickup_code`,
    /// `dispatch_duration`, `sender_lng`, `sender_lat` when given.
    pub fn reply(&self, answer: &OrderAnswer) -> EventReply {
        let fields = result(answer.result_code, answer.result_msg.clone())
            .decimal("fee", answer.fee)
            .decimal("deliverfee", answer.deliverfee)
            .decimal("couponfee", answer.couponfee)
            .decimal("tips", answer.tips)
            .decimal("insurancefee", answer.insurancefee);
        let fields = match answer.distance {
            Some(distance) => fields.decimal("distance", distance),
            None => fields,
        };
        let fields = if self.event == "transport_precreate_order" {
            fields
                .optional_integer("dispatch_duration", answer.dispatch_duration)
                .optional_text("delivery_token", answer.delivery_token.clone())
        } else {
            let fields = fields
                .optional_text("waybill_id", answer.waybill_id.clone())
                .optional_integer("order_status", answer.order_status)
                .optional_integer("finish_code", answer.finish_code)
                .optional_integer("pickup_code", answer.pickup_code)
                .optional_integer("dispatch_duration", answer.dispatch_duration);
            let fields = match answer.sender_lng {
                Some(lng) => fields.decimal("sender_lng", lng),
                None => fields,
            };
            match answer.sender_lat {
                Some(lat) => fields.decimal("sender_lat", lat),
                None => fields,
            }
        };
        EventReply::new(self.event, fields)
    }
}

impl fmt::Debug for DeliveryOrder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeliveryOrder")
            .field("event", &self.event)
            .field("wx_token", &hidden(&self.wx_token))
            .field("delivery_token", &hidden(&self.delivery_token))
            .field("shopid", &self.shopid)
            .field("shop_no", &self.shop_no)
            .field("shop_order_id", &self.shop_order_id)
            .field("delivery_sign", &hidden(&self.delivery_sign))
            .field("sender", &self.sender)
            .field("receiver", &self.receiver)
            .field("cargo", &self.cargo)
            .field("order_info", &self.order_info)
            .finish()
    }
}

/// What a delivery company answers a quote or an order
/// ([`DeliveryOrder::reply`]): each field is written only where that
/// request's answer table has it. Fees are yuan.
#[derive(Clone, Default, PartialEq)]
pub struct OrderAnswer {
    /// `resultcode`: 0 for success, else the company's error code.
    pub result_code: i64,
    /// `resultmsg`.
    pub result_msg: String,
    /// `fee`: what is paid, the delivery fee less the coupon.
    pub fee: f64,
    /// `deliverfee`: the delivery fee.
    pub deliverfee: f64,
    /// `couponfee`: the coupon.
    pub couponfee: f64,
    /// `tips`.
    pub tips: f64,
    /// `insurancefee`.
    pub insurancefee: f64,
    /// `distance`: metres.
    pub distance: Option<f64>,
    /// `waybill_id`: the delivery order (orders; may come later through
    /// `updateOrder`).
    pub waybill_id: Option<String>,
    /// `order_status`: the order's status (orders), e.g. 101 waiting for a
    /// rider.
    pub order_status: Option<i64>,
    /// `finish_code`: the receiver's code (orders).
    pub finish_code: Option<i64>,
    /// `pickup_code`: the store's code (orders).
    pub pickup_code: Option<i64>,
    /// `dispatch_duration`: seconds until a rider takes it, 0 unknown.
    pub dispatch_duration: Option<i64>,
    /// `delivery_token`: keeps the quoted fee when the order comes with it
    /// (quotes).
    pub delivery_token: Option<String>,
    /// `sender_lng`: the store's longitude, GCJ-02, when the order had no
    /// sender (orders).
    pub sender_lng: Option<f64>,
    /// `sender_lat`: the store's latitude (orders).
    pub sender_lat: Option<f64>,
}

impl fmt::Debug for OrderAnswer {
    /// The codes and token are hidden: they let a rider take or hand over
    /// the parcel.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OrderAnswer")
            .field("result_code", &self.result_code)
            .field("result_msg", &self.result_msg)
            .field("fee", &self.fee)
            .field("deliverfee", &self.deliverfee)
            .field("couponfee", &self.couponfee)
            .field("tips", &self.tips)
            .field("insurancefee", &self.insurancefee)
            .field("distance", &self.distance)
            .field("waybill_id", &self.waybill_id)
            .field("order_status", &self.order_status)
            .field("finish_code", &hidden(&self.finish_code))
            .field("pickup_code", &hidden(&self.pickup_code))
            .field("dispatch_duration", &self.dispatch_duration)
            .field("delivery_token", &hidden(&self.delivery_token))
            .field("sender_lng", &self.sender_lng)
            .field("sender_lat", &self.sender_lat)
            .finish()
    }
}

/// An order as the merchant and the company name it, with the request's
/// signature: the first fields of every request about an order already
/// placed. `Debug` never shows `delivery_sign`.
#[derive(Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct OrderKey {
    /// `shopid`: the merchant's id at the company.
    pub shopid: Option<String>,
    /// `shop_order_id`: the merchant's order.
    pub shop_order_id: Option<String>,
    /// `shop_no`: the merchant's store.
    pub shop_no: Option<String>,
    /// `waybill_id`: the delivery order.
    pub waybill_id: Option<String>,
    /// `delivery_sign` (never in `Debug`).
    pub delivery_sign: Option<String>,
}

impl OrderKey {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            shopid: text(tree, "shopid"),
            shop_order_id: text(tree, "shop_order_id"),
            shop_no: text(tree, "shop_no"),
            waybill_id: text(tree, "waybill_id"),
            delivery_sign: text(tree, "delivery_sign"),
        }
    }
}

impl fmt::Debug for OrderKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OrderKey")
            .field("shopid", &self.shopid)
            .field("shop_order_id", &self.shop_order_id)
            .field("shop_no", &self.shop_no)
            .field("waybill_id", &self.waybill_id)
            .field("delivery_sign", &hidden(&self.delivery_sign))
            .finish()
    }
}

/// `transport_add_tips`: the merchant adds a tip to an order no rider has
/// taken yet.
#[derive(Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct TipsAddition {
    /// The order (`shopid`, `shop_order_id`, `shop_no`, `waybill_id`,
    /// `delivery_sign`).
    #[serde(flatten)]
    pub order: OrderKey,
    /// `tips`: yuan.
    pub tips: Option<f64>,
    /// `remark`.
    pub remark: Option<String>,
}

impl TipsAddition {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            order: OrderKey::from_tree(tree),
            tips: number(tree, "tips"),
            remark: text(tree, "remark"),
        }
    }

    /// The answer: `resultcode` (0 for success) and `resultmsg`.
    pub fn reply(&self, result_code: i64, result_msg: impl Into<String>) -> EventReply {
        EventReply::new("transport_add_tips", result(result_code, result_msg))
    }
}

impl fmt::Debug for TipsAddition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TipsAddition")
            .field("order", &self.order)
            .field("tips", &self.tips)
            .field("remark", &self.remark)
            .finish()
    }
}

/// `transport_precancel_order` (may the order be cancelled, and at what
/// penalty: 预取消) and `transport_cancel_order` (cancel it): answered with
/// [`OrderCancellation::reply`].
#[derive(Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct OrderCancellation {
    /// The request, which the answer repeats.
    #[serde(skip)]
    event: &'static str,
    /// The order (`shopid`, `shop_order_id`, `shop_no`, `waybill_id`,
    /// `delivery_sign`).
    #[serde(flatten)]
    pub order: OrderKey,
    /// `cancel_reason_id`: 1 not needed now, 2 price, 3 wrong order, 4 late
    /// pickup, 5 late delivery, 6 other (then `cancel_reason`).
    pub cancel_reason_id: Option<i64>,
    /// `cancel_reason`.
    pub cancel_reason: Option<String>,
}

impl OrderCancellation {
    pub(crate) fn from_tree(tree: &Node, event: &'static str) -> Self {
        Self {
            event,
            order: OrderKey::from_tree(tree),
            cancel_reason_id: number(tree, "cancel_reason_id"),
            cancel_reason: text(tree, "cancel_reason"),
        }
    }

    /// The answer: `resultcode` (0 for success), `resultmsg`, the penalty
    /// in yuan (`deduct_fee`: expected for a pre-cancellation, charged for
    /// a cancellation; left out when there is none) and its explanation
    /// (`desc`).
    pub fn reply(
        &self,
        result_code: i64,
        result_msg: impl Into<String>,
        deduct_fee: Option<f64>,
        desc: impl Into<String>,
    ) -> EventReply {
        let fields = result(result_code, result_msg);
        let fields = match deduct_fee {
            Some(fee) => fields.decimal("deduct_fee", fee),
            None => fields,
        };
        EventReply::new(self.event, fields.text("desc", desc))
    }
}

impl fmt::Debug for OrderCancellation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OrderCancellation")
            .field("event", &self.event)
            .field("order", &self.order)
            .field("cancel_reason_id", &self.cancel_reason_id)
            .field("cancel_reason", &self.cancel_reason)
            .finish()
    }
}

/// An order named by the merchant and the company: the request of
/// `transport_query_order_status` ([`OrderQuery::status_reply`]) and of
/// `transport_confirm_return_to_biz` (the merchant confirms a parcel that
/// could not be delivered came back: [`OrderQuery::reply`]).
#[derive(Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct OrderQuery {
    /// The request, which the answer repeats.
    #[serde(skip)]
    event: &'static str,
    /// The order (`shopid`, `shop_order_id`, `shop_no`, `waybill_id`,
    /// `delivery_sign`).
    #[serde(flatten)]
    pub order: OrderKey,
}

impl OrderQuery {
    pub(crate) fn from_tree(tree: &Node, event: &'static str) -> Self {
        Self {
            event,
            order: OrderKey::from_tree(tree),
        }
    }

    /// The answer of `transport_confirm_return_to_biz`: `resultcode` (0
    /// for success) and `resultmsg`.
    pub fn reply(&self, result_code: i64, result_msg: impl Into<String>) -> EventReply {
        EventReply::new(self.event, result(result_code, result_msg))
    }

    /// The answer of `transport_query_order_status`: `resultcode`,
    /// `resultmsg`, the order's `order_status` (101 waiting for a rider,
    /// 102 rider assigned, 201 rider at the store, 202 picked up, 301
    /// delivering, 302 delivered…), `action_msg` when given and the
    /// `waybill_id`.
    pub fn status_reply(
        &self,
        result_code: i64,
        result_msg: impl Into<String>,
        order_status: i64,
        action_msg: Option<String>,
        waybill_id: impl Into<String>,
    ) -> EventReply {
        EventReply::new(
            self.event,
            result(result_code, result_msg)
                .integer("order_status", order_status)
                .optional_text("action_msg", action_msg)
                .text("waybill_id", waybill_id),
        )
    }
}

impl fmt::Debug for OrderQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OrderQuery")
            .field("event", &self.event)
            .field("order", &self.order)
            .finish()
    }
}

/// `transport_get_agent_pos`: where the rider of an order is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct AgentPositionQuery {
    /// The order (`shopid`, `shop_order_id`, `shop_no`, `waybill_id`,
    /// `delivery_sign`).
    #[serde(flatten)]
    pub order: OrderKey,
}

impl AgentPositionQuery {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            order: OrderKey::from_tree(tree),
        }
    }

    /// The answer: `resultcode` (0 for success), `resultmsg`, then the
    /// rider's position (`lng`, `lat`, GCJ-02, 6 decimals), the `distance`
    /// to the destination in metres and the seconds left (`reach_time`).
    pub fn reply(
        &self,
        result_code: i64,
        result_msg: impl Into<String>,
        position: &AgentPosition,
    ) -> EventReply {
        EventReply::new(
            "transport_get_agent_pos",
            result(result_code, result_msg)
                .decimal("lng", position.lng)
                .decimal("lat", position.lat)
                .decimal("distance", position.distance)
                .integer("reach_time", position.reach_time),
        )
    }
}

/// A rider's position, for [`AgentPositionQuery::reply`].
#[derive(Clone, Default, PartialEq)]
pub struct AgentPosition {
    /// Longitude, GCJ-02.
    pub lng: f64,
    /// Latitude, GCJ-02.
    pub lat: f64,
    /// Metres to the destination.
    pub distance: f64,
    /// Seconds until delivery (300 for five minutes).
    pub reach_time: i64,
}

impl fmt::Debug for AgentPosition {
    /// The position is a person's whereabouts: hidden.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AgentPosition")
            .field("lng", &"<redacted>")
            .field("lat", &"<redacted>")
            .field("distance", &self.distance)
            .field("reach_time", &self.reach_time)
            .finish()
    }
}

/// `transport_set_rider_score`: the merchant scores an order's rider, each
/// score 1 to 5.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct RiderScore {
    /// The order (`shopid`, `shop_order_id`, `shop_no`, `waybill_id`,
    /// `delivery_sign`).
    #[serde(flatten)]
    pub order: OrderKey,
    /// `delivery_ontime_score`: punctuality.
    pub delivery_ontime_score: Option<i64>,
    /// `cargo_intact_score`: the goods arrived intact.
    pub cargo_intact_score: Option<i64>,
    /// `attitude_score`: service.
    pub attitude_score: Option<i64>,
}

impl RiderScore {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            order: OrderKey::from_tree(tree),
            delivery_ontime_score: number(tree, "delivery_ontime_score"),
            cargo_intact_score: number(tree, "cargo_intact_score"),
            attitude_score: number(tree, "attitude_score"),
        }
    }

    /// The answer: `resultcode` (0 for success) and `resultmsg`.
    pub fn reply(&self, result_code: i64, result_msg: impl Into<String>) -> EventReply {
        EventReply::new("transport_set_rider_score", result(result_code, result_msg))
    }
}

/// `mock_update_order_status`: the test tool asks the company to move a
/// test order to a status (the company then calls `updateOrder` as for a
/// real change).
#[derive(Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct MockStatusUpdate {
    /// The order (`shopid`, `shop_order_id`, `shop_no`, `waybill_id`,
    /// `delivery_sign`).
    #[serde(flatten)]
    pub order: OrderKey,
    /// `order_status`: the status to move to (101, 102, 201…).
    pub order_status: Option<i64>,
    /// `action_time`: Unix seconds of the change.
    pub action_time: Option<i64>,
    /// `action_msg`: extra information.
    pub action_msg: Option<String>,
}

impl MockStatusUpdate {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            order: OrderKey::from_tree(tree),
            order_status: number(tree, "order_status"),
            action_time: number(tree, "action_time"),
            action_msg: text(tree, "action_msg"),
        }
    }

    /// The answer: `resultcode` (0 for success) and `resultmsg`.
    pub fn reply(&self, result_code: i64, result_msg: impl Into<String>) -> EventReply {
        EventReply::new("mock_update_order_status", result(result_code, result_msg))
    }
}

impl fmt::Debug for MockStatusUpdate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockStatusUpdate")
            .field("order", &self.order)
            .field("order_status", &self.order_status)
            .field("action_time", &self.action_time)
            .field("action_msg", &self.action_msg)
            .finish()
    }
}

/// `get_pre_auth_code`: a merchant's mini program starts binding its
/// account with the company; the company answers a pre-authorization code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct PreAuthCodeQuery {
    /// `wx_appid`: the merchant's mini program.
    pub wx_appid: Option<String>,
}

impl PreAuthCodeQuery {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            wx_appid: text(tree, "wx_appid"),
        }
    }

    /// The answer: `resultcode` (0 for success), `resultmsg` and the
    /// `pre_auth_code`.
    pub fn reply(
        &self,
        result_code: i64,
        result_msg: impl Into<String>,
        pre_auth_code: impl Into<String>,
    ) -> EventReply {
        EventReply::new(
            "get_pre_auth_code",
            result(result_code, result_msg).text("pre_auth_code", pre_auth_code),
        )
    }
}

/// `get_auth_info`: with the authorization code the merchant got from the
/// company, WeChat asks which account it bound.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct AuthInfoQuery {
    /// `wx_appid`: the merchant's mini program.
    pub wx_appid: Option<String>,
    /// `code`: the authorization code (never in `Debug`).
    pub code: Option<String>,
}

impl AuthInfoQuery {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            wx_appid: text(tree, "wx_appid"),
            code: text(tree, "code"),
        }
    }

    /// The answer: `resultcode` (0 for success), `resultmsg`, the
    /// merchant's `appkey` (its `shopid` from then on), the `account` name
    /// and `account_type` (0 unknown, 1 prepaid, 2 monthly, 3 other).
    pub fn reply(
        &self,
        result_code: i64,
        result_msg: impl Into<String>,
        appkey: impl Into<String>,
        account: impl Into<String>,
        account_type: i64,
    ) -> EventReply {
        EventReply::new(
            "get_auth_info",
            result(result_code, result_msg)
                .text("appkey", appkey)
                .text("account", account)
                .integer("account_type", account_type),
        )
    }
}

impl fmt::Debug for AuthInfoQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthInfoQuery")
            .field("wx_appid", &self.wx_appid)
            .field("code", &hidden(&self.code))
            .finish()
    }
}

/// `cancel_auth_account`: a merchant unbinds its account with the company.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct AuthCancellation {
    /// `shopid`: the merchant's id at the company.
    pub shopid: Option<String>,
    /// `wx_appid`: the merchant's mini program.
    pub wx_appid: Option<String>,
}

impl AuthCancellation {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            shopid: text(tree, "shopid"),
            wx_appid: text(tree, "wx_appid"),
        }
    }

    /// The answer: `resultcode` (0 for success) and `resultmsg`.
    pub fn reply(&self, result_code: i64, result_msg: impl Into<String>) -> EventReply {
        EventReply::new("cancel_auth_account", result(result_code, result_msg))
    }
}
