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
//! * [`media`] holds the files endpoints upload and answer with;
//!   [`Client::raw`] calls an endpoint no spec describes yet.
//! * `pay` (feature `pay`): WeChat Pay API v3: signed requests, verified
//!   answers and notifications, platform certificates and the public key.
//! * `server` (feature `axum`) serves an axum router with timeouts and
//!   limits that shed slow and hostile clients.
//!
//! See the README for an overview.
#![warn(missing_docs)]

// Layers, from the bottom up (the unit test in `layering.rs` keeps the first
// one free of the others):
//
// 1. The runtime, hand-written: the client, its configuration and tokens
//    (`client`, `config`, `credentials`, `token`), the one send path (`call`,
//    `transport`, `answer`, `raw`), the static endpoint descriptions
//    (`endpoint`), the hooks, `errcode`, `hosts`, and the push side (`crypto`,
//    `xml`, `event`, `callback`). It never names the generated API: the token
//    calls it makes by itself are described by hand in
//    `credentials/calls.rs` (a unit test compares them with the spec's), and
//    the hooks read what they need of a request from the JSON it sent.
// 2. The generated API (`api`, from `spec/*.yaml` by `generate!`): request
//    and response types and the handlers, which reach the runtime only
//    through `__private` (`rt::` in generated code).
// 3. Built on the generated API: `callback::release_test` (WeChat's release
//    test answers with `query_auth` and customer-service messages) and
//    `server` (the authorization routes).

mod answer;
pub mod api;
pub mod authorize;
mod call;
pub mod callback;
mod client;
mod clock;
mod config;
mod credentials;
pub mod crypto;
mod detached;
pub mod endpoint;
pub mod errcode;
mod error;
pub mod event;
#[doc(hidden)]
pub mod hooks;
pub mod hosts;
pub mod jssdk;
#[cfg(test)]
mod layering;
mod limits;
pub mod media;
mod multipart;
#[doc(hidden)]
pub mod paging;
#[cfg(feature = "pay")]
pub mod pay;
// The probes are for the integration tests (which link the library): this
// crate's own unit tests are built without them, and compile faster.
#[cfg(all(feature = "spec-tests", not(test)))]
mod probe;
mod raw;
mod redact;
#[cfg(feature = "axum")]
pub mod server;
pub mod token;
#[doc(hidden)]
pub mod tolerant;
mod transport;
#[doc(hidden)]
pub mod wire;
mod xml;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use client::{Auth, Client, ClientBuilder, DEFAULT_TIMEOUT};
pub use config::{AccessTokenEndpoint, Config, ConfigBuilder, ENV_VARS};
pub use error::{BoxError, CallName, Error, HandlerError, Result};
pub use limits::{DEFAULT_ANSWER_LIMIT, DEFAULT_MEDIA_LIMIT};
pub use raw::RawCall;

/// Generates typed endpoints for your own crate from a folder of spec files,
/// in the format of this crate's `spec/` (see its README).
///
/// ```text
/// // src/lib.rs of your crate, with spec/extra.yaml beside src/
/// wechat_api::generate!("../spec");
///
/// use crate::ExtraApi; // one extension trait per spec module
/// let answer = client.extra().foo(extra::FooRequest::new("x")).await?;
/// ```
///
/// The generated methods work like the built-in ones: managed tokens (the
/// authorizer's through `client.authorizer(..)`), one refresh and retry on
/// an expired token, the `errcode` check, bounded answers and redaction.
/// Add a `build.rs` printing `cargo::rerun-if-changed=spec` so that a new
/// spec file is noticed. A broken spec is a compile error naming the file,
/// line and column.
pub use wechat_api_macros::generate;

/// The [`secrecy`](https://docs.rs/secrecy) crate, whose
/// [`SecretString`](secrecy::SecretString) holds the secrets of a
/// [`Config`] ([`Config::token`], [`Config::secret`]…): read one with
/// `secrecy::ExposeSecret` without adding the crate yourself.
pub use secrecy;

/// The crate README's examples, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
