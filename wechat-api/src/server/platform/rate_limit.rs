//! Rate limits of the routes anyone can reach: the two authorization
//! routes, which each spend WeChat API quota (the start handler calls
//! `api_create_preauthcode` on every hit, the redirect handler
//! `api_query_auth` with whatever `auth_code` it is given), and the two
//! callback routes, whose failed requests only are counted
//! ([`failure_limit`](super::failure_limit): a valid signed push is never
//! refused). Over its limits a request is answered `429 Too Many Requests`
//! with `Retry-After`, before its handler runs.
//!
//! The limits are in-process ([`governor`]'s GCRA, per client address and,
//! for the authorization routes, overall), not cluster-wide through the
//! token store: a check costs no store round trip (a store-backed limit
//! would turn a flood into a flood of store writes). With `n` instances the
//! quota spent is at most `n` times the overall rate: size it for that.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::extract::connect_info::MockConnectInfo;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{Extensions, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultDirectRateLimiter, DefaultKeyedRateLimiter, Quota};

use crate::server::serving::peer::Peer;

/// A rate: up to `burst` requests at once, then one more every `period`
/// (GCRA: a client that waits long enough gets its whole burst back).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    burst: NonZeroU32,
    period: Duration,
}

impl Rate {
    /// `burst` requests at once (at least 1), then one more every `period`
    /// (at least 1 ms).
    pub fn new(burst: u32, period: Duration) -> Self {
        Rate {
            burst: NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN),
            period: period.max(Duration::from_millis(1)),
        }
    }

    /// `n` requests a minute (at least 1), all of them at once if need be.
    pub fn per_minute(n: u32) -> Self {
        let n = n.max(1);
        Rate::new(n, Duration::from_secs(60) / n)
    }

    /// The most requests allowed at once.
    pub fn burst(&self) -> u32 {
        self.burst.get()
    }

    /// How often one more request is allowed.
    pub fn period(&self) -> Duration {
        self.period
    }

    fn quota(self) -> Quota {
        Quota::with_period(self.period)
            .unwrap_or_else(|| Quota::per_second(self.burst))
            .allow_burst(self.burst)
    }
}

/// Default per-client rate of each authorization route: 10 a minute.
pub const DEFAULT_AUTHORIZATION_RATE_PER_CLIENT: u32 = 10;
/// Default overall rate of each authorization route: 30 a minute, so a
/// flood from any number of addresses spends at most about 43,000 calls of
/// quota a day per route and instance (real authorizations are a handful a
/// day).
pub const DEFAULT_AUTHORIZATION_RATE_OVERALL: u32 = 30;
/// Default burst of each callback route per client: 100 failed requests at
/// once.
///
/// Only failures count (requests without a valid `signature`, and signed
/// ones answered `4xx`): WeChat's valid pushes are never refused, however
/// many come from one address. Real failures are rare (a misconfigured
/// token fails every push, and `429` loses nothing more than the `403` it
/// replaces), so the budget only needs room for a developer's test run.
pub const DEFAULT_CALLBACK_BURST_PER_CLIENT: u32 = 100;
/// Default sustained rate of each callback route per client: 10 failed
/// requests a second.
pub const DEFAULT_CALLBACK_RATE_PER_CLIENT: u32 = 10;

/// The rate limits of the routes of [`CallbackRoutes`](super::CallbackRoutes)
/// that anyone can reach: the authorization routes
/// ([`AUTHORIZE_PATH`](super::AUTHORIZE_PATH) and
/// [`AUTHORIZED_PATH`](super::AUTHORIZED_PATH)) and the callback routes
/// ([`EVENTS_PATH`](super::EVENTS_PATH) and
/// [`MESSAGES_PATH`](super::MESSAGES_PATH)). Each route has budgets of its
/// own (a flood of authorization starts does not block merchants coming
/// back from the authorization page, nor WeChat's pushes).
/// [`HEALTHZ_PATH`](super::HEALTHZ_PATH) is not limited.
///
/// | Routes | What counts | Default per client | Default overall |
/// |---|---|---|---|
/// | authorization | every request | [`DEFAULT_AUTHORIZATION_RATE_PER_CLIENT`] a minute | [`DEFAULT_AUTHORIZATION_RATE_OVERALL`] a minute |
/// | callbacks | failed requests only | bursts of [`DEFAULT_CALLBACK_BURST_PER_CLIENT`], [`DEFAULT_CALLBACK_RATE_PER_CLIENT`] a second | none |
///
/// On the callback routes the signature comes first: a request whose query
/// carries a valid `signature` (WeChat signs every push's query, in safe
/// mode next to `msg_signature`) is always handled, and counted only if it
/// is then answered `4xx`; any other request is counted before it is
/// handled, and past its client's budget answered `429` before its body is
/// read. So WeChat's valid pushes are never refused, however many come
/// from one of its addresses, even when that address (a reverse proxy's,
/// say) is over its budget because of forgeries; a forged flood costs a
/// header parse and a SHA-1 over a few dozen bytes per request.
///
/// The per-client limits count requests by the client's address (an IPv4
/// address or an IPv6 /64), as [`serve`](crate::server::serve) gives it (axum's
/// [`ConnectInfo<SocketAddr>`](axum::extract::ConnectInfo); with another
/// server, serve the router with
/// [`into_make_service_with_connect_info`](axum::Router::into_make_service_with_connect_info),
/// or only the overall limits apply). Behind a reverse proxy every request
/// comes from the proxy's address: the per-client limits are then overall
/// ones, and the proxy should limit per client itself. Loopback addresses
/// are not exempt.
///
/// ```
/// use std::time::Duration;
/// use wechat_api::server::{Rate, RateLimits};
///
/// let limits = RateLimits::default()
///     .authorization_per_client(Some(Rate::per_minute(5)))
///     .authorization_overall(Some(Rate::new(20, Duration::from_secs(3))))
///     .callbacks_per_client(Some(Rate::new(200, Duration::from_millis(20))));
/// # let _ = limits;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimits {
    authorization_per_client: Option<Rate>,
    authorization_overall: Option<Rate>,
    callbacks_per_client: Option<Rate>,
}

impl Default for RateLimits {
    /// The defaults of the table above.
    fn default() -> Self {
        RateLimits {
            authorization_per_client: Some(Rate::per_minute(DEFAULT_AUTHORIZATION_RATE_PER_CLIENT)),
            authorization_overall: Some(Rate::per_minute(DEFAULT_AUTHORIZATION_RATE_OVERALL)),
            callbacks_per_client: Some(Rate::new(
                DEFAULT_CALLBACK_BURST_PER_CLIENT,
                Duration::from_secs(1) / DEFAULT_CALLBACK_RATE_PER_CLIENT,
            )),
        }
    }
}

impl RateLimits {
    /// No limit at all (for a server only trusted clients reach).
    pub fn unlimited() -> Self {
        RateLimits {
            authorization_per_client: None,
            authorization_overall: None,
            callbacks_per_client: None,
        }
    }

    /// The rate of each client on each authorization route (`None`: no
    /// per-client limit).
    #[must_use]
    pub fn authorization_per_client(mut self, rate: Option<Rate>) -> Self {
        self.authorization_per_client = rate;
        self
    }

    /// The rate of all clients together on each authorization route
    /// (`None`: no overall limit).
    #[must_use]
    pub fn authorization_overall(mut self, rate: Option<Rate>) -> Self {
        self.authorization_overall = rate;
        self
    }

    /// The rate of each client's failed requests on each callback route
    /// (`None`: no limit; valid signed requests are never limited).
    #[must_use]
    pub fn callbacks_per_client(mut self, rate: Option<Rate>) -> Self {
        self.callbacks_per_client = rate;
        self
    }

    /// The per-client rate of each authorization route.
    pub fn authorization_per_client_rate(&self) -> Option<Rate> {
        self.authorization_per_client
    }

    /// The overall rate of each authorization route.
    pub fn authorization_overall_rate(&self) -> Option<Rate> {
        self.authorization_overall
    }

    /// The per-client rate of failed requests on each callback route.
    pub fn callbacks_per_client_rate(&self) -> Option<Rate> {
        self.callbacks_per_client
    }

    /// The budgets of one authorization route (`route` names it in logs).
    pub(crate) fn authorization_limiter(&self, route: &'static str) -> Limiter {
        Limiter::new(
            route,
            self.authorization_per_client,
            self.authorization_overall,
        )
    }

    /// The failure budget of one callback route (`route` names it in logs).
    pub(crate) fn callback_limiter(&self, route: &'static str) -> Limiter {
        Limiter::new(route, self.callbacks_per_client, None)
    }
}

/// How many checks pass between two sweeps of the per-client table (which
/// forgets clients whose budget is full again, so that it does not grow
/// with every address ever seen).
const SWEEP_EVERY: u64 = 1024;

/// The budgets of one route.
pub(crate) struct Limiter {
    /// The route's path template (never the request's own path, which
    /// may carry anything).
    route: &'static str,
    per_client: Option<DefaultKeyedRateLimiter<Peer>>,
    overall: Option<DefaultDirectRateLimiter>,
    checks: AtomicU64,
}

impl std::fmt::Debug for Limiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Limiter")
            .field("route", &self.route)
            .field("per_client", &self.per_client.is_some())
            .field("overall", &self.overall.is_some())
            .finish_non_exhaustive()
    }
}

impl Limiter {
    /// The route's path template, for logs.
    pub(crate) fn route(&self) -> &'static str {
        self.route
    }

    /// Full budgets of `per_client` and `overall` for `route`.
    pub(crate) fn new(
        route: &'static str,
        per_client: Option<Rate>,
        overall: Option<Rate>,
    ) -> Self {
        Limiter {
            route,
            per_client: per_client.map(|rate| DefaultKeyedRateLimiter::keyed(rate.quota())),
            overall: overall.map(|rate| DefaultDirectRateLimiter::direct(rate.quota())),
            checks: AtomicU64::new(0),
        }
    }

    /// Takes one request from the budgets of `client` and the overall one;
    /// `Err` with the time until the next request is allowed when either
    /// is spent. The client's budget is checked first, so that one client
    /// cannot spend everyone's.
    pub(crate) fn check(&self, client: Option<IpAddr>) -> Result<(), Duration> {
        let now = DefaultClock::default().now();
        if let (Some(limiter), Some(client)) = (&self.per_client, client) {
            if self.checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
                limiter.retain_recent();
                limiter.shrink_to_fit();
            }
            limiter
                .check_key(&Peer::of(client))
                .map_err(|not_until| not_until.wait_time_from(now))?;
        }
        if let Some(limiter) = &self.overall {
            limiter
                .check()
                .map_err(|not_until| not_until.wait_time_from(now))?;
        }
        Ok(())
    }
}

/// The client's address, as the server put it in the request.
pub(crate) fn client_ip(extensions: &Extensions) -> Option<IpAddr> {
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip())
        .or_else(|| {
            extensions
                .get::<MockConnectInfo<SocketAddr>>()
                .map(|MockConnectInfo(addr)| addr.ip())
        })
}

/// Middleware: the request goes on within the budgets of `limiter`, and is
/// answered `429` otherwise.
pub(crate) async fn enforce(
    State(limiter): State<Arc<Limiter>>,
    request: Request,
    next: Next,
) -> Response {
    match limiter.check(client_ip(request.extensions())) {
        Ok(()) => next.run(request).await,
        Err(wait) => {
            // The route's template, not the request's path (attacker bytes).
            tracing::debug!(route = limiter.route(), "over the rate limit: 429");
            too_many_requests(wait)
        }
    }
}

/// `429` with `Retry-After` in whole seconds (at least 1).
pub(crate) fn too_many_requests(wait: Duration) -> Response {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let mut answer = (
        StatusCode::TOO_MANY_REQUESTS,
        "too many requests: try again later\n",
    )
        .into_response();
    answer
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
    answer
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use super::*;

    const A: Option<IpAddr> = Some(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)));
    const B: Option<IpAddr> = Some(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 2)));
    const HOUR: Duration = Duration::from_secs(3600);

    #[test]
    fn a_client_gets_its_burst_then_waits() {
        let limiter = Limiter::new("/test", Some(Rate::new(2, HOUR)), None);
        assert!(limiter.check(A).is_ok());
        assert!(limiter.check(A).is_ok());
        let wait = limiter.check(A).expect_err("A's burst is spent");
        assert!(wait > HOUR / 2 && wait <= HOUR, "{wait:?}");
        assert!(limiter.check(B).is_ok(), "B has a budget of its own");
        // Without an address only the overall limit (none here) applies.
        assert!(limiter.check(None).is_ok());
    }

    #[test]
    fn the_overall_budget_is_shared() {
        let limiter = Limiter::new("/test", Some(Rate::new(5, HOUR)), Some(Rate::new(3, HOUR)));
        assert!(limiter.check(A).is_ok());
        assert!(limiter.check(B).is_ok());
        assert!(limiter.check(None).is_ok());
        assert!(
            limiter
                .check(Some(IpAddr::V4(Ipv4Addr::LOCALHOST)))
                .is_err()
        );
    }

    #[test]
    fn the_default_callback_budget_is_a_burst_of_100_failures_then_10_a_second() {
        let rate = RateLimits::default().callbacks_per_client_rate().unwrap();
        assert_eq!(
            (rate.burst(), rate.period()),
            (100, Duration::from_millis(100))
        );
        let limiter = RateLimits::default().callback_limiter("/test");
        for _ in 0..100 {
            assert!(limiter.check(A).is_ok());
        }
        let wait = limiter.check(A).expect_err("the 101st failure at once");
        assert!(wait <= Duration::from_millis(100), "{wait:?}");
        assert!(limiter.check(B).is_ok());
    }

    #[test]
    fn rates_are_kept_in_range() {
        let rate = Rate::new(0, Duration::ZERO);
        assert_eq!((rate.burst(), rate.period()), (1, Duration::from_millis(1)));
        let rate = Rate::per_minute(30);
        assert_eq!((rate.burst(), rate.period()), (30, Duration::from_secs(2)));
        assert_eq!(Rate::per_minute(0).burst(), 1);
    }

    #[test]
    fn retry_after_is_rounded_up_to_a_second() {
        let answer = too_many_requests(Duration::from_millis(1500));
        assert_eq!(answer.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(answer.headers()[header::RETRY_AFTER], "2");
        let answer = too_many_requests(Duration::ZERO);
        assert_eq!(answer.headers()[header::RETRY_AFTER], "1");
    }
}
