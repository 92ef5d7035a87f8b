//! Request events: pushes that wait for an answer in the HTTP response
//! (the logistics helper's requests to an express company, the
//! instant-delivery platform's to a delivery company). Each decodes from
//! its doc's sample, builds the answer of the doc's answer sample, and is
//! answered on every delivery, WeChat's retries included.

mod delivery;
mod express;

use wechat_api_test_support::callback as support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use support::{Wechat, leaves, now};
use wechat_api::callback::{MessageCallback, Reply, Router};
use wechat_api::event::{Event, Message};
use wechat_api::{Client, Config};

const APPID: &str = "wx5823bf96d3bd56c7";
const TOKEN: &str = "expresstoken";
const AES_KEY: &str = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";

/// A provider's (or a mini program's) own message URL serving `router`, and
/// WeChat's side of it (its token and key).
pub(super) fn provider_url(router: Router) -> (MessageCallback, Wechat) {
    let config = Config::builder()
        .appid(APPID)
        .secret("provider-secret")
        .token(TOKEN)
        .encoding_aes_key(AES_KEY)
        .build()
        .expect("valid configuration");
    let callback = MessageCallback::account(Client::new(config).expect("client"), router)
        .expect("an account's callback");
    (callback, Wechat::new(TOKEN, AES_KEY, APPID))
}

/// The typed request of a push.
pub(super) fn request(document: &str) -> Event {
    let message = if document.starts_with('{') {
        Message::from_json(document)
    } else {
        Message::from_xml(document)
    }
    .expect("decodes");
    assert!(message.expects_reply(), "{message:?} is a request");
    let Message::Event(event) = message else {
        panic!("not an event");
    };
    event.detail
}

/// The answer's leaves, without the header the callback writes
/// (`ToUserName`, `FromUserName`, `CreateTime`), as the doc's answer
/// sample has them.
pub(super) fn answer_leaves(reply: impl Into<Reply>) -> Vec<(String, String)> {
    let xml = reply.into().to_xml("oABCD", "gh_abcdefg", 1_533_042_556);
    leaves(&xml)
        .into_iter()
        .filter(|(path, _)| !matches!(path.as_str(), "ToUserName" | "FromUserName" | "CreateTime"))
        .collect()
}

pub(super) fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// An express company's message URL: WeChat's requests all come from one
/// fixed sender, and a retry is the same document; each is answered, with
/// the typed answer, XML or JSON as it came, encrypted as it came.
#[tokio::test]
async fn every_delivery_of_a_request_is_answered() {
    let runs = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&runs);
    let router = Router::new().event("get_quota", move |message: Message, _client| {
        counted.fetch_add(1, Ordering::SeqCst);
        async move {
            let Message::Event(event) = message else {
                return Ok(None);
            };
            let Event::GetQuota(query) = event.detail else {
                return Ok(None);
            };
            Ok(Some(query.reply(0, "success", 42).into()))
        }
    });
    let (callback, wechat) = provider_url(router);
    let push = express::GET_QUOTA.replace("1533042556", &now().to_string());
    for delivery in 1..=2 {
        let answer = callback.handle_account(wechat.safe_push(&push)).await;
        let reply = wechat.open_reply(&answer);
        assert_eq!(
            support::leaf(&reply, "Quota").as_deref(),
            Some("42"),
            "delivery {delivery}: {reply}"
        );
        assert_eq!(support::leaf(&reply, "Event").as_deref(), Some("get_quota"));
        assert_eq!(
            support::leaf(&reply, "ToUserName").as_deref(),
            Some("oABCD")
        );
    }
    let json = serde_json::json!({
        "ToUserName": "gh_abcdefg", "FromUserName": "oABCD", "CreateTime": now(),
        "MsgType": "event", "Event": "get_quota", "BizID": "xyz", "BizPwd": "xyz123",
        "ShopAppID": "wxABCD",
    })
    .to_string();
    let answer = callback.handle_account(wechat.plain_push(&json)).await;
    let reply: serde_json::Value = serde_json::from_str(&answer.body).expect("a JSON answer");
    assert_eq!(
        (reply["Quota"].as_i64(), reply["BizID"].as_str()),
        (Some(42), Some("xyz"))
    );
    assert_eq!(runs.load(Ordering::SeqCst), 3);
}

/// A virtual-payment push (`xpay_goods_deliver_notify`, safe-mode JSON as a
/// mini program gets it) is answered `{"ErrCode":0,"ErrMsg":"success"}`,
/// plain, on every delivery: WeChat repeats it until it reads that, so a
/// retry answered `success` (as a repeated event is) would never stop.
#[tokio::test]
async fn virtual_payment_pushes_are_acknowledged_on_every_delivery() {
    let runs = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&runs);
    let router = Router::new().event(
        "xpay_goods_deliver_notify",
        move |message: Message, _client| {
            counted.fetch_add(1, Ordering::SeqCst);
            async move {
                assert!(message.expects_reply());
                Ok(Some(Reply::ack(0, "success")))
            }
        },
    );
    let (callback, wechat) = provider_url(router);
    let push = serde_json::json!({
        "ToUserName": "gh_1234567890ab", "FromUserName": "o_wechat_official", "CreateTime": now(),
        "MsgType": "event", "Event": "xpay_goods_deliver_notify",
        "OpenId": "oUrsf0RkSvPgh2t8YI7w6i0nD2nE", "OutTradeNo": "xpay_20231130_0001", "Env": 0,
        "GoodsInfo": {"ProductId": "sword_01", "Quantity": 2, "OrigPrice": 600, "ActualPrice": 500},
    })
    .to_string();
    for delivery in 1..=3 {
        let answer = callback.handle_account(wechat.safe_json_push(&push)).await;
        assert_eq!(answer.status, 200, "delivery {delivery}: {answer:?}");
        assert!(
            answer.content_type.starts_with("application/json"),
            "{answer:?}"
        );
        let body: serde_json::Value = serde_json::from_str(&answer.body).expect("JSON");
        assert_eq!(
            body,
            serde_json::json!({"ErrCode": 0, "ErrMsg": "success"}),
            "delivery {delivery}"
        );
    }
    assert_eq!(runs.load(Ordering::SeqCst), 3);
}
