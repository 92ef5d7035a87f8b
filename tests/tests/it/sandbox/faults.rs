//! Fault injection: HTTP 5xx, delays and errcodes reach the caller as typed
//! errors, with bounded retries (a 5xx is never retried; only an invalid or
//! expired token is, once).

use std::sync::Arc;
use std::time::{Duration, Instant};

use wechat_api::api::official::{GetTicketRequest, TicketType};
use wechat_api::token::MemoryStore;
use wechat_api::{Client, Error};
use wechat_sandbox::{Fault, FaultKind, Sandbox, SandboxConfig};

/// Where the managed basic `access_token` comes from.
const TOKEN: &str = "/cgi-bin/stable_token";
const TICKET: &str = "/cgi-bin/ticket/getticket";

async fn sandbox() -> Sandbox {
    Sandbox::start(
        SandboxConfig::builder()
            .push_interval(None)
            .build()
            .unwrap(),
    )
    .await
    .unwrap()
}

fn client(sandbox: &Sandbox, timeout: Duration) -> Client {
    sandbox
        .client_builder()
        .unwrap()
        .token_store(Arc::new(MemoryStore::new()))
        .timeout(timeout)
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_5xx_is_a_status_error_and_is_not_retried() {
    let sandbox = sandbox().await;
    let client = client(&sandbox, Duration::from_secs(5));
    sandbox.inject(Fault::status(500).on(TOKEN));
    let e = client.access_token().await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::Status {
                status: 500,
                ref endpoint,
                ..
            } if endpoint == "official.stable_token"
        ),
        "{e:?}"
    );
    assert_eq!(sandbox.request_count(TOKEN), 1, "exactly one request");
    assert_eq!(sandbox.pending_faults(), 0);
    // The fault is spent: the next call works.
    client.access_token().await.unwrap();
    assert_eq!(sandbox.request_count(TOKEN), 2);
}

#[tokio::test]
async fn a_5xx_on_the_call_itself_is_not_retried_either() {
    let sandbox = sandbox().await;
    let client = client(&sandbox, Duration::from_secs(5));
    client.access_token().await.unwrap();
    sandbox.inject(Fault::status(503).on(TICKET).times(2));
    let e = client
        .official()
        .get_ticket(GetTicketRequest::new(TicketType::Jsapi))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Status { status: 503, .. }), "{e:?}");
    assert_eq!(sandbox.request_count(TICKET), 1);
    assert_eq!(sandbox.pending_faults(), 1);
    assert!(
        client
            .official()
            .get_ticket(GetTicketRequest::new(TicketType::Jsapi))
            .await
            .is_err()
    );
    assert!(
        client
            .official()
            .get_ticket(GetTicketRequest::new(TicketType::Jsapi))
            .await
            .is_ok()
    );
    assert_eq!(sandbox.request_count(TICKET), 3);
    assert_eq!(
        sandbox.request_count(TOKEN),
        1,
        "a 5xx does not drop the token"
    );
}

#[tokio::test]
async fn a_delay_longer_than_the_timeout_is_an_http_error_within_bounded_time() {
    let sandbox = sandbox().await;
    let client = client(&sandbox, Duration::from_millis(300));
    // Far longer than the client's timeout, so that only the timeout can end
    // the call in bounded time, even on a loaded machine.
    sandbox.inject(Fault::delay(Duration::from_secs(60)).on(TOKEN));
    let started = Instant::now();
    let e = client.access_token().await.unwrap_err();
    let elapsed = started.elapsed();
    assert!(
        matches!(
            e,
            Error::Http { ref endpoint, .. } if endpoint == "official.stable_token"
        ),
        "{e:?}"
    );
    assert!(elapsed >= Duration::from_millis(250), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(20), "bounded: {elapsed:?}");
    assert_eq!(sandbox.request_count(TOKEN), 1, "a timeout is not retried");
}

#[tokio::test]
async fn a_delay_shorter_than_the_timeout_only_slows_the_call() {
    let sandbox = sandbox().await;
    // A timeout no loaded machine reaches on a 200 ms delay.
    let client = client(&sandbox, Duration::from_secs(60));
    sandbox.inject(Fault::delay(Duration::from_millis(200)));
    let started = Instant::now();
    client.access_token().await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert_eq!(sandbox.request_count(TOKEN), 1);
}

#[tokio::test]
async fn errcodes_are_typed_and_only_token_errors_are_retried_once() {
    let sandbox = sandbox().await;
    let client = client(&sandbox, Duration::from_secs(5));
    client.access_token().await.unwrap();

    sandbox.inject(Fault::errcode(45009).on(TICKET));
    let e = client
        .official()
        .get_ticket(GetTicketRequest::new(TicketType::Jsapi))
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::Api {
                code: 45009,
                ref endpoint,
                ..
            } if endpoint == "official.get_ticket"
        ),
        "{e:?}"
    );
    assert_eq!(sandbox.request_count(TICKET), 1);

    // WeChat says the token is invalid: refresh, retry once, succeed.
    sandbox.inject(Fault::errcode(40001).on(TICKET));
    client
        .official()
        .get_ticket(GetTicketRequest::new(TicketType::Jsapi))
        .await
        .unwrap();
    assert_eq!(sandbox.request_count(TICKET), 3);
    assert_eq!(sandbox.request_count(TOKEN), 2);

    // Twice in a row: the retry is not retried.
    sandbox.inject(Fault::errcode(42001).on(TICKET).times(2));
    let e = client
        .official()
        .get_ticket(GetTicketRequest::new(TicketType::Jsapi))
        .await
        .unwrap_err();
    assert_eq!(e.api_code(), Some(42001));
    assert_eq!(sandbox.request_count(TICKET), 5);
    assert_eq!(sandbox.request_count(TOKEN), 3);
}

#[tokio::test]
async fn faults_wait_for_their_path_and_can_be_cleared() {
    let sandbox = sandbox().await;
    let client = client(&sandbox, Duration::from_secs(5));
    sandbox.inject(Fault::status(502).on("/cgi-bin/token"));
    sandbox.inject(Fault::new(FaultKind::Status(500)).on(TICKET).times(3));
    client.access_token().await.unwrap();
    assert_eq!(sandbox.pending_faults(), 4);
    sandbox.clear_faults();
    assert_eq!(sandbox.pending_faults(), 0);
    client
        .official()
        .get_ticket(GetTicketRequest::new(TicketType::Jsapi))
        .await
        .unwrap();
    let counts = sandbox.request_counts();
    assert_eq!(counts.get(TOKEN), Some(&1));
    assert_eq!(counts.get(TICKET), Some(&1));
    assert_eq!(counts.len(), 2, "{counts:?}");
}
