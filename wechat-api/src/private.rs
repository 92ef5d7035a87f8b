//! What generated code refers to. Not public API.

pub use crate::client::{Auth, Client};
pub use crate::endpoint::{
    AnswerKind, BodyKind, ConfigKey, Credential, Endpoint, HttpMethod, ParamInfo, ParamLocation,
    ParamSource, ValueKind,
};
pub use crate::error::Result;
pub use crate::hooks;
#[cfg(feature = "spec-tests")]
pub use crate::probe::{
    BoxFuture, Probe, ProbePart, probe_json, probe_media, probe_media_or_json, probe_value,
};
pub use crate::wire::{self, json_string};
pub use serde;
pub use serde_json;

/// Prints `[redacted]` in place of a secret field.
pub struct Redacted;

impl std::fmt::Debug for Redacted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}
