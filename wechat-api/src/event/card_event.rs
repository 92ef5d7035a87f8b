//! The card and coupon (卡券) events an official account receives: reviews,
//! users getting, giving, deleting, redeeming and opening cards, member-card
//! changes, stock alarms and coupon-point orders; their typed detail, read
//! from the push's element tree.
//!
//! Fields are the documented elements of
//! [the card event pushes](https://developers.weixin.qq.com/doc/offiaccount/Cards_and_Offer/Coupons_Vouchers_and_Cards_Event_Push_Messages.html);
//! anything a push lacks is `None`, so a known event never fails on a
//! missing detail.

use serde::Serialize;

use super::tree::{Node, number, text};

/// `card_pass_check` and `card_not_pass_check`: a card's review finished.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CardAudit {
    /// `CardId`: the card.
    pub card_id: Option<String>,
    /// `RefuseReason`: why it was rejected.
    pub refuse_reason: Option<String>,
}

impl CardAudit {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            card_id: text(tree, "CardId"),
            refuse_reason: text(tree, "RefuseReason"),
        }
    }
}

/// `user_get_card`: a user got a card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CardReceive {
    /// `CardId`: the card.
    pub card_id: Option<String>,
    /// `UserCardCode`: the code of the user's card.
    pub user_card_code: Option<String>,
    /// `IsGiveByFriend`: 1 when a friend gave it.
    pub is_give_by_friend: Option<u32>,
    /// `FriendUserName`: the giver's OpenID, when given.
    pub friend_user_name: Option<String>,
    /// `OldUserCardCode`: the giver's code, when given.
    pub old_user_card_code: Option<String>,
    /// `OuterId`: the scene value (numeric, older cards).
    pub outer_id: Option<i64>,
    /// `OuterStr`: the scene string set in the QR code or `add_card`.
    pub outer_str: Option<String>,
    /// `IsRestoreMemberCard`: 1 when the user got back a deleted member card.
    pub is_restore_member_card: Option<u32>,
    /// `IsRecommendByFriend`: 1 when a friend recommended it.
    pub is_recommend_by_friend: Option<u32>,
    /// `UnionId`: the user's UnionID, when the account is bound to an
    /// Open Platform account.
    pub union_id: Option<String>,
}

impl CardReceive {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            card_id: text(tree, "CardId"),
            user_card_code: text(tree, "UserCardCode"),
            is_give_by_friend: number(tree, "IsGiveByFriend"),
            friend_user_name: text(tree, "FriendUserName"),
            old_user_card_code: text(tree, "OldUserCardCode"),
            outer_id: number(tree, "OuterId"),
            outer_str: text(tree, "OuterStr"),
            is_restore_member_card: number(tree, "IsRestoreMemberCard"),
            is_recommend_by_friend: number(tree, "IsRecommendByFriend"),
            union_id: text(tree, "UnionId"),
        }
    }
}

/// `user_gifting_card`: a user gave a card to a friend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CardGift {
    /// `CardId`: the card.
    pub card_id: Option<String>,
    /// `UserCardCode`: the code given.
    pub user_card_code: Option<String>,
    /// `FriendUserName`: the receiver's OpenID.
    pub friend_user_name: Option<String>,
    /// `IsReturnBack`: 1 when the gift came back (not accepted in time).
    pub is_return_back: Option<u32>,
    /// `IsChatRoom`: 1 when given in a group chat.
    pub is_chat_room: Option<u32>,
}

impl CardGift {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            card_id: text(tree, "CardId"),
            user_card_code: text(tree, "UserCardCode"),
            friend_user_name: text(tree, "FriendUserName"),
            is_return_back: number(tree, "IsReturnBack"),
            is_chat_room: number(tree, "IsChatRoom"),
        }
    }
}

/// `user_del_card`, `user_enter_session_from_card` and
/// `submit_membercard_user_info`: which card of the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CardCode {
    /// `CardId`: the card.
    pub card_id: Option<String>,
    /// `UserCardCode`: the code of the user's card.
    pub user_card_code: Option<String>,
}

impl CardCode {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            card_id: text(tree, "CardId"),
            user_card_code: text(tree, "UserCardCode"),
        }
    }
}

/// `user_consume_card`: a card was redeemed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CardConsume {
    /// `CardId`: the card.
    pub card_id: Option<String>,
    /// `UserCardCode`: the code redeemed.
    pub user_card_code: Option<String>,
    /// `ConsumeSource`: `FROM_API`, `FROM_MP`, `FROM_MOBILE_HELPER`…
    pub consume_source: Option<String>,
    /// `LocationName`: the store's name (self-service and pay-cell redemptions).
    pub location_name: Option<String>,
    /// `StaffOpenId`: the staff member's OpenID (merchant-helper redemptions).
    pub staff_open_id: Option<String>,
    /// `VerifyCode`: the code the user typed (self-service redemptions).
    pub verify_code: Option<String>,
    /// `RemarkAmount`: the amount the user noted (self-service redemptions).
    pub remark_amount: Option<String>,
    /// `OuterStr`: the caller's channel string, given when redeeming.
    pub outer_str: Option<String>,
}

impl CardConsume {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            card_id: text(tree, "CardId"),
            user_card_code: text(tree, "UserCardCode"),
            consume_source: text(tree, "ConsumeSource"),
            location_name: text(tree, "LocationName"),
            staff_open_id: text(tree, "StaffOpenId"),
            verify_code: text(tree, "VerifyCode"),
            remark_amount: text(tree, "RemarkAmount"),
            outer_str: text(tree, "OuterStr"),
        }
    }
}

/// `user_pay_from_pay_cell`: a user paid through a card's pay cell (买单).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CardPayCell {
    /// `CardId`: the card.
    pub card_id: Option<String>,
    /// `UserCardCode`: the code used.
    pub user_card_code: Option<String>,
    /// `TransId`: the WeChat Pay transaction.
    pub trans_id: Option<String>,
    /// `LocationId`: the store's id.
    pub location_id: Option<String>,
    /// `Fee`: paid, in fen.
    pub fee: Option<i64>,
    /// `OriginalFee`: due before the discount, in fen.
    pub original_fee: Option<i64>,
}

impl CardPayCell {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            card_id: text(tree, "CardId"),
            user_card_code: text(tree, "UserCardCode"),
            trans_id: text(tree, "TransId"),
            location_id: text(tree, "LocationId"),
            fee: number(tree, "Fee"),
            original_fee: number(tree, "OriginalFee"),
        }
    }
}

/// `user_view_card`: a user opened a member card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CardView {
    /// `CardId`: the card.
    pub card_id: Option<String>,
    /// `UserCardCode`: the code of the user's card.
    pub user_card_code: Option<String>,
    /// `OuterStr`: the channel string of the QR code it was opened through.
    pub outer_str: Option<String>,
}

impl CardView {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            card_id: text(tree, "CardId"),
            user_card_code: text(tree, "UserCardCode"),
            outer_str: text(tree, "OuterStr"),
        }
    }
}

/// `update_member_card`: a member card's points or balance changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct MemberCardUpdate {
    /// `CardId`: the card.
    pub card_id: Option<String>,
    /// `UserCardCode`: the code of the user's card.
    pub user_card_code: Option<String>,
    /// `ModifyBonus`: the change in points.
    pub modify_bonus: Option<i64>,
    /// `ModifyBalance`: the change in balance.
    pub modify_balance: Option<i64>,
}

impl MemberCardUpdate {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            card_id: text(tree, "CardId"),
            user_card_code: text(tree, "UserCardCode"),
            modify_bonus: number(tree, "ModifyBonus"),
            modify_balance: number(tree, "ModifyBalance"),
        }
    }
}

/// `card_sku_remind`: a card's stock is running out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CardSkuRemind {
    /// `CardId`: the card.
    pub card_id: Option<String>,
    /// `Detail`: the alarm's text.
    pub detail: Option<String>,
}

impl CardSkuRemind {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            card_id: text(tree, "CardId"),
            detail: text(tree, "Detail"),
        }
    }
}

/// `card_pay_order`: a change of the account's coupon points (券点).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CardPayOrder {
    /// `OrderId`: the order.
    pub order_id: Option<String>,
    /// `Status`: `ORDER_STATUS_WAITING`, `ORDER_STATUS_SUCC`…
    pub status: Option<String>,
    /// `CreateOrderTime`: Unix seconds the payment QR code was made.
    pub create_order_time: Option<i64>,
    /// `PayFinishTime`: Unix seconds the payment succeeded.
    pub pay_finish_time: Option<i64>,
    /// `Desc`: the order's description.
    pub desc: Option<String>,
    /// `FreeCoinCount`: free points left.
    pub free_coin_count: Option<String>,
    /// `PayCoinCount`: paid points left.
    pub pay_coin_count: Option<String>,
    /// `RefundFreeCoinCount`: free points changed by this order.
    pub refund_free_coin_count: Option<String>,
    /// `RefundPayCoinCount`: paid points changed by this order.
    pub refund_pay_coin_count: Option<String>,
    /// `OrderType`: `ORDER_TYPE_SYS_ADD`, `ORDER_TYPE_WXPAY`,
    /// `ORDER_TYPE_REFUND`, `ORDER_TYPE_REDUCE`, `ORDER_TYPE_SYS_REDUCE`.
    pub order_type: Option<String>,
    /// `Memo`: WeChat's note on why.
    pub memo: Option<String>,
    /// `ReceiptInfo`: the invoice's details.
    pub receipt_info: Option<String>,
}

impl CardPayOrder {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            order_id: text(tree, "OrderId"),
            status: text(tree, "Status"),
            create_order_time: number(tree, "CreateOrderTime"),
            pay_finish_time: number(tree, "PayFinishTime"),
            desc: text(tree, "Desc"),
            free_coin_count: text(tree, "FreeCoinCount"),
            pay_coin_count: text(tree, "PayCoinCount"),
            refund_free_coin_count: text(tree, "RefundFreeCoinCount"),
            refund_pay_coin_count: text(tree, "RefundPayCoinCount"),
            order_type: text(tree, "OrderType"),
            memo: text(tree, "Memo"),
            receipt_info: text(tree, "ReceiptInfo"),
        }
    }
}

/// `card_merchant_check_result`: the review of a sub-merchant (子商户) a
/// third party makes cards for
/// ([third-party developer mode](https://developers.weixin.qq.com/doc/offiaccount/Cards_and_Offer/Third-party_developer_mode.html)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CardMerchantCheck {
    /// `MerchantId`: the sub-merchant.
    pub merchant_id: Option<String>,
    /// `IsPass`: 1 when approved, 0 when rejected.
    pub is_pass: Option<u32>,
    /// `Reason`: why it was rejected.
    pub reason: Option<String>,
}

impl CardMerchantCheck {
    pub(crate) fn from_tree(tree: &Node) -> Self {
        Self {
            merchant_id: text(tree, "MerchantId"),
            is_pass: number(tree, "IsPass"),
            reason: text(tree, "Reason"),
        }
    }
}
