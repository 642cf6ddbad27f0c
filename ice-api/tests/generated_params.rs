//! Every operation of the spec is generated, and every parameter of every operation lands in the
//! query or the form body exactly as `specs/ice/2020-11-09/api-docs.json` says: under its wire
//! name, with its style (scalar, json, repeatList, flat, simple).
//!
//! The requests come from generated test support (`generated_params/samples.rs`: every parameter
//! set to a value derived from its name). The expectations are computed here, independently, from
//! the spec JSON and `types.yaml` read at test time: a parameter `types.yaml` types (a JSON
//! document the spec only calls a string) must still travel under its spec name and location, as
//! one compact JSON string (or, for a JobType union, as the variant's tag value).

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

fn types_yaml() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../specs/ice/2020-11-09/types.yaml"
    );
    let text = std::fs::read_to_string(path).expect("types.yaml is readable");
    serde_norway::from_str(&text).expect("types.yaml is YAML")
}

/// How `types.yaml` types one spec parameter of an operation.
enum Typed {
    /// Not typed: the spec's own expectation applies.
    No,
    /// The tag of a JobType union: the sample uses the first variant.
    Tag(String),
    /// A union parameter the first variant does not send.
    Absent,
    /// A JSON document (compact JSON text), with its type's example if it has one.
    Json(Option<Value>),
    /// A list joined with commas.
    Simple,
}

fn typed(types: &Value, action: &str, param: &str) -> Typed {
    let op = &types["operations"][action];
    if let Some(union) = op["union"]["type"].as_str() {
        let def = types["unions"]
            .as_array()
            .and_then(|u| u.iter().find(|d| d["name"] == union))
            .expect("the union is declared");
        let first = &def["variants"][0];
        if def["tag"]["param"] == param {
            return Typed::Tag(first["value"].as_str().unwrap().to_owned());
        }
        let in_union = def["variants"].as_array().unwrap().iter().any(|v| {
            v["params"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["param"] == param)
        });
        if in_union {
            return match first["params"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["param"] == param)
            {
                Some(p) => json_param(types, p),
                None => Typed::Absent,
            };
        }
    }
    match op["params"].get(param) {
        // An open enum travels as its plain value: the spec's scalar expectation applies.
        Some(p) if kind(types, p["type"].as_str().unwrap_or("")) == Some("open_enum") => Typed::No,
        Some(p) if p.get("type").is_some() => json_param(types, p),
        _ => Typed::No,
    }
}

fn kind<'a>(types: &'a Value, name: &str) -> Option<&'a str> {
    types["types"]
        .as_array()?
        .iter()
        .find(|d| d["name"] == name)?["kind"]
        .as_str()
}

fn json_param(types: &Value, p: &Value) -> Typed {
    if p["style"] == "simple" {
        return Typed::Simple;
    }
    let ty = p["type"].as_str().unwrap_or("");
    let example = types["types"]
        .as_array()
        .and_then(|t| t.iter().find(|d| d["name"] == ty))
        .and_then(|d| d["example"].as_str())
        .map(|e| serde_json::from_str(e).expect("examples are JSON"));
    Typed::Json(example)
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
    let types = types_yaml();
    let apis = spec["apis"].as_object().expect("apis");
    let components = &spec["components"]["schemas"];

    // The always-compiled operation list covers the spec exactly.
    let listed: Vec<&str> = ice_api::OPERATIONS.iter().map(|(a, _)| *a).collect();
    let in_spec: Vec<&str> = apis.keys().map(String::as_str).collect();
    assert_eq!(listed, in_spec);

    let all = samples::samples();
    // The 2xx error-object rule depends on whether the operation's response declares `Code`.
    for (action, _, declares_code) in &all {
        let declared = apis[*action]["responses"]["200"]["schema"]["properties"]
            .get("Code")
            .is_some();
        assert_eq!(*declares_code, declared, "{action}: RESPONSE_DECLARES_CODE");
    }
    let samples: BTreeMap<&str, samples::Encode> =
        all.into_iter().map(|(a, e, _)| (a, e)).collect();
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
            let found: Vec<_> = here.iter().filter(|(k, _)| k == name).collect();
            match typed(&types, action, name) {
                Typed::No => {}
                Typed::Absent => {
                    assert!(
                        found.is_empty(),
                        "{ctx}: the first variant does not send it"
                    );
                    checked_params += 1;
                    continue;
                }
                Typed::Tag(value) => {
                    assert_eq!(found, [&(name.to_owned(), value)], "{ctx}");
                    expected_pairs += 1;
                    checked_params += 1;
                    continue;
                }
                Typed::Simple => {
                    assert_eq!(found.len(), 1, "{ctx}: one pair, found {found:?}");
                    assert!(
                        !found[0].1.starts_with('['),
                        "{ctx}: comma-joined, not JSON"
                    );
                    expected_pairs += 1;
                    checked_params += 1;
                    continue;
                }
                Typed::Json(example) => {
                    assert_eq!(found.len(), 1, "{ctx}: one pair, found {found:?}");
                    let text = &found[0].1;
                    assert!(!text.contains('\n'), "{ctx}: compact JSON");
                    let parsed: Value =
                        serde_json::from_str(text).unwrap_or_else(|e| panic!("{ctx}: {e}"));
                    assert!(parsed.is_object() || parsed.is_array(), "{ctx}: {parsed}");
                    if let Some(example) = example {
                        assert_eq!(parsed, example, "{ctx}: the sample is the type's example");
                    }
                    expected_pairs += 1;
                    checked_params += 1;
                    continue;
                }
            }
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
        let in_spec: usize = apis
            .values()
            .map(|a| a["parameters"].as_array().map_or(0, Vec::len))
            .sum();
        assert_eq!(
            checked_params, in_spec,
            "every parameter of the spec was checked"
        );
    }
}
