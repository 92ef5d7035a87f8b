//! A mini game's virtual-payment (虚拟支付) event subscription: game coins
//! bought by a player were added to their account
//! (`minigame_coin_deliver_completed`); its typed detail, read from the
//! push's element tree.
//!
//! The push carries its facts twice: `MiniGame/Payload` is a JSON text
//! (JSON even when the push is XML), signed by `MiniGame/PayEventSig` =
//! hex(HMAC-SHA256(AppKey, event + `&` + payload)) with the payment AppKey
//! of the payload's `Env`; the payload is kept as received, for that check,
//! and its fields are read from it. A payload that is not JSON leaves them
//! `None`, as does anything a push lacks, so a known event never fails on a
//! missing detail. The fields are those of the
//! [event subscription doc](https://developers.weixin.qq.com/minigame/dev/guide/open-ability/virtual-payment/event.html).
//! WeChat expects `{"ErrCode":0,"ErrMsg":"Success"}` (or its XML form) in
//! answer, and repeats the push until it gets it.

use serde::Serialize;

use super::tree::{Node, number, text};

/// `minigame_coin_deliver_completed`: a player's game coins were delivered
/// (the doc asks to rely on the coin balance, not on this push alone).
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
    /// Payload `CoinInfo/ZoneId`: the game zone.
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
        let game = tree.child("MiniGame").unwrap_or(tree);
        // The payload is exactly what was signed: keep it untrimmed.
        let payload = game
            .text_of("Payload")
            .filter(|p| !p.is_empty())
            .map(str::to_owned);
        let parsed = payload
            .as_deref()
            .and_then(|p| serde_json::from_str::<serde_json::Value>(p).ok())
            .map(|value| Node::from_json(&value));
        let body = parsed.as_ref();
        let pay = body.and_then(|b| b.child("WeChatPayInfo"));
        let coin = body.and_then(|b| b.child("CoinInfo"));
        Self {
            pay_event_sig: text(game, "PayEventSig"),
            is_mock: text(game, "IsMock").and_then(|m| match m.as_str() {
                "true" | "1" => Some(true),
                "false" | "0" => Some(false),
                _ => None,
            }),
            openid: body.and_then(|b| text(b, "OpenId")),
            out_trade_no: body.and_then(|b| text(b, "OutTradeNo")),
            env: body.and_then(|b| number(b, "Env")),
            mch_order_no: pay.and_then(|p| text(p, "MchOrderNo")),
            transaction_id: pay.and_then(|p| text(p, "TransactionId")),
            zone_id: coin.and_then(|c| text(c, "ZoneId")),
            actual_price: coin.and_then(|c| number(c, "ActualPrice")),
            total_price: coin.and_then(|c| number(c, "TotalPrice")),
            buy_quantity: coin.and_then(|c| number(c, "BuyQuantity")),
            orig_price: coin.and_then(|c| number(c, "OrigPrice")),
            payload,
        }
    }
}
