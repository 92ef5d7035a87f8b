//! One accepted connection: HTTP/1.1 served by hyper with the header-read
//! timeout, until the client is done, the connection is evicted to make
//! room, or the server shuts down (then it gets the shutdown grace).
//!
//! Each request carries the client's address as axum's
//! [`ConnectInfo<SocketAddr>`](axum::extract::ConnectInfo), and marks its
//! connection busy only between the end of its body and its answer
//! ([`progress`](super::progress)).

use std::net::SocketAddr;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, Request};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio::sync::watch;
use tower::ServiceExt as _;

use super::layers::Protected;
use super::progress::{Progress, TrackedBody};
use super::registry::Slot;

/// Serves HTTP/1.1 on `stream` from `peer` with `service`, holding `slot`
/// until the connection ends.
pub(crate) async fn serve(
    stream: TcpStream,
    peer: SocketAddr,
    http: Arc<http1::Builder>,
    service: Protected,
    slot: Slot,
    mut stop: watch::Receiver<bool>,
    grace: Duration,
) {
    let tracker = slot.tracker();
    let hyper_service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
        request.extensions_mut().insert(ConnectInfo(peer));
        // The connection has a request in progress (it is not evicted) from
        // the end of the body until the answer is ready.
        let progress = Progress::new(tracker.clone());
        let request = request.map(|body| TrackedBody::new(body, progress.clone()));
        let answer = service.clone().oneshot(request);
        async move {
            let answer = answer.await;
            progress.answered();
            answer
        }
    });
    let mut connection = pin!(http.serve_connection(TokioIo::new(stream), hyper_service));
    tokio::select! {
        ended = connection.as_mut() => {
            if let Err(error) = ended {
                // Timeouts, resets and malformed requests end up here; hyper's
                // messages name the kind of failure, never the bytes.
                tracing::debug!(%error, "connection ended");
            }
            return;
        }
        () = slot.evicted() => {
            tracing::debug!("connection closed to make room for a new one");
            return;
        }
        _ = stop.wait_for(|stopping| *stopping) => {}
    }
    connection.as_mut().graceful_shutdown();
    if tokio::time::timeout(grace, connection).await.is_err() {
        tracing::debug!("connection still open at the end of the shutdown grace; closed");
    }
}
