//! Every event added for issue 18 decodes to its typed variant from the
//! official documentation's sample (XML for the official account's, JSON
//! where the mini-program and WeChat Store docs give JSON), with its
//! fields; an unknown event is still `Other`.

use serde_json::{Value, json};
use wechat_api::event::{ComponentEvent, Event, Message};

pub(super) fn xml_event(name: &str, body: &str) -> String {
    format!(
        "<xml><ToUserName><![CDATA[gh_e136c6e50636]]></ToUserName>\
         <FromUserName><![CDATA[oMgHVjngRipVsoxg6TuX3vz6glDg]]></FromUserName>\
         <CreateTime>1408090502</CreateTime><MsgType><![CDATA[event]]></MsgType>\
         <Event><![CDATA[{name}]]></Event>{body}</xml>"
    )
}

/// The typed detail of an event push, as JSON (its `type` tag included).
pub(super) fn detail(message: Message) -> Value {
    let Message::Event(event) = message else {
        panic!("not an event: {message:?}");
    };
    assert_ne!(event.detail, Event::Other, "{} stays Other", event.event());
    serde_json::to_value(&event.detail).expect("serializes")
}

pub(super) fn from_xml(xml: &str) -> Value {
    detail(Message::from_xml(xml).expect("decodes"))
}

pub(super) fn from_json(value: Value) -> Value {
    detail(Message::from_json(&value.to_string()).expect("decodes"))
}

#[test]
fn menu_events() {
    let scan = |name: &str, result: &str| {
        xml_event(
            name,
            &format!(
                "<EventKey><![CDATA[6]]></EventKey><ScanCodeInfo><ScanType><![CDATA[qrcode]]></ScanType>\
                 <ScanResult><![CDATA[{result}]]></ScanResult></ScanCodeInfo>"
            ),
        )
    };
    assert_eq!(
        from_xml(&scan("scancode_push", "1")),
        json!({"type": "scancode_push", "key": "6", "scan_type": "qrcode", "scan_result": "1"})
    );
    assert_eq!(from_xml(&scan("scancode_waitmsg", "2"))["scan_result"], "2");

    let pictures = |name: &str, md5: &str| {
        xml_event(
            name,
            &format!(
                "<EventKey><![CDATA[6]]></EventKey><SendPicsInfo><Count>1</Count>\
                 <PicList><item><PicMd5Sum><![CDATA[{md5}]]></PicMd5Sum></item></PicList></SendPicsInfo>"
            ),
        )
    };
    assert_eq!(
        from_xml(&pictures(
            "pic_sysphoto",
            "1b5f7c23b5bf75682a53e7b6d163e185"
        )),
        json!({"type": "pic_sysphoto", "key": "6", "count": 1,
               "pic_md5_sums": ["1b5f7c23b5bf75682a53e7b6d163e185"]})
    );
    for name in ["pic_photo_or_album", "pic_weixin"] {
        let got = from_xml(&pictures(name, "5a75aaca956d97be686719218f275c6b"));
        assert_eq!(got["type"], name);
        assert_eq!(got["pic_md5_sums"][0], "5a75aaca956d97be686719218f275c6b");
    }

    let location = xml_event(
        "location_select",
        "<EventKey><![CDATA[6]]></EventKey><SendLocationInfo><Location_X><![CDATA[23]]></Location_X>\
         <Location_Y><![CDATA[113]]></Location_Y><Scale><![CDATA[15]]></Scale>\
         <Label><![CDATA[ 广州市海珠区客村艺苑路 106号]]></Label><Poiname><![CDATA[]]></Poiname>\
         </SendLocationInfo>",
    );
    assert_eq!(
        from_xml(&location),
        json!({"type": "location_select", "key": "6", "latitude": 23.0, "longitude": 113.0,
               "scale": 15, "label": "广州市海珠区客村艺苑路 106号", "poiname": null})
    );

    let mini = xml_event(
        "view_miniprogram",
        "<EventKey><![CDATA[pages/index/index]]></EventKey><MenuId>MENUID</MenuId>",
    );
    assert_eq!(
        from_xml(&mini),
        json!({"type": "view_miniprogram", "page_path": "pages/index/index", "menu_id": "MENUID"})
    );
}

#[test]
fn customer_service_session_events() {
    for name in ["kf_create_session", "kf_close_session"] {
        let xml = xml_event(name, "<KfAccount><![CDATA[test1@test]]></KfAccount>");
        assert_eq!(
            from_xml(&xml),
            json!({"type": name, "kf_account": "test1@test"})
        );
    }
    let switch = xml_event(
        "kf_switch_session",
        "<FromKfAccount><![CDATA[test1@test]]></FromKfAccount><ToKfAccount><![CDATA[test2@test]]></ToKfAccount>",
    );
    assert_eq!(
        from_xml(&switch),
        json!({"type": "kf_switch_session", "from_kf_account": "test1@test", "to_kf_account": "test2@test"})
    );
}

#[test]
fn verification_and_naming_events() {
    for (name, time) in [
        ("qualification_verify_success", 1_442_401_156_i64),
        ("naming_verify_success", 1_442_401_093),
        ("annual_renew", 1_442_401_004),
        ("verify_expired", 1_442_400_900),
    ] {
        let xml = xml_event(name, &format!("<ExpiredTime>{time}</ExpiredTime>"));
        assert_eq!(from_xml(&xml), json!({"type": name, "expired_time": time}));
    }
    for (name, time) in [
        ("qualification_verify_fail", 1_442_401_122_i64),
        ("naming_verify_fail", 1_442_401_061),
    ] {
        let xml = xml_event(
            name,
            &format!("<FailTime>{time}</FailTime><FailReason><![CDATA[by time]]></FailReason>"),
        );
        assert_eq!(
            from_xml(&xml),
            json!({"type": name, "fail_time": time, "fail_reason": "by time"})
        );
    }
}

#[test]
fn mini_program_media_check_and_shipping_events() {
    let check = json!({
        "ToUserName": "gh_38cc49f9733b", "FromUserName": "oH1fu0FdHqpToe2T6gBj0WyB8iS1",
        "CreateTime": 1626959646, "MsgType": "event", "Event": "wxa_media_check",
        "appid": "wx8f16a5e7c3d8b4a9", "trace_id": "60f96f1d-3845297a-1976a3ae", "version": 2,
        "detail": [{"strategy": "content_model", "errcode": 0, "suggest": "pass", "label": 100, "prob": 90}],
        "errcode": 0, "errmsg": "ok", "result": {"suggest": "pass", "label": 100}
    });
    assert_eq!(
        from_json(check),
        json!({"type": "wxa_media_check", "appid": "wx8f16a5e7c3d8b4a9",
               "trace_id": "60f96f1d-3845297a-1976a3ae", "version": 2, "is_risky": null,
               "suggest": "pass", "label": 100, "errcode": 0})
    );
    let v1 = "<xml><ToUserName><![CDATA[gh_38cc49f9733b]]></ToUserName>\
              <FromUserName><![CDATA[oH1fu0FdHqpToe2T6gBj0WyB8iS1]]></FromUserName>\
              <CreateTime>1593847036</CreateTime><MsgType><![CDATA[event]]></MsgType>\
              <Event><![CDATA[wxa_media_check]]></Event><isrisky>0</isrisky>\
              <extra_info_json><![CDATA[]]></extra_info_json><appid><![CDATA[wx8f16a5e7c3d8b4a9]]></appid>\
              <trace_id><![CDATA[5f0044b6-2d49a5ac-56c8ec1d]]></trace_id><status_code>0</status_code></xml>";
    let got = from_xml(v1);
    assert_eq!(
        (got["is_risky"].clone(), got["trace_id"].clone()),
        (json!(0), json!("5f0044b6-2d49a5ac-56c8ec1d"))
    );

    let remind = json!({
        "ToUserName": "gh_1234567890ab", "FromUserName": "o4_t144jTUSEoxydysUA2E234_tc",
        "CreateTime": 1662480000, "MsgType": "event", "Event": "trade_manage_remind_shipping",
        "merchant_id": "1230000109", "sub_merchant_id": "", "transaction_id": "42000003123044196",
        "merchant_trade_no": "20230501120000", "msg": "请尽快发货"
    });
    let got = from_json(remind);
    assert_eq!(got["type"], "trade_manage_remind_shipping");
    assert_eq!(got["transaction_id"], "42000003123044196");
    assert_eq!(
        got["sub_merchant_id"],
        Value::Null,
        "an empty element is None"
    );
    let settled = json!({
        "ToUserName": "gh_1234567890ab", "FromUserName": "o4_t144jTUSEoxydysUA2E234_tc",
        "CreateTime": 1662480000, "MsgType": "event", "Event": "trade_manage_order_settlement",
        "transaction_id": "42000003123044196", "merchant_id": "1230000109",
        "merchant_trade_no": "20230501120000", "pay_time": 1662470000, "shipped_time": 1662475000,
        "estimated_settlement_time": 1663080000, "confirm_receive_method": 1,
        "confirm_receive_time": 1662479000, "settlement_time": 1662480000
    });
    let got = from_json(settled);
    assert_eq!(
        (
            got["confirm_receive_method"].clone(),
            got["settlement_time"].clone()
        ),
        (json!(1), json!(1_662_480_000))
    );
    let access = xml_event(
        "trade_manage_remind_access_api",
        "<msg><![CDATA[请尽快完成发货信息管理接口接入]]></msg>",
    );
    assert_eq!(from_xml(&access)["msg"], "请尽快完成发货信息管理接口接入");
}

#[test]
fn wechat_store_events() {
    let store = |event: &str, body: Value| {
        let mut push = json!({"ToUserName": "gh_*", "FromUserName": "OPENID",
                              "CreateTime": 1662480000, "MsgType": "event", "Event": event});
        push.as_object_mut()
            .expect("object")
            .extend(body.as_object().cloned().unwrap_or_default());
        from_json(push)
    };
    let paid = store(
        "channels_ec_order_pay",
        json!({"order_info": {"order_id": 3705115058471208928_u64, "pay_time": 1658509200}}),
    );
    assert_eq!(paid["type"], "channels_ec_order_pay");
    assert_eq!(
        paid["order_id"], "3705115058471208928",
        "a numeric id keeps every digit"
    );
    assert_eq!(paid["time"], 1_658_509_200);
    let cancelled = store(
        "channels_ec_order_cancel",
        json!({"order_info": {"order_id": 3705115058471208928_u64, "cancel_type": 1}}),
    );
    assert_eq!(cancelled["cancel_type"], 1);
    let delivered = store(
        "channels_ec_order_deliver",
        json!({"order_info": {"order_id": 3705115058471208928_u64, "finish_delivery": 1}}),
    );
    assert_eq!(delivered["finish_delivery"], 1);
    let confirmed = store(
        "channels_ec_order_confirm",
        json!({"order_info": {"order_id": 3705115058471208928_u64, "confirm_type": 2}}),
    );
    assert_eq!(confirmed["confirm_type"], 2);
    let settled = store(
        "channels_ec_order_settle",
        json!({"order_info": {"order_id": 3705115058471208928_u64, "settle_time": 1658509200}}),
    );
    assert_eq!(settled["settle_time"], 1_658_509_200);
    let new = store(
        "channels_ec_order_new",
        json!({"order_info": {"order_id": 3705115058471208928_u64}}),
    );
    assert_eq!(new["type"], "channels_ec_order_new");
    let ext = store(
        "channels_ec_order_ext_info_update",
        json!({"order_info": {"order_id": 3705115058471208928_u64, "type": 1}}),
    );
    assert_eq!(ext["update_type"], 1);
    let aftersale = store(
        "channels_ec_aftersale_update",
        json!({"finder_shop_aftersale_status_update": {"status": "USER_WAIT_RETURN", "after_sale_order_id": "1234567", "order_id": "7890"}}),
    );
    assert_eq!(
        aftersale,
        json!({"type": "channels_ec_aftersale_update", "after_sale_order_id": "1234567", "status": "USER_WAIT_RETURN", "order_id": "7890", "wxa_vip_discounted_price": null})
    );
    let audit = store(
        "product_spu_audit",
        json!({"ProductSpuAudit": {"product_id": "1234", "status": 3, "reason": "资质不全"}}),
    );
    assert_eq!(
        audit,
        json!({"type": "product_spu_audit", "product_id": "1234", "status": 3, "reason": "资质不全"})
    );
    let listing = store(
        "product_spu_listing",
        json!({"ProductSpuListing": {"product_id": "1234", "status": 5, "reason": ""}}),
    );
    assert_eq!(
        (listing["status"].clone(), listing["reason"].clone()),
        (json!(5), Value::Null)
    );
    let update = store(
        "product_spu_update",
        json!({"ProductSpuUpdate": {"product_id": "1234", "status": 1}}),
    );
    assert_eq!(update["product_id"], "1234");
}

#[test]
fn publish_and_mini_program_account_events() {
    let publish = xml_event(
        "PUBLISHJOBFINISH",
        "<PublishEventInfo><publish_id>2247483721</publish_id><publish_status>0</publish_status>\
         <article_id><![CDATA[b5O2OUs25HBxRceL7hfReg-U9QGeq9zQjiDvy7-QC4mUdO-JLDxG3ltHLu5gbDyH]]></article_id>\
         <article_detail><count>1</count><item><idx>1</idx>\
         <article_url><![CDATA[ARTICLE_URL]]></article_url></item></article_detail></PublishEventInfo>",
    );
    assert_eq!(
        from_xml(&publish),
        json!({"type": "publish_job_finish", "publish_id": "2247483721", "publish_status": 0,
               "article_id": "b5O2OUs25HBxRceL7hfReg-U9QGeq9zQjiDvy7-QC4mUdO-JLDxG3ltHLu5gbDyH",
               "article_urls": ["ARTICLE_URL"], "fail_idx": []})
    );
    let failed = xml_event(
        "PUBLISHJOBFINISH",
        "<PublishEventInfo><publish_id>2247483721</publish_id><publish_status>2</publish_status>\
         <fail_idx>1</fail_idx><fail_idx>2</fail_idx></PublishEventInfo>",
    );
    assert_eq!(from_xml(&failed)["fail_idx"], json!([1, 2]));

    for name in [
        "user_info_modified",
        "user_authorization_revoke",
        "user_authorization_cancellation",
    ] {
        let push = json!({"ToUserName": "gh_870882ca4d8b", "FromUserName": "oEEYbwycTbo_yEpG7xtR0nEY1r1Y",
                          "CreateTime": 1626959646, "MsgType": "event", "Event": name,
                          "OpenID": "oEEYbwycTbo_yEpG7xtR0nEY1r1Y", "AppID": "wx6a2a7b8b3b3b3b3b", "RevokeInfo": "1"});
        assert_eq!(
            from_json(push),
            json!({"type": name, "openid": "oEEYbwycTbo_yEpG7xtR0nEY1r1Y", "appid": "wx6a2a7b8b3b3b3b3b", "revoke_info": "1"})
        );
    }
    let nickname = xml_event(
        "wxa_nickname_audit",
        "<ret>2</ret><nickname>昵称</nickname><reason>驳回原因</reason>",
    );
    assert_eq!(
        from_xml(&nickname),
        json!({"type": "wxa_nickname_audit", "ret": 2, "nickname": "昵称", "reason": "驳回原因"})
    );
}

/// The card and coupon events: `card_pass_check` and `user_get_card` are
/// the official samples; the others are built from the doc's field tables
/// (the doc gives no sample for them, or one with placeholder values).
#[test]
fn card_events() {
    let pass = xml_event(
        "card_pass_check",
        "<CardId><![CDATA[cardid]]></CardId><RefuseReason><![CDATA[非法代制]]></RefuseReason>",
    );
    assert_eq!(
        from_xml(&pass),
        json!({"type": "card_pass_check", "card_id": "cardid", "refuse_reason": "非法代制"})
    );
    let refused = xml_event(
        "card_not_pass_check",
        "<CardId><![CDATA[cardid]]></CardId><RefuseReason><![CDATA[非法代制]]></RefuseReason>",
    );
    assert_eq!(from_xml(&refused)["type"], "card_not_pass_check");

    let got = xml_event(
        "user_get_card",
        "<CardId> <![CDATA[pZI8Fjwsy5fVPRBeD78J4RmqVvBc]]> </CardId>\
         <IsGiveByFriend>0</IsGiveByFriend>\
         <UserCardCode> <![CDATA[226009850808]]> </UserCardCode>\
         <FriendUserName> <![CDATA[]]> </FriendUserName><OuterId>0</OuterId>\
         <OldUserCardCode> <![CDATA[]]> </OldUserCardCode>\
         <OuterStr> <![CDATA[12b]]> </OuterStr><IsRestoreMemberCard>0</IsRestoreMemberCard>\
         <IsRecommendByFriend>0</IsRecommendByFriend>\
         <UnionId>o6_bmasdasdsad6_2sgVt7hMZOPfL</UnionId>",
    );
    assert_eq!(
        from_xml(&got),
        json!({"type": "user_get_card", "card_id": "pZI8Fjwsy5fVPRBeD78J4RmqVvBc",
               "user_card_code": "226009850808", "is_give_by_friend": 0,
               "friend_user_name": null, "old_user_card_code": null, "outer_id": 0,
               "outer_str": "12b", "is_restore_member_card": 0, "is_recommend_by_friend": 0,
               "union_id": "o6_bmasdasdsad6_2sgVt7hMZOPfL"})
    );

    let gift = xml_event(
        "user_gifting_card",
        "<CardId><![CDATA[pFS7Fjg8kV1IdDz01r4SQwMkuCKc]]></CardId>\
         <UserCardCode><![CDATA[897669719588]]></UserCardCode>\
         <IsReturnBack>0</IsReturnBack><FriendUserName><![CDATA[o6_bmjrPTlm6_2sgVt7hMZOPfL2M]]></FriendUserName>\
         <IsChatRoom>1</IsChatRoom>",
    );
    assert_eq!(
        from_xml(&gift),
        json!({"type": "user_gifting_card", "card_id": "pFS7Fjg8kV1IdDz01r4SQwMkuCKc",
               "user_card_code": "897669719588", "friend_user_name": "o6_bmjrPTlm6_2sgVt7hMZOPfL2M",
               "is_return_back": 0, "is_chat_room": 1})
    );

    let code =
        "<CardId><![CDATA[cardid]]></CardId><UserCardCode><![CDATA[12312312]]></UserCardCode>";
    for name in [
        "user_del_card",
        "user_enter_session_from_card",
        "submit_membercard_user_info",
    ] {
        assert_eq!(
            from_xml(&xml_event(name, code)),
            json!({"type": name, "card_id": "cardid", "user_card_code": "12312312"})
        );
    }

    let consumed = xml_event(
        "user_consume_card",
        "<CardId><![CDATA[4ZYHzJnb6N0nkdmA8uhgwbFQYgmU]]></CardId>\
         <UserCardCode><![CDATA[12312312]]></UserCardCode>\
         <ConsumeSource><![CDATA[FROM_MOBILE_HELPER]]></ConsumeSource>\
         <LocationName><![CDATA[门店名称]]></LocationName>\
         <StaffOpenId><![CDATA[oPNsVuKd5SVLu7UNd0wbjqhJOaJ8]]></StaffOpenId>\
         <VerifyCode><![CDATA[]]></VerifyCode><RemarkAmount><![CDATA[]]></RemarkAmount>\
         <OuterStr><![CDATA[xxxxx]]></OuterStr>",
    );
    assert_eq!(
        from_xml(&consumed),
        json!({"type": "user_consume_card", "card_id": "4ZYHzJnb6N0nkdmA8uhgwbFQYgmU",
               "user_card_code": "12312312", "consume_source": "FROM_MOBILE_HELPER",
               "location_name": "门店名称", "staff_open_id": "oPNsVuKd5SVLu7UNd0wbjqhJOaJ8",
               "verify_code": null, "remark_amount": null, "outer_str": "xxxxx"})
    );

    let paid = xml_event(
        "User_pay_from_pay_cell",
        "<CardId><![CDATA[po2VNuCuRo-8sxxxxxxxxxxx]]></CardId>\
         <UserCardCode><![CDATA[38050000000]]></UserCardCode>\
         <TransId><![CDATA[10022403432015000000000]]></TransId>\
         <LocationId>291710000</LocationId><Fee><![CDATA[10000]]></Fee>\
         <OriginalFee><![CDATA[10000]]></OriginalFee>",
    );
    assert_eq!(
        from_xml(&paid),
        json!({"type": "user_pay_from_pay_cell", "card_id": "po2VNuCuRo-8sxxxxxxxxxxx",
               "user_card_code": "38050000000", "trans_id": "10022403432015000000000",
               "location_id": "291710000", "fee": 10000, "original_fee": 10000}),
        "the doc spells the event User_pay_from_pay_cell: names ignore case"
    );

    let viewed = xml_event(
        "user_view_card",
        "<CardId><![CDATA[pbLatjtZ7v1BG_ZnTjbW85GYc_E8]]></CardId>\
         <UserCardCode><![CDATA[8ea4afd5c1a5]]></UserCardCode><OuterStr><![CDATA[12b]]></OuterStr>",
    );
    assert_eq!(
        from_xml(&viewed),
        json!({"type": "user_view_card", "card_id": "pbLatjtZ7v1BG_ZnTjbW85GYc_E8",
               "user_card_code": "8ea4afd5c1a5", "outer_str": "12b"})
    );

    let member = xml_event(
        "update_member_card",
        "<CardId><![CDATA[p1Pj9jr90_SQRaVqYI239Ka1erkI]]></CardId>\
         <UserCardCode><![CDATA[084583024498]]></UserCardCode>\
         <ModifyBonus>3</ModifyBonus><ModifyBalance>-5</ModifyBalance>",
    );
    assert_eq!(
        from_xml(&member),
        json!({"type": "update_member_card", "card_id": "p1Pj9jr90_SQRaVqYI239Ka1erkI",
               "user_card_code": "084583024498", "modify_bonus": 3, "modify_balance": -5})
    );

    let stock = xml_event(
        "card_sku_remind",
        "<CardId><![CDATA[pA0Xxxxxxxxx]]></CardId>\
         <Detail><![CDATA[the card's quantity is equal to 0]]></Detail>",
    );
    assert_eq!(
        from_xml(&stock),
        json!({"type": "card_sku_remind", "card_id": "pA0Xxxxxxxxx",
               "detail": "the card's quantity is equal to 0"})
    );

    let order = xml_event(
        "card_pay_order",
        "<Status><![CDATA[ORDER_STATUS_WAITING]]></Status><OrderId><![CDATA[5.4E+15]]></OrderId>\
         <CreateOrderTime>1471000000</CreateOrderTime><PayFinishTime>0</PayFinishTime>\
         <Desc><![CDATA[]]></Desc><FreeCoinCount><![CDATA[200]]></FreeCoinCount>\
         <PayCoinCount><![CDATA[0]]></PayCoinCount>\
         <RefundFreeCoinCount><![CDATA[0]]></RefundFreeCoinCount>\
         <RefundPayCoinCount><![CDATA[0]]></RefundPayCoinCount>\
         <OrderType><![CDATA[ORDER_TYPE_SYS_ADD]]></OrderType>\
         <Memo><![CDATA[开通账户奖励]]></Memo><ReceiptInfo><![CDATA[]]></ReceiptInfo>",
    );
    assert_eq!(
        from_xml(&order),
        json!({"type": "card_pay_order", "order_id": "5.4E+15", "status": "ORDER_STATUS_WAITING",
               "create_order_time": 1_471_000_000, "pay_finish_time": 0, "desc": null,
               "free_coin_count": "200", "pay_coin_count": "0", "refund_free_coin_count": "0",
               "refund_pay_coin_count": "0", "order_type": "ORDER_TYPE_SYS_ADD",
               "memo": "开通账户奖励", "receipt_info": null})
    );
}

/// A mini program's logistics and category reviews, and the WeChat Store's
/// category review: the doc's samples (`add_express_path`'s second and
/// third trace nodes built from its field table; `wxa_category_audit` with
/// the doc's mismatched closing tags fixed).
#[test]
fn logistics_and_category_events() {
    let path = xml_event(
        "add_express_path",
        "<DeliveryID><![CDATA[SF]]></DeliveryID><WayBillId><![CDATA[123456789]]></WayBillId>\
         <OrderId><![CDATA[123456]]></OrderId><Version>3</Version><Count>3</Count>\
         <Actions><ActionTime>1546924840</ActionTime><ActionType>100001</ActionType>\
         <ActionMsg><![CDATA[小哥A揽件成功]]></ActionMsg></Actions>\
         <Actions><ActionTime>1546924841</ActionTime><ActionType>200001</ActionType>\
         <ActionMsg><![CDATA[到达广州集包地]]></ActionMsg></Actions>\
         <Actions><ActionTime>1546924842</ActionTime><ActionType>300003</ActionType>\
         <ActionMsg><![CDATA[签收成功]]></ActionMsg></Actions>",
    );
    let got = from_xml(&path);
    assert_eq!(
        got["actions"][0],
        json!({"action_time": 1_546_924_840, "action_type": 100_001, "action_msg": "小哥A揽件成功"})
    );
    assert_eq!(
        (
            got["type"].clone(),
            got["delivery_id"].clone(),
            got["waybill_id"].clone(),
            got["order_id"].clone(),
            got["version"].clone(),
            got["count"].clone(),
        ),
        (
            json!("add_express_path"),
            json!("SF"),
            json!("123456789"),
            json!("123456"),
            json!(3),
            json!(3)
        )
    );
    assert_eq!(got["actions"].as_array().map(Vec::len), Some(3));
    assert_eq!(got["actions"][2]["action_type"], 300_003);

    let json_path = json!({"ToUserName": "gh_*", "FromUserName": "OPENID", "CreateTime": 1546924844,
                           "MsgType": "event", "Event": "add_express_path", "DeliveryID": "SF",
                           "WayBillId": "123456789", "Version": 1, "Count": 1,
                           "Actions": [{"ActionTime": 1546924840, "ActionType": 100001, "ActionMsg": "揽件"}]});
    assert_eq!(from_json(json_path)["actions"][0]["action_msg"], "揽件");

    let category = xml_event(
        "wxa_category_audit",
        "<ret>2</ret><first>一级类目id</first><second>二级类目id</second><reason>驳回原因</reason>",
    );
    assert_eq!(
        from_xml(&category),
        json!({"type": "wxa_category_audit", "ret": 2, "first": "一级类目id",
               "second": "二级类目id", "reason": "驳回原因"})
    );

    let store = json!({"ToUserName": "gh_*", "FromUserName": "OpenID", "CreateTime": 1662480000,
                       "MsgType": "event", "Event": "product_category_audit",
                       "ProductCategoryAudit": {"audit_id": "123456", "status": "1", "reason": "xxx原因"}});
    assert_eq!(
        from_json(store),
        json!({"type": "product_category_audit", "audit_id": "123456", "status": 1, "reason": "xxx原因"})
    );
}

/// A physical store's review and Wi-Fi connection: the doc's samples
/// (`WifiConnected`'s with its malformed `![CDATA[…]]` text written as
/// CDATA; `poi_check_notify`'s doc gives only a field table).
#[test]
fn offline_store_events() {
    let poi = xml_event(
        "poi_check_notify",
        "<UniqId><![CDATA[123adb]]></UniqId><PoiId><![CDATA[123123]]></PoiId>\
         <Result><![CDATA[fail]]></Result><msg><![CDATA[xxxxxx]]></msg>",
    );
    assert_eq!(
        from_xml(&poi),
        json!({"type": "poi_check_notify", "uniq_id": "123adb", "poi_id": "123123",
               "result": "fail", "msg": "xxxxxx"})
    );
    let wifi = xml_event(
        "WifiConnected",
        "<ConnectTime>0</ConnectTime><ExpireTime>0</ExpireTime>\
         <VendorId><![CDATA[3001224419]]></VendorId><ShopId><![CDATA[PlaceId]]></ShopId>\
         <DeviceNo><![CDATA[DeviceNo]]></DeviceNo>",
    );
    assert_eq!(
        from_xml(&wifi),
        json!({"type": "wifi_connected", "connect_time": 0, "expire_time": 0,
               "vendor_id": "3001224419", "shop_id": "PlaceId", "device_no": "DeviceNo"})
    );
}

/// The "scan a product" events, built from the doc's field tables (field
/// names as in the doc; its samples use placeholder values).
#[test]
fn scan_product_events() {
    let scanned = xml_event(
        "user_scan_product",
        "<KeyStandard><![CDATA[ean13]]></KeyStandard><KeyStr><![CDATA[6901481811083]]></KeyStr>\
         <Country><![CDATA[中国]]></Country><Province><![CDATA[广东]]></Province>\
         <City><![CDATA[广州]]></City><Sex>1</Sex><Scene>2</Scene>\
         <ExtInfo><![CDATA[123]]></ExtInfo>",
    );
    assert_eq!(
        from_xml(&scanned),
        json!({"type": "user_scan_product", "key_standard": "ean13", "key_str": "6901481811083",
               "country": "中国", "province": "广东", "city": "广州", "sex": 1, "scene": 2,
               "ext_info": "123", "region_code": null})
    );
    let session = xml_event(
        "user_scan_product_enter_session",
        "<KeyStandard><![CDATA[ean13]]></KeyStandard><KeyStr><![CDATA[6901481811083]]></KeyStr>\
         <ExtInfo><![CDATA[123]]></ExtInfo>",
    );
    assert_eq!(from_xml(&session)["ext_info"], "123");
    let report = xml_event(
        "user_scan_product_async",
        "<KeyStandard><![CDATA[ean13]]></KeyStandard><KeyStr><![CDATA[6901481811083]]></KeyStr>\
         <ExtInfo><![CDATA[123]]></ExtInfo><RegionCode><![CDATA[440105]]></RegionCode>",
    );
    assert_eq!(from_xml(&report)["region_code"], "440105");
    let verify = xml_event(
        "user_scan_product_verify_action",
        "<KeyStandard><![CDATA[ean13]]></KeyStandard><KeyStr><![CDATA[6901481811083]]></KeyStr>\
         <Result><![CDATA[verify_not_pass]]></Result><ReasonMsg><![CDATA[条码不符]]></ReasonMsg>",
    );
    assert_eq!(
        from_xml(&verify),
        json!({"type": "user_scan_product_verify_action", "key_standard": "ean13",
               "key_str": "6901481811083", "result": "verify_not_pass", "reason_msg": "条码不符"})
    );
}

/// The WeChat Store's coupon events: `_receive`, `_delete`, `_invalid`,
/// `channels_ec_user_coupon_expire` and `_use` are the doc's samples; the
/// others are built from their field tables.
#[test]
fn wechat_store_coupon_events() {
    let store = |event: &str, body: Value| {
        let mut push = json!({"ToUserName": "gh_*", "FromUserName": "OpenID",
                              "CreateTime": 1662480000, "MsgType": "event", "Event": event});
        push.as_object_mut()
            .expect("object")
            .extend(body.as_object().cloned().unwrap_or_default());
        from_json(push)
    };
    assert_eq!(
        store(
            "channels_ec_coupon_receive",
            json!({"receive_info": {"coupon_id": "19126", "user_coupon_id": "29730", "receive_time": "1662480000"}})
        ),
        json!({"type": "channels_ec_coupon_receive", "coupon_id": "19126",
               "user_coupon_id": "29730", "order_id": null, "time": 1_662_480_000})
    );
    assert_eq!(
        store(
            "channels_ec_user_coupon_use",
            json!({"use_info": {"coupon_id": "19126", "user_coupon_id": "29730",
                                "order_id": "3705115058471208928", "use_time": "1662480000"}})
        ),
        json!({"type": "channels_ec_user_coupon_use", "coupon_id": "19126",
               "user_coupon_id": "29730", "order_id": "3705115058471208928", "time": 1_662_480_000})
    );
    let invalid = store(
        "channels_ec_coupon_invalid",
        json!({"coupon_info": {"coupon_id": "19126", "invalid_time": "1662480001"}}),
    );
    assert_eq!(
        (invalid["coupon_id"].clone(), invalid["time"].clone()),
        (json!("19126"), json!(1_662_480_001))
    );
    let deleted = store(
        "channels_ec_coupon_delete",
        json!({"coupon_info": {"coupon_id": "19127", "delete_time": "1662480002"}}),
    );
    assert_eq!(
        (deleted["coupon_id"].clone(), deleted["time"].clone()),
        (json!("19127"), json!(1_662_480_002))
    );
    let expired = store(
        "channels_ec_user_coupon_expire",
        json!({"user_coupon_info": {"coupon_id": "19126", "user_coupon_id": "29731", "expire_time": "1662480003"}}),
    );
    assert_eq!(expired["user_coupon_id"], "29731");
    assert_eq!(expired["time"], 1_662_480_003);
    for (name, wrapper, time) in [
        ("channels_ec_coupon_create", "coupon_info", "create_time"),
        ("channels_ec_coupon_expire", "coupon_info", "expire_time"),
        (
            "channels_ec_coupon_info_change",
            "coupon_info",
            "change_time",
        ),
        (
            "channels_ec_user_coupon_unuse",
            "user_coupon_info",
            "unuse_time",
        ),
    ] {
        let got = store(
            name,
            json!({wrapper: {"coupon_id": "555", time: "1662480004"}}),
        );
        assert_eq!(got["type"], name);
        assert_eq!(
            (got["coupon_id"].clone(), got["time"].clone()),
            (json!("555"), json!(1_662_480_004))
        );
    }
}

/// The JSON push of `event` from `from` to `to`, decoded: `body`'s keys
/// added to the header.
pub(super) fn json_push(to: &str, from: &str, create_time: i64, event: &str, body: Value) -> Value {
    let mut push = json!({"ToUserName": to, "FromUserName": from,
                          "CreateTime": create_time, "MsgType": "event", "Event": event});
    push.as_object_mut()
        .expect("object")
        .extend(body.as_object().cloned().unwrap_or_default());
    from_json(push)
}

/// A mini program's JSON push with `body`'s keys added to the header.
pub(super) fn mini_program(event: &str, body: Value) -> Value {
    json_push(
        "gh_1234567890ab",
        "o_wechat_official",
        1_700_000_000,
        event,
        body,
    )
}

/// `user_enter_tempsession` is the doc's sample (XML and JSON);
/// `wx_verify_dispatch` is built from its field table.
#[test]
fn customer_service_entry_and_verification_dispatch() {
    let entered = xml_event(
        "user_enter_tempsession",
        "<SessionFrom><![CDATA[sessionFrom]]></SessionFrom>",
    );
    assert_eq!(
        from_xml(&entered),
        json!({"type": "user_enter_tempsession", "session_from": "sessionFrom"})
    );
    assert_eq!(
        mini_program(
            "user_enter_tempsession",
            json!({"SessionFrom": "sessionFrom"})
        ),
        json!({"type": "user_enter_tempsession", "session_from": "sessionFrom"})
    );
    let dispatch = xml_event(
        "wx_verify_dispatch",
        "<provider><![CDATA[上海倍通]]></provider><contact><![CDATA[021-00000000]]></contact>\
         <dispatch_time>1535442500</dispatch_time>",
    );
    assert_eq!(
        from_xml(&dispatch),
        json!({"type": "wx_verify_dispatch", "provider": "上海倍通", "contact": "021-00000000",
               "dispatch_time": 1_535_442_500_i64})
    );
}

/// The violation and appeal events, built from the field tables of the
/// record APIs (the push doc gives no sample with values).
#[test]
fn violation_and_appeal_events() {
    let illegal = xml_event(
        "wxa_illegal_record",
        "<illegal_record_id><![CDATA[4_123]]></illegal_record_id><appid><![CDATA[wxa0123456789abc]]></appid>\
         <create_time>1638171484</create_time><illegal_reason><![CDATA[小程序涉嫌提供违规内容]]></illegal_reason>\
         <illegal_content><![CDATA[xxx]]></illegal_content><rule_url><![CDATA[https://mp.weixin.qq.com/rule]]></rule_url>\
         <rule_name><![CDATA[运营规范]]></rule_name>",
    );
    assert_eq!(
        from_xml(&illegal),
        json!({"type": "wxa_illegal_record", "illegal_record_id": "4_123", "appid": "wxa0123456789abc",
               "create_time": 1_638_171_484_i64, "illegal_reason": "小程序涉嫌提供违规内容",
               "illegal_content": "xxx", "rule_url": "https://mp.weixin.qq.com/rule", "rule_name": "运营规范"})
    );
    let appeal = mini_program(
        "wxa_appeal_record",
        json!({"appeal_record_id": "5_456", "appid": "wxa0123456789abc", "appeal_time": 1638171500,
               "appeal_count": 1, "appeal_from": 0, "appeal_status": 3, "audit_time": 1638200000,
               "audit_reason": "申诉通过", "punish_description": "限制搜索",
               "materials": [{"illegal_material": {"content": "xxx", "content_url": "https://example.com/a"},
                              "appeal_material": {"reason": "已整改", "proof_material_ids": ["m1", "m2"]}}]}),
    );
    assert_eq!(
        appeal,
        json!({"type": "wxa_appeal_record", "appeal_record_id": "5_456", "appid": "wxa0123456789abc",
               "appeal_time": 1_638_171_500_i64, "appeal_count": 1, "appeal_from": 0, "appeal_status": 3,
               "audit_time": 1_638_200_000_i64, "audit_reason": "申诉通过", "punish_description": "限制搜索",
               "materials": [{"illegal_content": "xxx", "illegal_content_url": "https://example.com/a",
                              "appeal_reason": "已整改", "proof_material_ids": ["m1", "m2"]}]})
    );
    let wrapped = xml_event(
        "wxa_appeal_record",
        "<appeal_record_id>5_456</appeal_record_id><materials><material><illegal_material>\
         <content><![CDATA[xxx]]></content></illegal_material><appeal_material><reason><![CDATA[已整改]]></reason>\
         <proof_material_id>m1</proof_material_id></appeal_material></material></materials>",
    );
    assert_eq!(
        from_xml(&wrapped)["materials"],
        json!([{"illegal_content": "xxx", "illegal_content_url": null, "appeal_reason": "已整改",
                "proof_material_ids": ["m1"]}]),
        "the XML wrapper is not an entry of its own"
    );
}

/// The virtual-payment events, built from the doc's field tables (the doc
/// gives no sample with values); `wxa_privacy_apply` is the doc's sample.
#[test]
fn virtual_payment_and_privacy_events() {
    let paid = json!({"OpenId": "oUrsf0RkSvPgh2t8YI7w6i0nD2nE", "OutTradeNo": "xpay_20231130_0001",
                      "Env": 0,
                      "WeChatPayInfo": {"MchOrderNo": "202311301234", "TransactionId": "4200001234202311301234",
                                        "PaidTime": 1701331200}});
    let mut goods = paid.clone();
    goods["GoodsInfo"] = json!({"ProductId": "sword_01", "Quantity": 2, "OrigPrice": 600,
                                "ActualPrice": 500, "Attach": "server=3"});
    assert_eq!(
        mini_program("xpay_goods_deliver_notify", goods),
        json!({"type": "xpay_goods_deliver_notify", "openid": "oUrsf0RkSvPgh2t8YI7w6i0nD2nE",
               "out_trade_no": "xpay_20231130_0001", "env": 0, "mch_order_no": "202311301234",
               "transaction_id": "4200001234202311301234", "paid_time": 1_701_331_200_i64,
               "product_id": "sword_01", "quantity": 2, "orig_price": 600, "actual_price": 500,
               "attach": "server=3"})
    );
    let mut coins = paid;
    coins["CoinInfo"] = json!({"Quantity": "60", "OrigPrice": "600", "ActualPrice": "600"});
    let coins = mini_program("xpay_coin_pay_notify", coins);
    assert_eq!(coins["type"], "xpay_coin_pay_notify");
    assert_eq!(
        (
            coins["product_id"].clone(),
            coins["quantity"].clone(),
            coins["actual_price"].clone()
        ),
        (Value::Null, json!(60), json!(600)),
        "numbers sent as strings still read"
    );

    let refund = mini_program(
        "xpay_refund_notify",
        json!({"OpenId": "oUrsf0RkSvPgh2t8YI7w6i0nD2nE", "WxRefundId": "wxr_001", "MchRefundId": "mchr_001",
               "WxOrderId": "wxo_001", "MchOrderId": "mcho_001", "RefundFee": 500, "RetCode": 0,
               "RetMsg": "", "RefundStartTimestamp": 1701331300, "RefundSuccTimestamp": 1701331360,
               "WxpayRefundTransactionId": "50000000001", "RetryTimes": 0}),
    );
    assert_eq!(
        refund,
        json!({"type": "xpay_refund_notify", "openid": "oUrsf0RkSvPgh2t8YI7w6i0nD2nE",
               "wx_refund_id": "wxr_001", "mch_refund_id": "mchr_001", "wx_order_id": "wxo_001",
               "mch_order_id": "mcho_001", "refund_fee": 500, "ret_code": 0, "ret_msg": null,
               "refund_start_timestamp": 1_701_331_300_i64, "refund_succ_timestamp": 1_701_331_360_i64,
               "wxpay_refund_transaction_id": "50000000001", "retry_times": 0})
    );
    let complaint = mini_program(
        "xpay_complaint_notify",
        json!({"OpenId": "oUrsf0RkSvPgh2t8YI7w6i0nD2nE", "WxOrderId": "wxo_001", "MchOrderId": "mcho_001",
               "TransactionId": "4200001234202311301234", "ComplaintId": "200000000020231201",
               "ComplaintDetail": "道具未到账", "ComplaintTime": 1701400000, "RetryTimes": 1,
               "RequestId": "req-1"}),
    );
    assert_eq!(
        (
            complaint["complaint_id"].clone(),
            complaint["complaint_detail"].clone(),
            complaint["complaint_time"].clone(),
            complaint["retry_times"].clone()
        ),
        (
            json!("200000000020231201"),
            json!("道具未到账"),
            json!(1_701_400_000_i64),
            json!(1)
        )
    );

    let privacy = mini_program(
        "wxa_privacy_apply",
        json!({"result_info": {"api_name": "wx.choosePoi", "apply_time": "1644975588",
                               "audit_id": "4211202267", "audit_time": "1644982569",
                               "reason": "小程序内未含有相应使用场景", "status": "2"}}),
    );
    assert_eq!(
        privacy,
        json!({"type": "wxa_privacy_apply", "api_name": "wx.choosePoi", "audit_id": "4211202267",
               "status": 2, "apply_time": 1_644_975_588_i64, "audit_time": 1_644_982_569_i64,
               "reason": "小程序内未含有相应使用场景"})
    );
    let privacy_xml = xml_event(
        "wxa_privacy_apply",
        "<result_info><api_name><![CDATA[wx.choosePoi]]></api_name><status>3</status></result_info>",
    );
    assert_eq!(from_xml(&privacy_xml)["status"], 3);
}

/// The official account's shake-around, invoice and shopping-guide events:
/// `ShakearoundUserShake` is the doc's sample with its placeholders
/// (`uuid`, `major`…) filled in; the invoice events and the guide event
/// are built from their field tables (the invoice field names checked
/// against other SDKs' definitions, not against the doc's sample text).
#[test]
fn shake_invoice_and_guide_events() {
    let shake = xml_event(
        "ShakearoundUserShake",
        "<ChosenBeacon><Uuid><![CDATA[FDA50693-A4E2-4FB1-AFCF-C6EB07647825]]></Uuid><Major>1002</Major>\
         <Minor>1223</Minor><Distance>0.057</Distance></ChosenBeacon><AroundBeacons>\
         <AroundBeacon><Uuid><![CDATA[FDA50693-A4E2-4FB1-AFCF-C6EB07647825]]></Uuid><Major>1002</Major>\
         <Minor>1224</Minor><Distance>166.816</Distance></AroundBeacon>\
         <AroundBeacon><Uuid><![CDATA[FDA50693-A4E2-4FB1-AFCF-C6EB07647825]]></Uuid><Major>1002</Major>\
         <Minor>1225</Minor><Distance>15.013</Distance></AroundBeacon></AroundBeacons>",
    );
    let beacon = |minor: u32, distance: f64| {
        json!({"uuid": "FDA50693-A4E2-4FB1-AFCF-C6EB07647825", "major": 1002, "minor": minor,
               "distance": distance})
    };
    assert_eq!(
        from_xml(&shake),
        json!({"type": "shakearound_user_shake", "chosen_beacon": beacon(1223, 0.057),
               "around_beacons": [beacon(1224, 166.816), beacon(1225, 15.013)]})
    );

    let authorize = xml_event(
        "user_authorize_invoice",
        "<SuccOrderId><![CDATA[1202933957956]]></SuccOrderId><FailOrderId><![CDATA[]]></FailOrderId>\
         <AuthorizeAppId><![CDATA[wxf8b4f85f3a794e77]]></AuthorizeAppId><Source><![CDATA[web]]></Source>",
    );
    assert_eq!(
        from_xml(&authorize),
        json!({"type": "user_authorize_invoice", "succ_order_id": "1202933957956",
               "fail_order_id": null, "authorize_appid": "wxf8b4f85f3a794e77", "source": "web"})
    );
    let status = xml_event(
        "update_invoice_status",
        "<Status><![CDATA[INVOICE_REIMBURSE_INIT]]></Status>\
         <CardId><![CDATA[pjZ8Yt1XGILfmF6-7ZjO1sVsWhdY]]></CardId><Code><![CDATA[030102014011]]></Code>",
    );
    assert_eq!(
        from_xml(&status),
        json!({"type": "update_invoice_status", "card_id": "pjZ8Yt1XGILfmF6-7ZjO1sVsWhdY",
               "code": "030102014011", "status": "INVOICE_REIMBURSE_INIT"})
    );
    let title = xml_event(
        "submit_invoice_title",
        "<title><![CDATA[样例公司抬头]]></title><tax_no><![CDATA[1486715661]]></tax_no>\
         <addr><![CDATA[深圳市南山区]]></addr><phone><![CDATA[13313331333]]></phone>\
         <bank_type><![CDATA[招商银行]]></bank_type><bank_no><![CDATA[6214830000001234]]></bank_no>\
         <attach><![CDATA[at]]></attach><title_type><![CDATA[InvoiceUserTitleBusinessType]]></title_type>",
    );
    let message = Message::from_xml(&title).expect("decodes");
    let debug = format!("{message:?}");
    assert!(
        debug.contains("样例公司抬头")
            && !debug.contains("13313331333")
            && !debug.contains("6214830000001234")
            && !debug.contains("深圳市南山区"),
        "Debug hides the user's phone, address and bank account: {debug}"
    );
    assert_eq!(
        detail(message),
        json!({"type": "submit_invoice_title", "title_type": "InvoiceUserTitleBusinessType",
               "title": "样例公司抬头", "tax_no": "1486715661", "phone": "13313331333",
               "addr": "深圳市南山区", "bank_type": "招商银行", "bank_no": "6214830000001234",
               "attach": "at"})
    );

    let guide = xml_event(
        "guide_qrcode_scan_event",
        "<GuideScanEvent><qrcode_guide_account><![CDATA[guide_wx_01]]></qrcode_guide_account>\
         <qrcode_guide_openid><![CDATA[oGuide0123]]></qrcode_guide_openid>\
         <openid><![CDATA[oUser4567]]></openid><action>1</action>\
         <qrcode_info><![CDATA[store=12]]></qrcode_info></GuideScanEvent>",
    );
    assert_eq!(
        from_xml(&guide),
        json!({"type": "guide_qrcode_scan_event", "guide_account": "guide_wx_01",
               "guide_openid": "oGuide0123", "openid": "oUser4567", "action": 1,
               "qrcode_info": "store=12"})
    );
}

/// `update_waybill_status` (instant delivery) follows the doc's sample with
/// its placeholders filled in; `cloud_invoice_invoiceresult_event` is built
/// from its field table.
#[test]
fn instant_delivery_and_invoicing_platform_events() {
    let delivery = xml_event(
        "update_waybill_status",
        "<shopid><![CDATA[122222222]]></shopid><shop_order_id><![CDATA[123456]]></shop_order_id>\
         <waybill_id><![CDATA[23456789]]></waybill_id><action_time>1546924844</action_time>\
         <order_status>102</order_status><action_msg><![CDATA[骑手已到店]]></action_msg>\
         <shop_no><![CDATA[store-7]]></shop_no><agent><name><![CDATA[李四]]></name>\
         <phone><![CDATA[13900001111]]></phone><reach_time>1546926000</reach_time></agent>",
    );
    let message = Message::from_xml(&delivery).expect("decodes");
    let debug = format!("{message:?}");
    assert!(
        debug.contains("23456789") && !debug.contains("李四") && !debug.contains("13900001111"),
        "Debug hides the rider's name and phone: {debug}"
    );
    assert_eq!(
        detail(message),
        json!({"type": "update_waybill_status", "shopid": "122222222", "shop_order_id": "123456",
               "shop_no": "store-7", "waybill_id": "23456789", "order_status": 102,
               "action_time": 1_546_924_844_i64, "action_msg": "骑手已到店", "agent_name": "李四",
               "agent_phone": "13900001111", "reach_time": 1_546_926_000_i64})
    );
    let invoiced = xml_event(
        "cloud_invoice_invoiceresult_event",
        "<status><![CDATA[0000]]></status><fpqqlsh><![CDATA[FPQQ20240101000001]]></fpqqlsh>\
         <nsrsbh><![CDATA[110109500321655]]></nsrsbh>",
    );
    assert_eq!(
        from_xml(&invoiced),
        json!({"type": "cloud_invoice_invoiceresult_event", "status": "0000",
               "fpqqlsh": "FPQQ20240101000001", "nsrsbh": "110109500321655"})
    );
}

/// The WeChat Store's shop, sharer, brand, complaint, funds and waybill
/// events: the doc's samples; `channels_ec_order_wait_shipping` is built
/// from its field table.
#[test]
fn wechat_store_shop_events() {
    let store = |event: &str, body: Value| {
        let mut push = json!({"ToUserName": "gh_*", "FromUserName": "OPENID",
                              "CreateTime": 1662480000, "MsgType": "event", "Event": event});
        push.as_object_mut()
            .expect("object")
            .extend(body.as_object().cloned().unwrap_or_default());
        from_json(push)
    };
    assert_eq!(
        store(
            "channels_ec_change_status",
            json!({"appid": "APPID", "change_timestamp": "1750927919",
                   "old_status": "open_finished", "new_status": "closing"})
        ),
        json!({"type": "channels_ec_change_status", "appid": "APPID", "timestamp": 1_750_927_919_i64,
               "old_status": "open_finished", "new_status": "closing"})
    );
    assert_eq!(
        store(
            "channels_ec_close_store",
            json!({"appid": "APPID", "close_timestamp": "1662480000"})
        ),
        json!({"type": "channels_ec_close_store", "appid": "APPID", "timestamp": 1_662_480_000_i64,
               "old_status": null, "new_status": null})
    );
    // the doc's sample, less its trailing comma (not JSON)
    assert_eq!(
        store(
            "set_shop_nickname",
            json!({"appid": "APPID", "old_nickname": "旧昵称", "new_nickname": "新昵称"})
        ),
        json!({"type": "set_shop_nickname", "appid": "APPID", "old_nickname": "旧昵称",
               "new_nickname": "新昵称"})
    );
    assert_eq!(
        store(
            "channels_ec_sharer_change",
            json!({"openid": "SHARER_OPENID", "sharer_type": 0, "bind_status": 1})
        ),
        json!({"type": "channels_ec_sharer_change", "openid": "SHARER_OPENID",
               "sharer_type": 0, "bind_status": 1})
    );
    assert_eq!(
        store(
            "channels_ec_brand",
            json!({"BrandEvent": {"brand_id": "10002934", "audit_id": "12345678", "status": 3, "reason": ""}})
        ),
        json!({"type": "channels_ec_brand", "brand_id": "10002934", "audit_id": "12345678",
               "status": 3, "reason": null})
    );
    assert_eq!(
        store(
            "channels_ec_complaint_update",
            json!({"finder_shop_complaint": {"complaint_status": 100, "after_sale_order_id": "1234567",
                                             "complaint_id": "1234567", "order_id": "123244"}})
        ),
        json!({"type": "channels_ec_complaint_update", "complaint_id": "1234567",
               "after_sale_order_id": "1234567", "order_id": "123244", "complaint_status": 100})
    );
    assert_eq!(
        store(
            "channels_ec_acct_notify",
            json!({"account_info": {"event": 1}})
        ),
        json!({"type": "channels_ec_acct_notify", "event": 1, "withdraw_id": null})
    );
    assert_eq!(
        store(
            "channels_ec_withdraw_notify",
            json!({"withdraw_info": {"withdraw_id": "wds123123143144", "event": 1}})
        ),
        json!({"type": "channels_ec_withdraw_notify", "event": 1, "withdraw_id": "wds123123143144"})
    );
    assert_eq!(
        store(
            "qrcode_status",
            json!({"qrcode_info": {"ticket": "sdffjdsijfdg", "status": 2, "scan_user_type": 1}})
        ),
        json!({"type": "qrcode_status", "ticket": "sdffjdsijfdg", "status": 2, "scan_user_type": 1})
    );
    let waiting = store(
        "channels_ec_order_wait_shipping",
        json!({"order_info": {"order_id": 3705115058471208928_u64}}),
    );
    assert_eq!(
        (waiting["type"].clone(), waiting["order_id"].clone()),
        (
            json!("channels_ec_order_wait_shipping"),
            json!("3705115058471208928")
        )
    );
}

/// A WeChat Store push: the docs' header with `body`'s keys added.
fn store_push(event: &str, body: Value) -> Value {
    json_push("gh_*", "OPENID", 1_662_480_000, event, body)
}

/// The store docs' samples, except `channels_ec_stock_no_enough` (its doc
/// has a field table and no sample: built from the table).
#[test]
fn wechat_store_guarantee_stock_agency_avatar_waybill_and_api_events() {
    assert_eq!(
        store_push(
            "channels_ec_guarantee_update",
            json!({"finder_shop_guarantee_status_update": {"status": "STATUS_PAY_SUCC",
                   "guarantee_order_id": "1234567", "order_id": "12345"}})
        ),
        json!({"type": "channels_ec_guarantee_update", "guarantee_order_id": "1234567",
               "order_id": "12345", "status": "STATUS_PAY_SUCC"})
    );
    assert_eq!(
        store_push(
            "channels_ec_stock_no_enough",
            json!({"channels_ec_stock_no_enough": {"product_id": 10000186383677_u64,
                   "sku_id": 42367433222_u64, "remaining_stock_amount": 20,
                   "remaining_code_amount": 0}})
        ),
        json!({"type": "channels_ec_stock_no_enough", "product_id": "10000186383677",
               "sku_id": "42367433222", "remaining_stock_amount": 20, "remaining_code_amount": 0})
    );
    assert_eq!(
        store_push(
            "head_supplier_item_update",
            json!({"item_info": {"event_type": 2, "appid": "APPID", "product_id": "12345",
                   "version": "1677488955",
                   "update_fields": ["commission_ratio", "service_ratio", "status", "active_time"]}})
        ),
        json!({"type": "head_supplier_item_update", "event_type": 2, "appid": "APPID",
               "product_id": "12345", "version": "1677488955",
               "update_fields": ["commission_ratio", "service_ratio", "status", "active_time"]})
    );
    assert_eq!(
        store_push(
            "set_shop_headimg",
            json!({"appid": "APPID", "old_head_img_url": "旧头像URL", "new_head_img_url": "新头像URL"})
        ),
        json!({"type": "set_shop_headimg", "appid": "APPID", "old_head_img_url": "旧头像URL",
               "new_head_img_url": "新头像URL"})
    );
    assert_eq!(
        store_push(
            "channels_ec_phonenumber_push",
            json!({"waybill_info": {"waybill_id": "xxxxx"}})
        ),
        json!({"type": "channels_ec_phonenumber_push", "waybill_id": "xxxxx"})
    );
    // the doc's sample sends `change_time` as a string
    assert_eq!(
        store_push(
            "api_diff",
            json!({"changelog_url": "https://developers.weixin.qq.com/doc/store/shop/changelog.html",
                   "api_changes": [{"chinese_name": "电子面单取号",
                       "cgi_path": "/channels/ec/logistics/ewaybill/biz/order/create",
                       "doc_url": "https://developers.weixin.qq.com/doc/store/shop/API/channels-shop-delivery/ewaybill/api_ewaybill_createorder",
                       "change_content": "更新接口:调整「跨店打单」模式的使用条件。"}],
                   "change_time": "1762492842"})
        ),
        json!({"type": "api_diff",
               "changelog_url": "https://developers.weixin.qq.com/doc/store/shop/changelog.html",
               "change_time": 1_762_492_842_i64,
               "api_changes": [{"chinese_name": "电子面单取号",
                   "cgi_path": "/channels/ec/logistics/ewaybill/biz/order/create",
                   "doc_url": "https://developers.weixin.qq.com/doc/store/shop/API/channels-shop-delivery/ewaybill/api_ewaybill_createorder",
                   "change_content": "更新接口:调整「跨店打单」模式的使用条件。"}]})
    );
    // the same agency push as XML: a list is repeated elements
    let xml = xml_event(
        "head_supplier_item_update",
        "<item_info><event_type>2</event_type><appid><![CDATA[APPID]]></appid>\
         <product_id>12345</product_id><update_fields><![CDATA[status]]></update_fields>\
         <update_fields><![CDATA[active_time]]></update_fields></item_info>",
    );
    assert_eq!(
        from_xml(&xml)["update_fields"],
        json!(["status", "active_time"])
    );
}

/// `channels_ec_vip_user_info_get` and `channels_ec_vip_user_auto_add` are
/// their docs' samples. The member events' doc pages
/// (`/doc/channels/API/vip/callback/member/user_join_vip.html`,
/// `…/user_close_vip.html`, `…/usergrade_update.html`,
/// `…/score/user_score_update.html`, `…/score/user_score_exchange.html`)
/// are no longer published: these pushes are built from the field names
/// the WxJava and SKIT SDKs took from them (`user_info`, `exchange_info`…),
/// with values of our own.
#[test]
fn wechat_store_member_events() {
    assert_eq!(
        store_push(
            "channels_ec_vip_user_info_get",
            json!({"info": {"shop_appid": "shop_appid"}})
        ),
        json!({"type": "channels_ec_vip_user_info_get", "shop_appid": "shop_appid",
               "identity": null, "outer_userid": null, "add_time": null})
    );
    assert_eq!(
        store_push(
            "channels_ec_vip_user_auto_add",
            json!({"info": {"shop_appid": "xxxxxxxxx", "outer_userid": "xxxxxxxx",
                   "identity": "V1", "add_time": 1666673734}})
        ),
        json!({"type": "channels_ec_vip_user_auto_add", "shop_appid": "xxxxxxxxx",
               "identity": "V1", "outer_userid": "xxxxxxxx", "add_time": 1_666_673_734_i64})
    );
    let empty_user = json!({"join_time": null, "close_time": null, "phone_number": null,
                            "grade": null, "experience_value": null, "score": null,
                            "delta_score": null, "flow_type": null});
    let user = |event: &str, fields: Value| {
        let mut expected = empty_user.clone();
        let object = expected.as_object_mut().expect("object");
        object.extend(fields.as_object().cloned().unwrap_or_default());
        object.insert("type".to_owned(), json!(event));
        expected
    };
    let join = json!({"user_info": {"join_time": 1700000000, "phone_number": "13800138000"}});
    assert_eq!(
        store_push("channels_ec_vip_join", join.clone()),
        user(
            "channels_ec_vip_join",
            json!({"join_time": 1_700_000_000_i64, "phone_number": "13800138000"})
        )
    );
    let mut push = json!({"ToUserName": "gh_*", "FromUserName": "OPENID",
                          "CreateTime": 1700000000, "MsgType": "event",
                          "Event": "channels_ec_vip_join"});
    push.as_object_mut()
        .expect("object")
        .extend(join.as_object().cloned().unwrap_or_default());
    let debug = format!(
        "{:?}",
        Message::from_json(&push.to_string()).expect("decodes")
    );
    assert!(
        debug.contains("1700000000") && !debug.contains("13800138000"),
        "Debug hides the member's phone number: {debug}"
    );
    assert_eq!(
        store_push(
            "channels_ec_vip_close",
            json!({"user_info": {"close_time": 1700000100}})
        ),
        user(
            "channels_ec_vip_close",
            json!({"close_time": 1_700_000_100_i64})
        )
    );
    assert_eq!(
        store_push(
            "channels_ec_vip_grade_info_update",
            json!({"user_info": {"grade": 3, "experience_value": 1200}})
        ),
        user(
            "channels_ec_vip_grade_info_update",
            json!({"grade": 3, "experience_value": 1200})
        )
    );
    // the SDKs read `score` and `delta_score` from strings as well
    assert_eq!(
        store_push(
            "channels_ec_vip_score_update",
            json!({"user_info": {"grade": 3, "score": "150", "delta_score": "-50", "flow_type": 2}})
        ),
        user(
            "channels_ec_vip_score_update",
            json!({"grade": 3, "score": 150, "delta_score": -50, "flow_type": 2})
        )
    );
    assert_eq!(
        store_push(
            "channels_ec_vip_score_exchange",
            json!({"exchange_info": {"pay_score": 100, "score_item_type": 1,
                   "coupon_info": {"related_coupon_id": 20000000001_u64}}})
        ),
        json!({"type": "channels_ec_vip_score_exchange", "pay_score": 100, "score_item_type": 1,
               "related_coupon_id": "20000000001", "related_product_id": null})
    );
    // the store may be configured for XML
    let xml = xml_event(
        "channels_ec_vip_score_exchange",
        "<exchange_info><pay_score>300</pay_score><score_item_type>2</score_item_type>\
         <product_info><related_product_id>10000000000001</related_product_id></product_info>\
         </exchange_info>",
    );
    assert_eq!(
        from_xml(&xml),
        json!({"type": "channels_ec_vip_score_exchange", "pay_score": 300, "score_item_type": 2,
               "related_coupon_id": null, "related_product_id": "10000000000001"})
    );
}

/// The docs' samples: the after-sale doc's current sample (with
/// `wxa_vip_discounted_price` inside the wrapper), the group-gift refund's
/// (its table names the wrapper `finder_shop_present_aftersale_status_update`,
/// its sample the ordinary one: both read), and the mini-program
/// membership service's checkout events.
#[test]
fn wechat_store_gift_refund_and_member_discount_events() {
    assert_eq!(
        store_push(
            "channels_ec_aftersale_update",
            json!({"finder_shop_aftersale_status_update": {"status": "USER_WAIT_RETURN",
                   "after_sale_order_id": "1234567", "order_id": "12345",
                   "wxa_vip_discounted_price": 100}})
        ),
        json!({"type": "channels_ec_aftersale_update", "after_sale_order_id": "1234567",
               "status": "USER_WAIT_RETURN", "order_id": "12345", "wxa_vip_discounted_price": 100})
    );
    let refund = json!({"type": "channels_ec_present_aftersale_update",
                        "after_sale_order_id": "1234567", "status": "PLATFORM_REFUNDING",
                        "order_id": "12345", "wxa_vip_discounted_price": null});
    for wrapper in [
        "finder_shop_aftersale_status_update",
        "finder_shop_present_aftersale_status_update",
    ] {
        assert_eq!(
            store_push(
                "channels_ec_present_aftersale_update",
                json!({wrapper: {"status": "PLATFORM_REFUNDING", "after_sale_order_id": "1234567",
                                 "order_id": "12345"}})
            ),
            refund,
            "{wrapper}"
        );
    }
    assert_eq!(
        store_push(
            "channels_ec_gen_order_info_init",
            json!({"gen_order_info": {"shop_appid": "shop_appid",
                   "order_session_id": "order_session_id", "scene": 1,
                   "product_infos": [{"product_id": "1234567", "sku_id": "2345678", "sku_cnt": 1,
                       "sale_price": 10000, "shop_discounted_price": 1000,
                       "order_product_coupon_info_list": [{"user_coupon_id": "11111",
                           "coupon_type": 1, "discounted_price": 1000}]}],
                   "price_info": {"product_price_before_vip_discount": 9000,
                       "product_price": 10000, "shop_discounted_price": 1000}}})
        ),
        json!({"type": "channels_ec_gen_order_info_init", "shop_appid": "shop_appid",
               "order_session_id": "order_session_id", "scene": 1, "unique_id": null,
               "product_price": 10000, "shop_discounted_price": 1000,
               "product_price_before_vip_discount": 9000, "vip_discounted_price": null,
               "product_price_after_vip_discount": null,
               "products": [{"product_id": "1234567", "sku_id": "2345678", "sku_cnt": 1,
                             "sale_price": 10000, "shop_discounted_price": 1000}]})
    );
    assert_eq!(
        store_push(
            "channels_ec_order_use_vip_discount",
            json!({"order_info": {"shop_appid": "shop_appid",
                   "order_session_id": "order_session_id", "scene": 1,
                   "unique_id": "37xxxxxxxxxxx",
                   "price_info": {"product_price_before_vip_discount": 10000,
                       "vip_discounted_price": 1000, "product_price_after_vip_discount": 9000}}})
        ),
        json!({"type": "channels_ec_order_use_vip_discount", "shop_appid": "shop_appid",
               "order_session_id": "order_session_id", "scene": 1, "unique_id": "37xxxxxxxxxxx",
               "product_price": null, "shop_discounted_price": null,
               "product_price_before_vip_discount": 10000, "vip_discounted_price": 1000,
               "product_price_after_vip_discount": 9000, "products": []})
    );
    assert_eq!(
        store_push(
            "channels_ec_order_unuse_vip_discount",
            json!({"order_info": {"shop_appid": "shop_appid",
                   "order_session_id": "order_session_id", "unique_id": "37xxxxxxxxxxx"}})
        ),
        json!({"type": "channels_ec_order_unuse_vip_discount", "shop_appid": "shop_appid",
               "order_session_id": "order_session_id", "scene": null, "unique_id": "37xxxxxxxxxxx",
               "product_price": null, "shop_discounted_price": null,
               "product_price_before_vip_discount": null, "vip_discounted_price": null,
               "product_price_after_vip_discount": null, "products": []})
    );
}

/// `channels_ec_voucher_send_succ`: the doc's sample, whose two vouchers
/// differ only in `code`.
#[test]
fn wechat_store_voucher_issued_event() {
    let voucher = |code: &str| {
        json!({"code": code, "status": 1, "send_time": 1699856182, "update_time": 1699856182,
               "start_time": 1699856182, "end_time": 1699856182, "consume_time": 1699856182,
               "refund_time": 1699856182, "product_id": "kbfff", "consume_store_name": "xxx旗舰店",
               "voucher_type": 1, "voucher_buy_amount": 0, "voucher_actual_amount": 0,
               "telphone_no": "fasdf343df34545", "openid": "xsdfs4534543534534", "code_type": 1,
               "order_id": "23434sdfsdf34342", "sku_id": "fdsfdf"})
    };
    let push = json!({"voucher_list": [voucher("232323"), voucher("23232323")]});
    let detail = store_push("channels_ec_voucher_send_succ", push.clone());
    assert_eq!(detail["type"], json!("channels_ec_voucher_send_succ"));
    let vouchers = detail["vouchers"].as_array().expect("a list");
    assert_eq!(vouchers.len(), 2);
    // every field of the sample comes back, under its own name
    assert_eq!(vouchers[0], voucher("232323"));
    assert_eq!(vouchers[1]["code"], json!("23232323"));
    let mut message = json!({"ToUserName": "gh_*", "FromUserName": "OpenID",
                             "CreateTime": 1662480000, "MsgType": "event",
                             "Event": "channels_ec_voucher_send_succ"});
    message
        .as_object_mut()
        .expect("object")
        .extend(push.as_object().cloned().unwrap_or_default());
    let debug = format!(
        "{:?}",
        Message::from_json(&message.to_string()).expect("decodes")
    );
    assert!(
        debug.contains("kbfff") && !debug.contains("232323") && !debug.contains("fasdf343df34545"),
        "Debug hides the voucher codes and the phone field: {debug}"
    );
}

/// A supplier's pushes: `dropship_order_update` and
/// `ec_supplier_product_update` are their docs' samples;
/// `dropship_order_new` and `dropship_order_cancel` are built from the
/// field the SKIT SDK takes from their doc pages
/// (`/doc/store/supplier/notify/ds_order_notify/ds_order_add_notice.html`,
/// `…/ds_order_cancel_notice.html`, not in the stored docs): `ds_order_id`.
#[test]
fn wechat_store_supplier_events() {
    assert_eq!(
        store_push(
            "dropship_order_update",
            json!({"ds_order_id": "4400123343235833535", "update_time": 1662480000})
        ),
        json!({"type": "dropship_order_update", "ds_order_id": "4400123343235833535",
               "update_time": 1_662_480_000_i64})
    );
    for event in ["dropship_order_new", "dropship_order_cancel"] {
        assert_eq!(
            store_push(event, json!({"ds_order_id": "4400123343235833535"})),
            json!({"type": event, "ds_order_id": "4400123343235833535", "update_time": null})
        );
    }
    assert_eq!(
        store_push(
            "ec_supplier_product_update",
            json!({"EcSupplierProductUpdate": {"product_id": "10000000000001", "status": 0}})
        ),
        json!({"type": "ec_supplier_product_update", "product_id": "10000000000001", "status": 0})
    );
}

/// The linked mini program's order push: the doc's sample
/// (`cooperation_shop_order`); the doc names `related_shop_order_submission`
/// as the same push for newly linked accounts.
#[test]
fn wechat_store_linked_mini_program_order() {
    let data = json!({"Data": {
        "order_id": "coiqBw3B************************************************************TdtdzIpQ",
        "shop_appid": "店铺appid"}});
    for event in ["cooperation_shop_order", "related_shop_order_submission"] {
        assert_eq!(
            mini_program(event, data.clone()),
            json!({"type": event,
                   "order_id": "coiqBw3B************************************************************TdtdzIpQ",
                   "shop_appid": "店铺appid"})
        );
    }
}

/// A component push, as JSON, checking its `InfoType` and component AppId.
fn component(xml: &str, info_type: &str) -> Value {
    let event = ComponentEvent::from_xml(xml).expect("decodes");
    assert_eq!(event.info_type(), info_type);
    assert_eq!(event.app_id(), Some("wx3c1a2b3c4d5e6f70"));
    serde_json::to_value(&event).expect("serializes")
}

fn component_xml(info_type: &str, body: &str) -> String {
    format!(
        "<xml><AppId><![CDATA[wx3c1a2b3c4d5e6f70]]></AppId><CreateTime>1535442403</CreateTime>\
         <InfoType><![CDATA[{info_type}]]></InfoType>{body}</xml>"
    )
}

/// The third-party platform's `notify_*` pushes, decoded from the
/// component's authorization-event URL: `order_path_audit_result_notify` is
/// a push as WeChat sent it (quoted in the developer community; the doc's
/// own sample has placeholders only), the beta-app pushes are the doc's
/// samples with their placeholders filled in, the others are built from
/// their field tables.
#[test]
fn third_party_platform_notify_pushes() {
    let order_path = "<xml>\n<AppId>\n<![CDATA[wx3c1a2b3c4d5e6f70]]>\n</AppId>\n<CreateTime>1701157985</CreateTime>\n\
        <InfoType>\n<![CDATA[order_path_audit_result_notify]]>\n</InfoType>\n<list>\n<appid>\n\
        <![CDATA[wx3yyyy]]>\n</appid>\n<audit_id>12131</audit_id>\n<status>4</status>\n\
        <apply_time>1699866317</apply_time>\n<audit_time>1701157985</audit_time>\n<reason>\n\
        <![CDATA[]]>\n</reason>\n</list>\n</xml>";
    assert_eq!(
        component(order_path, "order_path_audit_result_notify"),
        json!({"kind": "order_path_audit_result_notify", "app_id": "wx3c1a2b3c4d5e6f70",
               "create_time": 1_701_157_985_i64,
               "list": [{"appid": "wx3yyyy", "audit_id": "12131", "status": 4, "ret_code": null,
                         "apply_time": 1_699_866_317_i64, "audit_time": 1_701_157_985_i64,
                         "reason": null}]})
    );

    let verify = component_xml(
        "notify_third_fastverifybetaapp",
        "<appid>wxbeta0123456789</appid><status>0</status><msg>OK</msg><info>\
         <name><![CDATA[样例科技有限公司]]></name><code><![CDATA[91440300MA5FXXXXXX]]></code>\
         <code_type>1</code_type><legal_persona_wechat><![CDATA[legal_wx]]></legal_persona_wechat>\
         <legal_persona_name><![CDATA[张三]]></legal_persona_name>\
         <component_phone><![CDATA[13800138000]]></component_phone></info>",
    );
    let event = ComponentEvent::from_xml(&verify).expect("decodes");
    let ComponentEvent::FastVerifyBetaApp(fast) = &event else {
        panic!("not a beta verification: {event:?}");
    };
    assert_eq!(fast.registered_appid.as_deref(), Some("wxbeta0123456789"));
    assert_eq!((fast.status, fast.msg.as_str()), (0, "OK"));
    assert_eq!(
        fast.info.get("legal_persona_name").map(String::as_str),
        Some("张三")
    );
    assert_eq!(fast.info.get("code_type").map(String::as_str), Some("1"));
    let debug = format!("{event:?}");
    assert!(
        !debug.contains("张三") && !debug.contains("13800138000"),
        "Debug hides the legal person's details: {debug}"
    );
    let beta = component(
        &component_xml(
            "notify_third_fastregisterbetaapp",
            "<appid>wxbeta0123456789</appid><status>0</status><msg>OK</msg>\
             <info><unique_id><![CDATA[unique-1]]></unique_id><name><![CDATA[试用小程序]]></name></info>",
        ),
        "notify_third_fastregisterbetaapp",
    );
    assert_eq!(
        (beta["registered_appid"].clone(), beta["info"].clone()),
        (
            json!("wxbeta0123456789"),
            json!({"name": "试用小程序", "unique_id": "unique-1"})
        )
    );

    assert_eq!(
        component(
            &component_xml(
                "notify_icpfiling_verify_result",
                "<task_id><![CDATA[R5PqRPNb6GmG3i0rqd4pTg]]></task_id>\
                 <verify_appid><![CDATA[wxa0123456789abc]]></verify_appid><result>3</result>"
            ),
            "notify_icpfiling_verify_result"
        ),
        json!({"kind": "notify_icpfiling_verify_result", "app_id": "wx3c1a2b3c4d5e6f70",
               "create_time": 1_535_442_403_i64, "task_id": "R5PqRPNb6GmG3i0rqd4pTg",
               "verify_appid": "wxa0123456789abc", "result": 3, "along_with_auth_result": null})
    );
    assert_eq!(
        component(
            &component_xml(
                "notify_apply_icpfiling_result",
                "<authorizer_appid><![CDATA[wxa0123456789abc]]></authorizer_appid><beian_status>4</beian_status>"
            ),
            "notify_apply_icpfiling_result"
        ),
        json!({"kind": "notify_apply_icpfiling_result", "app_id": "wx3c1a2b3c4d5e6f70",
               "create_time": 1_535_442_403_i64, "authorizer_appid": "wxa0123456789abc",
               "beian_status": 4})
    );
    assert_eq!(
        component(
            &component_xml(
                "notify_3rd_wxa_auth",
                "<appid><![CDATA[wxa0123456789abc]]></appid><taskid><![CDATA[task-1]]></taskid>\
                 <task_status>12</task_status><apply_status>2</apply_status>\
                 <message><![CDATA[审核中]]></message><dispatch_info><provider><![CDATA[上海倍通]]></provider>\
                 <contact><![CDATA[021-00000000]]></contact><dispatch_time>1535442500</dispatch_time></dispatch_info>"
            ),
            "notify_3rd_wxa_auth"
        ),
        json!({"kind": "notify_3rd_wxa_auth", "app_id": "wx3c1a2b3c4d5e6f70",
               "create_time": 1_535_442_403_i64, "appid": "wxa0123456789abc", "taskid": "task-1",
               "task_status": 12, "apply_status": 2, "message": "审核中", "provider": "上海倍通",
               "contact": "021-00000000", "dispatch_time": 1_535_442_500_i64})
    );
    assert_eq!(
        component(
            &component_xml(
                "notify_3rd_wxa_wxverify",
                "<appid><![CDATA[wxa0123456789abc]]></appid><expired>1538034403</expired>\
                 <message><![CDATA[认证即将过期]]></message>"
            ),
            "notify_3rd_wxa_wxverify"
        ),
        json!({"kind": "notify_3rd_wxa_wxverify", "app_id": "wx3c1a2b3c4d5e6f70",
               "create_time": 1_535_442_403_i64, "appid": "wxa0123456789abc",
               "expired": 1_538_034_403_i64, "message": "认证即将过期"})
    );
    // a known push still needs the header every component push has
    let headless = "<xml><InfoType>notify_3rd_wxa_wxverify</InfoType><expired>1</expired></xml>";
    assert!(ComponentEvent::from_xml(headless).is_err());
}

#[test]
fn the_typed_list_and_what_stays_other() {
    let names: Vec<&str> = Event::typed_names().collect();
    assert_eq!(names.len(), 217, "{names:?}");
    let unknown = xml_event("some_future_event", "<Anything>1</Anything>");
    let Message::Event(event) = Message::from_xml(&unknown).expect("decodes") else {
        panic!("not an event");
    };
    assert_eq!(event.detail, Event::Other);
    assert_eq!(event.event(), "some_future_event");
    let future = ComponentEvent::from_xml(
        "<xml><AppId>wx3c1a2b3c4d5e6f70</AppId><CreateTime>1</CreateTime>\
         <InfoType>notify_some_future_push</InfoType></xml>",
    )
    .expect("an unknown InfoType is not an error");
    assert!(
        matches!(future, ComponentEvent::Unknown { .. }),
        "{future:?}"
    );
}
