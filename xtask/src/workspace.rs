//! Which checkout xtask works on: found at run time from the current directory upward, never the
//! path the binary was built in (a copied checkout that carries its `target/` would otherwise read
//! and rewrite the original).

use std::path::{Path, PathBuf};

/// The nearest directory at or above `start` whose `Cargo.toml` declares `[workspace]`.
pub fn find_root(start: &Path) -> Result<PathBuf, String> {
    for dir in start.ancestors() {
        let manifest = dir.join("Cargo.toml");
        if let Ok(text) = std::fs::read_to_string(&manifest) {
            if declares_workspace(&text) {
                return Ok(dir.to_path_buf());
            }
        }
    }
    Err(format!(
        "no Cargo workspace found: neither {} nor any parent has a Cargo.toml with [workspace]; \
         run cargo xtask inside the ice-rs checkout",
        start.display()
    ))
}

/// Whether a manifest has a `[workspace]` table (a line-based check: enough for a table header,
/// without a TOML parser dependency for one question).
fn declares_workspace(manifest: &str) -> bool {
    manifest.lines().any(|l| {
        let l = l.split('#').next().unwrap_or("").trim();
        l == "[workspace]"
    })
}

#[cfg(test)]
mod tests {
    use super::declares_workspace;

    #[test]
    fn workspace_header_is_recognised_only_as_a_table() {
        assert!(declares_workspace(
            "[package]\n\n[workspace] # root\nmembers = []\n"
        ));
        assert!(!declares_workspace(
            "[package]\nname = \"x\"\n# [workspace]\n"
        ));
        assert!(!declares_workspace("[workspace.dependencies]\n"));
    }
}
