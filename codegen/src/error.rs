//! Spec errors: what is wrong, and where (file, line, column).

use std::fmt;
use std::path::{Path, PathBuf};

use serde_saphyr::{Location, Spanned};

/// An error in a spec file, pointing at the YAML node that caused it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    /// The spec file (as given, relative paths stay relative).
    pub file: PathBuf,
    /// 1-based line, 0 when unknown.
    pub line: u64,
    /// 1-based column, 0 when unknown.
    pub column: u64,
    /// What is wrong and what was expected.
    pub message: String,
}

impl SpecError {
    /// An error at a known location.
    pub fn at(file: &Path, location: Location, message: impl Into<String>) -> Self {
        Self {
            file: file.to_path_buf(),
            line: location.line(),
            column: location.column(),
            message: message.into(),
        }
    }

    /// An error at the location of a spanned YAML value.
    pub fn spanned<T>(file: &Path, node: &Spanned<T>, message: impl Into<String>) -> Self {
        Self::at(file, node.referenced, message)
    }

    /// An error about a whole file or directory (unreadable, empty...).
    pub fn file(file: &Path, message: impl Into<String>) -> Self {
        Self {
            file: file.to_path_buf(),
            line: 0,
            column: 0,
            message: message.into(),
        }
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file.display(), self.message)
        } else {
            write!(
                f,
                "{}:{}:{}: {}",
                self.file.display(),
                self.line,
                self.column,
                self.message
            )
        }
    }
}

impl std::error::Error for SpecError {}
