//! Typed async SDK for WeChat official accounts and WeChat Open Platform
//! third-party ("component") platforms.
//!
//! See the README for an overview.
#![warn(missing_docs)]

mod error;

pub use error::{Error, Result};
