//! An official account's or mini program's own message URL
//! ([`MessageCallback::account`]): the URL check, plain, compatible and safe
//! modes, XML and JSON, each with wrong signatures, replays and malformed
//! bodies: a clear status, nothing stored, the handler not run.

use wechat_api_test_support::callback as support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use support::{Wechat, leaf, now};
use wechat_api::callback::{CallbackRequest, CallbackResponse, MessageCallback, Reply, Router};
use wechat_api::crypto::plain_signature;
use wechat_api::event::Message;
use wechat_api::token::{MemoryStore, TokenStore};
use wechat_api::{Client, Config, Error};
use wechat_api_test_support::recording_store::{Op, RecordingStore};

const APPID: &str = "wx5823bf96d3bd56c7";
const ORIGINAL_ID: &str = "gh_5823bf96d3bd";
const TOKEN: &str = "accounttoken";
const AES_KEY: &str = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";

fn config() -> Config {
    Config::builder()
        .appid(APPID)
        .secret("account-secret")
        .token(TOKEN)
        .encoding_aes_key(AES_KEY)
        .build()
        .expect("valid configuration")
}

/// WeChat's side for the account: its token and key, the account appid as
/// receive id.
fn wechat() -> Wechat {
    Wechat::new(TOKEN, AES_KEY, APPID)
}

/// The account's callback and the count of handler runs; the store holds
/// the deduplication markers.
struct Account {
    callback: MessageCallback,
    runs: Arc<AtomicUsize>,
    store: Arc<RecordingStore<MemoryStore>>,
}

/// An account whose handlers answer `type|event|content|acting` and count
/// their runs.
fn account() -> Account {
    let store = Arc::new(RecordingStore::new(MemoryStore::new()));
    let client = Client::builder(config())
        .token_store(Arc::clone(&store) as Arc<dyn TokenStore>)
        .build()
        .expect("client");
    let runs = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&runs);
    let router = Router::new().fallback(move |message: Message, client: Client| {
        counted.fetch_add(1, Ordering::SeqCst);
        async move {
            Ok(Some(Reply::text(format!(
                "{}|{}|{}|{}",
                message.msg_type(),
                message.event().unwrap_or("-"),
                message.content().unwrap_or("-"),
                client.authorizer_appid().unwrap_or("account"),
            ))))
        }
    });
    Account {
        callback: MessageCallback::new(client, router).expect("an account's callback"),
        runs,
        store,
    }
}

fn text(msg_id: u64, content: &str) -> String {
    format!(
        "<xml><ToUserName><![CDATA[{ORIGINAL_ID}]]></ToUserName><FromUserName><![CDATA[oUser]]></FromUserName>\
         <CreateTime>{}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{content}]]></Content>\
         <MsgId>{msg_id}</MsgId></xml>",
        now()
    )
}

fn subscribe(create_time: i64) -> String {
    format!(
        "<xml><ToUserName><![CDATA[{ORIGINAL_ID}]]></ToUserName><FromUserName><![CDATA[oUser]]></FromUserName>\
         <CreateTime>{create_time}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event></xml>"
    )
}

/// A compatible-mode push: the plaintext fields and their `Encrypt` side by
/// side, with safe mode's query.
fn compatible_push(wechat: &Wechat, plaintext: &str) -> CallbackRequest {
    let (timestamp, nonce) = (now().to_string(), wechat.nonce());
    let encrypt = wechat.crypt.encrypt(plaintext).expect("encrypts");
    let body = format!(
        "{}<Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>",
        plaintext.strip_suffix("</xml>").expect("an XML document")
    );
    CallbackRequest::post(wechat.safe_query(&encrypt, &timestamp, &nonce), body)
}

/// A plain-mode query at `timestamp`.
fn plain_query(token: &str, timestamp: &str, nonce: &str) -> String {
    let signature = plain_signature(token, timestamp, nonce);
    format!("signature={signature}&timestamp={timestamp}&nonce={nonce}&openid=oUser")
}

/// How many markers were taken or values written in `store`.
async fn markers(store: &RecordingStore<MemoryStore>) -> usize {
    store
        .calls()
        .iter()
        .filter(|call| call.done && (call.op.writes() || call.op == Op::TryLease))
        .count()
}

#[tokio::test]
async fn new_and_account_make_an_account_callback_from_appid_token_and_key() {
    let client = Client::new(config()).expect("client");
    let by_new = MessageCallback::new(client.clone(), Router::new()).expect("no component needed");
    assert!(by_new.is_account());
    assert_eq!(by_new.appid(), APPID);
    let explicit = MessageCallback::account(client, Router::new()).expect("account");
    assert!(explicit.is_account());
    // Debug shows neither the token nor the key.
    let debug = format!("{explicit:?}");
    assert!(
        !debug.contains(TOKEN) && !debug.contains(AES_KEY),
        "{debug}"
    );

    // Each of the three is required, by name.
    for (missing, config) in [
        (
            "appid",
            Config::builder().token(TOKEN).encoding_aes_key(AES_KEY),
        ),
        (
            "token",
            Config::builder().appid(APPID).encoding_aes_key(AES_KEY),
        ),
        (
            "encoding_aes_key",
            Config::builder().appid(APPID).token(TOKEN),
        ),
    ] {
        let client = Client::new(config.build().expect("config")).expect("client");
        match MessageCallback::account(client, Router::new()) {
            Err(Error::Config(message)) => assert!(message.contains(missing), "{message}"),
            other => panic!("{missing}: {other:?}"),
        }
    }
    // A platform's configuration: `new` picks the platform, `account` the account.
    let both = Config::builder()
        .appid(APPID)
        .token(TOKEN)
        .encoding_aes_key(AES_KEY)
        .component_appid(support::COMPONENT_APPID)
        .component_token(support::TOKEN)
        .component_encoding_aes_key(support::AES_KEY)
        .build()
        .expect("config");
    let client = Client::new(both).expect("client");
    assert!(
        !MessageCallback::new(client.clone(), Router::new())
            .expect("platform")
            .is_account()
    );
    assert!(
        MessageCallback::account(client, Router::new())
            .expect("account")
            .is_account()
    );
}

#[tokio::test]
async fn the_url_check_answers_echostr_only_for_the_accounts_signature() {
    let account = account();
    let (timestamp, nonce) = (now().to_string(), "1514711492");
    let query = |token: &str| {
        format!(
            "{}&echostr=5927782489442352469",
            plain_query(token, &timestamp, nonce)
        )
    };
    let answer = account
        .callback
        .handle_account(CallbackRequest::get(query(TOKEN)))
        .await;
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (200, "5927782489442352469")
    );
    // Another token (the platform's, a typo): refused, echostr not echoed.
    let forged = account
        .callback
        .handle_account(CallbackRequest::get(query("othertoken")))
        .await;
    assert_eq!(forged.status, 403);
    assert!(!forged.body.contains("5927782489442352469"));
    // Without echostr or signature: 400.
    let no_echo = account
        .callback
        .handle_account(CallbackRequest::get(plain_query(TOKEN, &timestamp, nonce)))
        .await;
    assert_eq!(no_echo.status, 400);
    // Safe mode's form: an encrypted echostr with msg_signature, decrypted.
    let wechat = wechat();
    let encrypted = wechat.crypt.encrypt("echo-in-safe-mode").expect("encrypts");
    let query = format!(
        "{}&echostr={}",
        wechat.safe_query(&encrypted, &timestamp, nonce),
        url::form_urlencoded::byte_serialize(encrypted.as_bytes()).collect::<String>()
    );
    let answer = account
        .callback
        .handle_account(CallbackRequest::get(query))
        .await;
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (200, "echo-in-safe-mode")
    );
    // Other methods.
    let put = account
        .callback
        .handle_account(CallbackRequest::new("PUT", "", ""))
        .await;
    assert_eq!(put.status, 405);
    assert_eq!(account.runs.load(Ordering::SeqCst), 0);
}

/// The reply of each mode: plain in plain mode, encrypted in safe and
/// compatible mode, addressed back to the sender from the account; the
/// handler gets the account's own client.
#[tokio::test]
async fn every_mode_gets_its_reply_as_the_request_came() {
    let account = account();
    let wechat = wechat();

    let plain = account
        .callback
        .handle_account(wechat.plain_push(&text(1, "plain")))
        .await;
    assert_eq!(plain.status, 200);
    assert!(plain.content_type.starts_with("text/xml"), "{plain:?}");
    assert_eq!(
        leaf(&plain.body, "Content").as_deref(),
        Some("text|-|plain|account")
    );
    assert_eq!(leaf(&plain.body, "ToUserName").as_deref(), Some("oUser"));
    assert_eq!(
        leaf(&plain.body, "FromUserName").as_deref(),
        Some(ORIGINAL_ID)
    );

    let safe = account
        .callback
        .handle_account(wechat.safe_push(&text(2, "safe")))
        .await;
    let reply = wechat.open_reply(&safe);
    assert_eq!(
        leaf(&reply, "Content").as_deref(),
        Some("text|-|safe|account")
    );
    assert!(!safe.body.contains("safe|account"), "encrypted");

    let compatible = account
        .callback
        .handle_account(compatible_push(&wechat, &text(3, "compatible")))
        .await;
    let reply = wechat.open_reply(&compatible);
    assert_eq!(
        leaf(&reply, "Content").as_deref(),
        Some("text|-|compatible|account")
    );

    let welcome = account
        .callback
        .handle_account(wechat.safe_push(&subscribe(now())))
        .await;
    let reply = wechat.open_reply(&welcome);
    assert_eq!(
        leaf(&reply, "Content").as_deref(),
        Some("event|subscribe|-|account")
    );
    assert_eq!(account.runs.load(Ordering::SeqCst), 4);
}

/// In compatible mode the plaintext beside `Encrypt` is not signed: what is
/// read is the signed ciphertext, whatever the plaintext says.
#[tokio::test]
async fn compatible_mode_reads_the_signed_ciphertext_not_the_plaintext_beside_it() {
    let account = account();
    let wechat = wechat();
    let request = compatible_push(&wechat, &text(10, "signed"));
    let body = String::from_utf8(request.body.to_vec())
        .expect("UTF-8")
        .replace("<![CDATA[signed]]>", "<![CDATA[forged]]>");
    let request = CallbackRequest::post(request.query, body);
    let reply = wechat.open_reply(&account.callback.handle_account(request).await);
    assert_eq!(
        leaf(&reply, "Content").as_deref(),
        Some("text|-|signed|account")
    );
}

/// A refused request: its name, the request, the status and the error
/// expected.
type Refusal = (&'static str, CallbackRequest, u16, fn(&Error) -> bool);

/// What each mode refuses, with the status and the typed error; nothing is
/// stored and no handler runs.
#[tokio::test]
async fn wrong_signatures_and_malformed_bodies_are_refused_in_every_mode() {
    let account = account();
    let wechat = wechat();
    let platform = Wechat::default(); // the platform's token and key
    let other_account = Wechat::new(TOKEN, AES_KEY, "wx0000000000000000");
    let (timestamp, nonce) = (now().to_string(), "42");

    let safe = wechat.safe_push(&text(20, "x"));
    let mut tampered_body = safe.body.to_vec();
    // A byte of the ciphertext changed: msg_signature no longer holds.
    let at = tampered_body
        .windows(18)
        .position(|w| w == b"<Encrypt><![CDATA[")
        .map(|p| p + 18 + 40)
        .expect("the Encrypt element");
    tampered_body[at] = if tampered_body[at] == b'A' {
        b'B'
    } else {
        b'A'
    };
    let json = wechat.safe_json_push(&text(21, "x"));

    let cases: Vec<Refusal> = vec![
        (
            "plain: another token's signature",
            CallbackRequest::post(plain_query("wrong", &timestamp, nonce), text(22, "x")),
            403,
            |e| matches!(e, Error::InvalidSignature),
        ),
        (
            "plain: no signature",
            CallbackRequest::post(format!("timestamp={timestamp}&nonce=1"), text(23, "x")),
            400,
            |e| matches!(e, Error::Callback(_)),
        ),
        (
            "plain: an empty body",
            CallbackRequest::post(plain_query(TOKEN, &timestamp, nonce), ""),
            400,
            |e| matches!(e, Error::Callback(_)),
        ),
        (
            "plain: not XML",
            CallbackRequest::post(plain_query(TOKEN, &timestamp, nonce), "<xml><MsgType>text"),
            400,
            |e| matches!(e, Error::InvalidXml(_)),
        ),
        (
            "plain: not UTF-8",
            CallbackRequest::post(
                plain_query(TOKEN, &timestamp, nonce),
                vec![0xff, 0xfe, b'<'],
            ),
            400,
            |e| matches!(e, Error::Callback(_)),
        ),
        (
            "plain: an encrypted body without safe mode's query",
            CallbackRequest::post(plain_query(TOKEN, &timestamp, nonce), safe.body.clone()),
            400,
            |e| matches!(e, Error::Callback(_)),
        ),
        (
            "safe: the platform's token and key",
            platform.safe_push(&text(24, "x")),
            403,
            |e| matches!(e, Error::InvalidSignature),
        ),
        (
            "safe: encrypted for another appid",
            other_account.safe_push(&text(25, "x")),
            403,
            |e| matches!(e, Error::ReceiveIdMismatch { .. }),
        ),
        (
            "safe: a tampered ciphertext",
            CallbackRequest::post(safe.query.clone(), tampered_body),
            403,
            |e| matches!(e, Error::InvalidSignature),
        ),
        (
            "safe: no Encrypt",
            CallbackRequest::post(safe.query.clone(), text(26, "x")),
            400,
            |e| matches!(e, Error::InvalidXml(_)),
        ),
        (
            "safe: msg_signature missing",
            CallbackRequest::post(
                format!("{}&encrypt_type=aes", plain_query(TOKEN, &timestamp, nonce)),
                safe.body.clone(),
            ),
            400,
            |e| matches!(e, Error::Callback(_)),
        ),
        (
            "JSON: a malformed envelope",
            CallbackRequest::post(json.query.clone(), "{\"Encrypt\": 7"),
            400,
            |e| matches!(e, Error::InvalidXml(_)),
        ),
        (
            "safe: a signed ciphertext that is not a message",
            wechat.safe_push("<xml><Foo>1</Foo></xml>"),
            400,
            |e| matches!(e, Error::InvalidXml(_)),
        ),
    ];
    for (name, request, status, kind) in cases {
        let error = account
            .callback
            .try_handle_account(request.clone())
            .await
            .expect_err(name);
        assert!(kind(&error), "{name}: {error:?}");
        assert_eq!(
            account.callback.handle_account(request).await.status,
            status,
            "{name}"
        );
    }
    assert_eq!(account.runs.load(Ordering::SeqCst), 0, "no handler ran");
    assert_eq!(markers(&account.store).await, 0, "nothing stored");
}

/// Replays: a push out of the timestamp window is refused (403) before
/// anything is stored; a repeat within it (WeChat's retry, or a captured
/// push sent again, with a fresh signature or the same) is answered
/// `success` without running the handler again: by `MsgId`, or for events
/// by `FromUserName` + `CreateTime`.
#[tokio::test]
async fn replays_are_refused_by_timestamp_and_by_message() {
    let account = account();
    let wechat = wechat();
    let old = (now() - 3600).to_string();
    for request in [
        wechat.safe_push_at(&text(30, "old"), &old, "1"),
        CallbackRequest::post(plain_query(TOKEN, &old, "1"), text(31, "old")),
        CallbackRequest::get(format!("{}&echostr=e", plain_query(TOKEN, &old, "1"))),
    ] {
        let error = account
            .callback
            .try_handle_account(request)
            .await
            .expect_err("out of the window");
        assert!(
            matches!(error, Error::TimestampOutOfRange { .. }),
            "{error:?}"
        );
    }
    assert_eq!(markers(&account.store).await, 0);

    // The same message twice, with fresh signatures (WeChat's retries), in
    // each mode; and the very same request again (a replay).
    let first = account
        .callback
        .handle_account(wechat.plain_push(&text(32, "a")))
        .await;
    assert!(leaf(&first.body, "Content").is_some());
    let retry = account
        .callback
        .handle_account(wechat.plain_push(&text(32, "a")))
        .await;
    assert_eq!((retry.status, retry.body.as_str()), (200, "success"));
    let request = wechat.safe_push(&text(33, "b"));
    let first = account.callback.handle_account(request.clone()).await;
    assert!(first.body.contains("<Encrypt>"));
    let replayed = account.callback.handle_account(request).await;
    assert_eq!(replayed.body, "success");
    let retry = account
        .callback
        .handle_account(compatible_push(&wechat, &text(33, "b")))
        .await;
    assert_eq!(retry.body, "success");

    // Events: FromUserName + CreateTime.
    let time = now();
    let first = account
        .callback
        .handle_account(wechat.safe_push(&subscribe(time)))
        .await;
    assert!(first.body.contains("<Encrypt>"));
    let retry = account
        .callback
        .handle_account(wechat.safe_push(&subscribe(time)))
        .await;
    assert_eq!(retry.body, "success");
    let later = account
        .callback
        .handle_account(wechat.safe_push(&subscribe(time + 1)))
        .await;
    assert!(
        later.body.contains("<Encrypt>"),
        "another second is another event"
    );
    assert_eq!(account.runs.load(Ordering::SeqCst), 4);
}

/// Two different events of the same second from the same sender (a store's
/// orders come from one system account) are two events: both reach the
/// handler. WeChat's retry of either is still answered without processing.
#[tokio::test]
async fn two_events_of_the_same_second_are_both_processed() {
    let account = account();
    let wechat = wechat();
    let time = now();
    let order = |order_id: u64| {
        format!(
            "<xml><ToUserName><![CDATA[{ORIGINAL_ID}]]></ToUserName><FromUserName><![CDATA[oSystem]]></FromUserName>\
             <CreateTime>{time}</CreateTime><MsgType><![CDATA[event]]></MsgType>\
             <Event><![CDATA[channels_ec_order_new]]></Event>\
             <order_info><order_id>{order_id}</order_id></order_info></xml>"
        )
    };
    for order_id in [3705115058471208928, 3705115058471208929] {
        let answer = account
            .callback
            .handle_account(wechat.safe_push(&order(order_id)))
            .await;
        assert!(
            answer.body.contains("<Encrypt>"),
            "order {order_id} processed: {answer:?}"
        );
    }
    let retry = account
        .callback
        .handle_account(wechat.safe_push(&order(3705115058471208929)))
        .await;
    assert_eq!(retry.body, "success", "a retry is not processed again");
    assert_eq!(account.runs.load(Ordering::SeqCst), 2);
}

/// A mini program's push: JSON or XML, plain or encrypted; its
/// customer-service messages (`miniprogrampage`, `user_enter_tempsession`)
/// reach the handlers typed, and a JSON push is answered JSON.
#[tokio::test]
async fn mini_program_json_pushes_and_customer_service_messages() {
    let account = account();
    let wechat = wechat();
    let json_text = serde_json::json!({
        "ToUserName": ORIGINAL_ID, "FromUserName": "oUser", "CreateTime": now(),
        "MsgType": "text", "Content": "hello json", "MsgId": 40,
    })
    .to_string();
    let plain = account
        .callback
        .handle_account(wechat.plain_push(&json_text))
        .await;
    assert_eq!(plain.status, 200);
    assert!(
        plain.content_type.starts_with("application/json"),
        "{plain:?}"
    );
    let reply: serde_json::Value = serde_json::from_str(&plain.body).expect("JSON");
    assert_eq!(reply["Content"], "text|-|hello json|account");

    let card = serde_json::json!({
        "ToUserName": ORIGINAL_ID, "FromUserName": "oUser", "CreateTime": now(),
        "MsgType": "miniprogrampage", "MsgId": 41, "Title": "T", "AppId": "wxapp",
        "PagePath": "pages/index", "ThumbUrl": "https://example.com/t.png", "ThumbMediaId": "m",
    })
    .to_string();
    let safe = account
        .callback
        .handle_account(wechat.safe_json_push(&card))
        .await;
    assert_eq!(safe.status, 200);
    let envelope: serde_json::Value = serde_json::from_str(&safe.body).expect("a JSON envelope");
    let (encrypt, signature) = (
        envelope["Encrypt"].as_str().expect("Encrypt"),
        envelope["MsgSignature"].as_str().expect("MsgSignature"),
    );
    let timestamp = envelope["TimeStamp"].as_str().expect("TimeStamp");
    let nonce = envelope["Nonce"].as_str().expect("Nonce");
    let reply = wechat
        .crypt
        .decrypt_verified(signature, timestamp, nonce, encrypt)
        .expect("the reply verifies and decrypts");
    let reply: serde_json::Value = serde_json::from_str(&reply).expect("JSON");
    assert_eq!(reply["Content"], "miniprogrampage|-|-|account");

    let enter = serde_json::json!({
        "ToUserName": ORIGINAL_ID, "FromUserName": "oUser", "CreateTime": now(),
        "MsgType": "event", "Event": "user_enter_tempsession", "SessionFrom": "card",
    })
    .to_string();
    let answer = account
        .callback
        .handle_account(wechat.safe_json_push(&enter))
        .await;
    assert_eq!(answer.status, 200);
    // Malformed JSON, plain and encrypted: 400, nothing stored beyond the
    // three messages handled.
    for request in [
        wechat.plain_push("{\"MsgType\": \"text\""),
        wechat.safe_json_push("{\"MsgType\": "),
        wechat.plain_push("{\"ToUserName\": 1}"),
    ] {
        let answer: CallbackResponse = account.callback.handle_account(request).await;
        assert_eq!(answer.status, 400, "{answer:?}");
    }
    assert_eq!(account.runs.load(Ordering::SeqCst), 3);
    assert_eq!(markers(&account.store).await, 3);
}

/// The 5-second rule holds on the account's URL too: a slow handler's push
/// is answered without its reply at the deadline, and the handler finishes
/// in the background.
#[tokio::test]
async fn a_slow_handler_is_answered_at_the_deadline() {
    let release = Arc::new(tokio::sync::Notify::new());
    let finished = Arc::new(AtomicUsize::new(0));
    let (wait, done) = (Arc::clone(&release), Arc::clone(&finished));
    let router = Router::new().message("text", move |_message, _client| {
        let (wait, done) = (Arc::clone(&wait), Arc::clone(&done));
        async move {
            wait.notified().await;
            done.fetch_add(1, Ordering::SeqCst);
            Ok(Some(Reply::text("too late")))
        }
    });
    let callback = MessageCallback::account(Client::new(config()).expect("client"), router)
        .expect("account")
        .reply_deadline(Duration::from_millis(50));
    let answer = callback
        .handle_account(wechat().safe_push(&text(50, "slow")))
        .await;
    assert_eq!((answer.status, answer.body.as_str()), (200, "success"));
    release.notify_one();
    callback.wait_background().await;
    assert_eq!(finished.load(Ordering::SeqCst), 1);
}

/// A platform's callback does not serve an account's URL, and an account's
/// callback does not serve another appid's path.
#[tokio::test]
async fn the_account_and_platform_paths_do_not_mix() {
    let account = account();
    let wrong_path = account
        .callback
        .try_handle("wx0000000000000000", wechat().safe_push(&text(60, "x")))
        .await;
    assert!(
        matches!(wrong_path, Err(Error::Callback(_))),
        "{wrong_path:?}"
    );
    let same = account
        .callback
        .handle(APPID, wechat().safe_push(&text(61, "x")))
        .await;
    assert!(same.body.contains("<Encrypt>"));
    let platform = MessageCallback::new(support::client(), Router::new()).expect("platform");
    let refused = platform
        .try_handle_account(Wechat::default().safe_push(&text(62, "x")))
        .await;
    assert!(matches!(refused, Err(Error::Callback(_))), "{refused:?}");
}
