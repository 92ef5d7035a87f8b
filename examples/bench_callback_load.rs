//! The callback benchmark's load generator: sends encrypted, signed text
//! messages to an authorizer message URL (`POST /{appid}/callback`; with
//! `--account`, an official account's own, `POST /wechat`) over
//! keep-alive HTTP/1.1 connections at a fixed concurrency, and reports the
//! messages per second, the server's CPU time per message and its memory.
//!
//! ```text
//! cargo run --release --example bench_callback_load -- \
//!     --target 127.0.0.1:PORT --pid SERVER_PID --messages 50000 --concurrency 32
//! ```
//!
//! Every request is prepared before the clock starts (a distinct `MsgId`,
//! content and nonce each, encrypted and signed like WeChat's pushes with
//! the credentials of `wechat_api_examples::bench_callback`), so sending one
//! costs the generator little. A warm-up (not counted) opens the
//! connections first. The server's CPU time is `utime + stime` of
//! `/proc/PID/stat` before and after the timed part, summed over the process
//! and its descendants (for a server with worker processes); its memory is
//! `VmHWM` (peak resident set) and `VmRSS` of `/proc/PID/status`, summed the
//! same way. Every answer is checked after the clock stops: a `200` whose
//! reply envelope's signature holds, which decrypts to a text reply to the
//! sender repeating the message's content; anything else is a failure.
//!
//! It prints one human-readable line on stderr and one JSON object on
//! stdout, and exits non-zero if any message failed.

use std::net::SocketAddr;
use std::ops::Range;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use clap::Parser;
use http_body_util::{BodyExt as _, Full};
use hyper::client::conn::http1;
use hyper::header::{CONTENT_TYPE, HOST};
use hyper::{Request, Uri};
use hyper_util::rt::TokioIo;
use quick_xml::events::Event;
use tokio::net::TcpStream;
use tokio::sync::Barrier;
use wechat_api::crypto::{Envelope, MsgCrypt, plain_signature};
use wechat_api_examples::bench_callback::{
    ACCOUNT, ACCOUNT_APPID, ACCOUNT_PATH, AES_KEY, AUTHORIZER, COMPONENT_APPID, OPENID, TOKEN,
    content, text_message,
};

/// Loads a message URL with encrypted text messages.
#[derive(Debug, Parser)]
#[command(about)]
struct Args {
    /// The server's address.
    #[arg(long)]
    target: SocketAddr,
    /// The server's process id (for its CPU time and memory).
    #[arg(long)]
    pid: Option<u32>,
    /// Messages in the timed part (all are stamped with the time the run
    /// starts: keep a run within the server's 5-minute replay window).
    #[arg(long, default_value_t = 50_000)]
    messages: usize,
    /// Messages sent before the clock starts.
    #[arg(long, default_value_t = 2_000)]
    warmup: usize,
    /// Connections, each with one request in flight at a time.
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
    /// Load an official account's own message URL (`POST /wechat`, the
    /// account's appid as receive id) instead of an authorizer's.
    #[arg(long)]
    account: bool,
    /// A name for the server, repeated in the output.
    #[arg(long, default_value = "server")]
    label: String,
}

/// How long a request may take before it counts as failed.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// One prepared request.
struct Prepared {
    msg_id: u64,
    timestamp: String,
    nonce: String,
    uri: Uri,
    body: Bytes,
}

/// The requests, the first `warmup` of them for the warm-up.
fn prepare(args: &Args, crypt: &MsgCrypt) -> Result<Vec<Prepared>, Box<dyn std::error::Error>> {
    let now = SystemTime::now().duration_since(UNIX_EPOCH)?;
    let timestamp = now.as_secs().to_string();
    // Distinct from any earlier run's ids, should the server remember them.
    let first_id = now.as_micros() as u64 * 1_000;
    let total = args.warmup + args.messages;
    let mut prepared = Vec::with_capacity(total);
    for i in 0..total {
        let msg_id = first_id + i as u64;
        let nonce = (1_000_000_000 + i).to_string();
        let create_time = now.as_secs() as i64;
        let encrypt = crypt.encrypt(&text_message(msg_id, create_time))?;
        let msg_signature = crypt.sign(&timestamp, &nonce, &encrypt);
        let signature = plain_signature(TOKEN, &timestamp, &nonce);
        let path = if args.account {
            ACCOUNT_PATH.to_owned()
        } else {
            format!("/{AUTHORIZER}/callback")
        };
        let uri = format!(
            "{path}?signature={signature}&timestamp={timestamp}&nonce={nonce}\
             &openid={OPENID}&encrypt_type=aes&msg_signature={msg_signature}"
        )
        .parse()?;
        let body = format!(
            "<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
        );
        prepared.push(Prepared {
            msg_id,
            timestamp: timestamp.clone(),
            nonce,
            uri,
            body: Bytes::from(body),
        });
    }
    Ok(prepared)
}

/// An answer: the request's index, and the status and body, or nothing if
/// the request failed.
type Answer = (usize, Option<(u16, Bytes)>);

/// One keep-alive connection, opened again after a failure.
struct Connection {
    target: SocketAddr,
    host: String,
    sender: Option<http1::SendRequest<Full<Bytes>>>,
}

impl Connection {
    fn new(target: SocketAddr) -> Self {
        Connection {
            target,
            host: target.to_string(),
            sender: None,
        }
    }

    /// Opens the connection if it is not open.
    async fn open(&mut self) -> Option<&mut http1::SendRequest<Full<Bytes>>> {
        if self.sender.as_ref().is_none_or(|sender| sender.is_closed()) {
            self.sender = None;
            let Ok(stream) = TcpStream::connect(self.target).await else {
                // Do not spin against a server that is gone.
                tokio::time::sleep(Duration::from_millis(50)).await;
                return None;
            };
            let _ = stream.set_nodelay(true);
            let (sender, connection) = http1::handshake(TokioIo::new(stream)).await.ok()?;
            tokio::spawn(connection);
            self.sender = Some(sender);
        }
        self.sender.as_mut()
    }

    /// Sends `request` and reads the whole answer; `None` if that failed
    /// (the connection is opened again for the next request).
    async fn send(&mut self, request: &Prepared) -> Option<(u16, Bytes)> {
        let answer = tokio::time::timeout(REQUEST_TIMEOUT, self.exchange(request))
            .await
            .ok()
            .flatten();
        if answer.is_none() {
            self.sender = None;
        }
        answer
    }

    async fn exchange(&mut self, request: &Prepared) -> Option<(u16, Bytes)> {
        let host = self.host.clone();
        let sender = self.open().await?;
        sender.ready().await.ok()?;
        let http_request = Request::post(request.uri.clone())
            .header(HOST, host)
            .header(CONTENT_TYPE, "text/xml")
            .body(Full::new(request.body.clone()))
            .ok()?;
        let answer = sender.send_request(http_request).await.ok()?;
        let status = answer.status().as_u16();
        let body = answer.into_body().collect().await.ok()?.to_bytes();
        Some((status, body))
    }
}

/// Sends the requests of `range`, each once, shared with the other
/// connections through `next`.
async fn drive(
    connection: &mut Connection,
    requests: &[Prepared],
    range: Range<usize>,
    next: &AtomicUsize,
) -> Vec<Answer> {
    let mut answers = Vec::new();
    loop {
        let index = range.start + next.fetch_add(1, Ordering::Relaxed);
        let Some(request) = requests.get(index).filter(|_| index < range.end) else {
            return answers;
        };
        answers.push((index, connection.send(request).await));
    }
}

/// Whether `answer` is the expected reply to `request`; if not, why not.
fn check(
    crypt: &MsgCrypt,
    request: &Prepared,
    answer: Option<&(u16, Bytes)>,
) -> Result<(), &'static str> {
    let (status, body) = answer.ok_or("no answer")?;
    if *status != 200 {
        return Err("status is not 200");
    }
    let body = std::str::from_utf8(body).map_err(|_| "body is not UTF-8")?;
    let envelope = Envelope::parse(body).map_err(|_| "no reply envelope")?;
    let (Some(signature), Some(timestamp), Some(nonce)) = (
        envelope.msg_signature.as_deref(),
        envelope.timestamp.as_deref(),
        envelope.nonce.as_deref(),
    ) else {
        return Err("envelope without MsgSignature, TimeStamp or Nonce");
    };
    if timestamp != request.timestamp || nonce != request.nonce {
        return Err("envelope's TimeStamp or Nonce is not the request's");
    }
    let plaintext = crypt
        .decrypt_verified(signature, timestamp, nonce, &envelope.encrypt)
        .map_err(|_| "reply does not verify or decrypt")?;
    let reply = fields(&plaintext).ok_or("the reply is not well-formed XML")?;
    let field = |name: &str| {
        reply
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    let expected = field("MsgType") == Some("text")
        && field("ToUserName") == Some(OPENID)
        && field("FromUserName") == Some(ACCOUNT)
        && field("Content") == Some(content(request.msg_id).as_str());
    expected.then_some(()).ok_or("not the expected text reply")
}

/// The (name, text) of the children of a reply's root element, read with
/// quick-xml (a parser of its own, not the library's); `None` if the XML is
/// malformed.
fn fields(xml: &str) -> Option<Vec<(String, String)>> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut depth = 0;
    let mut fields = Vec::new();
    loop {
        match reader.read_event().ok()? {
            Event::Start(start) => {
                depth += 1;
                if depth == 2 {
                    let name = start.local_name().as_ref().to_owned();
                    fields.push((name, String::new()));
                }
            }
            Event::End(_) => depth -= 1,
            Event::Text(text) if depth == 2 => {
                fields.last_mut()?.1.push_str(text.xml10_content().trim());
            }
            Event::CData(cdata) if depth == 2 => {
                fields.last_mut()?.1.push_str(&cdata.xml10_content());
            }
            Event::Eof => return Some(fields),
            _ => {}
        }
    }
}

/// CPU time (user + system, seconds) and `VmHWM`, `VmRSS` (KiB) of a
/// process and its descendants.
#[derive(Debug, Clone, Copy, Default)]
struct Usage {
    cpu_seconds: f64,
    peak_rss_kib: u64,
    rss_kib: u64,
    processes: usize,
}

/// The clock ticks per second of `/proc/PID/stat`'s times.
fn clock_ticks() -> f64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .and_then(|text| text.trim().parse().ok())
        .unwrap_or(100.0)
}

/// `pid` and its descendants.
fn process_tree(pid: u32) -> Vec<u32> {
    let mut tree = vec![pid];
    let mut at = 0;
    while let Some(&parent) = tree.get(at) {
        at += 1;
        let Ok(tasks) = std::fs::read_dir(format!("/proc/{parent}/task")) else {
            continue;
        };
        for task in tasks.flatten() {
            let children =
                std::fs::read_to_string(task.path().join("children")).unwrap_or_default();
            tree.extend(
                children
                    .split_whitespace()
                    .filter_map(|c| c.parse::<u32>().ok()),
            );
        }
    }
    tree
}

fn status_kib(status: &str, field: &str) -> u64 {
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn usage(pid: u32, ticks: f64) -> Usage {
    let mut usage = Usage::default();
    for pid in process_tree(pid) {
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        // The fields after the command name, which is in parentheses and
        // may hold spaces: state is field 3, utime 14, stime 15.
        let Some((_, rest)) = stat.rsplit_once(')') else {
            continue;
        };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let time = |n: usize| fields.get(n - 3).and_then(|v| v.parse::<u64>().ok());
        let (Some(utime), Some(stime)) = (time(14), time(15)) else {
            continue;
        };
        usage.cpu_seconds += (utime + stime) as f64 / ticks;
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        usage.peak_rss_kib += status_kib(&status, "VmHWM:");
        usage.rss_kib += status_kib(&status, "VmRSS:");
        usage.processes += 1;
    }
    usage
}

/// The CPU time of this process, in seconds.
fn own_cpu_seconds(ticks: f64) -> f64 {
    usage(std::process::id(), ticks).cpu_seconds
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Args::parse()).await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("bench_callback_load: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<bool, Box<dyn std::error::Error>> {
    if args.concurrency == 0 || args.messages == 0 {
        return Err("--concurrency and --messages must be at least 1".into());
    }
    let receive_id = if args.account {
        ACCOUNT_APPID
    } else {
        COMPONENT_APPID
    };
    let crypt = MsgCrypt::new(TOKEN, AES_KEY, receive_id)?;
    let requests = Arc::new(prepare(&args, &crypt)?);
    let ticks = clock_ticks();
    let warmup = 0..args.warmup;
    let timed = args.warmup..args.warmup + args.messages;
    let (next_warmup, next_timed) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    // Every connection and this task: the warm-up is over; then: go.
    let (warm, go) = (
        Arc::new(Barrier::new(args.concurrency + 1)),
        Arc::new(Barrier::new(args.concurrency + 1)),
    );
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..args.concurrency {
        let (requests, warmup, timed) = (Arc::clone(&requests), warmup.clone(), timed.clone());
        let (next_warmup, next_timed) = (Arc::clone(&next_warmup), Arc::clone(&next_timed));
        let (warm, go) = (Arc::clone(&warm), Arc::clone(&go));
        let target = args.target;
        tasks.spawn(async move {
            let mut connection = Connection::new(target);
            let warmed = drive(&mut connection, &requests, warmup, &next_warmup).await;
            warm.wait().await;
            go.wait().await;
            let answers = drive(&mut connection, &requests, timed, &next_timed).await;
            (warmed, answers)
        });
    }
    warm.wait().await;
    let server_before = args.pid.map(|pid| usage(pid, ticks));
    let own_before = own_cpu_seconds(ticks);
    let started = Instant::now();
    go.wait().await;
    let mut answers = Vec::with_capacity(args.messages);
    let mut warmup_failures = 0;
    while let Some(joined) = tasks.join_next().await {
        let (warmed, timed) = joined?;
        warmup_failures += warmed
            .iter()
            .filter(|(_, a)| !matches!(a, Some((200, _))))
            .count();
        answers.extend(timed);
    }
    let seconds = started.elapsed().as_secs_f64();
    let own_seconds = own_cpu_seconds(ticks) - own_before;
    let server_after = args.pid.map(|pid| usage(pid, ticks));

    let answered = answers.len();
    let mut correct = 0;
    let mut reasons = std::collections::BTreeMap::<&str, usize>::new();
    for (index, answer) in &answers {
        let checked = match requests.get(*index) {
            Some(request) => check(&crypt, request, answer.as_ref()),
            None => Err("answer to no request"),
        };
        match checked {
            Ok(()) => correct += 1,
            Err(reason) => *reasons.entry(reason).or_default() += 1,
        }
    }
    let failures = args.messages - correct.min(args.messages);
    let rate = args.messages as f64 / seconds;
    let server_cpu = match (server_before, server_after) {
        (Some(before), Some(after)) => Some(after.cpu_seconds - before.cpu_seconds),
        _ => None,
    };
    let cpu_us_per_message = server_cpu.map(|cpu| cpu * 1e6 / args.messages as f64);
    eprintln!(
        "{}: {} messages in {seconds:.2} s = {rate:.0}/s at concurrency {}; server CPU {} µs/message, peak RSS {} KiB ({} process(es)); {failures} failed ({} answered); generator CPU {own_seconds:.2} s",
        args.label,
        args.messages,
        args.concurrency,
        cpu_us_per_message.map_or("?".to_owned(), |us| format!("{us:.1}")),
        server_after.map_or(0, |u| u.peak_rss_kib),
        server_after.map_or(0, |u| u.processes),
        answered,
    );
    let report = serde_json::json!({
        "label": args.label,
        "messages": args.messages,
        "concurrency": args.concurrency,
        "warmup": args.warmup,
        "warmup_failures": warmup_failures,
        "failures": failures,
        "failure_reasons": reasons,
        "seconds": seconds,
        "messages_per_second": rate,
        "server_cpu_seconds": server_cpu,
        "cpu_us_per_message": cpu_us_per_message,
        "server_peak_rss_kib": server_after.map(|u| u.peak_rss_kib),
        "server_rss_kib": server_after.map(|u| u.rss_kib),
        "server_processes": server_after.map(|u| u.processes),
        "generator_cpu_seconds": own_seconds,
    });
    println!("{report}");
    Ok(failures == 0 && warmup_failures == 0)
}
