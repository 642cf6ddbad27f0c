//! The committed `ice-api/src/jobs/generated.rs` is exactly what the overlay generates, and
//! generation is deterministic. Set `ICE_UPDATE_GENERATED=1` to rewrite the committed file (the
//! same as `cargo xtask codegen`).

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn committed_module_matches_overlay() {
    let files = ice_codegen::configs::generate(&root()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(files.len(), 1);
    let again = ice_codegen::configs::generate(&root()).unwrap();
    assert_eq!(files, again, "generation is not deterministic");
    let file = &files[0];
    let path = root().join(&file.path);
    if std::env::var_os("ICE_UPDATE_GENERATED").is_some() {
        std::fs::write(&path, &file.contents).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == file.contents,
        "{} is stale: run `cargo xtask codegen` (or ICE_UPDATE_GENERATED=1 cargo test -p ice-codegen --test configs_generate)",
        file.path.display()
    );
}
