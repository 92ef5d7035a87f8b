//! The validated spec: names checked, types resolved, defaults applied.
//!
//! Code generation only ever sees this model, so it cannot meet a spec error.

use std::path::PathBuf;

/// All modules of a spec directory.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// Modules, in file-name order.
    pub modules: Vec<Module>,
    /// Every spec file read, for change tracking.
    pub files: Vec<PathBuf>,
}

/// One spec file: `client.<name>()`.
#[derive(Debug, Clone, PartialEq)]
pub struct Module {
    /// snake_case module and accessor name.
    pub name: String,
    /// Doc comment.
    pub doc: Option<String>,
    /// Named types.
    pub types: Vec<TypeItem>,
    /// Endpoints.
    pub endpoints: Vec<Endpoint>,
}

/// A named type.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeItem {
    /// A struct.
    Object {
        /// UpperCamelCase name.
        name: String,
        /// Doc comment.
        doc: Option<String>,
        /// Fields.
        fields: Vec<Field>,
    },
    /// A string enum.
    Enum {
        /// UpperCamelCase name.
        name: String,
        /// Doc comment.
        doc: Option<String>,
        /// Wire values; variants are their UpperCamelCase forms.
        values: Vec<String>,
    },
}

/// HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET: parameters in the query only.
    Get,
    /// POST: a JSON body.
    Post,
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
}

/// One endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    /// snake_case method name.
    pub name: String,
    /// Doc line.
    pub doc: Option<String>,
    /// Official documentation link.
    pub link: Option<String>,
    /// HTTP method.
    pub method: Method,
    /// Host name.
    pub host: String,
    /// Path, starting with `/`.
    pub path: String,
    /// Credential.
    pub credential: Credential,
    /// Query parameters.
    pub query: Vec<Param>,
    /// JSON body fields.
    pub body: Vec<Param>,
    /// Response fields.
    pub response: Vec<Field>,
    /// Example response JSON.
    pub example: Option<String>,
    /// Runtime hook called after a successful answer.
    pub hook: Option<String>,
}

impl Endpoint {
    /// The query name the credential is sent under (empty without one).
    pub fn credential_param(&self) -> &'static str {
        match self.credential {
            Credential::None => "",
            Credential::AccessToken => "access_token",
            Credential::ComponentAccessToken => "component_access_token",
        }
    }

    /// The parameters the caller provides, query first.
    pub fn user_fields(&self) -> impl Iterator<Item = &Field> {
        self.query
            .iter()
            .chain(&self.body)
            .filter_map(|p| match &p.source {
                Source::User(field) => Some(field),
                _ => None,
            })
    }
}

/// A request parameter and where its value comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// Name on the wire.
    pub wire: String,
    /// Where the value comes from.
    pub source: Source,
}

/// Where a parameter's value comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// Always the same value.
    Fixed {
        /// The literal value.
        value: String,
        /// Its type (string, bool or an integer).
        ty: Ty,
    },
    /// From the client configuration.
    Config(ConfigKey),
    /// From the request struct.
    User(Field),
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
    /// A named type of the same module.
    Named(String),
}
