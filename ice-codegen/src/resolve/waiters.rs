//! Modeled waiters (`waiters` in `overlay.yaml`) against the resolved operations: every path must
//! lead to a field of the right type, every status value must be one the status enum knows, the
//! job id parameter becomes required, and each submit operation's job id becomes a required
//! response field (a success without it is a decode error, never a poll of job `""`).

use super::pages::response_path;
use super::Resolver;
use crate::ir::{FieldPath, Operation, Starts, SubJobs, TypeKind, TypeRef, Waiter};
use crate::overlay::{Overlay, WaiterDef};

/// Resolves every waiter onto its poll operation and the operations that start its jobs.
pub(super) fn resolve(r: &mut Resolver<'_>, live: &Overlay, ops: &mut [Operation]) {
    for (action, def) in &live.ops.waiters {
        let Some(pi) = ops.iter().position(|o| &o.action == action) else {
            continue; // reported by `live_overlay`
        };
        let mut problems = Vec::new();
        let mut missing = Vec::new();
        let waiter = build(r, &ops[pi], def, &mut problems, &mut missing);
        let mut starts = Vec::new();
        for (submit, path, pointer) in &def.submits {
            let Some(si) = ops.iter().position(|o| &o.action == submit) else {
                continue;
            };
            match response_path(r, &ops[si].response, path) {
                Some((id, TypeRef::String)) => starts.push((si, id)),
                Some(_) => r.overlay_err(pointer, format!("`{submit}.{path}` is not a string")),
                None => r.overlay_err(
                    pointer,
                    format!("the response of `{submit}` has no `{path}`"),
                ),
            }
        }
        for m in &problems {
            r.overlay_err(&def.pointer, format!("waiter on `{action}`: {m}"));
        }
        for m in &missing {
            let file = r.overlay.file.clone();
            r.gone(&file, &def.pointer, format!("waiter on `{action}`: {m}"));
        }
        let Some(waiter) = waiter else { continue };
        ops[pi].params[waiter.id_param].field.required = true;
        for (si, id) in starts {
            set_required(r, &mut ops[si], &id);
            ops[si].starts = Some(Starts { poll: pi, id });
        }
        ops[pi].waiter = Some(waiter);
    }
}

/// Marks every field along `path` required (the id and the objects holding it).
fn set_required(r: &mut Resolver<'_>, op: &mut Operation, path: &[usize]) {
    let mut owner: Option<usize> = None;
    for &i in path {
        let f = match owner {
            None => &mut op.response[i],
            Some(o) => &mut r.types[o].fields[i],
        };
        f.required = true;
        owner = match f.ty {
            TypeRef::Named(n) => Some(n),
            _ => None,
        };
    }
}

fn status_values(r: &Resolver<'_>, ty: &TypeRef) -> Option<Vec<String>> {
    match ty {
        TypeRef::Named(n) => match &r.types[*n].kind {
            TypeKind::Enum { values } => Some(values.iter().map(|v| v.value.clone()).collect()),
            _ => None,
        },
        _ => None,
    }
}

fn check_values(
    known: &Option<Vec<String>>,
    values: &[String],
    what: &str,
    problems: &mut Vec<String>,
) {
    if let Some(known) = known {
        for v in values {
            if !known.contains(v) {
                problems.push(format!(
                    "{what} value {v:?} is not one of the status enum's values ({})",
                    known.join(", ")
                ));
            }
        }
    }
}

/// The waiter, or `None` with the reasons: `problems` conflict with the spec, `missing` name
/// parameters or fields it does not have.
fn build(
    r: &Resolver<'_>,
    op: &Operation,
    def: &WaiterDef,
    problems: &mut Vec<String>,
    missing: &mut Vec<String>,
) -> Option<Waiter> {
    let id_param = op
        .params
        .iter()
        .position(|p| p.field.wire_name == def.id && p.field.ty == TypeRef::String);
    if id_param.is_none() {
        missing.push(format!(
            "no string request parameter `{}` to carry the job id",
            def.id
        ));
    }
    let string_or_enum = |ty: &TypeRef| *ty == TypeRef::String || status_values(r, ty).is_some();
    let status = match response_path(r, &op.response, &def.status) {
        Some((p, ty)) if string_or_enum(&ty) => {
            let known = status_values(r, &ty);
            check_values(&known, &def.success, "success", problems);
            check_values(&known, &def.failure, "failure", problems);
            Some(p)
        }
        Some(_) => {
            problems.push(format!(
                "status `{}` is neither a string nor an open enum",
                def.status
            ));
            None
        }
        None => {
            missing.push(format!("the response has no `{}`", def.status));
            None
        }
    };
    let sub_jobs = match &def.sub_jobs {
        None => None,
        Some(s) => match response_path(r, &op.response, &s.list) {
            Some((list, TypeRef::List(inner))) => match *inner {
                TypeRef::Named(item) => {
                    match r.types[item]
                        .fields
                        .iter()
                        .position(|f| f.wire_name == s.status)
                    {
                        Some(fi) if string_or_enum(&r.types[item].fields[fi].ty) => {
                            let known = status_values(r, &r.types[item].fields[fi].ty);
                            check_values(&known, &s.success, "sub-job success", problems);
                            check_values(&known, &s.failure, "sub-job failure", problems);
                            Some(SubJobs {
                                list,
                                item,
                                status: fi,
                                success: s.success.clone(),
                                failure: s.failure.clone(),
                            })
                        }
                        _ => {
                            problems.push(format!(
                                "the items of `{}` have no string or enum field `{}`",
                                s.list, s.status
                            ));
                            None
                        }
                    }
                }
                _ => {
                    problems.push(format!("`{}` is not a list of objects", s.list));
                    None
                }
            },
            _ => {
                missing.push(format!("the response has no list `{}`", s.list));
                None
            }
        },
    };
    let string_path =
        |p: &Option<String>, what: &str, problems: &mut Vec<String>| -> Option<FieldPath> {
            let p = p.as_ref()?;
            match response_path(r, &op.response, p) {
                Some((path, TypeRef::String)) => Some(path),
                _ => {
                    problems.push(format!(
                        "{what} `{p}` is not a string field of the response"
                    ));
                    None
                }
            }
        };
    let error_code = string_path(&def.error_code, "error code", problems);
    let error_message = string_path(&def.error_message, "error message", problems);
    if !problems.is_empty() || !missing.is_empty() {
        return None;
    }
    Some(Waiter {
        job: def.job.clone(),
        id_param: id_param?,
        status: status?,
        success: def.success.clone(),
        failure: def.failure.clone(),
        sub_jobs,
        error_code,
        error_message,
    })
}
