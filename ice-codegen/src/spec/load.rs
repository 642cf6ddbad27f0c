//! JSON → [`Spec`]: a hand-written walk so every problem is reported as file + JSON pointer +
//! plain message. The walk keeps going after a problem (each is recorded in a [`Diagnostics`]) so
//! one run lists them all. Unknown keys are ignored (real files carry many the generator does not
//! need).

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use super::check::check_schema;
use super::json::parse_json;
use super::model::{Api, Info, ParamIn, ParamStyle, Parameter, Response, Schema, SchemaKind, Spec};
use super::node::{compact, Node};
use super::read::{bom_message, read_text, Limits};
use crate::output::{CodegenError, CodegenErrors, Diagnostics};

/// Reads and loads an api-docs file within the default [`Limits`].
pub fn read_spec(path: &Path) -> Result<Spec, CodegenErrors> {
    let text = read_text(path, path, Limits::default())?;
    load_spec(path, &text)
}

/// Loads api-docs JSON text; `file` is used in errors. Reports every problem found: duplicate
/// keys, type errors, contradictory bounds, invalid patterns.
///
/// ```
/// use std::path::Path;
/// use ice_codegen::spec::load_spec;
///
/// let text = r#"{"info": {"style": "RPC", "product": "ICE"}, "apis": {"A": {"parameters": 1}}}"#;
/// let errors = load_spec(Path::new("api-docs.json"), text).unwrap_err();
/// assert_eq!(
///     errors.to_string(),
///     "api-docs.json#/apis/A/parameters: expected an array, found a number\n\
///      api-docs.json#/info: missing `version` (a string)\n\
///      2 problems"
/// );
/// ```
pub fn load_spec(file: &Path, text: &str) -> Result<Spec, CodegenErrors> {
    let mut diag = Diagnostics::new();
    let spec = parse_text(file, text, &mut diag).map(|v| load_into(&mut diag, file, &v));
    finish(diag, file, spec)
}

/// Parses spec text (BOM check + duplicate-detecting JSON parse), recording problems in `diag`;
/// `None` when the text is not JSON at all.
pub(crate) fn parse_text(file: &Path, text: &str, diag: &mut Diagnostics) -> Option<Value> {
    if let Some(m) = bom_message(text.as_bytes()) {
        diag.error(CodegenError::new(file, "", m));
        return None;
    }
    let parsed = parse_json(file, text, diag);
    diag.take(parsed)
}

/// Loads an already parsed api-docs document.
pub fn load_value(file: &Path, value: &Value) -> Result<Spec, CodegenErrors> {
    let mut diag = Diagnostics::new();
    let spec = load_into(&mut diag, file, value);
    diag.finish(spec)
}

/// `Ok` only when nothing was recorded and a value was produced.
pub(crate) fn finish<T>(
    diag: Diagnostics,
    file: &Path,
    value: Option<T>,
) -> Result<T, CodegenErrors> {
    diag.finish(value)?
        .ok_or_else(|| CodegenError::new(file, "", "no document").into())
}

/// Loads `value`, recording every problem in `diag`. The result is only meaningful when nothing
/// was recorded (parts with problems are left out or defaulted).
pub(crate) fn load_into(diag: &mut Diagnostics, file: &Path, value: &Value) -> Spec {
    let root = Node::root(file, value);
    let mut spec = Spec {
        file: file.to_path_buf(),
        info: Info {
            style: String::new(),
            product: String::new(),
            version: String::new(),
        },
        apis: BTreeMap::new(),
        components: BTreeMap::new(),
    };
    if diag.take(root.object()).is_none() {
        return spec;
    }
    match root.get("info") {
        Some(c) => {
            if let Some(info) = load_info(diag, c.node()) {
                spec.info = info;
            }
        }
        None => diag.error(root.error("missing `info`")),
    }
    if let Some(c) = root.get("components") {
        let comp = c.node();
        if diag.take(comp.object()).is_some() {
            if let Some(s) = comp.get("schemas") {
                let schemas = s.node();
                for (name, v) in diag.take(schemas.object()).into_iter().flatten() {
                    let child = schemas.member(name, v);
                    if let Some(schema) = load_schema(diag, child.node()) {
                        spec.components.insert(name.clone(), schema);
                    }
                }
            }
        }
    }
    match root.get("apis") {
        Some(c) => {
            let apis = c.node();
            for (name, v) in diag.take(apis.object()).into_iter().flatten() {
                let child = apis.member(name, v);
                if let Some(api) = load_api(diag, child.node()) {
                    spec.apis.insert(name.clone(), api);
                }
            }
        }
        None => diag.error(root.error("missing `apis`")),
    }
    spec
}

fn required_str(diag: &mut Diagnostics, n: Node<'_>, key: &str) -> Option<String> {
    match diag.take(n.opt_str(key))? {
        Some(s) => Some(s),
        None => {
            diag.error(n.error(format!("missing `{key}` (a string)")));
            None
        }
    }
}

fn load_info(diag: &mut Diagnostics, n: Node<'_>) -> Option<Info> {
    diag.take(n.object())?;
    let style = required_str(diag, n, "style");
    let product = required_str(diag, n, "product");
    let version = required_str(diag, n, "version");
    Some(Info {
        style: style?,
        product: product?,
        version: version?,
    })
}

fn string_list(diag: &mut Diagnostics, n: Node<'_>) -> Vec<String> {
    let mut out = Vec::new();
    for (i, v) in diag.take(n.array()).into_iter().flatten().enumerate() {
        let c = n.at(i, v);
        if let Some(s) = diag.take(c.node().string()) {
            out.push(s.to_owned());
        }
    }
    out
}

fn load_api(diag: &mut Diagnostics, n: Node<'_>) -> Option<Api> {
    diag.take(n.object())?;
    let methods = match n.get("methods") {
        Some(c) => string_list(diag, c.node()),
        None => Vec::new(),
    };
    let mut security = Vec::new();
    if let Some(c) = n.get("security") {
        let sec = c.node();
        for (i, v) in diag.take(sec.array()).into_iter().flatten().enumerate() {
            let item = sec.at(i, v);
            if let Some(names) = diag.take(item.node().object()) {
                security.extend(names.keys().cloned());
            }
        }
    }
    let mut parameters = Vec::new();
    if let Some(c) = n.get("parameters") {
        let params = c.node();
        for (i, v) in diag.take(params.array()).into_iter().flatten().enumerate() {
            let item = params.at(i, v);
            if let Some(p) = load_parameter(diag, item.node()) {
                parameters.push(p);
            }
        }
    }
    let mut responses = BTreeMap::new();
    if let Some(c) = n.get("responses") {
        let resp = c.node();
        for (status, v) in diag.take(resp.object()).into_iter().flatten() {
            let item = resp.member(status, v);
            let r = item.node();
            if diag.take(r.object()).is_none() {
                continue;
            }
            let schema = match r.get("schema") {
                Some(s) if !s.node().value.is_null() => load_schema(diag, s.node()),
                _ => None,
            };
            responses.insert(
                status.clone(),
                Response {
                    pointer: r.pointer().to_owned(),
                    schema,
                },
            );
        }
    }
    Some(Api {
        pointer: n.pointer().to_owned(),
        summary: diag.take(n.opt_str("summary")).flatten(),
        title: diag.take(n.opt_str("title")).flatten(),
        description: diag.take(n.opt_str("description")).flatten(),
        path: diag.take(n.opt_str("path")).flatten(),
        methods,
        security,
        deprecated: diag
            .take(n.opt_bool("deprecated"))
            .flatten()
            .unwrap_or(false),
        parameters,
        responses,
    })
}

fn load_location(n: Node<'_>) -> Result<ParamIn, CodegenError> {
    Ok(match n.string()? {
        "query" => ParamIn::Query,
        "formData" => ParamIn::FormData,
        "body" => ParamIn::Body,
        "path" => ParamIn::Path,
        "header" => ParamIn::Header,
        "host" => ParamIn::Host,
        other => {
            return Err(n.error(format!(
                "unknown parameter location {other:?}; expected query, formData, body, path, header or host"
            )))
        }
    })
}

fn load_style(n: Node<'_>) -> Result<ParamStyle, CodegenError> {
    Ok(match n.string()? {
        "json" => ParamStyle::Json,
        "repeatList" => ParamStyle::RepeatList,
        "flat" => ParamStyle::Flat,
        "simple" => ParamStyle::Simple,
        "xml" => ParamStyle::Xml,
        other => {
            return Err(n.error(format!(
                "unknown style {other:?}; expected json, repeatList, flat, simple or xml"
            )))
        }
    })
}

fn load_parameter(diag: &mut Diagnostics, n: Node<'_>) -> Option<Parameter> {
    diag.take(n.object())?;
    let name = required_str(diag, n, "name");
    let location = match n.get("in") {
        None => {
            diag.error(n.error("missing `in` (query, formData, body, path, header or host)"));
            None
        }
        Some(c) => diag.take(load_location(c.node())),
    };
    let mut style_ok = true;
    let style = match n.get("style") {
        Some(c) if !c.node().value.is_null() => {
            let style = diag.take(load_style(c.node()));
            style_ok = style.is_some();
            style
        }
        _ => None,
    };
    let schema = match n.get("schema") {
        Some(c) => load_schema(diag, c.node()),
        None => {
            diag.error(n.error(format!(
                "parameter `{}` has no `schema`",
                name.as_deref().unwrap_or("?")
            )));
            None
        }
    };
    if !style_ok {
        return None;
    }
    Some(Parameter {
        pointer: n.pointer().to_owned(),
        name: name?,
        location: location?,
        style,
        schema: schema?,
    })
}

fn enum_values(diag: &mut Diagnostics, n: Node<'_>) -> Vec<String> {
    let Some(c) = n.get("enum") else {
        return Vec::new();
    };
    let list = c.node();
    if list.value.is_null() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (i, v) in diag.take(list.array()).into_iter().flatten().enumerate() {
        match v {
            Value::String(s) => out.push(s.clone()),
            Value::Number(x) => out.push(x.to_string()),
            Value::Bool(b) => out.push(b.to_string()),
            other => diag.error(list.at(i, v).node().error(format!(
                "expected a string, number or boolean enum value, found {}",
                compact(other)
            ))),
        }
    }
    out
}

fn load_kind(diag: &mut Diagnostics, n: Node<'_>) -> Option<SchemaKind> {
    if let Some(r) = n.get("$ref") {
        return diag
            .take(r.node().string())
            .map(|s| SchemaKind::Ref(s.to_owned()));
    }
    let ty = match n.get("type") {
        Some(c) => diag.take(c.node().string().map(str::to_owned))?,
        None => {
            diag.error(n.error(
                "schema has neither `type` nor `$ref`; expected one of string, integer, number, boolean, array, object, any",
            ));
            return None;
        }
    };
    Some(match ty.as_str() {
        "string" => SchemaKind::String,
        "integer" => SchemaKind::Integer,
        "number" => SchemaKind::Number,
        "boolean" => SchemaKind::Boolean,
        "any" => SchemaKind::Any,
        "array" => match n.get("items") {
            Some(items) => SchemaKind::Array(Box::new(load_schema(diag, items.node())?)),
            None => {
                diag.error(n.error("array schema without `items`"));
                return None;
            }
        },
        "object" => {
            let mut properties = Vec::new();
            if let Some(p) = n.get("properties") {
                let props = p.node();
                if !props.value.is_null() {
                    for (name, v) in diag.take(props.object()).into_iter().flatten() {
                        let child = props.member(name, v);
                        if let Some(s) = load_schema(diag, child.node()) {
                            properties.push((name.clone(), s));
                        }
                    }
                }
            }
            let additional = match n.get("additionalProperties") {
                Some(a) => match a.node().value {
                    Value::Object(_) => Some(Box::new(load_schema(diag, a.node())?)),
                    // `true`/`false`: no schema for the values; treat as free-form.
                    Value::Bool(_) | Value::Null => None,
                    other => {
                        diag.error(a.node().error(format!(
                            "expected a schema object or a boolean, found {}",
                            compact(other)
                        )));
                        return None;
                    }
                },
                None => None,
            };
            SchemaKind::Object {
                properties,
                additional,
            }
        }
        other => {
            diag.error(n.error_at(
                "type",
                format!(
                    "unknown type {other:?}; expected string, integer, number, boolean, array, object or any"
                ),
            ));
            return None;
        }
    })
}

/// Loads one schema node (recursively), then checks it for contradictions.
pub(crate) fn load_schema(diag: &mut Diagnostics, n: Node<'_>) -> Option<Schema> {
    diag.take(n.object())?;
    let kind = load_kind(diag, n);
    let schema = Schema {
        pointer: n.pointer().to_owned(),
        // Replaced below; the checks never look at the kind.
        kind: SchemaKind::Any,
        description: diag.take(n.opt_str("description")).flatten(),
        title: diag.take(n.opt_str("title")).flatten(),
        required: diag.take(n.opt_bool("required")).flatten(),
        deprecated: diag
            .take(n.opt_bool("deprecated"))
            .flatten()
            .unwrap_or(false),
        format: diag.take(n.opt_str("format")).flatten(),
        enum_values: enum_values(diag, n),
        pattern: diag.take(n.opt_str("pattern")).flatten(),
        min_length: diag.take(n.opt_u64("minLength")).flatten(),
        max_length: diag.take(n.opt_u64("maxLength")).flatten(),
        minimum: diag.take(n.opt_f64("minimum")).flatten(),
        maximum: diag.take(n.opt_f64("maximum")).flatten(),
        min_items: diag.take(n.opt_u64("minItems")).flatten(),
        max_items: diag.take(n.opt_u64("maxItems")).flatten(),
    };
    check_schema(diag, n, &schema);
    kind.map(|kind| Schema { kind, ..schema })
}
