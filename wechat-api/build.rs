//! Rebuild this crate whenever anything under `spec/` changes.
//!
//! The `generate!` macro embeds every spec file with `include_str!`, which makes
//! cargo track the files that already exist. A *new* spec file is only noticed
//! because this script watches the whole folder (`spec` is a link to the
//! repository's top-level `spec/` folder; in the published crate, a folder).
fn main() {
    println!("cargo::rerun-if-changed=spec");
    println!("cargo::rerun-if-changed=build.rs");
}
