//! IR → JSON Schema (draft 2020-12): one document per request and per response type, for users of
//! other languages. Request properties are the wire names; nested objects live in `$defs`
//! (components under `components.<Name>`). Where a parameter travels and how it is encoded is
//! recorded in the `x-ice-location` / `x-ice-style` annotations.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::{json, Map, Value};

use crate::ir::{Api, Constraints, Field, Location, Operation, TypeHome, TypeRef};
use crate::output::GeneratedFile;

const DRAFT: &str = "https://json-schema.org/draft/2020-12/schema";

struct Defs<'a> {
    api: &'a Api,
    defs: BTreeMap<String, Value>,
    request: bool,
}

impl Defs<'_> {
    fn def_name(&self, i: usize) -> String {
        let t = &self.api.types[i];
        match t.home {
            TypeHome::Components => format!("components.{}", t.name),
            TypeHome::Operation(_) => t.name.clone(),
        }
    }

    fn ty(&mut self, ty: &TypeRef, c: Option<&Constraints>) -> Value {
        let mut m = Map::new();
        match ty {
            TypeRef::String => {
                m.insert("type".into(), json!("string"));
            }
            TypeRef::Integer => {
                m.insert("type".into(), json!("integer"));
            }
            TypeRef::Number => {
                m.insert("type".into(), json!("number"));
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
                let items = self.ty(inner, None);
                m.insert("items".into(), items);
            }
            TypeRef::Map(inner) => {
                m.insert("type".into(), json!("object"));
                let v = self.ty(inner, None);
                m.insert("additionalProperties".into(), v);
            }
            TypeRef::Named(i) => {
                let name = self.def_name(*i);
                if !self.defs.contains_key(&name) {
                    self.defs.insert(name.clone(), Value::Null);
                    let t = &self.api.types[*i];
                    let fields = t.fields.clone();
                    let mut obj = Map::new();
                    obj.insert("type".into(), json!("object"));
                    if let Some(d) = &t.docs {
                        obj.insert("description".into(), json!(d));
                    }
                    let (props, required) = self.fields(&fields, t.in_request && self.request);
                    obj.insert("properties".into(), Value::Object(props));
                    if !required.is_empty() {
                        obj.insert("required".into(), json!(required));
                    }
                    self.defs.insert(name.clone(), Value::Object(obj));
                }
                m.insert("$ref".into(), json!(format!("#/$defs/{name}")));
            }
        }
        if let Some(c) = c {
            let mut put = |k: &str, v: Option<Value>| {
                if let Some(v) = v {
                    m.insert(k.into(), v);
                }
            };
            put("minLength", c.min_length.map(|x| json!(x)));
            put("maxLength", c.max_length.map(|x| json!(x)));
            put("minimum", c.minimum.map(|x| json!(x)));
            put("maximum", c.maximum.map(|x| json!(x)));
            put("minItems", c.min_items.map(|x| json!(x)));
            put("maxItems", c.max_items.map(|x| json!(x)));
            put("pattern", c.pattern.as_ref().map(|x| json!(x)));
            if !c.enum_values.is_empty() {
                m.insert("enum".into(), json!(c.enum_values));
            }
        }
        Value::Object(m)
    }

    fn field(&mut self, f: &Field) -> Value {
        let mut v = self.ty(&f.ty, Some(&f.checks.own));
        if let Value::Object(m) = &mut v {
            if let Some(d) = &f.docs {
                m.insert("description".into(), json!(d));
            }
            if f.deprecated {
                m.insert("deprecated".into(), json!(true));
            }
        }
        v
    }

    fn fields(
        &mut self,
        fields: &[Field],
        with_required: bool,
    ) -> (Map<String, Value>, Vec<String>) {
        let mut props = Map::new();
        let mut required = Vec::new();
        for f in fields {
            let v = self.field(f);
            props.insert(f.wire_name.clone(), v);
            if with_required && f.required {
                required.push(f.wire_name.clone());
            }
        }
        (props, required)
    }
}

fn document(
    title: String,
    description: String,
    props: Map<String, Value>,
    required: Vec<String>,
    defs: BTreeMap<String, Value>,
    closed: bool,
) -> Value {
    let mut m = Map::new();
    m.insert("$schema".into(), json!(DRAFT));
    m.insert("title".into(), json!(title));
    m.insert("description".into(), json!(description));
    m.insert("type".into(), json!("object"));
    m.insert("properties".into(), Value::Object(props));
    if !required.is_empty() {
        m.insert("required".into(), json!(required));
    }
    if closed {
        m.insert("additionalProperties".into(), json!(false));
    }
    if !defs.is_empty() {
        m.insert("$defs".into(), Value::Object(defs.into_iter().collect()));
    }
    Value::Object(m)
}

fn request_schema(api: &Api, op: &Operation) -> Value {
    let mut d = Defs {
        api,
        defs: BTreeMap::new(),
        request: true,
    };
    let mut props = Map::new();
    let mut required = Vec::new();
    for p in &op.params {
        let mut v = d.field(&p.field);
        if let Value::Object(m) = &mut v {
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
        props.insert(p.field.wire_name.clone(), v);
        if p.field.required {
            required.push(p.field.wire_name.clone());
        }
    }
    document(
        op.request_name(),
        format!(
            "Parameters of {} {} `{}`.",
            api.product, api.version, op.action
        ),
        props,
        required,
        d.defs,
        true,
    )
}

fn response_schema(api: &Api, op: &Operation) -> Value {
    let mut d = Defs {
        api,
        defs: BTreeMap::new(),
        request: false,
    };
    let (props, _) = d.fields(&op.response, false);
    document(
        op.response_name(),
        format!(
            "Response body of {} {} `{}`.",
            api.product, api.version, op.action
        ),
        props,
        Vec::new(),
        d.defs,
        false,
    )
}

fn pretty(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}

/// One file per request and response type, `<Action>Request.schema.json` /
/// `<Action>Response.schema.json`, plus `index.json`; paths relative to the output dir.
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
    out.push(GeneratedFile {
        path: PathBuf::from("index.json"),
        contents: pretty(
            &json!({"product": api.product, "version": api.version, "operations": index}),
        ),
    });
    out
}
