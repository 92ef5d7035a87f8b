//! The spec-derived test case of each WeChat Pay endpoint (feature
//! `spec-tests`): a call of the generated method with a request synthesized
//! from the spec (or the doc's example request), and what must go over the
//! wire for it, computed from the spec, not by the serde code under test.

use serde_json::Value;

use super::endpoint::PayEndpoint;
use super::wechat_pay::WechatPay;
use crate::error::Result;
use crate::probe::BoxFuture;

/// One WeChat Pay endpoint's spec-derived test case.
#[derive(Debug)]
pub struct PayProbe {
    /// The endpoint.
    pub endpoint: &'static PayEndpoint,
    /// The path the request must use (path parameters substituted).
    pub path: &'static str,
    /// The query pairs it must send (caller and fixed parameters; `mchid`
    /// comes on top).
    pub query: &'static [(&'static str, &'static str)],
    /// The JSON body it must send, with the sensitive fields in plaintext
    /// (the wire holds their ciphertext) and without `mchid`; `None` for GET.
    pub body: Option<&'static str>,
    /// What the typed answer must serialize back to: the example answer,
    /// restricted to the fields the spec declares; `"null"` for `()`.
    pub answer: Option<&'static str>,
    /// Calls the generated method with the sample request.
    pub call: for<'c> fn(&'c WechatPay) -> BoxFuture<'c, Result<Value>>,
}
