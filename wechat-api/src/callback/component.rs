//! [`ComponentCallback`]: the third-party platform's component events URL
//! (授权事件接收URL), which receives the `component_verify_ticket` every 10
//! minutes and the authorization events.
//!
//! For each POST it verifies and decrypts the push, refuses repeats (the
//! same timestamp, nonce and `msg_signature` seen by any instance sharing the
//! token store, within the replay window), types it as a
//! [`ComponentEvent`], does the built-in work, runs the user's hooks and
//! answers `success`:
//!
//! - `component_verify_ticket`: stored, unless the stored ticket comes from a
//!   later push (a delayed or replayed push never rolls it back) or is
//!   already this one (no durable write every 10 minutes for an unchanged
//!   ticket);
//! - `unauthorized`: everything stored for the authorizer is forgotten;
//! - every push, known or not, goes to the hooks
//!   ([`on_event`](ComponentCallback::on_event)).

use super::loggable::loggable;
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use super::deadline::{Background, DEFAULT_REPLY_DEADLINE};
use super::dedup::Claim;
use super::http::{CallbackRequest, CallbackResponse, Method, Query};
use super::inbound;
use super::rejection::{Rejection, error_class};
use super::state::State;
use crate::crypto::MsgCrypt;
use crate::event::{ComponentEvent, ComponentVerifyTicket};
use crate::token::{BoxFuture, TokenKey};
use crate::{BoxError, Client, Error, Result};

/// Default replay window: pushes whose timestamp is further than this from
/// now are refused, and repeats within it are detected.
pub const DEFAULT_REPLAY_WINDOW: Duration = Duration::from_secs(300);

/// The verify ticket is kept 12 hours; a push repeating the stored ticket
/// rewrites it only when less than this is left, so that an unchanged ticket
/// costs one durable write every 6 hours instead of one every 10 minutes,
/// and never expires while WeChat keeps pushing it.
const TICKET_REWRITE_BELOW: Duration = Duration::from_secs(6 * 3600);

/// What a component hook returns: `Ok(())`, or any error (`?` works on the
/// application's own errors as well as on this crate's).
pub type HookResult = std::result::Result<(), BoxError>;

type Hook = Arc<dyn Fn(ComponentEvent, Client) -> BoxFuture<'static, HookResult> + Send + Sync>;

/// The component events URL, framework-agnostic: feed it each request,
/// write back the response.
///
/// Cheap to clone (clones share the hooks and the background tasks).
///
/// ```no_run
/// use wechat_api::callback::{CallbackRequest, ComponentCallback};
/// use wechat_api::event::ComponentEvent;
/// use wechat_api::{Client, Config};
///
/// # async fn demo(query: String, body: Vec<u8>) -> wechat_api::Result<()> {
/// let client = Client::new(Config::from_env()?)?;
/// let events = ComponentCallback::new(client)?.on_event(|event, _client| async move {
///     if let ComponentEvent::Authorized(auth) = &event {
///         println!("{} authorized the platform", auth.authorizer_appid);
///     }
///     Ok(())
/// });
/// // in the web framework's handler of POST /wechat/component/events:
/// let response = events.handle(CallbackRequest::post(query, body)).await;
/// assert_eq!(response.body, "success");
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct ComponentCallback {
    client: Client,
    crypt: MsgCrypt,
    component_appid: Arc<str>,
    hooks: Vec<Hook>,
    replay_window: Duration,
    hook_deadline: Duration,
    background: Background,
}

impl fmt::Debug for ComponentCallback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ComponentCallback")
            .field("component_appid", &self.component_appid)
            .field("hooks", &self.hooks.len())
            .field("replay_window", &self.replay_window)
            .field("hook_deadline", &self.hook_deadline)
            .finish_non_exhaustive()
    }
}

impl ComponentCallback {
    /// The component events URL of the third-party platform configured in
    /// `client`: its component appid, message token and EncodingAESKey are
    /// read from the client's [`Config`](crate::Config); tickets and markers
    /// go to the client's token store.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the configuration lacks one of the three or
    /// the key is invalid.
    pub fn new(client: Client) -> Result<Self> {
        let crypt = inbound::component_crypt(&client, DEFAULT_REPLAY_WINDOW)?;
        let component_appid = Arc::from(crypt.receive_id());
        Ok(ComponentCallback {
            client,
            crypt,
            component_appid,
            hooks: Vec::new(),
            replay_window: DEFAULT_REPLAY_WINDOW,
            hook_deadline: DEFAULT_REPLY_DEADLINE,
            background: Background::default(),
        })
    }

    /// Runs `hook` for every push (after the built-in handling), the
    /// `authorized`, `updateauthorized` and unknown ones included, with the
    /// event and the client. Hooks run in the order they were added.
    ///
    /// A hook's error is logged (its class only); WeChat is answered
    /// `success` whatever the hooks do, after at most the
    /// [`hook_deadline`](Self::hook_deadline): slower hooks go on in the
    /// background.
    #[must_use]
    pub fn on_event<F, Fut>(mut self, hook: F) -> Self
    where
        F: Fn(ComponentEvent, Client) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HookResult> + Send + 'static,
    {
        self.hooks
            .push(Arc::new(move |event, client| Box::pin(hook(event, client))));
        self
    }

    /// Like [`on_event`](Self::on_event), for a hook that needs the
    /// application's state: each run gets a clone of `state` as its third
    /// argument ([`State`]), so nothing is cloned into the closure by hand.
    ///
    /// ```no_run
    /// use std::sync::Arc;
    /// use wechat_api::callback::{ComponentCallback, State};
    /// use wechat_api::event::ComponentEvent;
    /// use wechat_api::{Client, Config};
    ///
    /// #[derive(Clone)]
    /// struct App {
    ///     merchants: Arc<std::sync::Mutex<Vec<String>>>,
    /// }
    ///
    /// # fn demo(app: App) -> wechat_api::Result<()> {
    /// let client = Client::new(Config::from_env()?)?;
    /// let events = ComponentCallback::new(client)?.on_event_with_state(app, |event, _client, State(app)| async move {
    ///     if let ComponentEvent::Authorized(auth) = &event {
    ///         app.merchants.lock().map_err(|_| "poisoned")?.push(auth.authorizer_appid.clone());
    ///     }
    ///     Ok(())
    /// });
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn on_event_with_state<S, F, Fut>(mut self, state: S, hook: F) -> Self
    where
        S: Clone + Send + Sync + 'static,
        F: Fn(ComponentEvent, Client, State<S>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = HookResult> + Send + 'static,
    {
        self.hooks.push(Arc::new(move |event, client| {
            Box::pin(hook(event, client, State(state.clone())))
        }));
        self
    }

    /// Refuses pushes whose timestamp is further than `window` from now,
    /// and detects repeats within it (default 5 minutes).
    ///
    /// # Errors
    ///
    /// [`Error::Config`] as for [`new`](Self::new).
    pub fn replay_window(mut self, window: Duration) -> Result<Self> {
        self.crypt = inbound::component_crypt(&self.client, window)?;
        self.replay_window = window;
        Ok(self)
    }

    /// How long a push waits for the hooks before `success` is answered
    /// without them (default 4 s: WeChat gives up after 5).
    #[must_use]
    pub fn hook_deadline(mut self, deadline: Duration) -> Self {
        self.hook_deadline = deadline;
        self
    }

    /// The client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The component appid.
    pub fn component_appid(&self) -> &str {
        &self.component_appid
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

    /// Waits until the hooks still running in the background are done
    /// (for a graceful shutdown, and for tests).
    pub async fn wait_background(&self) {
        self.background.idle().await;
    }

    /// Handles one request and answers it; errors become 4xx/5xx answers
    /// (see [`status_of`](super::status_of)) and one log line naming their
    /// class.
    pub async fn handle(&self, request: CallbackRequest) -> CallbackResponse {
        match self.try_handle(request).await {
            Ok(response) => response,
            Err(error) => {
                let response = CallbackResponse::for_error(&error);
                tracing::warn!(
                    status = response.status,
                    reason = error_class(&error),
                    "component push refused"
                );
                response
            }
        }
    }

    /// Like [`handle`](Self::handle), with the typed error instead of its
    /// answer.
    ///
    /// # Errors
    ///
    /// [`Error::Callback`] for a malformed request, the crypto errors
    /// ([`Error::InvalidSignature`], [`Error::TimestampOutOfRange`],
    /// [`Error::ReceiveIdMismatch`]…), [`Error::InvalidXml`] for a push that
    /// is not a component event, [`Error::Store`] when the token store
    /// fails (the push is not marked as seen then, so WeChat's retry is
    /// processed).
    pub async fn try_handle(&self, request: CallbackRequest) -> Result<CallbackResponse> {
        let query = Query::parse(&request.query);
        match request.method {
            Method::Get => {
                let echo = inbound::handshake(&self.crypt, &query)?;
                Ok(CallbackResponse::text(200, echo))
            }
            Method::Post => self.push(&query, &request.body).await,
            Method::Other => Err(Error::Callback(Rejection::MethodNotAllowed)),
        }
    }

    async fn push(&self, query: &Query, body: &[u8]) -> Result<CallbackResponse> {
        let inbound = inbound::open(&self.crypt, query, body)?;
        let event = ComponentEvent::from_xml(&inbound.document)?;
        if event
            .app_id()
            .is_some_and(|appid| appid != &*self.component_appid)
        {
            return Err(Error::Callback(Rejection::ForeignComponent));
        }
        let marker = format!(
            "{}:{}:{}",
            inbound.timestamp, inbound.nonce, inbound.signature
        );
        // A marker lasting the whole window on both sides of the timestamp.
        let ttl = self
            .replay_window
            .saturating_mul(2)
            .saturating_add(Duration::from_secs(60));
        let Some(claim) = Claim::take(self.client.tokens(), "component_push", marker, ttl).await?
        else {
            tracing::info!(
                kind = %loggable(event.info_type()),
                "repeated component push answered without processing"
            );
            return Ok(CallbackResponse::success());
        };
        if let Err(error) = self.builtin(&event).await {
            // Let WeChat's retry do it again.
            claim.release().await;
            return Err(error);
        }
        self.run_hooks(event).await;
        Ok(CallbackResponse::success())
    }

    /// The built-in handling of a push.
    async fn builtin(&self, event: &ComponentEvent) -> Result<()> {
        let tokens = self.client.tokens();
        match event {
            ComponentEvent::VerifyTicket(ticket) => self.store_ticket(ticket).await,
            ComponentEvent::Unauthorized(revoked) => {
                tokens
                    .forget_authorizer(&self.component_appid, &revoked.authorizer_appid)
                    .await?;
                tracing::info!(authorizer = %loggable(&revoked.authorizer_appid), "authorizer unauthorized; its tokens were forgotten");
                Ok(())
            }
            ComponentEvent::Authorized(auth) | ComponentEvent::UpdateAuthorized(auth) => {
                tracing::info!(kind = %loggable(event.info_type()), authorizer = %loggable(&auth.authorizer_appid), "authorization event");
                Ok(())
            }
            other => {
                tracing::info!(kind = %loggable(other.info_type()), "component push");
                Ok(())
            }
        }
    }

    async fn store_ticket(&self, ticket: &ComponentVerifyTicket) -> Result<()> {
        let tokens = self.client.tokens();
        let key = TokenKey::component_verify_ticket(&*self.component_appid);
        if let Some(stored) = tokens.store().get(&key).await?
            && stored.value == ticket.component_verify_ticket
            && stored
                .remaining()
                .is_none_or(|left| left > TICKET_REWRITE_BELOW)
        {
            tracing::debug!("component_verify_ticket unchanged; not rewritten");
            return Ok(());
        }
        let stored = tokens
            .store_verify_ticket_if_newer(
                &self.component_appid,
                &ticket.component_verify_ticket,
                ticket.create_time,
            )
            .await?;
        if stored {
            tracing::info!("component_verify_ticket stored");
        } else {
            tracing::info!("component_verify_ticket of an older push ignored");
        }
        Ok(())
    }

    async fn run_hooks(&self, event: ComponentEvent) {
        if self.hooks.is_empty() {
            return;
        }
        let hooks = self.hooks.clone();
        let client = self.client.clone();
        let kind = loggable(event.info_type()).into_owned();
        let work = async move {
            for hook in hooks {
                if let Err(error) = hook(event.clone(), client.clone()).await {
                    let error = Error::handler(error);
                    tracing::warn!(kind = %loggable(event.info_type()), %error, "component event hook failed");
                }
            }
        };
        let late =
            move |()| tracing::info!(%kind, "component event hooks finished after the answer");
        if self
            .background
            .within(self.hook_deadline, work, late)
            .await
            .is_none()
        {
            tracing::info!("component event hooks still running; answered success");
        }
    }
}
