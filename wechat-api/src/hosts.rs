//! WeChat's host names: where the API, the authorization pages and OAuth
//! live.
//!
//! [`ClientBuilder::base_url`](crate::ClientBuilder::base_url) takes one of
//! these to send its requests elsewhere (a test server, the sandbox), and
//! [`ClientBuilder::base_url_for_all`](crate::ClientBuilder::base_url_for_all)
//! takes [`ALL`]. The constants live here, below both the client and the
//! URL builders of [`authorize`](crate::authorize), so neither needs the
//! other for them.

/// Host of the HTTP API (every endpoint of the spec unless it says
/// otherwise, and calls made with [`Client::raw`](crate::Client::raw)).
pub const API_HOST: &str = "api.weixin.qq.com";
/// Host of the PC authorization page (`componentloginpage`), and of the few
/// endpoints served there.
pub const MP_HOST: &str = "mp.weixin.qq.com";
/// Host of the mobile authorization link and of web-page OAuth.
pub const OPEN_HOST: &str = "open.weixin.qq.com";

/// Every host this crate sends requests or builds links to.
pub const ALL: [&str; 3] = [API_HOST, MP_HOST, OPEN_HOST];
