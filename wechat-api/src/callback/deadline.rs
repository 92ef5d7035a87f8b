//! The 5-second rule: WeChat drops the connection after 5 seconds and
//! retries. Handlers run in their own task; the callback waits for them up
//! to a deadline, then answers without them, and the task goes on in the
//! background. [`Background`] counts those tasks so that a server can wait
//! for them before shutting down (and tests can wait for them instead of
//! sleeping).

use std::future::Future;
use std::time::Duration;

use tokio::sync::{oneshot, watch};

/// Default time a callback waits for its handlers before answering without
/// them: 4 s, leaving a second of WeChat's 5 for the network.
pub const DEFAULT_REPLY_DEADLINE: Duration = Duration::from_secs(4);

/// The tasks a callback (and its clones) started and that are still
/// running.
#[derive(Clone, Debug)]
pub(crate) struct Background {
    running: watch::Sender<usize>,
}

impl Default for Background {
    fn default() -> Self {
        Background {
            running: watch::Sender::new(0),
        }
    }
}

/// Decrements the count when the task ends, also by panic or abort.
struct Running(watch::Sender<usize>);

impl Drop for Running {
    fn drop(&mut self) {
        self.0.send_modify(|n| *n = n.saturating_sub(1));
    }
}

impl Background {
    /// Runs `task` on the Tokio runtime, counted until it ends.
    pub(crate) fn spawn<F>(&self, task: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        self.running.send_modify(|n| *n += 1);
        let running = Running(self.running.clone());
        tokio::spawn(async move {
            let _running = running;
            task.await;
        });
    }

    /// Waits until no counted task is running.
    pub(crate) async fn idle(&self) {
        let mut receiver = self.running.subscribe();
        // The sender lives in `self`: the wait cannot fail.
        let _ = receiver.wait_for(|n| *n == 0).await;
    }

    /// Runs `work` in a counted task and waits for its output up to
    /// `deadline`. `None` when the deadline passed (the work goes on; its
    /// output is handed to `late` when it comes) or the work panicked.
    pub(crate) async fn within<T, F, L>(&self, deadline: Duration, work: F, late: L) -> Option<T>
    where
        T: Send + 'static,
        F: Future<Output = T> + Send + 'static,
        L: FnOnce(T) + Send + 'static,
    {
        let (sender, receiver) = oneshot::channel();
        self.spawn(async move {
            let output = work.await;
            if let Err(output) = sender.send(output) {
                late(output);
            }
        });
        match tokio::time::timeout(deadline, receiver).await {
            Ok(Ok(output)) => Some(output),
            Ok(Err(_)) => {
                tracing::error!("a callback handler panicked; answered without it");
                None
            }
            Err(_) => None,
        }
    }
}
