//! [`CallbackRoutes`]: the ready axum [`Router`] of a third-party platform's
//! callback server, on top of the framework-agnostic
//! [`callback`](crate::callback) layer.
//!
//! | route | what it does |
//! | --- | --- |
//! | `GET`/`POST` [`EVENTS_PATH`] | the component events URL (授权事件接收URL): [`ComponentCallback`] |
//! | `GET`/`POST` [`MESSAGES_PATH`] | the authorizers' message URL (消息与事件接收URL, configured as `{public url}/$APPID$/callback`): the `echostr` handshake and the pushes, [`MessageCallback`] |
//! | `GET` [`AUTHORIZE_PATH`] | starts an authorization: a fresh `pre_auth_code`, then a redirect to WeChat's authorization page (`?auth_type=1..6`, `&biz_appid=wx…`, `&mobile=1` are passed on) |
//! | `GET` [`AUTHORIZED_PATH`] | the authorization page's redirect back: `auth_code` → `query_auth` (the authorizer's tokens are stored; a code already exchanged is not exchanged again) → `get_authorizer_info` → its details as JSON ([`AuthorizedAccount`](super::AuthorizedAccount)), or the answer of the [`on_authorized`](CallbackRoutes::on_authorized) hook (the platform's own page, a redirect) |
//! | `GET` [`HEALTHZ_PATH`] | `ok` |
//!
//! Serve it with [`serve`](crate::server::serve), which adds the timeouts and
//! limits; merge routes of your own into it with [`Router::merge`].
//!
//! The authorization and callback routes are open to anyone. The two
//! authorization routes spend WeChat API quota on every hit
//! (`api_create_preauthcode`; `api_query_auth` with whatever `auth_code` the
//! query carries, then `api_get_authorizer_info`): every request counts
//! against its client's budget and the route's overall one. On the two
//! callback routes the signature is checked first: a valid signed push is
//! always handled, and only the requests that fail count against their
//! client's budget. Past the limits the answer is `429` ([`RateLimits`]).

use std::fmt;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use url::Url;

use super::authorization::{self, AuthorizedAccount};
use super::failure_limit::{self, FailureLimit};
use super::rate_limit::{self, Limiter, RateLimits};
use crate::Client;
use crate::callback::{CallbackRequest, CallbackResponse, ComponentCallback, MessageCallback};

/// Path of the component events URL.
pub const EVENTS_PATH: &str = "/wechat/component/events";
/// Path of the authorizers' message URL (`{appid}` is WeChat's `$APPID$`).
pub const MESSAGES_PATH: &str = "/{appid}/callback";
/// Path that starts an authorization.
pub const AUTHORIZE_PATH: &str = "/wechat/component/authorize";
/// Path the authorization page redirects back to.
pub const AUTHORIZED_PATH: &str = "/wechat/component/callback";
/// Path of the health check.
pub const HEALTHZ_PATH: &str = "/healthz";

/// The callback server's routes and what they share. Cheap to clone.
///
/// The authorization routes spend WeChat API quota on every request,
/// whoever sends it: each is rate limited per client address and overall.
/// The callback routes check a request's signature before its client's
/// budget: a valid signed push is never refused, and only the requests that
/// fail verification (or are unsigned, or malformed) count against the
/// budget. The defaults are [`RateLimits::default`]'s: for each of the two
/// authorization routes [`DEFAULT_AUTHORIZATION_RATE_PER_CLIENT`] requests
/// a minute per client address and [`DEFAULT_AUTHORIZATION_RATE_OVERALL`]
/// a minute overall; for each of the two callback routes bursts of
/// [`DEFAULT_CALLBACK_BURST_PER_CLIENT`] failures, then
/// [`DEFAULT_CALLBACK_RATE_PER_CLIENT`] a second, per client address (see
/// [`rate_limits`](Self::rate_limits)). The limits hold per process: `n`
/// instances spend up to `n` times the overall rate.
///
/// [`DEFAULT_AUTHORIZATION_RATE_PER_CLIENT`]: super::DEFAULT_AUTHORIZATION_RATE_PER_CLIENT
/// [`DEFAULT_AUTHORIZATION_RATE_OVERALL`]: super::DEFAULT_AUTHORIZATION_RATE_OVERALL
/// [`DEFAULT_CALLBACK_BURST_PER_CLIENT`]: super::DEFAULT_CALLBACK_BURST_PER_CLIENT
/// [`DEFAULT_CALLBACK_RATE_PER_CLIENT`]: super::DEFAULT_CALLBACK_RATE_PER_CLIENT
///
/// ```no_run
/// use wechat_api::callback::{ComponentCallback, MessageCallback, Reply, Router};
/// use wechat_api::server::{CallbackRoutes, ServeOptions, serve};
/// use wechat_api::{Client, Config};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let client = Client::builder(Config::from_env()?).durable_store("tokens.redb")?.build()?;
/// let messages = Router::new().message("text", |_message, _client| async move {
///     Ok(Some(Reply::text("hello")))
/// });
/// let routes = CallbackRoutes::new(
///     ComponentCallback::new(client.clone())?,
///     MessageCallback::new(client, messages)?.release_test(true),
///     "https://platform.example.com/".parse()?,
/// );
/// println!("message URL to configure: {}", routes.message_url_template());
/// let listener = tokio::net::TcpListener::bind("0.0.0.0:8080").await?;
/// serve(listener, routes.router(), ServeOptions::default()).await;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct CallbackRoutes {
    inner: Arc<Inner>,
}

#[derive(Clone)]
struct Inner {
    component: ComponentCallback,
    messages: MessageCallback,
    public_url: Url,
    limits: RateLimits,
    /// The budgets of each limited route.
    limiters: Limiters,
    /// The answer to a completed authorization, instead of the JSON.
    authorized_page: Option<AuthorizedPage>,
}

/// The hook answering a completed authorization.
pub(crate) type AuthorizedPage = Arc<
    dyn Fn(AuthorizedAccount, Client) -> crate::token::BoxFuture<'static, Response> + Send + Sync,
>;

/// The budgets of each rate-limited route (shared by the routers made
/// from one [`CallbackRoutes`]).
#[derive(Debug, Clone)]
struct Limiters {
    events: Arc<Limiter>,
    messages: Arc<Limiter>,
    start: Arc<Limiter>,
    finish: Arc<Limiter>,
}

impl Limiters {
    fn new(limits: &RateLimits) -> Self {
        Limiters {
            events: Arc::new(limits.callback_limiter(EVENTS_PATH)),
            messages: Arc::new(limits.callback_limiter(MESSAGES_PATH)),
            start: Arc::new(limits.authorization_limiter(AUTHORIZE_PATH)),
            finish: Arc::new(limits.authorization_limiter(AUTHORIZED_PATH)),
        }
    }
}

impl fmt::Debug for CallbackRoutes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallbackRoutes")
            .field("component", &self.inner.component)
            .field("messages", &self.inner.messages)
            .field("public_url", &self.inner.public_url.as_str())
            .field("limits", &self.inner.limits)
            .field("on_authorized", &self.inner.authorized_page.is_some())
            .finish()
    }
}

/// `base` with `path` appended to its path (no query, no fragment).
fn join(base: &Url, path: &str) -> Url {
    let mut url = base.clone();
    let prefix = url.path().trim_end_matches('/').to_owned();
    url.set_path(&format!("{prefix}{path}"));
    url.set_query(None);
    url.set_fragment(None);
    url
}

impl CallbackRoutes {
    /// The routes of a server that WeChat and browsers reach at
    /// `public_url` (the routes' root: `https://platform.example.com/`, or
    /// a prefix a reverse proxy strips), handling pushes with `component`
    /// and messages with `messages`. The authorization handlers call
    /// WeChat with `component`'s client.
    pub fn new(component: ComponentCallback, messages: MessageCallback, public_url: Url) -> Self {
        let limits = RateLimits::default();
        CallbackRoutes {
            inner: Arc::new(Inner {
                component,
                messages,
                public_url,
                limiters: Limiters::new(&limits),
                limits,
                authorized_page: None,
            }),
        }
    }

    /// Answers the merchant's browser, once an authorization is complete
    /// (the code exchanged, the authorizer's tokens stored), with what
    /// `page` returns instead of the [`AuthorizedAccount`] as JSON: the
    /// platform's own page, or a redirect to it. `page` gets the account and
    /// a client acting for the authorizer.
    ///
    /// ```no_run
    /// use axum::response::{IntoResponse, Redirect};
    /// use wechat_api::server::CallbackRoutes;
    ///
    /// # fn demo(routes: CallbackRoutes) {
    /// let routes = routes.on_authorized(|account, _client| async move {
    ///     Redirect::to(&format!("/merchants/{}", account.authorizer_appid)).into_response()
    /// });
    /// # let _ = routes; }
    /// ```
    #[must_use]
    pub fn on_authorized<F, Fut>(self, page: F) -> Self
    where
        F: Fn(AuthorizedAccount, Client) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = Response> + Send + 'static,
    {
        let mut inner = Arc::unwrap_or_clone(self.inner);
        inner.authorized_page = Some(Arc::new(move |account, client| {
            Box::pin(page(account, client))
        }));
        CallbackRoutes {
            inner: Arc::new(inner),
        }
    }

    /// The hook answering a completed authorization, if any.
    pub(crate) fn authorized_page(&self) -> Option<&AuthorizedPage> {
        self.inner.authorized_page.as_ref()
    }

    /// Replaces the rate limits of the authorization and callback routes
    /// (with full budgets; see [`RateLimits`]). Routers made before keep the
    /// limits they had.
    #[must_use]
    pub fn rate_limits(self, limits: RateLimits) -> Self {
        let mut inner = Arc::unwrap_or_clone(self.inner);
        inner.limiters = Limiters::new(&limits);
        inner.limits = limits;
        CallbackRoutes {
            inner: Arc::new(inner),
        }
    }

    /// The rate limits of the authorization and callback routes.
    pub fn limits(&self) -> &RateLimits {
        &self.inner.limits
    }

    /// The component events handler.
    pub fn component(&self) -> &ComponentCallback {
        &self.inner.component
    }

    /// The message handler.
    pub fn messages(&self) -> &MessageCallback {
        &self.inner.messages
    }

    /// The URL the server is reached at.
    pub fn public_url(&self) -> &Url {
        &self.inner.public_url
    }

    /// The component events URL, to configure on the platform.
    pub fn events_url(&self) -> Url {
        join(&self.inner.public_url, EVENTS_PATH)
    }

    /// The message URL to configure on the platform, with WeChat's
    /// `$APPID$` placeholder: `{public url}/$APPID$/callback`.
    pub fn message_url_template(&self) -> String {
        join(&self.inner.public_url, "/$APPID$/callback").to_string()
    }

    /// The message URL of the authorizer `appid`.
    pub fn message_url(&self, appid: &str) -> Url {
        join(&self.inner.public_url, &format!("/{appid}/callback"))
    }

    /// The URL that starts an authorization.
    pub fn authorize_url(&self) -> Url {
        join(&self.inner.public_url, AUTHORIZE_PATH)
    }

    /// The authorization page's `redirect_uri`.
    pub fn redirect_uri(&self) -> Url {
        join(&self.inner.public_url, AUTHORIZED_PATH)
    }

    /// The axum router of these routes.
    pub fn router(&self) -> Router {
        let limited = |limiter: &Arc<Limiter>| {
            middleware::from_fn_with_state(Arc::clone(limiter), rate_limit::enforce)
        };
        let limiters = &self.inner.limiters;
        let component = self.inner.component.clone();
        let events = FailureLimit::new(
            Arc::clone(&limiters.events),
            Arc::new(move |query: &str| component.query_is_signed(query)),
        );
        let messages = self.inner.messages.clone();
        let messages = FailureLimit::new(
            Arc::clone(&limiters.messages),
            Arc::new(move |query: &str| messages.query_is_signed(query)),
        );
        Router::new()
            .route(
                EVENTS_PATH,
                any(component_events).layer(middleware::from_fn_with_state(
                    events,
                    failure_limit::enforce,
                )),
            )
            .route(
                MESSAGES_PATH,
                any(authorizer_messages).layer(middleware::from_fn_with_state(
                    messages,
                    failure_limit::enforce,
                )),
            )
            .route(
                AUTHORIZE_PATH,
                get(authorization::start).layer(limited(&limiters.start)),
            )
            .route(
                AUTHORIZED_PATH,
                get(authorization::finish).layer(limited(&limiters.finish)),
            )
            .route(HEALTHZ_PATH, get(|| async { "ok" }))
            .with_state(self.clone())
    }
}

/// The callback layer's answer as an HTTP response.
pub(super) fn respond(answer: CallbackResponse) -> Response {
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        status,
        [(header::CONTENT_TYPE, answer.content_type)],
        answer.body,
    )
        .into_response()
}

/// The answer to a body that could not be read (too large, too slow, cut
/// off).
pub(super) fn refuse(rejection: BytesRejection) -> Response {
    tracing::warn!(
        status = rejection.status().as_u16(),
        "callback refused: the body could not be read"
    );
    rejection.into_response()
}

async fn component_events(
    State(routes): State<CallbackRoutes>,
    method: Method,
    RawQuery(query): RawQuery,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match body {
        Ok(body) => body,
        Err(rejection) => return refuse(rejection),
    };
    let request = CallbackRequest::new(method.as_str(), query.unwrap_or_default(), body);
    respond(routes.component().handle(request).await)
}

async fn authorizer_messages(
    State(routes): State<CallbackRoutes>,
    Path(appid): Path<String>,
    method: Method,
    RawQuery(query): RawQuery,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match body {
        Ok(body) => body,
        Err(rejection) => return refuse(rejection),
    };
    let request = CallbackRequest::new(method.as_str(), query.unwrap_or_default(), body);
    respond(routes.messages().handle(&appid, request).await)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_keep_the_public_prefix() {
        let base = Url::parse("https://platform.example.com/wx/?x=1").unwrap();
        assert_eq!(
            join(&base, EVENTS_PATH).as_str(),
            "https://platform.example.com/wx/wechat/component/events"
        );
        let root = Url::parse("https://platform.example.com").unwrap();
        assert_eq!(
            join(&root, "/$APPID$/callback").as_str(),
            "https://platform.example.com/$APPID$/callback"
        );
    }
}
