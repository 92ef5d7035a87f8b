//! A small element tree, for the few pushes whose fields are nested
//! (subscribe-message events, `MASSSENDJOBFINISH`, fast registration), and
//! for pushes sent as JSON (mini programs may be configured to send JSON).
//!
//! The flat fields of every push go through the fast scanner of
//! `crate::xml` instead; a tree is only built when a typed push needs
//! nested data. XML and JSON give the same tree: an object's keys become
//! children, an array becomes repeated children of the same name (WeChat's
//! JSON sends `"List": {…}` for one item and `"List": [{…}, {…}]` for
//! several), and scalars become text.

use quick_xml::Reader;
use quick_xml::events::{BytesRef, Event};

use crate::{Error, Result};

/// Elements deeper than this are skipped (WeChat never nests more than four
/// levels); hostile nesting costs neither stack nor memory.
const MAX_DEPTH: usize = 8;

/// One element: its name, its text (text and CDATA pieces concatenated,
/// plain-text pieces trimmed) and its child elements.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Node {
    pub(crate) name: String,
    pub(crate) text: String,
    pub(crate) children: Vec<Node>,
}

impl Node {
    /// The tree of an XML document (its root element).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidXml`] if the document is not well-formed. Messages
    /// never quote the document's text.
    pub(crate) fn from_xml(xml: &str) -> Result<Node> {
        let mut reader = Reader::from_str(xml);
        // The open elements; `skipped` counts open elements below MAX_DEPTH.
        let mut stack: Vec<Node> = Vec::new();
        let mut skipped = 0usize;
        let mut root: Option<Node> = None;
        loop {
            let event = reader
                .read_event()
                .map_err(|e| crate::xml::xml_error(&e, reader.error_position(), xml.len()))?;
            match event {
                Event::Start(start) => {
                    if root.is_some() {
                        return Err(Error::InvalidXml("more than one root element".to_owned()));
                    }
                    if skipped > 0 || stack.len() >= MAX_DEPTH {
                        skipped += 1;
                    } else {
                        stack.push(Node {
                            name: start.local_name().as_ref().to_owned(),
                            ..Node::default()
                        });
                    }
                }
                Event::Empty(empty) => {
                    let node = Node {
                        name: empty.local_name().as_ref().to_owned(),
                        ..Node::default()
                    };
                    if skipped > 0 || stack.len() >= MAX_DEPTH {
                        continue;
                    }
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(node),
                        None if root.is_none() => root = Some(node),
                        None => {
                            return Err(Error::InvalidXml("more than one root element".to_owned()));
                        }
                    }
                }
                Event::End(_) => {
                    if skipped > 0 {
                        skipped -= 1;
                        continue;
                    }
                    let node = stack
                        .pop()
                        .ok_or_else(|| Error::InvalidXml("unexpected end tag".to_owned()))?;
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(node),
                        None => root = Some(node),
                    }
                }
                Event::Text(text) => {
                    if skipped == 0
                        && let Some(node) = stack.last_mut()
                    {
                        node.text.push_str(text.xml10_content().trim());
                    }
                }
                Event::CData(cdata) => {
                    if skipped == 0
                        && let Some(node) = stack.last_mut()
                    {
                        node.text.push_str(&cdata.xml10_content());
                    }
                }
                Event::GeneralRef(reference) => {
                    let ch = resolve_entity(&reference)?;
                    if skipped == 0
                        && let Some(node) = stack.last_mut()
                    {
                        node.text.push(ch);
                    }
                }
                Event::Eof => break,
                Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
            }
        }
        if !stack.is_empty() || skipped > 0 {
            return Err(Error::InvalidXml(
                "unexpected end of document (unclosed element)".to_owned(),
            ));
        }
        root.ok_or_else(|| Error::InvalidXml("no root element".to_owned()))
    }

    /// The tree of a JSON value, as a root element named `xml`.
    pub(crate) fn from_json(value: &serde_json::Value) -> Node {
        let mut root = Node {
            name: "xml".to_owned(),
            ..Node::default()
        };
        fill_json(&mut root, value, 0);
        root
    }

    /// The first child named `name`.
    pub(crate) fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The text of the first child named `name`.
    pub(crate) fn text_of(&self, name: &str) -> Option<&str> {
        self.child(name).map(|c| c.text.as_str())
    }

    /// The children named `name`, and the grandchildren named `name` under
    /// any child: WeChat's XML wraps lists in an element (whose name it
    /// does not always spell the same), its JSON does not.
    pub(crate) fn items<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s Node> + 's {
        self.children.iter().filter(move |c| c.name == name).chain(
            self.children
                .iter()
                .flat_map(move |c| c.children.iter().filter(move |g| g.name == name)),
        )
    }
}

/// The trimmed, non-empty text of `node`'s child `name` (the typed events'
/// optional text fields).
pub(crate) fn text(node: &Node, name: &str) -> Option<String> {
    node.text_of(name)
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// The trimmed, non-empty texts of the list `name` under `node` (see
/// [`Node::items`]): the typed events' lists of ids and URLs.
pub(crate) fn texts(node: &Node, name: &str) -> Vec<String> {
    node.items(name)
        .map(|item| item.text.trim())
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The number in `node`'s child `name`, if it holds one (the typed events'
/// optional number fields).
pub(crate) fn number<T: std::str::FromStr>(node: &Node, name: &str) -> Option<T> {
    node.text_of(name).and_then(|t| t.trim().parse().ok())
}

/// Adds `value` to `node`: object keys as children, arrays as repeated
/// children, scalars as text.
fn fill_json(node: &mut Node, value: &serde_json::Value, depth: usize) {
    use serde_json::Value;
    match value {
        Value::Null => {}
        Value::Bool(b) => node.text = b.to_string(),
        Value::Number(n) => node.text = n.to_string(),
        Value::String(s) => node.text.clone_from(s),
        Value::Array(_) => {}
        Value::Object(map) => {
            if depth >= MAX_DEPTH {
                return;
            }
            for (key, value) in map {
                let items: &[Value] = match value {
                    Value::Array(items) => items,
                    other => std::slice::from_ref(other),
                };
                for item in items {
                    let mut child = Node {
                        name: key.clone(),
                        ..Node::default()
                    };
                    fill_json(&mut child, item, depth + 1);
                    node.children.push(child);
                }
            }
        }
    }
}

/// A character reference or one of XML's five predefined entities; no DTD
/// is ever read, so no other entity exists.
fn resolve_entity(reference: &BytesRef<'_>) -> Result<char> {
    if let Some(ch) = reference
        .resolve_char_ref()
        .map_err(|_| Error::InvalidXml("invalid character reference".to_owned()))?
    {
        return Ok(ch);
    }
    match reference.as_ref() {
        "lt" => Ok('<'),
        "gt" => Ok('>'),
        "amp" => Ok('&'),
        "apos" => Ok('\''),
        "quot" => Ok('"'),
        _ => Err(Error::InvalidXml("unknown entity".to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_and_json_give_the_same_items() {
        let xml = "<xml><Event>e</Event><Wrap><List><A><![CDATA[1]]></A><B> 2 </B></List>\
                   <List><A>3</A></List></Wrap></xml>";
        let tree = Node::from_xml(xml).expect("well-formed");
        let json: serde_json::Value =
            serde_json::from_str(r#"{"Event":"e","List":[{"A":"1","B":2},{"A":3}]}"#)
                .expect("JSON");
        let from_json = Node::from_json(&json);
        for tree in [&tree, &from_json] {
            let items: Vec<_> = tree.items("List").collect();
            assert_eq!(items.len(), 2);
            assert_eq!(items[0].text_of("A"), Some("1"));
            assert_eq!(items[0].text_of("B"), Some("2"));
            assert_eq!(items[1].text_of("A"), Some("3"));
            assert_eq!(tree.text_of("Event"), Some("e"));
        }
    }

    #[test]
    fn deep_nesting_is_skipped_and_malformed_xml_refused() {
        let deep = format!(
            "<xml>{}x{}<A>1</A></xml>",
            "<d>".repeat(100),
            "</d>".repeat(100)
        );
        let tree = Node::from_xml(&deep).expect("well-formed");
        assert_eq!(tree.text_of("A"), Some("1"));
        for bad in ["", "<xml>", "<xml></y>", "<a/><b/>", "<xml>&nope;</xml>"] {
            assert!(Node::from_xml(bad).is_err(), "{bad:?}");
        }
    }
}
