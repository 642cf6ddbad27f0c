//! Output is deterministic (two runs give byte-identical files), the committed generated code is
//! what the spec produces, and the JSON Schema export covers every request and response.

use std::path::{Path, PathBuf};

use ice_codegen::pipeline;
use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn generating_twice_gives_identical_files() {
    let a = pipeline::generate(&root()).unwrap_or_else(|e| panic!("{e}"));
    let b = pipeline::generate(&root()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(a, b);
    let sa = pipeline::schemas(&root()).unwrap_or_else(|e| panic!("{e}"));
    let sb = pipeline::schemas(&root()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sa, sb);
}

#[test]
fn committed_generated_code_is_current() {
    for f in pipeline::generate(&root()).unwrap_or_else(|e| panic!("{e}")) {
        let on_disk = std::fs::read_to_string(root().join(&f.path)).unwrap_or_default();
        assert!(
            on_disk == f.contents,
            "{} is stale; run `cargo xtask codegen`",
            f.path.display()
        );
    }
}

#[test]
fn schema_export_has_one_document_per_request_and_response() {
    let spec: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join(pipeline::SPEC_PATH)).expect("spec"),
    )
    .expect("json");
    let apis = spec["apis"].as_object().expect("apis");
    let files = pipeline::schemas(&root()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(files.len(), apis.len() * 2 + 1);
    for (action, api) in apis {
        let path = format!("{action}Request.schema.json");
        let f = files
            .iter()
            .find(|f| f.path == Path::new(&path))
            .expect(&path);
        let doc: Value = serde_json::from_str(&f.contents).expect("schema is JSON");
        assert_eq!(
            doc["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
        let params = api["parameters"].as_array().expect("parameters");
        let props = doc["properties"].as_object().expect("properties");
        assert_eq!(props.len(), params.len(), "{action}");
        let required: Vec<&str> = params
            .iter()
            .filter(|p| p["schema"]["required"] == Value::Bool(true))
            .map(|p| p["name"].as_str().unwrap_or_default())
            .collect();
        let listed: Vec<&str> = doc["required"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        assert_eq!(listed, required, "{action}");
        for p in params {
            let name = p["name"].as_str().unwrap_or_default();
            let loc = &props[name]["x-ice-location"];
            assert_eq!(loc, &p["in"], "{action}.{name}");
        }
    }
}
