//! `overlay.yaml`: operation-level facts the api-docs metadata lacks. Loaded as YAML → JSON value →
//! a hand-written walk that records every problem with its JSON pointer and keeps going.
//!
//! ```yaml
//! default_features: [media-production]     # groups enabled by the crate's `default` feature
//! idempotent_prefixes: [Get, List, Query]  # name prefixes of operations safe to re-send
//! groups:                                  # cargo features; every operation in exactly one
//!   media-production:
//!     description: Batch and scene-based video production
//!     operations: [SubmitSceneMediaSelectionJob]   # claimed by name (wins over patterns)
//!     match: ["*Template*", "*MediaProducingJob*"] # claimed by pattern (`*` = any run)
//! idempotent: { SearchIndexJobRerun: false }   # overrides of the prefix rule
//! pagination:                              # overrides of the auto-detection
//!   ListAvatars: { items: Data.AvatarList, total: Data.TotalCount }
//!   SomeOp: false                          # not paginated
//! constraints:                             # bounds the spec does not declare
//!   ListBatchMediaProducingJobs:
//!     MaxResults: { minimum: 1, maximum: 100 }
//! waiters:                                 # async job families, keyed by the poll operation
//!   GetBatchMediaProducingJob:
//!     job: batch media-producing job       # noun for messages
//!     id: JobId                            # request parameter holding the job id (default JobId)
//!     status: EditingBatchJob.Status       # response path of the status
//!     success: [Finished]
//!     failure: [Failed]
//!     sub_jobs: {list: EditingBatchJob.SubJobList, status: Status, failure: [Failed]}
//!     error: {code: EditingBatchJob.Extend.ErrorCode, message: EditingBatchJob.Extend.ErrorMessage}
//!     submits: {SubmitBatchMediaProducingJob: JobId}   # operation → response path of the id
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::output::{CodegenError, Diagnostics};
use crate::spec::node::Node;

/// Everything `overlay.yaml` holds.
#[derive(Debug, Clone, Default)]
pub struct Ops {
    /// Groups enabled by default, with pointers.
    pub default_features: Vec<(String, String)>,
    /// Operation-name prefixes that mark an operation idempotent.
    pub idempotent_prefixes: Vec<String>,
    /// Operation groups in file order.
    pub groups: Vec<Group>,
    /// Idempotency overrides: action → (value, pointer).
    pub idempotent: BTreeMap<String, (bool, String)>,
    /// Pagination overrides: action → hint.
    pub pagination: BTreeMap<String, PaginationHint>,
    /// Extra constraints: action → patches (pointer of the action entry, patches).
    pub constraints: BTreeMap<String, (String, Vec<ConstraintPatch>)>,
    /// Waiters, keyed by poll operation.
    pub waiters: BTreeMap<String, WaiterDef>,
}

/// One operation group (→ one cargo feature and one module).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// Feature name (kebab-case).
    pub name: String,
    /// One-line description, used in docs.
    pub description: String,
    /// Pointer of the group.
    pub pointer: String,
    /// Member actions claimed by name, with their pointers.
    pub operations: Vec<(String, String)>,
    /// Name patterns (`*` matches any run of characters), with their pointers.
    pub patterns: Vec<(String, String)>,
}

/// Pagination override for one operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaginationHint {
    /// Pointer of the entry.
    pub pointer: String,
    /// `false` in the overlay: never paginated.
    pub disabled: bool,
    /// `kind: token | page`.
    pub kind: Option<String>,
    /// Dotted path of the item list in the response.
    pub items: Option<String>,
    /// Dotted path of the total count in the response.
    pub total: Option<String>,
    /// Dotted path of the next token in the response.
    pub token: Option<String>,
}

/// Extra bounds for one request field.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ConstraintPatch {
    /// Pointer of the entry.
    pub pointer: String,
    /// Dotted wire path (`MaxResults`, `TemplateConfig.VideoParams.Fps`).
    pub path: String,
    /// `minimum`.
    pub minimum: Option<f64>,
    /// `maximum`.
    pub maximum: Option<f64>,
    /// `min_length`.
    pub min_length: Option<u64>,
    /// `max_length`.
    pub max_length: Option<u64>,
    /// `min_items`.
    pub min_items: Option<u64>,
    /// `max_items`.
    pub max_items: Option<u64>,
    /// `enum`.
    pub enum_values: Vec<String>,
}

/// A modeled waiter: how to tell from the poll operation's response where a job stands.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WaiterDef {
    /// Pointer of the entry.
    pub pointer: String,
    /// What the job is called in messages (`batch media-producing job`).
    pub job: String,
    /// Request parameter holding the job id.
    pub id: String,
    /// Dotted response path of the status.
    pub status: String,
    /// Statuses that end the wait successfully.
    pub success: Vec<String>,
    /// Statuses that end the wait with a failed job.
    pub failure: Vec<String>,
    /// Sub-jobs: a success with failed sub-jobs is "finished with failures".
    pub sub_jobs: Option<SubJobsDef>,
    /// Dotted response path of the job's error code.
    pub error_code: Option<String>,
    /// Dotted response path of the job's error message.
    pub error_message: Option<String>,
    /// Operations that start such a job → dotted path of the job id in their response.
    pub submits: Vec<(String, String, String)>,
}

/// The sub-jobs of a waiter.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SubJobsDef {
    /// Dotted response path of the sub-job list.
    pub list: String,
    /// Field of each item holding its status.
    pub status: String,
    /// Item statuses that count as succeeded.
    pub success: Vec<String>,
    /// Item statuses that count as failed.
    pub failure: Vec<String>,
}

const KEYS: &[&str] = &[
    "default_features",
    "idempotent_prefixes",
    "groups",
    "idempotent",
    "pagination",
    "constraints",
    "waiters",
];

/// Loads overlay YAML text; `file` is used in errors. Problems go to `diag`.
pub fn load(file: &Path, text: &str, diag: &mut Diagnostics) -> Ops {
    let mut out = Ops::default();
    let Some(value) = super::parse_yaml(file, text, diag) else {
        return out;
    };
    if value.is_null() {
        return out;
    }
    let root = Node::root(file, &value);
    let Some(top) = diag.take(root.object()) else {
        return out;
    };
    for key in top.keys() {
        if !KEYS.contains(&key.as_str()) {
            diag.error(root.error_at(
                key,
                format!(
                    "unknown overlay key `{key}`; expected one of {}",
                    KEYS.join(", ")
                ),
            ));
        }
    }
    if let Some(c) = root.get("default_features") {
        out.default_features = strings(c.node(), diag);
    }
    if let Some(c) = root.get("idempotent_prefixes") {
        out.idempotent_prefixes = strings(c.node(), diag)
            .into_iter()
            .map(|(s, _)| s)
            .collect();
    }
    if let Some(c) = root.get("groups") {
        load_groups(c.node(), &mut out, diag);
    }
    if let Some(c) = root.get("idempotent") {
        let map = c.node();
        for (action, v) in diag.take(map.object()).into_iter().flatten() {
            let child = map.member(action, v);
            if let Some(b) = diag.take(child.node().boolean()) {
                out.idempotent
                    .insert(action.clone(), (b, child.pointer().to_owned()));
            }
        }
    }
    if let Some(c) = root.get("pagination") {
        let map = c.node();
        for (action, v) in diag.take(map.object()).into_iter().flatten() {
            let child = map.member(action, v);
            if let Some(h) = load_pagination(child.node(), v, diag) {
                out.pagination.insert(action.clone(), h);
            }
        }
    }
    if let Some(c) = root.get("constraints") {
        let map = c.node();
        for (action, v) in diag.take(map.object()).into_iter().flatten() {
            let child = map.member(action, v);
            let fields = child.node();
            let mut patches = Vec::new();
            for (path, fv) in diag.take(fields.object()).into_iter().flatten() {
                let fchild = fields.member(path, fv);
                if let Some(p) = load_patch(fchild.node(), path, diag) {
                    patches.push(p);
                }
            }
            out.constraints
                .insert(action.clone(), (child.pointer().to_owned(), patches));
        }
    }
    if let Some(c) = root.get("waiters") {
        let map = c.node();
        for (action, v) in diag.take(map.object()).into_iter().flatten() {
            let child = map.member(action, v);
            if let Some(w) = load_waiter(child.node(), diag) {
                out.waiters.insert(action.clone(), w);
            }
        }
    }
    out
}

fn strings(n: Node<'_>, diag: &mut Diagnostics) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (i, v) in diag.take(n.array()).into_iter().flatten().enumerate() {
        let c = n.at(i, v);
        if let Some(s) = diag.take(c.node().string()) {
            out.push((s.to_owned(), c.pointer().to_owned()));
        }
    }
    out
}

fn unknown_keys(n: Node<'_>, allowed: &[&str], what: &str, diag: &mut Diagnostics) {
    if let Some(obj) = n.value.as_object() {
        for key in obj.keys() {
            if !allowed.contains(&key.as_str()) {
                diag.error(n.error_at(
                    key,
                    format!(
                        "unknown {what} key `{key}`; expected {}",
                        allowed.join(", ")
                    ),
                ));
            }
        }
    }
}

fn load_groups(groups: Node<'_>, out: &mut Ops, diag: &mut Diagnostics) {
    for (name, v) in diag.take(groups.object()).into_iter().flatten() {
        let child = groups.member(name, v);
        let g = child.node();
        let valid = !name.is_empty()
            && name
                .chars()
                .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-')
            && name.starts_with(|ch: char| ch.is_ascii_lowercase());
        if !valid {
            diag.error(g.error(format!(
                "group name {name:?} is not a valid feature name; expected lower-case kebab-case such as `media-production`"
            )));
        }
        if matches!(name.as_str(), "default" | "full" | "emulator") {
            diag.error(g.error(format!(
                "`{name}` is a feature the crate defines itself; pick another group name"
            )));
        }
        if diag.take(g.object()).is_none() {
            continue;
        }
        unknown_keys(g, &["description", "operations", "match"], "group", diag);
        let operations = g
            .get("operations")
            .map(|o| strings(o.node(), diag))
            .unwrap_or_default();
        let patterns = g
            .get("match")
            .map(|o| strings(o.node(), diag))
            .unwrap_or_default();
        for (p, ptr) in &patterns {
            if p.is_empty() || !p.chars().all(|c| c.is_ascii_alphanumeric() || c == '*') {
                diag.error(CodegenError::new(
                    g.file,
                    ptr,
                    format!("pattern {p:?} may hold letters, digits and `*` only"),
                ));
            }
        }
        if operations.is_empty() && patterns.is_empty() {
            diag.error(g.error("group claims no operations: give `operations` or `match`"));
        }
        out.groups.push(Group {
            name: name.clone(),
            description: diag
                .take(g.opt_str("description"))
                .flatten()
                .unwrap_or_default(),
            pointer: g.pointer().to_owned(),
            operations,
            patterns,
        });
    }
}

fn load_pagination(n: Node<'_>, v: &Value, diag: &mut Diagnostics) -> Option<PaginationHint> {
    match v {
        Value::Bool(false) => Some(PaginationHint {
            pointer: n.pointer().to_owned(),
            disabled: true,
            kind: None,
            items: None,
            total: None,
            token: None,
        }),
        Value::Object(_) => {
            unknown_keys(n, &["kind", "items", "total", "token"], "pagination", diag);
            let kind = diag.take(n.opt_str("kind")).flatten();
            if let Some(k) = &kind {
                if k != "token" && k != "page" {
                    diag.error(n.error_at(
                        "kind",
                        format!("unknown pagination kind {k:?}; expected token or page"),
                    ));
                }
            }
            Some(PaginationHint {
                pointer: n.pointer().to_owned(),
                disabled: false,
                kind,
                items: diag.take(n.opt_str("items")).flatten(),
                total: diag.take(n.opt_str("total")).flatten(),
                token: diag.take(n.opt_str("token")).flatten(),
            })
        }
        _ => {
            diag.error(n.error("expected `false` or a mapping with kind/items/total/token"));
            None
        }
    }
}

fn load_patch(n: Node<'_>, path: &str, diag: &mut Diagnostics) -> Option<ConstraintPatch> {
    diag.take(n.object())?;
    unknown_keys(
        n,
        &[
            "minimum",
            "maximum",
            "min_length",
            "max_length",
            "min_items",
            "max_items",
            "enum",
        ],
        "constraint",
        diag,
    );
    let enum_values = n
        .get("enum")
        .map(|c| {
            strings(c.node(), diag)
                .into_iter()
                .map(|(s, _)| s)
                .collect()
        })
        .unwrap_or_default();
    let patch = ConstraintPatch {
        pointer: n.pointer().to_owned(),
        path: path.to_owned(),
        minimum: diag.take(n.opt_f64("minimum")).flatten(),
        maximum: diag.take(n.opt_f64("maximum")).flatten(),
        min_length: diag.take(n.opt_u64("min_length")).flatten(),
        max_length: diag.take(n.opt_u64("max_length")).flatten(),
        min_items: diag.take(n.opt_u64("min_items")).flatten(),
        max_items: diag.take(n.opt_u64("max_items")).flatten(),
        enum_values,
    };
    let pairs = [
        ("minimum", patch.minimum, patch.maximum),
        (
            "min_length",
            patch.min_length.map(|x| x as f64),
            patch.max_length.map(|x| x as f64),
        ),
        (
            "min_items",
            patch.min_items.map(|x| x as f64),
            patch.max_items.map(|x| x as f64),
        ),
    ];
    for (key, lo, hi) in pairs {
        if let (Some(lo), Some(hi)) = (lo, hi) {
            if lo > hi {
                diag.error(n.error_at(key, format!("{lo} is above the maximum {hi}")));
            }
        }
    }
    Some(patch)
}

fn load_waiter(n: Node<'_>, diag: &mut Diagnostics) -> Option<WaiterDef> {
    diag.take(n.object())?;
    unknown_keys(
        n,
        &[
            "job", "id", "status", "success", "failure", "sub_jobs", "error", "submits",
        ],
        "waiter",
        diag,
    );
    let required = |key: &str, diag: &mut Diagnostics| -> String {
        match diag.take(n.opt_str(key)).flatten() {
            Some(s) if !s.is_empty() => s,
            _ => {
                diag.error(n.error(format!("a waiter needs `{key}`")));
                String::new()
            }
        }
    };
    let list = |key: &str, diag: &mut Diagnostics| -> Vec<String> {
        n.get(key)
            .map(|c| {
                strings(c.node(), diag)
                    .into_iter()
                    .map(|(s, _)| s)
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut w = WaiterDef {
        pointer: n.pointer().to_owned(),
        job: required("job", diag),
        id: diag
            .take(n.opt_str("id"))
            .flatten()
            .unwrap_or_else(|| "JobId".to_owned()),
        status: required("status", diag),
        success: list("success", diag),
        failure: list("failure", diag),
        ..WaiterDef::default()
    };
    if w.success.is_empty() {
        diag.error(n.error("a waiter needs at least one `success` status"));
    }
    if let Some(c) = n.get("sub_jobs") {
        let s = c.node();
        if diag.take(s.object()).is_some() {
            unknown_keys(
                s,
                &["list", "status", "success", "failure"],
                "sub_jobs",
                diag,
            );
            let get = |key: &str, diag: &mut Diagnostics| -> String {
                diag.take(s.opt_str(key)).flatten().unwrap_or_else(|| {
                    diag.error(s.error(format!("sub_jobs needs `{key}`")));
                    String::new()
                })
            };
            let lst = |key: &str, diag: &mut Diagnostics| -> Vec<String> {
                s.get(key)
                    .map(|c| {
                        strings(c.node(), diag)
                            .into_iter()
                            .map(|(x, _)| x)
                            .collect()
                    })
                    .unwrap_or_default()
            };
            w.sub_jobs = Some(SubJobsDef {
                list: get("list", diag),
                status: get("status", diag),
                success: lst("success", diag),
                failure: lst("failure", diag),
            });
        }
    }
    if let Some(c) = n.get("error") {
        let s = c.node();
        if diag.take(s.object()).is_some() {
            unknown_keys(s, &["code", "message"], "error", diag);
            w.error_code = diag.take(s.opt_str("code")).flatten();
            w.error_message = diag.take(s.opt_str("message")).flatten();
        }
    }
    if let Some(c) = n.get("submits") {
        let s = c.node();
        for (action, v) in diag.take(s.object()).into_iter().flatten() {
            let child = s.member(action, v);
            if let Some(path) = diag.take(child.node().string()) {
                w.submits
                    .push((action.clone(), path.to_owned(), child.pointer().to_owned()));
            }
        }
    }
    Some(w)
}

/// Whether `name` matches `pattern`, where `*` matches any (possibly empty) run of characters.
pub fn glob_match(pattern: &str, name: &str) -> bool {
    // Iterative matcher with one backtrack point: linear in practice, no recursion.
    let (p, n) = (pattern.as_bytes(), name.as_bytes());
    let (mut pi, mut ni) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ni < n.len() {
        if pi < p.len() && p[pi] == b'*' {
            star = Some(pi);
            pi += 1;
            mark = ni;
        } else if pi < p.len() && p[pi] == n[ni] {
            pi += 1;
            ni += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ni = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("*Template*", "AddTemplate"));
        assert!(glob_match("*Template*", "GetTemplateParams"));
        assert!(!glob_match("*Template*", "GetTemplat"));
        assert!(glob_match("Submit*Job", "SubmitSnapshotJob"));
        assert!(!glob_match("Submit*Job", "SubmitSnapshotJobs"));
        assert!(glob_match("*", ""));
        assert!(glob_match("Get", "Get"));
    }

    #[test]
    fn every_problem_is_reported() {
        let text = "bogus: 1\ngroups:\n  Bad_Name: {operations: [A]}\n  ok: {}\npagination:\n  X: {kind: weird, foo: 1}\nwaiters:\n  GetX: {status: S}\n";
        let mut diag = Diagnostics::new();
        load(Path::new("o.yaml"), text, &mut diag);
        let errs = diag.finish(()).unwrap_err();
        let text = errs.to_string();
        for needle in [
            "o.yaml#/bogus",
            "o.yaml#/groups/Bad_Name",
            "o.yaml#/groups/ok: group claims no operations",
            "o.yaml#/pagination/X/kind",
            "o.yaml#/pagination/X/foo",
            "o.yaml#/waiters/GetX: a waiter needs `job`",
            "a waiter needs at least one `success`",
        ] {
            assert!(text.contains(needle), "{needle} missing in\n{text}");
        }
        assert!(errs.len() >= 7);
    }
}
