//! The service-provider half of WeChat Pay's state: sub-merchants, media,
//! onboardings, partner orders and refunds, profit sharing, complaints and
//! transfers. It lives in [`PayWorld::sp`](super::state::PayWorld), under
//! the same mutex as the rest.

use std::collections::HashMap;

use super::applyment::Applyment;
use super::complaints::Complaint;
use super::media::Media;
use super::partner::SubMerchant;
use super::partner_orders::{OrderKey, PartnerOrder};
use super::partner_refunds::{PartnerRefund, RefundKey};
use super::profitsharing::{SharingOrder, SharingReturn};
use super::receivers::Receiver;
use super::settlement::SettlementApplication;
use super::transfers::Transfer;

/// Everything WeChat Pay knows about service providers.
#[derive(Debug, Default)]
pub(crate) struct SpWorld {
    pub sub_merchants: Vec<SubMerchant>,
    /// `media_id` → file.
    pub media: HashMap<String, Media>,
    pub applyments: Vec<Applyment>,
    pub settlement_applications: Vec<SettlementApplication>,
    /// `(sp_mchid, sub_mchid, out_trade_no)` → order.
    pub partner_orders: HashMap<OrderKey, PartnerOrder>,
    /// `(sp_mchid, sub_mchid, out_refund_no)` → refund.
    pub partner_refunds: HashMap<RefundKey, PartnerRefund>,
    pub receivers: Vec<Receiver>,
    pub sharing_orders: Vec<SharingOrder>,
    pub returns: Vec<SharingReturn>,
    /// Receiver mchid → where its `PROFITSHARING.*` notifications go.
    pub profitsharing_urls: HashMap<String, String>,
    /// mchid → complaint notification URL.
    pub complaint_urls: HashMap<String, String>,
    pub complaints: Vec<Complaint>,
    /// `(mchid, out_bill_no)` → transfer.
    pub transfers: HashMap<(String, String), Transfer>,
}
