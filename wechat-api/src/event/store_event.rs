//! The WeChat Store (微信小店) events about the shop itself rather than its
//! orders, products and coupons (those are in `account_event`): the shop's
//! status and name, its sharers (分享员), brand qualifications, complaints, its
//! funds (settlement account, withdrawals and their QR codes) and the traces
//! of its electronic waybills (电子面单); their typed
//! detail, read from the push's element tree (the store sends JSON).
//!
//! Anything a push lacks is `None`, so a known event never fails on a
//! missing detail. The fields are those of the store's
//! [event docs](https://developers.weixin.qq.com/doc/store/shop/notify).

use serde::Serialize;

use super::tree::{Node, number, text};

/// `channels_ec_change_status` and `channels_ec_close_store`: the shop's
/// status changed (`open_finished` ⇄ `closing`), or it was finally closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct StoreStatus {
    /// `appid`: the shop.
    pub appid: Option<String>,
    /// `change_timestamp` (or `close_timestamp`): Unix seconds.
    pub timestamp: Option<i64>,
    /// `old_status`: the status before (`channels_ec_change_status`).
    pub old_status: Option<String>,
    /// `new_status`: the status after (`channels_ec_change_status`).
    pub new_status: Option<String>,
}

impl StoreStatus {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            appid: text(tree, "appid"),
            timestamp: number(tree, "change_timestamp").or_else(|| number(tree, "close_timestamp")),
            old_status: text(tree, "old_status"),
            new_status: text(tree, "new_status"),
        }
    }
}

/// `channels_ec_sharer_change`: a sharer was bound to or unbound from the shop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct StoreSharer {
    /// `openid`: the sharer.
    pub openid: Option<String>,
    /// `sharer_type`: 0 an ordinary sharer, 1 a shop sharer.
    pub sharer_type: Option<u32>,
    /// `bind_status`: 1 bound, 2 unbound.
    pub bind_status: Option<u32>,
}

impl StoreSharer {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            openid: text(tree, "openid"),
            sharer_type: number(tree, "sharer_type"),
            bind_status: number(tree, "bind_status"),
        }
    }
}

/// `channels_ec_brand`: a brand qualification changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct StoreBrand {
    /// `BrandEvent/brand_id`: the brand in the brand library.
    pub brand_id: Option<String>,
    /// `…/audit_id`: the review.
    pub audit_id: Option<String>,
    /// `…/status`: 1 added, 2 updated, 3 review withdrawn, 4 approved, 5
    /// rejected, 6 deleted, 7 revoked by the platform, 8 expired.
    pub status: Option<u32>,
    /// `…/reason`: why.
    pub reason: Option<String>,
}

impl StoreBrand {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        let info = tree.child("BrandEvent").unwrap_or(tree);
        Self {
            brand_id: text(info, "brand_id"),
            audit_id: text(info, "audit_id"),
            status: number(info, "status"),
            reason: text(info, "reason"),
        }
    }
}

/// `channels_ec_complaint_update`: a complaint (纠纷) about an after-sale
/// order changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct StoreComplaint {
    /// `finder_shop_complaint/complaint_id`.
    pub complaint_id: Option<String>,
    /// `…/after_sale_order_id`.
    pub after_sale_order_id: Option<String>,
    /// `…/order_id`.
    pub order_id: Option<String>,
    /// `…/complaint_status`: the new status.
    pub complaint_status: Option<u32>,
}

impl StoreComplaint {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        let info = tree.child("finder_shop_complaint").unwrap_or(tree);
        Self {
            complaint_id: text(info, "complaint_id"),
            after_sale_order_id: text(info, "after_sale_order_id"),
            order_id: text(info, "order_id"),
            complaint_status: number(info, "complaint_status"),
        }
    }
}

/// `channels_ec_acct_notify` and `channels_ec_withdraw_notify`: the shop's
/// settlement account changed, or a withdrawal moved on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct StoreFunds {
    /// `account_info/event` or `withdraw_info/event`: for the account, 1
    /// changed; for a withdrawal, 1 QR code made, 2 scanned and applied
    /// for, 3 paid out, 4 failed.
    pub event: Option<u32>,
    /// `withdraw_info/withdraw_id`: the withdrawal.
    pub withdraw_id: Option<String>,
}

impl StoreFunds {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        let info = ["withdraw_info", "account_info"]
            .iter()
            .find_map(|name| tree.child(name))
            .unwrap_or(tree);
        Self {
            event: number(info, "event"),
            withdraw_id: text(info, "withdraw_id"),
        }
    }
}

/// `qrcode_status`: WeChat Store: a withdrawal QR code was scanned,
/// confirmed, cancelled or expired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct StoreQrcode {
    /// `qrcode_info/ticket`: the QR code.
    pub ticket: Option<String>,
    /// `…/status`: 1 confirmed, 2 cancelled, 3 expired, 4 scanned.
    pub status: Option<u32>,
    /// `…/scan_user_type`: 0 not an administrator, 1 an administrator.
    pub scan_user_type: Option<u32>,
}

impl StoreQrcode {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        let info = tree.child("qrcode_info").unwrap_or(tree);
        Self {
            ticket: text(info, "ticket"),
            status: number(info, "status"),
            scan_user_type: number(info, "scan_user_type"),
        }
    }
}

/// `ewaybill_push_path`: WeChat Store: the trace of an electronic waybill
/// changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct StoreWaybillPath {
    /// `waybill_info/ewaybill_order_id`: the electronic waybill order.
    pub ewaybill_order_id: Option<String>,
    /// `…/waybill_id`: the express company's waybill number.
    pub waybill_id: Option<String>,
    /// `…/status`: 0 awaiting pick-up, 1 picked up, 2 in transit, 3 out
    /// for delivery, 4 in a locker, 5 signed for, 6 returned, 7 forwarded,
    /// 8 exception, 9 taken from a locker, 99 other.
    pub status: Option<u32>,
    /// `…/desc`: the trace node's text.
    pub desc: Option<String>,
    /// `…/update_time`: Unix seconds.
    pub update_time: Option<i64>,
}

impl StoreWaybillPath {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        let info = tree.child("waybill_info").unwrap_or(tree);
        Self {
            ewaybill_order_id: text(info, "ewaybill_order_id"),
            waybill_id: text(info, "waybill_id"),
            status: number(info, "status"),
            desc: text(info, "desc"),
            update_time: number(info, "update_time"),
        }
    }
}

/// `set_shop_nickname`: WeChat Store: the shop's name changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct StoreNickname {
    /// `appid`: the shop.
    pub appid: Option<String>,
    /// `old_nickname`.
    pub old_nickname: Option<String>,
    /// `new_nickname`.
    pub new_nickname: Option<String>,
}

impl StoreNickname {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            appid: text(tree, "appid"),
            old_nickname: text(tree, "old_nickname"),
            new_nickname: text(tree, "new_nickname"),
        }
    }
}
