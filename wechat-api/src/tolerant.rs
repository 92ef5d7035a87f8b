//! Scalars as WeChat really sends them, not only as its documentation types
//! them.
//!
//! WeChat flips scalar types between accounts, endpoints and releases:
//! `"sex": "1"` where the doc says a number, ids now as numbers, now as
//! strings, `0`/`1` for booleans. A typed SDK that failed a whole answer on
//! that would be worse than an untyped one, so every scalar field of a
//! generated type reads through [`deserialize`]
//! (`#[serde(deserialize_with = "rt::tolerant::deserialize")]`, emitted by
//! the code generator), which accepts exactly these forms:
//!
//! | field type | also accepts |
//! |---|---|
//! | integers | a string holding an integer of that type (`"1"`) |
//! | `f64` | a string holding a finite number (`"1.5"`), an integer |
//! | `bool` | `0`/`1`, and `"0"`/`"1"`/`"true"`/`"false"` |
//! | `String` | a number (written back as its decimal text) |
//!
//! and the same inside `Option`, `Vec` and string-keyed maps. Nothing else is
//! loosened: a missing required field, an integer out of range, a string that
//! is not a number or an object where a scalar belongs are still errors.
//! What is written back is always the documented form.
//!
//! Hand-written rather than `serde_with`'s `PickFirst`: the accepted forms
//! are WeChat's (`0`/`1` booleans, numbers for strings), and one generic
//! function keeps each generated field a single attribute.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Unexpected, Visitor};

/// Reads a field of type `T` in any of the forms WeChat is known to send
/// (see the [module docs](self)).
///
/// # Errors
/// The deserializer's error when the value has none of the accepted forms.
pub fn deserialize<'de, D: Deserializer<'de>, T: Tolerant>(deserializer: D) -> Result<T, D::Error> {
    T::deserialize_tolerant(deserializer)
}

/// A type [`deserialize`] can read leniently.
pub trait Tolerant: Sized {
    /// Reads `Self` from any of its accepted forms.
    ///
    /// # Errors
    /// The deserializer's error when the value has none of them.
    fn deserialize_tolerant<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error>;
}

/// `T` read leniently, for the elements of containers.
struct Lenient<T>(T);

impl<'de, T: Tolerant> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize_tolerant(deserializer).map(Lenient)
    }
}

impl<T: Tolerant> Tolerant for Option<T> {
    fn deserialize_tolerant<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<Lenient<T>>::deserialize(deserializer).map(|value| value.map(|v| v.0))
    }
}

impl<T: Tolerant> Tolerant for Vec<T> {
    fn deserialize_tolerant<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_seq(SeqVisitor(PhantomData))
    }
}

struct SeqVisitor<T>(PhantomData<T>);

impl<'de, T: Tolerant> Visitor<'de> for SeqVisitor<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(Lenient(item)) = seq.next_element::<Lenient<T>>()? {
            items.push(item);
        }
        Ok(items)
    }
}

impl<T: Tolerant> Tolerant for BTreeMap<String, T> {
    fn deserialize_tolerant<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(MapVisitor(PhantomData))
    }
}

struct MapVisitor<T>(PhantomData<T>);

impl<'de, T: Tolerant> Visitor<'de> for MapVisitor<T> {
    type Value = BTreeMap<String, T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = BTreeMap::new();
        while let Some((key, Lenient(value))) = map.next_entry::<String, Lenient<T>>()? {
            out.insert(key, value);
        }
        Ok(out)
    }
}

/// An integer of type `T`: a JSON integer or a string holding one.
struct IntegerVisitor<T>(PhantomData<T>);

impl<T> Visitor<'_> for IntegerVisitor<T>
where
    T: TryFrom<i64> + TryFrom<u64> + FromStr,
{
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "an integer of type {} (or a string holding one)",
            std::any::type_name::<T>()
        )
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        T::try_from(v).map_err(|_| E::invalid_value(Unexpected::Signed(v), &self))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        T::try_from(v).map_err(|_| E::invalid_value(Unexpected::Unsigned(v), &self))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        v.parse()
            .map_err(|_| E::invalid_value(Unexpected::Str(v), &self))
    }
}

macro_rules! tolerant_integers {
    ($($ty:ty),*) => {$(
        impl Tolerant for $ty {
            fn deserialize_tolerant<'de, D: Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Self, D::Error> {
                deserializer.deserialize_any(IntegerVisitor::<$ty>(PhantomData))
            }
        }
    )*};
}

tolerant_integers!(i32, i64, u32, u64);

/// A float: a JSON number or a string holding a finite one.
struct FloatVisitor;

impl Visitor<'_> for FloatVisitor {
    type Value = f64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number (or a string holding one)")
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<f64, E> {
        Ok(v)
    }

    #[allow(clippy::cast_precision_loss)] // as JSON itself reads a large integer into an f64
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<f64, E> {
        Ok(v as f64)
    }

    #[allow(clippy::cast_precision_loss)]
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<f64, E> {
        Ok(v as f64)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<f64, E> {
        match v.parse::<f64>() {
            Ok(number) if number.is_finite() => Ok(number),
            _ => Err(E::invalid_value(Unexpected::Str(v), &self)),
        }
    }
}

impl Tolerant for f64 {
    fn deserialize_tolerant<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(FloatVisitor)
    }
}

/// A boolean: `true`/`false`, `0`/`1`, or a string holding one of those.
struct BoolVisitor;

impl Visitor<'_> for BoolVisitor {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a boolean (or 0/1, or a string holding one of those)")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<bool, E> {
        Ok(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<bool, E> {
        match v {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(E::invalid_value(Unexpected::Signed(v), &self)),
        }
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<bool, E> {
        match v {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(E::invalid_value(Unexpected::Unsigned(v), &self)),
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
        match v {
            "1" | "true" => Ok(true),
            "0" | "false" => Ok(false),
            _ => Err(E::invalid_value(Unexpected::Str(v), &self)),
        }
    }
}

impl Tolerant for bool {
    fn deserialize_tolerant<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(BoolVisitor)
    }
}

/// A string, or a number written as its decimal text.
struct StringVisitor;

impl Visitor<'_> for StringVisitor {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string (or a number)")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        Ok(v.to_string())
    }
}

impl Tolerant for String {
    fn deserialize_tolerant<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StringVisitor)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, PartialEq, Deserialize)]
    struct User {
        #[serde(deserialize_with = "super::deserialize")]
        sex: u32,
        #[serde(deserialize_with = "super::deserialize")]
        openid: String,
        #[serde(deserialize_with = "super::deserialize")]
        subscribed: bool,
        #[serde(deserialize_with = "super::deserialize")]
        score: f64,
        #[serde(default, deserialize_with = "super::deserialize")]
        tagid_list: Option<Vec<i64>>,
        #[serde(default, deserialize_with = "super::deserialize")]
        counts: BTreeMap<String, u64>,
    }

    fn user(value: serde_json::Value) -> Result<User, serde_json::Error> {
        serde_json::from_value(value)
    }

    #[test]
    fn documented_and_drifted_forms_decode_to_the_same_value() {
        let documented = user(json!({
            "sex": 1, "openid": "123", "subscribed": true, "score": 1.5,
            "tagid_list": [2, -3], "counts": {"a": 4}
        }))
        .unwrap();
        let drifted = user(json!({
            "sex": "1", "openid": 123, "subscribed": 1, "score": "1.5",
            "tagid_list": ["2", "-3"], "counts": {"a": "4"}
        }))
        .unwrap();
        assert_eq!(documented, drifted);
        assert_eq!(drifted.tagid_list, Some(vec![2, -3]));
        let strings = user(json!({
            "sex": "1", "openid": "123", "subscribed": "false", "score": 2, "tagid_list": null
        }))
        .unwrap();
        assert!(!strings.subscribed);
        assert_eq!(strings.score, 2.0);
        assert_eq!(strings.tagid_list, None);
        assert!(strings.counts.is_empty());
    }

    #[test]
    fn nothing_else_is_loosened() {
        let base = json!({"sex": 1, "openid": "o", "subscribed": true, "score": 1});
        assert!(user(base.clone()).is_ok());
        let with = |key: &str, value: serde_json::Value| {
            let mut v = base.clone();
            v[key] = value;
            user(v)
        };
        for (key, bad) in [
            ("sex", json!("x")),
            ("sex", json!(-1)),
            ("sex", json!("4294967296")),
            ("sex", json!(1.5)),
            ("sex", json!(" 1")),
            ("sex", json!(null)),
            ("subscribed", json!(2)),
            ("subscribed", json!("yes")),
            ("score", json!("NaN")),
            ("score", json!("inf")),
            ("openid", json!(true)),
            ("openid", json!({"id": 1})),
            ("tagid_list", json!("1,2")),
        ] {
            let e = with(key, bad.clone()).unwrap_err();
            assert!(!e.to_string().is_empty(), "{key}: {bad}");
        }
        let mut missing = base.as_object().cloned().unwrap();
        missing.remove("openid");
        let e = user(serde_json::Value::Object(missing)).unwrap_err();
        assert!(e.to_string().contains("missing field `openid`"), "{e}");
    }
}
