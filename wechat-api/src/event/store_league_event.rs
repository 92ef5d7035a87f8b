//! The WeChat Store league's (联盟带货) events: an institution (带货机构, a
//! "head supplier") hears of the products it subscribed to (their base
//! information, `head_supplier_subscribe_product_baseinfo_update`; their
//! promotion plan, `head_supplier_subscribe_product_planinfo_update`), a
//! talent (带货达人, through the promoter assistant) of its commission
//! orders (`talent_commission_order_update`); their typed detail, read from
//! the push's element tree (the store sends JSON).
//!
//! Anything a push lacks is `None` (or empty), so a known event never fails
//! on a missing detail. The fields are those of the league's
//! [event docs](https://developers.weixin.qq.com/doc/store/leagueheadsupplier/callback/head_supplier_subscribe_baseinfo_update.html).

use serde::Serialize;

use super::tree::{Node, number, text, texts};

/// `head_supplier_subscribe_product_baseinfo_update`: a subscribed
/// product's base information (title, images, SKUs, status) changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct LeagueProductInfo {
    /// `item_info/appid`: the shop the product belongs to.
    pub appid: Option<String>,
    /// `…/product_id`.
    pub product_id: Option<String>,
    /// `…/version`: the product's version, to drop stale pushes.
    pub version: Option<String>,
    /// `…/status`: the product's status (5 on sale, as in the store's
    /// product API).
    pub status: Option<u32>,
    /// `…/product_info/title`.
    pub title: Option<String>,
    /// `…/product_info/sub_title`.
    pub sub_title: Option<String>,
    /// `…/product_info/head_imgs`: the main images' URLs.
    pub head_imgs: Vec<String>,
    /// `…/sku_list`: the SKUs.
    pub skus: Vec<LeagueSku>,
    /// `…/desc_info/imgs`: the detail images' URLs.
    pub desc_imgs: Vec<String>,
}

/// One SKU of a [`LeagueProductInfo`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct LeagueSku {
    /// `sku_id`.
    pub sku_id: Option<String>,
    /// `sale_price`: in fen.
    pub sale_price: Option<i64>,
    /// `stock_num`: the stock.
    pub stock_num: Option<i64>,
    /// `thumb_img`: the SKU's image URL, when it has one.
    pub thumb_img: Option<String>,
}

impl LeagueProductInfo {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        let info = tree.child("item_info").unwrap_or(tree);
        let product = info.child("product_info");
        Self {
            appid: text(info, "appid"),
            product_id: text(info, "product_id"),
            version: text(info, "version"),
            status: number(info, "status"),
            title: product.and_then(|p| text(p, "title")),
            sub_title: product.and_then(|p| text(p, "sub_title")),
            head_imgs: product.map(|p| texts(p, "head_imgs")).unwrap_or_default(),
            skus: info
                .items("sku_list")
                .map(|sku| LeagueSku {
                    sku_id: text(sku, "sku_id"),
                    sale_price: number(sku, "sale_price"),
                    stock_num: number(sku, "stock_num"),
                    thumb_img: text(sku, "thumb_img"),
                })
                .collect(),
            desc_imgs: info
                .child("desc_info")
                .map(|d| texts(d, "imgs"))
                .unwrap_or_default(),
        }
    }
}

/// `head_supplier_subscribe_product_planinfo_update`: a subscribed
/// product's promotion plan was added or changed, or a cooperation began or
/// ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct LeaguePlan {
    /// `item_info/event_type`: 1 plan added, 2 plan changed, 3 cooperation
    /// added, 4 cooperation ended.
    pub event_type: Option<u32>,
    /// `…/appid`: the shop the product belongs to.
    pub appid: Option<String>,
    /// `…/product_id`.
    pub product_id: Option<String>,
    /// `…/plan_type`: the plan's type (as in the league's promoted-product
    /// API).
    pub plan_type: Option<u32>,
    /// `…/plan_id`.
    pub plan_id: Option<String>,
    /// `…/plan_status`: 0 no longer in force, 1 in force.
    pub plan_status: Option<u32>,
    /// `…/head_supplier_item_link`: the product's promotion link.
    pub head_supplier_item_link: Option<String>,
    /// `…/version`: the plan's version, to drop stale pushes.
    pub version: Option<String>,
    /// `…/service_ratio`: the institution's service fee, in millionths.
    pub service_ratio: Option<u64>,
    /// `…/commission_ratio`: the commission, in millionths.
    pub commission_ratio: Option<u64>,
    /// `…/start_time`: Unix seconds.
    pub start_time: Option<i64>,
    /// `…/end_time`: Unix seconds.
    pub end_time: Option<i64>,
}

impl LeaguePlan {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        let info = tree.child("item_info").unwrap_or(tree);
        Self {
            event_type: number(info, "event_type"),
            appid: text(info, "appid"),
            product_id: text(info, "product_id"),
            plan_type: number(info, "plan_type"),
            plan_id: text(info, "plan_id"),
            plan_status: number(info, "plan_status"),
            head_supplier_item_link: text(info, "head_supplier_item_link"),
            version: text(info, "version"),
            service_ratio: number(info, "service_ratio"),
            commission_ratio: number(info, "commission_ratio"),
            start_time: number(info, "start_time"),
            end_time: number(info, "end_time"),
        }
    }
}

/// `talent_commission_order_update`: a talent's (带货达人) commission order
/// changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct TalentCommissionOrder {
    /// `order_info/order_id`: the order.
    pub order_id: Option<String>,
    /// `…/sku_id`: the SKU the commission is for.
    pub sku_id: Option<String>,
    /// `…/commission_order_status`: the order's progress (10 awaiting
    /// payment, 12 awaiting a gift's acceptance, 17 awaiting use, 20
    /// awaiting shipping, 21 partly shipped, 30 awaiting receipt, 100
    /// completed, 200 cancelled after after-sales, 250 cancelled unpaid).
    pub commission_order_status: Option<u32>,
    /// `…/order_status`: the commission's settlement (20 unsettled, 100
    /// settled, 200 settlement cancelled).
    pub order_status: Option<u32>,
    /// `…/version`: the commission order's version, to drop stale pushes.
    pub version: Option<String>,
}

impl TalentCommissionOrder {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        let info = tree.child("order_info").unwrap_or(tree);
        Self {
            order_id: text(info, "order_id"),
            sku_id: text(info, "sku_id"),
            commission_order_status: number(info, "commission_order_status"),
            order_status: number(info, "order_status"),
            version: text(info, "version"),
        }
    }
}
