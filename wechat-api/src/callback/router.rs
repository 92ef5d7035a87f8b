//! [`Router`]: picks the handler of a message by its type, event name and
//! event key, or runs a fallback.
//!
//! A handler is an async closure receiving the [`Message`] and a [`Client`]
//! already acting for the authorizer the message was sent to
//! (`client.authorizer(appid)`), and returning an optional passive
//! [`Reply`]. Routes are tried in the order they were added; the first that
//! matches runs.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use super::reply::Reply;
use crate::event::Message;
use crate::token::BoxFuture;
use crate::{Client, Result};

/// What a handler returns: the passive reply, if any.
pub type HandlerResult = Result<Option<Reply>>;

/// A boxed handler.
pub(crate) type Handler =
    Arc<dyn Fn(Message, Client) -> BoxFuture<'static, HandlerResult> + Send + Sync>;

type Predicate = Arc<dyn Fn(&Message) -> bool + Send + Sync>;

enum Matcher {
    MsgType(String),
    Event(String),
    EventKey { event: String, key: String },
    Predicate(Predicate),
}

impl Matcher {
    fn matches(&self, message: &Message) -> bool {
        match self {
            Matcher::MsgType(msg_type) => message.msg_type().eq_ignore_ascii_case(msg_type),
            Matcher::Event(event) => message
                .event()
                .is_some_and(|e| e.eq_ignore_ascii_case(event)),
            Matcher::EventKey { event, key } => {
                message
                    .event()
                    .is_some_and(|e| e.eq_ignore_ascii_case(event))
                    && message.event_key() == Some(key.as_str())
            }
            Matcher::Predicate(predicate) => predicate(message),
        }
    }
}

/// Routes messages to handlers.
///
/// ```
/// use wechat_api::callback::{Reply, Router};
///
/// let router = Router::new()
///     .message("text", |message, _client| async move {
///         let content = message.content().unwrap_or_default().to_owned();
///         Ok(Some(Reply::text(format!("you said: {content}"))))
///     })
///     .event_key("CLICK", "V1001_TODAY_MUSIC", |_message, _client| async move {
///         Ok(Some(Reply::text("today's music")))
///     })
///     .event("subscribe", |_message, _client| async move { Ok(Some(Reply::text("welcome"))) })
///     .fallback(|_message, _client| async move { Ok(None) });
/// assert_eq!(router.len(), 3);
/// ```
#[derive(Clone, Default)]
pub struct Router {
    routes: Vec<(Arc<Matcher>, Handler)>,
    fallback: Option<Handler>,
}

impl fmt::Debug for Router {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Router")
            .field("routes", &self.routes.len())
            .field("fallback", &self.fallback.is_some())
            .finish()
    }
}

/// Boxes a handler closure.
fn boxed<F, Fut>(handler: F) -> Handler
where
    F: Fn(Message, Client) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = HandlerResult> + Send + 'static,
{
    Arc::new(move |message, client| Box::pin(handler(message, client)))
}

impl Router {
    /// A router without routes: every message goes unanswered.
    pub fn new() -> Self {
        Router::default()
    }

    fn route(mut self, matcher: Matcher, handler: Handler) -> Self {
        self.routes.push((Arc::new(matcher), handler));
        self
    }

    /// Runs `handler` for messages of type `msg_type` (`text`, `image`,
    /// `event`…; ASCII case-insensitive).
    #[must_use]
    pub fn message<F, Fut>(self, msg_type: impl Into<String>, handler: F) -> Self
    where
        F: Fn(Message, Client) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HandlerResult> + Send + 'static,
    {
        self.route(Matcher::MsgType(msg_type.into()), boxed(handler))
    }

    /// Runs `handler` for events named `event` (`subscribe`, `CLICK`,
    /// `weapp_audit_success`…; ASCII case-insensitive).
    #[must_use]
    pub fn event<F, Fut>(self, event: impl Into<String>, handler: F) -> Self
    where
        F: Fn(Message, Client) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HandlerResult> + Send + 'static,
    {
        self.route(Matcher::Event(event.into()), boxed(handler))
    }

    /// Runs `handler` for events named `event` whose `EventKey` is exactly
    /// `key` (a menu button's key, a QR scene key).
    #[must_use]
    pub fn event_key<F, Fut>(
        self,
        event: impl Into<String>,
        key: impl Into<String>,
        handler: F,
    ) -> Self
    where
        F: Fn(Message, Client) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HandlerResult> + Send + 'static,
    {
        let matcher = Matcher::EventKey {
            event: event.into(),
            key: key.into(),
        };
        self.route(matcher, boxed(handler))
    }

    /// Runs `handler` for the messages `predicate` accepts.
    #[must_use]
    pub fn matching<P, F, Fut>(self, predicate: P, handler: F) -> Self
    where
        P: Fn(&Message) -> bool + Send + Sync + 'static,
        F: Fn(Message, Client) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HandlerResult> + Send + 'static,
    {
        self.route(Matcher::Predicate(Arc::new(predicate)), boxed(handler))
    }

    /// Runs `handler` for the messages no route matched.
    #[must_use]
    pub fn fallback<F, Fut>(mut self, handler: F) -> Self
    where
        F: Fn(Message, Client) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HandlerResult> + Send + 'static,
    {
        self.fallback = Some(boxed(handler));
        self
    }

    /// How many routes (not counting the fallback).
    pub fn len(&self) -> usize {
        self.routes.len()
    }

    /// Whether there is neither a route nor a fallback.
    pub fn is_empty(&self) -> bool {
        self.routes.is_empty() && self.fallback.is_none()
    }

    /// The handler for `message`: the first matching route's, else the
    /// fallback.
    pub(crate) fn handler_for(&self, message: &Message) -> Option<Handler> {
        self.routes
            .iter()
            .find(|(matcher, _)| matcher.matches(message))
            .map(|(_, handler)| Arc::clone(handler))
            .or_else(|| self.fallback.clone())
    }

    /// Runs the handler for `message` with `client` (no deadline, no
    /// deduplication: [`MessageCallback`](super::MessageCallback) adds
    /// those). `Ok(None)` when no route matched and there is no fallback.
    ///
    /// # Errors
    ///
    /// The handler's error.
    pub async fn dispatch(&self, message: Message, client: Client) -> HandlerResult {
        match self.handler_for(&message) {
            Some(handler) => handler(message, client).await,
            None => Ok(None),
        }
    }
}
