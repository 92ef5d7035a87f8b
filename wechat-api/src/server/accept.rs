//! What the accept loop does when `accept` fails: a failure of one
//! incoming connection is skipped; a resource error (`EMFILE` and the like)
//! frees a descriptor and pauses accepting, so the loop never spins and
//! never stops; the log gets one line when failures start, one every
//! [`REMINDER`] while they last and one when accepting works again.

use std::io;
use std::time::{Duration, Instant};

/// How often an ongoing run of accept failures is logged again.
const REMINDER: Duration = Duration::from_secs(10);

/// What to do about a failed `accept`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AcceptFailure {
    /// The incoming connection failed before it was accepted (reset,
    /// aborted): skip it and accept the next one at once.
    Connection,
    /// The process or system is out of a resource (descriptors, buffers,
    /// memory), or something unexpected failed: free what can be freed and
    /// pause before accepting again.
    Resource,
}

/// Classifies an `accept` error.
pub(crate) fn classify(error: &io::Error) -> AcceptFailure {
    match error.kind() {
        io::ErrorKind::ConnectionRefused
        | io::ErrorKind::ConnectionAborted
        | io::ErrorKind::ConnectionReset
        | io::ErrorKind::Interrupted
        | io::ErrorKind::WouldBlock => AcceptFailure::Connection,
        _ => AcceptFailure::Resource,
    }
}

/// A run of consecutive resource failures, for logging.
#[derive(Debug, Default)]
pub(crate) struct FailureLog {
    run: Option<Run>,
}

#[derive(Debug)]
struct Run {
    started: Instant,
    failures: u64,
    logged: Instant,
}

impl FailureLog {
    /// Records a resource failure; logs the first of a run and a reminder
    /// every [`REMINDER`].
    pub(crate) fn failed(&mut self, error: &io::Error, open_connections: usize) {
        let now = Instant::now();
        match &mut self.run {
            None => {
                tracing::error!(%error, open_connections, "accept failed; closing the oldest idle connection and retrying");
                self.run = Some(Run {
                    started: now,
                    failures: 1,
                    logged: now,
                });
            }
            Some(run) => {
                run.failures += 1;
                if now.duration_since(run.logged) >= REMINDER {
                    tracing::error!(%error, failures = run.failures, open_connections, "accept still failing");
                    run.logged = now;
                }
            }
        }
    }

    /// Records a successful accept; logs the end of a run of failures.
    pub(crate) fn accepted(&mut self) {
        if let Some(run) = self.run.take() {
            tracing::warn!(
                failures = run.failures,
                seconds = run.started.elapsed().as_secs(),
                "accepting connections again"
            );
        }
    }

    /// Failures in the current run.
    #[cfg(test)]
    pub(crate) fn failures(&self) -> u64 {
        self.run.as_ref().map_or(0, |r| r.failures)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptor_exhaustion_is_a_resource_failure() {
        let emfile = io::Error::from_raw_os_error(24);
        assert_eq!(classify(&emfile), AcceptFailure::Resource);
        let enfile = io::Error::from_raw_os_error(23);
        assert_eq!(classify(&enfile), AcceptFailure::Resource);
        let reset = io::Error::from(io::ErrorKind::ConnectionReset);
        assert_eq!(classify(&reset), AcceptFailure::Connection);
        let aborted = io::Error::from(io::ErrorKind::ConnectionAborted);
        assert_eq!(classify(&aborted), AcceptFailure::Connection);
    }

    #[test]
    fn a_run_of_failures_is_counted_and_ended() {
        let mut log = FailureLog::default();
        let emfile = io::Error::from_raw_os_error(24);
        log.failed(&emfile, 3);
        log.failed(&emfile, 3);
        assert_eq!(log.failures(), 2);
        log.accepted();
        assert_eq!(log.failures(), 0);
    }
}
