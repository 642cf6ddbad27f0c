//! IR → JSON Schema (draft 2020-12) for other languages: one document per request and response,
//! and one per typed config, enum and union of the overlay under `types/`; `index.json` lists
//! every file. Request properties are the wire parameters (what the official SDKs take), so a
//! JSON-string parameter is `type: string` with `contentMediaType: application/json` and the
//! `contentSchema` of the document it carries. A JobType union becomes an `enum` on the tag and a
//! `oneOf` with one branch per job type (`const` tag + that job type's `contentSchema`s). Rules a
//! schema cannot express are listed under `x-ice-rules`. Where a parameter travels and how it is
//! encoded is recorded in `x-ice-location` / `x-ice-style`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::{json, Map, Value};

use crate::emit::docs::link_markers;
use crate::ir::{Api, Checks, Field, Location, Operation, Param, Style, TypeKind, TypeRef};
use crate::output::GeneratedFile;

const DRAFT: &str = "https://json-schema.org/draft/2020-12/schema";

/// Base of the `$id` of every exported schema.
pub const ID_BASE: &str = "https://schemas.ice-rs.invalid/2020-11-09/";

struct Defs<'a> {
    api: &'a Api,
    defs: BTreeMap<String, Value>,
    /// Types referenced but not yet described: a worklist rather than recursion, because a
    /// hostile spec may chain thousands of components.
    pending: Vec<usize>,
    /// Request side: required fields are required, config types are closed over their rules.
    request: bool,
}

fn describe(m: &mut Map<String, Value>, docs: Option<&str>) {
    if let Some(d) = docs.map(str::trim).filter(|d| !d.is_empty()) {
        m.insert("description".into(), json!(link_markers(d)));
    }
}

impl<'a> Defs<'a> {
    fn new(api: &'a Api, request: bool) -> Self {
        Defs {
            api,
            defs: BTreeMap::new(),
            pending: Vec::new(),
            request,
        }
    }

    /// Describes every referenced type; returns the `$defs`.
    fn finish(mut self) -> BTreeMap<String, Value> {
        while let Some(i) = self.pending.pop() {
            let def = self.named(i);
            self.defs.insert(self.def_name(i), def);
        }
        self.defs
    }

    fn def_name(&self, i: usize) -> String {
        self.api.types[i].name.clone()
    }

    fn ty(&mut self, ty: &TypeRef, c: Option<&Checks>) -> Value {
        let mut m = Map::new();
        match ty {
            TypeRef::String => {
                m.insert("type".into(), json!("string"));
            }
            TypeRef::JsonString(inner) => {
                m.insert("type".into(), json!("string"));
                m.insert("contentMediaType".into(), json!("application/json"));
                let inner = self.ty(inner, None);
                m.insert("contentSchema".into(), inner);
            }
            TypeRef::Integer => {
                m.insert("type".into(), json!("integer"));
            }
            TypeRef::Number | TypeRef::Decimal => {
                m.insert("type".into(), json!("number"));
            }
            TypeRef::NumberOrString => {
                m.insert("type".into(), json!(["number", "string"]));
            }
            TypeRef::Boolean => {
                m.insert("type".into(), json!("boolean"));
            }
            TypeRef::Any => {}
            TypeRef::FreeObject => {
                m.insert("type".into(), json!("object"));
            }
            TypeRef::List(inner) => {
                m.insert("type".into(), json!("array"));
                let ic = c.and_then(|c| c.inner.as_deref());
                let items = self.ty(inner, ic);
                m.insert("items".into(), items);
            }
            TypeRef::Map(inner) => {
                m.insert("type".into(), json!("object"));
                let ic = c.and_then(|c| c.inner.as_deref());
                let v = self.ty(inner, ic);
                m.insert("additionalProperties".into(), v);
            }
            TypeRef::Named(i) => {
                let name = self.def_name(*i);
                if !self.defs.contains_key(&name) {
                    self.defs.insert(name.clone(), Value::Null);
                    self.pending.push(*i);
                }
                m.insert("$ref".into(), json!(format!("#/$defs/{name}")));
            }
        }
        if let Some(c) = c {
            let own = &c.own;
            let mut put = |k: &str, v: Option<Value>| {
                if let Some(v) = v {
                    m.insert(k.into(), v);
                }
            };
            put("minLength", own.min_length.map(|x| json!(x)));
            put("maxLength", own.max_length.map(|x| json!(x)));
            put("minimum", own.minimum.map(|x| json!(x)));
            put("maximum", own.maximum.map(|x| json!(x)));
            put("minItems", own.min_items.map(|x| json!(x)));
            put("maxItems", own.max_items.map(|x| json!(x)));
            put("pattern", own.pattern.as_ref().map(|x| json!(x)));
            if !own.enum_values.is_empty() {
                m.insert("enum".into(), json!(own.enum_values));
            }
            if !c.rules.is_empty() {
                m.insert("x-ice-rules".into(), rules(self.api, &c.rules));
            }
        }
        Value::Object(m)
    }

    /// The schema of named type `i` (its `$defs` entry).
    fn named(&mut self, i: usize) -> Value {
        let t = self.api.types[i].clone();
        let mut obj = Map::new();
        match &t.kind {
            TypeKind::Enum { values } => {
                // Services add values over time and readers keep unknown ones, so the known
                // values are one branch and any string the other: validators accept a new
                // value, and generated models come out as `KnownEnum | str`.
                let known: Vec<&str> = values.iter().map(|v| v.value.as_str()).collect();
                obj.insert(
                    "anyOf".into(),
                    json!([{"type": "string", "enum": known}, {"type": "string"}]),
                );
                obj.insert("x-ice-open-enum".into(), json!(true));
                describe(&mut obj, t.docs.as_deref());
            }
            TypeKind::Untagged { variants } => {
                let branches: Vec<Value> = variants
                    .iter()
                    .map(|v| {
                        let name = self.def_name(v.ty);
                        let _ = self.ty(&TypeRef::Named(v.ty), None);
                        json!({"$ref": format!("#/$defs/{name}")})
                    })
                    .collect();
                obj.insert("oneOf".into(), json!(branches));
                describe(&mut obj, t.docs.as_deref());
            }
            TypeKind::Union { .. } => {
                // Unions are request-level; they have no JSON form of their own.
                obj.insert("type".into(), json!("object"));
                describe(&mut obj, t.docs.as_deref());
            }
            TypeKind::Object | TypeKind::Config { .. } => {
                obj.insert("type".into(), json!("object"));
                describe(&mut obj, t.docs.as_deref());
                // Required as the Rust side treats it: on requests what must be sent; on
                // responses what decoding insists on.
                let api = self.api;
                let request = self.request;
                let (props, required) = self.fields(&t.fields, |f| {
                    if request {
                        t.in_request && f.required
                    } else {
                        api.required_in_responses(&t, f)
                    }
                });
                obj.insert("properties".into(), Value::Object(props));
                if !required.is_empty() {
                    obj.insert("required".into(), json!(required));
                }
                if let TypeKind::Config {
                    one_of,
                    rules,
                    max_json_bytes,
                    example,
                    parse_only,
                    ..
                } = &t.kind
                {
                    // Keys not modelled yet are allowed and sent as they are.
                    obj.insert("additionalProperties".into(), json!(true));
                    let mut all: Vec<Value> = Vec::new();
                    for r in one_of {
                        let req = |k: &String| json!({"required": [k]});
                        // "at least `min`, at most `max` of these keys" (min and max are 0 or 1,
                        // or max covers every key).
                        if r.max == Some(0) {
                            all.push(json!({"not": {"anyOf": r.keys.iter().map(req).collect::<Vec<_>>()}}));
                            continue;
                        }
                        if r.min == 1 {
                            all.push(json!({"anyOf": r.keys.iter().map(req).collect::<Vec<_>>()}));
                        }
                        if r.max == Some(1) {
                            let mut pairs = Vec::new();
                            for (i, a) in r.keys.iter().enumerate() {
                                for b in &r.keys[i + 1..] {
                                    pairs.push(json!({"required": [a, b]}));
                                }
                            }
                            all.push(json!({"not": {"anyOf": pairs}}));
                        }
                    }
                    if !all.is_empty() {
                        obj.insert("allOf".into(), json!(all));
                    }
                    let mut unexpressed = match self::rules(self.api, rules) {
                        Value::Array(a) => a,
                        _ => Vec::new(),
                    };
                    if let Some(n) = max_json_bytes {
                        unexpressed.push(json!({"rule": "max_json_bytes", "limit": n, "description": format!("at most {n} bytes as compact JSON")}));
                    }
                    if !unexpressed.is_empty() && !parse_only {
                        obj.insert("x-ice-rules".into(), json!(unexpressed));
                    }
                    if let Some(ex) = example {
                        if let Ok(v) = serde_json::from_str::<Value>(ex) {
                            obj.insert("examples".into(), json!([v]));
                        }
                    }
                }
            }
        }
        Value::Object(obj)
    }

    fn field(&mut self, f: &Field) -> Value {
        let mut v = self.ty(&f.ty, Some(&f.checks));
        if let Value::Object(m) = &mut v {
            describe(m, f.docs.as_deref());
            if f.deprecated {
                m.insert("deprecated".into(), json!(true));
            }
        }
        v
    }

    fn fields(
        &mut self,
        fields: &[Field],
        is_required: impl Fn(&Field) -> bool,
    ) -> (Map<String, Value>, Vec<String>) {
        let mut props = Map::new();
        let mut required = Vec::new();
        for f in fields {
            let v = self.field(f);
            props.insert(f.wire_name.clone(), v);
            if is_required(f) {
                required.push(f.wire_name.clone());
            }
        }
        (props, required)
    }

    /// A request parameter as the official SDKs take it: a typed JSON document is a string
    /// carrying that document; a `simple` list is a comma-joined string.
    fn param(&mut self, p: &Param) -> Value {
        let f = &p.field;
        let mut v = match (&f.ty, p.style) {
            (
                TypeRef::Named(_)
                | TypeRef::List(_)
                | TypeRef::Any
                | TypeRef::FreeObject
                | TypeRef::Map(_),
                Style::Json,
            ) => {
                let inner = self.ty(&f.ty, Some(&f.checks));
                json!({"type": "string", "contentMediaType": "application/json", "contentSchema": inner})
            }
            (TypeRef::List(inner), Style::Simple) => {
                let items = self.ty(inner, f.checks.inner.as_deref());
                json!({"type": "string", "x-ice-items": items, "x-ice-separator": ","})
            }
            _ => self.ty(&f.ty, Some(&f.checks)),
        };
        if let Value::Object(m) = &mut v {
            describe(m, f.docs.as_deref());
            if f.deprecated {
                m.insert("deprecated".into(), json!(true));
            }
            m.insert(
                "x-ice-location".into(),
                json!(match p.location {
                    Location::Query => "query",
                    Location::Form => "formData",
                }),
            );
            if let Some(s) = p.style.attr() {
                m.insert("x-ice-style".into(), json!(s));
            }
        }
        v
    }
}

/// `x-ice-rules` entries: each hand-written rule with its description.
fn rules(api: &Api, names: &[String]) -> Value {
    Value::Array(
        names
            .iter()
            .map(|r| match api.rules.get(r) {
                Some(d) => json!({"rule": r, "description": d}),
                None => json!({"rule": r}),
            })
            .collect(),
    )
}

/// Rules every request follows that a schema does not state.
fn request_rules() -> Value {
    json!([{
        "rule": "not_blank",
        "description": "A required string, and every string item of a list, must hold more than whitespace."
    }])
}

/// Keys of the config a parameter holds in other JobType variants but not in `this` one: sending
/// them under this JobType is the mismatch the Rust types refuse to compile.
fn foreign_keys(
    api: &Api,
    variants: &[crate::ir::UnionVariant],
    this: usize,
    param: &str,
) -> Vec<String> {
    let keys_of = |ty: &TypeRef| -> Vec<String> {
        match ty {
            TypeRef::Named(i) => api.types[*i]
                .fields
                .iter()
                .map(|f| f.wire_name.clone())
                .collect(),
            _ => Vec::new(),
        }
    };
    let mine = variants[this]
        .params
        .iter()
        .find(|p| p.field.wire_name == param)
        .map(|p| keys_of(&p.field.ty))
        .unwrap_or_default();
    let mut out: Vec<String> = variants
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != this)
        .flat_map(|(_, v)| v.params.iter().filter(|p| p.field.wire_name == param))
        .flat_map(|p| keys_of(&p.field.ty))
        .filter(|k| !mine.contains(k))
        .collect();
    out.sort();
    out.dedup();
    out
}

fn document(
    title: String,
    description: String,
    body: Map<String, Value>,
    defs: BTreeMap<String, Value>,
) -> Value {
    let mut m = Map::new();
    m.insert("$schema".into(), json!(DRAFT));
    m.insert("$id".into(), json!(format!("{ID_BASE}{title}.schema.json")));
    m.insert("title".into(), json!(title));
    m.insert("description".into(), json!(link_markers(&description)));
    m.extend(body);
    if !defs.is_empty() {
        m.insert("$defs".into(), Value::Object(defs.into_iter().collect()));
    }
    Value::Object(m)
}

fn request_schema(api: &Api, op: &Operation) -> Value {
    let mut d = Defs::new(api, true);
    let mut props = Map::new();
    let mut required = Vec::new();
    let mut one_of = Vec::new();
    for p in &op.params {
        if p.style == Style::Flatten {
            let TypeRef::Named(ui) = p.field.ty else {
                continue;
            };
            let TypeKind::Union {
                tag,
                tag_location,
                tag_docs,
                variants,
            } = &api.types[ui].kind
            else {
                continue;
            };
            let mut tag_schema = Map::new();
            tag_schema.insert("type".into(), json!("string"));
            tag_schema.insert(
                "enum".into(),
                json!(variants.iter().map(|v| v.value.clone()).collect::<Vec<_>>()),
            );
            describe(&mut tag_schema, tag_docs.as_deref());
            tag_schema.insert(
                "x-ice-location".into(),
                json!(if *tag_location == Location::Query {
                    "query"
                } else {
                    "formData"
                }),
            );
            props.insert(tag.clone(), Value::Object(tag_schema));
            required.push(tag.clone());
            let all_params: Vec<String> = variants
                .iter()
                .flat_map(|v| v.params.iter().map(|p| p.field.wire_name.clone()))
                .collect();
            for (vi, v) in variants.iter().enumerate() {
                let mut branch_props = Map::new();
                branch_props.insert(tag.clone(), json!({"const": v.value}));
                let mut branch_required = vec![tag.clone()];
                for vp in &v.params {
                    let mut schema = d.param(vp);
                    let foreign = foreign_keys(api, variants, vi, &vp.field.wire_name);
                    if let (false, Some(content)) =
                        (foreign.is_empty(), schema.get_mut("contentSchema"))
                    {
                        let not: Vec<Value> =
                            foreign.iter().map(|k| json!({"required": [k]})).collect();
                        *content = json!({"allOf": [content.take(), {"not": {"anyOf": not}}]});
                    }
                    // The shared property only says "a JSON string"; the branch says which.
                    props.entry(vp.field.wire_name.clone()).or_insert_with(|| {
                        let mut generic = schema.clone();
                        if let Value::Object(m) = &mut generic {
                            m.remove("contentSchema");
                        }
                        generic
                    });
                    branch_props.insert(vp.field.wire_name.clone(), schema);
                    if vp.field.required {
                        branch_required.push(vp.field.wire_name.clone());
                    }
                }
                for other in &all_params {
                    if !v.params.iter().any(|vp| &vp.field.wire_name == other) {
                        branch_props.insert(other.clone(), json!(false));
                    }
                }
                let mut branch = Map::new();
                branch.insert("title".into(), json!(v.rust));
                describe(&mut branch, Some(&v.docs));
                branch.insert("properties".into(), Value::Object(branch_props));
                branch.insert("required".into(), json!(branch_required));
                one_of.push(Value::Object(branch));
            }
            continue;
        }
        let v = d.param(p);
        props.insert(p.field.wire_name.clone(), v);
        if p.field.required {
            required.push(p.field.wire_name.clone());
        }
    }
    let mut body = Map::new();
    body.insert("type".into(), json!("object"));
    body.insert("properties".into(), Value::Object(props));
    if !required.is_empty() {
        body.insert("required".into(), json!(required));
    }
    if !one_of.is_empty() {
        body.insert("oneOf".into(), json!(one_of));
    }
    body.insert("additionalProperties".into(), json!(false));
    body.insert("x-ice-rules".into(), request_rules());
    let mut description = format!(
        "Parameters of {} {} `{}`.",
        api.product, api.version, op.action
    );
    if let Some(doc) = &op.docs {
        description.push_str("\n\n");
        description.push_str(doc);
    }
    document(op.request_name(), description, body, d.finish())
}

fn response_schema(api: &Api, op: &Operation) -> Value {
    let mut d = Defs::new(api, false);
    let (props, required) = d.fields(&op.response, |f| f.required);
    let mut body = Map::new();
    body.insert("type".into(), json!("object"));
    body.insert("properties".into(), Value::Object(props));
    if !required.is_empty() {
        body.insert("required".into(), json!(required));
    }
    document(
        op.response_name(),
        format!(
            "Response body of {} {} `{}`.",
            api.product, api.version, op.action
        ),
        body,
        d.finish(),
    )
}

/// A standalone schema of an overlay type (config, enum, untagged sum).
fn type_schema(api: &Api, i: usize) -> Value {
    let mut d = Defs::new(api, true);
    let name = api.types[i].name.clone();
    let mut body = match d.named(i) {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    let description = body
        .remove("description")
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let mut defs = d.finish();
    defs.remove(&name);
    document(name, description, body, defs)
}

fn pretty(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}

/// Every schema file, paths relative to the output dir: `<Action>Request.schema.json`,
/// `<Action>Response.schema.json`, `types/<Name>.schema.json`, and `index.json`.
pub fn schemas(api: &Api) -> Vec<GeneratedFile> {
    let mut out = Vec::new();
    let mut index = Vec::new();
    for op in &api.operations {
        let req = format!("{}.schema.json", op.request_name());
        let resp = format!("{}.schema.json", op.response_name());
        out.push(GeneratedFile {
            path: PathBuf::from(&req),
            contents: pretty(&request_schema(api, op)),
        });
        out.push(GeneratedFile {
            path: PathBuf::from(&resp),
            contents: pretty(&response_schema(api, op)),
        });
        index.push(
            json!({"action": op.action, "group": op.group, "request": req, "response": resp}),
        );
    }
    let mut types = Vec::new();
    for (i, t) in api.types.iter().enumerate() {
        let exported = matches!(
            t.kind,
            TypeKind::Config { .. } | TypeKind::Enum { .. } | TypeKind::Untagged { .. }
        );
        if !exported {
            continue;
        }
        let file = format!("types/{}.schema.json", t.name);
        out.push(GeneratedFile {
            path: PathBuf::from(&file),
            contents: pretty(&type_schema(api, i)),
        });
        types.push(json!({"name": t.name, "file": file}));
    }
    out.push(GeneratedFile {
        path: PathBuf::from("index.json"),
        contents: pretty(&json!({
            "product": api.product,
            "version": api.version,
            "operations": index,
            "types": types,
        })),
    });
    out
}
