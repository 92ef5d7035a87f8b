//! Instant delivery's requests to a delivery company (配送公司 / 运力方):
//! each decoded from a push built from its doc's field table (the provider
//! docs give tables, no samples), with the answer of the doc's answer
//! table, field by field and in its order.
//!
//! The docs: the `immediateDelivery.on*` pages of the provider side
//! (运力方使用), e.g.
//! <https://developers.weixin.qq.com/miniprogram/dev/api-backend/open-api/immediate-delivery/by-provider/immediateDelivery.onOrderAdd.html>
//! (now also under
//! <https://developers.weixin.qq.com/miniprogram/dev/server/event_push/deliver/deliver_by_provider/>).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::{answer_leaves, pairs, provider_url, request};
use wechat_api::callback::Router;
use wechat_api::event::{AgentPosition, Event, Message, OrderAnswer};
use wechat_api_test_support::callback::{self as support, now};

/// The header WeChat puts on every request to a delivery company.
fn push(event: &str, body: &str) -> String {
    format!(
        "<xml><ToUserName><![CDATA[gh_delivery]]></ToUserName>\
         <FromUserName><![CDATA[oWeChatTeam]]></FromUserName><CreateTime>1586000000</CreateTime>\
         <MsgType><![CDATA[event]]></MsgType><Event><![CDATA[{event}]]></Event>{body}</xml>"
    )
}

/// The order fields of `transport_precreate_order` / `transport_add_order`
/// / `transport_readd_order`, as XML.
const ORDER_BODY: &str = "<shopid><![CDATA[shop_appkey_1]]></shopid><shop_no><![CDATA[store_7]]></shop_no>\
    <shop_order_id><![CDATA[order_20200404]]></shop_order_id>\
    <delivery_sign><![CDATA[sign_secret_0a1b]]></delivery_sign>\
    <sender><name><![CDATA[王店长]]></name><city><![CDATA[广州市]]></city>\
    <address><![CDATA[天河路1号]]></address><address_detail><![CDATA[A座101]]></address_detail>\
    <phone><![CDATA[13700000001]]></phone><lng>113.324520</lng><lat>23.099994</lat>\
    <coordinate_type>0</coordinate_type></sender>\
    <receiver><name><![CDATA[李收货]]></name><city><![CDATA[广州市]]></city>\
    <address><![CDATA[珠江新城2号]]></address><address_detail><![CDATA[B座2202]]></address_detail>\
    <phone><![CDATA[13800000002]]></phone><lng>113.330000</lng><lat>23.120000</lat>\
    <coordinate_type>0</coordinate_type></receiver>\
    <cargo><goods_value>25.5</goods_value><goods_height>10</goods_height><goods_length>20</goods_length>\
    <goods_width>15</goods_width><goods_weight>1.2</goods_weight>\
    <goods_detail><goods><good_count>1</good_count><good_name><![CDATA[水果]]></good_name>\
    <good_price>10.5</good_price><good_unit><![CDATA[元]]></good_unit></goods>\
    <goods><good_count>2</good_count><good_name><![CDATA[蔬菜]]></good_name>\
    <good_price>7.5</good_price><good_unit><![CDATA[元]]></good_unit></goods></goods_detail>\
    <goods_pickup_info><![CDATA[前台取]]></goods_pickup_info>\
    <cargo_first_class><![CDATA[美食夜宵]]></cargo_first_class>\
    <cargo_second_class><![CDATA[零食小吃]]></cargo_second_class></cargo>\
    <order_info><delivery_service_code><![CDATA[xl]]></delivery_service_code><order_type>0</order_type>\
    <poi_seq><![CDATA[1111]]></poi_seq><note><![CDATA[少放辣]]></note><order_time>1586000000</order_time>\
    <is_insured>0</is_insured><tips>2.5</tips><is_direct_delivery>0</is_direct_delivery>\
    <cash_on_delivery>0</cash_on_delivery><cash_on_pickup>0</cash_on_pickup>\
    <rider_pick_method>1</rider_pick_method><is_finish_code_needed>1</is_finish_code_needed>\
    <is_pickup_code_needed>1</is_pickup_code_needed></order_info>";

/// Personal data and secrets of [`ORDER_BODY`] that `Debug` must not show.
const ORDER_HIDDEN: &[&str] = &[
    "sign_secret_0a1b",
    "王店长",
    "天河路1号",
    "A座101",
    "13700000001",
    "113.32452",
    "李收货",
    "珠江新城2号",
    "B座2202",
    "13800000002",
    "23.12",
];

fn assert_hidden(debug: &str, hidden: &[&str]) {
    for secret in hidden {
        assert!(!debug.contains(secret), "{secret} in {debug}");
    }
}

/// `transport_precreate_order`
/// (<https://developers.weixin.qq.com/miniprogram/dev/api-backend/open-api/immediate-delivery/by-provider/immediateDelivery.onOrderPreAdd.html>):
/// the push built from the field table, the quote's answer in the answer
/// table's order.
#[test]
fn transport_precreate_order() {
    let Event::TransportPrecreateOrder(order) =
        request(&push("transport_precreate_order", ORDER_BODY))
    else {
        panic!("transport_precreate_order");
    };
    assert_eq!(order.shopid.as_deref(), Some("shop_appkey_1"));
    assert_eq!(order.shop_no.as_deref(), Some("store_7"));
    assert_eq!(order.shop_order_id.as_deref(), Some("order_20200404"));
    assert_eq!(order.delivery_sign.as_deref(), Some("sign_secret_0a1b"));
    assert_eq!(order.wx_token, None, "a quote has no WeChat token");
    let sender = order.sender.as_ref().expect("sender");
    assert_eq!(sender.name.as_deref(), Some("王店长"));
    assert_eq!(sender.phone.as_deref(), Some("13700000001"));
    assert_eq!(sender.lng, Some(113.324_52));
    assert_eq!(sender.coordinate_type, Some(0));
    let receiver = order.receiver.as_ref().expect("receiver");
    assert_eq!(receiver.address_detail.as_deref(), Some("B座2202"));
    assert_eq!(receiver.lat, Some(23.12));
    let cargo = order.cargo.as_ref().expect("cargo");
    assert_eq!(cargo.goods_value, Some(25.5));
    assert_eq!(cargo.goods_weight, Some(1.2));
    assert_eq!(cargo.goods.len(), 2);
    assert_eq!(cargo.goods[1].good_name.as_deref(), Some("蔬菜"));
    assert_eq!(cargo.goods[1].good_count, Some(2));
    assert_eq!(cargo.goods[0].good_price, Some(10.5));
    assert_eq!(cargo.cargo_second_class.as_deref(), Some("零食小吃"));
    let info = order.order_info.as_ref().expect("order_info");
    assert_eq!(info.tips, Some(2.5));
    assert_eq!(info.order_time, Some(1_586_000_000));
    assert_eq!(info.is_pickup_code_needed, Some(1));
    assert_eq!(info.poi_seq.as_deref(), Some("1111"));
    assert_hidden(&format!("{order:?}"), ORDER_HIDDEN);

    let quote = OrderAnswer {
        result_code: 0,
        result_msg: "ok".into(),
        fee: 9.5,
        deliverfee: 12.0,
        couponfee: 2.5,
        tips: 0.0,
        insurancefee: 0.0,
        distance: Some(1_234.5),
        dispatch_duration: Some(300),
        delivery_token: Some("quote_token".into()),
        // not in a quote's answer table: left out
        waybill_id: Some("not_for_a_quote".into()),
        order_status: Some(101),
        ..OrderAnswer::default()
    };
    assert_eq!(
        answer_leaves(order.reply(&quote)),
        pairs(&[
            ("MsgType", "event"),
            ("Event", "transport_precreate_order"),
            ("resultcode", "0"),
            ("resultmsg", "ok"),
            ("fee", "9.5"),
            ("deliverfee", "12.0"),
            ("couponfee", "2.5"),
            ("tips", "0.0"),
            ("insurancefee", "0.0"),
            ("distance", "1234.5"),
            ("dispatch_duration", "300"),
            ("delivery_token", "quote_token"),
        ])
    );
    assert!(
        !format!("{quote:?}").contains("quote_token"),
        "the token stays out of Debug"
    );
}

/// `transport_add_order`
/// (<https://developers.weixin.qq.com/miniprogram/dev/api-backend/open-api/immediate-delivery/by-provider/immediateDelivery.onOrderAdd.html>),
/// as JSON (a mini program configured for JSON pushes): the order's answer
/// in the answer table's order.
#[test]
fn transport_add_order() {
    let json = serde_json::json!({
        "ToUserName": "gh_delivery", "FromUserName": "oWeChatTeam", "CreateTime": 1_586_000_000,
        "MsgType": "event", "Event": "transport_add_order",
        "wx_token": "wx_token_secret", "delivery_token": "quote_token",
        "shopid": "shop_appkey_1", "shop_no": "store_7", "shop_order_id": "order_20200404",
        "delivery_sign": "sign_secret_0a1b",
        "receiver": {"name": "李收货", "city": "广州市", "address": "珠江新城2号",
                     "address_detail": "B座2202", "phone": "13800000002",
                     "lng": 113.33, "lat": 23.12, "coordinate_type": 0},
        "cargo": {"goods_value": 25.5, "goods_weight": 1.2,
                  "goods_detail": {"goods": [{"good_count": 1, "good_name": "水果"},
                                             {"good_count": 2, "good_name": "蔬菜"}]}},
        "order_info": {"order_type": 1, "expected_finish_time": 1_586_003_600, "tips": 0}
    })
    .to_string();
    let Event::TransportAddOrder(order) = request(&json) else {
        panic!("transport_add_order");
    };
    assert_eq!(order.wx_token.as_deref(), Some("wx_token_secret"));
    assert_eq!(order.delivery_token.as_deref(), Some("quote_token"));
    assert_eq!(order.sender, None, "no sender: the company knows the store");
    let receiver = order.receiver.as_ref().expect("receiver");
    assert_eq!(receiver.phone.as_deref(), Some("13800000002"));
    assert_eq!(receiver.lng, Some(113.33));
    let cargo = order.cargo.as_ref().expect("cargo");
    assert_eq!(
        cargo
            .goods
            .iter()
            .map(|g| g.good_name.as_deref())
            .collect::<Vec<_>>(),
        [Some("水果"), Some("蔬菜")]
    );
    let info = order.order_info.as_ref().expect("order_info");
    assert_eq!(
        (info.order_type, info.expected_finish_time),
        (Some(1), Some(1_586_003_600))
    );
    let debug = format!("{order:?}");
    assert_hidden(
        &debug,
        &[
            "wx_token_secret",
            "quote_token",
            "sign_secret_0a1b",
            "李收货",
            "13800000002",
            "B座2202",
        ],
    );

    let placed = OrderAnswer {
        result_code: 0,
        result_msg: "ok".into(),
        fee: 9.5,
        deliverfee: 12.0,
        couponfee: 2.5,
        tips: 1.0,
        insurancefee: 0.5,
        distance: Some(1_500.0),
        waybill_id: Some("waybill_88".into()),
        order_status: Some(101),
        finish_code: Some(1234),
        pickup_code: Some(5678),
        dispatch_duration: Some(300),
        sender_lng: Some(113.324_52),
        sender_lat: Some(23.099_994),
        // a quote's field: not in an order's answer table
        delivery_token: Some("quote_token".into()),
    };
    assert_eq!(
        answer_leaves(order.reply(&placed)),
        pairs(&[
            ("MsgType", "event"),
            ("Event", "transport_add_order"),
            ("resultcode", "0"),
            ("resultmsg", "ok"),
            ("fee", "9.5"),
            ("deliverfee", "12.0"),
            ("couponfee", "2.5"),
            ("tips", "1.0"),
            ("insurancefee", "0.5"),
            ("distance", "1500.0"),
            ("waybill_id", "waybill_88"),
            ("order_status", "101"),
            ("finish_code", "1234"),
            ("pickup_code", "5678"),
            ("dispatch_duration", "300"),
            ("sender_lng", "113.32452"),
            ("sender_lat", "23.099994"),
        ])
    );
    let debug = format!("{placed:?}");
    assert!(
        !debug.contains("1234") && !debug.contains("5678"),
        "the codes stay out of Debug: {debug}"
    );
}

/// `transport_readd_order`
/// (<https://developers.weixin.qq.com/miniprogram/dev/api-backend/open-api/immediate-delivery/by-provider/immediateDelivery.onOrderReAdd.html>):
/// the same order as `transport_add_order`, answered under its own name; a
/// failed order leaves the optional fields out.
#[test]
fn transport_readd_order() {
    let body = format!(
        "<wx_token><![CDATA[wx_token_secret]]></wx_token>\
         <delivery_token><![CDATA[quote_token]]></delivery_token>{ORDER_BODY}"
    );
    let Event::TransportReaddOrder(order) = request(&push("transport_readd_order", &body)) else {
        panic!("transport_readd_order");
    };
    assert_eq!(order.wx_token.as_deref(), Some("wx_token_secret"));
    assert_eq!(order.shop_order_id.as_deref(), Some("order_20200404"));
    assert_hidden(
        &format!("{order:?}"),
        &[ORDER_HIDDEN, &["wx_token_secret", "quote_token"]].concat(),
    );
    let failed = OrderAnswer {
        result_code: 20001,
        result_msg: "out of range".into(),
        ..OrderAnswer::default()
    };
    assert_eq!(
        answer_leaves(order.reply(&failed)),
        pairs(&[
            ("MsgType", "event"),
            ("Event", "transport_readd_order"),
            ("resultcode", "20001"),
            ("resultmsg", "out of range"),
            ("fee", "0.0"),
            ("deliverfee", "0.0"),
            ("couponfee", "0.0"),
            ("tips", "0.0"),
            ("insurancefee", "0.0"),
        ])
    );
}

/// `transport_add_tips`
/// (<https://developers.weixin.qq.com/miniprogram/dev/api-backend/open-api/immediate-delivery/by-provider/immediateDelivery.onOrderAddTips.html>).
#[test]
fn transport_add_tips() {
    let body = "<shopid><![CDATA[shop_appkey_1]]></shopid><shop_order_id><![CDATA[order_20200404]]></shop_order_id>\
        <shop_no><![CDATA[store_7]]></shop_no><waybill_id><![CDATA[waybill_88]]></waybill_id>\
        <delivery_sign><![CDATA[sign_secret_0a1b]]></delivery_sign><tips>5.5</tips>\
        <remark><![CDATA[gogogo]]></remark>";
    let Event::TransportAddTips(tips) = request(&push("transport_add_tips", body)) else {
        panic!("transport_add_tips");
    };
    assert_eq!(tips.order.waybill_id.as_deref(), Some("waybill_88"));
    assert_eq!(tips.tips, Some(5.5));
    assert_eq!(tips.remark.as_deref(), Some("gogogo"));
    assert_eq!(
        tips.order.delivery_sign.as_deref(),
        Some("sign_secret_0a1b")
    );
    assert_hidden(&format!("{tips:?}"), &["sign_secret_0a1b"]);
    assert_eq!(
        answer_leaves(tips.reply(0, "ok")),
        pairs(&[
            ("MsgType", "event"),
            ("Event", "transport_add_tips"),
            ("resultcode", "0"),
            ("resultmsg", "ok"),
        ])
    );
}

const CANCEL_BODY: &str = "<shopid><![CDATA[shop_appkey_1]]></shopid>\
    <shop_order_id><![CDATA[order_20200404]]></shop_order_id><shop_no><![CDATA[store_7]]></shop_no>\
    <waybill_id><![CDATA[waybill_88]]></waybill_id><delivery_sign><![CDATA[sign_secret_0a1b]]></delivery_sign>\
    <cancel_reason_id>6</cancel_reason_id><cancel_reason><![CDATA[买错了]]></cancel_reason>";

/// `transport_precancel_order`
/// (<https://developers.weixin.qq.com/miniprogram/dev/api-backend/open-api/immediate-delivery/by-provider/immediateDelivery.onOrderPreCancel.html>)
/// and `transport_cancel_order`
/// (<https://developers.weixin.qq.com/miniprogram/dev/api-backend/open-api/immediate-delivery/by-provider/immediateDelivery.onOrderCancel.html>).
#[test]
fn transport_precancel_and_cancel_order() {
    let Event::TransportPrecancelOrder(precancel) =
        request(&push("transport_precancel_order", CANCEL_BODY))
    else {
        panic!("transport_precancel_order");
    };
    assert_eq!(precancel.cancel_reason_id, Some(6));
    assert_eq!(precancel.cancel_reason.as_deref(), Some("买错了"));
    assert_eq!(precancel.order.waybill_id.as_deref(), Some("waybill_88"));
    assert_hidden(&format!("{precancel:?}"), &["sign_secret_0a1b"]);
    assert_eq!(
        answer_leaves(precancel.reply(0, "ok", Some(2.0), "rider already assigned")),
        pairs(&[
            ("MsgType", "event"),
            ("Event", "transport_precancel_order"),
            ("resultcode", "0"),
            ("resultmsg", "ok"),
            ("deduct_fee", "2.0"),
            ("desc", "rider already assigned"),
        ])
    );

    let Event::TransportCancelOrder(cancel) = request(&push("transport_cancel_order", CANCEL_BODY))
    else {
        panic!("transport_cancel_order");
    };
    assert_eq!(
        cancel.order.shop_order_id.as_deref(),
        Some("order_20200404")
    );
    assert_eq!(
        answer_leaves(cancel.reply(0, "ok", None, "free")),
        pairs(&[
            ("MsgType", "event"),
            ("Event", "transport_cancel_order"),
            ("resultcode", "0"),
            ("resultmsg", "ok"),
            ("desc", "free"),
        ]),
        "no penalty: deduct_fee left out"
    );
}

const ORDER_REF_BODY: &str = "<shopid><![CDATA[shop_appkey_1]]></shopid>\
    <shop_order_id><![CDATA[order_20200404]]></shop_order_id><shop_no><![CDATA[store_7]]></shop_no>\
    <waybill_id><![CDATA[waybill_88]]></waybill_id><delivery_sign><![CDATA[sign_secret_0a1b]]></delivery_sign>";

/// `transport_query_order_status`
/// (<https://developers.weixin.qq.com/miniprogram/dev/api-backend/open-api/immediate-delivery/by-provider/immediateDelivery.onOrderQuery.html>).
#[test]
fn transport_query_order_status() {
    let Event::TransportQueryOrderStatus(query) =
        request(&push("transport_query_order_status", ORDER_REF_BODY))
    else {
        panic!("transport_query_order_status");
    };
    assert_eq!(query.order.shopid.as_deref(), Some("shop_appkey_1"));
    assert_eq!(query.order.waybill_id.as_deref(), Some("waybill_88"));
    assert_hidden(&format!("{query:?}"), &["sign_secret_0a1b"]);
    assert_eq!(
        answer_leaves(query.status_reply(0, "ok", 301, Some("on the way".into()), "waybill_88")),
        pairs(&[
            ("MsgType", "event"),
            ("Event", "transport_query_order_status"),
            ("resultcode", "0"),
            ("resultmsg", "ok"),
            ("order_status", "301"),
            ("action_msg", "on the way"),
            ("waybill_id", "waybill_88"),
        ])
    );
}

/// `transport_confirm_return_to_biz`
/// (<https://developers.weixin.qq.com/miniprogram/dev/api-backend/open-api/immediate-delivery/by-provider/immediateDelivery.onOrderConfirmReturn.html>).
#[test]
fn transport_confirm_return_to_biz() {
    let Event::TransportConfirmReturnToBiz(confirmation) =
        request(&push("transport_confirm_return_to_biz", ORDER_REF_BODY))
    else {
        panic!("transport_confirm_return_to_biz");
    };
    assert_eq!(confirmation.order.shop_no.as_deref(), Some("store_7"));
    assert_eq!(
        confirmation.order.delivery_sign.as_deref(),
        Some("sign_secret_0a1b")
    );
    assert_hidden(&format!("{confirmation:?}"), &["sign_secret_0a1b"]);
    assert_eq!(
        answer_leaves(confirmation.reply(0, "ok")),
        pairs(&[
            ("MsgType", "event"),
            ("Event", "transport_confirm_return_to_biz"),
            ("resultcode", "0"),
            ("resultmsg", "ok"),
        ])
    );
}

/// `transport_get_agent_pos`
/// (<https://developers.weixin.qq.com/miniprogram/dev/api-backend/open-api/immediate-delivery/by-provider/immediateDelivery.onAgentPosQuery.html>).
#[test]
fn transport_get_agent_pos() {
    let body = "<shopid><![CDATA[shop_appkey_1]]></shopid>\
        <shop_order_id><![CDATA[order_20200404]]></shop_order_id><shop_no><![CDATA[store_7]]></shop_no>\
        <waybill_id><![CDATA[waybill_88]]></waybill_id>";
    let Event::TransportGetAgentPos(query) = request(&push("transport_get_agent_pos", body)) else {
        panic!("transport_get_agent_pos");
    };
    assert_eq!(query.order.shop_order_id.as_deref(), Some("order_20200404"));
    assert_eq!(query.order.waybill_id.as_deref(), Some("waybill_88"));
    let position = AgentPosition {
        lng: 113.324_52,
        lat: 23.099_994,
        distance: 850.5,
        reach_time: 300,
    };
    assert_hidden(&format!("{position:?}"), &["113.32452", "23.099994"]);
    assert_eq!(
        answer_leaves(query.reply(0, "ok", &position)),
        pairs(&[
            ("MsgType", "event"),
            ("Event", "transport_get_agent_pos"),
            ("resultcode", "0"),
            ("resultmsg", "ok"),
            ("lng", "113.32452"),
            ("lat", "23.099994"),
            ("distance", "850.5"),
            ("reach_time", "300"),
        ])
    );
}

/// `transport_set_rider_score`
/// (<https://developers.weixin.qq.com/miniprogram/dev/api-backend/open-api/immediate-delivery/by-provider/immediateDelivery.onRiderScoreSet.html>).
#[test]
fn transport_set_rider_score() {
    let body = "<shopid><![CDATA[shop_appkey_1]]></shopid>\
        <shop_order_id><![CDATA[order_20200404]]></shop_order_id><shop_no><![CDATA[store_7]]></shop_no>\
        <waybill_id><![CDATA[waybill_88]]></waybill_id><delivery_ontime_score>5</delivery_ontime_score>\
        <cargo_intact_score>4</cargo_intact_score><attitude_score>3</attitude_score>";
    let Event::TransportSetRiderScore(score) = request(&push("transport_set_rider_score", body))
    else {
        panic!("transport_set_rider_score");
    };
    assert_eq!(
        (
            score.delivery_ontime_score,
            score.cargo_intact_score,
            score.attitude_score
        ),
        (Some(5), Some(4), Some(3))
    );
    assert_eq!(score.order.waybill_id.as_deref(), Some("waybill_88"));
    assert_eq!(
        answer_leaves(score.reply(0, "ok")),
        pairs(&[
            ("MsgType", "event"),
            ("Event", "transport_set_rider_score"),
            ("resultcode", "0"),
            ("resultmsg", "ok"),
        ])
    );
}

/// `mock_update_order_status`
/// (<https://developers.weixin.qq.com/miniprogram/dev/api-backend/open-api/immediate-delivery/by-provider/immediateDelivery.onMockUpdateOrder.html>).
#[test]
fn mock_update_order_status() {
    let body = format!(
        "{ORDER_REF_BODY}<order_status>302</order_status><action_time>1586003600</action_time>\
         <action_msg><![CDATA[delivered]]></action_msg>"
    );
    let Event::MockUpdateOrderStatus(mock) = request(&push("mock_update_order_status", &body))
    else {
        panic!("mock_update_order_status");
    };
    assert_eq!(mock.order_status, Some(302));
    assert_eq!(mock.action_time, Some(1_586_003_600));
    assert_eq!(mock.action_msg.as_deref(), Some("delivered"));
    assert_eq!(mock.order.shop_order_id.as_deref(), Some("order_20200404"));
    assert_hidden(&format!("{mock:?}"), &["sign_secret_0a1b"]);
    assert_eq!(
        answer_leaves(mock.reply(0, "ok")),
        pairs(&[
            ("MsgType", "event"),
            ("Event", "mock_update_order_status"),
            ("resultcode", "0"),
            ("resultmsg", "ok"),
        ])
    );
}

/// `get_pre_auth_code`
/// (<https://developers.weixin.qq.com/miniprogram/dev/api-backend/open-api/immediate-delivery/by-provider/immediateDelivery.onPreAuthCodeGet.html>).
#[test]
fn get_pre_auth_code() {
    let body = "<wx_appid><![CDATA[wxmerchant0001]]></wx_appid>";
    let Event::GetPreAuthCode(query) = request(&push("get_pre_auth_code", body)) else {
        panic!("get_pre_auth_code");
    };
    assert_eq!(query.wx_appid.as_deref(), Some("wxmerchant0001"));
    assert_eq!(
        answer_leaves(query.reply(0, "ok", "pre_code_42")),
        pairs(&[
            ("MsgType", "event"),
            ("Event", "get_pre_auth_code"),
            ("resultcode", "0"),
            ("resultmsg", "ok"),
            ("pre_auth_code", "pre_code_42"),
        ])
    );
}

/// `get_auth_info`
/// (<https://developers.weixin.qq.com/miniprogram/dev/api-backend/open-api/immediate-delivery/by-provider/immediateDelivery.onAuthInfoGet.html>).
#[test]
fn get_auth_info() {
    let body =
        "<wx_appid><![CDATA[wxmerchant0001]]></wx_appid><code><![CDATA[auth_code_secret]]></code>";
    let Event::GetAuthInfo(query) = request(&push("get_auth_info", body)) else {
        panic!("get_auth_info");
    };
    assert_eq!(query.wx_appid.as_deref(), Some("wxmerchant0001"));
    assert_eq!(query.code.as_deref(), Some("auth_code_secret"));
    assert_hidden(&format!("{query:?}"), &["auth_code_secret"]);
    assert_eq!(
        answer_leaves(query.reply(0, "ok", "shop_appkey_1", "merchant account", 2)),
        pairs(&[
            ("MsgType", "event"),
            ("Event", "get_auth_info"),
            ("resultcode", "0"),
            ("resultmsg", "ok"),
            ("appkey", "shop_appkey_1"),
            ("account", "merchant account"),
            ("account_type", "2"),
        ])
    );
}

/// `cancel_auth_account`
/// (<https://developers.weixin.qq.com/miniprogram/dev/api-backend/open-api/immediate-delivery/by-provider/immediateDelivery.onCancelAuth.html>).
#[test]
fn cancel_auth_account() {
    let body =
        "<shopid><![CDATA[shop_appkey_1]]></shopid><wx_appid><![CDATA[wxmerchant0001]]></wx_appid>";
    let Event::CancelAuthAccount(cancellation) = request(&push("cancel_auth_account", body)) else {
        panic!("cancel_auth_account");
    };
    assert_eq!(cancellation.shopid.as_deref(), Some("shop_appkey_1"));
    assert_eq!(cancellation.wx_appid.as_deref(), Some("wxmerchant0001"));
    assert_eq!(
        answer_leaves(cancellation.reply(0, "ok")),
        pairs(&[
            ("MsgType", "event"),
            ("Event", "cancel_auth_account"),
            ("resultcode", "0"),
            ("resultmsg", "ok"),
        ])
    );
}

/// A delivery company's message URL: an order is answered with its typed
/// answer on every delivery (WeChat's retry included), encrypted XML as it
/// came, and JSON with the lowercase `resultcode` when it came as JSON.
#[tokio::test]
async fn every_delivery_of_an_order_is_answered() {
    let runs = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&runs);
    let router = Router::new().event("transport_add_order", move |message: Message, _client| {
        counted.fetch_add(1, Ordering::SeqCst);
        async move {
            let Message::Event(event) = message else {
                return Ok(None);
            };
            let Event::TransportAddOrder(order) = event.detail else {
                return Ok(None);
            };
            let waybill = format!("wb_{}", order.shop_order_id.as_deref().unwrap_or("none"));
            let answer = OrderAnswer {
                result_msg: "ok".into(),
                fee: 9.5,
                waybill_id: Some(waybill),
                order_status: Some(101),
                ..OrderAnswer::default()
            };
            Ok(Some(order.reply(&answer).into()))
        }
    });
    let (callback, wechat) = provider_url(router);
    let body = format!("<wx_token><![CDATA[wx_token_secret]]></wx_token>{ORDER_BODY}");
    let push = push("transport_add_order", &body).replace("1586000000", &now().to_string());
    for delivery in 1..=2 {
        let answer = callback.handle_account(wechat.safe_push(&push)).await;
        let reply = wechat.open_reply(&answer);
        assert_eq!(
            support::leaf(&reply, "waybill_id").as_deref(),
            Some("wb_order_20200404"),
            "delivery {delivery}: {reply}"
        );
        assert_eq!(
            support::leaf(&reply, "Event").as_deref(),
            Some("transport_add_order")
        );
        assert_eq!(support::leaf(&reply, "resultcode").as_deref(), Some("0"));
        assert_eq!(
            support::leaf(&reply, "ToUserName").as_deref(),
            Some("oWeChatTeam")
        );
    }
    let json = serde_json::json!({
        "ToUserName": "gh_delivery", "FromUserName": "oWeChatTeam", "CreateTime": now(),
        "MsgType": "event", "Event": "transport_add_order", "wx_token": "wx_token_secret",
        "shopid": "shop_appkey_1", "shop_order_id": "json_order", "delivery_sign": "sign_secret_0a1b",
    })
    .to_string();
    let answer = callback.handle_account(wechat.plain_push(&json)).await;
    let reply: serde_json::Value = serde_json::from_str(&answer.body).expect("a JSON answer");
    assert_eq!(
        (
            reply["resultcode"].as_i64(),
            reply["waybill_id"].as_str(),
            reply["fee"].as_f64()
        ),
        (Some(0), Some("wb_json_order"), Some(9.5))
    );
    assert_eq!(runs.load(Ordering::SeqCst), 3);
}
