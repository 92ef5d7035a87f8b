//! What the code under test logs, captured per test.
//!
//! Tests that read the log (no secret in it, no request text quoted) used to
//! set a thread-local subscriber each. That races: tracing caches, per call
//! site, whether any subscriber wants it, and a call site first reached by
//! another test's thread (which has none) could be cached as "never" while
//! this test's subscriber was being set up, so its lines went missing (1 run
//! in 20 with 8 test threads). Here one global subscriber, installed once,
//! wants every call site *sometimes*, and writes an event only to the
//! capture of the thread that logs it: a test whose runtime has one thread
//! gets exactly its own lines.
//!
//! ```no_run
//! let logs = wechat_api_test_support::logs::capture(tracing::Level::DEBUG);
//! // ... run the code under test on this thread ...
//! assert!(!logs.text().contains("secret"));
//! ```

use std::cell::RefCell;
use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use tracing::Level;
use tracing_subscriber::filter::dynamic_filter_fn;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::{Layer as _, Registry};

/// One test's capture on its thread: its buffer and the most verbose level
/// it keeps.
struct Active {
    buffer: Arc<Mutex<Vec<u8>>>,
    level: Level,
}

thread_local! {
    static ACTIVE: RefCell<Option<Active>> = const { RefCell::new(None) };
}

/// The log lines of the current thread, from [`capture`] until this is
/// dropped (which stops the capture).
#[must_use = "the capture stops when this is dropped"]
pub struct LogCapture {
    buffer: Arc<Mutex<Vec<u8>>>,
}

impl LogCapture {
    /// Everything logged so far, one line per event (no ANSI colours).
    pub fn text(&self) -> String {
        let bytes = self
            .buffer
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

impl Drop for LogCapture {
    fn drop(&mut self) {
        let _ = ACTIVE.try_with(|active| active.borrow_mut().take());
    }
}

/// Starts capturing the events of `level` and more severe that the current
/// thread logs (a `#[tokio::test]`'s default runtime has one thread: the
/// test's tasks and the servers it spawns all log on it).
///
/// # Panics
/// If another subscriber was installed globally first.
pub fn capture(level: Level) -> LogCapture {
    install();
    let buffer = Arc::new(Mutex::new(Vec::new()));
    ACTIVE.with(|active| {
        *active.borrow_mut() = Some(Active {
            buffer: buffer.clone(),
            level,
        });
    });
    LogCapture { buffer }
}

/// The global subscriber, installed once per test binary.
fn install() {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        // Dynamic: asked at every event (a plain `filter_fn` would be asked
        // once per call site, on whichever thread reached it first).
        // `try_with`: a thread being torn down may still log.
        let wanted = dynamic_filter_fn(|meta, _| {
            ACTIVE
                .try_with(|active| {
                    active
                        .borrow()
                        .as_ref()
                        .is_some_and(|a| meta.level() <= &a.level)
                })
                .unwrap_or(false)
        });
        let layer = tracing_subscriber::fmt::layer()
            .with_ansi(false)
            .with_writer(ThreadWriter)
            .with_filter(wanted);
        tracing::subscriber::set_global_default(Registry::default().with(layer))
            .expect("no other global subscriber in a test binary that captures logs");
    });
}

/// Writes to the capture of the thread that logs (nowhere without one).
struct ThreadWriter;

impl<'a> MakeWriter<'a> for ThreadWriter {
    type Writer = ActiveWriter;

    fn make_writer(&'a self) -> Self::Writer {
        let buffer = ACTIVE.try_with(|active| active.borrow().as_ref().map(|a| a.buffer.clone()));
        ActiveWriter(buffer.ok().flatten())
    }
}

/// The buffer of one thread's capture, if it has one.
struct ActiveWriter(Option<Arc<Mutex<Vec<u8>>>>);

impl Write for ActiveWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Some(buffer) = &self.0 {
            buffer
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .extend_from_slice(buf);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
