//! The quickstart flow end to end over real HTTP (the same code as
//! `cargo run --example quickstart`), a restart of the callback server on
//! the same durable store in the middle of the flow, and the callback
//! server's handling of bad input.

use wechat_api_test_support::redis as redis_server;

use std::time::Duration;

use wechat_api::Error;
use wechat_api::crypto::MsgCrypt;
use wechat_api::server::{DEFAULT_BODY_LIMIT as BODY_LIMIT, EVENTS_PATH};
use wechat_api_test_support::flow::{self as quickstart, Flow, StoreChoice};
use wechat_api_test_support::platform::{AuthorizerStatus, Platform};
use wechat_sandbox::{DEFAULT_MERCHANT_APPID, DEFAULT_OPENID, SandboxConfig};

fn config() -> SandboxConfig {
    SandboxConfig::builder()
        .push_interval(None)
        .build()
        .unwrap()
}

fn check_report(report: &quickstart::Report) {
    assert_eq!(report.account.authorizer_appid, DEFAULT_MERCHANT_APPID);
    assert_eq!(report.account.nick_name, "Sandbox Coffee");
    assert_eq!(report.account.func_ids, vec![1, 2, 3]);
    assert_eq!(report.openid, DEFAULT_OPENID);
    assert_eq!(report.nickname, "Alice");
    assert_eq!(report.jssdk.app_id, DEFAULT_MERCHANT_APPID);
    assert_eq!(report.jssdk.signature.len(), 40);
    assert!(
        report
            .jssdk
            .signature
            .bytes()
            .all(|b| b.is_ascii_hexdigit())
    );
    assert!(report.release_test.passed(), "{}", report.release_test);
    // Two lines for the servers, then the fourteen steps, in order.
    assert_eq!(report.lines.len(), 16, "{:#?}", report.lines);
    for (n, line) in report.lines.iter().skip(2).enumerate() {
        assert!(
            line.trim_start().starts_with(&format!("{}.", n + 1)),
            "{line}"
        );
    }
    for line in &report.lines {
        assert!(!line.contains("ticket@@@"), "a secret was printed: {line}");
        assert!(
            !line.contains("preauthcode@@@"),
            "a secret was printed: {line}"
        );
        assert!(
            !line.contains("queryauthcode@@@"),
            "a secret was printed: {line}"
        );
    }
}

#[tokio::test]
async fn the_quickstart_flow_passes_with_the_durable_store() {
    let dir = tempfile::tempdir().unwrap();
    let mut printed = Vec::new();
    let report = quickstart::run(StoreChoice::Durable(dir.path().join("tokens.redb")), |l| {
        printed.push(l.to_owned())
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    check_report(&report);
    assert_eq!(printed, report.lines);
}

#[tokio::test]
async fn the_quickstart_flow_passes_with_redis() {
    let redis = redis_server::RedisServer::start();
    let report = quickstart::run(StoreChoice::Redis(redis.url()), |_| {})
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    check_report(&report);
}

#[tokio::test]
async fn a_restarted_callback_server_continues_from_the_durable_store() {
    let dir = tempfile::tempdir().unwrap();
    let store = StoreChoice::Durable(dir.path().join("tokens.redb"));
    let mut flow = Flow::start(config(), store).await.unwrap();
    let first_url = flow.start_server().await.unwrap().url().clone();
    flow.push_ticket().await.unwrap();
    flow.component_token().await.unwrap();
    let page = flow.start_authorization().await.unwrap();
    let back = flow.authorize_on_page(&page).await.unwrap();
    let account = flow.complete_authorization(&back).await.unwrap();
    let appid = account.authorizer_appid.clone();
    let component_appid = flow.sandbox.config().component_appid().to_owned();
    let refresh_token = flow
        .client()
        .unwrap()
        .tokens()
        .refresh_token(&component_appid, &appid)
        .await
        .unwrap();

    // Stop the server mid-flow; the store file is closed with it.
    flow.stop_server().await;
    assert!(flow.server.is_none());
    let gone = flow
        .browser
        .get(first_url.join("healthz").unwrap())
        .send()
        .await;
    assert!(gone.is_err(), "the first server is down");
    let ticket = flow.sandbox.verify_ticket().unwrap();
    let before = flow.sandbox.request_counts();

    // A new server on the same file finds the ticket and the refresh token.
    flow.start_server().await.unwrap();
    let tokens = flow.client().unwrap().tokens().clone();
    assert_eq!(
        tokens.verify_ticket(&component_appid).await.unwrap(),
        ticket
    );
    assert_eq!(
        tokens
            .refresh_token(&component_appid, &appid)
            .await
            .unwrap(),
        refresh_token
    );
    // The flow continues without a new ticket push or a new authorization.
    flow.refresh_authorizer_token(&appid).await.unwrap();
    flow.clear_quota(&appid).await.unwrap();
    let code = flow.oauth_code(&appid).await.unwrap();
    let (openid, _) = flow.user_info(&appid, &code).await.unwrap();
    assert_eq!(openid, DEFAULT_OPENID);
    let ticket_js = flow.jsapi_ticket(&appid).await.unwrap();
    flow.share_signature(&appid, &ticket_js, "https://example.com/a")
        .await
        .unwrap();
    let page = flow.start_authorization().await.unwrap();
    assert!(page.as_str().contains("pre_auth_code="));
    let after = flow.sandbox.request_counts();
    let count =
        |m: &std::collections::BTreeMap<String, usize>, p: &str| m.get(p).copied().unwrap_or(0);
    assert_eq!(
        count(&after, "/cgi-bin/component/api_component_token"),
        count(&before, "/cgi-bin/component/api_component_token"),
        "the component_access_token came from the durable store"
    );
    assert_eq!(
        count(&after, "/cgi-bin/component/api_authorizer_token"),
        count(&before, "/cgi-bin/component/api_authorizer_token") + 1
    );
    assert_eq!(flow.sandbox.verify_ticket().unwrap(), ticket, "no new push");
    flow.finish().await;
}

#[tokio::test]
async fn an_unauthorized_event_makes_the_server_forget_the_authorizer() {
    let mut flow = Flow::start(config(), StoreChoice::Memory).await.unwrap();
    flow.start_server().await.unwrap();
    flow.push_ticket().await.unwrap();
    let page = flow.start_authorization().await.unwrap();
    let back = flow.authorize_on_page(&page).await.unwrap();
    let account = flow.complete_authorization(&back).await.unwrap();
    let appid = account.authorizer_appid;
    let state = flow.server().unwrap();
    assert_eq!(
        state.authorizers().get(&appid),
        Some(&AuthorizerStatus::Authorized)
    );

    flow.sandbox.unauthorize(&appid).await.unwrap();
    assert_eq!(
        state.authorizers().get(&appid),
        Some(&AuthorizerStatus::Unauthorized)
    );
    let e = state
        .client()
        .authorizer(appid.as_str())
        .access_token()
        .await
        .unwrap_err();
    assert!(matches!(e, Error::RefreshTokenMissing { .. }), "{e:?}");
    // The JS-SDK config for it is now a 404.
    let mut url = flow.server().unwrap().jssdk_url();
    url.query_pairs_mut()
        .append_pair("url", "https://example.com/")
        .append_pair("appid", &appid);
    assert_eq!(
        flow.browser
            .get(url)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        404
    );
    flow.finish().await;
}

#[tokio::test]
async fn the_callback_server_answers_bad_input_with_4xx_and_keeps_working() {
    let mut flow = Flow::start(config(), StoreChoice::Memory).await.unwrap();
    let server: &Platform = flow.start_server().await.unwrap();
    let events = server.events_url();
    let health = server.url().join("healthz").unwrap();
    let jssdk = server.jssdk_url();
    let callback = server.url().join("wechat/component/callback").unwrap();
    let http = flow.browser.clone();
    let c = flow.sandbox.config().clone();
    let crypt = MsgCrypt::new(
        c.component_token(),
        c.component_aes_key(),
        c.component_appid(),
    )
    .unwrap();
    let timestamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string();
    let nonce = "12345";
    let ticket_xml = format!(
        "<xml><AppId><![CDATA[{}]]></AppId><CreateTime>{timestamp}</CreateTime><InfoType><![CDATA[component_verify_ticket]]></InfoType><ComponentVerifyTicket><![CDATA[ticket@@@forged]]></ComponentVerifyTicket></xml>",
        c.component_appid()
    );
    let push = |signature: String, ts: String, body: String| {
        let mut url = events.clone();
        url.query_pairs_mut()
            .append_pair("timestamp", &ts)
            .append_pair("nonce", nonce)
            .append_pair("encrypt_type", "aes")
            .append_pair("msg_signature", &signature);
        let http = http.clone();
        async move {
            http.post(url)
                .body(body)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    let envelope = |encrypt: &str| {
        format!(
            "<xml><AppId><![CDATA[{}]]></AppId><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>",
            c.component_appid()
        )
    };

    // Over 1 MiB.
    let huge = "x".repeat(BODY_LIMIT + 1);
    assert_eq!(push("0".repeat(40), timestamp.clone(), huge).await, 413);
    // Bad signature.
    let encrypt = crypt.encrypt(&ticket_xml).unwrap();
    assert_eq!(
        push("0".repeat(40), timestamp.clone(), envelope(&encrypt)).await,
        403
    );
    // Signed, but too old (replay protection).
    let old = "1400000000".to_owned();
    let signature = crypt.sign(&old, nonce, &encrypt);
    assert_eq!(push(signature, old, envelope(&encrypt)).await, 403);
    // Malformed XML.
    for body in ["<xml><Encrypt>", "not xml at all", "<xml></xml>", ""] {
        assert_eq!(
            push("0".repeat(40), timestamp.clone(), body.to_owned()).await,
            400,
            "{body:?}"
        );
    }
    // Signed and encrypted, but the plaintext is not a component event.
    let junk = crypt.encrypt("<xml><Foo>bar</Foo>").unwrap();
    let signature = crypt.sign(&timestamp, nonce, &junk);
    assert_eq!(
        push(signature, timestamp.clone(), envelope(&junk)).await,
        400
    );
    // Encrypted for another component appid: refused like a forgery.
    let other = MsgCrypt::new(
        c.component_token(),
        c.component_aes_key(),
        "wx_other_component",
    )
    .unwrap();
    let foreign = other.encrypt(&ticket_xml).unwrap();
    let signature = crypt.sign(&timestamp, nonce, &foreign);
    assert_eq!(
        push(signature, timestamp.clone(), envelope(&foreign)).await,
        403
    );
    // No query at all.
    assert_eq!(
        http.post(events.clone())
            .body(envelope(&encrypt))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        400
    );
    // Nothing was stored by any of these.
    let client = flow.client().unwrap().clone();
    assert!(matches!(
        client.tokens().verify_ticket(c.component_appid()).await,
        Err(Error::TicketMissing { .. })
    ));
    // Before the first ticket, starting an authorization is a 503, not a crash.
    let authorize = flow.server().unwrap().authorize_url();
    assert_eq!(
        http.get(authorize).send().await.unwrap().status().as_u16(),
        503
    );
    // Missing or bad parameters on the other routes.
    assert_eq!(
        http.get(callback.clone())
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        400
    );
    let mut bad_code = callback;
    bad_code.set_query(Some("auth_code=forged"));
    flow.push_ticket().await.unwrap();
    assert_eq!(
        http.get(bad_code).send().await.unwrap().status().as_u16(),
        502
    );
    assert_eq!(
        http.get(jssdk.clone())
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        400
    );
    let mut relative = jssdk;
    relative.set_query(Some("url=%2Fpage"));
    assert_eq!(
        http.get(relative).send().await.unwrap().status().as_u16(),
        400
    );

    // A correct push is still accepted, and the server is healthy. Its
    // CreateTime is now, so that it is not older than the ticket the sandbox
    // pushed meanwhile (an older push would rightly not replace it).
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string();
    let fresh = crypt
        .encrypt(&ticket_xml.replace(
            &format!("<CreateTime>{timestamp}</CreateTime>"),
            &format!("<CreateTime>{now}</CreateTime>"),
        ))
        .unwrap();
    let signature = crypt.sign(&now, nonce, &fresh);
    assert_eq!(push(signature, now, envelope(&fresh)).await, 200);
    assert_eq!(
        client
            .tokens()
            .verify_ticket(c.component_appid())
            .await
            .unwrap(),
        "ticket@@@forged"
    );
    let ok = http.get(health).send().await.unwrap();
    assert_eq!(ok.status().as_u16(), 200);
    assert_eq!(ok.text().await.unwrap(), "ok");
    assert_eq!(EVENTS_PATH, events.path());
    flow.finish().await;
}

#[tokio::test]
async fn the_quickstart_reports_the_failing_step() {
    // A sandbox whose every component token request fails with HTTP 500.
    let mut flow = Flow::start(config(), StoreChoice::Memory).await.unwrap();
    flow.start_server().await.unwrap();
    flow.push_ticket().await.unwrap();
    flow.sandbox.inject(
        wechat_sandbox::Fault::status(500)
            .on("/cgi-bin/component/api_component_token")
            .times(5),
    );
    let started = std::time::Instant::now();
    let e = flow.component_token().await.unwrap_err();
    assert_eq!(e.step, "component_access_token");
    assert!(e.to_string().contains("500"), "{e}");
    // A 5xx is not retried: no backoff, no waiting (bounded with room for a
    // loaded machine).
    assert!(started.elapsed() < Duration::from_secs(10));
    flow.finish().await;
}
