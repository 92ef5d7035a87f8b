//! The call log as a user's test reads it: a real client's calls recorded
//! with method, path, query and a body that reads as the library's request
//! type or a struct of the test's own; faulty and refused answers with
//! their errcode; uploads noted, not kept; tokens and secrets never in the
//! log or its `Debug`; the oldest calls dropped past the cap.

use std::sync::Arc;

use serde::Deserialize;
use serde_json::json;
use wechat_api::Client;
use wechat_api::api::media::{MediaType, UploadRequest};
use wechat_api::api::message::{CustomMessage, CustomSendRequest};
use wechat_api::api::user::InfoRequest;
use wechat_api::media::Upload;
use wechat_api::token::MemoryStore;
use wechat_sandbox::{
    CALL_LOG_CAPACITY, CallBody, DEFAULT_OFFICIAL_APPID, DEFAULT_OPENID, Fault, REDACTED, Sandbox,
    SandboxConfig, SandboxConfigBuilder, SandboxError,
};

const TOKEN: &str = "/cgi-bin/stable_token";
const USER_INFO: &str = "/cgi-bin/user/info";
const CUSTOM_SEND: &str = "/cgi-bin/message/custom/send";

async fn sandbox(config: SandboxConfigBuilder) -> Sandbox {
    Sandbox::start(config.push_interval(None).build().unwrap())
        .await
        .unwrap()
}

fn client(sandbox: &Sandbox) -> Client {
    sandbox
        .client_builder()
        .unwrap()
        .token_store(Arc::new(MemoryStore::new()))
        .build()
        .unwrap()
}

/// A customer-service text as a test of the user's own would read it.
#[derive(Debug, Deserialize, PartialEq)]
struct SentText {
    touser: String,
    msgtype: String,
    text: Content,
}

#[derive(Debug, Deserialize, PartialEq)]
struct Content {
    content: String,
}

#[tokio::test]
async fn a_clients_calls_are_logged_with_method_path_query_and_typed_body() {
    let sandbox = sandbox(SandboxConfig::builder()).await;
    let client = client(&sandbox);
    let user = client
        .user()
        .info(InfoRequest::new(DEFAULT_OPENID))
        .await
        .unwrap();
    assert_eq!(user.user.openid, DEFAULT_OPENID);
    client
        .message()
        .custom_send(CustomSendRequest::new(
            DEFAULT_OPENID,
            CustomMessage::text("your order has shipped"),
        ))
        .await
        .unwrap();

    let calls = sandbox.calls();
    let paths: Vec<(&str, &str)> = calls
        .iter()
        .map(|c| (c.method.as_str(), c.path.as_str()))
        .collect();
    assert_eq!(
        paths,
        [("POST", TOKEN), ("GET", USER_INFO), ("POST", CUSTOM_SEND)]
    );
    assert!(calls.iter().all(|c| c.status == 200 && c.succeeded()));
    assert!(calls.windows(2).all(|w| w[0].at <= w[1].at));

    // The token request: the appid as sent, the AppSecret redacted.
    let token = &calls[0];
    assert_eq!(token.errcode, Some(0));
    let body = token.json().unwrap();
    assert_eq!(body["appid"], json!(DEFAULT_OFFICIAL_APPID));
    assert_eq!(body["grant_type"], json!("client_credential"));
    assert_eq!(body["secret"], json!(REDACTED));

    // user/info: a GET, its parameters in the query, the token redacted.
    let info = sandbox.last_call_to(USER_INFO).unwrap();
    assert_eq!(info.query("openid"), Some(DEFAULT_OPENID));
    assert_eq!(info.query("access_token"), Some(REDACTED));
    assert_eq!(info.body, CallBody::Empty);

    // custom/send: the body, typed two ways.
    let sent = sandbox.calls_to(CUSTOM_SEND);
    assert_eq!(sent.len(), 1);
    let mine: SentText = sent[0].body().unwrap();
    assert_eq!(
        mine,
        SentText {
            touser: DEFAULT_OPENID.into(),
            msgtype: "text".into(),
            text: Content {
                content: "your order has shipped".into()
            },
        }
    );
    // The library's own body type reads it too (the message beside `touser`).
    let message: CustomMessage = sent[0].body().unwrap();
    assert_eq!(message, CustomMessage::text("your order has shipped"));
    // A body that is not what the test expects says so.
    #[derive(Debug, Deserialize)]
    struct Lookup {
        #[allow(dead_code)]
        openid: String,
    }
    let e = sent[0].body::<Lookup>().unwrap_err();
    assert!(matches!(e, SandboxError::CallBody(_)), "{e:?}");
    assert!(e.to_string().contains(CUSTOM_SEND), "{e}");

    // Neither the token nor the AppSecret shows anywhere.
    let access_token = client.access_token().await.unwrap();
    let shown = format!("{calls:?}");
    assert!(!shown.contains(access_token.as_str()), "the token leaked");
    assert!(!shown.contains(sandbox.config().official_secret()));
    assert!(shown.contains(REDACTED));

    sandbox.clear_calls();
    assert!(sandbox.calls().is_empty());
    assert_eq!(sandbox.request_count(USER_INFO), 1, "counters are apart");
}

#[tokio::test]
async fn faulty_and_refused_answers_are_logged_with_their_errcode() {
    let sandbox = sandbox(SandboxConfig::builder()).await;
    let client = client(&sandbox);
    client.access_token().await.unwrap();
    sandbox.inject(Fault::errcode(45009).on(CUSTOM_SEND));
    sandbox.inject(Fault::status(502).on(USER_INFO));
    let send = CustomSendRequest::new(DEFAULT_OPENID, CustomMessage::text("hi"));
    client.message().custom_send(send).await.unwrap_err();
    client
        .user()
        .info(InfoRequest::new(DEFAULT_OPENID))
        .await
        .unwrap_err();

    let faulty = sandbox.last_call_to(CUSTOM_SEND).unwrap();
    assert_eq!((faulty.status, faulty.errcode), (200, Some(45009)));
    assert!(!faulty.succeeded());
    // The body is recorded even though the fault answered before the endpoint.
    assert_eq!(faulty.body::<SentText>().unwrap().text.content, "hi");
    let failed = sandbox.last_call_to(USER_INFO).unwrap();
    assert_eq!((failed.status, failed.errcode), (502, None));
    assert!(!failed.succeeded());

    // A token WeChat never issued: refused by the endpoint's checks.
    let url = sandbox
        .base_url()
        .join("cgi-bin/user/info?access_token=forged&openid=x")
        .unwrap();
    let answer = reqwest::get(url).await.unwrap();
    assert_eq!(answer.status(), 200);
    let refused = sandbox.last_call_to(USER_INFO).unwrap();
    assert_eq!(refused.errcode, Some(40001));
    assert_eq!(refused.query("access_token"), Some(REDACTED));
    assert!(!format!("{refused:?}").contains("forged"));
}

#[tokio::test]
async fn an_upload_is_noted_with_its_size_and_not_kept() {
    let sandbox = sandbox(SandboxConfig::builder()).await;
    let client = client(&sandbox);
    let image = vec![0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4];
    client
        .media()
        .upload(UploadRequest::new(
            MediaType::Image,
            Upload::from_bytes("photo.jpg", image.clone()),
        ))
        .await
        .unwrap();
    let upload = sandbox.last_call_to("/cgi-bin/media/upload").unwrap();
    assert_eq!(upload.method, "POST");
    assert_eq!(upload.query("type"), Some("image"));
    assert_eq!(upload.errcode, Some(0));
    match upload.body {
        CallBody::Multipart { len } => assert!(len > image.len(), "{len}"),
        ref other => panic!("{other:?}"),
    }
    let e = upload.body::<serde_json::Value>().unwrap_err().to_string();
    assert!(e.contains("multipart") && e.contains("not JSON"), "{e}");
}

#[tokio::test]
async fn the_log_keeps_the_last_calls_up_to_its_cap() {
    assert_eq!(CALL_LOG_CAPACITY, 1000);
    let sandbox = sandbox(SandboxConfig::builder().call_log_capacity(3)).await;
    let http = reqwest::Client::new();
    for n in 0..5 {
        let url = sandbox
            .base_url()
            .join(&format!("cgi-bin/user/info?openid=o{n}"))
            .unwrap();
        http.get(url).send().await.unwrap();
    }
    let kept: Vec<String> = sandbox
        .calls()
        .iter()
        .map(|c| c.query("openid").unwrap_or_default().to_owned())
        .collect();
    assert_eq!(kept, ["o2", "o3", "o4"], "the oldest are dropped");
    // Missing token: refused 41001, still recorded.
    assert!(sandbox.calls().iter().all(|c| c.errcode == Some(41001)));
    assert_eq!(sandbox.request_count(USER_INFO), 5);

    let off = sandbox_with_log_off().await;
    let url = off.base_url().join("cgi-bin/user/info").unwrap();
    http.get(url).send().await.unwrap();
    assert!(off.calls().is_empty());
    assert_eq!(off.request_count(USER_INFO), 1);
}

async fn sandbox_with_log_off() -> Sandbox {
    sandbox(SandboxConfig::builder().call_log_capacity(0)).await
}

#[tokio::test]
async fn wechat_pay_calls_stay_in_their_own_log() {
    let sandbox = sandbox(SandboxConfig::builder()).await;
    let url = sandbox.base_url().join("v3/certificates").unwrap();
    let answer = reqwest::get(url).await.unwrap();
    assert!(answer.status().is_client_error(), "unsigned: refused");
    assert!(sandbox.calls().is_empty());
    let pay_calls = sandbox.pay().calls().unwrap();
    assert_eq!(pay_calls.len(), 1);
    assert_eq!(pay_calls[0].path, "/v3/certificates");
}
