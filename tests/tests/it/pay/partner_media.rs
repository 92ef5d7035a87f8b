//! WeChat Pay's hand-written calls of the service-provider APIs against
//! wiremock: the media uploads (`/v3/merchant/media/upload`,
//! `video_upload`, `/v3/merchant-service/images/upload`) send a `meta` part
//! (`{"filename","sha256"}`) and the file, and the signature covers the
//! `meta` JSON as the body (checked with the merchant's certificate, not
//! by the code under test); the complaint notification URL's `PUT` and
//! `DELETE`; the complaint image download. Every answer is verified.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use wechat_api::Error;
use wechat_api::media::Upload;
use wechat_api::pay::{MediaKind, MerchantKey, PayConfig, PlatformCertificate, WechatPay};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const MCHID: &str = "1900000109";
const MERCHANT_SERIAL: &str = "3775B6A45ACD588826D15E583A95F5DD5E63E2C0";
const PUB_KEY_ID: &str = "PUB_KEY_ID_0114232134912410000000000000";
/// SHA-256 of `abc` (FIPS 180-2, appendix B.1).
const SHA256_ABC: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../wechat-api/tests/fixtures/pay/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn merchant(base_url: &str) -> WechatPay {
    let vectors: Value = serde_json::from_slice(&fixture("vectors.json")).expect("vectors");
    let config = PayConfig::builder()
        .mchid(MCHID)
        .merchant_serial(MERCHANT_SERIAL)
        .private_key_pem(fixture("merchant_key.pem"))
        .apiv3_key(vectors["apiv3_key"].as_str().expect("apiv3_key"))
        .public_key_pem(PUB_KEY_ID, fixture("pub_key.pem"))
        .base_url(base_url)
        .build()
        .expect("pay config");
    WechatPay::new(config).expect("wechat pay")
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64
}

/// An answer signed with WeChat Pay's key over `signed_body`.
fn signed(status: u16, body: &[u8], signed_body: &[u8], content_type: &str) -> ResponseTemplate {
    let key = MerchantKey::from_pem(&fixture("pubkey_private.pem")).expect("key");
    let timestamp = now().to_string();
    let nonce = "593BEC0C930BF1AFEB40B4A08C8FB242";
    let mut message = format!("{timestamp}\n{nonce}\n").into_bytes();
    message.extend_from_slice(signed_body);
    message.push(b'\n');
    let signature = key.sign(&message).expect("sign");
    ResponseTemplate::new(status)
        .insert_header("Wechatpay-Timestamp", timestamp.as_str())
        .insert_header("Wechatpay-Nonce", nonce)
        .insert_header("Wechatpay-Signature", signature.as_str())
        .insert_header("Wechatpay-Serial", PUB_KEY_ID)
        .insert_header("Request-ID", "08F78BB5AF0610D302D7A2C8B4E5E02C8C8F")
        .set_body_raw(body.to_vec(), content_type)
}

fn json_answer(body: &str) -> ResponseTemplate {
    signed(200, body.as_bytes(), body.as_bytes(), "application/json")
}

/// The fields of the `Authorization` header.
fn authorization(request: &Request) -> BTreeMap<String, String> {
    let header = request
        .headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .expect("Authorization");
    let rest = header
        .strip_prefix("WECHATPAY2-SHA256-RSA2048 ")
        .expect("scheme");
    rest.split(',')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.trim_matches('"').to_owned()))
        .collect()
}

/// Whether the request's signature is the merchant's over
/// `METHOD\nPATH\nTIMESTAMP\nNONCE\nBODY\n` with `body`.
fn signed_over(request: &Request, body: &str) -> bool {
    let auth = authorization(request);
    let message = format!(
        "{}\n{}\n{}\n{}\n{}\n",
        request.method.as_str(),
        request.url.path(),
        auth["timestamp"],
        auth["nonce_str"],
        body
    );
    let cert = PlatformCertificate::from_pem(&fixture("merchant_cert.pem")).expect("cert");
    cert.public_key()
        .verify(message.as_bytes(), &auth["signature"])
}

/// One part of a multipart body: name, filename, content type, bytes.
type Part = (String, Option<String>, Option<String>, Vec<u8>);

/// The parts of a `multipart/form-data` request, as a server parses them.
async fn parts(request: &Request) -> Vec<Part> {
    let content_type = request
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .expect("content type");
    let boundary = multer::parse_boundary(content_type).expect("a multipart body");
    let body = request.body.clone();
    let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut out = Vec::new();
    while let Some(field) = multipart.next_field().await.expect("a part") {
        let name = field.name().unwrap_or_default().to_owned();
        let filename = field.file_name().map(str::to_owned);
        let content_type = field.content_type().map(|m| m.to_string());
        let bytes = field.bytes().await.expect("part bytes").to_vec();
        out.push((name, filename, content_type, bytes));
    }
    out
}

async fn upload_case(kind: MediaKind, filename: &str, path: &str) {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(json_answer(
            r#"{"media_id":"H1ihR9JUtVj-J7CJqBUY5ZOrG_Je75H-rKhZMbHFj9C4IBqHx2U2f1bMPpMLhTXKZAlm1gLDbrPTTrmXk6p8Ym0UxCtr6WVsLiS2_ROwNrEuWEiawyKmBeGSqgg"}"#,
        ))
        .mount(&server)
        .await;
    let pay = merchant(&server.uri());
    let media = pay
        .upload_media(kind, Upload::from_bytes(filename, b"abc".to_vec()))
        .await
        .expect("uploaded");
    assert!(media.media_id.starts_with("H1ihR9JU"), "{media:?}");

    let requests = server.received_requests().await.expect("recorded");
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), path);
    let parts = parts(request).await;
    let names: Vec<&str> = parts.iter().map(|p| p.0.as_str()).collect();
    assert_eq!(names, ["meta", "file"], "meta first, then the file");
    let (_, meta_filename, meta_type, meta_bytes) = &parts[0];
    assert_eq!(*meta_filename, None, "meta is a text part");
    assert_eq!(meta_type.as_deref(), Some("application/json"));
    let meta_text = String::from_utf8(meta_bytes.clone()).expect("utf-8 meta");
    let meta: Value = serde_json::from_str(&meta_text).expect("JSON meta");
    assert_eq!(meta, json!({"filename": filename, "sha256": SHA256_ABC}));
    let (_, file_name, _, file_bytes) = &parts[1];
    assert_eq!(file_name.as_deref(), Some(filename));
    assert_eq!(file_bytes, b"abc");

    // the signature covers the meta JSON as the body, nothing else
    assert!(signed_over(request, &meta_text), "signed over meta");
    let whole = String::from_utf8_lossy(&request.body).into_owned();
    assert!(!signed_over(request, &whole), "not over the whole form");
    assert!(!signed_over(request, ""), "not over an empty body");
    assert_eq!(authorization(request)["mchid"], MCHID);
}

#[tokio::test]
async fn image_upload_signs_the_meta_part() {
    upload_case(MediaKind::Image, "id_card.jpg", "/v3/merchant/media/upload").await;
}

#[tokio::test]
async fn video_upload_signs_the_meta_part() {
    upload_case(
        MediaKind::Video,
        "commitment.mp4",
        "/v3/merchant/media/video_upload",
    )
    .await;
}

#[tokio::test]
async fn complaint_image_upload_signs_the_meta_part() {
    upload_case(
        MediaKind::ComplaintImage,
        "evidence.png",
        "/v3/merchant-service/images/upload",
    )
    .await;
}

#[tokio::test]
async fn a_bad_file_is_refused_before_sending() {
    let server = MockServer::start().await;
    let pay = merchant(&server.uri());
    let err = pay
        .upload_image(Upload::from_bytes("notes.txt", b"abc".to_vec()))
        .await
        .expect_err("a .txt is not an image");
    assert!(matches!(err, Error::Upload { .. }), "{err:?}");
    let big = vec![0u8; (wechat_api::pay::COMPLAINT_IMAGE_LIMIT + 1) as usize];
    let err = pay
        .upload_complaint_image(Upload::from_bytes("big.jpg", big))
        .await
        .expect_err("too large");
    assert!(matches!(err, Error::Upload { .. }), "{err:?}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn an_unsigned_or_forged_upload_answer_is_refused() {
    let body = r#"{"media_id":"forged"}"#;
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
        .mount(&server)
        .await;
    let pay = merchant(&server.uri());
    let err = pay
        .upload_image(Upload::from_bytes("a.jpg", b"abc".to_vec()))
        .await
        .expect_err("unsigned");
    assert!(matches!(err, Error::PaySignature { .. }), "{err:?}");

    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(signed(
            200,
            body.as_bytes(),
            br#"{"media_id":"real"}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    let pay = merchant(&server.uri());
    let err = pay
        .upload_image(Upload::from_bytes("a.jpg", b"abc".to_vec()))
        .await
        .expect_err("forged");
    assert!(matches!(err, Error::PaySignature { .. }), "{err:?}");
}

#[tokio::test]
async fn the_complaint_notification_url_is_updated_with_put_and_deleted_with_delete() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::method("PUT"))
        .respond_with(json_answer(
            r#"{"mchid":"1900000109","url":"https://example.com/complaints"}"#,
        ))
        .mount(&server)
        .await;
    Mock::given(wiremock::matchers::method("DELETE"))
        .respond_with(signed(204, b"", b"", "application/json"))
        .mount(&server)
        .await;
    let pay = merchant(&server.uri());
    let answer = pay
        .update_complaint_notification_url("https://example.com/complaints")
        .await
        .expect("updated");
    assert_eq!(answer.url, "https://example.com/complaints");
    pay.delete_complaint_notification_url()
        .await
        .expect("deleted");
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    let put = &requests[0];
    assert_eq!(put.method.as_str(), "PUT");
    assert_eq!(
        put.url.path(),
        "/v3/merchant-service/complaint-notifications"
    );
    let body = String::from_utf8(put.body.clone()).unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap(),
        json!({"url": "https://example.com/complaints"})
    );
    assert!(signed_over(put, &body), "PUT signed over its body");
    let delete = &requests[1];
    assert_eq!(delete.method.as_str(), "DELETE");
    assert!(delete.body.is_empty());
    assert!(signed_over(delete, ""), "DELETE signed over nothing");
}

#[tokio::test]
async fn a_complaint_image_downloads_and_a_forged_signed_one_is_refused() {
    let image = b"\xff\xd8\xff\xe0 a jpeg".to_vec();
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw(image.clone(), "image/jpeg"))
        .mount(&server)
        .await;
    let pay = merchant(&server.uri());
    // a media_url as complaint_media_list gives it: its id is taken
    let got = pay
        .download_complaint_image(
            "https://api.mch.weixin.qq.com/v3/merchant-service/images/ChsyMDA%2BxNTA",
        )
        .await
        .expect("downloaded");
    assert_eq!(got.bytes.as_ref(), image.as_slice());
    assert_eq!(got.content_type.as_deref(), Some("image/jpeg"));
    assert!(!format!("{got:?}").contains("jpeg a"), "Debug hides it");
    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        requests[0].url.path(),
        "/v3/merchant-service/images/ChsyMDA%2BxNTA"
    );
    assert!(signed_over(&requests[0], ""), "the GET is signed");

    // a signature that does not match is refused
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(signed(200, &image, b"another image", "image/jpeg"))
        .mount(&server)
        .await;
    let pay = merchant(&server.uri());
    let err = pay
        .download_complaint_image("ChsyMDAxNTA")
        .await
        .expect_err("forged");
    assert!(matches!(err, Error::PaySignature { .. }), "{err:?}");
    let err = pay.download_complaint_image("").await.expect_err("no id");
    assert!(matches!(err, Error::Encode { .. }), "{err:?}");
}
