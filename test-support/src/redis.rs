//! Starts a throwaway `redis-server` on a free loopback port, killed on drop.
//!
//! `redis-server` cannot be handed a bound socket, so a port is picked first
//! and bound by the server afterwards: another test may take it in between.
//! A server counts as started only once the process answering on the port
//! says (`INFO server`) that it is the child started here; otherwise the
//! child is stopped and another port tried.
//!
//! Tests that need Redis never skip: if `redis-server` is missing they fail
//! with a message saying how to install it. Set `REDIS_SERVER` to use a
//! binary that is not on the `PATH`. Only the standard library is used.

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
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("cannot bind a loopback port")
}

fn free_ports() -> impl Iterator<Item = u16> {
    std::iter::repeat_with(free_port)
}

/// How long a starting server may take to answer (a loaded machine is slow).
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// The `process_id` of the Redis server answering on `port`, if one does.
fn server_pid(port: u16) -> Option<u32> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    stream.write_all(b"INFO server\r\n").ok()?;
    // A bulk string: `$<len>\r\n<len bytes>\r\n`.
    let mut answer = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        answer.extend_from_slice(chunk.get(..n)?);
        let text = std::str::from_utf8(&answer).ok()?;
        let (header, body) = text.split_once("\r\n")?;
        let len: usize = header.strip_prefix('$')?.parse().ok()?;
        if body.len() >= len {
            return body
                .lines()
                .find_map(|line| line.strip_prefix("process_id:"))
                .and_then(|pid| pid.trim().parse().ok());
        }
    }
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
        for port in ports.take(5) {
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
            let mut outcome = format!("port {port}: no answer within {START_TIMEOUT:?}");
            while started.elapsed() < START_TIMEOUT {
                if let Ok(Some(status)) = child.try_wait() {
                    // Most likely the port was taken in the meantime: try another.
                    outcome = format!("port {port}: exited with {status}");
                    break;
                }
                match server_pid(port) {
                    Some(pid) if pid == child.id() => return RedisServer { child, port },
                    Some(pid) => {
                        // Another test's server holds the port: ours cannot bind it.
                        outcome = format!("port {port}: taken by redis-server {pid}");
                        break;
                    }
                    None => std::thread::sleep(Duration::from_millis(20)),
                }
            }
            let _ = child.kill();
            let _ = child.wait();
            failures.push(outcome);
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
