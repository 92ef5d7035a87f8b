//! The authorizers' message URL ([`MessageCallback`]): every message and
//! event type through encrypt → handle → encrypted reply, plain mode, the
//! `echostr` handshake, every reply type, typed errors for the usual
//! mix-ups, duplicate detection, the 5-second rule, and JSON pushes.

use wechat_api_test_support::callback as support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use support::*;
use tokio::sync::Notify;
use wechat_api::Error;
use wechat_api::callback::{
    Article, CallbackRequest, CallbackResponse, MessageCallback, MusicReply, NoReply, Rejection,
    Reply, Router, VideoReply, status_of,
};
use wechat_api::crypto::plain_signature;
use wechat_api::event::Message;

/// A router answering every message with `type|event|key|msg_id|acting appid`.
fn describing_router() -> Router {
    Router::new().fallback(|message: Message, client| async move {
        Ok(Some(Reply::text(format!(
            "{}|{}|{}|{}|{}",
            message.msg_type(),
            message.event().unwrap_or("-"),
            message.event_key().unwrap_or("-"),
            message.msg_id().map_or("-".to_owned(), |id| id.to_string()),
            client.authorizer_appid().unwrap_or("none"),
        ))))
    })
}

fn callback(router: Router) -> MessageCallback {
    MessageCallback::new(client(), router).expect("configured")
}

/// The router's answer for one encrypted push, decrypted.
async fn encrypted_round_trip(plaintext: &str, router: Router) -> String {
    let wechat = Wechat::default();
    let response = callback(router)
        .handle(AUTHORIZER, wechat.safe_push(plaintext))
        .await;
    wechat.open_reply(&response)
}

#[tokio::test]
async fn every_message_and_event_type_round_trips_encrypted() {
    for (name, xml) in ALL {
        let reply = encrypted_round_trip(xml, describing_router()).await;
        let message = Message::from_xml(xml).expect("sample parses");
        let header = message.header();
        assert_eq!(
            leaf(&reply, "ToUserName").as_deref(),
            Some(header.from_user_name.as_str()),
            "{name}"
        );
        assert_eq!(
            leaf(&reply, "FromUserName").as_deref(),
            Some(header.to_user_name.as_str()),
            "{name}"
        );
        assert_eq!(leaf(&reply, "MsgType").as_deref(), Some("text"), "{name}");
        let create_time: i64 = leaf(&reply, "CreateTime").unwrap().parse().unwrap();
        assert!(
            (create_time - now()).abs() < 60,
            "{name}: CreateTime is now"
        );
        let content = leaf(&reply, "Content").expect("Content");
        let fields: Vec<&str> = content.split('|').collect();
        assert_eq!(fields[0], header.msg_type, "{name}");
        if header.msg_type == "event" {
            assert_eq!(fields[1], *name);
        } else {
            assert_eq!(fields[0], *name);
            assert_ne!(fields[3], "-", "{name} has a MsgId");
        }
        assert_eq!(
            fields[4], AUTHORIZER,
            "the handler's client acts for the authorizer"
        );
    }
}

#[tokio::test]
async fn plain_mode_gets_a_plain_reply() {
    let wechat = Wechat::default();
    let response = callback(describing_router())
        .handle(AUTHORIZER, wechat.plain_push(TEXT))
        .await;
    assert_eq!(response.status, 200);
    assert_eq!(response.content_type, "text/xml; charset=utf-8");
    assert!(!response.body.contains("<Encrypt>"));
    assert_eq!(
        leaf(&response.body, "Content").as_deref(),
        Some("text|-|-|1234567890123456|wxf8b4f85f3a794e77")
    );
}

#[tokio::test]
async fn echostr_handshake_plain_and_encrypted() {
    let wechat = Wechat::default();
    let messages = callback(Router::new());
    let (timestamp, nonce) = (now().to_string(), wechat.nonce());
    let signature = plain_signature(TOKEN, &timestamp, &nonce);
    let query = format!(
        "signature={signature}&timestamp={timestamp}&nonce={nonce}&echostr=5837397520665436492"
    );
    let answer = messages
        .handle(AUTHORIZER, CallbackRequest::get(query))
        .await;
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (200, "5837397520665436492")
    );
    assert_eq!(answer.content_type, "text/plain; charset=utf-8");

    let echostr = wechat.crypt.encrypt("echo-plaintext").unwrap();
    let msg_signature = wechat.crypt.sign(&timestamp, &nonce, &echostr);
    let encoded: String = url::form_urlencoded::byte_serialize(echostr.as_bytes()).collect();
    let query = format!(
        "msg_signature={msg_signature}&timestamp={timestamp}&nonce={nonce}&echostr={encoded}"
    );
    let answer = messages
        .handle(AUTHORIZER, CallbackRequest::get(query))
        .await;
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (200, "echo-plaintext")
    );

    let forged = format!("signature=0000&timestamp={timestamp}&nonce={nonce}&echostr=1");
    let answer = messages
        .handle(AUTHORIZER, CallbackRequest::get(forged))
        .await;
    assert_eq!(answer.status, 403);
}

#[tokio::test]
async fn every_reply_type_is_written_right() {
    // (the reply, its MsgType, leaves expected after the header, in order)
    type Case = (Reply, &'static str, Vec<(&'static str, &'static str)>);
    let cases: Vec<Case> = vec![
        (Reply::image("IMG"), "image", vec![("Image/MediaId", "IMG")]),
        (
            Reply::voice("VOICE"),
            "voice",
            vec![("Voice/MediaId", "VOICE")],
        ),
        (
            Reply::video(VideoReply::new("VID").title("T").description("D")),
            "video",
            vec![
                ("Video/MediaId", "VID"),
                ("Video/Title", "T"),
                ("Video/Description", "D"),
            ],
        ),
        (
            Reply::music(
                MusicReply::new("THUMB")
                    .title("Song")
                    .description("Desc")
                    .music_url("http://m")
                    .hq_music_url("http://hq"),
            ),
            "music",
            vec![
                ("Music/Title", "Song"),
                ("Music/Description", "Desc"),
                ("Music/MusicUrl", "http://m"),
                ("Music/HQMusicUrl", "http://hq"),
                ("Music/ThumbMediaId", "THUMB"),
            ],
        ),
        (
            Reply::news(vec![
                Article::new("A1")
                    .description("d1")
                    .pic_url("http://p1")
                    .url("http://u1"),
                Article::new("A2"),
            ]),
            "news",
            vec![
                ("ArticleCount", "2"),
                ("Articles/item/Title", "A1"),
                ("Articles/item/Description", "d1"),
                ("Articles/item/PicUrl", "http://p1"),
                ("Articles/item/Url", "http://u1"),
                ("Articles/item/Title", "A2"),
            ],
        ),
        (
            Reply::transfer_customer_service(),
            "transfer_customer_service",
            vec![],
        ),
        (
            Reply::transfer_to("kf2001@gh_test"),
            "transfer_customer_service",
            vec![("TransInfo/KfAccount", "kf2001@gh_test")],
        ),
    ];
    for (reply, msg_type, expected) in cases {
        let answer = reply.clone();
        let router = Router::new().message("text", move |_, _| {
            let answer = answer.clone();
            async move { Ok(Some(answer)) }
        });
        let xml = encrypted_round_trip(TEXT, router).await;
        assert_eq!(leaf(&xml, "MsgType").as_deref(), Some(msg_type));
        let leaves = leaves(&xml);
        let mut found = leaves.iter().skip(4).map(|(p, t)| (p.as_str(), t.as_str()));
        for (path, text) in &expected {
            assert!(
                found.any(|(p, t)| p == *path && t == *text),
                "{msg_type}: {path} = {text} in {leaves:?}"
            );
        }
        if expected.is_empty() {
            assert_eq!(
                leaves.len(),
                4,
                "a bare transfer has only the header: {leaves:?}"
            );
        }
    }
}

#[tokio::test]
async fn a_cdata_terminator_in_reply_content_survives() {
    let hostile = "a]]><Content>injected</Content><![CDATA[ & ]]]]> 你好 \u{1}";
    let router =
        Router::new().message(
            "text",
            move |_, _| async move { Ok(Some(Reply::text(hostile))) },
        );
    let xml = encrypted_round_trip(TEXT, router).await;
    let leaves = leaves(&xml);
    let contents: Vec<_> = leaves.iter().filter(|(p, _)| p == "Content").collect();
    assert_eq!(contents.len(), 1, "one Content element: {leaves:?}");
    // the forbidden control character becomes U+FFFD, everything else survives
    assert_eq!(contents[0].1, hostile.replace('\u{1}', "\u{FFFD}"));
    assert!(!leaves.iter().any(|(p, _)| p.contains("injected")));
}

/// The error of one request, with its answer's status.
async fn refused(
    messages: &MessageCallback,
    appid: &str,
    request: CallbackRequest,
) -> (Error, u16) {
    let error = messages
        .try_handle(appid, request.clone())
        .await
        .expect_err("refused");
    let answer = messages.handle(appid, request).await;
    assert_eq!(answer.status, status_of(&error));
    assert_eq!(answer.content_type, "text/plain; charset=utf-8");
    (error, answer.status)
}

#[tokio::test]
async fn mix_ups_and_bad_requests_give_clear_typed_errors() {
    let wechat = Wechat::default();
    let messages = callback(describing_router());
    let (timestamp, nonce) = (now().to_string(), wechat.nonce());
    let encrypt = wechat.crypt.encrypt(TEXT).unwrap();
    let body = format!(
        "<xml><ToUserName><![CDATA[gh]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
    );
    let signature = plain_signature(TOKEN, &timestamp, &nonce);
    let msg_signature = wechat.crypt.sign(&timestamp, &nonce, &encrypt);
    let post = |query: String| CallbackRequest::post(query, body.clone());

    // safe mode with only the plain `signature`
    let (error, status) = refused(
        &messages,
        AUTHORIZER,
        post(format!(
            "signature={signature}&timestamp={timestamp}&nonce={nonce}&encrypt_type=aes"
        )),
    )
    .await;
    assert!(
        matches!(error, Error::Callback(Rejection::MsgSignatureMissing)),
        "{error:?}"
    );
    assert_eq!(status, 400);

    // the plain `signature` passed as msg_signature
    let (error, _) = refused(
        &messages,
        AUTHORIZER,
        post(format!(
            "msg_signature={signature}&timestamp={timestamp}&nonce={nonce}&encrypt_type=aes"
        )),
    )
    .await;
    assert!(
        matches!(
            error,
            Error::Callback(Rejection::PlainSignatureAsMsgSignature)
        ),
        "{error:?}"
    );

    // an encrypted body with a plain-mode query
    let (error, _) = refused(
        &messages,
        AUTHORIZER,
        post(format!(
            "signature={signature}&timestamp={timestamp}&nonce={nonce}"
        )),
    )
    .await;
    assert!(
        matches!(error, Error::Callback(Rejection::EncryptedBodyInPlainMode)),
        "{error:?}"
    );

    // a forged msg_signature
    let (error, status) = refused(
        &messages,
        AUTHORIZER,
        post(format!(
            "msg_signature={}&timestamp={timestamp}&nonce={nonce}&encrypt_type=aes",
            "0".repeat(40)
        )),
    )
    .await;
    assert!(matches!(error, Error::InvalidSignature), "{error:?}");
    assert_eq!(status, 403);

    // missing parameters, unknown encrypt_type
    let (error, _) = refused(
        &messages,
        AUTHORIZER,
        post(format!("msg_signature={msg_signature}&nonce={nonce}")),
    )
    .await;
    assert!(
        matches!(
            error,
            Error::Callback(Rejection::MissingParameter("timestamp"))
        ),
        "{error:?}"
    );
    let (error, _) = refused(
        &messages,
        AUTHORIZER,
        post(format!(
            "msg_signature={msg_signature}&timestamp={timestamp}&nonce={nonce}&encrypt_type=des"
        )),
    )
    .await;
    assert!(
        matches!(error, Error::Callback(Rejection::UnsupportedEncryptType)),
        "{error:?}"
    );

    // the `$APPID$` placeholder was not substituted, or is garbage
    for bad in ["$APPID$", "", "wx/../x", &"w".repeat(33)] {
        let (error, _) = refused(&messages, bad, wechat.safe_push(TEXT)).await;
        assert!(
            matches!(error, Error::Callback(Rejection::InvalidAppid)),
            "{bad}: {error:?}"
        );
    }

    // other methods, empty and non-UTF-8 bodies
    let (error, status) = refused(&messages, AUTHORIZER, CallbackRequest::new("PUT", "", "")).await;
    assert!(matches!(
        error,
        Error::Callback(Rejection::MethodNotAllowed)
    ));
    assert_eq!(status, 405);
    let query = wechat.safe_query(&encrypt, &timestamp, &nonce);
    let (error, _) = refused(
        &messages,
        AUTHORIZER,
        CallbackRequest::post(query.clone(), "  "),
    )
    .await;
    assert!(
        matches!(error, Error::Callback(Rejection::EmptyBody)),
        "{error:?}"
    );
    let (error, _) = refused(
        &messages,
        AUTHORIZER,
        CallbackRequest::post(query, vec![0xff, 0xfe, b'<']),
    )
    .await;
    assert!(
        matches!(error, Error::Callback(Rejection::BodyNotUtf8)),
        "{error:?}"
    );

    // a push from too long ago
    let old = (now() - 3600).to_string();
    let (error, status) =
        refused(&messages, AUTHORIZER, wechat.safe_push_at(TEXT, &old, "1")).await;
    assert!(
        matches!(error, Error::TimestampOutOfRange { .. }),
        "{error:?}"
    );
    assert_eq!(status, 403);
}

#[tokio::test]
async fn the_wrong_appid_or_key_is_named() {
    let messages = callback(describing_router());
    // encrypted for the authorizer's appid instead of the component's: the
    // classic confusion of the two
    let for_authorizer = Wechat::new(TOKEN, AES_KEY, AUTHORIZER);
    let (error, status) = refused(&messages, AUTHORIZER, for_authorizer.safe_push(TEXT)).await;
    let Error::ReceiveIdMismatch { expected, actual } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(
        (expected.as_str(), actual.as_str()),
        (COMPONENT_APPID, AUTHORIZER)
    );
    assert_eq!(status, 403);

    // another EncodingAESKey
    let other_key = Wechat::new(
        TOKEN,
        "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
        COMPONENT_APPID,
    );
    let (error, status) = refused(&messages, AUTHORIZER, other_key.safe_push(TEXT)).await;
    assert!(
        matches!(
            error,
            Error::InvalidPadding | Error::InvalidLength(_) | Error::ReceiveIdMismatch { .. }
        ),
        "{error:?}"
    );
    assert!(status == 400 || status == 403);

    // another token
    let other_token = Wechat::new("othertoken", AES_KEY, COMPONENT_APPID);
    let (error, _) = refused(&messages, AUTHORIZER, other_token.safe_push(TEXT)).await;
    assert!(matches!(error, Error::InvalidSignature), "{error:?}");

    // answers never quote the request
    let answer = messages
        .handle(AUTHORIZER, for_authorizer.safe_push(TEXT))
        .await;
    assert!(!answer.body.contains(AUTHORIZER), "{}", answer.body);
}

/// A router counting the messages its handler saw.
fn counting_router(count: Arc<AtomicUsize>) -> Router {
    Router::new().fallback(move |_, _| {
        let count = Arc::clone(&count);
        async move {
            count.fetch_add(1, Ordering::SeqCst);
            Ok(Some(Reply::text("handled")))
        }
    })
}

#[tokio::test]
async fn retries_are_processed_once() {
    let wechat = Wechat::default();
    let count = Arc::new(AtomicUsize::new(0));
    let messages = callback(counting_router(Arc::clone(&count)));

    let first = messages.handle(AUTHORIZER, wechat.safe_push(TEXT)).await;
    assert_eq!(
        leaf(&wechat.open_reply(&first), "Content").as_deref(),
        Some("handled")
    );
    // WeChat's retry of the same message (new nonce, same MsgId)
    let retry = messages.handle(AUTHORIZER, wechat.safe_push(TEXT)).await;
    assert_eq!((retry.status, retry.body.as_str()), (200, "success"));
    assert_eq!(count.load(Ordering::SeqCst), 1);

    // another message is processed; so is the same MsgId sent to another
    // account (another ToUserName, inside the signed message)
    messages
        .handle(
            AUTHORIZER,
            wechat.safe_push(&TEXT.replace("1234567890123456", "99")),
        )
        .await;
    messages
        .handle(
            AUTHORIZER,
            wechat.safe_push(&TEXT.replace("toUser", "gh_other")),
        )
        .await;
    assert_eq!(count.load(Ordering::SeqCst), 3);

    // events: FromUserName + CreateTime (+ event and key)
    messages
        .handle(AUTHORIZER, wechat.safe_push(SUBSCRIBE))
        .await;
    messages
        .handle(AUTHORIZER, wechat.safe_push(SUBSCRIBE))
        .await;
    assert_eq!(count.load(Ordering::SeqCst), 4);
    // a LOCATION report in the same second as the subscribe is another event
    let location = LOCATION_EVENT.replace("fromUser", "FromUser");
    messages
        .handle(AUTHORIZER, wechat.safe_push(&location))
        .await;
    assert_eq!(count.load(Ordering::SeqCst), 5);
}

/// The authorizer appid of the message URL's path is not signed (every
/// authorizer's pushes are signed with the platform's token): a captured
/// push replayed to another authorizer's URL is a repeat, not a new
/// message of that authorizer. The marker is the signed `ToUserName` and
/// `MsgId` (events: `ToUserName`, `FromUserName`, `CreateTime`, ...).
#[tokio::test]
async fn a_push_replayed_to_another_authorizers_url_is_processed_once() {
    let wechat = Wechat::default();
    let count = Arc::new(AtomicUsize::new(0));
    let messages = callback(counting_router(Arc::clone(&count)));
    let first = messages.handle(AUTHORIZER, wechat.safe_push(TEXT)).await;
    assert_eq!(
        leaf(&wechat.open_reply(&first), "Content").as_deref(),
        Some("handled")
    );
    for other in ["wx0000000000000001", "wx0000000000000002"] {
        let replayed = messages.handle(other, wechat.safe_push(TEXT)).await;
        assert_eq!((replayed.status, replayed.body.as_str()), (200, "success"));
    }
    assert_eq!(count.load(Ordering::SeqCst), 1, "a message");

    messages
        .handle(AUTHORIZER, wechat.safe_push(SUBSCRIBE))
        .await;
    let replayed = messages
        .handle("wx0000000000000001", wechat.safe_push(SUBSCRIBE))
        .await;
    assert_eq!((replayed.status, replayed.body.as_str()), (200, "success"));
    assert_eq!(count.load(Ordering::SeqCst), 2, "an event");
}

#[tokio::test(start_paused = true)]
async fn a_slow_handler_is_answered_in_time_and_finishes_in_the_background() {
    let release = Arc::new(Notify::new());
    let finished = Arc::new(AtomicUsize::new(0));
    let router = {
        let (release, finished) = (Arc::clone(&release), Arc::clone(&finished));
        Router::new().message("text", move |_, _| {
            let (release, finished) = (Arc::clone(&release), Arc::clone(&finished));
            async move {
                release.notified().await;
                finished.fetch_add(1, Ordering::SeqCst);
                Ok(Some(Reply::text("too late")))
            }
        })
    };
    let wechat = Wechat::default();
    let messages = callback(router);
    // the handler cannot finish before `release`: the answer comes from the
    // default 4 s deadline (virtual time)
    let answer = messages.handle(AUTHORIZER, wechat.safe_push(TEXT)).await;
    assert_eq!(answer, CallbackResponse::success());
    assert_eq!(finished.load(Ordering::SeqCst), 0);
    release.notify_one();
    messages.wait_background().await;
    assert_eq!(finished.load(Ordering::SeqCst), 1, "the handler went on");
}

#[tokio::test]
async fn failing_and_panicking_handlers_get_no_reply() {
    let wechat = Wechat::default();
    let router = Router::new()
        .message("text", |_, _| async move { Err("handler failed".into()) })
        .message("image", |_, _| async move {
            if true {
                panic!("handler bug");
            }
            Ok(None)
        });
    let messages = callback(router).no_reply(NoReply::Empty);
    let answer = messages.handle(AUTHORIZER, wechat.safe_push(TEXT)).await;
    assert_eq!(answer, CallbackResponse::empty());
    let answer = messages.handle(AUTHORIZER, wechat.safe_push(IMAGE)).await;
    assert_eq!(answer, CallbackResponse::empty());
    // no route at all
    let answer = messages.handle(AUTHORIZER, wechat.safe_push(VOICE)).await;
    assert_eq!(answer, CallbackResponse::empty());
}

#[tokio::test]
async fn routes_match_by_type_event_and_key_first_match_wins() {
    let reply =
        |text: &'static str| move |_: Message, _| async move { Ok(Some(Reply::text(text))) };
    let router = Router::new()
        .event_key("CLICK", "EVENTKEY", reply("click-key"))
        .event("click", reply("click-any"))
        .matching(
            |m: &Message| m.content() == Some("this is a test"),
            reply("predicate"),
        )
        .message("text", reply("text"))
        .message("event", reply("other event"))
        .fallback(reply("fallback"));
    for (xml, expected) in [
        (CLICK.to_owned(), "click-key"),
        (CLICK.replace("[EVENTKEY]", "[OTHER]"), "click-any"),
        (TEXT.to_owned(), "predicate"),
        (TEXT.replace("this is a test", "hi"), "text"),
        (SUBSCRIBE.to_owned(), "other event"),
        (IMAGE.to_owned(), "fallback"),
    ] {
        let xml = encrypted_round_trip(&xml, router.clone()).await;
        assert_eq!(leaf(&xml, "Content").as_deref(), Some(expected));
    }
}

#[tokio::test]
async fn mini_program_json_pushes_get_json_replies() {
    let wechat = Wechat::default();
    let messages = callback(Router::new().message("text", |_, _| async move {
        Ok(Some(Reply::transfer_customer_service()))
    }));
    let text = r#"{"ToUserName":"gh_mp","FromUserName":"oUser","CreateTime":1482048670,"MsgType":"text","Content":"hi","MsgId":42}"#;

    let answer = messages
        .handle(AUTHORIZER, wechat.safe_json_push(text))
        .await;
    assert_eq!(answer.content_type, "application/json; charset=utf-8");
    let envelope: serde_json::Value = serde_json::from_str(&answer.body).expect("JSON envelope");
    let (encrypt, signature) = (
        envelope["Encrypt"].as_str().unwrap(),
        envelope["MsgSignature"].as_str().unwrap(),
    );
    let (timestamp, nonce) = (
        envelope["TimeStamp"].as_str().unwrap(),
        envelope["Nonce"].as_str().unwrap(),
    );
    wechat
        .crypt
        .verify_signature(signature, timestamp, nonce, encrypt)
        .expect("signed");
    let reply: serde_json::Value =
        serde_json::from_str(&wechat.crypt.decrypt(encrypt).unwrap()).unwrap();
    assert_eq!(reply["MsgType"], "transfer_customer_service");
    assert_eq!(
        (reply["ToUserName"].as_str(), reply["FromUserName"].as_str()),
        (Some("oUser"), Some("gh_mp"))
    );

    let plain = text.replace("\"MsgId\":42", "\"MsgId\":43");
    let answer = messages.handle(AUTHORIZER, wechat.plain_push(&plain)).await;
    assert_eq!(answer.content_type, "application/json; charset=utf-8");
    let reply: serde_json::Value = serde_json::from_str(&answer.body).unwrap();
    assert_eq!(reply["MsgType"], "transfer_customer_service");
}
