//! How log lines show identifiers taken from a push (AppIds, `InfoType`,
//! `MsgType`): never the raw text, which an attacker may choose.

use std::borrow::Cow;

/// The identifier itself when it is 1 to 64 ASCII letters, digits, `_` or
/// `-`, else only its length: no line feed, escape or megabyte of text
/// reaches a log line.
pub(crate) fn loggable(value: &str) -> Cow<'_, str> {
    let identifier = (1..=64).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if identifier {
        Cow::Borrowed(value)
    } else {
        Cow::Owned(format!("<{} bytes>", value.len()))
    }
}

#[cfg(test)]
mod tests {
    use super::loggable;

    #[test]
    fn identifiers_pass_and_anything_else_is_a_length() {
        assert_eq!(loggable("wx1234567890abcdef"), "wx1234567890abcdef");
        assert_eq!(loggable("weapp_audit_success"), "weapp_audit_success");
        assert_eq!(loggable("a\nforged"), "<8 bytes>");
        assert_eq!(loggable("\u{1b}[31m"), "<5 bytes>");
        assert_eq!(loggable(""), "<0 bytes>");
        assert_eq!(loggable(&"x".repeat(65)), "<65 bytes>");
    }
}
