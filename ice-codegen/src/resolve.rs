//! Spec + overlay → [`ir::Api`]. Every rejection is a [`CodegenError`] pointing into the spec or
//! the overlay; see [`crate::ir`] for the decisions taken on ambiguous input.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::ir::{
    Api, Auth, Checks, Constraints, Field, Group, Location, Method, NamedType, Operation, PageKind,
    Pagination, Param, Style, TypeHome, TypeRef,
};
use crate::names::{pascal, snake, Namer};
use crate::output::CodegenError;
use crate::overlay::{ConstraintPatch, Overlay};
use crate::spec::{self, ParamIn, ParamStyle, Schema, SchemaKind, Spec};

const COMPONENT_PREFIX: &str = "#/components/schemas/";

/// Group used when the overlay defines none (e.g. for third-party spec copies).
pub const FALLBACK_GROUP: &str = "all";

/// Default prefixes of idempotent actions when the overlay lists none.
pub const DEFAULT_IDEMPOTENT_PREFIXES: &[&str] =
    &["Get", "List", "Query", "Describe", "Search", "BatchGet"];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Request,
    Response,
}

struct Resolver<'a> {
    spec: &'a Spec,
    types: Vec<NamedType>,
    components: BTreeMap<String, usize>,
    component_namer: Namer,
}

fn err(spec: &Spec, pointer: &str, message: impl Into<String>) -> CodegenError {
    CodegenError::new(&spec.file, pointer, message)
}

/// Resolves a loaded spec with its overlay.
pub fn resolve(spec: &Spec, overlay: &Overlay) -> Result<Api, CodegenError> {
    if spec.info.style != "RPC" {
        return Err(err(
            spec,
            "/info/style",
            format!(
                "API style {:?} is not supported; this generator handles RPC APIs",
                spec.info.style
            ),
        ));
    }
    let group_of = assign_groups(spec, overlay)?;
    let mut r = Resolver {
        spec,
        types: Vec::new(),
        components: BTreeMap::new(),
        component_namer: Namer::default(),
    };
    // Allocate every component first so `$ref`s (even cyclic ones) resolve to an index.
    for (name, schema) in &spec.components {
        let rust = r.component_namer.claim(&pascal(name), "Component");
        r.components.insert(name.clone(), r.types.len());
        r.types.push(NamedType {
            name: rust,
            home: TypeHome::Components,
            docs: schema.description.clone().or_else(|| schema.title.clone()),
            fields: Vec::new(),
            in_request: false,
            in_response: false,
            groups: Vec::new(),
            pointer: schema.pointer.clone(),
        });
    }
    for (name, schema) in &spec.components {
        let idx = r.components[name];
        let parent = r.types[idx].name.clone();
        let fields = match &schema.kind {
            SchemaKind::Object { properties, .. } => {
                let mut namer = std::mem::take(&mut r.component_namer);
                let res = r.fields(
                    properties,
                    Side::Request,
                    &TypeHome::Components,
                    &mut namer,
                    &parent,
                    true,
                );
                r.component_namer = namer;
                res?
            }
            _ => {
                return Err(err(
                    spec,
                    &schema.pointer,
                    "component schemas must be objects with `properties`",
                ))
            }
        };
        r.types[idx].fields = fields;
    }

    let prefixes: Vec<String> = if overlay.idempotent_prefixes.is_empty() {
        DEFAULT_IDEMPOTENT_PREFIXES
            .iter()
            .map(|s| s.to_string())
            .collect()
    } else {
        overlay.idempotent_prefixes.clone()
    };
    for (action, (_, pointer)) in &overlay.idempotent {
        if !spec.apis.contains_key(action) {
            return Err(CodegenError::new(
                &overlay.file,
                pointer,
                format!("unknown operation `{action}`"),
            ));
        }
    }
    for (action, hint) in &overlay.pagination {
        if !spec.apis.contains_key(action) {
            return Err(CodegenError::new(
                &overlay.file,
                &hint.pointer,
                format!("unknown operation `{action}`"),
            ));
        }
    }

    let mut operations = Vec::new();
    for (action, api) in &spec.apis {
        let index = operations.len();
        let group = group_of
            .get(action)
            .cloned()
            .unwrap_or_else(|| FALLBACK_GROUP.to_owned());
        let mut op = r.operation(index, action, api, group)?;
        op.idempotent = match overlay.idempotent.get(action) {
            Some((b, _)) => *b,
            None => prefixes.iter().any(|p| action.starts_with(p.as_str())),
        };
        if let Some(patches) = overlay.constraints.get(action) {
            for patch in patches {
                r.apply_patch(&mut op, patch, overlay)?;
            }
        }
        op.pagination = r.pagination(&op, overlay)?;
        operations.push(op);
    }
    for action in overlay.constraints.keys() {
        if !spec.apis.contains_key(action) {
            return Err(CodegenError::new(
                &overlay.file,
                format!("/constraints/{}", spec::node::escape_token(action)),
                format!("unknown operation `{action}`"),
            ));
        }
    }
    r.check_component_cycles()?;
    r.mark_usage(&operations);

    let mut groups: Vec<Group> = if overlay.groups.is_empty() {
        vec![Group {
            feature: FALLBACK_GROUP.to_owned(),
            module: FALLBACK_GROUP.to_owned(),
            description: "Every operation.".to_owned(),
        }]
    } else {
        overlay
            .groups
            .iter()
            .map(|g| Group {
                feature: g.name.clone(),
                module: snake(&g.name),
                description: g.description.clone(),
            })
            .collect()
    };
    groups.sort_by(|a, b| a.feature.cmp(&b.feature));
    let mut default_features = Vec::new();
    for (name, pointer) in &overlay.default_features {
        if !groups.iter().any(|g| &g.feature == name) {
            return Err(CodegenError::new(
                &overlay.file,
                pointer,
                format!("default feature `{name}` is not a group defined under `groups`"),
            ));
        }
        default_features.push(name.clone());
    }
    default_features.sort();
    default_features.dedup();
    Ok(Api {
        product: spec.info.product.clone(),
        version: spec.info.version.clone(),
        groups,
        default_features,
        operations,
        types: r.types,
    })
}

/// Checks the overlay's groups against the spec: every operation in exactly one group.
fn assign_groups(spec: &Spec, overlay: &Overlay) -> Result<BTreeMap<String, String>, CodegenError> {
    let mut group_of: BTreeMap<String, String> = BTreeMap::new();
    if overlay.groups.is_empty() {
        return Ok(group_of);
    }
    let mut modules = BTreeMap::new();
    for g in &overlay.groups {
        if let Some(other) = modules.insert(snake(&g.name), g.name.clone()) {
            return Err(CodegenError::new(
                &overlay.file,
                &g.pointer,
                format!(
                    "group `{}` maps to the same module as group `{other}`",
                    g.name
                ),
            ));
        }
        for (action, pointer) in &g.operations {
            if !spec.apis.contains_key(action) {
                return Err(CodegenError::new(
                    &overlay.file,
                    pointer,
                    format!("unknown operation `{action}` in group `{}`", g.name),
                ));
            }
            if let Some(prev) = group_of.insert(action.clone(), g.name.clone()) {
                return Err(CodegenError::new(
                    &overlay.file,
                    pointer,
                    format!("operation `{action}` is in group `{prev}` and again in group `{}`; every operation belongs to exactly one group", g.name),
                ));
            }
        }
    }
    if let Some(missing) = spec.apis.keys().find(|a| !group_of.contains_key(*a)) {
        return Err(CodegenError::new(
            &overlay.file,
            "/groups",
            format!("operation `{missing}` is in no group; add it to one group's `operations`"),
        ));
    }
    Ok(group_of)
}

fn valid_action(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric())
}

impl<'a> Resolver<'a> {
    fn operation(
        &mut self,
        index: usize,
        action: &str,
        api: &spec::Api,
        group: String,
    ) -> Result<Operation, CodegenError> {
        let spec = self.spec;
        if !valid_action(action) {
            return Err(err(
                spec,
                &api.pointer,
                format!("action name {action:?} is not an UpperCamelCase ASCII identifier"),
            ));
        }
        let lower: Vec<String> = api.methods.iter().map(|m| m.to_ascii_lowercase()).collect();
        let method = if lower.iter().any(|m| m == "post") {
            Method::Post
        } else if lower.iter().any(|m| m == "get") {
            Method::Get
        } else {
            return Err(err(
                spec,
                &format!("{}/methods", api.pointer),
                format!(
                    "expected `get` or `post` among the methods, found {:?}",
                    api.methods
                ),
            ));
        };
        let auth = if api.security.iter().any(|s| s == "AK") {
            Auth::AccessKey
        } else if api.security.iter().any(|s| s == "Anonymous") {
            Auth::Anonymous
        } else if api.security.is_empty() {
            Auth::AccessKey
        } else {
            return Err(err(
                spec,
                &format!("{}/security", api.pointer),
                format!(
                    "unsupported security schemes {:?}; expected AK or Anonymous",
                    api.security
                ),
            ));
        };
        let home = TypeHome::Operation(index);
        let request_name = format!("{action}Request");
        let response_name = format!("{action}Response");
        let mut namer = Namer::with_reserved([request_name.clone(), response_name.clone()]);
        let mut field_names = Namer::default();
        let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
        let mut params = Vec::new();
        for p in &api.parameters {
            if let Some(first) = seen.insert(&p.name, &p.pointer) {
                return Err(err(
                    spec,
                    &format!("{}/name", p.pointer),
                    format!(
                        "duplicate parameter `{}` (first defined at {first})",
                        p.name
                    ),
                ));
            }
            let location = match p.location {
                ParamIn::Query => Location::Query,
                ParamIn::FormData => {
                    if method == Method::Get {
                        return Err(err(
                            spec,
                            &format!("{}/in", p.pointer),
                            "a formData parameter needs POST, but the operation only allows GET",
                        ));
                    }
                    Location::Form
                }
                other => {
                    return Err(err(spec, &format!("{}/in", p.pointer), format!("`in: {}` is not supported for RPC operations; expected query or formData", other.as_str())));
                }
            };
            let (ty, checks) = self.type_of(
                &p.schema,
                Side::Request,
                &home,
                &mut namer,
                &pascal(&p.name),
                &request_name,
            )?;
            let style = param_style(spec, p, &ty, &self.types)?;
            let field = Field {
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
            };
            params.push(Param {
                field,
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
                    &home,
                    &mut namer,
                    &response_name,
                    false,
                )?,
                _ => {
                    return Err(err(
                        spec,
                        &s.pointer,
                        "the response schema must be an object",
                    ))
                }
            },
        };
        let client_token = params
            .iter()
            .position(|p| p.field.wire_name == "ClientToken" && p.field.ty == TypeRef::String);
        let docs = match (&api.summary, &api.title, &api.description) {
            (Some(s), _, Some(d)) if d != s => Some(format!("{s}\n\n{d}")),
            (Some(s), _, _) => Some(s.clone()),
            (None, Some(t), Some(d)) if d != t => Some(format!("{t}\n\n{d}")),
            (None, Some(t), _) => Some(t.clone()),
            (None, None, d) => d.clone(),
        };
        Ok(Operation {
            action: action.to_owned(),
            module: snake(action),
            group,
            method,
            auth,
            idempotent: false,
            deprecated: api.deprecated,
            docs,
            params,
            response,
            client_token,
            pagination: None,
            pointer: api.pointer.clone(),
        })
    }

    fn fields(
        &mut self,
        properties: &[(String, Schema)],
        side: Side,
        home: &TypeHome,
        namer: &mut Namer,
        parent: &str,
        nested: bool,
    ) -> Result<Vec<Field>, CodegenError> {
        let mut names = Namer::default();
        let mut out = Vec::new();
        for (wire, schema) in properties {
            let (ty, checks) = self.type_of(schema, side, home, namer, &pascal(wire), parent)?;
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
        Ok(out)
    }

    fn type_of(
        &mut self,
        s: &Schema,
        side: Side,
        home: &TypeHome,
        namer: &mut Namer,
        hint: &str,
        parent: &str,
    ) -> Result<(TypeRef, Checks), CodegenError> {
        let mut checks = Checks {
            own: constraints_of(s),
            inner: None,
        };
        let ty = match &s.kind {
            SchemaKind::Ref(r) => {
                let name = r.strip_prefix(COMPONENT_PREFIX).ok_or_else(|| {
                    err(
                        self.spec,
                        &format!("{}/$ref", s.pointer),
                        format!(
                            "unsupported reference {r:?}; expected `#/components/schemas/<Name>`"
                        ),
                    )
                })?;
                match self.components.get(name) {
                    Some(&i) => TypeRef::Named(i),
                    None => {
                        return Err(err(
                            self.spec,
                            &format!("{}/$ref", s.pointer),
                            format!(
                            "dangling reference {r:?}: there is no component schema named `{name}`"
                        ),
                        ))
                    }
                }
            }
            SchemaKind::String => TypeRef::String,
            SchemaKind::Integer => TypeRef::Integer,
            SchemaKind::Number => TypeRef::Number,
            SchemaKind::Boolean => TypeRef::Boolean,
            SchemaKind::Any => TypeRef::Any,
            SchemaKind::Array(items) => {
                let (inner, inner_checks) =
                    self.type_of(items, side, home, namer, &format!("{hint}Item"), parent)?;
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
                    let idx = self.types.len();
                    self.types.push(NamedType {
                        name: name.clone(),
                        home: home.clone(),
                        docs: s.description.clone().or_else(|| s.title.clone()),
                        fields: Vec::new(),
                        in_request: false,
                        in_response: false,
                        groups: Vec::new(),
                        pointer: s.pointer.clone(),
                    });
                    let fields = self.fields(properties, side, home, namer, &name, true)?;
                    self.types[idx].fields = fields;
                    TypeRef::Named(idx)
                } else if let Some(a) = additional {
                    let (inner, inner_checks) =
                        self.type_of(a, side, home, namer, &format!("{hint}Value"), parent)?;
                    if inner_checks.any() {
                        checks.inner = Some(Box::new(inner_checks));
                    }
                    TypeRef::Map(Box::new(inner))
                } else {
                    TypeRef::FreeObject
                }
            }
        };
        // Keep only checks that fit the type.
        let own = &mut checks.own;
        match &ty {
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
        Ok((ty, checks))
    }

    fn apply_patch(
        &mut self,
        op: &mut Operation,
        patch: &ConstraintPatch,
        overlay: &Overlay,
    ) -> Result<(), CodegenError> {
        let here = |m: String| CodegenError::new(&overlay.file, &patch.pointer, m);
        let mut segments = patch.path.split('.');
        let first = segments.next().unwrap_or_default();
        let Some(pi) = op.params.iter().position(|p| p.field.wire_name == first) else {
            return Err(here(format!(
                "operation `{}` has no parameter `{first}`",
                op.action
            )));
        };
        // Walk immutably to find the target: None = the parameter itself, Some((type, field)).
        let mut target: Option<(usize, usize)> = None;
        for seg in segments {
            let current = match target {
                None => &op.params[pi].field,
                Some((t, f)) => &self.types[t].fields[f],
            };
            let idx = match current.ty {
                TypeRef::Named(i) => i,
                _ => {
                    return Err(here(format!(
                        "`{}` is not an object, so it has no field `{seg}`",
                        current.wire_name
                    )))
                }
            };
            let Some(fi) = self.types[idx]
                .fields
                .iter()
                .position(|f| f.wire_name == seg)
            else {
                return Err(here(format!(
                    "`{}` has no field `{seg}`",
                    current.wire_name
                )));
            };
            target = Some((idx, fi));
        }
        let field: &mut Field = match target {
            None => &mut op.params[pi].field,
            Some((t, f)) => &mut self.types[t].fields[f],
        };
        let c = &mut field.checks.own;
        let numeric = matches!(field.ty, TypeRef::Integer | TypeRef::Number);
        let text = field.ty == TypeRef::String;
        let list = matches!(field.ty, TypeRef::List(_));
        if (patch.minimum.is_some() || patch.maximum.is_some()) && !numeric {
            return Err(here(format!(
                "minimum/maximum need a number, but `{}` is not one",
                patch.path
            )));
        }
        if (patch.min_length.is_some()
            || patch.max_length.is_some()
            || !patch.enum_values.is_empty())
            && !text
        {
            return Err(here(format!(
                "min_length/max_length/enum need a string, but `{}` is not one",
                patch.path
            )));
        }
        if (patch.min_items.is_some() || patch.max_items.is_some()) && !list {
            return Err(here(format!(
                "min_items/max_items need a list, but `{}` is not one",
                patch.path
            )));
        }
        c.minimum = patch.minimum.or(c.minimum);
        c.maximum = patch.maximum.or(c.maximum);
        c.min_length = patch.min_length.or(c.min_length);
        c.max_length = patch.max_length.or(c.max_length);
        c.min_items = patch.min_items.or(c.min_items);
        c.max_items = patch.max_items.or(c.max_items);
        if !patch.enum_values.is_empty() {
            c.enum_values = patch.enum_values.clone();
        }
        Ok(())
    }

    /// Field-index path for a dotted wire path in the response.
    fn response_path(&self, fields: &[Field], dotted: &str) -> Option<(Vec<usize>, TypeRef)> {
        let mut path = Vec::new();
        let mut current = fields;
        let mut ty = None;
        for seg in dotted.split('.') {
            let i = current.iter().position(|f| f.wire_name == seg)?;
            path.push(i);
            let t = current[i].ty.clone();
            current = match &t {
                TypeRef::Named(n) => &self.types[*n].fields,
                _ => &[],
            };
            ty = Some(t);
        }
        ty.map(|t| (path, t))
    }

    fn pagination(
        &self,
        op: &Operation,
        overlay: &Overlay,
    ) -> Result<Option<Pagination>, CodegenError> {
        let hint = overlay.pagination.get(&op.action);
        if hint.is_some_and(|h| h.disabled) {
            return Ok(None);
        }
        let hint_err = |m: String| {
            CodegenError::new(
                &overlay.file,
                hint.map(|h| h.pointer.as_str()).unwrap_or(""),
                m,
            )
        };
        let param = |names: &[&str], ty: TypeRef| {
            op.params
                .iter()
                .position(|p| names.contains(&p.field.wire_name.as_str()) && p.field.ty == ty)
        };
        let token_param = param(&["NextToken", "NextPageToken"], TypeRef::String);
        let page_param = param(&["PageNo", "PageNumber"], TypeRef::Integer);
        let kind = match hint.and_then(|h| h.kind.as_deref()) {
            Some("token") => PageKind::Token,
            Some("page") => PageKind::PageNumber,
            _ if token_param.is_some() => PageKind::Token,
            _ if page_param.is_some() => PageKind::PageNumber,
            _ => {
                if hint.is_some() {
                    return Err(hint_err(format!("`{}` has no NextToken/NextPageToken or PageNo/PageNumber parameter to paginate with", op.action)));
                }
                return Ok(None);
            }
        };
        let cursor_param = match kind {
            PageKind::Token => token_param,
            PageKind::PageNumber => page_param,
        };
        let Some(cursor_param) = cursor_param else {
            return Err(hint_err(format!(
                "`{}` lacks the request parameter for this pagination kind",
                op.action
            )));
        };
        let size_param = match kind {
            PageKind::Token => param(&["MaxResults"], TypeRef::Integer)
                .or_else(|| param(&["PageSize"], TypeRef::Integer)),
            PageKind::PageNumber => param(&["PageSize"], TypeRef::Integer),
        };
        let lookup = |explicit: Option<&String>,
                      defaults: &[&str],
                      what: &str|
         -> Result<Option<(Vec<usize>, TypeRef)>, CodegenError> {
            if let Some(path) = explicit {
                return match self.response_path(&op.response, path) {
                    Some(found) => Ok(Some(found)),
                    None => Err(hint_err(format!(
                        "the response of `{}` has no {what} field `{path}`",
                        op.action
                    ))),
                };
            }
            Ok(defaults
                .iter()
                .find_map(|d| self.response_path(&op.response, d)))
        };
        let items = match hint.and_then(|h| h.items.as_ref()) {
            Some(p) => lookup(Some(p), &[], "items")?,
            None => {
                let lists: Vec<usize> = op
                    .response
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| matches!(f.ty, TypeRef::List(_)))
                    .map(|(i, _)| i)
                    .collect();
                match lists.as_slice() {
                    [i] => Some((vec![*i], op.response[*i].ty.clone())),
                    _ => None,
                }
            }
        };
        let Some((items_path, items_ty)) = items else {
            if hint.is_some() {
                return Err(hint_err(format!(
                    "cannot find the item list of `{}`; set `items`",
                    op.action
                )));
            }
            return Ok(None);
        };
        let TypeRef::List(item_ty) = items_ty else {
            return Err(hint_err(format!(
                "the items field of `{}` is not a list",
                op.action
            )));
        };
        let token_path = match kind {
            PageKind::Token => {
                let wire = op.params[cursor_param].field.wire_name.clone();
                match lookup(
                    hint.and_then(|h| h.token.as_ref()),
                    &[wire.as_str()],
                    "token",
                )? {
                    Some((p, TypeRef::String)) => p,
                    Some(_) => {
                        return Err(hint_err(format!(
                            "the token field of `{}` is not a string",
                            op.action
                        )))
                    }
                    None => {
                        if hint.is_some() {
                            return Err(hint_err(format!(
                                "the response of `{}` has no `{wire}`; set `token`",
                                op.action
                            )));
                        }
                        return Ok(None);
                    }
                }
            }
            PageKind::PageNumber => Vec::new(),
        };
        let total_path = match lookup(
            hint.and_then(|h| h.total.as_ref()),
            &["TotalCount", "Total"],
            "total",
        )? {
            Some((p, TypeRef::Integer | TypeRef::String)) => p,
            Some(_) => {
                return Err(hint_err(format!(
                    "the total field of `{}` is neither an integer nor a string",
                    op.action
                )))
            }
            None => Vec::new(),
        };
        Ok(Some(Pagination {
            kind,
            cursor_param,
            size_param,
            token_path,
            total_path,
            items_path,
            item_ty: *item_ty,
        }))
    }

    fn check_component_cycles(&self) -> Result<(), CodegenError> {
        // A struct that contains itself without a Vec/Map in between has infinite size.
        fn visit(types: &[NamedType], i: usize, stack: &mut Vec<usize>) -> Option<usize> {
            if stack.contains(&i) {
                return Some(i);
            }
            stack.push(i);
            for f in &types[i].fields {
                if let TypeRef::Named(j) = f.ty {
                    if let Some(c) = visit(types, j, stack) {
                        return Some(c);
                    }
                }
            }
            stack.pop();
            None
        }
        for &i in self.components.values() {
            if let Some(c) = visit(&self.types, i, &mut Vec::new()) {
                return Err(err(self.spec, &self.types[c].pointer, format!("component `{}` contains itself (directly or through other objects) without a list in between", self.types[c].name)));
            }
        }
        Ok(())
    }

    fn mark_usage(&mut self, operations: &[Operation]) {
        fn walk(
            types: &mut [NamedType],
            ty: &TypeRef,
            request: bool,
            group: &str,
            seen: &mut BTreeSet<usize>,
        ) {
            match ty {
                TypeRef::List(t) | TypeRef::Map(t) => walk(types, t, request, group, seen),
                TypeRef::Named(i) => {
                    let i = *i;
                    if !seen.insert(i) {
                        return;
                    }
                    let t = &mut types[i];
                    if request {
                        t.in_request = true;
                    } else {
                        t.in_response = true;
                    }
                    if !group.is_empty() && !t.groups.iter().any(|g| g == group) {
                        t.groups.push(group.to_owned());
                        t.groups.sort();
                    }
                    let fields: Vec<TypeRef> = t.fields.iter().map(|f| f.ty.clone()).collect();
                    for f in &fields {
                        walk(types, f, request, group, seen);
                    }
                }
                _ => {}
            }
        }
        for op in operations {
            let mut seen = BTreeSet::new();
            for p in &op.params {
                walk(&mut self.types, &p.field.ty, true, &op.group, &mut seen);
            }
            let mut seen = BTreeSet::new();
            for f in &op.response {
                walk(&mut self.types, &f.ty, false, &op.group, &mut seen);
            }
        }
        // Components no operation uses are emitted ungated for both directions; so are the
        // types they contain.
        let unused: Vec<usize> = self
            .components
            .values()
            .copied()
            .filter(|&i| !self.types[i].in_request && !self.types[i].in_response)
            .collect();
        for i in unused {
            let mut reachable = BTreeSet::new();
            walk(
                &mut self.types,
                &TypeRef::Named(i),
                true,
                "",
                &mut reachable,
            );
            walk(
                &mut self.types,
                &TypeRef::Named(i),
                false,
                "",
                &mut BTreeSet::new(),
            );
            // Always compiled, so everything it contains must be too.
            for j in reachable {
                self.types[j].groups.clear();
            }
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

fn param_style(
    spec: &Spec,
    p: &spec::Parameter,
    ty: &TypeRef,
    types: &[NamedType],
) -> Result<Style, CodegenError> {
    let _ = types;
    let at = format!("{}/style", p.pointer);
    let kind = match ty {
        TypeRef::List(_) => "array",
        TypeRef::Named(_) | TypeRef::FreeObject | TypeRef::Map(_) => "object",
        TypeRef::Any => "any",
        _ => "scalar",
    };
    let mismatch = |style: ParamStyle, expected: &str| {
        err(
            spec,
            &at,
            format!(
                "style `{}` needs {expected}, but parameter `{}` is {}",
                style.as_str(),
                p.name,
                if kind == "scalar" {
                    "a scalar".to_owned()
                } else {
                    format!("an {kind}")
                }
            ),
        )
    };
    Ok(match (p.style, kind) {
        (None, "scalar") => Style::Scalar,
        (None, "array" | "object") => Style::Flat,
        (None, _) => return Err(err(spec, &format!("{}/schema", p.pointer), format!("parameter `{}` has type any but no style; expected `style: json`", p.name))),
        (Some(ParamStyle::Json), "scalar") => return Err(mismatch(ParamStyle::Json, "an object, an array or any")),
        (Some(ParamStyle::Json), _) => Style::Json,
        (Some(ParamStyle::RepeatList), "array") => Style::RepeatList,
        (Some(s @ ParamStyle::RepeatList), _) => return Err(mismatch(s, "an array")),
        (Some(ParamStyle::Simple), "array") => match ty {
            TypeRef::List(inner) if matches!(**inner, TypeRef::String | TypeRef::Integer | TypeRef::Number | TypeRef::Boolean) => Style::Simple,
            _ => return Err(err(spec, &at, format!("style `simple` needs an array of scalars, but parameter `{}` holds structured items", p.name))),
        },
        (Some(s @ ParamStyle::Simple), _) => return Err(mismatch(s, "an array")),
        (Some(ParamStyle::Flat), "array" | "object") => Style::Flat,
        (Some(s @ ParamStyle::Flat), _) => return Err(mismatch(s, "an array or an object")),
        (Some(ParamStyle::Xml), _) => return Err(err(spec, &at, "style `xml` is not supported for RPC operations")),
    })
}

/// Loads spec and overlay from files and resolves them.
pub fn load_and_resolve(
    spec_path: &Path,
    overlay_path: Option<&Path>,
) -> Result<Api, crate::CodegenErrors> {
    let spec = spec::read_spec(spec_path)?;
    let overlay = match overlay_path {
        Some(p) => crate::overlay::read_overlay(p)?,
        None => Overlay::default(),
    };
    Ok(resolve(&spec, &overlay)?)
}
