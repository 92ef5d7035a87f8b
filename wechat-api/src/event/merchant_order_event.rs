//! The old WeChat Store's (微信小店, the official-account store that came
//! before the Channels store) order push: a user paid for an order
//! (`merchant_order`); its typed detail, read from the push's element tree.
//!
//! Anything a push lacks is `None`, so a known event never fails on a
//! missing detail. The fields are those of the
//! [store doc](https://developers.weixin.qq.com/doc/offiaccount/WeChat_Stores/WeChat_Store_Interface.html)'s
//! order-payment notice (§8).

use serde::Serialize;

use super::tree::{Node, number, text};

/// `merchant_order`: a user paid for an order in the account's store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct MerchantOrder {
    /// `OrderId`: the order.
    pub order_id: Option<String>,
    /// `OrderStatus`: the order's status code (2 once paid).
    pub order_status: Option<u32>,
    /// `ProductId`: the product bought.
    pub product_id: Option<String>,
    /// `SkuInfo`: the SKU bought, as `attribute:value` pairs separated by
    /// `;`.
    pub sku_info: Option<String>,
}

impl MerchantOrder {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            order_id: text(tree, "OrderId"),
            order_status: number(tree, "OrderStatus"),
            product_id: text(tree, "ProductId"),
            sku_info: text(tree, "SkuInfo"),
        }
    }
}
