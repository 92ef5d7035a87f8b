//! The callback routes' limiter: a valid signed push is never refused, and
//! only the requests that fail count against their client's budget.
//!
//! WeChat pushes from a few addresses, each carrying the traffic of many
//! authorizers, and a push answered `429` is retried a few times and then
//! lost: a limit that counted every request would lose pushes on a busy
//! platform. So the limit counts failures, and the signature is checked
//! before the budget:
//!
//! 1. A request whose query carries a valid `signature` (WeChat signs every
//!    request's query, in safe mode next to `msg_signature`; checking it is
//!    a SHA-1 over a few dozen bytes and needs no body) is handled, whatever
//!    its client's budget. If it still fails (its body does not match its
//!    `msg_signature`, a malformed message, a bad appid in the path: any
//!    `4xx` answer) it is counted afterwards.
//! 2. Any other request (unsigned, forged, out of the replay window) is
//!    counted before it is handled; past its client's budget it is answered
//!    `429` with `Retry-After` before its body is read, so a forged flood
//!    costs a header parse and that SHA-1 per request, never a body read or
//!    a store round trip. (A client of your own that signs only the body's
//!    `msg_signature` is counted too, even when its request then passes:
//!    WeChat's requests always carry `signature`.)
//!
//! Hence a client over its budget because of forgeries (another host
//! behind the same reverse proxy or NAT as WeChat's pushes, say) still gets
//! its valid pushes through: a valid signature proves the request comes
//! from WeChat or from someone holding the token. Answers of this side's
//! failures (`5xx`: the token store unavailable…) are not counted.

use std::fmt;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

use super::rate_limit::{Limiter, client_ip, too_many_requests};

/// Whether a raw query string carries a valid signature.
pub(crate) type Signed = Arc<dyn Fn(&str) -> bool + Send + Sync>;

/// The failure budget of one callback route and the signature check of its
/// queries.
#[derive(Clone)]
pub(crate) struct FailureLimit {
    limiter: Arc<Limiter>,
    signed: Signed,
}

impl fmt::Debug for FailureLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FailureLimit")
            .field("limiter", &self.limiter)
            .finish_non_exhaustive()
    }
}

impl FailureLimit {
    /// Counts the failures of a route in `limiter`; `signed` checks a
    /// request's raw query string.
    pub(crate) fn new(limiter: Arc<Limiter>, signed: Signed) -> Self {
        FailureLimit { limiter, signed }
    }
}

/// Middleware: see the module docs.
pub(crate) async fn enforce(
    State(limit): State<FailureLimit>,
    request: Request,
    next: Next,
) -> Response {
    let client = client_ip(request.extensions());
    let signed = (limit.signed)(request.uri().query().unwrap_or_default());
    if !signed && let Err(wait) = limit.limiter.check(client) {
        // The route's template, not the request's path (attacker bytes).
        tracing::debug!(
            route = limit.limiter.route(),
            "unsigned callback request over its client's failure budget: 429"
        );
        return too_many_requests(wait);
    }
    let answer = next.run(request).await;
    if signed && answer.status().is_client_error() {
        // Counted; refused or not, it has been answered.
        let _ = limit.limiter.check(client);
    }
    answer
}
