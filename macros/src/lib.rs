//! The `generate!` proc macro of `wechat-api`.
//!
//! `generate!("path/to/spec")` reads every `*.yaml` file of a spec directory
//! and expands to typed request and response structs, one handler per module
//! with one async method per endpoint, and a static description of every
//! endpoint. The path is relative to the file containing the invocation,
//! like `include_str!`.
//!
//! Users call it as `wechat_api::generate!("spec")` in their own crate: each
//! module then comes with an extension trait (`use my_api::ExtraApi;
//! client.extra().foo(..)`). `wechat-api` itself calls it with `internal`,
//! which makes the accessors inherent methods of `Client` and allows hooks.
//!
//! This crate is a thin shell over `wechat-api-codegen`, where loading,
//! checking and code generation live as plain, tested functions. A broken
//! spec never panics the macro: it becomes a `compile_error!` naming the
//! file, line and column.

use std::path::{Path, PathBuf};

use proc_macro::TokenStream;

/// Generates typed endpoints from a spec directory.
///
/// ```text
/// wechat_api::generate!("spec");
/// ```
#[proc_macro]
pub fn generate(input: TokenStream) -> TokenStream {
    let args = match syn::parse::<Args>(input) {
        Ok(args) => args,
        Err(e) => return e.to_compile_error().into(),
    };
    let dir = resolve(&args.path.value());
    let options = wechat_api_codegen::Options {
        internal: args.internal,
    };
    match &args.modules {
        None => wechat_api_codegen::expand(&dir, options),
        Some(modules) => wechat_api_codegen::expand_modules(&dir, options, modules),
    }
    .into()
}

/// `"spec/dir"`, `"spec/dir", internal`, or (for wechat-api's unit tests)
/// `"spec/dir", internal, modules(a, b)`: the endpoints of those modules
/// only.
struct Args {
    path: syn::LitStr,
    internal: bool,
    modules: Option<Vec<String>>,
}

impl syn::parse::Parse for Args {
    fn parse(input: syn::parse::ParseStream<'_>) -> syn::Result<Self> {
        let path: syn::LitStr = input.parse().map_err(|e| {
            syn::Error::new(
                e.span(),
                "expected the spec directory as a string literal, e.g. `generate!(\"spec\")`",
            )
        })?;
        let mut internal = false;
        if input.parse::<Option<syn::Token![,]>>()?.is_some() && !input.is_empty() {
            let mode: syn::Ident = input.parse()?;
            if mode != "internal" {
                return Err(syn::Error::new(
                    mode.span(),
                    "unknown option: the only one is `internal` (for wechat-api itself)",
                ));
            }
            internal = true;
            input.parse::<Option<syn::Token![,]>>()?;
        }
        let mut modules = None;
        if internal && input.peek(syn::Ident) {
            let option: syn::Ident = input.parse()?;
            if option != "modules" {
                return Err(syn::Error::new(
                    option.span(),
                    "unknown option: after `internal`, only `modules(..)`",
                ));
            }
            let list;
            syn::parenthesized!(list in input);
            let names =
                list.parse_terminated(<syn::Ident as syn::parse::Parse>::parse, syn::Token![,])?;
            modules = Some(names.iter().map(ToString::to_string).collect());
            input.parse::<Option<syn::Token![,]>>()?;
        }
        if !input.is_empty() {
            return Err(input.error("unexpected tokens after the spec directory"));
        }
        Ok(Args {
            path,
            internal,
            modules,
        })
    }
}

/// Resolves the path like `include_str!`: relative to the invoking file.
fn resolve(path: &str) -> PathBuf {
    let path = Path::new(path);
    if path.is_absolute() {
        return path.to_path_buf();
    }
    let base = proc_macro::Span::call_site()
        .local_file()
        .and_then(|f| f.parent().map(Path::to_path_buf))
        .or_else(|| std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from))
        .unwrap_or_default();
    let joined = base.join(path);
    // rustc may hand us paths relative to its working directory; make them
    // absolute so `include_str!` and error messages are unambiguous.
    std::fs::canonicalize(&joined).unwrap_or(joined)
}
