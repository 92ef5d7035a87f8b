//! Duplicate and replay detection across a cluster: two instances (each
//! with its own client and Redis connection, as two processes would have)
//! sharing a real `redis-server` process a message, a retry of it, or a
//! repeated component push exactly once between them.
//!
//! Never skipped: without `redis-server` these tests fail with a message.

use wechat_api_test_support::callback as support;
use wechat_api_test_support::redis as redis_server;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use redis_server::RedisServer;
use support::*;
use wechat_api::callback::{CallbackResponse, ComponentCallback, MessageCallback, Reply, Router};
use wechat_api::token::RedisStore;

async fn instance_client(server: &RedisServer) -> wechat_api::Client {
    let store = RedisStore::connect(server.url())
        .await
        .expect("connect to the test redis-server");
    client_with(Arc::new(store), None)
}

fn counting(count: &Arc<AtomicUsize>) -> Router {
    let count = Arc::clone(count);
    Router::new().fallback(move |_, _| {
        let count = Arc::clone(&count);
        async move {
            count.fetch_add(1, Ordering::SeqCst);
            Ok(Some(Reply::text("handled")))
        }
    })
}

#[tokio::test]
async fn a_message_and_its_retries_are_processed_once_in_the_cluster() {
    let server = RedisServer::start();
    let count = Arc::new(AtomicUsize::new(0));
    let one = MessageCallback::new(instance_client(&server).await, counting(&count)).unwrap();
    let two = MessageCallback::new(instance_client(&server).await, counting(&count)).unwrap();
    let wechat = Wechat::default();

    // the first delivery reaches instance one, WeChat's retry instance two
    let first = one.handle(AUTHORIZER, wechat.safe_push(TEXT)).await;
    assert_eq!(
        leaf(&wechat.open_reply(&first), "Content").as_deref(),
        Some("handled")
    );
    let retry = two.handle(AUTHORIZER, wechat.safe_push(TEXT)).await;
    assert_eq!(retry, CallbackResponse::success());
    assert_eq!(count.load(Ordering::SeqCst), 1);

    // the same event delivered to both at once: one of them processes it
    let (a, b) = tokio::join!(
        one.handle(AUTHORIZER, wechat.safe_push(CLICK)),
        two.handle(AUTHORIZER, wechat.safe_push(CLICK)),
    );
    assert_eq!(count.load(Ordering::SeqCst), 2);
    let successes = [&a, &b]
        .iter()
        .filter(|r| ***r == CallbackResponse::success())
        .count();
    assert_eq!(successes, 1, "one answered the reply, the other `success`");

    // different messages are all processed
    for id in 1..=4 {
        let instance = if id % 2 == 0 { &one } else { &two };
        let xml = TEXT.replace("1234567890123456", &id.to_string());
        instance.handle(AUTHORIZER, wechat.safe_push(&xml)).await;
    }
    assert_eq!(count.load(Ordering::SeqCst), 6);
}

#[tokio::test]
async fn a_component_push_is_processed_once_in_the_cluster() {
    let server = RedisServer::start();
    let seen = Arc::new(AtomicUsize::new(0));
    let hook = |seen: &Arc<AtomicUsize>| {
        let seen = Arc::clone(seen);
        move |_, _| {
            let seen = Arc::clone(&seen);
            async move {
                seen.fetch_add(1, Ordering::SeqCst);
                Ok(())
            }
        }
    };
    let one = ComponentCallback::new(instance_client(&server).await)
        .unwrap()
        .on_event(hook(&seen));
    let two = ComponentCallback::new(instance_client(&server).await)
        .unwrap()
        .on_event(hook(&seen));
    let wechat = Wechat::default();
    let push = wechat.safe_push(&format!(
        "<xml><AppId>{COMPONENT_APPID}</AppId><CreateTime>{}</CreateTime>\
         <InfoType>component_verify_ticket</InfoType>\
         <ComponentVerifyTicket>ticket@@@cluster</ComponentVerifyTicket></xml>",
        now()
    ));
    let (a, b) = tokio::join!(one.handle(push.clone()), two.handle(push.clone()));
    assert_eq!(
        (a, b),
        (CallbackResponse::success(), CallbackResponse::success())
    );
    assert_eq!(two.handle(push).await, CallbackResponse::success());
    assert_eq!(seen.load(Ordering::SeqCst), 1);
    // both instances read the ticket from Redis
    for instance in [&one, &two] {
        let ticket = instance
            .client()
            .tokens()
            .verify_ticket(COMPONENT_APPID)
            .await;
        assert_eq!(ticket.as_deref().ok(), Some("ticket@@@cluster"));
    }
}
