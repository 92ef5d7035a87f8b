//! The typed resources of WeChat Pay notifications: the transaction of
//! `TRANSACTION.SUCCESS` and the refund of `REFUND.SUCCESS`,
//! `REFUND.ABNORMAL` and `REFUND.CLOSED`, field for field as the official
//! docs (and wechatpay-go's `services/payments` `Transaction`, and the
//! refund notification of `services/refunddomestic`) describe them.
//! Amounts are integer fen; states are enums that keep unknown values.
//!
//! The decrypted resources hold personal data (the payer's `openid`, the
//! account a refund went to): their `Debug` never shows it.

use std::fmt;

use serde::Deserialize;

use super::notify::{EventType, Notification};
use crate::error::Result;

/// Declares a string enum that keeps unknown values.
macro_rules! open_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $wire:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize)]
        #[serde(from = "String")]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
            /// A value this version does not know, as sent.
            Unknown(String),
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                match value.as_str() {
                    $($wire => $name::$variant,)*
                    _ => $name::Unknown(value),
                }
            }
        }

        impl $name {
            /// The wire value.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $wire,)*
                    $name::Unknown(other) => other,
                }
            }
        }
    };
}

open_enum! {
    /// `trade_state` of a transaction.
    TradeState {
        /// `SUCCESS`: paid.
        Success = "SUCCESS",
        /// `REFUND`: (partly) refunded.
        Refund = "REFUND",
        /// `NOTPAY`: not paid yet.
        NotPay = "NOTPAY",
        /// `CLOSED`: closed.
        Closed = "CLOSED",
        /// `REVOKED`: revoked (payment code).
        Revoked = "REVOKED",
        /// `USERPAYING`: the user is paying (entering the password).
        UserPaying = "USERPAYING",
        /// `PAYERROR`: payment failed.
        PayError = "PAYERROR",
        /// `ACCEPT`: received, deduction pending.
        Accept = "ACCEPT",
    }
}

open_enum! {
    /// `trade_type` of a transaction.
    TradeType {
        /// `JSAPI`: official account or mini program.
        Jsapi = "JSAPI",
        /// `NATIVE`: QR code.
        Native = "NATIVE",
        /// `APP`: mobile application.
        App = "APP",
        /// `MICROPAY`: payment code.
        Micropay = "MICROPAY",
        /// `MWEB`: H5.
        Mweb = "MWEB",
        /// `FACEPAY`: face payment.
        Facepay = "FACEPAY",
    }
}

open_enum! {
    /// `refund_status` of a refund.
    RefundStatus {
        /// `SUCCESS`: refunded.
        Success = "SUCCESS",
        /// `CLOSED`: closed.
        Closed = "CLOSED",
        /// `PROCESSING`: in progress.
        Processing = "PROCESSING",
        /// `ABNORMAL`: failed (the user's card was cancelled…); apply for an
        /// abnormal refund.
        Abnormal = "ABNORMAL",
    }
}

/// `amount` of a transaction, in fen.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct TransactionAmount {
    /// The order total, fen.
    pub total: i64,
    /// What the user paid, fen (after coupons).
    #[serde(default)]
    pub payer_total: Option<i64>,
    /// `CNY`.
    #[serde(default)]
    pub currency: String,
    /// The user's currency.
    #[serde(default)]
    pub payer_currency: Option<String>,
}

/// `payer` of a transaction. Its `Debug` hides the openid.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct Payer {
    /// The payer's openid under the order's appid.
    #[serde(default)]
    pub openid: String,
}

impl fmt::Debug for Payer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Payer")
            .field("openid", &"[redacted]")
            .finish()
    }
}

/// `scene_info` of a transaction.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct SceneInfo {
    /// The merchant's device id.
    #[serde(default)]
    pub device_id: Option<String>,
}

/// One `promotion_detail` entry (a coupon used), amounts in fen.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct PromotionDetail {
    /// The coupon id.
    #[serde(default)]
    pub coupon_id: String,
    /// The coupon name.
    #[serde(default)]
    pub name: Option<String>,
    /// `GLOBAL` or `SINGLE`.
    #[serde(default)]
    pub scope: Option<String>,
    /// `CASH` or `NOCASH`.
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// The coupon's amount, fen.
    #[serde(default)]
    pub amount: i64,
    /// The campaign id.
    #[serde(default)]
    pub stock_id: Option<String>,
    /// What WeChat Pay contributed, fen.
    #[serde(default)]
    pub wechatpay_contribute: Option<i64>,
    /// What the merchant contributed, fen.
    #[serde(default)]
    pub merchant_contribute: Option<i64>,
    /// What other parties contributed, fen.
    #[serde(default)]
    pub other_contribute: Option<i64>,
    /// `CNY`.
    #[serde(default)]
    pub currency: Option<String>,
}

/// The transaction of a `TRANSACTION.SUCCESS` notification (直连商户).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct Transaction {
    /// The appid the order was made for.
    #[serde(default)]
    pub appid: String,
    /// The merchant.
    #[serde(default)]
    pub mchid: String,
    /// The merchant's order number.
    pub out_trade_no: String,
    /// WeChat Pay's order number.
    #[serde(default)]
    pub transaction_id: String,
    /// How it was paid.
    pub trade_type: Option<TradeType>,
    /// Its state (`SUCCESS` in a `TRANSACTION.SUCCESS`).
    pub trade_state: TradeState,
    /// A description of the state.
    #[serde(default)]
    pub trade_state_desc: String,
    /// The paying bank (`OTHERS`, `CMC`…).
    #[serde(default)]
    pub bank_type: Option<String>,
    /// The merchant's data given at order time.
    #[serde(default)]
    pub attach: Option<String>,
    /// When it was paid, RFC 3339.
    #[serde(default)]
    pub success_time: Option<String>,
    /// Who paid.
    pub payer: Option<Payer>,
    /// The amounts.
    pub amount: TransactionAmount,
    /// The scene.
    #[serde(default)]
    pub scene_info: Option<SceneInfo>,
    /// The coupons used.
    #[serde(default)]
    pub promotion_detail: Vec<PromotionDetail>,
}

/// `amount` of a refund notification, in fen.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct RefundAmount {
    /// The order total, fen.
    pub total: i64,
    /// The refund, fen.
    pub refund: i64,
    /// What the user paid, fen.
    #[serde(default)]
    pub payer_total: Option<i64>,
    /// What the user gets back, fen.
    #[serde(default)]
    pub payer_refund: Option<i64>,
}

/// The refund of a `REFUND.SUCCESS`, `REFUND.ABNORMAL` or `REFUND.CLOSED`
/// notification. Its `Debug` hides the receiving account.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct Refund {
    /// The merchant.
    #[serde(default)]
    pub mchid: String,
    /// The merchant's order number.
    #[serde(default)]
    pub out_trade_no: String,
    /// WeChat Pay's order number.
    #[serde(default)]
    pub transaction_id: String,
    /// The merchant's refund number.
    pub out_refund_no: String,
    /// WeChat Pay's refund number.
    #[serde(default)]
    pub refund_id: String,
    /// Its state.
    pub refund_status: RefundStatus,
    /// When it went through, RFC 3339 (on success).
    #[serde(default)]
    pub success_time: Option<String>,
    /// Where the money went (`招商银行信用卡0403`, `支付用户零钱`).
    #[serde(default)]
    pub user_received_account: Option<String>,
    /// The amounts.
    pub amount: RefundAmount,
}

impl fmt::Debug for Refund {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Refund")
            .field("mchid", &self.mchid)
            .field("out_trade_no", &self.out_trade_no)
            .field("transaction_id", &self.transaction_id)
            .field("out_refund_no", &self.out_refund_no)
            .field("refund_id", &self.refund_id)
            .field("refund_status", &self.refund_status)
            .field("success_time", &self.success_time)
            .field(
                "user_received_account",
                &self.user_received_account.as_ref().map(|_| "[redacted]"),
            )
            .field("amount", &self.amount)
            .finish()
    }
}

/// A verified, decrypted notification, typed by its event type.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum PayEvent {
    /// `TRANSACTION.SUCCESS`.
    Transaction(Box<Transaction>),
    /// `REFUND.SUCCESS`, `REFUND.ABNORMAL` or `REFUND.CLOSED` (the event
    /// type is [`Notification::event_type`], the state
    /// [`Refund::refund_status`]).
    Refund(Box<Refund>),
    /// Any other event type: the notification as received (its
    /// [`resource`](Notification::resource) decodes as you like).
    Other,
}

impl Notification {
    /// The typed resource: the transaction or the refund, or
    /// [`PayEvent::Other`] for event types this version does not know
    /// (never an error).
    ///
    /// # Errors
    /// [`Error::Decode`](crate::Error::Decode) when a known event's resource
    /// is not of its type (without quoting it).
    pub fn event(&self) -> Result<PayEvent> {
        match &self.event_type {
            EventType::TransactionSuccess => Ok(PayEvent::Transaction(Box::new(self.resource()?))),
            kind if kind.is_refund() => Ok(PayEvent::Refund(Box::new(self.resource()?))),
            _ => Ok(PayEvent::Other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The resource of the official docs' TRANSACTION.SUCCESS example.
    const TRANSACTION: &str = r#"{"transaction_id":"1217752501201407033233368018","amount":{"payer_total":100,"total":100,"currency":"CNY","payer_currency":"CNY"},"mchid":"1230000109","trade_state":"SUCCESS","bank_type":"CMC","promotion_detail":[{"amount":100,"wechatpay_contribute":0,"coupon_id":"109519","scope":"GLOBAL","merchant_contribute":0,"name":"单品惠-6","other_contribute":0,"currency":"CNY","stock_id":"931386","goods_detail":[{"goods_remark":"商品备注信息","quantity":1,"discount_amount":1,"goods_id":"M1006","unit_price":100}]}],"success_time":"2018-06-08T10:34:56+08:00","payer":{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},"out_trade_no":"1217752501201407033233368018","appid":"wxd678efh567hg6787","trade_state_desc":"支付成功","trade_type":"MICROPAY","attach":"自定义数据","scene_info":{"device_id":"013467007045764"}}"#;

    /// The resource of the official docs' REFUND.SUCCESS example.
    const REFUND: &str = r#"{"mchid":"1900000100","transaction_id":"1008450740201411110005820873","out_trade_no":"20150806125346","refund_id":"50200207182018070300011301001","out_refund_no":"7752501201407033233368018","refund_status":"SUCCESS","success_time":"2018-06-08T10:34:56+08:00","user_received_account":"招商银行信用卡0403","amount":{"total":999,"refund":999,"payer_total":999,"payer_refund":999}}"#;

    #[test]
    fn the_official_examples_parse() {
        let t: Transaction = serde_json::from_str(TRANSACTION).unwrap();
        assert_eq!(t.amount.total, 100);
        assert_eq!(t.amount.payer_total, Some(100));
        assert_eq!(t.trade_state, TradeState::Success);
        assert_eq!(t.trade_type, Some(TradeType::Micropay));
        assert_eq!(t.promotion_detail[0].amount, 100);
        assert_eq!(t.promotion_detail[0].kind, None);
        assert_eq!(
            t.payer.as_ref().map(|p| p.openid.as_str()),
            Some("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o")
        );
        assert!(!format!("{t:?}").contains("oUpF8uMuAJO"));
        let r: Refund = serde_json::from_str(REFUND).unwrap();
        assert_eq!(r.refund_status, RefundStatus::Success);
        assert_eq!(r.amount.refund, 999);
        assert!(!format!("{r:?}").contains("0403"));
    }

    #[test]
    fn unknown_states_are_kept() {
        let t: Transaction = serde_json::from_str(
            &TRANSACTION.replace(r#""trade_state":"SUCCESS""#, r#""trade_state":"NEWSTATE""#),
        )
        .unwrap();
        assert_eq!(t.trade_state, TradeState::Unknown("NEWSTATE".into()));
        assert_eq!(t.trade_state.as_str(), "NEWSTATE");
        assert_eq!(
            TradeState::from("PAYERROR".to_owned()),
            TradeState::PayError
        );
    }
}
