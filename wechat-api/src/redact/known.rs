//! Masking the secret values the client knows (the configured AppSecrets,
//! message tokens and EncodingAESKeys, the token a call used, the tokens the
//! manager holds) wherever they appear, in any of the encodings an echo of
//! the request may use: as is, URL-encoded once or twice (hex in either
//! case, byte by byte, so partly encoded forms match too), JSON-escaped
//! (`\/`, `\u0040`) or HTML-escaped (`&amp;`, `&#64;`, `&#x40;`).

use std::collections::HashSet;

use super::shapes::MASK;

/// Values shorter than this are not searched for: no real secret is that
/// short, and masking them would garble every snippet.
pub(crate) const MIN_SECRET_CHARS: usize = 6;

/// The longest form one byte of a secret can take in the text (an HTML
/// entity with leading zeros, `&#x00040;`).
pub(crate) const MAX_ENCODED_BYTE: usize = 10;

/// The secret values one call knows.
#[derive(Default)]
pub(crate) struct KnownSecrets {
    values: HashSet<String>,
}

impl KnownSecrets {
    /// Adds `value` (ignored when shorter than [`MIN_SECRET_CHARS`]).
    pub(crate) fn add(&mut self, value: &str) {
        if value.chars().count() >= MIN_SECRET_CHARS && !self.values.contains(value) {
            self.values.insert(value.to_owned());
        }
    }

    /// The length in bytes of the longest value.
    pub(crate) fn longest(&self) -> usize {
        self.values.iter().map(String::len).max().unwrap_or(0)
    }

    /// `text` up to byte `limit` (a char boundary), with every occurrence
    /// of a known value that starts before `limit` replaced by [`MASK`],
    /// also where the occurrence runs past `limit`.
    ///
    /// Values are looked up by the byte the text at each position stands
    /// for, so thousands of known values (a platform's authorizer tokens)
    /// cost little more than a few.
    pub(crate) fn mask(&self, text: &str, limit: usize) -> String {
        let mut by_first_byte: Vec<Vec<&[u8]>> = vec![Vec::new(); 256];
        for value in &self.values {
            if let Some(&first) = value.as_bytes().first() {
                by_first_byte[usize::from(first)].push(value.as_bytes());
            }
        }
        let bytes = text.as_bytes();
        let mut out = String::with_capacity(limit);
        let mut copied = 0;
        let mut i = 0;
        while i < limit {
            let longest = first_bytes_at(bytes, i)
                .into_iter()
                .flat_map(|first| &by_first_byte[usize::from(first)])
                .filter_map(|value| encoded_len_at(bytes, i, value))
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

/// The bytes the text at `at` can stand for: itself, or what the escape
/// starting there encodes.
fn first_bytes_at(text: &[u8], at: usize) -> Vec<u8> {
    decodings(text, at)
        .into_iter()
        .map(|(byte, _)| byte)
        .collect()
}

/// The length of the longest encoded form of `secret` found at `at`.
///
/// Tracks every position an encoded prefix can end at (a `%` of the secret
/// can be `%` or `%25`), so the search never backtracks.
fn encoded_len_at(text: &[u8], at: usize, secret: &[u8]) -> Option<usize> {
    let mut ends = vec![at];
    for &byte in secret {
        let mut next = Vec::with_capacity(ends.len());
        for &end in &ends {
            for (decoded, len) in decodings(text, end) {
                if decoded == byte && !next.contains(&(end + len)) {
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

/// Every byte the text at `at` can stand for, with the length of its form:
/// the byte itself; `%HH` and `%25HH` (URL-encoded once or twice, hex in
/// either case); `+` for a space; the JSON escapes `\/`, `\\`, `\"` and
/// `\u00HH`, also escaped again (`\\u00HH`); the HTML entities `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`,
/// `&#DD;` and `&#xHH;`.
fn decodings(text: &[u8], at: usize) -> Vec<(u8, usize)> {
    let Some(rest) = text.get(at..) else {
        return Vec::new();
    };
    let Some(&first) = rest.first() else {
        return Vec::new();
    };
    let mut found = vec![(first, 1)];
    match first {
        b'%' => {
            if let Some(byte) = hex_byte(&rest[1..]) {
                found.push((byte, 3));
                if byte == b'%'
                    && let Some(inner) = rest.get(3..).and_then(hex_byte)
                {
                    found.push((inner, 5));
                }
            }
        }
        b'+' => found.push((b' ', 1)),
        b'\\' => {
            // JSON escapes, also escaped again (JSON in a JSON string):
            // `\u0040`, `\\u0040`, `\/`, `\\/`
            let slashes = rest.iter().take(8).take_while(|&&b| b == b'\\').count();
            let after = &rest[slashes..];
            match after.first() {
                Some(&c @ (b'/' | b'"')) => found.push((c, slashes + 1)),
                Some(b'u') => {
                    let code = after.get(1..5).and_then(|hex| {
                        let hex = std::str::from_utf8(hex).ok()?;
                        u8::from_str_radix(hex.strip_prefix("00")?, 16).ok()
                    });
                    if let Some(byte) = code.filter(u8::is_ascii) {
                        found.push((byte, slashes + 5));
                    }
                }
                _ => {}
            }
            if slashes >= 2 {
                found.push((b'\\', 2));
            }
            if slashes >= 4 {
                found.push((b'\\', 4));
            }
        }
        b'&' => {
            let end = rest.iter().take(10).position(|&b| b == b';');
            if let Some(end) = end {
                let entity = &rest[1..end];
                let byte = match entity {
                    b"amp" => Some(u32::from(b'&')),
                    b"lt" => Some(u32::from(b'<')),
                    b"gt" => Some(u32::from(b'>')),
                    b"quot" => Some(u32::from(b'"')),
                    b"apos" => Some(u32::from(b'\'')),
                    [b'#', b'x' | b'X', hex @ ..] => std::str::from_utf8(hex)
                        .ok()
                        .and_then(|h| u32::from_str_radix(h, 16).ok()),
                    [b'#', decimal @ ..] => std::str::from_utf8(decimal)
                        .ok()
                        .and_then(|d| d.parse::<u32>().ok()),
                    _ => None,
                }
                .and_then(|code| u8::try_from(code).ok())
                .filter(u8::is_ascii);
                if let Some(byte) = byte {
                    found.push((byte, end + 1));
                }
            }
        }
        _ => {}
    }
    found
}

/// The byte `HH` (either case) at the start of `hex`.
fn hex_byte(hex: &[u8]) -> Option<u8> {
    let digit = |b: u8| (b as char).to_digit(16);
    let high = digit(*hex.first()?)?;
    let low = digit(*hex.get(1)?)?;
    u8::try_from(high * 16 + low).ok()
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
            "ticket\\\\u0040@@x\\\\/y z",
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
    fn thousands_of_values_are_all_found() {
        let values: Vec<String> = (0..5000).map(|i| format!("tok@{i:05}-xyz")).collect();
        let mut k = KnownSecrets::default();
        values.iter().for_each(|v| k.add(v));
        let text = format!(
            "a {} b tok%40{}-xyz c &#x0040; {}",
            values[17],
            "04321",
            values[4999].replace('@', "&#00064;")
        );
        assert_eq!(
            k.mask(&text, text.len()),
            "a [redacted] b [redacted] c &#x0040; [redacted]"
        );
    }

    #[test]
    fn percent_signs_in_secrets() {
        let k = known(&["50%%off!"]);
        for text in ["50%%off!", "50%25%25off%21", "50%%25off!"] {
            assert_eq!(k.mask(text, text.len()), "[redacted]", "{text}");
        }
    }
}
