//! [`PayNotifyRoutes`]: a merchant's WeChat Pay `notify_url` as an axum
//! [`Router`], on top of the framework-agnostic
//! [`PayNotifyHandler`](crate::pay::PayNotifyHandler) (feature `pay`).
//!
//! Rate limited like the callback routes: only failures count. A
//! notification's signature covers its body, so unlike a message push it
//! cannot be checked from the query: every request's body is read (within
//! the server's body limit) and verified, a valid notification is always
//! handled, and a request refused `4xx` (unverified, malformed) takes one
//! from its client's failure budget; past the budget it is answered `429`
//! with `Retry-After` instead. Answers of this side's failures (`5xx`: the
//! token store, a handler) are not counted.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;

use super::rate_limit::{Limiter, RateLimits, client_ip};
use crate::pay::{
    Notification, PayNotifyHandler, PayNotifyResponse, Refund, Transaction, WechatPay,
};
use crate::token::TokenStore;

/// The route's name in logs (never the request's own path).
const ROUTE: &str = "pay notify_url";

/// A merchant's notification route. Cheap to clone.
///
/// ```no_run
/// use std::sync::Arc;
/// use wechat_api::pay::{PayConfig, WechatPay};
/// use wechat_api::server::{PayNotifyRoutes, ServeOptions, serve};
/// use wechat_api::token::MemoryStore;
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let pay = WechatPay::new(PayConfig::from_env()?)?;
/// let notify = PayNotifyRoutes::new(pay, Arc::new(MemoryStore::new()))
///     .on_transaction(|tx| async move {
///         println!("{} paid {} fen", tx.out_trade_no, tx.amount.total);
///         Ok(())
///     })
///     .on_refund(|refund| async move { Ok(()) });
/// let app = axum::Router::new().merge(notify.router("/pay/notify"));
/// let listener = tokio::net::TcpListener::bind("0.0.0.0:8080").await?;
/// serve(listener, app, ServeOptions::default()).await;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct PayNotifyRoutes {
    handler: PayNotifyHandler,
    limits: RateLimits,
    limiter: Arc<Limiter>,
}

impl fmt::Debug for PayNotifyRoutes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PayNotifyRoutes")
            .field("handler", &self.handler)
            .field("limits", &self.limits)
            .finish()
    }
}

impl PayNotifyRoutes {
    /// The notification route of `pay`'s merchant, deduplicating through
    /// `store` (see [`PayNotifyHandler::new`]).
    pub fn new(pay: WechatPay, store: Arc<dyn TokenStore>) -> Self {
        Self::from_handler(PayNotifyHandler::new(pay, store))
    }

    /// The route of a handler already set up.
    pub fn from_handler(handler: PayNotifyHandler) -> Self {
        let limits = RateLimits::default();
        PayNotifyRoutes {
            handler,
            limiter: Arc::new(limits.callback_limiter(ROUTE)),
            limits,
        }
    }

    fn map(self, change: impl FnOnce(PayNotifyHandler) -> PayNotifyHandler) -> Self {
        PayNotifyRoutes {
            handler: change(self.handler),
            ..self
        }
    }

    /// See [`PayNotifyHandler::on_transaction`].
    #[must_use]
    pub fn on_transaction<F, Fut>(self, handler: F) -> Self
    where
        F: Fn(Transaction) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = crate::pay::PayHandlerResult> + Send + 'static,
    {
        self.map(|h| h.on_transaction(handler))
    }

    /// See [`PayNotifyHandler::on_refund`].
    #[must_use]
    pub fn on_refund<F, Fut>(self, handler: F) -> Self
    where
        F: Fn(Refund) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = crate::pay::PayHandlerResult> + Send + 'static,
    {
        self.map(|h| h.on_refund(handler))
    }

    /// See [`PayNotifyHandler::on_other`].
    #[must_use]
    pub fn on_other<F, Fut>(self, handler: F) -> Self
    where
        F: Fn(Notification) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = crate::pay::PayHandlerResult> + Send + 'static,
    {
        self.map(|h| h.on_other(handler))
    }

    /// See [`PayNotifyHandler::deadline`].
    #[must_use]
    pub fn deadline(self, deadline: Duration) -> Self {
        self.map(|h| h.deadline(deadline))
    }

    /// Replaces the failure budget (its
    /// [`callbacks_per_client`](RateLimits::callbacks_per_client) rate is
    /// used), full again.
    #[must_use]
    pub fn rate_limits(self, limits: RateLimits) -> Self {
        PayNotifyRoutes {
            limiter: Arc::new(limits.callback_limiter(ROUTE)),
            limits,
            ..self
        }
    }

    /// The handler.
    pub fn handler(&self) -> &PayNotifyHandler {
        &self.handler
    }

    /// A router answering `POST path` (the path of the `notify_url` given
    /// with orders and refunds).
    pub fn router(&self, path: &str) -> Router {
        Router::new()
            .route(path, post(notify))
            .with_state(self.clone())
    }
}

async fn notify(
    State(routes): State<PayNotifyRoutes>,
    headers: HeaderMap,
    request: Request,
) -> Response {
    let client = client_ip(request.extensions());
    let body: Result<Bytes, BytesRejection> = Bytes::from_request(request, &()).await;
    let answer = match body {
        Ok(body) => routes.handler.handle(&headers, &body).await,
        Err(rejection) => {
            tracing::warn!(
                status = rejection.status().as_u16(),
                "pay notification refused: the body could not be read"
            );
            return rejection.into_response();
        }
    };
    if (400..500).contains(&answer.status)
        && let Err(wait) = routes.limiter.check(client)
    {
        tracing::debug!(route = ROUTE, "pay notify_url: failures over budget: 429");
        return too_many_failures(wait);
    }
    respond(answer)
}

fn respond(answer: PayNotifyResponse) -> Response {
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if answer.body.is_empty() {
        return status.into_response();
    }
    (
        status,
        [(header::CONTENT_TYPE, answer.content_type)],
        answer.body,
    )
        .into_response()
}

/// `429` with `Retry-After` (whole seconds, at least 1) and WeChat Pay's
/// failure body.
fn too_many_failures(wait: Duration) -> Response {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let mut answer = (
        StatusCode::TOO_MANY_REQUESTS,
        [(header::CONTENT_TYPE, "application/json")],
        r#"{"code":"FAIL","message":"too many failed requests; retry later"}"#,
    )
        .into_response();
    answer
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
    answer
}
