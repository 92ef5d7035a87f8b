//! The sandbox's pushes: encrypted and signed exactly like WeChat's, on
//! demand and on a schedule; only a delivered ticket becomes current.

use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::routing::post;
use url::Url;
use wechat_api::api::component::{AuthorizerTokenRequest, QueryAuthRequest};
use wechat_api::crypto::{Envelope, MsgCrypt, verify_plain_signature};
use wechat_api::event::ComponentEvent;
use wechat_api::token::MemoryStore;
use wechat_sandbox::{DEFAULT_MERCHANT_APPID, Sandbox, SandboxConfig, SandboxError, errcode};

/// What a test receiver got: the raw query and body of each push.
#[derive(Clone, Default)]
struct Received {
    pushes: Arc<Mutex<Vec<(String, String)>>>,
    /// The status to answer (200 answers `success`, 299 answers `ok`).
    status: Arc<AtomicU16>,
}

impl Received {
    fn all(&self) -> Vec<(String, String)> {
        self.pushes.lock().unwrap().clone()
    }
}

async fn receive(
    State(received): State<Received>,
    RawQuery(query): RawQuery,
    body: String,
) -> (StatusCode, &'static str) {
    received
        .pushes
        .lock()
        .unwrap()
        .push((query.unwrap_or_default(), body));
    match received.status.load(Ordering::SeqCst) {
        200 => (StatusCode::OK, "success"),
        299 => (StatusCode::OK, "ok"),
        other => (StatusCode::from_u16(other).unwrap(), "nope"),
    }
}

/// A receiver on a free port; returns its events URL (with `?x=1`).
async fn receiver() -> (Url, Received) {
    let received = Received::default();
    received.status.store(200, Ordering::SeqCst);
    let app = Router::new()
        .route("/events", post(receive))
        .with_state(received.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (
        Url::parse(&format!("http://{addr}/events?x=1")).unwrap(),
        received,
    )
}

fn crypt(sandbox: &Sandbox) -> MsgCrypt {
    let c = sandbox.config();
    MsgCrypt::new(
        c.component_token(),
        c.component_aes_key(),
        c.component_appid(),
    )
    .unwrap()
}

/// Checks one push like a callback server would; returns the event.
fn open(sandbox: &Sandbox, query: &str, body: &str) -> ComponentEvent {
    let params: std::collections::HashMap<String, String> =
        url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
    assert_eq!(
        params.get("x").map(String::as_str),
        Some("1"),
        "the URL's own query is kept"
    );
    assert_eq!(params.get("encrypt_type").map(String::as_str), Some("aes"));
    let (timestamp, nonce) = (&params["timestamp"], &params["nonce"]);
    verify_plain_signature(
        sandbox.config().component_token(),
        &params["signature"],
        timestamp,
        nonce,
    )
    .expect("plain signature");
    let component_appid = sandbox.config().component_appid();
    let prefix = format!("<xml><AppId><![CDATA[{component_appid}]]></AppId><Encrypt><![CDATA[");
    assert!(body.starts_with(&prefix), "{body}");
    assert!(body.ends_with("]]></Encrypt></xml>"), "{body}");
    let envelope = Envelope::parse(body).unwrap();
    assert_eq!(envelope.app_id.as_deref(), Some(component_appid));
    let plaintext = crypt(sandbox)
        .decrypt_push(&params["msg_signature"], timestamp, nonce, body)
        .expect("signed and encrypted with the component's settings");
    let event = ComponentEvent::from_xml(&plaintext).unwrap();
    assert_eq!(event.app_id(), Some(component_appid));
    event
}

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

#[tokio::test]
async fn a_verify_ticket_push_is_encrypted_and_signed_like_wechat() {
    let sandbox = sandbox().await;
    let (url, received) = receiver().await;
    sandbox.set_callback_url(url);
    let ticket = sandbox.push_verify_ticket().await.unwrap();
    assert!(ticket.starts_with("ticket@@@"));
    let pushes = received.all();
    assert_eq!(pushes.len(), 1);
    let (query, body) = &pushes[0];
    assert!(!body.contains(&ticket), "the ticket travels encrypted");
    match open(&sandbox, query, body) {
        ComponentEvent::VerifyTicket(pushed) => {
            assert_eq!(pushed.component_verify_ticket, ticket);
        }
        other => panic!("not a ticket: {other:?}"),
    }
    assert_eq!(sandbox.verify_ticket(), Some(ticket));
}

#[tokio::test]
async fn a_refused_push_leaves_the_previous_ticket_current() {
    let sandbox = sandbox().await;
    assert!(matches!(
        sandbox.push_verify_ticket().await,
        Err(SandboxError::NoCallbackUrl)
    ));
    let (url, received) = receiver().await;
    sandbox.set_callback_url(url);
    let first = sandbox.push_verify_ticket().await.unwrap();
    for status in [500, 299] {
        received.status.store(status, Ordering::SeqCst);
        let e = sandbox.push_verify_ticket().await.unwrap_err();
        assert!(matches!(e, SandboxError::Push(_)), "{e}");
        assert_eq!(sandbox.verify_ticket().as_deref(), Some(first.as_str()));
    }
    assert_eq!(received.all().len(), 3);
    // An unreachable callback fails the same way, in bounded time.
    sandbox.set_callback_url(Url::parse("http://127.0.0.1:9/events").unwrap());
    assert!(matches!(
        sandbox.push_verify_ticket().await,
        Err(SandboxError::Push(_))
    ));
    assert_eq!(sandbox.verify_ticket(), Some(first));
}

#[tokio::test]
async fn tickets_are_pushed_on_a_schedule() {
    let (url, received) = receiver().await;
    let config = SandboxConfig::builder()
        .push_interval(Some(Duration::from_millis(150)))
        .callback_url(url)
        .build()
        .unwrap();
    let sandbox = Sandbox::start(config).await.unwrap();
    // Wait for three pushes, however slowly this machine runs.
    let deadline = Instant::now() + Duration::from_secs(30);
    while received.all().len() < 3 {
        assert!(Instant::now() < deadline, "{} pushes", received.all().len());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let pushes = received.all();
    let tickets: Vec<String> = pushes
        .iter()
        .map(|(q, b)| match open(&sandbox, q, b) {
            ComponentEvent::VerifyTicket(t) => t.component_verify_ticket,
            other => panic!("not a ticket: {other:?}"),
        })
        .collect();
    let current = sandbox.verify_ticket().unwrap();
    assert!(tickets.contains(&current));
    let unique: std::collections::HashSet<_> = tickets.iter().collect();
    assert_eq!(
        unique.len(),
        tickets.len(),
        "each push carries a new ticket"
    );
    // A second sandbox on the same schedule keeps pushing: its pushes
    // measure the time the dropped one had to push again, on this
    // machine's own pace (no fixed sleep).
    let (control_url, control) = receiver().await;
    let control_sandbox = Sandbox::start(
        SandboxConfig::builder()
            .push_interval(Some(Duration::from_millis(150)))
            .callback_url(control_url)
            .build()
            .unwrap(),
    )
    .await
    .unwrap();
    drop(sandbox);
    let after_stop = received.all().len();
    let control_at_stop = control.all().len();
    // Four more scheduled pushes of the control sandbox: four intervals.
    while control.all().len() < control_at_stop + 4 {
        assert!(
            Instant::now() < deadline + Duration::from_secs(30),
            "the control sandbox pushed {} times",
            control.all().len() - control_at_stop
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    drop(control_sandbox);
    // Pushes go one at a time: the one in flight when the sandbox was
    // dropped may still arrive, a scheduled one would make a second within
    // those four intervals.
    assert!(
        received.all().len() <= after_stop + 1,
        "a dropped sandbox stops pushing: {} pushes, then {}",
        after_stop,
        received.all().len()
    );
}

#[tokio::test]
async fn authorization_events_are_pushed_and_unauthorization_revokes_everything() {
    let sandbox = sandbox().await;
    let (url, received) = receiver().await;
    sandbox.set_callback_url(url);
    let ticket = sandbox.push_verify_ticket().await.unwrap();
    let client = sandbox
        .client_builder()
        .unwrap()
        .token_store(Arc::new(MemoryStore::new()))
        .build()
        .unwrap();
    let component_appid = sandbox.config().component_appid().to_owned();
    client
        .tokens()
        .store_verify_ticket(&component_appid, &ticket)
        .await
        .unwrap();
    let browser = wechat_api_test_support::platform::browser();

    let mut auth_codes = Vec::new();
    for _ in 0..2 {
        let pre_auth_code = client
            .component()
            .create_preauthcode()
            .await
            .unwrap()
            .pre_auth_code;
        let page = client
            .component_auth_url(pre_auth_code.as_str(), "https://a.example/cb")
            .unwrap()
            .build()
            .unwrap();
        let back = wechat_api_test_support::platform::follow(&browser, &page)
            .await
            .unwrap();
        let auth_code = back
            .query_pairs()
            .find(|(k, _)| k == "auth_code")
            .map(|(_, v)| v.into_owned())
            .unwrap();
        let (query, body) = received.all().last().cloned().unwrap();
        let event = open(&sandbox, &query, &body);
        let (ComponentEvent::Authorized(auth) | ComponentEvent::UpdateAuthorized(auth)) = &event
        else {
            panic!("not an authorization: {event:?}");
        };
        assert_eq!(auth.authorizer_appid, DEFAULT_MERCHANT_APPID);
        assert_eq!(auth.authorization_code, auth_code);
        assert_eq!(auth.pre_auth_code.as_deref(), Some(pre_auth_code.as_str()));
        assert!(auth.authorization_code_expired_time > auth.create_time);
        let expected = if auth_codes.is_empty() {
            "authorized"
        } else {
            "updateauthorized"
        };
        assert_eq!(event.info_type(), expected);
        auth_codes.push(auth_code);
    }
    assert!(sandbox.is_authorized(DEFAULT_MERCHANT_APPID));
    let authorization = client
        .component()
        .query_auth(QueryAuthRequest::new(auth_codes[1].as_str()))
        .await
        .unwrap()
        .authorization_info;

    sandbox.unauthorize(DEFAULT_MERCHANT_APPID).await.unwrap();
    assert!(!sandbox.is_authorized(DEFAULT_MERCHANT_APPID));
    let (query, body) = received.all().last().cloned().unwrap();
    match open(&sandbox, &query, &body) {
        ComponentEvent::Unauthorized(revoked) => {
            assert_eq!(revoked.authorizer_appid, DEFAULT_MERCHANT_APPID);
        }
        other => panic!("not an unauthorization: {other:?}"),
    }
    let e = client
        .official()
        .with_token(
            authorization
                .authorizer_access_token
                .as_deref()
                .expect("sandbox merchants have API permissions"),
        )
        .clear_quota()
        .await
        .unwrap_err();
    assert_eq!(e.api_code(), Some(errcode::INVALID_CREDENTIAL), "{e}");
    let e = client
        .component()
        .authorizer_token(AuthorizerTokenRequest::new(
            DEFAULT_MERCHANT_APPID,
            authorization
                .authorizer_refresh_token
                .as_deref()
                .expect("sandbox merchants have API permissions"),
        ))
        .await
        .unwrap_err();
    assert_eq!(e.api_code(), Some(errcode::NOT_AUTHORIZED), "{e}");
    assert!(sandbox.unauthorize(DEFAULT_MERCHANT_APPID).await.is_err());
}
