//! Overlay → JSON Schema (draft 2020-12), one document per type marked `schema: true`, with the
//! types it refers to under `$defs`. Unknown keys stay allowed (the service's docs are incomplete);
//! rules only code can check (`checks`, `max_json_bytes`) are named in the description.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Map, Value};

use super::model::{Kind, Overlay, TypeDef};
use super::ty::Ty;

/// Base of the `$id` of every exported schema.
pub const ID_BASE: &str = "https://schemas.ice-rs.invalid/2020-11-09/jobs/";

/// `(file name, schema)` for each exported type, in overlay order.
pub fn emit(o: &Overlay) -> Vec<(String, Value)> {
    let types: BTreeMap<&str, &TypeDef> = o.types.iter().map(|t| (t.name.as_str(), t)).collect();
    o.types
        .iter()
        .filter(|t| t.schema)
        .map(|t| {
            let mut defs = BTreeSet::new();
            collect_refs(t, &types, &mut defs);
            defs.remove(t.name.as_str());
            let mut doc = Map::new();
            doc.insert(
                "$schema".into(),
                json!("https://json-schema.org/draft/2020-12/schema"),
            );
            doc.insert(
                "$id".into(),
                json!(format!("{ID_BASE}{}.schema.json", t.name)),
            );
            doc.insert("title".into(), json!(t.name));
            if let Value::Object(body) = type_schema(t) {
                doc.extend(body);
            }
            if !defs.is_empty() {
                let defs: Map<String, Value> = defs
                    .iter()
                    .filter_map(|n| types.get(n).map(|d| ((*n).to_owned(), type_schema(d))))
                    .collect();
                doc.insert("$defs".into(), Value::Object(defs));
            }
            (format!("{}.schema.json", t.name), Value::Object(doc))
        })
        .collect()
}

fn collect_refs<'a>(
    t: &'a TypeDef,
    types: &BTreeMap<&str, &'a TypeDef>,
    out: &mut BTreeSet<&'a str>,
) {
    if !out.insert(t.name.as_str()) {
        return;
    }
    let mut names = Vec::new();
    for f in &t.fields {
        if let Ok(ty) = Ty::parse(&f.ty) {
            ty.visit(&mut |x| {
                if let Ty::Named(n) = x {
                    names.push(n.clone());
                }
            });
        }
    }
    names.extend(t.variants.iter().map(|v| v.ty.clone()));
    for n in names {
        if let Some(d) = types.get(n.as_str()) {
            collect_refs(d, types, out);
        }
    }
}

fn type_schema(t: &TypeDef) -> Value {
    let mut s = Map::new();
    let mut description = t.doc.trim_end().to_owned();
    match t.kind {
        Kind::OpenEnum => {
            s.insert("type".into(), json!("string"));
            let values: Vec<&str> = t.values.iter().map(|v| v.value.as_str()).collect();
            s.insert("examples".into(), json!(values));
        }
        Kind::Untagged => {
            let refs: Vec<Value> = t
                .variants
                .iter()
                .map(|v| json!({"$ref": format!("#/$defs/{}", v.ty)}))
                .collect();
            s.insert("anyOf".into(), Value::Array(refs));
        }
        Kind::Struct => {
            s.insert("type".into(), json!("object"));
            let mut props = Map::new();
            let mut required = Vec::new();
            for f in &t.fields {
                let wire = f.wire.clone().unwrap_or_default();
                let ty = Ty::parse(&f.ty).unwrap_or(Ty::Json);
                let mut p = ty_schema(&ty);
                if let Value::Object(m) = &mut p {
                    apply_limits(m, &ty, f);
                    if !f.doc.is_empty() {
                        m.insert("description".into(), json!(f.doc.trim_end()));
                    }
                }
                props.insert(wire.clone(), p);
                if f.required && !t.response {
                    required.push(json!(wire));
                }
            }
            s.insert("properties".into(), Value::Object(props));
            if !required.is_empty() {
                s.insert("required".into(), Value::Array(required));
            }
            s.insert("additionalProperties".into(), json!(true));
            let mut all_of = Vec::new();
            for r in &t.one_of {
                let req = |k: &String| json!({"required": [k]});
                if r.min >= 1 && r.max == Some(1) {
                    all_of.push(json!({"oneOf": r.keys.iter().map(req).collect::<Vec<_>>()}));
                    continue;
                }
                if r.min >= 1 {
                    all_of.push(json!({"anyOf": r.keys.iter().map(req).collect::<Vec<_>>()}));
                }
                match r.max {
                    Some(0) => all_of.push(
                        json!({"not": {"anyOf": r.keys.iter().map(req).collect::<Vec<_>>()}}),
                    ),
                    Some(1) => {
                        let mut pairs = Vec::new();
                        for (i, a) in r.keys.iter().enumerate() {
                            for b in &r.keys[i + 1..] {
                                pairs.push(json!({"required": [a, b]}));
                            }
                        }
                        all_of.push(json!({"not": {"anyOf": pairs}}));
                    }
                    _ => {}
                }
            }
            if !all_of.is_empty() {
                s.insert("allOf".into(), Value::Array(all_of));
            }
            let mut code_only: Vec<String> =
                t.checks.iter().map(|c| format!("`checks::{c}`")).collect();
            if let Some(n) = t.max_json_bytes {
                code_only.push(format!("at most {n} bytes as compact JSON"));
            }
            if !code_only.is_empty() {
                description.push_str(&format!(
                    "\n\nAlso checked by the SDK, not by this schema: {}.",
                    code_only.join(", ")
                ));
            }
        }
    }
    let mut out = Map::new();
    out.insert("description".into(), json!(description));
    out.extend(s);
    Value::Object(out)
}

fn ty_schema(ty: &Ty) -> Value {
    match ty {
        Ty::String | Ty::JsonString(_) => json!({"type": "string"}),
        Ty::Bool => json!({"type": "boolean"}),
        Ty::Integer => json!({"type": "integer"}),
        Ty::Number => json!({"type": "number"}),
        Ty::NumberOrString => json!({"type": ["number", "string"]}),
        Ty::Json => json!({}),
        Ty::List(t) => json!({"type": "array", "items": ty_schema(t)}),
        Ty::Named(n) => json!({"$ref": format!("#/$defs/{n}")}),
    }
}

fn apply_limits(m: &mut Map<String, Value>, ty: &Ty, f: &super::model::FieldDef) {
    let l = &f.limits;
    let num = |x: f64| -> Value {
        if x.fract() == 0.0 && x.abs() < 1e15 {
            json!(x as i64)
        } else {
            json!(x)
        }
    };
    if let Some(x) = l.min_items {
        m.insert("minItems".into(), json!(x));
    }
    if let Some(x) = l.max_items {
        m.insert("maxItems".into(), json!(x));
    }
    if let Some(x) = l.min_chars {
        m.insert("minLength".into(), json!(x));
    }
    if let Some(x) = l.max_chars {
        m.insert("maxLength".into(), json!(x));
    }
    if let (Some(x), Some(Value::Object(items))) = (l.item_max_chars, m.get_mut("items")) {
        items.insert("maxLength".into(), json!(x));
    }
    if let Some(x) = l.min {
        m.insert("minimum".into(), num(x));
    }
    if let Some(x) = l.max {
        m.insert("maximum".into(), num(x));
    }
    if let Some(v) = &l.values {
        m.insert("enum".into(), json!(v));
    }
    let _ = ty;
}
