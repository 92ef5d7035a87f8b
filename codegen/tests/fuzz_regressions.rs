//! Inputs the `spec_check` fuzzer found (`fuzz/`), kept so that they stay
//! fixed: the checker and the generator return errors, never panic, and the
//! generated code parses.

use wechat_api_codegen::{Options, check, expand_sources};

fn generates_without_panicking(text: &str) {
    let sources = [("spec/a.yaml", text)];
    let _ = check(&sources, Options { internal: true });
    for internal in [true, false] {
        let tokens = expand_sources(&sources, Options { internal });
        syn::parse2::<syn::File>(tokens).expect("generated code parses");
    }
}

/// A module name of symbols and digits: its snake_case suggestion began
/// with `_0`, whose UpperCamelCase form (`0…Handler`) is no identifier.
#[test]
fn a_module_name_without_a_leading_letter() {
    let input = include_bytes!("fuzz_regressions/module_name_without_a_letter.bin");
    generates_without_panicking(&String::from_utf8_lossy(input));
    for name in ["_0err", "__9lives", "_", "0", "_x_1"] {
        generates_without_panicking(&format!(
            "module: {name}\nendpoints:\n  - name: x\n    method: GET\n    path: /x\n"
        ));
    }
}
