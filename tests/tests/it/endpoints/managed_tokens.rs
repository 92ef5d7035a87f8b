//! Generated methods with managed credentials: tokens fetched on demand
//! (the basic `access_token` from `stable_token`, forced only after a
//! rejection), refresh tokens stored by the call that obtained them, the
//! self-healing retry after 40001 / 40014 / 42001, and a missing verify
//! ticket answered by asking WeChat to push one, once a minute per
//! component across instances — verified by request counts and bodies.

use wechat_api_test_support::redis as redis_server;

use std::sync::Arc;
use std::time::Duration;

use redis_server::RedisServer;
use wechat_api::api::component::QueryAuthRequest;
use wechat_api::api::official::{GetTicketRequest, TicketType};
use wechat_api::token::{RedisStore, TokenKey};
use wechat_api::{AccessTokenEndpoint, Client, Config, ConfigBuilder, Error};
use wiremock::matchers::{body_partial_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const COMPONENT_APPID: &str = "wx_component";
const AUTHORIZER: &str = "wx_authorizer";
const STABLE_TOKEN: &str = "/cgi-bin/stable_token";
const TOKEN: &str = "/cgi-bin/token";
const START_PUSH_TICKET: &str = "/cgi-bin/component/api_start_push_ticket";

fn json(body: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body.to_owned(), "application/json")
}

fn config() -> ConfigBuilder {
    Config::builder()
        .appid("wx_app")
        .secret("app_secret")
        .component_appid(COMPONENT_APPID)
        .component_secret("component_secret")
}

fn client(server: &MockServer) -> Client {
    client_with(server, config())
}

fn client_with(server: &MockServer, config: ConfigBuilder) -> Client {
    Client::builder(config.build().unwrap())
        .base_url_for_all(&server.uri())
        .unwrap()
        .build()
        .unwrap()
}

/// The JSON bodies of the requests `server` received on `path`, in order.
async fn bodies(server: &MockServer, on: &str) -> Vec<serde_json::Value> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path() == on)
        .map(|r| serde_json::from_slice(&r.body).expect("a JSON body"))
        .collect()
}

/// How many requests `server` received on `path`.
async fn count(server: &MockServer, on: &str) -> usize {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path() == on)
        .count()
}

async fn mount_component_token(server: &MockServer, token: &str, expected_calls: u64) {
    Mock::given(path("/cgi-bin/component/api_component_token"))
        .and(body_partial_json(
            serde_json::json!({"component_verify_ticket": "VERIFY_TICKET"}),
        ))
        .respond_with(json(&format!(
            r#"{{"component_access_token":"{token}","expires_in":7200}}"#
        )))
        .up_to_n_times(1)
        .expect(expected_calls)
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_missing_verify_ticket_asks_wechat_to_push_one_once_a_minute() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(START_PUSH_TICKET))
        .and(body_partial_json(serde_json::json!({
            "component_appid": COMPONENT_APPID,
            "component_secret": "component_secret",
        })))
        .respond_with(json(r#"{"errcode":0,"errmsg":"ok"}"#))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    for _ in 0..3 {
        let err = client.component().create_preauthcode().await.unwrap_err();
        assert!(
            matches!(&err, Error::TicketMissing { component_appid, push_requested: true } if component_appid == COMPONENT_APPID),
            "{err:?}"
        );
        assert!(err.to_string().contains("asked to push one"), "{err}");
        assert!(!err.to_string().contains("component_secret"), "{err}");
    }
    // Nothing but the one request: no component token without a ticket.
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!(requests[0].url.path(), START_PUSH_TICKET);
}

#[tokio::test]
async fn a_failed_push_request_says_so() {
    let server = MockServer::start().await;
    Mock::given(path(START_PUSH_TICKET))
        .respond_with(json(r#"{"errcode":40013,"errmsg":"invalid appid"}"#))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server).component_access_token().await.unwrap_err();
    assert!(
        matches!(
            &err,
            Error::TicketMissing {
                push_requested: false,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("wire the push endpoint"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_sharing_redis_ask_for_a_push_once_a_minute() {
    let redis = RedisServer::start();
    let server = MockServer::start().await;
    Mock::given(path(START_PUSH_TICKET))
        .respond_with(json(r#"{"errcode":0,"errmsg":"ok"}"#))
        .mount(&server)
        .await;
    let mut instances = Vec::new();
    for _ in 0..2 {
        let store = RedisStore::connect(redis.url()).await.unwrap();
        instances.push(
            Client::builder(config().build().unwrap())
                .base_url_for_all(&server.uri())
                .unwrap()
                .token_store(Arc::new(store))
                .build()
                .unwrap(),
        );
    }
    let calls = |instances: &[Client]| {
        let mut tasks = Vec::new();
        for client in instances {
            for _ in 0..20 {
                let client = client.clone();
                tasks.push(tokio::spawn(async move {
                    client.component_access_token().await
                }));
            }
        }
        tasks
    };
    for task in calls(&instances) {
        let err = task.await.unwrap().unwrap_err();
        assert!(
            matches!(
                err,
                Error::TicketMissing {
                    push_requested: true,
                    ..
                }
            ),
            "{err:?}"
        );
    }
    assert_eq!(count(&server, START_PUSH_TICKET).await, 1);

    // The mark lives a minute, in Redis, for every instance.
    let mut conn = redis::Client::open(redis.url())
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap();
    let marker = "wechat:marker:start_push_ticket:wx_component:lease";
    let pttl: i64 = redis::cmd("PTTL")
        .arg(marker)
        .query_async(&mut conn)
        .await
        .unwrap();
    assert!(pttl > 50_000 && pttl <= 60_000, "{pttl}");
    // Once it is gone (a minute later), the next instance asks again, once.
    let _: i64 = redis::cmd("DEL")
        .arg(marker)
        .query_async(&mut conn)
        .await
        .unwrap();
    for task in calls(&instances) {
        assert!(task.await.unwrap().is_err());
    }
    assert_eq!(count(&server, START_PUSH_TICKET).await, 2);
}

#[tokio::test]
async fn the_component_token_is_fetched_once_from_the_stored_ticket_and_reused() {
    let server = MockServer::start().await;
    mount_component_token(&server, "CT1", 1).await;
    Mock::given(path("/cgi-bin/component/api_create_preauthcode"))
        .and(query_param("component_access_token", "CT1"))
        .respond_with(json(r#"{"pre_auth_code":"PAC","expires_in":600}"#))
        .expect(3)
        .mount(&server)
        .await;
    let client = client(&server);
    client
        .tokens()
        .store_verify_ticket(COMPONENT_APPID, "VERIFY_TICKET")
        .await
        .unwrap();
    for _ in 0..3 {
        assert_eq!(
            client
                .component()
                .create_preauthcode()
                .await
                .unwrap()
                .pre_auth_code,
            "PAC"
        );
    }
}

#[tokio::test]
async fn an_invalid_token_answer_refreshes_once_and_retries_once() {
    let server = MockServer::start().await;
    // first the stale token is rejected, then the fresh one is accepted
    Mock::given(path("/cgi-bin/component/api_create_preauthcode"))
        .and(query_param("component_access_token", "STALE"))
        .respond_with(json(r#"{"errcode":40001,"errmsg":"invalid credential"}"#))
        .expect(1)
        .mount(&server)
        .await;
    mount_component_token(&server, "FRESH", 1).await;
    Mock::given(path("/cgi-bin/component/api_create_preauthcode"))
        .and(query_param("component_access_token", "FRESH"))
        .respond_with(json(r#"{"pre_auth_code":"PAC","expires_in":600}"#))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    client
        .tokens()
        .store_verify_ticket(COMPONENT_APPID, "VERIFY_TICKET")
        .await
        .unwrap();
    let key = TokenKey::component_access_token(COMPONENT_APPID);
    client
        .tokens()
        .set(&key, "STALE", Some(Duration::from_secs(3600)))
        .await
        .unwrap();
    assert_eq!(
        client
            .component()
            .create_preauthcode()
            .await
            .unwrap()
            .pre_auth_code,
        "PAC"
    );
    assert_eq!(
        client.tokens().get(&key).await.unwrap().as_deref(),
        Some("FRESH")
    );
}

#[tokio::test]
async fn a_second_rejection_is_returned_not_looped() {
    for code in [40001, 40014, 42001] {
        let server = MockServer::start().await;
        Mock::given(path("/cgi-bin/ticket/getticket"))
            .respond_with(json(&format!(
                r#"{{"errcode":{code},"errmsg":"rejected"}}"#
            )))
            .expect(2)
            .mount(&server)
            .await;
        Mock::given(path(STABLE_TOKEN))
            .respond_with(json(r#"{"access_token":"NEW","expires_in":7200}"#))
            .expect(2)
            .mount(&server)
            .await;
        let err = client(&server)
            .official()
            .get_ticket(GetTicketRequest::new(TicketType::Jsapi))
            .await
            .unwrap_err();
        assert_eq!(err.api_code(), Some(code));
    }
}

#[tokio::test]
async fn other_errors_are_not_retried() {
    let server = MockServer::start().await;
    Mock::given(path("/cgi-bin/ticket/getticket"))
        .respond_with(json(
            r#"{"errcode":45009,"errmsg":"reach max api daily quota limit"}"#,
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path(STABLE_TOKEN))
        .respond_with(json(r#"{"access_token":"T","expires_in":7200}"#))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .official()
        .get_ticket(GetTicketRequest::new(TicketType::Jsapi))
        .await
        .unwrap_err();
    assert_eq!(err.api_code(), Some(45009));
}

#[tokio::test]
async fn query_auth_stores_the_refresh_token_and_authorizer_calls_use_it() {
    let server = MockServer::start().await;
    mount_component_token(&server, "CT", 1).await;
    Mock::given(path("/cgi-bin/component/api_query_auth"))
        .respond_with(json(&format!(
            r#"{{"authorization_info":{{"authorizer_appid":"{AUTHORIZER}","authorizer_access_token":"AT1","expires_in":0,"authorizer_refresh_token":"RT1","func_info":[]}}}}"#
        )))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/cgi-bin/component/api_authorizer_token"))
        .and(body_partial_json(serde_json::json!({"authorizer_appid": AUTHORIZER, "authorizer_refresh_token": "RT1"})))
        .respond_with(json(r#"{"authorizer_access_token":"AT2","expires_in":7200,"authorizer_refresh_token":"RT2"}"#))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/cgi-bin/clear_quota"))
        .and(query_param("access_token", "AT2"))
        .and(body_partial_json(serde_json::json!({"appid": AUTHORIZER})))
        .respond_with(json(r#"{"errcode":0,"errmsg":"ok"}"#))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    client
        .tokens()
        .store_verify_ticket(COMPONENT_APPID, "VERIFY_TICKET")
        .await
        .unwrap();
    client
        .component()
        .query_auth(QueryAuthRequest::new("AUTH_CODE"))
        .await
        .unwrap();
    assert_eq!(
        client
            .tokens()
            .refresh_token(COMPONENT_APPID, AUTHORIZER)
            .await
            .unwrap(),
        "RT1"
    );
    // AT1 has expired already, so the authorizer token is refreshed with RT1
    client
        .authorizer(AUTHORIZER)
        .official()
        .clear_quota()
        .await
        .unwrap();
    assert_eq!(
        client
            .tokens()
            .refresh_token(COMPONENT_APPID, AUTHORIZER)
            .await
            .unwrap(),
        "RT2"
    );
}

#[tokio::test]
async fn a_refused_refresh_token_names_the_authorizer() {
    let server = MockServer::start().await;
    mount_component_token(&server, "CT", 1).await;
    Mock::given(path("/cgi-bin/component/api_authorizer_token"))
        .respond_with(json(
            r#"{"errcode":61023,"errmsg":"refresh_token is invalid"}"#,
        ))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    client
        .tokens()
        .store_verify_ticket(COMPONENT_APPID, "VERIFY_TICKET")
        .await
        .unwrap();
    client
        .tokens()
        .store_refresh_token(COMPONENT_APPID, AUTHORIZER, "BAD_RT")
        .await
        .unwrap();
    let err = client
        .authorizer(AUTHORIZER)
        .access_token()
        .await
        .unwrap_err();
    match &err {
        Error::AuthorizerRefresh {
            authorizer_appid, ..
        } => assert_eq!(authorizer_appid, AUTHORIZER),
        other => panic!("expected AuthorizerRefresh, got {other:?}"),
    }
    assert_eq!(err.api_code(), Some(61023));
    assert!(!err.to_string().contains("BAD_RT"));
}

#[tokio::test]
async fn an_unknown_authorizer_is_refresh_token_missing() {
    let server = MockServer::start().await;
    let err = client(&server)
        .authorizer("wx_never")
        .access_token()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::RefreshTokenMissing { authorizer_appid } if authorizer_appid == "wx_never"),
        "{err:?}"
    );
}

#[tokio::test]
async fn the_jsapi_ticket_is_managed_too() {
    let server = MockServer::start().await;
    Mock::given(path(STABLE_TOKEN))
        .respond_with(json(r#"{"access_token":"AT","expires_in":7200}"#))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/cgi-bin/ticket/getticket"))
        .and(query_param("access_token", "AT"))
        .and(query_param("type", "jsapi"))
        .respond_with(json(
            r#"{"errcode":0,"errmsg":"ok","ticket":"JT","expires_in":7200}"#,
        ))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    assert_eq!(client.jsapi_ticket().await.unwrap(), "JT");
    assert_eq!(client.jsapi_ticket().await.unwrap(), "JT");
}

#[tokio::test]
async fn js_sdk_config_signs_the_page_with_the_managed_ticket() {
    let server = MockServer::start().await;
    Mock::given(path(STABLE_TOKEN))
        .respond_with(json(r#"{"access_token":"AT","expires_in":7200}"#))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/cgi-bin/ticket/getticket"))
        .and(query_param("type", "jsapi"))
        .respond_with(json(
            r#"{"errcode":0,"errmsg":"ok","ticket":"JT","expires_in":7200}"#,
        ))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let page = "https://shop.example/item?id=1#top";
    for _ in 0..2 {
        let config = client.js_sdk_config(page).await.unwrap();
        assert_eq!(config.app_id, "wx_app");
        assert_eq!(
            config.signature,
            wechat_api::jssdk::jsapi_signature("JT", &config.nonce_str, config.timestamp, page)
        );
        assert_ne!(
            config.signature,
            wechat_api::jssdk::jsapi_signature("JT2", &config.nonce_str, config.timestamp, page)
        );
    }
}

/// Returns once `server` has received a request for `path`.
async fn request_arrives(server: &MockServer, path: &str) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let requests = server.received_requests().await.unwrap_or_default();
        if requests.iter().any(|r| r.url.path() == path) {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no request for {path}"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test]
async fn a_cancelled_caller_does_not_lose_a_rotated_refresh_token() {
    let server = MockServer::start().await;
    mount_component_token(&server, "CT", 1).await;
    Mock::given(path("/cgi-bin/component/api_authorizer_token"))
        .respond_with(
            json(r#"{"authorizer_access_token":"AT2","expires_in":7200,"authorizer_refresh_token":"RT2"}"#)
                .set_delay(Duration::from_millis(300)),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    client
        .tokens()
        .store_verify_ticket(COMPONENT_APPID, "VERIFY_TICKET")
        .await
        .unwrap();
    client
        .tokens()
        .store_refresh_token(COMPONENT_APPID, AUTHORIZER, "RT1")
        .await
        .unwrap();
    // the caller gives up while WeChat is answering (an HTTP client
    // disconnects): once the refresh request has reached WeChat, which takes
    // 300 ms to answer
    let merchant = client.authorizer(AUTHORIZER);
    tokio::select! {
        result = merchant.access_token() => panic!("the call should still be running: {result:?}"),
        () = request_arrives(&server, "/cgi-bin/component/api_authorizer_token") => {}
    }
    // WeChat rotated the refresh token: the new one must be stored anyway
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let stored = client
            .tokens()
            .refresh_token(COMPONENT_APPID, AUTHORIZER)
            .await
            .unwrap();
        if stored == "RT2" {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "rotated refresh token lost: still {stored}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn forgetting_an_authorizer_drops_its_tokens_and_tickets() {
    let server = MockServer::start().await;
    let client = client(&server);
    let tokens = client.tokens();
    let hour = Some(Duration::from_secs(3600));
    tokens
        .store_refresh_token(COMPONENT_APPID, AUTHORIZER, "RT")
        .await
        .unwrap();
    tokens
        .set(
            &TokenKey::authorizer_access_token(COMPONENT_APPID, AUTHORIZER),
            "AT",
            hour,
        )
        .await
        .unwrap();
    tokens
        .set(&TokenKey::jsapi_ticket(AUTHORIZER), "JT", hour)
        .await
        .unwrap();
    tokens
        .forget_authorizer(COMPONENT_APPID, AUTHORIZER)
        .await
        .unwrap();
    assert!(
        tokens
            .get(&TokenKey::jsapi_ticket(AUTHORIZER))
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        tokens
            .get(&TokenKey::authorizer_access_token(
                COMPONENT_APPID,
                AUTHORIZER
            ))
            .await
            .unwrap()
            .is_none()
    );
    assert!(matches!(
        tokens.refresh_token(COMPONENT_APPID, AUTHORIZER).await,
        Err(Error::RefreshTokenMissing { .. })
    ));
}

#[tokio::test]
async fn the_access_token_comes_from_stable_token_forced_only_after_a_rejection() {
    let server = MockServer::start().await;
    // Only a forced refresh hands out a new token.
    Mock::given(method("POST"))
        .and(path(STABLE_TOKEN))
        .and(body_partial_json(
            serde_json::json!({"force_refresh": true}),
        ))
        .respond_with(json(r#"{"access_token":"AT2","expires_in":7200}"#))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(STABLE_TOKEN))
        .respond_with(json(r#"{"access_token":"AT1","expires_in":7200}"#))
        .mount(&server)
        .await;
    Mock::given(path("/cgi-bin/clear_quota"))
        .and(query_param("access_token", "AT1"))
        .respond_with(json(
            r#"{"errcode":40001,"errmsg":"invalid credential, access_token is invalid or not latest"}"#,
        ))
        .mount(&server)
        .await;
    Mock::given(path("/cgi-bin/clear_quota"))
        .and(query_param("access_token", "AT2"))
        .respond_with(json(r#"{"errcode":0,"errmsg":"ok"}"#))
        .mount(&server)
        .await;
    let client = client(&server);

    assert_eq!(client.access_token().await.unwrap(), "AT1");
    // AT1 is rejected: dropped, fetched again with force_refresh, retried.
    client.official().clear_quota().await.unwrap();
    client.official().clear_quota().await.unwrap();
    assert_eq!(client.access_token().await.unwrap(), "AT2");

    let sent = bodies(&server, STABLE_TOKEN).await;
    assert_eq!(sent.len(), 2, "{sent:?}");
    for body in &sent {
        assert_eq!(body["grant_type"], "client_credential");
        assert_eq!(body["appid"], "wx_app");
        assert_eq!(body["secret"], "app_secret");
    }
    assert!(
        sent[0].get("force_refresh").is_none(),
        "not forced: {}",
        sent[0]
    );
    assert_eq!(sent[1]["force_refresh"], true);
    assert_eq!(count(&server, TOKEN).await, 0, "cgi-bin/token is not used");

    // A refresh for any other reason is not forced.
    let key = TokenKey::access_token("wx_app");
    client.tokens().invalidate(&key).await.unwrap();
    assert_eq!(client.access_token().await.unwrap(), "AT1");
    let sent = bodies(&server, STABLE_TOKEN).await;
    assert_eq!(sent.len(), 3);
    assert!(
        sent[2].get("force_refresh").is_none(),
        "not forced: {}",
        sent[2]
    );
}

#[tokio::test]
async fn cgi_bin_token_is_used_when_configured() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(TOKEN))
        .and(query_param("grant_type", "client_credential"))
        .and(query_param("appid", "wx_app"))
        .and(query_param("secret", "app_secret"))
        .respond_with(json(r#"{"access_token":"CLASSIC","expires_in":7200}"#))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_with(
        &server,
        config().access_token_endpoint(AccessTokenEndpoint::Token),
    );
    assert_eq!(
        client.config().access_token_endpoint(),
        AccessTokenEndpoint::Token
    );
    for _ in 0..3 {
        assert_eq!(client.access_token().await.unwrap(), "CLASSIC");
    }
    assert_eq!(count(&server, STABLE_TOKEN).await, 0);
    assert_eq!(
        Config::default().access_token_endpoint(),
        AccessTokenEndpoint::StableToken
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_60_s_token_with_the_default_5_minute_margin_is_fetched_once() {
    let server = MockServer::start().await;
    Mock::given(path(STABLE_TOKEN))
        .respond_with(json(r#"{"access_token":"SHORT","expires_in":60}"#))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    assert_eq!(
        client.tokens().safety_margin(),
        Duration::from_secs(300),
        "the default margin"
    );
    for _ in 0..20 {
        assert_eq!(client.access_token().await.unwrap(), "SHORT");
    }
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let client = client.clone();
        tasks.push(tokio::spawn(async move { client.access_token().await }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap().unwrap(), "SHORT");
    }
}
