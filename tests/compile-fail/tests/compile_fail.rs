//! Every kind of broken spec is a compile error that names the YAML file,
//! line and column, what is wrong and what was expected.
//!
//! The `.stderr` files are the snapshots; regenerate them after an intended
//! message change with `TRYBUILD=overwrite cargo test -p wechat-api-compile-fail`.

#[test]
fn broken_specs_are_compile_errors() {
    let t = trybuild::TestCases::new();
    t.compile_fail("cases/*.rs");
}
