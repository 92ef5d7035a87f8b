//! Rust identifiers: what the spec's names must be, and what to suggest
//! (and generate, to keep going) when they are not.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// A non-keyword identifier: usable as a struct member as it is.
pub fn is_plain_ident(s: &str) -> bool {
    is_ident(s) && !is_keyword(s)
}

/// An ASCII identifier (keywords included).
pub fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c == '_' || c.is_ascii_alphabetic() => {}
        _ => return false,
    }
    s != "_" && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

/// A snake_case identifier that is not a keyword, and starts with a letter
/// (so that its UpperCamelCase form, which names generated types and
/// traits, is an identifier too).
pub fn is_snake_ident(s: &str) -> bool {
    is_plain_ident(s) && s.starts_with(|c: char| c.is_ascii_alphabetic()) && s.to_snake_case() == s
}

/// An UpperCamelCase identifier that is not a keyword.
pub fn is_camel_ident(s: &str) -> bool {
    is_plain_ident(s) && s.to_upper_camel_case() == s
}

/// A snake_case identifier close to `name` (what an error suggests, and
/// what generation uses meanwhile).
pub fn suggest_snake(name: &str) -> String {
    let snake: String = name
        .replace(['-', '/', '.', ' '], "_")
        .to_snake_case()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    let snake = snake.trim_start_matches('_').to_owned();
    match snake {
        s if s.is_empty() => "unnamed".to_string(),
        s if s.starts_with(|c: char| c.is_ascii_digit()) => format!("n_{s}"),
        s if is_keyword(&s) => format!("{s}_value"),
        s => s,
    }
}

/// An UpperCamelCase identifier close to `name`.
pub fn suggest_camel(name: &str) -> String {
    // twice: `a-b` gives `AB`, which heck itself would write `Ab`
    let camel: String = name
        .replace(['-', '/', '.', ' '], "_")
        .to_upper_camel_case()
        .to_upper_camel_case()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    match camel {
        s if s.is_empty() => "Unnamed".to_string(),
        s if s.starts_with(|c: char| c.is_ascii_digit()) => format!("V{s}"),
        s if is_keyword(&s) => format!("{s}Value"),
        s => s,
    }
}

/// Every strict and reserved keyword of edition 2024.
pub fn is_keyword(s: &str) -> bool {
    const KEYWORDS: &[&str] = &[
        "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn",
        "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref",
        "return", "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe",
        "use", "where", "while", "async", "await", "dyn", "abstract", "become", "box", "do",
        "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try",
        "gen",
    ];
    KEYWORDS.contains(&s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_are_valid_identifiers() {
        for name in [
            "queryAuth",
            "a-b",
            "type",
            "1st",
            "",
            "MiniProgramInfo",
            "Self",
        ] {
            assert!(
                is_snake_ident(&suggest_snake(name)),
                "{name} -> {}",
                suggest_snake(name)
            );
            assert!(
                is_camel_ident(&suggest_camel(name)),
                "{name} -> {}",
                suggest_camel(name)
            );
        }
        assert_eq!(suggest_snake("queryAuth"), "query_auth");
        assert_eq!(suggest_snake("type"), "type_value");
        assert_eq!(suggest_camel("wx_card"), "WxCard");
        assert_eq!(suggest_camel("0"), "V0");
    }
}
