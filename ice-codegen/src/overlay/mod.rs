//! What the upstream api-docs metadata lacks, next to each spec (`specs/ice/<version>/`):
//!
//! - `overlay.yaml` ([`ops`]): operation groups (cargo features; claimed by name or pattern),
//!   idempotency, pagination fix-ups, extra bounds, and the modeled waiters of async job families.
//! - `types.yaml` ([`types`]): the typed JSON-string configs, open enums and JobType unions, and
//!   how they attach to the spec's own parameters and response fields.
//!
//! Both are loaded into one [`Overlay`]; every problem of both files is collected, so one run of
//! `cargo xtask codegen` names all of them.

pub mod ops;
pub mod ty;
pub mod types;

use std::path::{Path, PathBuf};

pub use ops::{ConstraintPatch, Group, PaginationHint, SubJobsDef, WaiterDef};
pub use types::Typed;

use crate::output::{CodegenError, CodegenErrors, Diagnostics};

/// Both overlay files, loaded.
#[derive(Debug, Clone, Default)]
pub struct Overlay {
    /// `overlay.yaml`.
    pub file: PathBuf,
    /// `types.yaml`.
    pub types_file: PathBuf,
    /// Everything from `overlay.yaml`.
    pub ops: ops::Ops,
    /// Everything from `types.yaml`.
    pub typed: Typed,
}

/// Loads overlay texts (either may be absent: a third-party spec regenerates with none).
pub fn load(
    file: &Path,
    text: Option<&str>,
    types_file: &Path,
    types_text: Option<&str>,
) -> Result<Overlay, CodegenErrors> {
    let mut diag = Diagnostics::new();
    let overlay = load_partial(file, text, types_file, types_text, &mut diag);
    diag.finish(overlay)
}

/// Like [`load`], but always returns what could be read, and records the problems in `diag`: a
/// caller can go on resolving, so one run reports the overlay's problems and the resolver's.
pub fn load_partial(
    file: &Path,
    text: Option<&str>,
    types_file: &Path,
    types_text: Option<&str>,
    diag: &mut Diagnostics,
) -> Overlay {
    let ops = text.map(|t| ops::load(file, t, diag)).unwrap_or_default();
    let typed = types_text
        .map(|t| types::load(types_file, t, diag))
        .unwrap_or_default();
    Overlay {
        file: file.to_path_buf(),
        types_file: types_file.to_path_buf(),
        ops,
        typed,
    }
}

/// Reads both files; a missing `types.yaml` (or none given) is fine, a missing `overlay.yaml` too.
pub fn read(file: &Path, types_file: Option<&Path>) -> Result<Overlay, CodegenErrors> {
    let read = |p: &Path| -> Result<Option<String>, CodegenError> {
        match std::fs::read_to_string(p) {
            Ok(t) => Ok(Some(t)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(CodegenError::new(p, "", format!("cannot read file: {e}"))),
        }
    };
    let text = read(file)?;
    let types_text = match types_file {
        Some(p) => read(p)?,
        None => None,
    };
    load(
        file,
        text.as_deref(),
        types_file.unwrap_or(Path::new("types.yaml")),
        types_text.as_deref(),
    )
}

/// Parses YAML text into JSON values (what the overlay checks walk), or reports where it is not
/// YAML.
fn parse_yaml(file: &Path, text: &str, diag: &mut Diagnostics) -> Option<serde_json::Value> {
    match serde_norway::from_str(text) {
        Ok(v) => Some(v),
        Err(e) => {
            let at = e
                .location()
                .map(|l| format!(" at line {} column {}", l.line(), l.column()))
                .unwrap_or_default();
            diag.error(CodegenError::new(
                file,
                "",
                format!("invalid YAML{at}: {e}"),
            ));
            None
        }
    }
}
