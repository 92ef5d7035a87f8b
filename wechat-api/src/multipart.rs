//! `multipart/form-data` request bodies: the parts generated code lists
//! ([`Multipart`]), and the same parts with every file read into memory
//! ([`LoadedForm`]), so that a call retried after an expired token sends
//! them again.

use bytes::Bytes;
use tokio::io::AsyncReadExt;

use crate::error::{CallName, Error, Result};
use crate::media::{Source, Upload, filename_problem};

/// The parts of a `multipart/form-data` body, in order.
#[derive(Debug, Default)]
pub struct Multipart {
    parts: Vec<(&'static str, Part)>,
}

#[derive(Debug)]
enum Part {
    Text(String),
    File(Upload),
}

impl Multipart {
    /// No parts yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a text field (a JSON-encoded value is text too: `description`
    /// of a permanent video).
    pub fn text(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.parts.push((name, Part::Text(value.into())));
        self
    }

    /// Adds a file part.
    pub fn file(mut self, name: &'static str, upload: Upload) -> Self {
        self.parts.push((name, Part::File(upload)));
        self
    }

    /// Reads every file (at most `limit` bytes each) and checks its filename
    /// and content type.
    pub(crate) async fn load(self, endpoint: &CallName, limit: u64) -> Result<LoadedForm> {
        let mut parts = Vec::with_capacity(self.parts.len());
        for (name, part) in self.parts {
            let loaded = match part {
                Part::Text(text) => LoadedPart::Text(text),
                Part::File(upload) => {
                    let problem = |reason: String| Error::Upload {
                        endpoint: endpoint.clone(),
                        part: name,
                        reason,
                    };
                    load_file(upload, limit).await.map_err(problem)?
                }
            };
            parts.push((name, loaded));
        }
        Ok(LoadedForm { parts })
    }
}

/// A multipart body with its files in memory.
#[derive(Debug)]
pub(crate) struct LoadedForm {
    parts: Vec<(&'static str, LoadedPart)>,
}

#[derive(Debug)]
enum LoadedPart {
    Text(String),
    File {
        filename: String,
        content_type: mime::Mime,
        bytes: Bytes,
    },
}

impl LoadedForm {
    /// The text values of the fields whose name looks secret.
    pub(crate) fn secret_texts(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|(name, part)| match part {
            LoadedPart::Text(text) if crate::redact::is_secret_key(name) => Some(text.as_str()),
            _ => None,
        })
    }

    /// The body of one attempt (files are shared, not copied).
    pub(crate) fn form(&self) -> Result<reqwest::multipart::Form> {
        use reqwest::multipart::{Form, Part};
        let mut form = Form::new();
        for (name, part) in &self.parts {
            let part = match part {
                LoadedPart::Text(text) => Part::text(text.clone()),
                LoadedPart::File {
                    filename,
                    content_type,
                    bytes,
                } => Part::stream_with_length(bytes.clone(), bytes.len() as u64)
                    .file_name(filename.clone())
                    .mime_str(content_type.as_ref())
                    .map_err(|e| Error::Config(format!("content type rejected: {e}")))?,
            };
            form = form.part(*name, part);
        }
        Ok(form)
    }
}

/// Reads one upload into memory (at most `limit` bytes): its filename,
/// content type and bytes, or what is wrong with it.
#[cfg(feature = "pay")]
pub(crate) async fn read_upload(
    upload: Upload,
    limit: u64,
) -> std::result::Result<(String, mime::Mime, Bytes), String> {
    match load_file(upload, limit).await? {
        LoadedPart::File {
            filename,
            content_type,
            bytes,
        } => Ok((filename, content_type, bytes)),
        LoadedPart::Text(_) => Err("not a file".to_owned()),
    }
}

/// Reads one file, or says what is wrong with it.
async fn load_file(upload: Upload, limit: u64) -> std::result::Result<LoadedPart, String> {
    let Upload {
        filename,
        content_type,
        source,
    } = upload;
    if let Some(problem) = filename_problem(&filename) {
        return Err(format!("{problem}: `{filename}`"));
    }
    let content_type = match content_type {
        Some(given) => given
            .parse::<mime::Mime>()
            .map_err(|_| format!("`{given}` is not a content type"))?,
        None => crate::media::guess_content_type(&filename),
    };
    let too_large = || format!("`{filename}` is larger than the media limit of {limit} bytes");
    let bytes = match source {
        Source::Bytes(bytes) if bytes.len() as u64 > limit => return Err(too_large()),
        Source::Bytes(bytes) => bytes,
        Source::Path(path) => {
            let file = tokio::fs::File::open(&path)
                .await
                .map_err(|e| format!("cannot open `{}`: {e}", path.display()))?;
            read_at_most(file, limit)
                .await
                .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?
                .ok_or_else(too_large)?
        }
        Source::Reader(reader) => read_at_most(reader, limit)
            .await
            .map_err(|e| format!("cannot read `{filename}`: {e}"))?
            .ok_or_else(too_large)?,
    };
    Ok(LoadedPart::File {
        filename,
        content_type,
        bytes,
    })
}

/// Everything `reader` holds, or `None` if that is more than `limit` bytes
/// (reading stops one byte past the limit).
async fn read_at_most(
    reader: impl tokio::io::AsyncRead + Unpin,
    limit: u64,
) -> std::io::Result<Option<Bytes>> {
    let mut buffer = Vec::new();
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut buffer)
        .await?;
    Ok((buffer.len() as u64 <= limit).then(|| Bytes::from(buffer)))
}
