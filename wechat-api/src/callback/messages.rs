//! [`MessageCallback`]: the message URL a third-party platform receives its
//! authorizers' messages and events on (消息与事件接收URL), one endpoint for
//! every authorizer: WeChat substitutes the authorizer's appid for the
//! `$APPID$` placeholder of the configured URL (e.g.
//! `https://example.com/wechat/$APPID$/callback`), and the web framework
//! passes that path segment to [`MessageCallback::handle`].
//!
//! For each POST it verifies the request (plain or safe mode, with the
//! platform's token and key: WeChat encrypts every authorizer's messages
//! with them), types the [`Message`], drops WeChat's retries (cluster-wide,
//! through the token store), optionally answers the release test, runs the
//! router's handler with a client acting for the authorizer, and answers
//! its passive reply (encrypted when the request was) — or, when the
//! handler takes longer than the reply deadline, answers without it while
//! the handler goes on in the background. GET requests are the `echostr`
//! handshake.
//!
//! The same machinery serves an official account's or a mini program's own
//! message URL, keyed by its own appid, token and key
//! ([`MessageCallback::account`], in `account.rs`): an [`Owner`] says whose
//! URL a callback is.

use super::loggable::loggable;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;

use super::account;
use super::component::DEFAULT_REPLAY_WINDOW;
use super::deadline::{Background, DEFAULT_REPLY_DEADLINE};
use super::dedup::{self, Claim};
use super::http::{CallbackRequest, CallbackResponse, Method, Query};
use super::inbound::{self, Format, Inbound, Mode};
use super::rejection::{Rejection, error_class};
use super::release_test::{self, Answer};
use super::reply::Reply;
use super::router::{HandlerResult, Router};
use crate::crypto::MsgCrypt;
use crate::event::Message;
use crate::{Client, Error, Result};

/// Default time a message id is remembered for duplicate detection: 5
/// minutes (WeChat retries within 15 seconds).
pub const DEFAULT_DEDUP_WINDOW: Duration = Duration::from_secs(300);

/// What a push without a passive reply is answered with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum NoReply {
    /// The literal `success` (WeChat's recommendation; the default).
    #[default]
    Success,
    /// An empty body.
    Empty,
}

impl NoReply {
    fn response(self) -> CallbackResponse {
        match self {
            NoReply::Success => CallbackResponse::success(),
            NoReply::Empty => CallbackResponse::empty(),
        }
    }
}

/// The authorizers' message URL, framework-agnostic: feed it each request
/// with the authorizer appid from the path, write back the response.
///
/// Cheap to clone (clones share the router and the background tasks).
///
/// ```no_run
/// use wechat_api::callback::{CallbackRequest, MessageCallback, Reply, Router};
/// use wechat_api::{Client, Config};
///
/// # async fn demo(appid: &str, query: String, body: Vec<u8>) -> wechat_api::Result<()> {
/// let client = Client::new(Config::from_env()?)?;
/// let router = Router::new().message("text", |message, client| async move {
///     // `client` acts for the authorizer the message was sent to
///     let _ = client.authorizer_appid();
///     Ok(Some(Reply::text(message.content().unwrap_or_default())))
/// });
/// let messages = MessageCallback::new(client, router)?.release_test(true);
/// // in the web framework's handler of POST /wechat/{appid}/callback:
/// let response = messages.handle(appid, CallbackRequest::post(query, body)).await;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct MessageCallback {
    client: Client,
    owner: Owner,
    crypt: MsgCrypt,
    router: Arc<Router>,
    release_test: bool,
    no_reply: NoReply,
    reply_deadline: Duration,
    dedup_window: Duration,
    replay_window: Duration,
    background: Background,
}

impl fmt::Debug for MessageCallback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MessageCallback")
            .field("owner", &self.owner)
            .field("receive_id", &self.crypt.receive_id())
            .field("router", &self.router)
            .field("release_test", &self.release_test)
            .field("no_reply", &self.no_reply)
            .field("reply_deadline", &self.reply_deadline)
            .field("dedup_window", &self.dedup_window)
            .field("replay_window", &self.replay_window)
            .finish_non_exhaustive()
    }
}

/// Whose message URL a [`MessageCallback`] serves, and so whose token,
/// key and appid verify the pushes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Owner {
    /// A third-party platform's, for all its authorizers (`Config::component_*`).
    Platform,
    /// An official account's or a mini program's own (`Config::{appid, token,
    /// encoding_aes_key}`): see [`account`](super::account).
    Account,
}

impl Owner {
    /// The crypt of this owner's configuration in `client`.
    fn crypt(self, client: &Client, replay_window: Duration) -> Result<MsgCrypt> {
        match self {
            Owner::Platform => inbound::component_crypt(client, replay_window),
            Owner::Account => account::account_crypt(client, replay_window),
        }
    }
}

/// Whether `appid` can be an appid: 1 to 32 ASCII letters, digits, `_` or
/// `-` (an unsubstituted `$APPID$` is not).
fn check_appid(appid: &str) -> Result<()> {
    let valid = !appid.is_empty()
        && appid.len() <= 32
        && appid
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if valid {
        Ok(())
    } else {
        Err(Error::Callback(Rejection::InvalidAppid))
    }
}

impl MessageCallback {
    /// The message URL of the third-party platform configured in `client`
    /// (component appid, message token and EncodingAESKey from its
    /// [`Config`](crate::Config)), routing messages with `router` (a
    /// [`Router`], or a [`StateRouter`](super::StateRouter) with the
    /// application's state); when no `component_appid` is configured, the
    /// official account's or mini program's own message URL
    /// ([`account`](Self::account)).
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the configuration lacks one of the three or
    /// the key is invalid.
    pub fn new(client: Client, router: impl Into<Router>) -> Result<Self> {
        let owner = if client.config().component_appid().is_some() {
            Owner::Platform
        } else {
            Owner::Account
        };
        Self::owned_by(owner, client, router.into())
    }

    /// A message URL of `owner`, routing messages with `router`.
    pub(super) fn owned_by(owner: Owner, client: Client, router: Router) -> Result<Self> {
        let crypt = owner.crypt(&client, DEFAULT_REPLAY_WINDOW)?;
        Ok(MessageCallback {
            client,
            owner,
            crypt,
            router: Arc::new(router),
            release_test: false,
            no_reply: NoReply::default(),
            reply_deadline: DEFAULT_REPLY_DEADLINE,
            dedup_window: DEFAULT_DEDUP_WINDOW,
            replay_window: DEFAULT_REPLAY_WINDOW,
            background: Background::default(),
        })
    }

    /// Answers WeChat's full-network release test before the router (off by
    /// default): see [`release_test`](super::release_test). A third-party
    /// platform's only: an account's own message URL never runs it.
    #[must_use]
    pub fn release_test(mut self, enabled: bool) -> Self {
        self.release_test = enabled;
        self
    }

    /// How long a push waits for its handler before it is answered without
    /// a reply (default 4 s: WeChat gives up after 5 and retries). The
    /// handler goes on in the background; a reply it returns after the
    /// deadline is dropped (send it with the customer-service API instead).
    #[must_use]
    pub fn reply_deadline(mut self, deadline: Duration) -> Self {
        self.reply_deadline = deadline;
        self
    }

    /// How long a message is remembered to drop WeChat's retries of it
    /// (default 5 minutes).
    #[must_use]
    pub fn dedup_window(mut self, window: Duration) -> Self {
        self.dedup_window = window;
        self
    }

    /// What a push without a reply is answered with (default `success`).
    #[must_use]
    pub fn no_reply(mut self, no_reply: NoReply) -> Self {
        self.no_reply = no_reply;
        self
    }

    /// Refuses pushes whose timestamp is further than `window` from now
    /// (default 5 minutes).
    ///
    /// # Errors
    ///
    /// [`Error::Config`] as for [`new`](Self::new).
    pub fn replay_window(mut self, window: Duration) -> Result<Self> {
        self.crypt = self.owner.crypt(&self.client, window)?;
        self.replay_window = window;
        Ok(self)
    }

    /// The platform's client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The router.
    pub fn router(&self) -> &Router {
        &self.router
    }

    /// Whether the raw `query` string of a request carries a valid `signature`
    /// (over the token, `timestamp` and `nonce`, with the timestamp within the
    /// replay window), checked without the body. WeChat signs every request's
    /// query this way, in safe mode next to `msg_signature`, so a request
    /// without it is not WeChat's: a limiter in front of
    /// [`handle`](Self::handle) may refuse such requests early, and should let
    /// signed ones through (as `server::CallbackRoutes` of the `axum` feature
    /// does). Handling still verifies the whole request.
    pub fn query_is_signed(&self, query: &str) -> bool {
        inbound::query_is_signed(&self.crypt, query)
    }

    /// Waits until the handlers (and release-test API calls) still running
    /// in the background are done (for a graceful shutdown, and for tests).
    pub async fn wait_background(&self) {
        self.background.idle().await;
    }

    /// Handles one request for the authorizer `authorizer_appid` (the
    /// `$APPID$` path segment) and answers it; errors become 4xx/5xx
    /// answers (see [`status_of`](super::status_of)) and one log line naming
    /// their class.
    pub async fn handle(
        &self,
        authorizer_appid: &str,
        request: CallbackRequest,
    ) -> CallbackResponse {
        match self.try_handle(authorizer_appid, request).await {
            Ok(response) => response,
            Err(error) => self.refused(&error),
        }
    }

    /// The answer to a request that failed with `error`, logged by class.
    pub(super) fn refused(&self, error: &Error) -> CallbackResponse {
        let response = CallbackResponse::for_error(error);
        let reason = error_class(error);
        match self.owner {
            Owner::Platform => {
                tracing::warn!(
                    status = response.status,
                    reason,
                    "authorizer message refused"
                );
            }
            Owner::Account => {
                tracing::warn!(status = response.status, reason, "account message refused");
            }
        }
        response
    }

    /// Whose message URL this is.
    pub(super) fn owner(&self) -> Owner {
        self.owner
    }

    /// The appid pushes are encrypted for.
    pub(super) fn receive_id(&self) -> &str {
        self.crypt.receive_id()
    }

    /// Like [`handle`](Self::handle), with the typed error instead of its
    /// answer.
    ///
    /// # Errors
    ///
    /// [`Error::Callback`] for a malformed request (a bad appid in the path,
    /// a missing or mixed-up signature parameter…), the crypto errors
    /// ([`Error::InvalidSignature`], [`Error::TimestampOutOfRange`],
    /// [`Error::ReceiveIdMismatch`]…), [`Error::InvalidXml`] for a
    /// malformed message. A handler's error is not one: it is logged and
    /// the push answered without a reply.
    pub async fn try_handle(
        &self,
        authorizer_appid: &str,
        request: CallbackRequest,
    ) -> Result<CallbackResponse> {
        check_appid(authorizer_appid)?;
        if self.owner == Owner::Account && authorizer_appid != self.crypt.receive_id() {
            return Err(Error::Callback(Rejection::InvalidAppid));
        }
        let query = Query::parse(&request.query);
        match request.method {
            Method::Get => {
                let echo = inbound::handshake(&self.crypt, &query)?;
                Ok(CallbackResponse::text(200, echo))
            }
            Method::Post => self.push(authorizer_appid, &query, &request.body).await,
            Method::Other => Err(Error::Callback(Rejection::MethodNotAllowed)),
        }
    }

    async fn push(&self, appid: &str, query: &Query, body: &[u8]) -> Result<CallbackResponse> {
        let inbound = inbound::open(&self.crypt, query, body)?;
        let message = match inbound::format_of(&inbound.document) {
            Format::Xml => Message::from_xml(&inbound.document)?,
            Format::Json => Message::from_json(&inbound.document)?,
        };
        // Of the signed message, not of the path's appid: a push replayed to
        // another authorizer's URL is a repeat too. A request event is not
        // checked: each delivery waits for its answer (and its doc asks for
        // the same answer to a repeat).
        if !message.expects_reply() {
            let marker = dedup::message_id(&message, &inbound.document);
            match Claim::take(self.client.tokens(), "message", marker, self.dedup_window).await {
                Ok(Some(_kept)) => {}
                Ok(None) => {
                    tracing::info!(
                        authorizer = %loggable(appid),
                        msg_type = %loggable(message.msg_type()),
                        "repeated message answered without processing"
                    );
                    return Ok(self.no_reply.response());
                }
                Err(error) => {
                    // Better twice than never: process it anyway.
                    tracing::warn!(%error, "duplicate detection unavailable; processing the message");
                }
            }
        }
        let to = message.header().from_user_name.clone();
        let from = message.header().to_user_name.clone();
        if self.release_test
            && self.owner == Owner::Platform
            && let Some(answer) =
                release_test::respond(&self.client, &self.background, appid, &message)
        {
            return match answer {
                Answer::Reply(reply) => self.render(&reply, &inbound, &to, &from),
                Answer::Empty => Ok(CallbackResponse::empty()),
            };
        }
        let Some(handler) = self.router.handler_for(&message) else {
            return Ok(self.no_reply.response());
        };
        let client = match self.owner {
            Owner::Platform => self.client.authorizer(appid),
            Owner::Account => self.client.clone(),
        };
        let msg_type = loggable(message.msg_type()).into_owned();
        let late = move |outcome: HandlerResult| match outcome {
            Ok(Some(_)) => tracing::warn!(
                %msg_type,
                "a handler's reply came after the deadline and was dropped; send it with the customer-service API instead"
            ),
            Ok(None) => tracing::debug!(%msg_type, "a handler finished after the deadline"),
            Err(error) => {
                let error = Error::handler(error);
                tracing::warn!(%msg_type, %error, "a message handler failed");
            }
        };
        let outcome = self
            .background
            .within(self.reply_deadline, handler(message, client), late)
            .await;
        match outcome {
            Some(Ok(Some(reply))) => self.render(&reply, &inbound, &to, &from),
            Some(Ok(None)) => Ok(self.no_reply.response()),
            Some(Err(error)) => {
                let error = Error::handler(error);
                tracing::warn!(%error, "a message handler failed; answered without a reply");
                Ok(self.no_reply.response())
            }
            None => {
                tracing::info!("a message handler is still running; answered without a reply");
                Ok(self.no_reply.response())
            }
        }
    }

    /// The passive reply's answer: XML or JSON like the request, encrypted
    /// when the request was (an [`Reply::Ack`] never is).
    fn render(
        &self,
        reply: &Reply,
        inbound: &Inbound,
        to: &str,
        from: &str,
    ) -> Result<CallbackResponse> {
        let now = crate::clock::unix_seconds();
        if let Reply::Ack { .. } = reply {
            // Read plain, whatever the request's mode (the virtual-payment
            // docs: the answer is not encrypted).
            return Ok(match inbound.format {
                Format::Xml => CallbackResponse::xml(reply.to_xml(to, from, now)),
                Format::Json => CallbackResponse::json(reply.to_json(to, from, now)),
            });
        }
        match (inbound.format, inbound.mode) {
            (Format::Xml, Mode::Plain) => Ok(CallbackResponse::xml(reply.to_xml(to, from, now))),
            (Format::Xml, Mode::Safe) => {
                let plaintext = reply.to_xml(to, from, now);
                let envelope =
                    self.crypt
                        .encrypt_reply(&plaintext, &inbound.timestamp, &inbound.nonce)?;
                Ok(CallbackResponse::xml(envelope))
            }
            (Format::Json, Mode::Plain) => Ok(CallbackResponse::json(reply.to_json(to, from, now))),
            (Format::Json, Mode::Safe) => {
                let plaintext = reply.to_json(to, from, now);
                let encrypt = self.crypt.encrypt(&plaintext)?;
                let signature = self
                    .crypt
                    .sign(&inbound.timestamp, &inbound.nonce, &encrypt);
                let envelope = json!({
                    "Encrypt": encrypt,
                    "MsgSignature": signature,
                    "TimeStamp": inbound.timestamp,
                    "Nonce": inbound.nonce,
                });
                Ok(CallbackResponse::json(envelope.to_string()))
            }
        }
    }
}
