//! [`AccountRoutes`]: the ready axum [`Router`] of an official account's or
//! a mini program's own message URL (服务器地址URL), on top of
//! [`MessageCallback::account`]: the one line a user's server needs.
//!
//! | route | what it does |
//! | --- | --- |
//! | `GET` the path ([`ACCOUNT_PATH`] by default) | the URL check: `echostr` back when the signature holds |
//! | `POST` the path | the pushes, in plain, compatible or safe mode, XML or JSON: [`MessageCallback`] |
//! | `GET` [`HEALTHZ_PATH`] | `ok` |
//!
//! Bad input gets the discipline of the platform's callback routes: a clear
//! status (`400` malformed, `403` not authentic or out of the replay
//! window, `405` another method), nothing stored, one log line naming the
//! class of the failure and never quoting the request; a request whose
//! query is not signed with the account's token counts against its
//! client's failure budget (`429` past it), a signed one is always handled.

use std::fmt;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{RawQuery, State};
use axum::http::Method;
use axum::middleware;
use axum::response::Response;
use axum::routing::{any, get};

use super::failure_limit::{self, FailureLimit};
use super::rate_limit::{Limiter, RateLimits};
use super::routes::{HEALTHZ_PATH, refuse, respond};
use crate::callback::{CallbackRequest, MessageCallback};
use crate::{Error, Result};

/// Default path of the account's message URL.
pub const ACCOUNT_PATH: &str = "/wechat";

/// The route name the failure limiter logs.
const ROUTE: &str = "account message URL";

/// An account's own message URL as axum routes. Cheap to clone.
///
/// ```no_run
/// use wechat_api::callback::{MessageCallback, Reply, Router};
/// use wechat_api::server::{AccountRoutes, ServeOptions, serve};
/// use wechat_api::{Client, Config};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let client = Client::new(Config::from_env()?)?; // appid, secret, token, encoding_aes_key
/// let router = Router::new().message("text", |message, _client| async move {
///     Ok(Some(Reply::text(message.content().unwrap_or_default())))
/// });
/// let app = AccountRoutes::new(MessageCallback::account(client, router)?)?.router();
/// let listener = tokio::net::TcpListener::bind("0.0.0.0:8080").await?;
/// serve(listener, app, ServeOptions::default()).await; // URL: https://…/wechat
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct AccountRoutes {
    messages: MessageCallback,
    path: String,
    limits: RateLimits,
    limiter: Arc<Limiter>,
}

impl fmt::Debug for AccountRoutes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccountRoutes")
            .field("messages", &self.messages)
            .field("path", &self.path)
            .field("limits", &self.limits)
            .finish()
    }
}

impl AccountRoutes {
    /// The routes of the account's message URL at [`ACCOUNT_PATH`],
    /// handled by `messages`, with [`RateLimits::default`].
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when `messages` is a third-party platform's
    /// message URL (made by [`MessageCallback::new`] from a configuration
    /// with a `component_appid`): use [`MessageCallback::account`].
    pub fn new(messages: MessageCallback) -> Result<Self> {
        if !messages.is_account() {
            return Err(Error::Config(
                "AccountRoutes serves an account's own message URL: build the MessageCallback \
                 with MessageCallback::account (this one is a third-party platform's)"
                    .to_owned(),
            ));
        }
        let limits = RateLimits::default();
        Ok(AccountRoutes {
            limiter: Arc::new(limits.callback_limiter(ROUTE)),
            limits,
            messages,
            path: ACCOUNT_PATH.to_owned(),
        })
    }

    /// Serves the message URL at `path` instead (`/wx`, `/wechat/callback`…).
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when `path` does not start with `/`, is `/healthz`,
    /// or holds a character axum gives a meaning (`{`, `}`, `*`) or a
    /// query or fragment (`?`, `#`).
    pub fn at(mut self, path: impl Into<String>) -> Result<Self> {
        let path = path.into();
        check_path(&path)?;
        self.path = path;
        Ok(self)
    }

    /// Replaces the rate limits (only the callback failure budget per client
    /// applies here; see [`RateLimits`]), with a full budget.
    #[must_use]
    pub fn rate_limits(mut self, limits: RateLimits) -> Self {
        self.limiter = Arc::new(limits.callback_limiter(ROUTE));
        self.limits = limits;
        self
    }

    /// The rate limits.
    pub fn limits(&self) -> &RateLimits {
        &self.limits
    }

    /// The message handler.
    pub fn messages(&self) -> &MessageCallback {
        &self.messages
    }

    /// The path of the message URL.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The axum router: the message URL and `/healthz`.
    pub fn router(&self) -> Router {
        let messages = self.messages.clone();
        let limit = FailureLimit::new(
            Arc::clone(&self.limiter),
            Arc::new(move |query: &str| messages.query_is_signed(query)),
        );
        Router::new()
            .route(
                &self.path,
                any(account_messages).layer(middleware::from_fn_with_state(
                    limit,
                    failure_limit::enforce,
                )),
            )
            .route(HEALTHZ_PATH, get(|| async { "ok" }))
            .with_state(self.messages.clone())
    }
}

/// Whether axum can route `path` as the message URL (it panics on some).
fn check_path(path: &str) -> Result<()> {
    let valid = path.starts_with('/')
        && path != HEALTHZ_PATH
        && !path.contains(['{', '}', '*', '?', '#'])
        && !path.chars().any(char::is_whitespace);
    if valid {
        Ok(())
    } else {
        Err(Error::Config(format!(
            "the account message path must be an absolute path like `{ACCOUNT_PATH}`, without \
             `{{`, `}}`, `*`, `?`, `#` or spaces, and not `{HEALTHZ_PATH}`"
        )))
    }
}

async fn account_messages(
    State(messages): State<MessageCallback>,
    method: Method,
    RawQuery(query): RawQuery,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match body {
        Ok(body) => body,
        Err(rejection) => return refuse(rejection),
    };
    let request = CallbackRequest::new(method.as_str(), query.unwrap_or_default(), body);
    respond(messages.handle_account(request).await)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_axum_would_refuse_are_errors() {
        for bad in ["wechat", "/{x}", "/a*", "/a?b", "/healthz", "/a b", ""] {
            assert!(check_path(bad).is_err(), "{bad}");
        }
        for good in ["/wechat", "/wx/callback", "/"] {
            assert!(check_path(good).is_ok(), "{good}");
            // axum accepts it.
            let _ = Router::<()>::new().route(good, get(|| async { "ok" }));
        }
    }
}
