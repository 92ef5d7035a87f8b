//! The WeChat Store (微信小店) events a supplier (供货商) receives: its
//! drop-shipping orders (代发单) and supply orders (供货单) created,
//! changed, cancelled or completed, its goods (货品) changed, a shop's
//! invitation; their typed detail, read from the push's element tree (the
//! store sends JSON).
//!
//! Anything a push lacks is `None`, so a known event never fails on a
//! missing detail. The fields are those of the supplier's
//! [event docs](https://developers.weixin.qq.com/doc/store/supplier/notify).

use serde::Serialize;

use super::tree::{Node, number, text};

/// `dropship_order_new`, `dropship_order_cancel` and
/// `dropship_order_update`: a drop-shipping order was assigned to the
/// supplier, cancelled, or changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SupplierDropship {
    /// `ds_order_id`: the drop-shipping order.
    pub ds_order_id: Option<String>,
    /// `update_time`: when it changed, Unix seconds (`dropship_order_update`).
    pub update_time: Option<i64>,
}

impl SupplierDropship {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            ds_order_id: text(tree, "ds_order_id"),
            update_time: number(tree, "update_time"),
        }
    }
}

/// `ec_supplier_product_update`: one of the supplier's goods was added,
/// changed or deleted (stock changes do not send it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SupplierProduct {
    /// `EcSupplierProductUpdate/product_id`: the goods.
    pub product_id: Option<String>,
    /// `…/status`: 0 updated, 1 added, 2 deleted, 3 deleted for good (from
    /// the recycle bin).
    pub status: Option<u32>,
}

impl SupplierProduct {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        let info = tree.child("EcSupplierProductUpdate").unwrap_or(tree);
        Self {
            product_id: text(info, "product_id"),
            status: number(info, "status"),
        }
    }
}

/// `supply_order_new`, `supply_order_update`, `supply_order_cancel` and
/// `supply_order_complete`: a supply order (供货单) was assigned to the
/// supplier, changed, cancelled or completed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SupplyOrder {
    /// `SupplyOrder…/supply_order_id`: the supply order.
    pub supply_order_id: Option<String>,
    /// `SupplyOrderUpdate/update_time`: when it last changed, Unix seconds
    /// (`supply_order_update` only).
    pub update_time: Option<i64>,
}

impl SupplyOrder {
    /// The detail in the event's body element `body` (`SupplyOrderNew`,
    /// `SupplyOrderUpdate`…), or at the root when a push has none.
    pub(crate) fn from_tree(tree: &Node, body: &str) -> Self {
        let info = tree.child(body).unwrap_or(tree);
        Self {
            supply_order_id: text(info, "supply_order_id"),
            update_time: number(info, "update_time"),
        }
    }
}

/// `ec_supplier_invite_relation`: a shop invited the supplier to work with
/// it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SupplierInvite {
    /// `appid`: the inviting shop.
    pub appid: Option<String>,
    /// `invite_time`: Unix seconds.
    pub invite_time: Option<i64>,
}

impl SupplierInvite {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            appid: text(tree, "appid"),
            invite_time: number(tree, "invite_time"),
        }
    }
}
