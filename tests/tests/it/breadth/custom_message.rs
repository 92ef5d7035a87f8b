//! Customer-service messages end to end, through the real client: an
//! official account's text and news messages and a mini program's text
//! message (the two share `message/custom/send`), each seen by the sandbox
//! with the authorizer's own token; bad messages refused with WeChat's
//! errcodes; an image message naming media the account uploaded.

use wechat_api_test_support::platform;
use wechat_api_test_support::platform as sandbox_flow;

use platform::Platform;
use serde_json::json;
use wechat_api::api::media::{MediaType, UploadRequest};
use wechat_api::api::message::{
    CustomMessage, CustomNewsArticle, CustomNewsContent, CustomSendRequest, MediaIdContent,
    TextContent,
};
use wechat_api::api::{message, wxa};
use wechat_api::callback::Router;
use wechat_api::media::Upload;
use wechat_sandbox::release_test::AccountKind;
use wechat_sandbox::{DEFAULT_MERCHANT_APPID, Merchant, SandboxConfig, SentMessage, errcode};

const MINI_PROGRAM: &str = "wx00000000d0000002";
const USER: &str = "oUserOfTheShop00000000000001";

fn last(messages: &[SentMessage]) -> &SentMessage {
    messages.last().expect("a message was recorded")
}

#[tokio::test]
async fn text_and_news_messages_reach_wechat_with_the_authorizers_token() {
    let sandbox = sandbox_flow::sandbox_with(
        SandboxConfig::builder()
            .merchant(Merchant::new(DEFAULT_MERCHANT_APPID, "Sandbox Coffee"))
            .merchant(Merchant::new(MINI_PROGRAM, "Sandbox Tea").kind(AccountKind::MiniProgram)),
    )
    .await;
    let platform = Platform::start(&sandbox, Router::new()).await;
    let shop = platform.authorize(DEFAULT_MERCHANT_APPID).await;
    let mini = platform.authorize(MINI_PROGRAM).await;
    let shop_token = shop.access_token().await.unwrap();

    shop.message()
        .custom_send(CustomSendRequest::new(
            USER,
            CustomMessage::Text(TextContent::new("Your coffee is ready")),
        ))
        .await
        .unwrap();
    let sent = sandbox.custom_messages();
    assert_eq!(sent.len(), 1);
    let text = last(&sent);
    assert_eq!(text.appid.as_deref(), Some(DEFAULT_MERCHANT_APPID));
    assert_eq!(text.access_token, shop_token);
    assert_ne!(
        text.access_token,
        platform.client().access_token().await.unwrap(),
        "not the platform's own account token"
    );
    assert_eq!(
        (text.touser.as_str(), text.msgtype.as_str()),
        (USER, "text")
    );
    assert_eq!(text.text(), Some("Your coffee is ready"));

    let article = CustomNewsArticle::new(
        "New beans",
        "https://www.example.com/beans",
        "https://www.example.com/beans.jpg",
    )
    .description("Single origin, this week only");
    shop.message()
        .custom_send(CustomSendRequest::new(
            USER,
            CustomMessage::News(CustomNewsContent::new(vec![article])),
        ))
        .await
        .unwrap();
    let sent = sandbox.custom_messages();
    let news = last(&sent);
    assert_eq!(news.access_token, shop_token);
    assert_eq!(news.msgtype, "news");
    assert_eq!(
        news.content(),
        Some(&json!({"articles": [{
            "title": "New beans",
            "description": "Single origin, this week only",
            "url": "https://www.example.com/beans",
            "picurl": "https://www.example.com/beans.jpg",
        }]}))
    );
    assert_eq!(sandbox.endpoint_count(&message::endpoints::CUSTOM_SEND), 2);

    // The mini program's message goes to the mini-program endpoint of the
    // same path, with its own token.
    mini.wxa()
        .custom_send(wxa::CustomSendRequest::new(
            USER,
            wxa::WxaCustomMessage::Text(wxa::WxaTextContent::new("Your tea is ready")),
        ))
        .await
        .unwrap();
    let sent = sandbox.custom_messages();
    let from_mini = last(&sent);
    assert_eq!(from_mini.appid.as_deref(), Some(MINI_PROGRAM));
    assert_eq!(from_mini.access_token, mini.access_token().await.unwrap());
    assert_eq!(from_mini.text(), Some("Your tea is ready"));
    assert_eq!(sandbox.endpoint_count(&wxa::endpoints::CUSTOM_SEND), 1);
    assert_eq!(sandbox.endpoint_count(&message::endpoints::CUSTOM_SEND), 2);
}

#[tokio::test]
async fn bad_messages_are_refused_and_images_need_the_accounts_media() {
    let sandbox = sandbox_flow::sandbox_with(SandboxConfig::builder()).await;
    let platform = Platform::start(&sandbox, Router::new()).await;
    let shop = platform.authorize(DEFAULT_MERCHANT_APPID).await;
    let send = |message: CustomMessage| {
        let shop = shop.clone();
        async move {
            shop.message()
                .custom_send(CustomSendRequest::new(USER, message))
                .await
        }
    };
    let e = send(CustomMessage::Text(TextContent::new("")))
        .await
        .unwrap_err();
    assert_eq!(e.api_code(), Some(errcode::DATA_FORMAT), "{e}");
    let e = send(CustomMessage::News(CustomNewsContent::new(vec![])))
        .await
        .unwrap_err();
    assert_eq!(e.api_code(), Some(errcode::DATA_FORMAT), "{e}");
    let e = send(CustomMessage::Image(MediaIdContent::new("never-uploaded")))
        .await
        .unwrap_err();
    assert_eq!(e.api_code(), Some(errcode::INVALID_MEDIA_ID), "{e}");
    assert!(
        sandbox.custom_messages().is_empty(),
        "nothing refused is recorded"
    );

    let uploaded = shop
        .media()
        .upload(UploadRequest::new(
            MediaType::Image,
            Upload::from_bytes("latte.png", b"\x89PNG\r\n\x1a\nlatte".to_vec()),
        ))
        .await
        .unwrap();
    let media_id = uploaded.media_id.expect("an image's media_id");
    send(CustomMessage::Image(MediaIdContent::new(media_id.as_str())))
        .await
        .unwrap();
    let sent = sandbox.custom_messages();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].msgtype, "image");
    assert_eq!(sent[0].content(), Some(&json!({"media_id": media_id})));
}
