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
//!
//! [`crate::redis_cluster`] and [`crate::redis_sentinel`] build on the same
//! start-up ([`RedisServer::start_with`]) and status queries ([`info`]).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
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

/// How long a starting server may take to answer (a loaded machine is slow).
pub const START_TIMEOUT: Duration = Duration::from_secs(30);

/// The text of `INFO <section>` (or `CLUSTER INFO` with `section` =
/// `"cluster-info"`) from the server on `port`, if it answers.
pub fn info(port: u16, section: &str) -> Option<String> {
    let command = if section == "cluster-info" {
        "CLUSTER INFO\r\n".to_owned()
    } else {
        format!("INFO {section}\r\n")
    };
    bulk_answer(port, &command)
}

/// The `field:value` line `field` of an `INFO` text.
pub fn info_field<'a>(info: &'a str, field: &str) -> Option<&'a str> {
    info.lines().find_map(|line| {
        line.strip_prefix(field)
            .and_then(|rest| rest.strip_prefix(':'))
            .map(str::trim)
    })
}

/// Polls `ready` every 20 ms until it is true, or panics after `timeout`
/// saying `what` did not happen.
pub fn wait_until(what: &str, timeout: Duration, mut ready: impl FnMut() -> bool) {
    let started = Instant::now();
    while !ready() {
        assert!(
            started.elapsed() < timeout,
            "{what}: not done within {timeout:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The `process_id` of the Redis server answering on `port`, if one does.
fn server_pid(port: u16) -> Option<u32> {
    let info = info(port, "server")?;
    info_field(&info, "process_id").and_then(|pid| pid.parse().ok())
}

/// Sends one inline command and reads a bulk-string answer.
fn bulk_answer(port: u16, command: &str) -> Option<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    stream.write_all(command.as_bytes()).ok()?;
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
            return body.get(..len).map(str::to_owned);
        }
    }
}

/// A server started by [`crate::shared::shared`] dies with the test binary.
#[cfg(target_os = "linux")]
fn die_with_keeper(command: &mut Command) {
    use std::os::unix::process::CommandExt;
    if crate::shared::on_keeper_thread() {
        // SAFETY: prctl is async-signal-safe; nothing else runs before exec.
        unsafe {
            command.pre_exec(|| {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) == -1 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn die_with_keeper(_command: &mut Command) {}

impl RedisServer {
    /// Starts a server, or panics with a clear message.
    pub fn start() -> RedisServer {
        Self::start_on_ports(&mut free_ports(), &std::env::temp_dir(), &[])
    }

    /// Starts a server on `port` (e.g. to restart one), or panics.
    pub fn start_on(port: u16) -> RedisServer {
        Self::start_on_ports(
            &mut std::iter::repeat_n(port, 5),
            &std::env::temp_dir(),
            &[],
        )
    }

    /// Starts a server on a free port with its files in `dir` and the extra
    /// command-line options `extra` (e.g. `--replicaof`), or panics. A
    /// `{port}` in an option is replaced by the port tried, and `{free}` by
    /// another free port (e.g. a cluster bus port).
    pub fn start_with(dir: &Path, extra: &[&str]) -> RedisServer {
        Self::start_on_ports(&mut free_ports(), dir, extra)
    }

    /// Starts a sentinel (`redis-server <config> --sentinel`) on a free
    /// port, or panics: `config` is the path of its configuration file, in
    /// which `{port}` is replaced by the port tried, and `text(port)` the
    /// file's content.
    pub fn start_sentinel(config: &Path, text: &dyn Fn(&str) -> String) -> RedisServer {
        Self::start_each(&mut free_ports(), &|binary, port| {
            let port = port.to_string();
            let config = config.to_string_lossy().replace("{port}", &port);
            std::fs::write(&config, text(&port))?;
            let mut command = Command::new(binary);
            command.arg(&config).arg("--sentinel");
            Ok(command)
        })
    }

    fn start_on_ports(
        ports: &mut dyn Iterator<Item = u16>,
        dir: &Path,
        extra: &[&str],
    ) -> RedisServer {
        Self::start_each(ports, &|binary, port| {
            let extra: Vec<String> = extra
                .iter()
                .map(|arg| {
                    arg.replace("{port}", &port.to_string())
                        .replace("{free}", &free_port().to_string())
                })
                .collect();
            let mut command = Command::new(binary);
            command
                .args(["--port", &port.to_string()])
                .args(["--bind", "127.0.0.1"])
                .args(["--save", "", "--appendonly", "no"])
                .arg("--dir")
                .arg(dir)
                .args(&extra);
            Ok(command)
        })
    }

    /// Tries up to 5 ports: `command(binary, port)` is the server's command
    /// line; it counts as started once the server answering on the port is
    /// this child.
    fn start_each(
        ports: &mut dyn Iterator<Item = u16>,
        command: &dyn Fn(&str, u16) -> std::io::Result<Command>,
    ) -> RedisServer {
        let binary = std::env::var("REDIS_SERVER").unwrap_or_else(|_| "redis-server".to_owned());
        let mut failures = Vec::new();
        for port in ports.take(5) {
            let spawned = command(&binary, port).and_then(|mut command| {
                die_with_keeper(&mut command);
                command
                    .stdin(Stdio::null())
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
            });
            let mut child = match spawned {
                Ok(child) => child,
                Err(e) => panic!(
                    "cannot start `{binary}`: {e}. The Redis tests need a real redis-server \
                     and are never skipped: install it (`apt-get install redis-server \
                     redis-tools`) or set REDIS_SERVER to its path."
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

    /// Its process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
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
