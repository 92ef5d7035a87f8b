//! The sandbox serves every endpoint of the spec, with WeChat's checks and
//! errcodes: routes come from `wechat_api::api::ENDPOINTS`, an endpoint
//! unknown to the hand-written code is served from its example, and the
//! stateful endpoints (tokens, codes, tickets) behave like WeChat.

use serde_json::{Value, json};
use url::Url;
use wechat_api::api::component::AuthorizerTokenRequest;
use wechat_api::api::oauth::{
    AccessTokenRequest, CheckTokenRequest, RefreshTokenRequest, UserinfoRequest,
};
use wechat_api::api::official::{GetTicketRequest, StableTokenRequest, TicketType};
use wechat_api::authorize::Scope;
use wechat_api::endpoint::{
    AnswerKind, BodyKind, ConfigKey, Credential, Endpoint, HttpMethod, ParamInfo, ParamLocation,
    ParamSource, ValueKind,
};
use wechat_api::{Client, Config, Error};
use wechat_api_test_support::platform::Platform;
use wechat_sandbox::release_test::AccountKind;
use wechat_sandbox::{
    DEFAULT_MERCHANT_APPID, DEFAULT_OPENID, Fault, Merchant, Sandbox, SandboxConfig, errcode,
};

use wechat_api_test_support::platform as sandbox_flow;

use sandbox_flow::{authorize_merchant, client, sandbox_with};

fn browser() -> reqwest::Client {
    wechat_api_test_support::platform::browser()
}

async fn sandbox() -> Sandbox {
    sandbox_with(SandboxConfig::builder()).await
}

/// Sends a raw request; returns the status and the JSON body.
async fn raw(
    sandbox: &Sandbox,
    method: HttpMethod,
    path: &str,
    query: &[(&str, &str)],
    body: Option<Value>,
) -> (u16, Value) {
    let url = sandbox
        .base_url()
        .join(path.trim_start_matches('/'))
        .unwrap();
    let http = browser();
    let mut request = match method {
        HttpMethod::Get => http.get(url),
        HttpMethod::Post => http.post(url),
    }
    .query(query);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let answer = request.send().await.expect("sandbox answers");
    let status = answer.status().as_u16();
    let text = answer.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

fn errcode_of(v: &Value) -> i64 {
    v.get("errcode").and_then(Value::as_i64).unwrap_or(0)
}

/// A sandbox whose platform has a ticket (pushed to a callback server) and
/// whose merchant authorized; returns the server too (keep it alive).
async fn authorized(sandbox: &Sandbox) -> (Client, Platform) {
    let client = client(sandbox);
    let server = authorize_merchant(sandbox, &client).await;
    (client, server)
}

#[tokio::test]
async fn every_spec_endpoint_is_routed_and_checked() {
    let sandbox = sandbox().await;
    assert!(!wechat_api::api::ENDPOINTS.is_empty());
    for endpoint in wechat_api::api::ENDPOINTS {
        // several endpoints may share a path: a call without parameters goes
        // to one of them, whose checks refuse it
        let before = sandbox.request_count(endpoint.path);
        let (status, body) = raw(&sandbox, endpoint.method, endpoint.path, &[], None).await;
        assert_eq!(status, 200, "{endpoint}: {body}");
        let code = errcode_of(&body);
        assert_ne!(
            code, 0,
            "{endpoint} accepted a call without parameters: {body}"
        );
        if endpoint.credential != Credential::None {
            assert_eq!(code, errcode::MISSING_ACCESS_TOKEN, "{endpoint}: {body}");
        }
        assert_eq!(
            sandbox.request_count(endpoint.path),
            before + 1,
            "{endpoint}"
        );
    }
    let (status, _) = raw(
        &sandbox,
        HttpMethod::Get,
        "/cgi-bin/nothing_here",
        &[],
        None,
    )
    .await;
    assert_eq!(status, 404);
}

/// The mini program of [`accounts`].
const MINI_PROGRAM: &str = "wx00000000b0000002";

/// A sandbox with an official-account merchant and a mini-program
/// merchant, both authorized.
async fn accounts() -> (Sandbox, Client, Platform) {
    let sandbox = sandbox_with(
        SandboxConfig::builder()
            .merchant(Merchant::new(DEFAULT_MERCHANT_APPID, "Sandbox Coffee"))
            .merchant(Merchant::new(MINI_PROGRAM, "Sandbox Mini").kind(AccountKind::MiniProgram)),
    )
    .await;
    let client = client(&sandbox);
    let server = authorize_merchant(&sandbox, &client).await;
    sandbox_flow::authorize(&client, Some(MINI_PROGRAM)).await;
    (sandbox, client, server)
}

/// A value of `kind` for a parameter the caller fills.
fn sample(kind: ValueKind) -> Value {
    match kind {
        ValueKind::Bool => json!(true),
        ValueKind::Integer => json!(1),
        ValueKind::Float => json!(1.5),
        ValueKind::List => json!([]),
        ValueKind::Object | ValueKind::Json => json!({}),
        ValueKind::JsonString => json!("{}"),
        _ => json!("x"),
    }
}

/// A fixed value as the JSON of its kind.
fn fixed(kind: ValueKind, value: &str) -> Value {
    match kind {
        ValueKind::Bool => json!(value == "true"),
        ValueKind::Integer => value
            .parse::<i64>()
            .map_or_else(|_| json!(value), |n| json!(n)),
        _ => json!(value),
    }
}

/// Text of a JSON value, for the query, the path or a form field.
fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The tokens and appids a well-formed call uses.
struct Accounts {
    official: (String, String),
    mini_program: (String, String),
    component_token: String,
}

/// A request with every parameter `endpoint` needs, built from its
/// description alone: the path, the query and the body (JSON, or a
/// multipart form with a JPEG in each file part).
fn well_formed(
    sandbox: &Sandbox,
    endpoint: &Endpoint,
    accounts: &Accounts,
) -> reqwest::RequestBuilder {
    let c = sandbox.config();
    // the sandbox knows the secret of its own account only
    let own_secret = endpoint
        .params
        .iter()
        .any(|p| p.source == ParamSource::Config(ConfigKey::Secret));
    let (appid, token) = if endpoint.module.starts_with("wxa") && !own_secret {
        &accounts.mini_program
    } else {
        &accounts.official
    };
    let mut path = endpoint.path.to_owned();
    let mut query: Vec<(String, String)> = Vec::new();
    match endpoint.credential {
        Credential::None => {}
        credential => {
            let name = if endpoint.credential_param.is_empty() {
                credential.query_name().unwrap_or_default()
            } else {
                endpoint.credential_param
            };
            let token = if credential == Credential::ComponentAccessToken {
                &accounts.component_token
            } else {
                token
            };
            query.push((name.to_owned(), token.clone()));
        }
    }
    let mut body = serde_json::Map::new();
    let mut form: Vec<(&str, Option<&str>, Vec<u8>)> = Vec::new();
    for param in endpoint.params.iter().filter(|p| !p.flatten) {
        let value = match param.source {
            ParamSource::Fixed(v) => fixed(param.kind, v),
            ParamSource::Config(ConfigKey::AppId) => json!(appid),
            ParamSource::Config(ConfigKey::Secret) => json!(c.official_secret()),
            ParamSource::Config(ConfigKey::ComponentAppId) => json!(c.component_appid()),
            ParamSource::Config(ConfigKey::ComponentSecret) => json!(c.component_secret()),
            ParamSource::Config(ConfigKey::MchId) => json!("not a WeChat endpoint parameter"),
            ParamSource::Caller { required: true } => sample(param.kind),
            _ => continue,
        };
        match param.location {
            ParamLocation::Path => {
                path = path.replace(&format!("{{{}}}", param.name), &text(&value))
            }
            ParamLocation::Query => query.push((param.name.to_owned(), text(&value))),
            ParamLocation::Body => {
                body.insert(param.name.to_owned(), value);
            }
            ParamLocation::Multipart if param.kind == ValueKind::File => {
                form.push((param.name, Some("sandbox.jpg"), JPEG.to_vec()));
            }
            ParamLocation::Multipart => form.push((param.name, None, text(&value).into_bytes())),
        }
    }
    let url = sandbox
        .base_url()
        .join(path.trim_start_matches('/'))
        .unwrap();
    let http = browser();
    let request = match endpoint.method {
        HttpMethod::Get => return http.get(url).query(&query),
        HttpMethod::Post => http.post(url).query(&query),
    };
    if endpoint.body == BodyKind::Multipart {
        let (content_type, body) = multipart(&form);
        request.header("content-type", content_type).body(body)
    } else {
        request.json(&Value::Object(body))
    }
}

/// A small JPEG (SOI, JFIF header… EOI: the sandbox only checks the name).
const JPEG: &[u8] = b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xFF\xD9";

/// A `multipart/form-data` body of `parts` (name, filename, bytes).
fn multipart(parts: &[(&str, Option<&str>, Vec<u8>)]) -> (String, Vec<u8>) {
    let boundary = "sandboxBoundary7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, filename, bytes) in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match filename {
            Some(filename) => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: image/jpeg\r\n\r\n").as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test]
async fn every_spec_endpoint_is_served_when_its_parameters_are_right() {
    let (sandbox, client, _server) = accounts().await;
    let accounts = Accounts {
        official: (
            sandbox.config().official_appid().to_owned(),
            client.access_token().await.unwrap(),
        ),
        mini_program: (
            MINI_PROGRAM.to_owned(),
            client
                .authorizer(MINI_PROGRAM)
                .access_token()
                .await
                .unwrap(),
        ),
        component_token: client.component_access_token().await.unwrap(),
    };
    let mut stateless = 0;
    for endpoint in wechat_api::api::ENDPOINTS {
        let before = sandbox.endpoint_count(endpoint);
        let answer = well_formed(&sandbox, endpoint, &accounts)
            .send()
            .await
            .expect("the sandbox answers");
        assert_eq!(answer.status().as_u16(), 200, "{endpoint}");
        // routed to this endpoint, not to another one of its path
        assert_eq!(
            sandbox.endpoint_count(endpoint),
            before + 1,
            "{endpoint} was not routed to"
        );
        if wechat_sandbox::is_stateful(endpoint) {
            continue;
        }
        stateless += 1;
        let header = |name| {
            answer
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        let (content_type, disposition) = (header("content-type"), header("content-disposition"));
        let bytes = answer.bytes().await.unwrap();
        if endpoint.answer == AnswerKind::Media {
            assert_eq!(content_type, "image/jpeg", "{endpoint}");
            assert!(
                disposition.contains("filename=\""),
                "{endpoint}: {disposition}"
            );
            assert_eq!(&bytes[..2], b"\xFF\xD8", "{endpoint}");
            continue;
        }
        let expected: Value = endpoint.example.map_or_else(
            || json!({"errcode": 0, "errmsg": "ok"}),
            |e| serde_json::from_str(e).unwrap(),
        );
        let got: Value = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| panic!("{endpoint} did not answer JSON"));
        assert_eq!(got, expected, "{endpoint} did not answer its example");
    }
    assert!(
        stateless > 150,
        "only {stateless} endpoints answered their example"
    );
}

static WIDGET: Endpoint = Endpoint {
    module: "demo",
    name: "get_widget",
    summary: "An endpoint only this test knows.",
    link: None,
    permission: None,
    method: HttpMethod::Post,
    host: "api.weixin.qq.com",
    path: "/cgi-bin/demo/get_widget",
    credential: Credential::AccessToken,
    credential_param: "access_token",
    body: BodyKind::Json,
    answer: AnswerKind::Json,
    params: &[
        ParamInfo {
            location: ParamLocation::Body,
            name: "widget_id",
            source: ParamSource::Caller { required: true },
            kind: ValueKind::String,
            flatten: false,
        },
        ParamInfo {
            location: ParamLocation::Body,
            name: "appid",
            source: ParamSource::Config(ConfigKey::AppId),
            kind: ValueKind::String,
            flatten: false,
        },
        ParamInfo {
            location: ParamLocation::Query,
            name: "kind",
            source: ParamSource::Fixed("round"),
            kind: ValueKind::String,
            flatten: false,
        },
    ],
    response_fields: &["widget"],
    example: Some(r#"{"errcode": 0, "errmsg": "ok", "widget": {"id": 7, "name": "gear"}}"#),
};

// With the endpoint the managed access token comes from.
static WITH_WIDGET: &[&Endpoint] = &[&WIDGET, &wechat_api::api::official::endpoints::STABLE_TOKEN];

#[tokio::test]
async fn an_endpoint_added_to_the_spec_is_served_from_its_example_after_the_checks() {
    let config = SandboxConfig::builder()
        .push_interval(None)
        .endpoints(WITH_WIDGET)
        .build()
        .unwrap();
    let sandbox = Sandbox::start(config).await.unwrap();
    let appid = sandbox.config().official_appid().to_owned();
    let token = client(&sandbox).access_token().await.unwrap();
    let post = |query: Vec<(&'static str, String)>, body: Value| {
        let sandbox = &sandbox;
        async move {
            let query: Vec<(&str, &str)> = query.iter().map(|(k, v)| (*k, v.as_str())).collect();
            raw(sandbox, HttpMethod::Post, WIDGET.path, &query, Some(body)).await
        }
    };
    let good_body = json!({"widget_id": "w1", "appid": appid});

    let (_, answer) = post(vec![("kind", "round".into())], good_body.clone()).await;
    assert_eq!(
        errcode_of(&answer),
        errcode::MISSING_ACCESS_TOKEN,
        "{answer}"
    );
    let (_, answer) = post(
        vec![("access_token", "forged".into()), ("kind", "round".into())],
        good_body.clone(),
    )
    .await;
    assert_eq!(errcode_of(&answer), errcode::INVALID_CREDENTIAL, "{answer}");
    let (_, answer) = post(
        vec![("access_token", token.clone()), ("kind", "round".into())],
        json!({"appid": appid}),
    )
    .await;
    assert_eq!(errcode_of(&answer), errcode::DATA_FORMAT, "{answer}");
    let (_, answer) = post(
        vec![("access_token", token.clone()), ("kind", "square".into())],
        good_body.clone(),
    )
    .await;
    assert_eq!(errcode_of(&answer), errcode::INVALID_ARGS, "{answer}");
    let (_, answer) = post(
        vec![("access_token", token.clone()), ("kind", "round".into())],
        json!({"widget_id": "w1", "appid": "wx_somebody_else"}),
    )
    .await;
    assert_eq!(errcode_of(&answer), errcode::INVALID_APPID, "{answer}");

    let (status, answer) = post(
        vec![("access_token", token.clone()), ("kind", "round".into())],
        good_body.clone(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        answer,
        json!({"errcode": 0, "errmsg": "ok", "widget": {"id": 7, "name": "gear"}})
    );

    sandbox.expire_all_tokens();
    let (_, answer) = post(
        vec![("access_token", token), ("kind", "round".into())],
        good_body,
    )
    .await;
    assert_eq!(
        errcode_of(&answer),
        errcode::ACCESS_TOKEN_EXPIRED,
        "{answer}"
    );
    // Endpoints not in the list are not served.
    let (status, _) = raw(
        &sandbox,
        HttpMethod::Get,
        "/cgi-bin/ticket/getticket",
        &[],
        None,
    )
    .await;
    assert_eq!(status, 404);
}

/// A multipart upload under a path parameter, sharing its path with a
/// JSON endpoint told apart by a fixed query value; and a QR code.
static LOGO: Endpoint = Endpoint {
    module: "demo",
    name: "upload_logo",
    summary: "Uploads a shop's logo.",
    link: None,
    permission: None,
    method: HttpMethod::Post,
    host: "api.weixin.qq.com",
    path: "/cgi-bin/demo/{shop_id}/logo",
    credential: Credential::AccessToken,
    credential_param: "access_token",
    body: BodyKind::Multipart,
    answer: AnswerKind::Json,
    params: &[
        ParamInfo {
            location: ParamLocation::Path,
            name: "shop_id",
            source: ParamSource::Caller { required: true },
            kind: ValueKind::String,
            flatten: false,
        },
        ParamInfo {
            location: ParamLocation::Multipart,
            name: "logo",
            source: ParamSource::Caller { required: true },
            kind: ValueKind::File,
            flatten: false,
        },
        ParamInfo {
            location: ParamLocation::Multipart,
            name: "note",
            source: ParamSource::Caller { required: true },
            kind: ValueKind::String,
            flatten: false,
        },
    ],
    response_fields: &["url"],
    example: Some(r#"{"errcode": 0, "errmsg": "ok", "url": "https://example.com/logo.png"}"#),
};

static FIND_LOGO: Endpoint = Endpoint {
    name: "find_logo",
    summary: "Finds a shop's logos.",
    body: BodyKind::Json,
    params: &[
        ParamInfo {
            location: ParamLocation::Path,
            name: "shop_id",
            source: ParamSource::Caller { required: true },
            kind: ValueKind::String,
            flatten: false,
        },
        ParamInfo {
            location: ParamLocation::Query,
            name: "action",
            source: ParamSource::Fixed("search"),
            kind: ValueKind::String,
            flatten: false,
        },
        ParamInfo {
            location: ParamLocation::Body,
            name: "name",
            source: ParamSource::Caller { required: true },
            kind: ValueKind::String,
            flatten: false,
        },
    ],
    response_fields: &["logos"],
    example: Some(r#"{"errcode": 0, "errmsg": "ok", "logos": ["a"]}"#),
    ..LOGO
};

static QR: Endpoint = Endpoint {
    name: "get_qr",
    summary: "A QR code.",
    method: HttpMethod::Get,
    path: "/cgi-bin/demo/qr",
    body: BodyKind::None,
    answer: AnswerKind::Media,
    params: &[ParamInfo {
        location: ParamLocation::Query,
        name: "scene",
        source: ParamSource::Caller { required: true },
        kind: ValueKind::String,
        flatten: false,
    }],
    response_fields: &[],
    example: None,
    ..LOGO
};

static WITH_DEMO: &[&Endpoint] = &[
    &LOGO,
    &FIND_LOGO,
    &QR,
    &wechat_api::api::official::endpoints::STABLE_TOKEN,
];

#[tokio::test]
async fn path_parameters_multipart_forms_and_files_are_served_from_the_description() {
    let config = SandboxConfig::builder()
        .push_interval(None)
        .endpoints(WITH_DEMO)
        .build()
        .unwrap();
    let sandbox = Sandbox::start(config).await.unwrap();
    let token = client(&sandbox).access_token().await.unwrap();
    let http = browser();
    let url = |path: &str| sandbox.base_url().join(path).unwrap();
    let upload = |parts: Vec<(&'static str, Option<&'static str>, Vec<u8>)>| {
        let (content_type, body) = multipart(&parts);
        http.post(url("cgi-bin/demo/shop%201/logo"))
            .query(&[("access_token", &token)])
            .header("content-type", content_type)
            .body(body)
    };
    let json_of = |answer: reqwest::Response| async move {
        assert_eq!(answer.status().as_u16(), 200);
        answer.json::<Value>().await.unwrap()
    };
    let note = || ("note", None, b"hello".to_vec());
    let logo = || ("logo", Some("logo.png"), b"\x89PNG".to_vec());

    let answer = json_of(upload(vec![logo(), note()]).send().await.unwrap()).await;
    assert_eq!(answer["url"], "https://example.com/logo.png", "{answer}");
    assert_eq!(sandbox.endpoint_count(&LOGO), 1);
    // the file part is needed, with a filename
    let answer = json_of(upload(vec![note()]).send().await.unwrap()).await;
    assert_eq!(errcode_of(&answer), errcode::MEDIA_MISSING, "{answer}");
    let nameless = ("logo", Some(""), b"\x89PNG".to_vec());
    let answer = json_of(upload(vec![nameless, note()]).send().await.unwrap()).await;
    assert_eq!(errcode_of(&answer), errcode::MEDIA_MISSING, "{answer}");
    // and the text field
    let answer = json_of(upload(vec![logo()]).send().await.unwrap()).await;
    assert_eq!(errcode_of(&answer), errcode::DATA_FORMAT, "{answer}");
    assert_eq!(sandbox.endpoint_count(&LOGO), 4);

    // JSON to the same path is for the other endpoint, which wants its
    // fixed value
    let find = |query: Vec<(&'static str, String)>| {
        http.post(url("cgi-bin/demo/7/logo"))
            .query(&query)
            .json(&json!({"name": "round"}))
    };
    let answer = json_of(
        find(vec![("access_token", token.clone())])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(errcode_of(&answer), errcode::INVALID_ARGS, "{answer}");
    let answer = json_of(
        find(vec![
            ("access_token", token.clone()),
            ("action", "search".into()),
        ])
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(answer["logos"], json!(["a"]), "{answer}");
    assert_eq!(sandbox.endpoint_count(&FIND_LOGO), 2);
    assert_eq!(sandbox.endpoint_count(&LOGO), 4);
    // a value the fixed one contradicts is refused
    let answer = json_of(
        find(vec![
            ("access_token", token.clone()),
            ("action", "delete".into()),
        ])
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(errcode_of(&answer), errcode::INVALID_ARGS, "{answer}");

    // a file answer: bytes with a content type and a filename
    let answer = http
        .get(url("cgi-bin/demo/qr"))
        .query(&[("access_token", token.as_str()), ("scene", "a")])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.headers()["content-type"], "image/jpeg");
    assert_eq!(
        answer.headers()["content-disposition"],
        "attachment; filename=\"get_qr.jpg\""
    );
    let bytes = answer.bytes().await.unwrap();
    assert_eq!(
        (&bytes[..2], &bytes[bytes.len() - 2..]),
        (&b"\xFF\xD8"[..], &b"\xFF\xD9"[..])
    );
    let answer = json_of(
        http.get(url("cgi-bin/demo/qr"))
            .query(&[("access_token", token.as_str())])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(errcode_of(&answer), errcode::INVALID_ARGS, "{answer}");
}

#[tokio::test]
async fn wrong_secrets_and_unknown_appids_are_refused_with_wechat_errcodes() {
    let sandbox = sandbox().await;
    let c = sandbox.config();
    let build = |config: Config| {
        sandbox
            .client_builder_with(config)
            .unwrap()
            .build()
            .unwrap()
    };
    let bad_secret = build(
        Config::builder()
            .appid(c.official_appid())
            .secret("not-the-secret")
            .build()
            .unwrap(),
    );
    let e = bad_secret.official().token().await.unwrap_err();
    assert_eq!(e.api_code(), Some(errcode::INVALID_SECRET), "{e}");
    let unknown = build(
        Config::builder()
            .appid("wx_unknown_appid")
            .secret(c.official_secret())
            .build()
            .unwrap(),
    );
    let e = unknown.official().token().await.unwrap_err();
    assert_eq!(e.api_code(), Some(errcode::INVALID_APPID), "{e}");
    let e = unknown
        .official()
        .stable_token(StableTokenRequest::new())
        .await
        .unwrap_err();
    assert_eq!(e.api_code(), Some(errcode::INVALID_APPID), "{e}");

    let bad_component = build(
        Config::builder()
            .component_appid(c.component_appid())
            .component_secret("nope")
            .build()
            .unwrap(),
    );
    let e = bad_component
        .component()
        .component_token(wechat_api::api::component::ComponentTokenRequest::new(
            "ticket@@@x",
        ))
        .await
        .unwrap_err();
    assert_eq!(e.api_code(), Some(errcode::INVALID_SECRET), "{e}");
    // Right secret, but no ticket was ever pushed.
    let e = client(&sandbox)
        .component()
        .component_token(wechat_api::api::component::ComponentTokenRequest::new(
            "ticket@@@x",
        ))
        .await
        .unwrap_err();
    assert_eq!(e.api_code(), Some(errcode::INVALID_TICKET), "{e}");
    // And the right ones work.
    assert!(client(&sandbox).official().token().await.is_ok());
}

#[tokio::test]
async fn the_component_token_is_issued_for_the_latest_ticket_only() {
    let sandbox = sandbox().await;
    let (client, _server) = authorized(&sandbox).await;
    let first = sandbox.verify_ticket().unwrap();
    let second = sandbox.push_verify_ticket().await.unwrap();
    assert_ne!(first, second);
    assert_eq!(sandbox.verify_ticket().as_deref(), Some(second.as_str()));
    let component = client.component();
    let e = component
        .component_token(wechat_api::api::component::ComponentTokenRequest::new(
            first,
        ))
        .await
        .unwrap_err();
    assert_eq!(e.api_code(), Some(errcode::INVALID_TICKET), "{e}");
    let answer = component
        .component_token(wechat_api::api::component::ComponentTokenRequest::new(
            second,
        ))
        .await
        .unwrap();
    assert_eq!(answer.expires_in, 7200);
}

#[tokio::test]
async fn pre_auth_codes_are_one_time_and_the_page_redirects_with_an_auth_code() {
    let sandbox = sandbox().await;
    let (client, server) = authorized(&sandbox).await;
    let code = client
        .component()
        .create_preauthcode()
        .await
        .unwrap()
        .pre_auth_code;
    let page = client
        .component_auth_url(code, "https://platform.example.com/back?x=1")
        .unwrap()
        .build()
        .unwrap();
    let http = browser();
    let back = wechat_api_test_support::platform::follow(&http, &page)
        .await
        .unwrap();
    assert_eq!(back.host_str(), Some("platform.example.com"));
    let params: std::collections::HashMap<_, _> = back.query_pairs().into_owned().collect();
    assert_eq!(params.get("x").map(String::as_str), Some("1"));
    assert!(params.get("auth_code").is_some_and(|c| !c.is_empty()));
    assert_eq!(params.get("expires_in").map(String::as_str), Some("600"));
    // The merchant had authorized before: `updateauthorized` was pushed.
    assert_eq!(
        server.authorizers().get(DEFAULT_MERCHANT_APPID),
        Some(&wechat_api_test_support::platform::AuthorizerStatus::Authorized)
    );

    let again = http.get(page.clone()).send().await.unwrap();
    assert_eq!(again.status().as_u16(), 400);
    assert!(again.text().await.unwrap().contains("already used"));

    let mut forged = page.clone();
    forged.set_query(Some(&format!(
        "component_appid={}&pre_auth_code=forged&redirect_uri=https%3A%2F%2Fa.example%2F",
        sandbox.config().component_appid()
    )));
    assert_eq!(
        http.get(forged).send().await.unwrap().status().as_u16(),
        400
    );
}

#[tokio::test]
async fn authorizer_tokens_need_the_current_refresh_token() {
    let sandbox = sandbox().await;
    let (client, _server) = authorized(&sandbox).await;
    let e = client
        .component()
        .authorizer_token(AuthorizerTokenRequest::new(
            DEFAULT_MERCHANT_APPID,
            "refreshtoken@@@forged",
        ))
        .await
        .unwrap_err();
    assert_eq!(e.api_code(), Some(errcode::INVALID_REFRESH_TOKEN), "{e}");
    let e = client
        .component()
        .get_authorizer_info(wechat_api::api::component::GetAuthorizerInfoRequest::new(
            "wx_never_authorized",
        ))
        .await
        .unwrap_err();
    assert_eq!(e.api_code(), Some(errcode::NOT_AUTHORIZED), "{e}");
    // The stored refresh token works, and the authorizer's token is accepted
    // where an access_token is.
    let authorizer = client.authorizer(DEFAULT_MERCHANT_APPID);
    let ticket = authorizer
        .official()
        .get_ticket(GetTicketRequest::new(TicketType::WxCard))
        .await
        .unwrap();
    assert_eq!(ticket.expires_in, 7200);
    let info = client
        .component()
        .get_authorizer_info(wechat_api::api::component::GetAuthorizerInfoRequest::new(
            DEFAULT_MERCHANT_APPID,
        ))
        .await
        .unwrap();
    assert_eq!(info.authorizer_info.nick_name, "Sandbox Coffee");
    assert_eq!(
        info.authorization_info.authorizer_appid.as_deref(),
        Some(DEFAULT_MERCHANT_APPID)
    );
    // A component token is not an access token.
    let component_token = client.component_access_token().await.unwrap();
    let e = client
        .official()
        .with_token(&component_token)
        .clear_quota()
        .await
        .unwrap_err();
    assert_eq!(e.api_code(), Some(errcode::INVALID_CREDENTIAL), "{e}");
}

#[tokio::test]
async fn the_official_accounts_oauth_flow() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let http = browser();
    let code_for = |scope| {
        let url = client
            .oauth_url("https://shop.example.com/login", scope)
            .unwrap()
            .state("s42")
            .build()
            .unwrap();
        let http = http.clone();
        async move {
            let back = wechat_api_test_support::platform::follow(&http, &url)
                .await
                .unwrap();
            let params: std::collections::HashMap<_, _> = back.query_pairs().into_owned().collect();
            assert_eq!(params.get("state").map(String::as_str), Some("s42"));
            params.get("code").cloned().unwrap()
        }
    };
    let code = code_for(Scope::UserInfo).await;
    let oauth = client.oauth();
    let token = oauth
        .access_token(AccessTokenRequest::new(code.as_str()))
        .await
        .unwrap()
        .token;
    assert_eq!(token.openid, DEFAULT_OPENID);
    assert_eq!(token.scope, "snsapi_userinfo");
    let e = oauth
        .access_token(AccessTokenRequest::new(code.as_str()))
        .await
        .unwrap_err();
    assert_eq!(e.api_code(), Some(errcode::OAUTH_CODE_USED), "{e}");
    let e = oauth
        .access_token(AccessTokenRequest::new("forged"))
        .await
        .unwrap_err();
    assert_eq!(e.api_code(), Some(errcode::INVALID_OAUTH_CODE), "{e}");

    let info = oauth
        .userinfo(UserinfoRequest::new(
            token.access_token.as_str(),
            DEFAULT_OPENID,
        ))
        .await
        .unwrap();
    assert_eq!(info.nickname.as_deref(), Some("Alice"));
    oauth
        .check_token(CheckTokenRequest::new(
            token.access_token.as_str(),
            DEFAULT_OPENID,
        ))
        .await
        .unwrap();
    let e = oauth
        .check_token(CheckTokenRequest::new(
            token.access_token.as_str(),
            "oSomeoneElse",
        ))
        .await
        .unwrap_err();
    assert_eq!(e.api_code(), Some(errcode::INVALID_OPENID), "{e}");

    let refreshed = oauth
        .refresh_token(RefreshTokenRequest::new(token.refresh_token.as_str()))
        .await
        .unwrap()
        .token;
    assert_ne!(refreshed.access_token, token.access_token);
    let e = oauth
        .refresh_token(RefreshTokenRequest::new("forged"))
        .await
        .unwrap_err();
    assert_eq!(
        e.api_code(),
        Some(errcode::INVALID_OAUTH_REFRESH_TOKEN),
        "{e}"
    );

    sandbox.expire_all_tokens();
    let e = oauth
        .userinfo(UserinfoRequest::new(
            refreshed.access_token.as_str(),
            DEFAULT_OPENID,
        ))
        .await
        .unwrap_err();
    assert_eq!(e.api_code(), Some(errcode::ACCESS_TOKEN_EXPIRED), "{e}");

    // snsapi_base does not give the profile.
    let base = oauth
        .access_token(AccessTokenRequest::new(code_for(Scope::Base).await))
        .await
        .unwrap()
        .token;
    let e = oauth
        .userinfo(UserinfoRequest::new(
            base.access_token.as_str(),
            DEFAULT_OPENID,
        ))
        .await
        .unwrap_err();
    assert_eq!(e.api_code(), Some(errcode::API_UNAUTHORIZED), "{e}");
}

#[tokio::test]
async fn tickets_stable_tokens_and_quota() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let official = client.official();
    let jsapi = official
        .get_ticket(GetTicketRequest::new(TicketType::Jsapi))
        .await
        .unwrap();
    let again = official
        .get_ticket(GetTicketRequest::new(TicketType::Jsapi))
        .await
        .unwrap();
    assert_eq!(
        jsapi.ticket, again.ticket,
        "a live ticket is handed out again"
    );
    let card = official
        .get_ticket(GetTicketRequest::new(TicketType::WxCard))
        .await
        .unwrap();
    assert_ne!(card.ticket, jsapi.ticket);

    let stable = official
        .stable_token(StableTokenRequest::new())
        .await
        .unwrap();
    let same = official
        .stable_token(StableTokenRequest::new())
        .await
        .unwrap();
    assert_eq!(stable.access_token, same.access_token);
    let forced = official
        .stable_token(StableTokenRequest::new().force_refresh(true))
        .await
        .unwrap();
    assert_ne!(forced.access_token, stable.access_token);

    for _ in 0..10 {
        official.clear_quota().await.unwrap();
    }
    let e = official.clear_quota().await.unwrap_err();
    assert_eq!(e.api_code(), Some(errcode::CLEAR_QUOTA_LIMIT), "{e}");
    assert!(matches!(e, Error::Api { .. }));
    // An injected fault does not change that bookkeeping.
    sandbox.inject(Fault::errcode(45009).on("/cgi-bin/clear_quota"));
    let e = official.clear_quota().await.unwrap_err();
    assert_eq!(e.api_code(), Some(45009));
    assert_eq!(sandbox.request_count("/cgi-bin/clear_quota"), 12);
}

#[tokio::test]
async fn the_oauth_page_refuses_bad_requests() {
    let sandbox = sandbox().await;
    let http = browser();
    let base = sandbox.base_url().join("connect/oauth2/authorize").unwrap();
    let official = sandbox.config().official_appid().to_owned();
    let cases: [(&str, String); 4] = [
        ("unknown appid", "appid=wx_nobody&redirect_uri=https%3A%2F%2Fa.example%2F&response_type=code&scope=snsapi_base".into()),
        ("bad scope", format!("appid={official}&redirect_uri=https%3A%2F%2Fa.example%2F&response_type=code&scope=snsapi_all")),
        ("relative redirect", format!("appid={official}&redirect_uri=%2Flogin&response_type=code&scope=snsapi_base")),
        ("merchant not authorized", format!("appid={DEFAULT_MERCHANT_APPID}&redirect_uri=https%3A%2F%2Fa.example%2F&response_type=code&scope=snsapi_base&component_appid={}", sandbox.config().component_appid())),
    ];
    for (name, query) in cases {
        let mut url: Url = base.clone();
        url.set_query(Some(&query));
        let answer = http.get(url).send().await.unwrap();
        assert_eq!(answer.status().as_u16(), 400, "{name}");
    }
}
