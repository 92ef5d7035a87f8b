//! Starts a throwaway `redis-server` on a free loopback port, killed on drop.
//!
//! Tests that need Redis never skip: if `redis-server` is missing they fail
//! with a message saying how to install it. Set `REDIS_SERVER` to use a
//! binary that is not on the `PATH`. Only the standard library is used, so
//! the benchmark of `wechat-api` includes this file too.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `redis-server` child process.
pub struct RedisServer {
    child: Child,
    port: u16,
}

/// A loopback port nothing listens on (right now).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("cannot bind a loopback port")
}

fn free_ports() -> impl Iterator<Item = u16> {
    std::iter::repeat_with(free_port)
}

fn answers_ping(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
    if stream.write_all(b"PING\r\n").is_err() {
        return false;
    }
    let mut answer = [0u8; 7];
    stream.read_exact(&mut answer).is_ok() && &answer == b"+PONG\r\n"
}

impl RedisServer {
    /// Starts a server, or panics with a clear message.
    pub fn start() -> RedisServer {
        Self::start_on_ports(&mut free_ports())
    }

    /// Starts a server on `port` (e.g. to restart one), or panics.
    pub fn start_on(port: u16) -> RedisServer {
        Self::start_on_ports(&mut std::iter::repeat_n(port, 5))
    }

    fn start_on_ports(ports: &mut dyn Iterator<Item = u16>) -> RedisServer {
        let binary = std::env::var("REDIS_SERVER").unwrap_or_else(|_| "redis-server".to_owned());
        let mut failures = Vec::new();
        for (attempt, port) in ports.take(5).enumerate() {
            let spawned = Command::new(&binary)
                .args(["--port", &port.to_string()])
                .args(["--bind", "127.0.0.1"])
                .args(["--save", "", "--appendonly", "no"])
                .arg("--dir")
                .arg(std::env::temp_dir())
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn();
            let mut child = match spawned {
                Ok(child) => child,
                Err(e) => panic!(
                    "cannot start `{binary}`: {e}. The Redis tests need a real redis-server \
                     and are never skipped: install it (`apt-get install redis-server`) or set \
                     REDIS_SERVER to its path."
                ),
            };
            let started = Instant::now();
            while started.elapsed() < Duration::from_secs(10) {
                if let Ok(Some(status)) = child.try_wait() {
                    // Most likely the port was taken in the meantime: try another.
                    failures.push(format!("port {port}: exited with {status}"));
                    break;
                }
                if answers_ping(port) {
                    return RedisServer { child, port };
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = child.kill();
            let _ = child.wait();
            if failures.len() <= attempt {
                failures.push(format!("port {port}: no PONG within 10 s"));
            }
        }
        panic!("`{binary}` did not start: {failures:?}");
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Its `redis://` URL.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// Kills it now (as a crash would).
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}
