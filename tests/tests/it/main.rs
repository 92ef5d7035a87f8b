//! The integration tests of wechat-api, in one binary (one link instead of
//! one per file), one module per area. Shared helpers live in the
//! `wechat-api-test-support` crate.
//!
//! Tests in one binary share a process: none may change process-wide state
//! (environment variables, the current directory, resource limits, a global
//! `tracing` subscriber) in place. A test that needs to re-runs this binary
//! as a child process, filtered to itself (see `server::emfile`).

mod breadth;
mod callback;
mod crypto;
mod endpoints;
mod flow;
mod hygiene;
mod pay;
mod sandbox;
mod server;
mod token;
mod transport;
