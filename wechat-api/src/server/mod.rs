//! Serving an axum [`Router`](axum::Router) to WeChat and to browsers
//! without letting slow or hostile clients exhaust the process (feature
//! `axum`), and the ready routes of a third-party platform.
//!
//! Two parts, with a clear boundary: the generic hardened serving (the
//! `serving` module: [`serve`], [`ServeOptions`]), which knows nothing about
//! WeChat, and the WeChat routes on top of it (the `platform` module:
//! [`CallbackRoutes`], the authorization handlers, [`RateLimits`]).
//!
//! `axum::serve` has no timeouts: a client that sends half a request head,
//! or declares a large body and sends nothing, holds its connection — and a
//! file descriptor — forever. A few hundred such clients and the process
//! hits its descriptor limit, `accept` fails with `EMFILE`, and nothing
//! (not even a health check) is answered any more. [`serve`] replaces it:
//!
//! * a **header-read timeout** that is also the idle keep-alive limit, and a
//!   cap on the size of the request head;
//! * a **body limit** answered `413` from `Content-Length` before any of the
//!   body is read, a **body-read timeout** and a whole-**request timeout**;
//! * a **cap on open connections**, overall and optionally per client; at
//!   the cap the oldest *idle* connection is closed to make room, so slow
//!   clients cannot lock out the others. Idle means no request in progress,
//!   and a request is in progress only from the end of its body to its
//!   answer: a connection trickling a body in is as evictable as one
//!   trickling a head or one kept alive;
//! * an **accept loop that survives `EMFILE`**: it closes the oldest idle
//!   connection, pauses briefly (it never spins) and goes on;
//! * **graceful shutdown**: [`Serve::with_graceful_shutdown`].
//!
//! [`CallbackRoutes`] is the ready router of a third-party platform: the
//! component events URL, the authorizers' message URL
//! (`/{appid}/callback`), the authorization start and redirect handlers and
//! `/healthz`, on top of the [`callback`](crate::callback) layer. Its
//! authorization routes are rate limited per client address; on its
//! callback routes a valid signed push is never refused, and only the
//! requests that fail verification count against their client's budget
//! (`429` past the limits; [`RateLimits`]).
//!
//! [`AccountRoutes`] is the same for an official account's or a mini
//! program's own message URL ([`ACCOUNT_PATH`] by default): one line in
//! the user's router.
//!
//! The values are in [`ServeOptions`], whose defaults suit a callback
//! server. It serves HTTP/1.1 only: WeChat's pushes use it, and browsers
//! speak HTTP/2 only over TLS, which a reverse proxy terminates in front of
//! this server.
//!
//! ```no_run
//! use axum::Router;
//! use axum::routing::get;
//! use wechat_api::server::{ServeOptions, serve};
//!
//! # async fn run() -> std::io::Result<()> {
//! let app = Router::new().route("/healthz", get(|| async { "ok" }));
//! let listener = tokio::net::TcpListener::bind("0.0.0.0:8080").await?;
//! serve(listener, app, ServeOptions::default())
//!     .with_graceful_shutdown(async {
//!         let _ = tokio::signal::ctrl_c().await;
//!     })
//!     .await;
//! # Ok(()) }
//! ```

mod platform;
mod serving;

#[cfg(feature = "pay")]
pub use platform::PayNotifyRoutes;
pub use platform::{
    ACCOUNT_PATH, AUTHORIZE_PATH, AUTHORIZED_PATH, AccountRoutes, AuthorizedAccount,
    CallbackRoutes, DEFAULT_AUTHORIZATION_RATE_OVERALL, DEFAULT_AUTHORIZATION_RATE_PER_CLIENT,
    DEFAULT_CALLBACK_BURST_PER_CLIENT, DEFAULT_CALLBACK_RATE_PER_CLIENT, EVENTS_PATH, HEALTHZ_PATH,
    MESSAGES_PATH, Rate, RateLimits,
};
pub use serving::{
    DEFAULT_ACCEPT_ERROR_BACKOFF, DEFAULT_BACKGROUND_GRACE, DEFAULT_BODY_LIMIT,
    DEFAULT_BODY_READ_TIMEOUT, DEFAULT_HEADER_READ_TIMEOUT, DEFAULT_MAX_CONNECTIONS,
    DEFAULT_MAX_HEADER_SIZE, DEFAULT_REQUEST_TIMEOUT, DEFAULT_SHUTDOWN_GRACE, Serve, ServeOptions,
    serve,
};
