//! What the accept loop does when `accept` fails: a failure of one
//! incoming connection is skipped; a resource error (`EMFILE` and the like)
//! frees a descriptor and pauses accepting, so the loop never spins and
//! never stops; the log gets at most one line every [`REMINDER`].

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

/// Resource failures, for logging: one line for the first, then at most
/// one every [`REMINDER`] with the number of failures in between (under
/// `EMFILE` a failure can happen for every connection accepted).
#[derive(Debug, Default)]
pub(crate) struct FailureLog {
    last_line: Option<Instant>,
    unlogged: u64,
}

impl FailureLog {
    /// Records a resource failure, and logs it unless a line was written
    /// less than [`REMINDER`] ago.
    pub(crate) fn failed(&mut self, error: &io::Error, open_connections: usize) {
        let now = Instant::now();
        if self
            .last_line
            .is_some_and(|line| now.duration_since(line) < REMINDER)
        {
            self.unlogged += 1;
            return;
        }
        tracing::error!(
            %error,
            open_connections,
            failures_since_last_line = self.unlogged,
            "accept failed; closing the oldest idle connection and retrying"
        );
        self.last_line = Some(now);
        self.unlogged = 0;
    }

    /// Failures since the last line.
    #[cfg(test)]
    pub(crate) fn unlogged(&self) -> u64 {
        self.unlogged
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
    fn failures_after_the_first_are_counted_not_logged() {
        let mut log = FailureLog::default();
        let emfile = io::Error::from_raw_os_error(24);
        log.failed(&emfile, 3);
        assert_eq!(log.unlogged(), 0, "the first failure is logged");
        log.failed(&emfile, 3);
        log.failed(&emfile, 3);
        assert_eq!(log.unlogged(), 2);
    }
}
