//! The typed endpoints, generated at compile time from `spec/*.yaml`.
//!
//! Each spec file is a module here with its request and response types and a
//! handler (`ComponentHandler`, `OfficialHandler`, ...) returned by the
//! accessor of the same name on [`Client`](crate::Client):
//! `client.component().query_auth(..)`.
//!
//! The spec lives at the top of the repository (`spec/`); `wechat-api/spec`
//! links to it, so the published crate carries it.

wechat_api_macros::generate!("../spec", internal);
