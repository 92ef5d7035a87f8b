//! `Sandbox::push_to_authorizer`: any message or event pushed to an
//! authorizer at the platform's message URL, encrypted as WeChat does for
//! platforms (safe mode only), and the platform's reply checked and
//! decrypted. Against the library's `CallbackRoutes`/`MessageCallback`
//! served for real; a stand-in receiver checks the wire format on its own
//! and answers a reply whose signature does not verify.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::{RawQuery, State};
use axum::routing::post;
use wechat_api::api::user::InfoRequest;
use wechat_api::callback::{Reply, Router};
use wechat_api::crypto::{MsgCrypt, verify_plain_signature};
use wechat_api::event::Message;
use wechat_api_test_support::platform::{Platform, sandbox_with};
use wechat_sandbox::{
    DEFAULT_MERCHANT_APPID, DEFAULT_OPENID, Merchant, REDACTED, Sandbox, SandboxConfig,
    SandboxError, UserMessage,
};

const OTHER_MERCHANT: &str = "wx00000000b0000002";

/// Replies to a text with the sender's openid as `user/info` answers it
/// (an API call with the authorizer's token), welcomes new followers, and
/// counts the texts handled.
fn router(texts: &Arc<AtomicUsize>) -> Router {
    let texts = Arc::clone(texts);
    Router::new()
        .message("text", move |message: Message, client| {
            let texts = Arc::clone(&texts);
            async move {
                texts.fetch_add(1, Ordering::SeqCst);
                let openid = message.header().from_user_name.clone();
                let user = client.user().info(InfoRequest::new(openid)).await?.user;
                let said = message.content().unwrap_or_default().to_owned();
                Ok(Some(Reply::text(format!("{said} to you, {}", user.openid))))
            }
        })
        .event("subscribe", |_message, _client| async move {
            Ok(Some(Reply::text("welcome")))
        })
}

async fn two_merchants() -> Sandbox {
    sandbox_with(
        SandboxConfig::builder()
            .merchant(Merchant::new(DEFAULT_MERCHANT_APPID, "Sandbox Coffee"))
            .merchant(Merchant::new(OTHER_MERCHANT, "Sandbox Tea")),
    )
    .await
}

#[tokio::test]
async fn texts_and_events_reach_the_platforms_handlers_and_their_replies_come_back_decrypted() {
    let sandbox = two_merchants().await;
    let texts = Arc::new(AtomicUsize::new(0));
    let platform = Platform::start(&sandbox, router(&texts)).await;
    platform.authorize(DEFAULT_MERCHANT_APPID).await;
    let shop = sandbox.config().merchant(DEFAULT_MERCHANT_APPID).unwrap();

    let hi = UserMessage::text(DEFAULT_OPENID, "hi");
    let reply = sandbox
        .push_to_authorizer(DEFAULT_MERCHANT_APPID, &hi)
        .await
        .unwrap();
    assert_eq!(reply.status, 200);
    assert!(reply.encrypted, "a platform's reply is always encrypted");
    assert!(reply.is_reply());
    assert_eq!(
        reply.content(),
        Some(format!("hi to you, {DEFAULT_OPENID}"))
    );
    assert_eq!(reply.field("MsgType").as_deref(), Some("text"));
    assert_eq!(reply.field("ToUserName").as_deref(), Some(DEFAULT_OPENID));
    assert_eq!(
        reply.field("FromUserName").as_deref(),
        Some(shop.user_name.as_str())
    );
    // The handler's API call, made with the authorizer's token.
    let info = sandbox.last_call_to("/cgi-bin/user/info").unwrap();
    assert_eq!(info.query("openid"), Some(DEFAULT_OPENID));
    assert_eq!(info.query("access_token"), Some(REDACTED));
    assert_eq!(info.errcode, Some(0));

    // WeChat's retry of the same MsgId is answered without running the
    // handler again.
    let again = sandbox
        .repeat_push_to_authorizer(DEFAULT_MERCHANT_APPID, &hi, reply.msg_id)
        .await
        .unwrap();
    assert_eq!(again.status, 200);
    assert!(!again.is_reply(), "{again:?}");
    assert_eq!(texts.load(Ordering::SeqCst), 1);

    let follow = UserMessage::event(DEFAULT_OPENID, "subscribe");
    let welcome = sandbox
        .push_to_authorizer(DEFAULT_MERCHANT_APPID, &follow)
        .await
        .unwrap();
    assert!(welcome.encrypted);
    assert_eq!(welcome.content().as_deref(), Some("welcome"));

    // An event no handler takes: answered without a reply.
    let click = UserMessage::click(DEFAULT_OPENID, "MENU_1");
    let none = sandbox
        .push_to_authorizer(DEFAULT_MERCHANT_APPID, &click)
        .await
        .unwrap();
    assert_eq!(none.status, 200);
    assert!(!none.is_reply(), "{none:?}");
}

#[tokio::test]
async fn pushes_need_a_message_url_and_an_authorizer() {
    let sandbox = two_merchants().await;
    let hi = UserMessage::text(DEFAULT_OPENID, "hi");
    let e = sandbox
        .push_to_authorizer(DEFAULT_MERCHANT_APPID, &hi)
        .await
        .unwrap_err();
    assert!(matches!(e, SandboxError::NoMessageUrl), "{e:?}");

    let texts = Arc::new(AtomicUsize::new(0));
    let platform = Platform::start(&sandbox, router(&texts)).await;
    let e = sandbox
        .push_to_authorizer(DEFAULT_MERCHANT_APPID, &hi)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, SandboxError::NotAuthorized(appid) if appid == DEFAULT_MERCHANT_APPID),
        "{e:?}"
    );
    assert!(e.to_string().contains("has not authorized"), "{e}");

    platform.authorize(DEFAULT_MERCHANT_APPID).await;
    let e = sandbox
        .push_to_authorizer(OTHER_MERCHANT, &hi)
        .await
        .unwrap_err();
    assert!(matches!(e, SandboxError::NotAuthorized(_)), "{e:?}");
    sandbox
        .push_to_authorizer(DEFAULT_MERCHANT_APPID, &hi)
        .await
        .unwrap();

    sandbox.unauthorize(DEFAULT_MERCHANT_APPID).await.unwrap();
    let e = sandbox
        .push_to_authorizer(DEFAULT_MERCHANT_APPID, &hi)
        .await
        .unwrap_err();
    assert!(matches!(e, SandboxError::NotAuthorized(_)), "{e:?}");
    assert_eq!(texts.load(Ordering::SeqCst), 1);
}

/// What the stand-in receiver got, and the body it answers.
#[derive(Clone)]
struct Receiver {
    got: Arc<Mutex<Vec<(String, String)>>>,
    answer: String,
}

async fn receive(
    State(receiver): State<Receiver>,
    RawQuery(query): RawQuery,
    body: String,
) -> String {
    receiver
        .got
        .lock()
        .unwrap()
        .push((query.unwrap_or_default(), body));
    receiver.answer.clone()
}

#[tokio::test]
async fn the_push_is_sealed_as_wechat_does_and_a_forged_reply_is_refused() {
    let sandbox = two_merchants().await;
    let platform = Platform::start(&sandbox, Router::new()).await;
    platform.authorize(DEFAULT_MERCHANT_APPID).await;
    let config = sandbox.config();
    let crypt = MsgCrypt::new(
        config.component_token(),
        config.component_aes_key(),
        config.component_appid(),
    )
    .unwrap();

    // A stand-in platform: its reply is encrypted right, signed wrong.
    let encrypt = crypt
        .encrypt("<xml><Content>forged</Content></xml>")
        .unwrap();
    let answer = format!(
        "<xml><Encrypt><![CDATA[{encrypt}]]></Encrypt><MsgSignature><![CDATA[{}]]></MsgSignature><TimeStamp>1700000000</TimeStamp><Nonce><![CDATA[1]]></Nonce></xml>",
        "0".repeat(40)
    );
    let receiver = Receiver {
        got: Arc::default(),
        answer,
    };
    let app = axum::Router::new()
        .route("/{appid}/callback", post(receive))
        .with_state(receiver.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    sandbox
        .set_message_url(format!("http://{addr}/$APPID$/callback"))
        .unwrap();

    let hi = UserMessage::text(DEFAULT_OPENID, "hi ]]> there");
    let e = sandbox
        .push_to_authorizer(DEFAULT_MERCHANT_APPID, &hi)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, SandboxError::Push(m) if m.contains("does not open")),
        "{e:?}"
    );

    // Checked with the component's crypto directly, not the callback layer.
    let got = receiver.got.lock().unwrap().clone();
    assert_eq!(got.len(), 1);
    let (query, body) = &got[0];
    let params: std::collections::HashMap<String, String> =
        url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
    assert_eq!(params["encrypt_type"], "aes");
    assert_eq!(params["openid"], DEFAULT_OPENID);
    verify_plain_signature(
        config.component_token(),
        &params["signature"],
        &params["timestamp"],
        &params["nonce"],
    )
    .unwrap();
    let shop = config.merchant(DEFAULT_MERCHANT_APPID).unwrap();
    assert!(
        body.contains(&format!("<ToUserName><![CDATA[{}]]>", shop.user_name)),
        "{body}"
    );
    assert!(
        !body.contains("<Content>") && !body.contains("<MsgType>"),
        "safe mode: no plaintext beside Encrypt: {body}"
    );
    let sealed = body
        .split("<Encrypt><![CDATA[")
        .nth(1)
        .and_then(|rest| rest.split("]]>").next())
        .unwrap();
    let plaintext = crypt
        .decrypt_verified(
            &params["msg_signature"],
            &params["timestamp"],
            &params["nonce"],
            sealed,
        )
        .unwrap();
    let message = Message::from_xml(&plaintext).unwrap();
    assert_eq!(message.content(), Some("hi ]]> there"));
    assert_eq!(message.header().from_user_name, DEFAULT_OPENID);
    assert_eq!(message.header().to_user_name, shop.user_name);
    assert!(message.msg_id().is_some());
}
