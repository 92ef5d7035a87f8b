//! Named types (objects, enums, unions) and type expressions (`list<T>`,
//! `map<T>`, `json_string<T>`, ...).

use std::collections::{HashMap, HashSet};

use heck::ToUpperCamelCase;
use serde_saphyr::{Location, Spanned};

use super::names::{is_camel_ident, is_plain_ident, suggest_camel};
use super::{Report, Scope};
use crate::error::SpecError;
use crate::ir::{
    Api, Enum, EnumValue, Field, Object, Ty, TypeItem, TypeKind, Union, UnionStyle, Variant,
};
use crate::load::Loaded;
use crate::model::{FieldDef, TypeDef};

/// The built-in type names.
pub const SCALARS: &[&str] = &[
    "string", "bool", "i32", "i64", "u32", "u64", "f64", "json", "file",
];

/// What kind of type a definition declares, judged by its keys.
fn kind_of(report: &mut Report<'_>, def: &TypeDef) -> TypeKind {
    let name = &def.name.value;
    let union_keys = def.tag.is_some() || def.variants.is_some() || def.content.is_some();
    let declared = [def.fields.is_some(), def.values.is_some(), union_keys];
    if declared.iter().filter(|d| **d).count() != 1 {
        report.error(
            &def.name,
            format!(
                "type `{name}` must have exactly one of `fields` (an object), `values` (an enum) or `tag` with `variants` (a tagged union)"
            ),
        );
    }
    if def.fields.is_some() {
        TypeKind::Object
    } else if let Some(values) = &def.values {
        let integers = values
            .iter()
            .filter(|v| v.value.value.value.integer.is_some())
            .count();
        if integers != 0 && integers != values.len() {
            report.error(
                &def.name,
                format!(
                    "enum `{name}` mixes integer and string values: integer-coded enums have only integers (quote a value to make it a string)"
                ),
            );
        }
        if integers == values.len() && !values.is_empty() {
            TypeKind::IntEnum
        } else {
            TypeKind::StrEnum
        }
    } else if union_keys {
        TypeKind::Union
    } else {
        TypeKind::Object
    }
}

/// Pass 1: registers the types of one file in the global scope. A type
/// whose name is not UpperCamelCase is registered under the closest name
/// that is, so references to it still resolve.
pub fn declare(report: &mut Report<'_>, module: &str, defs: &[TypeDef], scope: &mut Scope) {
    for def in defs {
        let name = &def.name.value;
        if SCALARS.contains(&name.as_str()) {
            report.error(
                &def.name,
                format!("type name `{name}` shadows a built-in type"),
            );
            continue;
        }
        let rust = if is_camel_ident(name) && name != "Unknown" {
            name.clone()
        } else {
            let suggestion = suggest_camel(name);
            report.error(
                &def.name,
                format!(
                    "invalid identifier `{name}` for a type name: expected UpperCamelCase, like `{suggestion}`"
                ),
            );
            suggestion
        };
        let kind = kind_of(report, def);
        if let Some(other) = scope.get(name) {
            let other = other.module.clone();
            report.error(
                &def.name,
                format!(
                    "duplicate type name `{name}`: already defined in module `{other}` (type names are shared by every file of the spec)"
                ),
            );
            continue;
        }
        scope.insert(name, &rust, module, kind);
    }
}

/// Pass 2: the body of one type; `None` when it was not declared (its
/// name was rejected in pass 1) or is a duplicate (`defined` holds the
/// names already generated).
pub fn define(
    report: &mut Report<'_>,
    def: &TypeDef,
    scope: &Scope,
    module: &str,
    defined: &mut HashSet<String>,
) -> Option<TypeItem> {
    let declared = scope.get(&def.name.value)?;
    if declared.module != module || !defined.insert(declared.name.clone()) {
        return None; // a duplicate, reported in pass 1
    }
    let name = declared.name.clone();
    let doc = def.doc.clone();
    Some(match declared.kind {
        TypeKind::Object => TypeItem::Object(Object {
            fields: fields(
                report,
                def.fields.as_deref().unwrap_or_default(),
                scope,
                "field of a type",
            ),
            name,
            doc,
        }),
        TypeKind::StrEnum | TypeKind::IntEnum => TypeItem::Enum(enum_type(
            report,
            def,
            name,
            doc,
            declared.kind == TypeKind::IntEnum,
        )),
        TypeKind::Union => TypeItem::Union(union_type(report, def, name, doc, scope)),
    })
}

fn enum_type(
    report: &mut Report<'_>,
    def: &TypeDef,
    name: String,
    doc: Option<String>,
    integer: bool,
) -> Enum {
    let items = def.values.as_deref().unwrap_or_default();
    // a mixed enum was reported in pass 1: name its values quietly
    let mixed = items.iter().any(|v| v.value.value.value.integer.is_some())
        && items.iter().any(|v| v.value.value.value.integer.is_none());
    let mut values = Vec::new();
    let mut seen_rust = HashSet::new();
    let mut seen_wire = HashSet::new();
    for item in def.values.as_deref().unwrap_or_default() {
        let value = &item.value.value;
        // the short form has no location of its own: use the item's
        let at = if value.referenced.line() == 0 {
            item.referenced
        } else {
            value.referenced
        };
        let wire = value.value.text.clone();
        let rust = match &item.value.rust {
            Some(rust) if is_camel_ident(&rust.value) && rust.value != "Unknown" => {
                rust.value.clone()
            }
            Some(rust) => {
                let suggestion = match suggest_camel(&rust.value) {
                    s if s == "Unknown" => "Other".to_string(),
                    s => s,
                };
                report.error(
                    rust,
                    format!(
                        "invalid variant name `{}`: expected an UpperCamelCase identifier other than `Unknown`, which keeps the values WeChat adds later (like `{suggestion}`)",
                        rust.value,
                    ),
                );
                continue;
            }
            None => {
                let camel = wire.to_upper_camel_case();
                if mixed && (!is_plain_ident(&camel) || camel == "Unknown") {
                    suggest_camel(&wire)
                } else if wire.is_empty() || !is_plain_ident(&camel) || camel == "Unknown" {
                    report.error_at(
                        at,
                        format!(
                            "enum value `{wire}` does not map to a Rust identifier: use the long form with `rust: <VariantName>` (e.g. `{{value: {wire}, rust: {}}}`)",
                            suggest_camel(&wire)
                        ),
                    );
                    continue;
                } else {
                    camel
                }
            }
        };
        if !seen_wire.insert(wire.clone()) || !seen_rust.insert(rust.clone()) {
            report.error_at(
                at,
                format!("duplicate enum value `{wire}` (variant `{rust}`)"),
            );
            continue;
        }
        values.push(EnumValue {
            wire,
            rust,
            doc: item.value.doc.clone(),
        });
    }
    if items.is_empty() {
        report.error(&def.name, format!("enum type `{name}` has no values"));
    }
    Enum {
        name,
        doc,
        integer,
        values,
    }
}

fn union_type(
    report: &mut Report<'_>,
    def: &TypeDef,
    name: String,
    doc: Option<String>,
    scope: &Scope,
) -> Union {
    let tag = match &def.tag {
        Some(tag) if !tag.value.is_empty() => tag.value.clone(),
        Some(tag) => {
            report.error(
                tag,
                "the `tag` of a union is the wire name of its tag field; it cannot be empty",
            );
            "type".into()
        }
        None => {
            report.error(
                &def.name,
                format!("union `{name}` has no `tag`: name the field that selects the variant (e.g. `tag: msgtype`)"),
            );
            "type".into()
        }
    };
    let style = match def.content.as_ref().map(|c| (c, c.value.as_str())) {
        Some((_, "sibling")) => UnionStyle::Sibling,
        Some((_, "inline")) => UnionStyle::Inline,
        Some((node, other)) => {
            report.error(
                node,
                format!("unknown union content `{other}`: expected `sibling` (the variant's object under a key named like the tag value) or `inline` (the variant's fields beside the tag)"),
            );
            UnionStyle::Sibling
        }
        None => {
            report.error(
                &def.name,
                format!("union `{name}` has no `content`: expected `sibling` or `inline`"),
            );
            UnionStyle::Sibling
        }
    };
    let mut variants = Vec::new();
    let mut seen = HashSet::new();
    let mut untagged = false;
    for v in def.variants.as_deref().unwrap_or_default() {
        let wire = v.value.as_ref().map(|w| w.value.clone());
        let at = v
            .value
            .as_ref()
            .or(v.rust.as_ref())
            .or(v.ty.as_ref())
            .map(|n| n.referenced)
            .unwrap_or(def.name.referenced);
        let rust = match (&v.rust, &wire) {
            (Some(rust), _) if is_camel_ident(&rust.value) && rust.value != "Unknown" => {
                rust.value.clone()
            }
            (Some(rust), _) => {
                report.error(
                    rust,
                    format!("invalid variant name `{}`: expected an UpperCamelCase identifier other than `Unknown`", rust.value),
                );
                continue;
            }
            (None, Some(wire))
                if is_camel_ident(&wire.to_upper_camel_case())
                    && wire.to_upper_camel_case() != "Unknown" =>
            {
                wire.to_upper_camel_case()
            }
            (None, Some(wire)) => {
                report.error_at(
                    at,
                    format!("variant value `{wire}` does not map to a Rust identifier: add `rust: <VariantName>`"),
                );
                continue;
            }
            (None, None) => {
                report.error_at(
                    at,
                    "a variant without `value` (used when the tag is absent) needs a `rust` name",
                );
                continue;
            }
        };
        if wire.is_none() {
            if style == UnionStyle::Sibling {
                report.error_at(at, "every variant of a `sibling` union needs a `value`: the content sits under a key named like it");
                continue;
            }
            if std::mem::replace(&mut untagged, true) {
                report.error_at(at, "a union has at most one variant without `value`");
                continue;
            }
        }
        if !seen.insert(rust.clone())
            || wire.as_ref().is_some_and(|w| !seen.insert(format!("={w}")))
        {
            report.error_at(at, format!("duplicate variant `{rust}`"));
            continue;
        }
        let ty = match &v.ty {
            None if wire.is_none() => {
                report.error_at(at, "the variant used when the tag is absent needs a `type`");
                continue;
            }
            None => None,
            Some(t) => match scope.get(t.value.trim()) {
                Some(r) if r.kind == TypeKind::Object => Some(r.clone()),
                _ => {
                    report.error(
                        t,
                        format!("the content of a union variant must be a named object type (`{}` is not one)", t.value),
                    );
                    continue;
                }
            },
        };
        variants.push(Variant {
            wire,
            rust,
            ty,
            doc: v.doc.clone(),
        });
    }
    if def.variants.as_ref().is_none_or(Vec::is_empty) {
        report.error(&def.name, format!("union `{name}` has no variants"));
    }
    Union {
        name,
        doc,
        tag,
        style,
        variants,
    }
}

/// Where a type expression is used: what it may contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// A field of an object, a body parameter or a response field.
    Json,
    /// A path or query parameter: scalars and enums.
    Scalar,
    /// A multipart part: scalars, enums, `json_string<T>` or `file`.
    Multipart,
}

/// Resolves a `type:` (default `string`); reports and returns `json` for
/// what is unknown or not allowed in `place`.
pub fn resolve(
    report: &mut Report<'_>,
    node: Option<&Spanned<String>>,
    scope: &Scope,
    place: Place,
) -> Ty {
    let Some(node) = node else {
        return Ty::String;
    };
    let ty = match parse(node.value.trim(), scope) {
        Ok(ty) => ty,
        Err(bad) => {
            let mut known: Vec<String> = SCALARS.iter().map(|s| format!("`{s}`")).collect();
            known.extend(scope.sorted_names().iter().map(|k| format!("`{k}`")));
            report.error(
                node,
                format!(
                    "{}{bad}`: expected one of {}, or `list<T>`, `map<T>`, `json_string<T>`",
                    super::UNKNOWN_TYPE,
                    known.join(", ")
                ),
            );
            return Ty::Json;
        }
    };
    let allowed = match place {
        Place::Json => !contains_file(&ty),
        Place::Scalar => is_scalar(&ty),
        Place::Multipart => {
            is_scalar(&ty)
                || ty == Ty::File
                || matches!(&ty, Ty::JsonString(inner) if !contains_file(inner))
        }
    };
    if !allowed {
        let message = match place {
            Place::Json => "`file` is only for multipart parts (`multipart:`)".to_string(),
            Place::Scalar => format!(
                "`{}` cannot be a path or query parameter: WeChat takes scalars there (string, bool, an integer, f64 or an enum); send objects and lists in the body",
                node.value.trim()
            ),
            Place::Multipart => format!(
                "`{}` cannot be a multipart part: parts are `file`, scalars, enums or `json_string<T>`",
                node.value.trim()
            ),
        };
        report.error(node, message);
        return if place == Place::Json {
            Ty::Json
        } else {
            Ty::String
        };
    }
    ty
}

fn is_scalar(ty: &Ty) -> bool {
    match ty {
        Ty::String | Ty::Bool | Ty::I32 | Ty::I64 | Ty::U32 | Ty::U64 | Ty::F64 => true,
        Ty::Named(r) => matches!(r.kind, TypeKind::StrEnum | TypeKind::IntEnum),
        _ => false,
    }
}

fn contains_file(ty: &Ty) -> bool {
    match ty {
        Ty::File => true,
        Ty::List(inner) | Ty::Map(inner) | Ty::JsonString(inner) => contains_file(inner),
        _ => false,
    }
}

/// Parses `string`, `list<T>`, `Name`...; the error is the unparsable part.
fn parse(text: &str, scope: &Scope) -> Result<Ty, String> {
    for (prefix, wrap) in [
        ("list<", Ty::List as fn(Box<Ty>) -> Ty),
        ("map<", Ty::Map),
        ("json_string<", Ty::JsonString),
    ] {
        if let Some(inner) = text.strip_prefix(prefix).and_then(|t| t.strip_suffix('>')) {
            return parse(inner.trim(), scope).map(|t| wrap(Box::new(t)));
        }
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
        "file" => Ty::File,
        other => match scope.get(other) {
            Some(r) => Ty::Named(r.clone()),
            None => return Err(other.to_string()),
        },
    })
}

/// The fields of an object type or a response; stand-ins for bad ones.
pub fn fields(report: &mut Report<'_>, defs: &[FieldDef], scope: &Scope, what: &str) -> Vec<Field> {
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(defs.len());
    for def in defs {
        if let Some(v) = def.value.as_ref() {
            report.error(v, format!("a {what} cannot have a fixed `value`"));
        }
        if let Some(v) = def.from.as_ref() {
            report.error(
                v,
                format!("a {what} cannot be filled `from` the configuration"),
            );
        }
        let field = field(report, def, scope, Place::Json, true);
        if !seen.insert(field.rust.clone()) {
            report.error(&def.name, format!("duplicate field `{}`", field.rust));
            continue;
        }
        out.push(field);
    }
    out
}

/// One field; `flatten_allowed` for objects, responses and bodies.
pub fn field(
    report: &mut Report<'_>,
    def: &FieldDef,
    scope: &Scope,
    place: Place,
    flatten_allowed: bool,
) -> Field {
    let rust = match &def.rust {
        Some(rust) => report.snake_name(rust, "Rust field name"),
        None => {
            let wire = &def.name.value;
            if super::names::is_keyword(wire) {
                report.error(
                    &def.name,
                    format!(
                        "invalid identifier: `{wire}` is a Rust keyword; add `rust: <name>` (e.g. `rust: {wire}_value`) to name the field in Rust"
                    ),
                );
                format!("{wire}_value")
            } else {
                report.snake_name(
                    &def.name,
                    "field name (add `rust: <snake_case name>` when the wire name is not one)",
                )
            }
        }
    };
    let ty = resolve(report, def.ty.as_ref(), scope, place);
    let mut flatten = def.flatten;
    if flatten {
        let flattenable =
            matches!(&ty, Ty::Named(r) if matches!(r.kind, TypeKind::Object | TypeKind::Union));
        if !flatten_allowed {
            report.error(
                &def.name,
                "`flatten` is for body parameters, response fields and fields of named types",
            );
            flatten = false;
        } else if !flattenable || def.optional {
            report.error(
                &def.name,
                format!(
                    "`flatten` needs a required field whose type is a named object or union type (`{}` is not)",
                    def.name.value
                ),
            );
            flatten = false;
        }
    }
    let sensitive = match &def.sensitive {
        Some(node) if node.value => {
            if !report.is_pay() {
                report.error(
                    node,
                    "`sensitive` (RSAES-OAEP encryption) is for WeChat Pay files (`family: pay`); use `secret: true` to redact a value in `Debug`",
                );
                false
            } else if ty != Ty::String {
                report.error(
                    node,
                    format!(
                        "`sensitive` field `{}` must be a string: WeChat Pay encrypts text into base64 ciphertext",
                        def.name.value
                    ),
                );
                false
            } else {
                true
            }
        }
        _ => false,
    };
    Field {
        wire: def.name.value.clone(),
        rust,
        ty,
        optional: def.optional,
        doc: def.doc.clone(),
        secret: def.secret || sensitive,
        sensitive,
        flatten,
    }
}

/// Reports object types that contain themselves without a list or map in
/// between (they would have an infinite size).
pub fn check_recursion(api: &Api, files: &[(&Loaded, String)], errors: &mut Vec<SpecError>) {
    let types = api.types_by_name();
    // direct containment edges
    let mut edges: HashMap<&str, Vec<&str>> = HashMap::new();
    for (name, item) in &types {
        let targets = edges.entry(name).or_default();
        match item {
            TypeItem::Object(o) => {
                for f in &o.fields {
                    if let Ty::Named(r) = &f.ty {
                        targets.push(r.name.as_str());
                    }
                }
            }
            TypeItem::Union(u) => targets.extend(
                u.variants
                    .iter()
                    .filter_map(|v| v.ty.as_ref())
                    .map(|r| r.name.as_str()),
            ),
            TypeItem::Enum(_) => {}
        }
    }
    for name in types.keys() {
        if reaches(&edges, name, name, &mut HashSet::new()) {
            let (file, location) = locate(files, name);
            errors.push(SpecError::at(
                &file,
                location,
                format!(
                    "type `{name}` contains itself without a list in between: it would be infinitely large (use `list<{name}>`)"
                ),
            ));
        }
    }
}

fn reaches<'a>(
    edges: &HashMap<&'a str, Vec<&'a str>>,
    from: &'a str,
    target: &str,
    seen: &mut HashSet<&'a str>,
) -> bool {
    for next in edges.get(from).into_iter().flatten() {
        if *next == target {
            return true;
        }
        if seen.insert(next) && reaches(edges, next, target, seen) {
            return true;
        }
    }
    false
}

fn locate(files: &[(&Loaded, String)], name: &str) -> (std::path::PathBuf, Location) {
    for (loaded, _) in files {
        if let Some(def) = loaded.spec.types.iter().find(|t| t.name.value == name) {
            return (loaded.display_path.clone(), def.name.referenced);
        }
    }
    (std::path::PathBuf::new(), Location::UNKNOWN)
}
