//! Typed async SDK for WeChat official accounts and WeChat Open Platform
//! third-party ("component") platforms.
//!
//! * [`Client`] calls every endpoint of the YAML spec with typed requests and
//!   responses ([`api`]), managing tokens through [`token::TokenManager`].
//! * [`crypto`] verifies, decrypts and encrypts callback messages
//!   (WXBizMsgCrypt); [`event`] types the pushed events and messages;
//!   [`callback`] serves the two callback URLs of a third-party platform,
//!   framework-agnostic (verification, routing, passive replies,
//!   deduplication, the release test).
//! * [`authorize`] builds authorization URLs; [`jssdk`] signs JS-SDK configs.
//! * `server` (feature `axum`) serves an axum router with timeouts and
//!   limits that shed slow and hostile clients.
//!
//! See the README for an overview.
#![warn(missing_docs)]

pub mod api;
pub mod authorize;
pub mod callback;
mod client;
mod clock;
mod config;
mod credentials;
pub mod crypto;
pub mod endpoint;
mod error;
pub mod event;
#[doc(hidden)]
pub mod hooks;
pub mod jssdk;
mod redact;
mod response;
#[cfg(feature = "axum")]
pub mod server;
pub mod token;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use client::{Auth, Client, ClientBuilder, DEFAULT_TIMEOUT};
pub use config::{Config, ConfigBuilder, ENV_VARS};
pub use error::{Error, Result};

/// The README's example, compiled as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
