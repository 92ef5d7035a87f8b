//! The component events URL ([`ComponentCallback`]): the verify ticket is
//! stored, never rolled back to an older push's, and not rewritten when
//! unchanged; repeats are answered without being processed; `unauthorized`
//! forgets the authorizer; hooks see every push; a failing store lets
//! WeChat's retry through.

use wechat_api_test_support::callback as support;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use support::*;
use tokio::sync::Notify;
use wechat_api::Error;
use wechat_api::callback::{CallbackRequest, CallbackResponse, ComponentCallback, Rejection};
use wechat_api::crypto::plain_signature;
use wechat_api::event::ComponentEvent;
use wechat_api::token::{MemoryStore, TokenKey};
use wechat_api_test_support::recording_store::RecordingStore;

fn ticket_xml(ticket: &str, create_time: i64) -> String {
    format!(
        "<xml><AppId><![CDATA[{COMPONENT_APPID}]]></AppId><CreateTime>{create_time}</CreateTime>\
         <InfoType><![CDATA[component_verify_ticket]]></InfoType>\
         <ComponentVerifyTicket><![CDATA[{ticket}]]></ComponentVerifyTicket></xml>"
    )
}

fn authorization_xml(info_type: &str, authorizer: &str) -> String {
    format!(
        "<xml><AppId><![CDATA[{COMPONENT_APPID}]]></AppId><CreateTime>1413192760</CreateTime>\
         <InfoType><![CDATA[{info_type}]]></InfoType><AuthorizerAppid><![CDATA[{authorizer}]]></AuthorizerAppid>\
         <AuthorizationCode><![CDATA[queryauthcode@@@code]]></AuthorizationCode>\
         <AuthorizationCodeExpiredTime>1413196360</AuthorizationCodeExpiredTime>\
         <PreAuthCode><![CDATA[preauthcode@@@pre]]></PreAuthCode></xml>"
    )
}

/// A memory store like a custom store (the trait's default
/// `set_if_newer`), recording the writes of the verify ticket; it can be
/// made to fail them.
type WatchedStore = RecordingStore<MemoryStore>;

fn is_ticket(key: &TokenKey) -> bool {
    matches!(key, TokenKey::ComponentVerifyTicket { .. })
}

fn watched() -> (Arc<WatchedStore>, ComponentCallback) {
    let store = Arc::new(WatchedStore::new(MemoryStore::new()).lease_set_if_newer());
    let events = ComponentCallback::new(client_with(store.clone(), None)).expect("configured");
    (store, events)
}

async fn stored_ticket(events: &ComponentCallback) -> Option<String> {
    events
        .client()
        .tokens()
        .verify_ticket(COMPONENT_APPID)
        .await
        .ok()
}

#[tokio::test]
async fn the_ticket_is_stored_and_success_answered() {
    let wechat = Wechat::default();
    let (store, events) = watched();
    let answer = events
        .handle(wechat.safe_push(&ticket_xml("ticket@@@A", now())))
        .await;
    assert_eq!(answer, CallbackResponse::success());
    assert_eq!(answer.content_type, "text/plain; charset=utf-8");
    assert_eq!(stored_ticket(&events).await.as_deref(), Some("ticket@@@A"));
    assert_eq!(store.tickets_stored(), 1);
}

#[tokio::test]
async fn an_older_push_never_replaces_a_newer_ticket() {
    let wechat = Wechat::default();
    let (_, events) = watched();
    let push_a = ticket_xml("ticket@@@A", now() - 600);
    let push_b = ticket_xml("ticket@@@B", now());
    let request_a = wechat.safe_push(&push_a);
    events.handle(request_a.clone()).await;
    events.handle(wechat.safe_push(&push_b)).await;
    assert_eq!(stored_ticket(&events).await.as_deref(), Some("ticket@@@B"));

    // A replayed as it was (same nonce and signature): a repeat
    assert_eq!(events.handle(request_a).await, CallbackResponse::success());
    // A delivered again, freshly signed (a delayed retry): its CreateTime is older
    assert_eq!(
        events.handle(wechat.safe_push(&push_a)).await,
        CallbackResponse::success()
    );
    assert_eq!(stored_ticket(&events).await.as_deref(), Some("ticket@@@B"));
}

#[tokio::test]
async fn an_unchanged_ticket_is_not_rewritten() {
    let wechat = Wechat::default();
    let (store, events) = watched();
    events
        .handle(wechat.safe_push(&ticket_xml("ticket@@@A", now() - 1200)))
        .await;
    assert_eq!(store.tickets_stored(), 1);
    // WeChat's next pushes, 10 minutes apart, with the same ticket
    events
        .handle(wechat.safe_push(&ticket_xml("ticket@@@A", now() - 600)))
        .await;
    events
        .handle(wechat.safe_push(&ticket_xml("ticket@@@A", now())))
        .await;
    assert_eq!(store.tickets_stored(), 1, "no durable write");
    // a new ticket is written
    events
        .handle(wechat.safe_push(&ticket_xml("ticket@@@B", now())))
        .await;
    assert_eq!(store.tickets_stored(), 2);
    assert_eq!(stored_ticket(&events).await.as_deref(), Some("ticket@@@B"));
}

#[tokio::test]
async fn a_repeated_push_is_not_processed_twice() {
    let wechat = Wechat::default();
    let seen = Arc::new(AtomicUsize::new(0));
    let (store, events) = watched();
    let events = {
        let seen = Arc::clone(&seen);
        events.on_event(move |_, _| {
            let seen = Arc::clone(&seen);
            async move {
                seen.fetch_add(1, Ordering::SeqCst);
                Ok(())
            }
        })
    };
    let push = wechat.safe_push(&ticket_xml("ticket@@@A", now()));
    for _ in 0..3 {
        assert_eq!(
            events.handle(push.clone()).await,
            CallbackResponse::success()
        );
    }
    assert_eq!(seen.load(Ordering::SeqCst), 1);
    assert_eq!(store.tickets_stored(), 1);

    // a clone (another worker of the same instance) sees it too
    assert_eq!(
        events.clone().handle(push).await,
        CallbackResponse::success()
    );
    assert_eq!(seen.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_store_failure_is_500_and_the_retry_is_processed() {
    let wechat = Wechat::default();
    let (store, events) = watched();
    store.fail_writes(Some(is_ticket));
    let push = wechat.safe_push(&ticket_xml("ticket@@@A", now()));
    let error = events
        .try_handle(push.clone())
        .await
        .expect_err("store fails");
    assert!(matches!(error, Error::Store(_)), "{error:?}");
    store.fail_writes(None);
    // the failed attempt gave its marker back: WeChat's retry is processed
    assert_eq!(events.handle(push).await, CallbackResponse::success());
    assert_eq!(stored_ticket(&events).await.as_deref(), Some("ticket@@@A"));
    // a store failure answers 500 (WeChat retries)
    store.fail_writes(Some(is_ticket));
    let answer = events
        .handle(wechat.safe_push(&ticket_xml("ticket@@@B", now())))
        .await;
    assert_eq!(answer.status, 500);
}

#[tokio::test]
async fn unauthorized_forgets_the_authorizer_and_hooks_see_every_push() {
    let wechat = Wechat::default();
    // (InfoType, the component appid of the hook's client)
    type Seen = Vec<(String, Option<String>)>;
    let seen: Arc<Mutex<Seen>> = Arc::default();
    let events = {
        let seen = Arc::clone(&seen);
        ComponentCallback::new(client())
            .unwrap()
            .on_event(move |event: ComponentEvent, client| {
                let seen = Arc::clone(&seen);
                async move {
                    seen.lock().unwrap().push((
                        event.info_type().to_owned(),
                        client.config().component_appid().map(str::to_owned),
                    ));
                    Ok(())
                }
            })
            .on_event(|_, _| async { Err("a failing hook is only logged".into()) })
    };
    let tokens = events.client().tokens().clone();
    tokens
        .store_refresh_token(COMPONENT_APPID, AUTHORIZER, "refresh@@@x")
        .await
        .unwrap();

    let fast_register = format!(
        "<xml><AppId>{COMPONENT_APPID}</AppId><CreateTime>1</CreateTime>\
         <InfoType>notify_third_fasteregister</InfoType><status>0</status><msg>OK</msg></xml>"
    );
    let unknown = format!(
        "<xml><AppId>{COMPONENT_APPID}</AppId><CreateTime>1</CreateTime><InfoType>something_new</InfoType></xml>"
    );
    for xml in [
        authorization_xml("authorized", AUTHORIZER),
        authorization_xml("updateauthorized", AUTHORIZER),
        fast_register,
        unknown,
        format!(
            "<xml><AppId>{COMPONENT_APPID}</AppId><CreateTime>1413192760</CreateTime>\
             <InfoType>unauthorized</InfoType><AuthorizerAppid>{AUTHORIZER}</AuthorizerAppid></xml>"
        ),
    ] {
        assert_eq!(
            events.handle(wechat.safe_push(&xml)).await,
            CallbackResponse::success()
        );
    }
    let kinds: Vec<_> = seen
        .lock()
        .unwrap()
        .iter()
        .map(|(k, _)| k.clone())
        .collect();
    assert_eq!(
        kinds,
        [
            "authorized",
            "updateauthorized",
            "notify_third_fasteregister",
            "something_new",
            "unauthorized"
        ]
    );
    assert!(
        seen.lock()
            .unwrap()
            .iter()
            .all(|(_, c)| c.as_deref() == Some(COMPONENT_APPID))
    );
    assert!(matches!(
        tokens.refresh_token(COMPONENT_APPID, AUTHORIZER).await,
        Err(Error::RefreshTokenMissing { .. })
    ));
}

#[tokio::test(start_paused = true)]
async fn slow_hooks_do_not_delay_the_answer() {
    let wechat = Wechat::default();
    let release = Arc::new(Notify::new());
    let done = Arc::new(AtomicBool::new(false));
    let events = {
        let (release, done) = (Arc::clone(&release), Arc::clone(&done));
        ComponentCallback::new(client())
            .unwrap()
            .on_event(move |_, _| {
                let (release, done) = (Arc::clone(&release), Arc::clone(&done));
                async move {
                    release.notified().await;
                    done.store(true, Ordering::SeqCst);
                    Ok(())
                }
            })
    };
    let answer = events
        .handle(wechat.safe_push(&ticket_xml("ticket@@@A", now())))
        .await;
    assert_eq!(answer, CallbackResponse::success());
    assert!(!done.load(Ordering::SeqCst));
    // the built-in work was done before the answer
    assert_eq!(stored_ticket(&events).await.as_deref(), Some("ticket@@@A"));
    release.notify_one();
    events.wait_background().await;
    assert!(done.load(Ordering::SeqCst));
}

#[tokio::test]
async fn bad_pushes_are_refused_with_typed_errors() {
    let wechat = Wechat::default();
    let events = ComponentCallback::new(client()).unwrap();

    // for another third-party platform (same key: a misrouted push)
    let foreign = ticket_xml("ticket@@@X", now()).replace(COMPONENT_APPID, "wx0000000000000000");
    let error = events
        .try_handle(wechat.safe_push(&foreign))
        .await
        .expect_err("foreign");
    assert!(
        matches!(error, Error::Callback(Rejection::ForeignComponent)),
        "{error:?}"
    );
    assert_eq!(stored_ticket(&events).await, None);

    // a message is not a component push
    let error = events
        .try_handle(wechat.safe_push(TEXT))
        .await
        .expect_err("not a push");
    assert!(matches!(error, Error::InvalidXml(_)), "{error:?}");
    assert_eq!(events.handle(wechat.safe_push(TEXT)).await.status, 400);

    // a forged signature, an old timestamp
    let forged = Wechat::new("othertoken", AES_KEY, COMPONENT_APPID);
    assert_eq!(
        events
            .handle(forged.safe_push(&ticket_xml("t", now())))
            .await
            .status,
        403
    );
    let old = (now() - 301).to_string();
    let answer = events
        .handle(wechat.safe_push_at(&ticket_xml("t", now()), &old, "7"))
        .await;
    assert_eq!(answer.status, 403);
    assert_eq!(stored_ticket(&events).await, None);

    // a configuration without the message settings
    let bare = wechat_api::Config::builder()
        .component_appid(COMPONENT_APPID)
        .build()
        .unwrap();
    let error =
        ComponentCallback::new(wechat_api::Client::new(bare).unwrap()).expect_err("no token");
    assert!(matches!(error, Error::Config(_)), "{error:?}");
}

#[tokio::test]
async fn the_handshake_works_on_the_events_url_too() {
    let events = ComponentCallback::new(client()).unwrap();
    let (timestamp, nonce) = (now().to_string(), "42");
    let signature = plain_signature(TOKEN, &timestamp, nonce);
    let query = format!("signature={signature}&timestamp={timestamp}&nonce={nonce}&echostr=hello");
    let answer = events.handle(CallbackRequest::get(query)).await;
    assert_eq!((answer.status, answer.body.as_str()), (200, "hello"));
}
