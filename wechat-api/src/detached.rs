//! Work that must finish once started, even when the caller stops waiting
//! (a dropped request handler, a timeout): a token WeChat handed out and
//! rotated must reach the store, or the merchant has to authorize again.

use std::future::Future;

use crate::error::{Error, Result};

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
    match tokio::spawn(work).await {
        Ok(outcome) => outcome,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(_) => Err(Error::Store(
            "the runtime shut down before a call that stores tokens finished".to_owned(),
        )),
    }
}
