//! The logistics helper's requests to an express company (快递公司):
//! each from its doc's sample, with the answer of the doc's answer sample.

use super::{answer_leaves, pairs, request};
use wechat_api::event::Event;

pub(super) const GET_QUOTA: &str = "<xml><ToUserName><![CDATA[gh_abcdefg]]></ToUserName>\
    <FromUserName><![CDATA[oABCD]]></FromUserName><CreateTime>1533042556</CreateTime>\
    <MsgType><![CDATA[event]]></MsgType><Event><![CDATA[get_quota]]></Event>\
    <BizID><![CDATA[xyz]]></BizID><BizPwd><![CDATA[xyz123]]></BizPwd>\
    <ShopAppID><![CDATA[wxABCD]]></ShopAppID></xml>";

/// `get_quota`, from the sample of
/// <https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/express/express-by-provider/onGetQuota.html>.
#[test]
fn get_quota() {
    let Event::GetQuota(query) = request(GET_QUOTA) else {
        panic!("get_quota");
    };
    assert_eq!(query.biz_id.as_deref(), Some("xyz"));
    assert_eq!(query.biz_pwd.as_deref(), Some("xyz123"));
    assert_eq!(query.shop_app_id.as_deref(), Some("wxABCD"));
    let debug = format!("{query:?}");
    assert!(!debug.contains("xyz123"), "{debug}");
    assert_eq!(
        answer_leaves(query.reply(0, "success", 0)),
        pairs(&[
            ("MsgType", "event"),
            ("Event", "get_quota"),
            ("BizID", "xyz"),
            ("ResultCode", "0"),
            ("ResultMsg", "success"),
            ("Quota", "0"),
        ])
    );
}
