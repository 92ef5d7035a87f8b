//! JS-SDK share signature: the `wx.config` a web page needs.
//!
//! A page that uses the WeChat JS-SDK calls
//! `wx.config({ appId, timestamp, nonceStr, signature, jsApiList })`. The
//! signature is the hex SHA-1 of
//! `jsapi_ticket=…&noncestr=…&timestamp=…&url=…`, where the URL is the page's
//! full URL without its `#fragment` (and not URL-encoded). The jsapi_ticket
//! comes from `ticket/getticket?type=jsapi` and is valid for two hours.
//!
//! ```
//! use wechat_api::jssdk::jsapi_signature;
//!
//! let signature = jsapi_signature(
//!     "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg",
//!     "Wm3WZYTPz0wzccnW",
//!     1414587457,
//!     "http://mp.weixin.qq.com?params=value",
//! );
//! assert_eq!(signature, "0f9de62fce790f9a083d5c99e95740ceb90c27ed");
//! ```

use crate::{Client, Error, Result};
use rand::Rng as _;
use rand::distr::Alphanumeric;
use serde::Serialize;
use sha1::{Digest as _, Sha1};

/// Length of the nonce made by [`js_sdk_config_now`].
const NONCE_LEN: usize = 16;

/// What a page passes to `wx.config` (plus its own `jsApiList`). Serializes
/// with the JS-SDK's camelCase names: `appId`, `timestamp`, `nonceStr`,
/// `signature`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct JsSdkConfig {
    /// The official account's AppId.
    pub app_id: String,
    /// Unix seconds when the signature was made.
    pub timestamp: i64,
    /// The random string that was signed.
    pub nonce_str: String,
    /// Hex SHA-1 signature.
    pub signature: String,
}

/// The page URL as signed: everything before the first `#`.
pub fn url_without_fragment(url: &str) -> &str {
    url.split_once('#').map_or(url, |(before, _)| before)
}

/// Hex SHA-1 of `jsapi_ticket=…&noncestr=…&timestamp=…&url=…`, the URL's
/// `#fragment` removed.
pub fn jsapi_signature(jsapi_ticket: &str, nonce_str: &str, timestamp: i64, url: &str) -> String {
    let mut hasher = Sha1::new();
    for piece in [
        "jsapi_ticket=",
        jsapi_ticket,
        "&noncestr=",
        nonce_str,
        "&timestamp=",
        &timestamp.to_string(),
        "&url=",
        url_without_fragment(url),
    ] {
        hasher.update(piece.as_bytes());
    }
    hex::encode(hasher.finalize())
}

/// The `wx.config` values for a page, with the given nonce and timestamp
/// (deterministic).
pub fn js_sdk_config(
    app_id: &str,
    jsapi_ticket: &str,
    url: &str,
    nonce_str: &str,
    timestamp: i64,
) -> JsSdkConfig {
    JsSdkConfig {
        app_id: app_id.to_owned(),
        timestamp,
        nonce_str: nonce_str.to_owned(),
        signature: jsapi_signature(jsapi_ticket, nonce_str, timestamp, url),
    }
}

/// The `wx.config` values for a page, with a random 16-character
/// alphanumeric nonce and the current time.
pub fn js_sdk_config_now(app_id: &str, jsapi_ticket: &str, url: &str) -> JsSdkConfig {
    let nonce: String = rand::rng()
        .sample_iter(Alphanumeric)
        .take(NONCE_LEN)
        .map(char::from)
        .collect();
    let timestamp = crate::clock::unix_seconds();
    js_sdk_config(app_id, jsapi_ticket, url, &nonce, timestamp)
}

impl Client {
    /// The `wx.config` values for the page at `url`, signed with the
    /// account's `jsapi_ticket` (of the authorizer the client acts for, on a
    /// third-party platform), fetched or taken from the cache: what a page's
    /// backend answers the page with, in one call.
    ///
    /// ```no_run
    /// # async fn demo(client: wechat_api::Client) -> wechat_api::Result<()> {
    /// let config = client.js_sdk_config("https://example.com/shop?id=1").await?;
    /// let json = serde_json::to_string(&config).unwrap_or_default(); // {"appId":…,"timestamp":…,"nonceStr":…,"signature":…}
    /// # let _ = json; Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Config`] without an appid; the errors of
    /// [`jsapi_ticket`](Client::jsapi_ticket).
    pub async fn js_sdk_config(&self, url: &str) -> Result<JsSdkConfig> {
        let app_id = self
            .authorizer_appid()
            .or_else(|| self.config().appid())
            .ok_or_else(|| Error::Config("the JS-SDK config needs an appid".to_owned()))?
            .to_owned();
        let ticket = self.jsapi_ticket().await?;
        Ok(js_sdk_config_now(&app_id, &ticket, url))
    }
}
