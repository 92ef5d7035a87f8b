//! `wechat_api::server::serve` keeps serving when the process runs out of
//! file descriptors: the server runs in a child process (this test binary
//! again, running this same test in its server role) that lowers its own
//! `RLIMIT_NOFILE` to 64 with `setrlimit`, with a connection cap far above
//! that; the test opens 150 connections that send half a request head, and
//! `/healthz` must still be answered, by closing the oldest idle
//! connections whenever `accept` fails with `EMFILE` (the header-read
//! timeout is ten minutes, so no timeout frees anything here).
//!
//! Nothing is skipped: a child that cannot lower its limit, or that exits
//! early, fails the test with its exit status.

#![cfg(unix)]

use std::future::IntoFuture as _;
use std::io::{BufRead as _, BufReader, Read as _};
use std::net::SocketAddr;
use std::process::{Child, Stdio};
use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;
use wechat_api::server::{ServeOptions, serve};
use wechat_api_test_support::child;

const DEADLINE: Duration = Duration::from_secs(60);
/// Set in the child's environment: run the server role.
const CHILD_ENV: &str = "WECHAT_API_EMFILE_CHILD";
const FD_LIMIT: libc::rlim_t = 64;
const HOSTILE: usize = 150;

/// Lowers this process's soft `RLIMIT_NOFILE` to `limit`; panics if it
/// cannot (the child then exits with a failure the parent reports).
fn lower_descriptor_limit(limit: libc::rlim_t) {
    let mut current = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit only read and write the struct given.
    let got = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut current) };
    assert_eq!(got, 0, "getrlimit: {}", std::io::Error::last_os_error());
    let lowered = libc::rlimit {
        rlim_cur: limit.min(current.rlim_max),
        rlim_max: current.rlim_max,
    };
    // SAFETY: as above.
    let set = unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lowered) };
    assert_eq!(set, 0, "setrlimit: {}", std::io::Error::last_os_error());
    // SAFETY: as above.
    let got = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut current) };
    assert_eq!(got, 0);
    assert_eq!(current.rlim_cur, limit, "the limit was lowered");
}

/// The server role: under a lowered descriptor limit, serves `/healthz`
/// until its stdin is closed (the parent is done or gone) or ten minutes
/// have passed.
fn run_child_server() {
    lower_descriptor_limit(FD_LIMIT);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        println!("LISTENING {}", listener.local_addr().unwrap());
        let app = axum::Router::new().route("/healthz", axum::routing::get(|| async { "ok" }));
        let options = ServeOptions::default()
            .max_connections(10_000)
            .header_read_timeout(Duration::from_secs(600))
            .accept_error_backoff(Duration::from_millis(10));
        let (parent_gone, gone) = tokio::sync::oneshot::channel::<()>();
        std::thread::spawn(move || {
            let _ = std::io::stdin().read_to_end(&mut Vec::new());
            let _ = parent_gone.send(());
        });
        let _ = tokio::time::timeout(
            Duration::from_secs(600),
            serve(listener, app, options)
                .with_graceful_shutdown(async move {
                    let _ = gone.await;
                })
                .into_future(),
        )
        .await;
    });
}

/// Kills the child when the test ends, whatever happened.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl KillOnDrop {
    /// Panics with the child's exit status if it has exited.
    fn assert_running(&mut self, when: &str) {
        match self.0.try_wait() {
            Ok(None) => {}
            Ok(Some(status)) => panic!("the server process exited {when}: {status}"),
            Err(error) => panic!("the server process could not be checked {when}: {error}"),
        }
    }
}

/// Starts the server role in a child process; returns it and its address.
fn start_child() -> (KillOnDrop, SocketAddr) {
    let mut child = child::command(
        module_path!(),
        "accept_survives_descriptor_exhaustion",
        CHILD_ENV,
    )
    .stdin(Stdio::piped())
    .stdout(Stdio::piped())
    .spawn()
    .expect("the test binary starts again");
    let stdout = child.stdout.take().expect("piped stdout");
    let mut child = KillOnDrop(child);
    let mut lines = BufReader::new(stdout).lines();
    let addr = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|line| line.split_once("LISTENING ")?.1.trim().parse().ok());
    // Keep reading what the child prints, so that it never writes to a
    // closed pipe.
    std::thread::spawn(move || lines.for_each(drop));
    let Some(addr) = addr else {
        let status = child.0.wait();
        panic!("the child server exited before listening: {status:?}");
    };
    (child, addr)
}

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

async fn is_closed(stream: &mut TcpStream) -> bool {
    let mut buf = [0u8; 1];
    match tokio::time::timeout(Duration::from_millis(1), stream.read(&mut buf)).await {
        Ok(Ok(0) | Err(_)) => true,
        Ok(Ok(_)) | Err(_) => false,
    }
}

#[test]
fn accept_survives_descriptor_exhaustion() {
    if child::is_child(CHILD_ENV) {
        run_child_server();
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (mut child, addr) = start_child();
    runtime.block_on(connect_past_the_limit(&mut child, addr));
}

async fn connect_past_the_limit(child: &mut KillOnDrop, addr: SocketAddr) {
    let mut hostile = Vec::new();
    for _ in 0..HOSTILE {
        let mut stream = match TcpStream::connect(addr).await {
            Ok(stream) => stream,
            Err(error) => {
                child.assert_running("while connecting");
                panic!("the kernel did not accept into the backlog: {error}");
            }
        };
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
            .await
            .expect("half a head is sent");
        hostile.push(stream);
    }
    let answered = healthz(addr).await;
    child.assert_running("during the health check");
    assert!(
        answered,
        "/healthz was not answered with the descriptors exhausted"
    );
    // More hostile connections than the descriptor limit allows were
    // accepted and closed: the EMFILE path ran.
    let needed = HOSTILE - FD_LIMIT as usize + 1;
    let mut closed = 0;
    let waited = tokio::time::timeout(DEADLINE, async {
        loop {
            closed = 0;
            for stream in &mut hostile {
                if is_closed(stream).await {
                    closed += 1;
                }
            }
            if closed >= needed {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    assert!(
        waited.is_ok(),
        "only {closed} hostile connections were closed, expected at least {needed}"
    );
}
