//! A generated call against a hand-written reqwest call to the same local
//! server: the overhead of the generated code and the token manager.
//!
//! `cargo bench -p wechat-api-benches --bench call`
//!
//! Both sides send `GET /cgi-bin/ticket/getticket?access_token=..&type=jsapi`
//! to an axum server on loopback and decode the answer into a struct; the
//! generated side also checks `errcode` and takes the token from the manager.

use std::time::Duration;

use axum::Router;
use axum::routing::get;
use criterion::{Criterion, criterion_group, criterion_main};
use serde::Deserialize;
use wechat_api::api::official::{GetTicketRequest, TicketType};
use wechat_api::token::TokenKey;
use wechat_api::{Client, Config};

const ANSWER: &str = r#"{"errcode":0,"errmsg":"ok","ticket":"bxLdikRXVbTPdHSM05e5u5sUoXNKd8-41ZO3MhKoyN5OfkWITDGgnr2fwJ0m9E8NYzWKVZvdVtaUgWvsdshFKA","expires_in":7200}"#;

#[derive(Deserialize)]
struct Ticket {
    ticket: String,
    #[allow(dead_code)]
    expires_in: u32,
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let base = rt.block_on(async {
        let app = Router::new().route("/cgi-bin/ticket/getticket", get(|| async { ANSWER }));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move { axum::serve(listener, app).await });
        format!("http://{addr}")
    });
    let config = Config::builder()
        .appid("wx_bench")
        .secret("s")
        .build()
        .expect("config");
    let client = Client::builder(config)
        .base_url_for_all(&base)
        .expect("base url")
        .build()
        .expect("client");
    rt.block_on(client.tokens().set(
        &TokenKey::access_token("wx_bench"),
        "BENCH_TOKEN",
        Some(Duration::from_secs(3600)),
    ))
    .expect("token cached");
    // reqwest is built without a bundled crypto provider (the SDK configures
    // TLS per client); plain HTTP needs none, but reqwest's builder asks for one
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::new();
    let url = format!("{base}/cgi-bin/ticket/getticket");

    let mut group = c.benchmark_group("getticket over loopback");
    group.bench_function("generated client call", |b| {
        b.to_async(&rt).iter(|| async {
            let answer = client
                .official()
                .get_ticket(GetTicketRequest::new(TicketType::Jsapi))
                .await
                .expect("call");
            assert_eq!(answer.ticket.len(), 86);
        })
    });
    group.bench_function("hand-written reqwest call", |b| {
        b.to_async(&rt).iter(|| async {
            let bytes = http
                .get(&url)
                .query(&[("access_token", "BENCH_TOKEN"), ("type", "jsapi")])
                .send()
                .await
                .expect("send")
                .bytes()
                .await
                .expect("body");
            let answer: Ticket = serde_json::from_slice(&bytes).expect("decode");
            assert_eq!(answer.ticket.len(), 86);
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
