//! The mini game's virtual-payment pushes beyond the coin delivery (the
//! recharge centre's coin delivery, the refund, the direct item purchase's
//! deliveries) and the trade component's order update decode to their typed
//! variants from the official docs' samples, with their fields (the trade
//! component's dispute push, which has no official page found, from the
//! sample two independent sources agree on); a payload
//! that is not JSON leaves its fields `None` without failing the push.

use serde_json::json;

use super::typed_events::{from_json, from_xml, mini_program, xml_event};

/// The `MiniGame` element of an XML push, as the doc's XML samples give it.
fn mini_game_xml(event: &str, payload: &str, sig: &str, mock: &str) -> String {
    xml_event(
        event,
        &format!(
            "<MiniGame><Payload>{payload}</Payload><PayEventSig>{sig}</PayEventSig>\
             <IsMock>{mock}</IsMock></MiniGame>"
        ),
    )
}

/// The doc's placeholder signature (the same in every sample).
const SIG: &str = "f749f67b751fa80f27ddc0b7c8d2821aeda162ea22b323cd64a2c8056c2736f0";

/// `minigame_recharge_center_coin_deliver_completed` and
/// `minigame_pay_refund_succ_notify` of
/// <https://developers.weixin.qq.com/minigame/dev/guide/open-ability/virtual-payment/event.html>:
/// the doc's XML and JSON samples (the XML sample's refund payload has a
/// space the JSON one lacks: each is kept exactly as received), with the
/// `ToUserName` and `FromUserName` every push has added.
#[test]
fn mini_game_recharge_centre_and_refund() {
    let coins = r#"{"OpenId":"to_user_openid","OutTradeNo":"xxxxxxx","WeChatPayInfo":{"MchOrderNo":"xxxxxxx","TransactionId":"xxxxxxx"},"Env":0,"CoinInfo":{"TotalPrice":100,"BuyQuantity":1,"OrigPrice":100}}"#;
    let expected = |mock: serde_json::Value| {
        json!({"type": "minigame_recharge_center_coin_deliver_completed", "payload": coins,
               "pay_event_sig": SIG, "is_mock": mock, "openid": "to_user_openid",
               "out_trade_no": "xxxxxxx", "env": 0, "mch_order_no": "xxxxxxx",
               "transaction_id": "xxxxxxx", "zone_id": null, "actual_price": null,
               "total_price": 100, "buy_quantity": 1, "orig_price": 100})
    };
    let name = "minigame_recharge_center_coin_deliver_completed";
    assert_eq!(
        from_xml(&mini_game_xml(name, coins, SIG, "true")),
        expected(json!(true))
    );
    assert_eq!(
        mini_program(
            name,
            json!({"MiniGame": {"Payload": coins, "PayEventSig": SIG}})
        ),
        expected(json!(null))
    );

    let name = "minigame_pay_refund_succ_notify";
    let xml_payload = r#"{"RefundId":"refund_id","RefundAmount":100,"RefundSource":1,"Env":0, "WeChatPayInfo":{"MchOrderNo":"xxxxxxx","TransactionId":"xxxxxxx"}}"#;
    let json_payload = r#"{"RefundId":"refund_id","RefundAmount":100,"RefundSource":1,"Env":0,"WeChatPayInfo":{"MchOrderNo":"xxxxxxx","TransactionId":"xxxxxxx"}}"#;
    let expected = |payload: &str, mock: serde_json::Value| {
        json!({"type": name, "payload": payload, "pay_event_sig": SIG, "is_mock": mock,
               "refund_id": "refund_id", "refund_amount": 100, "refund_source": 1, "env": 0,
               "out_trade_no": null, "mch_order_no": "xxxxxxx", "transaction_id": "xxxxxxx"})
    };
    assert_eq!(
        from_xml(&mini_game_xml(name, xml_payload, SIG, "true")),
        expected(xml_payload, json!(true))
    );
    assert_eq!(
        mini_program(
            name,
            json!({"MiniGame": {"Payload": json_payload, "PayEventSig": SIG}})
        ),
        expected(json_payload, json!(null))
    );

    // The field table's `OutTradeNo` (absent from the samples) is read too.
    let with_order =
        r#"{"RefundId":"r1","RefundAmount":5,"RefundSource":3,"Env":1,"OutTradeNo":"order-7"}"#;
    let got = mini_program(
        name,
        json!({"MiniGame": {"Payload": with_order, "PayEventSig": SIG, "IsMock": false}}),
    );
    assert_eq!(
        (
            got["out_trade_no"].clone(),
            got["refund_source"].clone(),
            got["env"].clone(),
            got["is_mock"].clone(),
            got["mch_order_no"].clone()
        ),
        (
            json!("order-7"),
            json!(3),
            json!(1),
            json!(false),
            json!(null)
        )
    );

    let broken = mini_program(
        name,
        json!({"MiniGame": {"Payload": "{not json", "PayEventSig": SIG}}),
    );
    assert_eq!(
        (
            broken["type"].clone(),
            broken["payload"].clone(),
            broken["refund_id"].clone(),
            broken["refund_amount"].clone()
        ),
        (json!(name), json!("{not json"), json!(null), json!(null))
    );
}

/// `minigame_h5_goods_deliver_notify` and
/// `minigame_game_pay_goods_deliver_notify` of
/// <https://developers.weixin.qq.com/minigame/dev/guide/open-ability/virtual-payment/goods.html>:
/// the doc's one JSON sample (its `Event` is an older name,
/// `minigame_deliver_h5_pay_products`: here the two names the doc's field
/// table gives), then a payload built from the field table with the fields
/// the sample leaves out (`OutTradeNo`, `Attach`, `OrderSource`, `IsMock`),
/// in XML.
#[test]
fn mini_game_item_deliveries() {
    let payload = r#"{"OpenId":"to_user_openid","Env":0,"GoodsInfo":{"ProductId":"id_100001","ZoneId":"1","OrigPrice":10,"ActualPrice":10,"Quantity":1},"WeChatPayInfo":{"MchOrderNo":"xxxxx","TransactionId":"xxxx"}}"#;
    for name in [
        "minigame_h5_goods_deliver_notify",
        "minigame_game_pay_goods_deliver_notify",
    ] {
        let push = json!({"ToUserName": "gh_31b2a1c7e78a",
                          "FromUserName": "oUrsf0TSXNtiZjP7JL9UUFiGJzmQ",
                          "CreateTime": 1583202606, "MsgType": "event", "Event": name,
                          "MiniGame": {"Payload": payload, "PayEventSig": SIG}});
        assert_eq!(
            from_json(push),
            json!({"type": name, "payload": payload, "pay_event_sig": SIG, "is_mock": null,
                   "openid": "to_user_openid", "env": 0, "out_trade_no": null,
                   "product_id": "id_100001", "quantity": 1, "zone_id": "1",
                   "orig_price": 10, "actual_price": 10, "attach": null,
                   "order_source": null, "mch_order_no": "xxxxx", "transaction_id": "xxxx"})
        );
    }

    let full = r#"{"OpenId":"o_player","Env":1,"OutTradeNo":"trade-42","GoodsInfo":{"ProductId":"sword","Quantity":3,"ZoneId":"2","OrigPrice":300,"ActualPrice":270,"Attach":"{\"role\":9}","OrderSource":2}}"#;
    let got = from_xml(&mini_game_xml(
        "minigame_h5_goods_deliver_notify",
        full,
        SIG,
        "false",
    ));
    assert_eq!(
        got,
        json!({"type": "minigame_h5_goods_deliver_notify", "payload": full,
               "pay_event_sig": SIG, "is_mock": false, "openid": "o_player", "env": 1,
               "out_trade_no": "trade-42", "product_id": "sword", "quantity": 3,
               "zone_id": "2", "orig_price": 300, "actual_price": 270,
               "attach": "{\"role\":9}", "order_source": 2, "mch_order_no": null,
               "transaction_id": null})
    );
}

/// `open_product_order_update` of
/// <https://developers.weixin.qq.com/miniprogram/dev/platform-capabilities/business-capabilities/ministore/minishopopencomponent2/callback/order_update.html>:
/// the doc's XML sample, the older version of the page's sample
/// (`out_order_id` and `openid` in place of `ext_order_id`), and the JSON
/// form of the current one.
#[test]
fn trade_component_order_update() {
    let current = "<xml>\n    <ToUserName>gh_abcdefg</ToUserName> \n    \
                   <FromUserName>oABCD</FromUserName> \n    <CreateTime>12344555555</CreateTime>\n    \
                   <MsgType>event</MsgType> \n    <Event>open_product_order_update</Event>\n    \
                   <OrderUpdateNotification>\n        <update_type>1</update_type>\n        \
                   <ext_order_id>earwearwefwae1231</ext_order_id>\n    \
                   </OrderUpdateNotification>\n</xml>";
    assert_eq!(
        from_xml(current),
        json!({"type": "open_product_order_update", "update_type": 1,
               "ext_order_id": "earwearwefwae1231", "out_order_id": null, "openid": null})
    );

    let older = xml_event(
        "open_product_order_update",
        "<OrderUpdateNotification><update_type>2</update_type>\
         <out_order_id>11114012131415167701001</out_order_id>\
         <openid>oTVP50GFdkTQUCOKtSSa-rvpe7xM</openid></OrderUpdateNotification>",
    );
    assert_eq!(
        from_xml(&older),
        json!({"type": "open_product_order_update", "update_type": 2, "ext_order_id": null,
               "out_order_id": "11114012131415167701001",
               "openid": "oTVP50GFdkTQUCOKtSSa-rvpe7xM"})
    );

    let json_push = mini_program(
        "open_product_order_update",
        json!({"OrderUpdateNotification": {"update_type": 1, "ext_order_id": "earwearwefwae1231"}}),
    );
    assert_eq!(json_push["ext_order_id"], "earwearwefwae1231");
    assert_eq!(json_push["update_type"], 1);
}

/// `complaint_notify`, the trade component's dispute push: no official page
/// was found; the sample is the one another project keeps (mall4cloud's
/// `ComplaintNotifyEvent`), whose `complaint_info` fields another SDK
/// (SKIT's `ComplaintNotifyEvent`) names alike; its placeholder codes
/// (`1234567`) are replaced by real ones of
/// the official dispute query
/// (<https://developers.weixin.qq.com/miniprogram/dev/platform-capabilities/business-capabilities/ministore/minishopopencomponent2/API/complaint/complaint_get.html>).
#[test]
fn trade_component_dispute() {
    let push = "<xml>\n<ToUserName>gh_abcdefg</ToUserName>\n<FromUserName>oABCD</FromUserName>\n\
                <CreateTime>12344555555</CreateTime>\n<MsgType>event</MsgType>\n\
                <Event>complaint_notify</Event>\n<complaint_info>\n\
                <complaint_order_id>123456</complaint_order_id>\n<state>230000</state>\n\
                <event>240001</event>\n</complaint_info>\n</xml>";
    assert_eq!(
        from_xml(push),
        json!({"type": "complaint_notify", "complaint_order_id": "123456",
               "state": 230000, "event": 240001})
    );
    let json_push = mini_program(
        "complaint_notify",
        json!({"complaint_info": {"complaint_order_id": 987654321012_u64, "state": 230001,
                                  "event": 240031}}),
    );
    assert_eq!(
        json_push,
        json!({"type": "complaint_notify", "complaint_order_id": "987654321012",
               "state": 230001, "event": 240031})
    );
}
