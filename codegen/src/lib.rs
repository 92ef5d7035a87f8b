//! Code generation for `wechat-api`, as a plain library.
//!
//! The `wechat-api-macros` proc macro is a thin shell around [`expand`]: it
//! resolves the spec directory and hands over the tokens. Everything else
//! happens here, over `proc_macro2` tokens, so that it can be unit tested,
//! snapshot tested and fuzzed: loading (`load`), checking (`validate`),
//! generating (`codegen`), and the values of the spec-derived tests
//! (`sample`).

use std::path::Path;

use proc_macro2::{Span, TokenStream};

mod codegen;
mod error;
mod ir;
mod load;
mod model;
mod sample;
mod validate;

pub use error::SpecError;
pub use validate::Options;

/// Loads every spec file of `dir`, validates them and generates the code.
///
/// Never fails: each spec error becomes a `compile_error!` naming its file,
/// line and column, beside the code generated for the rest of the spec
/// (with stand-ins for what was wrong), so that one error in the spec gives
/// one compile error and no follow-on errors where the code uses it.
pub fn expand(dir: &Path, options: Options) -> TokenStream {
    expand_endpoints_of(dir, options, None)
}

/// As [`expand`], with the endpoints of only the modules named in `modules`
/// (the whole spec is still read and checked, and every module's named
/// types generated). For `wechat-api`'s own unit tests: the runtime they
/// test is built on a few modules, and compiles much faster without the
/// rest, which the integration tests exercise through the full library.
pub fn expand_modules(dir: &Path, options: Options, modules: &[String]) -> TokenStream {
    expand_endpoints_of(dir, options, Some(modules))
}

fn expand_endpoints_of(dir: &Path, options: Options, modules: Option<&[String]>) -> TokenStream {
    let (files, load_errors) = load::load_dir(dir);
    let mut validated = validate::validate(&files, options);
    let mut tokens = TokenStream::new();
    if let Some(modules) = modules {
        for name in modules {
            if !validated.api.modules.iter().any(|m| &m.name == name) {
                let message = format!("no spec module named `{name}`");
                tokens.extend(syn::Error::new(Span::call_site(), message).to_compile_error());
            }
        }
        for module in &mut validated.api.modules {
            if !modules.contains(&module.name) {
                module.endpoints.clear();
            }
        }
    }
    tokens.extend(codegen::generate(&validated.api, options));
    if load_errors.is_empty() {
        tokens.extend(compile_errors(&validated.errors));
    } else {
        // The other files are still generated; but a file that does not
        // parse makes every reference to its types unknown: report what is
        // wrong at the source, not those.
        tokens.extend(compile_errors(&load_errors));
        let real: Vec<SpecError> = validated
            .errors
            .into_iter()
            .filter(|e| !e.message.starts_with(validate::UNKNOWN_TYPE))
            .collect();
        tokens.extend(compile_errors(&real));
    }
    tokens
}

fn compile_errors(errors: &[SpecError]) -> TokenStream {
    errors
        .iter()
        .map(|e| syn::Error::new(Span::call_site(), format!("spec error: {e}")).to_compile_error())
        .collect()
}

/// Checks spec sources without touching the disk: `(display path, YAML
/// text)` pairs, as if they were the files of one spec directory. Returns
/// every error found (none: the spec is valid). Never panics, whatever the
/// text (it is fuzzed).
pub fn check(sources: &[(&str, &str)], options: Options) -> Vec<SpecError> {
    let (files, mut errors) = parse_sources(sources);
    if errors.is_empty() {
        errors = validate::validate(&files, options).errors;
    }
    errors
}

/// What [`expand`] produces for spec sources given as text (see
/// [`check`]): the generated code with a `compile_error!` per spec error.
/// Never panics, whatever the text (it is fuzzed).
pub fn expand_sources(sources: &[(&str, &str)], options: Options) -> TokenStream {
    let (files, load_errors) = parse_sources(sources);
    let validated = validate::validate(&files, options);
    let mut tokens = codegen::generate(&validated.api, options);
    tokens.extend(compile_errors(&load_errors));
    tokens.extend(compile_errors(&validated.errors));
    tokens
}

/// Parses spec sources given as text, as the files of one directory: the
/// files that parse, and an error for each one that does not.
fn parse_sources(sources: &[(&str, &str)]) -> (Vec<load::Loaded>, Vec<SpecError>) {
    let mut files = Vec::with_capacity(sources.len());
    let mut errors = Vec::new();
    for (path, source) in sources {
        let path = Path::new(path);
        match load::parse(path, source) {
            Ok(spec) => files.push(load::Loaded {
                display_path: path.to_path_buf(),
                absolute_path: path.to_path_buf(),
                spec,
            }),
            Err(e) => errors.push(e),
        }
    }
    (files, errors)
}

/// Generates the code for spec sources given as text (see [`check`]), for
/// tests and tools: the tokens, or every spec error.
///
/// # Errors
/// Every [`SpecError`] found.
pub fn generate_from_sources(
    sources: &[(&str, &str)],
    options: Options,
) -> Result<TokenStream, Vec<SpecError>> {
    let (files, load_errors) = parse_sources(sources);
    if !load_errors.is_empty() {
        return Err(load_errors);
    }
    let validated = validate::validate(&files, options);
    if !validated.errors.is_empty() {
        return Err(validated.errors);
    }
    Ok(codegen::generate(&validated.api, options))
}
