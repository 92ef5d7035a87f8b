//! Peak memory of a call answered with 100 MB (a proxy's error page, a
//! runaway upstream): the process's peak RSS (`VmHWM`) after the call, once
//! with the size announced in `Content-Length` and once streamed in chunks.
//!
//! `cargo bench -p wechat-api-benches --bench answer_memory`
//!
//! The server writes the 100 MB from one 64 KiB buffer, so what the peak
//! shows is the client's.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wechat_api::api::official::{GetTicketRequest, TicketType};
use wechat_api::token::TokenKey;
use wechat_api::{Client, Config};

const ANSWER_BYTES: usize = 100 * 1000 * 1000;
const CHUNK: usize = 64 << 10;

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib: f64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(f64::NAN);
    kib / 1024.0
}

/// Answers every request with 100 MB of HTML: announced or chunked.
async fn serve(listener: TcpListener, chunked: bool) {
    let chunk = "<p>upstream error</p>".repeat(CHUNK / 21).into_bytes();
    while let Ok((mut stream, _)) = listener.accept().await {
        let chunk = chunk.clone();
        tokio::spawn(async move {
            let mut head = [0u8; 4096];
            let _ = stream.read(&mut head).await;
            let framing = if chunked {
                "Transfer-Encoding: chunked".to_owned()
            } else {
                format!("Content-Length: {ANSWER_BYTES}")
            };
            let head = format!("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n{framing}\r\n\r\n");
            if stream.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            let mut left = ANSWER_BYTES;
            while left > 0 {
                let part = &chunk[..left.min(chunk.len())];
                let written = if chunked {
                    let mut framed = format!("{:x}\r\n", part.len()).into_bytes();
                    framed.extend_from_slice(part);
                    framed.extend_from_slice(b"\r\n");
                    stream.write_all(&framed).await
                } else {
                    stream.write_all(part).await
                };
                if written.is_err() {
                    return;
                }
                left -= part.len();
            }
            if chunked {
                let _ = stream.write_all(b"0\r\n\r\n").await;
            }
        });
    }
}

async fn call(chunked: bool) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(serve(listener, chunked));
    let config = Config::builder()
        .appid("wx_bench")
        .secret("bench_secret")
        .build()
        .expect("config");
    let client = Client::builder(config)
        .base_url_for_all(&base)
        .expect("base url")
        .timeout(Duration::from_secs(120))
        .build()
        .expect("client");
    client
        .tokens()
        .set(
            &TokenKey::access_token("wx_bench"),
            "BENCH_TOKEN",
            Some(Duration::from_secs(3600)),
        )
        .await
        .expect("token cached");
    let result = client
        .official()
        .get_ticket(GetTicketRequest::new(TicketType::Jsapi))
        .await;
    match result {
        Ok(_) => "answered".to_owned(),
        Err(e) => {
            let text = e.to_string();
            text.chars().take(100).collect()
        }
    }
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    println!("peak RSS at start: {:.1} MiB", peak_rss_mib());
    for (name, chunked) in [
        ("announced (Content-Length)", false),
        ("streamed (chunked)", true),
    ] {
        let error = rt.block_on(call(chunked));
        println!(
            "100 MB answer, {name}: peak RSS {:.1} MiB; the call ended with: {error}",
            peak_rss_mib()
        );
    }
}
