//! Events (`MsgType` `event`) pushed to a message URL, told apart by their
//! `Event` name.
//!
//! | `Event` | variant |
//! | --- | --- |
//! | `subscribe` (with a `qrscene_…` key when through a parametric QR code) | [`Event::Subscribe`] |
//! | `unsubscribe` | [`Event::Unsubscribe`] |
//! | `SCAN` | [`Event::Scan`] |
//! | `LOCATION` | [`Event::Location`] |
//! | `CLICK` | [`Event::Click`] |
//! | `VIEW` | [`Event::View`] |
//! | `TEMPLATESENDJOBFINISH` | [`Event::TemplateSendJobFinish`] |
//! | `MASSSENDJOBFINISH` | [`Event::MassSendJobFinish`] |
//! | `subscribe_msg_popup_event` | [`Event::SubscribeMsgPopup`] |
//! | `subscribe_msg_change_event` | [`Event::SubscribeMsgChange`] |
//! | `subscribe_msg_sent_event` | [`Event::SubscribeMsgSent`] |
//! | `weapp_audit_success` | [`Event::WeappAuditSuccess`] |
//! | `weapp_audit_fail` | [`Event::WeappAuditFail`] |
//! | `weapp_audit_delay` | [`Event::WeappAuditDelay`] |
//! | `scancode_push` | [`Event::ScancodePush`] |
//! | `scancode_waitmsg` | [`Event::ScancodeWaitmsg`] |
//! | `pic_sysphoto` | [`Event::PicSysphoto`] |
//! | `pic_photo_or_album` | [`Event::PicPhotoOrAlbum`] |
//! | `pic_weixin` | [`Event::PicWeixin`] |
//! | `location_select` | [`Event::LocationSelect`] |
//! | `view_miniprogram` | [`Event::ViewMiniprogram`] |
//! | `kf_create_session` | [`Event::KfCreateSession`] |
//! | `kf_close_session` | [`Event::KfCloseSession`] |
//! | `kf_switch_session` | [`Event::KfSwitchSession`] |
//! | `qualification_verify_success` | [`Event::QualificationVerifySuccess`] |
//! | `qualification_verify_fail` | [`Event::QualificationVerifyFail`] |
//! | `naming_verify_success` | [`Event::NamingVerifySuccess`] |
//! | `naming_verify_fail` | [`Event::NamingVerifyFail`] |
//! | `annual_renew` | [`Event::AnnualRenew`] |
//! | `verify_expired` | [`Event::VerifyExpired`] |
//! | `wxa_media_check` | [`Event::WxaMediaCheck`] |
//! | `trade_manage_remind_access_api` | [`Event::TradeManageRemindAccessApi`] |
//! | `trade_manage_remind_shipping` | [`Event::TradeManageRemindShipping`] |
//! | `trade_manage_order_settlement` | [`Event::TradeManageOrderSettlement`] |
//! | `channels_ec_order_new` | [`Event::ChannelsEcOrderNew`] |
//! | `channels_ec_order_cancel` | [`Event::ChannelsEcOrderCancel`] |
//! | `channels_ec_order_pay` | [`Event::ChannelsEcOrderPay`] |
//! | `channels_ec_order_deliver` | [`Event::ChannelsEcOrderDeliver`] |
//! | `channels_ec_order_confirm` | [`Event::ChannelsEcOrderConfirm`] |
//! | `channels_ec_order_settle` | [`Event::ChannelsEcOrderSettle`] |
//! | `channels_ec_order_ext_info_update` | [`Event::ChannelsEcOrderExtInfoUpdate`] |
//! | `channels_ec_aftersale_update` | [`Event::ChannelsEcAftersaleUpdate`] |
//! | `product_spu_audit` | [`Event::ProductSpuAudit`] |
//! | `product_spu_listing` | [`Event::ProductSpuListing`] |
//! | `product_spu_update` | [`Event::ProductSpuUpdate`] |
//! | `PUBLISHJOBFINISH` | [`Event::PublishJobFinish`] |
//! | `user_info_modified` | [`Event::UserInfoModified`] |
//! | `user_authorization_revoke` | [`Event::UserAuthorizationRevoke`] |
//! | `user_authorization_cancellation` | [`Event::UserAuthorizationCancellation`] |
//! | `wxa_nickname_audit` | [`Event::WxaNicknameAudit`] |
//! | `card_pass_check` | [`Event::CardPassCheck`] |
//! | `card_not_pass_check` | [`Event::CardNotPassCheck`] |
//! | `user_get_card` | [`Event::UserGetCard`] |
//! | `user_gifting_card` | [`Event::UserGiftingCard`] |
//! | `user_del_card` | [`Event::UserDelCard`] |
//! | `user_consume_card` | [`Event::UserConsumeCard`] |
//! | `user_pay_from_pay_cell` | [`Event::UserPayFromPayCell`] |
//! | `user_view_card` | [`Event::UserViewCard`] |
//! | `user_enter_session_from_card` | [`Event::UserEnterSessionFromCard`] |
//! | `update_member_card` | [`Event::UpdateMemberCard`] |
//! | `card_sku_remind` | [`Event::CardSkuRemind`] |
//! | `card_pay_order` | [`Event::CardPayOrder`] |
//! | `submit_membercard_user_info` | [`Event::SubmitMembercardUserInfo`] |
//! | `add_express_path` | [`Event::AddExpressPath`] |
//! | `wxa_category_audit` | [`Event::WxaCategoryAudit`] |
//! | `product_category_audit` | [`Event::ProductCategoryAudit`] |
//! | `poi_check_notify` | [`Event::PoiCheckNotify`] |
//! | `WifiConnected` | [`Event::WifiConnected`] |
//! | `user_scan_product` | [`Event::UserScanProduct`] |
//! | `user_scan_product_enter_session` | [`Event::UserScanProductEnterSession`] |
//! | `user_scan_product_async` | [`Event::UserScanProductAsync`] |
//! | `user_scan_product_verify_action` | [`Event::UserScanProductVerifyAction`] |
//! | `channels_ec_coupon_receive` | [`Event::ChannelsEcCouponReceive`] |
//! | `channels_ec_coupon_create` | [`Event::ChannelsEcCouponCreate`] |
//! | `channels_ec_coupon_delete` | [`Event::ChannelsEcCouponDelete`] |
//! | `channels_ec_coupon_expire` | [`Event::ChannelsEcCouponExpire`] |
//! | `channels_ec_coupon_info_change` | [`Event::ChannelsEcCouponInfoChange`] |
//! | `channels_ec_coupon_invalid` | [`Event::ChannelsEcCouponInvalid`] |
//! | `channels_ec_user_coupon_expire` | [`Event::ChannelsEcUserCouponExpire`] |
//! | `channels_ec_user_coupon_unuse` | [`Event::ChannelsEcUserCouponUnuse`] |
//! | `channels_ec_user_coupon_use` | [`Event::ChannelsEcUserCouponUse`] |
//! | `xpay_goods_deliver_notify` | [`Event::XpayGoodsDeliverNotify`] |
//! | `xpay_coin_pay_notify` | [`Event::XpayCoinPayNotify`] |
//! | `xpay_refund_notify` | [`Event::XpayRefundNotify`] |
//! | `xpay_complaint_notify` | [`Event::XpayComplaintNotify`] |
//! | `wxa_privacy_apply` | [`Event::WxaPrivacyApply`] |
//! | `ShakearoundUserShake` | [`Event::ShakearoundUserShake`] |
//! | `user_authorize_invoice` | [`Event::UserAuthorizeInvoice`] |
//! | `update_invoice_status` | [`Event::UpdateInvoiceStatus`] |
//! | `submit_invoice_title` | [`Event::SubmitInvoiceTitle`] |
//! | `guide_qrcode_scan_event` | [`Event::GuideQrcodeScanEvent`] |
//! | `channels_ec_order_wait_shipping` | [`Event::ChannelsEcOrderWaitShipping`] |
//! | `channels_ec_change_status` | [`Event::ChannelsEcChangeStatus`] |
//! | `channels_ec_close_store` | [`Event::ChannelsEcCloseStore`] |
//! | `set_shop_nickname` | [`Event::SetShopNickname`] |
//! | `channels_ec_sharer_change` | [`Event::ChannelsEcSharerChange`] |
//! | `channels_ec_brand` | [`Event::ChannelsEcBrand`] |
//! | `channels_ec_complaint_update` | [`Event::ChannelsEcComplaintUpdate`] |
//! | `channels_ec_acct_notify` | [`Event::ChannelsEcAcctNotify`] |
//! | `channels_ec_withdraw_notify` | [`Event::ChannelsEcWithdrawNotify`] |
//! | `qrcode_status` | [`Event::QrcodeStatus`] |
//! | `ewaybill_push_path` | [`Event::EwaybillPushPath`] |
//! | `update_waybill_status` | [`Event::UpdateWaybillStatus`] |
//! | `cloud_invoice_invoiceresult_event` | [`Event::CloudInvoiceInvoiceresultEvent`] |
//! | `wxa_illegal_record` | [`Event::WxaIllegalRecord`] |
//! | `wxa_appeal_record` | [`Event::WxaAppealRecord`] |
//! | `user_enter_tempsession` | [`Event::UserEnterTempsession`] |
//! | `wx_verify_dispatch` | [`Event::WxVerifyDispatch`] |
//! | `channels_ec_guarantee_update` | [`Event::ChannelsEcGuaranteeUpdate`] |
//! | `channels_ec_stock_no_enough` | [`Event::ChannelsEcStockNoEnough`] |
//! | `head_supplier_item_update` | [`Event::HeadSupplierItemUpdate`] |
//! | `set_shop_headimg` | [`Event::SetShopHeadimg`] |
//! | `api_diff` | [`Event::ApiDiff`] |
//! | `channels_ec_vip_join` | [`Event::ChannelsEcVipJoin`] |
//! | `channels_ec_vip_close` | [`Event::ChannelsEcVipClose`] |
//! | `channels_ec_vip_grade_info_update` | [`Event::ChannelsEcVipGradeInfoUpdate`] |
//! | `channels_ec_vip_score_update` | [`Event::ChannelsEcVipScoreUpdate`] |
//! | `channels_ec_vip_score_exchange` | [`Event::ChannelsEcVipScoreExchange`] |
//! | `channels_ec_vip_user_info_get` | [`Event::ChannelsEcVipUserInfoGet`] |
//! | `channels_ec_vip_user_auto_add` | [`Event::ChannelsEcVipUserAutoAdd`] |
//! | `channels_ec_present_aftersale_update` | [`Event::ChannelsEcPresentAftersaleUpdate`] |
//! | `channels_ec_gen_order_info_init` | [`Event::ChannelsEcGenOrderInfoInit`] |
//! | `channels_ec_order_use_vip_discount` | [`Event::ChannelsEcOrderUseVipDiscount`] |
//! | `channels_ec_order_unuse_vip_discount` | [`Event::ChannelsEcOrderUnuseVipDiscount`] |
//! | `channels_ec_voucher_send_succ` | [`Event::ChannelsEcVoucherSendSucc`] |
//! | `channels_ec_phonenumber_push` | [`Event::ChannelsEcPhonenumberPush`] |
//! | `dropship_order_new` | [`Event::DropshipOrderNew`] |
//! | `dropship_order_cancel` | [`Event::DropshipOrderCancel`] |
//! | `dropship_order_update` | [`Event::DropshipOrderUpdate`] |
//! | `ec_supplier_product_update` | [`Event::EcSupplierProductUpdate`] |
//! | `cooperation_shop_order` | [`Event::CooperationShopOrder`] |
//! | `related_shop_order_submission` | [`Event::RelatedShopOrderSubmission`] |
//! | `get_quota` (a request: [`Event::expects_reply`]) | [`Event::GetQuota`] |
//! | `check_biz` (a request) | [`Event::CheckBiz`] |
//! | `add_waybill` (a request) | [`Event::AddWaybill`] |
//! | `cancel_waybill` (a request) | [`Event::CancelWaybill`] |
//! | `waybill_notify_query` (a request) | [`Event::WaybillNotifyQuery`] |
//! | `query_single_waybill_fee` (a request) | [`Event::QuerySingleWaybillFee`] |
//! | `add_single_waybill` (a request) | [`Event::AddSingleWaybill`] |
//! | `cancel_single_waybill` (a request) | [`Event::CancelSingleWaybill`] |
//! | `query_single_waybill` (a request) | [`Event::QuerySingleWaybill`] |
//! | `notify_single_waybill_pay` (a request) | [`Event::NotifySingleWaybillPay`] |
//! | `remind_waybill` (a request) | [`Event::RemindWaybill`] |
//! | `waybill_complaint` (a request) | [`Event::WaybillComplaint`] |
//! | `waybill_evaluate_agent` (a request) | [`Event::WaybillEvaluateAgent`] |
//! | `waybill_query_expect_time_range` (a request) | [`Event::WaybillQueryExpectTimeRange`] |
//! | `update_business_bind_result` | [`Event::UpdateBusinessBindResult`] |
//! | `transport_precreate_order` (a request) | [`Event::TransportPrecreateOrder`] |
//! | `transport_add_order` (a request) | [`Event::TransportAddOrder`] |
//! | `transport_readd_order` (a request) | [`Event::TransportReaddOrder`] |
//! | `transport_add_tips` (a request) | [`Event::TransportAddTips`] |
//! | `transport_precancel_order` (a request) | [`Event::TransportPrecancelOrder`] |
//! | `transport_cancel_order` (a request) | [`Event::TransportCancelOrder`] |
//! | `transport_query_order_status` (a request) | [`Event::TransportQueryOrderStatus`] |
//! | `transport_confirm_return_to_biz` (a request) | [`Event::TransportConfirmReturnToBiz`] |
//! | `transport_get_agent_pos` (a request) | [`Event::TransportGetAgentPos`] |
//! | `transport_set_rider_score` (a request) | [`Event::TransportSetRiderScore`] |
//! | `mock_update_order_status` (a request) | [`Event::MockUpdateOrderStatus`] |
//! | `get_pre_auth_code` (a request) | [`Event::GetPreAuthCode`] |
//! | `get_auth_info` (a request) | [`Event::GetAuthInfo`] |
//! | `cancel_auth_account` (a request) | [`Event::CancelAuthAccount`] |
//! | `open_product_account_register` | [`Event::OpenProductAccountRegister`] |
//! | `open_product_brand_audit` | [`Event::OpenProductBrandAudit`] |
//! | `open_product_category_audit` | [`Event::OpenProductCategoryAudit`] |
//! | `open_product_scene_group_audit` | [`Event::OpenProductSceneGroupAudit`] |
//! | `open_product_spu_audit` | [`Event::OpenProductSpuAudit`] |
//! | `open_product_spu_status_update` | [`Event::OpenProductSpuStatusUpdate`] |
//! | `open_product_order_pay` | [`Event::OpenProductOrderPay`] |
//! | `open_product_order_cancel` | [`Event::OpenProductOrderCancel`] |
//! | `open_product_order_confirm` | [`Event::OpenProductOrderConfirm`] |
//! | `open_product_order_settle` | [`Event::OpenProductOrderSettle`] |
//! | `open_product_order_refund` | [`Event::OpenProductOrderRefund`] |
//! | `open_product_order_analyze` | [`Event::OpenProductOrderAnalyze`] |
//! | `open_product_receive_coupon` (a request: [`Event::expects_reply`]) | [`Event::OpenProductReceiveCoupon`] |
//! | `aftersale_new_order` | [`Event::AftersaleNewOrder`] |
//! | `aftersale_user_cancel` | [`Event::AftersaleUserCancel`] |
//! | `aftersale_refund_success` | [`Event::AftersaleRefundSuccess`] |
//! | `aftersale_update_order` | [`Event::AftersaleUpdateOrder`] |
//! | `aftersale_user_modify_return_info` | [`Event::AftersaleUserModifyReturnInfo`] |
//! | `aftersale_user_confirm_refund_certificate` | [`Event::AftersaleUserConfirmRefundCertificate`] |
//! | `aftersale_wait_merchant_confirm_receipt` | [`Event::AftersaleWaitMerchantConfirmReceipt`] |
//! | `aftersale_wait_merchant_offline_refund` | [`Event::AftersaleWaitMerchantOfflineRefund`] |
//! | `aftersale_merchant_confirm_receipt_overdue` | [`Event::AftersaleMerchantConfirmReceiptOverdue`] |
//! | `aftersale_merchant_handle_refund_overdue` | [`Event::AftersaleMerchantHandleRefundOverdue`] |
//! | `aftersale_merchant_handle_return_overdue` | [`Event::AftersaleMerchantHandleReturnOverdue`] |
//! | `aftersale_user_apply_platform_judge_overdue` | [`Event::AftersaleUserApplyPlatformJudgeOverdue`] |
//! | `aftersale_user_upload_return_info_overdue` | [`Event::AftersaleUserUploadReturnInfoOverdue`] |
//! | `funds_order_pay` | [`Event::FundsOrderPay`] |
//! | `funds_order_refund` | [`Event::FundsOrderRefund`] |
//! | `funds_order_profitsharing` | [`Event::FundsOrderProfitsharing`] |
//! | `miniprogram_sharer_bind_status_change` | [`Event::MiniprogramSharerBindStatusChange`] |
//! | `miniprogram_sharer_action` | [`Event::MiniprogramSharerAction`] |
//! | `giftcard_pay_done` | [`Event::GiftcardPayDone`] |
//! | `giftcard_send_to_friend` | [`Event::GiftcardSendToFriend`] |
//! | `giftcard_user_accept` | [`Event::GiftcardUserAccept`] |
//! | `card_merchant_check_result` | [`Event::CardMerchantCheckResult`] |
//! | `create_map_poi_audit_info` | [`Event::CreateMapPoiAuditInfo`] |
//! | `merchant_order` | [`Event::MerchantOrder`] |
//! | `complaint_callback` | [`Event::ComplaintCallback`] |
//! | `wxa_comment_bad_score` | [`Event::WxaCommentBadScore`] |
//! | `secvod_upload_event` | [`Event::SecvodUploadEvent`] |
//! | `secvod_audit_event` | [`Event::SecvodAuditEvent`] |
//! | `minigame_coin_deliver_completed` | [`Event::MinigameCoinDeliverCompleted`] |
//! | `minigame_recharge_center_coin_deliver_completed` | [`Event::MinigameRechargeCenterCoinDeliverCompleted`] |
//! | `minigame_pay_refund_succ_notify` | [`Event::MinigamePayRefundSuccNotify`] |
//! | `minigame_h5_goods_deliver_notify` | [`Event::MinigameH5GoodsDeliverNotify`] |
//! | `minigame_game_pay_goods_deliver_notify` | [`Event::MinigameGamePayGoodsDeliverNotify`] |
//! | `open_product_order_update` | [`Event::OpenProductOrderUpdate`] |
//! | `complaint_notify` | [`Event::ComplaintNotify`] |
//! | `head_supplier_subscribe_product_baseinfo_update` | [`Event::HeadSupplierSubscribeProductBaseinfoUpdate`] |
//! | `head_supplier_subscribe_product_planinfo_update` | [`Event::HeadSupplierSubscribeProductPlaninfoUpdate`] |
//! | `talent_commission_order_update` | [`Event::TalentCommissionOrderUpdate`] |
//! | `supply_order_new` | [`Event::SupplyOrderNew`] |
//! | `supply_order_update` | [`Event::SupplyOrderUpdate`] |
//! | `supply_order_cancel` | [`Event::SupplyOrderCancel`] |
//! | `supply_order_complete` | [`Event::SupplyOrderComplete`] |
//! | `ec_supplier_invite_relation` | [`Event::EcSupplierInviteRelation`] |
//! | anything else | [`Event::Other`]: the name is in the header, the document in [`EventMessage::raw`] |
//!
//! Event names are compared case-insensitively (WeChat is not consistent
//! about case). `notify_third_fasteregister` is a push to the component's
//! authorization-event URL, not a message: see
//! [`ComponentEvent::FastRegister`](super::ComponentEvent::FastRegister).

use std::fmt;

use serde::Serialize;

use super::account_event::{
    GuideQrcodeScan, KfSession, KfSwitch, MediaCheck, MenuLocation, MenuMiniProgram, MenuPictures,
    MenuScan, NicknameAudit, PublishJobFinish, StoreAftersale, StoreCategoryAudit, StoreCoupon,
    StoreOrder, StoreProduct, TempSession, TradeManage, UserAuthorizationChange, VerifyDispatch,
    VerifyExpiry, VerifyFail,
};
use super::card_event::{
    CardAudit, CardCode, CardConsume, CardGift, CardMerchantCheck, CardPayCell, CardPayOrder,
    CardReceive, CardSkuRemind, CardView, MemberCardUpdate,
};
use super::delivery_company_request::{
    AgentPositionQuery, AuthCancellation, AuthInfoQuery, DeliveryOrder, MockStatusUpdate,
    OrderCancellation, OrderQuery, PreAuthCodeQuery, RiderScore, TipsAddition,
};
use super::express_company_request::{
    BusinessCheck, QuotaQuery, WaybillCancel, WaybillOrder, WaybillStateQuery,
};
use super::express_single_waybill_request::{
    CourierRating, PickupTimeQuery, SingleWaybillCancel, SingleWaybillFeeQuery, SingleWaybillOrder,
    SingleWaybillPayment, SingleWaybillQuery, WaybillComplaint, WaybillReminder,
};
use super::gift_card_event::GiftCardOrder;
use super::guarantee_event::{BadComment, TradeComplaint};
use super::invoice_event::{InvoiceAuthorize, InvoiceResult, InvoiceStatus, InvoiceTitle};
use super::media_audit_event::{DramaAudit, MediaUpload};
use super::merchant_order_event::MerchantOrder;
use super::message::{MessageHeader, Source};
use super::mini_game_payment_event::{MiniGameCoinDeliver, MiniGameGoodsDeliver, MiniGameRefund};
use super::mini_program_event::{
    AppealRecord, CategoryAudit, DeliveryStatus, ExpressBindResult, ExpressPath, IllegalRecord,
    PrivacyApply,
};
use super::offline_store_event::{MapPoiAudit, PoiCheck, ShakeAround, WifiConnected};
use super::raw::{Field, RawFields};
use super::scan_product_event::{ProductScan, ProductVerify};
use super::store_event::{
    StoreApiDiff, StoreBrand, StoreComplaint, StoreFunds, StoreGuarantee, StoreHeadimg,
    StoreLinkedOrder, StoreNickname, StoreQrcode, StoreSharer, StoreStatus, StoreStock,
    StoreSupplierItem, StoreVoucherSend, StoreWaybillNumber, StoreWaybillPath,
};
use super::store_league_event::{LeaguePlan, LeagueProductInfo, TalentCommissionOrder};
use super::store_member_event::{StoreVipExchange, StoreVipLink, StoreVipOrder, StoreVipUser};
use super::store_supplier_event::{SupplierDropship, SupplierInvite, SupplierProduct, SupplyOrder};
use super::trade_component_event::{
    TradeAccountRegister, TradeAftersale, TradeComplaintNotify, TradeCouponRequest, TradeFundsPay,
    TradeFundsProfitSharing, TradeFundsRefund, TradeOrder, TradeOrderUpdate, TradeProductAudit,
    TradeQualificationAudit, TradeSceneGroupAudit, TradeSharerAction, TradeSharerBind,
};
use super::tree::Node;
use super::virtual_payment_event::{XpayComplaint, XpayDeliver, XpayRefund};
use crate::{Error, Result};

/// An event (`MsgType` `event`).
///
/// `Debug` shows the typed fields and only the size of [`raw`](Self::raw):
/// the document may carry what a typed event's `Debug` hides (an invoice
/// title's phone and bank account…).
#[derive(Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct EventMessage {
    /// The common fields; `header.event` holds the event name.
    #[serde(flatten)]
    pub header: MessageHeader,
    /// `EventKey`, when the document has a non-empty one: the QR scene key
    /// of `subscribe` (`qrscene_…`) and `SCAN`, the button key of `CLICK`
    /// and of the other menu events (`scancode_push`, `pic_sysphoto`…), the
    /// URL of `VIEW`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_key: Option<String>,
    /// The event's own fields, by event name.
    pub detail: Event,
    /// The whole decrypted document (not serialized).
    #[serde(skip)]
    pub raw: String,
}

/// What an event says, by event name.
///
/// Serializes with a `type` tag (the variant name in snake_case).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Event {
    /// `subscribe`: the user followed the account, through a parametric
    /// QR code when `scene` is set.
    Subscribe(Subscribe),
    /// `unsubscribe`.
    Unsubscribe,
    /// `SCAN`: a follower scanned a parametric QR code.
    Scan(QrScan),
    /// `LOCATION`: the user's location, reported on entering the chat.
    Location(LocationReport),
    /// `CLICK`: a click on a menu button.
    Click(MenuClick),
    /// `VIEW`: a click on a menu link.
    View(MenuView),
    /// `TEMPLATESENDJOBFINISH`: the outcome of a template message.
    TemplateSendJobFinish(TemplateSendJobFinish),
    /// `MASSSENDJOBFINISH`: the outcome of a mass send.
    MassSendJobFinish(MassSendJobFinish),
    /// `subscribe_msg_popup_event`: the user answered a subscription popup.
    SubscribeMsgPopup(SubscribeMsgChoices),
    /// `subscribe_msg_change_event`: the user changed subscriptions in the
    /// notification settings.
    SubscribeMsgChange(SubscribeMsgChoices),
    /// `subscribe_msg_sent_event`: the outcome of a subscription message.
    SubscribeMsgSent(SubscribeMsgSent),
    /// `weapp_audit_success`: a mini program's code passed review.
    WeappAuditSuccess(AuditSuccess),
    /// `weapp_audit_fail`: a mini program's code was rejected.
    WeappAuditFail(AuditFail),
    /// `weapp_audit_delay`: a mini program's review is delayed.
    WeappAuditDelay(AuditDelay),
    /// `scancode_push`: a menu button's scanner pushed the scan result.
    ScancodePush(MenuScan),
    /// `scancode_waitmsg`: a menu button's scanner waits for the account's reply.
    ScancodeWaitmsg(MenuScan),
    /// `pic_sysphoto`: a menu button sent photos from the camera.
    PicSysphoto(MenuPictures),
    /// `pic_photo_or_album`: a menu button sent photos from the camera or the album.
    PicPhotoOrAlbum(MenuPictures),
    /// `pic_weixin`: a menu button sent photos from the WeChat album.
    PicWeixin(MenuPictures),
    /// `location_select`: a menu button sent a location.
    LocationSelect(MenuLocation),
    /// `view_miniprogram`: a menu button opened a mini program page.
    ViewMiniprogram(MenuMiniProgram),
    /// `kf_create_session`: a customer-service agent took a session.
    KfCreateSession(KfSession),
    /// `kf_close_session`: a customer-service agent closed a session.
    KfCloseSession(KfSession),
    /// `kf_switch_session`: a session moved to another agent.
    KfSwitchSession(KfSwitch),
    /// `qualification_verify_success`: the qualification verification passed.
    QualificationVerifySuccess(VerifyExpiry),
    /// `qualification_verify_fail`: the qualification verification failed.
    QualificationVerifyFail(VerifyFail),
    /// `naming_verify_success`: the naming verification passed.
    NamingVerifySuccess(VerifyExpiry),
    /// `naming_verify_fail`: the naming verification failed.
    NamingVerifyFail(VerifyFail),
    /// `annual_renew`: the annual verification must be renewed.
    AnnualRenew(VerifyExpiry),
    /// `verify_expired`: the verification expired.
    VerifyExpired(VerifyExpiry),
    /// `wxa_media_check`: the outcome of an asynchronous media check.
    WxaMediaCheck(MediaCheck),
    /// `trade_manage_remind_access_api`: a reminder to integrate the shipping management API.
    TradeManageRemindAccessApi(Box<TradeManage>),
    /// `trade_manage_remind_shipping`: a reminder to upload an order's shipping information.
    TradeManageRemindShipping(Box<TradeManage>),
    /// `trade_manage_order_settlement`: an order was settled.
    TradeManageOrderSettlement(Box<TradeManage>),
    /// `channels_ec_order_new`: WeChat Store: an order was placed.
    ChannelsEcOrderNew(StoreOrder),
    /// `channels_ec_order_cancel`: WeChat Store: an order was cancelled.
    ChannelsEcOrderCancel(StoreOrder),
    /// `channels_ec_order_pay`: WeChat Store: an order was paid.
    ChannelsEcOrderPay(StoreOrder),
    /// `channels_ec_order_deliver`: WeChat Store: an order was shipped.
    ChannelsEcOrderDeliver(StoreOrder),
    /// `channels_ec_order_confirm`: WeChat Store: the buyer confirmed receipt.
    ChannelsEcOrderConfirm(StoreOrder),
    /// `channels_ec_order_settle`: WeChat Store: an order was settled.
    ChannelsEcOrderSettle(StoreOrder),
    /// `channels_ec_order_ext_info_update`: WeChat Store: an order's other information changed.
    ChannelsEcOrderExtInfoUpdate(StoreOrder),
    /// `channels_ec_aftersale_update`: WeChat Store: an after-sale order changed.
    ChannelsEcAftersaleUpdate(StoreAftersale),
    /// `product_spu_audit`: WeChat Store: a product's audit finished.
    ProductSpuAudit(StoreProduct),
    /// `product_spu_listing`: WeChat Store: a product was listed or delisted.
    ProductSpuListing(StoreProduct),
    /// `product_spu_update`: WeChat Store: a product changed.
    ProductSpuUpdate(StoreProduct),
    /// `PUBLISHJOBFINISH`: the outcome of a free publish.
    PublishJobFinish(PublishJobFinish),
    /// `user_info_modified`: a mini program user changed the information they authorized.
    UserInfoModified(UserAuthorizationChange),
    /// `user_authorization_revoke`: a mini program user withdrew an authorization.
    UserAuthorizationRevoke(UserAuthorizationChange),
    /// `user_authorization_cancellation`: a mini program user deleted their account's authorizations.
    UserAuthorizationCancellation(UserAuthorizationChange),
    /// `wxa_nickname_audit`: the review of a mini program's name.
    WxaNicknameAudit(NicknameAudit),
    /// `card_pass_check`: a card passed review.
    CardPassCheck(CardAudit),
    /// `card_not_pass_check`: a card was rejected in review.
    CardNotPassCheck(CardAudit),
    /// `user_get_card`: a user got a card.
    UserGetCard(Box<CardReceive>),
    /// `user_gifting_card`: a user gave a card to a friend.
    UserGiftingCard(CardGift),
    /// `user_del_card`: a user deleted a card.
    UserDelCard(CardCode),
    /// `user_consume_card`: a card was redeemed.
    UserConsumeCard(Box<CardConsume>),
    /// `user_pay_from_pay_cell`: a user paid through a card's pay cell.
    UserPayFromPayCell(CardPayCell),
    /// `user_view_card`: a user opened a member card.
    UserViewCard(CardView),
    /// `user_enter_session_from_card`: a user entered the chat from a card.
    UserEnterSessionFromCard(CardCode),
    /// `update_member_card`: a member card's points or balance changed.
    UpdateMemberCard(MemberCardUpdate),
    /// `card_sku_remind`: a card's stock is running out.
    CardSkuRemind(CardSkuRemind),
    /// `card_pay_order`: the account's coupon points changed.
    CardPayOrder(Box<CardPayOrder>),
    /// `submit_membercard_user_info`: a user submitted a member card's activation form.
    SubmitMembercardUserInfo(CardCode),
    /// `add_express_path`: a mini program's waybill trace changed (logistics assistant).
    AddExpressPath(ExpressPath),
    /// `wxa_category_audit`: the review of a category a mini program applied for.
    WxaCategoryAudit(CategoryAudit),
    /// `product_category_audit`: WeChat Store: the review of a category the store applied for.
    ProductCategoryAudit(StoreCategoryAudit),
    /// `poi_check_notify`: the review of a store (门店) the account added.
    PoiCheckNotify(PoiCheck),
    /// `WifiConnected`: a customer connected to a store's Wi-Fi.
    WifiConnected(WifiConnected),
    /// `user_scan_product`: a user opened a product page (scan a product).
    UserScanProduct(Box<ProductScan>),
    /// `user_scan_product_enter_session`: a user entered the chat from a product page.
    UserScanProductEnterSession(Box<ProductScan>),
    /// `user_scan_product_async`: the asynchronous report of a product scan, with the user's region.
    UserScanProductAsync(Box<ProductScan>),
    /// `user_scan_product_verify_action`: the review of a product.
    UserScanProductVerifyAction(ProductVerify),
    /// `channels_ec_coupon_receive`: WeChat Store: a user received a coupon.
    ChannelsEcCouponReceive(StoreCoupon),
    /// `channels_ec_coupon_create`: WeChat Store: a coupon was created.
    ChannelsEcCouponCreate(StoreCoupon),
    /// `channels_ec_coupon_delete`: WeChat Store: a coupon was deleted.
    ChannelsEcCouponDelete(StoreCoupon),
    /// `channels_ec_coupon_expire`: WeChat Store: a coupon expired.
    ChannelsEcCouponExpire(StoreCoupon),
    /// `channels_ec_coupon_info_change`: WeChat Store: a coupon's information changed.
    ChannelsEcCouponInfoChange(StoreCoupon),
    /// `channels_ec_coupon_invalid`: WeChat Store: a coupon was invalidated.
    ChannelsEcCouponInvalid(StoreCoupon),
    /// `channels_ec_user_coupon_expire`: WeChat Store: a user's coupon expired.
    ChannelsEcUserCouponExpire(StoreCoupon),
    /// `channels_ec_user_coupon_unuse`: WeChat Store: a user's coupon was given back (order cancelled).
    ChannelsEcUserCouponUnuse(StoreCoupon),
    /// `channels_ec_user_coupon_use`: WeChat Store: a user's coupon was used.
    ChannelsEcUserCouponUse(StoreCoupon),
    /// `xpay_goods_deliver_notify`: virtual payment: a user paid for an item; deliver it.
    XpayGoodsDeliverNotify(Box<XpayDeliver>),
    /// `xpay_coin_pay_notify`: virtual payment: a user paid for tokens; deliver them.
    XpayCoinPayNotify(Box<XpayDeliver>),
    /// `xpay_refund_notify`: virtual payment: the outcome of a refund.
    XpayRefundNotify(Box<XpayRefund>),
    /// `xpay_complaint_notify`: virtual payment: a user complained.
    XpayComplaintNotify(Box<XpayComplaint>),
    /// `wxa_privacy_apply`: the review of an application to use a privacy API.
    WxaPrivacyApply(PrivacyApply),
    /// `ShakearoundUserShake`: a user shook their phone near the account's iBeacons.
    ShakearoundUserShake(ShakeAround),
    /// `user_authorize_invoice`: a user authorized invoicing an order.
    UserAuthorizeInvoice(InvoiceAuthorize),
    /// `update_invoice_status`: an invoice's reimbursement status changed.
    UpdateInvoiceStatus(InvoiceStatus),
    /// `submit_invoice_title`: a user submitted an invoice title.
    SubmitInvoiceTitle(Box<InvoiceTitle>),
    /// `guide_qrcode_scan_event`: a user scanned a shopping guide's QR code.
    GuideQrcodeScanEvent(GuideQrcodeScan),
    /// `channels_ec_order_wait_shipping`: WeChat Store: an order waits to be shipped.
    ChannelsEcOrderWaitShipping(StoreOrder),
    /// `channels_ec_change_status`: WeChat Store: the shop's status changed.
    ChannelsEcChangeStatus(StoreStatus),
    /// `channels_ec_close_store`: WeChat Store: the shop was finally closed.
    ChannelsEcCloseStore(StoreStatus),
    /// `set_shop_nickname`: WeChat Store: the shop's name changed.
    SetShopNickname(StoreNickname),
    /// `channels_ec_sharer_change`: WeChat Store: a sharer was bound or unbound.
    ChannelsEcSharerChange(StoreSharer),
    /// `channels_ec_brand`: WeChat Store: a brand qualification changed.
    ChannelsEcBrand(StoreBrand),
    /// `channels_ec_complaint_update`: WeChat Store: a complaint about an after-sale order changed.
    ChannelsEcComplaintUpdate(StoreComplaint),
    /// `channels_ec_acct_notify`: WeChat Store: the settlement account changed.
    ChannelsEcAcctNotify(StoreFunds),
    /// `channels_ec_withdraw_notify`: WeChat Store: a withdrawal moved on.
    ChannelsEcWithdrawNotify(StoreFunds),
    /// `qrcode_status`: WeChat Store: a withdrawal QR code's status changed.
    QrcodeStatus(StoreQrcode),
    /// `ewaybill_push_path`: WeChat Store: an electronic waybill's trace changed.
    EwaybillPushPath(StoreWaybillPath),
    /// `update_waybill_status`: an instant-delivery order's status changed.
    UpdateWaybillStatus(Box<DeliveryStatus>),
    /// `cloud_invoice_invoiceresult_event`: the outcome of issuing an invoice through WeChat's invoicing platform.
    CloudInvoiceInvoiceresultEvent(InvoiceResult),
    /// `wxa_illegal_record`: the mini program was found in violation of a rule.
    WxaIllegalRecord(IllegalRecord),
    /// `wxa_appeal_record`: an appeal against a violation record moved on.
    WxaAppealRecord(Box<AppealRecord>),
    /// `user_enter_tempsession`: a user entered a mini program's customer-service chat.
    UserEnterTempsession(TempSession),
    /// `wx_verify_dispatch`: a mini program's verification was assigned to a reviewing agency.
    WxVerifyDispatch(VerifyDispatch),
    /// `channels_ec_guarantee_update`: WeChat Store: a guarantee order changed.
    ChannelsEcGuaranteeUpdate(StoreGuarantee),
    /// `channels_ec_stock_no_enough`: WeChat Store: a SKU is running out of stock.
    ChannelsEcStockNoEnough(StoreStock),
    /// `head_supplier_item_update`: WeChat Store: a product an agency promotes was added or changed.
    HeadSupplierItemUpdate(StoreSupplierItem),
    /// `set_shop_headimg`: WeChat Store: the shop's avatar changed.
    SetShopHeadimg(StoreHeadimg),
    /// `api_diff`: WeChat Store: the store's APIs changed.
    ApiDiff(StoreApiDiff),
    /// `channels_ec_vip_join`: WeChat Store: a user joined the shop's membership.
    ChannelsEcVipJoin(StoreVipUser),
    /// `channels_ec_vip_close`: WeChat Store: a member left the shop's membership.
    ChannelsEcVipClose(StoreVipUser),
    /// `channels_ec_vip_grade_info_update`: WeChat Store: a member's grade changed.
    ChannelsEcVipGradeInfoUpdate(StoreVipUser),
    /// `channels_ec_vip_score_update`: WeChat Store: a member's points changed.
    ChannelsEcVipScoreUpdate(StoreVipUser),
    /// `channels_ec_vip_score_exchange`: WeChat Store: a member spent points.
    ChannelsEcVipScoreExchange(StoreVipExchange),
    /// `channels_ec_vip_user_info_get`: WeChat Store: asks the mini program whether a user is its member.
    ChannelsEcVipUserInfoGet(StoreVipLink),
    /// `channels_ec_vip_user_auto_add`: WeChat Store: a user became the shop's member through the mini program, silently.
    ChannelsEcVipUserAutoAdd(StoreVipLink),
    /// `channels_ec_present_aftersale_update`: WeChat Store: a group gift's automatic refund (an after-sale order) changed.
    ChannelsEcPresentAftersaleUpdate(StoreAftersale),
    /// `channels_ec_gen_order_info_init`: WeChat Store: asks the mini program for a member's default discount at checkout.
    ChannelsEcGenOrderInfoInit(Box<StoreVipOrder>),
    /// `channels_ec_order_use_vip_discount`: WeChat Store: a member discount is used in an order (reply whether to allow it).
    ChannelsEcOrderUseVipDiscount(Box<StoreVipOrder>),
    /// `channels_ec_order_unuse_vip_discount`: WeChat Store: a member discount was given back (the order failed).
    ChannelsEcOrderUnuseVipDiscount(Box<StoreVipOrder>),
    /// `channels_ec_voucher_send_succ`: WeChat Store: group-buy vouchers were issued to a user.
    ChannelsEcVoucherSendSucc(StoreVoucherSend),
    /// `channels_ec_phonenumber_push`: WeChat Store, to an express company: a waybill is the platform's.
    ChannelsEcPhonenumberPush(StoreWaybillNumber),
    /// `dropship_order_new`: WeChat Store, to a supplier: a drop-shipping order was assigned to it.
    DropshipOrderNew(SupplierDropship),
    /// `dropship_order_cancel`: WeChat Store, to a supplier: a drop-shipping order was cancelled.
    DropshipOrderCancel(SupplierDropship),
    /// `dropship_order_update`: WeChat Store, to a supplier: a drop-shipping order changed.
    DropshipOrderUpdate(SupplierDropship),
    /// `ec_supplier_product_update`: WeChat Store, to a supplier: its goods were added, changed or deleted.
    EcSupplierProductUpdate(SupplierProduct),
    /// `cooperation_shop_order`: WeChat Store, to a cooperating mini program: an order was placed through it.
    CooperationShopOrder(StoreLinkedOrder),
    /// `related_shop_order_submission`: WeChat Store, to a linked mini program: an order was placed through it.
    RelatedShopOrderSubmission(StoreLinkedOrder),

    // The logistics helper's requests to an express company.
    /// `get_quota`: logistics helper, to an express company: a merchant's
    /// balance, answered with [`QuotaQuery::reply`].
    GetQuota(QuotaQuery),
    /// `check_biz`: logistics helper, to an express company: approve a
    /// merchant's account, answered with [`BusinessCheck::reply`].
    CheckBiz(Box<BusinessCheck>),
    /// `add_waybill`: logistics helper, to an express company: a merchant
    /// orders a waybill, answered with [`WaybillOrder::reply`].
    AddWaybill(Box<WaybillOrder>),
    /// `cancel_waybill`: logistics helper, to an express company: a merchant
    /// cancels a waybill, answered with [`WaybillCancel::reply`].
    CancelWaybill(Box<WaybillCancel>),
    /// `waybill_notify_query`: logistics helper, to an express company: a
    /// waybill's state before a status is relayed, answered with
    /// [`WaybillStateQuery::reply`].
    WaybillNotifyQuery(WaybillStateQuery),
    /// `query_single_waybill_fee`: logistics helper, to an express company:
    /// a single waybill's price, answered with [`SingleWaybillFeeQuery::reply`].
    QuerySingleWaybillFee(Box<SingleWaybillFeeQuery>),
    /// `add_single_waybill`: logistics helper, to an express company: a user
    /// orders a single waybill, answered with [`SingleWaybillOrder::reply`].
    AddSingleWaybill(Box<SingleWaybillOrder>),
    /// `cancel_single_waybill`: logistics helper, to an express company: a
    /// user cancels, answered with [`SingleWaybillCancel::reply`].
    CancelSingleWaybill(Box<SingleWaybillCancel>),
    /// `query_single_waybill`: logistics helper, to an express company: a
    /// single waybill's details, answered with [`SingleWaybillQuery::reply`].
    QuerySingleWaybill(SingleWaybillQuery),
    /// `notify_single_waybill_pay`: logistics helper, to an express company:
    /// a user paid, answered with [`SingleWaybillPayment::reply`].
    NotifySingleWaybillPay(Box<SingleWaybillPayment>),
    /// `remind_waybill`: logistics helper, to an express company: a user
    /// asks to hurry, answered with [`WaybillReminder::reply`].
    RemindWaybill(WaybillReminder),
    /// `waybill_complaint`: logistics helper, to an express company: a user
    /// complains, answered with [`WaybillComplaint::reply`].
    WaybillComplaint(Box<WaybillComplaint>),
    /// `waybill_evaluate_agent`: logistics helper, to an express company: a
    /// user rates the courier, answered with [`CourierRating::reply`].
    WaybillEvaluateAgent(Box<CourierRating>),
    /// `waybill_query_expect_time_range`: logistics helper, to an express
    /// company: a city's pickup slots, answered with [`PickupTimeQuery::reply`].
    WaybillQueryExpectTimeRange(Box<PickupTimeQuery>),
    /// `update_business_bind_result`: logistics helper, to a merchant: an
    /// express company reviewed the account it asked to bind.
    UpdateBusinessBindResult(ExpressBindResult),

    // Instant delivery's requests to a delivery company.
    /// `transport_precreate_order`: instant delivery, to a delivery company: a quote for an order, answered with [`DeliveryOrder::reply`].
    TransportPrecreateOrder(Box<DeliveryOrder>),
    /// `transport_add_order`: instant delivery, to a delivery company: place an order, answered with [`DeliveryOrder::reply`].
    TransportAddOrder(Box<DeliveryOrder>),
    /// `transport_readd_order`: instant delivery, to a delivery company: place a cancelled or failed order again, answered with [`DeliveryOrder::reply`].
    TransportReaddOrder(Box<DeliveryOrder>),
    /// `transport_add_tips`: instant delivery, to a delivery company: add a tip to an order, answered with [`TipsAddition::reply`].
    TransportAddTips(Box<TipsAddition>),
    /// `transport_precancel_order`: instant delivery, to a delivery company: may an order be cancelled and at what penalty, answered with [`OrderCancellation::reply`].
    TransportPrecancelOrder(Box<OrderCancellation>),
    /// `transport_cancel_order`: instant delivery, to a delivery company: cancel an order, answered with [`OrderCancellation::reply`].
    TransportCancelOrder(Box<OrderCancellation>),
    /// `transport_query_order_status`: instant delivery, to a delivery company: an order's status, answered with [`OrderQuery::status_reply`].
    TransportQueryOrderStatus(OrderQuery),
    /// `transport_confirm_return_to_biz`: instant delivery, to a delivery company: the merchant got back an undeliverable parcel, answered with [`OrderQuery::reply`].
    TransportConfirmReturnToBiz(OrderQuery),
    /// `transport_get_agent_pos`: instant delivery, to a delivery company: where an order's rider is, answered with [`AgentPositionQuery::reply`].
    TransportGetAgentPos(AgentPositionQuery),
    /// `transport_set_rider_score`: instant delivery, to a delivery company: the merchant scores a rider, answered with [`RiderScore::reply`].
    TransportSetRiderScore(Box<RiderScore>),
    /// `mock_update_order_status`: instant delivery, to a delivery company: the test tool moves a test order to a status, answered with [`MockStatusUpdate::reply`].
    MockUpdateOrderStatus(Box<MockStatusUpdate>),
    /// `get_pre_auth_code`: instant delivery, to a delivery company: a merchant starts binding its account, answered with [`PreAuthCodeQuery::reply`].
    GetPreAuthCode(PreAuthCodeQuery),
    /// `get_auth_info`: instant delivery, to a delivery company: the account a merchant bound, answered with [`AuthInfoQuery::reply`].
    GetAuthInfo(AuthInfoQuery),
    /// `cancel_auth_account`: instant delivery, to a delivery company: a merchant unbinds its account, answered with [`AuthCancellation::reply`].
    CancelAuthAccount(AuthCancellation),

    // The mini-program trade component's events.
    /// `open_product_account_register`: trade component, to the mini program: the component was opened, or its access cancelled.
    OpenProductAccountRegister(TradeAccountRegister),
    /// `open_product_brand_audit`: trade component, to the mini program: a brand's review outcome.
    OpenProductBrandAudit(TradeQualificationAudit),
    /// `open_product_category_audit`: trade component, to the mini program: a category's review outcome.
    OpenProductCategoryAudit(TradeQualificationAudit),
    /// `open_product_scene_group_audit`: trade component, to the mini program: a scene's review outcome.
    OpenProductSceneGroupAudit(TradeSceneGroupAudit),
    /// `open_product_spu_audit`: trade component, to the mini program: a product's review outcome.
    OpenProductSpuAudit(TradeProductAudit),
    /// `open_product_spu_status_update`: trade component, to the mini program: the platform took a product off the shelves, or put it back.
    OpenProductSpuStatusUpdate(TradeProductAudit),
    /// `open_product_order_pay`: trade component, to the mini program: an order was paid.
    OpenProductOrderPay(Box<TradeOrder>),
    /// `open_product_order_cancel`: trade component, to the mini program: an order was cancelled.
    OpenProductOrderCancel(Box<TradeOrder>),
    /// `open_product_order_confirm`: trade component, to the mini program: the user confirmed receiving an order.
    OpenProductOrderConfirm(Box<TradeOrder>),
    /// `open_product_order_settle`: trade component, to the mini program: an order was settled.
    OpenProductOrderSettle(Box<TradeOrder>),
    /// `open_product_order_refund`: trade component, to the mini program: an order was fully refunded.
    OpenProductOrderRefund(Box<TradeOrder>),
    /// `open_product_order_analyze`: trade component, to the mini program: an order was attributed to a sharer.
    OpenProductOrderAnalyze(Box<TradeOrder>),
    /// `open_product_receive_coupon`: trade component, to the mini program: a user asks for a coupon, answered with [`TradeCouponRequest::reply`].
    OpenProductReceiveCoupon(TradeCouponRequest),
    /// `aftersale_new_order`: trade component, to the mini program: a user opened an after-sale order.
    AftersaleNewOrder(TradeAftersale),
    /// `aftersale_user_cancel`: trade component, to the mini program: the user cancelled an after-sale order.
    AftersaleUserCancel(TradeAftersale),
    /// `aftersale_refund_success`: trade component, to the mini program: an after-sale refund succeeded.
    AftersaleRefundSuccess(TradeAftersale),
    /// `aftersale_update_order`: trade component, to the mini program: the user changed an after-sale request.
    AftersaleUpdateOrder(TradeAftersale),
    /// `aftersale_user_modify_return_info`: trade component, to the mini program: the user changed the return's shipping details.
    AftersaleUserModifyReturnInfo(TradeAftersale),
    /// `aftersale_user_confirm_refund_certificate`: trade component, to the mini program: the user confirmed the merchant's offline-refund proof.
    AftersaleUserConfirmRefundCertificate(TradeAftersale),
    /// `aftersale_wait_merchant_confirm_receipt`: trade component, to the mini program: a return waits for the merchant to confirm receipt.
    AftersaleWaitMerchantConfirmReceipt(TradeAftersale),
    /// `aftersale_wait_merchant_offline_refund`: trade component, to the mini program: the platform's refund failed, the merchant must refund offline.
    AftersaleWaitMerchantOfflineRefund(TradeAftersale),
    /// `aftersale_merchant_confirm_receipt_overdue`: trade component, to the mini program: the merchant did not confirm a return's receipt in time.
    AftersaleMerchantConfirmReceiptOverdue(TradeAftersale),
    /// `aftersale_merchant_handle_refund_overdue`: trade component, to the mini program: the merchant did not handle a refund request in time.
    AftersaleMerchantHandleRefundOverdue(TradeAftersale),
    /// `aftersale_merchant_handle_return_overdue`: trade component, to the mini program: the merchant did not handle a return request in time.
    AftersaleMerchantHandleReturnOverdue(TradeAftersale),
    /// `aftersale_user_apply_platform_judge_overdue`: trade component, to the mini program: the user did not ask the platform to judge in time.
    AftersaleUserApplyPlatformJudgeOverdue(TradeAftersale),
    /// `aftersale_user_upload_return_info_overdue`: trade component, to the mini program: the user did not send the return's shipping details in time.
    AftersaleUserUploadReturnInfoOverdue(TradeAftersale),
    /// `funds_order_pay`: payment management, to the mini program: an order was paid.
    FundsOrderPay(TradeFundsPay),
    /// `funds_order_refund`: payment management, to the mini program: a refund's outcome.
    FundsOrderRefund(TradeFundsRefund),
    /// `funds_order_profitsharing`: payment management, to the mini program: a profit sharing's outcome.
    FundsOrderProfitsharing(TradeFundsProfitSharing),
    /// `miniprogram_sharer_bind_status_change`: trade component, to the mini program: a user became, or stopped being, a sharer.
    MiniprogramSharerBindStatusChange(TradeSharerBind),
    /// `miniprogram_sharer_action`: trade component, to the mini program: a sharer shared a WeChat Channels card.
    MiniprogramSharerAction(TradeSharerAction),

    // Cards, gift cards, complaints, reviews, media, mini-game payments.
    /// `giftcard_pay_done`: gift cards, to the account: a user paid for a
    /// gift-card order.
    GiftcardPayDone(GiftCardOrder),
    /// `giftcard_send_to_friend`: gift cards, to the account: a user gave a
    /// paid order's cards to a friend.
    GiftcardSendToFriend(GiftCardOrder),
    /// `giftcard_user_accept`: gift cards, to the account: a friend accepted
    /// the cards.
    GiftcardUserAccept(GiftCardOrder),
    /// `card_merchant_check_result`: cards, to a third party making cards for
    /// sub-merchants: a sub-merchant's review finished.
    CardMerchantCheckResult(CardMerchantCheck),
    /// `create_map_poi_audit_info`: physical stores, to the account: the
    /// review of a store created in Tencent Maps finished.
    CreateMapPoiAuditInfo(Box<MapPoiAudit>),
    /// `merchant_order`: the old WeChat Store, to the account: a user paid for
    /// an order.
    MerchantOrder(MerchantOrder),
    /// `complaint_callback`: trade guarantee, to the mini program: a trade
    /// complaint was filed or moved on.
    ComplaintCallback(Box<TradeComplaint>),
    /// `wxa_comment_bad_score`: trade guarantee, to the mini program: a user
    /// left a bad review.
    WxaCommentBadScore(BadComment),
    /// `secvod_upload_event`: mini dramas, to the mini program: a video
    /// finished uploading.
    SecvodUploadEvent(MediaUpload),
    /// `secvod_audit_event`: mini dramas, to the mini program: a drama's
    /// review finished.
    SecvodAuditEvent(DramaAudit),
    /// `minigame_coin_deliver_completed`: mini-game virtual payment, to the
    /// mini game: a player's game coins were delivered.
    MinigameCoinDeliverCompleted(Box<MiniGameCoinDeliver>),
    /// `minigame_recharge_center_coin_deliver_completed`: mini-game virtual
    /// payment, to the mini game: game coins bought in the recharge centre
    /// were delivered.
    MinigameRechargeCenterCoinDeliverCompleted(Box<MiniGameCoinDeliver>),
    /// `minigame_pay_refund_succ_notify`: mini-game virtual payment, to the
    /// mini game: a payment was refunded.
    MinigamePayRefundSuccNotify(Box<MiniGameRefund>),
    /// `minigame_h5_goods_deliver_notify`: mini-game virtual payment, to the
    /// mini game: an item bought in the store is to be delivered.
    MinigameH5GoodsDeliverNotify(Box<MiniGameGoodsDeliver>),
    /// `minigame_game_pay_goods_deliver_notify`: mini-game virtual payment,
    /// to the mini game: an item bought in the game is to be delivered.
    MinigameGamePayGoodsDeliverNotify(Box<MiniGameGoodsDeliver>),
    /// `open_product_order_update`: trade component, to a third-party
    /// platform: an order or its after-sale order changed.
    OpenProductOrderUpdate(TradeOrderUpdate),
    /// `complaint_notify`: trade component, to the mini program: a dispute
    /// over an after-sale order moved on.
    ComplaintNotify(TradeComplaintNotify),

    // The WeChat Store's league, talents and suppliers.
    /// `head_supplier_subscribe_product_baseinfo_update`: WeChat Store, to a league institution: a subscribed product's base information changed.
    HeadSupplierSubscribeProductBaseinfoUpdate(Box<LeagueProductInfo>),
    /// `head_supplier_subscribe_product_planinfo_update`: WeChat Store, to a league institution: a subscribed product's promotion plan changed.
    HeadSupplierSubscribeProductPlaninfoUpdate(Box<LeaguePlan>),
    /// `talent_commission_order_update`: WeChat Store, to a talent: a commission order changed.
    TalentCommissionOrderUpdate(TalentCommissionOrder),
    /// `supply_order_new`: WeChat Store, to a supplier: a supply order was assigned to it.
    SupplyOrderNew(SupplyOrder),
    /// `supply_order_update`: WeChat Store, to a supplier: a supply order changed.
    SupplyOrderUpdate(SupplyOrder),
    /// `supply_order_cancel`: WeChat Store, to a supplier: a supply order was cancelled.
    SupplyOrderCancel(SupplyOrder),
    /// `supply_order_complete`: WeChat Store, to a supplier: a supply order was completed.
    SupplyOrderComplete(SupplyOrder),
    /// `ec_supplier_invite_relation`: WeChat Store, to a supplier: a shop invited it to work together.
    EcSupplierInviteRelation(SupplierInvite),

    /// Any other event, never an error: its name is
    /// [`EventMessage::event`], its document [`EventMessage::raw`].
    Other,
}

/// `subscribe`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Subscribe {
    /// The parametric QR code the user followed through: only when
    /// `EventKey` starts with `qrscene_` (any other key, e.g. the
    /// `last_trade_no_…` of a follow after a payment, is not a QR scan and
    /// stays in [`EventMessage::event_key`]).
    pub scene: Option<QrScan>,
}

/// A scan of a parametric QR code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct QrScan {
    /// `EventKey` as sent: `qrscene_{scene}` on `subscribe`, `{scene}` on
    /// `SCAN`.
    pub event_key: String,
    /// `Ticket`: the QR code's ticket.
    pub ticket: Option<String>,
}

impl QrScan {
    /// The scene value (`scene_id` or `scene_str` of the QR code), without
    /// the `qrscene_` prefix of `subscribe` events.
    pub fn scene(&self) -> &str {
        self.event_key
            .strip_prefix("qrscene_")
            .unwrap_or(&self.event_key)
    }
}

/// `LOCATION`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct LocationReport {
    /// `Latitude`.
    pub latitude: f64,
    /// `Longitude`.
    pub longitude: f64,
    /// `Precision`.
    pub precision: f64,
}

/// `CLICK`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct MenuClick {
    /// `EventKey`: the button's key.
    pub key: String,
}

/// `VIEW`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct MenuView {
    /// `EventKey`: the link's URL.
    pub url: String,
    /// `MenuId`: the personalized menu's id, when the click came from one.
    pub menu_id: Option<String>,
}

/// `TEMPLATESENDJOBFINISH`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct TemplateSendJobFinish {
    /// `MsgID`: the id the send call returned.
    pub msg_id: u64,
    /// `Status`: `success`, `failed:user block`, `failed: system failed`.
    pub status: String,
}

/// `MASSSENDJOBFINISH`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct MassSendJobFinish {
    /// `MsgID`: the id the send call returned.
    pub msg_id: u64,
    /// `Status`: `send success`, `send fail`, `err(10001)`…
    pub status: String,
    /// `TotalCount`: fans targeted.
    pub total_count: Option<u64>,
    /// `FilterCount`: fans left after filtering.
    pub filter_count: Option<u64>,
    /// `SentCount`: sent successfully.
    pub sent_count: Option<u64>,
    /// `ErrorCount`: failed.
    pub error_count: Option<u64>,
    /// `CopyrightCheckResult/CheckState`: the originality check's outcome
    /// (1 passed, 2 failed, 3 …), when there was one. The per-article
    /// details stay in [`EventMessage::raw`].
    pub copyright_check_state: Option<i64>,
    /// `ArticleUrlResult`: the URL of each article sent.
    pub article_urls: Vec<ArticleUrl>,
}

/// One article of a mass send, and its URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ArticleUrl {
    /// `ArticleIdx`: its position, from 1.
    pub index: u32,
    /// `ArticleUrl`.
    pub url: String,
}

/// `subscribe_msg_popup_event` and `subscribe_msg_change_event`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SubscribeMsgChoices {
    /// One entry per template (`List`).
    pub items: Vec<SubscribeMsgChoice>,
}

/// The user's choice for one subscription-message template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SubscribeMsgChoice {
    /// `TemplateId`.
    pub template_id: String,
    /// `SubscribeStatusString`: `accept` or `reject`.
    pub subscribe_status: String,
    /// `PopupScene`: where the popup was (`1` a web page, `2` an article),
    /// on `subscribe_msg_popup_event`.
    pub popup_scene: Option<String>,
}

/// `subscribe_msg_sent_event`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SubscribeMsgSent {
    /// One entry per message (`List`).
    pub items: Vec<SubscribeMsgSentItem>,
}

/// The outcome of one subscription message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SubscribeMsgSentItem {
    /// `TemplateId`.
    pub template_id: String,
    /// `MsgID`.
    pub msg_id: String,
    /// `ErrorCode`: 0 on success.
    pub error_code: i64,
    /// `ErrorStatus`: `success`, `fail:user reject`, `fail:system error`.
    pub error_status: String,
}

/// `weapp_audit_success`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct AuditSuccess {
    /// `SuccTime`: Unix seconds.
    pub succ_time: i64,
}

/// `weapp_audit_fail`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct AuditFail {
    /// `Reason`: why (may contain `<br>` markup).
    pub reason: String,
    /// `FailTime`: Unix seconds.
    pub fail_time: i64,
    /// `ScreenShot`: media ids of example screenshots (sent `|`-separated).
    pub screen_shots: Vec<String>,
}

/// `weapp_audit_delay`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct AuditDelay {
    /// `Reason`: why.
    pub reason: String,
    /// `DelayTime`: Unix seconds.
    pub delay_time: i64,
}

impl fmt::Debug for EventMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventMessage")
            .field("header", &self.header)
            .field("event_key", &self.event_key)
            .field("detail", &self.detail)
            .field("raw", &format_args!("<{} bytes>", self.raw.len()))
            .finish()
    }
}

impl EventMessage {
    /// The event name (`Event`), empty if absent.
    pub fn event(&self) -> &str {
        self.header.event.as_deref().unwrap_or_default()
    }

    /// `EventKey`, see [`EventMessage::event_key`](#structfield.event_key).
    pub fn event_key(&self) -> Option<&str> {
        self.event_key.as_deref()
    }
}

/// Reads an event's detail from the push's element tree.
type FromTree = fn(&Node) -> Event;

/// Whether `event` is `name`, ignoring ASCII case.
fn is(event: &str, name: &str) -> bool {
    event.eq_ignore_ascii_case(name)
}

impl Event {
    /// The typed event of a push whose `MsgType` is `event`.
    pub(crate) fn from_raw(raw: &RawFields<'_>, source: Source<'_>) -> Result<Self> {
        let event = raw.get(Field::Event).unwrap_or_default();
        let event_key = || raw.optional(Field::EventKey).filter(|k| !k.is_empty());
        let ticket = || raw.optional(Field::Ticket).filter(|t| !t.is_empty());
        let detail = if is(event, "subscribe") {
            // only a `qrscene_` key is a QR scan: WeChat sends other keys
            // (`last_trade_no_…` for a follow after paying, empty ones…)
            Self::Subscribe(Subscribe {
                scene: event_key()
                    .filter(|key| key.starts_with("qrscene_"))
                    .map(|event_key| QrScan {
                        event_key,
                        ticket: ticket(),
                    }),
            })
        } else if is(event, "unsubscribe") {
            Self::Unsubscribe
        } else if is(event, "SCAN") {
            Self::Scan(QrScan {
                event_key: raw.required(Field::EventKey, "SCAN event")?,
                ticket: ticket(),
            })
        } else if is(event, "LOCATION") {
            let kind = "LOCATION event";
            Self::Location(LocationReport {
                latitude: raw.required_number(Field::Latitude, kind)?,
                longitude: raw.required_number(Field::Longitude, kind)?,
                precision: raw.required_number(Field::Precision, kind)?,
            })
        } else if is(event, "CLICK") {
            Self::Click(MenuClick {
                key: raw.required(Field::EventKey, "CLICK event")?,
            })
        } else if is(event, "VIEW") {
            Self::View(MenuView {
                url: raw.required(Field::EventKey, "VIEW event")?,
                menu_id: raw.optional(Field::MenuId).filter(|m| !m.is_empty()),
            })
        } else if is(event, "TEMPLATESENDJOBFINISH") {
            let kind = "TEMPLATESENDJOBFINISH event";
            Self::TemplateSendJobFinish(TemplateSendJobFinish {
                msg_id: raw.required_number(Field::JobMsgId, kind)?,
                status: raw.required(Field::Status, kind)?,
            })
        } else if is(event, "MASSSENDJOBFINISH") {
            Self::MassSendJobFinish(mass_send_job_finish(raw, source)?)
        } else if is(event, "subscribe_msg_popup_event") {
            Self::SubscribeMsgPopup(subscribe_choices(source)?)
        } else if is(event, "subscribe_msg_change_event") {
            Self::SubscribeMsgChange(subscribe_choices(source)?)
        } else if is(event, "subscribe_msg_sent_event") {
            Self::SubscribeMsgSent(subscribe_sent(source)?)
        } else if is(event, "weapp_audit_success") {
            Self::WeappAuditSuccess(AuditSuccess {
                succ_time: raw.required_number(Field::SuccTime, "weapp_audit_success event")?,
            })
        } else if is(event, "weapp_audit_fail") {
            let kind = "weapp_audit_fail event";
            Self::WeappAuditFail(AuditFail {
                reason: raw.optional(Field::Reason).unwrap_or_default(),
                fail_time: raw.required_number(Field::FailTime, kind)?,
                screen_shots: raw
                    .get(Field::ScreenShot)
                    .unwrap_or_default()
                    .split('|')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect(),
            })
        } else if is(event, "weapp_audit_delay") {
            Self::WeappAuditDelay(AuditDelay {
                reason: raw.optional(Field::Reason).unwrap_or_default(),
                delay_time: raw.required_number(Field::DelayTime, "weapp_audit_delay event")?,
            })
        } else {
            return Self::from_tree_event(event, source);
        };
        Ok(detail)
    }

    /// The events read from the element tree, by name.
    const FROM_TREE: &[(&str, FromTree)] = &[
        ("scancode_push", |t| {
            Event::ScancodePush(MenuScan::from_tree(t))
        }),
        ("scancode_waitmsg", |t| {
            Event::ScancodeWaitmsg(MenuScan::from_tree(t))
        }),
        ("pic_sysphoto", |t| {
            Event::PicSysphoto(MenuPictures::from_tree(t))
        }),
        ("pic_photo_or_album", |t| {
            Event::PicPhotoOrAlbum(MenuPictures::from_tree(t))
        }),
        ("pic_weixin", |t| {
            Event::PicWeixin(MenuPictures::from_tree(t))
        }),
        ("location_select", |t| {
            Event::LocationSelect(MenuLocation::from_tree(t))
        }),
        ("view_miniprogram", |t| {
            Event::ViewMiniprogram(MenuMiniProgram::from_tree(t))
        }),
        ("kf_create_session", |t| {
            Event::KfCreateSession(KfSession::from_tree(t))
        }),
        ("kf_close_session", |t| {
            Event::KfCloseSession(KfSession::from_tree(t))
        }),
        ("kf_switch_session", |t| {
            Event::KfSwitchSession(KfSwitch::from_tree(t))
        }),
        ("qualification_verify_success", |t| {
            Event::QualificationVerifySuccess(VerifyExpiry::from_tree(t))
        }),
        ("qualification_verify_fail", |t| {
            Event::QualificationVerifyFail(VerifyFail::from_tree(t))
        }),
        ("naming_verify_success", |t| {
            Event::NamingVerifySuccess(VerifyExpiry::from_tree(t))
        }),
        ("naming_verify_fail", |t| {
            Event::NamingVerifyFail(VerifyFail::from_tree(t))
        }),
        ("annual_renew", |t| {
            Event::AnnualRenew(VerifyExpiry::from_tree(t))
        }),
        ("verify_expired", |t| {
            Event::VerifyExpired(VerifyExpiry::from_tree(t))
        }),
        ("wxa_media_check", |t| {
            Event::WxaMediaCheck(MediaCheck::from_tree(t))
        }),
        ("trade_manage_remind_access_api", |t| {
            Event::TradeManageRemindAccessApi(Box::new(TradeManage::from_tree(t)))
        }),
        ("trade_manage_remind_shipping", |t| {
            Event::TradeManageRemindShipping(Box::new(TradeManage::from_tree(t)))
        }),
        ("trade_manage_order_settlement", |t| {
            Event::TradeManageOrderSettlement(Box::new(TradeManage::from_tree(t)))
        }),
        ("channels_ec_order_new", |t| {
            Event::ChannelsEcOrderNew(StoreOrder::from_tree(t))
        }),
        ("channels_ec_order_cancel", |t| {
            Event::ChannelsEcOrderCancel(StoreOrder::from_tree(t))
        }),
        ("channels_ec_order_pay", |t| {
            Event::ChannelsEcOrderPay(StoreOrder::from_tree(t))
        }),
        ("channels_ec_order_deliver", |t| {
            Event::ChannelsEcOrderDeliver(StoreOrder::from_tree(t))
        }),
        ("channels_ec_order_confirm", |t| {
            Event::ChannelsEcOrderConfirm(StoreOrder::from_tree(t))
        }),
        ("channels_ec_order_settle", |t| {
            Event::ChannelsEcOrderSettle(StoreOrder::from_tree(t))
        }),
        ("channels_ec_order_ext_info_update", |t| {
            Event::ChannelsEcOrderExtInfoUpdate(StoreOrder::from_tree(t))
        }),
        ("channels_ec_aftersale_update", |t| {
            Event::ChannelsEcAftersaleUpdate(StoreAftersale::from_tree(t))
        }),
        ("product_spu_audit", |t| {
            Event::ProductSpuAudit(StoreProduct::from_tree(t))
        }),
        ("product_spu_listing", |t| {
            Event::ProductSpuListing(StoreProduct::from_tree(t))
        }),
        ("product_spu_update", |t| {
            Event::ProductSpuUpdate(StoreProduct::from_tree(t))
        }),
        ("PUBLISHJOBFINISH", |t| {
            Event::PublishJobFinish(PublishJobFinish::from_tree(t))
        }),
        ("user_info_modified", |t| {
            Event::UserInfoModified(UserAuthorizationChange::from_tree(t))
        }),
        ("user_authorization_revoke", |t| {
            Event::UserAuthorizationRevoke(UserAuthorizationChange::from_tree(t))
        }),
        ("user_authorization_cancellation", |t| {
            Event::UserAuthorizationCancellation(UserAuthorizationChange::from_tree(t))
        }),
        ("wxa_nickname_audit", |t| {
            Event::WxaNicknameAudit(NicknameAudit::from_tree(t))
        }),
        ("card_pass_check", |t| {
            Event::CardPassCheck(CardAudit::from_tree(t))
        }),
        ("card_not_pass_check", |t| {
            Event::CardNotPassCheck(CardAudit::from_tree(t))
        }),
        ("user_get_card", |t| {
            Event::UserGetCard(Box::new(CardReceive::from_tree(t)))
        }),
        ("user_gifting_card", |t| {
            Event::UserGiftingCard(CardGift::from_tree(t))
        }),
        ("user_del_card", |t| {
            Event::UserDelCard(CardCode::from_tree(t))
        }),
        ("user_consume_card", |t| {
            Event::UserConsumeCard(Box::new(CardConsume::from_tree(t)))
        }),
        ("user_pay_from_pay_cell", |t| {
            Event::UserPayFromPayCell(CardPayCell::from_tree(t))
        }),
        ("user_view_card", |t| {
            Event::UserViewCard(CardView::from_tree(t))
        }),
        ("user_enter_session_from_card", |t| {
            Event::UserEnterSessionFromCard(CardCode::from_tree(t))
        }),
        ("update_member_card", |t| {
            Event::UpdateMemberCard(MemberCardUpdate::from_tree(t))
        }),
        ("card_sku_remind", |t| {
            Event::CardSkuRemind(CardSkuRemind::from_tree(t))
        }),
        ("card_pay_order", |t| {
            Event::CardPayOrder(Box::new(CardPayOrder::from_tree(t)))
        }),
        ("submit_membercard_user_info", |t| {
            Event::SubmitMembercardUserInfo(CardCode::from_tree(t))
        }),
        ("add_express_path", |t| {
            Event::AddExpressPath(ExpressPath::from_tree(t))
        }),
        ("wxa_category_audit", |t| {
            Event::WxaCategoryAudit(CategoryAudit::from_tree(t))
        }),
        ("product_category_audit", |t| {
            Event::ProductCategoryAudit(StoreCategoryAudit::from_tree(t))
        }),
        ("poi_check_notify", |t| {
            Event::PoiCheckNotify(PoiCheck::from_tree(t))
        }),
        ("WifiConnected", |t| {
            Event::WifiConnected(WifiConnected::from_tree(t))
        }),
        ("user_scan_product", |t| {
            Event::UserScanProduct(Box::new(ProductScan::from_tree(t)))
        }),
        ("user_scan_product_enter_session", |t| {
            Event::UserScanProductEnterSession(Box::new(ProductScan::from_tree(t)))
        }),
        ("user_scan_product_async", |t| {
            Event::UserScanProductAsync(Box::new(ProductScan::from_tree(t)))
        }),
        ("user_scan_product_verify_action", |t| {
            Event::UserScanProductVerifyAction(ProductVerify::from_tree(t))
        }),
        ("channels_ec_coupon_receive", |t| {
            Event::ChannelsEcCouponReceive(StoreCoupon::from_tree(t))
        }),
        ("channels_ec_coupon_create", |t| {
            Event::ChannelsEcCouponCreate(StoreCoupon::from_tree(t))
        }),
        ("channels_ec_coupon_delete", |t| {
            Event::ChannelsEcCouponDelete(StoreCoupon::from_tree(t))
        }),
        ("channels_ec_coupon_expire", |t| {
            Event::ChannelsEcCouponExpire(StoreCoupon::from_tree(t))
        }),
        ("channels_ec_coupon_info_change", |t| {
            Event::ChannelsEcCouponInfoChange(StoreCoupon::from_tree(t))
        }),
        ("channels_ec_coupon_invalid", |t| {
            Event::ChannelsEcCouponInvalid(StoreCoupon::from_tree(t))
        }),
        ("channels_ec_user_coupon_expire", |t| {
            Event::ChannelsEcUserCouponExpire(StoreCoupon::from_tree(t))
        }),
        ("channels_ec_user_coupon_unuse", |t| {
            Event::ChannelsEcUserCouponUnuse(StoreCoupon::from_tree(t))
        }),
        ("channels_ec_user_coupon_use", |t| {
            Event::ChannelsEcUserCouponUse(StoreCoupon::from_tree(t))
        }),
        ("xpay_goods_deliver_notify", |t| {
            Event::XpayGoodsDeliverNotify(Box::new(XpayDeliver::from_tree(t)))
        }),
        ("xpay_coin_pay_notify", |t| {
            Event::XpayCoinPayNotify(Box::new(XpayDeliver::from_tree(t)))
        }),
        ("xpay_refund_notify", |t| {
            Event::XpayRefundNotify(Box::new(XpayRefund::from_tree(t)))
        }),
        ("xpay_complaint_notify", |t| {
            Event::XpayComplaintNotify(Box::new(XpayComplaint::from_tree(t)))
        }),
        ("wxa_privacy_apply", |t| {
            Event::WxaPrivacyApply(PrivacyApply::from_tree(t))
        }),
        ("ShakearoundUserShake", |t| {
            Event::ShakearoundUserShake(ShakeAround::from_tree(t))
        }),
        ("user_authorize_invoice", |t| {
            Event::UserAuthorizeInvoice(InvoiceAuthorize::from_tree(t))
        }),
        ("update_invoice_status", |t| {
            Event::UpdateInvoiceStatus(InvoiceStatus::from_tree(t))
        }),
        ("submit_invoice_title", |t| {
            Event::SubmitInvoiceTitle(Box::new(InvoiceTitle::from_tree(t)))
        }),
        ("guide_qrcode_scan_event", |t| {
            Event::GuideQrcodeScanEvent(GuideQrcodeScan::from_tree(t))
        }),
        ("channels_ec_order_wait_shipping", |t| {
            Event::ChannelsEcOrderWaitShipping(StoreOrder::from_tree(t))
        }),
        ("channels_ec_change_status", |t| {
            Event::ChannelsEcChangeStatus(StoreStatus::from_tree(t))
        }),
        ("channels_ec_close_store", |t| {
            Event::ChannelsEcCloseStore(StoreStatus::from_tree(t))
        }),
        ("set_shop_nickname", |t| {
            Event::SetShopNickname(StoreNickname::from_tree(t))
        }),
        ("channels_ec_sharer_change", |t| {
            Event::ChannelsEcSharerChange(StoreSharer::from_tree(t))
        }),
        ("channels_ec_brand", |t| {
            Event::ChannelsEcBrand(StoreBrand::from_tree(t))
        }),
        ("channels_ec_complaint_update", |t| {
            Event::ChannelsEcComplaintUpdate(StoreComplaint::from_tree(t))
        }),
        ("channels_ec_acct_notify", |t| {
            Event::ChannelsEcAcctNotify(StoreFunds::from_tree(t))
        }),
        ("channels_ec_withdraw_notify", |t| {
            Event::ChannelsEcWithdrawNotify(StoreFunds::from_tree(t))
        }),
        ("qrcode_status", |t| {
            Event::QrcodeStatus(StoreQrcode::from_tree(t))
        }),
        ("ewaybill_push_path", |t| {
            Event::EwaybillPushPath(StoreWaybillPath::from_tree(t))
        }),
        ("update_waybill_status", |t| {
            Event::UpdateWaybillStatus(Box::new(DeliveryStatus::from_tree(t)))
        }),
        ("cloud_invoice_invoiceresult_event", |t| {
            Event::CloudInvoiceInvoiceresultEvent(InvoiceResult::from_tree(t))
        }),
        ("wxa_illegal_record", |t| {
            Event::WxaIllegalRecord(IllegalRecord::from_tree(t))
        }),
        ("wxa_appeal_record", |t| {
            Event::WxaAppealRecord(Box::new(AppealRecord::from_tree(t)))
        }),
        ("user_enter_tempsession", |t| {
            Event::UserEnterTempsession(TempSession::from_tree(t))
        }),
        ("wx_verify_dispatch", |t| {
            Event::WxVerifyDispatch(VerifyDispatch::from_tree(t))
        }),
        ("channels_ec_guarantee_update", |t| {
            Event::ChannelsEcGuaranteeUpdate(StoreGuarantee::from_tree(t))
        }),
        ("channels_ec_stock_no_enough", |t| {
            Event::ChannelsEcStockNoEnough(StoreStock::from_tree(t))
        }),
        ("head_supplier_item_update", |t| {
            Event::HeadSupplierItemUpdate(StoreSupplierItem::from_tree(t))
        }),
        ("set_shop_headimg", |t| {
            Event::SetShopHeadimg(StoreHeadimg::from_tree(t))
        }),
        ("api_diff", |t| Event::ApiDiff(StoreApiDiff::from_tree(t))),
        ("channels_ec_vip_join", |t| {
            Event::ChannelsEcVipJoin(StoreVipUser::from_tree(t))
        }),
        ("channels_ec_vip_close", |t| {
            Event::ChannelsEcVipClose(StoreVipUser::from_tree(t))
        }),
        ("channels_ec_vip_grade_info_update", |t| {
            Event::ChannelsEcVipGradeInfoUpdate(StoreVipUser::from_tree(t))
        }),
        ("channels_ec_vip_score_update", |t| {
            Event::ChannelsEcVipScoreUpdate(StoreVipUser::from_tree(t))
        }),
        ("channels_ec_vip_score_exchange", |t| {
            Event::ChannelsEcVipScoreExchange(StoreVipExchange::from_tree(t))
        }),
        ("channels_ec_vip_user_info_get", |t| {
            Event::ChannelsEcVipUserInfoGet(StoreVipLink::from_tree(t))
        }),
        ("channels_ec_vip_user_auto_add", |t| {
            Event::ChannelsEcVipUserAutoAdd(StoreVipLink::from_tree(t))
        }),
        ("channels_ec_present_aftersale_update", |t| {
            Event::ChannelsEcPresentAftersaleUpdate(StoreAftersale::from_tree(t))
        }),
        ("channels_ec_gen_order_info_init", |t| {
            Event::ChannelsEcGenOrderInfoInit(Box::new(StoreVipOrder::from_tree(t)))
        }),
        ("channels_ec_order_use_vip_discount", |t| {
            Event::ChannelsEcOrderUseVipDiscount(Box::new(StoreVipOrder::from_tree(t)))
        }),
        ("channels_ec_order_unuse_vip_discount", |t| {
            Event::ChannelsEcOrderUnuseVipDiscount(Box::new(StoreVipOrder::from_tree(t)))
        }),
        ("channels_ec_voucher_send_succ", |t| {
            Event::ChannelsEcVoucherSendSucc(StoreVoucherSend::from_tree(t))
        }),
        ("channels_ec_phonenumber_push", |t| {
            Event::ChannelsEcPhonenumberPush(StoreWaybillNumber::from_tree(t))
        }),
        ("dropship_order_new", |t| {
            Event::DropshipOrderNew(SupplierDropship::from_tree(t))
        }),
        ("dropship_order_cancel", |t| {
            Event::DropshipOrderCancel(SupplierDropship::from_tree(t))
        }),
        ("dropship_order_update", |t| {
            Event::DropshipOrderUpdate(SupplierDropship::from_tree(t))
        }),
        ("ec_supplier_product_update", |t| {
            Event::EcSupplierProductUpdate(SupplierProduct::from_tree(t))
        }),
        ("cooperation_shop_order", |t| {
            Event::CooperationShopOrder(StoreLinkedOrder::from_tree(t))
        }),
        ("related_shop_order_submission", |t| {
            Event::RelatedShopOrderSubmission(StoreLinkedOrder::from_tree(t))
        }),
        // The logistics helper's requests to an express company.
        ("get_quota", |t| Event::GetQuota(QuotaQuery::from_tree(t))),
        ("check_biz", |t| {
            Event::CheckBiz(Box::new(BusinessCheck::from_tree(t)))
        }),
        ("add_waybill", |t| {
            Event::AddWaybill(Box::new(WaybillOrder::from_tree(t)))
        }),
        ("cancel_waybill", |t| {
            Event::CancelWaybill(Box::new(WaybillCancel::from_tree(t)))
        }),
        ("waybill_notify_query", |t| {
            Event::WaybillNotifyQuery(WaybillStateQuery::from_tree(t))
        }),
        ("query_single_waybill_fee", |t| {
            Event::QuerySingleWaybillFee(Box::new(SingleWaybillFeeQuery::from_tree(t)))
        }),
        ("add_single_waybill", |t| {
            Event::AddSingleWaybill(Box::new(SingleWaybillOrder::from_tree(t)))
        }),
        ("cancel_single_waybill", |t| {
            Event::CancelSingleWaybill(Box::new(SingleWaybillCancel::from_tree(t)))
        }),
        ("query_single_waybill", |t| {
            Event::QuerySingleWaybill(SingleWaybillQuery::from_tree(t))
        }),
        ("notify_single_waybill_pay", |t| {
            Event::NotifySingleWaybillPay(Box::new(SingleWaybillPayment::from_tree(t)))
        }),
        ("remind_waybill", |t| {
            Event::RemindWaybill(WaybillReminder::from_tree(t))
        }),
        ("waybill_complaint", |t| {
            Event::WaybillComplaint(Box::new(WaybillComplaint::from_tree(t)))
        }),
        ("waybill_evaluate_agent", |t| {
            Event::WaybillEvaluateAgent(Box::new(CourierRating::from_tree(t)))
        }),
        ("waybill_query_expect_time_range", |t| {
            Event::WaybillQueryExpectTimeRange(Box::new(PickupTimeQuery::from_tree(t)))
        }),
        ("update_business_bind_result", |t| {
            Event::UpdateBusinessBindResult(ExpressBindResult::from_tree(t))
        }),
        // Instant delivery's requests to a delivery company.
        ("transport_precreate_order", |t| {
            Event::TransportPrecreateOrder(Box::new(DeliveryOrder::from_tree(
                t,
                "transport_precreate_order",
            )))
        }),
        ("transport_add_order", |t| {
            Event::TransportAddOrder(Box::new(DeliveryOrder::from_tree(t, "transport_add_order")))
        }),
        ("transport_readd_order", |t| {
            Event::TransportReaddOrder(Box::new(DeliveryOrder::from_tree(
                t,
                "transport_readd_order",
            )))
        }),
        ("transport_add_tips", |t| {
            Event::TransportAddTips(Box::new(TipsAddition::from_tree(t)))
        }),
        ("transport_precancel_order", |t| {
            Event::TransportPrecancelOrder(Box::new(OrderCancellation::from_tree(
                t,
                "transport_precancel_order",
            )))
        }),
        ("transport_cancel_order", |t| {
            Event::TransportCancelOrder(Box::new(OrderCancellation::from_tree(
                t,
                "transport_cancel_order",
            )))
        }),
        ("transport_query_order_status", |t| {
            Event::TransportQueryOrderStatus(OrderQuery::from_tree(
                t,
                "transport_query_order_status",
            ))
        }),
        ("transport_confirm_return_to_biz", |t| {
            Event::TransportConfirmReturnToBiz(OrderQuery::from_tree(
                t,
                "transport_confirm_return_to_biz",
            ))
        }),
        ("transport_get_agent_pos", |t| {
            Event::TransportGetAgentPos(AgentPositionQuery::from_tree(t))
        }),
        ("transport_set_rider_score", |t| {
            Event::TransportSetRiderScore(Box::new(RiderScore::from_tree(t)))
        }),
        ("mock_update_order_status", |t| {
            Event::MockUpdateOrderStatus(Box::new(MockStatusUpdate::from_tree(t)))
        }),
        ("get_pre_auth_code", |t| {
            Event::GetPreAuthCode(PreAuthCodeQuery::from_tree(t))
        }),
        ("get_auth_info", |t| {
            Event::GetAuthInfo(AuthInfoQuery::from_tree(t))
        }),
        ("cancel_auth_account", |t| {
            Event::CancelAuthAccount(AuthCancellation::from_tree(t))
        }),
        // The mini-program trade component's events.
        ("open_product_account_register", |t| {
            Event::OpenProductAccountRegister(TradeAccountRegister::from_tree(t))
        }),
        ("open_product_brand_audit", |t| {
            Event::OpenProductBrandAudit(TradeQualificationAudit::from_tree(t))
        }),
        ("open_product_category_audit", |t| {
            Event::OpenProductCategoryAudit(TradeQualificationAudit::from_tree(t))
        }),
        ("open_product_scene_group_audit", |t| {
            Event::OpenProductSceneGroupAudit(TradeSceneGroupAudit::from_tree(t))
        }),
        ("open_product_spu_audit", |t| {
            Event::OpenProductSpuAudit(TradeProductAudit::from_tree(t))
        }),
        ("open_product_spu_status_update", |t| {
            Event::OpenProductSpuStatusUpdate(TradeProductAudit::from_tree(t))
        }),
        ("open_product_order_pay", |t| {
            Event::OpenProductOrderPay(Box::new(TradeOrder::from_tree(t)))
        }),
        ("open_product_order_cancel", |t| {
            Event::OpenProductOrderCancel(Box::new(TradeOrder::from_tree(t)))
        }),
        ("open_product_order_confirm", |t| {
            Event::OpenProductOrderConfirm(Box::new(TradeOrder::from_tree(t)))
        }),
        ("open_product_order_settle", |t| {
            Event::OpenProductOrderSettle(Box::new(TradeOrder::from_tree(t)))
        }),
        ("open_product_order_refund", |t| {
            Event::OpenProductOrderRefund(Box::new(TradeOrder::from_tree(t)))
        }),
        ("open_product_order_analyze", |t| {
            Event::OpenProductOrderAnalyze(Box::new(TradeOrder::from_tree(t)))
        }),
        ("open_product_receive_coupon", |t| {
            Event::OpenProductReceiveCoupon(TradeCouponRequest::from_tree(t))
        }),
        ("aftersale_new_order", |t| {
            Event::AftersaleNewOrder(TradeAftersale::from_tree(t))
        }),
        ("aftersale_user_cancel", |t| {
            Event::AftersaleUserCancel(TradeAftersale::from_tree(t))
        }),
        ("aftersale_refund_success", |t| {
            Event::AftersaleRefundSuccess(TradeAftersale::from_tree(t))
        }),
        ("aftersale_update_order", |t| {
            Event::AftersaleUpdateOrder(TradeAftersale::from_tree(t))
        }),
        ("aftersale_user_modify_return_info", |t| {
            Event::AftersaleUserModifyReturnInfo(TradeAftersale::from_tree(t))
        }),
        ("aftersale_user_confirm_refund_certificate", |t| {
            Event::AftersaleUserConfirmRefundCertificate(TradeAftersale::from_tree(t))
        }),
        ("aftersale_wait_merchant_confirm_receipt", |t| {
            Event::AftersaleWaitMerchantConfirmReceipt(TradeAftersale::from_tree(t))
        }),
        ("aftersale_wait_merchant_offline_refund", |t| {
            Event::AftersaleWaitMerchantOfflineRefund(TradeAftersale::from_tree(t))
        }),
        ("aftersale_merchant_confirm_receipt_overdue", |t| {
            Event::AftersaleMerchantConfirmReceiptOverdue(TradeAftersale::from_tree(t))
        }),
        ("aftersale_merchant_handle_refund_overdue", |t| {
            Event::AftersaleMerchantHandleRefundOverdue(TradeAftersale::from_tree(t))
        }),
        ("aftersale_merchant_handle_return_overdue", |t| {
            Event::AftersaleMerchantHandleReturnOverdue(TradeAftersale::from_tree(t))
        }),
        ("aftersale_user_apply_platform_judge_overdue", |t| {
            Event::AftersaleUserApplyPlatformJudgeOverdue(TradeAftersale::from_tree(t))
        }),
        ("aftersale_user_upload_return_info_overdue", |t| {
            Event::AftersaleUserUploadReturnInfoOverdue(TradeAftersale::from_tree(t))
        }),
        ("funds_order_pay", |t| {
            Event::FundsOrderPay(TradeFundsPay::from_tree(t))
        }),
        ("funds_order_refund", |t| {
            Event::FundsOrderRefund(TradeFundsRefund::from_tree(t))
        }),
        ("funds_order_profitsharing", |t| {
            Event::FundsOrderProfitsharing(TradeFundsProfitSharing::from_tree(t))
        }),
        ("miniprogram_sharer_bind_status_change", |t| {
            Event::MiniprogramSharerBindStatusChange(TradeSharerBind::from_tree(t))
        }),
        ("miniprogram_sharer_action", |t| {
            Event::MiniprogramSharerAction(TradeSharerAction::from_tree(t))
        }),
        // Cards, gift cards, complaints, reviews, media, mini-game payments.
        ("giftcard_pay_done", |t| {
            Event::GiftcardPayDone(GiftCardOrder::from_tree(t))
        }),
        ("giftcard_send_to_friend", |t| {
            Event::GiftcardSendToFriend(GiftCardOrder::from_tree(t))
        }),
        ("giftcard_user_accept", |t| {
            Event::GiftcardUserAccept(GiftCardOrder::from_tree(t))
        }),
        ("card_merchant_check_result", |t| {
            Event::CardMerchantCheckResult(CardMerchantCheck::from_tree(t))
        }),
        ("create_map_poi_audit_info", |t| {
            Event::CreateMapPoiAuditInfo(Box::new(MapPoiAudit::from_tree(t)))
        }),
        ("merchant_order", |t| {
            Event::MerchantOrder(MerchantOrder::from_tree(t))
        }),
        ("complaint_callback", |t| {
            Event::ComplaintCallback(Box::new(TradeComplaint::from_tree(t)))
        }),
        ("wxa_comment_bad_score", |t| {
            Event::WxaCommentBadScore(BadComment::from_tree(t))
        }),
        ("secvod_upload_event", |t| {
            Event::SecvodUploadEvent(MediaUpload::from_tree(t))
        }),
        ("secvod_audit_event", |t| {
            Event::SecvodAuditEvent(DramaAudit::from_tree(t))
        }),
        ("minigame_coin_deliver_completed", |t| {
            Event::MinigameCoinDeliverCompleted(Box::new(MiniGameCoinDeliver::from_tree(t)))
        }),
        ("minigame_recharge_center_coin_deliver_completed", |t| {
            Event::MinigameRechargeCenterCoinDeliverCompleted(Box::new(
                MiniGameCoinDeliver::from_tree(t),
            ))
        }),
        ("minigame_pay_refund_succ_notify", |t| {
            Event::MinigamePayRefundSuccNotify(Box::new(MiniGameRefund::from_tree(t)))
        }),
        ("minigame_h5_goods_deliver_notify", |t| {
            Event::MinigameH5GoodsDeliverNotify(Box::new(MiniGameGoodsDeliver::from_tree(t)))
        }),
        ("minigame_game_pay_goods_deliver_notify", |t| {
            Event::MinigameGamePayGoodsDeliverNotify(Box::new(MiniGameGoodsDeliver::from_tree(t)))
        }),
        ("open_product_order_update", |t| {
            Event::OpenProductOrderUpdate(TradeOrderUpdate::from_tree(t))
        }),
        ("complaint_notify", |t| {
            Event::ComplaintNotify(TradeComplaintNotify::from_tree(t))
        }),
        // The WeChat Store's league, talents and suppliers.
        ("head_supplier_subscribe_product_baseinfo_update", |t| {
            Event::HeadSupplierSubscribeProductBaseinfoUpdate(Box::new(
                LeagueProductInfo::from_tree(t),
            ))
        }),
        ("head_supplier_subscribe_product_planinfo_update", |t| {
            Event::HeadSupplierSubscribeProductPlaninfoUpdate(Box::new(LeaguePlan::from_tree(t)))
        }),
        ("talent_commission_order_update", |t| {
            Event::TalentCommissionOrderUpdate(TalentCommissionOrder::from_tree(t))
        }),
        ("supply_order_new", |t| {
            Event::SupplyOrderNew(SupplyOrder::from_tree(t, "SupplyOrderNew"))
        }),
        ("supply_order_update", |t| {
            Event::SupplyOrderUpdate(SupplyOrder::from_tree(t, "SupplyOrderUpdate"))
        }),
        ("supply_order_cancel", |t| {
            Event::SupplyOrderCancel(SupplyOrder::from_tree(t, "SupplyOrderCancel"))
        }),
        ("supply_order_complete", |t| {
            Event::SupplyOrderComplete(SupplyOrder::from_tree(t, "SupplyOrderComplete"))
        }),
        ("ec_supplier_invite_relation", |t| {
            Event::EcSupplierInviteRelation(SupplierInvite::from_tree(t))
        }),
    ];

    /// Whether this event is a request that waits for an answer in the
    /// HTTP response (an [`EventReply`](crate::callback::EventReply), built
    /// by the request's `reply`; for the virtual-payment pushes a
    /// [`Reply::ack`](crate::callback::Reply::ack)), rather than for
    /// `success`. The callback
    /// processes every delivery of a request, WeChat's retries included,
    /// since each one waits for its answer.
    #[allow(
        clippy::match_like_matches_macro,
        reason = "one arm per family of requests, each commented"
    )]
    pub fn expects_reply(&self) -> bool {
        match self {
            // the logistics helper's, to an express company
            Event::GetQuota(_)
            | Event::CheckBiz(_)
            | Event::AddWaybill(_)
            | Event::CancelWaybill(_)
            | Event::WaybillNotifyQuery(_)
            | Event::QuerySingleWaybillFee(_)
            | Event::AddSingleWaybill(_)
            | Event::CancelSingleWaybill(_)
            | Event::QuerySingleWaybill(_)
            | Event::NotifySingleWaybillPay(_)
            | Event::RemindWaybill(_)
            | Event::WaybillComplaint(_)
            | Event::WaybillEvaluateAgent(_)
            | Event::WaybillQueryExpectTimeRange(_) => true,
            // instant delivery's, to a delivery company
            Event::TransportPrecreateOrder(_)
            | Event::TransportAddOrder(_)
            | Event::TransportReaddOrder(_)
            | Event::TransportAddTips(_)
            | Event::TransportPrecancelOrder(_)
            | Event::TransportCancelOrder(_)
            | Event::TransportQueryOrderStatus(_)
            | Event::TransportConfirmReturnToBiz(_)
            | Event::TransportGetAgentPos(_)
            | Event::TransportSetRiderScore(_)
            | Event::MockUpdateOrderStatus(_)
            | Event::GetPreAuthCode(_)
            | Event::GetAuthInfo(_)
            | Event::CancelAuthAccount(_) => true,
            // virtual payment's, which wait for `Reply::ack` on every
            // delivery (a retry too) before they stop
            Event::XpayGoodsDeliverNotify(_)
            | Event::XpayCoinPayNotify(_)
            | Event::MinigameCoinDeliverCompleted(_)
            | Event::MinigameRechargeCenterCoinDeliverCompleted(_)
            | Event::MinigamePayRefundSuccNotify(_)
            | Event::MinigameH5GoodsDeliverNotify(_)
            | Event::MinigameGamePayGoodsDeliverNotify(_) => true,
            // the trade component's, to the mini program
            Event::OpenProductReceiveCoupon(_) => true,
            _ => false,
        }
    }

    /// An event of [`Self::FROM_TREE`], or [`Event::Other`].
    fn from_tree_event(event: &str, source: Source<'_>) -> Result<Self> {
        let Some((_, make)) = Self::FROM_TREE.iter().find(|(name, _)| is(event, name)) else {
            return Ok(Self::Other);
        };
        let tree = source.tree()?;
        Ok(make(&tree))
    }

    /// The name of every event this version types (compared ignoring case),
    /// the rest being [`Event::Other`].
    pub fn typed_names() -> impl Iterator<Item = &'static str> {
        Self::DIRECT
            .iter()
            .copied()
            .chain(Self::FROM_TREE.iter().map(|(name, _)| *name))
    }

    /// The events read field by field in [`Self::from_raw`].
    const DIRECT: &[&str] = &[
        "subscribe",
        "unsubscribe",
        "SCAN",
        "LOCATION",
        "CLICK",
        "VIEW",
        "TEMPLATESENDJOBFINISH",
        "MASSSENDJOBFINISH",
        "subscribe_msg_popup_event",
        "subscribe_msg_change_event",
        "subscribe_msg_sent_event",
        "weapp_audit_success",
        "weapp_audit_fail",
        "weapp_audit_delay",
    ];
}

fn mass_send_job_finish(raw: &RawFields<'_>, source: Source<'_>) -> Result<MassSendJobFinish> {
    let kind = "MASSSENDJOBFINISH event";
    let tree = source.tree()?;
    let copyright_check_state = tree
        .child("CopyrightCheckResult")
        .and_then(|c| c.text_of("CheckState"))
        .and_then(|s| s.trim().parse().ok());
    let article_urls = tree
        .child("ArticleUrlResult")
        .map(|result| {
            result
                .items("item")
                .filter_map(|item| {
                    Some(ArticleUrl {
                        index: item.text_of("ArticleIdx")?.trim().parse().ok()?,
                        url: item.text_of("ArticleUrl")?.to_owned(),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(MassSendJobFinish {
        msg_id: raw.required_number(Field::JobMsgId, kind)?,
        status: raw.required(Field::Status, kind)?,
        total_count: raw.optional_number(Field::TotalCount, kind)?,
        filter_count: raw.optional_number(Field::FilterCount, kind)?,
        sent_count: raw.optional_number(Field::SentCount, kind)?,
        error_count: raw.optional_number(Field::ErrorCount, kind)?,
        copyright_check_state,
        article_urls,
    })
}

/// The `List` entries of a subscription event: under a wrapper element in
/// XML (`SubscribeMsgPopupEvent`…, whose name the docs do not always spell
/// right), at the top level in JSON, one object or an array.
fn list_items(tree: &Node) -> impl Iterator<Item = &Node> {
    tree.items("List")
}

fn subscribe_choices(source: Source<'_>) -> Result<SubscribeMsgChoices> {
    let tree = source.tree()?;
    let items = list_items(&tree)
        .map(|item| SubscribeMsgChoice {
            template_id: item.text_of("TemplateId").unwrap_or_default().to_owned(),
            subscribe_status: item
                .text_of("SubscribeStatusString")
                .unwrap_or_default()
                .to_owned(),
            popup_scene: item.text_of("PopupScene").map(str::to_owned),
        })
        .collect();
    Ok(SubscribeMsgChoices { items })
}

fn subscribe_sent(source: Source<'_>) -> Result<SubscribeMsgSent> {
    let tree = source.tree()?;
    let items = list_items(&tree)
        .map(|item| {
            let error_code = item.text_of("ErrorCode").unwrap_or("0").trim();
            Ok(SubscribeMsgSentItem {
                template_id: item.text_of("TemplateId").unwrap_or_default().to_owned(),
                msg_id: item.text_of("MsgID").unwrap_or_default().to_owned(),
                error_code: error_code.parse().map_err(|_| {
                    Error::InvalidXml(
                        "subscribe_msg_sent_event: <ErrorCode> is not a number".to_owned(),
                    )
                })?,
                error_status: item.text_of("ErrorStatus").unwrap_or_default().to_owned(),
            })
        })
        .collect::<Result<_>>()?;
    Ok(SubscribeMsgSent { items })
}
