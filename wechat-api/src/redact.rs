//! Keeping secrets out of errors and logs: body snippets with token values
//! masked.

/// How much of a body an error quotes.
const SNIPPET_CHARS: usize = 200;

/// Keys whose string values are masked, matched case-insensitively as
/// substrings (`authorizer_access_token`, `component_verify_ticket`...).
const SECRET_KEYS: [&str; 5] = ["token", "ticket", "secret", "code", "key"];

/// The start of `body` (lossy UTF-8, at most 200 characters), with the values
/// of secret-looking JSON keys replaced by `[redacted]`. Works on truncated or
/// invalid JSON too: it only looks at `"key": "value"` pairs.
pub fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let masked = mask(&text);
    let mut out: String = masked.chars().take(SNIPPET_CHARS).collect();
    if masked.chars().nth(SNIPPET_CHARS).is_some() {
        out.push('…');
    }
    if out.is_empty() {
        out.push_str("(empty body)");
    }
    out
}

fn mask(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut mask_next_value = false;
    while let Some(start) = rest.find('"') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let end = closing_quote(after).unwrap_or(after.len());
        let content = &after[..end];
        let tail = after.get(end + 1..).unwrap_or("");
        let is_key = tail.trim_start().starts_with(':');
        if mask_next_value && !is_key {
            out.push_str("\"[redacted]\"");
            mask_next_value = false;
        } else {
            out.push('"');
            out.push_str(content);
            if end < after.len() {
                out.push('"');
            }
            mask_next_value = is_key && is_secret_key(content);
        }
        rest = tail;
    }
    out.push_str(rest);
    out
}

/// Index of the closing quote of a JSON string, honouring backslash escapes.
fn closing_quote(s: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => return Some(i),
            _ => escaped = false,
        }
    }
    None
}

fn is_secret_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    key != "errcode" && SECRET_KEYS.iter().any(|s| key.contains(s))
}

#[cfg(test)]
mod tests {
    use super::snippet;

    #[test]
    fn masks_token_values_and_keeps_the_rest() {
        let s =
            snippet(br#"{"access_token":"SECRET1","expires_in":7200,"errcode":0,"openid":"o1"}"#);
        assert!(!s.contains("SECRET1"), "{s}");
        assert!(s.contains("\"openid\":\"o1\"") && s.contains("7200"), "{s}");
    }

    #[test]
    fn masks_in_truncated_json_and_escaped_strings() {
        let s = snippet(br#"{"x":"a\"b","component_verify_ticket": "ticket@@@xyz"#);
        assert!(!s.contains("xyz"), "{s}");
        assert!(s.contains(r#""a\"b""#), "{s}");
    }

    #[test]
    fn long_bodies_are_cut_and_empty_ones_named() {
        let long = "<html>".repeat(100);
        let s = snippet(long.as_bytes());
        assert!(s.chars().count() <= 201 && s.ends_with('…'));
        assert_eq!(snippet(b""), "(empty body)");
    }
}
