//! A user meets each thing once: no public type name is defined twice anywhere in `ice-api`
//! (generated or hand-written, across modules), so glob imports of the prelude and of any group
//! never clash and no two models of one thing can hide under one name. The scan reads the sources
//! as written, so it also covers code behind features that are not enabled in this build.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable source dir") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `(name, file:line)` of every `pub struct|enum|trait|type` defined at any nesting level,
/// skipping `#[cfg(test)]` modules (their items are not public API).
fn public_types(file: &Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(file).expect("readable source");
    let mut out = Vec::new();
    let mut in_tests = false;
    let mut pending_cfg_test = false;
    for (n, line) in text.lines().enumerate() {
        let t = line.trim_start();
        if t.starts_with("#[cfg(test)]") {
            pending_cfg_test = true;
            continue;
        }
        if pending_cfg_test && t.starts_with("mod ") {
            in_tests = true;
        }
        if !t.starts_with("#[") {
            pending_cfg_test = false;
        }
        if in_tests {
            continue;
        }
        for kw in ["pub struct ", "pub enum ", "pub trait ", "pub type "] {
            if let Some(rest) = t.strip_prefix(kw) {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    out.push((name, format!("{}:{}", file.display(), n + 1)));
                }
            }
        }
    }
    out
}

#[test]
fn no_public_type_name_is_defined_twice() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut seen: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for f in &files {
        for (name, at) in public_types(f) {
            seen.entry(name).or_default().push(at);
        }
    }
    // At least a request and a response per operation.
    assert!(
        seen.len() > 2 * ice_api::OPERATIONS.len(),
        "the scan found the generated types ({})",
        seen.len()
    );
    let twice: Vec<String> = seen
        .iter()
        .filter(|(_, at)| at.len() > 1)
        .map(|(name, at)| format!("{name}: {}", at.join(", ")))
        .collect();
    assert!(
        twice.is_empty(),
        "defined more than once:\n{}",
        twice.join("\n")
    );
}

/// The prelude and every group module can be glob-imported together.
#[allow(unused_imports)]
mod globs_do_not_clash {
    use ice_api::components::*;
    #[cfg(feature = "media-assets")]
    use ice_api::media_assets::*;
    #[cfg(feature = "media-processing")]
    use ice_api::media_processing::*;
    #[cfg(feature = "media-production")]
    use ice_api::media_production::*;
    use ice_api::prelude::*;

    #[cfg(all(feature = "media-production", ice_op = "GetBatchMediaProducingJob"))]
    #[test]
    fn names_resolve_through_the_globs() {
        let request = GetBatchMediaProducingJobRequest::new("j");
        let _: &dyn std::any::Any = &request;
        let _ = WaitOptions::default();
    }
}
