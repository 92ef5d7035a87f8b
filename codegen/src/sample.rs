//! Values for the spec-derived tests, computed from the spec alone: sample
//! requests synthesized from parameter types (in WeChat's wire form), and
//! an endpoint's example answer restricted to the fields the spec declares
//! (what the typed response must re-serialize to).

use serde_json::{Map, Value};

use crate::ir::{Api, Field, Ty, TypeItem, UnionStyle};

/// How deep nested samples go (recursive types stop here).
const MAX_DEPTH: usize = 3;

/// Synthesizes wire-form sample values; each value is distinct (a counter),
/// so swapped fields show up in a comparison.
pub struct Sampler<'a> {
    api: &'a Api,
    counter: u64,
}

impl<'a> Sampler<'a> {
    /// A sampler over the types of `api`.
    pub fn new(api: &'a Api) -> Self {
        Self { api, counter: 0 }
    }

    fn next(&mut self) -> u64 {
        self.counter += 1;
        self.counter
    }

    /// A wire-form value of `ty`; `hint` names the field (strings use it).
    pub fn value(&mut self, ty: &Ty, hint: &str, depth: usize) -> Value {
        match ty {
            Ty::String => Value::String(format!("{hint}-{}", self.next())),
            Ty::Bool => Value::Bool(true),
            Ty::I32 | Ty::I64 | Ty::U32 | Ty::U64 => Value::from(self.next()),
            Ty::F64 => Value::from(self.next() as f64 + 0.5),
            Ty::Json => serde_json::json!({ "value": self.next() }),
            Ty::File => Value::Null,
            Ty::List(inner) if depth >= MAX_DEPTH => {
                let _ = inner;
                Value::Array(Vec::new())
            }
            Ty::List(inner) => Value::Array(vec![self.value(inner, hint, depth + 1)]),
            Ty::Map(inner) => {
                let mut map = Map::new();
                let key = format!("key{}", self.next());
                map.insert(key, self.value(inner, hint, depth + 1));
                Value::Object(map)
            }
            Ty::JsonString(inner) => Value::String(self.value(inner, hint, depth + 1).to_string()),
            Ty::Named(r) => match self.api.find_type(&r.name) {
                Some(TypeItem::Enum(e)) => match e.values.first() {
                    Some(v) if e.integer => Value::from(v.wire.parse::<i64>().unwrap_or_default()),
                    Some(v) => Value::String(v.wire.clone()),
                    None => Value::Null,
                },
                Some(TypeItem::Object(o)) => {
                    let mut map = Map::new();
                    let fields = o.fields.clone();
                    self.fields_into(&mut map, &fields, depth + 1);
                    Value::Object(map)
                }
                Some(TypeItem::Union(_)) => {
                    let mut map = Map::new();
                    self.union_into(&mut map, &r.name, depth + 1);
                    Value::Object(map)
                }
                None => Value::Null,
            },
        }
    }

    /// Adds a sample of each field to `map` (optional ones too, unless too
    /// deep), merging flattened ones.
    pub fn fields_into(&mut self, map: &mut Map<String, Value>, fields: &[Field], depth: usize) {
        for field in fields {
            if field.optional && depth > MAX_DEPTH {
                continue;
            }
            if field.flatten {
                if let Ty::Named(r) = &field.ty {
                    match self.api.find_type(&r.name) {
                        Some(TypeItem::Object(o)) => {
                            let fields = o.fields.clone();
                            self.fields_into(map, &fields, depth);
                        }
                        Some(TypeItem::Union(_)) => self.union_into(map, &r.name, depth),
                        _ => {}
                    }
                }
                continue;
            }
            let value = self.value(&field.ty, &field.wire, depth);
            map.insert(field.wire.clone(), value);
        }
    }

    /// The first variant with content (else the first) of a union, in place.
    fn union_into(&mut self, map: &mut Map<String, Value>, name: &str, depth: usize) {
        let Some(TypeItem::Union(u)) = self.api.find_type(name) else {
            return;
        };
        let u = u.clone();
        let Some(variant) = u
            .variants
            .iter()
            .find(|v| v.ty.is_some() && v.wire.is_some())
            .or(u.variants.first())
        else {
            return;
        };
        if let Some(wire) = &variant.wire {
            map.insert(u.tag.clone(), Value::String(wire.clone()));
        }
        let fields = match variant
            .ty
            .as_ref()
            .and_then(|r| self.api.find_type(&r.name))
        {
            Some(TypeItem::Object(o)) => o.fields.clone(),
            _ => return,
        };
        match u.style {
            UnionStyle::Inline => self.fields_into(map, &fields, depth),
            UnionStyle::Sibling => {
                let mut content = Map::new();
                self.fields_into(&mut content, &fields, depth);
                map.insert(
                    variant.wire.clone().unwrap_or_default(),
                    Value::Object(content),
                );
            }
        }
    }
}

/// `example` with only the fields `fields` declare (recursively), and
/// without the `null`s of optional fields: what the typed response
/// serializes back to.
pub fn restrict(api: &Api, example: &Map<String, Value>, fields: &[Field]) -> Map<String, Value> {
    let mut out = Map::new();
    restrict_into(api, example, fields, &mut out);
    out
}

fn restrict_into(
    api: &Api,
    object: &Map<String, Value>,
    fields: &[Field],
    out: &mut Map<String, Value>,
) {
    for field in fields {
        if field.flatten {
            if let Ty::Named(r) = &field.ty {
                match api.find_type(&r.name) {
                    Some(TypeItem::Object(o)) => restrict_into(api, object, &o.fields, out),
                    Some(TypeItem::Union(_)) => restrict_union(api, object, &r.name, out),
                    _ => {}
                }
            }
            continue;
        }
        match object.get(&field.wire) {
            None | Some(Value::Null) => {}
            Some(value) => {
                out.insert(field.wire.clone(), restrict_value(api, value, &field.ty));
            }
        }
    }
}

fn restrict_value(api: &Api, value: &Value, ty: &Ty) -> Value {
    match (ty, value) {
        (Ty::List(inner), Value::Array(items)) => Value::Array(
            items
                .iter()
                .map(|item| restrict_value(api, item, inner))
                .collect(),
        ),
        (Ty::Map(inner), Value::Object(map)) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), restrict_value(api, v, inner)))
                .collect(),
        ),
        (Ty::Named(r), Value::Object(object)) => match api.find_type(&r.name) {
            Some(TypeItem::Object(o)) => Value::Object(restrict(api, object, &o.fields)),
            Some(TypeItem::Union(_)) => {
                let mut out = Map::new();
                restrict_union(api, object, &r.name, &mut out);
                Value::Object(out)
            }
            _ => value.clone(),
        },
        _ => value.clone(),
    }
}

fn restrict_union(
    api: &Api,
    object: &Map<String, Value>,
    name: &str,
    out: &mut Map<String, Value>,
) {
    let Some(TypeItem::Union(u)) = api.find_type(name) else {
        return;
    };
    let tag = object.get(&u.tag).and_then(Value::as_str);
    let variant = match tag {
        Some(tag) => u.variants.iter().find(|v| v.wire.as_deref() == Some(tag)),
        None => u.variants.iter().find(|v| v.wire.is_none()),
    };
    let Some(variant) = variant else {
        // an unknown variant keeps the whole object
        out.extend(object.iter().map(|(k, v)| (k.clone(), v.clone())));
        return;
    };
    if let Some(tag_value) = object.get(&u.tag) {
        out.insert(u.tag.clone(), tag_value.clone());
    }
    let fields = match variant.ty.as_ref().and_then(|r| api.find_type(&r.name)) {
        Some(TypeItem::Object(o)) => o.fields.clone(),
        _ => return,
    };
    match u.style {
        UnionStyle::Inline => restrict_into(api, object, &fields, out),
        UnionStyle::Sibling => {
            let key = variant.wire.clone().unwrap_or_default();
            if let Some(Value::Object(content)) = object.get(&key) {
                out.insert(key, Value::Object(restrict(api, content, &fields)));
            }
        }
    }
}

/// Which way [`drift`] flips an example's scalars.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drift {
    /// Every number of a declared scalar field becomes a string (`1` → `"1"`).
    ToStrings,
    /// Every declared string holding only digits becomes a number
    /// (`"123"` → `123`; not `"0123"`, nor digits beyond `u64`).
    ToNumbers,
}

/// `example` as WeChat also sends it: the scalars of the declared fields
/// (recursively, enums included) flipped the `way` given; undeclared fields
/// and fields typed `json` stay as they are. The typed answer must decode
/// it to the same value as `example`.
pub fn drift(
    api: &Api,
    example: &Map<String, Value>,
    fields: &[Field],
    way: Drift,
) -> Map<String, Value> {
    let mut out = example.clone();
    drift_fields(api, &mut out, fields, way);
    if way == Drift::ToStrings {
        // WeChat sends `"errcode": "0"` too
        if let Some(code @ Value::Number(_)) = out.get_mut("errcode") {
            *code = Value::String(code.to_string());
        }
    }
    out
}

fn drift_fields(api: &Api, object: &mut Map<String, Value>, fields: &[Field], way: Drift) {
    for field in fields {
        if field.flatten {
            if let Ty::Named(r) = &field.ty {
                match api.find_type(&r.name) {
                    Some(TypeItem::Object(o)) => drift_fields(api, object, &o.fields, way),
                    Some(TypeItem::Union(_)) => drift_union(api, object, &r.name, way),
                    _ => {}
                }
            }
            continue;
        }
        if field.sensitive {
            continue;
        }
        if let Some(value) = object.get_mut(&field.wire) {
            drift_value(api, value, &field.ty, way);
        }
    }
}

fn drift_value(api: &Api, value: &mut Value, ty: &Ty, way: Drift) {
    match (ty, &mut *value) {
        (Ty::List(inner), Value::Array(items)) => {
            for item in items {
                drift_value(api, item, inner, way);
            }
        }
        (Ty::Map(inner), Value::Object(map)) => {
            for item in map.values_mut() {
                drift_value(api, item, inner, way);
            }
        }
        (Ty::Named(r), Value::Object(object)) => match api.find_type(&r.name) {
            Some(TypeItem::Object(o)) => drift_fields(api, object, &o.fields, way),
            Some(TypeItem::Union(_)) => drift_union(api, object, &r.name, way),
            _ => {}
        },
        (Ty::Json | Ty::JsonString(_) | Ty::File, _) => {}
        (_, Value::Number(number)) if way == Drift::ToStrings => {
            *value = Value::String(number.to_string());
        }
        (_, Value::String(text)) if way == Drift::ToNumbers => {
            let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
            let canonical = text == "0" || !text.starts_with('0');
            if let (true, true, Ok(number)) = (digits, canonical, text.parse::<u64>()) {
                *value = Value::from(number);
            }
        }
        _ => {}
    }
}

fn drift_union(api: &Api, object: &mut Map<String, Value>, name: &str, way: Drift) {
    let Some(TypeItem::Union(u)) = api.find_type(name) else {
        return;
    };
    let tag = object.get(&u.tag).and_then(Value::as_str);
    let variant = match tag {
        Some(tag) => u.variants.iter().find(|v| v.wire.as_deref() == Some(tag)),
        None => u.variants.iter().find(|v| v.wire.is_none()),
    };
    let Some(variant) = variant else {
        return;
    };
    let fields = match variant.ty.as_ref().and_then(|r| api.find_type(&r.name)) {
        Some(TypeItem::Object(o)) => o.fields.clone(),
        _ => return,
    };
    match u.style {
        UnionStyle::Inline => drift_fields(api, object, &fields, way),
        UnionStyle::Sibling => {
            let key = variant.wire.clone().unwrap_or_default();
            if let Some(Value::Object(content)) = object.get_mut(&key) {
                drift_fields(api, content, &fields, way);
            }
        }
    }
}
