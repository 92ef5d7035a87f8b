//! What `Call`/`send` put on the wire: `{}` for a POST without body
//! parameters, no body for a GET, the credential under the endpoint's
//! `credential_param`, path parameters percent-encoded as one segment, the
//! query after the credential; an explicit token used as is; and the errors
//! found before anything is sent.

use wechat_api_test_support::transport as support;

use serde_json::json;
use support::*;
use wechat_api::__private::{Auth, Call, ConfigKey, config_value, send};
use wechat_api::Error;
use wechat_api::endpoint::{AnswerKind, BodyKind, Credential, Endpoint, HttpMethod};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

static CLEAR: Endpoint = endpoint(
    "clear_something",
    HttpMethod::Post,
    "/cgi-bin/something/clear",
    Credential::AccessToken,
    BodyKind::Json,
    AnswerKind::Json,
);

static GET_LIST: Endpoint = endpoint(
    "get_list",
    HttpMethod::Get,
    "/cgi-bin/list/get",
    Credential::AccessToken,
    BodyKind::None,
    AnswerKind::Json,
);

/// The component token sent under the name `access_token` (the CREDALIAS
/// rows of the coverage plan).
static ALIASED: Endpoint = Endpoint {
    credential_param: "access_token",
    ..endpoint(
        "get_template_list",
        HttpMethod::Get,
        "/wxa/gettemplatelist",
        Credential::ComponentAccessToken,
        BodyKind::None,
        AnswerKind::Json,
    )
};

static ITEM: Endpoint = endpoint(
    "get_item_part",
    HttpMethod::Get,
    "/demo/items/{id}/parts/{part}",
    Credential::None,
    BodyKind::None,
    AnswerKind::Json,
);

fn ok() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"errcode": 0, "errmsg": "ok"}))
}

async fn call(
    client: &wechat_api::Client,
    call: Call<'_>,
) -> wechat_api::Result<serde_json::Value> {
    send(client, call).await?.json()
}

#[tokio::test]
async fn a_post_without_body_parameters_sends_an_empty_object() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/cgi-bin/something/clear"))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({})))
        .respond_with(ok())
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server).await;
    call(&client, Call::new(&CLEAR, Auth::Managed))
        .await
        .expect("WeChat accepts {}");
}

#[tokio::test]
async fn a_get_sends_no_body_and_the_query_after_the_credential() {
    #[derive(serde::Serialize)]
    struct Query<'a> {
        next_openid: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        lang: Option<&'a str>,
    }
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/cgi-bin/list/get"))
        .respond_with(ok())
        .mount(&server)
        .await;
    let client = client(&server).await;
    let query = Query {
        next_openid: "o&x=1",
        lang: None,
    };
    call(
        &client,
        Call::new(&GET_LIST, Auth::Managed)
            .query(&query)
            .expect("flat"),
    )
    .await
    .expect("answered");
    let requests = requests_to(&server, "/cgi-bin/list/get").await;
    assert_eq!(requests.len(), 1);
    assert!(requests[0].body.is_empty());
    assert_eq!(
        requests[0].url.query(),
        Some(format!("access_token={ACCESS_TOKEN}&next_openid=o%26x%3D1").as_str())
    );
}

#[tokio::test]
async fn the_credential_goes_under_the_endpoints_parameter_name() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/wxa/gettemplatelist"))
        .and(query_param("access_token", COMPONENT_TOKEN))
        .respond_with(ok())
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server).await;
    call(&client, Call::new(&ALIASED, Auth::Managed))
        .await
        .expect("the component token, named access_token");
    let requests = requests_to(&server, "/wxa/gettemplatelist").await;
    assert_eq!(query_value(&requests[0], "component_access_token"), None);
}

#[tokio::test]
async fn path_parameters_are_percent_encoded_as_one_segment() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ok())
        .mount(&server)
        .await;
    let client = client(&server).await;
    let item = Call::new(&ITEM, Auth::Managed)
        .path_param("id", &"a/b c?d#e%f")
        .path_param("part", &7u64);
    call(&client, item).await.expect("answered");
    let requests = server.received_requests().await.unwrap_or_default();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].url.path(),
        "/demo/items/a%2Fb%20c%3Fd%23e%25f/parts/7"
    );
    assert_eq!(requests[0].url.query(), None, "no credential, no query");

    // a missing or unknown placeholder is an error, and nothing is sent
    let missing = Call::new(&ITEM, Auth::Managed).path_param("id", &1);
    let e = call(&client, missing).await.expect_err("`part` is missing");
    assert!(
        matches!(&e, Error::Encode { reason, .. } if reason.contains("{part}")),
        "{e:?}"
    );
    let unknown = Call::new(&ITEM, Auth::Managed)
        .path_param("id", &1)
        .path_param("part", &2)
        .path_param("nope", &3);
    let e = call(&client, unknown).await.expect_err("no {nope}");
    assert!(
        matches!(&e, Error::Encode { reason, .. } if reason.contains("{nope}")),
        "{e:?}"
    );
    // `.` and `..` would change the path (URL parsing resolves them, even
    // percent-encoded), an empty value would drop a segment: refused
    for traversal in ["..", ".", ""] {
        let item = Call::new(&ITEM, Auth::Managed)
            .path_param("id", &traversal)
            .path_param("part", &7u64);
        let e = call(&client, item).await.expect_err("refused");
        assert!(
            matches!(&e, Error::Encode { reason, .. } if reason.contains("would change the path")),
            "{traversal:?}: {e:?}"
        );
    }
    assert_eq!(
        server.received_requests().await.unwrap_or_default().len(),
        1
    );
}

#[tokio::test]
async fn an_explicit_token_is_used_as_is_without_retry() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/cgi-bin/something/clear"))
        .and(query_param("access_token", "MY_OWN_TOKEN"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"errcode": 40001, "errmsg": "invalid credential"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server).await;
    let e = call(&client, Call::new(&CLEAR, Auth::Explicit("MY_OWN_TOKEN")))
        .await
        .expect_err("no refresh for a token the caller manages");
    assert_eq!(e.api_code(), Some(40001));
    assert!(requests_to(&server, TOKEN_PATH).await.is_empty());
}

#[tokio::test]
async fn the_managed_token_is_refreshed_and_the_call_retried_exactly_once() {
    let server = MockServer::start().await;
    mount_token_refresh(&server).await;
    Mock::given(method("POST"))
        .and(path("/cgi-bin/something/clear"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"errcode": 42001, "errmsg": "access_token expired"})),
        )
        .mount(&server)
        .await;
    let client = client(&server).await;
    let e = call(&client, Call::new(&CLEAR, Auth::Managed))
        .await
        .expect_err("still expired after the retry");
    assert_eq!(e.api_code(), Some(42001));
    let requests = requests_to(&server, "/cgi-bin/something/clear").await;
    let tokens: Vec<_> = requests
        .iter()
        .map(|r| query_value(r, "access_token"))
        .collect();
    assert_eq!(
        tokens,
        [Some(ACCESS_TOKEN.to_owned()), Some(FRESH_TOKEN.to_owned())]
    );
}

#[tokio::test]
async fn config_values_follow_the_authorizer() {
    let server = MockServer::start().await;
    let client = client(&server).await;
    assert_eq!(config_value(&client, ConfigKey::AppId).ok(), Some(APPID));
    let merchant = client.authorizer(AUTHORIZER);
    assert_eq!(
        config_value(&merchant, ConfigKey::AppId).ok(),
        Some(AUTHORIZER)
    );
    assert_eq!(
        config_value(&merchant, ConfigKey::ComponentAppId).ok(),
        Some(COMPONENT_APPID)
    );
    let bare = wechat_api::Client::new(wechat_api::Config::default()).expect("client");
    assert!(matches!(
        config_value(&bare, ConfigKey::Secret),
        Err(Error::Config(_))
    ));
}
