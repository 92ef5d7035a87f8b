//! The client-side parameters of a service provider's orders (服务商模式):
//! the same signatures as a merchant's ([`JsapiPayParams`],
//! [`AppPayParams`]), signed with the service provider's key, but for the
//! sub-merchant's application.
//!
//! * JSAPI and mini programs: `wx.requestPayment` runs inside the
//!   application the payer uses. An order whose payer is named by
//!   `sub_openid` (under `sub_appid`) is paid from the sub-merchant's
//!   application, so `appId` is `sub_appid`; an order named by `sp_openid`
//!   is paid from the service provider's, so `appId` is `sp_appid`.
//! * APP: the `PayReq` names the sub-merchant's application (`sub_appid`,
//!   or `sp_appid` when the order has none) and the sub-merchant
//!   (`partnerid` is `sub_mchid`).

use super::params::{AppPayParams, JsapiPayParams};
use super::wechat_pay::WechatPay;
use crate::error::Result;

impl WechatPay {
    /// `wx.requestPayment`'s arguments for a partner JSAPI order
    /// (`pay.partner_transactions().jsapi(..)`): `appId` is `sub_appid` when
    /// given (the payer was named by `sub_openid`), `sp_appid` otherwise.
    ///
    /// # Errors
    /// [`Error::PayCrypto`](crate::Error::PayCrypto) if signing fails.
    pub fn partner_jsapi_params(
        &self,
        sp_appid: &str,
        sub_appid: Option<&str>,
        prepay_id: &str,
    ) -> Result<JsapiPayParams> {
        self.jsapi_params(sub_appid.unwrap_or(sp_appid), prepay_id)
    }

    /// The APP SDK's `PayReq` for a partner APP order
    /// (`pay.partner_transactions().app(..)`): the sub-merchant's
    /// application (`sub_appid`, else `sp_appid`) and `partnerid` =
    /// `sub_mchid`, signed with the service provider's key.
    ///
    /// # Errors
    /// [`Error::PayCrypto`](crate::Error::PayCrypto) if signing fails.
    pub fn partner_app_params(
        &self,
        sp_appid: &str,
        sub_appid: Option<&str>,
        sub_mchid: &str,
        prepay_id: &str,
    ) -> Result<AppPayParams> {
        let mut params = self.app_params(sub_appid.unwrap_or(sp_appid), prepay_id)?;
        params.partnerid = sub_mchid.to_owned();
        Ok(params)
    }
}
