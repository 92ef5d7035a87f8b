//! The `generate!` proc macro of `wechat-api`.
//!
//! `generate!("path/to/spec")` reads every `*.yaml` file of a spec directory
//! and expands to typed request and response structs, one client handle per
//! module with one async method per endpoint, and a static description of
//! every endpoint. The path is relative to the file containing the
//! invocation, like `include_str!`.
//!
//! This crate is a thin shell over `wechat-api-codegen`, where loading,
//! checking and code generation live as plain, tested functions. A broken
//! spec never panics the macro: it becomes a `compile_error!` naming the
//! file, line and column.

use std::path::{Path, PathBuf};

use proc_macro::TokenStream;
use proc_macro2::Span;

/// Generates the typed client from a spec directory.
///
/// ```text
/// wechat_api_macros::generate!("../../spec");
/// ```
#[proc_macro]
pub fn generate(input: TokenStream) -> TokenStream {
    let literal = match syn::parse::<syn::LitStr>(input) {
        Ok(lit) => lit,
        Err(e) => {
            return syn::Error::new(
                e.span(),
                "expected the spec directory as a string literal, e.g. `generate!(\"../spec\")`",
            )
            .to_compile_error()
            .into();
        }
    };
    let dir = resolve(&literal.value());
    match wechat_api_codegen::expand(&dir) {
        Ok(tokens) => tokens.into(),
        Err(e) => syn::Error::new(Span::call_site(), format!("spec error: {e}"))
            .to_compile_error()
            .into(),
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
