//! WeChat Pay's file uploads: the images and videos an onboarding
//! application cites (`/v3/merchant/media/upload`, `video_upload`) and the
//! images a complaint answer shows (`/v3/merchant-service/images/upload`).
//!
//! They are hand-written because their signature is not over the body: the
//! request is `multipart/form-data` with a `meta` part, the JSON
//! `{"filename":…,"sha256":…}` (the file's SHA-256, lowercase hex), and a
//! `file` part; the `Authorization` signature covers the `meta` JSON as its
//! body. The answer, verified like every other, is a `media_id`.

use serde::{Deserialize, Serialize};

use super::transport::{SignedBody, send_custom};
use super::wechat_pay::WechatPay;
use crate::error::{CallName, Error, Result};
use crate::media::Upload;

/// The largest image WeChat Pay takes for onboarding (5 MiB).
pub const MEDIA_IMAGE_LIMIT: u64 = 5 * 1024 * 1024;
/// The largest video WeChat Pay takes for onboarding (5 MiB).
pub const MEDIA_VIDEO_LIMIT: u64 = 5 * 1024 * 1024;
/// The largest complaint-answer image WeChat Pay takes (2 MiB).
pub const COMPLAINT_IMAGE_LIMIT: u64 = 2 * 1024 * 1024;

/// One of WeChat Pay's upload endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaKind {
    /// `/v3/merchant/media/upload`: JPG, BMP or PNG, for onboarding.
    Image,
    /// `/v3/merchant/media/video_upload`: AVI, WMV, MPEG, MP4, MOV, MKV,
    /// FLV, F4V, M4V or RMVB, for onboarding.
    Video,
    /// `/v3/merchant-service/images/upload`: JPG, BMP or PNG, for a
    /// complaint answer.
    ComplaintImage,
}

impl MediaKind {
    /// The path uploaded to.
    pub fn path(self) -> &'static str {
        match self {
            MediaKind::Image => "/v3/merchant/media/upload",
            MediaKind::Video => "/v3/merchant/media/video_upload",
            MediaKind::ComplaintImage => "/v3/merchant-service/images/upload",
        }
    }

    /// The name errors and traces use.
    pub fn name(self) -> &'static str {
        match self {
            MediaKind::Image => "upload_image",
            MediaKind::Video => "upload_video",
            MediaKind::ComplaintImage => "upload_complaint_image",
        }
    }

    /// The largest file WeChat Pay takes.
    pub fn limit(self) -> u64 {
        match self {
            MediaKind::Image => MEDIA_IMAGE_LIMIT,
            MediaKind::Video => MEDIA_VIDEO_LIMIT,
            MediaKind::ComplaintImage => COMPLAINT_IMAGE_LIMIT,
        }
    }

    /// The file extensions WeChat Pay takes (lower case).
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            MediaKind::Image | MediaKind::ComplaintImage => &["jpg", "jpeg", "bmp", "png"],
            MediaKind::Video => &[
                "avi", "wmv", "mpeg", "mp4", "mov", "mkv", "flv", "f4v", "m4v", "rmvb",
            ],
        }
    }
}

/// The `meta` part: what is signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaMeta {
    /// The file name, with its extension.
    pub filename: String,
    /// The file's SHA-256, lowercase hex.
    pub sha256: String,
}

impl MediaMeta {
    /// The meta of `bytes` named `filename`.
    pub fn of(filename: impl Into<String>, bytes: &[u8]) -> Self {
        let digest = ring::digest::digest(&ring::digest::SHA256, bytes);
        MediaMeta {
            filename: filename.into(),
            sha256: hex::encode(digest.as_ref()),
        }
    }

    /// The JSON text sent as the `meta` part and signed.
    ///
    /// # Errors
    /// [`Error::Encode`] never in practice (two strings).
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string(self).map_err(|e| Error::Encode {
            endpoint: CallName::endpoint("pay", "media_meta", ""),
            reason: e.to_string(),
        })
    }
}

/// What an upload answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaId {
    /// The id to cite in an application or a complaint answer.
    pub media_id: String,
}

impl WechatPay {
    /// Uploads an image for an onboarding application
    /// (`/v3/merchant/media/upload`); cite the answer's `media_id` in
    /// `applyment().submit(..)`.
    ///
    /// Official documentation: <https://pay.weixin.qq.com/doc/v3/partner/4012760432>
    ///
    /// # Errors
    /// As [`upload_media`](Self::upload_media).
    pub async fn upload_image(&self, upload: Upload) -> Result<MediaId> {
        self.upload_media(MediaKind::Image, upload).await
    }

    /// Uploads a video for an onboarding application
    /// (`/v3/merchant/media/video_upload`).
    ///
    /// Official documentation: <https://pay.weixin.qq.com/doc/v3/partner/4012761084>
    ///
    /// # Errors
    /// As [`upload_media`](Self::upload_media).
    pub async fn upload_video(&self, upload: Upload) -> Result<MediaId> {
        self.upload_media(MediaKind::Video, upload).await
    }

    /// Uploads an image for a complaint answer
    /// (`/v3/merchant-service/images/upload`); cite the `media_id` in
    /// `complaints().respond(..)`.
    ///
    /// Official documentation: <https://pay.weixin.qq.com/doc/v3/partner/4012467222>
    ///
    /// # Errors
    /// As [`upload_media`](Self::upload_media).
    pub async fn upload_complaint_image(&self, upload: Upload) -> Result<MediaId> {
        self.upload_media(MediaKind::ComplaintImage, upload).await
    }

    /// Uploads `upload` to `kind`'s endpoint: reads it (at most
    /// [`MediaKind::limit`] bytes), sends the `meta` part
    /// (`{"filename","sha256"}`) and the `file` part, the signature over the
    /// `meta` JSON, and verifies the answer before reading its `media_id`.
    ///
    /// # Errors
    /// [`Error::Upload`] when the file cannot be read, is too large, or its
    /// extension is not one WeChat Pay takes (nothing is sent);
    /// [`Error::Pay`], [`Error::PaySignature`] and transport errors as any
    /// WeChat Pay call; [`Error::Decode`] when the answer has no `media_id`.
    pub async fn upload_media(&self, kind: MediaKind, upload: Upload) -> Result<MediaId> {
        let problem = |reason: String| Error::Upload {
            endpoint: CallName::endpoint("pay", kind.name(), kind.path()),
            part: "file",
            reason,
        };
        let (filename, content_type, bytes) = crate::multipart::read_upload(upload, kind.limit())
            .await
            .map_err(problem)?;
        let extension = filename
            .rsplit_once('.')
            .map(|(_, ext)| ext.to_ascii_lowercase())
            .unwrap_or_default();
        if !kind.extensions().contains(&extension.as_str()) {
            return Err(problem(format!(
                "`{filename}`: WeChat Pay takes only {} here",
                kind.extensions().join(", ")
            )));
        }
        let meta = MediaMeta::of(filename.clone(), &bytes).to_json()?;
        let meta_part = reqwest::multipart::Part::text(meta.clone())
            .mime_str("application/json")
            .map_err(|e| Error::Config(format!("content type rejected: {e}")))?;
        let length = bytes.len() as u64;
        let file_part = reqwest::multipart::Part::stream_with_length(bytes, length)
            .file_name(filename)
            .mime_str(content_type.as_ref())
            .map_err(|e| Error::Config(format!("content type rejected: {e}")))?;
        let form = reqwest::multipart::Form::new()
            .part("meta", meta_part)
            .part("file", file_part);
        let answer = send_custom(
            self,
            kind.name(),
            reqwest::Method::POST,
            kind.path(),
            SignedBody::Multipart { meta, form },
            false,
        )
        .await?;
        answer.json::<MediaId>()
    }
}
