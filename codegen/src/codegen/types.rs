//! Named types, request structs and response structs.

use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::doc_attrs;
use crate::ir::{Endpoint, Field, Ty, TypeItem};

/// The Rust type of a field, without `Option`.
pub fn rust_ty(ty: &Ty) -> TokenStream {
    match ty {
        Ty::String => quote!(String),
        Ty::Bool => quote!(bool),
        Ty::I32 => quote!(i32),
        Ty::I64 => quote!(i64),
        Ty::U32 => quote!(u32),
        Ty::U64 => quote!(u64),
        Ty::F64 => quote!(f64),
        Ty::Json => quote!(rt::serde_json::Value),
        Ty::List(inner) => {
            let inner = rust_ty(inner);
            quote!(Vec<#inner>)
        }
        Ty::Named(name) => {
            let name = format_ident!("{name}");
            quote!(#name)
        }
    }
}

/// The Rust type of a field, with `Option` when optional.
pub fn field_ty(field: &Field) -> TokenStream {
    let ty = rust_ty(&field.ty);
    if field.optional {
        quote!(Option<#ty>)
    } else {
        ty
    }
}

pub fn request_name(endpoint: &Endpoint) -> proc_macro2::Ident {
    format_ident!("{}Request", endpoint.name.to_upper_camel_case())
}

pub fn response_name(endpoint: &Endpoint) -> proc_macro2::Ident {
    format_ident!("{}Response", endpoint.name.to_upper_camel_case())
}

/// A type from the spec's `types:` list.
pub fn named_type(item: &TypeItem) -> TokenStream {
    match item {
        TypeItem::Object { name, doc, fields } => {
            let fallback = format!("`{name}`, as WeChat sends it.");
            data_struct(
                &format_ident!("{name}"),
                doc.as_deref().unwrap_or(&fallback),
                fields,
            )
        }
        TypeItem::Enum { name, doc, values } => enum_type(name, doc.as_deref(), values),
    }
}

fn enum_type(name: &str, doc: Option<&str>, values: &[String]) -> TokenStream {
    let ident = format_ident!("{name}");
    let doc = doc_attrs(Some(
        doc.unwrap_or("A value WeChat accepts for this parameter."),
    ));
    let variants: Vec<_> = values
        .iter()
        .map(|v| format_ident!("{}", v.to_upper_camel_case()))
        .collect();
    let variant_docs = values.iter().map(|v| format!(" `{v}`"));
    quote! {
        #doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, rt::serde::Serialize, rt::serde::Deserialize)]
        #[serde(crate = "rt::serde")]
        pub enum #ident {
            #(
                #[doc = #variant_docs]
                #[serde(rename = #values)]
                #variants,
            )*
        }

        impl #ident {
            /// The value as WeChat spells it.
            pub fn as_str(self) -> &'static str {
                match self {
                    #(Self::#variants => #values,)*
                }
            }
        }

        impl std::fmt::Display for #ident {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    }
}

/// A struct WeChat sends (or that nests in a request): serde both ways,
/// unknown fields ignored, secrets redacted in `Debug`.
fn data_struct(ident: &proc_macro2::Ident, doc: &str, fields: &[Field]) -> TokenStream {
    let doc = doc_attrs(Some(doc));
    let members = fields.iter().map(|f| {
        let name = format_ident!("{}", f.rust);
        let ty = field_ty(f);
        let doc = doc_attrs(Some(f.doc.as_deref().unwrap_or(&format!("`{}`", f.wire))));
        let rename = if f.flatten {
            Some(quote!(#[serde(flatten)]))
        } else {
            (f.rust != f.wire).then(|| {
                let wire = &f.wire;
                quote!(#[serde(rename = #wire)])
            })
        };
        let optional = f
            .optional
            .then(|| quote!(#[serde(default, skip_serializing_if = "Option::is_none")]));
        quote! { #doc #rename #optional pub #name: #ty, }
    });
    let debug = debug_impl(ident, fields);
    let derive_debug = debug.is_none().then(|| quote!(Debug,));
    quote! {
        #doc
        #[derive(#derive_debug Clone, PartialEq, rt::serde::Serialize, rt::serde::Deserialize)]
        #[serde(crate = "rt::serde")]
        pub struct #ident {
            #(#members)*
        }
        #debug
    }
}

/// A hand-written `Debug` that redacts secret fields; `None` when no field is secret.
fn debug_impl(ident: &proc_macro2::Ident, fields: &[Field]) -> Option<TokenStream> {
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

/// The request and response types of one endpoint.
pub fn endpoint_types(handle: &proc_macro2::Ident, endpoint: &Endpoint) -> TokenStream {
    let method = &endpoint.name;
    let response = data_struct(
        &response_name(endpoint),
        &format!(
            "What WeChat answers to [`{method}`]({handle}::{method}) (after `errcode` was checked)."
        ),
        &endpoint.response,
    );
    let request = request_struct(handle, endpoint);
    quote! { #request #response }
}

fn request_struct(handle: &proc_macro2::Ident, endpoint: &Endpoint) -> TokenStream {
    let fields: Vec<&Field> = endpoint.user_fields().collect();
    if fields.is_empty() {
        return TokenStream::new();
    }
    let ident = request_name(endpoint);
    let method = &endpoint.name;
    let doc =
        format!(" The parameters of [`{method}`]({handle}::{method}) that the caller provides.");
    let members = fields.iter().map(|f| {
        let name = format_ident!("{}", f.rust);
        let ty = field_ty(f);
        let doc = doc_attrs(Some(f.doc.as_deref().unwrap_or(&format!("`{}`", f.wire))));
        quote! { #doc pub #name: #ty, }
    });
    let required: Vec<&&Field> = fields.iter().filter(|f| !f.optional).collect();
    let args = required.iter().map(|f| {
        let name = format_ident!("{}", f.rust);
        let ty = setter_ty(&f.ty);
        quote!(#name: #ty)
    });
    let inits = fields.iter().map(|f| {
        let name = format_ident!("{}", f.rust);
        match (f.optional, f.ty == Ty::String) {
            (true, _) => quote!(#name: None),
            (false, true) => quote!(#name: #name.into()),
            (false, false) => quote!(#name),
        }
    });
    let setters = fields.iter().filter(|f| f.optional).map(|f| {
        let name = format_ident!("{}", f.rust);
        let ty = setter_ty(&f.ty);
        let value = if f.ty == Ty::String {
            quote!(value.into())
        } else {
            quote!(value)
        };
        let doc = format!(" Sets `{}`.", f.wire);
        quote! {
            #[doc = #doc]
            pub fn #name(mut self, value: #ty) -> Self {
                self.#name = Some(#value);
                self
            }
        }
    });
    let owned: Vec<Field> = fields.iter().map(|f| (*f).clone()).collect();
    let debug = debug_impl(&ident, &owned);
    let derive_debug = debug.is_none().then(|| quote!(Debug,));
    let derive_default = required.is_empty().then(|| quote!(Default,));
    quote! {
        #[doc = #doc]
        #[derive(#derive_debug #derive_default Clone, PartialEq)]
        pub struct #ident {
            #(#members)*
        }

        impl #ident {
            /// Creates the request from its required parameters.
            pub fn new(#(#args),*) -> Self {
                Self { #(#inits),* }
            }
            #(#setters)*
        }
        #debug
    }
}

fn setter_ty(ty: &Ty) -> TokenStream {
    match ty {
        Ty::String => quote!(impl Into<String>),
        other => rust_ty(other),
    }
}
