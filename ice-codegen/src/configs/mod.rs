//! Typed JobType configs (`specs/ice/<version>/jobtype-configs.yaml`) → Rust (`ice-api/src/jobs/`)
//! and JSON Schema. (Skeleton contract: owned by the JobType-configs work.)

use std::path::Path;

use crate::output::{CodegenError, GeneratedFile};

/// Generated Rust files for the typed job configs, paths relative to the workspace root.
pub fn generate(workspace_root: &Path) -> Result<Vec<GeneratedFile>, CodegenError> {
    let _ = workspace_root;
    Ok(Vec::new())
}

/// JSON Schema (draft 2020-12) files for the config types, paths relative to the schema out dir.
pub fn schemas(workspace_root: &Path) -> Result<Vec<GeneratedFile>, CodegenError> {
    let _ = workspace_root;
    Ok(Vec::new())
}
