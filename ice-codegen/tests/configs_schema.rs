//! The exported JSON Schemas (draft 2020-12), checked with an independent validator (the
//! `jsonschema` crate): every reference example and every overlay example is valid against the
//! schema of its type; every known-bad example is not.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn validators() -> BTreeMap<String, jsonschema::Validator> {
    let files = ice_codegen::configs::schemas(&root()).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        files.len() >= 8,
        "expected a schema per config type, got {}",
        files.len()
    );
    files
        .iter()
        .map(|f| {
            let schema: Value = serde_json::from_str(&f.contents).unwrap();
            assert_eq!(
                schema["$schema"],
                "https://json-schema.org/draft/2020-12/schema"
            );
            jsonschema::meta::validate(&schema)
                .unwrap_or_else(|e| panic!("{} is not a valid schema: {e}", f.path.display()));
            let name = f.path.file_name().unwrap().to_str().unwrap();
            let ty = name.strip_suffix(".schema.json").unwrap().to_owned();
            let v = jsonschema::draft202012::new(&schema)
                .unwrap_or_else(|e| panic!("{}: {e}", f.path.display()));
            (ty, v)
        })
        .collect()
}

/// `(type, path, json)` of the fixtures `<Type>.<label>.json` in `dir`.
fn fixtures(dir: &Path) -> Vec<(String, PathBuf, Value)> {
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            let ty = p
                .file_name()
                .unwrap()
                .to_str()
                .unwrap()
                .split('.')
                .next()
                .unwrap()
                .to_owned();
            let json = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            (ty, p, json)
        })
        .collect();
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out
}

fn fixture_dir() -> PathBuf {
    root().join("ice-api/tests/fixtures/jobs")
}

#[test]
fn reference_examples_are_valid() {
    let v = validators();
    let mut checked = 0;
    for (ty, path, json) in fixtures(&fixture_dir()) {
        let Some(validator) = v.get(&ty) else {
            continue; // response-only types (e.g. JobExtend) have no exported schema
        };
        let errors: Vec<String> = validator
            .iter_errors(&json)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", path.display());
        checked += 1;
    }
    assert!(checked >= 14, "only {checked} fixtures checked");
}

#[test]
fn overlay_examples_are_valid() {
    let v = validators();
    for (ty, example) in ice_codegen::configs::examples(&root()).unwrap() {
        let Some(validator) = v.get(&ty) else {
            continue;
        };
        let json: Value = serde_json::from_str(&example).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&json)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "example of {ty}: {errors:?}");
    }
}

#[test]
fn known_bad_examples_fail() {
    let v = validators();
    let bad = fixtures(&fixture_dir().join("bad"));
    assert!(bad.len() >= 5);
    for (ty, path, json) in bad {
        let validator = v.get(&ty).unwrap_or_else(|| panic!("no schema for {ty}"));
        assert!(
            !validator.is_valid(&json),
            "{} passed its schema",
            path.display()
        );
    }
}

#[test]
fn limits_and_exclusive_inputs_are_in_the_schema() {
    let v = validators();
    let smart = &v["SmartMixInputConfig"];
    let too_long = "x".repeat(1001);
    assert!(
        !smart.is_valid(&serde_json::json!({"MediaArray": ["m"], "SpeechTextArray": [too_long]}))
    );
    assert!(
        !smart.is_valid(&serde_json::json!({"TitleArray": ["t"]})),
        "a source is required"
    );
    assert!(
        smart.is_valid(&serde_json::json!({"MediaArray": ["m"], "FutureKey": 1})),
        "unknown keys allowed"
    );
    let script = &v["ScriptInputConfig"];
    assert!(!script.is_valid(&serde_json::json!({"MediaGroupArray": [{"GroupName": "g", "MediaArray": ["m"]}], "MediaArray": ["m"]})));
    let batch = &v["BatchInputConfig"];
    assert!(batch.is_valid(
        &serde_json::json!({"MediaGroupArray": [{"GroupName": "g", "MediaArray": ["m"]}]})
    ));
    assert!(batch.is_valid(&serde_json::json!({"MediaArray": ["m"]})));
    assert!(!batch.is_valid(&serde_json::json!({"TitleArray": ["t"]})));
    let editing = &v["EditingConfig"];
    assert!(editing.is_valid(&serde_json::json!({"MediaConfig": {"Volume": "0.5"}})));
    assert!(!editing.is_valid(&serde_json::json!({"MediaConfig": {"Volume": -1}})));
}
