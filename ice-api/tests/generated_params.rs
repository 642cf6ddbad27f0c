//! Every operation of the spec is generated, and every parameter of every operation lands in the
//! query or the form body exactly as `specs/ice/2020-11-09/api-docs.json` says: under its wire
//! name, with its style (scalar, json, repeatList, flat, simple).
//!
//! The requests come from generated test support (`generated_params/samples.rs`: every parameter
//! set to a value derived from its name). The expectations are computed here, independently, from
//! the spec JSON read at test time.

#[path = "generated_params/samples.rs"]
#[rustfmt::skip]
mod samples;

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

fn spec() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../specs/ice/2020-11-09/api-docs.json"
    );
    let text = std::fs::read_to_string(path).expect("spec file is readable");
    serde_json::from_str(&text).expect("spec is JSON")
}

/// The value the generated sample uses for a schema, derived from `seed` (the wire name).
fn sample(schema: &Value, seed: &str, components: &Value) -> Value {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.trim_start_matches("#/components/schemas/");
        return sample(&components[name], seed, components);
    }
    match schema["type"].as_str().unwrap_or("") {
        "string" | "any" => json!(seed),
        "integer" => json!(seed.len() as i64),
        "number" => json!(seed.len() as f64 + 0.5),
        "boolean" => json!(true),
        "array" => json!([sample(&schema["items"], seed, components)]),
        "object" => {
            let mut m = Map::new();
            match schema.get("properties").and_then(Value::as_object) {
                Some(props) if !props.is_empty() => {
                    for (k, p) in props {
                        m.insert(k.clone(), sample(p, k, components));
                    }
                }
                _ => {
                    let v = match schema.get("additionalProperties") {
                        Some(ap) if ap.is_object() => sample(ap, "k", components),
                        _ => json!("k"),
                    };
                    m.insert("k".into(), v);
                }
            }
            Value::Object(m)
        }
        other => panic!("unexpected schema type {other:?}"),
    }
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        other => panic!("not a scalar: {other}"),
    }
}

/// `Name.1`, `Name.Key`, … as the api-docs `repeatList` / `flat` styles define them.
fn flatten(prefix: &str, v: &Value, out: &mut Vec<(String, String)>) {
    match v {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                flatten(&format!("{prefix}.{}", i + 1), item, out);
            }
        }
        Value::Object(m) => {
            for (k, item) in m {
                flatten(&format!("{prefix}.{k}"), item, out);
            }
        }
        Value::Null => {}
        scalar => out.push((prefix.to_owned(), scalar_text(scalar))),
    }
}

#[test]
fn every_operation_is_generated_and_every_parameter_lands_as_specified() {
    let spec = spec();
    let apis = spec["apis"].as_object().expect("apis");
    let components = &spec["components"]["schemas"];
    assert_eq!(
        apis.len(),
        400,
        "the ICE 2020-11-09 spec has 400 operations"
    );

    // The always-compiled operation list covers the spec exactly.
    let listed: Vec<&str> = ice_api::generated::OPERATIONS
        .iter()
        .map(|(a, _)| *a)
        .collect();
    let in_spec: Vec<&str> = apis.keys().map(String::as_str).collect();
    assert_eq!(listed, in_spec);

    let samples: BTreeMap<&str, samples::Encode> = samples::samples().into_iter().collect();
    if samples::ALL_GROUPS {
        assert_eq!(
            samples.len(),
            apis.len(),
            "one generated request per operation"
        );
    } else {
        assert!(
            !samples.is_empty(),
            "the default features compile some operations"
        );
    }

    let mut checked_ops = 0;
    let mut checked_params = 0;
    for (action, encode) in &samples {
        let api = apis
            .get(*action)
            .unwrap_or_else(|| panic!("{action} is not in the spec"));
        let wire = encode().unwrap_or_else(|e| panic!("{action}: {e}"));
        let mut expected_pairs = 0;
        for p in api["parameters"].as_array().expect("parameters") {
            let name = p["name"].as_str().expect("name");
            let (here, there) = match p["in"].as_str() {
                Some("query") => (wire.query(), wire.form()),
                Some("formData") => (wire.form(), wire.query()),
                other => panic!("{action}.{name}: unexpected location {other:?}"),
            };
            let value = sample(&p["schema"], name, components);
            let structured = value.is_array() || value.is_object();
            let style = p.get("style").and_then(Value::as_str);
            let ctx = format!("{action}.{name} ({:?}, style {style:?})", p["in"]);
            match style {
                Some("json") => {
                    let found: Vec<_> = here.iter().filter(|(k, _)| k == name).collect();
                    assert_eq!(found.len(), 1, "{ctx}: one pair, found {found:?}");
                    let text = &found[0].1;
                    assert!(!text.contains('\n'), "{ctx}: compact JSON");
                    let parsed: Value =
                        serde_json::from_str(text).unwrap_or_else(|e| panic!("{ctx}: {e}"));
                    assert_eq!(parsed, value, "{ctx}");
                    expected_pairs += 1;
                }
                Some("simple") => {
                    let joined = value
                        .as_array()
                        .expect("simple needs an array")
                        .iter()
                        .map(scalar_text)
                        .collect::<Vec<_>>()
                        .join(",");
                    assert!(here.contains(&(name.to_owned(), joined)), "{ctx}: {here:?}");
                    expected_pairs += 1;
                }
                Some("repeatList") | Some("flat") | None if structured => {
                    let mut pairs = Vec::new();
                    flatten(name, &value, &mut pairs);
                    assert!(!pairs.is_empty(), "{ctx}");
                    for pair in &pairs {
                        assert!(here.contains(pair), "{ctx}: missing {pair:?} in {here:?}");
                        assert!(
                            pair.0 == name || pair.0.starts_with(&format!("{name}.")),
                            "{ctx}"
                        );
                    }
                    expected_pairs += pairs.len();
                }
                None => {
                    let pair = (name.to_owned(), scalar_text(&value));
                    assert!(here.contains(&pair), "{ctx}: missing {pair:?} in {here:?}");
                    expected_pairs += 1;
                }
                Some(other) => panic!("{ctx}: unexpected style {other}"),
            }
            assert!(
                !there
                    .iter()
                    .any(|(k, _)| k == name || k.starts_with(&format!("{name}."))),
                "{ctx}: also found in the other location"
            );
            checked_params += 1;
        }
        assert_eq!(
            wire.query().len() + wire.form().len(),
            expected_pairs,
            "{action}: no parameter is missing or extra"
        );
        checked_ops += 1;
    }
    assert_eq!(checked_ops, samples.len());
    if samples::ALL_GROUPS {
        assert_eq!(
            checked_params, 1631,
            "every parameter of the spec was checked"
        );
    }
}
