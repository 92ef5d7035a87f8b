//! How much the client reads: answers are read up to a limit (one for JSON,
//! a larger one for media), checked against `Content-Length` before reading
//! and counted while reading, so an endless or huge answer costs at most the
//! limit in memory. Of an error page (a non-2xx answer) only the start that
//! an error quotes is read.

use bytes::{Bytes, BytesMut};

use crate::error::{CallName, Error, Result};

/// Default limit of a JSON answer: 4 MiB (WeChat's largest JSON answers, user
/// lists of 10,000 OpenIDs, are under 1 MiB).
pub const DEFAULT_ANSWER_LIMIT: u64 = 4 << 20;

/// Default limit of a media answer and of a file to upload: 32 MiB (WeChat
/// takes videos of up to 20 MB).
pub const DEFAULT_MEDIA_LIMIT: u64 = 32 << 20;

/// How much of a non-2xx answer is read: enough for the start an error
/// quotes, whatever the size of the error page.
pub(crate) const ERROR_PAGE_BYTES: usize = 64 << 10;

/// The limits of one client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Limits {
    /// Largest JSON answer.
    pub(crate) answer: u64,
    /// Largest media answer, and largest file uploaded.
    pub(crate) media: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            answer: DEFAULT_ANSWER_LIMIT,
            media: DEFAULT_MEDIA_LIMIT,
        }
    }
}

/// The body of `response`, or [`Error::AnswerTooLarge`] as soon as it is
/// known to be longer than `limit` bytes (from `Content-Length`, or while
/// reading: what was read is dropped and the connection closed).
pub(crate) async fn read_body(
    mut response: reqwest::Response,
    limit: u64,
    endpoint: &CallName,
) -> Result<Bytes> {
    let too_large = || Error::AnswerTooLarge {
        endpoint: endpoint.clone(),
        limit,
    };
    let announced = response.content_length();
    if announced.is_some_and(|length| length > limit) {
        return Err(too_large());
    }
    // one chunk (the usual small answer) is kept as is, without a copy
    let http_error = |source| http_error(source, endpoint);
    let Some(first) = response.chunk().await.map_err(http_error)? else {
        return Ok(Bytes::new());
    };
    if first.len() as u64 > limit {
        return Err(too_large());
    }
    let Some(second) = response.chunk().await.map_err(http_error)? else {
        return Ok(first);
    };
    // `announced` is at most `limit` here
    let capacity = announced
        .unwrap_or(0)
        .max((first.len() + second.len()) as u64);
    let mut body = BytesMut::with_capacity(usize::try_from(capacity).unwrap_or(usize::MAX));
    let mut next = Some(second);
    body.extend_from_slice(&first);
    while let Some(chunk) = next {
        if (body.len() + chunk.len()) as u64 > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
        next = response.chunk().await.map_err(http_error)?;
    }
    Ok(body.freeze())
}

/// The first `max` bytes of the body of `response` (all of it if shorter);
/// the rest is not read.
pub(crate) async fn read_start(
    mut response: reqwest::Response,
    max: usize,
    endpoint: &CallName,
) -> Result<Bytes> {
    let mut start = BytesMut::new();
    while start.len() < max {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let take = chunk.len().min(max - start.len());
                start.extend_from_slice(&chunk[..take]);
            }
            Ok(None) => break,
            Err(source) => return Err(http_error(source, endpoint)),
        }
    }
    Ok(start.freeze())
}

fn http_error(source: reqwest::Error, endpoint: &CallName) -> Error {
    Error::Http {
        endpoint: endpoint.clone(),
        source: std::sync::Arc::new(source.without_url()),
    }
}
