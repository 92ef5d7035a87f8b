//! Multipart uploads through `Call`/`send`: what WeChat's server parses out
//! of the body (part names, filename, content type, the JSON-encoded text
//! field, the file bytes) for files given as bytes, a path or a reader; the
//! 40001 retry sending the file again; and the files refused before
//! anything is sent.

use wechat_api_test_support::transport as support;

use serde_json::{Value, json};
use support::*;
use wechat_api::__private::{Auth, Call, Multipart, send};
use wechat_api::Error;
use wechat_api::endpoint::{AnswerKind, BodyKind, Credential, Endpoint, HttpMethod};
use wechat_api::media::Upload;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

static UPLOAD: Endpoint = endpoint(
    "upload_material",
    HttpMethod::Post,
    "/cgi-bin/material/add_material",
    Credential::AccessToken,
    BodyKind::Multipart,
    AnswerKind::Json,
);

const UPLOAD_PATH: &str = "/cgi-bin/material/add_material";
const DESCRIPTION: &str = r#"{"title":"视频 \"1\"","introduction":"a & b"}"#;

fn file_bytes() -> Vec<u8> {
    // not UTF-8, with CR LF and something that looks like a boundary
    let mut bytes = vec![0xff, 0xd8, 0xff, 0xe0, b'\r', b'\n', b'-', b'-'];
    bytes.extend((0..=255u8).cycle().take(70_000));
    bytes
}

async fn upload(client: &wechat_api::Client, file: Upload) -> wechat_api::Result<Value> {
    let call = Call::new(&UPLOAD, Auth::Managed)
        .query(&[("type", "video")])?
        .multipart(
            Multipart::new()
                .text("description", DESCRIPTION)
                .file("media", file),
        );
    send(client, call).await?.json()
}

async fn mount_upload_ok(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path(UPLOAD_PATH))
        .and(query_param("type", "video"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"media_id": "MEDIA_ID", "url": "http://x/y.jpg"})),
        )
        .mount(server)
        .await;
}

#[track_caller]
fn assert_wire_format(parts: &[FormPart], filename: &str, content_type: &str) {
    assert_eq!(parts.len(), 2, "{parts:?}");
    assert_eq!(parts[0].name, "description");
    assert_eq!(parts[0].filename, None);
    assert_eq!(
        parts[0].content_type, None,
        "a text field has no content type"
    );
    let description: Value = serde_json::from_slice(&parts[0].bytes).expect("JSON text field");
    assert_eq!(description["title"], "视频 \"1\"");
    assert_eq!(parts[1].name, "media");
    assert_eq!(parts[1].filename.as_deref(), Some(filename));
    assert_eq!(parts[1].content_type.as_deref(), Some(content_type));
    assert!(
        parts[1].bytes == file_bytes(),
        "the file arrives byte for byte"
    );
}

#[tokio::test]
async fn bytes_path_and_reader_uploads_put_the_same_parts_on_the_wire() {
    let dir = tempfile::tempdir().expect("temp dir");
    let on_disk = dir.path().join("clip.mp4");
    std::fs::write(&on_disk, file_bytes()).expect("file written");
    let uploads = [
        ("bytes", Upload::from_bytes("clip.mp4", file_bytes())),
        ("path", Upload::from_path(&on_disk)),
        (
            "reader",
            Upload::from_reader("clip.mp4", std::io::Cursor::new(file_bytes())),
        ),
    ];
    for (source, file) in uploads {
        let server = MockServer::start().await;
        mount_upload_ok(&server).await;
        let client = client(&server).await;
        let answer = upload(&client, file).await.expect(source);
        assert_eq!(answer["media_id"], "MEDIA_ID");
        let requests = requests_to(&server, UPLOAD_PATH).await;
        assert_eq!(requests.len(), 1, "{source}");
        let request = &requests[0];
        assert_eq!(
            query_value(request, "access_token").as_deref(),
            Some(ACCESS_TOKEN)
        );
        let length: usize = request
            .headers
            .get("content-length")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
            .expect("a Content-Length, not a chunked body");
        assert_eq!(length, request.body.len(), "{source}");
        assert_wire_format(&form_parts(request).await, "clip.mp4", "video/mp4");
    }
}

#[tokio::test]
async fn a_40001_retry_sends_the_file_again() {
    let server = MockServer::start().await;
    mount_token_refresh(&server).await;
    Mock::given(method("POST"))
        .and(path(UPLOAD_PATH))
        .and(query_param("access_token", ACCESS_TOKEN))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"errcode": 40001, "errmsg": "invalid credential"})),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(UPLOAD_PATH))
        .and(query_param("access_token", FRESH_TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"media_id": "M2"})))
        .mount(&server)
        .await;
    let client = client(&server).await;
    // a reader can be read only once: the retry must send what was read
    let file = Upload::from_reader("clip.mp4", std::io::Cursor::new(file_bytes()));
    let answer = upload(&client, file).await.expect("retried once");
    assert_eq!(answer["media_id"], "M2");
    let requests = requests_to(&server, UPLOAD_PATH).await;
    assert_eq!(requests.len(), 2, "the first attempt and one retry");
    assert_eq!(requests_to(&server, TOKEN_PATH).await.len(), 1);
    for request in &requests {
        assert_wire_format(&form_parts(request).await, "clip.mp4", "video/mp4");
    }
}

#[tokio::test]
async fn files_that_cannot_be_uploaded_fail_before_anything_is_sent() {
    let server = MockServer::start().await;
    mount_upload_ok(&server).await;
    let client = client_with(&server, |b| b.media_limit(1000)).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let cases = [
        ("no extension", Upload::from_bytes("README", vec![1, 2, 3])),
        ("empty filename", Upload::from_bytes("", vec![1])),
        ("directory path", Upload::from_path("/")),
        (
            "missing file",
            Upload::from_path(dir.path().join("gone.jpg")),
        ),
        (
            "bad content type",
            Upload::from_bytes("a.jpg", vec![1]).content_type("not a type"),
        ),
        (
            "bytes over the media limit",
            Upload::from_bytes("a.jpg", vec![0; 1001]),
        ),
        (
            "reader over the media limit",
            Upload::from_reader("a.jpg", std::io::Cursor::new(vec![0; 1001])),
        ),
    ];
    for (case, file) in cases {
        let e = upload(&client, file).await.expect_err(case);
        assert!(
            matches!(&e, Error::Upload { part: "media", endpoint, .. } if endpoint == "test.upload_material"),
            "{case}: {e:?}"
        );
    }
    assert!(requests_to(&server, UPLOAD_PATH).await.is_empty());
    // exactly at the limit is fine
    upload(&client, Upload::from_bytes("a.jpg", vec![0; 1000]))
        .await
        .expect("a file of exactly the limit");
}

#[tokio::test]
async fn content_types_are_guessed_or_given() {
    let server = MockServer::start().await;
    mount_upload_ok(&server).await;
    let client = client(&server).await;
    let cases = [
        (Upload::from_bytes("photo.JPG", file_bytes()), "image/jpeg"),
        (Upload::from_bytes("voice.amr", file_bytes()), "audio/amr"),
        (Upload::from_bytes("hd.speex", file_bytes()), "audio/speex"),
        (
            Upload::from_bytes("data.weird-extension", file_bytes()),
            "application/octet-stream",
        ),
        (
            Upload::from_bytes("photo.png", file_bytes()).content_type("image/x-custom"),
            "image/x-custom",
        ),
    ];
    for (file, expected) in cases {
        let filename = file.filename().to_owned();
        upload(&client, file).await.expect("uploaded");
        let requests = requests_to(&server, UPLOAD_PATH).await;
        let parts = form_parts(requests.last().expect("a request")).await;
        assert_wire_format(&parts, &filename, expected);
    }
}
