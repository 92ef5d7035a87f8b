//! The spec file format, exactly as it is written in YAML.
//!
//! Every struct denies unknown keys, so a typo in a spec is an error with a
//! location instead of a silently ignored line. Values whose meaning is
//! checked later (names, types, methods...) are wrapped in [`Spanned`] so that
//! the semantic checks in `validate` can point at the line and column too.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_saphyr::Spanned;

/// One `spec/*.yaml` file: a module of endpoints and the types it defines.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpecFile {
    /// The API family: `wechat` (default: `client.<module>()`, token in the
    /// query) or `pay` (WeChat Pay API v3: `pay.<module>()`, signed requests).
    #[serde(default)]
    pub family: Option<Spanned<String>>,
    /// The module the endpoints belong to (`client.<module>()`).
    pub module: Spanned<String>,
    /// Doc comment of the module.
    #[serde(default)]
    pub doc: Option<String>,
    /// Named, reusable types (visible from every file of the spec).
    #[serde(default)]
    pub types: Vec<TypeDef>,
    /// The endpoints of this module.
    #[serde(default)]
    pub endpoints: Vec<EndpointDef>,
}

/// A named type: an object with `fields`, an enum with `values`, or a
/// tagged union with `tag` and `variants`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypeDef {
    /// The Rust name of the type (UpperCamelCase, unique in the spec).
    pub name: Spanned<String>,
    /// Doc comment.
    #[serde(default)]
    pub doc: Option<String>,
    /// Fields of an object type.
    #[serde(default)]
    pub fields: Option<Vec<FieldDef>>,
    /// Wire values of an enum type: strings, or integers (long form).
    #[serde(default)]
    pub values: Option<Vec<Spanned<EnumValueDef>>>,
    /// The field naming the variant of a union (`msgtype`, `type`).
    #[serde(default)]
    pub tag: Option<Spanned<String>>,
    /// Where a union variant's content sits: `sibling` (under a key named
    /// like the tag value) or `inline` (beside the tag).
    #[serde(default)]
    pub content: Option<Spanned<String>>,
    /// The variants of a union.
    #[serde(default)]
    pub variants: Option<Vec<VariantDef>>,
}

/// One value of an enum: `jsapi` (short form) or
/// `{value: 0, rust: Succeeded, doc: ...}` (long form).
#[derive(Debug)]
pub struct EnumValueDef {
    /// The value on the wire.
    pub value: Spanned<Scalar>,
    /// The Rust variant name, when not the UpperCamelCase of the value.
    pub rust: Option<Spanned<String>>,
    /// Doc comment.
    pub doc: Option<String>,
}

/// One variant of a union.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VariantDef {
    /// The tag value; absent for the variant used when the tag is missing
    /// (inline unions only).
    #[serde(default)]
    pub value: Option<Spanned<String>>,
    /// The Rust variant name, when not the UpperCamelCase of the value.
    #[serde(default)]
    pub rust: Option<Spanned<String>>,
    /// The named object type of the variant's content (none: a bare tag).
    #[serde(default, rename = "type")]
    pub ty: Option<Spanned<String>>,
    /// Doc comment.
    #[serde(default)]
    pub doc: Option<String>,
}

/// One HTTP endpoint.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndpointDef {
    /// The method name (snake_case).
    pub name: Spanned<String>,
    /// One line saying what the endpoint does.
    #[serde(default)]
    pub doc: Option<String>,
    /// Link to the official documentation.
    #[serde(default)]
    pub link: Option<String>,
    /// The permission set (权限集) id(s) the official documentation gives.
    #[serde(default)]
    pub permission: Option<Spanned<Scalar>>,
    /// `GET` or `POST`.
    #[serde(default)]
    pub method: Option<Spanned<String>>,
    /// Host, `api.weixin.qq.com` when absent.
    #[serde(default)]
    pub host: Option<Spanned<String>>,
    /// Path, starting with `/`; `{name}` segments are `path_params`.
    #[serde(default)]
    pub path: Option<Spanned<String>>,
    /// The parameters substituted into the path.
    #[serde(default)]
    pub path_params: Vec<FieldDef>,
    /// Which managed credential goes into the query.
    #[serde(default)]
    pub credential: Option<Spanned<String>>,
    /// The query name of the credential, when not the usual one.
    #[serde(default)]
    pub credential_param: Option<Spanned<String>>,
    /// Query parameters.
    #[serde(default)]
    pub query: Vec<FieldDef>,
    /// JSON body fields (only for `POST`).
    #[serde(default)]
    pub body: Vec<FieldDef>,
    /// `multipart/form-data` parts (only for `POST`, instead of `body`).
    #[serde(default)]
    pub multipart: Vec<FieldDef>,
    /// What a successful answer is: `json` (default), `media` or
    /// `media_or_json`.
    #[serde(default)]
    pub answer: Option<Spanned<String>>,
    /// Fields of the response struct.
    #[serde(default)]
    pub response: Vec<FieldDef>,
    /// One example response, from the official docs.
    #[serde(default)]
    pub example: Option<Spanned<String>>,
    /// One example request body, from the official docs.
    #[serde(default)]
    pub example_request: Option<Spanned<String>>,
    /// A hand-written runtime function (in `wechat_api::__private::hooks`)
    /// called with the request and the response before the method returns,
    /// for stateful behaviour such as storing the tokens an answer carries.
    #[serde(default)]
    pub hook: Option<Spanned<String>>,
    /// How the endpoint pages: the generated `…_pages()` method walks
    /// every page.
    #[serde(default)]
    pub paging: Option<Spanned<PagingDef>>,
}

/// An endpoint's paging: a cursor (`cursor`, `next`) or an offset
/// (`offset`, `count`, `total`); `items` names the answer's list of a
/// page's items (a dotted path through nested objects: `data.openid`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PagingDef {
    /// Cursor paging: the (optional, string) request field carrying the cursor.
    #[serde(default)]
    pub cursor: Option<Spanned<String>>,
    /// Cursor paging: the answer's field with the next cursor (default: the
    /// name of `cursor`).
    #[serde(default)]
    pub next: Option<Spanned<String>>,
    /// Offset paging: the (integer) request field with the offset.
    #[serde(default)]
    pub offset: Option<Spanned<String>>,
    /// Offset paging: the (integer) request field with the page size.
    #[serde(default)]
    pub count: Option<Spanned<String>>,
    /// Offset paging: the answer's (integer) field with the total number of items.
    #[serde(default)]
    pub total: Option<Spanned<String>>,
    /// The answer's list of this page's items.
    pub items: Spanned<String>,
}

/// A field of a request, a response or a named object type.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    /// The name on the wire.
    pub name: Spanned<String>,
    /// The Rust name, when the wire name is not a usable identifier (`type`).
    #[serde(default)]
    pub rust: Option<Spanned<String>>,
    /// The type (see the spec README); `string` when absent.
    #[serde(default, rename = "type")]
    pub ty: Option<Spanned<String>>,
    /// `Option<T>` in Rust; omitted from requests when `None`.
    #[serde(default)]
    pub optional: bool,
    /// Doc comment.
    #[serde(default)]
    pub doc: Option<String>,
    /// A fixed value, sent on every call (e.g. `grant_type: client_credential`).
    #[serde(default)]
    pub value: Option<Spanned<Scalar>>,
    /// A value taken from the client configuration (`appid`, `secret`,
    /// `component_appid`, `component_secret`).
    #[serde(default)]
    pub from: Option<Spanned<String>>,
    /// The value is a secret: redacted in `Debug` output.
    #[serde(default)]
    pub secret: bool,
    /// WeChat Pay only: the value is encrypted with RSAES-OAEP (requests:
    /// by the client with WeChat Pay's key; answers: decrypted on request
    /// with the merchant key). Strings only.
    #[serde(default)]
    pub sensitive: Option<Spanned<bool>>,
    /// The fields of this named object (or union) sit directly in the
    /// parent object on the wire (`#[serde(flatten)]`).
    #[serde(default)]
    pub flatten: bool,
}

/// A YAML scalar as written: `jsapi`, `0`, `true`, `"18"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scalar {
    /// Its text.
    pub text: String,
    /// Whether YAML read it as an integer (unquoted digits).
    pub integer: Option<i64>,
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ScalarVisitor)
    }
}

struct ScalarVisitor;

impl Visitor<'_> for ScalarVisitor {
    type Value = Scalar;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string, a number or a boolean")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
        Ok(Scalar {
            text: v.to_owned(),
            integer: None,
        })
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
        Ok(Scalar {
            text: v.to_string(),
            integer: None,
        })
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
        Ok(Scalar {
            text: v.to_string(),
            integer: Some(v),
        })
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
        let integer =
            i64::try_from(v).map_err(|_| E::custom("integer out of range (at most 2^63 - 1)"))?;
        self.visit_i64(integer)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
        Ok(Scalar {
            text: v.to_string(),
            integer: None,
        })
    }
}

impl<'de> Deserialize<'de> for EnumValueDef {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(EnumValueVisitor)
    }
}

/// Accepts a bare scalar (short form) or a map with `value`, `rust`, `doc`.
struct EnumValueVisitor;

impl EnumValueVisitor {
    fn short(scalar: Scalar) -> EnumValueDef {
        // The span of the whole item is kept by the `Spanned` around it; the
        // inner value's own location is the same node.
        let here = serde_saphyr::Location::UNKNOWN;
        EnumValueDef {
            value: Spanned::new(scalar, here, here),
            rust: None,
            doc: None,
        }
    }
}

impl<'de> Visitor<'de> for EnumValueVisitor {
    type Value = EnumValueDef;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an enum value: a scalar, or a map with `value`, `rust` and `doc`")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<EnumValueDef, E> {
        ScalarVisitor.visit_str(v).map(Self::short)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<EnumValueDef, E> {
        ScalarVisitor.visit_bool(v).map(Self::short)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<EnumValueDef, E> {
        ScalarVisitor.visit_i64(v).map(Self::short)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<EnumValueDef, E> {
        ScalarVisitor.visit_u64(v).map(Self::short)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<EnumValueDef, A::Error> {
        let mut value = None;
        let mut rust = None;
        let mut doc = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "value" if value.is_none() => value = Some(map.next_value()?),
                "rust" if rust.is_none() => rust = Some(map.next_value()?),
                "doc" if doc.is_none() => doc = Some(map.next_value()?),
                "value" | "rust" | "doc" => return Err(de::Error::duplicate_field("value")),
                other => {
                    return Err(de::Error::unknown_field(other, &["value", "rust", "doc"]));
                }
            }
        }
        Ok(EnumValueDef {
            value: value.ok_or_else(|| de::Error::missing_field("value"))?,
            rust,
            doc,
        })
    }
}
