//! The escape hatch, `Client::raw`: an endpoint no spec describes, called
//! with the managed credential of the account or of an authorizer, the
//! `errcode` check, exactly one retry on an expired token, and errors that
//! name the call by its path.

use wechat_api_test_support::transport as support;

use serde::{Deserialize, Serialize};
use serde_json::json;
use support::*;
use wechat_api::Error;
use wechat_api::endpoint::{Credential, HttpMethod};
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const NEW_API: &str = "/wxa/new_api";

#[derive(Serialize)]
struct NewApi<'a> {
    item: &'a str,
    count: u32,
}

#[derive(Debug, Deserialize, PartialEq)]
struct NewApiAnswer {
    result_id: u64,
}

async fn mount_new_api(server: &MockServer, token: &str) {
    Mock::given(method("POST"))
        .and(path(NEW_API))
        .and(query_param("access_token", token))
        .and(body_json(json!({"item": "x", "count": 2})))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"errcode": 0, "errmsg": "ok", "result_id": 42})),
        )
        .mount(server)
        .await;
}

async fn call_new_api(client: &wechat_api::Client) -> wechat_api::Result<NewApiAnswer> {
    client
        .raw(HttpMethod::Post, NEW_API)
        .credential(Credential::AccessToken)
        .json(&NewApi {
            item: "x",
            count: 2,
        })?
        .send()
        .await
}

#[tokio::test]
async fn a_raw_call_uses_the_accounts_token() {
    let server = MockServer::start().await;
    mount_new_api(&server, ACCESS_TOKEN).await;
    let answer = call_new_api(&client(&server).await)
        .await
        .expect("answered");
    assert_eq!(answer, NewApiAnswer { result_id: 42 });
}

#[tokio::test]
async fn a_raw_call_through_an_authorizer_uses_its_token() {
    let server = MockServer::start().await;
    mount_new_api(&server, AUTHORIZER_TOKEN).await;
    let merchant = client(&server).await.authorizer(AUTHORIZER);
    let answer = call_new_api(&merchant).await.expect("answered");
    assert_eq!(answer.result_id, 42);
}

/// Answers 40001 to the cached token; the refreshed one works.
async fn expire_once(server: &MockServer, stale: &str, fresh: &str) {
    mount_token_refresh(server).await;
    Mock::given(method("POST"))
        .and(path(NEW_API))
        .and(query_param("access_token", stale))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"errcode": 40001, "errmsg": "invalid credential"})),
        )
        .mount(server)
        .await;
    mount_new_api(server, fresh).await;
}

#[tokio::test]
async fn an_expired_token_is_refreshed_and_the_raw_call_retried_once() {
    let server = MockServer::start().await;
    expire_once(&server, ACCESS_TOKEN, FRESH_TOKEN).await;
    let answer = call_new_api(&client(&server).await).await.expect("retried");
    assert_eq!(answer.result_id, 42);
    assert_eq!(requests_to(&server, NEW_API).await.len(), 2);
    assert_eq!(requests_to(&server, TOKEN_PATH).await.len(), 1);

    let server = MockServer::start().await;
    expire_once(&server, AUTHORIZER_TOKEN, FRESH_AUTHORIZER_TOKEN).await;
    let merchant = client(&server).await.authorizer(AUTHORIZER);
    let answer = call_new_api(&merchant).await.expect("retried");
    assert_eq!(answer.result_id, 42);
    assert_eq!(requests_to(&server, NEW_API).await.len(), 2);
    let refreshes = requests_to(&server, "/cgi-bin/component/api_authorizer_token").await;
    assert_eq!(refreshes.len(), 1);
    assert!(requests_to(&server, TOKEN_PATH).await.is_empty());
}

#[tokio::test]
async fn errors_name_the_raw_call_by_its_path() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(NEW_API))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"errcode": 48001, "errmsg": "api unauthorized"})),
        )
        .mount(&server)
        .await;
    let e = call_new_api(&client(&server).await)
        .await
        .expect_err("48001");
    assert!(
        matches!(&e, Error::Api { code: 48001, endpoint, .. } if endpoint == NEW_API),
        "{e:?}"
    );
    assert!(e.to_string().contains("`/wxa/new_api`"), "{e}");
    assert_eq!(requests_to(&server, NEW_API).await.len(), 1, "no retry");
}

#[tokio::test]
async fn other_credentials_hosts_and_shapes() {
    let server = MockServer::start().await;
    // GET with a query and the component token under its usual name
    Mock::given(method("GET"))
        .and(path("/cgi-bin/component/get_thing"))
        .and(query_param("component_access_token", COMPONENT_TOKEN))
        .and(query_param("kind", "round"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"thing": 1})))
        .mount(&server)
        .await;
    // the component token named `access_token`
    Mock::given(method("POST"))
        .and(path("/wxa/aliased"))
        .and(query_param("access_token", COMPONENT_TOKEN))
        .and(body_json(json!({})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"aliased": true})))
        .mount(&server)
        .await;
    // no credential, on another host
    Mock::given(method("GET"))
        .and(path("/sns/anything"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(vec![1u8, 2, 3], "image/png")
                .insert_header("Content-Disposition", "attachment; filename=\"a.png\""),
        )
        .mount(&server)
        .await;
    let client = client_with(&server, |b| {
        b.base_url("open.weixin.qq.com", &server.uri())
            .expect("base url")
    })
    .await;

    let thing: serde_json::Value = client
        .raw(HttpMethod::Get, "/cgi-bin/component/get_thing")
        .credential(Credential::ComponentAccessToken)
        .query(&[("kind", "round")])
        .expect("flat")
        .send()
        .await
        .expect("answered");
    assert_eq!(thing["thing"], 1);

    let aliased: serde_json::Value = client
        .raw(HttpMethod::Post, "/wxa/aliased")
        .credential_param("access_token")
        .credential(Credential::ComponentAccessToken)
        .send()
        .await
        .expect("answered");
    assert_eq!(aliased["aliased"], true);

    let file = client
        .raw(HttpMethod::Get, "/sns/anything")
        .host("open.weixin.qq.com")
        .credential(Credential::None)
        .send_media()
        .await
        .expect("a file");
    assert_eq!(
        (file.bytes.as_ref(), file.filename.as_deref()),
        (&[1u8, 2, 3][..], Some("a.png"))
    );
    let sent = requests_to(&server, "/sns/anything").await;
    assert_eq!(sent[0].url.query(), None);

    let explicit: serde_json::Value = client
        .raw(HttpMethod::Get, "/cgi-bin/component/get_thing")
        .credential(Credential::ComponentAccessToken)
        .with_token(COMPONENT_TOKEN)
        .query(&[("kind", "round")])
        .expect("flat")
        .send()
        .await
        .expect("answered");
    assert_eq!(explicit["thing"], 1);
}

#[tokio::test]
async fn malformed_paths_are_refused_before_sending() {
    let server = MockServer::start().await;
    let client = client(&server).await;
    for bad in ["wxa/no_slash", "/wxa/x?access_token=T", "/wxa/{id}", "/a#b"] {
        let e = client
            .raw(HttpMethod::Get, bad)
            .send::<serde_json::Value>()
            .await
            .expect_err(bad);
        assert!(matches!(e, Error::Encode { .. }), "{bad}: {e:?}");
    }
    assert!(
        server
            .received_requests()
            .await
            .unwrap_or_default()
            .is_empty()
    );
}

#[tokio::test]
async fn a_token_goes_to_no_host_outside_weixin_qq_com() {
    let server = MockServer::start().await;
    let client = client(&server).await;
    for host in [
        "evil.example",
        "api.weixin.qq.com.evil.example",
        "weixin.qq.com@evil.example",
        "evil.example/api.weixin.qq.com",
        "xweixin.qq.com",
    ] {
        let managed = client
            .raw(HttpMethod::Get, "/cgi-bin/anything")
            .host(host)
            .send::<serde_json::Value>()
            .await
            .expect_err(host);
        assert!(
            matches!(managed, Error::Encode { .. }),
            "{host}: {managed:?}"
        );
        let explicit = client
            .raw(HttpMethod::Get, "/cgi-bin/anything")
            .host(host)
            .with_token(ACCESS_TOKEN)
            .send::<serde_json::Value>()
            .await
            .expect_err(host);
        assert!(
            matches!(explicit, Error::Encode { .. }),
            "{host}: {explicit:?}"
        );
        assert!(!format!("{explicit:?}").contains(ACCESS_TOKEN));
    }
    assert!(
        server
            .received_requests()
            .await
            .unwrap_or_default()
            .is_empty(),
        "no request was made, not even for the token"
    );
}
