//! [`ServeOptions`]: the timeouts and limits [`serve`](super::serve) applies,
//! with their defaults.

use std::time::Duration;

use tokio::sync::Semaphore;

/// The timeouts and limits of [`serve`](super::serve).
///
/// `ServeOptions::default()` is meant for a callback server behind a
/// reverse proxy or on the open internet; change a value with its setter:
///
/// ```
/// use std::time::Duration;
/// use wechat_api::server::ServeOptions;
///
/// let options = ServeOptions::default()
///     .max_connections(256)
///     .header_read_timeout(Duration::from_secs(5));
/// # let _ = options;
/// ```
///
/// | option | default | what a client that exceeds it gets |
/// | --- | --- | --- |
/// | [`header_read_timeout`](Self::header_read_timeout) | 10 s | the connection is closed |
/// | [`max_header_size`](Self::max_header_size) | 16 KiB | `431`, then the connection is closed |
/// | [`body_limit`](Self::body_limit) | 1 MiB | `413` as soon as the head declares a larger `Content-Length` (the body is never read), or when a chunked body grows past it |
/// | [`body_read_timeout`](Self::body_read_timeout) | 10 s without a byte of body | the request fails (`400`) and the connection is closed |
/// | [`request_timeout`](Self::request_timeout) | 30 s for reading the body and handling the request | `503`, and the connection is closed if the body was not read |
/// | [`keep_alive`](Self::keep_alive) | on | (off: one request per connection) |
/// | [`max_connections`](Self::max_connections) | 512 | the oldest idle connection is closed to make room; if every connection has a request in progress, new ones wait in the listen backlog |
/// | [`max_connections_per_peer`](Self::max_connections_per_peer) | none | the client's own oldest idle connection is closed to make room; if all of its connections have a request in progress, the new one is closed |
/// | [`accept_error_backoff`](Self::accept_error_backoff) | 100 ms | (on `EMFILE` and other resource errors: close the oldest idle connection, pause accepting this long, retry) |
/// | [`shutdown_grace`](Self::shutdown_grace) | 5 s | (requests in progress at shutdown get this long to finish) |
/// | [`background_grace`](Self::background_grace) | 10 s | (then the work requests left running, e.g. callback handlers past their reply deadline, get this long to finish) |
///
/// A connection is *idle* while no request of it is in progress, and a
/// request is in progress only from the end of its body to its answer: a
/// client reading its head or sending its body slowly, or kept alive
/// between requests, holds an idle connection, which makes room for others
/// at the cap. Only handlers at work can fill the cap, for at most
/// [`request_timeout`](Self::request_timeout).
///
/// Keep [`max_connections`](Self::max_connections) below the process's
/// file-descriptor limit (`ulimit -n`) minus what the rest of the process
/// needs: then accepting never fails for lack of descriptors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServeOptions {
    pub(crate) header_read_timeout: Duration,
    pub(crate) max_header_size: usize,
    pub(crate) body_limit: usize,
    pub(crate) body_read_timeout: Duration,
    pub(crate) request_timeout: Duration,
    pub(crate) keep_alive: bool,
    pub(crate) max_connections: usize,
    pub(crate) max_connections_per_peer: Option<usize>,
    pub(crate) accept_error_backoff: Duration,
    pub(crate) shutdown_grace: Duration,
    pub(crate) background_grace: Duration,
}

/// Default of [`ServeOptions::header_read_timeout`].
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Default of [`ServeOptions::max_header_size`].
pub const DEFAULT_MAX_HEADER_SIZE: usize = 16 * 1024;
/// Default of [`ServeOptions::body_limit`].
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;
/// Default of [`ServeOptions::body_read_timeout`].
pub const DEFAULT_BODY_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Default of [`ServeOptions::request_timeout`].
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Default of [`ServeOptions::max_connections`].
pub const DEFAULT_MAX_CONNECTIONS: usize = 512;
/// Default of [`ServeOptions::accept_error_backoff`].
pub const DEFAULT_ACCEPT_ERROR_BACKOFF: Duration = Duration::from_millis(100);
/// Default of [`ServeOptions::shutdown_grace`].
pub const DEFAULT_SHUTDOWN_GRACE: Duration = Duration::from_secs(5);
/// Default of [`ServeOptions::background_grace`].
pub const DEFAULT_BACKGROUND_GRACE: Duration = Duration::from_secs(10);

/// The most connections [`ServeOptions::max_connections`] accepts.
const MAX_CONNECTIONS_CEILING: usize = {
    let ceiling = u32::MAX as usize;
    if Semaphore::MAX_PERMITS < ceiling {
        Semaphore::MAX_PERMITS
    } else {
        ceiling
    }
};

/// A duration of at least one millisecond (a zero timeout would close
/// every connection at once).
fn at_least_1ms(d: Duration) -> Duration {
    d.max(Duration::from_millis(1))
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            max_header_size: DEFAULT_MAX_HEADER_SIZE,
            body_limit: DEFAULT_BODY_LIMIT,
            body_read_timeout: DEFAULT_BODY_READ_TIMEOUT,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            keep_alive: true,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            max_connections_per_peer: None,
            accept_error_backoff: DEFAULT_ACCEPT_ERROR_BACKOFF,
            shutdown_grace: DEFAULT_SHUTDOWN_GRACE,
            background_grace: DEFAULT_BACKGROUND_GRACE,
        }
    }
}

impl ServeOptions {
    /// How long a connection has to deliver a complete request head,
    /// counted from the moment the server waits for one: from accept for
    /// the first request, from the end of the previous response for the
    /// next. It is therefore also the **idle keep-alive limit**: a
    /// kept-alive connection that sends nothing for this long is closed.
    /// At least 1 ms.
    #[must_use]
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.header_read_timeout = at_least_1ms(timeout);
        self
    }

    /// The largest request head (request line and headers) accepted, in
    /// bytes; a larger one is answered `431`. At least 1 KiB.
    #[must_use]
    pub fn max_header_size(mut self, bytes: usize) -> Self {
        self.max_header_size = bytes.max(1024);
        self
    }

    /// The largest request body accepted, in bytes. A request whose
    /// `Content-Length` is larger is answered `413` before any of its body
    /// is read; a chunked body is cut (`413`) when it grows past it.
    #[must_use]
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// How long reading the body may wait for the next bytes. At least 1 ms.
    #[must_use]
    pub fn body_read_timeout(mut self, timeout: Duration) -> Self {
        self.body_read_timeout = at_least_1ms(timeout);
        self
    }

    /// How long a request may take from its head to its answer (reading the
    /// body and running the handler); after that it is answered `503`.
    /// At least 1 ms.
    #[must_use]
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = at_least_1ms(timeout);
        self
    }

    /// Whether a connection may carry more than one request.
    #[must_use]
    pub fn keep_alive(mut self, keep_alive: bool) -> Self {
        self.keep_alive = keep_alive;
        self
    }

    /// The most connections open at once (at least 1, at most `u32::MAX`).
    /// At the cap, a new connection is admitted by closing the oldest idle
    /// one (a slow or idle client: see the table above); when every
    /// connection has a request in progress, new connections wait in the
    /// listen backlog until one ends.
    #[must_use]
    pub fn max_connections(mut self, max: usize) -> Self {
        self.max_connections = max.clamp(1, MAX_CONNECTIONS_CEILING);
        self
    }

    /// The most connections one client may hold at once (at least 1), or
    /// `None` (the default) for no per-client cap. A client is an IPv4
    /// address or an IPv6 /64 network. A client at its cap that opens
    /// another connection gets its own oldest idle one closed, or, when all
    /// of its connections have a request in progress, the new one closed at
    /// once; other clients are not affected, and the accept loop never
    /// waits for it.
    ///
    /// Set it when clients connect directly; leave it off behind a reverse
    /// proxy, where every connection comes from the proxy's address.
    #[must_use]
    pub fn max_connections_per_peer(mut self, max: Option<usize>) -> Self {
        self.max_connections_per_peer = max.map(|max| max.clamp(1, MAX_CONNECTIONS_CEILING));
        self
    }

    /// How long accepting pauses after a resource error (`EMFILE`,
    /// `ENFILE`, `ENOBUFS`, `ENOMEM`). At least 1 ms, so that the accept
    /// loop never spins.
    #[must_use]
    pub fn accept_error_backoff(mut self, backoff: Duration) -> Self {
        self.accept_error_backoff = at_least_1ms(backoff);
        self
    }

    /// How long requests in progress get to finish after the shutdown
    /// signal; connections still open then are closed.
    #[must_use]
    pub fn shutdown_grace(mut self, grace: Duration) -> Self {
        self.shutdown_grace = grace;
        self
    }

    /// How long, once every connection is closed at shutdown, the work the
    /// requests started and left running gets to finish: callback handlers
    /// and hooks past their reply deadline, release-test API calls, token
    /// writes (everything the callbacks run in the background). The server's
    /// future completes when it is done, or after this long.
    #[must_use]
    pub fn background_grace(mut self, grace: Duration) -> Self {
        self.background_grace = grace;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setters_keep_values_in_range() {
        let options = ServeOptions::default()
            .max_connections(0)
            .header_read_timeout(Duration::ZERO)
            .max_header_size(10)
            .accept_error_backoff(Duration::ZERO);
        assert_eq!(options.max_connections, 1);
        assert_eq!(options.header_read_timeout, Duration::from_millis(1));
        assert_eq!(options.max_header_size, 1024);
        assert_eq!(options.accept_error_backoff, Duration::from_millis(1));
        let options = ServeOptions::default().max_connections(usize::MAX);
        assert!(u32::try_from(options.max_connections).is_ok());
        assert_eq!(
            ServeOptions::default()
                .max_connections_per_peer(Some(0))
                .max_connections_per_peer,
            Some(1)
        );
        assert_eq!(ServeOptions::default().max_connections_per_peer, None);
        assert_eq!(
            ServeOptions::default().max_connections,
            DEFAULT_MAX_CONNECTIONS
        );
    }
}
