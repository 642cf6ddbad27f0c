//! Import normalisation: idempotent on the committed spec, runtime-owned parameters dropped with a
//! note, files without responses refused unless explicitly accepted (with the real stripped 2025
//! copy from `../shared/` or `$ICE_SHARED_DIR` when present), every problem reported at once.

use std::path::{Path, PathBuf};

use ice_codegen::import::{import_file, import_text, prepare, ImportOptions, RUNTIME_PARAMETERS};
use ice_codegen::pipeline::SPEC_PATH;
use serde_json::{json, Value};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn shared() -> PathBuf {
    std::env::var_os("ICE_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared"))
}

const LENIENT: ImportOptions = ImportOptions {
    allow_missing_responses: true,
    limits: ice_codegen::spec::Limits {
        max_bytes: ice_codegen::spec::DEFAULT_MAX_BYTES,
    },
};

fn spec_with_params(params: Value) -> String {
    json!({
        "info": {"style": "RPC", "product": "ICE", "version": "2020-11-09"},
        "apis": {"GetThing": {
            "methods": ["post"],
            "parameters": params,
            "responses": {"200": {"schema": {"type": "object", "properties": {"RequestId": {"type": "string"}}}}}
        }}
    })
    .to_string()
}

#[test]
fn importing_the_committed_spec_changes_nothing() {
    let path = root().join(SPEC_PATH);
    let committed = std::fs::read_to_string(&path).expect("committed spec");
    let imported = import_file(&path, &ImportOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    assert!(imported.prepared.dropped.is_empty());
    assert!(imported.prepared.notes().is_empty());
    assert!(imported.text == committed, "re-import is byte-identical");
}

#[test]
fn importing_the_source_reproduces_the_committed_spec() {
    let src = shared().join("specs-source/ice-2020-11-09.api-docs.json");
    if !src.is_file() {
        eprintln!("skipped: {} is absent", src.display());
        return;
    }
    let committed = std::fs::read_to_string(root().join(SPEC_PATH)).expect("committed spec");
    let imported = import_file(&src, &ImportOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        imported.text == committed,
        "import of {} differs from {SPEC_PATH}",
        src.display()
    );
}

#[test]
fn runtime_parameters_are_dropped_with_a_note_and_business_ones_kept() {
    let mut params = vec![json!({"name": "Id", "in": "query", "schema": {"type": "string"}})];
    for name in RUNTIME_PARAMETERS {
        params.push(json!({"name": name, "in": "query", "schema": {"type": "string"}}));
    }
    for name in ["RegionId", "OwnerId", "SignatureUrl"] {
        params.push(json!({"name": name, "in": "query", "schema": {"type": "string"}}));
    }
    let imported = import_text(
        Path::new("new.json"),
        &spec_with_params(Value::Array(params)),
        &ImportOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let kept: Vec<&str> = imported.prepared.spec.apis["GetThing"]
        .parameters
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(kept, ["Id", "RegionId", "OwnerId", "SignatureUrl"]);
    let written: Value = serde_json::from_str(&imported.text).expect("JSON");
    let written: Vec<&str> = written["apis"]["GetThing"]["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert_eq!(written, kept, "the written file loses them too");
    let notes = imported.prepared.notes();
    assert_eq!(notes.len(), 1);
    assert_eq!(
        notes[0],
        format!(
            "note: dropped {} runtime-owned parameters (the runtime signs and sets these on every call): GetThing: {}",
            RUNTIME_PARAMETERS.len(),
            RUNTIME_PARAMETERS.join(", ")
        )
    );
}

#[test]
fn a_file_without_responses_is_refused_unless_accepted() {
    let mut v: Value = serde_json::from_str(&spec_with_params(json!([]))).expect("JSON");
    v["apis"]["GetThing"]
        .as_object_mut()
        .and_then(|op| op.remove("responses"))
        .expect("had responses");
    let no_responses = v.to_string();
    let e = prepare(
        Path::new("new.json"),
        &no_responses,
        &ImportOptions::default(),
    )
    .unwrap_err();
    assert_eq!(e.len(), 1);
    assert_eq!(e.errors()[0].pointer, "/apis");
    assert!(
        e.errors()[0].message.starts_with(
            "the file has no responses: none of its 1 operations has a response schema"
        ),
        "{e}"
    );
    assert!(e.errors()[0].message.ends_with("--allow-missing-responses"));
    let ok =
        prepare(Path::new("new.json"), &no_responses, &LENIENT).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ok.missing_responses, ["GetThing"]);
    assert!(ok.notes()[0].starts_with("WARNING: 1 of 1 operations have no response schema"));
}

#[test]
fn the_stripped_2025_copy_is_refused_for_its_missing_responses() {
    let file =
        shared().join("ice-api-docs-published/ice-2020-11-09.api-docs.2025-12-03.stripped.json");
    if !file.is_file() {
        eprintln!("skipped: {} is absent", file.display());
        return;
    }
    let raw: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let ops = raw["apis"].as_object().unwrap().len();
    let e = import_file(&file, &ImportOptions::default()).unwrap_err();
    assert_eq!(e.len(), 1, "{e}");
    assert!(
        e.errors()[0].message.starts_with(&format!(
            "the file has no responses: none of its {ops} operations has a response schema"
        )),
        "{e}"
    );
    let ok = import_file(&file, &LENIENT).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ok.prepared.missing_responses.len(), ops);
    // Its `SignatureMehtod`/`SignatureType` on SubmitVideoTranslationJob are dropped.
    let dropped: Vec<(&str, &str)> = ok
        .prepared
        .dropped
        .iter()
        .map(|d| (d.operation.as_str(), d.name.as_str()))
        .collect();
    assert_eq!(
        dropped,
        [
            ("SubmitVideoTranslationJob", "SignatureMehtod"),
            ("SubmitVideoTranslationJob", "SignatureType")
        ]
    );
}

#[test]
fn import_reports_loader_and_resolver_problems_together_with_missing_responses() {
    let text = json!({
        "info": {"style": "RPC", "product": "ICE", "version": "2020-11-09"},
        "apis": {
            "A": {"parameters": [{"name": "X", "in": "query", "schema": {"type": "string", "minLength": 3, "maxLength": 1}}]},
            "B": {"parameters": [{"name": "Y", "in": "cookie", "schema": {"type": "string"}}]}
        }
    })
    .to_string();
    let e = prepare(Path::new("new.json"), &text, &ImportOptions::default()).unwrap_err();
    let pointers: Vec<&str> = e.errors().iter().map(|e| e.pointer.as_str()).collect();
    assert_eq!(
        pointers,
        [
            "/apis",
            "/apis/A/parameters/0/schema/minLength",
            "/apis/B/parameters/0/in"
        ],
        "{e}"
    );
    assert!(e.to_string().ends_with("\n3 problems"));
}
