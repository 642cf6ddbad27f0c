//! The exported JSON Schemas (draft 2020-12), checked with an independent validator (the
//! `jsonschema` crate), as another language's user would use them: every reference example and
//! every overlay example is valid against the schema of its type, every known-bad example is not;
//! a request's JSON-string parameter is validated through its `contentSchema`, and the JobType
//! decides which one applies.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn exported() -> Vec<ice_codegen::GeneratedFile> {
    ice_codegen::pipeline::schemas(&root(), Default::default())
        .unwrap_or_else(|e| panic!("{e}"))
        .0
}

fn document(files: &[ice_codegen::GeneratedFile], path: &str) -> Value {
    let f = files
        .iter()
        .find(|f| f.path == Path::new(path))
        .unwrap_or_else(|| panic!("{path} is exported"));
    serde_json::from_str(&f.contents).unwrap()
}

fn validators() -> BTreeMap<String, jsonschema::Validator> {
    let files: Vec<_> = exported()
        .into_iter()
        .filter(|f| f.path.starts_with("types"))
        .collect();
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
    let files = exported();
    let mut checked = 0;
    for (ty, validator) in &v {
        let doc = document(&files, &format!("types/{ty}.schema.json"));
        for example in doc["examples"].as_array().into_iter().flatten() {
            let errors: Vec<String> = validator
                .iter_errors(example)
                .map(|e| e.to_string())
                .collect();
            assert!(errors.is_empty(), "example of {ty}: {errors:?}");
            checked += 1;
        }
    }
    assert!(checked >= 8, "only {checked} examples");
}

/// A request as another language's SDK sends it (wire parameters, JSON documents as strings),
/// checked against the exported request schema: the document itself, then each JSON-string
/// parameter parsed and checked against the `contentSchema` of the `oneOf` branch its JobType
/// selects (validators treat `contentSchema` as an annotation, so a consumer applies it).
fn check_request(schema: &Value, request: &Value) -> Vec<String> {
    let mut errors: Vec<String> = jsonschema::draft202012::new(schema)
        .unwrap()
        .iter_errors(request)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    let branch = schema["oneOf"].as_array().and_then(|b| {
        b.iter().find(|b| {
            b["properties"].as_object().is_some_and(|p| {
                p.iter()
                    .any(|(k, v)| v.get("const").is_some_and(|c| request[k] == *c))
            })
        })
    });
    let props = branch.map_or(&schema["properties"], |b| &b["properties"]);
    for (name, value) in request.as_object().unwrap() {
        let content = &props[name]["contentSchema"];
        let Some(text) = value.as_str().filter(|_| !content.is_null()) else {
            continue;
        };
        let doc: Value = match serde_json::from_str(text) {
            Ok(d) => d,
            Err(e) => {
                errors.push(format!("{name}: not JSON: {e}"));
                continue;
            }
        };
        let mut standalone = content.clone();
        standalone["$defs"] = schema["$defs"].clone();
        for e in jsonschema::draft202012::new(&standalone)
            .unwrap()
            .iter_errors(&doc)
        {
            errors.push(format!("{name}{}: {e}", e.instance_path()));
        }
    }
    errors
}

#[test]
fn the_seed_input_config_is_the_content_of_the_request_parameter_and_the_job_type_decides() {
    let files = exported();
    let schema = document(&files, "SubmitSceneMediaSelectionJobRequest.schema.json");
    let read = |name: &str| std::fs::read_to_string(fixture_dir().join(name)).unwrap();
    let seed_input = read("SmartMixInputConfig.sdk.json");
    let highlights_input = read("HighlightsInputConfig.doc.json");
    let output = read("OutputConfig.sdk.json");
    let request = |job_type: &str, input: &str| serde_json::json!({"JobType": job_type, "InputConfig": input.trim(), "OutputConfig": output.trim()});
    assert_eq!(
        check_request(&schema, &request("Smart_Mix_Media_Select", &seed_input)),
        Vec::<String>::new()
    );
    assert_eq!(
        check_request(
            &schema,
            &request("Screen_Media_Highlights_Media_Select", &highlights_input)
        ),
        Vec::<String>::new()
    );
    // A highlight-mashup config under the image-text matching JobType is rejected.
    let errors = check_request(
        &schema,
        &request("Smart_Mix_Media_Select", &highlights_input),
    );
    assert!(
        errors.iter().any(|e| e.starts_with("InputConfig")),
        "{errors:?}"
    );
    // So is an unknown JobType, and a missing InputConfig.
    assert!(!check_request(&schema, &request("Smart_Mix", &seed_input)).is_empty());
    let mut missing = request("Smart_Mix_Media_Select", &seed_input);
    missing.as_object_mut().unwrap().remove("InputConfig");
    assert!(!check_request(&schema, &missing).is_empty());
}

#[test]
fn schemas_speak_json_not_rust_and_list_their_rules() {
    let files = exported();
    let index = document(&files, "index.json");
    let mut listed: Vec<String> = index["operations"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|o| {
            [
                o["request"].as_str().unwrap().to_owned(),
                o["response"].as_str().unwrap().to_owned(),
            ]
        })
        .chain(
            index["types"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["file"].as_str().unwrap().to_owned()),
        )
        .collect();
    listed.push("index.json".into());
    listed.sort();
    let mut written: Vec<String> = files
        .iter()
        .map(|f| f.path.to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert_eq!(listed, written, "index.json lists every file");
    let mut enums = 0;
    for f in &files {
        let text = &f.contents;
        for rust in [
            "with_extra",
            "crate::",
            "Self::",
            "](super",
            "checks::",
            "Option<",
            "Vec<",
            "`extra`",
        ] {
            assert!(
                !text.contains(rust),
                "{} mentions {rust:?}",
                f.path.display()
            );
        }
        assert!(
            !text.contains("~~"),
            "{}: help-center markers are links",
            f.path.display()
        );
        enums += text.matches("\"enum\"").count();
    }
    assert!(enums >= 20, "statuses and job types are enums ({enums})");
    let get = document(&files, "GetBatchMediaProducingJobResponse.schema.json");
    let status = &get["$defs"]["EditingBatchJob"]["properties"]["Status"];
    assert_eq!(status["$ref"], "#/$defs/BatchJobStatus");
    // Open: the known values, or any other string a newer service sends.
    let status_schema = &get["$defs"]["BatchJobStatus"];
    assert_eq!(status_schema["x-ice-open-enum"], true);
    assert!(status_schema["anyOf"][0]["enum"]
        .as_array()
        .unwrap()
        .contains(&Value::from("Finished")));
    let validator = jsonschema::draft202012::new(
        &json!({"$defs": get["$defs"], "$ref": "#/$defs/BatchJobStatus"}),
    )
    .unwrap();
    assert!(validator.is_valid(&json!("Finished")));
    assert!(
        validator.is_valid(&json!("Queuing")),
        "a value added later is accepted"
    );
    assert!(!validator.is_valid(&json!(3)));
    let user_data = document(&files, "types/UserData.schema.json");
    let rules = user_data["properties"]["NotifyAddress"]["x-ice-rules"]
        .as_array()
        .unwrap();
    assert_eq!(rules[0]["rule"], "notify_address");
    assert!(rules[0]["description"]
        .as_str()
        .unwrap()
        .contains("ice-callback"));
    assert_eq!(user_data["x-ice-rules"][0]["rule"], "max_json_bytes");
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
