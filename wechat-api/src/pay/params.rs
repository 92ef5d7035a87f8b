//! What the client side needs to start a payment: `wx.requestPayment` for
//! JSAPI (official accounts) and mini programs, and the APP SDK's `PayReq`.
//!
//! JSAPI signs `appId\ntimeStamp\nnonceStr\npackage\n` with
//! `package=prepay_id=…`; APP signs `appid\ntimestamp\nnoncestr\nprepayid\n`
//! with the fixed `package=Sign=WXPay`. Both with the merchant key,
//! SHA256withRSA, base64.

use serde::Serialize;

/// The arguments of `wx.requestPayment` (JSAPI and mini programs), named
/// as the JavaScript API expects them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JsapiPayParams {
    /// The appid of the official account or mini program.
    #[serde(rename = "appId")]
    pub app_id: String,
    /// Unix seconds, as text.
    #[serde(rename = "timeStamp")]
    pub time_stamp: String,
    /// A random string.
    #[serde(rename = "nonceStr")]
    pub nonce_str: String,
    /// `prepay_id=…`.
    pub package: String,
    /// Always `RSA`.
    #[serde(rename = "signType")]
    pub sign_type: String,
    /// The signature, base64.
    #[serde(rename = "paySign")]
    pub pay_sign: String,
}

/// The fields of the APP SDK's `PayReq`, named as the payment docs list them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppPayParams {
    /// The mobile application's appid.
    pub appid: String,
    /// The merchant id.
    pub partnerid: String,
    /// The `prepay_id` of the order.
    pub prepayid: String,
    /// Always `Sign=WXPay`.
    pub package: String,
    /// A random string.
    pub noncestr: String,
    /// Unix seconds, as text.
    pub timestamp: String,
    /// The signature, base64.
    pub sign: String,
}
