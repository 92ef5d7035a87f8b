//! The gift-card (礼品卡) events an official account receives from the
//! gift-card mini program: a user paid for gift cards
//! (`giftcard_pay_done`), gave them to a friend (`giftcard_send_to_friend`)
//! and a friend accepted them (`giftcard_user_accept`); their typed detail,
//! read from the push's element tree.
//!
//! The three pushes share one shape: the shelf and the order, and for the
//! giving ones whether it happened in a group chat. Anything a push lacks is
//! `None`, so a known event never fails on a missing detail. The fields are
//! those of the
//! [gift-card doc](https://developers.weixin.qq.com/doc/offiaccount/Cards_and_Offer/gift_card.html)'s
//! §10 callbacks.

use serde::Serialize;

use super::tree::{Node, text};

/// `giftcard_pay_done`, `giftcard_send_to_friend` and
/// `giftcard_user_accept`: a gift-card order was paid, given to a friend,
/// or accepted by the friend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct GiftCardOrder {
    /// `PageId`: the gift-card shelf (货架) the order was placed on.
    pub page_id: Option<String>,
    /// `OrderId`: the gift-card order, for the order query APIs.
    pub order_id: Option<String>,
    /// `IsChatRoom`: whether the cards were given in a group chat
    /// (`giftcard_send_to_friend`, `giftcard_user_accept`).
    pub is_chat_room: Option<bool>,
    /// `IsReturnBack`: whether the gift came back to the giver, not accepted
    /// in time (`giftcard_send_to_friend`).
    pub is_return_back: Option<bool>,
}

impl GiftCardOrder {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            page_id: text(tree, "PageId"),
            order_id: text(tree, "OrderId"),
            is_chat_room: flag(tree, "IsChatRoom"),
            is_return_back: flag(tree, "IsReturnBack"),
        }
    }
}

/// A yes/no element: the doc's samples send `true`/`false`, WeChat's other
/// card pushes `1`/`0`; anything else is `None`.
fn flag(node: &Node, name: &str) -> Option<bool> {
    match text(node, name)?.to_ascii_lowercase().as_str() {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}
