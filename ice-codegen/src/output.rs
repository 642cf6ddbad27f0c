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

/// Every problem one run found, sorted by file, pointer and message, so a maintainer fixes a new
/// metadata file in one pass. `Display` prints one `file#pointer: message` line per problem and a
/// final count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodegenErrors {
    errors: Vec<CodegenError>,
}

impl CodegenErrors {
    /// The problems, sorted and without exact duplicates.
    pub fn errors(&self) -> &[CodegenError] {
        &self.errors
    }

    /// How many problems.
    pub fn len(&self) -> usize {
        self.errors.len()
    }

    /// Always false for a value built by [`Diagnostics::finish`]; kept for API symmetry.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// Takes the problems.
    pub fn into_vec(self) -> Vec<CodegenError> {
        self.errors
    }

    fn sorted(mut errors: Vec<CodegenError>) -> Self {
        errors.sort_by(|a, b| {
            (&a.file, &a.pointer, &a.message).cmp(&(&b.file, &b.pointer, &b.message))
        });
        errors.dedup();
        Self { errors }
    }
}

impl From<CodegenError> for CodegenErrors {
    fn from(e: CodegenError) -> Self {
        Self { errors: vec![e] }
    }
}

impl fmt::Display for CodegenErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for e in &self.errors {
            writeln!(f, "{e}")?;
        }
        let n = self.errors.len();
        write!(f, "{n} problem{}", if n == 1 { "" } else { "s" })
    }
}

impl std::error::Error for CodegenErrors {}

/// Collects problems while a loader or checker keeps going (serde_derive's `Ctxt` pattern):
/// record with [`error`](Self::error), and call [`finish`](Self::finish) once at the end.
#[derive(Debug, Default)]
#[must_use = "call `finish` to report the collected problems"]
pub struct Diagnostics {
    errors: Vec<CodegenError>,
}

impl Diagnostics {
    /// An empty collector.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one problem.
    pub fn error(&mut self, e: CodegenError) {
        self.errors.push(e);
    }

    /// Records every problem of `errors`.
    pub fn extend(&mut self, errors: impl Into<CodegenErrors>) {
        self.errors.extend(errors.into().errors);
    }

    /// Keeps `Ok` values and records errors: `diag.take(result)` is `None` after an error.
    pub fn take<T, E: Into<CodegenErrors>>(&mut self, result: Result<T, E>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.extend(e);
                None
            }
        }
    }

    /// Whether any problem was recorded.
    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// `Ok(value)` when nothing was recorded, else every problem, sorted.
    pub fn finish<T>(self, value: T) -> Result<T, CodegenErrors> {
        if self.errors.is_empty() {
            Ok(value)
        } else {
            Err(CodegenErrors::sorted(self.errors))
        }
    }
}
