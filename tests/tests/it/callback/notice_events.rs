//! Cards, gift cards, trade guarantee (complaints, bad reviews), media and
//! other notifications decode to their typed variants from the official
//! docs' samples (or, where a doc gives none, from its field table), with
//! their fields; `Debug` hides a complainant's phone number.

use serde_json::json;
use wechat_api::event::{Event, Message};

use super::typed_events::{from_json, from_xml, mini_program, xml_event};

/// The gift-card callbacks of
/// <https://developers.weixin.qq.com/doc/offiaccount/Cards_and_Offer/gift_card.html>
/// §10 (10.1 paid, 10.2 given, 10.3 accepted): the doc's samples, which send
/// the yes/no fields as `true`; `1`/`0`/`false` read the same way and
/// anything else is `None`.
#[test]
fn gift_card_events() {
    let push = |event: &str, time: i64, extra: &str| {
        format!(
            "<xml><ToUserName><![CDATA[gh_3fcea188bf78]]></ToUserName>\
             <FromUserName><![CDATA[obLatjgoYejavUtHsWwrX-2GtFJE]]></FromUserName>\
             <CreateTime>{time}</CreateTime><MsgType><![CDATA[event]]></MsgType>\
             <Event><![CDATA[{event}]]></Event>\
             <PageId><![CDATA[OQK0R3MaFnCm74Phw5hwFJlz5sn+jy1zzM2amDidDbU=]]></PageId>\
             <OrderId><![CDATA[Z2y2rY74ksZX1ceuGA]]></OrderId>{extra}</xml>"
        )
    };
    let order = |event: &str, chat: serde_json::Value, back: serde_json::Value| {
        json!({"type": event, "page_id": "OQK0R3MaFnCm74Phw5hwFJlz5sn+jy1zzM2amDidDbU=",
               "order_id": "Z2y2rY74ksZX1ceuGA", "is_chat_room": chat, "is_return_back": back})
    };
    assert_eq!(
        from_xml(&push("giftcard_pay_done", 1_472_631_550, "")),
        order("giftcard_pay_done", json!(null), json!(null))
    );
    assert_eq!(
        from_xml(&push(
            "giftcard_send_to_friend",
            1_472_631_550,
            "<IsChatRoom>true</IsChatRoom><IsReturnBack><![CDATA[true]]></IsReturnBack>"
        )),
        order("giftcard_send_to_friend", json!(true), json!(true))
    );
    assert_eq!(
        from_xml(&push(
            "giftcard_user_accept",
            1_472_631_800,
            "<IsChatRoom>true</IsChatRoom>"
        )),
        order("giftcard_user_accept", json!(true), json!(null))
    );
    for (chat, back, expected) in [
        ("1", "0", (json!(true), json!(false))),
        ("FALSE", "maybe", (json!(false), json!(null))),
    ] {
        let got = from_xml(&push(
            "giftcard_send_to_friend",
            1,
            &format!("<IsChatRoom>{chat}</IsChatRoom><IsReturnBack>{back}</IsReturnBack>"),
        ));
        assert_eq!(
            (got["is_chat_room"].clone(), got["is_return_back"].clone()),
            expected,
            "{chat} {back}"
        );
    }
}

/// `card_merchant_check_result`, the sub-merchant review of
/// <https://developers.weixin.qq.com/doc/offiaccount/Cards_and_Offer/Third-party_developer_mode.html>
/// (§1.2): built from the push's fields (`MerchantId`, `IsPass`, `Reason`),
/// approved and rejected.
#[test]
fn card_sub_merchant_review() {
    let review = |merchant: &str, pass: u32, reason: &str| {
        xml_event(
            "card_merchant_check_result",
            &format!(
                "<MerchantId>{merchant}</MerchantId><IsPass>{pass}</IsPass>\
                 <Reason><![CDATA[{reason}]]></Reason>"
            ),
        )
    };
    assert_eq!(
        from_xml(&review("12", 1, "")),
        json!({"type": "card_merchant_check_result", "merchant_id": "12", "is_pass": 1,
               "reason": null})
    );
    assert_eq!(
        from_xml(&review("13", 0, "授权函已过期")),
        json!({"type": "card_merchant_check_result", "merchant_id": "13", "is_pass": 0,
               "reason": "授权函已过期"})
    );
}

/// The coupon-point statement push (券点流水详情事件) of
/// <https://developers.weixin.qq.com/doc/offiaccount/Cards_and_Offer/Coupons_Vouchers_and_Cards_Event_Push_Messages.html>
/// §2.11: `ORDER_STATUS_FINANCE_SUCC` is its `Status`, not an event name;
/// the push is `card_pay_order` (the doc's sample).
#[test]
fn coupon_point_finance_success_is_a_card_pay_order() {
    let xml = "<xml><ToUserName><![CDATA[gh_7223c83d4be5]]></ToUserName>\
        <FromUserName><![CDATA[ob5E7s-HoN9tslQY3-0I4qmgluHk]]></FromUserName>\
        <CreateTime>1453295737</CreateTime><MsgType><![CDATA[event]]></MsgType>\
        <Event><![CDATA[card_pay_order]]></Event><OrderId><![CDATA[404091456]]></OrderId>\
        <Status><![CDATA[ORDER_STATUS_FINANCE_SUCC]]></Status>\
        <CreateOrderTime>1453295737</CreateOrderTime><PayFinishTime>0</PayFinishTime>\
        <Desc><![CDATA[]]></Desc><FreeCoinCount><![CDATA[200]]></FreeCoinCount>\
        <PayCoinCount><![CDATA[0]]></PayCoinCount>\
        <RefundFreeCoinCount><![CDATA[0]]></RefundFreeCoinCount>\
        <RefundPayCoinCount><![CDATA[0]]></RefundPayCoinCount>\
        <OrderType><![CDATA[ORDER_TYPE_SYS_ADD]]></OrderType>\
        <Memo><![CDATA[开通账户奖励]]></Memo><ReceiptInfo><![CDATA[]]></ReceiptInfo></xml>";
    let got = from_xml(xml);
    assert_eq!(got["type"], "card_pay_order");
    assert_eq!(got["status"], "ORDER_STATUS_FINANCE_SUCC");
    assert_eq!(
        (got["order_id"].clone(), got["free_coin_count"].clone()),
        (json!("404091456"), json!("200"))
    );
    assert_eq!(
        (got["order_type"].clone(), got["memo"].clone()),
        (json!("ORDER_TYPE_SYS_ADD"), json!("开通账户奖励"))
    );
}

/// `create_map_poi_audit_info`, the review of a store created in Tencent
/// Maps
/// (<https://developers.weixin.qq.com/doc/offiaccount/WeChat_Stores/WeChat_Shop_Miniprogram_Interface.html>
/// §11): the doc's XML sample (placeholder values), and a JSON push as a
/// developer recorded it (its `status` empty: `None`).
#[test]
fn map_store_review() {
    let xml = xml_event(
        "create_map_poi_audit_info",
        "<audit_id>11111</audit_id><status>1</status><map_poi_id><![CDATA[xxx]]></map_poi_id>\
         <name><![CDATA[xxx]]></name><address><![CDATA[xxx]]></address>\
         <latitude><![CDATA[xxx]]></latitude><longitude><![CDATA[xxx]]></longitude>\
         <sh_remark><![CDATA[xxx]]></sh_remark>",
    );
    assert_eq!(
        from_xml(&xml),
        json!({"type": "create_map_poi_audit_info", "audit_id": "11111", "status": 1,
               "map_poi_id": "xxx", "name": "xxx", "address": "xxx", "longitude": "xxx",
               "latitude": "xxx", "sh_remark": "xxx"})
    );
    let push = json!({"ToUserName": "youyiku811016", "FromUserName": "oNJj3nwHtGXLkR2m1RSHam9rcFhE",
        "CreateTime": "1527562153", "MsgType": "event", "Event": "create_map_poi_audit_info",
        "audit_id": "3153770", "map_poi_id": "8674870308828146722", "name": "优衣库(文峰城市广场店)",
        "address": "南通市崇川区虹桥路1号7幢文峰城市广场1F", "latitude": "31.997041675357",
        "longitude": "120.884002815183", "status": "", "sh_remark": ""});
    assert_eq!(
        from_json(push),
        json!({"type": "create_map_poi_audit_info", "audit_id": "3153770", "status": null,
               "map_poi_id": "8674870308828146722", "name": "优衣库(文峰城市广场店)",
               "address": "南通市崇川区虹桥路1号7幢文峰城市广场1F",
               "longitude": "120.884002815183", "latitude": "31.997041675357",
               "sh_remark": null})
    );
}

/// `merchant_order`, the old store's order-payment notice
/// (<https://developers.weixin.qq.com/doc/offiaccount/WeChat_Stores/WeChat_Store_Interface.html>
/// §8): the doc's sample.
#[test]
fn old_store_order_paid() {
    let xml = "<xml><ToUserName><![CDATA[weixin_media1]]></ToUserName>\
        <FromUserName><![CDATA[oDF3iYyVlek46AyTBbMRVV8VZVlI]]></FromUserName>\
        <CreateTime>1398144192</CreateTime><MsgType><![CDATA[event]]></MsgType>\
        <Event><![CDATA[merchant_order]]></Event><OrderId><![CDATA[test_order_id]]></OrderId>\
        <OrderStatus>2</OrderStatus><ProductId><![CDATA[test_product_id]]></ProductId>\
        <SkuInfo><![CDATA[10001:1000012;10002:100021]]></SkuInfo></xml>";
    assert_eq!(
        from_xml(xml),
        json!({"type": "merchant_order", "order_id": "test_order_id", "order_status": 2,
               "product_id": "test_product_id", "sku_info": "10001:1000012;10002:100021"})
    );
}

/// `complaint_callback`
/// (<https://developers.weixin.qq.com/miniprogram/dev/platform-capabilities/business-capabilities/guarantee/complaint.html>):
/// the doc's XML sample (every value `123`; its last `media_id_list` is
/// not closed in the doc, closed here), and a JSON push built from the
/// field table, its fields at the top level. `Debug` hides the phone.
#[test]
fn trade_complaint() {
    let xml = "<xml><ToUserName><![CDATA[toUser]]></ToUserName>\
        <FromUserName><![CDATA[fromUser]]></FromUserName><CreateTime>1546924844</CreateTime>\
        <MsgType><![CDATA[event]]></MsgType><Event><![CDATA[complaint_callback]]></Event>\
        <BussiCallBackInfo><appid>123</appid><option_type>123</option_type>\
        <complaint_order_id>123</complaint_order_id><status>123</status>\
        <create_time>123</create_time><expire_time>123</expire_time><type>123</type>\
        <order_id>123</order_id><out_trade_no>123</out_trade_no>\
        <phone_number>123</phone_number><open_id>123</open_id>\
        <customer_material_content>123</customer_material_content>\
        <customer_material_media_id_list>123</customer_material_media_id_list>\
        <pay_time>123</pay_time><total_cost>123</total_cost><product_name>123</product_name>\
        <history><time>123</time><content>123</content><media_id_list>123</media_id_list></history>\
        <history><time>123</time><content>123</content><media_id_list>123</media_id_list></history>\
        </BussiCallBackInfo></xml>";
    let step = json!({"time": 123, "content": "123", "media_id_list": ["123"]});
    assert_eq!(
        from_xml(xml),
        json!({"type": "complaint_callback", "appid": "123", "option_type": 123,
               "complaint_order_id": "123", "status": 123, "create_time": 123,
               "expire_time": 123, "complaint_type": 123, "order_id": "123",
               "out_trade_no": "123", "phone_number": "123", "open_id": "123",
               "customer_material_content": "123", "customer_material_media_id_list": "123",
               "pay_time": 123, "total_cost": 123, "product_name": "123",
               "history": [step.clone(), step]})
    );

    let body = json!({"appid": "wx8f16a5e7c3d8b4a9", "option_type": 1,
        "complaint_order_id": "2157", "status": 201, "create_time": 1744244406,
        "expire_time": 1744417206, "type": 643, "order_id": "payorder@_4200002656202",
        "out_trade_no": "1909917325", "phone_number": "13912345678",
        "open_id": "oR2XT5Z70fuusMRK", "customer_material_content": "没有收到货",
        "pay_time": 1744194760, "total_cost": 5000, "product_name": "年卡",
        "history": [{"time": 1744244406, "content": "用户发起投诉", "media_id_list": []},
                    {"time": 1744245000, "content": "商家回应", "media_id_list": ["m1", "m2"]}]});
    let got = mini_program("complaint_callback", body.clone());
    assert_eq!(
        (got["status"].clone(), got["complaint_type"].clone()),
        (json!(201), json!(643))
    );
    assert_eq!(got["total_cost"], 5000);
    assert_eq!(got["customer_material_media_id_list"], json!(null));
    assert_eq!(
        got["history"],
        json!([{"time": 1744244406, "content": "用户发起投诉", "media_id_list": []},
               {"time": 1744245000, "content": "商家回应", "media_id_list": ["m1", "m2"]}])
    );
    // the same fields under a `BussiCallBackInfo` object read the same
    let wrapped = mini_program(
        "complaint_callback",
        json!({"BussiCallBackInfo": body.clone()}),
    );
    assert_eq!(wrapped, got);

    let mut push = json!({"ToUserName": "gh_1234567890ab", "FromUserName": "o_wechat_official",
                          "CreateTime": 1744244407, "MsgType": "event",
                          "Event": "complaint_callback"});
    push.as_object_mut()
        .expect("object")
        .extend(body.as_object().cloned().unwrap_or_default());
    let message = Message::from_json(&push.to_string()).expect("decodes");
    let debug = format!("{message:?}");
    assert!(
        debug.contains("payorder@_4200002656202") && !debug.contains("13912345678"),
        "Debug shows the complaint but not the phone: {debug}"
    );
    let Message::Event(event) = message else {
        panic!("not an event");
    };
    let Event::ComplaintCallback(complaint) = &event.detail else {
        panic!("not a complaint: {:?}", event.detail);
    };
    assert_eq!(complaint.phone_number.as_deref(), Some("13912345678"));
}

/// `wxa_comment_bad_score`, the bad-review callback of
/// <https://developers.weixin.qq.com/miniprogram/dev/platform-capabilities/industry/guarantee/comment.html>
/// §4.1: the doc's JSON and XML samples (the id under `result`).
#[test]
fn bad_review() {
    let expected = json!({"type": "wxa_comment_bad_score", "comment_id": "2272502024443330610"});
    let push = json!({"ToUserName": "gh_abcdefg", "FromUserName": "oABCD",
                      "CreateTime": 1704038400, "MsgType": "event",
                      "Event": "wxa_comment_bad_score",
                      "result": {"comment_id": "2272502024443330610"}});
    assert_eq!(from_json(push), expected);
    let xml = "<xml><ToUserName><![CDATA[gh_abcdefg]]></ToUserName>\
        <FromUserName><![CDATA[oABCD]]></FromUserName><CreateTime>1704038400</CreateTime>\
        <MsgType><![CDATA[event]]></MsgType><Event><![CDATA[wxa_comment_bad_score]]></Event>\
        <result><comment_id>2272502024443330610</comment_id></result></xml>";
    assert_eq!(from_xml(xml), expected);
}

/// The mini-drama media events of
/// <https://developers.weixin.qq.com/miniprogram/dev/platform-capabilities/industry/mini-drama/mini_drama.html>
/// §7 (7.1 upload finished, 7.2 review finished): the doc's samples.
#[test]
fn media_upload_and_review_events() {
    let push = |event: &str, body: &str| {
        format!(
            "<xml><ToUserName>gh_abcdefg</ToUserName><FromUserName>oABCD</FromUserName>\
             <CreateTime>12344555555</CreateTime><MsgType>event</MsgType>\
             <Event>{event}</Event>{body}</xml>"
        )
    };
    assert_eq!(
        from_xml(&push(
            "secvod_upload_event",
            "<upload_event><media_id>20001</media_id><source_context>abc12232</source_context>\
             <errcode>0</errcode><errmsg>OK</errmsg></upload_event>"
        )),
        json!({"type": "secvod_upload_event", "media_id": "20001",
               "source_context": "abc12232", "errcode": 0, "errmsg": "OK"})
    );
    assert_eq!(
        from_xml(&push(
            "secvod_audit_event",
            "<audit_event><drama_id>20001</drama_id><audit_detail><status>3</status>\
             <audit_type>0</audit_type><create_time>168625255</create_time>\
             <audit_time>168626255</audit_time></audit_detail></audit_event>"
        )),
        json!({"type": "secvod_audit_event", "drama_id": "20001", "status": 3,
               "audit_type": 0, "create_time": 168_625_255, "audit_time": 168_626_255})
    );
    // a failed upload, as JSON
    assert_eq!(
        mini_program(
            "secvod_upload_event",
            json!({"upload_event": {"media_id": 20002, "errcode": 10005, "errmsg": "bad file"}})
        ),
        json!({"type": "secvod_upload_event", "media_id": "20002", "source_context": null,
               "errcode": 10005, "errmsg": "bad file"})
    );
}

/// `minigame_coin_deliver_completed`, the game-coin delivery of
/// <https://developers.weixin.qq.com/minigame/dev/guide/open-ability/virtual-payment/event.html>:
/// the doc's XML and JSON samples (the JSON one without `IsMock`), with the
/// `ToUserName` and `FromUserName` every push has added (the samples leave
/// them out; the mini game's goods-delivery push documents them); the signed
/// payload is kept exactly, its fields read from it; a payload that is not
/// JSON leaves them `None`.
#[test]
fn mini_game_coin_delivery() {
    let payload = r#"{"OpenId":"to_user_openid","OutTradeNo":"xxxxxxx","WeChatPayInfo":{"MchOrderNo":"xxxxxxx","TransactionId":"xxxxxxx"},"Env":0,"CoinInfo":{"ZoneId":"1","TotalPrice":100,"BuyQuantity":1,"OrigPrice":100}}"#;
    let sig = "f749f67b751fa80f27ddc0b7c8d2821aeda162ea22b323cd64a2c8056c2736f0";
    let expected = |mock: serde_json::Value| {
        json!({"type": "minigame_coin_deliver_completed", "payload": payload,
               "pay_event_sig": sig, "is_mock": mock, "openid": "to_user_openid",
               "out_trade_no": "xxxxxxx", "env": 0, "mch_order_no": "xxxxxxx",
               "transaction_id": "xxxxxxx", "zone_id": "1", "actual_price": null,
               "total_price": 100, "buy_quantity": 1, "orig_price": 100})
    };
    let xml = format!(
        "<xml>\n    <ToUserName><![CDATA[gh_1234567890ab]]></ToUserName>\n    \
         <FromUserName><![CDATA[o_wechat_official]]></FromUserName>\n    \
         <CreateTime>1583202606</CreateTime>\n    <MsgType><![CDATA[event]]></MsgType>\n    \
         <Event><![CDATA[minigame_coin_deliver_completed]]></Event>\n    <MiniGame>\n        \
         <Payload>{payload}</Payload>\n        <PayEventSig>{sig}</PayEventSig>\n        \
         <IsMock>true</IsMock>\n    </MiniGame>\n</xml>"
    );
    assert_eq!(from_xml(&xml), expected(json!(true)));
    let push = json!({"ToUserName": "gh_1234567890ab", "FromUserName": "o_wechat_official",
                      "CreateTime": 1583202606, "MsgType": "event",
                      "Event": "minigame_coin_deliver_completed",
                      "MiniGame": {"Payload": payload, "PayEventSig": sig}});
    assert_eq!(from_json(push), expected(json!(null)));

    let broken = mini_program(
        "minigame_coin_deliver_completed",
        json!({"MiniGame": {"Payload": "not json", "PayEventSig": sig, "IsMock": false}}),
    );
    assert_eq!(
        (
            broken["payload"].clone(),
            broken["is_mock"].clone(),
            broken["openid"].clone(),
            broken["buy_quantity"].clone()
        ),
        (json!("not json"), json!(false), json!(null), json!(null))
    );
}
