//! The mini-program trade component's (自定义版交易组件) events: the
//! component opened or closed, brand, category, scene and product reviews,
//! an order paid, cancelled, received, settled, refunded or attributed, an
//! order or after-sale order updated (for third-party platforms), an
//! after-sale order's steps, a dispute's steps, the payment-management (小程序支付管理,
//! `wxafunds`) pushes, and the sharers' (分享员) events; their typed detail,
//! read from the push's element tree (the component sends XML, or JSON when
//! the mini program is configured for it).
//!
//! One request is among them: `open_product_receive_coupon` waits for the
//! coupon it asks for in the HTTP response
//! ([`TradeCouponRequest::reply`]).
//!
//! Anything a push lacks is `None`, so a known event never fails on a
//! missing detail. The fields are those of the component's
//! [callback docs](https://developers.weixin.qq.com/miniprogram/dev/platform-capabilities/business-capabilities/ministore/minishopopencomponent2/callback/Introduction.html)
//! (the order update: [its page](https://developers.weixin.qq.com/miniprogram/dev/platform-capabilities/business-capabilities/ministore/minishopopencomponent2/callback/order_update.html))
//! and of the payment management's
//! [callback docs](https://developers.weixin.qq.com/miniprogram/dev/platform-capabilities/business-capabilities/ministore/wxafunds/callback/create_order.html).
//! Ids are kept as text (WeChat sends some as numbers, beyond what every
//! JSON reader keeps exact).

use std::fmt;

use serde::Serialize;

use super::tree::{Node, number, text};
use crate::callback::{EventReply, Fields};

/// `open_product_account_register`: the component was opened for the mini
/// program, or its access cancelled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct TradeAccountRegister {
    /// `OpenProductAccountRegister/status`: 2 opened, 10 access cancelled.
    pub status: Option<u32>,
}

impl TradeAccountRegister {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        let info = tree.child("OpenProductAccountRegister").unwrap_or(tree);
        Self {
            status: number(info, "status"),
        }
    }
}

/// `open_product_brand_audit` and `open_product_category_audit`: the
/// outcome of a brand's or a category's qualification review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct TradeQualificationAudit {
    /// `QualificationAuditResult/audit_id`: the review, as returned when it
    /// was submitted.
    pub audit_id: Option<String>,
    /// `…/status`: 1 passed, 9 rejected.
    pub status: Option<u32>,
    /// `…/audit_type`: 1 brand, 2 category.
    pub audit_type: Option<u32>,
    /// `…/reject_reason`: why it was rejected.
    pub reject_reason: Option<String>,
    /// `…/brand_id`: the brand (brand reviews).
    pub brand_id: Option<String>,
}

impl TradeQualificationAudit {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        let info = tree.child("QualificationAuditResult").unwrap_or(tree);
        Self {
            audit_id: text(info, "audit_id"),
            status: number(info, "status"),
            audit_type: number(info, "audit_type"),
            reject_reason: text(info, "reject_reason"),
            brand_id: text(info, "brand_id"),
        }
    }
}

/// `open_product_scene_group_audit`: the outcome of a scene's review (where
/// the component may be used: WeChat Channels, official accounts…).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct TradeSceneGroupAudit {
    /// `SceneGroupAudit/group_id`: the scene.
    pub group_id: Option<u64>,
    /// `…/name`: the scene's name.
    pub name: Option<String>,
    /// `…/reason`: the review's wording.
    pub reason: Option<String>,
    /// `…/scene_group_ext_list`: the outcome of each reviewed item.
    pub items: Vec<TradeSceneGroupItem>,
}

/// One reviewed item of a scene (`scene_group_ext_list`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct TradeSceneGroupItem {
    /// `ext_id`: 1 customer service and after-sales, 2 e-commerce platform.
    pub ext_id: Option<u32>,
    /// `status`: 0 in review, 1 passed, 2 rejected, 3 not reviewed.
    pub status: Option<u32>,
    /// `name`: the item's name.
    pub name: Option<String>,
}

impl TradeSceneGroupAudit {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        let info = tree.child("SceneGroupAudit").unwrap_or(tree);
        Self {
            group_id: number(info, "group_id"),
            name: text(info, "name"),
            reason: text(info, "reason"),
            items: info
                .items("scene_group_ext_list")
                .map(|item| TradeSceneGroupItem {
                    ext_id: number(item, "ext_id"),
                    status: number(item, "status"),
                    name: text(item, "name"),
                })
                .collect(),
        }
    }
}

/// `open_product_spu_audit` and `open_product_spu_status_update`: a
/// product's review outcome, or the platform took it off (or put it back
/// on) the shelves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct TradeProductAudit {
    /// `OpenProductSpuAudit/out_product_id` (or
    /// `OpenProductSpuStatusUpdate/…`): the merchant's product id.
    pub out_product_id: Option<String>,
    /// `…/product_id`: the platform's product id.
    pub product_id: Option<String>,
    /// `…/status`: review 4 passed, 3 rejected; shelves 13 taken off by
    /// the platform, 5 back on.
    pub status: Option<u32>,
    /// `…/spu_status`: the product's current shelf status (review pushes).
    pub spu_status: Option<u32>,
    /// `…/reject_reason` (`…/reason` in the newer shelf push): why.
    pub reason: Option<String>,
}

impl TradeProductAudit {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        // The shelf push's doc shows both wrappers, older and newer.
        let info = tree
            .child("OpenProductSpuAudit")
            .or_else(|| tree.child("OpenProductSpuStatusUpdate"))
            .unwrap_or(tree);
        Self {
            out_product_id: text(info, "out_product_id"),
            product_id: text(info, "product_id"),
            status: number(info, "status"),
            spu_status: number(info, "spu_status"),
            reason: text(info, "reject_reason").or_else(|| text(info, "reason")),
        }
    }
}

/// `open_product_order_update`: an order or its after-sale order changed
/// (for third-party platforms watching their mini programs' orders; the
/// mini program may ignore it): fetch the order (`update_type` 1) or the
/// after-sale order (2) to see what changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct TradeOrderUpdate {
    /// `OrderUpdateNotification/update_type`: 1 the order, 2 its after-sale
    /// order.
    pub update_type: Option<u32>,
    /// `…/ext_order_id`: the order's obfuscated id.
    pub ext_order_id: Option<String>,
    /// `…/out_order_id`: the mini program's order id (older pushes).
    pub out_order_id: Option<String>,
    /// `…/openid`: the order's user (older pushes).
    pub openid: Option<String>,
}

impl TradeOrderUpdate {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        let info = tree.child("OrderUpdateNotification").unwrap_or(tree);
        Self {
            update_type: number(info, "update_type"),
            ext_order_id: text(info, "ext_order_id"),
            out_order_id: text(info, "out_order_id"),
            openid: text(info, "openid"),
        }
    }
}

/// `complaint_notify`: a dispute (纠纷单) over an after-sale order moved
/// on: fetch it (`/shop/complaint/get`) for its details.
///
/// No official page for this push could be found; its fields are those two
/// independent sources agree on (another SDK's model of the push and
/// another project's copy of its sample), and the state and event codes
/// are those of the official dispute query's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct TradeComplaintNotify {
    /// `complaint_info/complaint_order_id`: the dispute.
    pub complaint_order_id: Option<String>,
    /// `…/state`: the dispute's state (e.g. 230000 the merchant is handling
    /// the after-sale order).
    pub state: Option<u32>,
    /// `…/event`: what happened (e.g. 240001 the user complained, 240031
    /// the after-sale refund succeeded).
    pub event: Option<u32>,
}

impl TradeComplaintNotify {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        let info = tree.child("complaint_info").unwrap_or(tree);
        Self {
            complaint_order_id: text(info, "complaint_order_id"),
            state: number(info, "state"),
            event: number(info, "event"),
        }
    }
}

/// `open_product_order_pay`, `open_product_order_cancel`,
/// `open_product_order_confirm`, `open_product_order_settle`,
/// `open_product_order_refund` and `open_product_order_analyze`: an order
/// was paid, cancelled, received by the user, settled, fully refunded, or
/// attributed to a sharer; the details each push carries (payment details
/// on `…_pay`, the user on `…_analyze`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct TradeOrder {
    /// `order_info/order_id`: the platform's order id.
    pub order_id: Option<String>,
    /// `…/out_order_id`: the merchant's order id.
    pub out_order_id: Option<String>,
    /// `…/openid`: the user (`…_analyze`).
    pub openid: Option<String>,
    /// `…/transaction_id`: the WeChat Pay transaction (`…_pay`).
    pub transaction_id: Option<String>,
    /// `…/pay_time`: when it was paid, `yyyy-MM-dd HH:mm:ss` (`…_pay`).
    pub pay_time: Option<String>,
    /// `…/amount`: the amount paid, in fen (`…_pay`).
    pub amount: Option<i64>,
    /// `…/payer_amount`: what the user paid, in fen (`…_pay`).
    pub payer_amount: Option<i64>,
    /// `…/sp_openid`: the user under the service provider's app id
    /// (`…_pay`).
    pub sp_openid: Option<String>,
    /// `…/promotion_detail_info/promotion_detail_list`: the WeChat Pay
    /// coupons used (`…_pay`).
    pub promotions: Vec<TradePromotion>,
}

/// A WeChat Pay coupon used on an order (`promotion_detail_list`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct TradePromotion {
    /// `coupon_id`: the coupon.
    pub coupon_id: Option<String>,
    /// `name`: the discount's name.
    pub name: Option<String>,
    /// `scope`: `GLOBAL` (the whole order) or `SINGLE` (one product).
    pub scope: Option<String>,
    /// `type`: `CASH` (a prepaid voucher) or `NOCASH` (not prepaid).
    pub promotion_type: Option<String>,
    /// `amount`: the coupon's value, in fen.
    pub amount: Option<i64>,
    /// `stock_id`: the coupon's campaign.
    pub stock_id: Option<String>,
    /// `wechatpay_contribute`: WeChat's share, in fen.
    pub wechatpay_contribute: Option<i64>,
    /// `merchant_contribute`: the merchant's share, in fen.
    pub merchant_contribute: Option<i64>,
    /// `other_contribute`: others' share, in fen.
    pub other_contribute: Option<i64>,
}

impl TradeOrder {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        let info = tree.child("order_info").unwrap_or(tree);
        let promotions = info
            .child("promotion_detail_info")
            .map(|p| p.items("promotion_detail_list").map(promotion).collect())
            .unwrap_or_default();
        Self {
            order_id: text(info, "order_id"),
            out_order_id: text(info, "out_order_id"),
            openid: text(info, "openid"),
            transaction_id: text(info, "transaction_id"),
            pay_time: text(info, "pay_time"),
            amount: number(info, "amount"),
            payer_amount: number(info, "payer_amount"),
            sp_openid: text(info, "sp_openid"),
            promotions,
        }
    }
}

fn promotion(item: &Node) -> TradePromotion {
    TradePromotion {
        coupon_id: text(item, "coupon_id"),
        name: text(item, "name"),
        scope: text(item, "scope"),
        promotion_type: text(item, "type"),
        amount: number(item, "amount"),
        stock_id: text(item, "stock_id"),
        wechatpay_contribute: number(item, "wechatpay_contribute"),
        merchant_contribute: number(item, "merchant_contribute"),
        other_contribute: number(item, "other_contribute"),
    }
}

/// `open_product_receive_coupon`: a user asks for one of the merchant's
/// coupons; a request, answered with [`TradeCouponRequest::reply`] (the
/// user's coupon, or why not).
///
/// ```
/// use wechat_api::callback::Reply;
/// use wechat_api::event::{Event, Message};
///
/// let push = "<xml><ToUserName>gh_abcdefg</ToUserName><FromUserName>oABCD</FromUserName>\
///             <CreateTime>12344555555</CreateTime><MsgType>event</MsgType>\
///             <Event>open_product_receive_coupon</Event>\
///             <out_coupon_id>real_out_coupon_id</out_coupon_id>\
///             <request_id>real_request_id</request_id></xml>";
/// let Message::Event(event) = Message::from_xml(push)? else { panic!("an event") };
/// let Event::OpenProductReceiveCoupon(request) = &event.detail else { panic!("a coupon request") };
/// assert!(event.detail.expects_reply());
/// let reply = Reply::from(request.reply(0, "ok", "real_out_user_coupon_id"));
/// assert!(reply.to_xml("oABCD", "gh_abcdefg", 1).contains("<ret_code>0</ret_code>"));
/// # Ok::<(), wechat_api::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct TradeCouponRequest {
    /// `out_coupon_id`: the merchant's coupon.
    pub out_coupon_id: Option<String>,
    /// `request_id`: the request, echoed in the answer.
    pub request_id: Option<String>,
}

impl TradeCouponRequest {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            out_coupon_id: text(tree, "out_coupon_id"),
            request_id: text(tree, "request_id"),
        }
    }

    /// The answer: the user's new coupon (`out_user_coupon_id`, the
    /// merchant's id of it), `ret_code` (0 given, anything else refused)
    /// and `ret_msg`; `request_id` and `out_coupon_id` are echoed.
    pub fn reply(
        &self,
        ret_code: i64,
        ret_msg: impl Into<String>,
        out_user_coupon_id: impl Into<String>,
    ) -> EventReply {
        EventReply::new(
            "open_product_receive_coupon",
            Fields::new()
                .text("out_user_coupon_id", out_user_coupon_id)
                .text("request_id", self.request_id.clone().unwrap_or_default())
                .integer("ret_code", ret_code)
                .text("ret_msg", ret_msg)
                .text(
                    "out_coupon_id",
                    self.out_coupon_id.clone().unwrap_or_default(),
                ),
        )
    }
}

/// The after-sale events (`aftersale_new_order`, `aftersale_user_cancel`,
/// `aftersale_refund_success`, `aftersale_update_order`…): an after-sale
/// order was opened, changed, cancelled, refunded, or waits on someone;
/// fetch it with the after-sale API for its state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct TradeAftersale {
    /// `aftersale_info/aftersale_id`: the platform's after-sale id.
    pub aftersale_id: Option<String>,
    /// `…/out_aftersale_id`: the merchant's after-sale id.
    pub out_aftersale_id: Option<String>,
    /// `…/order_id`: the platform's order id (`aftersale_new_order`).
    pub order_id: Option<String>,
    /// `…/out_order_id`: the merchant's order id (`aftersale_new_order`).
    pub out_order_id: Option<String>,
}

impl TradeAftersale {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        let info = tree.child("aftersale_info").unwrap_or(tree);
        Self {
            aftersale_id: text(info, "aftersale_id"),
            out_aftersale_id: text(info, "out_aftersale_id"),
            order_id: text(info, "order_id"),
            out_order_id: text(info, "out_order_id"),
        }
    }
}

/// `funds_order_pay`: payment management, an order was paid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct TradeFundsPay {
    /// `order_info/trade_no`: the merchant's transaction number.
    pub trade_no: Option<String>,
    /// `…/transaction_id`: the payment number.
    pub transaction_id: Option<String>,
    /// `…/pay_time`: when, `yyyy-MM-dd HH:mm:ss`.
    pub pay_time: Option<String>,
}

impl TradeFundsPay {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        let info = tree.child("order_info").unwrap_or(tree);
        Self {
            trade_no: text(info, "trade_no"),
            transaction_id: text(info, "transaction_id"),
            pay_time: text(info, "pay_time"),
        }
    }
}

/// `funds_order_refund`: payment management, the outcome of a refund.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct TradeFundsRefund {
    /// `order_info/refund_no`: the merchant's refund number.
    pub refund_no: Option<String>,
    /// `…/status`: `SUCCESS`, `CLOSE`, or `ABNORMAL` (the user's card
    /// refused the refund).
    pub status: Option<String>,
    /// `…/success_time`: when it succeeded, `yyyy-MM-dd HH:mm:ss`.
    pub success_time: Option<String>,
    /// `…/message`: what went wrong.
    pub message: Option<String>,
}

impl TradeFundsRefund {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        let info = tree.child("order_info").unwrap_or(tree);
        Self {
            refund_no: text(info, "refund_no"),
            status: text(info, "status"),
            success_time: text(info, "success_time"),
            message: text(info, "message"),
        }
    }
}

/// `funds_order_profitsharing`: payment management, the outcome of a
/// profit sharing (分账).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct TradeFundsProfitSharing {
    /// `order_info/profit_sharing_no`: the merchant's profit-sharing
    /// number.
    pub profit_sharing_no: Option<String>,
    /// `…/amount`: the amount, in fen.
    pub amount: Option<i64>,
    /// `…/result`: `SUCCESS` or `CLOSED`.
    pub result: Option<String>,
    /// `…/finish_time`: when, `yyyy-MM-dd HH:mm:ss`.
    pub finish_time: Option<String>,
    /// `…/fail_reason`: why it was closed.
    pub fail_reason: Option<String>,
}

impl TradeFundsProfitSharing {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        let info = tree.child("order_info").unwrap_or(tree);
        Self {
            profit_sharing_no: text(info, "profit_sharing_no"),
            amount: number(info, "amount"),
            result: text(info, "result"),
            finish_time: text(info, "finish_time"),
            fail_reason: text(info, "fail_reason"),
        }
    }
}

/// `miniprogram_sharer_bind_status_change`: a user became, or stopped
/// being, one of the mini program's sharers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct TradeSharerBind {
    /// `openid`: the sharer.
    pub openid: Option<String>,
    /// `bind_status`: 1 bound, 2 unbound.
    pub bind_status: Option<u32>,
}

impl TradeSharerBind {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            openid: text(tree, "openid"),
            bind_status: number(tree, "bind_status"),
        }
    }
}

/// `miniprogram_sharer_action`: a sharer shared a WeChat Channels card that
/// leads to the mini program. `Debug` hides the promoter's nickname.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct TradeSharerAction {
    /// `type`: the action (1 in the doc's sample, a new sharing card).
    pub action_type: Option<u32>,
    /// `openid`: the sharer.
    pub openid: Option<String>,
    /// `promoter/finder_nickname`: the promoter's WeChat Channels name.
    pub finder_nickname: Option<String>,
    /// `promoter/promoter_id`: the promoter.
    pub promoter_id: Option<String>,
    /// `promoter/promoter_openid`: the promoter's openid.
    pub promoter_openid: Option<String>,
}

impl TradeSharerAction {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        let promoter = tree.child("promoter");
        Self {
            action_type: number(tree, "type"),
            openid: text(tree, "openid"),
            finder_nickname: promoter.and_then(|p| text(p, "finder_nickname")),
            promoter_id: promoter.and_then(|p| text(p, "promoter_id")),
            promoter_openid: promoter.and_then(|p| text(p, "promoter_openid")),
        }
    }
}

impl fmt::Debug for TradeSharerAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hidden = |value: &Option<String>| value.as_ref().map(|_| "<redacted>");
        f.debug_struct("TradeSharerAction")
            .field("action_type", &self.action_type)
            .field("openid", &self.openid)
            .field("finder_nickname", &hidden(&self.finder_nickname))
            .field("promoter_id", &self.promoter_id)
            .field("promoter_openid", &self.promoter_openid)
            .finish()
    }
}
