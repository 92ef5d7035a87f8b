//! Named types: structs (with a constructor and setters), enums of string
//! or integer values, and tagged unions — each with an `Unknown` variant so
//! that a value WeChat adds later never fails an answer.

use heck::ToSnakeCase;
use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

use super::{Ctx, doc_attrs};
use crate::ir::{Enum, Field, Object, Ty, TypeItem, Union, UnionStyle};

/// The Rust type of a field, without `Option`.
pub fn rust_ty(ctx: Ctx<'_>, ty: &Ty) -> TokenStream {
    match ty {
        Ty::String => quote!(String),
        Ty::Bool => quote!(bool),
        Ty::I32 => quote!(i32),
        Ty::I64 => quote!(i64),
        Ty::U32 => quote!(u32),
        Ty::U64 => quote!(u64),
        Ty::F64 => quote!(f64),
        Ty::Json => quote!(rt::serde_json::Value),
        Ty::File => quote!(rt::Upload),
        Ty::List(inner) => {
            let inner = rust_ty(ctx, inner);
            quote!(Vec<#inner>)
        }
        Ty::Map(inner) => {
            let inner = rust_ty(ctx, inner);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
        Ty::JsonString(inner) => rust_ty(ctx, inner),
        Ty::Named(r) => ctx.type_path(r),
    }
}

/// The Rust type of a field, with `Option` when optional.
pub fn field_ty(ctx: Ctx<'_>, field: &Field) -> TokenStream {
    // a sensitive field of an answer stays encrypted until asked
    let ty = if field.sensitive {
        quote!(rt::Ciphertext)
    } else {
        rust_ty(ctx, &field.ty)
    };
    if field.optional {
        quote!(Option<#ty>)
    } else {
        ty
    }
}

/// The argument type of a constructor or setter: `impl Into<String>` for
/// strings, the type itself otherwise.
pub fn arg_ty(ctx: Ctx<'_>, ty: &Ty) -> TokenStream {
    match ty {
        Ty::String => quote!(impl Into<String>),
        other => rust_ty(ctx, other),
    }
}

/// The expression turning an argument of [`arg_ty`] into the field's type.
pub fn arg_into(ty: &Ty, name: &Ident) -> TokenStream {
    match ty {
        Ty::String => quote!(#name.into()),
        _ => quote!(#name),
    }
}

/// The initializer of a field from an argument of the same name (field
/// init shorthand when no conversion is needed).
fn init_from_arg(ty: &Ty, name: &Ident) -> TokenStream {
    match ty {
        Ty::String => quote!(#name: #name.into()),
        _ => quote!(#name),
    }
}

/// Whether values of `ty` can be cloned and compared (everything but uploads).
pub fn is_plain_data(ty: &Ty) -> bool {
    match ty {
        Ty::File => false,
        Ty::List(inner) | Ty::Map(inner) | Ty::JsonString(inner) => is_plain_data(inner),
        _ => true,
    }
}

/// The serde attributes of a field of a generated data struct.
pub fn serde_attrs(field: &Field) -> TokenStream {
    let wire = &field.wire;
    let rename = (field.rust != field.wire && !field.flatten).then(|| quote!(rename = #wire,));
    let json_string = matches!(field.ty, Ty::JsonString(_));
    let mut attrs = Vec::new();
    if field.flatten {
        attrs.push(quote!(#[serde(flatten)]));
    }
    if let Some(rename) = rename {
        attrs.push(quote!(#[serde(#rename)]));
    }
    match (field.optional, json_string) {
        (true, true) => attrs.push(quote!(#[serde(default, with = "rt::json_string::option", skip_serializing_if = "Option::is_none")])),
        (true, false) => attrs.push(quote!(#[serde(default, skip_serializing_if = "Option::is_none")])),
        (false, true) => attrs.push(quote!(#[serde(with = "rt::json_string")])),
        (false, false) => {}
    }
    quote!(#(#attrs)*)
}

/// A type from the spec's `types:` list.
pub fn named_type(ctx: Ctx<'_>, item: &TypeItem) -> TokenStream {
    match item {
        TypeItem::Object(o) => object(ctx, o),
        TypeItem::Enum(e) if e.integer => int_enum(e),
        TypeItem::Enum(e) => str_enum(e),
        TypeItem::Union(u) => union(ctx, u),
    }
}

fn object(ctx: Ctx<'_>, o: &Object) -> TokenStream {
    let ident = format_ident!("{}", o.name);
    if ctx.request_types.contains(&o.name) {
        let fallback = format!("`{}`, as WeChat sends and takes it.", o.name);
        let doc = o.doc.as_deref().unwrap_or(&fallback);
        let data = data_struct(ctx, &ident, doc, &o.fields, false);
        let builder = builder(ctx, &ident, &o.fields);
        let from_text = from_text(&ident, &o.fields);
        quote! { #data #builder #from_text }
    } else {
        // only read from answers: no constructor; fields WeChat adds later
        // can join it without breaking code that reads it
        let fallback = format!("`{}`, as WeChat sends it.", o.name);
        let doc = o.doc.as_deref().unwrap_or(&fallback);
        data_struct(ctx, &ident, doc, &o.fields, true)
    }
}

/// `From<&str>` and `From<String>` for a struct whose one required field is
/// a string (the others optional): a template keyword's `{"value": …}` is
/// then written as its text.
fn from_text(ident: &Ident, fields: &[Field]) -> Option<TokenStream> {
    let mut required = fields.iter().filter(|f| !f.optional);
    let text = required.next()?;
    if required.next().is_some() || text.ty != Ty::String || text.secret {
        return None;
    }
    let name = format_ident!("{}", text.rust);
    let others = fields
        .iter()
        .filter(|f| f.optional)
        .map(|f| format_ident!("{}", f.rust));
    let others: Vec<Ident> = others.collect();
    let doc = format!(" `{}` with this `{}`, nothing else set.", ident, text.wire);
    Some(quote! {
        impl From<String> for #ident {
            #[doc = #doc]
            fn from(#name: String) -> Self {
                Self { #name, #(#others: None),* }
            }
        }

        impl From<&str> for #ident {
            #[doc = #doc]
            fn from(#name: &str) -> Self {
                Self::from(#name.to_owned())
            }
        }
    })
}

/// A struct WeChat sends (or that nests in a request): serde both ways,
/// unknown fields ignored, secrets redacted in `Debug`; `#[non_exhaustive]`
/// when it is only read from answers.
pub fn data_struct(
    ctx: Ctx<'_>,
    ident: &Ident,
    doc: &str,
    fields: &[Field],
    answer_only: bool,
) -> TokenStream {
    let doc = doc_attrs(Some(doc));
    let members = fields.iter().map(|f| {
        let name = format_ident!("{}", f.rust);
        let ty = field_ty(ctx, f);
        let doc = doc_attrs(Some(f.doc.as_deref().unwrap_or(&format!("`{}`", f.wire))));
        let attrs = serde_attrs(f);
        quote! { #doc #attrs pub #name: #ty, }
    });
    let debug = debug_impl(ident, fields);
    let derive_debug = debug.is_none().then(|| quote!(Debug,));
    let derive_default = fields
        .iter()
        .all(|f| f.optional || matches!(f.ty, Ty::List(_) | Ty::Map(_)))
        .then(|| quote!(Default,));
    let non_exhaustive = answer_only.then(|| quote!(#[non_exhaustive]));
    quote! {
        #doc
        #[derive(#derive_debug #derive_default Clone, PartialEq, rt::serde::Serialize, rt::serde::Deserialize)]
        #[serde(crate = "rt::serde")]
        #non_exhaustive
        pub struct #ident {
            #(#members)*
        }
        #debug
    }
}

/// Whether a required field starts empty instead of being an argument of
/// `new`: a map, filled entry by entry with its adder.
pub(crate) fn starts_empty(field: &Field) -> bool {
    !field.optional && matches!(field.ty, Ty::Map(_))
}

/// `new(required fields)`, one setter per optional field, and an adder
/// per required map (`.data("first", "text")`: the key, and anything that
/// converts into the value).
pub fn builder(ctx: Ctx<'_>, ident: &Ident, fields: &[Field]) -> TokenStream {
    let required: Vec<&Field> = fields
        .iter()
        .filter(|f| !f.optional && !starts_empty(f))
        .collect();
    let args = required.iter().map(|f| {
        let name = format_ident!("{}", f.rust);
        let ty = arg_ty(ctx, &f.ty);
        quote!(#name: #ty)
    });
    let inits = fields.iter().map(|f| {
        let name = format_ident!("{}", f.rust);
        if f.optional {
            quote!(#name: None)
        } else if starts_empty(f) {
            quote!(#name: std::collections::BTreeMap::new())
        } else {
            init_from_arg(&f.ty, &name)
        }
    });
    let adders = fields.iter().filter(|f| starts_empty(f)).map(|f| {
        let name = format_ident!("{}", f.rust);
        let Ty::Map(inner) = &f.ty else {
            return TokenStream::new();
        };
        let value = rust_ty(ctx, inner);
        let doc = format!(
            " Adds the entry `key` of `{}` (replacing an entry of the same key).",
            f.wire
        );
        quote! {
            #[doc = #doc]
            #[must_use]
            pub fn #name(mut self, key: impl Into<String>, value: impl Into<#value>) -> Self {
                self.#name.insert(key.into(), value.into());
                self
            }
        }
    });
    let setters = fields
        .iter()
        .filter(|f| f.optional && f.rust != "new")
        .map(|f| {
            let name = format_ident!("{}", f.rust);
            let ty = arg_ty(ctx, &f.ty);
            let value_ident = format_ident!("value");
            let value = arg_into(&f.ty, &value_ident);
            let doc = format!(" Sets `{}`.", f.wire);
            quote! {
                #[doc = #doc]
                #[must_use]
                pub fn #name(mut self, value: #ty) -> Self {
                    self.#name = Some(#value);
                    self
                }
            }
        });
    let new_doc = if required.is_empty() {
        " Creates it with every field unset.".to_string()
    } else {
        " Creates it from its required fields; set the others with the methods of the same name."
            .to_string()
    };
    let allow = (required.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    quote! {
        impl #ident {
            #[doc = #new_doc]
            #allow
            pub fn new(#(#args),*) -> Self {
                Self { #(#inits),* }
            }
            #(#setters)*
            #(#adders)*
        }
    }
}

/// A hand-written `Debug` that redacts secret fields; `None` when no field is secret.
pub fn debug_impl(ident: &Ident, fields: &[Field]) -> Option<TokenStream> {
    if !fields.iter().any(|f| f.secret) {
        return None;
    }
    let name = ident.to_string();
    let entries = fields.iter().map(|f| {
        let label = &f.rust;
        let member = format_ident!("{}", f.rust);
        if f.secret {
            quote!(.field(#label, &rt::Redacted))
        } else {
            quote!(.field(#label, &self.#member))
        }
    });
    Some(quote! {
        impl std::fmt::Debug for #ident {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(#name)#(#entries)*.finish()
            }
        }
    })
}

fn variant_docs(wire: &str, doc: Option<&str>) -> TokenStream {
    match doc {
        Some(doc) => doc_attrs(Some(&format!("`{wire}`: {doc}"))),
        None => doc_attrs(Some(&format!("`{wire}`"))),
    }
}

fn str_enum(e: &Enum) -> TokenStream {
    let ident = format_ident!("{}", e.name);
    let doc = doc_attrs(Some(
        e.doc
            .as_deref()
            .unwrap_or("A value WeChat uses for this field."),
    ));
    let variants: Vec<Ident> = e
        .values
        .iter()
        .map(|v| format_ident!("{}", v.rust))
        .collect();
    let wires: Vec<&str> = e.values.iter().map(|v| v.wire.as_str()).collect();
    let docs = e
        .values
        .iter()
        .map(|v| variant_docs(&v.wire, v.doc.as_deref()));
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #ident {
            #( #docs #variants, )*
            /// A value this version of the SDK does not know, as WeChat spelled it.
            Unknown(String),
        }

        impl #ident {
            /// The value as WeChat spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variants => #wires,)*
                    Self::Unknown(value) => value,
                }
            }

            /// The variant WeChat's `value` stands for (`Unknown` if none).
            pub fn from_wire(value: &str) -> Self {
                match value {
                    #(#wires => Self::#variants,)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl std::fmt::Display for #ident {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl rt::serde::Serialize for #ident {
            fn serialize<S: rt::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> rt::serde::Deserialize<'de> for #ident {
            fn deserialize<D: rt::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                rt::wire::deserialize_str(deserializer).map(|value| Self::from_wire(&value))
            }
        }
    }
}

fn int_enum(e: &Enum) -> TokenStream {
    let ident = format_ident!("{}", e.name);
    let doc = doc_attrs(Some(
        e.doc
            .as_deref()
            .unwrap_or("A value WeChat uses for this field."),
    ));
    let variants: Vec<Ident> = e
        .values
        .iter()
        .map(|v| format_ident!("{}", v.rust))
        .collect();
    let codes: Vec<Literal> = e
        .values
        .iter()
        .map(|v| Literal::i64_unsuffixed(v.wire.parse().unwrap_or_default()))
        .collect();
    let docs = e
        .values
        .iter()
        .map(|v| variant_docs(&v.wire, v.doc.as_deref()));
    quote! {
        #doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #ident {
            #( #docs #variants, )*
            /// A value this version of the SDK does not know.
            Unknown(i64),
        }

        impl #ident {
            /// The value as WeChat sends it.
            pub fn code(self) -> i64 {
                match self {
                    #(Self::#variants => #codes,)*
                    Self::Unknown(code) => code,
                }
            }

            /// The variant WeChat's `code` stands for (`Unknown` if none).
            pub fn from_code(code: i64) -> Self {
                match code {
                    #(#codes => Self::#variants,)*
                    other => Self::Unknown(other),
                }
            }
        }

        impl std::fmt::Display for #ident {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.code())
            }
        }

        impl rt::serde::Serialize for #ident {
            fn serialize<S: rt::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_i64(self.code())
            }
        }

        impl<'de> rt::serde::Deserialize<'de> for #ident {
            fn deserialize<D: rt::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                rt::wire::deserialize_int(deserializer).map(Self::from_code)
            }
        }
    }
}

fn union(ctx: Ctx<'_>, u: &Union) -> TokenStream {
    let ident = format_ident!("{}", u.name);
    let tag = &u.tag;
    let fallback = format!("One of several shapes, told apart by `{tag}`.");
    let doc = doc_attrs(Some(u.doc.as_deref().unwrap_or(&fallback)));
    let mut variants = Vec::new();
    let mut serialize_arms = Vec::new();
    let mut deserialize_arms = Vec::new();
    let mut untagged_arm = None;
    for v in &u.variants {
        let name = format_ident!("{}", v.rust);
        let untagged = format!("(no `{tag}`)");
        let label = v.wire.as_deref().unwrap_or(&untagged);
        let vdoc = variant_docs(label, v.doc.as_deref());
        match &v.ty {
            Some(r) => {
                let ty = ctx.type_path(r);
                variants.push(quote!(#vdoc #name(#ty),));
            }
            None => variants.push(quote!(#vdoc #name,)),
        }
        let wire = v.wire.as_deref();
        serialize_arms.push(match (&v.ty, u.style, wire) {
            (Some(_), UnionStyle::Sibling, Some(w)) => {
                quote!(Self::#name(content) => rt::wire::serialize_sibling(serializer, #tag, #w, Some(content)),)
            }
            (None, _, Some(w)) => {
                quote!(Self::#name => rt::wire::serialize_sibling::<_, ()>(serializer, #tag, #w, None),)
            }
            (Some(_), UnionStyle::Inline, Some(w)) => {
                quote!(Self::#name(content) => rt::wire::serialize_inline(serializer, #tag, Some(#w), content),)
            }
            (Some(_), _, None) => {
                quote!(Self::#name(content) => rt::wire::serialize_inline(serializer, #tag, None, content),)
            }
            (None, _, None) => quote!(Self::#name => serializer.serialize_unit(),),
        });
        let read = match (&v.ty, u.style) {
            (Some(_), UnionStyle::Sibling) => {
                let w = wire.unwrap_or_default();
                quote!(rt::wire::sibling_content(&object, #w).map(Self::#name))
            }
            (Some(_), UnionStyle::Inline) => {
                quote!(rt::wire::inline_content(object).map(Self::#name))
            }
            (None, _) => quote!(Ok(Self::#name)),
        };
        match wire {
            Some(w) => deserialize_arms.push(quote!(Some(#w) => #read,)),
            None => untagged_arm = Some(quote!(None => #read,)),
        }
    }
    let constructors = union_constructors(ctx, u);
    quote! {
        #constructors

        #doc
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #ident {
            #(#variants)*
            /// A variant this version of the SDK does not know: the whole object, as WeChat sent it.
            Unknown(rt::serde_json::Value),
        }

        impl rt::serde::Serialize for #ident {
            fn serialize<S: rt::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(#serialize_arms)*
                    Self::Unknown(value) => rt::serde::Serialize::serialize(value, serializer),
                }
            }
        }

        impl<'de> rt::serde::Deserialize<'de> for #ident {
            fn deserialize<D: rt::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let object = rt::wire::read_object(deserializer)?;
                match rt::wire::tag(&object, #tag).as_deref() {
                    #(#deserialize_arms)*
                    #untagged_arm
                    _ => Ok(Self::Unknown(rt::serde_json::Value::Object(object))),
                }
            }
        }
    }
}

/// One constructor per variant of a union a request can hold whose content
/// is a struct with a constructor: `MenuButton::click(name, key)` for
/// `MenuButton::Click(KeyButton::new(name, key))`, named after the variant.
fn union_constructors(ctx: Ctx<'_>, u: &Union) -> TokenStream {
    if !ctx.request_types.contains(&u.name) {
        return TokenStream::new();
    }
    let ident = format_ident!("{}", u.name);
    let methods = u.variants.iter().filter_map(|v| {
        let r = v.ty.as_ref()?;
        let Some(TypeItem::Object(o)) = ctx.api.find_type(&r.name) else {
            return None;
        };
        let variant = format_ident!("{}", v.rust);
        let method = syn::parse_str::<Ident>(&v.rust.to_snake_case()).ok()?;
        let content = ctx.type_path(r);
        let required: Vec<&Field> = o
            .fields
            .iter()
            .filter(|f| !f.optional && !starts_empty(f))
            .collect();
        let args = required.iter().map(|f| {
            let name = format_ident!("{}", f.rust);
            let ty = arg_ty(ctx, &f.ty);
            quote!(#name: #ty)
        });
        let names = required.iter().map(|f| format_ident!("{}", f.rust));
        let label = v.wire.as_deref().unwrap_or("(untagged)");
        let doc = format!(
            " The `{label}` variant, its [`{}`] made from its required fields (`{}::new`).",
            o.name, o.name
        );
        let allow = (required.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
        Some(quote! {
            #[doc = #doc]
            #allow
            pub fn #method(#(#args),*) -> Self {
                Self::#variant(#content::new(#(#names),*))
            }
        })
    });
    let methods: Vec<TokenStream> = methods.collect();
    if methods.is_empty() {
        return TokenStream::new();
    }
    quote! {
        impl #ident {
            #(#methods)*
        }
    }
}
