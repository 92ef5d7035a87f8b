//! The "scan a product" (扫一扫商品) events an official account receives: a
//! user opened a product page, entered the chat from one, the asynchronous
//! report of a scan, and the review of a product; their typed detail, read
//! from the push's element tree.
//!
//! Anything a push lacks is `None`, so a known event never fails on a
//! missing detail.

use serde::Serialize;

use super::tree::{Node, number, text};

/// `user_scan_product`, `user_scan_product_enter_session` and
/// `user_scan_product_async`: a user scanned or opened a product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ProductScan {
    /// `KeyStandard`: the code standard (`ean13`, `ean8`, `qrcode`).
    pub key_standard: Option<String>,
    /// `KeyStr`: the code.
    pub key_str: Option<String>,
    /// `Country`: the user's country, as set in WeChat.
    pub country: Option<String>,
    /// `Province`: the user's province.
    pub province: Option<String>,
    /// `City`: the user's city.
    pub city: Option<String>,
    /// `Sex`: 1 male, 2 female, 0 unknown.
    pub sex: Option<u32>,
    /// `Scene`: 1 by scanning, 2 another way (chat, favourites, Moments).
    pub scene: Option<u32>,
    /// `ExtInfo`: the `extinfo` given when making the product's QR code.
    pub ext_info: Option<String>,
    /// `RegionCode` (`user_scan_product_async`): the user's region code.
    pub region_code: Option<String>,
}

impl ProductScan {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            key_standard: text(tree, "KeyStandard"),
            key_str: text(tree, "KeyStr"),
            country: text(tree, "Country"),
            province: text(tree, "Province"),
            city: text(tree, "City"),
            sex: number(tree, "Sex"),
            scene: number(tree, "Scene"),
            ext_info: text(tree, "ExtInfo"),
            region_code: text(tree, "RegionCode"),
        }
    }
}

/// `user_scan_product_verify_action`: the review of a product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ProductVerify {
    /// `KeyStandard`: the code standard.
    pub key_standard: Option<String>,
    /// `KeyStr`: the code.
    pub key_str: Option<String>,
    /// `Result`: `verify_ok` or `verify_not_pass`.
    pub result: Option<String>,
    /// `ReasonMsg`: why it was rejected.
    pub reason_msg: Option<String>,
}

impl ProductVerify {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            key_standard: text(tree, "KeyStandard"),
            key_str: text(tree, "KeyStr"),
            result: text(tree, "Result"),
            reason_msg: text(tree, "ReasonMsg"),
        }
    }
}
