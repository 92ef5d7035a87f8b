//! The logistics helper's requests to an express company (快递公司):
//! each from its doc's sample, with the answer of the doc's answer sample.

use super::{answer_leaves, pairs, request};
use wechat_api::callback::Fields;
use wechat_api::event::{Event, Message, PathStep, PickupTimeRange};

pub(super) const GET_QUOTA: &str = "<xml><ToUserName><![CDATA[gh_abcdefg]]></ToUserName>\
    <FromUserName><![CDATA[oABCD]]></FromUserName><CreateTime>1533042556</CreateTime>\
    <MsgType><![CDATA[event]]></MsgType><Event><![CDATA[get_quota]]></Event>\
    <BizID><![CDATA[xyz]]></BizID><BizPwd><![CDATA[xyz123]]></BizPwd>\
    <ShopAppID><![CDATA[wxABCD]]></ShopAppID></xml>";

/// `get_quota`, from the sample of
/// <https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/express/express-by-provider/onGetQuota.html>.
#[test]
fn get_quota() {
    let Event::GetQuota(query) = request(GET_QUOTA) else {
        panic!("get_quota");
    };
    assert_eq!(query.biz_id.as_deref(), Some("xyz"));
    assert_eq!(query.biz_pwd.as_deref(), Some("xyz123"));
    assert_eq!(query.shop_app_id.as_deref(), Some("wxABCD"));
    let debug = format!("{query:?}");
    assert!(!debug.contains("xyz123"), "{debug}");
    assert_eq!(
        answer_leaves(query.reply(0, "success", 0)),
        pairs(&[
            ("MsgType", "event"),
            ("Event", "get_quota"),
            ("BizID", "xyz"),
            ("ResultCode", "0"),
            ("ResultMsg", "success"),
            ("Quota", "0"),
        ])
    );
}

const ADD_WAYBILL: &str = "<xml>\
    <ToUserName><![CDATA[gh_abcdefg]]></ToUserName>\
    <FromUserName><![CDATA[oABCD]]></FromUserName>\
    <CreateTime>1533042556</CreateTime>\
    <MsgType><![CDATA[event]]></MsgType>\
    <Event><![CDATA[add_waybill]]></Event>\
    <Token>1234ABC234523451</Token>\
    <OrderID><![CDATA[012345678901234567890123456789]]></OrderID>\
    <BizID><![CDATA[xyz]]></BizID>\
    <BizPwd><![CDATA[xyz123]]></BizPwd>\
    <ShopAppID><![CDATA[wxABCD]]></ShopAppID>\
    <WayBillID><![CDATA[123456789]]></WayBillID>\
    <Remark><![CDATA[易碎物品]]></Remark>\
    <Sender>\
        <Name><![CDATA[张三]]></Name>\
        <Tel><![CDATA[020-88888888]]></Tel>\
        <Mobile><![CDATA[18666666666]]></Mobile>\
        <Company><![CDATA[公司名]]></Company>\
        <PostCode><![CDATA[123456]]></PostCode>\
        <Country><![CDATA[中国]]></Country>\
        <Province><![CDATA[广东省]]></Province>\
        <City><![CDATA[广州市]]></City>\
        <Area><![CDATA[海珠区]]></Area>\
        <Address><![CDATA[XX路XX号XX大厦XX栋XX]]></Address>\
    </Sender>\
    <Receiver>\
        <Name><![CDATA[王小蒙]]></Name>\
        <Tel><![CDATA[029-77777777]]></Tel>\
        <Mobile><![CDATA[18610000000]]></Mobile>\
        <Company><![CDATA[公司名]]></Company>\
        <PostCode><![CDATA[654321]]></PostCode>\
        <Country><![CDATA[中国]]></Country>\
        <Province><![CDATA[广东省]]></Province>\
        <City><![CDATA[广州市]]></City>\
        <Area><![CDATA[天河区]]></Area>\
        <Address><![CDATA[XX路XX号XX大厦XX栋XX]]></Address>\
    </Receiver>\
    <Cargo>\
        <Weight>1.2</Weight>\
        <Space_X>20.5</Space_X>\
        <Space_Y>15.0</Space_Y>\
        <Space_Z>10.0</Space_Z>\
        <Count>2</Count>\
        <DetailList>\
            <Name><![CDATA[一千零一夜钻石包]]></Name>\
            <Count>1</Count>\
        </DetailList>\
        <DetailList>\
            <Name><![CDATA[爱马仕柏金钻石包]]></Name>\
            <Count>1</Count>\
        </DetailList>\
    </Cargo>\
    <Insured>\
        <UseInsured>1</UseInsured>\
        <InsuredValue>10000</InsuredValue>\
    </Insured>\
    <Service>\
        <ServiceType>0</ServiceType>\
        <ServiceName><![CDATA[标准快递]]></ServiceName>\
    </Service>\
  </xml>";

const ADD_WAYBILL_JSON: &str = r#"{
    "ToUserName": "gh_abcdefg",
    "FromUserName": "oABCD",
    "CreateTime": 1533042556,
    "MsgType": "event",
    "Event": "add_waybill",
    "Token": "1234ABC234523451",
    "OrderID": "012345678901234567890123456789",
    "BizID": "xyz",
    "BizPwd": "xyz123",
    "ShopAppID": "wxABCD",
    "WayBillID": "123456789",
    "Remark": "易碎物品",
    "Sender": {
      "Name": "张三",
      "Tel": "020-88888888",
      "Mobile": "18666666666",
      "Company": "公司名",
      "PostCode": "123456",
      "Country": "中国",
      "Province": "广东省",
      "City": "广州市",
      "Area": "海珠区",
      "Address": "XX路XX号XX大厦XX栋XX"
    },
    "Receiver": {
      "Name": "王小蒙",
      "Tel": "029-77777777",
      "Mobile": "18610000000",
      "Company": "公司名",
      "PostCode": "654321",
      "Country": "中国",
      "Province": "广东省",
      "City": "广州市",
      "Area": "天河区",
      "Address": "XX路XX号XX大厦XX栋XX"
    },
    "Cargo": {
      "Weight": 1.2,
      "Space_X": 20.5,
      "Space_Y": 15,
      "Space_Z": 10,
      "Count": 2,
      "DetailList": [
        {
          "Name": "一千零一夜钻石包",
          "Count": 1
        },
        {
          "Name": "爱马仕柏金钻石包",
          "Count": 1
        }
      ]
    },
    "Insured": {
      "UseInsured": 1,
      "InsuredValue": 10000
    },
    "Service": {
      "ServiceType": 0,
      "ServiceName": "标准快递"
    }
  }"#;

/// `add_waybill`, from the XML and JSON samples of
/// <https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/express/express-by-provider/onAddOrder.html>.
#[test]
fn add_waybill() {
    let Event::AddWaybill(order) = request(ADD_WAYBILL) else {
        panic!("add_waybill");
    };
    let Event::AddWaybill(from_json) = request(ADD_WAYBILL_JSON) else {
        panic!("add_waybill as JSON");
    };
    assert_eq!(order, from_json, "XML and JSON give the same request");
    assert_eq!(order.token.as_deref(), Some("1234ABC234523451"));
    assert_eq!(
        order.order_id.as_deref(),
        Some("012345678901234567890123456789")
    );
    assert_eq!(
        (order.biz_id.as_deref(), order.biz_pwd.as_deref()),
        (Some("xyz"), Some("xyz123"))
    );
    assert_eq!(order.shop_app_id.as_deref(), Some("wxABCD"));
    assert_eq!(order.way_bill_id.as_deref(), Some("123456789"));
    assert_eq!(order.remark.as_deref(), Some("易碎物品"));
    let sender = order.sender.as_ref().expect("a sender");
    assert_eq!(sender.name.as_deref(), Some("张三"));
    assert_eq!(sender.mobile.as_deref(), Some("18666666666"));
    assert_eq!(sender.area.as_deref(), Some("海珠区"));
    let receiver = order.receiver.as_ref().expect("a receiver");
    assert_eq!(receiver.post_code.as_deref(), Some("654321"));
    assert_eq!(receiver.area.as_deref(), Some("天河区"));
    let cargo = order.cargo.as_ref().expect("cargo");
    assert_eq!(
        (cargo.weight, cargo.space_x, cargo.space_y, cargo.space_z),
        (Some(1.2), Some(20.5), Some(15.0), Some(10.0))
    );
    assert_eq!(cargo.count, Some(2));
    let goods: Vec<_> = cargo
        .detail_list
        .iter()
        .map(|item| (item.name.as_deref(), item.count))
        .collect();
    assert_eq!(
        goods,
        [
            (Some("一千零一夜钻石包"), Some(1)),
            (Some("爱马仕柏金钻石包"), Some(1))
        ]
    );
    let insured = order.insured.as_ref().expect("insurance");
    assert_eq!(
        (insured.use_insured, insured.insured_value),
        (Some(true), Some(10000))
    );
    let service = order.service.as_ref().expect("a service");
    assert_eq!(
        (service.service_type, service.service_name.as_deref()),
        (Some(0), Some("标准快递"))
    );
    let debug = format!("{order:?}");
    for secret in [
        "xyz123",
        "1234ABC234523451",
        "张三",
        "王小蒙",
        "18666666666",
        "020-88888888",
        "XX路",
    ] {
        assert!(!debug.contains(secret), "{secret} in {debug}");
    }
    assert!(debug.contains("海珠区"), "{debug}");
    assert_eq!(
        answer_leaves(order.reply(
            "123456789",
            0,
            "success",
            "##ZTO_bagAddr##广州##ZTO_mark##888-666-666##"
        )),
        pairs(&[
            ("MsgType", "event"),
            ("Event", "add_waybill"),
            ("Token", "1234ABC234523451"),
            ("OrderID", "012345678901234567890123456789"),
            ("BizID", "xyz"),
            ("WayBillID", "123456789"),
            ("ResultCode", "0"),
            ("ResultMsg", "success"),
            (
                "WaybillData",
                "##ZTO_bagAddr##广州##ZTO_mark##888-666-666##"
            ),
        ])
    );
}

const CANCEL_WAYBILL: &str = "<xml>\
    <ToUserName><![CDATA[gh_abcdefg]]></ToUserName>\
    <FromUserName><![CDATA[oABCD]]></FromUserName>\
    <CreateTime>1533042556</CreateTime>\
    <MsgType><![CDATA[event]]></MsgType>\
    <Event><![CDATA[cancel_waybill]]></Event>\
    <BizID><![CDATA[xyz]]></BizID>\
    <BizPwd><![CDATA[xyz123]]></BizPwd>\
    <ShopAppID><![CDATA[wxABCD]]></ShopAppID>\
    <OrderID><![CDATA[012345678901234567890123456789]]></OrderID>\
    <WayBillID><![CDATA[123456789]]></WayBillID>\
</xml>";

const CANCEL_WAYBILL_JSON: &str = r#"{
    "ToUserName": "gh_abcdefg",
    "FromUserName": "oABCD",
    "CreateTime": 1533042556,
    "MsgType": "event",
    "Event": "cancel_waybill",
    "BizID": "xyz",
    "BizPwd": "xyz123",
    "ShopAppID": "wxABCD",
    "OrderID": "012345678901234567890123456789",
    "WayBillID": "123456789"
  }"#;

/// `cancel_waybill`, from the XML and JSON samples of
/// <https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/express/express-by-provider/onCancelOrder.html>.
#[test]
fn cancel_waybill() {
    let Event::CancelWaybill(cancel) = request(CANCEL_WAYBILL) else {
        panic!("cancel_waybill");
    };
    let Event::CancelWaybill(from_json) = request(CANCEL_WAYBILL_JSON) else {
        panic!("cancel_waybill as JSON");
    };
    assert_eq!(cancel, from_json);
    assert_eq!(
        (
            cancel.biz_id.as_deref(),
            cancel.shop_app_id.as_deref(),
            cancel.order_id.as_deref(),
            cancel.way_bill_id.as_deref()
        ),
        (
            Some("xyz"),
            Some("wxABCD"),
            Some("012345678901234567890123456789"),
            Some("123456789")
        )
    );
    assert_eq!(cancel.biz_pwd.as_deref(), Some("xyz123"));
    assert!(!format!("{cancel:?}").contains("xyz123"));
    assert_eq!(
        answer_leaves(cancel.reply(0, "success")),
        pairs(&[
            ("MsgType", "event"),
            ("Event", "cancel_waybill"),
            ("BizID", "xyz"),
            ("OrderID", "012345678901234567890123456789"),
            ("WayBillID", "123456789"),
            ("ResultCode", "0"),
            ("ResultMsg", "success"),
        ])
    );
}

/// The doc's XML sample; its JSON sample lacks commas (not JSON), so it is
/// not used.
const CHECK_BIZ: &str = "<xml>\
    <ToUserName><![CDATA[gh_abcdefg]]></ToUserName>\
    <FromUserName><![CDATA[oABCD]]></FromUserName>\
    <CreateTime>1533042556</CreateTime>\
    <MsgType><![CDATA[event]]></MsgType>\
    <Event><![CDATA[check_biz]]></Event>\
    <BizID><![CDATA[xyz]]></BizID>\
    <BizPwd><![CDATA[xyz123]]></BizPwd>\
    <ShopAppID><![CDATA[wxABCD]]></ShopAppID>\
    <ShopName><![CDATA[商户名称]]></ShopName>\
    <ShopTelphone><![CDATA[18677778888]]></ShopTelphone>\
    <ShopContact><![CDATA[村正]]></ShopContact>\
    <ServiceName><![CDATA[标准快递]]></ServiceName>\
    <SenderProvince><![CDATA[广东省]]></SenderProvince>\
    <SenderCity><![CDATA[广州市]]></SenderCity>\
    <SenderArea><![CDATA[海珠区]]></SenderArea>\
    <SenderAddress><![CDATA[新港中路397号]]></SenderAddress>\
</xml>";

/// `check_biz`, from the sample of
/// <https://developers.weixin.qq.com/miniprogram/dev/server/event_push/express/provider/Review_merchant_events.html>
/// (whose answer sample has no `Quota`, though its table lists one).
#[test]
fn check_biz() {
    let Event::CheckBiz(check) = request(CHECK_BIZ) else {
        panic!("check_biz");
    };
    assert_eq!(check.biz_id.as_deref(), Some("xyz"));
    assert_eq!(check.biz_pwd.as_deref(), Some("xyz123"));
    assert_eq!(check.shop_app_id.as_deref(), Some("wxABCD"));
    assert_eq!(check.shop_name.as_deref(), Some("商户名称"));
    assert_eq!(check.shop_telphone.as_deref(), Some("18677778888"));
    assert_eq!(check.shop_contact.as_deref(), Some("村正"));
    assert_eq!(check.service_name.as_deref(), Some("标准快递"));
    assert_eq!(
        (
            check.sender_province.as_deref(),
            check.sender_city.as_deref(),
            check.sender_area.as_deref(),
            check.sender_address.as_deref()
        ),
        (
            Some("广东省"),
            Some("广州市"),
            Some("海珠区"),
            Some("新港中路397号")
        )
    );
    let debug = format!("{check:?}");
    for secret in ["xyz123", "18677778888", "村正", "新港中路397号"] {
        assert!(!debug.contains(secret), "{secret} in {debug}");
    }
    let answer = pairs(&[
        ("MsgType", "event"),
        ("Event", "check_biz"),
        ("BizID", "xyz"),
        ("ResultCode", "0"),
        ("ResultMsg", "success"),
    ]);
    assert_eq!(answer_leaves(check.reply(0, "success", None)), answer);
    let with_quota = answer_leaves(check.reply(0, "success", Some(5)));
    assert_eq!(
        with_quota.last(),
        Some(&("Quota".to_owned(), "5".to_owned()))
    );
}

/// The doc's request sample (no CDATA, `CreateTime` after `Event`).
const WAYBILL_NOTIFY_QUERY: &str = "<xml>\
<ToUserName>gh_ea48699fb159</ToUserName>\
<FromUserName>oHt_80DRclK4qjKfdYnPg6RxxsNI</FromUserName>\
<MsgType>event</MsgType>\
<Event>waybill_notify_query</Event>\
<CreateTime>1600152165</CreateTime>\
<WaybillId>557007127498128</WaybillId>\
<SenderPhone>13763357711</SenderPhone>\
<ReceiverPhone>13763357711</ReceiverPhone>\
</xml>";

/// `waybill_notify_query`, from the samples of
/// <https://developers.weixin.qq.com/miniprogram/dev/server/event_push/express/provider/check_order_status.html>.
#[test]
fn waybill_notify_query() {
    let Event::WaybillNotifyQuery(query) = request(WAYBILL_NOTIFY_QUERY) else {
        panic!("waybill_notify_query");
    };
    assert_eq!(query.waybill_id.as_deref(), Some("557007127498128"));
    assert_eq!(query.sender_phone.as_deref(), Some("13763357711"));
    assert_eq!(query.receiver_phone.as_deref(), Some("13763357711"));
    let debug = format!("{query:?}");
    assert!(!debug.contains("13763357711"), "{debug}");
    let path = [
        PathStep::new(300001, 1_600_000_000, "派送中").delivery_courier("张三", "10086"),
        PathStep::new(100001, 1_600_000_000, "已取件"),
    ];
    assert!(!format!("{path:?}").contains("10086"));
    assert_eq!(
        answer_leaves(query.reply(0, "OK", 1_600_000_000, &path)),
        pairs(&[
            ("MsgType", "event"),
            ("Event", "waybill_notify_query"),
            ("ResultCode", "0"),
            ("ResultMsg", "OK"),
            ("WaybillCreateTime", "1600000000"),
            ("Path/ActionType", "300001"),
            ("Path/ActionTime", "1600000000"),
            ("Path/ActionMsg", "派送中"),
            ("Path/DeliveryCourierName", "张三"),
            ("Path/DeliveryCourierPhone", "10086"),
            ("Path/ActionType", "100001"),
            ("Path/ActionTime", "1600000000"),
            ("Path/ActionMsg", "已取件"),
        ])
    );
}

/// `update_business_bind_result`, from the XML sample of
/// <https://developers.weixin.qq.com/miniprogram/dev/server/event_push/express/business/Bind_merchant_review_result_update_event.html>
/// (its JSON sample has a trailing comma, not JSON): a notification to
/// the merchant, answered `success`, not a request.
#[test]
fn update_business_bind_result_is_a_notification() {
    let push = "<xml>\
  <ToUserName><![CDATA[toUser]]></ToUserName>\
  <FromUserName><![CDATA[fromUser]]></FromUserName>\
  <CreateTime>1546924844</CreateTime>\
  <MsgType><![CDATA[event]]></MsgType>\
  <Event><![CDATA[update_business_bind_result]]></Event>\
  <errcode>0</errcode>\
  <errmsg><![CDATA[ok]]></errmsg>\
  <delivery_id><![CDATA[EMS]]></delivery_id>\
  <biz_id><![CDATA[1234567]]></biz_id>\
</xml>";
    let message = Message::from_xml(push).expect("decodes");
    assert!(!message.expects_reply());
    let Message::Event(event) = message else {
        panic!("an event");
    };
    let Event::UpdateBusinessBindResult(result) = event.detail else {
        panic!("update_business_bind_result: {:?}", event.detail);
    };
    assert_eq!(result.errcode, Some(0));
    assert_eq!(result.errmsg.as_deref(), Some("ok"));
    assert_eq!(result.delivery_id.as_deref(), Some("EMS"));
    assert_eq!(result.biz_id.as_deref(), Some("1234567"));
}

// The single-waybill (散单寄件) requests: the guide
// <https://developers.weixin.qq.com/miniprogram/dev/platform-capabilities/industry/express/delivery/single-delivery.html>
// and its event pages give field tables but no samples, so each push below
// is built from its table, XML like the logistics helper's other pushes.

/// A single-waybill push: the header, the event, then `body`.
fn single_push(event: &str, body: &str) -> String {
    format!(
        "<xml><ToUserName><![CDATA[gh_abcdefg]]></ToUserName>\
         <FromUserName><![CDATA[oABCD]]></FromUserName><CreateTime>1700000000</CreateTime>\
         <MsgType><![CDATA[event]]></MsgType><Event><![CDATA[{event}]]></Event>{body}</xml>"
    )
}

const IDS: &str = "<Token><![CDATA[wx-token-1a2b3c]]></Token><WXAppId><![CDATA[wxABCD]]></WXAppId>\
    <OrderID><![CDATA[o-1001]]></OrderID><WayBillID><![CDATA[SF1234567890]]></WayBillID>";

const PARTIES: &str = "<Sender><Name><![CDATA[张三]]></Name><Mobile><![CDATA[18666666666]]></Mobile>\
    <Province><![CDATA[广东省]]></Province><City><![CDATA[广州市]]></City><Area><![CDATA[海珠区]]></Area>\
    <Street><![CDATA[赤岗街道]]></Street><Address><![CDATA[XX路XX号]]></Address><Id><![CDATA[addr-1]]></Id></Sender>\
    <Receiver><Name><![CDATA[王小蒙]]></Name><Tel><![CDATA[029-77777777]]></Tel>\
    <Province><![CDATA[陕西省]]></Province><City><![CDATA[西安市]]></City><Area><![CDATA[雁塔区]]></Area>\
    <Street><![CDATA[小寨路街道]]></Street><Address><![CDATA[YY路YY号]]></Address></Receiver>\
    <GoodDetail><Special>1</Special><Weight>2.5</Weight></GoodDetail>";

/// Debug shows none of the personal data of `PARTIES` nor the token.
fn assert_hidden(debug: &str) {
    for secret in [
        "张三",
        "王小蒙",
        "18666666666",
        "029-77777777",
        "XX路",
        "YY路",
        "wx-token-1a2b3c",
    ] {
        assert!(!debug.contains(secret), "{secret} in {debug}");
    }
}

fn answer(event: &str, fields: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut all = vec![("MsgType", "event"), ("Event", event)];
    all.extend_from_slice(fields);
    pairs(&all)
}

/// `query_single_waybill_fee` (check_standard_shipping).
#[test]
fn query_single_waybill_fee() {
    let push = single_push(
        "query_single_waybill_fee",
        &format!("{PARTIES}<Scene>1</Scene>"),
    );
    let Event::QuerySingleWaybillFee(query) = request(&push) else {
        panic!("query_single_waybill_fee");
    };
    let sender = query.sender.as_ref().expect("a sender");
    assert_eq!(
        (
            sender.name.as_deref(),
            sender.street.as_deref(),
            sender.id.as_deref()
        ),
        (Some("张三"), Some("赤岗街道"), Some("addr-1"))
    );
    let receiver = query.receiver.as_ref().expect("a receiver");
    assert_eq!(
        (receiver.tel.as_deref(), receiver.city.as_deref()),
        (Some("029-77777777"), Some("西安市"))
    );
    let goods = query.good_detail.as_ref().expect("goods");
    assert_eq!((goods.special, goods.weight), (Some(1), Some(2.5)));
    assert_eq!(query.scene, Some(1));
    assert_hidden(&format!("{query:?}"));
    assert_eq!(
        answer_leaves(query.reply(0, "ok", 1200, Some(1500))),
        answer(
            "query_single_waybill_fee",
            &[
                ("ResultCode", "0"),
                ("ResultMsg", "ok"),
                ("Fee", "1200"),
                ("OriginalFee", "1500")
            ]
        )
    );
}

/// `add_single_waybill` (shipping_capacity_order).
#[test]
fn add_single_waybill() {
    let push = single_push(
        "add_single_waybill",
        &format!(
            "<Token><![CDATA[wx-token-1a2b3c]]></Token><WXAppId><![CDATA[wxABCD]]></WXAppId>\
             <CompanyID><![CDATA[c-9]]></CompanyID><Account><![CDATA[acct-9]]></Account>\
             <AccountPwd><![CDATA[acct-secret]]></AccountPwd><OrderID><![CDATA[o-1001]]></OrderID>\
             {PARTIES}<Insured><UseInsured>0</UseInsured><InsuredValue>0</InsuredValue></Insured>\
             <Remark><![CDATA[易碎]]></Remark><Settingment>1</Settingment>\
             <ExpectStartTime>1700001000</ExpectStartTime><ExpectEndTime>1700004600</ExpectEndTime>\
             <PickUpStartTime>1700001800</PickUpStartTime><PickUpEndTime>1700005400</PickUpEndTime>\
             <Scene>2</Scene>"
        ),
    );
    let Event::AddSingleWaybill(order) = request(&push) else {
        panic!("add_single_waybill");
    };
    assert_eq!(order.token.as_deref(), Some("wx-token-1a2b3c"));
    assert_eq!(order.wx_app_id.as_deref(), Some("wxABCD"));
    assert_eq!(
        (
            order.company_id.as_deref(),
            order.account.as_deref(),
            order.account_pwd.as_deref()
        ),
        (Some("c-9"), Some("acct-9"), Some("acct-secret"))
    );
    assert_eq!(order.order_id.as_deref(), Some("o-1001"));
    assert_eq!(
        order.receiver.as_ref().and_then(|r| r.area.as_deref()),
        Some("雁塔区")
    );
    assert_eq!(order.good_detail.as_ref().and_then(|g| g.weight), Some(2.5));
    let insured = order.insured.as_ref().expect("insurance");
    assert_eq!(
        (insured.use_insured, insured.insured_value),
        (Some(false), Some(0))
    );
    assert_eq!(order.remark.as_deref(), Some("易碎"));
    assert_eq!(order.settingment, Some(1));
    assert_eq!(
        (
            order.expect_start_time,
            order.expect_end_time,
            order.pick_up_start_time,
            order.pick_up_end_time
        ),
        (
            Some(1_700_001_000),
            Some(1_700_004_600),
            Some(1_700_001_800),
            Some(1_700_005_400)
        )
    );
    assert_eq!(order.scene, Some(2));
    let debug = format!("{order:?}");
    assert_hidden(&debug);
    assert!(!debug.contains("acct-secret"), "{debug}");
    assert_eq!(
        answer_leaves(order.reply(0, "ok", "SF1234567890", Some("2023-11-16"), Some("4321"))),
        answer(
            "add_single_waybill",
            &[
                ("ResultCode", "0"),
                ("ResultMsg", "ok"),
                ("WayBillID", "SF1234567890"),
                ("EstimatedDeliveryTime", "2023-11-16"),
                ("PickCode", "4321"),
            ]
        )
    );
    assert_eq!(
        answer_leaves(order.reply(-1, "no courier", "", None, None)),
        answer(
            "add_single_waybill",
            &[
                ("ResultCode", "-1"),
                ("ResultMsg", "no courier"),
                ("WayBillID", "")
            ]
        )
    );
}

/// `cancel_single_waybill` (single-waybill guide).
#[test]
fn cancel_single_waybill() {
    let push = single_push(
        "cancel_single_waybill",
        &format!(
            "{IDS}<CancelID><![CDATA[3]]></CancelID><CancelReason><![CDATA[不想寄了]]></CancelReason>"
        ),
    );
    let Event::CancelSingleWaybill(cancel) = request(&push) else {
        panic!("cancel_single_waybill");
    };
    assert_eq!(cancel.ids.token.as_deref(), Some("wx-token-1a2b3c"));
    assert_eq!(cancel.ids.wx_app_id.as_deref(), Some("wxABCD"));
    assert_eq!(cancel.ids.order_id.as_deref(), Some("o-1001"));
    assert_eq!(cancel.ids.way_bill_id.as_deref(), Some("SF1234567890"));
    assert_eq!(cancel.cancel_id.as_deref(), Some("3"));
    assert_eq!(cancel.cancel_reason.as_deref(), Some("不想寄了"));
    assert_hidden(&format!("{cancel:?}"));
    assert_eq!(
        answer_leaves(cancel.reply(0, "ok")),
        answer(
            "cancel_single_waybill",
            &[("ResultCode", "0"), ("ResultMsg", "ok")]
        )
    );
}

/// `query_single_waybill` (query_waybill): the details go in as `Fields`.
#[test]
fn query_single_waybill() {
    let push = single_push("query_single_waybill", IDS);
    let Event::QuerySingleWaybill(query) = request(&push) else {
        panic!("query_single_waybill");
    };
    assert_eq!(query.ids.way_bill_id.as_deref(), Some("SF1234567890"));
    assert_hidden(&format!("{query:?}"));
    let details = Fields::new()
        .object(
            "Sender",
            Fields::new().text("Name", "张三").text("City", "广州市"),
        )
        .object(
            "PathInfo",
            Fields::new().list(
                "path_info",
                vec![
                    Fields::new()
                        .integer("action_time", 1_700_002_000)
                        .integer("action_type", 100_001)
                        .text("action_msg", "已揽件"),
                ],
            ),
        )
        .integer("Fee", 1200)
        .integer("PayResult", 1);
    assert_eq!(
        answer_leaves(query.reply(0, "ok", "SF1234567890", details)),
        answer(
            "query_single_waybill",
            &[
                ("ResultCode", "0"),
                ("ResultMsg", "ok"),
                ("WayBillID", "SF1234567890"),
                ("Sender/Name", "张三"),
                ("Sender/City", "广州市"),
                ("PathInfo/path_info/action_time", "1700002000"),
                ("PathInfo/path_info/action_type", "100001"),
                ("PathInfo/path_info/action_msg", "已揽件"),
                ("Fee", "1200"),
                ("PayResult", "1"),
            ]
        )
    );
}

/// `notify_single_waybill_pay` (single-waybill guide).
#[test]
fn notify_single_waybill_pay() {
    let push = single_push(
        "notify_single_waybill_pay",
        &format!(
            "{IDS}<Fee>1200</Fee><OriginalFee>1500</OriginalFee>\
             <PayOrderId><![CDATA[pay-77]]></PayOrderId><PayFinishTime>1700003000</PayFinishTime>"
        ),
    );
    let Event::NotifySingleWaybillPay(payment) = request(&push) else {
        panic!("notify_single_waybill_pay");
    };
    assert_eq!(payment.ids.order_id.as_deref(), Some("o-1001"));
    assert_eq!(
        (payment.fee, payment.original_fee),
        (Some(1200), Some(1500))
    );
    assert_eq!(payment.pay_order_id.as_deref(), Some("pay-77"));
    assert_eq!(payment.pay_finish_time, Some(1_700_003_000));
    assert_hidden(&format!("{payment:?}"));
    assert_eq!(
        answer_leaves(payment.reply(0, "ok")),
        answer(
            "notify_single_waybill_pay",
            &[("ResultCode", "0"), ("ResultMsg", "ok")]
        )
    );
}

/// `remind_waybill` (single-waybill guide).
#[test]
fn remind_waybill() {
    let Event::RemindWaybill(reminder) = request(&single_push("remind_waybill", IDS)) else {
        panic!("remind_waybill");
    };
    assert_eq!(reminder.ids.wx_app_id.as_deref(), Some("wxABCD"));
    assert_hidden(&format!("{reminder:?}"));
    assert_eq!(
        answer_leaves(reminder.reply(0, "ok", Some("SF1234567890"), Some("2023-11-17"))),
        answer(
            "remind_waybill",
            &[
                ("ResultCode", "0"),
                ("ResultMsg", "ok"),
                ("WayBillID", "SF1234567890"),
                ("EstimatedDeliveryTime", "2023-11-17"),
            ]
        )
    );
}

/// `waybill_complaint` (single-waybill guide).
#[test]
fn waybill_complaint() {
    let push = single_push(
        "waybill_complaint",
        &format!(
            "{IDS}<ComplainType>2</ComplainType><Content><![CDATA[快递员态度差]]></Content>\
             <Pic><![CDATA[https://example.com/p.png]]></Pic><Name><![CDATA[张三]]></Name>\
             <Phone><![CDATA[18666666666]]></Phone>"
        ),
    );
    let Event::WaybillComplaint(complaint) = request(&push) else {
        panic!("waybill_complaint");
    };
    assert_eq!(complaint.complain_type, Some(2));
    assert_eq!(complaint.content.as_deref(), Some("快递员态度差"));
    assert_eq!(complaint.pic.as_deref(), Some("https://example.com/p.png"));
    assert_eq!(
        (complaint.name.as_deref(), complaint.phone.as_deref()),
        (Some("张三"), Some("18666666666"))
    );
    assert_hidden(&format!("{complaint:?}"));
    assert_eq!(
        answer_leaves(complaint.reply(0, "ok")),
        answer(
            "waybill_complaint",
            &[("ResultCode", "0"), ("ResultMsg", "ok")]
        )
    );
}

/// `waybill_evaluate_agent` (single-waybill guide).
#[test]
fn waybill_evaluate_agent() {
    let push = single_push(
        "waybill_evaluate_agent",
        &format!("{IDS}<CourierType>1</CourierType><Score>5</Score>"),
    );
    let Event::WaybillEvaluateAgent(rating) = request(&push) else {
        panic!("waybill_evaluate_agent");
    };
    assert_eq!((rating.courier_type, rating.score), (Some(1), Some(5)));
    assert_eq!(rating.ids.token.as_deref(), Some("wx-token-1a2b3c"));
    assert_hidden(&format!("{rating:?}"));
    assert_eq!(
        answer_leaves(rating.reply(0, "ok")),
        answer(
            "waybill_evaluate_agent",
            &[("ResultCode", "0"), ("ResultMsg", "ok")]
        )
    );
}

/// `waybill_query_expect_time_range` (check_reservation).
#[test]
fn waybill_query_expect_time_range() {
    let push = single_push(
        "waybill_query_expect_time_range",
        "<WXAppId><![CDATA[wxABCD]]></WXAppId><Province><![CDATA[广东省]]></Province>\
         <City><![CDATA[广州市]]></City><Area><![CDATA[海珠区]]></Area>\
         <Street><![CDATA[赤岗街道]]></Street><Address><![CDATA[XX路XX号]]></Address>\
         <Id><![CDATA[addr-1]]></Id>",
    );
    let Event::WaybillQueryExpectTimeRange(query) = request(&push) else {
        panic!("waybill_query_expect_time_range");
    };
    assert_eq!(query.wx_app_id.as_deref(), Some("wxABCD"));
    assert_eq!(
        (
            query.address.city.as_deref(),
            query.address.street.as_deref(),
            query.address.address.as_deref(),
            query.address.id.as_deref()
        ),
        (
            Some("广州市"),
            Some("赤岗街道"),
            Some("XX路XX号"),
            Some("addr-1")
        )
    );
    assert_hidden(&format!("{query:?}"));
    let ranges = [
        PickupTimeRange::new(9, 11).day_delta(0).status(1),
        PickupTimeRange::new(14, 16),
    ];
    assert_eq!(
        answer_leaves(query.reply(0, "ok", &ranges)),
        answer(
            "waybill_query_expect_time_range",
            &[
                ("ResultCode", "0"),
                ("ResultMsg", "ok"),
                ("ValidTimeRange/StartTime", "9"),
                ("ValidTimeRange/EndTime", "11"),
                ("ValidTimeRange/DayDelta", "0"),
                ("ValidTimeRange/Status", "1"),
                ("ValidTimeRange/StartTime", "14"),
                ("ValidTimeRange/EndTime", "16"),
            ]
        )
    );
}

/// An express company's message URL answers the doc's `add_waybill`
/// sample, encrypted as it came, with the typed answer: the echoed ids and
/// the company's waybill.
#[tokio::test]
async fn the_callback_answers_add_waybill() {
    use super::provider_url;
    use wechat_api::callback::Router;
    use wechat_api_test_support::callback::{leaf, now};

    let router = Router::new().event("add_waybill", |message: Message, _client| async move {
        let Message::Event(event) = message else {
            return Ok(None);
        };
        let Event::AddWaybill(order) = event.detail else {
            return Ok(None);
        };
        let waybill = match order.way_bill_id.as_deref() {
            Some("0") | None => "SF0000001".to_owned(),
            Some(allotted) => allotted.to_owned(),
        };
        Ok(Some(
            order
                .reply(waybill, 0, "success", "##SF_mark##755##")
                .into(),
        ))
    });
    let (callback, wechat) = provider_url(router);
    let push = ADD_WAYBILL.replace("1533042556", &now().to_string());
    let answer = callback.handle_account(wechat.safe_push(&push)).await;
    let reply = wechat.open_reply(&answer);
    for (name, value) in [
        ("Event", "add_waybill"),
        ("Token", "1234ABC234523451"),
        ("OrderID", "012345678901234567890123456789"),
        ("BizID", "xyz"),
        ("WayBillID", "123456789"),
        ("ResultCode", "0"),
        ("WaybillData", "##SF_mark##755##"),
    ] {
        assert_eq!(
            leaf(&reply, name).as_deref(),
            Some(value),
            "{name}: {reply}"
        );
    }
    assert!(!reply.contains("xyz123"), "the password is not echoed");
}
