//! The spec file format, exactly as it is written in YAML.
//!
//! Every struct denies unknown keys, so a typo in a spec is an error with a
//! location instead of a silently ignored line. Values whose meaning is
//! checked later (names, types, methods...) are wrapped in [`Spanned`] so that
//! the semantic checks in `validate` can point at the line and column too.

use serde::Deserialize;
use serde_saphyr::Spanned;

/// One `spec/*.yaml` file: a module of endpoints and the types they share.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpecFile {
    /// The module the endpoints belong to (`client.<module>()`).
    pub module: Spanned<String>,
    /// Doc comment of the module.
    #[serde(default)]
    pub doc: Option<String>,
    /// Named, reusable types: nested response objects and enums.
    #[serde(default)]
    pub types: Vec<TypeDef>,
    /// The endpoints of this module.
    #[serde(default)]
    pub endpoints: Vec<EndpointDef>,
}

/// A named type: an object with `fields`, or an enum with `values`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypeDef {
    /// The Rust name of the type (UpperCamelCase).
    pub name: Spanned<String>,
    /// Doc comment.
    #[serde(default)]
    pub doc: Option<String>,
    /// Fields of an object type.
    #[serde(default)]
    pub fields: Option<Vec<FieldDef>>,
    /// Wire values of an enum type.
    #[serde(default)]
    pub values: Option<Vec<Spanned<String>>>,
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
    /// `GET` or `POST`.
    #[serde(default)]
    pub method: Option<Spanned<String>>,
    /// Host, `api.weixin.qq.com` when absent.
    #[serde(default)]
    pub host: Option<Spanned<String>>,
    /// Path, starting with `/`.
    #[serde(default)]
    pub path: Option<Spanned<String>>,
    /// Which managed credential goes into the query.
    #[serde(default)]
    pub credential: Option<Spanned<String>>,
    /// Query parameters.
    #[serde(default)]
    pub query: Vec<FieldDef>,
    /// JSON body fields (only for `POST`).
    #[serde(default)]
    pub body: Vec<FieldDef>,
    /// Fields of the response struct.
    #[serde(default)]
    pub response: Vec<FieldDef>,
    /// One example response, from the official docs.
    #[serde(default)]
    pub example: Option<Spanned<String>>,
    /// A hand-written runtime function (in `crate::__private::hooks`) called
    /// with the request and the response before the method returns, for
    /// stateful behaviour such as storing the tokens an answer carries.
    #[serde(default)]
    pub hook: Option<Spanned<String>>,
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
    /// The type: `string`, `bool`, `i32`, `i64`, `u32`, `u64`, `f64`, `json`,
    /// `list<T>` or a named type. `string` when absent.
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
    pub value: Option<Spanned<String>>,
    /// A value taken from the client configuration (`appid`, `secret`,
    /// `component_appid`, `component_secret`).
    #[serde(default)]
    pub from: Option<Spanned<String>>,
    /// The value is a secret: redacted in `Debug` output.
    #[serde(default)]
    pub secret: bool,
    /// The fields of this named object type sit directly in the parent
    /// object on the wire (`#[serde(flatten)]`): reuse of a shape shared by
    /// several responses.
    #[serde(default)]
    pub flatten: bool,
}
