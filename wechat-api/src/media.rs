//! Files going to and coming from WeChat: [`Upload`] for the file parts of
//! `multipart/form-data` requests, [`Media`] and [`MediaOr`] for endpoints
//! that answer with file bytes (`media/get`, `wxa/getwxacode`...).
//!
//! WeChat answers a failed media call with JSON (`{"errcode":40007,...}`):
//! that is an [`Error::Api`](crate::Error::Api), never a `Media` holding the
//! error text.

use std::fmt;
use std::path::{Path, PathBuf};

use bytes::Bytes;
use tokio::io::AsyncRead;

/// A file WeChat answered with.
#[derive(Clone, PartialEq, Eq)]
pub struct Media {
    /// The `Content-Type` of the answer (`image/jpeg`...);
    /// `application/octet-stream` when WeChat sent none.
    pub content_type: String,
    /// The filename of the `Content-Disposition` header, if any
    /// (`filename*=` preferred over `filename=`).
    pub filename: Option<String>,
    /// The file.
    pub bytes: Bytes,
}

impl fmt::Debug for Media {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Media")
            .field("content_type", &self.content_type)
            .field("filename", &self.filename)
            .field("len", &self.bytes.len())
            .finish()
    }
}

/// The answer of an endpoint that sends a file for some kinds of media and
/// JSON for others (a video's download URL, a news article).
#[derive(Debug, Clone, PartialEq)]
pub enum MediaOr<T> {
    /// File bytes.
    Media(Media),
    /// The JSON answer, decoded.
    Json(T),
}

/// A file to upload: its name, its content type, and where its bytes come
/// from.
///
/// The content type is guessed from the filename's extension unless set with
/// [`content_type`](Self::content_type). WeChat derives the kind of media
/// from the extension too, so a filename without one fails the call with
/// [`Error::Upload`](crate::Error::Upload) before anything is sent. The
/// bytes are read once, before the first attempt (so a call retried after an
/// expired token sends them again), and at most the client's
/// [`media_limit`](crate::ClientBuilder::media_limit) of them.
///
/// ```
/// use wechat_api::media::Upload;
///
/// let logo = Upload::from_bytes("logo.png", vec![0x89, b'P', b'N', b'G']);
/// let report = Upload::from_path("/var/reports/2024.pdf");
/// let voice = Upload::from_reader("greeting.amr", tokio::io::empty()).content_type("audio/amr");
/// assert_eq!(report.filename(), "2024.pdf");
/// # let _ = (logo, voice);
/// ```
pub struct Upload {
    pub(crate) filename: String,
    pub(crate) content_type: Option<String>,
    pub(crate) source: Source,
}

/// Where the bytes of an [`Upload`] come from.
pub(crate) enum Source {
    Bytes(Bytes),
    Path(PathBuf),
    Reader(Box<dyn AsyncRead + Send + Unpin>),
}

impl Upload {
    /// A file held in memory.
    pub fn from_bytes(filename: impl Into<String>, bytes: impl Into<Bytes>) -> Self {
        Self::new(filename.into(), Source::Bytes(bytes.into()))
    }

    /// A file on disk, named like the file (`/tmp/a.jpg` is sent as
    /// `a.jpg`); read when the call is made.
    pub fn from_path(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        let filename = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        Self::new(filename, Source::Path(path))
    }

    /// A file read from `reader` when the call is made.
    pub fn from_reader(
        filename: impl Into<String>,
        reader: impl AsyncRead + Send + Unpin + 'static,
    ) -> Self {
        Self::new(filename.into(), Source::Reader(Box::new(reader)))
    }

    /// Sends the file with this content type instead of the one guessed from
    /// the filename's extension.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The filename sent.
    pub fn filename(&self) -> &str {
        &self.filename
    }

    fn new(filename: String, source: Source) -> Self {
        Self {
            filename,
            content_type: None,
            source,
        }
    }
}

impl fmt::Debug for Upload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("Upload");
        debug
            .field("filename", &self.filename)
            .field("content_type", &self.content_type);
        match &self.source {
            Source::Bytes(bytes) => debug.field("len", &bytes.len()),
            Source::Path(path) => debug.field("path", &path),
            Source::Reader(_) => debug.field("source", &"reader"),
        };
        debug.finish()
    }
}

/// The filename of a `Content-Disposition` header: the RFC 8187
/// `filename*=UTF-8''…` form when present, else `filename="…"` (quoted,
/// with backslash escapes) or `filename=…`. Any directory part is dropped.
pub(crate) fn disposition_filename(header: &str) -> Option<String> {
    let mut plain = None;
    for param in split_params(header).skip(1) {
        let Some((name, value)) = param.split_once('=') else {
            continue;
        };
        match name.trim().to_ascii_lowercase().as_str() {
            "filename*" => {
                if let Some(name) = extended_value(value.trim()) {
                    return base_name(&name);
                }
            }
            "filename" => plain = Some(unquote(value.trim())),
            _ => {}
        }
    }
    plain.and_then(|name| base_name(&name))
}

/// The `;`-separated parts of a header value, `;` inside quotes kept.
fn split_params(header: &str) -> impl Iterator<Item = &str> {
    let mut quoted = false;
    let mut escaped = false;
    header
        .split(move |c| {
            match c {
                '\\' if quoted && !escaped => {
                    escaped = true;
                    return false;
                }
                '"' if !escaped => quoted = !quoted,
                _ => {}
            }
            escaped = false;
            c == ';' && !quoted
        })
        .map(str::trim)
}

fn unquote(value: &str) -> String {
    let Some(inner) = value
        .strip_prefix('"')
        .map(|v| v.strip_suffix('"').unwrap_or(v))
    else {
        return value.to_owned();
    };
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        out.push(match c {
            '\\' => chars.next().unwrap_or('\\'),
            c => c,
        });
    }
    out
}

/// `UTF-8''%E4%B8%AD.jpg` → `中.jpg` (RFC 8187); other charsets are read as
/// Latin-1 (the only other one the RFC names).
fn extended_value(value: &str) -> Option<String> {
    let mut parts = value.splitn(3, '\'');
    let charset = parts.next()?;
    let _language = parts.next()?;
    let encoded = parts.next()?;
    let bytes: Vec<u8> = percent_encoding::percent_decode_str(encoded).collect();
    if charset.eq_ignore_ascii_case("utf-8") {
        String::from_utf8(bytes).ok()
    } else {
        Some(bytes.into_iter().map(char::from).collect())
    }
}

fn base_name(name: &str) -> Option<String> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name).trim();
    (!base.is_empty()).then(|| base.to_owned())
}

/// The content type of a file named `filename`, from its extension:
/// `mime_guess`'s table, plus the voice formats WeChat takes that it lacks;
/// `application/octet-stream` when unknown.
pub(crate) fn guess_content_type(filename: &str) -> mime::Mime {
    let extension = Path::new(filename)
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    let wechat_voice = match extension.as_deref() {
        Some("amr") => Some("audio/amr"),
        Some("speex") => Some("audio/speex"),
        _ => None,
    };
    wechat_voice
        .and_then(|m| m.parse().ok())
        .unwrap_or_else(|| mime_guess::from_path(filename).first_or_octet_stream())
}

/// Why `filename` cannot be uploaded, if it cannot.
pub(crate) fn filename_problem(filename: &str) -> Option<&'static str> {
    let has_extension = Path::new(filename)
        .extension()
        .is_some_and(|extension| !extension.is_empty());
    if filename.trim().is_empty() {
        Some("the filename is empty")
    } else if !has_extension {
        Some("the filename has no extension (WeChat derives the media type from it)")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::{Upload, disposition_filename, filename_problem};

    #[test]
    fn filenames_from_content_disposition() {
        for (header, expected) in [
            (r#"attachment; filename="x.jpg""#, Some("x.jpg")),
            ("attachment; filename=x.jpg", Some("x.jpg")),
            (
                r#"attachment;filename="a;b \"c\".jpg""#,
                Some(r#"a;b "c".jpg"#),
            ),
            (
                r#"attachment; filename="fallback.jpg"; filename*=UTF-8''%E4%B8%AD%E6%96%87.jpg"#,
                Some("中文.jpg"),
            ),
            (
                "attachment; filename*=utf-8'zh'%E5%9B%BE.png",
                Some("图.png"),
            ),
            (
                "attachment; filename*=iso-8859-1''caf%E9.txt",
                Some("café.txt"),
            ),
            (r#"attachment; filename="../../etc/passwd""#, Some("passwd")),
            ("attachment", None),
            ("inline; name=x", None),
            (r#"attachment; filename="""#, None),
            (
                "attachment; filename*=UTF-8''%FF.jpg; filename=ok.jpg",
                Some("ok.jpg"),
            ),
        ] {
            assert_eq!(
                disposition_filename(header).as_deref(),
                expected,
                "{header}"
            );
        }
    }

    #[test]
    fn filenames_need_an_extension() {
        assert_eq!(filename_problem("a.jpg"), None);
        assert_eq!(filename_problem("archive.tar.gz"), None);
        assert!(filename_problem("README").is_some());
        assert!(filename_problem("trailing.").is_some());
        assert!(filename_problem(".hidden").is_some());
        assert!(filename_problem("").is_some());
    }

    #[test]
    fn debug_never_prints_contents() {
        let upload = Upload::from_bytes("a.txt", "SECRET CONTENTS");
        let debug = format!("{upload:?}");
        assert!(
            !debug.contains("SECRET") && debug.contains("len: 15"),
            "{debug}"
        );
        let media = super::Media {
            content_type: "text/plain".into(),
            filename: None,
            bytes: "SECRET".into(),
        };
        assert!(!format!("{media:?}").contains("SECRET"));
        assert_eq!(Upload::from_path("/tmp/dir/b.png").filename(), "b.png");
    }
}
