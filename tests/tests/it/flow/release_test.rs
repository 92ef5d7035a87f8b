//! The full-network release test, end to end over HTTP: the sandbox plays
//! WeChat's test messages for every test account (five groups, official
//! account and mini program) against the example callback server (the
//! library's `CallbackRoutes` with the release-test responder, served by
//! `wechat_api::server::serve`), and every check passes; platforms that
//! answer wrongly fail the checks they should.

use std::future::IntoFuture as _;
use std::sync::Arc;
use std::time::Duration;

use wechat_api::Client;
use wechat_api::api::component::QueryAuthRequest;
use wechat_api::callback::{self, ComponentCallback, MessageCallback, NoReply, Reply};
use wechat_api::server::{CallbackRoutes, ServeOptions, serve};
use wechat_api::token::MemoryStore;
use wechat_api_test_support::flow::{Flow, StoreChoice};
use wechat_sandbox::release_test::{
    AccountKind, Check, Outcome, TEST_ACCOUNTS, TestAccount, test_account,
};
use wechat_sandbox::{ReleaseTest, Sandbox, SandboxConfig};

fn config() -> SandboxConfig {
    SandboxConfig::builder()
        .push_interval(None)
        .build()
        .unwrap()
}

fn checks_of(kind: AccountKind) -> Vec<Check> {
    match kind {
        AccountKind::OfficialAccount => vec![
            Check::TicketPush,
            Check::PassiveReply,
            Check::EmptyAnswer,
            Check::QueryAuth,
            Check::CustomSend,
        ],
        AccountKind::MiniProgram => vec![
            Check::TicketPush,
            Check::EmptyAnswer,
            Check::QueryAuth,
            Check::CustomSend,
        ],
    }
}

#[tokio::test]
async fn every_group_passes_the_release_test_against_the_example_server() {
    let mut flow = Flow::start(config(), StoreChoice::Memory).await.unwrap();
    flow.start_server().await.unwrap();
    let component_appid = flow.sandbox.config().component_appid().to_owned();
    for account in &TEST_ACCOUNTS {
        let before = flow.sandbox.request_count("/cgi-bin/message/custom/send");
        let report = flow
            .release_test(account)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(report.passed(), "{report}");
        assert_eq!(report.account, *account);
        let run: Vec<Check> = report.checks.iter().map(|c| c.check).collect();
        assert_eq!(run, checks_of(account.kind), "{report}");
        assert_eq!(
            flow.sandbox.request_count("/cgi-bin/message/custom/send"),
            before + 1,
            "one customer-service message per run"
        );
        // query_auth stored the test account's refresh token.
        flow.client()
            .unwrap()
            .tokens()
            .refresh_token(&component_appid, account.appid)
            .await
            .unwrap();
    }
    flow.finish().await;
}

#[test]
fn the_sdk_knows_the_same_test_accounts_as_the_sandbox() {
    use wechat_api::callback::release_test as sdk;
    assert_eq!(sdk::TEST_ACCOUNTS.len(), TEST_ACCOUNTS.len());
    for account in &TEST_ACCOUNTS {
        let by_appid = sdk::test_account(account.appid).expect("the SDK knows the appid");
        assert_eq!(by_appid.user_name, account.user_name);
        assert_eq!(by_appid.group, account.group);
        let kind = match by_appid.kind {
            sdk::AccountKind::OfficialAccount => AccountKind::OfficialAccount,
            sdk::AccountKind::MiniProgram => AccountKind::MiniProgram,
            _ => panic!("unexpected kind"),
        };
        assert_eq!(kind, account.kind);
        assert_eq!(
            sdk::test_account(account.user_name).map(|a| a.appid),
            Some(account.appid)
        );
    }
}

/// A platform served with the library's routes and `serve`, with the
/// message router and options given; the sandbox pushes to it.
struct Platform {
    routes: CallbackRoutes,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Platform {
    async fn start(sandbox: &Sandbox, messages: callback::Router, no_reply: NoReply) -> Self {
        let client = sandbox
            .client_builder()
            .unwrap()
            .token_store(Arc::new(MemoryStore::new()))
            .build()
            .unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        let routes = CallbackRoutes::new(
            ComponentCallback::new(client.clone()).unwrap(),
            MessageCallback::new(client, messages)
                .unwrap()
                .no_reply(no_reply),
            url.parse().unwrap(),
        );
        sandbox.set_callback_url(routes.events_url());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(
            serve(listener, routes.router(), ServeOptions::default())
                .with_graceful_shutdown(async move {
                    let _ = stopped.await;
                })
                .into_future(),
        );
        Platform {
            routes,
            stop: Some(stop),
        }
    }

    fn test(&self, account: &TestAccount) -> ReleaseTest {
        // Failing runs wait this long for calls that never come.
        ReleaseTest::new(self.routes.message_url_template(), *account)
            .api_deadline(Duration::from_millis(500))
    }
}

impl Drop for Platform {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

fn failed(report: &wechat_sandbox::ReleaseTestReport, check: Check) -> String {
    match report.outcome(check) {
        Some(Outcome::Failed(reason)) => reason.clone(),
        other => panic!("{check:?} did not fail: {other:?}\n{report}"),
    }
}

#[tokio::test]
async fn a_platform_without_the_responder_fails_the_release_test() {
    let sandbox = Sandbox::start(config()).await.unwrap();
    // Echoes text, as the example's router does, but the release-test
    // responder is off.
    let echo = callback::Router::new().message("text", |message, _client| async move {
        let text = message.content().unwrap_or_default().to_owned();
        Ok(Some(Reply::text(format!("echo: {text}"))))
    });
    let platform = Platform::start(&sandbox, echo, NoReply::Success).await;
    let account = test_account(1, AccountKind::OfficialAccount).unwrap();
    let report = sandbox
        .run_release_test(&platform.test(account))
        .await
        .unwrap();
    assert!(!report.passed());
    assert_eq!(report.outcome(Check::TicketPush), Some(&Outcome::Passed));
    assert!(failed(&report, Check::PassiveReply).contains("Content"));
    assert!(failed(&report, Check::EmptyAnswer).contains("instead of an empty one"));
    assert!(failed(&report, Check::QueryAuth).contains("not called"));
    assert!(failed(&report, Check::CustomSend).contains("no customer-service text"));
    let shown = report.to_string();
    assert!(shown.contains("FAIL"), "{shown}");
    assert!(
        !shown.contains("queryauthcode@@@"),
        "a code was shown: {shown}"
    );
}

#[tokio::test]
async fn a_customer_service_message_to_the_wrong_user_fails_its_check() {
    let sandbox = Sandbox::start(config()).await.unwrap();
    // Answers empty and does the API calls, but writes to someone else
    // (sent by hand, with the token query_auth cached).
    let custom_send = sandbox
        .base_url()
        .join("cgi-bin/message/custom/send")
        .unwrap();
    let wrong_user = callback::Router::new().message("text", move |message, client: Client| {
        let code = message
            .content()
            .unwrap_or_default()
            .strip_prefix("QUERY_AUTH_CODE:")
            .map(str::to_owned);
        let mut url = custom_send.clone();
        async move {
            let Some(code) = code else { return Ok(None) };
            let auth = client
                .component()
                .query_auth(QueryAuthRequest::new(code.as_str()))
                .await?
                .authorization_info;
            let token = client
                .authorizer(auth.authorizer_appid)
                .access_token()
                .await?;
            url.query_pairs_mut().append_pair("access_token", &token);
            let body = serde_json::json!({
                "touser": "oSomebodyElse",
                "msgtype": "text",
                "text": {"content": format!("{code}_from_api")},
            });
            let sent = wechat_api_test_support::platform::browser()
                .post(url)
                .json(&body)
                .send()
                .await;
            // A failed send fails the test through the report.
            if !sent.is_ok_and(|a| a.status().is_success()) {
                return Err("custom send failed".into());
            }
            Ok(None)
        }
    });
    let platform = Platform::start(&sandbox, wrong_user, NoReply::Empty).await;
    let account = test_account(2, AccountKind::MiniProgram).unwrap();
    let report = sandbox
        .run_release_test(&platform.test(account))
        .await
        .unwrap();
    assert_eq!(report.outcome(Check::EmptyAnswer), Some(&Outcome::Passed));
    assert_eq!(report.outcome(Check::QueryAuth), Some(&Outcome::Passed));
    assert!(failed(&report, Check::CustomSend).contains("another user"));
}

#[tokio::test]
async fn a_message_url_without_the_placeholder_is_refused() {
    let sandbox = Sandbox::start(config()).await.unwrap();
    let account = TEST_ACCOUNTS[0];
    let test = ReleaseTest::new("http://127.0.0.1:9/callback", account);
    assert!(sandbox.run_release_test(&test).await.is_err());
}

/// How a hand-written fake platform answers the passive-reply message.
#[derive(Clone, Copy)]
struct FakeReply {
    content_type: &'static str,
    encrypted: bool,
    swapped: bool,
}

/// Serves a message URL that answers every message with a text reply
/// `TESTCOMPONENT_MSG_TYPE_TEXT_callback` shaped by `fake`; returns the
/// message URL template.
async fn fake_platform(sandbox: &Sandbox, fake: FakeReply) -> String {
    use axum::extract::RawQuery;
    use wechat_api::crypto::MsgCrypt;
    let c = sandbox.config();
    let crypt = MsgCrypt::new(
        c.component_token(),
        c.component_aes_key(),
        c.component_appid(),
    )
    .unwrap();
    let handler = move |RawQuery(query): RawQuery, body: String| {
        let crypt = crypt.clone();
        async move {
            let query: std::collections::HashMap<String, String> =
                url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
                    .into_owned()
                    .collect();
            let plaintext = crypt
                .decrypt_push(
                    &query["msg_signature"],
                    &query["timestamp"],
                    &query["nonce"],
                    &body,
                )
                .unwrap();
            let field = |name: &str| {
                let start =
                    plaintext.find(&format!("<{name}><![CDATA[")).unwrap() + name.len() + 11;
                let end = start + plaintext[start..].find("]]>").unwrap();
                plaintext[start..end].to_owned()
            };
            let (mut to, mut from) = (field("FromUserName"), field("ToUserName"));
            if !fake.swapped {
                std::mem::swap(&mut to, &mut from);
            }
            let reply = format!(
                "<xml><ToUserName><![CDATA[{to}]]></ToUserName><FromUserName><![CDATA[{from}]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[TESTCOMPONENT_MSG_TYPE_TEXT_callback]]></Content></xml>"
            );
            let body = if fake.encrypted {
                crypt
                    .encrypt_reply(&reply, &query["timestamp"], &query["nonce"])
                    .unwrap()
            } else {
                reply
            };
            (
                [(axum::http::header::CONTENT_TYPE, fake.content_type)],
                body,
            )
        }
    };
    let app = axum::Router::new().route("/{appid}/callback", axum::routing::post(handler));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/$APPID$/callback", listener.local_addr().unwrap());
    tokio::spawn(axum::serve(listener, app).into_future());
    url
}

#[tokio::test]
async fn the_passive_reply_is_checked_as_wechat_reads_it() {
    let account = *test_account(3, AccountKind::OfficialAccount).unwrap();
    let cases = [
        (
            FakeReply {
                content_type: "text/xml; charset=utf-8",
                encrypted: true,
                swapped: true,
            },
            None,
        ),
        (
            FakeReply {
                content_type: "application/json",
                encrypted: true,
                swapped: true,
            },
            Some("Content-Type"),
        ),
        (
            FakeReply {
                content_type: "text/xml",
                encrypted: false,
                swapped: true,
            },
            Some("no Encrypt"),
        ),
        (
            FakeReply {
                content_type: "text/xml",
                encrypted: true,
                swapped: false,
            },
            Some("swapped"),
        ),
    ];
    for (fake, expected_failure) in cases {
        let sandbox = Sandbox::start(config()).await.unwrap();
        let url = fake_platform(&sandbox, fake).await;
        let test = ReleaseTest::new(url, account).api_deadline(Duration::from_millis(100));
        let report = sandbox.run_release_test(&test).await.unwrap();
        match expected_failure {
            None => assert_eq!(
                report.outcome(Check::PassiveReply),
                Some(&Outcome::Passed),
                "{report}"
            ),
            Some(reason) => assert!(
                failed(&report, Check::PassiveReply).contains(reason),
                "{report}"
            ),
        }
    }
}
