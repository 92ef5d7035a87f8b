//! Answers to request events: the `MsgType` `event` document a push waits
//! for in the HTTP response.
//!
//! Most pushes only want `success`. A few are requests: WeChat's logistics
//! helper asks an express company's message URL to create a waybill
//! (`add_waybill`) or tell a merchant's balance (`get_quota`), the
//! instant-delivery platform asks a delivery company to take an order
//! (`transport_add_order`)… and reads the answer from the response body:
//! the push's own `Event`, the fields it echoes and the result.
//!
//! [`EventReply`] is that answer, written as XML or JSON like the request
//! came (and encrypted when it was) by the callback, through
//! [`Reply::Event`](super::Reply::Event). The typed requests of
//! [`event`](crate::event) build theirs (`request.reply(…)`); this builder
//! serves the rest. Field names are written exactly as given: WeChat's
//! requests differ in case (`ResultCode` for express companies, `resultcode`
//! for delivery companies).

use std::fmt;

use serde_json::{Map, Number, Value};

use super::reply::push_cdata_element;

/// The answer to a request event: its `Event` name and its fields, in
/// order.
///
/// `Debug` shows the event and the field names, never the values (a
/// delivery company's answer carries pickup codes and riders' phones).
///
/// ```
/// use wechat_api::callback::{EventReply, Fields, Reply};
///
/// let reply = Reply::from(EventReply::new(
///     "get_quota",
///     Fields::new()
///         .text("BizID", "xyz")
///         .integer("ResultCode", 0)
///         .text("ResultMsg", "ok")
///         .integer("Quota", 100),
/// ));
/// let xml = reply.to_xml("oABCD", "gh_abcdefg", 1_533_042_556);
/// assert!(xml.contains("<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[get_quota]]></Event>"));
/// assert!(xml.contains("<BizID><![CDATA[xyz]]></BizID><ResultCode>0</ResultCode>"));
/// assert!(reply.to_json("oABCD", "gh_abcdefg", 1).contains(r#""Quota":100"#));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct EventReply {
    event: String,
    fields: Fields,
}

impl EventReply {
    /// The answer to the request event `event` (the push's `Event`, which
    /// the answer repeats), with its fields.
    pub fn new(event: impl Into<String>, fields: Fields) -> Self {
        EventReply {
            event: event.into(),
            fields,
        }
    }

    /// The `Event` it answers.
    pub fn event(&self) -> &str {
        &self.event
    }

    /// Its fields, in order.
    pub fn fields(&self) -> &Fields {
        &self.fields
    }

    /// Writes the fields after the header: `Event`, then each field.
    pub(crate) fn write_xml(&self, out: &mut String) {
        push_cdata_element(out, "Event", &self.event);
        self.fields.write_xml(out);
    }

    /// Adds `Event` and each field to a JSON object.
    pub(crate) fn insert_json(&self, object: &mut Map<String, Value>) {
        object.insert("Event".into(), Value::String(self.event.clone()));
        for (name, value) in &self.fields.0 {
            object.insert(name.clone(), value.to_json());
        }
    }
}

impl fmt::Debug for EventReply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventReply")
            .field("event", &self.event)
            .field("fields", &self.fields)
            .finish()
    }
}

/// The fields of an answer (or of one of its objects), in order: a small
/// builder.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Fields(Vec<(String, FieldValue)>);

/// One field's value.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FieldValue {
    /// Text: a CDATA section in XML, a string in JSON.
    Text(String),
    /// A number: written as is.
    Number(Number),
    /// An object: nested elements in XML, an object in JSON.
    Object(Fields),
    /// A list of objects: the element repeated in XML, an array in JSON.
    List(Vec<Fields>),
}

impl Fields {
    /// No fields yet.
    pub fn new() -> Self {
        Fields::default()
    }

    /// Adds a field of any value.
    #[must_use]
    pub fn field(mut self, name: impl Into<String>, value: FieldValue) -> Self {
        self.0.push((name.into(), value));
        self
    }

    /// Adds a text field.
    #[must_use]
    pub fn text(self, name: impl Into<String>, text: impl Into<String>) -> Self {
        self.field(name, FieldValue::Text(text.into()))
    }

    /// Adds a text field when `text` is `Some`.
    #[must_use]
    pub fn optional_text(self, name: impl Into<String>, text: Option<impl Into<String>>) -> Self {
        match text {
            Some(text) => self.text(name, text),
            None => self,
        }
    }

    /// Adds an integer field.
    #[must_use]
    pub fn integer(self, name: impl Into<String>, value: i64) -> Self {
        self.field(name, FieldValue::Number(value.into()))
    }

    /// Adds an integer field when `value` is `Some`.
    #[must_use]
    pub fn optional_integer(self, name: impl Into<String>, value: Option<i64>) -> Self {
        match value {
            Some(value) => self.integer(name, value),
            None => self,
        }
    }

    /// Adds a decimal field (a distance in metres, a fee in yuan…). WeChat
    /// reads no NaN or infinity: such a value leaves the field out.
    #[must_use]
    pub fn decimal(self, name: impl Into<String>, value: f64) -> Self {
        match Number::from_f64(value) {
            Some(number) => self.field(name, FieldValue::Number(number)),
            None => self,
        }
    }

    /// Adds an object field.
    #[must_use]
    pub fn object(self, name: impl Into<String>, fields: Fields) -> Self {
        self.field(name, FieldValue::Object(fields))
    }

    /// Adds a list of objects.
    #[must_use]
    pub fn list(self, name: impl Into<String>, items: Vec<Fields>) -> Self {
        self.field(name, FieldValue::List(items))
    }

    /// The value of the field `name`, if any.
    pub fn get(&self, name: &str) -> Option<&FieldValue> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// The field names, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(name, _)| name.as_str())
    }

    /// Whether there are no fields.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn write_xml(&self, out: &mut String) {
        for (name, value) in &self.0 {
            match value {
                FieldValue::Text(text) => push_cdata_element(out, name, text),
                FieldValue::Number(number) => {
                    element(out, name, |out| out.push_str(&number.to_string()));
                }
                FieldValue::Object(fields) => element(out, name, |out| fields.write_xml(out)),
                FieldValue::List(items) => {
                    for item in items {
                        element(out, name, |out| item.write_xml(out));
                    }
                }
            }
        }
    }

    fn to_json(&self) -> Value {
        Value::Object(
            self.0
                .iter()
                .map(|(name, value)| (name.clone(), value.to_json()))
                .collect(),
        )
    }
}

impl FieldValue {
    fn to_json(&self) -> Value {
        match self {
            FieldValue::Text(text) => Value::String(text.clone()),
            FieldValue::Number(number) => Value::Number(number.clone()),
            FieldValue::Object(fields) => fields.to_json(),
            FieldValue::List(items) => Value::Array(items.iter().map(Fields::to_json).collect()),
        }
    }
}

impl fmt::Debug for Fields {
    /// The names only: values may be personal data.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.names()).finish()
    }
}

impl fmt::Debug for FieldValue {
    /// The kind only: values may be personal data.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldValue::Text(_) => f.write_str("Text(..)"),
            FieldValue::Number(_) => f.write_str("Number(..)"),
            FieldValue::Object(fields) => f.debug_tuple("Object").field(fields).finish(),
            FieldValue::List(items) => write!(f, "List({} items)", items.len()),
        }
    }
}

/// `<name>…</name>` around what `body` writes.
fn element(out: &mut String, name: &str, body: impl FnOnce(&mut String)) {
    out.push('<');
    out.push_str(name);
    out.push('>');
    body(out);
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::callback::Reply;

    fn sample() -> EventReply {
        EventReply::new(
            "transport_get_agent_pos",
            Fields::new()
                .integer("resultcode", 0)
                .text("resultmsg", "a]]>b")
                .decimal("lng", 113.324_52)
                .decimal("bad", f64::NAN)
                .object("agent", Fields::new().text("phone", "13800000000"))
                .list(
                    "DetailList",
                    vec![
                        Fields::new().text("Name", "a").integer("Count", 1),
                        Fields::new().text("Name", "b").integer("Count", 2),
                    ],
                ),
        )
    }

    #[test]
    fn xml_nests_objects_repeats_lists_and_keeps_the_order() {
        let xml = Reply::from(sample()).to_xml("oTo", "gh_from", 7);
        assert!(xml.starts_with(
            "<xml><ToUserName><![CDATA[oTo]]></ToUserName><FromUserName><![CDATA[gh_from]]></FromUserName><CreateTime>7</CreateTime><MsgType><![CDATA[event]]></MsgType>"
        ), "{xml}");
        assert!(
            xml.contains(
                "<Event><![CDATA[transport_get_agent_pos]]></Event><resultcode>0</resultcode><resultmsg><![CDATA[a]]]]><![CDATA[>b]]></resultmsg><lng>113.32452</lng><agent><phone><![CDATA[13800000000]]></phone></agent>"
            ),
            "{xml}"
        );
        assert!(xml.ends_with(
            "<DetailList><Name><![CDATA[a]]></Name><Count>1</Count></DetailList><DetailList><Name><![CDATA[b]]></Name><Count>2</Count></DetailList></xml>"
        ), "{xml}");
        assert!(!xml.contains("bad"), "a NaN leaves the field out");
    }

    #[test]
    fn json_has_the_same_fields() {
        let json: Value =
            serde_json::from_str(&Reply::from(sample()).to_json("oTo", "gh_from", 7)).unwrap();
        assert_eq!(json["MsgType"], "event");
        assert_eq!(json["Event"], "transport_get_agent_pos");
        assert_eq!(json["resultcode"], 0);
        assert_eq!(json["resultmsg"], "a]]>b");
        assert_eq!(json["lng"], 113.324_52);
        assert_eq!(json["agent"]["phone"], "13800000000");
        assert_eq!(json["DetailList"][1]["Count"], 2);
        assert!(json.get("bad").is_none());
    }

    #[test]
    fn debug_shows_names_never_values() {
        let debug = format!("{:?}", Reply::from(sample()));
        assert!(
            debug.contains("resultmsg") && debug.contains("agent"),
            "{debug}"
        );
        assert!(
            !debug.contains("13800000000") && !debug.contains("113.3"),
            "{debug}"
        );
    }
}
