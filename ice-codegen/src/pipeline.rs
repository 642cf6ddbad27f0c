//! The whole pipeline for one workspace: read spec + overlay, resolve, emit. Used by
//! `cargo xtask codegen | schema` and by tests; paths are relative to the workspace root and
//! errors name files relative to it.

use std::path::Path;

use crate::emit;
use crate::output::{CodegenError, CodegenErrors, GeneratedFile};
use crate::overlay;
use crate::resolve::{resolve, Options, Resolved};
use crate::spec::{load_spec, read_text, Limits};

/// The spec, relative to the workspace root.
pub const SPEC_PATH: &str = "specs/ice/2020-11-09/api-docs.json";
/// The operation overlay, relative to the workspace root.
pub const OVERLAY_PATH: &str = "specs/ice/2020-11-09/overlay.yaml";
/// The typed-parameter overlay, relative to the workspace root.
pub const TYPES_PATH: &str = "specs/ice/2020-11-09/types.yaml";
/// The manifest whose feature block codegen owns.
pub const MANIFEST_PATH: &str = "ice-api/Cargo.toml";

/// Reads a workspace file, bounded like every spec read.
fn read(root: &Path, rel: &str) -> Result<String, CodegenError> {
    read_text(&root.join(rel), Path::new(rel), Limits::default())
}

/// Loads and resolves the workspace's spec and overlays, reporting every problem of all three
/// files at once.
pub fn load_api(root: &Path, options: Options) -> Result<Resolved, CodegenErrors> {
    let spec_text = read(root, SPEC_PATH);
    let overlay_text = read(root, OVERLAY_PATH);
    let types_text = read(root, TYPES_PATH);
    let mut diag = crate::Diagnostics::new();
    let spec = diag.take(
        spec_text
            .map_err(CodegenErrors::from)
            .and_then(|t| load_spec(Path::new(SPEC_PATH), &t)),
    );
    let overlay_text = diag.take(overlay_text);
    let types_text = diag.take(types_text);
    let overlay = overlay::load_partial(
        Path::new(OVERLAY_PATH),
        overlay_text.as_deref(),
        Path::new(TYPES_PATH),
        types_text.as_deref(),
        &mut diag,
    );
    // Resolve even when the overlay had problems: one run names the problems of all three files.
    let resolved = spec.map(|spec| resolve(&spec, &overlay, options));
    match resolved {
        Some(Ok(r)) => diag.finish(r),
        Some(Err(e)) => {
            diag.extend(e);
            Err(diag
                .finish(())
                .err()
                .unwrap_or_else(|| CodegenError::new(SPEC_PATH, "", "cannot resolve").into()))
        }
        None => Err(diag
            .finish(())
            .err()
            .unwrap_or_else(|| CodegenError::new(SPEC_PATH, "", "cannot load the spec").into())),
    }
}

/// Every file `cargo xtask codegen` owns (generated Rust, test samples, the operation list, the
/// manifest with its regenerated feature block), plus the warnings of resolution.
pub fn generate(
    root: &Path,
    options: Options,
) -> Result<(Vec<GeneratedFile>, Vec<CodegenError>), CodegenErrors> {
    let resolved = load_api(root, options)?;
    let files = generate_from(root, &resolved.api)?;
    Ok((files, resolved.warnings))
}

/// [`generate`] for an already resolved API.
pub fn generate_from(
    root: &Path,
    api: &crate::ir::Api,
) -> Result<Vec<GeneratedFile>, CodegenError> {
    let mut files = emit::rust::generate(api)?;
    let manifest = read(root, MANIFEST_PATH)?;
    files.push(GeneratedFile {
        path: MANIFEST_PATH.into(),
        contents: emit::rust::splice_features(MANIFEST_PATH, &manifest, api)?,
    });
    Ok(files)
}

/// JSON Schema files (paths relative to the schema output directory), plus the warnings of
/// resolution.
pub fn schemas(
    root: &Path,
    options: Options,
) -> Result<(Vec<GeneratedFile>, Vec<CodegenError>), CodegenErrors> {
    let resolved = load_api(root, options)?;
    Ok((emit::schema::schemas(&resolved.api), resolved.warnings))
}
