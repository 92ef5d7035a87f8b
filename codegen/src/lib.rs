//! Code generation for `wechat-api`, as a plain library.
//!
//! The `wechat-api-macros` proc macro is a thin shell around [`expand`]: it
//! resolves the spec directory and turns a [`SpecError`] into a
//! `compile_error!`. Everything else happens here, over `proc_macro2`
//! tokens, so that it can be unit tested, snapshot tested and fuzzed:
//! loading (`load`), checking (`validate`) and generating (`codegen`).

use std::path::Path;

use proc_macro2::TokenStream;

mod codegen;
mod error;
mod ir;
mod load;
mod model;
mod validate;

pub use error::SpecError;

/// Loads every spec file of `dir`, validates them and generates the code.
///
/// # Errors
/// The first [`SpecError`] found, with its file, line and column.
pub fn expand(dir: &Path) -> Result<TokenStream, SpecError> {
    let files = load::load_dir(dir)?;
    let api = validate::validate(&files)?;
    Ok(codegen::generate(&api))
}

/// Checks spec sources without touching the disk: `(display path, YAML
/// text)` pairs, as if they were the files of one spec directory. Returns
/// the first error, if any. Never panics, whatever the text (fuzzed).
pub fn check(sources: &[(&str, &str)]) -> Result<(), SpecError> {
    let mut files = Vec::with_capacity(sources.len());
    for (path, source) in sources {
        let path = Path::new(path);
        let spec = load::parse(path, source)?;
        files.push(load::Loaded {
            display_path: path.to_path_buf(),
            absolute_path: path.to_path_buf(),
            spec,
        });
    }
    validate::validate(&files).map(drop)
}
