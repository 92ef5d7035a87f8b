//! [`Router`]: picks the handler of a message by its type, event name and
//! event key, or runs a fallback.
//!
//! A handler is an async closure receiving the [`Message`] and a [`Client`]
//! already acting for the authorizer the message was sent to
//! (`client.authorizer(appid)`), and returning an optional passive
//! [`Reply`]. Routes are tried in the order they were added; the first that
//! matches runs.
//!
//! Handlers that need the application's state (a database pool, its
//! configuration) get it as a third argument from a [`StateRouter`]
//! ([`Router::with_state`]): no `Arc` cloned into every closure. Handlers
//! return any error with `?` ([`HandlerResult`] boxes it); the callback
//! logs it as [`Error::Handler`](crate::Error::Handler).

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use super::reply::Reply;
use super::state::State;
use crate::event::Message;
use crate::token::BoxFuture;
use crate::{BoxError, Client, Error, Result};

/// What a handler returns: the passive reply, if any, or any error (`?`
/// works on the application's own errors as well as on this crate's).
pub type HandlerResult = std::result::Result<Option<Reply>, BoxError>;

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
    /// The handler's error: [`Error::Handler`] for an error of the
    /// application's, the error itself for one of this crate's
    /// ([`Error::handler`]).
    pub async fn dispatch(&self, message: Message, client: Client) -> Result<Option<Reply>> {
        match self.handler_for(&message) {
            Some(handler) => handler(message, client).await.map_err(Error::handler),
            None => Ok(None),
        }
    }

    /// A router whose handlers receive `state` as their third argument
    /// ([`State`]), a clone of it for each call: build it once, with the
    /// application's pools and clients, instead of cloning `Arc`s into
    /// every closure. It becomes a [`Router`] with `.into()` (or where a
    /// router is expected, e.g. [`MessageCallback::new`](super::MessageCallback::new)).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use std::sync::atomic::{AtomicU64, Ordering};
    /// use wechat_api::callback::{Reply, Router, State};
    ///
    /// #[derive(Clone, Default)]
    /// struct App {
    ///     texts: Arc<AtomicU64>,
    /// }
    ///
    /// let router: Router = Router::with_state(App::default())
    ///     .message("text", |_message, _client, State(app)| async move {
    ///         let seen = app.texts.fetch_add(1, Ordering::Relaxed) + 1;
    ///         Ok(Some(Reply::text(format!("message number {seen}"))))
    ///     })
    ///     .into();
    /// assert_eq!(router.len(), 1);
    /// ```
    pub fn with_state<S>(state: S) -> StateRouter<S>
    where
        S: Clone + Send + Sync + 'static,
    {
        StateRouter {
            router: Router::new(),
            state,
        }
    }
}

/// A [`Router`] whose handlers receive the application state `S` as a
/// third argument, [`State<S>`]: made by [`Router::with_state`], turned
/// into a [`Router`] with `.into()`. The methods are [`Router`]'s.
#[derive(Clone)]
pub struct StateRouter<S> {
    router: Router,
    state: S,
}

impl<S> fmt::Debug for StateRouter<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StateRouter")
            .field("router", &self.router)
            .finish_non_exhaustive()
    }
}

impl<S: Clone + Send + Sync + 'static> StateRouter<S> {
    /// Boxes a handler taking the state, giving it a clone of the state on
    /// each call.
    fn boxed<F, Fut>(&self, handler: F) -> Handler
    where
        F: Fn(Message, Client, State<S>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HandlerResult> + Send + 'static,
    {
        let state = self.state.clone();
        Arc::new(move |message, client| Box::pin(handler(message, client, State(state.clone()))))
    }

    fn route(mut self, matcher: Matcher, handler: Handler) -> Self {
        self.router = self.router.route(matcher, handler);
        self
    }

    /// [`Router::message`], with the state.
    #[must_use]
    pub fn message<F, Fut>(self, msg_type: impl Into<String>, handler: F) -> Self
    where
        F: Fn(Message, Client, State<S>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HandlerResult> + Send + 'static,
    {
        let handler = self.boxed(handler);
        self.route(Matcher::MsgType(msg_type.into()), handler)
    }

    /// [`Router::event`], with the state.
    #[must_use]
    pub fn event<F, Fut>(self, event: impl Into<String>, handler: F) -> Self
    where
        F: Fn(Message, Client, State<S>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HandlerResult> + Send + 'static,
    {
        let handler = self.boxed(handler);
        self.route(Matcher::Event(event.into()), handler)
    }

    /// [`Router::event_key`], with the state.
    #[must_use]
    pub fn event_key<F, Fut>(
        self,
        event: impl Into<String>,
        key: impl Into<String>,
        handler: F,
    ) -> Self
    where
        F: Fn(Message, Client, State<S>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HandlerResult> + Send + 'static,
    {
        let matcher = Matcher::EventKey {
            event: event.into(),
            key: key.into(),
        };
        let handler = self.boxed(handler);
        self.route(matcher, handler)
    }

    /// [`Router::matching`], with the state.
    #[must_use]
    pub fn matching<P, F, Fut>(self, predicate: P, handler: F) -> Self
    where
        P: Fn(&Message) -> bool + Send + Sync + 'static,
        F: Fn(Message, Client, State<S>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HandlerResult> + Send + 'static,
    {
        let handler = self.boxed(handler);
        self.route(Matcher::Predicate(Arc::new(predicate)), handler)
    }

    /// [`Router::fallback`], with the state.
    #[must_use]
    pub fn fallback<F, Fut>(mut self, handler: F) -> Self
    where
        F: Fn(Message, Client, State<S>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HandlerResult> + Send + 'static,
    {
        self.router.fallback = Some(self.boxed(handler));
        self
    }

    /// How many routes (not counting the fallback).
    pub fn len(&self) -> usize {
        self.router.len()
    }

    /// Whether there is neither a route nor a fallback.
    pub fn is_empty(&self) -> bool {
        self.router.is_empty()
    }

    /// The state.
    pub fn state(&self) -> &S {
        &self.state
    }
}

impl<S> From<StateRouter<S>> for Router {
    fn from(router: StateRouter<S>) -> Router {
        router.router
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU64, Ordering};

    use super::*;
    use crate::Config;

    /// An error of the application's own, not this crate's.
    #[derive(Debug)]
    struct DbError {
        table: &'static str,
    }

    impl fmt::Display for DbError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "the {} table is locked", self.table)
        }
    }

    impl std::error::Error for DbError {}

    fn lookup(table: &'static str) -> std::result::Result<u64, DbError> {
        Err(DbError { table })
    }

    fn client() -> Client {
        let config = Config::builder()
            .appid("wx0123456789abcdef")
            .secret("s")
            .build()
            .expect("config");
        Client::new(config).expect("client")
    }

    fn text(content: &str) -> Message {
        Message::from_xml(&format!(
            "<xml><ToUserName>gh_1</ToUserName><FromUserName>o1</FromUserName>\
             <CreateTime>1</CreateTime><MsgType>text</MsgType><Content>{content}</Content>\
             <MsgId>7</MsgId></xml>"
        ))
        .expect("message")
    }

    #[tokio::test]
    async fn question_mark_on_an_application_error_keeps_its_message_and_source() {
        let router = Router::new().message("text", |_message, _client| async move {
            let rows = lookup("users")?;
            Ok(Some(Reply::text(rows.to_string())))
        });
        let error = router
            .dispatch(text("hi"), client())
            .await
            .expect_err("the handler fails");
        assert!(matches!(error, Error::Handler(_)), "{error:?}");
        assert_eq!(
            error.to_string(),
            "handler failed: the users table is locked"
        );
        let source = std::error::Error::source(&error).expect("a source");
        let db = source
            .downcast_ref::<DbError>()
            .expect("the DbError itself");
        assert_eq!(db.table, "users");
    }

    #[tokio::test]
    async fn question_mark_on_this_crates_error_gives_that_error_back() {
        let router = Router::new().message("text", |_message, _client| async move {
            Err(Error::Config("no secret".to_owned()))?;
            Ok(None)
        });
        let error = router
            .dispatch(text("hi"), client())
            .await
            .expect_err("the handler fails");
        assert!(
            matches!(error, Error::Config(ref m) if m == "no secret"),
            "{error:?}"
        );
    }

    #[tokio::test]
    async fn handlers_of_a_state_router_share_the_state_without_cloning_by_hand() {
        #[derive(Clone, Default)]
        struct App {
            seen: Arc<AtomicU64>,
        }
        let app = App::default();
        let router: Router = Router::with_state(app.clone())
            .message("text", |message, _client, State(app)| async move {
                let n = app.seen.fetch_add(1, Ordering::SeqCst) + 1;
                let said = message.content().unwrap_or_default().to_owned();
                Ok(Some(Reply::text(format!("{n}: {said}"))))
            })
            .fallback(|_message, _client, State(app)| async move {
                app.seen.fetch_add(100, Ordering::SeqCst);
                Ok(None)
            })
            .into();
        let first = router.dispatch(text("a"), client()).await.expect("ok");
        let second = router.dispatch(text("b"), client()).await.expect("ok");
        assert_eq!(first, Some(Reply::text("1: a")));
        assert_eq!(second, Some(Reply::text("2: b")));
        let event = Message::from_xml(
            "<xml><ToUserName>gh_1</ToUserName><FromUserName>o1</FromUserName>\
             <CreateTime>1</CreateTime><MsgType>event</MsgType><Event>subscribe</Event></xml>",
        )
        .expect("event");
        assert_eq!(router.dispatch(event, client()).await.expect("ok"), None);
        assert_eq!(app.seen.load(Ordering::SeqCst), 102);
    }
}
