//! Keeping secrets out of errors and logs.
//!
//! Text WeChat (or a proxy in front of it) sends back can echo the request,
//! with its AppSecret or token. Before such text goes into an error it is
//! masked twice: by shape ([`shapes`]: the value of every secret-looking
//! key, in JSON, query strings, forms, HTML, XML and prose) and by value
//! ([`known`]: every secret the client knows, in every encoding). Only the
//! start of a body is ever looked at, so a huge body costs nothing more.

mod known;
mod shapes;

pub(crate) use known::KnownSecrets;
pub(crate) use shapes::is_secret_key;

/// How many characters of a body an error quotes.
pub(crate) const SNIPPET_CHARS: usize = 200;

/// How many characters of an `errmsg` an error keeps.
pub(crate) const MESSAGE_CHARS: usize = 512;

/// How many bytes of a body are looked at, besides room for the longest
/// known secret in its longest encoding.
const WINDOW_BYTES: usize = 4096;

/// The start of `body` (lossy UTF-8, at most [`SNIPPET_CHARS`] characters
/// and `…` when cut), redacted; `(empty body)` for an empty one. Reads at
/// most a few KiB of `body`, however long it is.
pub(crate) fn snippet(body: &[u8], secrets: &KnownSecrets) -> String {
    let out = redacted_prefix(body, SNIPPET_CHARS, secrets);
    if out.is_empty() {
        "(empty body)".to_owned()
    } else {
        out
    }
}

/// `message` (an `errmsg`), redacted and cut to [`MESSAGE_CHARS`].
pub(crate) fn message(message: &str, secrets: &KnownSecrets) -> String {
    redacted_prefix(message.as_bytes(), MESSAGE_CHARS, secrets)
}

fn redacted_prefix(body: &[u8], max_chars: usize, secrets: &KnownSecrets) -> String {
    // room for a known secret that starts in the part shown and runs on
    let tail = secrets.longest() * known::MAX_ENCODED_BYTE + 4;
    let window = WINDOW_BYTES + tail;
    let complete = body.len() <= window;
    let text = String::from_utf8_lossy(&body[..body.len().min(window)]);
    let shaped = shapes::mask(&text);
    let limit = if complete {
        shaped.len()
    } else {
        // a known secret starting before `limit` ends inside the window
        floor_char_boundary(&shaped, shaped.len().saturating_sub(tail))
    };
    let masked = secrets.mask(&shaped, limit);
    let mut out: String = masked.chars().take(max_chars).collect();
    if !complete || masked.chars().nth(max_chars).is_some() {
        out.push('…');
    }
    out
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

#[cfg(test)]
mod tests {
    use super::{KnownSecrets, message, snippet};

    fn known(values: &[&str]) -> KnownSecrets {
        let mut known = KnownSecrets::default();
        for value in values {
            known.add(value);
        }
        known
    }

    #[test]
    fn masks_token_values_and_keeps_the_rest() {
        let s = snippet(
            br#"{"access_token":"SECRET1","expires_in":7200,"errcode":0,"openid":"o1"}"#,
            &known(&[]),
        );
        assert!(!s.contains("SECRET1"), "{s}");
        assert!(s.contains("\"openid\":\"o1\"") && s.contains("7200"), "{s}");
    }

    #[test]
    fn long_bodies_are_cut_and_empty_ones_named() {
        let long = "<html>".repeat(100);
        let s = snippet(long.as_bytes(), &known(&[]));
        assert!(s.chars().count() <= 201 && s.ends_with('…'));
        assert_eq!(snippet(b"", &known(&[])), "(empty body)");
        assert_eq!(message("", &known(&[])), "");
    }

    #[test]
    fn a_known_secret_across_the_cut_leaves_no_prefix() {
        let secret = "PLANTEDSECRETVALUE";
        let k = known(&[secret]);
        for at in 180..205 {
            let body = format!("{}{secret} and more text after it", "x".repeat(at));
            let s = snippet(body.as_bytes(), &k);
            assert!(!s.contains("PLANT"), "{at}: {s}");
        }
    }

    #[test]
    fn a_known_secret_across_the_window_is_not_shown_in_part() {
        // masking shrinks a long secret to a few characters, so the end of
        // the window comes into view
        let secret = format!("PLANTED{}END", "0123456789".repeat(50));
        let k = known(&[&secret]);
        for extra in [0, 1, 7, 250, 509] {
            let body = format!("{}{}", "y".repeat(extra), format!("{secret} ").repeat(100));
            let s = snippet(body.as_bytes(), &k);
            assert!(s.ends_with('…'), "{s}");
            assert!(
                !s.contains("PLANT") && !s.contains("012345") && !s.contains("END"),
                "{s}"
            );
        }
    }

    #[test]
    fn invalid_utf8_and_multibyte_text() {
        let k = known(&["令牌令牌令牌"]);
        let mut body = "é".repeat(150).into_bytes();
        body.extend_from_slice(&[0xff, 0xfe]);
        body.extend_from_slice("令牌令牌令牌".as_bytes());
        let s = snippet(&body, &k);
        assert!(!s.contains("令牌令牌令牌"), "{s}");
        let s = snippet(&"令".repeat(5000).into_bytes(), &k);
        assert!(s.ends_with('…'));
    }
}
