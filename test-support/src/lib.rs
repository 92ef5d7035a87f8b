//! Shared support for the tests and benchmarks of wechat-api.
//!
//! Not published. Every helper a test needs lives here once, so that no test
//! includes another file with `#[path]`:
//!
//! * [`platform`]: the platform harness, a third-party platform served with
//!   the library's `CallbackRoutes` on a free port, wired to the sandbox;
//! * [`flow`]: the quickstart's steps, walked by that harness;
//! * [`recording_store`]: a token store that records every call to the store
//!   it wraps (and can be made to fail writes);
//! * [`callback`]: WeChat's side of a push (signing and encrypting) and the
//!   official message samples;
//! * [`transport`]: a client on wiremock with its tokens cached;
//! * [`raw_http`] and [`refused_port`]: answers wiremock cannot give, and a
//!   port that refuses connections;
//! * [`redis`]: a throwaway `redis-server`;
//! * [`child`]: one test run again in a process of its own;
//! * [`logs`]: what the code under test logs, captured per test.
//!
//! Helpers panic with a message on set-up failures: they are for tests.
#![allow(clippy::missing_panics_doc)]

pub mod callback;
pub mod child;
pub mod flow;
pub mod logs;
pub mod platform;
pub mod raw_http;
pub mod recording_store;
pub mod redis;
pub mod redis_cluster;
pub mod redis_sentinel;
pub mod refused_port;
pub mod shared;
pub mod token;
pub mod transport;
