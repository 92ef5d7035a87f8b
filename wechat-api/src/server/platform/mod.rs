//! The WeChat routes, on top of the generic serving (`serving`, which knows
//! nothing of them): [`CallbackRoutes`], the ready axum router of a
//! third-party platform (`routes`); [`AccountRoutes`], an official
//! account's or mini program's own message URL (`account_routes`); the merchant's authorization handlers
//! (`authorization`); the rate limits of the routes anyone can reach
//! (`rate_limit`), and the callback routes' limiter, which counts only the
//! requests that fail verification (`failure_limit`); with feature `pay`, [`PayNotifyRoutes`], a
//! merchant's WeChat Pay `notify_url` (`pay_notify`).

mod account_routes;
mod authorization;
mod failure_limit;
#[cfg(feature = "pay")]
mod pay_notify;
mod rate_limit;
mod routes;

pub use account_routes::{ACCOUNT_PATH, AccountRoutes};
pub use authorization::AuthorizedAccount;
#[cfg(feature = "pay")]
pub use pay_notify::PayNotifyRoutes;
pub use rate_limit::{
    DEFAULT_AUTHORIZATION_RATE_OVERALL, DEFAULT_AUTHORIZATION_RATE_PER_CLIENT,
    DEFAULT_CALLBACK_BURST_PER_CLIENT, DEFAULT_CALLBACK_RATE_PER_CLIENT, Rate, RateLimits,
};
pub use routes::{
    AUTHORIZE_PATH, AUTHORIZED_PATH, CallbackRoutes, EVENTS_PATH, HEALTHZ_PATH, MESSAGES_PATH,
};
