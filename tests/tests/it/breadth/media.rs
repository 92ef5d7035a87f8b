//! Files end to end, through the real client: multipart uploads from bytes
//! and from a file path, downloaded again byte for byte with their content
//! type (temporary media and permanent material); a video answered as JSON
//! with a download URL; WeChat's refusals of wrong kinds, sizes and
//! other accounts' media ids.

use wechat_api_test_support::platform;
use wechat_api_test_support::platform as sandbox_flow;

use platform::Platform;
use wechat_api::api::material::{
    AddMaterialRequest, DelMaterialRequest, GetMaterialRequest, MaterialType,
    MaterialVideoDescription,
};
use wechat_api::api::media::{GetRequest, MediaType, UploadRequest};
use wechat_api::callback::Router;
use wechat_api::media::{Media, MediaOr, Upload};
use wechat_sandbox::{DEFAULT_MERCHANT_APPID, SandboxConfig, errcode};

/// Bytes that are not valid UTF-8 and hold every byte value (a text
/// round trip would change them).
fn binary(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 % 256) as u8).collect()
}

fn media<T: std::fmt::Debug>(answer: MediaOr<T>) -> Media {
    match answer {
        MediaOr::Media(media) => media,
        MediaOr::Json(json) => panic!("expected file bytes, got JSON {json:?}"),
    }
}

#[tokio::test]
async fn temporary_media_is_downloaded_as_uploaded() {
    let sandbox = sandbox_flow::sandbox_with(SandboxConfig::builder()).await;
    let platform = Platform::start(&sandbox, Router::new()).await;
    let shop = platform.authorize(DEFAULT_MERCHANT_APPID).await;
    let files = shop.media();

    // From bytes.
    let picture = binary(70_000);
    let uploaded = files
        .upload(UploadRequest::new(
            MediaType::Image,
            Upload::from_bytes("latte.png", picture.clone()),
        ))
        .await
        .unwrap();
    assert_eq!(uploaded.media_type, MediaType::Image);
    assert!(uploaded.created_at > 0);
    let image_id = uploaded.media_id.expect("an image's media_id");
    let image = media(files.get(GetRequest::new(image_id.as_str())).await.unwrap());
    assert_eq!(image.bytes, picture);
    assert_eq!(image.content_type, "image/png");
    assert_eq!(image.filename, Some(format!("{image_id}.png")));

    // From a file path.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("greeting.mp3");
    let voice = binary(30_000);
    std::fs::write(&path, &voice).unwrap();
    let voice_id = files
        .upload(UploadRequest::new(
            MediaType::Voice,
            Upload::from_path(&path),
        ))
        .await
        .unwrap()
        .media_id
        .unwrap();
    assert_ne!(voice_id, image_id);
    let downloaded = media(files.get(GetRequest::new(voice_id.as_str())).await.unwrap());
    assert_eq!(downloaded.bytes, voice);
    assert_eq!(downloaded.content_type, "audio/mpeg");
    assert_eq!(downloaded.filename, Some(format!("{voice_id}.mp3")));

    // A thumbnail answers thumb_media_id.
    let thumb = files
        .upload(UploadRequest::new(
            MediaType::Thumb,
            Upload::from_bytes("cover.jpg", binary(1000)),
        ))
        .await
        .unwrap();
    assert!(thumb.media_id.is_none());
    let thumb_id = thumb.thumb_media_id.expect("a thumb_media_id");
    let cover = media(files.get(GetRequest::new(thumb_id)).await.unwrap());
    assert_eq!(
        (cover.content_type.as_str(), cover.bytes.len()),
        ("image/jpeg", 1000)
    );

    // A video is answered with its download URL, which serves its bytes.
    let clip = binary(50_000);
    let video_id = files
        .upload(UploadRequest::new(
            MediaType::Video,
            Upload::from_bytes("clip.mp4", clip.clone()),
        ))
        .await
        .unwrap()
        .media_id
        .unwrap();
    let MediaOr::Json(video) = files.get(GetRequest::new(video_id)).await.unwrap() else {
        panic!("a video is answered as JSON");
    };
    let fetched = reqwest::get(&video.video_url).await.unwrap();
    assert_eq!(fetched.headers()["content-type"], "video/mp4");
    assert_eq!(fetched.bytes().await.unwrap(), clip);

    // Media ids belong to the account that uploaded them.
    let e = platform
        .client()
        .media()
        .get(GetRequest::new(image_id.as_str()))
        .await
        .unwrap_err();
    assert_eq!(e.api_code(), Some(errcode::INVALID_MEDIA_ID), "{e}");
    let e = files
        .get(GetRequest::new("never-uploaded"))
        .await
        .unwrap_err();
    assert_eq!(e.api_code(), Some(errcode::INVALID_MEDIA_ID), "{e}");
}

#[tokio::test]
async fn uploads_of_the_wrong_kind_or_size_are_refused() {
    let sandbox = sandbox_flow::sandbox_with(SandboxConfig::builder()).await;
    let platform = Platform::start(&sandbox, Router::new()).await;
    let shop = platform.authorize(DEFAULT_MERCHANT_APPID).await;
    let upload = |kind, name: &'static str, len| {
        let shop = shop.clone();
        async move {
            shop.media()
                .upload(UploadRequest::new(
                    kind,
                    Upload::from_bytes(name, binary(len)),
                ))
                .await
                .unwrap_err()
                .api_code()
        }
    };
    assert_eq!(
        upload(MediaType::Voice, "song.gif", 10).await,
        Some(errcode::INVALID_FILE_TYPE)
    );
    assert_eq!(
        upload(MediaType::Thumb, "cover.jpg", 64 * 1024 + 1).await,
        Some(errcode::INVALID_THUMB_SIZE)
    );
    assert_eq!(
        upload(MediaType::Image, "empty.png", 0).await,
        Some(errcode::INVALID_MEDIA_SIZE)
    );
    assert_eq!(sandbox.request_count("/cgi-bin/media/upload"), 3);
}

#[tokio::test]
async fn permanent_material_is_downloaded_as_uploaded_until_deleted() {
    let sandbox = sandbox_flow::sandbox_with(SandboxConfig::builder()).await;
    let platform = Platform::start(&sandbox, Router::new()).await;
    let shop = platform.authorize(DEFAULT_MERCHANT_APPID).await;
    let material = shop.material();

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("logo.jpg");
    let logo = binary(20_000);
    std::fs::write(&path, &logo).unwrap();
    let added = material
        .add_material(AddMaterialRequest::new(
            MaterialType::Image,
            Upload::from_path(&path),
        ))
        .await
        .unwrap();
    assert!(added.url.is_some(), "an image has a URL");
    let downloaded = media(
        material
            .get_material(GetMaterialRequest::new(added.media_id.as_str()))
            .await
            .unwrap(),
    );
    assert_eq!(downloaded.bytes, logo);
    assert_eq!(downloaded.content_type, "image/jpeg");
    assert_eq!(downloaded.filename.as_deref(), Some("logo.jpg"));

    // A video needs its description and is answered as JSON.
    let e = material
        .add_material(AddMaterialRequest::new(
            MaterialType::Video,
            Upload::from_bytes("tour.mp4", binary(5000)),
        ))
        .await
        .unwrap_err();
    assert_eq!(e.api_code(), Some(errcode::DATA_FORMAT), "{e}");
    let video = material
        .add_material(
            AddMaterialRequest::new(
                MaterialType::Video,
                Upload::from_bytes("tour.mp4", binary(5000)),
            )
            .description(MaterialVideoDescription::new(
                "The shop",
                "A tour of the shop",
            )),
        )
        .await
        .unwrap();
    let MediaOr::Json(info) = material
        .get_material(GetMaterialRequest::new(video.media_id.as_str()))
        .await
        .unwrap()
    else {
        panic!("a video is answered as JSON");
    };
    assert_eq!(info.title.as_deref(), Some("The shop"));
    assert_eq!(info.description.as_deref(), Some("A tour of the shop"));
    let fetched = reqwest::get(info.down_url.expect("a download URL"))
        .await
        .unwrap();
    assert_eq!(fetched.bytes().await.unwrap(), binary(5000));

    material
        .del_material(DelMaterialRequest::new(added.media_id.as_str()))
        .await
        .unwrap();
    let e = material
        .get_material(GetMaterialRequest::new(added.media_id.as_str()))
        .await
        .unwrap_err();
    assert_eq!(e.api_code(), Some(errcode::INVALID_MEDIA_ID), "{e}");
}
