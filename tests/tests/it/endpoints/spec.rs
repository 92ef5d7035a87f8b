//! Every endpoint of the spec, tested from the spec alone: its probe (built
//! by the generator from the parameter types, or from the doc's example
//! request) calls the generated method against wiremock; the test checks
//! the method, path, exact query and exact body that went over the wire,
//! that the example answer decodes into the typed response and serializes
//! back to the example's declared fields, and that a non-zero `errcode` is
//! `Error::Api`; and that the example decodes to the same value again with
//! WeChat's type drift (every number of a typed field sent as a string, every
//! digit string as a number). Adding an endpoint to the spec adds its case
//! here: no hand-written test is needed.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{Map, Value};
use wechat_api::__private::Probe;
use wechat_api::api::PROBES;
use wechat_api::endpoint::{AnswerKind, ConfigKey, ParamLocation, ParamSource};
use wechat_api::token::TokenKey;
use wechat_api::{Client, Config, Error};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const APPID: &str = "wx_probe_app";
const SECRET: &str = "probe-app-secret";
const COMPONENT_APPID: &str = "wx_probe_component";
const COMPONENT_SECRET: &str = "probe-component-secret";
const ACCESS_TOKEN: &str = "PROBE_ACCESS_TOKEN";
const COMPONENT_TOKEN: &str = "PROBE_COMPONENT_TOKEN";
const MEDIA: &str = "probe media bytes";

fn config_value(key: ConfigKey) -> &'static str {
    match key {
        ConfigKey::AppId => APPID,
        ConfigKey::Secret => SECRET,
        ConfigKey::ComponentAppId => COMPONENT_APPID,
        ConfigKey::ComponentSecret => COMPONENT_SECRET,
        ConfigKey::MchId => "not a WeChat endpoint parameter",
    }
}

async fn client(server: &MockServer) -> Client {
    let config = Config::builder()
        .appid(APPID)
        .secret(SECRET)
        .component_appid(COMPONENT_APPID)
        .component_secret(COMPONENT_SECRET)
        .build()
        .expect("config");
    let client = Client::builder(config)
        .base_url_for_all(&server.uri())
        .expect("base url")
        .build()
        .expect("client");
    let ttl = Some(Duration::from_secs(7200));
    client
        .tokens()
        .set(&TokenKey::access_token(APPID), ACCESS_TOKEN, ttl)
        .await
        .expect("seed token");
    client
        .tokens()
        .set(
            &TokenKey::component_access_token(COMPONENT_APPID),
            COMPONENT_TOKEN,
            ttl,
        )
        .await
        .expect("seed component token");
    client
}

/// The query pairs the request must carry: the probe's, the configured
/// values and the credential.
fn expected_query(probe: &Probe) -> Vec<(String, String)> {
    let endpoint = probe.endpoint;
    let mut pairs: Vec<(String, String)> = probe
        .query
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    for param in endpoint.params {
        if let (ParamLocation::Query, ParamSource::Config(key)) = (param.location, param.source) {
            pairs.push((param.name.to_string(), config_value(key).to_string()));
        }
    }
    let token = match endpoint.credential {
        wechat_api::endpoint::Credential::None => None,
        wechat_api::endpoint::Credential::AccessToken => Some(ACCESS_TOKEN),
        wechat_api::endpoint::Credential::ComponentAccessToken => Some(COMPONENT_TOKEN),
    };
    if let Some(token) = token {
        pairs.push((endpoint.credential_param.to_string(), token.to_string()));
    }
    pairs.sort();
    pairs
}

/// The JSON body the request must carry: the probe's and the configured values.
fn expected_body(probe: &Probe) -> Option<Value> {
    let mut body: Map<String, Value> =
        serde_json::from_str(probe.body?).expect("probe body is JSON");
    for param in probe.endpoint.params {
        if let (ParamLocation::Body, ParamSource::Config(key)) = (param.location, param.source) {
            body.insert(
                param.name.to_string(),
                Value::String(config_value(key).to_string()),
            );
        }
    }
    Some(Value::Object(body))
}

/// JSON equality, where a string of JSON equals the same JSON written
/// differently (key order, spacing) and numbers compare by value.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(v, w)| same(v, w))
        }
        (Value::String(x), Value::String(y)) if x != y => {
            match (
                serde_json::from_str::<Value>(x),
                serde_json::from_str::<Value>(y),
            ) {
                (Ok(p), Ok(q)) if p.is_object() || p.is_array() => same(&p, &q),
                _ => false,
            }
        }
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

/// The parts of a multipart body: name → (filename, content).
fn multipart_parts(request: &Request) -> BTreeMap<String, (Option<String>, String)> {
    let content_type = request
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let Some(boundary) = content_type.split("boundary=").nth(1) else {
        return BTreeMap::new();
    };
    let body = String::from_utf8_lossy(&request.body);
    let delimiter = format!("--{boundary}");
    let mut parts = BTreeMap::new();
    for chunk in body.split(&delimiter) {
        let Some((head, content)) = chunk.split_once("\r\n\r\n") else {
            continue;
        };
        let attribute = |name: &str| {
            head.split(&format!("{name}=\""))
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .map(str::to_owned)
        };
        if let Some(name) = attribute(" name").or_else(|| attribute(";name")) {
            let content = content.strip_suffix("\r\n").unwrap_or(content).to_string();
            parts.insert(name, (attribute("filename"), content));
        }
    }
    parts
}

fn check_request(probe: &Probe, request: &Request) -> Result<(), String> {
    let endpoint = probe.endpoint;
    let mut problems = Vec::new();
    if request.method.as_str() != endpoint.method.as_str() {
        problems.push(format!(
            "method {} instead of {}",
            request.method,
            endpoint.method.as_str()
        ));
    }
    if request.url.path() != probe.path {
        problems.push(format!(
            "path {} instead of {}",
            request.url.path(),
            probe.path
        ));
    }
    let mut query: Vec<(String, String)> = request
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    query.sort();
    let expected = expected_query(probe);
    if query != expected {
        problems.push(format!("query {query:?} instead of {expected:?}"));
    }
    if !probe.parts.is_empty() {
        let parts = multipart_parts(request);
        for part in probe.parts {
            match parts.get(part.name) {
                None => problems.push(format!("multipart part `{}` missing", part.name)),
                Some((filename, content)) => {
                    let same_content = same(
                        &Value::String(content.clone()),
                        &Value::String(part.content.to_string()),
                    );
                    if filename.as_deref() != part.filename || !same_content {
                        problems.push(format!(
                            "multipart part `{}` is {filename:?}/{content:?} instead of {:?}/{:?}",
                            part.name, part.filename, part.content
                        ));
                    }
                }
            }
        }
    } else if let Some(expected) = expected_body(probe) {
        match serde_json::from_slice::<Value>(&request.body) {
            Ok(body) if same(&body, &expected) => {}
            Ok(body) => problems.push(format!("body {body} instead of {expected}")),
            Err(_) => problems.push(format!(
                "body is not JSON ({} bytes; WeChat answers 44002 to an empty POST)",
                request.body.len()
            )),
        }
    } else if !request.body.is_empty() {
        problems.push(format!("a body of {} bytes on a GET", request.body.len()));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

fn answer(probe: &Probe) -> ResponseTemplate {
    match (probe.endpoint.answer, probe.endpoint.example) {
        (AnswerKind::Media, _) | (_, None) => ResponseTemplate::new(200)
            .insert_header("content-type", "image/jpeg")
            .insert_header("content-disposition", "attachment; filename=\"probe.jpg\"")
            .set_body_bytes(MEDIA.as_bytes()),
        (_, Some(example)) => ResponseTemplate::new(200)
            .insert_header("content-type", "application/json; charset=utf-8")
            .set_body_string(example),
    }
}

fn expected_answer(probe: &Probe) -> Value {
    match (probe.endpoint.answer, probe.answer) {
        (AnswerKind::Media, _) | (_, None) => {
            serde_json::json!({"content_type": "image/jpeg", "filename": "probe.jpg", "bytes": MEDIA})
        }
        (_, Some(answer)) => serde_json::from_str(answer).expect("probe answer is JSON"),
    }
}

async fn run(server: &MockServer, client: &Client, probe: &Probe) -> Result<(), String> {
    server.reset().await;
    Mock::given(any())
        .respond_with(answer(probe))
        .mount(server)
        .await;
    let result = (probe.call)(client).await;
    let requests = server.received_requests().await.unwrap_or_default();
    let [request] = requests.as_slice() else {
        return Err(format!(
            "{} requests instead of 1 ({result:?})",
            requests.len()
        ));
    };
    check_request(probe, request)?;
    let got = result.map_err(|e| format!("the example answer did not decode: {e}"))?;
    let expected = expected_answer(probe);
    if !same(&got, &expected) {
        return Err(format!(
            "the typed answer serializes to {got} instead of {expected}"
        ));
    }
    // a non-zero errcode is Error::Api, for JSON and binary endpoints alike
    server.reset().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "application/json")
                .set_body_string(r#"{"errcode":40013,"errmsg":"invalid appid"}"#),
        )
        .mount(server)
        .await;
    match (probe.call)(client).await {
        Err(Error::Api { code: 40013, .. }) => Ok(()),
        other => Err(format!(
            "errcode 40013 gave {other:?} instead of Error::Api"
        )),
    }
}

#[tokio::test]
async fn every_endpoint_sends_what_its_spec_says_and_decodes_its_example() {
    let server = MockServer::start().await;
    let client = client(&server).await;
    let mut failures = Vec::new();
    for probe in PROBES {
        if let Err(why) = run(&server, &client, probe).await {
            failures.push(format!("{}: {why}", probe.endpoint));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} endpoints fail:\n{}",
        failures.len(),
        PROBES.len(),
        failures.join("\n")
    );
    assert_eq!(
        PROBES.len(),
        wechat_api::api::ENDPOINTS.len(),
        "every endpoint has a probe"
    );
}

/// Serves `answer` and checks the typed result serializes to the probe's
/// expected answer.
async fn decodes_as_expected(
    server: &MockServer,
    client: &Client,
    probe: &Probe,
    answer: &str,
) -> Result<(), String> {
    server.reset().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "application/json; charset=utf-8")
                .set_body_string(answer),
        )
        .mount(server)
        .await;
    let got = (probe.call)(client)
        .await
        .map_err(|e| format!("{answer} did not decode: {e}"))?;
    let expected = expected_answer(probe);
    if got == expected || same(&got, &expected) {
        Ok(())
    } else {
        Err(format!("{answer} decodes to {got} instead of {expected}"))
    }
}

#[tokio::test]
async fn every_example_decodes_to_the_same_value_with_its_scalars_flipped() {
    let server = MockServer::start().await;
    let client = client(&server).await;
    let mut failures = Vec::new();
    let mut flipped = 0;
    for probe in PROBES {
        for (way, answer) in [("strings", probe.as_strings), ("numbers", probe.as_numbers)] {
            let (Some(answer), Some(example)) = (answer, probe.endpoint.example) else {
                continue;
            };
            if serde_json::from_str::<Value>(answer).ok()
                != serde_json::from_str::<Value>(example).ok()
            {
                flipped += 1;
            }
            if let Err(why) = decodes_as_expected(&server, &client, probe, answer).await {
                failures.push(format!("{} ({way}): {why}", probe.endpoint));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} drifted examples fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // most examples carry a number or a digit string: the flip is real
    assert!(
        flipped > PROBES.len() / 2,
        "only {flipped} examples changed"
    );
}

#[test]
fn every_json_endpoint_has_an_example_from_the_docs() {
    let missing: Vec<String> = wechat_api::api::ENDPOINTS
        .iter()
        .filter(|e| e.answer != AnswerKind::Media && e.example.is_none())
        .map(|e| e.to_string())
        .collect();
    assert!(
        missing.is_empty(),
        "endpoints without an example: {missing:?}"
    );
}

/// `base_url_for_all` covers every host of the spec: the hand-written host
/// list must grow with a spec endpoint on a new host. (Here rather than in
/// the library's unit tests, which are built with a few modules only.)
#[test]
fn every_spec_host_is_a_known_host() {
    assert!(wechat_api::api::ENDPOINTS.len() > 500);
    for endpoint in wechat_api::api::ENDPOINTS {
        assert!(
            wechat_api::hosts::ALL.contains(&endpoint.host),
            "{endpoint} is served on `{}`, missing from `hosts::ALL`",
            endpoint.host
        );
    }
}
