//! The seed's endpoints against wiremock, written by hand: what WeChat
//! receives (method, path, query with the credential, JSON body), what the
//! typed response decodes to, acting for an authorizer, and the error paths
//! of the transport. Every spec endpoint is also covered, from the spec
//! alone, by `spec_endpoints.rs`; these cases are a second opinion written
//! without the generator's help.

use wechat_api_test_support::child;
use wechat_api_test_support::refused_port;

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use refused_port::RefusedPort;
use serde_json::{Value, json};
use wechat_api::api::{ENDPOINTS, component, message, oauth, official, wxa};
use wechat_api::endpoint::Endpoint;
use wechat_api::token::TokenKey;
use wechat_api::{Client, Config, Error};
use wiremock::matchers::{body_json, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const APPID: &str = "wx_app";
const SECRET: &str = "app_secret";
const COMPONENT_APPID: &str = "wx_component";
const COMPONENT_SECRET: &str = "component_secret";
const AUTHORIZER: &str = "wxf8b4f85f3a794e77";
const COMPONENT_TOKEN: &str = "CTOKEN";
const ACCESS_TOKEN: &str = "ATOKEN";
const AUTHORIZER_TOKEN: &str = "AUTH_TOKEN";

type Call = Box<dyn Fn(Client) -> Pin<Box<dyn Future<Output = wechat_api::Result<Value>> + Send>>>;

/// One endpoint's case: which client calls it (own or authorizer), how, and
/// what WeChat must receive.
struct Case {
    name: &'static str,
    module: &'static str,
    as_authorizer: bool,
    query: Vec<(&'static str, &'static str)>,
    body: Option<Value>,
    call: Call,
}

fn to_json<T: serde::Serialize>(r: wechat_api::Result<T>) -> wechat_api::Result<Value> {
    r.map(|v| serde_json::to_value(v).expect("responses serialize"))
}

macro_rules! call {
    (|$c:ident| $body:expr) => {
        Box::new(move |$c: Client| Box::pin(async move { to_json($body.await) }))
    };
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "component_token",
            module: "component",
            as_authorizer: false,
            query: vec![],
            body: Some(
                json!({"component_appid": COMPONENT_APPID, "component_appsecret": COMPONENT_SECRET, "component_verify_ticket": "TICKET"}),
            ),
            call: call!(|c| c
                .component()
                .component_token(component::ComponentTokenRequest::new("TICKET"))),
        },
        Case {
            name: "start_push_ticket",
            module: "component",
            as_authorizer: false,
            query: vec![],
            body: Some(
                json!({"component_appid": COMPONENT_APPID, "component_secret": COMPONENT_SECRET}),
            ),
            call: call!(|c| c.component().start_push_ticket()),
        },
        Case {
            name: "create_preauthcode",
            module: "component",
            as_authorizer: false,
            query: vec![("component_access_token", COMPONENT_TOKEN)],
            body: Some(json!({"component_appid": COMPONENT_APPID})),
            call: call!(|c| c.component().create_preauthcode()),
        },
        Case {
            name: "query_auth",
            module: "component",
            as_authorizer: false,
            query: vec![("component_access_token", COMPONENT_TOKEN)],
            body: Some(
                json!({"component_appid": COMPONENT_APPID, "authorization_code": "AUTH_CODE"}),
            ),
            call: call!(|c| c
                .component()
                .query_auth(component::QueryAuthRequest::new("AUTH_CODE"))),
        },
        Case {
            name: "authorizer_token",
            module: "component",
            as_authorizer: false,
            query: vec![("component_access_token", COMPONENT_TOKEN)],
            body: Some(
                json!({"component_appid": COMPONENT_APPID, "authorizer_appid": AUTHORIZER, "authorizer_refresh_token": "RT"}),
            ),
            call: call!(|c| c
                .component()
                .authorizer_token(component::AuthorizerTokenRequest::new(AUTHORIZER, "RT"))),
        },
        Case {
            name: "get_authorizer_info",
            module: "component",
            as_authorizer: false,
            query: vec![("component_access_token", COMPONENT_TOKEN)],
            body: Some(json!({"component_appid": COMPONENT_APPID, "authorizer_appid": AUTHORIZER})),
            call: call!(|c| c
                .component()
                .get_authorizer_info(component::GetAuthorizerInfoRequest::new(AUTHORIZER))),
        },
        Case {
            name: "clear_quota",
            module: "component",
            as_authorizer: false,
            query: vec![("component_access_token", COMPONENT_TOKEN)],
            body: Some(json!({"component_appid": COMPONENT_APPID})),
            call: call!(|c| c.component().clear_quota()),
        },
        Case {
            name: "token",
            module: "official",
            as_authorizer: false,
            query: vec![
                ("grant_type", "client_credential"),
                ("appid", APPID),
                ("secret", SECRET),
            ],
            body: None,
            call: call!(|c| c.official().token()),
        },
        Case {
            name: "stable_token",
            module: "official",
            as_authorizer: false,
            query: vec![],
            body: Some(
                json!({"grant_type": "client_credential", "appid": APPID, "secret": SECRET, "force_refresh": true}),
            ),
            call: call!(|c| c
                .official()
                .stable_token(official::StableTokenRequest::new().force_refresh(true))),
        },
        Case {
            name: "get_ticket",
            module: "official",
            as_authorizer: false,
            query: vec![("access_token", ACCESS_TOKEN), ("type", "wx_card")],
            body: None,
            call: call!(|c| c.official().get_ticket(official::GetTicketRequest::new(
                official::TicketType::WxCard
            ))),
        },
        Case {
            name: "clear_quota",
            module: "official",
            as_authorizer: true,
            query: vec![("access_token", AUTHORIZER_TOKEN)],
            body: Some(json!({"appid": AUTHORIZER})),
            call: call!(|c| c.official().clear_quota()),
        },
        Case {
            name: "access_token",
            module: "oauth",
            as_authorizer: false,
            query: vec![
                ("appid", APPID),
                ("secret", SECRET),
                ("code", "CODE"),
                ("grant_type", "authorization_code"),
            ],
            body: None,
            call: call!(|c| c
                .oauth()
                .access_token(oauth::AccessTokenRequest::new("CODE"))),
        },
        Case {
            name: "component_access_token",
            module: "oauth",
            as_authorizer: true,
            query: vec![
                ("appid", AUTHORIZER),
                ("code", "CODE"),
                ("grant_type", "authorization_code"),
                ("component_appid", COMPONENT_APPID),
                ("component_access_token", COMPONENT_TOKEN),
            ],
            body: None,
            call: call!(|c| c
                .oauth()
                .component_access_token(oauth::ComponentAccessTokenRequest::new("CODE"))),
        },
        Case {
            name: "refresh_token",
            module: "oauth",
            as_authorizer: false,
            query: vec![
                ("appid", APPID),
                ("grant_type", "refresh_token"),
                ("refresh_token", "USER_RT"),
            ],
            body: None,
            call: call!(|c| c
                .oauth()
                .refresh_token(oauth::RefreshTokenRequest::new("USER_RT"))),
        },
        Case {
            name: "component_refresh_token",
            module: "oauth",
            as_authorizer: true,
            query: vec![
                ("appid", AUTHORIZER),
                ("grant_type", "refresh_token"),
                ("component_appid", COMPONENT_APPID),
                ("component_access_token", COMPONENT_TOKEN),
                ("refresh_token", "USER_RT"),
            ],
            body: None,
            call: call!(|c| c
                .oauth()
                .component_refresh_token(oauth::ComponentRefreshTokenRequest::new("USER_RT"))),
        },
        Case {
            name: "userinfo",
            module: "oauth",
            as_authorizer: false,
            query: vec![
                ("access_token", "USER_TOKEN"),
                ("openid", "OPENID"),
                ("lang", "en"),
            ],
            body: None,
            call: call!(|c| c
                .oauth()
                .userinfo(oauth::UserinfoRequest::new("USER_TOKEN", "OPENID").lang("en"))),
        },
        Case {
            name: "custom_send",
            module: "message",
            as_authorizer: true,
            query: vec![("access_token", AUTHORIZER_TOKEN)],
            body: Some(
                json!({"touser": "OPENID", "msgtype": "text", "text": {"content": "hello"}}),
            ),
            call: call!(|c| c.message().custom_send(message::CustomSendRequest::new(
                "OPENID",
                message::CustomMessage::Text(message::TextContent::new("hello"))
            ))),
        },
        Case {
            name: "custom_send",
            module: "wxa",
            as_authorizer: true,
            query: vec![("access_token", AUTHORIZER_TOKEN)],
            body: Some(
                json!({"touser": "OPENID", "msgtype": "text", "text": {"content": "hello"}}),
            ),
            call: call!(|c| c.wxa().custom_send(wxa::CustomSendRequest::new(
                "OPENID",
                wxa::WxaCustomMessage::Text(wxa::WxaTextContent::new("hello"))
            ))),
        },
        Case {
            name: "check_token",
            module: "oauth",
            as_authorizer: false,
            query: vec![("access_token", "USER_TOKEN"), ("openid", "OPENID")],
            body: None,
            call: call!(|c| c
                .oauth()
                .check_token(oauth::CheckTokenRequest::new("USER_TOKEN", "OPENID"))),
        },
    ]
}

fn endpoint(case: &Case) -> &'static Endpoint {
    ENDPOINTS
        .iter()
        .find(|e| e.module == case.module && e.name == case.name)
        .unwrap_or_else(|| panic!("{}.{} is not in the spec", case.module, case.name))
}

/// A client pointed at `server`, with managed tokens already cached so the
/// only request is the one under test.
async fn client(server: &MockServer, as_authorizer: bool) -> Client {
    let config = Config::builder()
        .appid(APPID)
        .secret(SECRET)
        .component_appid(COMPONENT_APPID)
        .component_secret(COMPONENT_SECRET)
        .build()
        .unwrap();
    let client = Client::builder(config)
        .base_url_for_all(&server.uri())
        .unwrap()
        .build()
        .unwrap();
    let hour = Some(Duration::from_secs(3600));
    let tokens = client.tokens();
    tokens
        .set(
            &TokenKey::component_access_token(COMPONENT_APPID),
            COMPONENT_TOKEN,
            hour,
        )
        .await
        .unwrap();
    tokens
        .set(&TokenKey::access_token(APPID), ACCESS_TOKEN, hour)
        .await
        .unwrap();
    tokens
        .set(
            &TokenKey::authorizer_access_token(COMPONENT_APPID, AUTHORIZER),
            AUTHORIZER_TOKEN,
            hour,
        )
        .await
        .unwrap();
    if as_authorizer {
        client.authorizer(AUTHORIZER)
    } else {
        client
    }
}

fn strip_errors(mut v: Value) -> Value {
    if let Some(map) = v.as_object_mut() {
        map.remove("errcode");
    }
    v
}

#[tokio::test]
async fn each_endpoint_sends_what_wechat_expects_and_decodes_the_example() {
    for case in cases() {
        let ep = endpoint(&case);
        let server = MockServer::start().await;
        let example = ep.example.unwrap_or_else(|| panic!("{ep} has no example"));
        let mut mock = Mock::given(method(ep.method.as_str())).and(path(ep.path));
        for (k, v) in &case.query {
            mock = mock.and(query_param(*k, *v));
        }
        for cred in ["access_token", "component_access_token"] {
            if !case.query.iter().any(|(k, _)| *k == cred) {
                mock = mock.and(query_param_is_missing(cred));
            }
        }
        if let Some(body) = &case.body {
            mock = mock.and(body_json(body));
        }
        mock.respond_with(ResponseTemplate::new(200).set_body_raw(example, "application/json"))
            .expect(1)
            .named(ep.to_string())
            .mount(&server)
            .await;
        let got = (case.call)(client(&server, case.as_authorizer).await)
            .await
            .unwrap_or_else(|e| panic!("{ep}: {e}"));
        let mut want = strip_errors(serde_json::from_str(example).unwrap());
        // `errmsg` is only a field where the spec declares one
        if got.get("errmsg").is_none()
            && let Some(map) = want.as_object_mut()
        {
            map.remove("errmsg");
        }
        // an endpoint whose answer carries nothing but the errcode returns `()`
        if want == serde_json::json!({}) {
            assert!(
                got.is_null(),
                "{ep}: an acknowledgement returns (), got {got}"
            );
        } else {
            assert_eq!(
                got, want,
                "{ep}: typed response differs from the spec example"
            );
        }
        // the query carries nothing the case did not name
        let requests = server.received_requests().await.unwrap();
        let pairs: Vec<(String, String)> = requests[0]
            .url
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        assert_eq!(
            pairs.len(),
            case.query.len(),
            "{ep}: unexpected query {pairs:?}"
        );
        server.verify().await;
    }
}

#[tokio::test]
async fn errcode_becomes_a_typed_api_error_for_every_endpoint() {
    for case in cases() {
        let ep = endpoint(&case);
        let server = MockServer::start().await;
        Mock::given(method(ep.method.as_str()))
            .and(path(ep.path))
            .respond_with(ResponseTemplate::new(200).set_body_raw(
                r#"{"errcode":40013,"errmsg":"invalid appid"}"#,
                "application/json",
            ))
            .expect(1)
            .mount(&server)
            .await;
        let err = (case.call)(client(&server, case.as_authorizer).await)
            .await
            .unwrap_err();
        match err {
            Error::Api {
                code,
                message,
                endpoint,
            } => {
                assert_eq!(
                    (code, message.as_str(), endpoint.method()),
                    (40013, "invalid appid", ep.name),
                    "{ep}"
                );
                // Errors name the call as `module.method` and its path.
                assert_eq!((endpoint.module(), endpoint.path()), (ep.module, ep.path));
                assert_eq!(endpoint, format!("{}.{}", ep.module, ep.name).as_str());
            }
            other => panic!("{ep}: expected Error::Api, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn bad_upstream_answers_are_typed_errors() {
    let answers: Vec<(ResponseTemplate, &str)> = vec![
        (
            ResponseTemplate::new(200)
                .set_body_raw("<html><body>系统繁忙</body></html>", "text/html"),
            "decode",
        ),
        (ResponseTemplate::new(200), "decode"),
        (
            ResponseTemplate::new(200).set_body_raw(
                r#"{"access_token":"ACCESS_TOKEN","expi"#,
                "application/json",
            ),
            "decode",
        ),
        (
            ResponseTemplate::new(200).set_body_raw(r#"{"expires_in":"soon"}"#, "application/json"),
            "decode",
        ),
        (
            ResponseTemplate::new(502).set_body_raw("<html>Bad Gateway</html>", "text/html"),
            "status",
        ),
    ];
    for (answer, kind) in answers {
        let server = MockServer::start().await;
        Mock::given(path("/cgi-bin/token"))
            .respond_with(answer)
            .expect(1)
            .mount(&server)
            .await;
        let err = client(&server, false)
            .await
            .official()
            .token()
            .await
            .unwrap_err();
        let text = format!("{err} {err:?}");
        assert!(
            !text.contains("ACCESS_TOKEN") && !text.contains(SECRET),
            "secret leaked: {text}"
        );
        match (kind, &err) {
            ("decode", Error::Decode { endpoint, .. }) if endpoint == "official.token" => {}
            (
                "status",
                Error::Status {
                    status: 502,
                    endpoint,
                    ..
                },
            ) if endpoint == "official.token" => {}
            _ => panic!("expected a {kind} error, got {err:?}"),
        }
    }
}

#[tokio::test]
async fn transport_errors_do_not_carry_the_token_in_the_url() {
    // a port where nothing listens (held, so nothing else can start to)
    let refused = RefusedPort::bind();
    let addr = refused.addr();
    let config = Config::builder()
        .appid(APPID)
        .secret(SECRET)
        .build()
        .unwrap();
    let client = Client::builder(config)
        .base_url_for_all(&format!("http://{addr}"))
        .unwrap()
        .build()
        .unwrap();
    client
        .tokens()
        .set(
            &TokenKey::access_token(APPID),
            "SUPERSECRETTOKEN",
            Some(Duration::from_secs(3600)),
        )
        .await
        .unwrap();
    let err = client
        .official()
        .get_ticket(official::GetTicketRequest::new(official::TicketType::Jsapi))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Http { ref endpoint, .. } if endpoint == "official.get_ticket"
        ),
        "{err:?}"
    );
    let text = format!("{err} {err:?}");
    assert!(!text.contains("SUPERSECRETTOKEN"), "token leaked: {text}");
}

#[tokio::test]
async fn an_explicit_token_is_used_as_is_and_never_refreshed() {
    let server = MockServer::start().await;
    Mock::given(path("/cgi-bin/component/api_create_preauthcode"))
        .and(query_param("component_access_token", "MINE"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"errcode":40001,"errmsg":"invalid credential"}"#,
            "application/json",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server, false).await;
    let err = client
        .component()
        .with_token("MINE")
        .create_preauthcode()
        .await
        .unwrap_err();
    assert_eq!(err.api_code(), Some(40001));
}

#[tokio::test]
async fn missing_configuration_is_a_config_error_before_any_request() {
    let server = MockServer::start().await;
    let client = Client::builder(Config::default())
        .base_url_for_all(&server.uri())
        .unwrap()
        .build()
        .unwrap();
    let err = client.official().token().await.unwrap_err();
    assert!(
        matches!(&err, Error::Config(m) if m.contains("appid")),
        "{err:?}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[test]
fn debug_output_redacts_secrets() {
    let config = Config::builder()
        .appid(APPID)
        .secret("TOPSECRET")
        .component_secret("CSECRET")
        .token("MTOKEN")
        .build()
        .unwrap();
    let client = Client::new(config).unwrap();
    let text = format!("{client:?}");
    for secret in ["TOPSECRET", "CSECRET", "MTOKEN"] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
    let response: component::AuthorizerTokenResponse = serde_json::from_str(
        r#"{"authorizer_access_token":"AAA_SECRET","expires_in":7200,"authorizer_refresh_token":"RRR_SECRET"}"#,
    )
    .unwrap();
    let text = format!("{response:?}");
    assert!(
        !text.contains("AAA_SECRET") && !text.contains("RRR_SECRET") && text.contains("7200"),
        "{text}"
    );
    let request = component::AuthorizerTokenRequest::new(AUTHORIZER, "RRR_SECRET");
    assert!(!format!("{request:?}").contains("RRR_SECRET"));
}

#[test]
fn building_a_client_installs_no_process_wide_tls_provider() {
    // Other tests of this binary install one (the sandbox does): the check
    // runs in a process of its own, this binary again with only this test.
    const CHILD_ENV: &str = "WECHAT_API_TLS_PROVIDER_CHILD";
    if !child::is_child(CHILD_ENV) {
        child::run_to_success(child::command(
            module_path!(),
            "building_a_client_installs_no_process_wide_tls_provider",
            CHILD_ENV,
        ));
        return;
    }
    // nothing in this process installs one, so an application's own
    // `install_default` after building our client still succeeds
    let _client = Client::new(Config::default()).unwrap();
    assert!(rustls::crypto::CryptoProvider::get_default().is_none());
}

/// After WeChat rejected a token, the client keeps it (to mask echoes of it
/// in errors) but never shows it; nor does a handler show an explicit token.
#[tokio::test]
async fn debug_output_never_shows_a_rejected_or_explicit_token() {
    let server = MockServer::start().await;
    Mock::given(path("/cgi-bin/ticket/getticket"))
        .and(query_param("access_token", ACCESS_TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"errcode":40001,"errmsg":"invalid credential"}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    Mock::given(path("/cgi-bin/stable_token"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"access_token":"FRESH_TOKEN_0002","expires_in":7200}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    Mock::given(path("/cgi-bin/ticket/getticket"))
        .and(query_param("access_token", "FRESH_TOKEN_0002"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"errcode":0,"ticket":"T","expires_in":7200}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    let client = client(&server, false).await;
    client
        .official()
        .get_ticket(official::GetTicketRequest::new(official::TicketType::Jsapi))
        .await
        .expect("refreshed and retried");
    let text = format!("{client:?}");
    assert!(
        !text.contains(ACCESS_TOKEN),
        "the rejected token leaked: {text}"
    );
    assert!(text.contains("retired_tokens: 1"), "{text}");
    let handler = format!(
        "{:?}",
        client.official().with_token("EXPLICIT_SECRET_TOKEN")
    );
    assert!(!handler.contains("EXPLICIT_SECRET_TOKEN"), "{handler}");
}

#[test]
fn errors_name_the_call_by_module_method_and_path() {
    let error = Error::Api {
        code: 40003,
        message: "invalid openid".into(),
        endpoint: wechat_api::CallName::endpoint("user", "info", "/cgi-bin/user/info"),
    };
    assert!(
        error.to_string().starts_with(
            "WeChat API error 40003 from `user.info` (/cgi-bin/user/info): invalid openid"
        ),
        "{error}"
    );
}
