//! Shared set-up of the transport tests: a client on wiremock with its
//! tokens cached, endpoints the spec does not describe (yet), the token
//! refresh answers, and a multipart parser for what WeChat received.

use std::convert::Infallible;
use std::time::Duration;

use wechat_api::endpoint::{AnswerKind, BodyKind, Credential, Endpoint, HttpMethod};
use wechat_api::token::TokenKey;
use wechat_api::{Client, ClientBuilder, Config};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

pub const APPID: &str = "wx_app";
pub const SECRET: &str = "app_secret_0123456789";
pub const COMPONENT_APPID: &str = "wx_component";
pub const COMPONENT_SECRET: &str = "component_secret_0123456789";
pub const AUTHORIZER: &str = "wxf8b4f85f3a794e77";
pub const ACCESS_TOKEN: &str = "ATOKEN_cached_0001";
pub const COMPONENT_TOKEN: &str = "CTOKEN_cached_0001";
pub const AUTHORIZER_TOKEN: &str = "AUTH_TOKEN_cached_0001";
pub const REFRESH_TOKEN: &str = "REFRESH_TOKEN_stored_0001";
/// What `cgi-bin/token` hands out after an invalidation.
pub const FRESH_TOKEN: &str = "ATOKEN_fresh_0002";
/// What `api_authorizer_token` hands out after an invalidation.
pub const FRESH_AUTHORIZER_TOKEN: &str = "AUTH_TOKEN_fresh_0002";

/// An endpoint description for a test, on `api.weixin.qq.com`.
pub const fn endpoint(
    name: &'static str,
    method: HttpMethod,
    path: &'static str,
    credential: Credential,
    body: BodyKind,
    answer: AnswerKind,
) -> Endpoint {
    Endpoint {
        module: "test",
        name,
        summary: "An endpoint only the transport tests know.",
        link: None,
        permission: None,
        method,
        host: "api.weixin.qq.com",
        path,
        credential,
        credential_param: match credential {
            Credential::None => "",
            Credential::AccessToken => "access_token",
            Credential::ComponentAccessToken => "component_access_token",
        },
        body,
        answer,
        params: &[],
        response_fields: &[],
        example: None,
    }
}

/// A client on `server` with the tokens cached and a refresh token stored.
pub async fn client(server: &MockServer) -> Client {
    client_with(server, |builder| builder).await
}

/// [`client`], with more builder settings.
pub async fn client_with(
    server: &MockServer,
    settings: impl FnOnce(ClientBuilder) -> ClientBuilder,
) -> Client {
    let config = Config::builder()
        .appid(APPID)
        .secret(SECRET)
        .component_appid(COMPONENT_APPID)
        .component_secret(COMPONENT_SECRET)
        .build()
        .expect("config");
    let builder = Client::builder(config)
        .base_url_for_all(&server.uri())
        .expect("base url")
        .timeout(Duration::from_secs(10));
    let client = settings(builder).build().expect("client");
    cache_tokens(&client).await;
    client
}

/// Caches the account's, the platform's and the authorizer's tokens.
pub async fn cache_tokens(client: &Client) {
    let hour = Some(Duration::from_secs(3600));
    let tokens = client.tokens();
    let cached = [
        (TokenKey::access_token(APPID), ACCESS_TOKEN),
        (
            TokenKey::component_access_token(COMPONENT_APPID),
            COMPONENT_TOKEN,
        ),
        (
            TokenKey::authorizer_access_token(COMPONENT_APPID, AUTHORIZER),
            AUTHORIZER_TOKEN,
        ),
    ];
    for (key, token) in cached {
        tokens.set(&key, token, hour).await.expect("token cached");
    }
    tokens
        .store_refresh_token(COMPONENT_APPID, AUTHORIZER, REFRESH_TOKEN)
        .await
        .expect("refresh token stored");
}

/// The path the managed basic token is refreshed from (`cgi-bin/stable_token`,
/// the client's default).
pub const TOKEN_PATH: &str = "/cgi-bin/stable_token";

/// Mounts WeChat's token endpoints: `cgi-bin/stable_token` answers
/// [`FRESH_TOKEN`], `api_authorizer_token` answers
/// [`FRESH_AUTHORIZER_TOKEN`].
pub async fn mount_token_refresh(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            format!(r#"{{"access_token":"{FRESH_TOKEN}","expires_in":7200}}"#),
            "application/json",
        ))
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path("/cgi-bin/component/api_authorizer_token"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            format!(
                r#"{{"authorizer_access_token":"{FRESH_AUTHORIZER_TOKEN}","expires_in":7200,"authorizer_refresh_token":"REFRESH_TOKEN_stored_0002"}}"#
            ),
            "application/json",
        ))
        .mount(server)
        .await;
}

/// The requests `server` received on `path`.
pub async fn requests_to(server: &MockServer, path: &str) -> Vec<Request> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.url.path() == path)
        .collect()
}

/// The value of the query parameter `name` of `request`.
pub fn query_value(request: &Request, name: &str) -> Option<String> {
    request
        .url
        .query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

/// One part of a `multipart/form-data` body, as a server parses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormPart {
    pub name: String,
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

/// The parts of the `multipart/form-data` body of `request`.
pub async fn form_parts(request: &Request) -> Vec<FormPart> {
    let content_type = request
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .expect("a content type");
    assert!(
        content_type.starts_with("multipart/form-data"),
        "{content_type}"
    );
    let boundary = multer::parse_boundary(content_type).expect("a boundary");
    let body = bytes::Bytes::from(request.body.clone());
    let stream = futures_util::stream::once(async move { Ok::<_, Infallible>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut parts = Vec::new();
    while let Some(field) = multipart.next_field().await.expect("a well-formed body") {
        let name = field.name().unwrap_or_default().to_owned();
        let filename = field.file_name().map(str::to_owned);
        let content_type = field.content_type().map(ToString::to_string);
        let bytes = field.bytes().await.expect("the part's bytes").to_vec();
        parts.push(FormPart {
            name,
            filename,
            content_type,
            bytes,
        });
    }
    parts
}
