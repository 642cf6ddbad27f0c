//! JSON → [`Spec`]: a hand-written walk so every problem is reported as file + JSON pointer +
//! plain message. Unknown keys are ignored (real files carry many the generator does not need).

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use super::model::{Api, Info, ParamIn, ParamStyle, Parameter, Response, Schema, SchemaKind, Spec};
use super::node::{compact, Node};
use crate::output::CodegenError;

/// Reads and loads an api-docs file.
pub fn read_spec(path: &Path) -> Result<Spec, CodegenError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CodegenError::new(path, "", format!("cannot read file: {e}")))?;
    load_spec(path, &text)
}

/// Loads api-docs JSON text; `file` is used in errors.
pub fn load_spec(file: &Path, text: &str) -> Result<Spec, CodegenError> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| CodegenError::new(file, "", format!("invalid JSON: {e}")))?;
    load_value(file, &value)
}

/// Loads an already parsed api-docs document.
pub fn load_value(file: &Path, value: &Value) -> Result<Spec, CodegenError> {
    let root = Node::root(file, value);
    root.object()?;
    let info = match root.get("info") {
        Some(c) => load_info(c.node())?,
        None => return Err(root.error("missing `info`")),
    };
    let mut components = BTreeMap::new();
    if let Some(c) = root.get("components") {
        let comp = c.node();
        comp.object()?;
        if let Some(s) = comp.get("schemas") {
            let schemas = s.node();
            for (name, v) in schemas.object()? {
                let child = schemas.member(name, v);
                components.insert(name.clone(), load_schema(child.node())?);
            }
        }
    }
    let apis_child = root
        .get("apis")
        .ok_or_else(|| root.error("missing `apis`"))?;
    let apis_node = apis_child.node();
    let mut apis = BTreeMap::new();
    for (name, v) in apis_node.object()? {
        let child = apis_node.member(name, v);
        apis.insert(name.clone(), load_api(child.node())?);
    }
    Ok(Spec {
        file: file.to_path_buf(),
        info,
        apis,
        components,
    })
}

fn required_str(n: Node<'_>, key: &str) -> Result<String, CodegenError> {
    n.opt_str(key)?
        .ok_or_else(|| n.error(format!("missing `{key}` (a string)")))
}

fn load_info(n: Node<'_>) -> Result<Info, CodegenError> {
    n.object()?;
    Ok(Info {
        style: required_str(n, "style")?,
        product: required_str(n, "product")?,
        version: required_str(n, "version")?,
    })
}

fn string_list(n: Node<'_>) -> Result<Vec<String>, CodegenError> {
    let mut out = Vec::new();
    for (i, v) in n.array()?.iter().enumerate() {
        let c = n.at(i, v);
        out.push(c.node().string()?.to_owned());
    }
    Ok(out)
}

fn load_api(n: Node<'_>) -> Result<Api, CodegenError> {
    n.object()?;
    let methods = match n.get("methods") {
        Some(c) => string_list(c.node())?,
        None => Vec::new(),
    };
    let mut security = Vec::new();
    if let Some(c) = n.get("security") {
        let sec = c.node();
        for (i, v) in sec.array()?.iter().enumerate() {
            let item = sec.at(i, v);
            let names = item.node().object()?;
            security.extend(names.keys().cloned());
        }
    }
    let mut parameters = Vec::new();
    if let Some(c) = n.get("parameters") {
        let params = c.node();
        for (i, v) in params.array()?.iter().enumerate() {
            let item = params.at(i, v);
            parameters.push(load_parameter(item.node())?);
        }
    }
    let mut responses = BTreeMap::new();
    if let Some(c) = n.get("responses") {
        let resp = c.node();
        for (status, v) in resp.object()? {
            let item = resp.member(status, v);
            let r = item.node();
            r.object()?;
            let schema = match r.get("schema") {
                Some(s) if !s.node().value.is_null() => Some(load_schema(s.node())?),
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
    Ok(Api {
        pointer: n.pointer().to_owned(),
        summary: n.opt_str("summary")?,
        title: n.opt_str("title")?,
        description: n.opt_str("description")?,
        path: n.opt_str("path")?,
        methods,
        security,
        deprecated: n.opt_bool("deprecated")?.unwrap_or(false),
        parameters,
        responses,
    })
}

fn load_parameter(n: Node<'_>) -> Result<Parameter, CodegenError> {
    n.object()?;
    let name = required_str(n, "name")?;
    let location = match n.get("in") {
        None => return Err(n.error("missing `in` (query, formData, body, path, header or host)")),
        Some(c) => {
            let node = c.node();
            match node.string()? {
                "query" => ParamIn::Query,
                "formData" => ParamIn::FormData,
                "body" => ParamIn::Body,
                "path" => ParamIn::Path,
                "header" => ParamIn::Header,
                "host" => ParamIn::Host,
                other => {
                    return Err(node.error(format!(
                        "unknown parameter location {other:?}; expected query, formData, body, path, header or host"
                    )))
                }
            }
        }
    };
    let style = match n.get("style") {
        None => None,
        Some(c) if c.node().value.is_null() => None,
        Some(c) => {
            let node = c.node();
            Some(match node.string()? {
                "json" => ParamStyle::Json,
                "repeatList" => ParamStyle::RepeatList,
                "flat" => ParamStyle::Flat,
                "simple" => ParamStyle::Simple,
                "xml" => ParamStyle::Xml,
                other => {
                    return Err(node.error(format!(
                        "unknown style {other:?}; expected json, repeatList, flat, simple or xml"
                    )))
                }
            })
        }
    };
    let schema = match n.get("schema") {
        Some(c) => load_schema(c.node())?,
        None => return Err(n.error(format!("parameter `{name}` has no `schema`"))),
    };
    Ok(Parameter {
        pointer: n.pointer().to_owned(),
        name,
        location,
        style,
        schema,
    })
}

fn enum_values(n: Node<'_>) -> Result<Vec<String>, CodegenError> {
    let Some(c) = n.get("enum") else {
        return Ok(Vec::new());
    };
    let list = c.node();
    if list.value.is_null() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for (i, v) in list.array()?.iter().enumerate() {
        match v {
            Value::String(s) => out.push(s.clone()),
            Value::Number(x) => out.push(x.to_string()),
            Value::Bool(b) => out.push(b.to_string()),
            other => {
                return Err(list.at(i, v).node().error(format!(
                    "expected a string, number or boolean enum value, found {}",
                    compact(other)
                )))
            }
        }
    }
    Ok(out)
}

/// Loads one schema node (recursively).
pub(crate) fn load_schema(n: Node<'_>) -> Result<Schema, CodegenError> {
    n.object()?;
    let kind = if let Some(r) = n.get("$ref") {
        SchemaKind::Ref(r.node().string()?.to_owned())
    } else {
        let ty = match n.get("type") {
            Some(c) => c.node().string()?.to_owned(),
            None => {
                return Err(n.error(
                    "schema has neither `type` nor `$ref`; expected one of string, integer, number, boolean, array, object, any",
                ))
            }
        };
        match ty.as_str() {
            "string" => SchemaKind::String,
            "integer" => SchemaKind::Integer,
            "number" => SchemaKind::Number,
            "boolean" => SchemaKind::Boolean,
            "any" => SchemaKind::Any,
            "array" => {
                let items = n
                    .get("items")
                    .ok_or_else(|| n.error("array schema without `items`"))?;
                SchemaKind::Array(Box::new(load_schema(items.node())?))
            }
            "object" => {
                let mut properties = Vec::new();
                if let Some(p) = n.get("properties") {
                    let props = p.node();
                    if !props.value.is_null() {
                        for (name, v) in props.object()? {
                            let child = props.member(name, v);
                            properties.push((name.clone(), load_schema(child.node())?));
                        }
                    }
                }
                let additional = match n.get("additionalProperties") {
                    Some(a) => match a.node().value {
                        Value::Object(_) => Some(Box::new(load_schema(a.node())?)),
                        // `true`/`false`: no schema for the values; treat as free-form.
                        Value::Bool(_) | Value::Null => None,
                        other => {
                            return Err(a.node().error(format!(
                                "expected a schema object or a boolean, found {}",
                                compact(other)
                            )))
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
                return Err(n.error_at(
                    "type",
                    format!(
                        "unknown type {other:?}; expected string, integer, number, boolean, array, object or any"
                    ),
                ))
            }
        }
    };
    Ok(Schema {
        pointer: n.pointer().to_owned(),
        kind,
        description: n.opt_str("description")?,
        title: n.opt_str("title")?,
        required: n.opt_bool("required")?,
        deprecated: n.opt_bool("deprecated")?.unwrap_or(false),
        format: n.opt_str("format")?,
        enum_values: enum_values(n)?,
        pattern: n.opt_str("pattern")?,
        min_length: n.opt_u64("minLength")?,
        max_length: n.opt_u64("maxLength")?,
        minimum: n.opt_f64("minimum")?,
        maximum: n.opt_f64("maximum")?,
        min_items: n.opt_u64("minItems")?,
        max_items: n.opt_u64("maxItems")?,
    })
}
