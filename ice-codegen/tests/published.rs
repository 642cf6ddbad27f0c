//! Alibaba's own published api-docs copies (read from `../shared/` beside the workspace, or from
//! `$ICE_SHARED_DIR`; never copied into the repo) load and resolve. Skips only when the folder is
//! absent.

use std::path::PathBuf;

use ice_codegen::overlay::Overlay;
use ice_codegen::resolve::{resolve, Options};
use ice_codegen::spec::read_spec;

fn published_dir() -> PathBuf {
    std::env::var_os("ICE_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"))
        .join("ice-api-docs-published")
}

#[test]
fn published_copies_parse_and_resolve() {
    let dir = published_dir();
    if !dir.is_dir() {
        eprintln!("skipped: {} is absent", dir.display());
        return;
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("readable dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 2, "two published copies in {}", dir.display());
    for file in files {
        let spec = read_spec(&file).unwrap_or_else(|e| panic!("{e}"));
        let api = resolve(&spec, &Overlay::default(), Options::default())
            .unwrap_or_else(|e| panic!("{e}"))
            .api;
        assert_eq!(api.operations.len(), spec.apis.len(), "{}", file.display());
        assert!(api.operations.len() >= 196, "{}", file.display());
        // Both copies contain the seed operation with its five parameters.
        let op = api
            .operations
            .iter()
            .find(|o| o.action == "SubmitMediaProducingJob")
            .expect("SubmitMediaProducingJob");
        assert!(!op.params.is_empty());
        // Every style they use resolves (repeatList and flat appear in both, json in both).
        let styles: std::collections::BTreeSet<String> = api
            .operations
            .iter()
            .flat_map(|o| o.params.iter().map(|p| format!("{:?}", p.style)))
            .collect();
        for s in ["Json", "RepeatList", "Flat", "Scalar"] {
            assert!(
                styles.contains(s),
                "{}: style {s} missing in {styles:?}",
                file.display()
            );
        }
        // Generation works on them too.
        let files = ice_codegen::emit::rust::generate(&api).unwrap_or_else(|e| panic!("{e}"));
        assert!(files.len() >= 3);
    }
}
