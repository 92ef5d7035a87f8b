//! A small, allocation-free scanner for WeChat's flat XML documents.
//!
//! Every WeChat callback document is one root element (`<xml>`) whose children
//! are leaf elements holding text or CDATA. This scanner walks those children
//! with `quick-xml`'s pull reader and hands each wanted one to a [`FieldSink`],
//! borrowing the text from the input whenever it can (no entity, no `\r`, a
//! single text or CDATA piece). Deeper elements are skipped without
//! recursion, so hostile nesting cannot exhaust the stack.
//!
//! Whitespace is trimmed at the ends of a value only where it comes from
//! plain text, never from CDATA: `<A> x </A>` is `x`, `<A><![CDATA[ x ]]></A>`
//! is ` x `.
//!
//! Speed: `quick-xml` costs some 40 ns per event, which is most of the time
//! spent on a small push. So a fast path first tries the exact shape WeChat
//! sends — a root element holding leaf elements with plain names, text
//! without entities or `\r`, and CDATA — and hands over to `quick-xml` as
//! soon as it meets anything else (declaration, comment, attribute, entity,
//! nesting, malformed markup…). A hand-over starts again with a fresh
//! [`FieldSink`], so no field is reported twice, and the fast path builds
//! values with the same [`Accumulator`] as the `quick-xml` path, so both give
//! the same values (a property test checks this).
//!
//! Errors never quote the document: a hostile sender chooses its bytes, and
//! an error message ends up in logs. They name the kind of fault, its byte
//! offset and the document's length, and at most the lengths of names.

use std::borrow::Cow;

use quick_xml::Reader;
use quick_xml::events::{BytesRef, Event};

use crate::{Error, Result};

/// Receives the wanted fields of a document.
pub(crate) trait FieldSink<'a>: Default {
    /// Identifies a wanted field.
    type Key;

    /// Which field an element name is, `None` to skip the element.
    fn classify(name: &str) -> Option<Self::Key>;

    /// Stores a field's value. An error stops the scan.
    fn set(&mut self, key: Self::Key, value: Cow<'a, str>) -> Result<()>;
}

/// Reads the children of the root element of `xml` into `sink` (which
/// should be fresh), in document order.
///
/// # Errors
///
/// [`Error::InvalidXml`] if the document is not well-formed (mismatched or
/// unclosed tags, unknown entity, no root element), or whatever
/// [`FieldSink::set`] returns. The message gives a byte offset, never the
/// document's text.
pub(crate) fn scan_fields<'a, S: FieldSink<'a>>(xml: &'a str, sink: &mut S) -> Result<()> {
    if let Some(result) = scan_fast(xml, sink) {
        return result;
    }
    // Start again from scratch: nothing the fast path stored is kept.
    *sink = S::default();
    scan_with_quick_xml(xml, sink)
}

/// Every child of the root, as `(name, value)` pairs: for
/// [`fields_by_both_paths`].
#[derive(Default)]
struct AllFields(Vec<(String, String)>);

impl<'a> FieldSink<'a> for AllFields {
    type Key = String;

    fn classify(name: &str) -> Option<String> {
        Some(name.to_owned())
    }

    fn set(&mut self, key: String, value: Cow<'a, str>) -> Result<()> {
        self.0.push((key, value.into_owned()));
        Ok(())
    }
}

/// Every child of the root of `xml` as `(name, value)` pairs, read by the
/// fast path alone (`None` where it hands over to `quick-xml`) and by
/// `quick-xml` alone. Where the fast path answers, both must agree: the
/// fuzz target `xml_paths` checks it. Not part of the API.
#[doc(hidden)]
pub fn fields_by_both_paths(xml: &str) -> FieldsByBothPaths {
    let mut fast = AllFields::default();
    let fast = match scan_fast(xml, &mut fast) {
        Some(Ok(())) => Some(fast.0),
        // `AllFields::set` never fails; a failure would be a hand-over.
        Some(Err(_)) | None => None,
    };
    let mut reference = AllFields::default();
    let reference = scan_with_quick_xml(xml, &mut reference).map(|()| reference.0);
    (fast, reference)
}

/// What [`fields_by_both_paths`] returns: the fast path's fields (if it
/// answered) and `quick-xml`'s.
#[doc(hidden)]
pub type FieldsByBothPaths = (Option<Vec<(String, String)>>, Result<Vec<(String, String)>>);

/// XML whitespace.
fn is_ws(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// `s` without its leading XML whitespace (byte-wise).
fn skip_ws(s: &str) -> &str {
    let n = s
        .bytes()
        .take_while(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
        .count();
    s.get(n..).unwrap_or_default()
}

/// Which bytes the fast path accepts in an element name: ASCII letters,
/// digits and `_` (a table: one load per byte instead of five comparisons).
const NAME_BYTE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || c == b'_';
        b += 1;
    }
    table
};

/// Splits a leading element name (ASCII letters, digits, `_`) off `s`.
fn split_name(s: &str) -> Option<(&str, &str)> {
    let end = s
        .bytes()
        .position(|b| !NAME_BYTE[usize::from(b)])
        .unwrap_or(s.len());
    if end == 0 {
        return None;
    }
    s.split_at_checked(end)
}

/// End of a CDATA section's content (`s` starts after `<![CDATA[`): where
/// `]]>` is. `None` if there is none, or if a `\r` comes first (line ends
/// are then normalized, which is `quick-xml`'s job). One SIMD pass looks for
/// both bytes.
fn cdata_end(s: &[u8]) -> Option<usize> {
    let mut from = 0;
    loop {
        let at = from + memchr::memchr2(b']', b'\r', s.get(from..)?)?;
        if s.get(at..)?.starts_with(b"]]>") {
            return Some(at);
        }
        if s.get(at) == Some(&b'\r') {
            return None;
        }
        from = at + 1;
    }
}

/// End of a plain text run: where the next `<` is. `None` if there is none,
/// or if an entity (`&`) or a `\r` comes first (`quick-xml`'s job).
fn text_end(s: &[u8]) -> Option<usize> {
    let at = memchr::memchr3(b'<', b'&', b'\r', s)?;
    (s.get(at) == Some(&b'<')).then_some(at)
}

/// The fast path: fills `sink`, or returns `None` to hand over to
/// `quick-xml` (unsupported construct or malformed document); `sink` is then
/// partly filled and must be dropped. `Some(Err(_))` is an error of
/// [`FieldSink::set`].
fn scan_fast<'a, S: FieldSink<'a>>(xml: &'a str, sink: &mut S) -> Option<Result<()>> {
    let (root, after_root) = split_name(skip_ws(xml).strip_prefix('<')?)?;
    let mut rest = after_root.strip_prefix('>')?;
    loop {
        let tag = skip_ws(rest).strip_prefix('<')?;
        if let Some(close) = tag.strip_prefix('/') {
            let (name, after) = split_name(close)?;
            let after = after.strip_prefix('>')?;
            return (name == root && skip_ws(after).is_empty()).then_some(Ok(()));
        }
        let (name, after_name) = split_name(tag)?;
        let value;
        if let Some(after) = after_name.strip_prefix("/>") {
            value = Cow::Borrowed("");
            rest = after;
        } else {
            (value, rest) = read_content(after_name.strip_prefix('>')?, name)?;
        }
        if let Some(key) = S::classify(name)
            && let Err(error) = sink.set(key, value)
        {
            return Some(Err(error));
        }
    }
}

/// Reads the content of element `name` up to its end tag; returns the value
/// and what follows the end tag.
fn read_content<'a>(body: &'a str, name: &str) -> Option<(Cow<'a, str>, &'a str)> {
    // The usual shapes first: a single CDATA section, or a single text.
    if let Some(cdata) = body.strip_prefix("<![CDATA[") {
        let end = cdata_end(cdata.as_bytes())?;
        let (content, after) = (cdata.get(..end)?, cdata.get(end + 3..)?);
        if let Some(rest) = end_tag(after, name) {
            return Some((Cow::Borrowed(content), rest));
        }
    } else {
        let (text, after) = body.split_at_checked(text_end(body.as_bytes())?)?;
        if let Some(rest) = end_tag(after, name) {
            return Some((Accumulator::single_text(text), rest));
        }
    }
    // Mixed text and CDATA.
    let mut body = body;
    let mut acc = Accumulator::default();
    loop {
        let (text, markup) = body.split_at_checked(text_end(body.as_bytes())?)?;
        if !text.is_empty() {
            acc.push(Cow::Borrowed(text), true);
        }
        if let Some(cdata) = markup.strip_prefix("<![CDATA[") {
            let end = cdata_end(cdata.as_bytes())?;
            acc.push(Cow::Borrowed(cdata.get(..end)?), false);
            body = cdata.get(end + 3..)?;
        } else {
            return Some((acc.finish(), end_tag(markup, name)?));
        }
    }
}

/// If `s` starts with the end tag `</name>`, what follows it.
fn end_tag<'a>(s: &'a str, name: &str) -> Option<&'a str> {
    s.strip_prefix("</")?.strip_prefix(name)?.strip_prefix('>')
}

/// The general path: `quick-xml`'s pull reader.
fn scan_with_quick_xml<'a, S: FieldSink<'a>>(xml: &'a str, sink: &mut S) -> Result<()> {
    let mut reader = Reader::from_str(xml);
    let mut depth = 0usize;
    let mut seen_root = false;
    // The field being read (depth 2) and its text so far.
    let mut current: Option<(S::Key, Accumulator<'a>)> = None;
    loop {
        // Where the event starts (an entity reference starts at its `&`).
        let at = reader.buffer_position();
        let event = reader
            .read_event()
            .map_err(|e| xml_error(&e, reader.error_position(), xml.len()))?;
        match event {
            Event::Start(start) => {
                depth = depth.saturating_add(1);
                if depth == 1 {
                    if seen_root {
                        return Err(invalid("more than one root element", at, xml.len()));
                    }
                    seen_root = true;
                } else if depth == 2 {
                    current = S::classify(start.local_name().as_ref())
                        .map(|key| (key, Accumulator::default()));
                }
            }
            Event::Empty(empty) => {
                if depth == 0 {
                    if seen_root {
                        return Err(invalid("more than one root element", at, xml.len()));
                    }
                    seen_root = true;
                } else if depth == 1
                    && let Some(key) = S::classify(empty.local_name().as_ref())
                {
                    sink.set(key, Cow::Borrowed(""))?;
                }
            }
            Event::End(_) => {
                if depth == 2
                    && let Some((key, value)) = current.take()
                {
                    sink.set(key, value.finish())?;
                }
                depth = depth
                    .checked_sub(1)
                    .ok_or_else(|| invalid("end tag without a start tag", at, xml.len()))?;
            }
            Event::Text(text) => {
                if depth == 2
                    && let Some((_, value)) = current.as_mut()
                {
                    value.push(text.xml10_content(), true);
                }
            }
            Event::CData(cdata) => {
                if depth == 2
                    && let Some((_, value)) = current.as_mut()
                {
                    value.push(cdata.xml10_content(), false);
                }
            }
            Event::GeneralRef(reference) => {
                if depth == 2
                    && let Some((_, value)) = current.as_mut()
                {
                    let ch = resolve_entity(&reference, at, xml.len())?;
                    value.push(Cow::Owned(ch.to_string()), false);
                }
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    if depth != 0 {
        return Err(invalid(
            "end of document inside an element",
            reader.buffer_position(),
            xml.len(),
        ));
    }
    if !seen_root {
        return Err(Error::InvalidXml(format!(
            "no root element (document of {} bytes)",
            xml.len()
        )));
    }
    Ok(())
}

/// An [`Error::InvalidXml`] naming a fault `what` at byte `at` of a
/// document of `len` bytes.
fn invalid(what: &str, at: u64, len: usize) -> Error {
    Error::InvalidXml(format!("{what} at byte {at} of {len}"))
}

/// Turns a `quick-xml` error at byte `at` of a document of `len` bytes into
/// ours. `quick-xml`'s own messages quote names from the input (a tag name
/// can be a megabyte long, or hold a line feed that forges a log line), so
/// only the kind of fault is kept, with the lengths of the names involved.
/// The error for a document quick-xml rejected: the kind of fault, where
/// and lengths; never quick-xml's message, which quotes the document.
pub(crate) fn xml_error(error: &quick_xml::Error, at: u64, len: usize) -> Error {
    use quick_xml::errors::{IllFormedError as Ill, SyntaxError as Syntax};
    let what: Cow<'static, str> = match error {
        quick_xml::Error::Syntax(syntax) => Cow::Borrowed(match syntax {
            Syntax::InvalidBangMarkup => "unknown markup after `<!`",
            Syntax::UnclosedPI => "unclosed processing instruction",
            Syntax::UnclosedXmlDecl => "unclosed XML declaration",
            Syntax::UnclosedComment => "unclosed comment",
            Syntax::UnclosedDoctype => "unclosed DOCTYPE",
            Syntax::UnclosedCData => "unclosed CDATA section",
            Syntax::UnclosedTag => "unclosed tag",
            Syntax::UnclosedSingleQuotedAttributeValue
            | Syntax::UnclosedDoubleQuotedAttributeValue => "unclosed attribute value",
        }),
        quick_xml::Error::IllFormed(ill) => match ill {
            Ill::MissingDeclVersion(_) => Cow::Borrowed("XML declaration without a version"),
            Ill::UnknownVersion => Cow::Borrowed("unknown XML version"),
            Ill::MissingDoctypeName => Cow::Borrowed("DOCTYPE without a name"),
            Ill::MissingEndTag(name) => Cow::Owned(format!(
                "end of document inside an element (a name of {} bytes)",
                name.len()
            )),
            Ill::UnmatchedEndTag(name) => Cow::Owned(format!(
                "end tag without a start tag (a name of {} bytes)",
                name.len()
            )),
            Ill::MismatchedEndTag { expected, found } => Cow::Owned(format!(
                "end tag (a name of {} bytes) does not match its start tag (a name of {} bytes)",
                found.len(),
                expected.len()
            )),
            Ill::DoubleHyphenInComment => Cow::Borrowed("`--` inside a comment"),
            Ill::UnclosedReference => Cow::Borrowed("unclosed entity reference"),
        },
        quick_xml::Error::InvalidAttr(_) => Cow::Borrowed("malformed attribute"),
        quick_xml::Error::Escape(_) => Cow::Borrowed("invalid entity or character reference"),
        quick_xml::Error::Encoding(_) => Cow::Borrowed("invalid encoding"),
        quick_xml::Error::Namespace(_) => Cow::Borrowed("invalid namespace"),
        quick_xml::Error::Io(_) => Cow::Borrowed("read error"),
    };
    invalid(&what, at, len)
}

/// Resolves a character reference or one of XML's five predefined entities,
/// the reference starting at byte `at` of a document of `len` bytes.
/// Anything else is an error: no DTD is ever read, so no other entity exists.
fn resolve_entity(reference: &BytesRef<'_>, at: u64, len: usize) -> Result<char> {
    let name = reference.as_ref();
    if let Some(ch) = reference.resolve_char_ref().map_err(|_| {
        Error::InvalidXml(format!(
            "invalid character reference (a reference of {} bytes) at byte {at} of {len}",
            name.len()
        ))
    })? {
        return Ok(ch);
    }
    match name {
        "lt" => Ok('<'),
        "gt" => Ok('>'),
        "amp" => Ok('&'),
        "apos" => Ok('\''),
        "quot" => Ok('"'),
        other => Err(Error::InvalidXml(format!(
            "unknown entity (a name of {} bytes) at byte {at} of {len}",
            other.len()
        ))),
    }
}

/// The text of one element, built from its text, CDATA and entity pieces.
struct Accumulator<'a> {
    value: Option<Cow<'a, str>>,
    /// Bytes at the start that came from plain text (trimmable).
    head_text: usize,
    /// Whether only plain text has been seen so far.
    in_head: bool,
    /// Bytes at the end that came from plain text (trimmable).
    tail_text: usize,
}

impl Default for Accumulator<'_> {
    fn default() -> Self {
        Self {
            value: None,
            head_text: 0,
            in_head: true,
            tail_text: 0,
        }
    }
}

impl<'a> Accumulator<'a> {
    /// The value of an element holding one plain text: trimmed.
    fn single_text(text: &'a str) -> Cow<'a, str> {
        Cow::Borrowed(text.trim_matches(is_ws))
    }

    fn push(&mut self, piece: Cow<'a, str>, is_text: bool) {
        let len = piece.len();
        match &mut self.value {
            None => self.value = Some(piece),
            Some(value) => value.to_mut().push_str(&piece),
        }
        if is_text {
            if self.in_head {
                self.head_text = self.head_text.saturating_add(len);
            }
            self.tail_text = self.tail_text.saturating_add(len);
        } else {
            self.in_head = false;
            self.tail_text = 0;
        }
    }

    fn finish(self) -> Cow<'a, str> {
        let Some(value) = self.value else {
            return Cow::Borrowed("");
        };
        if self.head_text == 0 && self.tail_text == 0 {
            return value;
        }
        let len = value.len();
        let head = value.get(..self.head_text).unwrap_or_default();
        let start = self.head_text - head.trim_start_matches(is_ws).len();
        let tail_from = len.saturating_sub(self.tail_text);
        let tail = value.get(tail_from..).unwrap_or_default();
        let end = len - (self.tail_text - tail.trim_end_matches(is_ws).len());
        if start >= end {
            return Cow::Borrowed("");
        }
        match value {
            Cow::Borrowed(s) => Cow::Borrowed(s.get(start..end).unwrap_or_default()),
            Cow::Owned(mut s) => {
                s.truncate(end);
                s.drain(..start);
                Cow::Owned(s)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    type Fields = Vec<(String, String)>;

    /// Collects every field whose name does not start with `X`.
    #[derive(Default)]
    struct Collect(Fields);

    impl<'a> FieldSink<'a> for Collect {
        type Key = String;

        fn classify(name: &str) -> Option<String> {
            (!name.starts_with('X')).then(|| name.to_owned())
        }

        fn set(&mut self, key: String, value: Cow<'a, str>) -> Result<()> {
            self.0.push((key, value.into_owned()));
            Ok(())
        }
    }

    /// Through `scan_fields` (fast path, then `quick-xml`).
    fn values(xml: &str) -> Result<Vec<String>> {
        let mut sink = Collect::default();
        scan_fields(xml, &mut sink)?;
        Ok(sink.0.into_iter().map(|(_, v)| v).collect())
    }

    /// The fast path alone, `None` when it hands over.
    fn fast(xml: &str) -> Option<Fields> {
        let mut sink = Collect::default();
        scan_fast(xml, &mut sink)?.ok()?;
        Some(sink.0)
    }

    /// `quick-xml` alone.
    fn reference(xml: &str) -> Result<Fields> {
        let mut sink = Collect::default();
        scan_with_quick_xml(xml, &mut sink)?;
        Ok(sink.0)
    }

    #[test]
    fn text_cdata_and_entities() {
        let xml = "<xml><A> plain </A><B><![CDATA[ kept ]]></B>\n<C>\n <![CDATA[x]]> \n</C>\
                   <D>a&amp;b&#x41;</D><E/><F></F><G><H>deep</H>t</G><Xskip>1</Xskip></xml>";
        assert_eq!(
            values(xml).expect("well-formed"),
            ["plain", " kept ", "x", "a&bA", "", "", "t"]
        );
        assert_eq!(fast(xml), None, "entities and nesting go to quick-xml");
        let flat = "<xml>\n  <A> plain </A><B><![CDATA[ kept ]]></B>\n<C>\n <![CDATA[x]]> \n</C>\
                    <E/><F></F><G>a<![CDATA[<b>]]> c </G><Xskip>1</Xskip>\n</xml>\n";
        let expected = ["plain", " kept ", "x", "", "", "a<b> c"];
        assert_eq!(values(flat).expect("well-formed"), expected);
        let fast_values: Vec<String> = fast(flat)
            .expect("the fast path takes it")
            .into_iter()
            .map(|(_, v)| v)
            .collect();
        assert_eq!(fast_values, expected);
    }

    #[test]
    fn malformed_documents_are_errors() {
        for xml in [
            "",
            "<xml><A>x</B></xml>",
            "<xml><A>x</A>",
            "<xml>&foo;</xml><xml/>",
            "<a/><b/>",
            "<xml><A>&nope;</A></xml>",
            "<xml><A><![CDATA[x</A></xml>",
            "<xml><A>x</A></xml><A>",
        ] {
            assert!(
                matches!(values(xml), Err(Error::InvalidXml(_))),
                "{xml:?} should be rejected"
            );
        }
    }

    #[test]
    fn errors_give_the_fault_its_offset_and_lengths_never_the_text() {
        let message = |xml: &str| match values(xml) {
            Err(Error::InvalidXml(message)) => message,
            other => panic!("{xml:?} should be rejected, got {other:?}"),
        };
        assert_eq!(
            message("<xml><Abc>x</Secret></xml>"),
            "end tag (a name of 6 bytes) does not match its start tag (a name of 3 bytes) \
             at byte 11 of 26"
        );
        assert_eq!(
            message("<xml><A>&secret;</A></xml>"),
            "unknown entity (a name of 6 bytes) at byte 8 of 26"
        );
        assert_eq!(
            message("<xml><A>&#xZZ;</A></xml>"),
            "invalid character reference (a reference of 4 bytes) at byte 8 of 24"
        );
        assert_eq!(
            message("<xml><A><![CDATA[secret</A></xml>"),
            "unclosed CDATA section at byte 8 of 33"
        );
        assert_eq!(
            message("<xml/><secret/>"),
            "more than one root element at byte 6 of 15"
        );
        assert_eq!(message(""), "no root element (document of 0 bytes)");
    }

    fn piece() -> impl Strategy<Value = String> {
        prop_oneof![
            "[ \n\t]{0,3}",
            "[a-z <>&;#0-9\r\n\\]\\[]{0,8}".prop_map(|s| s.replace('<', "")),
            "[a-zA-Z0-9 \n\\]<>&]{0,8}"
                .prop_map(|s| format!("<![CDATA[{}]]>", s.replace("]]>", ""))),
            Just("&amp;".to_owned()),
            Just("<!-- c -->".to_owned()),
            Just("\u{4f60}\u{597d}".to_owned()),
        ]
    }

    fn element() -> impl Strategy<Value = String> {
        (
            prop_oneof![
                Just("A"),
                Just("B"),
                Just("Xz"),
                Just("a:b"),
                Just("Encrypt")
            ],
            proptest::collection::vec(piece(), 0..4),
            prop_oneof![Just(0u8), Just(0), Just(0), Just(1), Just(2)],
        )
            .prop_map(|(name, pieces, shape)| match shape {
                1 => format!("<{name}/>"),
                2 => format!("<{name} k=\"v\">{}</{name}>", pieces.concat()),
                _ => format!("<{name}>{}</{name}>", pieces.concat()),
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Wherever the fast path answers, it answers like `quick-xml`.
        #[test]
        fn fast_path_agrees_with_quick_xml(
            lead in "[ \n]{0,2}",
            children in proptest::collection::vec((element(), "[ \n\t]{0,2}"), 0..8),
            tail in prop_oneof![Just(""), Just("\n"), Just(" x"), Just("<y/>")],
        ) {
            let body: String = children.iter().map(|(e, ws)| format!("{e}{ws}")).collect();
            let xml = format!("{lead}<xml>{body}</xml>{tail}");
            if let Some(fast) = fast(&xml) {
                prop_assert_eq!(Ok(fast), reference(&xml).map_err(|e| e.to_string()), "{}", xml);
            }
        }

        /// WeChat's own shape always takes the fast path, with the same
        /// answer as `quick-xml`.
        #[test]
        fn wechat_shape_takes_the_fast_path(
            children in proptest::collection::vec(
                (
                    prop_oneof![Just("AppId"), Just("Encrypt"), Just("Xtra"), Just("Content")],
                    proptest::collection::vec(
                        prop_oneof![
                            "[ \n\t]{0,3}",
                            "[a-zA-Z0-9 +/=>\n\\]]{1,8}",
                            "[a-zA-Z0-9 \n\\]<>&\u{4f60}]{0,8}"
                                .prop_map(|s| format!("<![CDATA[{}]]>", s.replace("]]>", ""))),
                        ],
                        0..3,
                    ),
                    any::<bool>(),
                ),
                0..6,
            ),
        ) {
            let body: String = children
                .iter()
                .map(|(name, pieces, empty)| {
                    if *empty && pieces.is_empty() {
                        format!("<{name}/>\n")
                    } else {
                        format!("<{name}>{}</{name}>\n", pieces.concat())
                    }
                })
                .collect();
            let xml = format!("<xml>{body}</xml>");
            let fast = fast(&xml);
            prop_assert!(fast.is_some(), "{}", xml);
            prop_assert_eq!(fast.ok_or_else(String::new), reference(&xml).map_err(|e| e.to_string()), "{}", xml);
        }

        /// Arbitrary input never panics, whatever the path.
        #[test]
        fn arbitrary_input_never_panics(xml in "\\PC{0,64}") {
            let _ = values(&xml);
            let _ = fast(&xml);
        }
    }
}
