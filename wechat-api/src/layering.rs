//! Keeps the crate's layers apart (see the layering notes in `lib.rs`): the
//! hand-written runtime never names the generated API (`crate::api`, its
//! request types, its `ENDPOINTS`, or the accessors `client.<module>()` it
//! adds to [`Client`](crate::Client)), because the generated code is built on
//! the runtime (`crate::__private`).
//!
//! Only the modules built on top of the generated API may use it: the
//! generated API itself (`api.rs`), the release-test answers of the callback
//! router (`callback/release_test.rs`) and the axum server (`server/`). Test
//! code (from a file's first `#[cfg(test)]` on) may use it too, to compare
//! hand-written descriptions with the spec's.

use std::fs;
use std::path::{Path, PathBuf};

/// Files (relative to `src/`, `/`-separated) and folders (ending in `/`)
/// built on the generated API.
const ABOVE_THE_API: &[&str] = &["api.rs", "callback/release_test.rs", "server/"];

/// This check, test code only (it spells the patterns it looks for).
const THIS_FILE: &str = "layering.rs";

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    let entries = fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("a readable directory entry").path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// The code of a file before its tests, without comments or whitespace (so
/// that a call split over lines, `self\n    .official()`, is still seen).
fn code_before_tests(text: &str) -> String {
    text.lines()
        .take_while(|line| line.trim() != "#[cfg(test)]")
        .map(|line| line.split("//").next().unwrap_or_default())
        .flat_map(|line| line.chars().filter(|c| !c.is_whitespace()))
        .collect()
}

/// The accessor each spec module adds to `Client` (`official`, `component`…).
fn spec_modules(root: &Path) -> Vec<String> {
    let spec = root.join("spec");
    let entries = fs::read_dir(&spec).unwrap_or_else(|e| panic!("{}: {e}", spec.display()));
    let mut modules: Vec<String> = entries
        .map(|entry| entry.expect("a readable directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .filter_map(|path| Some(path.file_stem()?.to_str()?.to_owned()))
        .collect();
    modules.sort();
    modules
}

/// What a runtime file may not contain (whitespace removed).
fn forbidden(modules: &[String]) -> Vec<String> {
    let mut patterns = vec!["crate::api".to_owned(), "super::api".to_owned()];
    for module in modules {
        for receiver in ["self", "client"] {
            patterns.push(format!("{receiver}.{module}()"));
        }
    }
    patterns
}

#[test]
fn the_runtime_does_not_use_the_generated_api() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let src = root.join("src");
    let modules = spec_modules(root);
    assert!(
        modules.iter().any(|m| m == "official") && modules.iter().any(|m| m == "component"),
        "the spec folder was not found: {modules:?}"
    );
    let patterns = forbidden(&modules);
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut checked = 0;
    let mut offences = Vec::new();
    for file in &files {
        let relative = file
            .strip_prefix(&src)
            .expect("under src/")
            .to_string_lossy()
            .replace('\\', "/");
        let above = ABOVE_THE_API
            .iter()
            .any(|allowed| match allowed.strip_suffix('/') {
                Some(folder) => relative.starts_with(&format!("{folder}/")),
                None => relative == *allowed,
            });
        if above || relative == THIS_FILE {
            continue;
        }
        let text = fs::read_to_string(file).unwrap_or_else(|e| panic!("{relative}: {e}"));
        let code = code_before_tests(&text);
        checked += 1;
        for pattern in &patterns {
            if code.contains(pattern.as_str()) {
                offences.push(format!("{relative}: `{pattern}`"));
            }
        }
    }
    assert!(
        checked > 40,
        "only {checked} runtime files found under src/"
    );
    assert!(
        offences.is_empty(),
        "hand-written runtime modules use the generated API (see lib.rs on layers):\n{}",
        offences.join("\n")
    );
}

/// The check itself finds what it looks for.
#[test]
fn the_check_sees_split_calls_and_ignores_comments_and_tests() {
    let patterns = forbidden(&["official".to_owned()]);
    let seen = |text: &str| {
        let code = code_before_tests(text);
        patterns.iter().any(|p| code.contains(p.as_str()))
    };
    assert!(seen("use crate::api::official::TokenRequest;"));
    assert!(seen("let a = self\n    .official()\n    .token();"));
    assert!(seen("client.official().token()"));
    assert!(!seen("// calls self.official() in a comment"));
    assert!(!seen(
        "fn f() {}\n#[cfg(test)]\nmod tests { use crate::api::official; }"
    ));
    assert!(!seen("answer.media()"));
}
