//! Shared code of the runnable examples (`examples/*.rs`).
//!
//! * [`bench_callback`]: what the callback benchmark's server and load
//!   generator share.
//! * [`callback`]: a production-shaped callback server for a third-party
//!   platform (axum), as a router and as a background server.
//! * [`quickstart`]: the quickstart flow against the sandbox, step by step.
//!
//! Run them with `cargo run --example quickstart` and
//! `cargo run --example callback_server -- --help`.
#![warn(missing_docs)]

pub mod bench_callback;
pub mod callback;
pub mod quickstart;
