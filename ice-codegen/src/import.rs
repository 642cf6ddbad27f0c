//! `cargo xtask import`: any api-docs file (Alibaba's published metadata, or one rebuilt from an
//! SDK) → the normalised form committed under `specs/`. Kept here rather than in xtask so it is
//! tested as a library and `cargo xtask diff` reads files exactly the way import does.
//!
//! Normalising means: every problem reported at once (see [`crate::spec`]); the runtime-owned
//! protocol parameters ([`RUNTIME_PARAMETERS`]) dropped with a note; a file without responses
//! refused unless the caller accepts it explicitly; object keys sorted recursively so successive
//! imports diff cleanly.

use std::path::Path;

use serde_json::{Map, Value};

use crate::output::{CodegenError, CodegenErrors, Diagnostics};
use crate::overlay::Overlay;
use crate::resolve::{resolve, Options};
use crate::spec::{finish, load_into, parse_text, read_text, Limits, Spec};

/// Query parameters the runtime sets on every RPC call: Alibaba's protocol and signature set (what
/// the official SDKs' `doRPCRequest` adds: `Action`, `Format`, `Version`, `Timestamp`,
/// `SignatureNonce`, `SecurityToken`, `SignatureMethod`, `SignatureVersion`, `AccessKeyId`,
/// `Signature`, and `BearerToken` + `SignatureType` for bearer tokens), plus `SignatureMehtod`, a
/// misspelling the published ICE metadata declares. A spec that lists them would otherwise give
/// users setters for values the signer owns. Business parameters such as `RegionId` or `OwnerId`
/// are not in the list.
pub const RUNTIME_PARAMETERS: &[&str] = &[
    "AccessKeyId",
    "Action",
    "BearerToken",
    "Format",
    "SecurityToken",
    "Signature",
    "SignatureMehtod",
    "SignatureMethod",
    "SignatureNonce",
    "SignatureType",
    "SignatureVersion",
    "Timestamp",
    "Version",
];

/// How to import.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// Accept operations without a response schema (their response types come out empty).
    pub allow_missing_responses: bool,
    /// Reading limits.
    pub limits: Limits,
}

/// A runtime-owned parameter removed from an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dropped {
    /// The operation.
    pub operation: String,
    /// The parameter's wire name.
    pub name: String,
}

/// A file read and normalised the way import does it, not yet resolved.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The loaded spec, without the dropped parameters. Pointers refer to the source file.
    pub spec: Spec,
    /// The document, without the dropped parameters, keys in file order.
    pub value: Value,
    /// Parameters dropped, in operation order.
    pub dropped: Vec<Dropped>,
    /// Operations without any response schema (non-empty only when that was allowed).
    pub missing_responses: Vec<String>,
}

/// A successful import.
#[derive(Debug, Clone)]
pub struct Imported {
    /// What was read, dropped and accepted.
    pub prepared: Prepared,
    /// The normalised file to commit (keys sorted, pretty-printed, final newline).
    pub text: String,
}

/// Reads `path` (within `options.limits`) and [`prepare`]s it.
pub fn prepare_file(path: &Path, options: &ImportOptions) -> Result<Prepared, CodegenErrors> {
    let text = read_text(path, path, options.limits)?;
    prepare(path, &text, options)
}

/// Parses, loads and checks api-docs text, drops the runtime-owned parameters and checks that
/// operations carry responses. Every problem is reported at once; `file` names them.
pub fn prepare(
    file: &Path,
    text: &str,
    options: &ImportOptions,
) -> Result<Prepared, CodegenErrors> {
    let mut diag = Diagnostics::new();
    let prepared = parse_text(file, text, &mut diag).map(|mut value| {
        let mut spec = load_into(&mut diag, file, &value);
        let dropped = drop_runtime_parameters(&mut spec, &mut value);
        let missing_responses = missing_responses(&spec);
        if !missing_responses.is_empty() && !options.allow_missing_responses {
            diag.error(CodegenError::new(
                file,
                "/apis",
                no_responses_message(&missing_responses, spec.apis.len()),
            ));
        }
        Prepared {
            spec,
            value,
            dropped,
            missing_responses,
        }
    });
    finish(diag, file, prepared)
}

/// Imports `path`: [`prepare_file`], then resolve (without an overlay, which belongs to the target
/// version) to validate, then normalise.
///
/// ```
/// use std::path::Path;
/// use ice_codegen::import::{import_text, ImportOptions};
///
/// let text = r#"{"info": {"style": "RPC", "product": "ICE", "version": "2020-11-09"},
///   "apis": {"GetThing": {"methods": ["post"], "parameters": [
///     {"name": "Id", "in": "query", "schema": {"type": "string"}},
///     {"name": "SignatureNonce", "in": "query", "schema": {"type": "string"}}]}}}"#;
/// let file = Path::new("new.json");
/// let e = import_text(file, text, &ImportOptions::default()).unwrap_err();
/// assert!(e.to_string().contains("the file has no responses"));
///
/// let lenient = ImportOptions { allow_missing_responses: true, ..ImportOptions::default() };
/// let imported = import_text(file, text, &lenient).unwrap();
/// assert_eq!(imported.prepared.dropped[0].name, "SignatureNonce");
/// assert!(imported.text.starts_with("{\n  \"apis\""));
/// ```
pub fn import_file(path: &Path, options: &ImportOptions) -> Result<Imported, CodegenErrors> {
    let text = read_text(path, path, options.limits)?;
    import_text(path, &text, options)
}

/// [`import_file`] for text already read; `file` names problems.
pub fn import_text(
    file: &Path,
    text: &str,
    options: &ImportOptions,
) -> Result<Imported, CodegenErrors> {
    let prepared = prepare(file, text, options)?;
    resolve(&prepared.spec, &Overlay::default(), Options::default())?;
    let mut text = serde_json::to_string_pretty(&sorted(&prepared.value))
        .map_err(|e| CodegenError::new(file, "", format!("cannot serialize: {e}")))?;
    text.push('\n');
    Ok(Imported { prepared, text })
}

impl Prepared {
    /// Human notes on what was dropped or accepted, one line each (empty when nothing was).
    pub fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if !self.dropped.is_empty() {
            let mut by_op: Vec<(String, Vec<&str>)> = Vec::new();
            for d in &self.dropped {
                match by_op.last_mut() {
                    Some((op, names)) if *op == d.operation => names.push(&d.name),
                    _ => by_op.push((d.operation.clone(), vec![&d.name])),
                }
            }
            let list: Vec<String> = by_op
                .iter()
                .map(|(op, names)| format!("{op}: {}", names.join(", ")))
                .collect();
            notes.push(format!(
                "note: dropped {} runtime-owned parameter{} (the runtime signs and sets these on every call): {}",
                self.dropped.len(),
                plural(self.dropped.len()),
                list.join("; ")
            ));
        }
        if !self.missing_responses.is_empty() {
            notes.push(format!(
                "WARNING: {} of {} operations have no response schema; their generated response types will be EMPTY (accepted because missing responses were allowed)",
                self.missing_responses.len(),
                self.spec.apis.len()
            ));
        }
        notes
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Removes [`RUNTIME_PARAMETERS`] from every operation of `spec` and `value`.
fn drop_runtime_parameters(spec: &mut Spec, value: &mut Value) -> Vec<Dropped> {
    let is_runtime = |name: &str| RUNTIME_PARAMETERS.contains(&name);
    let mut dropped = Vec::new();
    for (op, api) in &mut spec.apis {
        api.parameters.retain(|p| {
            let keep = !is_runtime(&p.name);
            if !keep {
                dropped.push(Dropped {
                    operation: op.clone(),
                    name: p.name.clone(),
                });
            }
            keep
        });
    }
    if let Some(apis) = value.get_mut("apis").and_then(Value::as_object_mut) {
        for api in apis.values_mut() {
            if let Some(params) = api.get_mut("parameters").and_then(Value::as_array_mut) {
                params.retain(|p| {
                    !p.get("name")
                        .and_then(Value::as_str)
                        .is_some_and(is_runtime)
                });
            }
        }
    }
    dropped
}

/// Operations none of whose responses has a schema.
fn missing_responses(spec: &Spec) -> Vec<String> {
    spec.apis
        .iter()
        .filter(|(_, api)| api.responses.values().all(|r| r.schema.is_none()))
        .map(|(name, _)| name.clone())
        .collect()
}

fn no_responses_message(missing: &[String], total: usize) -> String {
    const SHOWN: usize = 10;
    let what = if missing.len() == total {
        format!("the file has no responses: none of its {total} operations has a response schema (a stripped copy?)")
    } else {
        let mut names = missing
            .iter()
            .take(SHOWN)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        if missing.len() > SHOWN {
            names.push_str(&format!(", … ({} more)", missing.len() - SHOWN));
        }
        format!(
            "{} of {total} operations have no response schema: {names}",
            missing.len()
        )
    };
    format!(
        "{what}; their generated response types would be empty. Import a complete file, or accept \
         it explicitly with --allow-missing-responses"
    )
}

/// `value` with every object's keys sorted, recursively.
fn sorted(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut entries: Vec<(&String, &Value)> = m.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, x)| (k.clone(), sorted(x)))
                    .collect::<Map<String, Value>>(),
            )
        }
        Value::Array(a) => Value::Array(a.iter().map(sorted).collect()),
        other => other.clone(),
    }
}
