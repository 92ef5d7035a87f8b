//! Fault injection and request counters.
//!
//! Every request the sandbox receives is counted by path (before any
//! fault), then checked against the queued [`Fault`]s: the first one that
//! matches the path (or has none) is used once. Requests that reach an
//! endpoint are counted per endpoint too (several endpoints may share a
//! path).

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use wechat_api::endpoint::Endpoint;

use crate::Shared;
use crate::errcode::WxError;

/// What a fault does to a request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FaultKind {
    /// Answer `{"errcode": code, "errmsg": message}` (HTTP 200) without
    /// doing anything.
    Errcode {
        /// The errcode.
        code: i64,
        /// The errmsg.
        message: String,
    },
    /// Answer this HTTP status with a short text body.
    Status(u16),
    /// Wait this long, then handle the request normally.
    Delay(Duration),
}

/// A fault for the next `times` requests (to `path`, if set).
///
/// ```
/// use std::time::Duration;
/// use wechat_sandbox::Fault;
///
/// let fault = Fault::status(500).on("/cgi-bin/token").times(2);
/// let slow = Fault::delay(Duration::from_secs(3));
/// # let _ = (fault, slow);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    kind: FaultKind,
    path: Option<String>,
    times: usize,
}

impl Fault {
    /// Answers WeChat error `code` once.
    pub fn errcode(code: i64) -> Self {
        Self::errcode_with_message(code, "sandbox fault")
    }

    /// Answers WeChat error `code` with `message` once.
    pub fn errcode_with_message(code: i64, message: impl Into<String>) -> Self {
        Self::new(FaultKind::Errcode {
            code,
            message: message.into(),
        })
    }

    /// Answers HTTP `status` once.
    pub fn status(status: u16) -> Self {
        Self::new(FaultKind::Status(status))
    }

    /// Delays the next request by `delay`.
    pub fn delay(delay: Duration) -> Self {
        Self::new(FaultKind::Delay(delay))
    }

    /// A fault of `kind`, for the next request to any path.
    pub fn new(kind: FaultKind) -> Self {
        Fault {
            kind,
            path: None,
            times: 1,
        }
    }

    /// Only for requests to `path` (e.g. `/cgi-bin/token`).
    pub fn on(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// For the next `n` matching requests instead of one.
    pub fn times(mut self, n: usize) -> Self {
        self.times = n;
        self
    }

    /// What the fault does.
    pub fn kind(&self) -> &FaultKind {
        &self.kind
    }

    fn matches(&self, path: &str) -> bool {
        self.times > 0 && self.path.as_deref().is_none_or(|p| p == path)
    }
}

/// Queued faults and per-path counters.
#[derive(Debug, Default)]
pub(crate) struct Monitor {
    faults: Mutex<VecDeque<Fault>>,
    counts: Mutex<BTreeMap<String, usize>>,
    /// `(module, name)` → requests routed to that endpoint.
    endpoints: Mutex<BTreeMap<(&'static str, &'static str), usize>>,
}

impl Monitor {
    pub(crate) fn inject(&self, fault: Fault) {
        if fault.times > 0 {
            lock(&self.faults).push_back(fault);
        }
    }

    pub(crate) fn clear_faults(&self) {
        lock(&self.faults).clear();
    }

    pub(crate) fn pending_faults(&self) -> usize {
        lock(&self.faults).iter().map(|f| f.times).sum()
    }

    pub(crate) fn count(&self, path: &str) -> usize {
        lock(&self.counts).get(path).copied().unwrap_or(0)
    }

    pub(crate) fn counts(&self) -> BTreeMap<String, usize> {
        lock(&self.counts).clone()
    }

    pub(crate) fn reset_counts(&self) {
        lock(&self.counts).clear();
        lock(&self.endpoints).clear();
    }

    /// Counts a request routed to `endpoint`.
    pub(crate) fn record_endpoint(&self, endpoint: &'static Endpoint) {
        *lock(&self.endpoints)
            .entry((endpoint.module, endpoint.name))
            .or_default() += 1;
    }

    /// How many requests were routed to `endpoint`.
    pub(crate) fn endpoint_count(&self, endpoint: &Endpoint) -> usize {
        lock(&self.endpoints)
            .get(&(endpoint.module, endpoint.name))
            .copied()
            .unwrap_or(0)
    }

    fn record(&self, path: &str) {
        *lock(&self.counts).entry(path.to_owned()).or_default() += 1;
    }

    fn take(&self, path: &str) -> Option<FaultKind> {
        let mut faults = lock(&self.faults);
        let index = faults.iter().position(|f| f.matches(path))?;
        let fault = faults.get_mut(index)?;
        fault.times -= 1;
        let kind = fault.kind.clone();
        if fault.times == 0 {
            faults.remove(index);
        }
        Some(kind)
    }
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The middleware: count, then apply a fault if one matches.
pub(crate) async fn intercept(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    shared.monitor.record(&path);
    match shared.monitor.take(&path) {
        None => next.run(request).await,
        Some(FaultKind::Delay(delay)) => {
            tracing::debug!(%path, ?delay, "sandbox fault: delay");
            tokio::time::sleep(delay).await;
            next.run(request).await
        }
        Some(FaultKind::Status(status)) => {
            tracing::debug!(%path, status, "sandbox fault: HTTP status");
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (status, format!("sandbox fault: HTTP {}", status.as_u16())).into_response()
        }
        Some(FaultKind::Errcode { code, message }) => {
            tracing::debug!(%path, code, "sandbox fault: errcode");
            WxError::new(code, message).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_are_used_in_order_for_their_path() {
        let monitor = Monitor::default();
        monitor.inject(Fault::status(500).on("/a").times(2));
        monitor.inject(Fault::errcode(45009));
        monitor.inject(Fault::delay(Duration::from_millis(1)).times(0));
        assert_eq!(monitor.pending_faults(), 3);
        assert_eq!(
            monitor.take("/b"),
            Some(FaultKind::Errcode {
                code: 45009,
                message: "sandbox fault".into()
            })
        );
        assert_eq!(monitor.take("/b"), None);
        assert_eq!(monitor.take("/a"), Some(FaultKind::Status(500)));
        assert_eq!(monitor.take("/a"), Some(FaultKind::Status(500)));
        assert_eq!(monitor.take("/a"), None);
        assert_eq!(monitor.pending_faults(), 0);
    }

    #[test]
    fn requests_are_counted_per_path() {
        let monitor = Monitor::default();
        monitor.record("/a");
        monitor.record("/a");
        monitor.record("/b");
        assert_eq!(monitor.count("/a"), 2);
        assert_eq!(monitor.count("/c"), 0);
        assert_eq!(monitor.counts().len(), 2);
        monitor.reset_counts();
        assert_eq!(monitor.count("/a"), 0);
    }
}
