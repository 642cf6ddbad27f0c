//! Output is deterministic (two runs give byte-identical files), the committed generated code is
//! what the spec produces, and the JSON Schema export covers every request and response.

use std::path::{Path, PathBuf};

use ice_codegen::pipeline;
use ice_codegen::resolve::Options;
use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn generating_twice_gives_identical_files() {
    let a = pipeline::generate(&root(), Options::default()).unwrap_or_else(|e| panic!("{e}"));
    let b = pipeline::generate(&root(), Options::default()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(a, b);
    let sa = pipeline::schemas(&root(), Default::default())
        .unwrap_or_else(|e| panic!("{e}"))
        .0;
    let sb = pipeline::schemas(&root(), Default::default())
        .unwrap_or_else(|e| panic!("{e}"))
        .0;
    assert_eq!(sa, sb);
}

#[test]
fn committed_generated_code_is_current() {
    let (files, _) =
        pipeline::generate(&root(), Options::default()).unwrap_or_else(|e| panic!("{e}"));
    for f in files {
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
    let files = pipeline::schemas(&root(), Default::default())
        .unwrap_or_else(|e| panic!("{e}"))
        .0;
    let types = files.iter().filter(|f| f.path.starts_with("types")).count();
    assert_eq!(files.len(), apis.len() * 2 + types + 1);
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
        // Required by the spec: at the top, or in every JobType branch (a union's parameters).
        let names = |v: &Value| -> Vec<String> {
            v.as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default()
        };
        let top = names(&doc["required"]);
        let branches: Vec<Vec<String>> = doc["oneOf"]
            .as_array()
            .map(|b| b.iter().map(|b| names(&b["required"])).collect())
            .unwrap_or_default();
        for name in required {
            let everywhere =
                !branches.is_empty() && branches.iter().all(|b| b.iter().any(|n| n == name));
            assert!(
                top.iter().any(|n| n == name) || everywhere,
                "{action}.{name} is required"
            );
        }
        for p in params {
            let name = p["name"].as_str().unwrap_or_default();
            let loc = &props[name]["x-ice-location"];
            assert_eq!(loc, &p["in"], "{action}.{name}");
        }
    }
}
