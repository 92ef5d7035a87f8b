//! Typed pushes: component events by InfoType, official-account messages by
//! MsgType, CDATA and plain text, unknown kinds kept raw.

use wechat_api::Error;
use wechat_api::crypto::MsgCrypt;
use wechat_api::event::{
    Authorization, ComponentEvent, Event, Message, Push, QrScan, Subscribe, Unauthorization,
};

const TICKET_CDATA: &str = "<xml><AppId><![CDATA[wx3c1a2b3c4d5e6f70]]></AppId>\
<CreateTime>1413192605</CreateTime>\
<InfoType><![CDATA[component_verify_ticket]]></InfoType>\
<ComponentVerifyTicket><![CDATA[ticket@@@Bt4AkD7bSk5Sf8mX_YzJr4Mz8EhXo0dQ6Vc-pWnN2lq0]]></ComponentVerifyTicket>\
</xml>";

const TICKET_PLAIN: &str = "<xml>
  <AppId>wx3c1a2b3c4d5e6f70</AppId>
  <CreateTime>1413192605</CreateTime>
  <InfoType>component_verify_ticket</InfoType>
  <ComponentVerifyTicket>ticket@@@Bt4AkD7bSk5Sf8mX_YzJr4Mz8EhXo0dQ6Vc-pWnN2lq0</ComponentVerifyTicket>
</xml>";

const TICKET: &str = "ticket@@@Bt4AkD7bSk5Sf8mX_YzJr4Mz8EhXo0dQ6Vc-pWnN2lq0";

fn authorization_xml(info_type: &str, cdata: bool) -> String {
    let v = |s: &str| {
        if cdata {
            format!("<![CDATA[{s}]]>")
        } else {
            s.to_owned()
        }
    };
    format!(
        "<xml><AppId>{}</AppId><CreateTime>1413192760</CreateTime><InfoType>{}</InfoType>\
         <AuthorizerAppid>{}</AuthorizerAppid><AuthorizationCode>{}</AuthorizationCode>\
         <AuthorizationCodeExpiredTime>1413196360</AuthorizationCodeExpiredTime>\
         <PreAuthCode>{}</PreAuthCode></xml>",
        v("wx3c1a2b3c4d5e6f70"),
        v(info_type),
        v("wxf8b4f85f3a794e77"),
        v("queryauthcode@@@SozCwT_ve8WQI6Poum-qdGrrBrnQoX2rApglrUIMF0e308IQY7w_tCfAkFBeFmMgZ"),
        v("preauthcode@@@c1a2b3d4e5f6"),
    )
}

#[test]
fn component_verify_ticket_cdata_and_plain() {
    for xml in [TICKET_CDATA, TICKET_PLAIN] {
        let ComponentEvent::VerifyTicket(ticket) = ComponentEvent::from_xml(xml).expect("parses")
        else {
            panic!("not a ticket: {xml}");
        };
        assert_eq!(ticket.app_id, "wx3c1a2b3c4d5e6f70");
        assert_eq!(ticket.create_time, 1413192605);
        assert_eq!(ticket.component_verify_ticket, TICKET);
    }
}

#[test]
fn authorized_and_updateauthorized() {
    for cdata in [true, false] {
        for info_type in ["authorized", "updateauthorized"] {
            let event =
                ComponentEvent::from_xml(&authorization_xml(info_type, cdata)).expect("parses");
            assert_eq!(event.info_type(), info_type);
            assert_eq!(event.app_id(), Some("wx3c1a2b3c4d5e6f70"));
            let (ComponentEvent::Authorized(auth) | ComponentEvent::UpdateAuthorized(auth)) =
                &event
            else {
                panic!("not an authorization: {event:?}");
            };
            assert_eq!(
                matches!(event, ComponentEvent::Authorized(_)),
                info_type == "authorized"
            );
            let Authorization {
                authorizer_appid,
                authorization_code,
                authorization_code_expired_time,
                pre_auth_code,
                create_time,
                ..
            } = auth;
            assert_eq!(authorizer_appid, "wxf8b4f85f3a794e77");
            assert!(authorization_code.starts_with("queryauthcode@@@SozCwT"));
            assert_eq!(*authorization_code_expired_time, 1413196360);
            assert_eq!(*create_time, 1413192760);
            assert_eq!(pre_auth_code.as_deref(), Some("preauthcode@@@c1a2b3d4e5f6"));
        }
    }
}

#[test]
fn unauthorized() {
    let xml = "<xml><AppId><![CDATA[wx3c1a2b3c4d5e6f70]]></AppId><CreateTime>1413192760</CreateTime>\
               <InfoType><![CDATA[unauthorized]]></InfoType>\
               <AuthorizerAppid><![CDATA[wxf8b4f85f3a794e77]]></AuthorizerAppid></xml>";
    let ComponentEvent::Unauthorized(Unauthorization {
        app_id,
        create_time,
        authorizer_appid,
        ..
    }) = ComponentEvent::from_xml(xml).expect("parses")
    else {
        panic!("not unauthorized");
    };
    assert_eq!(app_id, "wx3c1a2b3c4d5e6f70");
    assert_eq!(create_time, 1413192760);
    assert_eq!(authorizer_appid, "wxf8b4f85f3a794e77");
}

#[test]
fn unknown_info_type_is_kept_raw() {
    let xml = "<xml><AppId>wx3c1a2b3c4d5e6f70</AppId><CreateTime>1535442403</CreateTime>\
               <InfoType>notify_some_future_push</InfoType><appid>wxa1b2</appid><status>0</status>\
               <info><name><![CDATA[公司名称]]></name><code>1234</code></info></xml>";
    let event = ComponentEvent::from_xml(xml).expect("unknown is not an error");
    assert_eq!(event.info_type(), "notify_some_future_push");
    assert_eq!(event.app_id(), None);
    assert_eq!(
        event,
        ComponentEvent::Unknown {
            info_type: "notify_some_future_push".to_owned(),
            raw: xml.to_owned(),
        }
    );
    let json = serde_json::to_value(&event).expect("serializes");
    assert_eq!(json["kind"], "unknown");
    assert_eq!(json["info_type"], "notify_some_future_push");
    assert_eq!(json["raw"], xml);
    // Debug does not print the raw XML (it may carry codes)
    let debug = format!("{event:?}");
    assert!(
        debug.contains("notify_some_future_push") && !debug.contains("1234"),
        "{debug}"
    );
}

#[test]
fn debug_redacts_secrets() {
    let event = ComponentEvent::from_xml(TICKET_CDATA).expect("parses");
    let debug = format!("{event:?}");
    assert!(!debug.contains(TICKET), "{debug}");
    assert!(!debug.contains("Bt4AkD7bSk5Sf8mX"), "{debug}");
    assert!(debug.contains("wx3c1a2b3c4d5e6f70"), "{debug}");

    let event = ComponentEvent::from_xml(&authorization_xml("authorized", true)).expect("parses");
    let debug = format!("{event:?}");
    assert!(!debug.contains("SozCwT_ve8WQI6Poum"), "{debug}");
    assert!(!debug.contains("c1a2b3d4e5f6"), "{debug}");
    assert!(debug.contains("wxf8b4f85f3a794e77"), "{debug}");
}

#[test]
fn serialize_as_snake_case_json() {
    let event = ComponentEvent::from_xml(TICKET_PLAIN).expect("parses");
    let json = serde_json::to_value(&event).expect("serializes");
    assert_eq!(
        json,
        serde_json::json!({
            "kind": "component_verify_ticket",
            "app_id": "wx3c1a2b3c4d5e6f70",
            "create_time": 1413192605,
            "component_verify_ticket": TICKET,
        })
    );
    let push = Push::from_xml(&authorization_xml("updateauthorized", false)).expect("parses");
    let json = serde_json::to_value(&push).expect("serializes");
    assert_eq!(json["kind"], "updateauthorized");
    assert_eq!(json["authorizer_appid"], "wxf8b4f85f3a794e77");
    assert_eq!(json["authorization_code_expired_time"], 1413196360);
}

#[test]
fn malformed_component_pushes_are_errors() {
    for xml in [
        // no InfoType at all
        "<xml><AppId>wx1</AppId><CreateTime>1</CreateTime></xml>",
        // known InfoType, missing field
        "<xml><AppId>wx1</AppId><CreateTime>1</CreateTime><InfoType>component_verify_ticket</InfoType></xml>",
        "<xml><AppId>wx1</AppId><InfoType>unauthorized</InfoType><AuthorizerAppid>wx2</AuthorizerAppid></xml>",
        // non-numeric time
        "<xml><AppId>wx1</AppId><CreateTime>soon</CreateTime><InfoType>unauthorized</InfoType><AuthorizerAppid>wx2</AuthorizerAppid></xml>",
        // not well-formed
        "<xml><AppId>wx1</AppId><InfoType>unauthorized</Info></xml>",
        "",
    ] {
        assert!(
            matches!(ComponentEvent::from_xml(xml), Err(Error::InvalidXml(_))),
            "{xml:?}"
        );
    }
}

// ---- official-account messages -------------------------------------------

#[test]
fn text_message_cdata_plain_and_entities() {
    let cdata = "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>\
                 <FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>\
                 <CreateTime>1409735668</CreateTime><MsgType><![CDATA[text]]></MsgType>\
                 <Content><![CDATA[  hello <world> & 你好  ]]></Content>\
                 <MsgId>6054768590064713728</MsgId></xml>";
    let Message::Text(text) = Message::from_xml(cdata).expect("parses") else {
        panic!("not text");
    };
    assert_eq!(text.content, "  hello <world> & 你好  ");
    assert_eq!(text.msg_id, 6054768590064713728);
    assert_eq!(text.header.msg_type, "text");
    assert_eq!(text.header.event, None);

    let plain = "<xml>\n<ToUserName>gh_10f6c3c3ac5a</ToUserName>\n\
                 <FromUserName>oyORnuP8q7ou2gfYjqLzSIWZf0rs</FromUserName>\n\
                 <CreateTime>1409735668</CreateTime>\n<MsgType>text</MsgType>\n\
                 <Content>hello &lt;world&gt; &amp; &#20320;&#x597D;</Content>\n\
                 <MsgId>6054768590064713728</MsgId>\n</xml>";
    let Message::Text(text) = Message::from_xml(plain).expect("parses") else {
        panic!("not text");
    };
    assert_eq!(text.content, "hello <world> & 你好");
    assert_eq!(text.header.to_user_name, "gh_10f6c3c3ac5a");

    let json = serde_json::to_value(Message::Text(text)).expect("serializes");
    assert_eq!(json["kind"], "text");
    assert_eq!(json["content"], "hello <world> & 你好");
    assert_eq!(json["from_user_name"], "oyORnuP8q7ou2gfYjqLzSIWZf0rs");
    assert_eq!(json["msg_id"], 6054768590064713728u64);
}

#[test]
fn event_messages() {
    let subscribe = "<xml><ToUserName><![CDATA[gh_123]]></ToUserName>\
                     <FromUserName><![CDATA[oUser]]></FromUserName><CreateTime>123456789</CreateTime>\
                     <MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event>\
                     <EventKey><![CDATA[qrscene_123123]]></EventKey><Ticket><![CDATA[TICKET]]></Ticket></xml>";
    let Message::Event(event) = Message::from_xml(subscribe).expect("parses") else {
        panic!("not an event");
    };
    assert_eq!(event.event(), "subscribe");
    let Event::Subscribe(Subscribe {
        scene: Some(scene), ..
    }) = &event.detail
    else {
        panic!("a subscribe with a scene: {:?}", event.detail);
    };
    assert_eq!(
        (scene.event_key.as_str(), scene.ticket.as_deref()),
        ("qrscene_123123", Some("TICKET"))
    );
    assert_eq!(scene.scene(), "123123");
    assert!(matches!(
        &event.detail,
        Event::Subscribe(Subscribe {
            scene: Some(QrScan { .. }),
            ..
        })
    ));
    assert_eq!(event.event_key.as_deref(), Some("qrscene_123123"));
    assert_eq!(event.raw, subscribe);

    let location = "<xml><ToUserName>gh_123</ToUserName><FromUserName>oUser</FromUserName>\
                    <CreateTime>123456789</CreateTime><MsgType>event</MsgType><Event>LOCATION</Event>\
                    <Latitude>23.137466</Latitude><Longitude>113.352425</Longitude><Precision>119.385040</Precision></xml>";
    let message = Message::from_xml(location).expect("parses");
    let Message::Event(event) = &message else {
        panic!("not an event");
    };
    let Event::Location(report) = &event.detail else {
        panic!("not a location report: {:?}", event.detail);
    };
    assert_eq!(report.latitude, 23.137466);
    assert_eq!(report.longitude, 113.352425);
    assert_eq!(report.precision, 119.38504);
    assert_eq!(message.header().create_time, 123456789);
    let json = serde_json::to_value(&message).expect("serializes");
    assert_eq!(json["kind"], "event");
    assert_eq!(json["event"], "LOCATION");
    assert_eq!(json["detail"]["type"], "location");
    assert_eq!(json["detail"]["latitude"], 23.137466);
    assert!(json.get("raw").is_none());

    // an event this version does not type stays Other, by name
    let custom = location.replace("LOCATION", "SomeFutureEvent");
    let Message::Event(event) = Message::from_xml(&custom).expect("parses") else {
        panic!("not an event");
    };
    assert_eq!(event.detail, Event::Other);
    assert_eq!(event.event(), "SomeFutureEvent");
}

#[test]
fn other_message_types_are_kept_raw() {
    let device = "<xml><ToUserName><![CDATA[gh_123]]></ToUserName><FromUserName><![CDATA[oUser]]></FromUserName>\
                 <CreateTime>1348831860</CreateTime><MsgType><![CDATA[device_text]]></MsgType>\
                 <DeviceType><![CDATA[dt]]></DeviceType><Content><![CDATA[x]]></Content>\
                 <MsgId>1234567890123456</MsgId></xml>";
    let Message::Other(other) = Message::from_xml(device).expect("parses") else {
        panic!("device_text is not typed");
    };
    assert_eq!(other.header.msg_type, "device_text");
    assert_eq!(other.raw, device);
}

#[test]
fn malformed_messages_are_errors() {
    for xml in [
        "<xml><MsgType>text</MsgType></xml>",
        "<xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><MsgId>1</MsgId></xml>",
        "<xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>x</Content><MsgId>-1</MsgId></xml>",
        "<xml><ToUserName>a</ToUserName></xml>",
    ] {
        assert!(
            matches!(Message::from_xml(xml), Err(Error::InvalidXml(_))),
            "{xml:?}"
        );
    }
}

#[test]
fn push_dispatches_on_info_type_or_msg_type() {
    assert!(matches!(
        Push::from_xml(TICKET_CDATA),
        Ok(Push::Component(ComponentEvent::VerifyTicket(_)))
    ));
    let text = "<xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName><CreateTime>1</CreateTime>\
                <MsgType>text</MsgType><Content>x</Content><MsgId>1</MsgId></xml>";
    assert!(matches!(
        Push::from_xml(text),
        Ok(Push::Message(Message::Text(_)))
    ));
    assert!(matches!(
        Push::from_xml("<xml><Foo>1</Foo></xml>"),
        Err(Error::InvalidXml(_))
    ));
}

#[test]
fn encrypted_component_push_end_to_end() {
    let crypt = MsgCrypt::new(
        "componenttoken",
        "Q2xhdWRlQ29kZUlzV3JpdGluZ1RoaXNLZXlGb3JUZXN",
        "wx3c1a2b3c4d5e6f70",
    )
    .expect("valid");
    let encrypt = crypt.encrypt(TICKET_CDATA).expect("encrypts");
    let body = format!(
        "<xml><AppId><![CDATA[wx3c1a2b3c4d5e6f70]]></AppId><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
    );
    let signature = crypt.sign("1413192605", "1234567", &encrypt);
    let plaintext = crypt
        .decrypt_push(&signature, "1413192605", "1234567", &body)
        .expect("decrypts");
    let ComponentEvent::VerifyTicket(ticket) =
        ComponentEvent::from_xml(&plaintext).expect("parses")
    else {
        panic!("not a ticket");
    };
    assert_eq!(ticket.component_verify_ticket, TICKET);
}
