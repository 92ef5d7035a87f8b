//! A slow-client load: opens many connections to a server that each send
//! half a request head and then nothing, and reports, over time, the
//! server's resident memory and open file descriptors (from `/proc/PID`,
//! Linux), how many of the connections the server has closed, and whether
//! `GET /healthz` is still answered.
//!
//! ```text
//! cargo run --release --example callback_server -- --sandbox --store /tmp/t.redb --listen 127.0.0.1:18080 &
//! ulimit -n 10000   # the client side holds one descriptor per connection
//! cargo run --release --example half_open -- --target 127.0.0.1:18080 --connections 2000 --pid $!
//! ```

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use clap::Parser;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

/// Opens half-sent requests against a server and watches it.
#[derive(Debug, Parser)]
#[command(about)]
struct Args {
    /// The server's address.
    #[arg(long)]
    target: SocketAddr,
    /// How many connections to open.
    #[arg(long, default_value_t = 2000)]
    connections: usize,
    /// The server's process id (for its memory and descriptors).
    #[arg(long)]
    pid: Option<u32>,
    /// Seconds after opening at which to report.
    #[arg(long, value_delimiter = ',', default_value = "1,5,15,30")]
    at: Vec<u64>,
}

/// `VmRSS` in KiB and the number of open descriptors of `pid`.
fn usage(pid: u32) -> (Option<u64>, Option<usize>) {
    let rss = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        });
    let fds = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .ok()
        .map(|d| d.count());
    (rss, fds)
}

/// Whether `GET /healthz` is answered within 5 s, and how long it took.
async fn healthz(target: SocketAddr) -> Option<Duration> {
    let started = Instant::now();
    let attempt = async {
        let mut stream = TcpStream::connect(target).await.ok()?;
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            .await
            .ok()?;
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await.ok()?;
        answer.starts_with(b"HTTP/1.1 200").then_some(())
    };
    tokio::time::timeout(Duration::from_secs(5), attempt)
        .await
        .ok()
        .flatten()
        .map(|()| started.elapsed())
}

/// Whether the server closed `stream`.
async fn closed(stream: &mut TcpStream) -> bool {
    let mut buf = [0u8; 64];
    matches!(
        tokio::time::timeout(Duration::from_millis(1), stream.read(&mut buf)).await,
        Ok(Ok(0) | Err(_))
    )
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let mut opening = tokio::task::JoinSet::new();
    for _ in 0..args.connections {
        let target = args.target;
        opening.spawn(async move {
            let connect = async {
                let mut stream = TcpStream::connect(target).await.ok()?;
                stream
                    .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
                    .await
                    .ok()?;
                Some(stream)
            };
            tokio::time::timeout(Duration::from_secs(10), connect)
                .await
                .ok()
                .flatten()
        });
    }
    let mut streams = Vec::new();
    while let Some(opened) = opening.join_next().await {
        if let Ok(Some(stream)) = opened {
            streams.push(stream);
        }
    }
    let opened_at = Instant::now();
    println!(
        "{} of {} connections opened (half a request head sent on each)",
        streams.len(),
        args.connections
    );
    if let Some(pid) = args.pid {
        println!("server pid {pid}");
    }
    println!("| seconds | server RSS (MiB) | server fds | closed by the server | /healthz |");
    println!("| --- | --- | --- | --- | --- |");
    let mut closed_count = 0;
    let mut open_streams = streams;
    for at in args.at {
        let wait = Duration::from_secs(at).saturating_sub(opened_at.elapsed());
        tokio::time::sleep(wait).await;
        let mut still_open = Vec::with_capacity(open_streams.len());
        for mut stream in open_streams {
            if closed(&mut stream).await {
                closed_count += 1;
            } else {
                still_open.push(stream);
            }
        }
        open_streams = still_open;
        let (rss, fds) = args.pid.map(usage).unwrap_or((None, None));
        let health = healthz(args.target).await;
        println!(
            "| {at} | {} | {} | {closed_count} | {} |",
            rss.map_or("-".to_owned(), |kib| format!("{:.1}", kib as f64 / 1024.0)),
            fds.map_or("-".to_owned(), |n| n.to_string()),
            health.map_or("no answer in 5 s".to_owned(), |d| format!(
                "answered in {} ms",
                d.as_millis()
            )),
        );
    }
}
