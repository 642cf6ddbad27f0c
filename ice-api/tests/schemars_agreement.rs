//! One source of truth, checked: the JSON Schemas `cargo xtask schema` exports (computed here with
//! `ice_codegen::pipeline::schemas`, exactly what the command writes) agree with what the
//! `schemars` feature derives for the same Rust types.
//!
//! Compared, for every overlay type under `types/` and every response of the `media-production`
//! group: property names, required keys, enum values, the type (or `$ref`) of every property,
//! list items, map values and the document a JSON-string field carries (`contentSchema`), the
//! branches of an untagged sum, and the same for every type in `$defs`. Not compared:
//! descriptions, formats, examples, `x-ice-rules`, and `null` (schemars spells an `Option` as
//! nullable; the export leaves the key out of `required`).
//!
//! Run with `cargo test -p ice-api --features schemars --test schemars_agreement`; the types of
//! groups whose feature is off are listed but skipped (`--all-features` compares all of them).
#![cfg(feature = "schemars")]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::{json, Map, Value};

/// `(name, feature, derived schema when the feature is on)`.
type Derived = (&'static str, &'static str, Option<Value>);

fn derive<T: schemars::JsonSchema>() -> Value {
    schemars::schema_for!(T).to_value()
}

/// The Rust type of each exported name, with the feature that compiles it. The test fails when a
/// name is exported but missing here (or listed but no longer exported), so a new overlay type is
/// never silently unchecked.
macro_rules! rust_types {
    ($($feature:literal => [$($module:ident :: $name:ident),* $(,)?],)*) => {
        vec![$($((stringify!($name), $feature, {
            #[cfg(feature = $feature)]
            let derived = Some(derive::<ice_api::$module::$name>());
            #[cfg(not(feature = $feature))]
            let derived = None;
            derived
        }),)*)*]
    };
}

fn overlay_types() -> Vec<Derived> {
    rust_types! {
        "media-production" => [
            media_production::BackgroundMusicConfig,
            media_production::BatchEditingOutputConfig,
            media_production::BatchInputConfig,
            media_production::BatchJobStatus,
            media_production::BatchJobType,
            media_production::EditingConfig,
            media_production::HighlightIntroConfig,
            media_production::HighlightStrategy,
            media_production::HighlightsInputConfig,
            media_production::JobExtend,
            media_production::LibSearchCondition,
            media_production::MatchClip,
            media_production::Media,
            media_production::MediaConfig,
            media_production::MediaGroup,
            media_production::MediaMetaData,
            media_production::MediaSearchInput,
            media_production::MediaSelectResult,
            media_production::OutputConfig,
            media_production::ProcessConfig,
            media_production::ScriptInputConfig,
            media_production::SentenceMatch,
            media_production::SmartMixInputConfig,
            media_production::SpeechConfig,
            media_production::Sticker,
            media_production::SubHeading,
            media_production::SubJobStatus,
            media_production::TextMatch,
            media_production::TimeRange,
            media_production::UserData,
            // Shared by several groups, so it lives in `components` (always compiled).
            components::ProducingJobStatus,
        ],
        "media-ai" => [media_ai::AnalysisJobStatus],
        "avatars-voices" => [
            avatars_voices::AvatarTrainingJobStatus,
            avatars_voices::CustomizedVoiceJobStatus,
        ],
        "intelligent-production" => [intelligent_production::IProductionJobStatus],
        "media-processing" => [
            media_processing::MediaConvertJobState,
            media_processing::MediaJobStatus,
            media_processing::TranscodeJobStatus,
        ],
    }
}

fn media_production_responses() -> Vec<Derived> {
    rust_types! {
        "media-production" => [
            media_production::AddTemplateResponse,
            media_production::DeleteTemplateResponse,
            media_production::GetBatchMediaProducingJobResponse,
            media_production::GetMediaProducingJobResponse,
            media_production::GetTemplateResponse,
            media_production::GetTemplateMaterialsResponse,
            media_production::GetTemplateParamsResponse,
            media_production::ListBatchMediaProducingJobsResponse,
            media_production::ListMediaProducingJobsResponse,
            media_production::ListTemplatesResponse,
            media_production::SubmitBatchMediaProducingJobResponse,
            media_production::SubmitMediaProducingJobResponse,
            media_production::SubmitSceneBatchEditingJobResponse,
            media_production::SubmitSceneMediaSelectionJobResponse,
            media_production::SubmitSceneTimelineOrganizationJobResponse,
            media_production::UpdateTemplateResponse,
        ],
    }
}

/// Every exported schema by its path (`types/OutputConfig.schema.json`, …).
fn exported() -> BTreeMap<String, Value> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("ice-api sits in the workspace");
    let files = ice_codegen::pipeline::schemas(root).unwrap_or_else(|e| panic!("{e}"));
    files
        .into_iter()
        .map(|f| {
            let path = f.path.to_string_lossy().replace('\\', "/");
            let value = serde_json::from_str(&f.contents)
                .unwrap_or_else(|e| panic!("{path} is not JSON: {e}"));
            (path, value)
        })
        .collect()
}

/// The parts of a schema both sides state, in one canonical form.
fn canonical(schema: &Value) -> Value {
    let Value::Object(m) = schema else {
        // `true` (any value) and `false`.
        return if schema == &Value::Bool(false) {
            json!(false)
        } else {
            json!({})
        };
    };
    let branches: Vec<&Value> = ["anyOf", "oneOf"]
        .iter()
        .filter_map(|k| m.get(*k).and_then(Value::as_array))
        .flatten()
        .filter(|b| **b != json!({"type": "null"}))
        .collect();
    // An open enum as derived: `anyOf` [the known values, any string].
    if m.get("x-ice-open-enum") == Some(&json!(true)) && !branches.is_empty() {
        if let Some(known) = branches.iter().find(|b| b.get("enum").is_some()) {
            return canonical(known);
        }
    }
    let mut out = Map::new();
    match branches.as_slice() {
        [] => {}
        // `Option<Named>`: the type, or null.
        [only] => return canonical(only),
        many => {
            let mut shapes: Vec<Value> = many.iter().map(|b| canonical(b)).collect();
            shapes.sort_by_key(Value::to_string);
            out.insert("branches".into(), Value::Array(shapes));
        }
    }
    if let Some(r) = m.get("$ref").and_then(Value::as_str) {
        out.insert("$ref".into(), json!(r.trim_start_matches("#/$defs/")));
    }
    let types: BTreeSet<&str> = match m.get("type") {
        Some(Value::String(t)) => [t.as_str()].into(),
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => BTreeSet::new(),
    };
    let types: Vec<&str> = types.into_iter().filter(|t| *t != "null").collect();
    if !types.is_empty() {
        out.insert("type".into(), json!(types));
    }
    if let Some(values) = m.get("enum").and_then(Value::as_array) {
        let values: BTreeSet<String> = values
            .iter()
            .filter(|v| !v.is_null())
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
            .collect();
        out.insert("enum".into(), json!(values));
    }
    if let Some(props) = m.get("properties").and_then(Value::as_object) {
        let props: Map<String, Value> = props
            .iter()
            .map(|(k, v)| (k.clone(), canonical(v)))
            .collect();
        out.insert("properties".into(), Value::Object(props));
        let required: BTreeSet<&str> = m
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        out.insert("required".into(), json!(required));
    }
    if let Some(items) = m.get("items") {
        out.insert("items".into(), canonical(items));
    }
    // The document a JSON-string field carries.
    if let Some(content) = m.get("contentSchema") {
        out.insert("contentSchema".into(), canonical(content));
    }
    // `true` and absent both allow any other key.
    match m.get("additionalProperties") {
        None | Some(Value::Bool(true)) => {}
        Some(other) => {
            out.insert("additionalProperties".into(), canonical(other));
        }
    }
    Value::Object(out)
}

/// Every difference between two canonical schemas, as `at: exported …, derived …` lines.
fn differences(at: &str, exported: &Value, derived: &Value, out: &mut Vec<String>) {
    match (exported, derived) {
        (Value::Object(e), Value::Object(d)) => {
            let keys: BTreeSet<&String> = e.keys().chain(d.keys()).collect();
            for k in keys {
                let here = format!("{at}/{k}");
                match (e.get(k), d.get(k)) {
                    (Some(x), Some(y)) => differences(&here, x, y, out),
                    (Some(x), None) => out.push(format!("{here}: exported {x}, derived nothing")),
                    (None, Some(y)) => out.push(format!("{here}: derived {y}, exported nothing")),
                    (None, None) => {}
                }
            }
        }
        (e, d) if e != d => out.push(format!("{at}: exported {e}, derived {d}")),
        _ => {}
    }
}

/// Which `required` lists of `$defs` entries are compared.
#[derive(Clone, Copy)]
enum Nested {
    /// All of them (configs: the export lists what the Rust decoder requires).
    Required,
    /// None: a response document's export names only its top-level required keys, while the
    /// Rust types nested in it still require what their decoder requires (reported upstream).
    TopLevelOnly,
}

/// Compares a document (root and `$defs`) and returns its differences.
fn compare(file: &str, exported: &Value, derived: &Value, nested: Nested) -> Vec<String> {
    let mut out = Vec::new();
    differences(file, &canonical(exported), &canonical(derived), &mut out);
    let defs = |v: &Value| -> BTreeMap<String, Value> {
        v.get("$defs")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(k, v)| {
                let mut c = canonical(v);
                if let (Nested::TopLevelOnly, Value::Object(m)) = (nested, &mut c) {
                    m.remove("required");
                }
                (k.clone(), c)
            })
            .collect()
    };
    let (e, d) = (defs(exported), defs(derived));
    for name in e.keys().chain(d.keys()).collect::<BTreeSet<_>>() {
        let at = format!("{file}#/$defs/{name}");
        match (e.get(name), d.get(name)) {
            (Some(x), Some(y)) => differences(&at, x, y, &mut out),
            (Some(_), None) => out.push(format!("{at}: exported, not derived")),
            (None, Some(_)) => out.push(format!("{at}: derived, not exported")),
            (None, None) => {}
        }
    }
    out
}

/// Checks `listed` against the exported files `names` (`file_of(name)` each): the two lists name
/// the same types, and every compiled one agrees. Returns how many were compared.
fn check(
    what: &str,
    nested: Nested,
    listed: Vec<Derived>,
    names: BTreeSet<String>,
    file_of: impl Fn(&str) -> String,
    exported: &BTreeMap<String, Value>,
) -> usize {
    let listed_names: BTreeSet<String> = listed.iter().map(|(n, _, _)| n.to_string()).collect();
    assert_eq!(
        listed_names, names,
        "{what}: the test's list of Rust types (left) and the exported schemas (right) differ"
    );
    let mut problems = Vec::new();
    let mut compared = 0;
    for (name, _feature, derived) in listed {
        let Some(derived) = derived else { continue };
        let file = file_of(name);
        let exported = &exported[&file];
        problems.extend(compare(&file, exported, &derived, nested));
        compared += 1;
    }
    assert!(
        problems.is_empty(),
        "{what}: {} disagreement(s) between `cargo xtask schema` and schemars:\n{}",
        problems.len(),
        problems.join("\n")
    );
    compared
}

#[test]
fn overlay_types_agree_with_the_exported_schemas() {
    let exported = exported();
    let names: BTreeSet<String> = exported
        .keys()
        .filter_map(|p| p.strip_prefix("types/")?.strip_suffix(".schema.json"))
        .map(str::to_owned)
        .collect();
    assert!(!names.is_empty(), "`cargo xtask schema` exported no types");
    let listed = overlay_types();
    let default_group = listed
        .iter()
        .filter(|(_, f, _)| *f == "media-production")
        .count();
    let compared = check(
        "types/",
        Nested::Required,
        listed,
        names,
        |n| format!("types/{n}.schema.json"),
        &exported,
    );
    // The default feature's types (configs, results, statuses) are always compared.
    assert!(compared >= default_group, "compared {compared} types");
}

#[test]
fn media_production_responses_agree_with_the_exported_schemas() {
    let exported = exported();
    let index = &exported["index.json"];
    let names: BTreeSet<String> = index["operations"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|op| op["group"] == "media-production")
        .filter_map(|op| op["response"].as_str()?.strip_suffix(".schema.json"))
        .map(str::to_owned)
        .collect();
    let compared = check(
        "media-production responses",
        Nested::TopLevelOnly,
        media_production_responses(),
        names,
        |n| format!("{n}.schema.json"),
        &exported,
    );
    assert!(compared > 0);
}

/// The comparison itself notices a disagreement: a required key, a property and an enum value
/// that differ are each reported with their place.
#[test]
fn a_disagreement_is_reported_with_its_place() {
    let exported = json!({
        "type": "object",
        "properties": {"A": {"type": "string"}, "B": {"$ref": "#/$defs/E"}},
        "required": ["A"],
        "$defs": {"E": {"type": "string", "enum": ["x", "y"], "x-ice-open-enum": true}}
    });
    let derived = json!({
        "type": "object",
        "properties": {"A": {"type": ["string", "null"]}, "C": {"type": "integer"}},
        "$defs": {"E": {"anyOf": [{"type": "string", "enum": ["x"]}, {"type": "string"}], "x-ice-open-enum": true}}
    });
    let found = compare("T", &exported, &derived, Nested::Required);
    let expect = [
        "T/properties/B: exported",
        "T/properties/C: derived",
        "T/required: exported [\"A\"], derived []",
        "T#/$defs/E/enum: exported [\"x\",\"y\"], derived [\"x\"]",
    ];
    for e in expect {
        assert!(
            found.iter().any(|f| f.starts_with(e)),
            "missing {e:?} in {found:#?}"
        );
    }
    assert_eq!(found.len(), expect.len(), "{found:#?}");
    // The same document agrees with itself, whichever way nulls and open enums are spelled.
    assert!(compare("T", &derived, &derived, Nested::Required).is_empty());
}
