//! The full-network release test, against wiremock standing in for WeChat's
//! API: for each of the ten test accounts (five groups, official account
//! and mini program) the passive text reply, the `QUERY_AUTH_CODE` flow
//! (an empty answer first, then `api_query_auth` and the customer-service
//! message `<code>_from_api` with the authorizer token just obtained), and
//! the legacy event reply.

use wechat_api_test_support::callback as support;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use support::*;
use wechat_api::Client;
use wechat_api::callback::release_test::{AccountKind, TEST_ACCOUNTS, test_account};
use wechat_api::callback::{CallbackResponse, MessageCallback, Reply, Router};
use wechat_api::token::{MemoryStore, TokenKey};
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const COMPONENT_TOKEN: &str = "CTOKEN";
const USER: &str = "ozy4qt1eDxSxzCr0aNT0mXCWfrDE";

fn text_to(account_user: &str, content: &str, msg_id: u64) -> String {
    format!(
        "<xml><ToUserName><![CDATA[{account_user}]]></ToUserName><FromUserName><![CDATA[{USER}]]></FromUserName>\
         <CreateTime>{}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{content}]]></Content>\
         <MsgId>{msg_id}</MsgId></xml>",
        now()
    )
}

fn code_for(appid: &str) -> String {
    format!("queryauthcode@@@EI_{appid}_code")
}

fn authorizer_token(appid: &str) -> String {
    format!("AUTHORIZER_TOKEN_{appid}")
}

/// Answers `api_query_auth` for the code's appid, recording the body it got
/// and whether the message's HTTP answer had already been produced when it
/// was called.
struct QueryAuth {
    answered: Arc<AtomicBool>,
    calls: Arc<Mutex<Vec<(bool, Value)>>>,
}

impl Respond for QueryAuth {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&request.body).unwrap_or_default();
        self.calls
            .lock()
            .unwrap()
            .push((self.answered.load(Ordering::SeqCst), body.clone()));
        let code = body["authorization_code"].as_str().unwrap_or_default();
        let appid = code
            .strip_prefix("queryauthcode@@@EI_")
            .and_then(|rest| rest.strip_suffix("_code"))
            .unwrap_or_default();
        ResponseTemplate::new(200).set_body_json(json!({
            "authorization_info": {
                "authorizer_appid": appid,
                "authorizer_access_token": authorizer_token(appid),
                "expires_in": 7200,
                "authorizer_refresh_token": format!("refreshtoken@@@{appid}"),
                "func_info": [{"funcscope_category": {"id": 1}}]
            }
        }))
    }
}

async fn platform(server: &MockServer) -> Client {
    let client = client_with(Arc::new(MemoryStore::new()), Some(&server.uri()));
    client
        .tokens()
        .set(
            &TokenKey::component_access_token(COMPONENT_APPID),
            COMPONENT_TOKEN,
            Some(Duration::from_secs(3600)),
        )
        .await
        .unwrap();
    client
}

/// A router that must not see the test messages.
fn router_counting(count: &Arc<AtomicUsize>) -> Router {
    let count = Arc::clone(count);
    Router::new().fallback(move |_, _| {
        let count = Arc::clone(&count);
        async move {
            count.fetch_add(1, Ordering::SeqCst);
            Ok(Some(Reply::text("router")))
        }
    })
}

#[test]
fn the_ten_accounts_are_known_by_appid_and_user_name() {
    assert_eq!(TEST_ACCOUNTS.len(), 10);
    for group in 1..=5 {
        let kinds: Vec<_> = TEST_ACCOUNTS
            .iter()
            .filter(|a| a.group == group)
            .map(|a| a.kind)
            .collect();
        assert_eq!(
            kinds,
            [AccountKind::OfficialAccount, AccountKind::MiniProgram]
        );
    }
    for account in &TEST_ACCOUNTS {
        assert_eq!(test_account(account.appid), Some(account));
        assert_eq!(test_account(account.user_name), Some(account));
    }
    assert_eq!(test_account("gh_c0f28a78b318").map(|a| a.group), Some(2));
    assert_eq!(test_account(AUTHORIZER), None);
}

#[tokio::test]
async fn the_passive_text_reply_for_every_test_account() {
    let server = MockServer::start().await;
    let routed = Arc::new(AtomicUsize::new(0));
    let messages = MessageCallback::new(platform(&server).await, router_counting(&routed))
        .unwrap()
        .release_test(true);
    let wechat = Wechat::default();
    for (i, account) in TEST_ACCOUNTS.iter().enumerate() {
        let push = text_to(
            account.user_name,
            "TESTCOMPONENT_MSG_TYPE_TEXT",
            100 + i as u64,
        );
        let reply = wechat.open_reply(
            &messages
                .handle(account.appid, wechat.safe_push(&push))
                .await,
        );
        assert_eq!(leaf(&reply, "MsgType").as_deref(), Some("text"));
        assert_eq!(
            leaf(&reply, "Content").as_deref(),
            Some("TESTCOMPONENT_MSG_TYPE_TEXT_callback")
        );
        assert_eq!(leaf(&reply, "ToUserName").as_deref(), Some(USER));
        assert_eq!(
            leaf(&reply, "FromUserName").as_deref(),
            Some(account.user_name)
        );
    }
    assert_eq!(routed.load(Ordering::SeqCst), 0);
    assert!(
        server
            .received_requests()
            .await
            .unwrap_or_default()
            .is_empty()
    );
}

// The default test runtime is single-threaded: the API work spawned by the
// responder cannot run before this test yields, so `answered` is set before
// WeChat's API can be called, unless the answer itself waited for the calls.
#[tokio::test]
async fn query_auth_code_gets_an_empty_answer_then_the_api_reply_for_every_test_account() {
    let server = MockServer::start().await;
    let answered = Arc::new(AtomicBool::new(false));
    let calls = Arc::new(Mutex::new(Vec::new()));
    Mock::given(method("POST"))
        .and(path("/cgi-bin/component/api_query_auth"))
        .and(query_param("component_access_token", COMPONENT_TOKEN))
        .respond_with(QueryAuth {
            answered: Arc::clone(&answered),
            calls: Arc::clone(&calls),
        })
        .expect(10)
        .mount(&server)
        .await;
    for account in &TEST_ACCOUNTS {
        let code = code_for(account.appid);
        Mock::given(method("POST"))
            .and(path("/cgi-bin/message/custom/send"))
            .and(query_param("access_token", authorizer_token(account.appid)))
            .and(body_json(json!({
                "touser": USER,
                "msgtype": "text",
                "text": {"content": format!("{code}_from_api")}
            })))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(json!({"errcode": 0, "errmsg": "ok"})),
            )
            .expect(1)
            .named(format!("custom_send for {}", account.appid))
            .mount(&server)
            .await;
    }
    let routed = Arc::new(AtomicUsize::new(0));
    let platform = platform(&server).await;
    let messages = MessageCallback::new(platform.clone(), router_counting(&routed))
        .unwrap()
        .release_test(true);
    let wechat = Wechat::default();

    for (i, account) in TEST_ACCOUNTS.iter().enumerate() {
        answered.store(false, Ordering::SeqCst);
        let content = format!("QUERY_AUTH_CODE:{}", code_for(account.appid));
        let push = wechat.safe_push(&text_to(account.user_name, &content, 200 + i as u64));
        let answer = messages.handle(account.appid, push.clone()).await;
        answered.store(true, Ordering::SeqCst);
        assert_eq!(answer, CallbackResponse::empty(), "{}", account.appid);
        messages.wait_background().await;
        // WeChat's retry of the same message does not spend the code again
        let retry = messages.handle(account.appid, push).await;
        assert_eq!(retry.status, 200);
        messages.wait_background().await;
    }
    let calls = calls.lock().unwrap().clone();
    let expected: Vec<(bool, Value)> = TEST_ACCOUNTS
        .iter()
        .map(|a| {
            let body = json!({"component_appid": COMPONENT_APPID, "authorization_code": code_for(a.appid)});
            (true, body)
        })
        .collect();
    assert_eq!(calls, expected, "called after the answer, with the code");
    assert_eq!(routed.load(Ordering::SeqCst), 0);

    // the order: query_auth, then custom_send with its token
    let requests = server.received_requests().await.unwrap();
    let paths: Vec<&str> = requests.iter().map(|r| r.url.path()).collect();
    assert_eq!(
        paths,
        [
            "/cgi-bin/component/api_query_auth",
            "/cgi-bin/message/custom/send"
        ]
        .repeat(10)
    );
    // query_auth's hook stored the authorizers' refresh tokens
    for account in &TEST_ACCOUNTS {
        let stored = platform
            .tokens()
            .refresh_token(COMPONENT_APPID, account.appid)
            .await
            .unwrap();
        assert_eq!(stored, format!("refreshtoken@@@{}", account.appid));
    }
}

#[tokio::test]
async fn the_legacy_event_test_and_other_accounts() {
    let server = MockServer::start().await;
    let routed = Arc::new(AtomicUsize::new(0));
    let messages = MessageCallback::new(platform(&server).await, router_counting(&routed))
        .unwrap()
        .release_test(true);
    let wechat = Wechat::default();
    for account in &TEST_ACCOUNTS {
        let event = LOCATION_EVENT.replace("toUser", account.user_name);
        let reply = wechat.open_reply(
            &messages
                .handle(account.appid, wechat.safe_push(&event))
                .await,
        );
        assert_eq!(
            leaf(&reply, "Content").as_deref(),
            Some("LOCATIONfrom_callback")
        );
        assert_eq!(
            leaf(&reply, "FromUserName").as_deref(),
            Some(account.user_name)
        );
    }
    assert_eq!(routed.load(Ordering::SeqCst), 0);

    // a test account is recognized by its user name too (any path appid)
    let push = text_to("gh_3c884a361561", "TESTCOMPONENT_MSG_TYPE_TEXT", 301);
    let reply = wechat.open_reply(&messages.handle(AUTHORIZER, wechat.safe_push(&push)).await);
    assert_eq!(
        leaf(&reply, "Content").as_deref(),
        Some("TESTCOMPONENT_MSG_TYPE_TEXT_callback")
    );

    // other accounts, and other texts to test accounts, go to the router
    let push = text_to("gh_ordinary", "TESTCOMPONENT_MSG_TYPE_TEXT", 302);
    let reply = wechat.open_reply(&messages.handle(AUTHORIZER, wechat.safe_push(&push)).await);
    assert_eq!(leaf(&reply, "Content").as_deref(), Some("router"));
    let push = text_to("gh_3c884a361561", "hello", 303);
    messages
        .handle("wx570bc396a51b8ff8", wechat.safe_push(&push))
        .await;
    assert_eq!(routed.load(Ordering::SeqCst), 2);

    // off by default
    let plain = MessageCallback::new(platform(&server).await, router_counting(&routed)).unwrap();
    let push = text_to("gh_3c884a361561", "TESTCOMPONENT_MSG_TYPE_TEXT", 304);
    let reply = wechat.open_reply(
        &plain
            .handle("wx570bc396a51b8ff8", wechat.safe_push(&push))
            .await,
    );
    assert_eq!(leaf(&reply, "Content").as_deref(), Some("router"));
}
