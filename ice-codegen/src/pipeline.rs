//! The whole pipeline for one workspace: read spec + overlay, resolve, emit. Used by
//! `cargo xtask codegen | schema` and by tests; paths are relative to the workspace root and
//! errors name files relative to it.

use std::path::Path;

use crate::emit;
use crate::ir::Api;
use crate::output::{CodegenError, CodegenErrors, GeneratedFile};
use crate::overlay::load_overlay;
use crate::resolve::resolve;
use crate::spec::{load_spec, read_text, Limits};

/// The spec, relative to the workspace root.
pub const SPEC_PATH: &str = "specs/ice/2020-11-09/api-docs.json";
/// The overlay, relative to the workspace root.
pub const OVERLAY_PATH: &str = "specs/ice/2020-11-09/overlay.yaml";
/// The manifest whose feature block codegen owns.
pub const MANIFEST_PATH: &str = "ice-api/Cargo.toml";

fn read(root: &Path, rel: &str) -> Result<String, CodegenError> {
    std::fs::read_to_string(root.join(rel))
        .map_err(|e| CodegenError::new(rel, "", format!("cannot read file: {e}")))
}

/// Loads and resolves the workspace's spec and overlay.
pub fn load_api(root: &Path) -> Result<Api, CodegenErrors> {
    let spec_path = Path::new(SPEC_PATH);
    let text = read_text(&root.join(spec_path), spec_path, Limits::default())?;
    let spec = load_spec(spec_path, &text)?;
    let overlay = load_overlay(Path::new(OVERLAY_PATH), &read(root, OVERLAY_PATH)?)?;
    Ok(resolve(&spec, &overlay)?)
}

/// Every file `cargo xtask codegen` owns (generated Rust, test samples, the manifest with its
/// regenerated feature block), except the typed job configs ([`crate::configs`]).
pub fn generate(root: &Path) -> Result<Vec<GeneratedFile>, CodegenErrors> {
    let api = load_api(root)?;
    Ok(generate_from(root, &api)?)
}

/// [`generate`] for an already resolved API.
pub fn generate_from(root: &Path, api: &Api) -> Result<Vec<GeneratedFile>, CodegenError> {
    let mut files = emit::rust::generate(api)?;
    let manifest = read(root, MANIFEST_PATH)?;
    files.push(GeneratedFile {
        path: MANIFEST_PATH.into(),
        contents: emit::rust::splice_features(MANIFEST_PATH, &manifest, api)?,
    });
    Ok(files)
}

/// JSON Schema files (paths relative to the schema output directory).
pub fn schemas(root: &Path) -> Result<Vec<GeneratedFile>, CodegenErrors> {
    let api = load_api(root)?;
    Ok(emit::schema::schemas(&api))
}
