//! What generated code refers to. Not public API.

pub use crate::answer::Answer;
pub use crate::call::Call;
pub use crate::client::{Auth, Client};
pub use crate::detached::run_to_completion;
pub use crate::endpoint::{
    AnswerKind, BodyKind, ConfigKey, Credential, Endpoint, HttpMethod, ParamInfo, ParamLocation,
    ParamSource, ValueKind,
};
pub use crate::error::Result;
pub use crate::hooks;
pub use crate::media::{Media, MediaOr, Upload};
pub use crate::multipart::Multipart;
pub use crate::paging;
#[cfg(all(feature = "pay", feature = "spec-tests", not(test)))]
pub use crate::pay::PayProbe;
#[cfg(feature = "pay")]
pub use crate::pay::{
    Ciphertext, Encryptor, PayAnswerKind, PayCall, PayEndpoint, Sensitive, WechatPay,
    send as pay_send,
};
#[cfg(all(feature = "spec-tests", not(test)))]
pub use crate::probe::{
    BoxFuture, Probe, ProbePart, probe_json, probe_media, probe_media_or_json, probe_value,
};
pub use crate::tolerant;
pub use crate::transport::send;
pub use crate::wire::{self, json_string};
pub use futures_util::Stream;
pub use serde;
pub use serde_json;

/// The value a `from:` parameter is filled with: the configured appid (the
/// authorizer's when the client acts for one), secret, component appid or
/// component secret.
///
/// # Errors
/// [`Error::Config`](crate::Error::Config) when the value is not configured.
pub fn config_value(client: &Client, key: ConfigKey) -> Result<&str> {
    client.config_value(key)
}

/// Prints `[redacted]` in place of a secret field.
pub struct Redacted;

impl std::fmt::Debug for Redacted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}
