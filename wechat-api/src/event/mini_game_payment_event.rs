//! A mini game's virtual-payment (虚拟支付) pushes: game coins bought by a
//! player were added to their account (`minigame_coin_deliver_completed`,
//! or `minigame_recharge_center_coin_deliver_completed` when bought in the
//! recharge centre), a payment was refunded
//! (`minigame_pay_refund_succ_notify`), or an item bought directly is to be
//! delivered (`minigame_h5_goods_deliver_notify` from the store,
//! `minigame_game_pay_goods_deliver_notify` in the game); their typed
//! detail, read from the push's element tree.
//!
//! Every such push carries its facts twice: `MiniGame/Payload` is a JSON
//! text (JSON even when the push is XML), signed by `MiniGame/PayEventSig` =
//! hex(HMAC-SHA256(AppKey, event + `&` + payload)) with the payment AppKey
//! of the payload's `Env`; the payload is kept as received, for that check,
//! and its fields are read from it. A payload that is not JSON leaves them
//! `None`, as does anything a push lacks, so a known event never fails on a
//! missing detail. The fields are those of the
//! [event subscription doc](https://developers.weixin.qq.com/minigame/dev/guide/open-ability/virtual-payment/event.html)
//! and of the
//! [direct item purchase doc](https://developers.weixin.qq.com/minigame/dev/guide/open-ability/virtual-payment/goods.html).
//! WeChat expects `{"ErrCode":0,"ErrMsg":"Success"}` in answer
//! ([`Reply::ack`](crate::callback::Reply::ack), not encrypted) and repeats
//! the push until it gets it; these are request events
//! ([`Event::expects_reply`](super::Event::expects_reply)), so every
//! delivery, a retry too, reaches the handler: deliver once per order, and
//! answer each delivery.

use serde::Serialize;

use super::tree::{Node, number, text};

/// The `MiniGame` envelope every virtual-payment push shares: the signed
/// payload as received, its signature, the mock flag, and the payload
/// parsed (when it is JSON).
struct Envelope {
    payload: Option<String>,
    pay_event_sig: Option<String>,
    is_mock: Option<bool>,
    body: Option<Node>,
}

impl Envelope {
    fn read(tree: &Node) -> Self {
        let game = tree.child("MiniGame").unwrap_or(tree);
        // The payload is exactly what was signed: keep it untrimmed.
        let payload = game
            .text_of("Payload")
            .filter(|p| !p.is_empty())
            .map(str::to_owned);
        let body = payload
            .as_deref()
            .and_then(|p| serde_json::from_str::<serde_json::Value>(p).ok())
            .map(|value| Node::from_json(&value));
        Self {
            pay_event_sig: text(game, "PayEventSig"),
            is_mock: text(game, "IsMock").and_then(|m| match m.as_str() {
                "true" | "1" => Some(true),
                "false" | "0" => Some(false),
                _ => None,
            }),
            payload,
            body,
        }
    }

    /// A field of the payload's `WeChatPayInfo`.
    fn pay(&self, name: &str) -> Option<String> {
        self.body
            .as_ref()
            .and_then(|b| b.child("WeChatPayInfo"))
            .and_then(|p| text(p, name))
    }
}

/// `minigame_coin_deliver_completed` and
/// `minigame_recharge_center_coin_deliver_completed`: a player's game coins
/// were delivered, bought in the game or in the recharge centre (the doc
/// asks to rely on the coin balance, not on this push alone).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct MiniGameCoinDeliver {
    /// `MiniGame/Payload`: the signed JSON text, as received.
    pub payload: Option<String>,
    /// `MiniGame/PayEventSig`: the payload's signature, in hex.
    pub pay_event_sig: Option<String>,
    /// `MiniGame/IsMock`: a test push of random values, sent when the
    /// subscription is set up: check its form, act on nothing.
    pub is_mock: Option<bool>,
    /// Payload `OpenId`: the player.
    pub openid: Option<String>,
    /// Payload `OutTradeNo`: the game's order number (starting with `_`
    /// when the game gave none and WeChat made one up).
    pub out_trade_no: Option<String>,
    /// Payload `Env`: 0 production, 1 sandbox.
    pub env: Option<u32>,
    /// Payload `WeChatPayInfo/MchOrderNo`: the merchant order number, when
    /// paid through WeChat Pay.
    pub mch_order_no: Option<String>,
    /// Payload `WeChatPayInfo/TransactionId`: the WeChat Pay transaction.
    pub transaction_id: Option<String>,
    /// Payload `CoinInfo/ZoneId`: the game zone (not in recharge-centre
    /// pushes).
    pub zone_id: Option<String>,
    /// Payload `CoinInfo/ActualPrice`: paid, in fen.
    pub actual_price: Option<i64>,
    /// Payload `CoinInfo/TotalPrice`: the total price, in fen (the doc's
    /// samples send it in place of `ActualPrice`).
    pub total_price: Option<i64>,
    /// Payload `CoinInfo/BuyQuantity`: how many coins.
    pub buy_quantity: Option<u64>,
    /// Payload `CoinInfo/OrigPrice`: the original price, in fen.
    pub orig_price: Option<i64>,
}

impl MiniGameCoinDeliver {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        let envelope = Envelope::read(tree);
        let body = envelope.body.as_ref();
        let coin = body.and_then(|b| b.child("CoinInfo"));
        Self {
            openid: body.and_then(|b| text(b, "OpenId")),
            out_trade_no: body.and_then(|b| text(b, "OutTradeNo")),
            env: body.and_then(|b| number(b, "Env")),
            mch_order_no: envelope.pay("MchOrderNo"),
            transaction_id: envelope.pay("TransactionId"),
            zone_id: coin.and_then(|c| text(c, "ZoneId")),
            actual_price: coin.and_then(|c| number(c, "ActualPrice")),
            total_price: coin.and_then(|c| number(c, "TotalPrice")),
            buy_quantity: coin.and_then(|c| number(c, "BuyQuantity")),
            orig_price: coin.and_then(|c| number(c, "OrigPrice")),
            payload: envelope.payload,
            pay_event_sig: envelope.pay_event_sig,
            is_mock: envelope.is_mock,
        }
    }
}

/// `minigame_pay_refund_succ_notify`: a payment was refunded (game coins
/// or an item bought directly).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct MiniGameRefund {
    /// `MiniGame/Payload`: the signed JSON text, as received.
    pub payload: Option<String>,
    /// `MiniGame/PayEventSig`: the payload's signature, in hex.
    pub pay_event_sig: Option<String>,
    /// `MiniGame/IsMock`: a test push of random values: check its form,
    /// act on nothing.
    pub is_mock: Option<bool>,
    /// Payload `RefundId`: the mini game's refund number.
    pub refund_id: Option<String>,
    /// Payload `RefundAmount`: refunded, in fen.
    pub refund_amount: Option<i64>,
    /// Payload `RefundSource`: who asked for it: 1 the platform, 2 the MP
    /// console, 3 the API.
    pub refund_source: Option<u32>,
    /// Payload `Env`: 0 production, 1 sandbox.
    pub env: Option<u32>,
    /// Payload `OutTradeNo`: the game's order number.
    pub out_trade_no: Option<String>,
    /// Payload `WeChatPayInfo/MchOrderNo`: the refunded payment's merchant
    /// order number, when paid through WeChat Pay.
    pub mch_order_no: Option<String>,
    /// Payload `WeChatPayInfo/TransactionId`: the refunded payment's WeChat
    /// Pay transaction.
    pub transaction_id: Option<String>,
}

impl MiniGameRefund {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        let envelope = Envelope::read(tree);
        let body = envelope.body.as_ref();
        Self {
            refund_id: body.and_then(|b| text(b, "RefundId")),
            refund_amount: body.and_then(|b| number(b, "RefundAmount")),
            refund_source: body.and_then(|b| number(b, "RefundSource")),
            env: body.and_then(|b| number(b, "Env")),
            out_trade_no: body.and_then(|b| text(b, "OutTradeNo")),
            mch_order_no: envelope.pay("MchOrderNo"),
            transaction_id: envelope.pay("TransactionId"),
            payload: envelope.payload,
            pay_event_sig: envelope.pay_event_sig,
            is_mock: envelope.is_mock,
        }
    }
}

/// `minigame_h5_goods_deliver_notify` and
/// `minigame_game_pay_goods_deliver_notify`: a player bought an item
/// directly, in the store or in the game: deliver it once, however often
/// the push repeats for the same `OutTradeNo`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct MiniGameGoodsDeliver {
    /// `MiniGame/Payload`: the signed JSON text, as received.
    pub payload: Option<String>,
    /// `MiniGame/PayEventSig`: the payload's signature, in hex.
    pub pay_event_sig: Option<String>,
    /// `MiniGame/IsMock`: a test push, sent when the delivery push is
    /// switched on: check its form, deliver nothing.
    pub is_mock: Option<bool>,
    /// Payload `OpenId`: the player who gets the item.
    pub openid: Option<String>,
    /// Payload `Env`: 0 production, 1 sandbox.
    pub env: Option<u32>,
    /// Payload `OutTradeNo`: the order number.
    pub out_trade_no: Option<String>,
    /// Payload `GoodsInfo/ProductId`: the game's item id.
    pub product_id: Option<String>,
    /// Payload `GoodsInfo/Quantity`: how many.
    pub quantity: Option<u64>,
    /// Payload `GoodsInfo/ZoneId`: the game zone.
    pub zone_id: Option<String>,
    /// Payload `GoodsInfo/OrigPrice`: the original price, in fen.
    pub orig_price: Option<i64>,
    /// Payload `GoodsInfo/ActualPrice`: paid, in fen.
    pub actual_price: Option<i64>,
    /// Payload `GoodsInfo/Attach`: the game's data, passed through.
    pub attach: Option<String>,
    /// Payload `GoodsInfo/OrderSource`: 1 in the game, 2 the store, 3 a
    /// store test order.
    pub order_source: Option<u32>,
    /// Payload `WeChatPayInfo/MchOrderNo`: the merchant order number (WeChat
    /// Pay only).
    pub mch_order_no: Option<String>,
    /// Payload `WeChatPayInfo/TransactionId`: the WeChat Pay transaction.
    pub transaction_id: Option<String>,
}

impl MiniGameGoodsDeliver {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        let envelope = Envelope::read(tree);
        let body = envelope.body.as_ref();
        let goods = body.and_then(|b| b.child("GoodsInfo"));
        Self {
            openid: body.and_then(|b| text(b, "OpenId")),
            env: body.and_then(|b| number(b, "Env")),
            out_trade_no: body.and_then(|b| text(b, "OutTradeNo")),
            product_id: goods.and_then(|g| text(g, "ProductId")),
            quantity: goods.and_then(|g| number(g, "Quantity")),
            zone_id: goods.and_then(|g| text(g, "ZoneId")),
            orig_price: goods.and_then(|g| number(g, "OrigPrice")),
            actual_price: goods.and_then(|g| number(g, "ActualPrice")),
            attach: goods.and_then(|g| text(g, "Attach")),
            order_source: goods.and_then(|g| number(g, "OrderSource")),
            mch_order_no: envelope.pay("MchOrderNo"),
            transaction_id: envelope.pay("TransactionId"),
            payload: envelope.payload,
            pay_event_sig: envelope.pay_event_sig,
            is_mock: envelope.is_mock,
        }
    }
}
