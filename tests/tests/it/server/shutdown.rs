//! `serve`'s graceful shutdown waits for the work requests left running: a
//! message handler still running past its reply deadline when the shutdown
//! signal comes finishes before the server's future completes.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::Notify;
use wechat_api::callback::{self, ComponentCallback, MessageCallback, State};
use wechat_api::crypto::MsgCrypt;
use wechat_api::server::{CallbackRoutes, ServeOptions, serve};
use wechat_api::token::MemoryStore;
use wechat_sandbox::{Sandbox, SandboxConfig};

#[derive(Clone, Default)]
struct Probe {
    /// Lets the handler finish.
    release: Arc<Notify>,
    /// The handler finished.
    done: Arc<AtomicBool>,
    /// The server's future had completed when the handler finished.
    served_before_done: Arc<AtomicBool>,
    /// The server's future completed.
    served: Arc<AtomicBool>,
}

fn now() -> String {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handler_past_its_reply_deadline_finishes_before_serve_returns() {
    let sandbox = Sandbox::start(
        SandboxConfig::builder()
            .push_interval(None)
            .build()
            .unwrap(),
    )
    .await
    .unwrap();
    let client = sandbox
        .client_builder()
        .unwrap()
        .token_store(Arc::new(MemoryStore::new()))
        .build()
        .unwrap();
    let probe = Probe::default();
    let router = callback::Router::with_state(probe.clone()).message(
        "text",
        |_message, _client, State(probe)| async move {
            probe.release.notified().await;
            probe
                .served_before_done
                .store(probe.served.load(Ordering::SeqCst), Ordering::SeqCst);
            probe.done.store(true, Ordering::SeqCst);
            Ok(None)
        },
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let routes = CallbackRoutes::new(
        ComponentCallback::new(client.clone()).unwrap(),
        MessageCallback::new(client, router)
            .unwrap()
            .reply_deadline(Duration::from_millis(50)),
        format!("http://{addr}/").parse().unwrap(),
    );
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let options = ServeOptions::default().background_grace(Duration::from_secs(60));
    let served = Arc::clone(&probe.served);
    let server = tokio::spawn(async move {
        serve(listener, routes.router(), options)
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .await;
        served.store(true, Ordering::SeqCst);
    });

    // A push whose handler outlives its 50 ms reply deadline.
    let c = sandbox.config();
    let crypt = MsgCrypt::new(
        c.component_token(),
        c.component_aes_key(),
        c.component_appid(),
    )
    .unwrap();
    let (timestamp, nonce) = (now(), "991");
    let plaintext = "<xml><ToUserName><![CDATA[gh_merchant]]></ToUserName><FromUserName><![CDATA[oUser1]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[slow]]></Content><MsgId>99001</MsgId></xml>";
    let encrypt = crypt.encrypt(plaintext).unwrap();
    let signature = crypt.sign(&timestamp, nonce, &encrypt);
    let url = format!(
        "http://{addr}/wx00000000b0000001/callback?timestamp={timestamp}&nonce={nonce}&encrypt_type=aes&msg_signature={signature}"
    );
    let body = format!(
        "<xml><ToUserName><![CDATA[gh_merchant]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
    );
    let answer = reqwest::Client::new()
        .post(url)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 200);
    assert_eq!(
        answer.text().await.unwrap(),
        "success",
        "answered without the handler"
    );
    assert!(!probe.done.load(Ordering::SeqCst));

    // Shut down, and wait until the listener is closed.
    stop.send(()).unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while tokio::net::TcpStream::connect(addr).await.is_ok() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the listener stays open"
        );
        tokio::task::yield_now().await;
    }
    // The handler is still waiting: the server must wait for it.
    probe.release.notify_one();
    tokio::time::timeout(Duration::from_secs(60), server)
        .await
        .expect("serve returns once the handler is done")
        .unwrap();
    assert!(
        probe.done.load(Ordering::SeqCst),
        "the handler finished before serve returned"
    );
    assert!(!probe.served_before_done.load(Ordering::SeqCst));
}
