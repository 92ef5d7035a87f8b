//! Generic hardened serving: [`serve`] runs any axum [`Router`] without
//! letting slow or hostile clients exhaust the process (see the
//! [`server`](crate::server) module for what it guards against). Nothing
//! here knows about WeChat: the accept loop (`accept`), each connection's
//! life and timeouts (`connection`, `progress`), the request-level limits
//! (`layers`), the connection caps and eviction (`registry`), how clients
//! are counted (`peer`) and the values of all of it (`options`). The WeChat
//! routes (`platform`) sit on top and use only [`serve`] and `peer`.

mod accept;
mod connection;
mod layers;
mod options;
pub(in crate::server) mod peer;
mod progress;
mod registry;

pub use options::{
    DEFAULT_ACCEPT_ERROR_BACKOFF, DEFAULT_BACKGROUND_GRACE, DEFAULT_BODY_LIMIT,
    DEFAULT_BODY_READ_TIMEOUT, DEFAULT_HEADER_READ_TIMEOUT, DEFAULT_MAX_CONNECTIONS,
    DEFAULT_MAX_HEADER_SIZE, DEFAULT_REQUEST_TIMEOUT, DEFAULT_SHUTDOWN_GRACE, ServeOptions,
};

use std::future::{Future, IntoFuture};
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::TokioTimer;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::detached::Drain;
use accept::{AcceptFailure, FailureLog};
use registry::{Admission, Registry};

type ShutdownSignal = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Serves `router` on `listener` with the timeouts and limits of
/// `options`. Await the returned [`Serve`] to run the server; it runs until
/// the signal given to [`Serve::with_graceful_shutdown`] completes (without
/// one, until its future is dropped, which closes every connection at
/// once).
pub fn serve(listener: TcpListener, router: Router, options: ServeOptions) -> Serve {
    Serve {
        listener,
        router,
        options,
        shutdown: Box::pin(std::future::pending()),
    }
}

/// A server ready to run: `.await` it (see [`serve`]).
#[must_use = "a server does nothing until it is awaited"]
pub struct Serve {
    listener: TcpListener,
    router: Router,
    options: ServeOptions,
    shutdown: ShutdownSignal,
}

impl std::fmt::Debug for Serve {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Serve")
            .field("local_addr", &self.listener.local_addr().ok())
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl Serve {
    /// Stops when `signal` completes: the listener is closed at once, every
    /// connection finishes the request it is handling (then closes) within
    /// [`ServeOptions::shutdown_grace`], then the work the requests left
    /// running in the background (callback handlers past their reply
    /// deadline, release-test calls) gets [`ServeOptions::background_grace`]
    /// to finish, and the server's future completes once both are done.
    pub fn with_graceful_shutdown<F>(mut self, signal: F) -> Self
    where
        F: Future<Output = ()> + Send + 'static,
    {
        self.shutdown = Box::pin(signal);
        self
    }

    /// The address the listener is bound to.
    ///
    /// # Errors
    /// As [`TcpListener::local_addr`].
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }
}

impl IntoFuture for Serve {
    type Output = ();
    type IntoFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(run(self))
    }
}

/// The accept loop, then the shutdown.
async fn run(server: Serve) {
    let Serve {
        listener,
        router,
        options,
        mut shutdown,
    } = server;
    // Every request counts the background work it starts, to wait for it
    // at shutdown.
    let drain = Drain::default();
    let router = router.layer(axum::middleware::from_fn_with_state(
        drain.clone(),
        |axum::extract::State(drain): axum::extract::State<Drain>,
         request: axum::extract::Request,
         next: axum::middleware::Next| async move { drain.scope(next.run(request)).await },
    ));
    let service = layers::protect(router, &options);
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(options.header_read_timeout)
        .max_header_size(options.max_header_size)
        .keep_alive(options.keep_alive);
    let http = Arc::new(http);
    let registry = Arc::new(Registry::new(
        options.max_connections,
        options.max_connections_per_peer,
    ));
    let (stop, stopping) = watch::channel(false);
    let mut failures = FailureLog::default();
    // The connections' tasks: dropping the server's future closes them all.
    let mut tasks: JoinSet<()> = JoinSet::new();
    loop {
        while tasks.try_join_next().is_some() {}
        let accepted = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => accepted,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(error) => {
                if accept::classify(&error) == AcceptFailure::Resource {
                    failures.failed(&error, registry.open());
                    // Free a descriptor for the connections waiting in the
                    // backlog: retry once the oldest idle connection is
                    // closed, or after the backoff (never spin).
                    let evicted = registry.evict_oldest_idle();
                    let pause = async {
                        match &evicted {
                            Some(evicted) => evicted.closed().await,
                            None => std::future::pending().await,
                        }
                    };
                    tokio::select! {
                        () = &mut shutdown => break,
                        () = pause => {}
                        () = tokio::time::sleep(options.accept_error_backoff) => {}
                    }
                }
                continue;
            }
        };
        let admission = tokio::select! {
            () = &mut shutdown => break,
            admission = registry.admit(peer.ip()) => admission,
        };
        let slot = match admission {
            Admission::Admitted(slot) => slot,
            // Dropping the stream closes it.
            Admission::Refused => continue,
            Admission::Closed => break,
        };
        // Answers are small and written at once: do not wait for more.
        let _ = stream.set_nodelay(true);
        tasks.spawn(connection::serve(
            stream,
            peer,
            Arc::clone(&http),
            service.clone(),
            slot,
            stopping.clone(),
            options.shutdown_grace,
        ));
    }
    drop(listener);
    tracing::info!(
        open_connections = registry.open(),
        "shutting down: no new connections"
    );
    let _ = stop.send(true);
    registry.all_closed().await;
    let running = drain.running();
    if running > 0 {
        tracing::info!(running, "shutting down: waiting for background work");
        if tokio::time::timeout(options.background_grace, drain.idle())
            .await
            .is_err()
        {
            tracing::warn!(
                running = drain.running(),
                "shutting down with background work still running"
            );
        }
    }
}
