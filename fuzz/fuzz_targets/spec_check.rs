//! The spec loader and validator on hostile YAML: one file, or two
//! separated by a NUL byte, as one spec directory. `check` returns an error
//! or nothing; it never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let sources: Vec<(&str, &str)> = ["spec/a.yaml", "spec/b.yaml"]
        .into_iter()
        .zip(text.splitn(2, '\0'))
        .collect();
    if let Err(error) = wechat_api_codegen::check(&sources) {
        let _ = error.to_string();
    }
});
