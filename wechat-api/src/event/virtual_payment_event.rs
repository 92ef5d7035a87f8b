//! A mini program's virtual-payment (虚拟支付) events: an item or tokens
//! paid for and to deliver (`xpay_goods_deliver_notify`,
//! `xpay_coin_pay_notify`), a refund's outcome (`xpay_refund_notify`) and a
//! user's complaint (`xpay_complaint_notify`); their typed detail, read from
//! the push's element tree (WeChat sends them as JSON, or XML).
//!
//! Anything a push lacks is `None`, so a known event never fails on a
//! missing detail. The fields are those of the
//! [virtual-payment doc](https://developers.weixin.qq.com/miniprogram/dev/platform-capabilities/industry/virtual-payment.html)'s
//! push tables.
//! The two delivery pushes wait for `{"ErrCode":0,"ErrMsg":"success"}`
//! ([`Reply::ack`](crate::callback::Reply::ack), not encrypted) and are
//! repeated until they get it: they are request events
//! ([`Event::expects_reply`](super::Event::expects_reply)), so every
//! delivery, a retry too, reaches the handler: deliver once per
//! `out_trade_no`, and answer each delivery.

use serde::Serialize;

use super::tree::{Node, number, text};

/// `xpay_goods_deliver_notify` and `xpay_coin_pay_notify`: a user paid for
/// an item (`GoodsInfo`) or for tokens (`CoinInfo`); deliver it, once per
/// `out_trade_no` (WeChat repeats the push until it is acknowledged).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct XpayDeliver {
    /// `OpenId`: the user.
    pub openid: Option<String>,
    /// `OutTradeNo`: the mini program's order number.
    pub out_trade_no: Option<String>,
    /// `Env`: 0 production, 1 sandbox.
    pub env: Option<u32>,
    /// `WeChatPayInfo/MchOrderNo`: the merchant order number, when paid
    /// through WeChat Pay.
    pub mch_order_no: Option<String>,
    /// `WeChatPayInfo/TransactionId`: the WeChat Pay transaction.
    pub transaction_id: Option<String>,
    /// `WeChatPayInfo/PaidTime`: Unix seconds.
    pub paid_time: Option<i64>,
    /// `GoodsInfo/ProductId`: the item (`xpay_goods_deliver_notify` only).
    pub product_id: Option<String>,
    /// `GoodsInfo/Quantity` or `CoinInfo/Quantity`: how many.
    pub quantity: Option<u64>,
    /// `…/OrigPrice`: the original price, in fen.
    pub orig_price: Option<i64>,
    /// `…/ActualPrice`: the price paid, in fen.
    pub actual_price: Option<i64>,
    /// `…/Attach`: the `attach` given when ordering.
    pub attach: Option<String>,
}

impl XpayDeliver {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        let pay = tree.child("WeChatPayInfo");
        let goods = tree.child("GoodsInfo").or_else(|| tree.child("CoinInfo"));
        Self {
            openid: text(tree, "OpenId"),
            out_trade_no: text(tree, "OutTradeNo"),
            env: number(tree, "Env"),
            mch_order_no: pay.and_then(|p| text(p, "MchOrderNo")),
            transaction_id: pay.and_then(|p| text(p, "TransactionId")),
            paid_time: pay.and_then(|p| number(p, "PaidTime")),
            product_id: goods.and_then(|g| text(g, "ProductId")),
            quantity: goods.and_then(|g| number(g, "Quantity")),
            orig_price: goods.and_then(|g| number(g, "OrigPrice")),
            actual_price: goods.and_then(|g| number(g, "ActualPrice")),
            attach: goods.and_then(|g| text(g, "Attach")),
        }
    }
}

/// `xpay_refund_notify`: the outcome of a refund.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct XpayRefund {
    /// `OpenId`: the user.
    pub openid: Option<String>,
    /// `WxRefundId`: WeChat's refund number.
    pub wx_refund_id: Option<String>,
    /// `MchRefundId`: the merchant's refund number.
    pub mch_refund_id: Option<String>,
    /// `WxOrderId`: WeChat's number of the refunded order.
    pub wx_order_id: Option<String>,
    /// `MchOrderId`: the merchant's number of the refunded order.
    pub mch_order_id: Option<String>,
    /// `RefundFee`: the amount refunded, in fen.
    pub refund_fee: Option<i64>,
    /// `RetCode`: 0 refunded, anything else failed.
    pub ret_code: Option<i64>,
    /// `RetMsg`: why it failed.
    pub ret_msg: Option<String>,
    /// `RefundStartTimestamp`: Unix seconds.
    pub refund_start_timestamp: Option<i64>,
    /// `RefundSuccTimestamp`: Unix seconds.
    pub refund_succ_timestamp: Option<i64>,
    /// `WxpayRefundTransactionId`: the refund's WeChat Pay number.
    pub wxpay_refund_transaction_id: Option<String>,
    /// `RetryTimes`: how many times the push was retried, from 0.
    pub retry_times: Option<u32>,
}

impl XpayRefund {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            openid: text(tree, "OpenId"),
            wx_refund_id: text(tree, "WxRefundId"),
            mch_refund_id: text(tree, "MchRefundId"),
            wx_order_id: text(tree, "WxOrderId"),
            mch_order_id: text(tree, "MchOrderId"),
            refund_fee: number(tree, "RefundFee"),
            ret_code: number(tree, "RetCode"),
            ret_msg: text(tree, "RetMsg"),
            refund_start_timestamp: number(tree, "RefundStartTimestamp"),
            refund_succ_timestamp: number(tree, "RefundSuccTimestamp"),
            wxpay_refund_transaction_id: text(tree, "WxpayRefundTransactionId"),
            retry_times: number(tree, "RetryTimes"),
        }
    }
}

/// `xpay_complaint_notify`: a user complained about a payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct XpayComplaint {
    /// `OpenId`: the user.
    pub openid: Option<String>,
    /// `WxOrderId`: WeChat's order number.
    pub wx_order_id: Option<String>,
    /// `MchOrderId`: the merchant's order number.
    pub mch_order_id: Option<String>,
    /// `TransactionId`: the WeChat Pay transaction.
    pub transaction_id: Option<String>,
    /// `ComplaintId`: the complaint, for the complaint APIs.
    pub complaint_id: Option<String>,
    /// `ComplaintDetail`: what the user wrote.
    pub complaint_detail: Option<String>,
    /// `ComplaintTime`: Unix seconds.
    pub complaint_time: Option<i64>,
    /// `RetryTimes`: how many times the push was retried, from 0.
    pub retry_times: Option<u32>,
    /// `RequestId`: the push's request id.
    pub request_id: Option<String>,
}

impl XpayComplaint {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            openid: text(tree, "OpenId"),
            wx_order_id: text(tree, "WxOrderId"),
            mch_order_id: text(tree, "MchOrderId"),
            transaction_id: text(tree, "TransactionId"),
            complaint_id: text(tree, "ComplaintId"),
            complaint_detail: text(tree, "ComplaintDetail"),
            complaint_time: number(tree, "ComplaintTime"),
            retry_times: number(tree, "RetryTimes"),
            request_id: text(tree, "RequestId"),
        }
    }
}
