//! Spec + overlay → the IR, [`crate::ir::Api`]. Every rejection is a [`CodegenError`] pointing
//! into the spec or an overlay file; all of them are collected and returned together. See
//! [`crate::ir`] for the decisions taken on ambiguous input.
//!
//! Stages (private submodules): groups (`groups`) → types of the overlay and the spec's
//! components → every operation with its nested object types → the overlay's typing of
//! parameters, unions and response fields (`typed`) → constraints and pagination (`pages`) →
//! waiters (`waiters`) → one name and one module per type, identical shapes merged, cycles
//! checked (`finish`).

mod finish;
mod groups;
mod pages;
mod typed;
mod waiters;

use std::collections::BTreeMap;
use std::path::Path;

use crate::ir::{
    Api, Auth, Checks, Constraints, Field, Location, Method, NamedType, Operation, Param, Style,
    TypeHome, TypeKind, TypeRef,
};
use crate::names::{pascal, snake, Namer};
use crate::output::{CodegenError, CodegenErrors, Diagnostics};
use crate::overlay::Overlay;
use crate::spec::{self, ParamIn, ParamStyle, Schema, SchemaKind, Spec};

pub use groups::FALLBACK_GROUP;

const COMPONENT_PREFIX: &str = "#/components/schemas/";

/// Default prefixes of idempotent actions when the overlay lists none.
pub const DEFAULT_IDEMPOTENT_PREFIXES: &[&str] =
    &["Get", "List", "Query", "Describe", "Search", "BatchGet"];

/// How strictly overlay entries must match the spec.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Drop (with a warning) overlay entries that name operations, parameters or response
    /// fields the spec no longer has, and groups left empty, instead of failing. For adopting a
    /// new metadata file; entries that conflict with the spec (a moved parameter, another type)
    /// stay errors.
    pub prune_missing: bool,
}

/// The resolved API plus what the maintainer should know but that did not stop generation.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The API.
    pub api: Api,
    /// Warnings (e.g. pruned overlay entries), sorted.
    pub warnings: Vec<CodegenError>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Request,
    Response,
}

/// How a type gets its name (decided in [`finish`], once every type exists).
#[derive(Debug, Clone)]
struct Meta {
    /// A name fixed by the spec (components) or the overlay, with the file and pointer that
    /// fixed it.
    fixed: Option<(String, std::path::PathBuf, String)>,
    /// Spec-derived candidate (unique within its operation).
    candidate: String,
    /// Prefix used when the candidate collides across operations (the operation's PascalCase).
    qualifier: String,
    /// Identical shapes of this kind may be merged.
    mergeable: bool,
}

struct Resolver<'a> {
    spec: &'a Spec,
    overlay: &'a Overlay,
    options: Options,
    diag: Diagnostics,
    warnings: Vec<CodegenError>,
    types: Vec<NamedType>,
    meta: Vec<Meta>,
    components: BTreeMap<String, usize>,
    /// Overlay type name → index.
    declared: BTreeMap<String, usize>,
}

fn spec_err(spec: &Spec, pointer: &str, message: impl Into<String>) -> CodegenError {
    CodegenError::new(&spec.file, pointer, message)
}

/// Resolves a loaded spec with its overlay.
pub fn resolve(
    spec: &Spec,
    overlay: &Overlay,
    options: Options,
) -> Result<Resolved, CodegenErrors> {
    let mut r = Resolver {
        spec,
        overlay,
        options,
        diag: Diagnostics::new(),
        warnings: Vec::new(),
        types: Vec::new(),
        meta: Vec::new(),
        components: BTreeMap::new(),
        declared: BTreeMap::new(),
    };
    if spec.info.style != "RPC" {
        return Err(spec_err(
            spec,
            "/info/style",
            format!(
                "API style {:?} is not supported; this generator handles RPC APIs",
                spec.info.style
            ),
        )
        .into());
    }
    let live = groups::live_overlay(&mut r, options);
    let (groups, group_of, default_features) = groups::assign(&mut r, &live, options);
    r.components();
    typed::declare(&mut r, &live);
    let mut operations = Vec::new();
    for (action, api) in &spec.apis {
        let index = operations.len();
        let group = group_of
            .get(action)
            .cloned()
            .unwrap_or_else(|| FALLBACK_GROUP.to_owned());
        if let Some(op) = r.operation(index, action, api, group, &live) {
            operations.push(op);
        }
    }
    typed::attach(&mut r, &live, &mut operations);
    pages::constraints(&mut r, &live, &mut operations);
    for op in operations.iter_mut() {
        op.pagination = pages::pagination(&mut r, &live, op);
    }
    waiters::resolve(&mut r, &live, &mut operations);
    let prelude = live
        .typed
        .prelude
        .iter()
        .filter_map(|(action, pointer)| {
            let found = operations.iter().position(|o| &o.action == action);
            if found.is_none() {
                r.diag.error(CodegenError::new(
                    &overlay.types_file,
                    pointer,
                    format!("unknown operation `{action}` in the prelude"),
                ));
            }
            found
        })
        .collect();
    let mut api = Api {
        product: spec.info.product.clone(),
        version: spec.info.version.clone(),
        groups,
        default_features,
        operations,
        types: Vec::new(),
        prelude,
        rules: live.typed.rules.clone(),
    };
    finish::finish(&mut r, &mut api);
    let Resolver {
        diag, mut warnings, ..
    } = r;
    warnings
        .sort_by(|a, b| (&a.file, &a.pointer, &a.message).cmp(&(&b.file, &b.pointer, &b.message)));
    diag.finish(Resolved { api, warnings })
}

fn valid_action(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric())
}

impl<'a> Resolver<'a> {
    fn overlay_err(&mut self, pointer: &str, message: impl Into<String>) {
        self.diag
            .error(CodegenError::new(&self.overlay.file, pointer, message));
    }

    fn types_err(&mut self, pointer: &str, message: impl Into<String>) {
        self.diag.error(CodegenError::new(
            &self.overlay.types_file,
            pointer,
            message,
        ));
    }

    /// An overlay entry names something the spec no longer has: an error, or with
    /// [`Options::prune_missing`] a warning (the entry is then ignored).
    fn gone(&mut self, file: &Path, pointer: &str, message: impl Into<String>) {
        let message = message.into();
        if self.options.prune_missing {
            self.warnings.push(CodegenError::new(
                file,
                pointer,
                format!("{message} (dropped: --prune-missing)"),
            ));
        } else {
            self.diag.error(CodegenError::new(
                file,
                pointer,
                format!("{message}; remove the entry, or run `cargo xtask codegen --prune-missing` to drop every such entry"),
            ));
        }
    }

    fn spec_err(&mut self, pointer: &str, message: impl Into<String>) {
        self.diag.error(spec_err(self.spec, pointer, message));
    }

    /// Allocates a named type; its name is settled in [`finish`].
    fn push_type(&mut self, t: NamedType, meta: Meta) -> usize {
        self.types.push(t);
        self.meta.push(meta);
        self.types.len() - 1
    }

    fn components(&mut self) {
        let spec = self.spec;
        let mut namer = Namer::default();
        for (name, schema) in &spec.components {
            let rust = namer.claim(&pascal(name), "Component");
            let idx = self.push_type(
                NamedType {
                    name: rust.clone(),
                    home: TypeHome::Components,
                    docs: schema.description.clone().or_else(|| schema.title.clone()),
                    fields: Vec::new(),
                    kind: TypeKind::Object,
                    in_request: false,
                    in_response: false,
                    groups: Vec::new(),
                    pointer: schema.pointer.clone(),
                },
                Meta {
                    fixed: Some((rust, spec.file.clone(), schema.pointer.clone())),
                    candidate: String::new(),
                    qualifier: String::new(),
                    mergeable: false,
                },
            );
            self.components.insert(name.clone(), idx);
        }
        for (name, schema) in &spec.components {
            let idx = self.components[name];
            let parent = self.types[idx].name.clone();
            match &schema.kind {
                SchemaKind::Object { properties, .. } => {
                    let mut namer = Namer::default();
                    let fields = self.fields(
                        properties,
                        Side::Request,
                        &mut namer,
                        &parent,
                        &parent,
                        true,
                    );
                    self.types[idx].fields = fields;
                }
                _ => self.spec_err(
                    &schema.pointer,
                    "component schemas must be objects with `properties`",
                ),
            }
        }
    }

    fn operation(
        &mut self,
        index: usize,
        action: &str,
        api: &spec::Api,
        group: String,
        live: &Overlay,
    ) -> Option<Operation> {
        let _ = index;
        if !valid_action(action) {
            self.spec_err(
                &api.pointer,
                format!("action name {action:?} is not an UpperCamelCase ASCII identifier"),
            );
            return None;
        }
        let lower: Vec<String> = api.methods.iter().map(|m| m.to_ascii_lowercase()).collect();
        let method = if lower.iter().any(|m| m == "post") {
            Method::Post
        } else if lower.iter().any(|m| m == "get") {
            Method::Get
        } else {
            self.spec_err(
                &format!("{}/methods", api.pointer),
                format!(
                    "expected `get` or `post` among the methods, found {:?}",
                    api.methods
                ),
            );
            Method::Post
        };
        let auth = if api.security.iter().any(|s| s == "AK") || api.security.is_empty() {
            Auth::AccessKey
        } else if api.security.iter().any(|s| s == "Anonymous") {
            Auth::Anonymous
        } else {
            self.spec_err(
                &format!("{}/security", api.pointer),
                format!(
                    "unsupported security schemes {:?}; expected AK or Anonymous",
                    api.security
                ),
            );
            Auth::AccessKey
        };
        let qualifier = pascal(action);
        let request_name = format!("{action}Request");
        let response_name = format!("{action}Response");
        let mut namer = Namer::with_reserved([request_name.clone(), response_name.clone()]);
        let mut field_names = Namer::default();
        let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
        let mut params = Vec::new();
        for p in &api.parameters {
            if let Some(first) = seen.insert(&p.name, &p.pointer) {
                self.spec_err(
                    &format!("{}/name", p.pointer),
                    format!(
                        "duplicate parameter `{}` (first defined at {first})",
                        p.name
                    ),
                );
                continue;
            }
            let location = match p.location {
                ParamIn::Query => Location::Query,
                ParamIn::FormData if method == Method::Get => {
                    self.spec_err(
                        &format!("{}/in", p.pointer),
                        "a formData parameter needs POST, but the operation only allows GET",
                    );
                    continue;
                }
                ParamIn::FormData => Location::Form,
                other => {
                    self.spec_err(
                        &format!("{}/in", p.pointer),
                        format!(
                            "`in: {}` is not supported for RPC operations; expected query or formData",
                            other.as_str()
                        ),
                    );
                    continue;
                }
            };
            let (ty, checks) = self.type_of(
                &p.schema,
                Side::Request,
                &mut namer,
                &pascal(&p.name),
                &request_name,
                &qualifier,
            );
            let Some(style) = self.param_style(p, &ty) else {
                continue;
            };
            params.push(Param {
                field: Field {
                    wire_name: p.name.clone(),
                    rust_name: field_names.claim_field(&snake(&p.name)),
                    ty,
                    required: p.schema.required == Some(true),
                    deprecated: p.schema.deprecated,
                    docs: p
                        .schema
                        .description
                        .clone()
                        .or_else(|| p.schema.title.clone()),
                    checks,
                    pointer: p.pointer.clone(),
                },
                location,
                style,
            });
        }
        let response_schema = api
            .responses
            .get("200")
            .or_else(|| {
                api.responses
                    .iter()
                    .find(|(k, _)| k.starts_with('2'))
                    .map(|(_, v)| v)
            })
            .and_then(|r| r.schema.as_ref());
        let response = match response_schema {
            None => Vec::new(),
            Some(s) => match &s.kind {
                SchemaKind::Object { properties, .. } => self.fields(
                    properties,
                    Side::Response,
                    &mut namer,
                    &response_name,
                    &qualifier,
                    false,
                ),
                _ => {
                    self.spec_err(&s.pointer, "the response schema must be an object");
                    Vec::new()
                }
            },
        };
        let response_declares_code = response.iter().any(|f| f.wire_name == "Code");
        let docs = match (&api.summary, &api.title, &api.description) {
            (Some(s), _, Some(d)) if d != s => Some(format!("{s}\n\n{d}")),
            (Some(s), _, _) => Some(s.clone()),
            (None, Some(t), Some(d)) if d != t => Some(format!("{t}\n\n{d}")),
            (None, Some(t), _) => Some(t.clone()),
            (None, None, d) => d.clone(),
        };
        let prefixes: Vec<String> = if live.ops.idempotent_prefixes.is_empty() {
            DEFAULT_IDEMPOTENT_PREFIXES
                .iter()
                .map(|s| s.to_string())
                .collect()
        } else {
            live.ops.idempotent_prefixes.clone()
        };
        let idempotent = match live.ops.idempotent.get(action) {
            Some((b, _)) => *b,
            None => prefixes.iter().any(|p| action.starts_with(p.as_str())),
        };
        Some(Operation {
            action: action.to_owned(),
            module: snake(action),
            group,
            method,
            auth,
            idempotent,
            deprecated: api.deprecated,
            docs,
            example: None,
            params,
            response,
            response_declares_code,
            client_token: None,
            pagination: None,
            waiter: None,
            starts: None,
            pointer: api.pointer.clone(),
        })
    }

    fn fields(
        &mut self,
        properties: &[(String, Schema)],
        side: Side,
        namer: &mut Namer,
        parent: &str,
        qualifier: &str,
        nested: bool,
    ) -> Vec<Field> {
        let mut names = Namer::default();
        let mut out = Vec::new();
        for (wire, schema) in properties {
            let (ty, checks) = self.type_of(schema, side, namer, &pascal(wire), parent, qualifier);
            out.push(Field {
                wire_name: wire.clone(),
                rust_name: names.claim_field(&snake(wire)),
                ty,
                required: side == Side::Request && nested && schema.required == Some(true),
                deprecated: schema.deprecated,
                docs: schema.description.clone().or_else(|| schema.title.clone()),
                checks,
                pointer: schema.pointer.clone(),
            });
        }
        out
    }

    fn type_of(
        &mut self,
        s: &Schema,
        side: Side,
        namer: &mut Namer,
        hint: &str,
        parent: &str,
        qualifier: &str,
    ) -> (TypeRef, Checks) {
        let mut checks = Checks {
            own: constraints_of(s),
            inner: None,
            rules: Vec::new(),
        };
        let ty = match &s.kind {
            SchemaKind::Ref(r) => {
                match r.strip_prefix(COMPONENT_PREFIX) {
                    None => {
                        self.spec_err(
                        &format!("{}/$ref", s.pointer),
                        format!("unsupported reference {r:?}; expected `#/components/schemas/<Name>`"),
                    );
                        TypeRef::Any
                    }
                    Some(name) => match self.components.get(name) {
                        Some(&i) => TypeRef::Named(i),
                        None => {
                            self.spec_err(
                            &format!("{}/$ref", s.pointer),
                            format!("dangling reference {r:?}: there is no component schema named `{name}`"),
                        );
                            TypeRef::Any
                        }
                    },
                }
            }
            SchemaKind::String => TypeRef::String,
            SchemaKind::Integer => TypeRef::Integer,
            SchemaKind::Number => TypeRef::Number,
            SchemaKind::Boolean => TypeRef::Boolean,
            SchemaKind::Any => TypeRef::Any,
            SchemaKind::Array(items) => {
                let (inner, inner_checks) = self.type_of(
                    items,
                    side,
                    namer,
                    &format!("{hint}Item"),
                    parent,
                    qualifier,
                );
                if inner_checks.any() {
                    checks.inner = Some(Box::new(inner_checks));
                }
                TypeRef::List(Box::new(inner))
            }
            SchemaKind::Object {
                properties,
                additional,
            } => {
                if !properties.is_empty() {
                    let name = namer.claim(hint, parent);
                    let idx = self.push_type(
                        NamedType {
                            name: name.clone(),
                            home: TypeHome::Components,
                            docs: s.description.clone().or_else(|| s.title.clone()),
                            fields: Vec::new(),
                            kind: TypeKind::Object,
                            in_request: false,
                            in_response: false,
                            groups: Vec::new(),
                            pointer: s.pointer.clone(),
                        },
                        Meta {
                            fixed: None,
                            candidate: name.clone(),
                            qualifier: qualifier.to_owned(),
                            mergeable: true,
                        },
                    );
                    let fields = self.fields(properties, side, namer, &name, qualifier, true);
                    self.types[idx].fields = fields;
                    TypeRef::Named(idx)
                } else if let Some(a) = additional {
                    let (inner, inner_checks) =
                        self.type_of(a, side, namer, &format!("{hint}Value"), parent, qualifier);
                    if inner_checks.any() {
                        checks.inner = Some(Box::new(inner_checks));
                    }
                    TypeRef::Map(Box::new(inner))
                } else {
                    TypeRef::FreeObject
                }
            }
        };
        keep_fitting(&mut checks.own, &ty);
        (ty, checks)
    }

    fn param_style(&mut self, p: &spec::Parameter, ty: &TypeRef) -> Option<Style> {
        let at = format!("{}/style", p.pointer);
        let kind = match ty {
            TypeRef::List(_) => "array",
            TypeRef::Named(_) | TypeRef::FreeObject | TypeRef::Map(_) => "object",
            TypeRef::Any => "any",
            _ => "scalar",
        };
        let found = if kind == "scalar" {
            "a scalar".to_owned()
        } else {
            format!("an {kind}")
        };
        let mismatch = |style: ParamStyle, expected: &str| {
            format!(
                "style `{}` needs {expected}, but parameter `{}` is {found}",
                style.as_str(),
                p.name
            )
        };
        let result = match (p.style, kind) {
            (None, "scalar") => Ok(Style::Scalar),
            (None, "array" | "object") => Ok(Style::Flat),
            (None, _) => Err((
                format!("{}/schema", p.pointer),
                format!("parameter `{}` has type any but no style; expected `style: json`", p.name),
            )),
            (Some(ParamStyle::Json), "scalar") => {
                Err((at, mismatch(ParamStyle::Json, "an object, an array or any")))
            }
            (Some(ParamStyle::Json), _) => Ok(Style::Json),
            (Some(ParamStyle::RepeatList), "array") => Ok(Style::RepeatList),
            (Some(s @ ParamStyle::RepeatList), _) => Err((at, mismatch(s, "an array"))),
            (Some(ParamStyle::Simple), "array") => match ty {
                TypeRef::List(inner)
                    if matches!(
                        **inner,
                        TypeRef::String | TypeRef::Integer | TypeRef::Number | TypeRef::Boolean
                    ) =>
                {
                    Ok(Style::Simple)
                }
                _ => Err((
                    at,
                    format!(
                        "style `simple` needs an array of scalars, but parameter `{}` holds structured items",
                        p.name
                    ),
                )),
            },
            (Some(s @ ParamStyle::Simple), _) => Err((at, mismatch(s, "an array"))),
            (Some(ParamStyle::Flat), "array" | "object") => Ok(Style::Flat),
            (Some(s @ ParamStyle::Flat), _) => Err((at, mismatch(s, "an array or an object"))),
            (Some(ParamStyle::Xml), _) => {
                Err((at, "style `xml` is not supported for RPC operations".to_owned()))
            }
        };
        match result {
            Ok(s) => Some(s),
            Err((pointer, message)) => {
                self.spec_err(&pointer, message);
                None
            }
        }
    }
}

/// Drops constraints that do not fit the type (the spec sometimes puts `maxLength` on numbers).
fn keep_fitting(own: &mut Constraints, ty: &TypeRef) {
    match ty {
        TypeRef::String => {
            own.minimum = None;
            own.maximum = None;
            own.min_items = None;
            own.max_items = None;
        }
        TypeRef::Integer | TypeRef::Number => {
            own.min_length = None;
            own.max_length = None;
            own.min_items = None;
            own.max_items = None;
            own.enum_values.clear();
        }
        TypeRef::List(_) => {
            own.min_length = None;
            own.max_length = None;
            own.minimum = None;
            own.maximum = None;
            own.enum_values.clear();
        }
        _ => {
            *own = Constraints {
                pattern: own.pattern.take(),
                ..Constraints::default()
            };
        }
    }
}

fn constraints_of(s: &Schema) -> Constraints {
    Constraints {
        min_length: s.min_length,
        max_length: s.max_length,
        minimum: s.minimum,
        maximum: s.maximum,
        min_items: s.min_items,
        max_items: s.max_items,
        enum_values: s.enum_values.clone(),
        pattern: s.pattern.clone(),
    }
}

/// Loads spec and overlay from files and resolves them.
pub fn load_and_resolve(
    spec_path: &Path,
    overlay_path: Option<&Path>,
    types_path: Option<&Path>,
    options: Options,
) -> Result<Resolved, CodegenErrors> {
    let spec = spec::read_spec(spec_path)?;
    let overlay = match overlay_path {
        Some(p) => crate::overlay::read(p, types_path)?,
        None => Overlay::default(),
    };
    resolve(&spec, &overlay, options)
}
