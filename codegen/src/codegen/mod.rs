//! Code generation: the validated [`Api`] to Rust tokens.
//!
//! Generated code refers to the runtime through `crate::__private`, so the
//! macro must be invoked inside the `wechat-api` crate (or a crate that
//! provides the same module).

mod method;
mod types;

use heck::ToShoutySnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::{Api, Module};

/// Generates everything for a validated spec.
pub fn generate(api: &Api) -> TokenStream {
    let tracking = api.files.iter().map(|file| {
        let file = file.to_string_lossy();
        quote! { const _: &str = include_str!(#file); }
    });
    let modules = api.modules.iter().map(module);
    let all = api.modules.iter().flat_map(|m| {
        let module = format_ident!("{}", m.name);
        m.endpoints.iter().map(move |e| {
            let constant = format_ident!("{}", e.name.to_shouty_snake_case());
            quote! { &#module::endpoints::#constant }
        })
    });
    quote! {
        // Rebuild when a spec file changes (new files are noticed by build.rs).
        #(#tracking)*

        #(#modules)*

        /// Every endpoint of the spec, in spec order.
        pub static ENDPOINTS: &[&crate::__private::Endpoint] = &[#(#all),*];
    }
}

fn module(m: &Module) -> TokenStream {
    let name = format_ident!("{}", m.name);
    let fallback = format!("The `{}` endpoints.", m.name);
    let doc = doc_attrs(Some(m.doc.as_deref().unwrap_or(&fallback)));
    let named_types = m.types.iter().map(types::named_type);
    let handle_name = method::handle_name(m);
    let endpoint_types = m
        .endpoints
        .iter()
        .map(|e| types::endpoint_types(&handle_name, e));
    let handle = method::handle(m);
    let endpoints = m
        .endpoints
        .iter()
        .map(|e| method::endpoint_constant(&m.name, e));
    quote! {
        #doc
        pub mod #name {
            #[allow(unused_imports)]
            use crate::__private as rt;

            #(#named_types)*
            #(#endpoint_types)*
            #handle

            /// Static descriptions of this module's endpoints, as written in the spec.
            pub mod endpoints {
                #[allow(unused_imports)]
                use crate::__private as rt;
                #(#endpoints)*
            }
        }
    }
}

/// Turns a doc string into `#[doc = ...]` attributes.
fn doc_attrs(doc: Option<&str>) -> TokenStream {
    match doc {
        Some(doc) => {
            let lines = doc.trim_end().lines().map(|l| format!(" {l}"));
            quote! { #(#[doc = #lines])* }
        }
        None => TokenStream::new(),
    }
}

#[cfg(test)]
mod tests;
