//! Overlay entries against the spec's operation list: entries naming operations that are gone,
//! and the assignment of every operation to exactly one group (by name, else by pattern).

use std::collections::{BTreeMap, BTreeSet};

use super::{Options, Resolver};
use crate::ir::Group;
use crate::names::snake;
use crate::output::CodegenError;
use crate::overlay::ops::glob_match;
use crate::overlay::Overlay;

/// Group used when the overlay defines none (e.g. for third-party spec copies).
pub const FALLBACK_GROUP: &str = "all";

/// A copy of the overlay without the entries that name operations the spec does not have. Each
/// such entry is reported: an error, or a warning with [`Options::prune_missing`].
pub(super) fn live_overlay(r: &mut Resolver<'_>, options: Options) -> Overlay {
    let spec = r.spec;
    let mut live = r.overlay.clone();
    let mut gone: Vec<CodegenError> = Vec::new();
    let exists = |a: &str| spec.apis.contains_key(a);
    let file = live.file.clone();
    let types_file = live.types_file.clone();
    let mut report = |file: &std::path::Path, pointer: &str, what: String| {
        gone.push(CodegenError::new(
            file,
            pointer,
            format!("{what}: the spec has no such operation"),
        ));
    };
    for g in &mut live.ops.groups {
        g.operations.retain(|(a, p)| {
            let ok = exists(a);
            if !ok {
                report(&file, p, format!("operation `{a}` of group `{}`", g.name));
            }
            ok
        });
    }
    live.ops.idempotent.retain(|a, (_, p)| {
        let ok = exists(a);
        if !ok {
            report(&file, p, format!("idempotency override of `{a}`"));
        }
        ok
    });
    live.ops.pagination.retain(|a, h| {
        let ok = exists(a);
        if !ok {
            report(&file, &h.pointer, format!("pagination of `{a}`"));
        }
        ok
    });
    live.ops.constraints.retain(|a, (p, _)| {
        let ok = exists(a);
        if !ok {
            report(&file, p, format!("constraints of `{a}`"));
        }
        ok
    });
    live.ops.waiters.retain(|a, w| {
        let ok = exists(a);
        if !ok {
            report(&file, &w.pointer, format!("waiter on `{a}`"));
        }
        ok
    });
    for w in live.ops.waiters.values_mut() {
        w.submits.retain(|(a, _, p)| {
            let ok = exists(a);
            if !ok {
                report(&file, p, format!("submit operation `{a}` of a waiter"));
            }
            ok
        });
    }
    live.typed.operations.retain(|(a, _, p)| {
        let ok = exists(a);
        if !ok {
            report(&types_file, p, format!("typing of `{a}`"));
        }
        ok
    });
    live.typed.prelude.retain(|(a, p)| {
        let ok = exists(a);
        if !ok {
            report(&types_file, p, format!("prelude entry `{a}`"));
        }
        ok
    });
    for e in gone {
        if options.prune_missing {
            r.warnings.push(CodegenError::new(
                e.file,
                e.pointer,
                format!("{} (dropped: --prune-missing)", e.message),
            ));
        } else {
            r.diag.error(CodegenError::new(
                e.file,
                e.pointer,
                format!(
                    "{}; remove the entry, or run `cargo xtask codegen --prune-missing` to drop every such entry",
                    e.message
                ),
            ));
        }
    }
    live
}

/// Every operation in exactly one group: claimed by name first, else by exactly one group's
/// patterns. Returns the groups (sorted), action → group, and the default features.
pub(super) fn assign(
    r: &mut Resolver<'_>,
    live: &Overlay,
    options: Options,
) -> (Vec<Group>, BTreeMap<String, String>, Vec<String>) {
    let spec = r.spec;
    let file = live.file.clone();
    let mut group_of: BTreeMap<String, String> = BTreeMap::new();
    if live.ops.groups.is_empty() {
        let groups = vec![Group {
            feature: FALLBACK_GROUP.to_owned(),
            module: FALLBACK_GROUP.to_owned(),
            description: "Every operation.".to_owned(),
        }];
        return (groups, group_of, Vec::new());
    }
    let mut modules = BTreeMap::new();
    for g in &live.ops.groups {
        if let Some(other) = modules.insert(snake(&g.name), g.name.clone()) {
            r.overlay_err(
                &g.pointer,
                format!(
                    "group `{}` maps to the same module as group `{other}`",
                    g.name
                ),
            );
        }
        for (action, pointer) in &g.operations {
            if let Some(prev) = group_of.insert(action.clone(), g.name.clone()) {
                if prev != g.name {
                    r.overlay_err(
                        pointer,
                        format!(
                            "operation `{action}` is in group `{prev}` and again in group `{}`; every operation belongs to exactly one group",
                            g.name
                        ),
                    );
                }
            }
        }
    }
    let mut unclaimed = Vec::new();
    for action in spec.apis.keys() {
        if group_of.contains_key(action) {
            continue;
        }
        let claims: Vec<&str> = live
            .ops
            .groups
            .iter()
            .filter(|g| g.patterns.iter().any(|(p, _)| glob_match(p, action)))
            .map(|g| g.name.as_str())
            .collect();
        match claims.as_slice() {
            [one] => {
                group_of.insert(action.clone(), (*one).to_owned());
            }
            [] => unclaimed.push(action.clone()),
            many => r.overlay_err(
                "/groups",
                format!(
                    "operation `{action}` matches the patterns of groups {}; list it under one group's `operations`",
                    many.join(", ")
                ),
            ),
        }
    }
    if !unclaimed.is_empty() {
        let mut fragment = String::from("groups:\n  <group>:\n    operations:\n");
        for a in &unclaimed {
            fragment.push_str(&format!("      - {a}\n"));
        }
        r.overlay_err(
            "/groups",
            format!(
                "{} operation(s) belong to no group; add them by name or pattern, e.g.\n{}",
                unclaimed.len(),
                fragment.trim_end()
            ),
        );
    }
    let used: BTreeSet<&str> = group_of.values().map(String::as_str).collect();
    let mut dropped = BTreeSet::new();
    for g in &live.ops.groups {
        if used.contains(g.name.as_str()) {
            continue;
        }
        let message = format!("group `{}` has no operation in this spec", g.name);
        if options.prune_missing {
            r.warnings.push(CodegenError::new(
                &file,
                &g.pointer,
                format!("{message} (dropped: --prune-missing)"),
            ));
            dropped.insert(g.name.clone());
        } else {
            r.overlay_err(
                &g.pointer,
                format!("{message}; remove it, or run `cargo xtask codegen --prune-missing`"),
            );
        }
    }
    let mut groups: Vec<Group> = live
        .ops
        .groups
        .iter()
        .filter(|g| !dropped.contains(&g.name))
        .map(|g| Group {
            feature: g.name.clone(),
            module: snake(&g.name),
            description: g.description.clone(),
        })
        .collect();
    groups.sort_by(|a, b| a.feature.cmp(&b.feature));
    let mut default_features = Vec::new();
    for (name, pointer) in &live.ops.default_features {
        if dropped.contains(name) {
            continue;
        }
        if !groups.iter().any(|g| &g.feature == name) {
            r.overlay_err(
                pointer,
                format!("default feature `{name}` is not a group defined under `groups`"),
            );
        }
        default_features.push(name.clone());
    }
    default_features.sort();
    default_features.dedup();
    (groups, group_of, default_features)
}
