//! An official account's physical-store events: the review of a store
//! (门店, `poi_check_notify`) and of a store created in Tencent Maps for the
//! store mini program (`create_map_poi_audit_info`), a customer connecting
//! to a store's Wi-Fi (`WifiConnected`) and a user shaking their phone near
//! the store's iBeacons (摇一摇周边, `ShakearoundUserShake`); their typed
//! detail, read from the push's element tree.
//!
//! Anything a push lacks is `None`, so a known event never fails on a
//! missing detail.

use serde::Serialize;

use super::tree::{Node, number, text};

/// `poi_check_notify`: the review of a store the account added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct PoiCheck {
    /// `UniqId`: the merchant's own id for the store (the `sid` it gave).
    pub uniq_id: Option<String>,
    /// `PoiId`: WeChat's id for the store.
    pub poi_id: Option<String>,
    /// `Result`: `succ` or `fail`.
    pub result: Option<String>,
    /// `msg`: the notice, or why it was rejected.
    pub msg: Option<String>,
}

impl PoiCheck {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            uniq_id: text(tree, "UniqId"),
            poi_id: text(tree, "PoiId"),
            result: text(tree, "Result"),
            msg: text(tree, "msg"),
        }
    }
}

/// `create_map_poi_audit_info`: the review of a store the account created
/// in Tencent Maps for its store mini program
/// ([store mini program](https://developers.weixin.qq.com/doc/offiaccount/WeChat_Stores/WeChat_Shop_Miniprogram_Interface.html)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct MapPoiAudit {
    /// `audit_id`: the review, as returned when the store was created.
    pub audit_id: Option<String>,
    /// `status`: the review's status code.
    pub status: Option<u32>,
    /// `map_poi_id`: the store's place in Tencent Maps.
    pub map_poi_id: Option<String>,
    /// `name`: the store's name.
    pub name: Option<String>,
    /// `address`: the store's address.
    pub address: Option<String>,
    /// `longitude`: as sent (a decimal string).
    pub longitude: Option<String>,
    /// `latitude`: as sent (a decimal string).
    pub latitude: Option<String>,
    /// `sh_remark`: the reviewer's remark.
    pub sh_remark: Option<String>,
}

impl MapPoiAudit {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            audit_id: text(tree, "audit_id"),
            status: number(tree, "status"),
            map_poi_id: text(tree, "map_poi_id"),
            name: text(tree, "name"),
            address: text(tree, "address"),
            longitude: text(tree, "longitude"),
            latitude: text(tree, "latitude"),
            sh_remark: text(tree, "sh_remark"),
        }
    }
}

/// `WifiConnected`: a customer connected to a store's Wi-Fi.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct WifiConnected {
    /// `ConnectTime`: Unix seconds.
    pub connect_time: Option<i64>,
    /// `ExpireTime`: reserved by WeChat.
    pub expire_time: Option<i64>,
    /// `VendorId`: reserved by WeChat.
    pub vendor_id: Option<String>,
    /// `ShopId` (`PlaceId` in older pushes): the store.
    pub shop_id: Option<String>,
    /// `DeviceNo`: the access point's MAC address (its BSSID).
    pub device_no: Option<String>,
}

impl WifiConnected {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            connect_time: number(tree, "ConnectTime"),
            expire_time: number(tree, "ExpireTime"),
            vendor_id: text(tree, "VendorId"),
            shop_id: text(tree, "ShopId").or_else(|| text(tree, "PlaceId")),
            device_no: text(tree, "DeviceNo"),
        }
    }
}

/// `ShakearoundUserShake`: a user shook their phone near the account's
/// iBeacons (摇一摇周边).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ShakeAround {
    /// `ChosenBeacon`: the beacon the shake was matched to.
    pub chosen_beacon: Option<Beacon>,
    /// `AroundBeacons/AroundBeacon`: the other beacons in range.
    pub around_beacons: Vec<Beacon>,
}

/// One iBeacon a shake saw.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Beacon {
    /// `Uuid`.
    pub uuid: Option<String>,
    /// `Major`.
    pub major: Option<u32>,
    /// `Minor`.
    pub minor: Option<u32>,
    /// `Distance`: metres from the phone.
    pub distance: Option<f64>,
}

impl Beacon {
    fn from_tree(tree: &Node) -> Self {
        Self {
            uuid: text(tree, "Uuid"),
            major: number(tree, "Major"),
            minor: number(tree, "Minor"),
            distance: number(tree, "Distance"),
        }
    }
}

impl ShakeAround {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            chosen_beacon: tree.child("ChosenBeacon").map(Beacon::from_tree),
            around_beacons: tree.items("AroundBeacon").map(Beacon::from_tree).collect(),
        }
    }
}
