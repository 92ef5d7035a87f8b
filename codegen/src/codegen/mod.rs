//! Code generation: the validated [`Api`] to Rust tokens.
//!
//! Generated code refers to the runtime through an alias, `rt`: the
//! `__private` module of `wechat-api` (`crate::__private` inside
//! `wechat-api`, `::wechat_api::__private` in a user's crate). Each spec file
//! becomes a module with its named types, its endpoints' request and
//! response types, a handler (`client.<module>()`), and the static
//! descriptions of its endpoints.

mod endpoint_static;
mod method;
mod paging;
mod probe;
mod request;
mod spelling;
mod types;

use std::collections::HashSet;

use heck::{ToShoutySnakeCase, ToUpperCamelCase};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::{Api, Family, Module, ParamSource, Ty, TypeItem, TypeRef};
use crate::validate::Options;

/// What the generated code needs to know about where it lives.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ctx<'a> {
    /// The whole spec (types are looked up across modules).
    pub api: &'a Api,
    /// Inside `wechat-api` or a user's crate.
    pub options: Options,
    /// The module being generated.
    pub module: &'a str,
    /// How many modules deep inside it the code sits (probes: 1).
    pub depth: usize,
    /// The named types a request can hold (they get constructors and
    /// setters; the others are only read from answers).
    pub request_types: &'a HashSet<String>,
}

impl Ctx<'_> {
    /// The path of the runtime module.
    pub fn runtime_path(&self) -> TokenStream {
        if self.options.internal {
            quote!(crate::__private)
        } else {
            quote!(::wechat_api::__private)
        }
    }

    /// How the current module names the type `r`.
    pub fn type_path(&self, r: &TypeRef) -> TokenStream {
        let name = format_ident!("{}", r.name);
        if r.module == self.module {
            quote!(#name)
        } else {
            let module = format_ident!("{}", r.module);
            let supers = (0..=self.depth).map(|_| quote!(super::));
            quote!(#(#supers)* #module::#name)
        }
    }
}

/// The named types reachable from the caller's parameters of any endpoint.
fn request_types(api: &Api) -> HashSet<String> {
    fn visit(api: &Api, ty: &Ty, seen: &mut HashSet<String>) {
        match ty {
            Ty::List(inner) | Ty::Map(inner) | Ty::JsonString(inner) => visit(api, inner, seen),
            Ty::Named(r) => {
                if !seen.insert(r.name.clone()) {
                    return;
                }
                match api.find_type(&r.name) {
                    Some(TypeItem::Object(o)) => {
                        for f in &o.fields {
                            visit(api, &f.ty, seen);
                        }
                    }
                    Some(TypeItem::Union(u)) => {
                        for v in &u.variants {
                            if let Some(t) = &v.ty {
                                visit(api, &Ty::Named(t.clone()), seen);
                            }
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    let mut seen = HashSet::new();
    for e in api.modules.iter().flat_map(|m| &m.endpoints) {
        for p in &e.params {
            if let ParamSource::Caller(f) = &p.source {
                visit(api, &f.ty, &mut seen);
            }
        }
    }
    seen
}

/// Generates everything for a validated spec.
pub fn generate(api: &Api, options: Options) -> TokenStream {
    let request_types = request_types(api);
    let request_types = &request_types;
    let tracking = api.files.iter().map(|file| {
        let file = file.to_string_lossy();
        quote! { const _: &str = include_str!(#file); }
    });
    let modules = api.modules.iter().map(|m| {
        module(
            Ctx {
                api,
                options,
                module: &m.name,
                depth: 0,
                request_types,
            },
            m,
        )
    });
    let traits = (!options.internal).then(|| {
        let traits = api
            .modules
            .iter()
            .filter(|m| !m.endpoints.is_empty())
            .map(method::extension_trait);
        quote!(#(#traits)*)
    });
    let of_family = |family: Family| {
        api.modules
            .iter()
            .filter(move |m| m.family == family)
            .flat_map(|m| {
                let module = format_ident!("{}", m.name);
                m.endpoints.iter().map(move |e| {
                    let constant = format_ident!("{}", e.name.to_shouty_snake_case());
                    quote! { &#module::endpoints::#constant }
                })
            })
    };
    let all = of_family(Family::Wechat);
    let pay = of_family(Family::Pay);
    let pay_cfg = options.internal.then(|| quote!(#[cfg(feature = "pay")]));
    let rt = Ctx {
        api,
        options,
        module: "",
        depth: 0,
        request_types,
    }
    .runtime_path();
    // a user's crate without WeChat Pay endpoints needs no `pay` feature
    let has_pay = api.modules.iter().any(|m| m.family == Family::Pay);
    let pay_list = (options.internal || has_pay).then(|| {
        quote! {
            /// Every WeChat Pay endpoint of the spec (family `pay`), in spec order.
            #pay_cfg
            pub static PAY_ENDPOINTS: &[&#rt::PayEndpoint] = &[#(#pay),*];
        }
    });
    let probes = probe::table(api, options);
    quote! {
        // Rebuild when a spec file changes (new files are noticed by build.rs).
        #(#tracking)*

        #(#modules)*

        #traits

        /// Every WeChat endpoint of the spec, in spec order.
        pub static ENDPOINTS: &[&#rt::Endpoint] = &[#(#all),*];

        #pay_list

        #probes
    }
}

fn module(ctx: Ctx<'_>, m: &Module) -> TokenStream {
    let name = format_ident!("{}", m.name);
    let rt = ctx.runtime_path();
    let fallback = format!("The `{}` endpoints.", m.name);
    let doc = doc_attrs(Some(m.doc.as_deref().unwrap_or(&fallback)));
    let named_types = m.types.iter().map(|t| types::named_type(ctx, t));
    let has_endpoints = !m.endpoints.is_empty();
    let handle_name = handler_name(&m.name);
    let endpoint_types = m
        .endpoints
        .iter()
        .map(|e| request::endpoint_types(ctx, &handle_name, e));
    let pay = m.family == Family::Pay;
    let handle = has_endpoints.then(|| {
        if pay {
            method::pay_handle(ctx, m)
        } else {
            method::handle(ctx, m)
        }
    });
    let constants = m.endpoints.iter().map(|e| {
        if pay {
            endpoint_static::pay_constant(ctx.api, &m.name, e)
        } else {
            endpoint_static::constant(&m.name, e)
        }
    });
    // inside wechat-api, WeChat Pay modules exist with its `pay` feature
    let cfg = (pay && ctx.options.internal).then(|| quote!(#[cfg(feature = "pay")]));
    let endpoints = has_endpoints.then(|| {
        quote! {
            /// Static descriptions of this module's endpoints, as written in the spec.
            pub mod endpoints {
                #[allow(unused_imports)]
                use #rt as rt;
                #(#constants)*
            }
        }
    });
    let probes = probe::module_probes(ctx, m);
    quote! {
        #doc
        #cfg
        pub mod #name {
            #[allow(unused_imports)]
            use #rt as rt;

            #(#named_types)*
            #(#endpoint_types)*
            #handle
            #endpoints
            #probes
        }
    }
}

/// `ComponentHandler` for the module `component`.
pub(crate) fn handler_name(module: &str) -> proc_macro2::Ident {
    format_ident!("{}Handler", module.to_upper_camel_case())
}

/// Turns a doc string into `#[doc = ...]` attributes.
pub(crate) fn doc_attrs(doc: Option<&str>) -> TokenStream {
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
