//! `wechat_api::server::serve` sheds slow and hostile clients: half-sent
//! request heads, idle keep-alive connections, bodies declared and never
//! sent, bodies over the limit (413 from `Content-Length`, before the body
//! is read); at the connection cap the oldest idle connection makes room
//! (a connection trickling a body in is idle too), so `/healthz` is still
//! answered; a client at its own cap replaces its own connections; descriptor exhaustion (`EMFILE`) does
//! not stop the server.
//!
//! The timeouts are set short here; every wait is on a condition, with a
//! generous deadline, never an assertion of speed.
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::routing::{get, post};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;
use tokio::task::JoinSet;
use wechat_api::server::{ServeOptions, serve};

/// Far longer than any timeout configured here: only a server that sheds
/// connections lets a wait end before it.
const DEADLINE: Duration = Duration::from_secs(60);

const HALF_HEAD: &[u8] = b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ";

fn app() -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route(
            "/echo",
            post(|body: Bytes| async move { body.len().to_string() }),
        )
}

/// A server on a free port of 127.0.0.1 with `options`; stops when the
/// returned sender is dropped or fired.
async fn start(options: ServeOptions) -> (SocketAddr, tokio::sync::oneshot::Sender<()>) {
    start_app(app(), options).await
}

/// Like [`start`], serving `app`.
async fn start_app(
    app: Router,
    options: ServeOptions,
) -> (SocketAddr, tokio::sync::oneshot::Sender<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(
        serve(listener, app, options)
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .into_future(),
    );
    (addr, stop)
}

/// Connects and writes `bytes` (a hostile client that stops there).
async fn open(addr: SocketAddr, bytes: &[u8]) -> TcpStream {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(bytes).await.unwrap();
    stream
}

/// Reads until the server closes the connection (EOF or reset); returns
/// what it sent. Panics if it is still open at the deadline.
async fn until_closed(mut stream: TcpStream) -> Vec<u8> {
    let mut received = Vec::new();
    let read_all = async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => received.extend_from_slice(&buf[..n]),
            }
        }
    };
    tokio::time::timeout(DEADLINE, read_all)
        .await
        .expect("the server did not close the connection");
    received
}

/// Whether the server has closed `stream` (EOF or reset), without waiting
/// for more than a moment.
async fn is_closed(stream: &mut TcpStream) -> bool {
    let mut buf = [0u8; 1];
    match tokio::time::timeout(Duration::from_millis(1), stream.read(&mut buf)).await {
        Ok(Ok(0) | Err(_)) => true,
        Ok(Ok(_)) | Err(_) => false,
    }
}

/// Reads one HTTP/1.1 answer with a `Content-Length`: (status, body).
async fn read_answer(stream: &mut TcpStream) -> (u16, String) {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    let read = async {
        loop {
            if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&data[..end]).to_string();
                let length: usize = head
                    .lines()
                    .find_map(|l| {
                        let (name, value) = l.split_once(':')?;
                        name.eq_ignore_ascii_case("content-length")
                            .then(|| value.trim().parse().ok())?
                    })
                    .unwrap_or(0);
                if data.len() >= end + 4 + length {
                    let status = head
                        .split(' ')
                        .nth(1)
                        .and_then(|s| s.parse().ok())
                        .unwrap_or(0);
                    let body = String::from_utf8_lossy(&data[end + 4..end + 4 + length]);
                    return (status, body.to_string());
                }
            }
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => panic!("connection closed before a full answer"),
                Ok(n) => data.extend_from_slice(&buf[..n]),
            }
        }
    };
    tokio::time::timeout(DEADLINE, read)
        .await
        .expect("no answer before the deadline")
}

/// `GET /healthz` on a new connection, retried until it is answered `ok`
/// (the connection may wait in the listen backlog while the server makes
/// room) or the deadline passes.
async fn healthz(addr: SocketAddr) -> bool {
    let attempt = async {
        let mut stream = TcpStream::connect(addr).await.ok()?;
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
            .await
            .ok()?;
        let mut data = Vec::new();
        let mut buf = [0u8; 1024];
        while !data.ends_with(b"ok") {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return None,
                Ok(n) => data.extend_from_slice(&buf[..n]),
            }
        }
        Some(data.starts_with(b"HTTP/1.1 200"))
    };
    tokio::time::timeout(DEADLINE, attempt)
        .await
        .ok()
        .flatten()
        .unwrap_or(false)
}

fn short_timeouts() -> ServeOptions {
    ServeOptions::default()
        .header_read_timeout(Duration::from_millis(300))
        .body_read_timeout(Duration::from_millis(300))
        .request_timeout(Duration::from_secs(2))
        .body_limit(1024)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_sent_heads_and_silent_bodies_are_closed_by_the_server() {
    let (addr, _stop) = start(short_timeouts()).await;
    let mut hostile = JoinSet::new();
    for _ in 0..200 {
        let stream = open(addr, HALF_HEAD).await;
        hostile.spawn(until_closed(stream));
    }
    // A body declared (within the limit) and never sent.
    let silent = open(
        addr,
        b"POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000\r\n\r\n",
    )
    .await;
    // Half of a body, then nothing.
    let mut half_body = open(
        addr,
        b"POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000\r\n\r\n",
    )
    .await;
    half_body.write_all(&[b'x'; 500]).await.unwrap();

    while let Some(result) = hostile.join_next().await {
        let sent = result.unwrap();
        // hyper closes a timed-out head without an answer (or with a 408).
        assert!(
            sent.is_empty() || sent.starts_with(b"HTTP/1.1 408"),
            "unexpected answer to a half-sent head: {:?}",
            String::from_utf8_lossy(&sent)
        );
    }
    for stream in [silent, half_body] {
        let sent = until_closed(stream).await;
        assert!(
            !sent.starts_with(b"HTTP/1.1 200"),
            "an unfinished body was accepted: {:?}",
            String::from_utf8_lossy(&sent)
        );
    }
    // The server itself is fine.
    assert!(healthz(addr).await);
}

#[tokio::test]
async fn a_declared_body_over_the_limit_gets_413_before_it_is_sent() {
    let (addr, _stop) = start(short_timeouts().body_read_timeout(Duration::from_secs(600))).await;
    // 100 MiB declared, nothing sent: the answer cannot wait for the body
    // (the body-read timeout is 10 minutes here).
    let mut stream = open(
        addr,
        b"POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 104857600\r\n\r\n",
    )
    .await;
    let (status, _) = read_answer(&mut stream).await;
    assert_eq!(status, 413);
    // And the connection is closed: the unread body is not waited for.
    until_closed(stream).await;

    // Same with `Expect: 100-continue`: no `100 Continue` is sent first.
    let mut stream = open(
        addr,
        b"POST /echo HTTP/1.1\r\nHost: localhost\r\nExpect: 100-continue\r\nContent-Length: 104857600\r\n\r\n",
    )
    .await;
    let (status, _) = read_answer(&mut stream).await;
    assert_eq!(status, 413);

    // A chunked body is cut when it grows past the limit.
    let mut stream = open(
        addr,
        b"POST /echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n",
    )
    .await;
    for _ in 0..3 {
        stream.write_all(b"200\r\n").await.unwrap();
        stream.write_all(&[b'x'; 0x200]).await.unwrap();
        stream.write_all(b"\r\n").await.unwrap();
    }
    let (status, _) = read_answer(&mut stream).await;
    assert_eq!(status, 413);

    // Within the limit, a body is read and handled.
    let mut stream = open(
        addr,
        b"POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\nhello",
    )
    .await;
    assert_eq!(read_answer(&mut stream).await, (200, "5".to_owned()));
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed() {
    let (addr, _stop) = start(short_timeouts()).await;
    // Both requests are sent at once (pipelined), so that the second one
    // does not depend on being written within the 300 ms keep-alive limit
    // after the first answer, however loaded the machine is.
    let mut stream = open(
        addr,
        b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n\
          GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n",
    )
    .await;
    // Kept alive: both requests are answered on it.
    let answers = tokio::time::timeout(DEADLINE, async {
        let mut data = Vec::new();
        let mut buf = [0u8; 4096];
        while data
            .windows(b"HTTP/1.1 200".len())
            .filter(|w| w == b"HTTP/1.1 200")
            .count()
            < 2
            || !data.ends_with(b"ok")
        {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => data.extend_from_slice(&buf[..n]),
            }
        }
        data
    })
    .await
    .expect("two answers before the deadline");
    let answers = String::from_utf8_lossy(&answers);
    assert_eq!(
        answers.matches("HTTP/1.1 200").count(),
        2,
        "both pipelined requests answered: {answers:?}"
    );
    // Then it sends nothing: the server closes it.
    let sent = until_closed(stream).await;
    assert!(sent.is_empty() || sent.starts_with(b"HTTP/1.1 408"));
}

#[tokio::test]
async fn an_oversized_head_gets_431() {
    let (addr, _stop) = start(short_timeouts().max_header_size(2048)).await;
    let mut request = b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Big: ".to_vec();
    request.extend_from_slice(&[b'a'; 4096]);
    request.extend_from_slice(b"\r\n\r\n");
    let mut stream = TcpStream::connect(addr).await.unwrap();
    // The server may close before it has read everything: a failed write is fine.
    let _ = stream.write_all(&request).await;
    let (status, _) = read_answer(&mut stream).await;
    assert_eq!(status, 431);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_the_connection_cap_healthz_is_still_answered() {
    // Timeouts of ten minutes: only the cap's eviction can make room here.
    let cap = 20;
    let options = ServeOptions::default()
        .header_read_timeout(Duration::from_secs(600))
        .body_read_timeout(Duration::from_secs(600))
        .max_connections(cap);
    let (addr, _stop) = start(options).await;
    let mut hostile = Vec::new();
    for _ in 0..cap * 2 {
        hostile.push(open(addr, HALF_HEAD).await);
    }
    assert!(healthz(addr).await, "/healthz was not answered at the cap");
    // At most `cap` connections were open at once: with the health check
    // answered, at least `cap + 1` hostile connections have been closed.
    let mut closed = 0;
    let waited = tokio::time::timeout(DEADLINE, async {
        loop {
            closed = 0;
            for stream in &mut hostile {
                if is_closed(stream).await {
                    closed += 1;
                }
            }
            if closed > cap {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    assert!(
        waited.is_ok(),
        "only {closed} of {} hostile connections were closed",
        hostile.len()
    );
}

/// The head of a request declaring a 1000-byte body, then its first 10
/// bytes: a client trickling its body in.
const SLOW_BODY: &[u8] =
    b"POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000\r\n\r\nxxxxxxxxxx";

/// [`app`], counting the requests that reached it (their heads read, their
/// bodies perhaps not).
fn counting_app() -> (Router, Arc<std::sync::atomic::AtomicUsize>) {
    let started = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = Arc::clone(&started);
    let app = app().layer(axum::middleware::from_fn(
        move |request: axum::extract::Request, next: axum::middleware::Next| {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            next.run(request)
        },
    ));
    (app, started)
}

/// Opens `n` slow-body connections and waits until the server has started
/// each of their requests (so that a server counting a request as in
/// progress from its start would count them all).
async fn slow_bodies_started(
    addr: SocketAddr,
    started: &std::sync::atomic::AtomicUsize,
    n: usize,
) -> Vec<TcpStream> {
    let mut streams = Vec::new();
    for _ in 0..n {
        streams.push(open(addr, SLOW_BODY).await);
    }
    tokio::time::timeout(DEADLINE, async {
        while started.load(std::sync::atomic::Ordering::SeqCst) < n {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("the server started every slow request");
    streams
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_the_connection_cap_slow_bodies_make_room() {
    // A request whose body is still being read is not *in progress*: its
    // connection is as evictable as an idle one. The timeouts are ten
    // minutes: only the cap's eviction can make room here (a server that
    // counted these requests as in progress would make `/healthz` wait in
    // the backlog for ten minutes).
    let cap = 20;
    let options = ServeOptions::default()
        .header_read_timeout(Duration::from_secs(600))
        .body_read_timeout(Duration::from_secs(600))
        .request_timeout(Duration::from_secs(600))
        .max_connections(cap);
    let (app, started) = counting_app();
    let (addr, _stop) = start_app(app, options).await;
    // The cap is filled with requests whose bodies are being read, then as
    // many more are opened.
    let mut hostile = slow_bodies_started(addr, &started, cap).await;
    for _ in 0..cap {
        hostile.push(open(addr, SLOW_BODY).await);
    }
    assert!(
        healthz(addr).await,
        "/healthz was not answered with slow bodies at the cap"
    );
    // At least `cap + 1` of the slow clients were closed (none answered).
    let mut closed = 0;
    let waited = tokio::time::timeout(DEADLINE, async {
        loop {
            closed = 0;
            for stream in &mut hostile {
                if is_closed(stream).await {
                    closed += 1;
                }
            }
            if closed > cap {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    assert!(
        waited.is_ok(),
        "only {closed} of {} slow-body connections were closed",
        hostile.len()
    );
    // A complete body is still read and handled once the handler has it.
    let mut stream = open(
        addr,
        b"POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\nhello",
    )
    .await;
    assert_eq!(read_answer(&mut stream).await, (200, "5".to_owned()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_the_per_client_cap_a_client_replaces_its_own_slow_connections() {
    // One client (127.0.0.1) may hold 5 connections; its sixth closes its
    // own oldest idle one, and the overall cap (far away) is not involved.
    let per_client = 5;
    let options = ServeOptions::default()
        .header_read_timeout(Duration::from_secs(600))
        .body_read_timeout(Duration::from_secs(600))
        .max_connections_per_peer(Some(per_client));
    let (app, started) = counting_app();
    let (addr, _stop) = start_app(app, options).await;
    let mut hostile = slow_bodies_started(addr, &started, per_client).await;
    for _ in 0..per_client {
        hostile.push(open(addr, SLOW_BODY).await);
    }
    assert!(healthz(addr).await);
    let mut closed = 0;
    let waited = tokio::time::timeout(DEADLINE, async {
        loop {
            closed = 0;
            for stream in &mut hostile {
                if is_closed(stream).await {
                    closed += 1;
                }
            }
            if closed >= per_client {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    assert!(
        waited.is_ok(),
        "only {closed} of {} connections over the per-client cap were closed",
        hostile.len()
    );
}

#[tokio::test]
async fn a_request_in_progress_finishes_after_the_shutdown_signal() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let started = Arc::new(tokio::sync::Notify::new());
    let (release, released) = tokio::sync::oneshot::channel::<()>();
    let released = Arc::new(tokio::sync::Mutex::new(Some(released)));
    let app = Router::new().route(
        "/slow",
        get({
            let started = Arc::clone(&started);
            move || {
                let (started, released) = (Arc::clone(&started), Arc::clone(&released));
                async move {
                    started.notify_one();
                    if let Some(rx) = released.lock().await.take() {
                        let _ = rx.await;
                    }
                    "done"
                }
            }
        }),
    );
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(
        serve(listener, app, ServeOptions::default())
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .into_future(),
    );
    let mut stream = open(addr, b"GET /slow HTTP/1.1\r\nHost: localhost\r\n\r\n").await;
    // The handler runs (the request was read); then the server is stopped.
    tokio::time::timeout(DEADLINE, started.notified())
        .await
        .expect("the handler started");
    stop.send(()).unwrap();
    // New connections are refused once the listener is closed.
    let refused = tokio::time::timeout(DEADLINE, async {
        loop {
            if TcpStream::connect(addr).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(refused.is_ok(), "the listener stayed open after shutdown");
    // The request in progress still gets its answer.
    release.send(()).unwrap();
    assert_eq!(read_answer(&mut stream).await, (200, "done".to_owned()));
    tokio::time::timeout(DEADLINE, server)
        .await
        .expect("the server finished after its last connection")
        .unwrap();
}

#[tokio::test]
async fn dropping_the_server_closes_its_connections() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let options = ServeOptions::default()
        .header_read_timeout(Duration::from_secs(600))
        .shutdown_grace(Duration::from_secs(600));
    let server = tokio::spawn(serve(listener, app(), options).into_future());
    let slow = open(addr, HALF_HEAD).await;
    // Answered after the slow connection was accepted (accept is in order).
    assert!(healthz(addr).await);
    server.abort();
    // The header-read timeout and the shutdown grace are ten minutes: only
    // the drop closes it.
    until_closed(slow).await;
}
