//! The spec loader, validator and generator on hostile YAML: one file, or
//! two separated by a NUL byte, as one spec directory. `check` returns the
//! errors, and the generator produces code (with a `compile_error!` per
//! error) that parses as Rust; neither panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wechat_api_codegen::Options;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let sources: Vec<(&str, &str)> = ["spec/a.yaml", "spec/b.yaml"]
        .into_iter()
        .zip(text.splitn(2, '\0'))
        .collect();
    for error in wechat_api_codegen::check(&sources, Options { internal: true }) {
        let _ = error.to_string();
    }
    for internal in [true, false] {
        let tokens = wechat_api_codegen::expand_sources(&sources, Options { internal });
        if let Err(e) = syn::parse2::<syn::File>(tokens) {
            panic!("generated code does not parse: {e}");
        }
    }
});
