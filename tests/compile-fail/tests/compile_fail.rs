//! Every kind of broken spec is a compile error that names the YAML file,
//! line and column, what is wrong and what was expected.
//!
//! The `.stderr` files are the snapshots; regenerate them after an intended
//! message change with `TRYBUILD=overwrite cargo test -p wechat-api-compile-fail`.

/// The flags trybuild gives rustc when it checks the cases (trybuild 1.0's
/// `rustflags::toml` and `build_all_tests`), `\x1f`-separated.
const TRYBUILD_RUSTFLAGS: &str =
    "--cfg\x1ftrybuild\x1f--verbose\x1f-A\x1fdead_code\x1f--diagnostic-width=140";

#[test]
fn broken_specs_are_compile_errors() {
    // trybuild checks the dependencies first with its rustflags, then the
    // cases with one more (`--diagnostic-width`): two sets of flags, so every
    // dependency, `wechat-api` and its generated API included, is checked
    // twice. `CARGO_ENCODED_RUSTFLAGS` takes precedence over the flags it
    // passes as `--config`, so both runs get the second set: one check.
    // SAFETY: the only test of this binary, before it starts any thread.
    unsafe { std::env::set_var("CARGO_ENCODED_RUSTFLAGS", TRYBUILD_RUSTFLAGS) };
    let t = trybuild::TestCases::new();
    t.compile_fail("cases/*.rs");
}
