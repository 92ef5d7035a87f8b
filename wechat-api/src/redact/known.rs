//! Masking the secret values the client knows (the configured AppSecrets,
//! message tokens and EncodingAESKeys, the token a call used, the tokens the
//! manager holds) wherever they appear, in any of the encodings an echo of
//! the request may use: as is, URL-encoded once or twice (hex in either
//! case, byte by byte, so partly encoded forms match too), JSON-escaped
//! (`\/`, `\u0040`) or HTML-escaped (`&amp;`, `&#64;`, `&#x40;`).

use super::shapes::MASK;

/// Values shorter than this are not searched for: no real secret is that
/// short, and masking them would garble every snippet.
pub(crate) const MIN_SECRET_CHARS: usize = 6;

/// The longest form one byte of a secret can take in the text
/// (`%25HH`, `&#xHH;`, `\u00HH`).
pub(crate) const MAX_ENCODED_BYTE: usize = 6;

/// The secret values one call knows.
#[derive(Default)]
pub(crate) struct KnownSecrets {
    values: Vec<String>,
}

impl KnownSecrets {
    /// Adds `value` (ignored when shorter than [`MIN_SECRET_CHARS`] or
    /// already known).
    pub(crate) fn add(&mut self, value: &str) {
        if value.chars().count() >= MIN_SECRET_CHARS && !self.values.iter().any(|v| v == value) {
            self.values.push(value.to_owned());
        }
    }

    /// The length in bytes of the longest value.
    pub(crate) fn longest(&self) -> usize {
        self.values.iter().map(String::len).max().unwrap_or(0)
    }

    /// `text` up to byte `limit` (a char boundary), with every occurrence
    /// of a known value that starts before `limit` replaced by [`MASK`],
    /// also where the occurrence runs past `limit`.
    pub(crate) fn mask(&self, text: &str, limit: usize) -> String {
        let bytes = text.as_bytes();
        let mut out = String::with_capacity(limit);
        let mut copied = 0;
        let mut i = 0;
        while i < limit {
            let longest = self
                .values
                .iter()
                .filter_map(|value| encoded_len_at(bytes, i, value.as_bytes()))
                .max();
            match longest {
                Some(len) => {
                    // a match starts and ends on char boundaries: its first
                    // and last units are whole characters or ASCII escapes
                    out.push_str(&text[copied..i]);
                    out.push_str(MASK);
                    i += len;
                    copied = i;
                }
                None => i += 1,
            }
        }
        if copied < limit {
            out.push_str(&text[copied..limit]);
        }
        out
    }
}

/// The length of the longest encoded form of `secret` found at `at`.
///
/// Tracks every position an encoded prefix can end at (a `%` of the secret
/// can be `%` or `%25`), so the search never backtracks.
fn encoded_len_at(text: &[u8], at: usize, secret: &[u8]) -> Option<usize> {
    let first = *text.get(at)?;
    if secret.first() != Some(&first) && !matches!(first, b'%' | b'\\' | b'&' | b'+') {
        return None;
    }
    let mut ends = vec![at];
    for &byte in secret {
        let mut next = Vec::with_capacity(ends.len());
        for &end in &ends {
            for len in unit_lens(text, end, byte) {
                if !next.contains(&(end + len)) {
                    next.push(end + len);
                }
            }
        }
        if next.is_empty() {
            return None;
        }
        ends = next;
    }
    ends.into_iter().max().map(|end| end - at)
}

/// The lengths of the forms of `byte` found at `at`.
fn unit_lens(text: &[u8], at: usize, byte: u8) -> Vec<usize> {
    let Some(rest) = text.get(at..) else {
        return Vec::new();
    };
    let mut lens = Vec::new();
    if rest.first() == Some(&byte) {
        lens.push(1);
    }
    let hex = [HEX[usize::from(byte >> 4)], HEX[usize::from(byte & 0xf)]];
    // URL-encoded once or twice: %HH, %25HH
    for prefix in [&b"%"[..], b"%25"] {
        if starts_with_ci(rest, prefix) && starts_with_ci(&rest[prefix.len()..], &hex) {
            lens.push(prefix.len() + 2);
        }
    }
    if byte == b' ' && rest.first() == Some(&b'+') {
        lens.push(1);
    }
    if byte.is_ascii() {
        let json = [b'\\', b'u', b'0', b'0', hex[0], hex[1]];
        let html_hex = [b'&', b'#', b'x', hex[0], hex[1], b';'];
        let html_dec = format!("&#{byte};");
        for form in [&json[..], &html_hex, html_dec.as_bytes()] {
            if starts_with_ci(rest, form) {
                lens.push(form.len());
            }
        }
        let named: &[u8] = match byte {
            b'/' => b"\\/",
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            _ => b"",
        };
        if !named.is_empty() && rest.starts_with(named) {
            lens.push(named.len());
        }
        if byte == b'"' && rest.starts_with(b"&quot;") {
            lens.push(6);
        }
    }
    lens
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

fn starts_with_ci(bytes: &[u8], prefix: &[u8]) -> bool {
    bytes
        .get(..prefix.len())
        .is_some_and(|s| s.eq_ignore_ascii_case(prefix))
}

#[cfg(test)]
mod tests {
    use super::KnownSecrets;

    fn known(values: &[&str]) -> KnownSecrets {
        let mut known = KnownSecrets::default();
        for value in values {
            known.add(value);
        }
        known
    }

    #[test]
    fn masks_every_encoding() {
        let k = known(&["ticket@@@x/y z", "ABCDEFGH"]);
        for text in [
            "ticket@@@x/y z",
            "ticket%40%40%40x%2Fy%20z",
            "ticket%40%40%40x%2fy+z",
            "ticket%2540%2540%2540x%252Fy%2520z",
            "ticket\\u0040@@x\\/y z",
            "ticket&#64;&#x40;@x/y z",
            "xxABCDEFGHxx",
        ] {
            let masked = k.mask(text, text.len());
            assert!(
                !masked.contains("ticket") && !masked.contains("ABCDEFGH"),
                "{text} -> {masked}"
            );
        }
        assert_eq!(k.mask("a ABCDEFGH b", 12), "a [redacted] b");
    }

    #[test]
    fn a_match_running_past_the_limit_is_masked_whole() {
        let k = known(&["ABCDEFGH"]);
        assert_eq!(k.mask("0123ABCDEFGH", 6), "0123[redacted]");
        assert_eq!(k.mask("0123ABCDEFGH", 3), "012");
    }

    #[test]
    fn short_values_are_not_searched_for() {
        let k = known(&["abc", ""]);
        assert_eq!(k.longest(), 0);
        assert_eq!(k.mask("abc", 3), "abc");
    }

    #[test]
    fn percent_signs_in_secrets() {
        let k = known(&["50%%off!"]);
        for text in ["50%%off!", "50%25%25off%21", "50%%25off!"] {
            assert_eq!(k.mask(text, text.len()), "[redacted]", "{text}");
        }
    }
}
