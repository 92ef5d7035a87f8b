//! The WeChat Store (微信小店) events about the shop itself rather than its
//! orders, products and coupons (those are in `account_event`) or its
//! members (`store_member_event`): the shop's status, name and avatar, its
//! sharers (分享员), brand qualifications, complaints and guarantee orders
//! (保障单), its funds (settlement account, withdrawals and their QR codes),
//! the traces of its electronic waybills (电子面单) and the waybills an
//! express company is told are the platform's, low stock, an agency's
//! (机构) products, group-buy vouchers (团购优惠) issued, orders placed
//! through a linked mini program, and the store's API
//! change log; their typed detail, read from the push's element tree (the
//! store sends JSON).
//!
//! Anything a push lacks is `None`, so a known event never fails on a
//! missing detail. The fields are those of the store's
//! [event docs](https://developers.weixin.qq.com/doc/store/shop/notify).

use std::fmt;

use serde::Serialize;

use super::tree::{Node, number, text, texts};

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

/// `set_shop_headimg`: WeChat Store: the shop's avatar changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct StoreHeadimg {
    /// `appid`: the shop.
    pub appid: Option<String>,
    /// `old_head_img_url`: the avatar before.
    pub old_head_img_url: Option<String>,
    /// `new_head_img_url`: the avatar after.
    pub new_head_img_url: Option<String>,
}

impl StoreHeadimg {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            appid: text(tree, "appid"),
            old_head_img_url: text(tree, "old_head_img_url"),
            new_head_img_url: text(tree, "new_head_img_url"),
        }
    }
}

/// `channels_ec_guarantee_update`: WeChat Store: a guarantee order (保障单,
/// e.g. "fake: pay four times") changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct StoreGuarantee {
    /// `finder_shop_guarantee_status_update/guarantee_order_id`.
    pub guarantee_order_id: Option<String>,
    /// `…/order_id`: the store order.
    pub order_id: Option<String>,
    /// `…/status`: the new status, e.g. `STATUS_WAIT_MERCHANT_HANDLE`,
    /// `STATUS_PAYING`, `STATUS_PAY_SUCC`.
    pub status: Option<String>,
}

impl StoreGuarantee {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        let info = tree
            .child("finder_shop_guarantee_status_update")
            .unwrap_or(tree);
        Self {
            guarantee_order_id: text(info, "guarantee_order_id"),
            order_id: text(info, "order_id"),
            status: text(info, "status"),
        }
    }
}

/// `channels_ec_stock_no_enough`: WeChat Store: a SKU's stock fell to 20 %,
/// then to 10 %, of its last update.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct StoreStock {
    /// `channels_ec_stock_no_enough/product_id`: the product (a uint64, kept
    /// as text).
    pub product_id: Option<String>,
    /// `…/sku_id`: the SKU (a uint64, kept as text).
    pub sku_id: Option<String>,
    /// `…/remaining_stock_amount`: the stock now.
    pub remaining_stock_amount: Option<u64>,
    /// `…/remaining_code_amount`: pre-stored codes not yet issued (group-buy
    /// offers with `code_source_type` 2; 0 otherwise).
    pub remaining_code_amount: Option<u64>,
}

impl StoreStock {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        let info = tree.child("channels_ec_stock_no_enough").unwrap_or(tree);
        Self {
            product_id: text(info, "product_id"),
            sku_id: text(info, "sku_id"),
            remaining_stock_amount: number(info, "remaining_stock_amount"),
            remaining_code_amount: number(info, "remaining_code_amount"),
        }
    }
}

/// `head_supplier_item_update`: WeChat Store: a product an agency (机构)
/// promotes was added or changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct StoreSupplierItem {
    /// `item_info/event_type`: 1 added, 2 updated.
    pub event_type: Option<u32>,
    /// `…/appid`: the shop the product belongs to.
    pub appid: Option<String>,
    /// `…/product_id`.
    pub product_id: Option<String>,
    /// `…/version`: the product's version.
    pub version: Option<String>,
    /// `…/update_fields`: what changed, when updated (`commission_ratio`,
    /// `service_ratio`, `status`, `active_time`).
    pub update_fields: Vec<String>,
}

impl StoreSupplierItem {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        let info = tree.child("item_info").unwrap_or(tree);
        Self {
            event_type: number(info, "event_type"),
            appid: text(info, "appid"),
            product_id: text(info, "product_id"),
            version: text(info, "version"),
            update_fields: texts(info, "update_fields"),
        }
    }
}

/// `api_diff`: WeChat Store: the store's APIs changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct StoreApiDiff {
    /// `changelog_url`: the change log.
    pub changelog_url: Option<String>,
    /// `change_time`: Unix seconds.
    pub change_time: Option<i64>,
    /// `api_changes`: one entry per API changed.
    pub api_changes: Vec<StoreApiChange>,
}

/// One API of an [`StoreApiDiff`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct StoreApiChange {
    /// `chinese_name`: the API's name.
    pub chinese_name: Option<String>,
    /// `cgi_path`: its path, e.g. `/channels/ec/logistics/ewaybill/biz/order/create`.
    pub cgi_path: Option<String>,
    /// `doc_url`: its documentation.
    pub doc_url: Option<String>,
    /// `change_content`: what changed.
    pub change_content: Option<String>,
}

impl StoreApiDiff {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            changelog_url: text(tree, "changelog_url"),
            change_time: number(tree, "change_time"),
            api_changes: tree
                .items("api_changes")
                .map(|change| StoreApiChange {
                    chinese_name: text(change, "chinese_name"),
                    cgi_path: text(change, "cgi_path"),
                    doc_url: text(change, "doc_url"),
                    change_content: text(change, "change_content"),
                })
                .collect(),
        }
    }
}

/// `channels_ec_voucher_send_succ`: WeChat Store: group-buy vouchers (团购优惠
/// codes) were issued to a user (shops with the custom redemption tool
/// only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct StoreVoucherSend {
    /// `voucher_list`: the vouchers issued.
    pub vouchers: Vec<StoreVoucher>,
}

/// One voucher of a [`StoreVoucherSend`]. `Debug` hides its code (which
/// redeems it) and the phone field.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct StoreVoucher {
    /// `code`: the voucher code (not shown by `Debug`).
    pub code: Option<String>,
    /// `status`: 1 valid, 2 used, 3 refunded, 4 expired.
    pub status: Option<u32>,
    /// `send_time`: when issued, Unix seconds.
    pub send_time: Option<i64>,
    /// `update_time`: last change, Unix seconds.
    pub update_time: Option<i64>,
    /// `start_time`: redeemable from, Unix seconds.
    pub start_time: Option<i64>,
    /// `end_time`: redeemable until, Unix seconds.
    pub end_time: Option<i64>,
    /// `consume_time`: when redeemed, Unix seconds.
    pub consume_time: Option<i64>,
    /// `refund_time`: when refunded, Unix seconds.
    pub refund_time: Option<i64>,
    /// `product_id`.
    pub product_id: Option<String>,
    /// `sku_id`.
    pub sku_id: Option<String>,
    /// `order_id`: the order that bought it.
    pub order_id: Option<String>,
    /// `openid`: the user holding it.
    pub openid: Option<String>,
    /// `consume_store_name`: where it was redeemed.
    pub consume_store_name: Option<String>,
    /// `voucher_type`: the voucher's kind.
    pub voucher_type: Option<u32>,
    /// `voucher_buy_amount`: the amount paid for it, in fen.
    pub voucher_buy_amount: Option<i64>,
    /// `voucher_actual_amount`: its actual amount, in fen.
    pub voucher_actual_amount: Option<i64>,
    /// `code_type`: the code's kind.
    pub code_type: Option<u32>,
    /// `telphone_no` (sic): the user's phone field as sent, masked or
    /// encrypted in the doc's sample (not shown by `Debug`).
    pub telphone_no: Option<String>,
}

impl StoreVoucherSend {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            vouchers: tree
                .items("voucher_list")
                .map(|v| StoreVoucher {
                    code: text(v, "code"),
                    status: number(v, "status"),
                    send_time: number(v, "send_time"),
                    update_time: number(v, "update_time"),
                    start_time: number(v, "start_time"),
                    end_time: number(v, "end_time"),
                    consume_time: number(v, "consume_time"),
                    refund_time: number(v, "refund_time"),
                    product_id: text(v, "product_id"),
                    sku_id: text(v, "sku_id"),
                    order_id: text(v, "order_id"),
                    openid: text(v, "openid"),
                    consume_store_name: text(v, "consume_store_name"),
                    voucher_type: number(v, "voucher_type"),
                    voucher_buy_amount: number(v, "voucher_buy_amount"),
                    voucher_actual_amount: number(v, "voucher_actual_amount"),
                    code_type: number(v, "code_type"),
                    telphone_no: text(v, "telphone_no"),
                })
                .collect(),
        }
    }
}

/// Shows whether the code and phone are present, never their value.
impl fmt::Debug for StoreVoucher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hidden = |value: &Option<String>| value.as_ref().map(|_| "<redacted>");
        f.debug_struct("StoreVoucher")
            .field("code", &hidden(&self.code))
            .field("status", &self.status)
            .field("send_time", &self.send_time)
            .field("update_time", &self.update_time)
            .field("start_time", &self.start_time)
            .field("end_time", &self.end_time)
            .field("consume_time", &self.consume_time)
            .field("refund_time", &self.refund_time)
            .field("product_id", &self.product_id)
            .field("sku_id", &self.sku_id)
            .field("order_id", &self.order_id)
            .field("openid", &self.openid)
            .field("consume_store_name", &self.consume_store_name)
            .field("voucher_type", &self.voucher_type)
            .field("voucher_buy_amount", &self.voucher_buy_amount)
            .field("voucher_actual_amount", &self.voucher_actual_amount)
            .field("code_type", &self.code_type)
            .field("telphone_no", &hidden(&self.telphone_no))
            .finish()
    }
}

/// `channels_ec_phonenumber_push`: WeChat Store, to an express company: a
/// waybill belongs to the Channels platform (fetch its phone number as
/// needed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct StoreWaybillNumber {
    /// `waybill_info/waybill_id`: the waybill number.
    pub waybill_id: Option<String>,
}

impl StoreWaybillNumber {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        let info = tree.child("waybill_info").unwrap_or(tree);
        Self {
            waybill_id: text(info, "waybill_id"),
        }
    }
}

/// `cooperation_shop_order` and `related_shop_order_submission`: WeChat
/// Store, to a linked (合作 / 关联) mini program: a user who came through it
/// placed an order in the shop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct StoreLinkedOrder {
    /// `Data/order_id`: for querying through the mini program; not the
    /// shop's own order number.
    pub order_id: Option<String>,
    /// `Data/shop_appid`: the shop.
    pub shop_appid: Option<String>,
}

impl StoreLinkedOrder {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        let info = tree.child("Data").unwrap_or(tree);
        Self {
            order_id: text(info, "order_id"),
            shop_appid: text(info, "shop_appid"),
        }
    }
}
