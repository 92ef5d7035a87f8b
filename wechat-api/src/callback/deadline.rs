//! The 5-second rule: WeChat drops the connection after 5 seconds and
//! retries. A handler is polled once in the request's task (most answer
//! there and then); one that has to wait goes on in a task of its own, the
//! callback waits for it up to a deadline, then answers without it, and the
//! task goes on in the background. (A handler that blocks its thread
//! before its first wait delays the answer: handlers must not block.) [`Background`] counts those tasks so that a server can wait
//! for them before shutting down (and tests can wait for them instead of
//! sleeping).

use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::task::Poll;
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
        // Also counted by the server's drain, which waits for it at shutdown.
        let tracked = crate::detached::tracked();
        tokio::spawn(async move {
            let _running = running;
            let _tracked = tracked;
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
        // Most handlers answer without waiting for anything: poll the work
        // here once, and give it a task of its own and the deadline only
        // if it has to wait (a task and a timer per message cost more than
        // the usual handler). A panic is caught as it would be in a task.
        let mut work = Box::pin(work);
        let first = std::future::poll_fn(|cx| {
            Poll::Ready(panic::catch_unwind(AssertUnwindSafe(|| {
                work.as_mut().poll(cx)
            })))
        })
        .await;
        match first {
            Ok(Poll::Ready(output)) => return Some(output),
            Ok(Poll::Pending) => {}
            Err(_) => {
                tracing::error!("a callback handler panicked; answered without it");
                return None;
            }
        }
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use tokio::sync::Notify;

    use super::*;

    const DEADLINE: Duration = Duration::from_secs(4);

    fn never_late(_: u32) {
        unreachable!("the output came in time");
    }

    #[tokio::test]
    async fn work_ready_at_once_is_answered_without_a_task() {
        let background = Background::default();
        assert_eq!(
            background.within(DEADLINE, async { 7 }, never_late).await,
            Some(7)
        );
        assert_eq!(*background.running.borrow(), 0, "no task was spawned");
    }

    #[tokio::test]
    async fn work_that_waits_gets_a_task_and_still_answers() {
        let background = Background::default();
        let go = Arc::new(Notify::new());
        let work = {
            let go = Arc::clone(&go);
            async move {
                go.notified().await;
                8
            }
        };
        let waiting = background.within(DEADLINE, work, never_late);
        let (answer, ()) = tokio::join!(waiting, async {
            tokio::task::yield_now().await;
            assert_eq!(*background.running.borrow(), 1, "a task runs the work");
            go.notify_one();
        });
        assert_eq!(answer, Some(8));
        background.idle().await;
    }

    #[tokio::test]
    async fn late_work_goes_on_in_the_background() {
        let background = Background::default();
        let late = Arc::new(AtomicUsize::new(0));
        let go = Arc::new(Notify::new());
        let work = {
            let go = Arc::clone(&go);
            async move {
                go.notified().await;
                9
            }
        };
        let seen = Arc::clone(&late);
        // The work cannot finish before `go`: the deadline passes first.
        let answer = background
            .within(Duration::from_millis(10), work, move |output| {
                seen.fetch_add(output, Ordering::SeqCst);
            })
            .await;
        assert_eq!(answer, None);
        go.notify_one();
        background.idle().await;
        assert_eq!(late.load(Ordering::SeqCst), 9, "late output handed over");
    }

    #[tokio::test]
    async fn a_panic_is_no_answer_whether_at_once_or_after_waiting() {
        let background = Background::default();
        let at_once = async {
            if true {
                panic!("handler bug");
            }
            1
        };
        assert_eq!(background.within(DEADLINE, at_once, never_late).await, None);
        let after_waiting = async {
            tokio::task::yield_now().await;
            if true {
                panic!("handler bug");
            }
            1
        };
        assert_eq!(
            background.within(DEADLINE, after_waiting, never_late).await,
            None
        );
        background.idle().await;
    }
}
