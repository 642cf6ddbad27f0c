//! What generators return, and the one error type spec and overlay problems are reported with.

use std::fmt;
use std::path::PathBuf;

/// A generated file, with its path relative to the workspace root (or to a chosen out dir for
/// schema export).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Relative path, `/`-separated.
    pub path: PathBuf,
    /// Full file contents.
    pub contents: String,
}

/// A problem in a spec or overlay file: which file, where (JSON pointer), and what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodegenError {
    /// The file that holds the problem.
    pub file: PathBuf,
    /// JSON pointer into that file (`/apis/GetX/parameters/3/style`), empty for the whole file.
    pub pointer: String,
    /// Plain-language message: what was found, what was expected.
    pub message: String,
}

impl CodegenError {
    /// A new error.
    pub fn new(
        file: impl Into<PathBuf>,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            file: file.into(),
            pointer: pointer.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for CodegenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}#{}: {}",
            self.file.display(),
            self.pointer,
            self.message
        )
    }
}

impl std::error::Error for CodegenError {}
