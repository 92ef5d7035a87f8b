//! Semantic checks of parsed spec files, producing the validated [`Api`].
//!
//! YAML syntax and unknown keys are caught while parsing (`load`); this module
//! catches everything else a spec can get wrong, each time pointing at the
//! offending node: unknown types, duplicate names, bad methods, missing paths,
//! unknown credential kinds and names that are not Rust identifiers.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use heck::{ToSnakeCase, ToUpperCamelCase};
use serde_saphyr::Spanned;

use crate::error::SpecError;
use crate::ir::{
    Api, ConfigKey, Credential, Endpoint, Field, Method, Module, Param, Source, Ty, TypeItem,
};
use crate::load::Loaded;
use crate::model::{EndpointDef, FieldDef, SpecFile, TypeDef};

/// The host used when an endpoint names none.
pub const DEFAULT_HOST: &str = "api.weixin.qq.com";

const SCALARS: &[&str] = &["string", "bool", "i32", "i64", "u32", "u64", "f64", "json"];
/// The hand-written runtime hooks (`wechat-api/src/hooks.rs`) a spec may name.
/// `remember_thing` exists for the code generation snapshot only.
pub const KNOWN_HOOKS: &[&str] = &[
    "remember_authorization",
    "remember_authorizer_token",
    #[cfg(test)]
    "remember_thing",
];
const CREDENTIALS: &str = "`none`, `access_token` or `component_access_token`";
const CONFIG_KEYS: &str = "`appid`, `secret`, `component_appid` or `component_secret`";

/// Validates every loaded file and builds the model code generation uses.
pub fn validate(files: &[Loaded]) -> Result<Api, SpecError> {
    let mut modules = Vec::with_capacity(files.len());
    let mut seen_modules: HashMap<String, &Path> = HashMap::new();
    for loaded in files {
        let path = loaded.display_path.as_path();
        let module = validate_file(path, &loaded.spec)?;
        if let Some(other) = seen_modules.insert(module.name.clone(), path) {
            return Err(SpecError::spanned(
                path,
                &loaded.spec.module,
                format!(
                    "duplicate module `{}`: already defined in {}; put its endpoints in one file",
                    module.name,
                    other.display()
                ),
            ));
        }
        modules.push(module);
    }
    Ok(Api {
        modules,
        files: files.iter().map(|f| f.absolute_path.clone()).collect(),
    })
}

fn validate_file(path: &Path, spec: &SpecFile) -> Result<Module, SpecError> {
    let name = snake_ident(path, &spec.module, "module name")?;
    let types = TypeScope::new(path, &spec.types)?;
    let mut items = Vec::with_capacity(spec.types.len());
    for def in &spec.types {
        items.push(validate_type(path, def, &types)?);
    }
    let mut endpoints = Vec::with_capacity(spec.endpoints.len());
    let mut seen: HashSet<&str> = HashSet::new();
    for def in &spec.endpoints {
        let endpoint = validate_endpoint(path, def, &types)?;
        if !seen.insert(def.name.value.as_str()) {
            return Err(SpecError::spanned(
                path,
                &def.name,
                format!(
                    "duplicate endpoint name `{}` in module `{name}`: endpoint names become method names and must be unique",
                    def.name.value
                ),
            ));
        }
        let generated = [
            format!("{}Request", endpoint.name.to_upper_camel_case()),
            format!("{}Response", endpoint.name.to_upper_camel_case()),
        ];
        if let Some(clash) = generated
            .iter()
            .find(|g| types.names.contains_key(g.as_str()))
        {
            return Err(SpecError::spanned(
                path,
                &def.name,
                format!(
                    "endpoint `{}` generates the type `{clash}`, which is also a named type of this module; rename one of them",
                    def.name.value
                ),
            ));
        }
        endpoints.push(endpoint);
    }
    Ok(Module {
        name,
        doc: spec.doc.clone(),
        types: items,
        endpoints,
    })
}

/// The named types of one file, for resolving `type:` references.
struct TypeScope {
    names: HashMap<String, bool>, // name -> is an object
}

impl TypeScope {
    fn new(path: &Path, defs: &[TypeDef]) -> Result<Self, SpecError> {
        let mut names = HashMap::new();
        for def in defs {
            let name = &def.name.value;
            if !is_ident(name) || name.to_upper_camel_case() != *name {
                return Err(SpecError::spanned(
                    path,
                    &def.name,
                    format!(
                        "invalid identifier `{name}` for a type name: expected UpperCamelCase, like `{}`",
                        name.to_upper_camel_case()
                    ),
                ));
            }
            if SCALARS.contains(&name.as_str()) {
                return Err(SpecError::spanned(
                    path,
                    &def.name,
                    format!("type name `{name}` shadows a built-in type"),
                ));
            }
            if names.insert(name.clone(), def.fields.is_some()).is_some() {
                return Err(SpecError::spanned(
                    path,
                    &def.name,
                    format!("duplicate type name `{name}`"),
                ));
            }
        }
        Ok(Self { names })
    }

    fn resolve(&self, path: &Path, node: &Spanned<String>) -> Result<Ty, SpecError> {
        parse_ty(node.value.trim())
            .and_then(|ty| self.check(&ty).map(|()| ty))
            .map_err(|bad| {
                let mut known: Vec<&str> = SCALARS.to_vec();
                let mut named: Vec<&str> = self.names.keys().map(String::as_str).collect();
                named.sort_unstable();
                known.extend(named);
                SpecError::spanned(
                    path,
                    node,
                    format!(
                        "unknown type `{bad}`: expected one of {}, or `list<T>`",
                        known
                            .iter()
                            .map(|k| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })
    }

    fn check(&self, ty: &Ty) -> Result<(), String> {
        match ty {
            Ty::List(inner) => self.check(inner),
            Ty::Named(name) if !self.names.contains_key(name) => Err(name.clone()),
            _ => Ok(()),
        }
    }
}

/// Parses `string`, `list<T>`, `Name`; the error is the unparsable part.
fn parse_ty(text: &str) -> Result<Ty, String> {
    if let Some(inner) = text.strip_prefix("list<").and_then(|t| t.strip_suffix('>')) {
        return parse_ty(inner.trim()).map(|t| Ty::List(Box::new(t)));
    }
    Ok(match text {
        "string" => Ty::String,
        "bool" => Ty::Bool,
        "i32" => Ty::I32,
        "i64" => Ty::I64,
        "u32" => Ty::U32,
        "u64" => Ty::U64,
        "f64" => Ty::F64,
        "json" => Ty::Json,
        other if is_ident(other) && other.chars().next().is_some_and(char::is_uppercase) => {
            Ty::Named(other.to_string())
        }
        other => return Err(other.to_string()),
    })
}

fn validate_type(path: &Path, def: &TypeDef, scope: &TypeScope) -> Result<TypeItem, SpecError> {
    let name = def.name.value.clone();
    match (&def.fields, &def.values) {
        (Some(fields), None) => Ok(TypeItem::Object {
            name,
            doc: def.doc.clone(),
            fields: validate_fields(path, fields, scope, "field of a type")?,
        }),
        (None, Some(values)) => {
            let mut seen = HashSet::new();
            for value in values {
                let variant = value.value.to_upper_camel_case();
                if value.value.is_empty() || !is_ident(&variant) {
                    return Err(SpecError::spanned(
                        path,
                        value,
                        format!(
                            "invalid enum value `{}`: it must map to a Rust identifier",
                            value.value
                        ),
                    ));
                }
                if !seen.insert(variant.clone()) {
                    return Err(SpecError::spanned(
                        path,
                        value,
                        format!(
                            "duplicate enum value `{}` (variant `{variant}`)",
                            value.value
                        ),
                    ));
                }
            }
            if values.is_empty() {
                return Err(SpecError::spanned(
                    path,
                    &def.name,
                    format!("enum type `{name}` has no values"),
                ));
            }
            Ok(TypeItem::Enum {
                name,
                doc: def.doc.clone(),
                values: values.iter().map(|v| v.value.clone()).collect(),
            })
        }
        _ => Err(SpecError::spanned(
            path,
            &def.name,
            format!(
                "type `{name}` must have exactly one of `fields` (an object) or `values` (an enum)"
            ),
        )),
    }
}

fn validate_endpoint(
    path: &Path,
    def: &EndpointDef,
    scope: &TypeScope,
) -> Result<Endpoint, SpecError> {
    let name = snake_ident(path, &def.name, "endpoint name")?;
    let method = match &def.method {
        None => {
            return Err(SpecError::spanned(
                path,
                &def.name,
                format!("endpoint `{name}` has no `method`: expected GET or POST"),
            ));
        }
        Some(m) => match m.value.as_str() {
            "GET" => Method::Get,
            "POST" => Method::Post,
            other => {
                return Err(SpecError::spanned(
                    path,
                    m,
                    format!(
                        "bad HTTP method `{other}` for endpoint `{name}`: expected GET or POST (upper case)"
                    ),
                ));
            }
        },
    };
    let path_value = match &def.path {
        None => {
            return Err(SpecError::spanned(
                path,
                &def.name,
                format!(
                    "missing path: endpoint `{name}` has no `path` (e.g. `path: /cgi-bin/token`)"
                ),
            ));
        }
        Some(p) if !p.value.starts_with('/') || p.value.contains(['?', '#', ' ']) => {
            return Err(SpecError::spanned(
                path,
                p,
                format!(
                    "invalid path `{}`: expected an absolute path starting with `/`, without query or fragment",
                    p.value
                ),
            ));
        }
        Some(p) => p.value.clone(),
    };
    let host = match &def.host {
        None => DEFAULT_HOST.to_string(),
        Some(h)
            if !h.value.is_empty()
                && h.value
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-') =>
        {
            h.value.clone()
        }
        Some(h) => {
            return Err(SpecError::spanned(
                path,
                h,
                format!(
                    "invalid host `{}`: expected a host name like `api.weixin.qq.com`",
                    h.value
                ),
            ));
        }
    };
    let credential = match &def.credential {
        None => Credential::None,
        Some(c) => match c.value.as_str() {
            "none" => Credential::None,
            "access_token" => Credential::AccessToken,
            "component_access_token" => Credential::ComponentAccessToken,
            other => {
                return Err(SpecError::spanned(
                    path,
                    c,
                    format!("unknown credential kind `{other}`: expected {CREDENTIALS}"),
                ));
            }
        },
    };
    if method == Method::Get
        && let Some(first) = def.body.first()
    {
        return Err(SpecError::spanned(
            path,
            &first.name,
            format!(
                "endpoint `{name}` is GET but has `body` fields: GET sends query parameters only"
            ),
        ));
    }
    let query = validate_params(path, &def.query, scope)?;
    let body = validate_params(path, &def.body, scope)?;
    // one Rust name per request struct, across query and body
    let mut rust_names = HashSet::new();
    for (param, field_def) in query
        .iter()
        .zip(&def.query)
        .chain(body.iter().zip(&def.body))
    {
        if let Source::User(field) = &param.source
            && !rust_names.insert(field.rust.clone())
        {
            return Err(SpecError::spanned(
                path,
                &field_def.name,
                format!("duplicate parameter `{}` in endpoint `{name}`", field.rust),
            ));
        }
    }
    if credential != Credential::None {
        let token_name = match credential {
            Credential::AccessToken => "access_token",
            _ => "component_access_token",
        };
        if let Some(clash) = def.query.iter().find(|f| f.name.value == token_name) {
            return Err(SpecError::spanned(
                path,
                &clash.name,
                format!(
                    "`{token_name}` is added by `credential: {token_name}`; remove this query parameter"
                ),
            ));
        }
    }
    let response = validate_fields(path, &def.response, scope, "response field")?;
    for (field, field_def) in response.iter().zip(&def.response) {
        if field.wire == "errcode" {
            return Err(SpecError::spanned(
                path,
                &field_def.name,
                "`errcode` is checked by the client before decoding; do not declare it as a response field",
            ));
        }
    }
    let example = match &def.example {
        None => None,
        Some(ex) => {
            if let Err(e) =
                serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&ex.value)
            {
                return Err(SpecError::spanned(
                    path,
                    ex,
                    format!("the example of `{name}` is not a JSON object: {e}"),
                ));
            }
            Some(ex.value.clone())
        }
    };
    let hook = match &def.hook {
        None => None,
        Some(h) if KNOWN_HOOKS.contains(&h.value.as_str()) => Some(h.value.clone()),
        Some(h) => {
            return Err(SpecError::spanned(
                path,
                h,
                format!(
                    "unknown hook `{}`: expected one of {} (hooks are hand-written in wechat-api/src/hooks.rs; add a new one there and to KNOWN_HOOKS in codegen/src/validate.rs)",
                    h.value,
                    KNOWN_HOOKS
                        .iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    };
    Ok(Endpoint {
        hook,
        name,
        doc: def.doc.clone(),
        link: def.link.clone(),
        method,
        host,
        path: path_value,
        credential,
        query,
        body,
        response,
        example,
    })
}

fn validate_params(
    path: &Path,
    defs: &[FieldDef],
    scope: &TypeScope,
) -> Result<Vec<Param>, SpecError> {
    let mut wire_names = HashSet::new();
    let mut params = Vec::with_capacity(defs.len());
    for def in defs {
        if !wire_names.insert(def.name.value.as_str()) {
            return Err(SpecError::spanned(
                path,
                &def.name,
                format!("duplicate parameter `{}`", def.name.value),
            ));
        }
        let source = match (&def.value, &def.from) {
            (Some(_), Some(from)) => {
                return Err(SpecError::spanned(
                    path,
                    from,
                    format!(
                        "parameter `{}` has both `value` and `from`; keep one",
                        def.name.value
                    ),
                ));
            }
            (Some(value), None) => {
                let ty = match &def.ty {
                    None => Ty::String,
                    Some(t) => scope.resolve(path, t)?,
                };
                let valid = match ty {
                    Ty::String => true,
                    Ty::Bool => matches!(value.value.as_str(), "true" | "false"),
                    Ty::I32 | Ty::I64 => value.value.parse::<i64>().is_ok(),
                    Ty::U32 | Ty::U64 => value.value.parse::<u64>().is_ok(),
                    _ => false,
                };
                if !valid {
                    return Err(SpecError::spanned(
                        path,
                        value,
                        format!(
                            "fixed value `{}` does not fit the type of `{}` (fixed values are strings, booleans or integers)",
                            value.value, def.name.value
                        ),
                    ));
                }
                Source::Fixed {
                    value: value.value.clone(),
                    ty,
                }
            }
            (None, Some(from)) => Source::Config(match from.value.as_str() {
                "appid" => ConfigKey::AppId,
                "secret" => ConfigKey::Secret,
                "component_appid" => ConfigKey::ComponentAppId,
                "component_secret" => ConfigKey::ComponentSecret,
                other => {
                    return Err(SpecError::spanned(
                        path,
                        from,
                        format!("unknown configuration value `{other}`: expected {CONFIG_KEYS}"),
                    ));
                }
            }),
            (None, None) if def.flatten => {
                return Err(SpecError::spanned(
                    path,
                    &def.name,
                    "`flatten` is for response fields and named types, not request parameters",
                ));
            }
            (None, None) => Source::User(validate_field(path, def, scope)?),
        };
        params.push(Param {
            wire: def.name.value.clone(),
            source,
        });
    }
    Ok(params)
}

fn validate_fields(
    path: &Path,
    defs: &[FieldDef],
    scope: &TypeScope,
    what: &str,
) -> Result<Vec<Field>, SpecError> {
    let mut seen = HashSet::new();
    let mut fields = Vec::with_capacity(defs.len());
    for def in defs {
        if let Some(v) = def.value.as_ref() {
            return Err(SpecError::spanned(
                path,
                v,
                format!("a {what} cannot have a fixed `value`"),
            ));
        }
        if let Some(v) = def.from.as_ref() {
            return Err(SpecError::spanned(
                path,
                v,
                format!("a {what} cannot be filled `from` the configuration"),
            ));
        }
        let field = validate_field(path, def, scope)?;
        if !seen.insert(field.rust.clone()) {
            return Err(SpecError::spanned(
                path,
                &def.name,
                format!("duplicate field `{}`", field.rust),
            ));
        }
        fields.push(field);
    }
    Ok(fields)
}

fn validate_field(path: &Path, def: &FieldDef, scope: &TypeScope) -> Result<Field, SpecError> {
    let rust = match &def.rust {
        Some(rust) => snake_ident(path, rust, "Rust field name")?,
        None => {
            let wire = &def.name.value;
            if is_keyword(wire) {
                return Err(SpecError::spanned(
                    path,
                    &def.name,
                    format!(
                        "invalid identifier: `{wire}` is a Rust keyword; add `rust: <name>` (e.g. `rust: {wire}_value`) to name the field in Rust"
                    ),
                ));
            }
            snake_ident(path, &def.name, "field name")?
        }
    };
    let ty = match &def.ty {
        None => Ty::String,
        Some(t) => scope.resolve(path, t)?,
    };
    if def.flatten {
        let is_object = matches!(&ty, Ty::Named(n) if scope.names.get(n) == Some(&true));
        if !is_object || def.optional {
            return Err(SpecError::spanned(
                path,
                &def.name,
                format!(
                    "`flatten` needs a required field whose type is a named object type (`{}` is not)",
                    def.name.value
                ),
            ));
        }
    }
    Ok(Field {
        wire: def.name.value.clone(),
        rust,
        ty,
        optional: def.optional,
        doc: def.doc.clone(),
        secret: def.secret,
        flatten: def.flatten,
    })
}

/// Checks a snake_case Rust identifier that is not a keyword.
fn snake_ident(path: &Path, node: &Spanned<String>, what: &str) -> Result<String, SpecError> {
    let name = &node.value;
    if !is_ident(name) || is_keyword(name) || name.to_snake_case() != *name {
        return Err(SpecError::spanned(
            path,
            node,
            format!(
                "invalid identifier `{name}` for the {what}: expected a snake_case Rust identifier that is not a keyword (like `{}`)",
                suggest_snake(name)
            ),
        ));
    }
    Ok(name.clone())
}

fn suggest_snake(name: &str) -> String {
    let snake = name.replace(['-', '/', '.', ' '], "_").to_snake_case();
    match snake {
        s if s.is_empty() => "my_name".to_string(),
        s if s.starts_with(|c: char| c.is_ascii_digit()) || is_keyword(&s) => format!("n_{s}"),
        s => s,
    }
}

/// A non-keyword identifier: usable as a struct member as it is.
pub fn is_plain_ident(s: &str) -> bool {
    is_ident(s) && !is_keyword(s)
}

fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c == '_' || c.is_ascii_alphabetic() => {}
        _ => return false,
    }
    s != "_" && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

fn is_keyword(s: &str) -> bool {
    // every strict and reserved keyword of edition 2024
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
    use std::path::PathBuf;

    use super::*;
    use crate::load::parse;

    fn check(yaml: &str) -> Result<Api, SpecError> {
        let path = PathBuf::from("spec/t.yaml");
        let spec = parse(&path, yaml)?;
        validate(&[Loaded {
            display_path: path.clone(),
            absolute_path: path,
            spec,
        }])
    }

    fn err(yaml: &str) -> SpecError {
        check(yaml).expect_err("spec should be rejected")
    }

    #[test]
    fn unknown_type_points_at_the_type_and_lists_known_ones() {
        let e = err(
            "module: m\ntypes:\n  - name: Info\n    fields:\n      - name: a\nendpoints:\n  - name: x\n    method: GET\n    path: /x\n    response:\n      - name: info\n        type: Infoo\n",
        );
        assert_eq!((e.line, e.column), (12, 15), "{e}");
        assert!(
            e.message.contains("unknown type `Infoo`") && e.message.contains("`Info`"),
            "{e}"
        );
    }

    #[test]
    fn unknown_type_inside_a_list() {
        let e = err(
            "module: m\nendpoints:\n  - name: x\n    method: GET\n    path: /x\n    response:\n      - name: l\n        type: list<strin>\n",
        );
        assert!(e.message.contains("unknown type `strin`"), "{e}");
    }

    #[test]
    fn semantic_errors_name_what_was_expected() {
        let cases = [
            (
                "module: m\nendpoints:\n  - name: x\n    method: PUT\n    path: /x\n",
                "bad HTTP method `PUT`",
                (4, 13),
            ),
            (
                "module: m\nendpoints:\n  - name: x\n    method: GET\n",
                "missing path",
                (3, 11),
            ),
            (
                "module: m\nendpoints:\n  - name: x\n    method: GET\n    path: /x\n    credential: token\n",
                "unknown credential kind `token`",
                (6, 17),
            ),
            (
                "module: m\nendpoints:\n  - name: queryAuth\n    method: GET\n    path: /x\n",
                "invalid identifier `queryAuth`",
                (3, 11),
            ),
            (
                "module: m\nendpoints:\n  - name: x\n    method: GET\n    path: /x\n  - name: x\n    method: GET\n    path: /y\n",
                "duplicate endpoint name `x`",
                (6, 11),
            ),
            (
                "module: m\nendpoints:\n  - name: x\n    method: GET\n    path: /x\n    query:\n      - name: type\n",
                "`type` is a Rust keyword",
                (7, 15),
            ),
            (
                "module: m\nendpoints:\n  - name: x\n    method: GET\n    path: /x\n    body:\n      - name: a\n",
                "is GET but has `body`",
                (7, 15),
            ),
            (
                "module: m\nendpoints:\n  - name: x\n    method: POST\n    path: /x\n    body:\n      - name: a\n        from: app_id\n",
                "unknown configuration value `app_id`",
                (8, 15),
            ),
            (
                "module: m\nendpoints:\n  - name: x\n    method: GET\n    path: /x\n    example: '{\"a\":'\n",
                "not a JSON object",
                (6, 14),
            ),
            (
                "module: m\nendpoints:\n  - name: x\n    method: GET\n    path: x\n",
                "invalid path `x`",
                (5, 11),
            ),
        ];
        for (yaml, expected, at) in cases {
            let e = err(yaml);
            assert!(
                e.message.contains(expected),
                "expected `{expected}` in: {e}"
            );
            assert_eq!((e.line, e.column), at, "{e}");
        }
    }

    #[test]
    fn a_valid_spec_resolves_types_sources_and_defaults() {
        let api = check(
            "module: official\ntypes:\n  - name: TicketType\n    values: [jsapi, wx_card]\nendpoints:\n  - name: get_ticket\n    method: GET\n    path: /cgi-bin/ticket/getticket\n    credential: access_token\n    query:\n      - name: type\n        rust: ticket_type\n        type: TicketType\n      - name: grant_type\n        value: client_credential\n      - name: appid\n        from: appid\n    response:\n      - name: ticket\n        secret: true\n      - name: expires_in\n        type: u32\n        optional: true\n",
        )
        .unwrap();
        let module = &api.modules[0];
        let ep = &module.endpoints[0];
        assert_eq!(ep.host, DEFAULT_HOST);
        assert_eq!(ep.credential, Credential::AccessToken);
        assert!(
            matches!(&ep.query[0].source, Source::User(f) if f.rust == "ticket_type" && f.ty == Ty::Named("TicketType".into()))
        );
        assert!(
            matches!(&ep.query[1].source, Source::Fixed { value, .. } if value == "client_credential")
        );
        assert_eq!(ep.query[2].source, Source::Config(ConfigKey::AppId));
        assert!(ep.response[0].secret);
        assert!(ep.response[1].optional);
        assert_eq!(module.types.len(), 1);
    }
}
