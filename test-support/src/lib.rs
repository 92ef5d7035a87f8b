//! Shared support for the tests and benchmarks of wechat-api.
//!
//! Not published. Every helper a test needs lives here once, so that no test
//! includes another file with `#[path]`.

pub mod redis;
pub mod redis_cluster;
pub mod redis_sentinel;
pub mod shared;
pub mod token;
