//! What an endpoint answers: JSON, or a file (`media/get`, QR codes) with
//! its `Content-Type` and a `Content-Disposition` filename, as WeChat sends
//! them.

use axum::Json;
use axum::body::Bytes;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

/// A successful answer.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Answer {
    /// A JSON object.
    Json(Value),
    /// File bytes.
    File(File),
}

/// A file answered, or uploaded and stored.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct File {
    /// Its `Content-Type`.
    pub content_type: String,
    /// The filename of its `Content-Disposition`.
    pub filename: String,
    /// The bytes.
    pub bytes: Bytes,
}

impl std::fmt::Debug for File {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("File")
            .field("content_type", &self.content_type)
            .field("filename", &self.filename)
            .field("len", &self.bytes.len())
            .finish()
    }
}

/// An 8×8 grey baseline JPEG (JFIF), the picture of every `answer: media`
/// endpoint without state (QR codes, mini-program codes).
pub(crate) const SAMPLE_JPEG: [u8; 159] = concat(&[
    &[0xFF, 0xD8], // SOI
    &[
        0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00,
        0x01, 0x00, 0x00,
    ], // APP0: JFIF 1.1, 1:1
    &[0xFF, 0xDB, 0x00, 0x43, 0x00], // DQT: table 0…
    &[1; 64],      // …all ones
    &[
        0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x00, 0x08, 0x00, 0x08, 0x01, 0x01, 0x11, 0x00,
    ], // SOF0: 8×8, 1 component
    &[0xFF, 0xC4, 0x00, 0x14, 0x00, 0x01], // DHT: DC table 0, one code of length 1…
    &[0; 15],
    &[0x00],                               // …for category 0
    &[0xFF, 0xC4, 0x00, 0x14, 0x10, 0x01], // DHT: AC table 0, one code of length 1…
    &[0; 15],
    &[0x00],                                                       // …for end of block
    &[0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00], // SOS
    &[0x3F],       // scan data: DC difference 0, end of block, padding ones
    &[0xFF, 0xD9], // EOI
]);

/// `parts` joined; a compile error unless they hold exactly `N` bytes.
const fn concat<const N: usize>(parts: &[&[u8]]) -> [u8; N] {
    let mut out = [0u8; N];
    let mut at = 0;
    let mut p = 0;
    while p < parts.len() {
        let part = parts[p];
        let mut i = 0;
        while i < part.len() {
            out[at] = part[i];
            at += 1;
            i += 1;
        }
        p += 1;
    }
    assert!(at == N, "the parts do not fill the array");
    out
}

impl File {
    /// The sample JPEG under `filename`.
    pub(crate) fn sample_jpeg(filename: impl Into<String>) -> Self {
        File {
            content_type: "image/jpeg".to_owned(),
            filename: filename.into(),
            bytes: Bytes::from_static(&SAMPLE_JPEG),
        }
    }
}

/// `attachment; filename="…"`, with the characters a quoted string cannot
/// hold replaced.
fn disposition(filename: &str) -> String {
    let safe: String = filename
        .chars()
        .map(|c| match c {
            '"' | '\\' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    format!("attachment; filename=\"{safe}\"")
}

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        match self {
            Answer::Json(value) => Json(value).into_response(),
            Answer::File(file) => (
                [
                    (header::CONTENT_TYPE, file.content_type),
                    (header::CONTENT_DISPOSITION, disposition(&file.filename)),
                ],
                file.bytes,
            )
                .into_response(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_jpeg_is_framed_by_its_markers() {
        assert_eq!(&SAMPLE_JPEG[..2], &[0xFF, 0xD8]);
        assert_eq!(&SAMPLE_JPEG[SAMPLE_JPEG.len() - 2..], &[0xFF, 0xD9]);
        assert_eq!(&SAMPLE_JPEG[6..10], b"JFIF");
        assert_eq!(&SAMPLE_JPEG[20..22], &[0xFF, 0xDB]);
    }

    #[test]
    fn the_filename_is_quoted_safely() {
        assert_eq!(
            disposition("a\"b\\c\n.jpg"),
            "attachment; filename=\"a_b_c_.jpg\""
        );
    }
}
