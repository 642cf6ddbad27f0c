//! `types.yaml` into the IR: its types become named types like any other, and its operation
//! entries retype the spec's own parameters and response fields. Every attachment is checked
//! against the spec: a parameter the spec lacks or places elsewhere, a retyped parameter that is
//! not a JSON string, a required parameter made optional — each is an error at the overlay
//! pointer, so a new metadata file cannot silently unhook a typed config.

use std::collections::BTreeMap;

use super::{Meta, Resolver};
use crate::ir::{
    Checks, Constraints, Ctor, EnumValue, Field, Location, NamedType, OneOf, Operation, Param,
    Style, TypeHome, TypeKind, TypeRef, UnionVariant, UntaggedVariant,
};
use crate::names::snake;
use crate::overlay::ty::Ty;
use crate::overlay::types::{FieldDef, Kind, Limits, Loc, ParamDef, ResponseDef};
use crate::overlay::Overlay;
use crate::spec::node::escape_token;

fn overlay_ref(file: &std::path::Path, pointer: &str) -> String {
    format!("{}#{pointer}", file.display())
}

/// Allocates every type and union of `types.yaml` (names are fixed), then fills their fields.
pub(super) fn declare(r: &mut Resolver<'_>, live: &Overlay) {
    let file = live.types_file.clone();
    for (d, p) in &live.typed.types {
        let kind = match d.kind {
            Kind::Struct => TypeKind::Config {
                parse_only: d.response,
                constructors: Vec::new(),
                one_of: Vec::new(),
                rules: d.checks.clone(),
                max_json_bytes: d.max_json_bytes,
                example: d.example.clone(),
            },
            Kind::OpenEnum => TypeKind::Enum {
                values: d
                    .values
                    .iter()
                    .map(|v| EnumValue {
                        value: v.value.clone(),
                        rust: v.rust.clone(),
                        docs: v.doc.trim_end().to_owned(),
                    })
                    .collect(),
            },
            Kind::Untagged => TypeKind::Untagged {
                variants: Vec::new(),
            },
        };
        declare_one(r, &d.name, &d.doc, kind, &file, p);
    }
    for (u, p) in &live.typed.unions {
        let kind = TypeKind::Union {
            tag: u.tag.param.clone(),
            tag_location: location(u.tag.location),
            tag_docs: None,
            variants: Vec::new(),
        };
        declare_one(r, &u.name, &u.doc, kind, &file, p);
    }
    for (d, p) in &live.typed.types {
        let Some(&idx) = r.declared.get(&d.name) else {
            continue;
        };
        match d.kind {
            Kind::Struct => {
                let fields: Vec<Field> = d
                    .fields
                    .iter()
                    .enumerate()
                    .map(|(j, f)| config_field(r, f, &format!("{p}/fields/{j}"), &file, d.response))
                    .collect();
                let ctors = d
                    .constructors
                    .iter()
                    .map(|c| Ctor {
                        name: c.name.clone(),
                        args: c
                            .args
                            .iter()
                            .filter_map(|a| fields.iter().position(|f| &f.wire_name == a))
                            .collect(),
                        docs: c.doc.trim_end().to_owned(),
                    })
                    .collect();
                let rules = d
                    .one_of
                    .iter()
                    .map(|o| OneOf {
                        keys: o.keys.clone(),
                        min: o.min,
                        max: o.max,
                        why: o.why.clone(),
                    })
                    .collect();
                if let TypeKind::Config {
                    constructors,
                    one_of,
                    ..
                } = &mut r.types[idx].kind
                {
                    *constructors = ctors;
                    *one_of = rules;
                }
                r.types[idx].fields = fields;
            }
            Kind::Untagged => {
                let variants = d
                    .variants
                    .iter()
                    .filter_map(|v| {
                        r.declared.get(&v.ty).map(|&ty| UntaggedVariant {
                            rust: v.rust.clone(),
                            ty,
                            docs: v.doc.trim_end().to_owned(),
                        })
                    })
                    .collect();
                r.types[idx].kind = TypeKind::Untagged { variants };
            }
            Kind::OpenEnum => {}
        }
    }
    for (u, p) in &live.typed.unions {
        let Some(&idx) = r.declared.get(&u.name) else {
            continue;
        };
        let variants: Vec<UnionVariant> = u
            .variants
            .iter()
            .enumerate()
            .map(|(j, v)| UnionVariant {
                rust: v.rust.clone(),
                value: v.value.clone(),
                constructor: v.constructor.clone(),
                docs: v.doc.trim_end().to_owned(),
                example: v.example.clone(),
                params: v
                    .params
                    .iter()
                    .enumerate()
                    .map(|(k, pd)| {
                        union_param(r, pd, &format!("{p}/variants/{j}/params/{k}"), &file)
                    })
                    .collect(),
            })
            .collect();
        if let TypeKind::Union { variants: vs, .. } = &mut r.types[idx].kind {
            *vs = variants;
        }
    }
}

fn declare_one(
    r: &mut Resolver<'_>,
    name: &str,
    doc: &str,
    kind: TypeKind,
    file: &std::path::Path,
    pointer: &str,
) {
    if r.declared.contains_key(name) {
        return; // reported by the file check
    }
    let idx = r.push_type(
        NamedType {
            name: name.to_owned(),
            home: TypeHome::Components,
            docs: Some(doc.trim_end().to_owned()).filter(|d| !d.is_empty()),
            fields: Vec::new(),
            kind,
            in_request: false,
            in_response: false,
            groups: Vec::new(),
            pointer: overlay_ref(file, pointer),
        },
        Meta {
            fixed: Some((
                name.to_owned(),
                file.to_path_buf(),
                format!("{pointer}/name"),
            )),
            candidate: String::new(),
            qualifier: String::new(),
            mergeable: false,
        },
    );
    r.declared.insert(name.to_owned(), idx);
}

fn location(l: Loc) -> Location {
    match l {
        Loc::Query => Location::Query,
        Loc::Form => Location::Form,
    }
}

/// An overlay type expression as an IR type (unknown names were reported by the file check).
fn type_ref(r: &Resolver<'_>, ty: &Ty) -> TypeRef {
    match ty {
        Ty::String => TypeRef::String,
        Ty::Bool => TypeRef::Boolean,
        Ty::Integer => TypeRef::Integer,
        Ty::Number => TypeRef::Decimal,
        Ty::NumberOrString => TypeRef::NumberOrString,
        Ty::Json => TypeRef::Any,
        Ty::List(t) => TypeRef::List(Box::new(type_ref(r, t))),
        Ty::JsonString(t) => TypeRef::JsonString(Box::new(type_ref(r, t))),
        Ty::Named(n) => r
            .declared
            .get(n)
            .map_or(TypeRef::Any, |&i| TypeRef::Named(i)),
    }
}

fn parse(r: &Resolver<'_>, s: &str) -> TypeRef {
    Ty::parse(s).map_or(TypeRef::Any, |t| type_ref(r, &t))
}

/// Limits and hand-written rules as IR checks.
fn checks_of(l: &Limits, rules: &[String]) -> Checks {
    let inner = l.item_max_chars.map(|n| {
        Box::new(Checks {
            own: Constraints {
                max_length: Some(n),
                ..Constraints::default()
            },
            ..Checks::default()
        })
    });
    Checks {
        own: Constraints {
            min_length: l.min_chars,
            max_length: l.max_chars,
            minimum: l.min,
            maximum: l.max,
            min_items: l.min_items,
            max_items: l.max_items,
            enum_values: l.values.clone().unwrap_or_default(),
            pattern: None,
        },
        inner,
        rules: rules.to_vec(),
    }
}

fn config_field(
    r: &Resolver<'_>,
    f: &FieldDef,
    pointer: &str,
    file: &std::path::Path,
    parse_only: bool,
) -> Field {
    Field {
        wire_name: f.wire.clone(),
        rust_name: f.rust.clone().unwrap_or_else(|| snake(&f.wire)),
        ty: parse(r, &f.ty),
        required: f.required && !parse_only,
        deprecated: false,
        docs: Some(f.doc.trim_end().to_owned()).filter(|d| !d.is_empty()),
        checks: checks_of(&f.limits, &f.checks),
        pointer: overlay_ref(file, pointer),
    }
}

fn union_param(r: &Resolver<'_>, pd: &ParamDef, pointer: &str, file: &std::path::Path) -> Param {
    let wire = pd.param.clone().unwrap_or_default();
    let ty = pd.ty.as_deref().map_or(TypeRef::String, |t| parse(r, t));
    Param {
        style: style_of(r, pd, &ty),
        field: Field {
            rust_name: snake(&wire),
            wire_name: wire,
            ty,
            required: pd.required.unwrap_or(false),
            deprecated: false,
            docs: pd.doc.as_ref().map(|d| d.trim_end().to_owned()),
            checks: checks_of(&pd.limits, &pd.checks),
            pointer: overlay_ref(file, pointer),
        },
        location: pd.location.map_or(Location::Query, location),
    }
}

fn style_of(r: &Resolver<'_>, pd: &ParamDef, ty: &TypeRef) -> Style {
    use crate::overlay::types::Style as S;
    match (pd.style, ty) {
        (Some(S::Simple), _) => Style::Simple,
        (_, TypeRef::String | TypeRef::Integer | TypeRef::Boolean) => Style::Scalar,
        // An open enum travels as its plain value.
        (_, TypeRef::Named(i)) if matches!(r.types[*i].kind, TypeKind::Enum { .. }) => {
            Style::Scalar
        }
        _ => Style::Json,
    }
}

/// Applies every operation entry of `types.yaml` to the resolved operations.
pub(super) fn attach(r: &mut Resolver<'_>, live: &Overlay, ops: &mut [Operation]) {
    let mut same_as = Vec::new();
    for (action, def, p) in &live.typed.operations {
        let Some(oi) = ops.iter().position(|o| &o.action == action) else {
            continue; // reported by `live_overlay`
        };
        let op = &mut ops[oi];
        let pruned_before = r.warnings.len();
        if let Some(u) = &def.union {
            attach_union(r, op, &u.ty, &u.rust, &format!("{p}/union"));
        }
        for (name, pd) in &def.params {
            let pp = format!("{p}/params/{}", escape_token(name));
            attach_param(r, op, name, pd, &pp);
        }
        for (path, rd) in &def.response {
            let rp = format!("{p}/response/{}", escape_token(path));
            if rd.same_as.is_some() {
                same_as.push((oi, path.clone(), rd.clone(), rp));
            } else {
                attach_response(r, op, path, rd, &rp);
            }
        }
        if let Some(d) = &def.doc {
            let d = d.trim_end();
            op.docs = Some(match op.docs.take() {
                Some(spec) => format!("{spec}\n\n{d}"),
                None => d.to_owned(),
            });
        }
        if r.warnings.len() == pruned_before {
            op.example = def.example.clone();
        } else if def.example.is_some() {
            // Written against the parameters `--prune-missing` just dropped: it would not compile.
            r.warnings.push(crate::CodegenError::new(
                &live.types_file,
                format!("{p}/example"),
                format!("the example of `{action}` uses what the spec no longer has (dropped: --prune-missing)"),
            ));
        }
    }
    for (oi, path, rd, rp) in same_as {
        attach_same_as(r, ops, oi, &path, &rd, &rp);
    }
    for op in ops.iter_mut() {
        op.client_token = op
            .params
            .iter()
            .position(|p| p.field.wire_name == "ClientToken" && p.field.ty == TypeRef::String);
    }
}

/// Checks a typed parameter against the spec parameter it replaces; `Err` is the message.
fn check_against_spec(spec_p: &Param, pd: &ParamDef, action: &str) -> Result<(), String> {
    let name = &spec_p.field.wire_name;
    if let Some(loc) = pd.location {
        if location(loc) != spec_p.location {
            return Err(format!(
                "`{action}` sends `{name}` in the {}, not the {}; the overlay states where the typed value goes, so update it deliberately",
                where_(spec_p.location),
                where_(location(loc))
            ));
        }
    }
    if pd.ty.is_some() && (spec_p.field.ty != TypeRef::String || spec_p.style != Style::Scalar) {
        return Err(format!(
            "`{action}.{name}` is not a plain string in the spec, so it cannot carry a typed JSON document"
        ));
    }
    if pd.required == Some(false) && spec_p.field.required {
        return Err(format!(
            "`{action}.{name}` is required by the spec; the overlay may not make it optional"
        ));
    }
    Ok(())
}

fn where_(l: Location) -> &'static str {
    match l {
        Location::Query => "query",
        Location::Form => "form body",
    }
}

fn attach_param(r: &mut Resolver<'_>, op: &mut Operation, name: &str, pd: &ParamDef, pp: &str) {
    let Some(i) = op.params.iter().position(|p| p.field.wire_name == name) else {
        let file = r.overlay.types_file.clone();
        r.gone(
            &file,
            pp,
            format!(
                "`{}` has no parameter `{name}` in the spec (or a union already covers it)",
                op.action
            ),
        );
        return;
    };
    if let Err(m) = check_against_spec(&op.params[i], pd, &op.action) {
        r.types_err(pp, m);
        return;
    }
    let typed = pd.ty.as_deref().map(|t| parse(r, t));
    let style = typed.as_ref().map(|ty| style_of(r, pd, ty));
    let p = &mut op.params[i];
    if let (Some(ty), Some(style)) = (typed, style) {
        p.style = style;
        p.field.ty = ty;
    }
    if pd.required == Some(true) {
        p.field.required = true;
    }
    if let Some(d) = &pd.doc {
        p.field.docs = Some(d.trim_end().to_owned());
    }
    let extra = checks_of(&pd.limits, &pd.checks);
    merge_checks(&mut p.field.checks, extra);
}

fn merge_checks(into: &mut Checks, extra: Checks) {
    let o = &mut into.own;
    let e = extra.own;
    o.min_length = e.min_length.or(o.min_length);
    o.max_length = e.max_length.or(o.max_length);
    o.minimum = e.minimum.or(o.minimum);
    o.maximum = e.maximum.or(o.maximum);
    o.min_items = e.min_items.or(o.min_items);
    o.max_items = e.max_items.or(o.max_items);
    if !e.enum_values.is_empty() {
        o.enum_values = e.enum_values;
    }
    if extra.inner.is_some() {
        into.inner = extra.inner;
    }
    into.rules.extend(extra.rules);
}

fn attach_union(r: &mut Resolver<'_>, op: &mut Operation, name: &str, rust: &str, up: &str) {
    let Some(&ui) = r.declared.get(name) else {
        return; // reported by the file check
    };
    let TypeKind::Union {
        tag,
        tag_location,
        variants,
        ..
    } = r.types[ui].kind.clone()
    else {
        return;
    };
    let union_ptr = r.types[ui].pointer.clone();
    let mut covered: Vec<usize> = Vec::new();
    let mut problems = Vec::new();
    let mut missing = Vec::new();
    match op.params.iter().position(|p| p.field.wire_name == tag) {
        None => missing.push(format!(
            "`{}` has no tag parameter `{tag}` in the spec",
            op.action
        )),
        Some(i) => {
            let p = &op.params[i];
            if p.location != tag_location || p.field.ty != TypeRef::String {
                problems.push(format!(
                    "`{}.{tag}` is a {} string in the overlay but the spec has it differently",
                    op.action,
                    where_(tag_location)
                ));
            }
            covered.push(i);
        }
    }
    let mut docs = BTreeMap::new();
    for v in &variants {
        for vp in &v.params {
            let name = &vp.field.wire_name;
            match op.params.iter().position(|p| &p.field.wire_name == name) {
                None => missing.push(format!(
                    "`{}` has no parameter `{name}` (variant {} of {})",
                    op.action, v.rust, r.types[ui].name
                )),
                Some(i) => {
                    let pd = ParamDef {
                        ty: (vp.field.ty != TypeRef::String).then(String::new),
                        location: Some(match vp.location {
                            Location::Query => Loc::Query,
                            Location::Form => Loc::Form,
                        }),
                        required: Some(vp.field.required),
                        ..ParamDef::default()
                    };
                    let spec_p = &op.params[i];
                    // Required in the spec but optional in a variant is fine: that variant does
                    // not send it. Only location and type must agree.
                    let pd = ParamDef {
                        required: None,
                        ..pd
                    };
                    if let Err(m) = check_against_spec(spec_p, &pd, &op.action) {
                        problems.push(m);
                    }
                    docs.entry(name.clone())
                        .or_insert_with(|| spec_p.field.docs.clone());
                    if !covered.contains(&i) {
                        covered.push(i);
                    }
                }
            }
        }
    }
    if !problems.is_empty() {
        for m in problems.into_iter().chain(missing) {
            r.types_err(up, format!("{m} (union declared at {union_ptr})"));
        }
        return;
    }
    if !missing.is_empty() {
        let file = r.overlay.types_file.clone();
        for m in missing {
            r.gone(&file, up, format!("{m} (union declared at {union_ptr})"));
        }
        return;
    }
    // Variant parameters without their own docs take the spec's.
    if let TypeKind::Union {
        variants, tag_docs, ..
    } = &mut r.types[ui].kind
    {
        for v in variants.iter_mut() {
            for vp in v.params.iter_mut() {
                if vp.field.docs.is_none() {
                    vp.field.docs = docs.get(&vp.field.wire_name).cloned().flatten();
                }
            }
        }
        if tag_docs.is_none() {
            *tag_docs = op
                .params
                .iter()
                .find(|p| p.field.wire_name == tag)
                .and_then(|p| p.field.docs.clone());
        }
    }
    covered.sort_unstable();
    let at = covered[0];
    let field = Field {
        wire_name: tag.clone(),
        rust_name: rust.to_owned(),
        ty: TypeRef::Named(ui),
        required: true,
        deprecated: false,
        docs: r.types[ui].docs.clone(),
        checks: Checks::default(),
        pointer: union_ptr,
    };
    for &i in covered.iter().rev() {
        op.params.remove(i);
    }
    op.params.insert(
        at,
        Param {
            field,
            location: tag_location,
            style: Style::Flatten,
        },
    );
}

/// Where a response path leads.
enum Target {
    /// Field `field` of the top-level response.
    Top(usize),
    /// Field `field` of named type `owner`.
    In(usize, usize),
    /// The item type of the list at the path (path ended in `[]`).
    Item(usize),
}

/// Follows `A.B[].C` through the response's types.
fn locate(r: &Resolver<'_>, top: &[Field], path: &str) -> Result<Target, String> {
    let segments: Vec<&str> = path.split('.').collect();
    let mut owner: Option<usize> = None;
    for (n, seg) in segments.iter().enumerate() {
        let (name, item) = match seg.strip_suffix("[]") {
            Some(s) => (s, true),
            None => (*seg, false),
        };
        let fields = match owner {
            None => top,
            Some(o) => &r.types[o].fields,
        };
        let Some(fi) = fields.iter().position(|f| f.wire_name == name) else {
            let here = owner.map_or("the response".to_owned(), |o| {
                format!("`{}`", r.types[o].name)
            });
            return Err(format!("{here} has no field `{name}`"));
        };
        let last = n + 1 == segments.len();
        let ty = &fields[fi].ty;
        let next = match (ty, item) {
            (TypeRef::List(inner), true) => match &**inner {
                TypeRef::Named(j) => Some(*j),
                _ => return Err(format!("`{name}` is not a list of objects")),
            },
            (_, true) => return Err(format!("`{name}` is not a list")),
            (TypeRef::Named(j), false) => Some(*j),
            _ => None,
        };
        if last {
            return Ok(match (item, next) {
                (true, Some(j)) => Target::Item(j),
                _ => match owner {
                    None => Target::Top(fi),
                    Some(o) => Target::In(o, fi),
                },
            });
        }
        match next {
            Some(j) => owner = Some(j),
            None => return Err(format!("`{name}` is not an object")),
        }
    }
    Err("empty path".into())
}

fn field_mut<'x>(
    r: &'x mut Resolver<'_>,
    op: &'x mut Operation,
    t: &Target,
) -> Option<&'x mut Field> {
    match *t {
        Target::Top(i) => op.response.get_mut(i),
        Target::In(o, i) => r.types.get_mut(o)?.fields.get_mut(i),
        Target::Item(_) => None,
    }
}

fn attach_response(
    r: &mut Resolver<'_>,
    op: &mut Operation,
    path: &str,
    rd: &ResponseDef,
    rp: &str,
) {
    let target = match locate(r, &op.response, path) {
        Ok(t) => t,
        Err(m) => {
            let file = r.overlay.types_file.clone();
            r.gone(&file, rp, format!("`{}`: {m}", op.action));
            return;
        }
    };
    if let Some(name) = &rd.name {
        let idx = match &target {
            Target::Item(j) => Some(*j),
            Target::Top(_) | Target::In(..) => {
                let t = field_mut(r, op, &target).map(|f| f.ty.clone());
                match t {
                    Some(TypeRef::Named(j)) => Some(j),
                    _ => None,
                }
            }
        };
        match idx {
            Some(j) if r.meta[j].mergeable => {
                r.meta[j].fixed = Some((name.clone(), r.overlay.types_file.clone(), rp.to_owned()));
            }
            _ => r.types_err(
                rp,
                format!(
                    "`{path}` of `{}` is not an object the spec defines inline",
                    op.action
                ),
            ),
        }
    }
    let typed = rd.ty.as_deref().map(|t| parse(r, t));
    let action = op.action.clone();
    let Some(field) = field_mut(r, op, &target) else {
        if typed.is_some() || rd.required {
            r.types_err(
                rp,
                "`type` and `required` apply to a field, not to `[]` items",
            );
        }
        return;
    };
    if let Some(ty) = typed {
        if field.ty != TypeRef::String {
            let m = format!(
                "`{action}.{path}` is not a string in the spec, so it cannot become an enum or a JSON document"
            );
            r.types_err(rp, m);
            return;
        }
        field.ty = ty;
    }
    if rd.required {
        field.required = true;
    }
}

/// Whether a value of type `a` (source) fits where type `b` (target) is declared: same type, or a
/// string the target refines into an enum or a JSON document, or objects/lists that fit field by
/// field.
fn fits(r: &Resolver<'_>, a: &TypeRef, b: &TypeRef, depth: usize) -> bool {
    if a == b {
        return true;
    }
    if depth > 32 {
        return false;
    }
    match (a, b) {
        (TypeRef::String, TypeRef::JsonString(_)) => true,
        (TypeRef::String, TypeRef::Named(j)) => {
            matches!(r.types[*j].kind, TypeKind::Enum { .. })
        }
        (TypeRef::List(x), TypeRef::List(y)) => fits(r, x, y, depth + 1),
        (TypeRef::Named(x), TypeRef::Named(y)) => r.types[*x].fields.iter().all(|f| {
            r.types[*y]
                .fields
                .iter()
                .any(|g| g.wire_name == f.wire_name && fits(r, &f.ty, &g.ty, depth + 1))
        }),
        _ => false,
    }
}

fn attach_same_as(
    r: &mut Resolver<'_>,
    ops: &mut [Operation],
    oi: usize,
    path: &str,
    rd: &ResponseDef,
    rp: &str,
) {
    let reference = rd.same_as.clone().unwrap_or_default();
    let Some((other, other_path)) = reference.split_once('#') else {
        r.types_err(
            rp,
            format!("same_as {reference:?}: expected `Operation#Path`"),
        );
        return;
    };
    let Some(ti) = ops.iter().position(|o| o.action == other) else {
        r.types_err(rp, format!("same_as: unknown operation `{other}`"));
        return;
    };
    let target = match locate(r, &ops[ti].response, other_path) {
        Ok(Target::Item(j)) => j,
        Ok(t) => match field_mut(r, &mut ops[ti], &t).map(|f| f.ty.clone()) {
            Some(TypeRef::Named(j)) => j,
            _ => {
                r.types_err(
                    rp,
                    format!("same_as: `{other}#{other_path}` is not an object"),
                );
                return;
            }
        },
        Err(m) => {
            r.types_err(rp, format!("same_as: `{other}`: {m}"));
            return;
        }
    };
    let action = ops[oi].action.clone();
    let source = match locate(r, &ops[oi].response, path) {
        Ok(Target::Item(j)) => Some((j, None)),
        Ok(t) => match field_mut(r, &mut ops[oi], &t).map(|f| f.ty.clone()) {
            Some(TypeRef::Named(j)) => Some((j, Some(t))),
            _ => None,
        },
        Err(m) => {
            r.types_err(rp, format!("`{action}`: {m}"));
            return;
        }
    };
    let Some((source, field_target)) = source else {
        r.types_err(rp, format!("`{action}.{path}` is not an object"));
        return;
    };
    if !fits(r, &TypeRef::Named(source), &TypeRef::Named(target), 0) {
        let missing: Vec<String> = r.types[source]
            .fields
            .iter()
            .filter(|f| {
                !r.types[target]
                    .fields
                    .iter()
                    .any(|g| g.wire_name == f.wire_name && fits(r, &f.ty, &g.ty, 1))
            })
            .map(|f| f.wire_name.clone())
            .collect();
        r.types_err(
            rp,
            format!(
                "`{action}.{path}` cannot use the type of `{reference}`: its field(s) {} are missing there or have another type",
                missing.join(", ")
            ),
        );
        return;
    }
    let replace = |ty: &mut TypeRef| replace_named(ty, source, target);
    match field_target {
        Some(t) => {
            if let Some(f) = field_mut(r, &mut ops[oi], &t) {
                replace(&mut f.ty);
            }
        }
        None => {
            // A list item: rewrite the list field that holds it.
            let list_path = path.trim_end_matches("[]");
            if let Ok(t) = locate(r, &ops[oi].response, list_path) {
                if let Some(f) = field_mut(r, &mut ops[oi], &t) {
                    replace(&mut f.ty);
                }
            }
        }
    }
}

/// Rewrites `Named(from)` to `Named(to)` anywhere inside `ty`.
pub(super) fn replace_named(ty: &mut TypeRef, from: usize, to: usize) {
    match ty {
        TypeRef::Named(i) if *i == from => *i = to,
        TypeRef::List(t) | TypeRef::Map(t) | TypeRef::JsonString(t) => replace_named(t, from, to),
        _ => {}
    }
}
