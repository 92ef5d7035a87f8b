//! WeChat Pay notifications end to end: the sandbox pays an order and
//! pushes the signed, encrypted `TRANSACTION.SUCCESS` (or `REFUND.*`) to a
//! `notify_url` served by `PayNotifyRoutes`, retrying as WeChat Pay does.
//! The handler runs once per notification; a failing handler runs again on
//! the retry; a duplicate after success does not; forged, probing, stale,
//! truncated or undecryptable notifications are refused with
//! `{"code":"FAIL"}`, the handler never runs and nothing is stored; a slow
//! handler's notification is answered in time.

use std::future::IntoFuture;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};
use tokio::sync::Notify;
use wechat_api::pay::{
    PayConfig, PayNotifyHandler, RefundStatus, TradeState, Transaction, WechatPay,
};
use wechat_api::server::{PayNotifyRoutes, ServeOptions, serve};
use wechat_api::token::{MemoryStore, TokenKey, TokenStore};
use wechat_sandbox::pay::{Delivery, KeyMode, NotificationRecord, PayFault, PaySettings};
use wechat_sandbox::{Sandbox, SandboxConfig};

const WAIT: Duration = Duration::from_secs(60);
const NOTIFY_PATH: &str = "/pay/notify";

async fn sandbox(retries: usize) -> Sandbox {
    let settings = PaySettings::builder()
        .retry_schedule(std::iter::repeat_n(Duration::from_millis(100), retries))
        .build()
        .unwrap();
    let config = SandboxConfig::builder()
        .push_interval(None)
        .pay(settings)
        .build()
        .unwrap();
    Sandbox::start(config).await.unwrap()
}

/// The merchant's configuration for the sandbox, certificate mode.
fn config(sandbox: &Sandbox, apiv3: Option<&str>) -> wechat_api::pay::PayConfigBuilder {
    let m = sandbox.pay().merchant().unwrap();
    PayConfig::builder()
        .mchid(m.mchid())
        .merchant_serial(m.serial())
        .private_key_pem(m.private_key_pem().unwrap().as_bytes().to_vec())
        .apiv3_key(apiv3.unwrap_or(m.apiv3_key()))
        .base_url(sandbox.base_url().as_str().trim_end_matches('/'))
}

fn cert_pay(sandbox: &Sandbox) -> WechatPay {
    WechatPay::new(
        config(sandbox, None)
            .platform_certificates()
            .build()
            .unwrap(),
    )
    .unwrap()
}

/// Creates a JSAPI order with a signed request; answers nothing (asserts 200).
async fn order(sandbox: &Sandbox, pay: &WechatPay, out_trade_no: &str, notify_url: &str) {
    let body = json!({
        "appid": "wxd678efh567hg6787", "mchid": pay.config().mchid(), "description": "测试",
        "out_trade_no": out_trade_no, "notify_url": notify_url,
        "amount": {"total": 888, "currency": "CNY"}, "payer": {"openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},
    })
    .to_string();
    let path = "/v3/pay/transactions/jsapi";
    let auth = pay.authorization("POST", path, &body).unwrap();
    let answer = reqwest::Client::new()
        .post(format!(
            "{}{}",
            sandbox.base_url().as_str().trim_end_matches('/'),
            path
        ))
        .header("authorization", auth)
        .header("accept", "application/json")
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = answer.status();
    let text = answer.text().await.unwrap();
    assert_eq!(status, 200, "order refused: {text}");
}

/// What the handler saw, and how it behaves.
#[derive(Clone, Default)]
struct Counter {
    runs: Arc<AtomicUsize>,
    fail_first: Arc<AtomicUsize>,
    seen: Arc<Mutex<Vec<Transaction>>>,
}

impl Counter {
    fn runs(&self) -> usize {
        self.runs.load(Ordering::SeqCst)
    }
}

/// Requests that reached the route, as sent (headers, body).
type Recorded = Arc<Mutex<Vec<(HeaderMap, Bytes)>>>;

/// Serves `routes` on 127.0.0.1:0; answers the notify URL and what was
/// received.
async fn serve_routes(routes: PayNotifyRoutes) -> (String, Recorded) {
    let recorded: Recorded = Arc::default();
    let keep = Arc::clone(&recorded);
    let app = routes.router(NOTIFY_PATH).layer(axum::middleware::from_fn(
        move |request: Request, next: Next| {
            let keep = Arc::clone(&keep);
            async move {
                let (parts, body) = request.into_parts();
                let bytes = axum::body::to_bytes(body, 1 << 20)
                    .await
                    .unwrap_or_default();
                keep.lock()
                    .unwrap()
                    .push((parts.headers.clone(), bytes.clone()));
                let response: Response = next
                    .run(Request::from_parts(parts, axum::body::Body::from(bytes)))
                    .await;
                response
            }
        },
    ));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(serve(listener, app, ServeOptions::default()).into_future());
    (format!("http://{addr}{NOTIFY_PATH}"), recorded)
}

fn routes(pay: WechatPay, store: Arc<dyn TokenStore>, counter: &Counter) -> PayNotifyRoutes {
    let c = counter.clone();
    PayNotifyRoutes::new(pay, store).on_transaction(move |tx| {
        let c = c.clone();
        async move {
            c.runs.fetch_add(1, Ordering::SeqCst);
            c.seen.lock().unwrap().push(tx);
            let failing = c
                .fail_first
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok();
            if failing {
                Err("the order database is down".into())
            } else {
                Ok(())
            }
        }
    })
}

async fn delivered(sandbox: &Sandbox, id: &str) -> NotificationRecord {
    sandbox
        .pay()
        .wait_for_notification(id, WAIT)
        .await
        .expect("the notification ended within the deadline")
}

/// Whether the store holds nothing for notification `id` of `mchid`: no
/// claim (it can be taken) and no done marker.
async fn nothing_stored(store: &MemoryStore, mchid: &str, id: &str) -> bool {
    let key = format!("{mchid}:{id}");
    let done = store
        .get(&TokenKey::marker("pay_notify_done", key.clone()))
        .await
        .unwrap();
    let free = store
        .try_lease(&TokenKey::marker("pay_notify", key), Duration::from_secs(1))
        .await
        .unwrap();
    done.is_none() && free.is_some()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paid_order_is_verified_decrypted_and_handled_once() {
    let sandbox = sandbox(3).await;
    let pay = cert_pay(&sandbox);
    let counter = Counter::default();
    let store = Arc::new(MemoryStore::new());
    let (url, recorded) = serve_routes(routes(pay.clone(), store.clone(), &counter)).await;
    order(&sandbox, &pay, "NOTIFY000001", &url).await;
    let paid = sandbox.pay().pay_order("NOTIFY000001").unwrap();
    let record = delivered(&sandbox, &paid.notification_id).await;
    assert_eq!(record.delivery, Delivery::Delivered);
    assert_eq!(record.attempts, ["204"]);
    assert_eq!(counter.runs(), 1);
    let tx = counter.seen.lock().unwrap()[0].clone();
    assert_eq!(tx.out_trade_no, "NOTIFY000001");
    assert_eq!(tx.transaction_id, paid.transaction_id);
    assert_eq!(tx.amount.total, 888);
    assert_eq!(tx.trade_state, TradeState::Success);
    assert_eq!(
        tx.payer.map(|p| p.openid).as_deref(),
        Some("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o")
    );

    // The same notification again (a retry after a lost answer, or a
    // replay within the window): answered success, not handled again.
    let (headers, body) = recorded.lock().unwrap()[0].clone();
    let mut request = reqwest::Client::new().post(&url).body(body.clone());
    for (name, value) in &headers {
        if name != "content-length" && name != "host" {
            request = request.header(name, value);
        }
    }
    let again = request.send().await.unwrap();
    assert_eq!(again.status(), 204);
    assert!(again.bytes().await.unwrap().is_empty());
    assert_eq!(counter.runs(), 1, "a duplicate does not run the handler");

    // The same notification, truncated: refused, FAIL, not handled.
    let mut request = reqwest::Client::new()
        .post(&url)
        .body(body.slice(..body.len() / 2));
    for (name, value) in &headers {
        if name != "content-length" && name != "host" {
            request = request.header(name, value);
        }
    }
    let cut = request.send().await.unwrap();
    assert_eq!(cut.status(), 401);
    let fail: Value = cut.json().await.unwrap();
    assert_eq!(fail["code"], "FAIL");
    assert_eq!(counter.runs(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_handler_runs_again_on_the_retry() {
    let sandbox = sandbox(3).await;
    let pay = cert_pay(&sandbox);
    let counter = Counter::default();
    counter.fail_first.store(1, Ordering::SeqCst);
    let (url, _) = serve_routes(routes(pay.clone(), Arc::new(MemoryStore::new()), &counter)).await;
    order(&sandbox, &pay, "NOTIFY000002", &url).await;
    let paid = sandbox.pay().pay_order("NOTIFY000002").unwrap();
    let record = delivered(&sandbox, &paid.notification_id).await;
    assert_eq!(record.delivery, Delivery::Delivered);
    assert_eq!(record.attempts, ["500", "204"]);
    assert_eq!(counter.runs(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_unknown_probing_and_stale_notifications_are_refused() {
    let sandbox = sandbox(0).await;
    let pay = cert_pay(&sandbox);
    let mchid = pay.config().mchid().to_owned();
    let counter = Counter::default();
    let store = Arc::new(MemoryStore::new());
    let (url, _) = serve_routes(routes(pay.clone(), store.clone(), &counter)).await;
    for (n, fault) in [
        PayFault::bad_signature(),
        PayFault::unknown_serial(),
        PayFault::signature_probe(),
    ]
    .into_iter()
    .enumerate()
    {
        sandbox
            .pay()
            .inject(fault.on_notifications().times(1))
            .unwrap();
        let no = format!("FORGED00000{n}");
        order(&sandbox, &pay, &no, &url).await;
        let paid = sandbox.pay().pay_order(&no).unwrap();
        let record = delivered(&sandbox, &paid.notification_id).await;
        assert_eq!(record.delivery, Delivery::GivenUp, "fault {n}");
        assert_eq!(record.attempts, ["401"], "fault {n}");
        assert!(nothing_stored(&store, &mchid, &paid.notification_id).await);
    }
    assert_eq!(counter.runs(), 0, "no refused notification ran the handler");

    // A clock 10 minutes ahead: every notification is stale.
    let ahead = i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap()
        + 600;
    let config = config(&sandbox, None)
        .platform_certificates()
        .build()
        .unwrap();
    let verifier = config
        .verifier_builder(WechatPay::http_client().unwrap())
        .unwrap()
        .clock(Arc::new(move || ahead))
        .build()
        .unwrap();
    let stale_pay = WechatPay::with_verifier(config, verifier);
    let (stale_url, _) = serve_routes(routes(stale_pay, store.clone(), &counter)).await;
    order(&sandbox, &pay, "STALE0000001", &stale_url).await;
    let paid = sandbox.pay().pay_order("STALE0000001").unwrap();
    let record = delivered(&sandbox, &paid.notification_id).await;
    assert_eq!(record.attempts, ["401"]);
    assert!(nothing_stored(&store, &mchid, &paid.notification_id).await);
    assert_eq!(counter.runs(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_apiv3_key_is_refused_in_public_key_mode() {
    let sandbox = sandbox(0).await;
    sandbox.pay().set_key_mode(KeyMode::PublicKey).unwrap();
    let key = sandbox.pay().public_key().unwrap();
    let right = cert_pay(&sandbox);
    let wrong = WechatPay::new(
        config(&sandbox, Some("0123456789abcdef0123456789abcdef"))
            .public_key_pem(key.id, key.pem.into_bytes())
            .build()
            .unwrap(),
    )
    .unwrap();
    let counter = Counter::default();
    let store = Arc::new(MemoryStore::new());
    let (url, _) = serve_routes(routes(wrong, store.clone(), &counter)).await;
    order(&sandbox, &right, "WRONGKEY0001", &url).await;
    let paid = sandbox.pay().pay_order("WRONGKEY0001").unwrap();
    let record = delivered(&sandbox, &paid.notification_id).await;
    assert_eq!(
        record.attempts,
        ["400"],
        "verified, then refused undecryptable"
    );
    assert!(nothing_stored(&store, right.config().mchid(), &paid.notification_id).await);
    assert_eq!(counter.runs(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_handler_is_answered_in_time_and_runs_once() {
    let sandbox = sandbox(200).await;
    let pay = cert_pay(&sandbox);
    let runs = Arc::new(AtomicUsize::new(0));
    let go = Arc::new(Notify::new());
    let handler = {
        let (runs, go) = (Arc::clone(&runs), Arc::clone(&go));
        PayNotifyHandler::new(pay.clone(), Arc::new(MemoryStore::new()))
            .deadline(Duration::from_millis(200))
            .on_transaction(move |_tx| {
                let (runs, go) = (Arc::clone(&runs), Arc::clone(&go));
                async move {
                    runs.fetch_add(1, Ordering::SeqCst);
                    go.notified().await;
                    Ok(())
                }
            })
    };
    let (url, _) = serve_routes(PayNotifyRoutes::from_handler(handler.clone())).await;
    order(&sandbox, &pay, "SLOW00000001", &url).await;
    let started = Instant::now();
    let paid = sandbox.pay().pay_order("SLOW00000001").unwrap();
    // Wait until WeChat Pay has been answered (twice: the retry too) while
    // the handler still runs.
    let deadline = Instant::now() + WAIT;
    loop {
        let attempts = sandbox
            .pay()
            .notifications()
            .unwrap()
            .into_iter()
            .find(|n| n.id == paid.notification_id)
            .map(|n| n.attempts)
            .unwrap_or_default();
        if attempts.len() >= 2 {
            assert_eq!(
                attempts[..2],
                ["503", "503"],
                "answered before WeChat's 5 s"
            );
            break;
        }
        assert!(Instant::now() < deadline, "no answer: {attempts:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(started.elapsed() < WAIT);
    go.notify_one();
    handler.idle().await;
    let record = delivered(&sandbox, &paid.notification_id).await;
    assert_eq!(record.delivery, Delivery::Delivered);
    assert_eq!(record.attempts.last().map(String::as_str), Some("204"));
    assert_eq!(
        runs.load(Ordering::SeqCst),
        1,
        "the retries did not run it again"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refunds_are_typed() {
    let sandbox = sandbox(3).await;
    let pay = cert_pay(&sandbox);
    let refunds = Arc::new(Mutex::new(Vec::new()));
    let keep = Arc::clone(&refunds);
    let routes =
        PayNotifyRoutes::new(pay.clone(), Arc::new(MemoryStore::new())).on_refund(move |refund| {
            let keep = Arc::clone(&keep);
            async move {
                keep.lock().unwrap().push(refund);
                Ok(())
            }
        });
    let (url, _) = serve_routes(routes).await;
    order(&sandbox, &pay, "REFUND000001", &url).await;
    let paid = sandbox.pay().pay_order("REFUND000001").unwrap();
    // Without a transaction handler the payment is acknowledged.
    assert_eq!(
        delivered(&sandbox, &paid.notification_id).await.attempts,
        ["204"]
    );
    let body = json!({"out_trade_no": "REFUND000001", "out_refund_no": "RF000001",
        "notify_url": url, "amount": {"refund": 300, "total": 888, "currency": "CNY"}})
    .to_string();
    let path = "/v3/refund/domestic/refunds";
    let answer = reqwest::Client::new()
        .post(format!(
            "{}{}",
            sandbox.base_url().as_str().trim_end_matches('/'),
            path
        ))
        .header(
            "authorization",
            pay.authorization("POST", path, &body).unwrap(),
        )
        .header("accept", "application/json")
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let deadline = Instant::now() + WAIT;
    while refunds.lock().unwrap().is_empty() {
        assert!(Instant::now() < deadline, "no refund notification");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let refund = refunds.lock().unwrap()[0].clone();
    assert_eq!(refund.out_refund_no, "RF000001");
    assert_eq!(refund.refund_status, RefundStatus::Success);
    assert_eq!(refund.amount.refund, 300);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_failures_count_against_the_rate_limit() {
    use wechat_api::server::{Rate, RateLimits};
    let sandbox = sandbox(0).await;
    let pay = cert_pay(&sandbox);
    let counter = Counter::default();
    let limits =
        RateLimits::default().callbacks_per_client(Some(Rate::new(2, Duration::from_secs(3600))));
    let routes = routes(pay.clone(), Arc::new(MemoryStore::new()), &counter).rate_limits(limits);
    let (url, _) = serve_routes(routes).await;
    let http = reqwest::Client::new();
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let answer = http.post(&url).body("{}").send().await.unwrap();
        statuses.push(answer.status().as_u16());
        if answer.status() == 429 {
            assert!(answer.headers().contains_key("retry-after"));
            let fail: Value = answer.json().await.unwrap();
            assert_eq!(fail["code"], "FAIL");
        }
    }
    assert_eq!(statuses, [401, 401, 429], "failures spend the budget");
    // The same client (127.0.0.1) over its budget: a valid notification is
    // still handled.
    order(&sandbox, &pay, "LIMITED00001", &url).await;
    let paid = sandbox.pay().pay_order("LIMITED00001").unwrap();
    assert_eq!(
        delivered(&sandbox, &paid.notification_id).await.attempts,
        ["204"]
    );
    assert_eq!(counter.runs(), 1);
}
