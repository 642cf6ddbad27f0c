//! The `[features]` block of `ice-api/Cargo.toml`, between marker comments so the rest of the
//! manifest stays hand-written.

use crate::ir::Api;
use crate::output::CodegenError;

/// Opening marker line.
pub const FEATURES_BEGIN: &str = "# BEGIN GENERATED FEATURES (cargo xtask codegen)";
/// Closing marker line.
pub const FEATURES_END: &str = "# END GENERATED FEATURES";

fn block(api: &Api) -> String {
    let mut s = String::new();
    s.push_str(FEATURES_BEGIN);
    s.push_str("\n[features]\n");
    let list = |v: &mut dyn Iterator<Item = &String>| {
        v.map(|f| format!("\"{f}\"")).collect::<Vec<_>>().join(", ")
    };
    s.push_str(&format!(
        "default = [{}]\n",
        list(&mut api.default_features.iter())
    ));
    s.push_str("# Every operation group.\n");
    s.push_str(&format!(
        "full = [{}]\n",
        list(&mut api.groups.iter().map(|g| &g.feature))
    ));
    for g in &api.groups {
        let n = api
            .operations
            .iter()
            .filter(|o| o.group == g.feature)
            .count();
        s.push_str(&format!(
            "# {} ({n} operations)\n{} = []\n",
            g.description, g.feature
        ));
    }
    s.push_str(FEATURES_END);
    s
}

/// Replaces the marked block in `manifest` (text of `ice-api/Cargo.toml`).
pub fn splice_features(
    manifest_path: &str,
    manifest: &str,
    api: &Api,
) -> Result<String, CodegenError> {
    let start = manifest.find(FEATURES_BEGIN).ok_or_else(|| {
        CodegenError::new(
            manifest_path,
            "",
            format!("missing marker line `{FEATURES_BEGIN}`"),
        )
    })?;
    let end_rel = manifest[start..].find(FEATURES_END).ok_or_else(|| {
        CodegenError::new(
            manifest_path,
            "",
            format!("missing marker line `{FEATURES_END}`"),
        )
    })?;
    let end = start + end_rel + FEATURES_END.len();
    Ok(format!(
        "{}{}{}",
        &manifest[..start],
        block(api),
        &manifest[end..]
    ))
}
