//! Memory stays bounded when WeChat (or a proxy) streams an endless answer:
//! the call fails with `Error::AnswerTooLarge` once the limit is read, and
//! the process's peak RSS (`VmHWM`) grows by about the limit, not by what
//! the server sent. Alone in its file: another test in the same process
//! would move the peak.
#![cfg(target_os = "linux")]

use wechat_api_test_support::raw_http;

use std::time::Duration;

use raw_http::Answer;
use wechat_api::endpoint::{Credential, HttpMethod};
use wechat_api::{Client, Config, DEFAULT_ANSWER_LIMIT, Error};

/// The peak resident set size of this process, in bytes.
fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let kib: u64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("a VmHWM line");
    kib * 1024
}

#[tokio::test]
async fn an_endless_answer_costs_about_the_limit_in_memory() {
    let server = raw_http::start(Answer::Chunked {
        content_type: "application/json",
        chunk: vec![b' '; 64 << 10],
        count: None,
    })
    .await;
    let client = Client::builder(Config::default())
        .base_url("api.weixin.qq.com", &server.uri())
        .expect("base url")
        .timeout(Duration::from_secs(300))
        .build()
        .expect("client");
    let before = peak_rss();
    let e = client
        .raw(HttpMethod::Get, "/cgi-bin/endless")
        .credential(Credential::None)
        .send::<serde_json::Value>()
        .await
        .expect_err("an endless answer");
    let after = peak_rss();
    assert!(
        matches!(&e, Error::AnswerTooLarge { limit, .. } if *limit == DEFAULT_ANSWER_LIMIT),
        "{e:?}"
    );
    assert!(
        server.written() >= DEFAULT_ANSWER_LIMIT,
        "the server streamed past the limit"
    );
    let grown = after.saturating_sub(before);
    eprintln!(
        "peak RSS {} MiB before, {} MiB after: grew {} KiB (limit {} KiB)",
        before >> 20,
        after >> 20,
        grown >> 10,
        DEFAULT_ANSWER_LIMIT >> 10
    );
    assert!(
        grown < 6 * DEFAULT_ANSWER_LIMIT,
        "peak RSS grew by {grown} bytes for a limit of {DEFAULT_ANSWER_LIMIT}"
    );
}
