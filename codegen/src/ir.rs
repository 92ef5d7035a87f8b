//! The validated spec: names checked, types resolved, defaults applied.
//!
//! Code generation only ever sees this model, so it cannot meet a spec error.

use std::collections::BTreeMap;
use std::path::PathBuf;

/// All modules of a spec directory.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// Modules, in file-name order.
    pub modules: Vec<Module>,
    /// Every spec file read, for change tracking.
    pub files: Vec<PathBuf>,
}

impl Api {
    /// The named type `name`, wherever it is defined.
    pub fn find_type(&self, name: &str) -> Option<&TypeItem> {
        self.modules
            .iter()
            .flat_map(|m| &m.types)
            .find(|t| t.name() == name)
    }

    /// Every named type by name.
    pub fn types_by_name(&self) -> BTreeMap<&str, &TypeItem> {
        self.modules
            .iter()
            .flat_map(|m| &m.types)
            .map(|t| (t.name(), t))
            .collect()
    }
}

/// The API family of a spec file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Family {
    /// WeChat's APIs: `client.<module>()`, a token in the query, `errcode`.
    #[default]
    Wechat,
    /// WeChat Pay API v3: `pay.<module>()`, signed requests, verified
    /// answers, HTTP status errors.
    Pay,
}

/// One spec file: `client.<name>()`.
#[derive(Debug, Clone, PartialEq)]
pub struct Module {
    /// snake_case module and accessor name.
    pub name: String,
    /// The API family.
    pub family: Family,
    /// Doc comment.
    pub doc: Option<String>,
    /// Named types defined in this file.
    pub types: Vec<TypeItem>,
    /// Endpoints.
    pub endpoints: Vec<Endpoint>,
}

/// A named type.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeItem {
    /// A struct.
    Object(Object),
    /// An enum of string or integer values.
    Enum(Enum),
    /// A tagged union.
    Union(Union),
}

impl TypeItem {
    /// The type's Rust name.
    pub fn name(&self) -> &str {
        match self {
            TypeItem::Object(o) => &o.name,
            TypeItem::Enum(e) => &e.name,
            TypeItem::Union(u) => &u.name,
        }
    }
}

/// A struct type.
#[derive(Debug, Clone, PartialEq)]
pub struct Object {
    /// UpperCamelCase name.
    pub name: String,
    /// Doc comment.
    pub doc: Option<String>,
    /// Fields.
    pub fields: Vec<Field>,
}

/// An enum type.
#[derive(Debug, Clone, PartialEq)]
pub struct Enum {
    /// UpperCamelCase name.
    pub name: String,
    /// Doc comment.
    pub doc: Option<String>,
    /// Whether the values are integers (else strings).
    pub integer: bool,
    /// The values.
    pub values: Vec<EnumValue>,
}

/// One value of an enum.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumValue {
    /// The value on the wire (an integer's decimal text for integer enums).
    pub wire: String,
    /// The Rust variant name.
    pub rust: String,
    /// Doc comment.
    pub doc: Option<String>,
}

/// How a union's variant content is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnionStyle {
    /// `{"msgtype": "text", "text": {...}}`.
    Sibling,
    /// `{"type": "click", "name": ..., "key": ...}`.
    Inline,
}

/// A tagged union.
#[derive(Debug, Clone, PartialEq)]
pub struct Union {
    /// UpperCamelCase name.
    pub name: String,
    /// Doc comment.
    pub doc: Option<String>,
    /// The wire name of the tag field.
    pub tag: String,
    /// Layout of the content.
    pub style: UnionStyle,
    /// The variants.
    pub variants: Vec<Variant>,
}

/// One variant of a union.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// The tag value; `None` for the variant used when the tag is absent.
    pub wire: Option<String>,
    /// The Rust variant name.
    pub rust: String,
    /// The named object type of its content, if any.
    pub ty: Option<TypeRef>,
    /// Doc comment.
    pub doc: Option<String>,
}

// The enums below name the same ideas as `wechat_api::endpoint`, with the
// same type and variant names: generated code spells a value of one as the
// other (`codegen::spelling`), with no translation.

/// HTTP method of an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpMethod {
    /// `GET`: parameters in the path and query only.
    Get,
    /// `POST`: a JSON or multipart body.
    Post,
}

impl HttpMethod {
    /// `"GET"` or `"POST"`.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
        }
    }
}

/// The managed credential an endpoint puts in its query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    /// No credential (or the caller passes one as an ordinary parameter).
    None,
    /// `access_token`: the official account's, or an authorizer's.
    AccessToken,
    /// `component_access_token`: the third-party platform's.
    ComponentAccessToken,
}

impl Credential {
    /// The usual query parameter name, if any.
    pub fn query_name(self) -> Option<&'static str> {
        match self {
            Credential::None => None,
            Credential::AccessToken => Some("access_token"),
            Credential::ComponentAccessToken => Some("component_access_token"),
        }
    }
}

/// What the body of a request is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// No body (`GET`).
    None,
    /// A JSON object (`POST`).
    Json,
    /// `multipart/form-data`: file parts and text fields.
    Multipart,
}

/// What a successful answer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerKind {
    /// A JSON object: the response struct.
    Json,
    /// File bytes.
    Media,
    /// File bytes, or the response struct as JSON.
    MediaOrJson,
}

/// A value filled from the client configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigKey {
    /// The official account's appid (or the authorizer's, when acting for one).
    AppId,
    /// The official account's AppSecret.
    Secret,
    /// The third-party platform's appid.
    ComponentAppId,
    /// The third-party platform's AppSecret.
    ComponentSecret,
    /// The WeChat Pay merchant id (pay endpoints only).
    MchId,
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    /// A `{name}` path segment.
    Path,
    /// The query string.
    Query,
    /// The JSON body.
    Body,
    /// A multipart part.
    Multipart,
}

/// One endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    /// snake_case method name.
    pub name: String,
    /// The API family (its module's).
    pub family: Family,
    /// Doc line.
    pub doc: Option<String>,
    /// Official documentation link.
    pub link: Option<String>,
    /// Permission set id(s).
    pub permission: Option<String>,
    /// HTTP method.
    pub method: HttpMethod,
    /// Host name.
    pub host: String,
    /// Path, starting with `/`, with `{name}` placeholders.
    pub path: String,
    /// Credential.
    pub credential: Credential,
    /// The query name of the credential (empty without one).
    pub credential_param: String,
    /// Path, query, body and multipart parameters, in that order.
    pub params: Vec<ParamInfo>,
    /// What a successful answer is.
    pub answer: AnswerKind,
    /// Response fields (JSON answers).
    pub response: Vec<Field>,
    /// Example response JSON.
    pub example: Option<String>,
    /// Example request body JSON.
    pub example_request: Option<String>,
    /// Runtime hook called after a successful answer.
    pub hook: Option<String>,
    /// How it pages (a `…_pages()` method walks every page).
    pub paging: Option<Paging>,
}

/// An endpoint's paging, resolved against its request and answer fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Paging {
    /// Cursor or offset.
    pub kind: PagingKind,
    /// The path from the answer to the list of a page's items.
    pub items: Vec<FieldStep>,
}

/// How an endpoint pages.
#[derive(Debug, Clone, PartialEq)]
pub enum PagingKind {
    /// The next request carries the answer's cursor.
    Cursor {
        /// The request's cursor field (an optional string).
        request: FieldStep,
        /// The answer's next-cursor field (a string).
        answer: FieldStep,
    },
    /// The next request's offset moves by the items received.
    Offset {
        /// The request's offset field (an integer).
        offset: FieldStep,
        /// The answer's total (an integer).
        total: FieldStep,
    },
}

/// One field on a path: its Rust name and whether it is an `Option`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldStep {
    /// The Rust field name.
    pub rust: String,
    /// `Option<T>`.
    pub optional: bool,
}

impl Endpoint {
    /// The parameters at `location`.
    pub fn params_at(&self, location: ParamLocation) -> impl Iterator<Item = &ParamInfo> {
        self.params.iter().filter(move |p| p.location == location)
    }

    /// The parameters the caller provides, in spec order.
    pub fn user_fields(&self) -> impl Iterator<Item = &Field> {
        self.params.iter().filter_map(|p| match &p.source {
            ParamSource::Caller(field) => Some(field),
            _ => None,
        })
    }

    /// Whether the body is multipart.
    pub fn is_multipart(&self) -> bool {
        self.params
            .iter()
            .any(|p| p.location == ParamLocation::Multipart)
    }

    /// What the request body is.
    pub fn body(&self) -> BodyKind {
        match (self.method, self.is_multipart()) {
            (HttpMethod::Get, _) => BodyKind::None,
            (HttpMethod::Post, false) => BodyKind::Json,
            (HttpMethod::Post, true) => BodyKind::Multipart,
        }
    }

    /// Whether the answer has a JSON response struct.
    pub fn has_response_struct(&self) -> bool {
        match self.answer {
            AnswerKind::Media => false,
            // an answer with nothing but `errcode`/`errmsg` returns `()`
            AnswerKind::Json => !self.response.is_empty(),
            AnswerKind::MediaOrJson => true,
        }
    }
}

/// A request parameter and where its value comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamInfo {
    /// Name on the wire.
    pub wire: String,
    /// Where it goes.
    pub location: ParamLocation,
    /// Where the value comes from.
    pub source: ParamSource,
}

impl ParamInfo {
    /// The parameter's type.
    pub fn ty(&self) -> &Ty {
        match &self.source {
            ParamSource::Fixed { ty, .. } => ty,
            ParamSource::Config(_) => &Ty::String,
            ParamSource::Caller(field) => &field.ty,
        }
    }

    /// The shape of its value on the wire.
    pub fn kind(&self) -> ValueKind {
        self.ty().value_kind()
    }

    /// Whether its value's keys sit directly in the body instead of under
    /// its name.
    pub fn flatten(&self) -> bool {
        matches!(&self.source, ParamSource::Caller(field) if field.flatten)
    }
}

/// The shape of a parameter's value on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// A JSON string (or text in a query, path or multipart field).
    String,
    /// A boolean.
    Bool,
    /// An integer (including integer-coded enums).
    Integer,
    /// A floating-point number.
    Float,
    /// A list.
    List,
    /// An object (a named type, a map, a union).
    Object,
    /// Any JSON value.
    Json,
    /// A string holding serialized JSON.
    JsonString,
    /// A file part of a multipart body.
    File,
}

/// Where a parameter's value comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamSource {
    /// Always the same value.
    Fixed {
        /// The literal value, as written.
        value: String,
        /// Its type (string, bool or an integer).
        ty: Ty,
    },
    /// From the client configuration.
    Config(ConfigKey),
    /// From the caller's request struct.
    Caller(Field),
}

/// A field of a struct.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Name on the wire.
    pub wire: String,
    /// Rust identifier.
    pub rust: String,
    /// Type.
    pub ty: Ty,
    /// `Option<T>`.
    pub optional: bool,
    /// Doc comment.
    pub doc: Option<String>,
    /// Redacted in `Debug`.
    pub secret: bool,
    /// WeChat Pay RSAES-OAEP field: plaintext in requests (encrypted on the
    /// way out), `Ciphertext` in answers.
    pub sensitive: bool,
    /// Serialized inline in the parent object.
    pub flatten: bool,
}

/// A field type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    /// `String`.
    String,
    /// `bool`.
    Bool,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `u32`.
    U32,
    /// `u64`.
    U64,
    /// `f64`.
    F64,
    /// Any JSON value.
    Json,
    /// `Vec<T>`.
    List(Box<Ty>),
    /// `BTreeMap<String, T>`: an object with caller-chosen keys.
    Map(Box<Ty>),
    /// A `T` carried as a string of serialized JSON.
    JsonString(Box<Ty>),
    /// A file part of a multipart body (`Upload`).
    File,
    /// A named type.
    Named(TypeRef),
}

impl Ty {
    /// The shape of a value of this type on the wire.
    pub fn value_kind(&self) -> ValueKind {
        match self {
            Ty::String => ValueKind::String,
            Ty::Bool => ValueKind::Bool,
            Ty::I32 | Ty::I64 | Ty::U32 | Ty::U64 => ValueKind::Integer,
            Ty::F64 => ValueKind::Float,
            Ty::Json => ValueKind::Json,
            Ty::List(_) => ValueKind::List,
            Ty::Map(_) => ValueKind::Object,
            Ty::JsonString(_) => ValueKind::JsonString,
            Ty::File => ValueKind::File,
            Ty::Named(r) => match r.kind {
                TypeKind::StrEnum => ValueKind::String,
                TypeKind::IntEnum => ValueKind::Integer,
                TypeKind::Object | TypeKind::Union => ValueKind::Object,
            },
        }
    }
}

/// A reference to a named type and the module defining it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeRef {
    /// The type's name.
    pub name: String,
    /// The module (spec file) defining it.
    pub module: String,
    /// What kind of type it is.
    pub kind: TypeKind,
}

/// The kind of a named type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeKind {
    /// A struct.
    Object,
    /// A string enum.
    StrEnum,
    /// An integer enum.
    IntEnum,
    /// A tagged union.
    Union,
}
