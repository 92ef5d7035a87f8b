//! The typed endpoints, generated at compile time from `spec/*.yaml`.
//!
//! Each spec file is a module here with its request and response types and a
//! handler (`ComponentHandler`, `OfficialHandler`, ...) returned by the
//! accessor of the same name on [`Client`](crate::Client):
//! `client.component().query_auth(..)`.
//!
//! The spec lives at the top of the repository (`spec/`); `wechat-api/spec`
//! links to it, so the published crate carries it.

#[cfg(not(test))]
wechat_api_macros::generate!("../spec", internal);

// This crate's own unit tests test the runtime, which is built on these
// modules only (the release test's answers, the authorization routes, the
// hand-written token calls compared with the spec's): they compile much
// faster without the other endpoints, which the integration tests exercise
// through the full library.
#[cfg(test)]
wechat_api_macros::generate!(
    "../spec",
    internal,
    modules(component, official, message, wxa)
);
