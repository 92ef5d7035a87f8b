//! The WeChat Store (微信小店) events about the shop's members (会员): a user
//! joined or left, their grade or points changed, they spent points, and
//! the mini-program membership service (小程序会员服务: a member linked
//! silently, the store asking whether a user is already a member, member
//! discounts asked for, used and given back at checkout); their typed
//! detail, read from the push's element tree (the store sends JSON, or
//! XML).
//!
//! Anything a push lacks is `None`, so a known event never fails on a
//! missing detail. The fields are those of the store's member callback docs
//! (`/doc/channels/API/vip/callback/…`) and of its
//! [mini-program membership docs](https://developers.weixin.qq.com/doc/store/shop/notify/wxa_callback).
//! A member's phone number is personal data: `Debug` never shows it.

use std::fmt;

use serde::Serialize;

use super::tree::{Node, number, text};

/// `channels_ec_vip_join`, `channels_ec_vip_close`,
/// `channels_ec_vip_grade_info_update` and `channels_ec_vip_score_update`:
/// a user joined or left the shop's membership, or their grade or points
/// changed. Each push fills the fields of its own event.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct StoreVipUser {
    /// `user_info/join_time`: when the user joined, Unix seconds (`…_join`).
    pub join_time: Option<i64>,
    /// `…/close_time`: when the user left, Unix seconds (`…_close`).
    pub close_time: Option<i64>,
    /// `…/phone_number`: the member's phone number (`…_join`; not shown by
    /// `Debug`).
    pub phone_number: Option<String>,
    /// `…/grade`: the member's grade.
    pub grade: Option<u32>,
    /// `…/experience_value`: the experience in the current grade.
    pub experience_value: Option<i64>,
    /// `…/score`: the points now (`…_score_update`).
    pub score: Option<i64>,
    /// `…/delta_score`: the points this change added (negative: removed).
    pub delta_score: Option<i64>,
    /// `…/flow_type`: the kind of points movement.
    pub flow_type: Option<u32>,
}

impl StoreVipUser {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        let info = tree.child("user_info").unwrap_or(tree);
        Self {
            join_time: number(info, "join_time"),
            close_time: number(info, "close_time"),
            phone_number: text(info, "phone_number"),
            grade: number(info, "grade"),
            experience_value: number(info, "experience_value"),
            score: number(info, "score"),
            delta_score: number(info, "delta_score"),
            flow_type: number(info, "flow_type"),
        }
    }
}

/// Shows whether the phone number is present, never its value.
impl fmt::Debug for StoreVipUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoreVipUser")
            .field("join_time", &self.join_time)
            .field("close_time", &self.close_time)
            .field(
                "phone_number",
                &self.phone_number.as_ref().map(|_| "<redacted>"),
            )
            .field("grade", &self.grade)
            .field("experience_value", &self.experience_value)
            .field("score", &self.score)
            .field("delta_score", &self.delta_score)
            .field("flow_type", &self.flow_type)
            .finish()
    }
}

/// `channels_ec_vip_score_exchange`: a member spent points on a coupon or
/// a product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct StoreVipExchange {
    /// `exchange_info/pay_score`: the points spent.
    pub pay_score: Option<i64>,
    /// `…/score_item_type`: 1 a coupon, 2 a product.
    pub score_item_type: Option<u32>,
    /// `…/coupon_info/related_coupon_id`: the coupon received.
    pub related_coupon_id: Option<String>,
    /// `…/product_info/related_product_id`: the product received.
    pub related_product_id: Option<String>,
}

impl StoreVipExchange {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        let info = tree.child("exchange_info").unwrap_or(tree);
        Self {
            pay_score: number(info, "pay_score"),
            score_item_type: number(info, "score_item_type"),
            related_coupon_id: info
                .child("coupon_info")
                .and_then(|c| text(c, "related_coupon_id")),
            related_product_id: info
                .child("product_info")
                .and_then(|p| text(p, "related_product_id")),
        }
    }
}

/// `channels_ec_vip_user_info_get` and `channels_ec_vip_user_auto_add`:
/// the store asks the mini program whether the user (`FromUserName`) is
/// already its member (reply with `is_vip`, `identity`, `outer_userid`),
/// or tells it the user became the shop's member silently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct StoreVipLink {
    /// `info/shop_appid`: the shop.
    pub shop_appid: Option<String>,
    /// `…/identity`: the mini program's membership level (`…_auto_add`).
    pub identity: Option<String>,
    /// `…/outer_userid`: the mini program's member id (`…_auto_add`).
    pub outer_userid: Option<String>,
    /// `…/add_time`: when the link was made, Unix seconds (`…_auto_add`).
    pub add_time: Option<i64>,
}

impl StoreVipLink {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        let info = tree.child("info").unwrap_or(tree);
        Self {
            shop_appid: text(info, "shop_appid"),
            identity: text(info, "identity"),
            outer_userid: text(info, "outer_userid"),
            add_time: number(info, "add_time"),
        }
    }
}

/// `channels_ec_gen_order_info_init`, `channels_ec_order_use_vip_discount`
/// and `channels_ec_order_unuse_vip_discount`: at checkout, the store asks
/// the mini program for a member's default discount, tells it a discount is
/// used (reply whether to allow the order), or given back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct StoreVipOrder {
    /// `gen_order_info/shop_appid` (or under `order_info`): the shop.
    pub shop_appid: Option<String>,
    /// `…/order_session_id`: the checkout page's session.
    pub order_session_id: Option<String>,
    /// `…/scene`: 1 bought for oneself, 2 a gift in a group, 3 a gift in a
    /// chat.
    pub scene: Option<u32>,
    /// `…/unique_id`: this ordering attempt, the same on `…_use_…` and
    /// `…_unuse_…`.
    pub unique_id: Option<String>,
    /// `…/price_info/product_price`: the products' price, in fen.
    pub product_price: Option<i64>,
    /// `…/price_info/shop_discounted_price`: the shop's discount, in fen.
    pub shop_discounted_price: Option<i64>,
    /// `…/price_info/product_price_before_vip_discount`: in fen.
    pub product_price_before_vip_discount: Option<i64>,
    /// `…/price_info/vip_discounted_price`: the member discount, in fen.
    pub vip_discounted_price: Option<i64>,
    /// `…/price_info/product_price_after_vip_discount`: in fen.
    pub product_price_after_vip_discount: Option<i64>,
    /// `…/product_infos`: the products (`…_gen_order_info_init`; each
    /// product's coupon list stays in the raw document).
    pub products: Vec<StoreVipOrderProduct>,
}

/// One product of a [`StoreVipOrder`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct StoreVipOrderProduct {
    /// `product_id`.
    pub product_id: Option<String>,
    /// `sku_id`.
    pub sku_id: Option<String>,
    /// `sku_cnt`: how many.
    pub sku_cnt: Option<u64>,
    /// `sale_price`: in fen.
    pub sale_price: Option<i64>,
    /// `shop_discounted_price`: the shop's discount on it, in fen.
    pub shop_discounted_price: Option<i64>,
}

impl StoreVipOrder {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        let info = ["gen_order_info", "order_info"]
            .iter()
            .find_map(|name| tree.child(name))
            .unwrap_or(tree);
        let price = info.child("price_info");
        let price_of = |name: &str| price.and_then(|p| number(p, name));
        Self {
            shop_appid: text(info, "shop_appid"),
            order_session_id: text(info, "order_session_id"),
            scene: number(info, "scene"),
            unique_id: text(info, "unique_id"),
            product_price: price_of("product_price"),
            shop_discounted_price: price_of("shop_discounted_price"),
            product_price_before_vip_discount: price_of("product_price_before_vip_discount"),
            vip_discounted_price: price_of("vip_discounted_price"),
            product_price_after_vip_discount: price_of("product_price_after_vip_discount"),
            products: info
                .items("product_infos")
                .map(|product| StoreVipOrderProduct {
                    product_id: text(product, "product_id"),
                    sku_id: text(product, "sku_id"),
                    sku_cnt: number(product, "sku_cnt"),
                    sale_price: number(product, "sale_price"),
                    shop_discounted_price: number(product, "shop_discounted_price"),
                })
                .collect(),
        }
    }
}
