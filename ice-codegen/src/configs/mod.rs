//! Typed JobType configs (`specs/ice/<version>/jobtype-configs.yaml`) → Rust (`ice-api/src/jobs/`)
//! and JSON Schema.
//!
//! The overlay describes the JSON-string parameters of the scene and batch media-producing
//! operations (types, fields, limits, job-type unions, typed operations); see the comment at the
//! top of the YAML file for its format. Rules the overlay cannot express live in
//! `ice-api/src/jobs/checks.rs` and are referenced from the overlay by function name.

mod model;
mod rust;
mod schema;
mod ty;

use std::path::Path;

use crate::output::{CodegenError, GeneratedFile};

/// The overlay, relative to the workspace root.
pub const OVERLAY: &str = "specs/ice/2020-11-09/jobtype-configs.yaml";
/// The generated module, relative to the workspace root.
pub const GENERATED: &str = "ice-api/src/jobs/generated.rs";

fn load(workspace_root: &Path) -> Result<model::Overlay, CodegenError> {
    let path = workspace_root.join(OVERLAY);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| CodegenError::new(OVERLAY, "", format!("cannot read: {e}")))?;
    model::parse(Path::new(OVERLAY), &text)
}

/// Generated Rust files for the typed job configs, paths relative to the workspace root.
pub fn generate(workspace_root: &Path) -> Result<Vec<GeneratedFile>, CodegenError> {
    let overlay = load(workspace_root)?;
    Ok(vec![GeneratedFile {
        path: GENERATED.into(),
        contents: rust::emit(&overlay, OVERLAY).map_err(|m| CodegenError::new(OVERLAY, "", m))?,
    }])
}

/// JSON Schema (draft 2020-12) files for the config types, paths relative to the schema out dir
/// (`jobs/<Type>.schema.json`).
pub fn schemas(workspace_root: &Path) -> Result<Vec<GeneratedFile>, CodegenError> {
    let overlay = load(workspace_root)?;
    schema::emit(&overlay)
        .into_iter()
        .map(|(name, value)| {
            let mut contents = serde_json::to_string_pretty(&value)
                .map_err(|e| CodegenError::new(OVERLAY, "", e.to_string()))?;
            contents.push('\n');
            Ok(GeneratedFile {
                path: Path::new("jobs").join(name),
                contents,
            })
        })
        .collect()
}

/// `(type name, example JSON)` of every type with an `example` in the overlay.
pub fn examples(workspace_root: &Path) -> Result<Vec<(String, String)>, CodegenError> {
    let overlay = load(workspace_root)?;
    Ok(overlay
        .types
        .iter()
        .filter_map(|t| t.example.as_ref().map(|e| (t.name.clone(), e.clone())))
        .collect())
}

/// Parses and checks overlay text without touching the file system (for tests and tools).
pub fn check_overlay(file: &Path, text: &str) -> Result<(), CodegenError> {
    model::parse(file, text).map(|_| ())
}
