//! Media uploads (`/v3/merchant/media/upload`, `/v3/merchant/media/video_upload`,
//! `/v3/merchant-service/images/upload`) and the complaint image download
//! (`/v3/merchant-service/images/{media_id}`).
//!
//! An upload is `multipart/form-data` with a `meta` part — the JSON
//! `{"filename": …, "sha256": …}` — and a `file` part. What the merchant
//! signs is the `meta` JSON, not the multipart body; so [`parse`] runs
//! before the signature is checked and hands `meta` over as the signed
//! body. The sandbox then checks what WeChat checks: the `sha256` is the
//! file's, the name has an allowed extension, the bytes are of that format
//! (JPG/PNG/BMP by their magic numbers), and the size limit (2 MB for
//! images, 5 MB for videos). The answer is a `media_id`, which onboarding
//! and complaint answers then accept.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, header};
use serde_json::{Value, json};

use super::answer::PayAnswer;
use super::error::PayError;
use super::state::PayWorld;
use crate::world::random_string;

/// Image size limit (images and complaint images).
const IMAGE_LIMIT: usize = 2 * 1024 * 1024;
/// Video size limit.
const VIDEO_LIMIT: usize = 5 * 1024 * 1024;
const VIDEO_EXTENSIONS: [&str; 10] = [
    "avi", "wmv", "mpeg", "mp4", "mov", "mkv", "flv", "f4v", "m4v", "rmvb",
];

/// A multipart upload, parsed.
#[derive(Debug, Clone)]
pub(crate) struct Upload {
    /// The `meta` part as sent: what the request signature covers.
    pub meta: Vec<u8>,
    pub file: Vec<u8>,
}

/// A stored media file.
#[derive(Debug, Clone)]
pub(crate) struct Media {
    /// Who uploaded it (or whose complaint it belongs to).
    pub mchid: String,
    pub bytes: Vec<u8>,
}

/// Whether the request is `multipart/form-data`.
pub(crate) fn is_multipart(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("multipart/form-data"))
}

/// Reads the `meta` and `file` parts.
pub(crate) async fn parse(headers: &HeaderMap, body: Bytes) -> Result<Upload, PayError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let boundary = multer::parse_boundary(content_type)
        .map_err(|_| PayError::invalid("multipart请求缺少boundary"))?;
    let stream =
        futures_util::stream::once(async move { Ok::<Bytes, std::convert::Infallible>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut meta = None;
    let mut file = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| PayError::invalid("multipart请求体格式错误"))?
    {
        let name = field.name().map(str::to_owned);
        let bytes = field
            .bytes()
            .await
            .map_err(|_| PayError::invalid("multipart请求体格式错误"))?;
        match name.as_deref() {
            Some("meta") => meta = Some(bytes.to_vec()),
            Some("file") => file = Some(bytes.to_vec()),
            _ => {}
        }
    }
    Ok(Upload {
        meta: meta.ok_or_else(|| PayError::param("meta", "缺少必填参数"))?,
        file: file.ok_or_else(|| PayError::param("file", "缺少必填参数"))?,
    })
}

/// What an upload endpoint takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Image,
    Video,
}

fn extension(name: &str) -> String {
    name.rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

/// The image format its first bytes say, if it is one WeChat takes.
fn image_format(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("jpg")
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G']) {
        Some("png")
    } else if bytes.starts_with(b"BM") {
        Some("bmp")
    } else {
        None
    }
}

/// Lower-case hex SHA-256.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, bytes))
}

/// Checks an upload and stores it; answers `{"media_id": …}`.
pub(crate) fn upload(
    world: &mut PayWorld,
    mchid: &str,
    kind: Kind,
    upload: Option<&Upload>,
) -> Result<PayAnswer, PayError> {
    let upload =
        upload.ok_or_else(|| PayError::invalid("上传接口的请求须为multipart/form-data"))?;
    let meta: Value = serde_json::from_slice(&upload.meta)
        .map_err(|_| PayError::param("meta", "应为JSON对象"))?;
    let filename = super::answer::required(&meta, "filename", 128)?.to_owned();
    let sha256 = super::answer::required(&meta, "sha256", 64)?;
    if !sha256.eq_ignore_ascii_case(&sha256_hex(&upload.file)) {
        return Err(PayError::param(
            "sha256",
            "与上传文件内容的SHA256摘要不一致",
        ));
    }
    let ext = extension(&filename);
    match kind {
        Kind::Image => {
            let format = match ext.as_str() {
                "jpg" | "jpeg" => "jpg",
                "png" => "png",
                "bmp" => "bmp",
                _ => {
                    return Err(PayError::param("filename", "图片仅支持JPG、BMP、PNG格式"));
                }
            };
            if upload.file.len() > IMAGE_LIMIT {
                return Err(PayError::param("file", "图片大小不能超过2M"));
            }
            if image_format(&upload.file) != Some(format) {
                return Err(PayError::param("file", "文件内容与文件后缀格式不符"));
            }
        }
        Kind::Video => {
            if !VIDEO_EXTENSIONS.contains(&ext.as_str()) {
                return Err(PayError::param(
                    "filename",
                    "视频仅支持avi、wmv、mpeg、mp4、mov、mkv、flv、f4v、m4v、rmvb格式",
                ));
            }
            if upload.file.len() > VIDEO_LIMIT {
                return Err(PayError::param("file", "视频大小不能超过5M"));
            }
        }
    }
    if upload.file.is_empty() {
        return Err(PayError::param("file", "文件不能为空"));
    }
    let media_id = store(&mut world.sp.media, mchid, upload.file.clone());
    Ok(PayAnswer::Json(
        StatusCode::OK,
        json!({ "media_id": media_id }),
    ))
}

/// Stores a file; answers its new media id.
pub(crate) fn store(media: &mut HashMap<String, Media>, mchid: &str, bytes: Vec<u8>) -> String {
    let media_id = random_string(86);
    media.insert(
        media_id.clone(),
        Media {
            mchid: mchid.to_owned(),
            bytes,
        },
    );
    media_id
}

/// Whether `media_id` was uploaded by `mchid`.
pub(crate) fn owned_by(world: &PayWorld, mchid: &str, media_id: &str) -> bool {
    world
        .sp
        .media
        .get(media_id)
        .is_some_and(|m| m.mchid == mchid)
}

/// Refuses a media id field the merchant did not upload.
pub(crate) fn check_media(
    world: &PayWorld,
    mchid: &str,
    field: &str,
    media_id: &str,
) -> Result<(), PayError> {
    if owned_by(world, mchid, media_id) {
        Ok(())
    } else {
        Err(PayError::param(
            field,
            "图片MediaID无效，请先调用图片上传接口",
        ))
    }
}

/// `GET /v3/merchant-service/images/{media_id}`: the image, signed like an
/// answer.
pub(crate) fn download(
    world: &PayWorld,
    mchid: &str,
    media_id: &str,
) -> Result<PayAnswer, PayError> {
    let media = world
        .sp
        .media
        .get(media_id)
        .filter(|m| {
            m.mchid == mchid
                || world
                    .sp
                    .sub_merchants
                    .iter()
                    .any(|s| s.sp_mchid == mchid && s.sub_mchid == m.mchid)
        })
        .ok_or_else(|| PayError::not_exists("图片不存在"))?;
    let content_type = match image_format(&media.bytes) {
        Some("png") => "image/png",
        Some("bmp") => "image/bmp",
        _ => "image/jpeg",
    };
    Ok(PayAnswer::Image(media.bytes.clone(), content_type))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pay::settings::PaySettings;

    fn png() -> Vec<u8> {
        let mut b = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
        b.extend_from_slice(b"rest of a png");
        b
    }

    fn up(filename: &str, file: Vec<u8>, sha: Option<&str>) -> Upload {
        let sha = sha.map_or_else(|| sha256_hex(&file), str::to_owned);
        Upload {
            meta: json!({"filename": filename, "sha256": sha})
                .to_string()
                .into_bytes(),
            file,
        }
    }

    #[tokio::test]
    async fn the_meta_and_file_parts_are_read() {
        let body = "--XB\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n{\"filename\":\"a.png\",\"sha256\":\"00\"}\r\n--XB\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\nPNGDATA\r\n--XB--\r\n";
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            "multipart/form-data; boundary=XB".parse().unwrap(),
        );
        assert!(is_multipart(&headers));
        let parsed = parse(&headers, Bytes::from(body)).await.unwrap();
        assert_eq!(parsed.meta, br#"{"filename":"a.png","sha256":"00"}"#);
        assert_eq!(parsed.file, b"PNGDATA");
        let no_file =
            "--XB\r\nContent-Disposition: form-data; name=\"meta\"\r\n\r\n{}\r\n--XB--\r\n";
        assert_eq!(
            parse(&headers, Bytes::from(no_file))
                .await
                .unwrap_err()
                .code,
            "PARAM_ERROR"
        );
    }

    #[test]
    fn uploads_are_checked_as_wechat_checks_them() {
        let mut world = PayWorld::new(&PaySettings::default()).unwrap();
        let ok = upload(
            &mut world,
            "m",
            Kind::Image,
            Some(&up("id.png", png(), None)),
        )
        .unwrap();
        let PayAnswer::Json(_, v) = ok else { panic!() };
        let id = v["media_id"].as_str().unwrap();
        assert!(owned_by(&world, "m", id));
        assert!(!owned_by(&world, "other", id));
        for (bad, why) in [
            (up("id.png", png(), Some("00ff")), "sha256"),
            (up("id.gif", png(), None), "extension"),
            (up("id.jpg", png(), None), "format"),
            (
                up("id.png", [0x89, b'P', b'N', b'G'].repeat(600_000), None),
                "size",
            ),
        ] {
            let e = upload(&mut world, "m", Kind::Image, Some(&bad)).unwrap_err();
            assert_eq!(e.code, "PARAM_ERROR", "{why}");
        }
        assert!(
            upload(
                &mut world,
                "m",
                Kind::Video,
                Some(&up("v.mp4", b"video".to_vec(), None))
            )
            .is_ok()
        );
        assert!(
            upload(
                &mut world,
                "m",
                Kind::Video,
                Some(&up("v.exe", b"video".to_vec(), None))
            )
            .is_err()
        );
        assert_eq!(
            upload(&mut world, "m", Kind::Image, None).unwrap_err().code,
            "INVALID_REQUEST"
        );
    }
}
