//! Servers shared by every test of one test binary: started once, on first
//! use, and killed when the binary exits.
//!
//! A `static` is never dropped, so a shared server's `Drop` cannot stop it.
//! Instead it is started from one long-lived "keeper" thread, and on Linux
//! its process gets `PR_SET_PDEATHSIG(SIGKILL)`: the kernel kills it when
//! that thread, hence the test binary, ends (normally, by a panic or by a
//! signal). Servers started elsewhere (one per test) are unchanged: they
//! live until their handle is dropped.

use std::any::Any;
use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::mpsc;
use std::sync::{Mutex, OnceLock, PoisonError};

type Job = Box<dyn FnOnce() + Send>;

thread_local! {
    static ON_KEEPER: Cell<bool> = const { Cell::new(false) };
}

/// Whether the current thread is the keeper (its children die with it).
pub(crate) fn on_keeper_thread() -> bool {
    ON_KEEPER.with(Cell::get)
}

fn keeper() -> &'static Mutex<mpsc::Sender<Job>> {
    static KEEPER: OnceLock<Mutex<mpsc::Sender<Job>>> = OnceLock::new();
    KEEPER.get_or_init(|| {
        let (jobs, queue) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("shared-test-servers".into())
            .spawn(move || {
                ON_KEEPER.with(|flag| flag.set(true));
                for job in queue {
                    job();
                }
                // Keep the children alive until the process exits.
                loop {
                    std::thread::park();
                }
            })
            .expect("cannot start the keeper thread");
        Mutex::new(jobs)
    })
}

/// The value of `cell`, started by `start` on the keeper thread the first
/// time (so its server processes die with the test binary).
pub fn shared<T: Send + Sync + 'static>(
    cell: &'static OnceLock<T>,
    start: fn() -> T,
) -> &'static T {
    cell.get_or_init(|| {
        let (answer, answered) = mpsc::channel::<Result<T, Box<dyn Any + Send>>>();
        keeper()
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .send(Box::new(move || {
                let _ = answer.send(catch_unwind(AssertUnwindSafe(start)));
            }))
            .expect("the keeper thread is gone");
        match answered.recv().expect("the keeper thread is gone") {
            Ok(value) => value,
            Err(panic) => resume_unwind(panic),
        }
    })
}
