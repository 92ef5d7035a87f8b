//! Token storage and single-flight refresh.
//!
//! WeChat hands out short-lived credentials (the `access_token` of an
//! official account, the `component_access_token` of a third-party platform,
//! each authorizer's `authorizer_access_token`, the `jsapi_ticket`...) that
//! every instance of an application must share: fetching a new one
//! invalidates the previous one after a few minutes and counts against a
//! daily quota. This module keeps them in a [`TokenStore`] and makes sure that
//! exactly one caller refreshes an expiring token, within the process and
//! across processes.
//!
//! * [`TokenKey`] names what is stored, per appid / component appid.
//! * [`TokenStore`] is the storage trait, with three implementations:
//!   [`MemoryStore`] (one process, lost on exit), [`DurableStore`] (an
//!   embedded [redb](https://docs.rs/redb) file that survives restarts; one
//!   process) and `RedisStore` (crate feature `redis`; shared by every
//!   instance of a cluster; on one Redis server, a Redis Cluster or a
//!   Sentinel group).
//! * [`TokenManager`] sits in front of a store: it serves cached tokens and
//!   runs the caller-supplied refresh closure once per expiry
//!   ([`TokenManager::get_or_refresh`]). It knows nothing about HTTP.
//!
//! What should be stored durably: the `component_verify_ticket` (pushed by
//! WeChat every 10 minutes) and above all each `authorizer_refresh_token`,
//! which cannot be obtained again without the merchant authorizing anew. Use
//! [`DurableStore`] or a persistent Redis for those.

mod durable;
mod manager;
mod memory;
#[cfg(feature = "redis")]
mod redis;
mod store;

#[cfg(feature = "redis")]
pub use self::redis::{RedisStore, RedisStoreBuilder};
pub use durable::DurableStore;
pub use manager::{FreshToken, TokenManager, TokenManagerBuilder};
pub use memory::MemoryStore;
pub use store::{BoxFuture, DEFAULT_PREFIX, Lease, StoredValue, TokenKey, TokenStore};
