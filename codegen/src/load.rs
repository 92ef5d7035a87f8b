//! Reading spec files from disk and parsing their YAML.

use std::path::{Path, PathBuf};

use crate::error::SpecError;
use crate::model::SpecFile;

/// A parsed spec file and where it came from.
#[derive(Debug)]
pub struct Loaded {
    /// Path used in error messages (relative to the spec directory's parent
    /// when possible, so messages read `spec/component.yaml:3:5`).
    pub display_path: PathBuf,
    /// Absolute path, for `include_str!` change tracking.
    pub absolute_path: PathBuf,
    /// The parsed content.
    pub spec: SpecFile,
}

/// Reads every `*.yaml` / `*.yml` file of `dir` and of its immediate
/// sub-folders (a family of its own, like `spec/pay/`), sorted by path. A
/// file that cannot be read or parsed is reported and left out; the others
/// are still returned.
pub fn load_dir(dir: &Path) -> (Vec<Loaded>, Vec<SpecError>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            return (
                Vec::new(),
                vec![SpecError::file(
                    dir,
                    format!("cannot read the spec directory: {e}"),
                )],
            );
        }
    };
    let mut paths = Vec::new();
    let mut errors = Vec::new();
    for entry in entries {
        match entry {
            Ok(entry) => {
                let path = entry.path();
                let is_yaml = matches!(
                    path.extension().and_then(|e| e.to_str()),
                    Some("yaml" | "yml")
                );
                if is_yaml && path.is_file() {
                    paths.push(path);
                } else if path.is_dir() {
                    yaml_files_in(&path, &mut paths, &mut errors);
                }
            }
            Err(e) => errors.push(SpecError::file(dir, format!("cannot list: {e}"))),
        }
    }
    if paths.is_empty() && errors.is_empty() {
        errors.push(SpecError::file(
            dir,
            "no *.yaml spec file in this directory",
        ));
    }
    paths.sort();
    let base = dir.parent().unwrap_or(dir);
    let mut files = Vec::with_capacity(paths.len());
    for path in paths {
        let display_path = path.strip_prefix(base).unwrap_or(&path).to_path_buf();
        let source = match std::fs::read_to_string(&path) {
            Ok(source) => source,
            Err(e) => {
                errors.push(SpecError::file(&display_path, format!("cannot read: {e}")));
                continue;
            }
        };
        match parse(&display_path, &source) {
            Ok(spec) => files.push(Loaded {
                display_path,
                absolute_path: path,
                spec,
            }),
            Err(e) => errors.push(e),
        }
    }
    (files, errors)
}

/// The `*.yaml` / `*.yml` files of a sub-folder (not recursive).
fn yaml_files_in(dir: &Path, paths: &mut Vec<PathBuf>, errors: &mut Vec<SpecError>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            errors.push(SpecError::file(dir, format!("cannot list: {e}")));
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let is_yaml = matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml")
        );
        if is_yaml && path.is_file() {
            paths.push(path);
        }
    }
}

/// Parses one spec file's YAML text.
pub fn parse(display_path: &Path, source: &str) -> Result<SpecFile, SpecError> {
    serde_saphyr::from_str::<SpecFile>(source).map_err(|e| {
        let rendered = e.without_snippet().to_string();
        let (line, column) = e
            .location()
            .map(|l| (l.line(), l.column()))
            .unwrap_or((0, 0));
        SpecError {
            file: display_path.to_path_buf(),
            line,
            column,
            message: strip_location_suffix(&rendered).to_string(),
        }
    })
}

/// serde-saphyr appends ` at line N, column M` to its messages; we print the
/// location in front instead, like rustc does.
fn strip_location_suffix(message: &str) -> &str {
    match message.rfind(" at line ") {
        Some(i) if message[i..].contains(", column ") => &message[..i],
        _ => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_names_line_column_and_expected_keys() {
        let err = parse(
            Path::new("spec/x.yaml"),
            "module: a\nendpoints:\n  - name: x\n    methd: GET\n",
        )
        .unwrap_err();
        assert_eq!((err.line, err.column), (4, 5));
        assert!(err.message.starts_with("unknown field `methd`"), "{err}");
        assert!(err.message.contains("method"), "{err}");
        assert!(!err.message.contains(" at line "), "{err}");
        assert!(err.to_string().starts_with("spec/x.yaml:4:5: "), "{err}");
    }

    #[test]
    fn broken_yaml_is_an_error_not_a_panic() {
        let err = parse(Path::new("s.yaml"), "module: [a\n").unwrap_err();
        assert_eq!(err.line, 1);
    }
}
