//! Extra bounds from the overlay (`constraints`) and pagination: detected from the parameters and
//! the response (`NextToken`/`MaxResults`, `PageNo`/`PageSize`, the only top-level list), fixed up
//! by the overlay (`pagination`).

use super::Resolver;
use crate::ir::{Field, Operation, PageKind, Pagination, TypeRef};
use crate::overlay::{ConstraintPatch, Overlay};

/// Applies every `constraints` entry.
pub(super) fn constraints(r: &mut Resolver<'_>, live: &Overlay, ops: &mut [Operation]) {
    for (action, (_, patches)) in &live.ops.constraints {
        let Some(op) = ops.iter_mut().find(|o| &o.action == action) else {
            continue; // reported by `live_overlay`
        };
        for patch in patches {
            match apply_patch(r, op, patch) {
                Ok(()) => {}
                Err(Patch::Gone(m)) => {
                    let file = r.overlay.file.clone();
                    r.gone(&file, &patch.pointer, m);
                }
                Err(Patch::Misfit(m)) => r.overlay_err(&patch.pointer, m),
            }
        }
    }
}

/// Why a constraint patch does not apply.
enum Patch {
    /// The parameter or field is not in the spec.
    Gone(String),
    /// It is there, but the constraint does not fit it.
    Misfit(String),
}

fn apply_patch(
    r: &mut Resolver<'_>,
    op: &mut Operation,
    patch: &ConstraintPatch,
) -> Result<(), Patch> {
    let mut segments = patch.path.split('.');
    let first = segments.next().unwrap_or_default();
    let Some(pi) = op.params.iter().position(|p| p.field.wire_name == first) else {
        return Err(Patch::Gone(format!(
            "operation `{}` has no parameter `{first}`",
            op.action
        )));
    };
    // Walk immutably to find the target: None = the parameter itself, Some((type, field)).
    let mut target: Option<(usize, usize)> = None;
    for seg in segments {
        let current = match target {
            None => &op.params[pi].field,
            Some((t, f)) => &r.types[t].fields[f],
        };
        let TypeRef::Named(idx) = current.ty else {
            return Err(Patch::Misfit(format!(
                "`{}` is not an object, so it has no field `{seg}`",
                current.wire_name
            )));
        };
        let Some(fi) = r.types[idx].fields.iter().position(|f| f.wire_name == seg) else {
            return Err(Patch::Gone(format!(
                "`{}` has no field `{seg}`",
                current.wire_name
            )));
        };
        target = Some((idx, fi));
    }
    let field: &mut Field = match target {
        None => &mut op.params[pi].field,
        Some((t, f)) => &mut r.types[t].fields[f],
    };
    let numeric = matches!(field.ty, TypeRef::Integer | TypeRef::Number);
    let text = field.ty == TypeRef::String;
    let list = matches!(field.ty, TypeRef::List(_));
    let mut problems = Vec::new();
    if (patch.minimum.is_some() || patch.maximum.is_some()) && !numeric {
        problems.push(format!(
            "minimum/maximum need a number, but `{}` is not one",
            patch.path
        ));
    }
    if (patch.min_length.is_some() || patch.max_length.is_some() || !patch.enum_values.is_empty())
        && !text
    {
        problems.push(format!(
            "min_length/max_length/enum need a string, but `{}` is not one",
            patch.path
        ));
    }
    if (patch.min_items.is_some() || patch.max_items.is_some()) && !list {
        problems.push(format!(
            "min_items/max_items need a list, but `{}` is not one",
            patch.path
        ));
    }
    if !problems.is_empty() {
        return Err(Patch::Misfit(problems.join("; ")));
    }
    let c = &mut field.checks.own;
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
pub(super) fn response_path(
    r: &Resolver<'_>,
    fields: &[Field],
    dotted: &str,
) -> Option<(Vec<usize>, TypeRef)> {
    let mut path = Vec::new();
    let mut current = fields;
    let mut ty = None;
    for seg in dotted.split('.') {
        let i = current.iter().position(|f| f.wire_name == seg)?;
        path.push(i);
        let t = current[i].ty.clone();
        current = match &t {
            TypeRef::Named(n) => &r.types[*n].fields,
            TypeRef::JsonString(inner) => match &**inner {
                TypeRef::Named(n) => &r.types[*n].fields,
                _ => &[],
            },
            _ => &[],
        };
        ty = Some(t);
    }
    ty.map(|t| (path, t))
}

/// The pagination of `op`, or `None`; problems with an overlay hint are recorded.
pub(super) fn pagination(
    r: &mut Resolver<'_>,
    live: &Overlay,
    op: &Operation,
) -> Option<Pagination> {
    let hint = live.ops.pagination.get(&op.action);
    match detect(r, hint, op) {
        Ok(p) => p,
        Err(m) => {
            let pointer = hint.map(|h| h.pointer.clone()).unwrap_or_default();
            r.overlay_err(&pointer, m);
            None
        }
    }
}

fn detect(
    r: &Resolver<'_>,
    hint: Option<&crate::overlay::PaginationHint>,
    op: &Operation,
) -> Result<Option<Pagination>, String> {
    if hint.is_some_and(|h| h.disabled) {
        return Ok(None);
    }
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
                return Err(format!(
                    "`{}` has no NextToken/NextPageToken or PageNo/PageNumber parameter to paginate with",
                    op.action
                ));
            }
            return Ok(None);
        }
    };
    let cursor_param = match kind {
        PageKind::Token => token_param,
        PageKind::PageNumber => page_param,
    };
    let Some(cursor_param) = cursor_param else {
        return Err(format!(
            "`{}` lacks the request parameter for this pagination kind",
            op.action
        ));
    };
    let size_param = match kind {
        PageKind::Token => param(&["MaxResults"], TypeRef::Integer)
            .or_else(|| param(&["PageSize"], TypeRef::Integer)),
        PageKind::PageNumber => param(&["PageSize"], TypeRef::Integer),
    };
    let lookup = |explicit: Option<&String>,
                  defaults: &[&str],
                  what: &str|
     -> Result<Option<(Vec<usize>, TypeRef)>, String> {
        if let Some(path) = explicit {
            return match response_path(r, &op.response, path) {
                Some(found) => Ok(Some(found)),
                None => Err(format!(
                    "the response of `{}` has no {what} field `{path}`",
                    op.action
                )),
            };
        }
        Ok(defaults
            .iter()
            .find_map(|d| response_path(r, &op.response, d)))
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
            return Err(format!(
                "cannot find the item list of `{}`; set `items`",
                op.action
            ));
        }
        return Ok(None);
    };
    let TypeRef::List(item_ty) = items_ty else {
        return Err(format!("the items field of `{}` is not a list", op.action));
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
                    return Err(format!(
                        "the token field of `{}` is not a string",
                        op.action
                    ))
                }
                None => {
                    if hint.is_some() {
                        return Err(format!(
                            "the response of `{}` has no `{wire}`; set `token`",
                            op.action
                        ));
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
            return Err(format!(
                "the total field of `{}` is neither an integer nor a string",
                op.action
            ))
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
