//! The typed endpoints, generated at compile time from `spec/*.yaml`.
//!
//! Each spec file is a module here with its request and response types and a
//! handle (`ComponentApi`, `OfficialApi`, ...) returned by the accessor of the
//! same name on [`Client`](crate::Client): `client.component().query_auth(..)`.

wechat_api_macros::generate!("../../spec");
