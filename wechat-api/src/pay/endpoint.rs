//! Static descriptions of WeChat Pay endpoints, generated from the `pay`
//! family of the spec (`spec/pay/*.yaml`).
//!
//! They are the pay counterpart of [`Endpoint`](crate::endpoint::Endpoint):
//! no token credential (every request is signed), a host of its own, and
//! answers that are either JSON or `204 No Content`. The signed transport
//! reads them; the spec-derived tests check the wire against them.

use std::fmt;

use crate::endpoint::{HttpMethod, ParamInfo};

/// The production host of WeChat Pay.
pub const PAY_HOST: &str = "api.mch.weixin.qq.com";

/// One WeChat Pay endpoint as the spec describes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PayEndpoint {
    /// The spec module (`pay.<module>()`).
    pub module: &'static str,
    /// The spec name (the method name).
    pub name: &'static str,
    /// The doc line.
    pub summary: &'static str,
    /// The official documentation link.
    pub link: Option<&'static str>,
    /// HTTP method.
    pub method: HttpMethod,
    /// Host, [`PAY_HOST`] unless the spec says otherwise (the transport
    /// sends to the configured base URL).
    pub host: &'static str,
    /// Path, e.g. `/v3/pay/transactions/id/{transaction_id}`.
    pub path: &'static str,
    /// Path, query and body parameters.
    pub params: &'static [ParamInfo],
    /// What a successful answer is.
    pub answer: PayAnswerKind,
    /// Body paths of the fields encrypted with WeChat Pay's key
    /// (RSAES-OAEP): `bank_account` for a body parameter,
    /// `contact_info.contact_name` for a field nested in one (a list's
    /// elements are walked through: `receivers.name`). A request carrying
    /// them names the key in `Wechatpay-Serial`.
    pub sensitive: &'static [&'static str],
    /// Wire names of the response's top-level fields.
    pub response_fields: &'static [&'static str],
    /// The example answer from the official docs.
    pub example: Option<&'static str>,
}

impl fmt::Display for PayEndpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.module, self.name)
    }
}

/// What a successful WeChat Pay answer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayAnswerKind {
    /// A JSON object: the response struct.
    Json,
    /// `204 No Content` (an acknowledgement, e.g. closing an order).
    NoContent,
}
