//! [`PayNotifyHandler`]: a merchant's `notify_url`, framework-agnostic
//! (like [`callback`](crate::callback)): verify, decrypt, type, deduplicate,
//! run the handler, answer within WeChat Pay's 5 seconds.
//!
//! WeChat Pay retries a notification not answered 2xx within 5 s, for
//! about 24 h, and any instance of a cluster may get the retry: handling
//! must be at least once, never twice at the same time, and never lost.
//! The rules that give that are on [`PayNotifyHandler`].

use std::fmt;
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use reqwest::header::HeaderMap;

use super::event::{PayEvent, Refund, Transaction};
use super::notify::Notification;
use super::wechat_pay::WechatPay;
use crate::callback::DEFAULT_REPLY_DEADLINE;
use crate::callback::deadline::Background;
use crate::callback::dedup::Claim;
use crate::error::{BoxError, Error, Result};
use crate::token::{BoxFuture, TokenKey, TokenManager, TokenStore};

/// How long a handled notification is remembered: WeChat Pay retries for
/// about 24 hours when it misses the answer; 25 h covers that schedule.
pub const DEFAULT_DONE_WINDOW: Duration = Duration::from_secs(25 * 3600);

/// How long a running handler holds its notification: a retry arriving
/// meanwhile is answered 503 instead of running it a second time. A
/// handler still running after this may be run again by a retry.
pub const DEFAULT_PROCESSING_WINDOW: Duration = Duration::from_secs(10 * 60);

/// The marker kind of a notification being handled (its claim).
const CLAIM_KIND: &str = "pay_notify";
/// The marker kind of a notification handled.
const DONE_KIND: &str = "pay_notify_done";

/// What a notification handler returns: `Ok(())` once the notification is
/// dealt with, or any error (`?` works on the application's own errors as
/// well as on this crate's): WeChat Pay is answered failure and retries.
pub type PayHandlerResult = Result<(), BoxError>;

type Handler<T> = Arc<dyn Fn(T) -> BoxFuture<'static, PayHandlerResult> + Send + Sync>;

fn boxed<T, F, Fut>(handler: F) -> Handler<T>
where
    F: Fn(T) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = PayHandlerResult> + Send + 'static,
{
    Arc::new(move |value| Box::pin(handler(value)))
}

/// What became of a notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum NotifyOutcome {
    /// The handler ran and succeeded: 204.
    Handled,
    /// No handler is registered for its event type: acknowledged, 204.
    Acknowledged,
    /// Handled before: 204 without running the handler again.
    Duplicate,
    /// Its handler is running (a retry while it runs, or the deadline
    /// passed): 503, WeChat Pay tries again.
    Processing,
    /// The handler failed or panicked; the claim was given back: 500.
    HandlerFailed,
    /// Verification failed (signature, serial, probe, timestamp, missing
    /// headers): 401.
    Unverified,
    /// The body is not a notification, or its resource does not decrypt or
    /// is not of its event's type: 400.
    Malformed,
    /// The token store failed: 500.
    StoreFailed,
}

/// The answer to give WeChat Pay.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PayNotifyResponse {
    /// The HTTP status: 204 on success, 4xx/5xx on failure.
    pub status: u16,
    /// Empty on success, `{"code":"FAIL","message":…}` on failure.
    pub body: String,
    /// `application/json` with a body, empty without.
    pub content_type: &'static str,
    /// What happened.
    pub outcome: NotifyOutcome,
}

impl PayNotifyResponse {
    fn success(outcome: NotifyOutcome) -> Self {
        PayNotifyResponse {
            status: 204,
            body: String::new(),
            content_type: "",
            outcome,
        }
    }

    fn fail(status: u16, message: &str, outcome: NotifyOutcome) -> Self {
        PayNotifyResponse {
            status,
            body: serde_json::json!({ "code": "FAIL", "message": message }).to_string(),
            content_type: "application/json",
            outcome,
        }
    }

    /// Whether this answers success (2xx).
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// A merchant's notification endpoint: verification, decryption, typed
/// events, deduplication through a token store, the 5-second rule. Cheap to
/// clone.
///
/// WeChat Pay retries a notification that is not answered 2xx within 5 s,
/// on its schedule (15 s, 15 s, 30 s, 3 min… for about 24 h), and every
/// instance of a cluster may get a retry. So:
///
/// 1. **Verify first** ([`WechatPay::verify_and_decrypt`]: the signature
///    with the key of `Wechatpay-Serial`, every key mode, the 5-minute
///    window, probes refused), then decrypt and type the resource. A
///    notification that fails any of these is answered 4xx with
///    `{"code":"FAIL","message":…}`, the handler never runs and nothing is
///    stored.
/// 2. **Deduplicate by its `id`** through the token store: a notification
///    already handled (a "done" marker) is answered 204 without running the
///    handler again. Otherwise a claim is taken (the callback layer's
///    claim, a lease on a marker): a retry arriving while the handler runs
///    (here or on another instance) is answered `503` so that WeChat Pay
///    tries again later.
/// 3. **A handler that fails** (an error, or a panic) gives the claim back:
///    WeChat Pay's retry runs it again. It is answered `500`.
/// 4. **A handler that takes longer than the deadline**
///    ([`DEFAULT_REPLY_DEADLINE`], 4 s) goes on in the background, and the
///    notification is answered `503` then: failure, so that WeChat Pay
///    retries, since success would lose the notification if the handler
///    then failed. The retry finds the handler done (204, not run again),
///    still running (503 again), or failed (its claim given back: run
///    again). At least once, never twice at the same time, and never lost.
///
/// Success is `204` with no body. Failure messages are fixed texts: they
/// never quote the input, the resource or a secret.
///
/// ```no_run
/// use std::sync::Arc;
/// use wechat_api::pay::{PayConfig, PayNotifyHandler, WechatPay};
/// use wechat_api::token::MemoryStore;
///
/// # async fn run(headers: reqwest::header::HeaderMap, body: Vec<u8>) -> wechat_api::Result<()> {
/// let pay = WechatPay::new(PayConfig::from_env()?)?;
/// let notify = PayNotifyHandler::new(pay, Arc::new(MemoryStore::new()))
///     .on_transaction(|tx| async move {
///         println!("{} paid {} fen", tx.out_trade_no, tx.amount.total);
///         Ok(())
///     })
///     .on_refund(|refund| async move {
///         println!("{} is {}", refund.out_refund_no, refund.refund_status.as_str());
///         Ok(())
///     });
/// let answer = notify.handle(&headers, &body).await;
/// println!("{} {}", answer.status, answer.body);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct PayNotifyHandler {
    inner: Arc<Inner>,
}

#[derive(Clone)]
struct Inner {
    pay: WechatPay,
    tokens: TokenManager,
    transaction: Option<Handler<Transaction>>,
    refund: Option<Handler<Refund>>,
    other: Option<Handler<Notification>>,
    deadline: Duration,
    processing_window: Duration,
    done_window: Duration,
    background: Background,
}

impl fmt::Debug for PayNotifyHandler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PayNotifyHandler")
            .field("mchid", &self.inner.pay.config().mchid)
            .field("on_transaction", &self.inner.transaction.is_some())
            .field("on_refund", &self.inner.refund.is_some())
            .field("on_other", &self.inner.other.is_some())
            .field("deadline", &self.inner.deadline)
            .field("processing_window", &self.inner.processing_window)
            .field("done_window", &self.inner.done_window)
            .finish()
    }
}

impl PayNotifyHandler {
    /// The notification endpoint of `pay`'s merchant, deduplicating
    /// through `store` (share it between the instances of a cluster: a
    /// Redis store). No handler yet: every verified notification is
    /// acknowledged until handlers are added.
    pub fn new(pay: WechatPay, store: Arc<dyn TokenStore>) -> Self {
        PayNotifyHandler {
            inner: Arc::new(Inner {
                pay,
                tokens: TokenManager::new(store),
                transaction: None,
                refund: None,
                other: None,
                deadline: DEFAULT_REPLY_DEADLINE,
                processing_window: DEFAULT_PROCESSING_WINDOW,
                done_window: DEFAULT_DONE_WINDOW,
                background: Background::default(),
            }),
        }
    }

    fn with(self, change: impl FnOnce(&mut Inner)) -> Self {
        let mut inner = Arc::unwrap_or_clone(self.inner);
        change(&mut inner);
        PayNotifyHandler {
            inner: Arc::new(inner),
        }
    }

    /// Runs `handler` for `TRANSACTION.SUCCESS`. An `Err` answers failure
    /// and WeChat Pay's retry runs it again.
    #[must_use]
    pub fn on_transaction<F, Fut>(self, handler: F) -> Self
    where
        F: Fn(Transaction) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = PayHandlerResult> + Send + 'static,
    {
        let handler = boxed(handler);
        self.with(|inner| inner.transaction = Some(handler))
    }

    /// Runs `handler` for `REFUND.SUCCESS`, `REFUND.ABNORMAL` and
    /// `REFUND.CLOSED` ([`Refund::refund_status`] tells which).
    #[must_use]
    pub fn on_refund<F, Fut>(self, handler: F) -> Self
    where
        F: Fn(Refund) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = PayHandlerResult> + Send + 'static,
    {
        let handler = boxed(handler);
        self.with(|inner| inner.refund = Some(handler))
    }

    /// Runs `handler` for any other event type, with the verified and
    /// decrypted notification ([`Notification::resource`]).
    #[must_use]
    pub fn on_other<F, Fut>(self, handler: F) -> Self
    where
        F: Fn(Notification) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = PayHandlerResult> + Send + 'static,
    {
        let handler = boxed(handler);
        self.with(|inner| inner.other = Some(handler))
    }

    /// How long the answer waits for a handler (default
    /// [`DEFAULT_REPLY_DEADLINE`], 4 s of WeChat Pay's 5).
    #[must_use]
    pub fn deadline(self, deadline: Duration) -> Self {
        self.with(|inner| inner.deadline = deadline)
    }

    /// How long a running handler holds its notification (default
    /// [`DEFAULT_PROCESSING_WINDOW`]).
    #[must_use]
    pub fn processing_window(self, window: Duration) -> Self {
        self.with(|inner| inner.processing_window = window)
    }

    /// How long a handled notification is remembered (default
    /// [`DEFAULT_DONE_WINDOW`]).
    #[must_use]
    pub fn done_window(self, window: Duration) -> Self {
        self.with(|inner| inner.done_window = window)
    }

    /// The merchant's WeChat Pay side.
    pub fn pay(&self) -> &WechatPay {
        &self.inner.pay
    }

    /// Waits until no handler runs in the background (for a graceful
    /// shutdown, and tests).
    pub async fn idle(&self) {
        self.inner.background.idle().await;
    }

    /// Handles one notification: the request's headers and raw body.
    pub async fn handle(&self, headers: &HeaderMap, body: &[u8]) -> PayNotifyResponse {
        let inner = &self.inner;
        let notification = match inner.pay.verify_and_decrypt(headers, body).await {
            Ok(notification) => notification,
            Err(error) => return refused(&error),
        };
        let event = match notification.event() {
            Ok(event) => event,
            Err(error) => return refused(&error),
        };
        let Some(run) = self.runner(event, notification.clone()) else {
            tracing::debug!(
                event_type = notification.event_type.as_str(),
                "pay notification without a handler: acknowledged"
            );
            return PayNotifyResponse::success(NotifyOutcome::Acknowledged);
        };
        let id = format!("{}:{}", inner.pay.config().mchid, notification.id);
        let done = TokenKey::marker(DONE_KIND, id.clone());
        match inner.tokens.store().get(&done).await {
            Ok(Some(_)) => return PayNotifyResponse::success(NotifyOutcome::Duplicate),
            Ok(None) => {}
            Err(error) => return store_failed(&error),
        }
        let claim = match Claim::take(&inner.tokens, CLAIM_KIND, id, inner.processing_window).await
        {
            Ok(Some(claim)) => claim,
            Ok(None) => {
                // Held: running, or done since the check above.
                return match inner.tokens.store().get(&done).await {
                    Ok(Some(_)) => PayNotifyResponse::success(NotifyOutcome::Duplicate),
                    Ok(None) => processing(),
                    Err(error) => store_failed(&error),
                };
            }
            Err(error) => return store_failed(&error),
        };
        let store = Arc::clone(inner.tokens.store());
        let done_window = inner.done_window;
        let work = async move {
            let succeeded = match caught(run).await {
                Some(Ok(())) => true,
                Some(Err(error)) => {
                    let error = Error::handler(error);
                    tracing::warn!(%error, "a pay notification handler failed");
                    false
                }
                None => false,
            };
            if succeeded {
                if let Err(error) = store.set(&done, "1", Some(done_window)).await {
                    // The claim stays until the processing window ends:
                    // retries meanwhile are answered 503, then run again.
                    tracing::warn!(%error, "could not mark a pay notification handled");
                }
            } else {
                claim.release().await;
            }
            succeeded
        };
        let late = |succeeded: bool| {
            tracing::info!(
                succeeded,
                "a slow pay notification handler ended after its answer"
            );
        };
        match inner.background.within(inner.deadline, work, late).await {
            Some(true) => PayNotifyResponse::success(NotifyOutcome::Handled),
            Some(false) => PayNotifyResponse::fail(
                500,
                "the notification handler failed",
                NotifyOutcome::HandlerFailed,
            ),
            // The deadline passed: the work goes on (and keeps the claim).
            None => processing(),
        }
    }

    /// The handler's future for `event`, or `None` without a handler.
    fn runner(
        &self,
        event: PayEvent,
        notification: Notification,
    ) -> Option<BoxFuture<'static, PayHandlerResult>> {
        let inner = &self.inner;
        match event {
            PayEvent::Transaction(tx) => inner.transaction.as_ref().map(|h| h(*tx)),
            PayEvent::Refund(refund) => inner.refund.as_ref().map(|h| h(*refund)),
            _ => inner.other.as_ref().map(|h| h(notification)),
        }
    }
}

/// `future`'s output, or `None` if it panicked (logged).
async fn caught<T>(future: BoxFuture<'static, T>) -> Option<T> {
    let mut future = future;
    std::future::poll_fn(|cx| {
        match panic::catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(cx))) {
            Ok(Poll::Ready(output)) => Poll::Ready(Some(output)),
            Ok(Poll::Pending) => Poll::Pending,
            Err(_) => {
                tracing::error!("a pay notification handler panicked");
                Poll::Ready(None)
            }
        }
    })
    .await
}

fn processing() -> PayNotifyResponse {
    PayNotifyResponse::fail(
        503,
        "the notification is being processed; retry later",
        NotifyOutcome::Processing,
    )
}

fn store_failed(error: &Error) -> PayNotifyResponse {
    tracing::error!(%error, "pay notification: the token store failed");
    PayNotifyResponse::fail(
        500,
        "temporary failure; retry later",
        NotifyOutcome::StoreFailed,
    )
}

/// The answer to a notification that failed verification, decryption or
/// typing. The error is logged (it quotes nothing secret); the answer
/// names only the class.
fn refused(error: &Error) -> PayNotifyResponse {
    tracing::warn!(%error, "pay notification refused");
    match error {
        Error::PaySignature { .. } => PayNotifyResponse::fail(
            401,
            "signature verification failed",
            NotifyOutcome::Unverified,
        ),
        Error::Decode { .. } | Error::PayCrypto(_) => {
            PayNotifyResponse::fail(400, "malformed notification", NotifyOutcome::Malformed)
        }
        // This side's failures (the store, a certificate download): retry.
        _ => store_failed(error),
    }
}
