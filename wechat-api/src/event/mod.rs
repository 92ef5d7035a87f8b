//! Typed pushes: what a decrypted callback says.
//!
//! [`MsgCrypt::decrypt_push`](crate::crypto::MsgCrypt::decrypt_push) returns
//! the plaintext XML of a push; this module turns it into types:
//!
//! - [`ComponentEvent`]: pushes to a third-party platform, by `InfoType`
//!   (component_verify_ticket, authorized, updateauthorized, unauthorized,
//!   fast registration, beta apps, ICP filing, verification, order paths;
//!   anything else is kept raw as [`ComponentEvent::Unknown`]);
//! - [`Message`]: messages to an official account or a mini program, by
//!   `MsgType` (every documented message type typed, events typed by
//!   [`Event`], anything else kept raw); from XML or, for mini programs
//!   configured for it, JSON; request events ([`Event::expects_reply`]) build
//!   their answers;
//! - [`Push`]: either, when one endpoint receives both.
//!
//! Field names are snake_case; CDATA and plain text are both accepted. The
//! document is read in one pass with `quick-xml`'s pull reader, borrowing the
//! text from the input; the types implement serde's `Serialize` (e.g. for JSON
//! output). `Debug` never shows tickets or authorization codes in full.
//!
//! ```
//! use wechat_api::event::ComponentEvent;
//!
//! let xml = "<xml><AppId>wx0123456789abcdef</AppId><CreateTime>1413192605</CreateTime>\
//!            <InfoType><![CDATA[component_verify_ticket]]></InfoType>\
//!            <ComponentVerifyTicket>ticket@@@secret</ComponentVerifyTicket></xml>";
//! let ComponentEvent::VerifyTicket(ticket) = ComponentEvent::from_xml(xml)? else {
//!     panic!("not a ticket");
//! };
//! assert_eq!(ticket.component_verify_ticket, "ticket@@@secret");
//! assert!(!format!("{ticket:?}").contains("ticket@@@secret"));
//! # Ok::<(), wechat_api::Error>(())
//! ```

use std::fmt;

use serde::Serialize;

use crate::{Error, Result};

pub mod account_event;
pub mod card_event;
pub mod component;
pub mod component_notify;
pub mod delivery_company_request;
pub mod express_company_request;
pub mod express_single_waybill_request;
pub mod gift_card_event;
pub mod guarantee_event;
pub mod invoice_event;
pub mod media_audit_event;
pub mod merchant_order_event;
pub mod message;
pub mod message_event;
pub mod mini_game_payment_event;
pub mod mini_program_event;
pub mod offline_store_event;
mod raw;
pub mod scan_product_event;
pub mod store_event;
pub mod store_league_event;
pub mod store_member_event;
pub mod store_supplier_event;
pub mod trade_component_event;
mod tree;
pub mod virtual_payment_event;

pub use account_event::{
    GuideQrcodeScan, KfSession, KfSwitch, MediaCheck, MenuLocation, MenuMiniProgram, MenuPictures,
    MenuScan, NicknameAudit, PublishJobFinish, StoreAftersale, StoreCategoryAudit, StoreCoupon,
    StoreOrder, StoreProduct, TempSession, TradeManage, UserAuthorizationChange, VerifyDispatch,
    VerifyExpiry, VerifyFail,
};
pub use card_event::{
    CardAudit, CardCode, CardConsume, CardGift, CardMerchantCheck, CardPayCell, CardPayOrder,
    CardReceive, CardSkuRemind, CardView, MemberCardUpdate,
};
pub use component::{
    Authorization, ComponentEvent, ComponentVerifyTicket, FastRegister, Unauthorization,
};
pub use component_notify::{
    IcpFilingApply, IcpFilingVerify, OrderPathAudit, OrderPathResult, WxaAuth, WxaVerifyExpiry,
};
pub use delivery_company_request::{
    AgentPosition, AgentPositionQuery, AuthCancellation, AuthInfoQuery, DeliveryAddress,
    DeliveryCargo, DeliveryGoods, DeliveryOrder, DeliveryOrderInfo, MockStatusUpdate, OrderAnswer,
    OrderCancellation, OrderKey, OrderQuery, PreAuthCodeQuery, RiderScore, TipsAddition,
};
pub use express_company_request::{
    BusinessCheck, CargoItem, PathStep, QuotaQuery, WaybillCancel, WaybillCargo, WaybillContact,
    WaybillInsurance, WaybillOrder, WaybillService, WaybillStateQuery,
};
pub use express_single_waybill_request::{
    CourierRating, PickupTimeQuery, PickupTimeRange, SingleWaybillCancel, SingleWaybillFeeQuery,
    SingleWaybillGoods, SingleWaybillIds, SingleWaybillOrder, SingleWaybillPayment,
    SingleWaybillQuery, WaybillComplaint, WaybillReminder,
};
pub use gift_card_event::GiftCardOrder;
pub use guarantee_event::{BadComment, ComplaintStep, TradeComplaint};
pub use invoice_event::{InvoiceAuthorize, InvoiceResult, InvoiceStatus, InvoiceTitle};
pub use media_audit_event::{DramaAudit, MediaUpload};
pub use merchant_order_event::MerchantOrder;
pub use message::{
    FileMessage, ImageMessage, LinkMessage, LocationMessage, Message, MessageHeader,
    MiniProgramPageMessage, OtherMessage, TextMessage, VideoMessage, VoiceMessage,
};
pub use message_event::{
    ArticleUrl, AuditDelay, AuditFail, AuditSuccess, Event, EventMessage, LocationReport,
    MassSendJobFinish, MenuClick, MenuView, QrScan, Subscribe, SubscribeMsgChoice,
    SubscribeMsgChoices, SubscribeMsgSent, SubscribeMsgSentItem, TemplateSendJobFinish,
};
pub use mini_game_payment_event::{MiniGameCoinDeliver, MiniGameGoodsDeliver, MiniGameRefund};
pub use mini_program_event::{
    AppealMaterial, AppealRecord, CategoryAudit, DeliveryStatus, ExpressAction, ExpressBindResult,
    ExpressPath, IllegalRecord, PrivacyApply,
};
pub use offline_store_event::{Beacon, MapPoiAudit, PoiCheck, ShakeAround, WifiConnected};
pub use scan_product_event::{ProductScan, ProductVerify};
pub use store_event::{
    StoreApiChange, StoreApiDiff, StoreBrand, StoreComplaint, StoreFunds, StoreGuarantee,
    StoreHeadimg, StoreLinkedOrder, StoreNickname, StoreQrcode, StoreSharer, StoreStatus,
    StoreStock, StoreSupplierItem, StoreVoucher, StoreVoucherSend, StoreWaybillNumber,
    StoreWaybillPath,
};
pub use store_league_event::{LeaguePlan, LeagueProductInfo, LeagueSku, TalentCommissionOrder};
pub use store_member_event::{
    StoreVipExchange, StoreVipLink, StoreVipOrder, StoreVipOrderProduct, StoreVipUser,
};
pub use store_supplier_event::{SupplierDropship, SupplierInvite, SupplierProduct, SupplyOrder};
pub use trade_component_event::{
    TradeAccountRegister, TradeAftersale, TradeComplaintNotify, TradeCouponRequest, TradeFundsPay,
    TradeFundsProfitSharing, TradeFundsRefund, TradeOrder, TradeOrderUpdate, TradeProductAudit,
    TradePromotion, TradeQualificationAudit, TradeSceneGroupAudit, TradeSceneGroupItem,
    TradeSharerAction, TradeSharerBind,
};
pub use virtual_payment_event::{XpayComplaint, XpayDeliver, XpayRefund};

/// Any decrypted push: a component push (it has an `InfoType`) or an
/// official-account message (it has a `MsgType`).
///
/// Serializes as the inner value, untagged (each inner type has its own
/// `kind` tag).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum Push {
    /// A push to a third-party platform.
    Component(ComponentEvent),
    /// A message or event for an official account.
    Message(Message),
}

impl Push {
    /// Parses a decrypted push of either family, in one pass.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidXml`] if the XML is malformed, has neither `InfoType`
    /// nor `MsgType`, or a known push lacks a required field.
    pub fn from_xml(xml: &str) -> Result<Self> {
        let mut raw = raw::RawFields::default();
        raw.fill(xml)?;
        if let Some(event) = ComponentEvent::from_raw(&raw, xml)? {
            return Ok(Self::Component(event));
        }
        if let Some(message) = Message::from_raw(&raw, message::Source::Xml(xml))? {
            return Ok(Self::Message(message));
        }
        Err(Error::InvalidXml(
            "neither <InfoType> nor <MsgType>: not a WeChat push".to_owned(),
        ))
    }
}

/// Shows the first few characters of a secret and its length, never the rest.
struct Redacted<'a>(&'a str);

impl fmt::Debug for Redacted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const SHOWN: usize = 4;
        let total = self.0.chars().count();
        if total <= 2 * SHOWN {
            return write!(f, "\"<redacted>\"");
        }
        let prefix: String = self.0.chars().take(SHOWN).collect();
        write!(f, "\"{prefix}…<redacted, {total} chars>\"")
    }
}
