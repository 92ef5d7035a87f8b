//! `wechat_api::server::serve` keeps serving when the process runs out of
//! file descriptors: the server runs in a child process under
//! `ulimit -n 64` with a connection cap far above that, this test opens
//! 150 connections that send half a request head, and `/healthz` must
//! still be answered, by closing the oldest idle connections whenever
//! `accept` fails with `EMFILE` (the header-read timeout is ten minutes, so
//! no timeout frees anything here).

#![cfg(unix)]

use std::future::IntoFuture as _;
use std::io::{BufRead as _, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;
use wechat_api::server::{ServeOptions, serve};

const DEADLINE: Duration = Duration::from_secs(60);
const CHILD_ENV: &str = "WECHAT_API_EMFILE_CHILD";
const FD_LIMIT: usize = 64;
const HOSTILE: usize = 150;

/// The server half, run by [`accept_survives_descriptor_exhaustion`] in a
/// child process (it does nothing when run any other way).
#[test]
#[ignore = "the server half of accept_survives_descriptor_exhaustion, which runs it in a child process"]
fn emfile_child_server() {
    if std::env::var_os(CHILD_ENV).is_none() {
        return;
    }
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
        // Ends when the parent is done with it (it kills this process) or
        // after two minutes at most.
        let _ = tokio::time::timeout(
            Duration::from_secs(120),
            serve(listener, app, options).into_future(),
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

fn start_child() -> (KillOnDrop, SocketAddr) {
    let exe = std::env::current_exe().unwrap();
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -n {FD_LIMIT} && exec \"$0\" \"$@\""))
        .arg(exe)
        .args([
            "--ignored",
            "--exact",
            "emfile_child_server",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .expect("sh starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let child = KillOnDrop(child);
    let addr = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .find_map(|line| line.split_once("LISTENING ")?.1.trim().parse().ok())
        .expect("the child server printed its address (did `ulimit -n` fail?)");
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accept_survives_descriptor_exhaustion() {
    let (mut child, addr) = tokio::task::spawn_blocking(start_child).await.unwrap();
    let mut hostile = Vec::new();
    for _ in 0..HOSTILE {
        let mut stream = TcpStream::connect(addr)
            .await
            .expect("the kernel accepts into the backlog");
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
            .await
            .expect("half a head is sent");
        hostile.push(stream);
    }
    assert!(
        healthz(addr).await,
        "/healthz was not answered with the descriptors exhausted"
    );
    assert!(
        matches!(child.0.try_wait(), Ok(None)),
        "the server process exited"
    );
    // More hostile connections than the descriptor limit allows were
    // accepted and closed: the EMFILE path ran.
    let needed = HOSTILE - FD_LIMIT + 1;
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
