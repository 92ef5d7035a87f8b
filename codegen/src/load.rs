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

/// Reads every `*.yaml` / `*.yml` file of `dir`, sorted by name.
pub fn load_dir(dir: &Path) -> Result<Vec<Loaded>, SpecError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| SpecError::file(dir, format!("cannot read the spec directory: {e}")))?;
    let mut paths = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| SpecError::file(dir, format!("cannot list: {e}")))?;
        let path = entry.path();
        let is_yaml = matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml")
        );
        if is_yaml && path.is_file() {
            paths.push(path);
        }
    }
    if paths.is_empty() {
        return Err(SpecError::file(
            dir,
            "no *.yaml spec file in this directory",
        ));
    }
    paths.sort();
    let base = dir.parent().unwrap_or(dir);
    paths
        .into_iter()
        .map(|path| {
            let source = std::fs::read_to_string(&path)
                .map_err(|e| SpecError::file(&path, format!("cannot read: {e}")))?;
            let display_path = path.strip_prefix(base).unwrap_or(&path).to_path_buf();
            let spec = parse(&display_path, &source)?;
            Ok(Loaded {
                display_path,
                absolute_path: path,
                spec,
            })
        })
        .collect()
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
