//! What the sandbox saw and did, for tests to read: every request the
//! merchant sent (as sent, headers and body) and every notification with
//! its delivery attempts.

use std::time::Duration;

/// A request to the WeChat Pay API, as received: the pay side's
/// [`Call`](crate::Call), with its headers (the signature is what WeChat
/// Pay checks) and the body as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PayCall {
    /// `GET` or `POST`.
    pub method: String,
    /// The path (`/v3/pay/transactions/jsapi`).
    pub path: String,
    /// The raw query string, if any.
    pub query: Option<String>,
    /// The request headers (names in lower case), `authorization` included.
    pub headers: Vec<(String, String)>,
    /// The body as text.
    pub body: String,
    /// The HTTP status answered.
    pub status: u16,
    /// The refusal code answered (`SIGN_ERROR`, …), if any.
    pub error_code: Option<String>,
}

impl PayCall {
    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What became of a notification.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Delivery {
    /// Still being tried.
    Pending,
    /// The merchant answered 2xx.
    Delivered,
    /// The retry schedule is exhausted.
    GivenUp,
}

/// A notification pushed to a merchant's `notify_url`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NotificationRecord {
    /// The notification `id`.
    pub id: String,
    /// `TRANSACTION.SUCCESS`, `REFUND.SUCCESS`, …
    pub event_type: String,
    /// Where it is pushed.
    pub notify_url: String,
    /// The HTTP status (or transport error) of each attempt, in order.
    pub attempts: Vec<String>,
    /// The outcome so far.
    pub delivery: Delivery,
    /// The schedule's wait before each retry, for reference.
    pub schedule: Vec<Duration>,
}
