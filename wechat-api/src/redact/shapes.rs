//! Masking values by the shape around them: whatever follows a
//! secret-looking key (`access_token`, `secret`, `component_verify_ticket`,
//! `code`...) in JSON (`"key": "value"`, also escaped inside a JSON string),
//! a query string or form (`key=value`, URL-encoded or not, `&amp;`-joined in
//! HTML), plain text (`key: value`) or an XML element (`<Key>value</Key>`,
//! CDATA too). This catches secrets the client does not know (a refresh
//! token held only in the store, an OAuth code); the ones it knows are
//! masked wherever they appear by [`super::known`].

/// What a masked value is replaced with.
pub(crate) const MASK: &str = "[redacted]";

/// Words that make a key secret-looking, matched case-insensitively as
/// substrings (`authorizer_access_token`, `ComponentVerifyTicket`,
/// `session_key`...).
const SECRET_WORDS: [&str; 6] = ["token", "ticket", "secret", "code", "key", "password"];

/// Keys that contain a secret word but never hold a secret.
const NOT_SECRET: [&str; 1] = ["errcode"];

/// `text` with the value of every secret-looking key replaced by
/// [`MASK`]. A value cut off by the end of `text` is masked to the end.
pub(crate) fn mask(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        let Some(separator) = separator_at(bytes, i) else {
            i += 1;
            continue;
        };
        let after = i + separator.len;
        let value = key_before(bytes, i, separator.kind)
            .filter(|key| is_secret_key(key))
            .and_then(|_| value_span(bytes, after, separator.kind));
        match value {
            Some((from, to)) => {
                // every index is at an ASCII byte or the end: char boundaries
                out.push_str(&text[copied..from]);
                out.push_str(MASK);
                copied = to;
                i = to.max(after);
            }
            None => i = after,
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// Whether a key names a secret.
pub(crate) fn is_secret_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    !NOT_SECRET.contains(&key.as_str()) && SECRET_WORDS.iter().any(|word| key.contains(word))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `=`, `:` and their URL-encoded forms.
    Assign,
    /// The `>` closing an XML or HTML start tag.
    Tag,
}

struct Separator {
    kind: Kind,
    len: usize,
}

fn separator_at(bytes: &[u8], i: usize) -> Option<Separator> {
    let assign = |len| {
        Some(Separator {
            kind: Kind::Assign,
            len,
        })
    };
    match bytes[i] {
        b'=' | b':' => assign(1),
        b'>' => Some(Separator {
            kind: Kind::Tag,
            len: 1,
        }),
        b'%' if starts_with_ci(bytes, i, b"%3D") => assign(3),
        b'%' if starts_with_ci(bytes, i, b"%253D") => assign(5),
        _ => None,
    }
}

/// The key right before the separator at `end`: an identifier, possibly
/// closed by a quote (`"`, `\"`, `'`, `&quot;`, `%22`) and followed by
/// spaces; for a tag, the element name after `<`.
fn key_before(bytes: &[u8], end: usize, kind: Kind) -> Option<&str> {
    let mut j = end;
    if kind == Kind::Assign {
        while j > 0 && bytes[j - 1].is_ascii_whitespace() {
            j -= 1;
        }
        for quote in [&b"&quot;"[..], b"%22", b"\\\"", b"\"", b"'"] {
            if bytes[..j].ends_with(quote) {
                j -= quote.len();
                break;
            }
        }
    }
    let key_end = j;
    while j > 0 && is_key_byte(bytes[j - 1]) {
        j -= 1;
    }
    if j == key_end || (kind == Kind::Tag && (j == 0 || bytes[j - 1] != b'<')) {
        return None;
    }
    std::str::from_utf8(&bytes[j..key_end]).ok()
}

fn is_key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
}

/// The byte range of the value that starts at `start` (after spaces and an
/// opening quote), or `None` when there is nothing to mask (an empty value,
/// an object or a list, whose own keys are looked at one by one).
fn value_span(bytes: &[u8], start: usize, kind: Kind) -> Option<(usize, usize)> {
    let mut from = start;
    if kind == Kind::Tag {
        const CDATA: &[u8] = b"<![CDATA[";
        if bytes[from..].starts_with(CDATA) {
            from += CDATA.len();
            let to = find(bytes, from, b"]]>").unwrap_or(bytes.len());
            return (to > from).then_some((from, to));
        }
        let to = find(bytes, from, b"<").unwrap_or(bytes.len());
        return (to > from).then_some((from, to));
    }
    while from < bytes.len() && bytes[from].is_ascii_whitespace() {
        from += 1;
    }
    let rest = &bytes[from..];
    let to = if rest.starts_with(b"\"") {
        from += 1;
        closing_quote(bytes, from)
    } else if let Some(quote) = [&b"\\\""[..], b"&quot;", b"%22", b"'"]
        .into_iter()
        .find(|quote| rest.starts_with(quote))
    {
        from += quote.len();
        find(bytes, from, quote).unwrap_or(bytes.len())
    } else if rest.first().is_some_and(|b| matches!(b, b'{' | b'[')) {
        return None;
    } else {
        unquoted_end(bytes, from)
    };
    (to > from).then_some((from, to))
}

/// The index of the closing quote of a JSON string whose content starts at
/// `from` (honouring backslash escapes), or the end of the text.
fn closing_quote(bytes: &[u8], from: usize) -> usize {
    let mut escaped = false;
    for (i, &b) in bytes.iter().enumerate().skip(from) {
        match b {
            b'\\' if !escaped => escaped = true,
            b'"' if !escaped => return i,
            _ => escaped = false,
        }
    }
    bytes.len()
}

/// Where an unquoted value ends: at a delimiter of a query string, a JSON
/// document, HTML or prose, or at an URL-encoded `&` or quote.
fn unquoted_end(bytes: &[u8], from: usize) -> usize {
    let mut i = from;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_whitespace()
            || matches!(
                b,
                b'&' | b',' | b';' | b'"' | b'\'' | b'<' | b'>' | b'#' | b')' | b']' | b'}' | b'\\'
            )
        {
            return i;
        }
        if b == b'%'
            && [&b"%26"[..], b"%2526", b"%22", b"%2522"]
                .iter()
                .any(|delimiter| starts_with_ci(bytes, i, delimiter))
        {
            return i;
        }
        i += 1;
    }
    bytes.len()
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|window| window == needle)
        .map(|at| from + at)
}

fn starts_with_ci(bytes: &[u8], at: usize, prefix: &[u8]) -> bool {
    bytes
        .get(at..at + prefix.len())
        .is_some_and(|s| s.eq_ignore_ascii_case(prefix))
}

#[cfg(test)]
mod tests {
    use super::mask;

    #[track_caller]
    fn hides(text: &str, secret: &str) -> String {
        let masked = mask(text);
        assert!(!masked.contains(secret), "{secret} in {masked}");
        masked
    }

    #[test]
    fn json_pairs() {
        let s = hides(
            r#"{"access_token":"SECRET1","expires_in":7200,"errcode":0,"openid":"o1"}"#,
            "SECRET1",
        );
        assert_eq!(
            s,
            r#"{"access_token":"[redacted]","expires_in":7200,"errcode":0,"openid":"o1"}"#
        );
        let s = hides(
            r#"{"x":"a\"b","component_verify_ticket": "ticket@@@xyz"#,
            "xyz",
        );
        assert!(s.contains(r#""a\"b""#), "{s}");
        hides(r#"{"session_key" : "tiger\"s=="}"#, "tiger");
        hides(r#"{"request":"{\"secret\":\"S3CR3T\"}"}"#, "S3CR3T");
        hides(r#"{"refresh_token":12345678}"#, "12345678");
        // objects and lists are walked key by key
        let s = mask(r#"{"ticket_list":[{"id":1}],"code":{"a":1}}"#);
        assert!(s.contains(r#""id":1"#) && s.contains(r#""a":1"#), "{s}");
    }

    #[test]
    fn query_strings_and_forms() {
        let s = hides(
            r#"{"request":"GET /cgi-bin/token?grant_type=client_credential&appid=wx1&secret=S3CR3T"}"#,
            "S3CR3T",
        );
        assert!(s.contains("appid=wx1&secret=[redacted]\""), "{s}");
        hides(
            "upstream error for /cgi-bin/ticket/getticket?access_token=TOKEN1&type=jsapi",
            "TOKEN1",
        );
        hides("component_access_token=TOKEN2", "TOKEN2");
        hides("a=1&authorizer_refresh_token=REFRESH%40x&b=2", "REFRESH");
        hides("code=061abc&state=x", "061abc");
        // URL-encoded inside another URL, once and twice
        hides(
            "redirect=https%3A%2F%2Fx%2Fy%3Faccess_token%3DTOKEN3%26type%3Djsapi",
            "TOKEN3",
        );
        hides("redirect=x%253Faccess_token%253DTOKEN4%2526b", "TOKEN4");
        // HTML-escaped query string
        hides(
            "<p>GET /cgi-bin/token?appid=wx1&amp;secret=S3CR3T&amp;x=1</p>",
            "S3CR3T",
        );
    }

    #[test]
    fn prose_html_and_xml() {
        hides("Error: invalid access_token: TOKEN5 (rid 1)", "TOKEN5");
        hides("ticket = TICKET6", "TICKET6");
        hides(
            "<xml><ComponentVerifyTicket><![CDATA[ticket@@@TICKET7]]></ComponentVerifyTicket></xml>",
            "TICKET7",
        );
        hides("<td><AuthCode>CODE8</AuthCode></td>", "CODE8");
        hides("{&quot;access_token&quot;:&quot;TOKEN9&quot;}", "TOKEN9");
        hides("{'secret': 'S3CR3T'}", "S3CR3T");
    }

    #[test]
    fn keeps_what_is_not_secret() {
        for text in [
            r#"{"errcode":40001,"errmsg":"invalid credential"}"#,
            "https://api.weixin.qq.com/cgi-bin/token?grant_type=client_credential",
            "<html><body>502 Bad Gateway</body></html>",
            "a > b and c = d",
            "",
        ] {
            assert_eq!(mask(text), text);
        }
    }

    #[test]
    fn never_panics_on_odd_text() {
        for text in [
            "=",
            ":",
            ">",
            "%3D",
            "secret=",
            "secret:\"",
            "<token>",
            "token=%2",
            "\"token\":\"\\",
            "é=é:é>é",
            "<ticket><![CDATA[",
            "key:'",
        ] {
            let _ = mask(text);
        }
    }
}
