//! WeChat's callbacks, handled: the two URLs a third-party platform serves,
//! and an official account's or mini program's own message URL,
//! framework-agnostic.
//!
//! The input is a plain [`CallbackRequest`] (method, raw query string, body
//! bytes), the output a plain [`CallbackResponse`] (status, content type,
//! body): any web framework can serve them in a few lines.
//!
//! - [`ComponentCallback`], the component events URL (授权事件接收URL):
//!   verifies and decrypts, refuses repeats cluster-wide, stores the
//!   `component_verify_ticket` (never rolling it back to an older push's),
//!   forgets an authorizer on `unauthorized`, runs user hooks for every
//!   push, answers `success`.
//! - [`MessageCallback`], the authorizers' message URL (消息与事件接收URL), one
//!   endpoint for every authorizer thanks to WeChat's `$APPID$` path
//!   placeholder: plain and safe mode, the `echostr` handshake, typed
//!   [`Message`](crate::event::Message)s (XML, or JSON from mini programs),
//!   duplicate detection across a cluster, a [`Router`] of async handlers
//!   that get a client acting for the authorizer and return an optional
//!   passive [`Reply`] (encrypted when the request was, with the right
//!   content type), the 5-second rule, and the full-network
//!   [`release_test`], opt-in.
//! - The same [`MessageCallback`] serves an official account's or a mini
//!   program's own message URL ([`MessageCallback::account`], keyed by
//!   `Config::{appid, token, encoding_aes_key}`): the URL check, plain,
//!   compatible (the reply encrypted, as the request came) and safe modes,
//!   XML and JSON (a mini program's pushes and customer-service messages),
//!   replays refused by timestamp and by `MsgId` (or `FromUserName` +
//!   `CreateTime`), handlers getting the account's own client.
//!
//! Bad requests give typed errors ([`Rejection`] inside
//! [`Error::Callback`](crate::Error::Callback), and the crypto errors),
//! answered 400, 403 or 405 ([`status_of`]); log lines name the class of a
//! failure and never quote the request, a token or a code.
//!
//! ```no_run
//! use wechat_api::callback::{
//!     CallbackRequest, CallbackResponse, ComponentCallback, MessageCallback, Reply, Router,
//! };
//! use wechat_api::{Client, Config};
//!
//! # async fn demo() -> wechat_api::Result<()> {
//! let client = Client::new(Config::from_env()?)?;
//! let events = ComponentCallback::new(client.clone())?;
//! let router = Router::new()
//!     .message("text", |message, _client| async move {
//!         Ok(Some(Reply::text(format!("echo: {}", message.content().unwrap_or_default()))))
//!     })
//!     .event("subscribe", |_message, _client| async move { Ok(Some(Reply::text("welcome"))) });
//! let messages = MessageCallback::new(client, router)?.release_test(true);
//!
//! // POST /wechat/component/events?…
//! let answer: CallbackResponse = events.handle(CallbackRequest::post("timestamp=...", b"<xml>...</xml>".to_vec())).await;
//! // POST /wechat/{appid}/callback?…
//! let answer = messages.handle("wx0123456789abcdef", CallbackRequest::post("timestamp=...", b"<xml>...</xml>".to_vec())).await;
//! println!("{} {} {}", answer.status, answer.content_type, answer.body);
//! # Ok(()) }
//! ```

mod account;
mod component;
pub(crate) mod deadline;
pub(crate) mod dedup;
mod event_reply;
mod http;
mod inbound;
pub(crate) mod loggable;
mod messages;
mod rejection;
pub mod release_test;
mod reply;
mod router;
mod state;

pub use component::{ComponentCallback, DEFAULT_REPLAY_WINDOW, HookResult};
pub use deadline::DEFAULT_REPLY_DEADLINE;
pub use event_reply::{EventReply, FieldValue, Fields};
pub use http::{APPLICATION_JSON, CallbackRequest, CallbackResponse, Method, TEXT_PLAIN, TEXT_XML};
pub use messages::{DEFAULT_DEDUP_WINDOW, MessageCallback, NoReply};
pub use rejection::{Rejection, error_class, status_of};
pub use reply::{Article, MusicReply, Reply, VideoReply};
pub use router::{HandlerResult, Router, StateRouter};
pub use state::State;
