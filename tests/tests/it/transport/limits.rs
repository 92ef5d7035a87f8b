//! Bounded answers: a JSON answer over `answer_limit` and a media answer over
//! `media_limit` fail with `Error::AnswerTooLarge` naming the endpoint and
//! the limit, whether the size is announced (`Content-Length`, refused
//! before reading) or found while streaming; answers within the limit, up
//! to exactly the limit, are read whole. Of an error page only the start
//! is read, whatever its size: the error is the status, not the size.

use wechat_api_test_support::raw_http;
use wechat_api_test_support::transport as support;

use std::time::Duration;

use raw_http::Answer;
use support::*;
use wechat_api::__private::{Auth, Call, send};
use wechat_api::endpoint::{AnswerKind, BodyKind, Credential, Endpoint, HttpMethod};
use wechat_api::{Client, Config, Error};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

static GET_JSON: Endpoint = endpoint(
    "get_big_list",
    HttpMethod::Get,
    "/cgi-bin/big/list",
    Credential::None,
    BodyKind::None,
    AnswerKind::Json,
);

static GET_FILE: Endpoint = endpoint(
    "get_big_file",
    HttpMethod::Get,
    "/cgi-bin/big/file",
    Credential::None,
    BodyKind::None,
    AnswerKind::Media,
);

fn client_on(base: &str, answer_limit: u64, media_limit: u64) -> Client {
    Client::builder(Config::default())
        .base_url("api.weixin.qq.com", base)
        .expect("base url")
        .answer_limit(answer_limit)
        .media_limit(media_limit)
        // long enough never to be what ends a test
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client")
}

/// A JSON object of exactly `len` bytes.
fn json_of_len(len: usize) -> Vec<u8> {
    let mut body = br#"{"errcode":0,"pad":""#.to_vec();
    body.resize(len - 2, b'x');
    body.extend_from_slice(b"\"}");
    body
}

#[track_caller]
fn assert_too_large(result: wechat_api::Result<impl std::fmt::Debug>, name: &str, limit: u64) {
    match result {
        Err(Error::AnswerTooLarge {
            endpoint,
            limit: got,
        }) => assert_eq!((endpoint.method(), got), (name, limit)),
        other => panic!("expected AnswerTooLarge, got {other:?}"),
    }
}

async fn get_json(client: &Client) -> wechat_api::Result<serde_json::Value> {
    send(client, Call::new(&GET_JSON, Auth::Managed))
        .await?
        .json()
}

async fn get_file(client: &Client) -> wechat_api::Result<wechat_api::media::Media> {
    send(client, Call::new(&GET_FILE, Auth::Managed))
        .await?
        .media()
}

#[tokio::test]
async fn announced_sizes_over_the_limit_are_refused_and_the_limit_itself_is_fine() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/cgi-bin/big/list"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(json_of_len(1025), "application/json"),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/cgi-bin/big/list"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(json_of_len(1024), "application/json"),
        )
        .mount(&server)
        .await;
    let client = client_on(&server.uri(), 1024, 1 << 20);
    let e = get_json(&client).await;
    assert_too_large(e, "get_big_list", 1024);
    let answer = get_json(&client).await.expect("exactly the limit");
    assert_eq!(answer["errcode"], 0);
}

#[tokio::test]
async fn a_lying_content_length_is_refused_without_reading() {
    // announces a gigabyte, sends 10 bytes and keeps the connection open:
    // a client that read before checking would wait for the timeout
    let server = raw_http::start(Answer::Announced {
        content_type: "application/json",
        content_length: 1 << 30,
        body: br#"{"a":1234"#.to_vec(),
    })
    .await;
    // (its timeout is a minute: an `Http` timeout error would fail the test)
    let client = client_on(&server.uri(), 4 << 20, 32 << 20);
    assert_too_large(get_json(&client).await, "get_big_list", 4 << 20);
}

#[tokio::test]
async fn streamed_answers_are_counted_while_reading() {
    // chunked, no Content-Length: 64 KiB chunks without end
    let server = raw_http::start(Answer::Chunked {
        content_type: "application/json",
        chunk: vec![b' '; 64 << 10],
        count: None,
    })
    .await;
    let client = client_on(&server.uri(), 1 << 20, 2 << 20);
    assert_too_large(get_json(&client).await, "get_big_list", 1 << 20);
    assert_too_large(get_file(&client).await, "get_big_file", 2 << 20);

    // a finite streamed answer within the limit is read whole
    let server = raw_http::start(Answer::Chunked {
        content_type: "image/jpeg",
        chunk: vec![0xd8; 1000],
        count: Some(300),
    })
    .await;
    let client = client_on(&server.uri(), 1024, 300_000);
    let file = get_file(&client).await.expect("exactly the media limit");
    assert_eq!(file.bytes.len(), 300_000);
    let client = client_on(&server.uri(), 1024, 299_999);
    assert_too_large(get_file(&client).await, "get_big_file", 299_999);
}

#[tokio::test]
async fn media_and_json_answers_have_their_own_limits() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/cgi-bin/big/file"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(vec![7u8; 5000], "image/jpeg"))
        .mount(&server)
        .await;
    // a JSON limit far below the file's size does not apply to media
    let client = client_on(&server.uri(), 100, 5000);
    assert_eq!(get_file(&client).await.expect("a file").bytes.len(), 5000);
    let client = client_on(&server.uri(), 1 << 20, 4999);
    assert_too_large(get_file(&client).await, "get_big_file", 4999);
}

#[tokio::test]
async fn the_default_limits_apply_without_settings() {
    assert_eq!(wechat_api::DEFAULT_ANSWER_LIMIT, 4 << 20);
    assert_eq!(wechat_api::DEFAULT_MEDIA_LIMIT, 32 << 20);
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/cgi-bin/big/list"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(json_of_len((4 << 20) + 1), "application/json"),
        )
        .mount(&server)
        .await;
    let client = Client::builder(Config::default())
        .base_url("api.weixin.qq.com", &server.uri())
        .expect("base url")
        .build()
        .expect("client");
    assert_too_large(get_json(&client).await, "get_big_list", 4 << 20);
}

#[tokio::test]
async fn an_endless_error_page_is_a_status_error() {
    let server = raw_http::start_with_status(
        502,
        Answer::Chunked {
            content_type: "text/html",
            chunk: b"<p>Bad Gateway</p>".repeat(1000),
            count: None,
        },
    )
    .await;
    let client = client_on(&server.uri(), 1024, 1024);
    for e in [
        get_json(&client).await.map(drop),
        get_file(&client).await.map(drop),
    ] {
        match e {
            Err(Error::Status {
                status: 502,
                snippet,
                ..
            }) => assert!(snippet.starts_with("<p>Bad Gateway</p>"), "{snippet}"),
            other => panic!("expected a status error, got {other:?}"),
        }
    }
}
