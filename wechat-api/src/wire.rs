//! How generated types meet WeChat's wire format where serde's derives do
//! not reach: enums that keep values they do not know, tagged unions
//! (`{"msgtype": "text", "text": {...}}` and `{"type": "click", ...}`), and
//! fields that carry serialized JSON inside a string (`ext_json`).
//!
//! Generated code calls these through `__private`; they are small and
//! generic so that each generated type stays a few lines.

use std::fmt;

use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use serde::ser::{Error as _, SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A string enum's wire value (owned: JSON strings may be escaped); a
/// number is read as its decimal text, as for every string field
/// ([`crate::tolerant`]).
pub fn deserialize_str<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    crate::tolerant::deserialize(deserializer)
}

/// An integer enum's wire value: an integer, or a string holding one
/// (WeChat writes some codes as strings).
pub fn deserialize_int<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    deserializer.deserialize_any(IntVisitor)
}

struct IntVisitor;

impl Visitor<'_> for IntVisitor {
    type Value = i64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer code")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
        Ok(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
        i64::try_from(v).map_err(|_| E::custom("integer code out of range"))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<i64, E> {
        v.trim()
            .parse()
            .map_err(|_| E::custom("a string that is not an integer code"))
    }
}

/// Serializes a `sibling` union variant: `{tag: value, value: content}`
/// (no content key for a bare tag).
pub fn serialize_sibling<S: Serializer, T: Serialize + ?Sized>(
    serializer: S,
    tag: &str,
    value: &str,
    content: Option<&T>,
) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(Some(1 + usize::from(content.is_some())))?;
    map.serialize_entry(tag, value)?;
    if let Some(content) = content {
        map.serialize_entry(value, content)?;
    }
    map.end()
}

/// Serializes an `inline` union variant: the tag (when it has one), then
/// the content's own fields.
pub fn serialize_inline<S: Serializer, T: Serialize + ?Sized>(
    serializer: S,
    tag: &str,
    value: Option<&str>,
    content: &T,
) -> Result<S::Ok, S::Error> {
    let fields = match serde_json::to_value(content).map_err(S::Error::custom)? {
        Value::Object(fields) => fields,
        _ => {
            return Err(S::Error::custom(
                "a union variant's content must be an object",
            ));
        }
    };
    let mut map = serializer.serialize_map(Some(fields.len() + 1))?;
    if let Some(value) = value {
        map.serialize_entry(tag, value)?;
    }
    for (key, field) in &fields {
        if key != tag {
            map.serialize_entry(key, field)?;
        }
    }
    map.end()
}

/// Reads a union as a JSON object (the tag decides what it becomes).
pub fn read_object<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Map<String, Value>, D::Error> {
    Map::deserialize(deserializer)
}

/// The tag of a union object, if it is a string (or a number, read as its
/// decimal text).
pub fn tag(object: &Map<String, Value>, tag: &str) -> Option<String> {
    match object.get(tag)? {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// The content of a `sibling` variant: the object under `key`.
pub fn sibling_content<T: DeserializeOwned, E: de::Error>(
    object: &Map<String, Value>,
    key: &str,
) -> Result<T, E> {
    match object.get(key) {
        Some(content) => {
            T::deserialize(content).map_err(|e| E::custom(format_args!("`{key}`: {e}")))
        }
        None => Err(E::missing_field(
            "the variant's content (a key named like the tag value)",
        )),
    }
}

/// The content of an `inline` variant: the object itself (the tag is
/// ignored as an unknown field).
pub fn inline_content<T: DeserializeOwned, E: de::Error>(
    object: Map<String, Value>,
) -> Result<T, E> {
    T::deserialize(Value::Object(object)).map_err(E::custom)
}

/// A field whose value travels as a string of serialized JSON
/// (`#[serde(with = "json_string")]`).
pub mod json_string {
    use serde::de::{DeserializeOwned, Deserializer, Error as _};
    use serde::ser::{Error as _, Serializer};
    use serde::{Deserialize, Serialize};

    /// `value` as a JSON string.
    ///
    /// # Errors
    /// [`crate::Error::Config`] if `value` cannot be serialized (a map
    /// with non-string keys).
    pub fn to_string<T: Serialize + ?Sized>(value: &T) -> crate::Result<String> {
        serde_json::to_string(value)
            .map_err(|e| crate::Error::Config(format!("cannot encode a JSON string field: {e}")))
    }

    /// Writes `value` as a string holding its JSON.
    pub fn serialize<T: Serialize + ?Sized, S: Serializer>(
        value: &T,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let text = serde_json::to_string(value).map_err(S::Error::custom)?;
        serializer.serialize_str(&text)
    }

    /// Reads a string and decodes the JSON inside it.
    pub fn deserialize<'de, T: DeserializeOwned, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<T, D::Error> {
        let text = String::deserialize(deserializer)?;
        serde_json::from_str(&text)
            .map_err(|e| D::Error::custom(format_args!("a JSON string field: {e}")))
    }

    /// The same for `Option<T>` fields (absent or `null`: `None`).
    pub mod option {
        use serde::de::{DeserializeOwned, Deserializer, Error as _};
        use serde::ser::Serializer;
        use serde::{Deserialize, Serialize};

        /// Writes `Some(value)` as a string holding its JSON (`None` is
        /// skipped by the field's `skip_serializing_if`).
        pub fn serialize<T: Serialize, S: Serializer>(
            value: &Option<T>,
            serializer: S,
        ) -> Result<S::Ok, S::Error> {
            match value {
                Some(value) => super::serialize(value, serializer),
                None => serializer.serialize_none(),
            }
        }

        /// Reads an optional string and decodes the JSON inside it.
        pub fn deserialize<'de, T: DeserializeOwned, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Option<T>, D::Error> {
            match Option::<String>::deserialize(deserializer)? {
                None => Ok(None),
                Some(text) => serde_json::from_str(&text)
                    .map(Some)
                    .map_err(|e| D::Error::custom(format_args!("a JSON string field: {e}"))),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};
    use serde_json::json;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Text {
        content: String,
    }

    #[derive(Debug, PartialEq)]
    enum Message {
        Text(Text),
        Transfer,
        Unknown(serde_json::Value),
    }

    impl Serialize for Message {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            match self {
                Self::Text(c) => super::serialize_sibling(s, "msgtype", "text", Some(c)),
                Self::Transfer => super::serialize_sibling::<_, ()>(s, "msgtype", "transfer", None),
                Self::Unknown(v) => v.serialize(s),
            }
        }
    }

    impl<'de> Deserialize<'de> for Message {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let object = super::read_object(d)?;
            match super::tag(&object, "msgtype").as_deref() {
                Some("text") => super::sibling_content(&object, "text").map(Self::Text),
                Some("transfer") => Ok(Self::Transfer),
                _ => Ok(Self::Unknown(serde_json::Value::Object(object))),
            }
        }
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Send {
        touser: String,
        #[serde(flatten)]
        message: Message,
    }

    #[test]
    fn sibling_unions_round_trip_flattened_into_a_body() {
        let send = Send {
            touser: "o1".into(),
            message: Message::Text(Text {
                content: "hi".into(),
            }),
        };
        let wire = serde_json::to_value(&send).unwrap();
        assert_eq!(
            wire,
            json!({"touser": "o1", "msgtype": "text", "text": {"content": "hi"}})
        );
        assert_eq!(serde_json::from_value::<Send>(wire).unwrap(), send);
        let bare = serde_json::to_value(Message::Transfer).unwrap();
        assert_eq!(bare, json!({"msgtype": "transfer"}));
    }

    #[test]
    fn unknown_variants_are_kept_whole() {
        let wire = json!({"msgtype": "hologram", "hologram": {"x": 1}});
        let message: Message = serde_json::from_value(wire.clone()).unwrap();
        assert_eq!(message, Message::Unknown(wire.clone()));
        assert_eq!(serde_json::to_value(&message).unwrap(), wire);
    }

    #[test]
    fn a_missing_sibling_content_is_an_error_not_a_panic() {
        let e = serde_json::from_value::<Message>(json!({"msgtype": "text"})).unwrap_err();
        assert!(e.to_string().contains("content"), "{e}");
    }

    #[test]
    fn integer_codes_may_be_strings() {
        #[derive(Deserialize)]
        struct Code(#[serde(deserialize_with = "super::deserialize_int")] i64);
        assert_eq!(serde_json::from_str::<Code>("4").unwrap().0, 4);
        assert_eq!(serde_json::from_str::<Code>("\"40029\"").unwrap().0, 40029);
        assert!(serde_json::from_str::<Code>("\"x\"").is_err());
        assert!(serde_json::from_str::<Code>("1.5").is_err());
    }

    #[test]
    fn json_string_fields_round_trip() {
        #[derive(Debug, PartialEq, Serialize, Deserialize)]
        struct Commit {
            #[serde(with = "super::json_string")]
            ext_json: serde_json::Value,
            #[serde(
                default,
                with = "super::json_string::option",
                skip_serializing_if = "Option::is_none"
            )]
            extra: Option<Vec<u32>>,
        }
        let commit = Commit {
            ext_json: json!({"extAppid": "wx1"}),
            extra: Some(vec![1, 2]),
        };
        let wire = serde_json::to_value(&commit).unwrap();
        assert_eq!(
            wire,
            json!({"ext_json": "{\"extAppid\":\"wx1\"}", "extra": "[1,2]"})
        );
        assert_eq!(serde_json::from_value::<Commit>(wire).unwrap(), commit);
        let without: Commit = serde_json::from_value(json!({"ext_json": "{}"})).unwrap();
        assert_eq!(without.extra, None);
        assert!(serde_json::from_value::<Commit>(json!({"ext_json": "{"})).is_err());
    }
}
