//! The complaint calls the spec cannot express: the notification URL's
//! update (`PUT`) and removal (`DELETE`), and the download of a complaint's
//! images (a binary answer). The spec's `complaints` module has the rest.

use percent_encoding::utf8_percent_encode;
use serde::{Deserialize, Serialize};

use super::transport::{SignedBody, send_custom};
use super::wechat_pay::WechatPay;
use crate::call::SEGMENT;
use crate::error::{Error, Result};

/// The path of the complaint notification URL.
const NOTIFICATION_PATH: &str = "/v3/merchant-service/complaint-notifications";
/// The path prefix of complaint images.
const IMAGES_PATH: &str = "/v3/merchant-service/images/";

/// Where complaint notifications go, as WeChat Pay answers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplaintNotificationUrl {
    /// The merchant (or service provider) the URL belongs to.
    pub mchid: String,
    /// The URL.
    pub url: String,
}

/// A complaint image as downloaded.
#[derive(Clone, PartialEq, Eq)]
pub struct ComplaintImage {
    /// The `Content-Type` WeChat Pay gave (`image/jpeg`…), if any.
    pub content_type: Option<String>,
    /// The image.
    pub bytes: bytes::Bytes,
}

impl std::fmt::Debug for ComplaintImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // a payer's evidence: its size, not its content
        f.debug_struct("ComplaintImage")
            .field("content_type", &self.content_type)
            .field("len", &self.bytes.len())
            .finish()
    }
}

impl WechatPay {
    /// Changes the URL complaint notifications go to (`PUT
    /// /v3/merchant-service/complaint-notifications`, 更新投诉通知回调地址).
    ///
    /// Official documentation: <https://pay.weixin.qq.com/doc/v3/partner/4012459287>
    ///
    /// # Errors
    /// [`Error::Pay`], [`Error::PaySignature`], transport and decoding
    /// errors, as any WeChat Pay call.
    pub async fn update_complaint_notification_url(
        &self,
        url: &str,
    ) -> Result<ComplaintNotificationUrl> {
        let body = serde_json::json!({ "url": url }).to_string();
        let answer = send_custom(
            self,
            "update_complaint_notification_url",
            reqwest::Method::PUT,
            NOTIFICATION_PATH,
            SignedBody::Json(body),
            false,
        )
        .await?;
        answer.json()
    }

    /// Stops complaint notifications (`DELETE
    /// /v3/merchant-service/complaint-notifications`, 删除投诉通知回调地址);
    /// WeChat Pay answers `204 No Content`.
    ///
    /// Official documentation: <https://pay.weixin.qq.com/doc/v3/partner/4012460474>
    ///
    /// # Errors
    /// As [`update_complaint_notification_url`](Self::update_complaint_notification_url).
    pub async fn delete_complaint_notification_url(&self) -> Result<()> {
        let answer = send_custom(
            self,
            "delete_complaint_notification_url",
            reqwest::Method::DELETE,
            NOTIFICATION_PATH,
            SignedBody::None,
            false,
        )
        .await?;
        answer.empty()
    }

    /// Downloads a complaint image (`GET
    /// /v3/merchant-service/images/{media_id}`, 图片下载). `media` is the
    /// `media_id`, or a `media_url` of `complaint_media_list` as WeChat Pay
    /// gives it (`https://api.mch.weixin.qq.com/v3/merchant-service/images/…`:
    /// its id is taken, and it is fetched from the configured base URL).
    ///
    /// The request is signed. WeChat Pay does not sign binary answers (as
    /// with bills): an answer that carries a signature is verified, one
    /// without is returned as the bytes it is.
    ///
    /// Official documentation: <https://pay.weixin.qq.com/doc/v3/partner/4012467223>
    ///
    /// # Errors
    /// [`Error::Encode`] for an empty id; [`Error::Pay`] for an error
    /// answer; [`Error::PaySignature`] when a signed answer does not verify;
    /// transport errors.
    pub async fn download_complaint_image(&self, media: &str) -> Result<ComplaintImage> {
        let id = media
            .split_once(IMAGES_PATH)
            .map_or(media, |(_, id)| id)
            .split(['?', '#'])
            .next()
            .unwrap_or_default();
        let id = percent_encoding::percent_decode_str(id).decode_utf8_lossy();
        if id.is_empty() || id == "." || id == ".." {
            return Err(Error::Encode {
                endpoint: crate::error::CallName::endpoint(
                    "pay",
                    "download_complaint_image",
                    IMAGES_PATH,
                ),
                reason: "the media id is empty".to_owned(),
            });
        }
        let path = format!("{IMAGES_PATH}{}", utf8_percent_encode(&id, SEGMENT));
        let answer = send_custom(
            self,
            "download_complaint_image",
            reqwest::Method::GET,
            &path,
            SignedBody::None,
            true,
        )
        .await?;
        Ok(ComplaintImage {
            content_type: answer.content_type().map(str::to_owned),
            bytes: answer.body().clone(),
        })
    }
}
