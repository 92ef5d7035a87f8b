//! The typed resources of the notifications a service provider (服务商)
//! receives: the partner `TRANSACTION.SUCCESS` and `REFUND.*` (with `sp_…`
//! and `sub_…` fields instead of the merchant's `appid`/`mchid`),
//! `PROFITSHARING.SUCCESS` and `PROFITSHARING.RETURN`, `COMPLAINT.CREATE`
//! and `COMPLAINT.STATE_CHANGE`, and the merchant transfer's
//! `MCHTRANSFER.BILL.FINISHED`, field for field as the official docs
//! describe them. Amounts are integer fen; states are enums that keep
//! unknown values.
//!
//! [`Notification::partner_event`] types a verified, decrypted notification
//! this way (the merchant form is [`Notification::event`]). Personal data
//! (openids, the account a refund went to) never shows in `Debug`.

use std::fmt;

use serde::Deserialize;

use super::event::{PromotionDetail, RefundAmount, RefundStatus, TradeState, TradeType};
use super::notify::Notification;
use crate::error::Result;

// (the runtime does not name the generated API: these enums are its own)
open_enum! {
    /// `receiver.type` of a profit sharing movement.
    ReceiverType {
        /// `MERCHANT_ID`: a merchant, by merchant id.
        MerchantId = "MERCHANT_ID",
        /// `PERSONAL_OPENID`: a person, by openid under `appid`.
        PersonalOpenid = "PERSONAL_OPENID",
        /// `PERSONAL_SUB_OPENID`: a person, by openid under `sub_appid`.
        PersonalSubOpenid = "PERSONAL_SUB_OPENID",
    }
}

open_enum! {
    /// `state` of a merchant transfer bill.
    TransferState {
        /// `ACCEPTED`: accepted.
        Accepted = "ACCEPTED",
        /// `PROCESSING`: being processed.
        Processing = "PROCESSING",
        /// `WAIT_USER_CONFIRM`: waiting for the user to confirm.
        WaitUserConfirm = "WAIT_USER_CONFIRM",
        /// `TRANSFERING`: the money is moving.
        Transfering = "TRANSFERING",
        /// `SUCCESS`: arrived.
        Success = "SUCCESS",
        /// `FAIL`: failed (see `fail_reason`).
        Fail = "FAIL",
        /// `CANCELING`: being cancelled.
        Canceling = "CANCELING",
        /// `CANCELLED`: cancelled.
        Cancelled = "CANCELLED",
    }
}

/// `payer` of a partner transaction. Its `Debug` hides the openids.
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct PartnerPayer {
    /// The payer's openid under `sp_appid`.
    #[serde(default)]
    pub sp_openid: Option<String>,
    /// The payer's openid under `sub_appid`.
    #[serde(default)]
    pub sub_openid: Option<String>,
}

impl fmt::Debug for PartnerPayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hidden = |v: &Option<String>| v.as_ref().map(|_| "[redacted]");
        f.debug_struct("PartnerPayer")
            .field("sp_openid", &hidden(&self.sp_openid))
            .field("sub_openid", &hidden(&self.sub_openid))
            .finish()
    }
}

/// `amount` of a partner transaction, in fen.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct PartnerTransactionAmount {
    /// The order total, fen.
    pub total: i64,
    /// What the payer paid, fen (after coupons).
    #[serde(default)]
    pub payer_total: Option<i64>,
    /// `CNY`.
    #[serde(default)]
    pub currency: String,
    /// The payer's currency.
    #[serde(default)]
    pub payer_currency: Option<String>,
}

/// The transaction of a partner `TRANSACTION.SUCCESS` notification
/// (服务商模式).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct PartnerTransaction {
    /// The service provider's appid.
    #[serde(default)]
    pub sp_appid: String,
    /// The service provider's merchant id.
    pub sp_mchid: String,
    /// The sub-merchant's appid, when the order named one.
    #[serde(default)]
    pub sub_appid: Option<String>,
    /// The sub-merchant.
    pub sub_mchid: String,
    /// The order number given at order time.
    pub out_trade_no: String,
    /// WeChat Pay's order number.
    #[serde(default)]
    pub transaction_id: String,
    /// How it was paid.
    #[serde(default)]
    pub trade_type: Option<TradeType>,
    /// Its state (`SUCCESS` in a `TRANSACTION.SUCCESS`).
    pub trade_state: TradeState,
    /// A description of the state.
    #[serde(default)]
    pub trade_state_desc: String,
    /// The paying bank.
    #[serde(default)]
    pub bank_type: Option<String>,
    /// The data given at order time.
    #[serde(default)]
    pub attach: Option<String>,
    /// When it was paid, RFC 3339.
    #[serde(default)]
    pub success_time: Option<String>,
    /// Who paid.
    #[serde(default)]
    pub payer: Option<PartnerPayer>,
    /// The amounts.
    pub amount: PartnerTransactionAmount,
    /// The coupons used.
    #[serde(default)]
    pub promotion_detail: Vec<PromotionDetail>,
}

/// The refund of a partner `REFUND.SUCCESS`, `REFUND.ABNORMAL` or
/// `REFUND.CLOSED` notification. Its `Debug` hides the receiving account.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct PartnerRefund {
    /// The service provider's merchant id.
    pub sp_mchid: String,
    /// The sub-merchant.
    pub sub_mchid: String,
    /// The order number.
    #[serde(default)]
    pub out_trade_no: String,
    /// WeChat Pay's order number.
    #[serde(default)]
    pub transaction_id: String,
    /// The refund number given.
    pub out_refund_no: String,
    /// WeChat Pay's refund number.
    #[serde(default)]
    pub refund_id: String,
    /// Its state.
    pub refund_status: RefundStatus,
    /// When it went through, RFC 3339.
    #[serde(default)]
    pub success_time: Option<String>,
    /// Where the money went.
    #[serde(default)]
    pub user_received_account: Option<String>,
    /// The amounts.
    pub amount: RefundAmount,
}

impl fmt::Debug for PartnerRefund {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PartnerRefund")
            .field("sp_mchid", &self.sp_mchid)
            .field("sub_mchid", &self.sub_mchid)
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

/// The receiver whose share moved. Its `Debug` hides a person's openid.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct ProfitSharingMovement {
    /// A merchant or a person.
    #[serde(rename = "type")]
    pub receiver_type: ReceiverType,
    /// The merchant id, or the person's openid.
    pub account: String,
    /// The amount moved, fen.
    pub amount: i64,
    /// The description given.
    #[serde(default)]
    pub description: String,
}

impl fmt::Debug for ProfitSharingMovement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let account: &dyn fmt::Debug = match self.receiver_type {
            ReceiverType::MerchantId => &self.account,
            _ => &"[redacted]",
        };
        f.debug_struct("ProfitSharingMovement")
            .field("receiver_type", &self.receiver_type)
            .field("account", account)
            .field("amount", &self.amount)
            .field("description", &self.description)
            .finish()
    }
}

/// The resource of `PROFITSHARING.SUCCESS` (a share arrived) and
/// `PROFITSHARING.RETURN` (a share was returned).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct ProfitSharingNotice {
    /// The service provider (partner form).
    #[serde(default)]
    pub sp_mchid: Option<String>,
    /// The sub-merchant (partner form).
    #[serde(default)]
    pub sub_mchid: Option<String>,
    /// The merchant (merchant form).
    #[serde(default)]
    pub mchid: Option<String>,
    /// WeChat Pay's order number.
    pub transaction_id: String,
    /// WeChat Pay's profit sharing (or return) order number.
    pub order_id: String,
    /// The profit sharing (or return) number given.
    pub out_order_no: String,
    /// The receiver whose share moved.
    pub receiver: ProfitSharingMovement,
    /// When it moved, RFC 3339.
    #[serde(default)]
    pub success_time: Option<String>,
}

/// What happened to a complaint (`action_type`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize)]
#[serde(from = "String")]
#[non_exhaustive]
pub enum ComplaintAction {
    /// `CREATE_COMPLAINT`: a payer complained.
    CreateComplaint,
    /// `CONTINUE_COMPLAINT`: the payer complained again.
    ContinueComplaint,
    /// `USER_RESPONSE`: the payer wrote.
    UserResponse,
    /// `RESPONSE_BY_PLATFORM`: WeChat Pay wrote.
    ResponseByPlatform,
    /// `SELLER_REFUND`: the merchant refunded.
    SellerRefund,
    /// `MERCHANT_RESPONSE`: the merchant answered.
    MerchantResponse,
    /// `MERCHANT_CONFIRM_COMPLETE`: the merchant marked it handled.
    MerchantConfirmComplete,
    /// `USER_APPLY_PLATFORM_SERVICE`: the payer asked WeChat Pay to help.
    UserApplyPlatformService,
    /// `USER_CANCEL_PLATFORM_SERVICE`: the payer withdrew that request.
    UserCancelPlatformService,
    /// `PLATFORM_SERVICE_FINISHED`: WeChat Pay's help ended.
    PlatformServiceFinished,
    /// `MERCHANT_APPROVE_REFUND`: the merchant approved the refund.
    MerchantApproveRefund,
    /// `MERCHANT_REJECT_REFUND`: the merchant rejected the refund.
    MerchantRejectRefund,
    /// `REFUND_SUCCESS`: the refund went through.
    RefundSuccess,
    /// A value this version does not know, as sent.
    Unknown(String),
}

impl From<String> for ComplaintAction {
    fn from(value: String) -> Self {
        match value.as_str() {
            "CREATE_COMPLAINT" => ComplaintAction::CreateComplaint,
            "CONTINUE_COMPLAINT" => ComplaintAction::ContinueComplaint,
            "USER_RESPONSE" => ComplaintAction::UserResponse,
            "RESPONSE_BY_PLATFORM" => ComplaintAction::ResponseByPlatform,
            "SELLER_REFUND" => ComplaintAction::SellerRefund,
            "MERCHANT_RESPONSE" => ComplaintAction::MerchantResponse,
            "MERCHANT_CONFIRM_COMPLETE" => ComplaintAction::MerchantConfirmComplete,
            "USER_APPLY_PLATFORM_SERVICE" => ComplaintAction::UserApplyPlatformService,
            "USER_CANCEL_PLATFORM_SERVICE" => ComplaintAction::UserCancelPlatformService,
            "PLATFORM_SERVICE_FINISHED" => ComplaintAction::PlatformServiceFinished,
            "MERCHANT_APPROVE_REFUND" => ComplaintAction::MerchantApproveRefund,
            "MERCHANT_REJECT_REFUND" => ComplaintAction::MerchantRejectRefund,
            "REFUND_SUCCESS" => ComplaintAction::RefundSuccess,
            _ => ComplaintAction::Unknown(value),
        }
    }
}

/// The resource of `COMPLAINT.CREATE` and `COMPLAINT.STATE_CHANGE`: which
/// complaint, and what happened (read it with `complaints().detail(..)`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct ComplaintNotice {
    /// The complaint.
    pub complaint_id: String,
    /// What happened.
    pub action_type: ComplaintAction,
}

/// The resource of `MCHTRANSFER.BILL.FINISHED`: a transfer reached a final
/// state. Its `Debug` hides the payee's openid.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct TransferBillNotice {
    /// The bill number given.
    pub out_bill_no: String,
    /// WeChat Pay's bill number.
    pub transfer_bill_no: String,
    /// Its state (`SUCCESS`, `FAIL` or `CANCELLED`).
    pub state: TransferState,
    /// The merchant (`mch_id` in some answers, `mchid` in others).
    #[serde(default, alias = "mch_id")]
    pub mchid: Option<String>,
    /// The sub-merchant (partner form).
    #[serde(default)]
    pub sub_mchid: Option<String>,
    /// The amount, fen.
    pub transfer_amount: i64,
    /// The payee.
    #[serde(default)]
    pub openid: String,
    /// Why it failed.
    #[serde(default)]
    pub fail_reason: Option<String>,
    /// When it was created, RFC 3339.
    #[serde(default)]
    pub create_time: String,
    /// When its state last changed, RFC 3339.
    #[serde(default)]
    pub update_time: String,
}

impl fmt::Debug for TransferBillNotice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransferBillNotice")
            .field("out_bill_no", &self.out_bill_no)
            .field("transfer_bill_no", &self.transfer_bill_no)
            .field("state", &self.state)
            .field("mchid", &self.mchid)
            .field("sub_mchid", &self.sub_mchid)
            .field("transfer_amount", &self.transfer_amount)
            .field("openid", &"[redacted]")
            .field("fail_reason", &self.fail_reason)
            .finish_non_exhaustive()
    }
}

/// A verified, decrypted notification of a service provider, typed by its
/// event type.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum PartnerEvent {
    /// `TRANSACTION.SUCCESS` of a sub-merchant's order.
    Transaction(Box<PartnerTransaction>),
    /// `REFUND.SUCCESS`, `REFUND.ABNORMAL` or `REFUND.CLOSED` of a
    /// sub-merchant's refund.
    Refund(Box<PartnerRefund>),
    /// `PROFITSHARING.SUCCESS` or `PROFITSHARING.RETURN` (which one is
    /// [`Notification::event_type`]).
    ProfitSharing(Box<ProfitSharingNotice>),
    /// `COMPLAINT.CREATE` or `COMPLAINT.STATE_CHANGE`.
    Complaint(Box<ComplaintNotice>),
    /// `MCHTRANSFER.BILL.FINISHED`.
    TransferBill(Box<TransferBillNotice>),
    /// Any other event type (its [`resource`](Notification::resource)
    /// decodes as you like).
    Other,
}

impl Notification {
    /// The typed resource of a service provider's notification: the partner
    /// transaction or refund, a profit sharing movement, a complaint, a
    /// transfer, or [`PartnerEvent::Other`] for event types this version
    /// does not know (never an error).
    ///
    /// # Errors
    /// [`Error::Decode`](crate::Error::Decode) when a known event's resource
    /// is not of its type (without quoting it).
    pub fn partner_event(&self) -> Result<PartnerEvent> {
        Ok(match self.event_type.as_str() {
            "TRANSACTION.SUCCESS" => PartnerEvent::Transaction(Box::new(self.resource()?)),
            "REFUND.SUCCESS" | "REFUND.ABNORMAL" | "REFUND.CLOSED" => {
                PartnerEvent::Refund(Box::new(self.resource()?))
            }
            "PROFITSHARING.SUCCESS" | "PROFITSHARING.RETURN" => {
                PartnerEvent::ProfitSharing(Box::new(self.resource()?))
            }
            "COMPLAINT.CREATE" | "COMPLAINT.STATE_CHANGE" => {
                PartnerEvent::Complaint(Box::new(self.resource()?))
            }
            "MCHTRANSFER.BILL.FINISHED" => PartnerEvent::TransferBill(Box::new(self.resource()?)),
            _ => PartnerEvent::Other,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pay::notify::{EncryptedResource, NotificationEnvelope};

    fn notification(event_type: &str, resource: &str) -> Notification {
        let envelope = NotificationEnvelope {
            id: "EV-2018022511223320873".to_owned(),
            create_time: "2015-05-20T13:29:35+08:00".to_owned(),
            event_type: event_type.to_owned(),
            resource_type: "encrypt-resource".to_owned(),
            summary: "支付成功".to_owned(),
            resource: EncryptedResource {
                algorithm: "AEAD_AES_256_GCM".to_owned(),
                ciphertext: String::new(),
                nonce: String::new(),
                associated_data: String::new(),
                original_type: String::new(),
            },
        };
        Notification::new(envelope, resource.as_bytes().to_vec())
    }

    /// The partner `TRANSACTION.SUCCESS` resource of the official docs
    /// (服务商 JSAPI 支付通知).
    const TRANSACTION: &str = r#"{"sp_mchid":"1230000109","sub_mchid":"1900000109","sp_appid":"wxd678efh567hg6787","sub_appid":"wxd678efh567hg6999","out_trade_no":"1217752501201407033233368018","transaction_id":"1217752501201407033233368018","trade_type":"JSAPI","trade_state":"SUCCESS","trade_state_desc":"支付成功","bank_type":"CMC","attach":"自定义数据","success_time":"2018-06-08T10:34:56+08:00","payer":{"sp_openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o","sub_openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},"amount":{"total":100,"payer_total":100,"currency":"CNY","payer_currency":"CNY"},"scene_info":{"device_id":"013467007045764"},"promotion_detail":[{"coupon_id":"109519","name":"单品惠-6","scope":"SINGLE","type":"CASH","amount":100,"stock_id":"931386","wechatpay_contribute":0,"merchant_contribute":0,"other_contribute":0,"currency":"CNY"}]}"#;
    /// The partner `REFUND.SUCCESS` resource of the official docs.
    const REFUND: &str = r#"{"sp_mchid":"1900000100","sub_mchid":"1900000109","transaction_id":"1008450740201411110005820873","out_trade_no":"20150806125346","refund_id":"50200207182018070300011301001","out_refund_no":"7752501201407033233368018","refund_status":"SUCCESS","success_time":"2018-06-08T10:34:56+08:00","user_received_account":"招商银行信用卡0403","amount":{"total":999,"refund":999,"payer_total":999,"payer_refund":999}}"#;
    /// The `PROFITSHARING.SUCCESS` resource of the official docs (分账动账通知).
    const PROFITSHARING: &str = r#"{"sp_mchid":"1900000100","sub_mchid":"1900000109","transaction_id":"4200000000000000000000000000","order_id":"1217752501201407033233368018","out_order_no":"P20150806125346","receiver":{"type":"MERCHANT_ID","account":"1900000109","amount":888,"description":"运费/服务费"},"success_time":"2018-06-08T10:34:56+08:00"}"#;
    /// The `COMPLAINT.CREATE` resource of the official docs.
    const COMPLAINT: &str =
        r#"{"complaint_id":"200201820200101080076610000","action_type":"CREATE_COMPLAINT"}"#;
    /// The `MCHTRANSFER.BILL.FINISHED` resource of the official docs.
    const TRANSFER: &str = r#"{"out_bill_no":"plfk2020042013","transfer_bill_no":"1330000071100999991182020050700019480001","state":"SUCCESS","mch_id":"1900001109","transfer_amount":2000,"openid":"o-MYE42l80oelYMDE34nYD456Xoy","create_time":"2015-05-20T13:29:35.120+08:00","update_time":"2023-08-15T20:33:22.000+08:00"}"#;

    #[test]
    fn the_partner_transaction_and_refund_decode() {
        let PartnerEvent::Transaction(t) = notification("TRANSACTION.SUCCESS", TRANSACTION)
            .partner_event()
            .unwrap()
        else {
            panic!("not a transaction")
        };
        assert_eq!(t.sp_mchid, "1230000109");
        assert_eq!(t.sub_mchid, "1900000109");
        assert_eq!(t.sub_appid.as_deref(), Some("wxd678efh567hg6999"));
        assert_eq!(t.trade_state, TradeState::Success);
        assert_eq!(t.amount.total, 100);
        assert_eq!(
            t.payer.as_ref().and_then(|p| p.sub_openid.as_deref()),
            Some("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o")
        );
        assert_eq!(t.promotion_detail[0].amount, 100);
        assert!(!format!("{t:?}").contains("oUpF8uMuAJO"));

        for kind in ["REFUND.SUCCESS", "REFUND.ABNORMAL", "REFUND.CLOSED"] {
            let PartnerEvent::Refund(r) = notification(kind, REFUND).partner_event().unwrap()
            else {
                panic!("{kind}: not a refund")
            };
            assert_eq!(r.sub_mchid, "1900000109");
            assert_eq!(r.refund_status, RefundStatus::Success);
            assert_eq!(r.amount.refund, 999);
            assert!(!format!("{r:?}").contains("0403"));
        }
    }

    #[test]
    fn profit_sharing_complaint_and_transfer_notices_decode() {
        for kind in ["PROFITSHARING.SUCCESS", "PROFITSHARING.RETURN"] {
            let PartnerEvent::ProfitSharing(p) =
                notification(kind, PROFITSHARING).partner_event().unwrap()
            else {
                panic!("{kind}: not profit sharing")
            };
            assert_eq!(p.receiver.receiver_type, ReceiverType::MerchantId);
            assert_eq!(p.receiver.amount, 888);
            assert_eq!(p.out_order_no, "P20150806125346");
        }
        let PartnerEvent::Complaint(c) = notification("COMPLAINT.STATE_CHANGE", COMPLAINT)
            .partner_event()
            .unwrap()
        else {
            panic!("not a complaint")
        };
        assert_eq!(c.action_type, ComplaintAction::CreateComplaint);
        let PartnerEvent::TransferBill(t) = notification("MCHTRANSFER.BILL.FINISHED", TRANSFER)
            .partner_event()
            .unwrap()
        else {
            panic!("not a transfer")
        };
        assert_eq!(t.state, TransferState::Success);
        assert_eq!(t.transfer_amount, 2000);
        assert_eq!(t.mchid.as_deref(), Some("1900001109"));
        assert!(!format!("{t:?}").contains("o-MYE42"));
    }

    #[test]
    fn unknown_values_and_events_are_kept() {
        let c: ComplaintNotice =
            serde_json::from_str(&COMPLAINT.replace("CREATE_COMPLAINT", "SOMETHING_NEW")).unwrap();
        assert_eq!(
            c.action_type,
            ComplaintAction::Unknown("SOMETHING_NEW".into())
        );
        let t: TransferBillNotice =
            serde_json::from_str(&TRANSFER.replace(r#""SUCCESS""#, r#""NEW_STATE""#)).unwrap();
        assert_eq!(t.state, TransferState::Unknown("NEW_STATE".into()));
        assert!(matches!(
            notification("SOMETHING.NEW", "{}").partner_event().unwrap(),
            PartnerEvent::Other
        ));
        // a known event whose resource is not its type is an error, not a guess
        assert!(
            notification("COMPLAINT.CREATE", "{}")
                .partner_event()
                .is_err()
        );
    }
}
