//! Requests WeChat's logistics helper (物流助手) sends an express company's
//! mini program (快递公司, the provider side of the logistics helper): they
//! wait for an answer in the HTTP response, which each request builds
//! (`request.reply(…)`, an [`EventReply`] that a router handler returns as
//! a [`Reply`](crate::callback::Reply)).
//!
//! The callback answers request events every time they come, WeChat's
//! retries included (it does not drop them as repeats): the docs ask the
//! company to answer a repeated request as it answered the first (the same
//! waybill for the same `BizID` + `OrderID`).
//!
//! Anything a push lacks is `None`, so a known request never fails on a
//! missing detail. The fields are those of the logistics helper's
//! [provider docs](https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/express/express-by-provider/).
//! `Debug` never shows a merchant's password (`BizPwd`), an order's
//! `Token`, nor anyone's name, phone or street address.
//!
//! This file holds the requests of the merchant (电子面单) integration
//! (`get_quota`, `check_biz`, `add_waybill`, `cancel_waybill`,
//! `waybill_notify_query`) and the parts they share with the single-waybill
//! (散单) requests of
//! [`express_single_waybill_request`](super::express_single_waybill_request).

use std::fmt;

use serde::Serialize;

use super::tree::{Node, number, text};
use crate::callback::{EventReply, Fields};

/// What `Debug` shows for a secret or a piece of personal data: whether it
/// is there, never its value.
pub(crate) fn hidden(value: &Option<String>) -> Option<&'static str> {
    value.as_ref().map(|_| "<redacted>")
}

/// `get_quota`: a merchant's balance with the company (for merchants that
/// prepay), asked before an order.
///
/// ```
/// use wechat_api::callback::Reply;
/// use wechat_api::event::{Event, Message};
///
/// let push = "<xml><ToUserName><![CDATA[gh_abcdefg]]></ToUserName><FromUserName><![CDATA[oABCD]]></FromUserName>\
///             <CreateTime>1533042556</CreateTime><MsgType><![CDATA[event]]></MsgType>\
///             <Event><![CDATA[get_quota]]></Event><BizID><![CDATA[xyz]]></BizID>\
///             <BizPwd><![CDATA[xyz123]]></BizPwd><ShopAppID><![CDATA[wxABCD]]></ShopAppID></xml>";
/// let Message::Event(event) = Message::from_xml(push)? else { panic!("an event") };
/// let Event::GetQuota(request) = &event.detail else { panic!("get_quota") };
/// assert!(event.detail.expects_reply());
/// let reply = Reply::from(request.reply(0, "ok", 100));
/// assert!(reply.to_xml("oABCD", "gh_abcdefg", 1).contains("<Quota>100</Quota>"));
/// # Ok::<(), wechat_api::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct QuotaQuery {
    /// `BizID`: the merchant's customer code or monthly account with the
    /// company.
    pub biz_id: Option<String>,
    /// `BizPwd`: that account's password (never in `Debug`).
    pub biz_pwd: Option<String>,
    /// `ShopAppID`: the merchant's mini program.
    pub shop_app_id: Option<String>,
}

impl QuotaQuery {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            biz_id: text(tree, "BizID"),
            biz_pwd: text(tree, "BizPwd"),
            shop_app_id: text(tree, "ShopAppID"),
        }
    }

    /// The answer: `result_code` (0 found; -1 another error; 10001 no such
    /// account; 10002 wrong password), its message, and the merchant's
    /// balance (`Quota`, 0 for none). `BizID` is echoed.
    pub fn reply(&self, result_code: i64, result_msg: impl Into<String>, quota: i64) -> EventReply {
        EventReply::new(
            "get_quota",
            Fields::new()
                .text("BizID", self.biz_id.clone().unwrap_or_default())
                .integer("ResultCode", result_code)
                .text("ResultMsg", result_msg)
                .integer("Quota", quota),
        )
    }
}

impl fmt::Debug for QuotaQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("QuotaQuery")
            .field("biz_id", &self.biz_id)
            .field("biz_pwd", &hidden(&self.biz_pwd))
            .field("shop_app_id", &self.shop_app_id)
            .finish()
    }
}

/// `check_biz`: the logistics helper asks the company to approve a
/// merchant's account before the merchant may order with it
/// ([onCheckBusiness](https://developers.weixin.qq.com/miniprogram/dev/server/event_push/express/provider/Review_merchant_events.html)).
/// The shop's details are sent by EMS only.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct BusinessCheck {
    /// `BizID`: the merchant's customer code or monthly account.
    pub biz_id: Option<String>,
    /// `BizPwd`: that account's password (never in `Debug`).
    pub biz_pwd: Option<String>,
    /// `ShopAppID`: the merchant's mini program.
    pub shop_app_id: Option<String>,
    /// `ShopName`: the merchant's name (its mini program's nickname).
    pub shop_name: Option<String>,
    /// `ShopTelphone` (so spelt): the merchant's phone (never in `Debug`).
    pub shop_telphone: Option<String>,
    /// `ShopContact`: the merchant's contact person (never in `Debug`).
    pub shop_contact: Option<String>,
    /// `ServiceName`: the service the merchant wants opened.
    pub service_name: Option<String>,
    /// `SenderProvince`: the province the merchant ships from.
    pub sender_province: Option<String>,
    /// `SenderCity`: the city the merchant ships from.
    pub sender_city: Option<String>,
    /// `SenderArea`: the district the merchant ships from.
    pub sender_area: Option<String>,
    /// `SenderAddress`: the street address the merchant ships from (never
    /// in `Debug`).
    pub sender_address: Option<String>,
}

impl BusinessCheck {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            biz_id: text(tree, "BizID"),
            biz_pwd: text(tree, "BizPwd"),
            shop_app_id: text(tree, "ShopAppID"),
            shop_name: text(tree, "ShopName"),
            shop_telphone: text(tree, "ShopTelphone"),
            shop_contact: text(tree, "ShopContact"),
            service_name: text(tree, "ServiceName"),
            sender_province: text(tree, "SenderProvince"),
            sender_city: text(tree, "SenderCity"),
            sender_area: text(tree, "SenderArea"),
            sender_address: text(tree, "SenderAddress"),
        }
    }

    /// The answer: `result_code` (0 approved; -1 another error; 10001 no
    /// such account; 10002 wrong password), its message, and the
    /// merchant's balance (`Quota`) when the company tells it (the doc's
    /// sample leaves it out). `BizID` is echoed.
    pub fn reply(
        &self,
        result_code: i64,
        result_msg: impl Into<String>,
        quota: Option<i64>,
    ) -> EventReply {
        EventReply::new(
            "check_biz",
            Fields::new()
                .text("BizID", self.biz_id.clone().unwrap_or_default())
                .integer("ResultCode", result_code)
                .text("ResultMsg", result_msg)
                .optional_integer("Quota", quota),
        )
    }
}

impl fmt::Debug for BusinessCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BusinessCheck")
            .field("biz_id", &self.biz_id)
            .field("biz_pwd", &hidden(&self.biz_pwd))
            .field("shop_app_id", &self.shop_app_id)
            .field("shop_name", &self.shop_name)
            .field("shop_telphone", &hidden(&self.shop_telphone))
            .field("shop_contact", &hidden(&self.shop_contact))
            .field("service_name", &self.service_name)
            .field("sender_province", &self.sender_province)
            .field("sender_city", &self.sender_city)
            .field("sender_area", &self.sender_area)
            .field("sender_address", &hidden(&self.sender_address))
            .finish()
    }
}

/// A sender or a receiver (`Sender`, `Receiver`): personal data, so
/// `Debug` shows only the country, province, city, district and address
/// id. The merchant requests send `Company`, `PostCode` and `Country`; the
/// single-waybill requests send `Street` and `Id` instead.
#[derive(Clone, PartialEq, Eq, Default, Serialize)]
#[non_exhaustive]
pub struct WaybillContact {
    /// `Name`.
    pub name: Option<String>,
    /// `Tel`: a landline.
    pub tel: Option<String>,
    /// `Mobile`: a mobile phone.
    pub mobile: Option<String>,
    /// `Company`.
    pub company: Option<String>,
    /// `PostCode`.
    pub post_code: Option<String>,
    /// `Country` ("中国" when not given).
    pub country: Option<String>,
    /// `Province`, e.g. "广东省".
    pub province: Option<String>,
    /// `City`, e.g. "广州市".
    pub city: Option<String>,
    /// `Area`: the district, e.g. "海珠区".
    pub area: Option<String>,
    /// `Street`: the street (township) level.
    pub street: Option<String>,
    /// `Address`: the detailed address.
    pub address: Option<String>,
    /// `Id`: the address's id in the user's address book.
    pub id: Option<String>,
}

impl WaybillContact {
    pub(crate) fn from_tree(node: &Node) -> Self {
        Self {
            name: text(node, "Name"),
            tel: text(node, "Tel"),
            mobile: text(node, "Mobile"),
            company: text(node, "Company"),
            post_code: text(node, "PostCode"),
            country: text(node, "Country"),
            province: text(node, "Province"),
            city: text(node, "City"),
            area: text(node, "Area"),
            street: text(node, "Street"),
            address: text(node, "Address"),
            id: text(node, "Id"),
        }
    }

    /// The child `name` of `tree`, if the push has it.
    pub(crate) fn child(tree: &Node, name: &str) -> Option<Self> {
        tree.child(name).map(Self::from_tree)
    }
}

impl fmt::Debug for WaybillContact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaybillContact")
            .field("name", &hidden(&self.name))
            .field("tel", &hidden(&self.tel))
            .field("mobile", &hidden(&self.mobile))
            .field("company", &hidden(&self.company))
            .field("post_code", &hidden(&self.post_code))
            .field("country", &self.country)
            .field("province", &self.province)
            .field("city", &self.city)
            .field("area", &self.area)
            .field("street", &hidden(&self.street))
            .field("address", &hidden(&self.address))
            .field("id", &self.id)
            .finish()
    }
}

/// An `add_waybill`'s parcel (`Cargo`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[non_exhaustive]
pub struct WaybillCargo {
    /// `Weight`: total weight, kg.
    pub weight: Option<f64>,
    /// `Space_X`: length, cm.
    pub space_x: Option<f64>,
    /// `Space_Y`: width, cm.
    pub space_y: Option<f64>,
    /// `Space_Z`: height, cm.
    pub space_z: Option<f64>,
    /// `Count`: number of parcels (usually 1).
    pub count: Option<i64>,
    /// `DetailList`: the goods.
    pub detail_list: Vec<CargoItem>,
}

/// One of the goods in a parcel (`DetailList`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CargoItem {
    /// `Name`.
    pub name: Option<String>,
    /// `Count`.
    pub count: Option<i64>,
}

impl WaybillCargo {
    fn from_tree(node: &Node) -> Self {
        Self {
            weight: number(node, "Weight"),
            space_x: number(node, "Space_X"),
            space_y: number(node, "Space_Y"),
            space_z: number(node, "Space_Z"),
            count: number(node, "Count"),
            detail_list: node
                .children
                .iter()
                .filter(|c| c.name == "DetailList")
                .map(|item| CargoItem {
                    name: text(item, "Name"),
                    count: number(item, "Count"),
                })
                .collect(),
        }
    }
}

/// Insurance (`Insured`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct WaybillInsurance {
    /// `UseInsured`: whether the parcel is insured (1) or not (0).
    pub use_insured: Option<bool>,
    /// `InsuredValue`: the insured value, in fen (10000 is 100 yuan).
    pub insured_value: Option<i64>,
}

impl WaybillInsurance {
    pub(crate) fn child(tree: &Node) -> Option<Self> {
        tree.child("Insured").map(|node| Self {
            use_insured: number::<i64>(node, "UseInsured").map(|v| v != 0),
            insured_value: number(node, "InsuredValue"),
        })
    }
}

/// The service asked for (`Service`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct WaybillService {
    /// `ServiceType`: the company's service id.
    pub service_type: Option<i64>,
    /// `ServiceName`: its name, e.g. "标准快递".
    pub service_name: Option<String>,
}

/// `add_waybill`: a merchant orders a waybill with its account at the
/// company
/// ([onAddOrder](https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/express/express-by-provider/onAddOrder.html)).
/// A repeated push (same `BizID` + `OrderID`) must get the same waybill.
///
/// ```
/// use wechat_api::callback::Reply;
/// use wechat_api::event::{Event, Message};
///
/// let push = r#"{"ToUserName": "gh_abcdefg", "FromUserName": "oABCD", "CreateTime": 1533042556,
///     "MsgType": "event", "Event": "add_waybill", "Token": "1234ABC234523451",
///     "OrderID": "0123", "BizID": "xyz", "BizPwd": "xyz123", "WayBillID": "123456789",
///     "Sender": {"Name": "张三", "Mobile": "18666666666", "Province": "广东省"},
///     "Cargo": {"Weight": 1.2, "Count": 1, "DetailList": [{"Name": "书", "Count": 1}]}}"#;
/// let Message::Event(event) = Message::from_json(push)? else { panic!("an event") };
/// let Event::AddWaybill(order) = &event.detail else { panic!("add_waybill") };
/// assert_eq!(order.sender.as_ref().and_then(|s| s.province.as_deref()), Some("广东省"));
/// assert!(!format!("{order:?}").contains("18666666666"));
/// let reply = Reply::from(order.reply("123456789", 0, "success", "##ZTO_mark##888-666-666##"));
/// let json = reply.to_json("oABCD", "gh_abcdefg", 1);
/// assert!(json.contains(r#""WayBillID":"123456789""#) && json.contains(r#""Token":"1234ABC234523451""#));
/// # Ok::<(), wechat_api::Error>(())
/// ```
#[derive(Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct WaybillOrder {
    /// `Token`: the order's token, to pass to `logistics.updatePath`
    /// (never in `Debug`).
    pub token: Option<String>,
    /// `OrderID`: the merchant's order id.
    pub order_id: Option<String>,
    /// `BizID`: the merchant's customer code or monthly account.
    pub biz_id: Option<String>,
    /// `BizPwd`: that account's password (never in `Debug`).
    pub biz_pwd: Option<String>,
    /// `ShopAppID`: the merchant's mini program.
    pub shop_app_id: Option<String>,
    /// `WayBillID`: the waybill number WeChat allotted, or "0" when the
    /// company numbers it.
    pub way_bill_id: Option<String>,
    /// `Remark`: printed on the label, e.g. "易碎物品".
    pub remark: Option<String>,
    /// `Sender`.
    pub sender: Option<WaybillContact>,
    /// `Receiver`.
    pub receiver: Option<WaybillContact>,
    /// `Cargo`.
    pub cargo: Option<WaybillCargo>,
    /// `Insured`.
    pub insured: Option<WaybillInsurance>,
    /// `Service`.
    pub service: Option<WaybillService>,
}

impl WaybillOrder {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            token: text(tree, "Token"),
            order_id: text(tree, "OrderID"),
            biz_id: text(tree, "BizID"),
            biz_pwd: text(tree, "BizPwd"),
            shop_app_id: text(tree, "ShopAppID"),
            way_bill_id: text(tree, "WayBillID"),
            remark: text(tree, "Remark"),
            sender: WaybillContact::child(tree, "Sender"),
            receiver: WaybillContact::child(tree, "Receiver"),
            cargo: tree.child("Cargo").map(WaybillCargo::from_tree),
            insured: WaybillInsurance::child(tree),
            service: tree.child("Service").map(|node| WaybillService {
                service_type: number(node, "ServiceType"),
                service_name: text(node, "ServiceName"),
            }),
        }
    }

    /// The answer: the waybill number (`WayBillID`: WeChat's, or the
    /// company's when WeChat sent "0"), `result_code` (0 ordered; -1
    /// another error; 10001 no such account; 10002 wrong password; 20001
    /// wrong waybill number; 20002–20005 sender or receiver incomplete or
    /// out of range; 20006 bad cargo; 20007 balance too low; 20008 bad
    /// insurance; 20009 bad service), its message, and the label data
    /// (`WaybillData`, `##key##value##…`). `Token`, `OrderID` and `BizID`
    /// are echoed.
    pub fn reply(
        &self,
        way_bill_id: impl Into<String>,
        result_code: i64,
        result_msg: impl Into<String>,
        waybill_data: impl Into<String>,
    ) -> EventReply {
        EventReply::new(
            "add_waybill",
            Fields::new()
                .text("Token", self.token.clone().unwrap_or_default())
                .text("OrderID", self.order_id.clone().unwrap_or_default())
                .text("BizID", self.biz_id.clone().unwrap_or_default())
                .text("WayBillID", way_bill_id)
                .integer("ResultCode", result_code)
                .text("ResultMsg", result_msg)
                .text("WaybillData", waybill_data),
        )
    }
}

impl fmt::Debug for WaybillOrder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaybillOrder")
            .field("token", &hidden(&self.token))
            .field("order_id", &self.order_id)
            .field("biz_id", &self.biz_id)
            .field("biz_pwd", &hidden(&self.biz_pwd))
            .field("shop_app_id", &self.shop_app_id)
            .field("way_bill_id", &self.way_bill_id)
            .field("remark", &self.remark)
            .field("sender", &self.sender)
            .field("receiver", &self.receiver)
            .field("cargo", &self.cargo)
            .field("insured", &self.insured)
            .field("service", &self.service)
            .finish()
    }
}

/// `cancel_waybill`: a merchant cancels a waybill
/// ([onCancelOrder](https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/express/express-by-provider/onCancelOrder.html)).
#[derive(Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct WaybillCancel {
    /// `BizID`: the merchant's customer code or monthly account.
    pub biz_id: Option<String>,
    /// `BizPwd`: that account's password (never in `Debug`).
    pub biz_pwd: Option<String>,
    /// `ShopAppID`: the merchant's mini program.
    pub shop_app_id: Option<String>,
    /// `OrderID`: the merchant's order id.
    pub order_id: Option<String>,
    /// `WayBillID`: the waybill to cancel.
    pub way_bill_id: Option<String>,
}

impl WaybillCancel {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            biz_id: text(tree, "BizID"),
            biz_pwd: text(tree, "BizPwd"),
            shop_app_id: text(tree, "ShopAppID"),
            order_id: text(tree, "OrderID"),
            way_bill_id: text(tree, "WayBillID"),
        }
    }

    /// The answer: `result_code` (0 cancelled; -1 another error; 30001 no
    /// such `BizID`, `OrderID` or `WayBillID`; 30002 already picked up;
    /// 30003 void, e.g. already cancelled; 30004 the company does not
    /// cancel) and its message. `BizID`, `OrderID` and `WayBillID` are
    /// echoed.
    pub fn reply(&self, result_code: i64, result_msg: impl Into<String>) -> EventReply {
        EventReply::new(
            "cancel_waybill",
            Fields::new()
                .text("BizID", self.biz_id.clone().unwrap_or_default())
                .text("OrderID", self.order_id.clone().unwrap_or_default())
                .text("WayBillID", self.way_bill_id.clone().unwrap_or_default())
                .integer("ResultCode", result_code)
                .text("ResultMsg", result_msg),
        )
    }
}

impl fmt::Debug for WaybillCancel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaybillCancel")
            .field("biz_id", &self.biz_id)
            .field("biz_pwd", &hidden(&self.biz_pwd))
            .field("shop_app_id", &self.shop_app_id)
            .field("order_id", &self.order_id)
            .field("way_bill_id", &self.way_bill_id)
            .finish()
    }
}

/// `waybill_notify_query`: before it relays a status the company pushed,
/// WeChat asks the company for the waybill's current state, and relays it
/// only if they agree
/// ([check_order_status](https://developers.weixin.qq.com/miniprogram/dev/server/event_push/express/provider/check_order_status.html)).
#[derive(Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct WaybillStateQuery {
    /// `WaybillId`.
    pub waybill_id: Option<String>,
    /// `SenderPhone` (never in `Debug`).
    pub sender_phone: Option<String>,
    /// `ReceiverPhone` (never in `Debug`).
    pub receiver_phone: Option<String>,
}

impl WaybillStateQuery {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            waybill_id: text(tree, "WaybillId"),
            sender_phone: text(tree, "SenderPhone"),
            receiver_phone: text(tree, "ReceiverPhone"),
        }
    }

    /// The answer: `result_code` (0 found), its message, when the waybill
    /// was created (`WaybillCreateTime`, Unix seconds) and its whole trace
    /// (`Path`, latest first as in the doc's sample).
    pub fn reply(
        &self,
        result_code: i64,
        result_msg: impl Into<String>,
        waybill_create_time: i64,
        path: &[PathStep],
    ) -> EventReply {
        EventReply::new(
            "waybill_notify_query",
            Fields::new()
                .integer("ResultCode", result_code)
                .text("ResultMsg", result_msg)
                .integer("WaybillCreateTime", waybill_create_time)
                .list("Path", path.iter().map(PathStep::fields).collect()),
        )
    }
}

impl fmt::Debug for WaybillStateQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaybillStateQuery")
            .field("waybill_id", &self.waybill_id)
            .field("sender_phone", &hidden(&self.sender_phone))
            .field("receiver_phone", &hidden(&self.receiver_phone))
            .finish()
    }
}

/// One step of a waybill's trace, in [`WaybillStateQuery::reply`]
/// (`Path`). `Debug` hides the courier's name and phone.
#[derive(Clone, PartialEq, Eq)]
pub struct PathStep {
    action_type: i64,
    action_time: i64,
    action_msg: String,
    courier: Option<(String, String)>,
}

impl PathStep {
    /// A step: its type (`ActionType`, e.g. 100001 picked up, 300001 out
    /// for delivery: the logistics helper's action types), when
    /// (`ActionTime`, Unix seconds) and what (`ActionMsg`).
    pub fn new(action_type: i64, action_time: i64, action_msg: impl Into<String>) -> Self {
        Self {
            action_type,
            action_time,
            action_msg: action_msg.into(),
            courier: None,
        }
    }

    /// With the delivering courier's name and phone
    /// (`DeliveryCourierName`, `DeliveryCourierPhone`).
    #[must_use]
    pub fn delivery_courier(mut self, name: impl Into<String>, phone: impl Into<String>) -> Self {
        self.courier = Some((name.into(), phone.into()));
        self
    }

    fn fields(&self) -> Fields {
        let fields = Fields::new()
            .integer("ActionType", self.action_type)
            .integer("ActionTime", self.action_time)
            .text("ActionMsg", self.action_msg.clone());
        match &self.courier {
            Some((name, phone)) => fields
                .text("DeliveryCourierName", name.clone())
                .text("DeliveryCourierPhone", phone.clone()),
            None => fields,
        }
    }
}

impl fmt::Debug for PathStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PathStep")
            .field("action_type", &self.action_type)
            .field("action_time", &self.action_time)
            .field("action_msg", &self.action_msg)
            .field("courier", &self.courier.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}
