//! When a request counts as *in progress*, which keeps its connection from
//! being evicted at the connection cap: from the end of its body (at once
//! when it has none) until its answer is ready.
//!
//! Not before: while the body is still being read, the pace is the
//! client's, and a client sending one byte now and then must not be able
//! to hold a slot the way a busy handler does (hundreds of them would lock
//! every other client out until the request timeout). Not after: writing
//! the answer to a slow reader is the client's pace again.
//!
//! [`TrackedBody`] wraps the request body and notices its end; a handler
//! that drops the body unread is doing its work without it, so that counts
//! as the end too.

use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use hyper::body::{Body, Frame, SizeHint};

use super::registry::{Busy, Tracker};

/// One request's progress, shared by its body and its answer.
#[derive(Debug, Clone)]
pub(crate) struct Progress {
    tracker: Tracker,
    phase: Arc<Mutex<Phase>>,
}

#[derive(Debug)]
enum Phase {
    /// The body is being read: the connection is evictable.
    Reading,
    /// The body is read and the answer not yet ready: the guard keeps the
    /// connection from being evicted.
    Handling { _busy: Busy },
    /// The answer is ready (or the request was abandoned).
    Answered,
}

impl Progress {
    /// A request just started on the connection of `tracker`.
    pub(crate) fn new(tracker: Tracker) -> Self {
        Progress {
            tracker,
            phase: Arc::new(Mutex::new(Phase::Reading)),
        }
    }

    fn phase(&self) -> std::sync::MutexGuard<'_, Phase> {
        self.phase.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The body has been read (or given up by the handler): the request is
    /// in progress, unless it was already answered.
    pub(crate) fn body_read(&self) {
        let mut phase = self.phase();
        if matches!(*phase, Phase::Reading) {
            *phase = Phase::Handling {
                _busy: self.tracker.busy(),
            };
        }
    }

    /// The answer is ready: the request is no longer in progress.
    pub(crate) fn answered(&self) {
        *self.phase() = Phase::Answered;
    }
}

/// A request body that reports its end to the request's [`Progress`].
#[derive(Debug)]
pub(crate) struct TrackedBody<B> {
    inner: B,
    progress: Progress,
}

impl<B: Body> TrackedBody<B> {
    /// `inner`, reporting to `progress`; a body that is empty from the
    /// start is read at once.
    pub(crate) fn new(inner: B, progress: Progress) -> Self {
        if inner.is_end_stream() {
            progress.body_read();
        }
        TrackedBody { inner, progress }
    }
}

impl<B: Body + Unpin> Body for TrackedBody<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        match &polled {
            Poll::Ready(None) => self.progress.body_read(),
            Poll::Ready(Some(Ok(_))) if self.inner.is_end_stream() => self.progress.body_read(),
            // An error (a timeout, a reset) ends the request soon enough;
            // pending reads are the client's pace.
            _ => {}
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

impl<B> Drop for TrackedBody<B> {
    fn drop(&mut self) {
        // Dropped unread: the handler goes on without it (or the request
        // was refused, and the answer follows at once).
        self.progress.body_read();
    }
}

#[cfg(test)]
mod tests {
    use std::net::{IpAddr, Ipv4Addr};
    use std::sync::Arc;

    use axum::body::Body as AxumBody;

    use super::*;
    use crate::server::serving::registry::{Admission, Registry, Slot};

    async fn connection() -> Slot {
        let registry = Arc::new(Registry::new(4, None));
        match registry.admit(IpAddr::V4(Ipv4Addr::LOCALHOST)).await {
            Admission::Admitted(slot) => slot,
            other => panic!("not admitted: {other:?}"),
        }
    }

    #[tokio::test]
    async fn a_request_is_in_progress_from_the_end_of_its_body_to_its_answer() {
        let slot = connection().await;
        let progress = Progress::new(slot.tracker());
        let body = TrackedBody::new(AxumBody::from("hello"), progress.clone());
        assert_eq!(slot.in_progress(), 0, "the body is not read yet");
        let read = axum::body::to_bytes(AxumBody::new(body), 1024)
            .await
            .unwrap();
        assert_eq!(&read[..], b"hello");
        assert_eq!(slot.in_progress(), 1, "read, and not answered yet");
        progress.answered();
        assert_eq!(slot.in_progress(), 0, "answered");
    }

    #[tokio::test]
    async fn an_empty_or_dropped_body_counts_as_read_but_never_after_the_answer() {
        let slot = connection().await;
        let progress = Progress::new(slot.tracker());
        let _empty = TrackedBody::new(AxumBody::empty(), progress.clone());
        assert_eq!(slot.in_progress(), 1, "no body to wait for");
        progress.answered();
        assert_eq!(slot.in_progress(), 0);

        let progress = Progress::new(slot.tracker());
        let unread = TrackedBody::new(AxumBody::from("ignored"), progress.clone());
        assert_eq!(slot.in_progress(), 0);
        drop(unread);
        assert_eq!(slot.in_progress(), 1, "the handler goes on without it");
        progress.answered();

        let progress = Progress::new(slot.tracker());
        let late = TrackedBody::new(AxumBody::from("late"), progress.clone());
        progress.answered();
        drop(late);
        assert_eq!(
            slot.in_progress(),
            0,
            "a body dropped after the answer leaves nothing in progress"
        );
    }
}
