//! Media answers through `Call`/`send`: the bytes, the content type and the
//! filename of `Content-Disposition`; WeChat's JSON error answers to binary
//! endpoints (errcode as a number or a string, whatever the content type)
//! as `Error::Api`, with the 40001 retry; and the answers that are either a
//! file or JSON.

use wechat_api_test_support::transport as support;

use serde::Deserialize;
use serde_json::json;
use support::*;
use wechat_api::__private::{Auth, Call, send};
use wechat_api::Error;
use wechat_api::endpoint::{AnswerKind, BodyKind, Credential, Endpoint, HttpMethod};
use wechat_api::media::MediaOr;
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

static GET_MEDIA: Endpoint = endpoint(
    "get_media",
    HttpMethod::Get,
    "/cgi-bin/media/get",
    Credential::AccessToken,
    BodyKind::None,
    AnswerKind::Media,
);

static GET_MATERIAL: Endpoint = endpoint(
    "get_material",
    HttpMethod::Post,
    "/cgi-bin/material/get_material",
    Credential::AccessToken,
    BodyKind::Json,
    AnswerKind::MediaOrJson,
);

/// A JSON endpoint, to check `errcode` as a string there too.
static GET_THING: Endpoint = endpoint(
    "get_thing",
    HttpMethod::Get,
    "/cgi-bin/thing/get",
    Credential::AccessToken,
    BodyKind::None,
    AnswerKind::Json,
);

const JPEG: &[u8] = &[
    0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00,
];

async fn get_media(client: &wechat_api::Client) -> wechat_api::Result<wechat_api::media::Media> {
    let call = Call::new(&GET_MEDIA, Auth::Managed).query(&[("media_id", "MEDIA")])?;
    send(client, call).await?.media()
}

fn file_answer(body: &[u8], content_type: &str, disposition: Option<&str>) -> ResponseTemplate {
    let answer = ResponseTemplate::new(200).set_body_raw(body.to_vec(), content_type);
    match disposition {
        Some(value) => answer.insert_header("Content-Disposition", value),
        None => answer,
    }
}

#[tokio::test]
async fn a_file_comes_back_with_its_type_and_name() {
    let cases = [
        (
            Some(r#"attachment; filename="MEDIA_ID.jpg""#),
            Some("MEDIA_ID.jpg"),
        ),
        (
            Some("attachment; filename=\"x.jpg\"; filename*=UTF-8''%E5%9B%BE%E7%89%87.jpg"),
            Some("图片.jpg"),
        ),
        (Some("attachment; filename=plain.jpg"), Some("plain.jpg")),
        (None, None),
    ];
    for (disposition, filename) in cases {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/cgi-bin/media/get"))
            .and(query_param("media_id", "MEDIA"))
            .and(query_param("access_token", ACCESS_TOKEN))
            .respond_with(file_answer(JPEG, "image/jpeg", disposition))
            .mount(&server)
            .await;
        let media = get_media(&client(&server).await).await.expect("a file");
        assert_eq!(media.bytes.as_ref(), JPEG);
        assert_eq!(media.content_type, "image/jpeg");
        assert_eq!(media.filename.as_deref(), filename, "{disposition:?}");
    }
}

#[tokio::test]
async fn json_errors_of_binary_endpoints_are_api_errors() {
    // WeChat labels these `text/plain` as often as `application/json`
    let cases = [
        (
            json!({"errcode": 40007, "errmsg": "invalid media_id"}),
            "application/json",
            40007,
        ),
        (
            json!({"errcode": "40007", "errmsg": "invalid media_id"}),
            "text/plain",
            40007,
        ),
        (
            json!({"errcode": 45009, "errmsg": "reach max api daily quota limit"}),
            "",
            45009,
        ),
    ];
    for (body, content_type, code) in cases {
        let server = MockServer::start().await;
        let answer = ResponseTemplate::new(200).set_body_raw(body.to_string(), content_type);
        Mock::given(method("GET"))
            .and(path("/cgi-bin/media/get"))
            .respond_with(answer)
            .mount(&server)
            .await;
        let e = get_media(&client(&server).await)
            .await
            .expect_err("an error");
        assert!(
            matches!(&e, Error::Api { code: c, endpoint, .. } if *c == code && endpoint == "test.get_media"),
            "{content_type}: {e:?}"
        );
    }
}

#[tokio::test]
async fn a_file_that_starts_like_json_stays_a_file() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/cgi-bin/media/get"))
        .respond_with(file_answer(b"{not json at all", "image/png", None))
        .mount(&server)
        .await;
    let media = get_media(&client(&server).await).await.expect("a file");
    assert_eq!(media.bytes.as_ref(), b"{not json at all");
    // without a content type, a `{` that is not a JSON object is a file too
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/cgi-bin/media/get"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(b"{\x00\x01".to_vec()))
        .mount(&server)
        .await;
    let media = get_media(&client(&server).await).await.expect("a file");
    assert_eq!(media.content_type, "application/octet-stream");
}

#[tokio::test]
async fn a_media_call_answered_40001_is_refreshed_and_retried_once() {
    let server = MockServer::start().await;
    mount_token_refresh(&server).await;
    Mock::given(method("GET"))
        .and(path("/cgi-bin/media/get"))
        .and(query_param("access_token", ACCESS_TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"errcode":"40001","errmsg":"invalid credential"}"#,
            "text/plain",
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/cgi-bin/media/get"))
        .and(query_param("access_token", FRESH_TOKEN))
        .respond_with(file_answer(JPEG, "image/jpeg", None))
        .mount(&server)
        .await;
    let media = get_media(&client(&server).await).await.expect("retried");
    assert_eq!(media.bytes.as_ref(), JPEG);
    assert_eq!(requests_to(&server, "/cgi-bin/media/get").await.len(), 2);
    assert_eq!(requests_to(&server, TOKEN_PATH).await.len(), 1);
}

#[derive(Debug, Deserialize, PartialEq)]
struct VideoMaterial {
    title: String,
    down_url: String,
}

async fn get_material(client: &wechat_api::Client) -> wechat_api::Result<MediaOr<VideoMaterial>> {
    #[derive(serde::Serialize)]
    struct Body<'a> {
        media_id: &'a str,
    }
    let call = Call::new(&GET_MATERIAL, Auth::Managed).json(&Body { media_id: "M" })?;
    send(client, call).await?.media_or_json()
}

#[tokio::test]
async fn media_or_json_answers_either() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/cgi-bin/material/get_material"))
        .and(body_json(json!({"media_id": "M"})))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"title":"T","description":"D","down_url":"http://x/v.mp4"}"#,
            "text/plain",
        ))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/cgi-bin/material/get_material"))
        .respond_with(file_answer(
            JPEG,
            "image/jpeg",
            Some(r#"attachment; filename="cover.jpg""#),
        ))
        .mount(&server)
        .await;
    let client = client(&server).await;
    let video = get_material(&client).await.expect("JSON");
    assert_eq!(
        video,
        MediaOr::Json(VideoMaterial {
            title: "T".into(),
            down_url: "http://x/v.mp4".into()
        })
    );
    let MediaOr::Media(image) = get_material(&client).await.expect("a file") else {
        panic!("expected a file");
    };
    assert_eq!(
        (image.bytes.as_ref(), image.filename.as_deref()),
        (JPEG, Some("cover.jpg"))
    );
}

#[tokio::test]
async fn json_that_does_not_match_is_a_decode_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/cgi-bin/material/get_material"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"news_item": [], "errcode": 0})),
        )
        .mount(&server)
        .await;
    let e = get_material(&client(&server).await)
        .await
        .expect_err("no title");
    assert!(
        matches!(&e, Error::Decode { reason, .. } if reason.contains("missing field `title`")),
        "{e:?}"
    );
}

#[tokio::test]
async fn errcode_as_a_string_on_a_json_endpoint() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/cgi-bin/thing/get"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"errcode": "40029", "errmsg": "invalid code"})),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/cgi-bin/thing/get"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"errcode": "0", "thing": 7})))
        .mount(&server)
        .await;
    let client = client(&server).await;
    let get = || async {
        send(&client, Call::new(&GET_THING, Auth::Managed))
            .await?
            .json::<serde_json::Value>()
    };
    let e = get().await.expect_err("40029");
    assert!(
        matches!(&e, Error::Api { code: 40029, message, .. } if message == "invalid code"),
        "{e:?}"
    );
    assert_eq!(get().await.expect("errcode \"0\" is success")["thing"], 7);
}
