//! Requests WeChat's logistics helper (物流助手) sends an express company's
//! mini program (快递公司, the provider side of the logistics helper): they
//! wait for an answer in the HTTP response, which each request builds
//! (`request.reply(…)`, an [`EventReply`] that a router handler returns as
//! a [`Reply`](crate::callback::Reply)).
//!
//! The callback answers request events every time they come, WeChat's
//! retries included (it does not drop them as repeats): the docs ask the
//! company to answer a repeated request as it answered the first (the same
//! waybill for the same `BizID` + `OrderID`).
//!
//! Anything a push lacks is `None`, so a known request never fails on a
//! missing detail. The fields are those of the logistics helper's
//! [provider docs](https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/express/express-by-provider/).
//! `Debug` never shows a merchant's password (`BizPwd`).

use std::fmt;

use serde::Serialize;

use super::tree::{Node, text};
use crate::callback::{EventReply, Fields};

/// `get_quota`: a merchant's balance with the company (for merchants that
/// prepay), asked before an order.
///
/// ```
/// use wechat_api::callback::Reply;
/// use wechat_api::event::{Event, Message};
///
/// let push = "<xml><ToUserName><![CDATA[gh_abcdefg]]></ToUserName><FromUserName><![CDATA[oABCD]]></FromUserName>\
///             <CreateTime>1533042556</CreateTime><MsgType><![CDATA[event]]></MsgType>\
///             <Event><![CDATA[get_quota]]></Event><BizID><![CDATA[xyz]]></BizID>\
///             <BizPwd><![CDATA[xyz123]]></BizPwd><ShopAppID><![CDATA[wxABCD]]></ShopAppID></xml>";
/// let Message::Event(event) = Message::from_xml(push)? else { panic!("an event") };
/// let Event::GetQuota(request) = &event.detail else { panic!("get_quota") };
/// assert!(event.detail.expects_reply());
/// let reply = Reply::from(request.reply(0, "ok", 100));
/// assert!(reply.to_xml("oABCD", "gh_abcdefg", 1).contains("<Quota>100</Quota>"));
/// # Ok::<(), wechat_api::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct QuotaQuery {
    /// `BizID`: the merchant's customer code or monthly account with the
    /// company.
    pub biz_id: Option<String>,
    /// `BizPwd`: that account's password (never in `Debug`).
    pub biz_pwd: Option<String>,
    /// `ShopAppID`: the merchant's mini program.
    pub shop_app_id: Option<String>,
}

impl QuotaQuery {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            biz_id: text(tree, "BizID"),
            biz_pwd: text(tree, "BizPwd"),
            shop_app_id: text(tree, "ShopAppID"),
        }
    }

    /// The answer: `result_code` (0 found; -1 another error; 10001 no such
    /// account; 10002 wrong password), its message, and the merchant's
    /// balance (`Quota`, 0 for none). `BizID` is echoed.
    pub fn reply(&self, result_code: i64, result_msg: impl Into<String>, quota: i64) -> EventReply {
        EventReply::new(
            "get_quota",
            Fields::new()
                .text("BizID", self.biz_id.clone().unwrap_or_default())
                .integer("ResultCode", result_code)
                .text("ResultMsg", result_msg)
                .integer("Quota", quota),
        )
    }
}

impl fmt::Debug for QuotaQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("QuotaQuery")
            .field("biz_id", &self.biz_id)
            .field("biz_pwd", &self.biz_pwd.as_ref().map(|_| "<redacted>"))
            .field("shop_app_id", &self.shop_app_id)
            .finish()
    }
}
