//! What the spec-derived tests run (crate feature `spec-tests`, for this
//! repository's tests only; no stability promise).
//!
//! For every endpoint the generator emits a [`Probe`]: a call of the
//! generated method with a request synthesized from the spec (or taken from
//! the documentation's example request), and what must go over the wire for
//! it, computed from the spec rather than by the serde code under test. The
//! test serves the endpoint's example answer and compares.

use std::future::Future;
use std::pin::Pin;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::endpoint::Endpoint;
use crate::media::{Media, MediaOr};
use crate::{Client, Error, Result};

/// A boxed future, as probes return.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// One endpoint's spec-derived test case.
#[derive(Debug)]
pub struct Probe {
    /// The endpoint.
    pub endpoint: &'static Endpoint,
    /// The path the request must use (path parameters substituted).
    pub path: &'static str,
    /// The query pairs it must send (caller and fixed parameters; the
    /// credential and configured values come on top).
    pub query: &'static [(&'static str, &'static str)],
    /// The JSON body it must send (caller and fixed parameters; configured
    /// values come on top); `None` without a JSON body.
    pub body: Option<&'static str>,
    /// The multipart parts it must send.
    pub parts: &'static [ProbePart],
    /// What the typed answer must serialize back to: the example answer,
    /// restricted to the fields the spec declares.
    pub answer: Option<&'static str>,
    /// The example answer with every number of a typed scalar field turned
    /// into a string (WeChat's type drift): it must decode to the same value.
    pub as_strings: Option<&'static str>,
    /// The example answer with every digit string of a typed scalar field
    /// turned into a number: it must decode to the same value.
    pub as_numbers: Option<&'static str>,
    /// Calls the generated method with the sample request.
    pub call: for<'c> fn(&'c Client) -> BoxFuture<'c, Result<Value>>,
}

/// One multipart part a probe must send.
#[derive(Debug)]
pub struct ProbePart {
    /// Its name.
    pub name: &'static str,
    /// Its filename, for a file part.
    pub filename: Option<&'static str>,
    /// Its content.
    pub content: &'static str,
}

fn sample_error(e: serde_json::Error) -> Error {
    Error::Config(format!("a probe's sample does not fit its type: {e}"))
}

/// A sample value, from its wire-form JSON.
///
/// # Errors
/// [`Error::Config`] when the sample does not fit the type (a generator bug
/// the spec-derived test reports).
pub fn probe_value<T: DeserializeOwned>(json: &str) -> Result<T> {
    serde_json::from_str(json).map_err(sample_error)
}

/// A typed answer as JSON again.
///
/// # Errors
/// [`Error::Config`] if it cannot be serialized.
pub fn probe_json<T: Serialize>(answer: &T) -> Result<Value> {
    serde_json::to_value(answer).map_err(sample_error)
}

/// A media answer as JSON: its content type, file name and bytes (as text).
///
/// # Errors
/// Never; `Result` for symmetry with the other probe functions.
pub fn probe_media(answer: &Media) -> Result<Value> {
    Ok(json!({
        "content_type": answer.content_type,
        "filename": answer.filename,
        "bytes": String::from_utf8_lossy(&answer.bytes),
    }))
}

/// A media-or-JSON answer as JSON: the JSON answer, or `{"media": ...}`.
///
/// # Errors
/// [`Error::Config`] if the JSON answer cannot be serialized.
pub fn probe_media_or_json<T: Serialize>(answer: &MediaOr<T>) -> Result<Value> {
    match answer {
        MediaOr::Media(media) => Ok(json!({ "media": probe_media(media)? })),
        MediaOr::Json(json) => probe_json(json),
    }
}
