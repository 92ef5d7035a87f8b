//! Work that must finish once started, even when the caller stops waiting
//! (a dropped request handler, a timeout): a token WeChat handed out and
//! rotated must reach the store, or the merchant has to authorize again.
//!
//! Such work outlives the request that started it, so a server shutting
//! down must wait for it too: a request served by a [`Drain`] (the `axum`
//! feature's `serve` gives every request one) counts each detached task it
//! starts ([`tracked`]: here, and the callbacks' background handlers) until
//! the task ends, and the server waits until none is left, bounded by a
//! grace period.

use std::future::Future;

use tokio::sync::watch;

use crate::error::{Error, Result};

tokio::task_local! {
    /// The drain of the request being handled, if it has one.
    static DRAIN: Drain;
}

/// Counts the detached tasks the requests run inside [`Drain::scope`]
/// started and that are still running.
#[derive(Clone, Debug)]
#[cfg_attr(not(feature = "axum"), allow(dead_code))]
pub(crate) struct Drain {
    running: watch::Sender<usize>,
}

impl Default for Drain {
    fn default() -> Self {
        Drain {
            running: watch::Sender::new(0),
        }
    }
}

#[cfg_attr(not(feature = "axum"), allow(dead_code))]
impl Drain {
    /// Runs `work` (a request's handling) so that the detached tasks it
    /// starts are counted by this drain.
    pub(crate) async fn scope<F: Future>(&self, work: F) -> F::Output {
        DRAIN.scope(self.clone(), work).await
    }

    /// Waits until no counted task is running.
    pub(crate) async fn idle(&self) {
        let mut receiver = self.running.subscribe();
        // The sender lives in `self`: the wait cannot fail.
        let _ = receiver.wait_for(|n| *n == 0).await;
    }

    /// How many counted tasks are running.
    pub(crate) fn running(&self) -> usize {
        *self.running.borrow()
    }
}

/// Holds one count of a drain while a detached task runs (also when it
/// panics or is aborted).
#[derive(Debug)]
pub(crate) struct Tracked(Option<watch::Sender<usize>>);

impl Drop for Tracked {
    fn drop(&mut self) {
        if let Some(running) = &self.0 {
            running.send_modify(|n| *n = n.saturating_sub(1));
        }
    }
}

/// Counts a detached task about to start in the drain of the current
/// request, if any: keep the result alive in the task.
pub(crate) fn tracked() -> Tracked {
    Tracked(
        DRAIN
            .try_with(|drain| {
                drain.running.send_modify(|n| *n += 1);
                drain.running.clone()
            })
            .ok(),
    )
}

/// Runs `work` in a task of its own and waits for it: if the caller's
/// future is dropped, `work` still runs to its end. A panic in `work` is
/// resumed in the caller.
///
/// # Errors
/// `work`'s error; [`Error::Store`] when the runtime shut down before
/// `work` finished (what it was to store may be missing).
pub async fn run_to_completion<T, F>(work: F) -> Result<T>
where
    F: Future<Output = Result<T>> + Send + 'static,
    T: Send + 'static,
{
    let tracked = tracked();
    let work = async move {
        let _tracked = tracked;
        work.await
    };
    match tokio::spawn(work).await {
        Ok(outcome) => outcome,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(_) => Err(Error::Store(
            "the runtime shut down before a call that stores tokens finished".to_owned(),
        )),
    }
}
