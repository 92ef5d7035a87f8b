//! Every message and event type a message URL receives: the official XML
//! samples decode into the typed values, mini-program JSON decodes the same
//! way, unknown types are kept raw, and malformed typed messages are clear
//! errors.

use wechat_api_test_support::callback as support;

use support::*;
use wechat_api::Error;
use wechat_api::event::{
    ArticleUrl, ComponentEvent, Event, FastRegister, Message, QrScan, Subscribe, SubscribeMsgChoice,
};

fn parse(xml: &str) -> Message {
    Message::from_xml(xml).unwrap_or_else(|e| panic!("{e}: {xml}"))
}

fn event(xml: &str) -> (String, Event, Option<String>) {
    let Message::Event(event) = parse(xml) else {
        panic!("not an event: {xml}");
    };
    assert_eq!(event.raw, xml, "the raw document is kept");
    (event.event().to_owned(), event.detail, event.event_key)
}

#[test]
fn every_sample_decodes_with_its_type() {
    for (name, xml) in ALL {
        let message = parse(xml);
        let header = message.header();
        assert!(!header.to_user_name.is_empty() && !header.from_user_name.is_empty());
        assert!(header.create_time > 0);
        match &message {
            Message::Event(e) => assert_eq!(e.event(), *name),
            other => assert_eq!(other.msg_type(), *name),
        }
        assert!(!matches!(message, Message::Other(_)), "{name} is typed");
        if let Message::Event(e) = &message {
            assert_ne!(e.detail, Event::Other, "{name} is typed");
        }
    }
}

#[test]
fn ordinary_messages() {
    let Message::Text(text) = parse(TEXT) else {
        panic!()
    };
    assert_eq!(
        (text.content.as_str(), text.msg_id),
        ("this is a test", 1234567890123456)
    );
    assert_eq!(text.header.to_user_name, "toUser");
    assert_eq!(text.header.from_user_name, "fromUser");
    assert_eq!(text.header.create_time, 1348831860);

    let Message::Image(image) = parse(IMAGE) else {
        panic!()
    };
    assert_eq!(image.pic_url, "this is a url");
    assert_eq!(image.media_id, "media_id");
    assert_eq!(image.msg_id, 1234567890123456);

    let Message::Voice(voice) = parse(VOICE) else {
        panic!()
    };
    assert_eq!(voice.media_id, "media_id");
    assert_eq!(voice.format, "Format");
    assert_eq!(voice.recognition.as_deref(), Some("腾讯微信团队"));
    let without = VOICE.replace("<Recognition><![CDATA[腾讯微信团队]]></Recognition>", "");
    let Message::Voice(voice) = parse(&without) else {
        panic!()
    };
    assert_eq!(voice.recognition, None);

    let Message::Video(video) = parse(VIDEO) else {
        panic!()
    };
    assert_eq!(
        (video.media_id.as_str(), video.thumb_media_id.as_str()),
        ("media_id", "thumb_media_id")
    );
    let Message::ShortVideo(short) = parse(SHORT_VIDEO) else {
        panic!()
    };
    assert_eq!(short.msg_id, 1234567890123457);
    assert_eq!(short.header.msg_type, "shortvideo");

    let Message::Location(location) = parse(LOCATION) else {
        panic!()
    };
    assert_eq!(location.location_x, 23.134521);
    assert_eq!(location.location_y, 113.358803);
    assert_eq!(location.scale, 20.0);
    assert_eq!(location.label, "位置信息");

    let Message::Link(link) = parse(LINK) else {
        panic!()
    };
    assert_eq!(link.title, "公众平台官网链接");
    assert_eq!(link.description, "公众平台官网链接");
    assert_eq!(link.url, "url");

    let Message::File(file) = parse(FILE) else {
        panic!()
    };
    assert_eq!(file.title, "report.pdf");
    assert_eq!(file.description, None, "an empty description is none");
    assert_eq!(file.file_key, "file_key");
    assert_eq!(file.file_md5, "5a6f86e5b0d0c4f3c23e7d0e3c1a8d2b");
    assert_eq!(file.file_total_len, 123456);

    let Message::MiniProgramPage(page) = parse(MINIPROGRAM_PAGE) else {
        panic!()
    };
    assert_eq!(page.app_id, "AppId");
    assert_eq!(page.page_path, "PagePath");
    assert_eq!(page.thumb_media_id, "ThumbMediaId");

    let json = serde_json::to_value(parse(SHORT_VIDEO)).expect("serializes");
    assert_eq!(json["kind"], "shortvideo");
    assert_eq!(json["thumb_media_id"], "thumb_media_id");
}

#[test]
fn subscribe_with_and_without_a_scene() {
    let (name, detail, key) = event(SUBSCRIBE);
    assert_eq!(name, "subscribe");
    assert_eq!(detail, Event::Subscribe(subscribe(None)));
    assert_eq!(key, None);

    // an empty EventKey is no scene
    let empty_key = SUBSCRIBE.replace("</Event>", "</Event><EventKey><![CDATA[]]></EventKey>");
    assert_eq!(event(&empty_key).1, Event::Subscribe(subscribe(None)));

    // only a `qrscene_` key is a QR scan: a follow after a payment is not
    let after_pay = SUBSCRIBE.replace(
        "</Event>",
        "</Event><EventKey><![CDATA[last_trade_no_4200001]]></EventKey>",
    );
    let (_, detail, key) = event(&after_pay);
    assert_eq!(detail, Event::Subscribe(subscribe(None)));
    assert_eq!(key.as_deref(), Some("last_trade_no_4200001"));

    let (_, detail, key) = event(SUBSCRIBE_SCENE);
    let Event::Subscribe(Subscribe {
        scene: Some(scene), ..
    }) = detail
    else {
        panic!("{detail:?}");
    };
    assert_eq!(scene.event_key, "qrscene_123123");
    assert_eq!(scene.scene(), "123123");
    assert_eq!(scene.ticket.as_deref(), Some("TICKET"));
    assert_eq!(key.as_deref(), Some("qrscene_123123"));

    assert_eq!(event(UNSUBSCRIBE).1, Event::Unsubscribe);
}

fn subscribe(scene: Option<QrScan>) -> Subscribe {
    let Event::Subscribe(mut s) = event(SUBSCRIBE).1 else {
        panic!()
    };
    s.scene = scene;
    s
}

#[test]
fn scan_location_and_menu_events() {
    let Event::Scan(scan) = event(SCAN).1 else {
        panic!()
    };
    assert_eq!(
        (scan.event_key.as_str(), scan.scene()),
        ("SCENE_VALUE", "SCENE_VALUE")
    );
    assert_eq!(scan.ticket.as_deref(), Some("TICKET"));

    let Event::Location(report) = event(LOCATION_EVENT).1 else {
        panic!()
    };
    assert_eq!(
        (report.latitude, report.longitude, report.precision),
        (23.137466, 113.352425, 119.38504)
    );

    let (_, detail, key) = event(CLICK);
    let Event::Click(click) = detail else {
        panic!()
    };
    assert_eq!(click.key, "EVENTKEY");
    assert_eq!(key.as_deref(), Some("EVENTKEY"));

    let Event::View(view) = event(VIEW).1 else {
        panic!()
    };
    assert_eq!(view.url, "www.qq.com");
    assert_eq!(view.menu_id.as_deref(), Some("MENUID"));

    // event names are compared case-insensitively
    let lower = CLICK.replace("[CLICK]", "[click]");
    assert!(matches!(event(&lower).1, Event::Click(_)));
}

#[test]
fn job_finish_events() {
    let Event::TemplateSendJobFinish(job) = event(TEMPLATE_SEND_JOB_FINISH).1 else {
        panic!()
    };
    assert_eq!((job.msg_id, job.status.as_str()), (200163836, "success"));

    let Event::MassSendJobFinish(mass) = event(MASS_SEND_JOB_FINISH).1 else {
        panic!()
    };
    assert_eq!(mass.msg_id, 1000001625);
    assert_eq!(mass.status, "err(30003)");
    assert_eq!(
        (
            mass.total_count,
            mass.filter_count,
            mass.sent_count,
            mass.error_count
        ),
        (Some(0), Some(0), Some(0), Some(0))
    );
    assert_eq!(mass.copyright_check_state, Some(2));
    assert_eq!(mass.article_urls.len(), 1);
    let ArticleUrl { index, url, .. } = &mass.article_urls[0];
    assert_eq!((*index, url.as_str()), (1, "Url"));
}

#[test]
fn subscribe_message_events() {
    let Event::SubscribeMsgPopup(popup) = event(SUBSCRIBE_MSG_POPUP).1 else {
        panic!()
    };
    let summary: Vec<_> = popup
        .items
        .iter()
        .map(|i| {
            (
                i.template_id.as_str(),
                i.subscribe_status.as_str(),
                i.popup_scene.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc",
                "accept",
                Some("2")
            ),
            (
                "9nLIlbOQZC5Y89AZteFEux3WCXRRRG5Wfzkpssu4bLI",
                "reject",
                Some("2")
            ),
        ]
    );

    let Event::SubscribeMsgChange(change) = event(SUBSCRIBE_MSG_CHANGE).1 else {
        panic!()
    };
    assert_eq!(change.items.len(), 1);
    let SubscribeMsgChoice {
        subscribe_status,
        popup_scene,
        ..
    } = &change.items[0];
    assert_eq!((subscribe_status.as_str(), popup_scene), ("reject", &None));

    let Event::SubscribeMsgSent(sent) = event(SUBSCRIBE_MSG_SENT).1 else {
        panic!()
    };
    assert_eq!(sent.items.len(), 1);
    assert_eq!(sent.items[0].msg_id, "1700827132819554304");
    assert_eq!(sent.items[0].error_code, 0);
    assert_eq!(sent.items[0].error_status, "success");

    let bad_code =
        SUBSCRIBE_MSG_SENT.replace("<ErrorCode>0</ErrorCode>", "<ErrorCode>x</ErrorCode>");
    assert!(matches!(
        Message::from_xml(&bad_code),
        Err(Error::InvalidXml(_))
    ));
}

#[test]
fn code_audit_events() {
    let Event::WeappAuditSuccess(ok) = event(WEAPP_AUDIT_SUCCESS).1 else {
        panic!()
    };
    assert_eq!(ok.succ_time, 1488856741);

    let Event::WeappAuditFail(fail) = event(WEAPP_AUDIT_FAIL).1 else {
        panic!()
    };
    assert_eq!(fail.fail_time, 1488856591);
    assert!(fail.reason.starts_with("1:账号信息不符合规范:<br>"));
    assert_eq!(fail.screen_shots, ["xxx", "yyy", "zzz"]);

    let Event::WeappAuditDelay(delay) = event(WEAPP_AUDIT_DELAY).1 else {
        panic!()
    };
    assert_eq!(delay.delay_time, 1488856591);
    assert!(delay.reason.contains("提审系统的优化"));
}

#[test]
fn unknown_types_and_events_are_kept_raw() {
    let unknown = TEXT.replace("[text]", "[device_event]");
    let Message::Other(other) = parse(&unknown) else {
        panic!()
    };
    assert_eq!(other.header.msg_type, "device_event");
    assert_eq!(other.raw, unknown);

    let kf = "<xml><ToUserName><![CDATA[gh]]></ToUserName><FromUserName><![CDATA[o]]></FromUserName>\
              <CreateTime>1</CreateTime><MsgType><![CDATA[event]]></MsgType>\
              <Event><![CDATA[device_scan]]></Event><EventKey><![CDATA[rselfmenu_0_1]]></EventKey>\
              <ScanCodeInfo><ScanType><![CDATA[qrcode]]></ScanType></ScanCodeInfo></xml>";
    let (name, detail, key) = event(kf);
    assert_eq!((name.as_str(), detail), ("device_scan", Event::Other));
    assert_eq!(
        key.as_deref(),
        Some("rselfmenu_0_1"),
        "the key of any event is kept"
    );
}

#[test]
fn typed_messages_missing_a_field_are_errors() {
    for (xml, missing) in [
        (
            IMAGE.replace("<MediaId><![CDATA[media_id]]></MediaId>", ""),
            "MediaId",
        ),
        (
            LOCATION.replace("<Location_X>23.134521</Location_X>", ""),
            "Location_X",
        ),
        (
            LOCATION_EVENT.replace("<Latitude>23.137466</Latitude>", ""),
            "Latitude",
        ),
        (
            TEMPLATE_SEND_JOB_FINISH.replace("<MsgID>200163836</MsgID>", ""),
            "MsgID",
        ),
        (
            CLICK.replace("<EventKey><![CDATA[EVENTKEY]]></EventKey>", ""),
            "EventKey",
        ),
    ] {
        let error = Message::from_xml(&xml).expect_err(missing);
        let Error::InvalidXml(reason) = &error else {
            panic!("{error:?}")
        };
        assert!(reason.contains(missing), "{reason}");
    }
    // a non-number is named, but not quoted
    let bad = FILE.replace("123456</FileTotalLen>", "12x456</FileTotalLen>");
    let Err(Error::InvalidXml(reason)) = Message::from_xml(&bad) else {
        panic!()
    };
    assert!(
        reason.contains("FileTotalLen") && !reason.contains("12x456"),
        "{reason}"
    );
}

#[test]
fn mini_program_json_decodes_like_xml() {
    let text = r#"{"ToUserName":"toUser","FromUserName":"fromUser","CreateTime":1482048670,"MsgType":"text","Content":"this is a test","MsgId":1234567890123456}"#;
    let Message::Text(from_json) = Message::from_json(text).expect("JSON text") else {
        panic!()
    };
    let Message::Text(from_xml) = parse(TEXT) else {
        panic!()
    };
    assert_eq!(from_json.content, from_xml.content);
    assert_eq!(from_json.msg_id, from_xml.msg_id);
    assert_eq!(from_json.header.create_time, 1482048670);

    let page = r#"{"ToUserName":"toUser","FromUserName":"fromUser","CreateTime":"1482048670","MsgType":"miniprogrampage","MsgId":"1234567890123456","Title":"Title","AppId":"AppId","PagePath":"PagePath","ThumbUrl":"ThumbUrl","ThumbMediaId":"ThumbMediaId"}"#;
    let Message::MiniProgramPage(page) = Message::from_json(page).expect("JSON page") else {
        panic!()
    };
    assert_eq!(
        (page.app_id.as_str(), page.msg_id),
        ("AppId", 1234567890123456)
    );

    // `List` is an object for one entry, an array for several
    let one = r#"{"ToUserName":"gh_123456789abc","FromUserName":"o7esq5OI1Uej6Xixw1lA2H7XDVbc","CreateTime":"1610968440","MsgType":"event","Event":"subscribe_msg_change_event","List":{"TemplateId":"BEwX0BOT3MqK3Uc5oTU3CGBqzjpndk2jzUf7VfExd8","SubscribeStatusString":"reject"}}"#;
    let Message::Event(one) = Message::from_json(one).expect("one entry") else {
        panic!()
    };
    let Event::SubscribeMsgChange(change) = one.detail else {
        panic!()
    };
    assert_eq!(change.items.len(), 1);
    assert_eq!(change.items[0].subscribe_status, "reject");
    let several = r#"{"ToUserName":"gh","FromUserName":"o","CreateTime":1620973045,"MsgType":"event","Event":"subscribe_msg_popup_event","List":[{"TemplateId":"a","SubscribeStatusString":"accept","PopupScene":"0"},{"TemplateId":"b","SubscribeStatusString":"reject","PopupScene":"0"}]}"#;
    let Message::Event(several) = Message::from_json(several).expect("several") else {
        panic!()
    };
    let Event::SubscribeMsgPopup(popup) = several.detail else {
        panic!()
    };
    let ids: Vec<_> = popup.items.iter().map(|i| i.template_id.as_str()).collect();
    assert_eq!(ids, ["a", "b"]);

    for bad in ["", "[]", "{", r#"{"MsgType":"text"}"#, "null"] {
        assert!(
            matches!(Message::from_json(bad), Err(Error::InvalidXml(_))),
            "{bad:?}"
        );
    }
}

#[test]
fn fast_registration_is_a_component_event() {
    let xml = "<xml><AppId><![CDATA[wx3c1a2b3c4d5e6f70]]></AppId><CreateTime>1535442403</CreateTime>\
               <InfoType><![CDATA[notify_third_fasteregister]]></InfoType><appid>wxa1b2c3d4e5f60718</appid>\
               <status>0</status><auth_code>queryauthcode@@@secret-code-value</auth_code><msg>OK</msg>\
               <info><name><![CDATA[企业名称]]></name><code><![CDATA[企业代码]]></code><code_type>1</code_type>\
               <legal_persona_wechat><![CDATA[法人微信号]]></legal_persona_wechat>\
               <legal_persona_name><![CDATA[法人姓名]]></legal_persona_name>\
               <component_phone><![CDATA[1234567]]></component_phone></info></xml>";
    let event = ComponentEvent::from_xml(xml).expect("parses");
    assert_eq!(event.info_type(), "notify_third_fasteregister");
    assert_eq!(event.app_id(), Some("wx3c1a2b3c4d5e6f70"));
    let ComponentEvent::FastRegister(FastRegister {
        registered_appid,
        status,
        auth_code,
        msg,
        info,
        ..
    }) = &event
    else {
        panic!("{event:?}");
    };
    assert_eq!(registered_appid.as_deref(), Some("wxa1b2c3d4e5f60718"));
    assert_eq!((*status, msg.as_str()), (0, "OK"));
    assert_eq!(
        auth_code.as_deref(),
        Some("queryauthcode@@@secret-code-value")
    );
    assert_eq!(info.get("name").map(String::as_str), Some("企业名称"));
    assert_eq!(info.get("code_type").map(String::as_str), Some("1"));
    assert_eq!(info.len(), 6);
    let debug = format!("{event:?}");
    assert!(!debug.contains("secret-code-value"), "{debug}");

    // a failed registration: no appid, no code, a negative status
    let failed = "<xml><AppId>wx3c1a2b3c4d5e6f70</AppId><CreateTime>1701165413</CreateTime>\
                  <InfoType>notify_third_fasteregister</InfoType><status>-1</status>\
                  <msg><![CDATA[open verity failed]]></msg><info><name>x</name></info></xml>";
    let ComponentEvent::FastRegister(failed) = ComponentEvent::from_xml(failed).expect("parses")
    else {
        panic!()
    };
    assert_eq!(
        (failed.status, failed.registered_appid, failed.auth_code),
        (-1, None, None)
    );
}
