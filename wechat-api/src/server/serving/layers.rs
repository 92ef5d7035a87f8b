//! The request-level protections, as tower layers around the router: the
//! body limit (an early `413` from `Content-Length`), the body-read timeout
//! and the whole-request timeout.

use axum::Router;
use axum::http::StatusCode;
use tower::ServiceBuilder;
use tower_http::limit::{RequestBodyLimit, RequestBodyLimitLayer};
use tower_http::timeout::{RequestBodyTimeout, RequestBodyTimeoutLayer, Timeout, TimeoutLayer};

use super::ServeOptions;

/// The router with the request-level protections (a tower service of
/// requests with any body type, here [`TrackedBody`](super::progress::TrackedBody)).
pub(crate) type Protected = RequestBodyLimit<Timeout<RequestBodyTimeout<Router>>>;

/// `router` behind the body limit, the body-read timeout and the request
/// timeout of `options`.
pub(crate) fn protect(router: Router, options: &ServeOptions) -> Protected {
    ServiceBuilder::new()
        // Outermost: a declared Content-Length over the limit is answered
        // 413 here, before the body is polled (so before hyper reads it or
        // sends `100 Continue`); a chunked body is cut at the limit.
        .layer(RequestBodyLimitLayer::new(options.body_limit))
        // Reading the body and running the handler, all told.
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            options.request_timeout,
        ))
        // No body bytes for this long fails the body read.
        .layer(RequestBodyTimeoutLayer::new(options.body_read_timeout))
        .service(router)
}
