//! The official account's menu, customer-service, shopping-guide,
//! verification and publish events, the mini program's platform events
//! (customer-service sessions, verification dispatch, media checks, order
//! and shipping management, users' authorization changes, name reviews), and the
//! WeChat Store (微信小店) events an authorizer receives: their typed detail, read from the push's element tree (XML, or
//! JSON for mini programs configured for it).
//!
//! Each type's fields are the documented elements; anything a push lacks is
//! `None` (WeChat is not consistent about which elements it sends), so a
//! known event never fails on a missing detail.

use serde::Serialize;

use super::tree::{Node, number, text};

/// `scancode_push` and `scancode_waitmsg`: a menu button opened the scanner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct MenuScan {
    /// `EventKey`: the button's key.
    pub key: Option<String>,
    /// `ScanCodeInfo/ScanType`: `qrcode`, `barcode`…
    pub scan_type: Option<String>,
    /// `ScanCodeInfo/ScanResult`: what the code holds.
    pub scan_result: Option<String>,
}

impl MenuScan {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        let info = tree.child("ScanCodeInfo");
        Self {
            key: text(tree, "EventKey"),
            scan_type: info.and_then(|i| text(i, "ScanType")),
            scan_result: info.and_then(|i| text(i, "ScanResult")),
        }
    }
}

/// `pic_sysphoto`, `pic_photo_or_album` and `pic_weixin`: a menu button
/// sent pictures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct MenuPictures {
    /// `EventKey`: the button's key.
    pub key: Option<String>,
    /// `SendPicsInfo/Count`: how many pictures.
    pub count: Option<u32>,
    /// `SendPicsInfo/PicList/item/PicMd5Sum`: the MD5 of each picture.
    pub pic_md5_sums: Vec<String>,
}

impl MenuPictures {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        let info = tree.child("SendPicsInfo");
        Self {
            key: text(tree, "EventKey"),
            count: info.and_then(|i| number(i, "Count")),
            pic_md5_sums: info
                .and_then(|i| i.child("PicList"))
                .map(|list| {
                    list.items("item")
                        .filter_map(|item| text(item, "PicMd5Sum"))
                        .collect()
                })
                .unwrap_or_default(),
        }
    }
}

/// `location_select`: a menu button sent a location.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct MenuLocation {
    /// `EventKey`: the button's key.
    pub key: Option<String>,
    /// `SendLocationInfo/Location_X`: latitude.
    pub latitude: Option<f64>,
    /// `SendLocationInfo/Location_Y`: longitude.
    pub longitude: Option<f64>,
    /// `SendLocationInfo/Scale`: map zoom.
    pub scale: Option<u32>,
    /// `SendLocationInfo/Label`: the address.
    pub label: Option<String>,
    /// `SendLocationInfo/Poiname`: the point of interest, if any.
    pub poiname: Option<String>,
}

impl MenuLocation {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        let info = tree.child("SendLocationInfo");
        Self {
            key: text(tree, "EventKey"),
            latitude: info.and_then(|i| number(i, "Location_X")),
            longitude: info.and_then(|i| number(i, "Location_Y")),
            scale: info.and_then(|i| number(i, "Scale")),
            label: info.and_then(|i| text(i, "Label")),
            poiname: info.and_then(|i| text(i, "Poiname")),
        }
    }
}

/// `view_miniprogram`: a menu button opened a mini program page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct MenuMiniProgram {
    /// `EventKey`: the page path.
    pub page_path: Option<String>,
    /// `MenuId`: the personalized menu's id, when from one.
    pub menu_id: Option<String>,
}

impl MenuMiniProgram {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            page_path: text(tree, "EventKey"),
            menu_id: text(tree, "MenuId"),
        }
    }
}

/// `kf_create_session`, `kf_close_session`: a customer-service agent took
/// or closed a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct KfSession {
    /// `KfAccount`: the agent (`name@account`).
    pub kf_account: Option<String>,
}

impl KfSession {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            kf_account: text(tree, "KfAccount"),
        }
    }
}

/// `kf_switch_session`: a session moved from one agent to another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct KfSwitch {
    /// `FromKfAccount`.
    pub from_kf_account: Option<String>,
    /// `ToKfAccount`.
    pub to_kf_account: Option<String>,
}

impl KfSwitch {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            from_kf_account: text(tree, "FromKfAccount"),
            to_kf_account: text(tree, "ToKfAccount"),
        }
    }
}

/// `qualification_verify_success`, `naming_verify_success`, `annual_renew`
/// and `verify_expired`: a verification passed, or must be renewed by
/// `ExpiredTime`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct VerifyExpiry {
    /// `ExpiredTime`: Unix seconds.
    pub expired_time: Option<i64>,
}

impl VerifyExpiry {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            expired_time: number(tree, "ExpiredTime"),
        }
    }
}

/// `qualification_verify_fail` and `naming_verify_fail`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct VerifyFail {
    /// `FailTime`: Unix seconds.
    pub fail_time: Option<i64>,
    /// `FailReason`.
    pub fail_reason: Option<String>,
}

impl VerifyFail {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            fail_time: number(tree, "FailTime"),
            fail_reason: text(tree, "FailReason"),
        }
    }
}

/// `wxa_media_check`: the outcome of an asynchronous media check
/// (`media_check_async`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct MediaCheck {
    /// `appid`: the mini program.
    pub appid: Option<String>,
    /// `trace_id`: the id `media_check_async` answered.
    pub trace_id: Option<String>,
    /// `version`: 1 (only `isrisky`) or 2 (`result` and `detail`).
    pub version: Option<u32>,
    /// `isrisky` (version 1): 1 when the media is risky.
    pub is_risky: Option<u32>,
    /// `result/suggest` (version 2): `pass`, `review` or `risky`.
    pub suggest: Option<String>,
    /// `result/label` (version 2): the main label (100 normal).
    pub label: Option<u32>,
    /// `errcode`: 0 when the check ran.
    pub errcode: Option<i64>,
}

impl MediaCheck {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        let result = tree.child("result");
        Self {
            appid: text(tree, "appid"),
            trace_id: text(tree, "trace_id"),
            version: number(tree, "version"),
            is_risky: number(tree, "isrisky"),
            suggest: result.and_then(|r| text(r, "suggest")),
            label: result.and_then(|r| number(r, "label")),
            errcode: number(tree, "errcode"),
        }
    }
}

/// The order and shipping management events of a mini program
/// (`trade_manage_remind_access_api`, `trade_manage_remind_shipping`,
/// `trade_manage_order_settlement`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct TradeManage {
    /// `transaction_id`: the WeChat Pay transaction, when about one order.
    pub transaction_id: Option<String>,
    /// `merchant_id`: the merchant.
    pub merchant_id: Option<String>,
    /// `sub_merchant_id`: the sub-merchant, for a service provider.
    pub sub_merchant_id: Option<String>,
    /// `merchant_trade_no`: the merchant's order number.
    pub merchant_trade_no: Option<String>,
    /// `msg`: WeChat's explanation.
    pub msg: Option<String>,
    /// `shipped_time`: Unix seconds the order was shipped (settlement).
    pub shipped_time: Option<i64>,
    /// `estimated_settlement_time`: Unix seconds (settlement).
    pub estimated_settlement_time: Option<i64>,
    /// `confirm_receive_method`: 1 the user confirmed, 2 automatically (settlement).
    pub confirm_receive_method: Option<u32>,
    /// `confirm_receive_time`: Unix seconds (settlement).
    pub confirm_receive_time: Option<i64>,
    /// `settlement_time`: Unix seconds (settlement).
    pub settlement_time: Option<i64>,
}

impl TradeManage {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            transaction_id: text(tree, "transaction_id"),
            merchant_id: text(tree, "merchant_id"),
            sub_merchant_id: text(tree, "sub_merchant_id"),
            merchant_trade_no: text(tree, "merchant_trade_no"),
            msg: text(tree, "msg"),
            shipped_time: number(tree, "shipped_time"),
            estimated_settlement_time: number(tree, "estimated_settlement_time"),
            confirm_receive_method: number(tree, "confirm_receive_method"),
            confirm_receive_time: number(tree, "confirm_receive_time"),
            settlement_time: number(tree, "settlement_time"),
        }
    }
}

/// A WeChat Store (微信小店) order event (`channels_ec_order_new`,
/// `_cancel`, `_pay`, `_deliver`, `_confirm`, `_settle`,
/// `_ext_info_update`): which order, the rest by
/// [`order.get`](https://developers.weixin.qq.com/doc/store/shop/API/order/get.html).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct StoreOrder {
    /// `order_info/order_id`.
    pub order_id: Option<String>,
    /// `order_info/pay_time`, `cancel_time`… : the Unix seconds of the
    /// event, whichever element the event has.
    pub time: Option<i64>,
    /// `order_info/cancel_type` (cancellations): 1 by the user, 2 timed
    /// out, 3 by the merchant…
    pub cancel_type: Option<u32>,
    /// `order_info/finish_delivery` (deliveries): 1 when fully delivered.
    pub finish_delivery: Option<u32>,
    /// `order_info/confirm_type` (confirmations): 1 by the user, 2 automatically.
    pub confirm_type: Option<u32>,
    /// `order_info/settle_time` (settlements): Unix seconds.
    pub settle_time: Option<i64>,
    /// `order_info/type` (`_ext_info_update`): what changed.
    pub update_type: Option<u32>,
}

impl StoreOrder {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        let info = tree.child("order_info");
        let small = |name: &str| info.and_then(|i| number::<u32>(i, name));
        let time = |name: &str| info.and_then(|i| number::<i64>(i, name));
        Self {
            order_id: info.and_then(|i| text(i, "order_id")),
            time: [
                "pay_time",
                "cancel_time",
                "delivery_time",
                "confirm_time",
                "create_time",
            ]
            .iter()
            .find_map(|name| time(name)),
            cancel_type: small("cancel_type"),
            finish_delivery: small("finish_delivery"),
            confirm_type: small("confirm_type"),
            settle_time: time("settle_time"),
            update_type: small("type"),
        }
    }
}

/// `channels_ec_aftersale_update` and
/// `channels_ec_present_aftersale_update`: an after-sale order changed (the
/// latter: a group gift's automatic refund on timeout).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct StoreAftersale {
    /// `finder_shop_aftersale_status_update/after_sale_order_id` (or the
    /// same under `finder_shop_present_aftersale_status_update`).
    pub after_sale_order_id: Option<String>,
    /// `…/status`: the new status (`USER_CANCELD`, `MERCHANT_PROCESSING`,
    /// `PLATFORM_REFUNDING`…).
    pub status: Option<String>,
    /// `…/order_id`: the order it is about.
    pub order_id: Option<String>,
    /// `wxa_vip_discounted_price`: the mini-program member discount already
    /// given, in fen (the doc's table puts it beside the wrapper, its sample
    /// inside: both are read).
    pub wxa_vip_discounted_price: Option<i64>,
}

impl StoreAftersale {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        // the present doc's table names the wrapper
        // `finder_shop_present_aftersale_status_update`, its sample the
        // ordinary one
        let info = [
            "finder_shop_aftersale_status_update",
            "finder_shop_present_aftersale_status_update",
        ]
        .iter()
        .find_map(|name| tree.child(name));
        Self {
            after_sale_order_id: info.and_then(|i| text(i, "after_sale_order_id")),
            status: info.and_then(|i| text(i, "status")),
            order_id: info.and_then(|i| text(i, "order_id")),
            wxa_vip_discounted_price: info
                .and_then(|i| number(i, "wxa_vip_discounted_price"))
                .or_else(|| number(tree, "wxa_vip_discounted_price")),
        }
    }
}

/// A WeChat Store product event (`product_spu_audit`,
/// `product_spu_listing`, `product_spu_update`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct StoreProduct {
    /// `ProductSpuAudit/product_id` (or the same under the event's own
    /// wrapper).
    pub product_id: Option<String>,
    /// `…/status`: the audit or listing status.
    pub status: Option<i64>,
    /// `…/reason`: why, when rejected or delisted.
    pub reason: Option<String>,
}

impl StoreProduct {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        let info = ["ProductSpuAudit", "ProductSpuListing", "ProductSpuUpdate"]
            .iter()
            .find_map(|name| tree.child(name))
            .unwrap_or(tree);
        Self {
            product_id: text(info, "product_id"),
            status: number(info, "status"),
            reason: text(info, "reason"),
        }
    }
}

/// `product_category_audit`: WeChat Store: the review of a category the
/// store applied for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct StoreCategoryAudit {
    /// `ProductCategoryAudit/audit_id`: the review.
    pub audit_id: Option<String>,
    /// `…/status`: 1 under review, 2 rejected, 3 approved, 12 withdrawn.
    pub status: Option<i64>,
    /// `…/reason`: WeChat's explanation.
    pub reason: Option<String>,
}

impl StoreCategoryAudit {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        let info = tree.child("ProductCategoryAudit").unwrap_or(tree);
        Self {
            audit_id: text(info, "audit_id"),
            status: number(info, "status"),
            reason: text(info, "reason"),
        }
    }
}

/// A WeChat Store coupon event (`channels_ec_coupon_receive`, `_create`,
/// `_delete`, `_expire`, `_info_change`, `_invalid`,
/// `channels_ec_user_coupon_expire`, `_unuse`, `_use`): which coupon, the
/// rest by `coupon.get`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct StoreCoupon {
    /// `…/coupon_id`, under the event's wrapper (`receive_info`,
    /// `coupon_info`, `use_info`, `user_coupon_info`…).
    pub coupon_id: Option<String>,
    /// `…/user_coupon_id`: the user's coupon, on user events.
    pub user_coupon_id: Option<String>,
    /// `…/order_id`: the order the coupon was used on (`_use`, `_unuse`).
    pub order_id: Option<String>,
    /// `…/receive_time`, `use_time`, `delete_time`… : the Unix seconds of
    /// the event, whichever `…_time` element the event has.
    pub time: Option<i64>,
}

impl StoreCoupon {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        let info = tree
            .children
            .iter()
            .find(|c| c.child("coupon_id").is_some())
            .unwrap_or(tree);
        Self {
            coupon_id: text(info, "coupon_id"),
            user_coupon_id: text(info, "user_coupon_id"),
            order_id: text(info, "order_id"),
            time: info
                .children
                .iter()
                .filter(|c| c.name.ends_with("_time"))
                .find_map(|c| c.text.trim().parse().ok()),
        }
    }
}

/// `PUBLISHJOBFINISH`: the outcome of a free publish (`freepublish/submit`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct PublishJobFinish {
    /// `PublishEventInfo/publish_id`: the id `submit` answered.
    pub publish_id: Option<String>,
    /// `…/publish_status`: 0 published, 1 publishing, 2 original-check
    /// failed, 3 failed, 4 rejected by the platform, 5 deleted by the
    /// account, 6 banned.
    pub publish_status: Option<i64>,
    /// `…/article_id`: the published article's id (on success).
    pub article_id: Option<String>,
    /// `…/article_detail/item/article_url`: each article's URL.
    pub article_urls: Vec<String>,
    /// `…/fail_idx`: the positions (from 1) of the articles that failed.
    pub fail_idx: Vec<u32>,
}

impl PublishJobFinish {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        let info = tree.child("PublishEventInfo").unwrap_or(tree);
        Self {
            publish_id: text(info, "publish_id"),
            publish_status: number(info, "publish_status"),
            article_id: text(info, "article_id"),
            article_urls: info
                .child("article_detail")
                .map(|detail| {
                    detail
                        .items("item")
                        .filter_map(|item| text(item, "article_url"))
                        .collect()
                })
                .unwrap_or_default(),
            fail_idx: info
                .items("fail_idx")
                .filter_map(|n| n.text.trim().parse().ok())
                .collect(),
        }
    }
}

/// `user_info_modified`, `user_authorization_revoke` and
/// `user_authorization_cancellation`: a mini program user changed or
/// withdrew the information they authorized.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct UserAuthorizationChange {
    /// `OpenID`: the user.
    pub openid: Option<String>,
    /// `AppID`: the mini program.
    pub appid: Option<String>,
    /// `RevokeInfo`: what was withdrawn (`1` the user information, …).
    pub revoke_info: Option<String>,
}

impl UserAuthorizationChange {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            openid: text(tree, "OpenID"),
            appid: text(tree, "AppID"),
            revoke_info: text(tree, "RevokeInfo"),
        }
    }
}

/// `wxa_nickname_audit`: the review of a mini program's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct NicknameAudit {
    /// `ret`: 2 rejected, 3 approved.
    pub ret: Option<i64>,
    /// `nickname`: the name reviewed.
    pub nickname: Option<String>,
    /// `reason`: why it was rejected.
    pub reason: Option<String>,
}

impl NicknameAudit {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            ret: number(tree, "ret"),
            nickname: text(tree, "nickname"),
            reason: text(tree, "reason"),
        }
    }
}

/// `guide_qrcode_scan_event`: a user scanned a shopping guide's (顾问) QR
/// code
/// ([onGuideCreateQrCode](https://developers.weixin.qq.com/doc/offiaccount/Shopping_Guide/guide-account/shopping-guide.onGuideCreateQrCode.html)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct GuideQrcodeScan {
    /// `GuideScanEvent/qrcode_guide_account`: the guide's WeChat account.
    pub guide_account: Option<String>,
    /// `…/qrcode_guide_openid`: the guide's openid.
    pub guide_openid: Option<String>,
    /// `…/openid`: the user who scanned.
    pub openid: Option<String>,
    /// `…/action`: 1 the user scanned and followed, 2 scanned while
    /// already a follower…
    pub action: Option<u32>,
    /// `…/qrcode_info`: the extra information given when the code was made.
    pub qrcode_info: Option<String>,
}

impl GuideQrcodeScan {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        let info = tree.child("GuideScanEvent").unwrap_or(tree);
        Self {
            guide_account: text(info, "qrcode_guide_account"),
            guide_openid: text(info, "qrcode_guide_openid"),
            openid: text(info, "openid"),
            action: number(info, "action"),
            qrcode_info: text(info, "qrcode_info"),
        }
    }
}

/// `user_enter_tempsession`: a user entered a mini program's
/// customer-service chat
/// ([receive](https://developers.weixin.qq.com/miniprogram/dev/framework/open-ability/customer-message/receive.html)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct TempSession {
    /// `SessionFrom`: the `session-from` of the button the user came
    /// through.
    pub session_from: Option<String>,
}

impl TempSession {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            session_from: text(tree, "SessionFrom"),
        }
    }
}

/// `wx_verify_dispatch`: a mini program's WeChat verification (认证) was
/// assigned to a reviewing agency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct VerifyDispatch {
    /// `provider`: the reviewing agency.
    pub provider: Option<String>,
    /// `contact`: the agency's contact.
    pub contact: Option<String>,
    /// `dispatch_time`: Unix seconds.
    pub dispatch_time: Option<i64>,
}

impl VerifyDispatch {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            provider: text(tree, "provider"),
            contact: text(tree, "contact"),
            dispatch_time: number(tree, "dispatch_time"),
        }
    }
}
