//! Checking each endpoint's `example` (and `example_request`) against the
//! declared types while the macro runs: a value of the wrong type, a
//! required field missing, or a field the spec does not declare is a spec
//! error pointing at the example's line.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::Report;
use crate::ir::{
    Api, Endpoint, Field, ParamLocation, ParamSource, Ty, TypeItem, TypeKind, UnionStyle,
};
use crate::model::EndpointDef;

/// Checks the examples of one endpoint; `false` when the answer example is
/// unusable (not JSON, or not matching), so that it is dropped.
pub fn check_endpoint(
    report: &mut Report<'_>,
    def: &EndpointDef,
    endpoint: &Endpoint,
    api: &Api,
) -> bool {
    let mut usable = true;
    if let Some(node) = &def.example {
        match parse_object(&node.value) {
            Err(e) => {
                report.error(
                    node,
                    format!(
                        "the example of `{}` is not a JSON object: {e}",
                        endpoint.name
                    ),
                );
                usable = false;
            }
            Ok(object) => {
                let mut checker = Checker::new(api);
                checker.object(&object, &endpoint.response, &["errcode", "errmsg"]);
                if let Some(problem) = checker.problem {
                    let line = node.referenced.line() + line_of(&node.value, &problem.path) as u64;
                    let column = if line == node.referenced.line() {
                        node.referenced.column()
                    } else {
                        1
                    };
                    report.error_at_line(
                        line,
                        column,
                        format!(
                            "the example of `{}` does not match its response: {}",
                            endpoint.name, problem.message
                        ),
                    );
                    usable = false;
                }
            }
        }
    }
    if let Some(node) = &def.example_request {
        match parse_object(&node.value) {
            Err(e) => report.error(
                node,
                format!(
                    "the example request of `{}` is not a JSON object: {e}",
                    endpoint.name
                ),
            ),
            Ok(object) => {
                let mut checker = Checker::new(api);
                checker.request(&object, endpoint);
                if let Some(problem) = checker.problem {
                    report.error(
                        node,
                        format!(
                            "the example request of `{}` does not match its parameters: {}",
                            endpoint.name, problem.message
                        ),
                    );
                }
            }
        }
    }
    usable
}

fn parse_object(text: &str) -> Result<Map<String, Value>, serde_json::Error> {
    serde_json::from_str::<Map<String, Value>>(text)
}

/// The 0-based line of the example text where the value at `path` is,
/// found by searching each key in turn (best effort).
fn line_of(text: &str, path: &[String]) -> usize {
    let mut offset = 0;
    for key in path {
        if key.starts_with('[') {
            continue;
        }
        let needle = format!("\"{key}\"");
        match text[offset..].find(&needle) {
            Some(i) => offset += i + needle.len(),
            None => break,
        }
    }
    text[..offset].matches('\n').count()
}

struct Problem {
    path: Vec<String>,
    message: String,
}

struct Checker<'a> {
    api: &'a Api,
    path: Vec<String>,
    problem: Option<Problem>,
}

impl<'a> Checker<'a> {
    fn new(api: &'a Api) -> Self {
        Self {
            api,
            path: Vec::new(),
            problem: None,
        }
    }

    fn fail(&mut self, message: String) {
        if self.problem.is_none() {
            let at = if self.path.is_empty() {
                String::new()
            } else {
                format!("`{}` ", display_path(&self.path))
            };
            self.problem = Some(Problem {
                path: self.path.clone(),
                message: format!("{at}{message}"),
            });
        }
    }

    /// An object with `fields`; keys neither declared nor in `allowed` are
    /// reported.
    fn object(&mut self, object: &Map<String, Value>, fields: &[Field], allowed: &[&str]) {
        let mut consumed: HashSet<String> = allowed.iter().map(|s| s.to_string()).collect();
        self.fields(object, fields, &mut consumed);
        if let Some(extra) = object.keys().find(|k| !consumed.contains(*k)) {
            self.path.push(extra.clone());
            self.fail(
                "is not declared in the spec: declare it (`optional: true` if WeChat may leave it out)"
                    .to_string(),
            );
            self.path.pop();
        }
    }

    /// Checks `fields` against `object`, adding the keys they consume.
    fn fields(
        &mut self,
        object: &Map<String, Value>,
        fields: &[Field],
        consumed: &mut HashSet<String>,
    ) {
        for field in fields {
            if field.flatten {
                self.flattened(object, &field.ty, consumed);
                continue;
            }
            consumed.insert(field.wire.clone());
            self.path.push(field.wire.clone());
            match object.get(&field.wire) {
                None if !field.optional => self.fail(
                    "is missing, but the spec says it is required (mark it `optional: true` if WeChat may leave it out)"
                        .to_string(),
                ),
                None => {}
                Some(Value::Null) if field.optional => {}
                Some(value) => self.value(value, &field.ty),
            }
            self.path.pop();
        }
    }

    /// A flattened named type: its fields (or union) read from the parent.
    fn flattened(&mut self, object: &Map<String, Value>, ty: &Ty, consumed: &mut HashSet<String>) {
        let Ty::Named(r) = ty else { return };
        match self.api.find_type(&r.name) {
            Some(TypeItem::Object(o)) => {
                let fields = o.fields.clone();
                self.fields(object, &fields, consumed);
            }
            Some(TypeItem::Union(_)) => {
                consumed.extend(self.union(object, &r.name, true));
            }
            _ => {}
        }
    }

    fn value(&mut self, value: &Value, ty: &Ty) {
        let ok = match ty {
            Ty::String => value.is_string(),
            Ty::Bool => value.is_boolean(),
            Ty::I32 => value.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
            Ty::I64 => value.is_i64(),
            Ty::U32 => value.as_u64().is_some_and(|n| u32::try_from(n).is_ok()),
            Ty::U64 => value.is_u64(),
            Ty::F64 => value.is_number(),
            Ty::Json => true,
            Ty::File => false,
            Ty::List(inner) => match value.as_array() {
                Some(items) => {
                    for (i, item) in items.iter().enumerate() {
                        self.path.push(format!("[{i}]"));
                        self.value(item, inner);
                        self.path.pop();
                    }
                    true
                }
                None => false,
            },
            Ty::Map(inner) => match value.as_object() {
                Some(map) => {
                    for (key, item) in map {
                        self.path.push(key.clone());
                        self.value(item, inner);
                        self.path.pop();
                    }
                    true
                }
                None => false,
            },
            Ty::JsonString(inner) => match value.as_str().map(serde_json::from_str::<Value>) {
                Some(Ok(parsed)) => {
                    self.value(&parsed, inner);
                    true
                }
                Some(Err(_)) => {
                    self.fail(
                        "is a string that does not hold JSON (the spec says `json_string<..>`)"
                            .into(),
                    );
                    true
                }
                None => false,
            },
            Ty::Named(r) => match r.kind {
                TypeKind::StrEnum => value.is_string(),
                TypeKind::IntEnum => value.is_i64(),
                TypeKind::Object | TypeKind::Union => match value.as_object() {
                    Some(object) => {
                        self.named_object(object, &r.name);
                        true
                    }
                    None => false,
                },
            },
        };
        if !ok {
            let found = match value {
                Value::Null => "null",
                Value::Bool(_) => "a boolean",
                Value::Number(n) if n.is_f64() => "a floating-point number",
                Value::Number(n) if n.is_i64() && n.as_i64().is_some_and(|n| n < 0) => {
                    "a negative integer"
                }
                Value::Number(_) => "an integer (or one out of range)",
                Value::String(_) => "a string",
                Value::Array(_) => "a list",
                Value::Object(_) => "an object",
            };
            self.fail(format!("is {found}, but the spec says `{}`", describe(ty)));
        }
    }

    fn named_object(&mut self, object: &Map<String, Value>, name: &str) {
        match self.api.find_type(name) {
            Some(TypeItem::Object(o)) => {
                let fields = o.fields.clone();
                self.object(object, &fields, &[]);
            }
            Some(TypeItem::Union(_)) => {
                // keys beside an inline variant's fields are tolerated:
                // WeChat sends `"sub_button": []` on every leaf menu button
                self.union(object, name, false);
            }
            _ => {}
        }
    }

    /// Checks a union read from `object`; returns the keys it consumes.
    /// `flattened`: the object also holds the parent's fields.
    fn union(
        &mut self,
        object: &Map<String, Value>,
        name: &str,
        flattened: bool,
    ) -> HashSet<String> {
        let Some(TypeItem::Union(union)) = self.api.find_type(name) else {
            return HashSet::new();
        };
        let union = union.clone();
        let mut consumed = HashSet::new();
        consumed.insert(union.tag.clone());
        let tag = object.get(&union.tag);
        let variant = match tag {
            Some(Value::String(tag)) => union
                .variants
                .iter()
                .find(|v| v.wire.as_deref() == Some(tag)),
            Some(_) => {
                self.path.push(union.tag.clone());
                self.fail("is not a string: a union's tag names its variant".into());
                self.path.pop();
                return consumed;
            }
            None => union.variants.iter().find(|v| v.wire.is_none()),
        };
        let Some(variant) = variant else {
            // an unknown variant decodes as `Unknown`: nothing to check
            return if flattened {
                HashSet::new()
            } else {
                object.keys().cloned().collect()
            };
        };
        let Some(ty) = &variant.ty else {
            return consumed;
        };
        let fields = match self.api.find_type(&ty.name) {
            Some(TypeItem::Object(o)) => o.fields.clone(),
            _ => return consumed,
        };
        match union.style {
            UnionStyle::Inline => self.fields(object, &fields, &mut consumed),
            UnionStyle::Sibling => {
                let key = variant.wire.clone().unwrap_or_default();
                consumed.insert(key.clone());
                self.path.push(key);
                match object.get(consumed_key(&variant.wire)) {
                    Some(Value::Object(content)) => self.object(content, &fields, &[]),
                    Some(_) => self.fail("is not an object".into()),
                    None => self.fail("is missing: a `sibling` union's content sits under a key named like the tag value".into()),
                }
                self.path.pop();
            }
        }
        consumed
    }

    /// A request example: the body (or multipart text fields) of `endpoint`.
    fn request(&mut self, object: &Map<String, Value>, endpoint: &Endpoint) {
        let mut consumed = HashSet::new();
        for param in &endpoint.params {
            if !matches!(
                param.location,
                ParamLocation::Body | ParamLocation::Multipart
            ) {
                continue;
            }
            match &param.source {
                ParamSource::Caller(field) => {
                    self.fields(object, std::slice::from_ref(field), &mut consumed)
                }
                _ => {
                    consumed.insert(param.wire.clone());
                }
            }
        }
        if let Some(extra) = object.keys().find(|k| !consumed.contains(*k)) {
            self.path.push(extra.clone());
            self.fail("is not a declared body parameter".to_string());
            self.path.pop();
        }
    }
}

fn consumed_key(wire: &Option<String>) -> &str {
    wire.as_deref().unwrap_or_default()
}

fn display_path(path: &[String]) -> String {
    let mut out = String::new();
    for segment in path {
        if !segment.starts_with('[') && !out.is_empty() {
            out.push('.');
        }
        out.push_str(segment);
    }
    out
}

/// How a type is written in the spec.
pub fn describe(ty: &Ty) -> String {
    match ty {
        Ty::String => "string".into(),
        Ty::Bool => "bool".into(),
        Ty::I32 => "i32".into(),
        Ty::I64 => "i64".into(),
        Ty::U32 => "u32".into(),
        Ty::U64 => "u64".into(),
        Ty::F64 => "f64".into(),
        Ty::Json => "json".into(),
        Ty::File => "file".into(),
        Ty::List(inner) => format!("list<{}>", describe(inner)),
        Ty::Map(inner) => format!("map<{}>", describe(inner)),
        Ty::JsonString(inner) => format!("json_string<{}>", describe(inner)),
        Ty::Named(r) => match r.kind {
            TypeKind::IntEnum => format!("{} (an integer enum)", r.name),
            TypeKind::StrEnum => format!("{} (a string enum)", r.name),
            _ => r.name.clone(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_of_finds_nested_keys() {
        let text = "{\n  \"a\": {\n    \"b\": 1,\n    \"c\": 2\n  }\n}\n";
        assert_eq!(line_of(text, &["a".into(), "c".into()]), 3);
        assert_eq!(line_of(text, &["a".into()]), 1);
        assert_eq!(line_of(text, &["zzz".into()]), 0);
    }
}
