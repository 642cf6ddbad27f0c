//! The YAML overlay next to each spec (`specs/ice/<version>/overlay.yaml`): what the upstream
//! metadata lacks. Loaded like the spec: YAML → JSON value → hand-written walk with JSON-pointer
//! errors.
//!
//! ```yaml
//! default_features: [media-production]     # groups enabled by the crate's `default` feature
//! idempotent_prefixes: [Get, List, Query]  # name prefixes of operations safe to re-send
//! groups:                                  # cargo features; every operation in exactly one
//!   media-production:
//!     description: Editing, batch/scene production, templates
//!     operations: [SubmitSceneMediaSelectionJob, ...]
//! idempotent: { SearchIndexJobRerun: false }   # overrides of the prefix rule
//! pagination:                              # overrides of the auto-detection
//!   ListAvatars: { items: Data.AvatarList, total: Data.TotalCount }
//!   SomeOp: false                          # not paginated
//! constraints:                             # bounds the spec does not declare
//!   ListBatchMediaProducingJobs:
//!     MaxResults: { minimum: 1, maximum: 100 }
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::output::CodegenError;
use crate::spec::node::Node;

/// A loaded overlay.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Overlay {
    /// The overlay file.
    pub file: PathBuf,
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
    /// Extra constraints: action → dotted field path → patch.
    pub constraints: BTreeMap<String, Vec<ConstraintPatch>>,
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
    /// Member actions with their pointers.
    pub operations: Vec<(String, String)>,
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

/// Reads and loads an overlay file.
pub fn read_overlay(path: &Path) -> Result<Overlay, CodegenError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CodegenError::new(path, "", format!("cannot read file: {e}")))?;
    load_overlay(path, &text)
}

/// Loads overlay YAML text; `file` is used in errors.
pub fn load_overlay(file: &Path, text: &str) -> Result<Overlay, CodegenError> {
    let value: Value = serde_norway::from_str(text).map_err(|e| {
        let at = e
            .location()
            .map(|l| format!(" at line {} column {}", l.line(), l.column()))
            .unwrap_or_default();
        CodegenError::new(file, "", format!("invalid YAML{at}: {e}"))
    })?;
    let root = Node::root(file, &value);
    if value.is_null() {
        return Ok(Overlay {
            file: file.to_path_buf(),
            ..Overlay::default()
        });
    }
    let top = root.object()?;
    for key in top.keys() {
        if !matches!(
            key.as_str(),
            "default_features"
                | "idempotent_prefixes"
                | "groups"
                | "idempotent"
                | "pagination"
                | "constraints"
        ) {
            return Err(root.error_at(
                key,
                format!("unknown overlay key `{key}`; expected default_features, idempotent_prefixes, groups, idempotent, pagination or constraints"),
            ));
        }
    }
    let mut out = Overlay {
        file: file.to_path_buf(),
        ..Overlay::default()
    };
    if let Some(c) = root.get("default_features") {
        out.default_features = strings_with_pointers(c.node())?;
    }
    if let Some(c) = root.get("idempotent_prefixes") {
        out.idempotent_prefixes = strings_with_pointers(c.node())?
            .into_iter()
            .map(|(s, _)| s)
            .collect();
    }
    if let Some(c) = root.get("groups") {
        let groups = c.node();
        for (name, v) in groups.object()? {
            let child = groups.member(name, v);
            let g = child.node();
            if name.is_empty()
                || !name
                    .chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-')
                || name.starts_with(|ch: char| !ch.is_ascii_lowercase())
            {
                return Err(g.error(format!(
                    "group name {name:?} is not a valid feature name; expected lower-case kebab-case such as `media-production`"
                )));
            }
            if name == "default" {
                return Err(g.error("`default` is reserved by cargo; pick another group name"));
            }
            g.object()?;
            let operations = match g.get("operations") {
                Some(o) => strings_with_pointers(o.node())?,
                None => return Err(g.error("group has no `operations` list")),
            };
            out.groups.push(Group {
                name: name.clone(),
                description: g.opt_str("description")?.unwrap_or_default(),
                pointer: g.pointer().to_owned(),
                operations,
            });
        }
    }
    if let Some(c) = root.get("idempotent") {
        let map = c.node();
        for (action, v) in map.object()? {
            let child = map.member(action, v);
            let b = child.node().boolean()?;
            out.idempotent
                .insert(action.clone(), (b, child.pointer().to_owned()));
        }
    }
    if let Some(c) = root.get("pagination") {
        let map = c.node();
        for (action, v) in map.object()? {
            let child = map.member(action, v);
            let n = child.node();
            let hint = match v {
                Value::Bool(false) => PaginationHint {
                    pointer: n.pointer().to_owned(),
                    disabled: true,
                    kind: None,
                    items: None,
                    total: None,
                    token: None,
                },
                Value::Object(obj) => {
                    for key in obj.keys() {
                        if !matches!(key.as_str(), "kind" | "items" | "total" | "token") {
                            return Err(n.error_at(
                                key,
                                format!("unknown pagination key `{key}`; expected kind, items, total or token"),
                            ));
                        }
                    }
                    let kind = n.opt_str("kind")?;
                    if let Some(k) = &kind {
                        if k != "token" && k != "page" {
                            return Err(n.error_at(
                                "kind",
                                format!("unknown pagination kind {k:?}; expected token or page"),
                            ));
                        }
                    }
                    PaginationHint {
                        pointer: n.pointer().to_owned(),
                        disabled: false,
                        kind,
                        items: n.opt_str("items")?,
                        total: n.opt_str("total")?,
                        token: n.opt_str("token")?,
                    }
                }
                _ => {
                    return Err(n.error("expected `false` or a mapping with kind/items/total/token"))
                }
            };
            out.pagination.insert(action.clone(), hint);
        }
    }
    if let Some(c) = root.get("constraints") {
        let map = c.node();
        for (action, v) in map.object()? {
            let child = map.member(action, v);
            let fields = child.node();
            let mut patches = Vec::new();
            for (path, fv) in fields.object()? {
                let fchild = fields.member(path, fv);
                patches.push(load_patch(fchild.node(), path)?);
            }
            out.constraints.insert(action.clone(), patches);
        }
    }
    Ok(out)
}

fn strings_with_pointers(n: Node<'_>) -> Result<Vec<(String, String)>, CodegenError> {
    let mut out = Vec::new();
    for (i, v) in n.array()?.iter().enumerate() {
        let c = n.at(i, v);
        out.push((c.node().string()?.to_owned(), c.pointer().to_owned()));
    }
    Ok(out)
}

fn load_patch(n: Node<'_>, path: &str) -> Result<ConstraintPatch, CodegenError> {
    for key in n.object()?.keys() {
        if !matches!(
            key.as_str(),
            "minimum"
                | "maximum"
                | "min_length"
                | "max_length"
                | "min_items"
                | "max_items"
                | "enum"
        ) {
            return Err(n.error_at(
                key,
                format!("unknown constraint `{key}`; expected minimum, maximum, min_length, max_length, min_items, max_items or enum"),
            ));
        }
    }
    let mut enum_values = Vec::new();
    if let Some(c) = n.get("enum") {
        for (s, _) in strings_with_pointers(c.node())? {
            enum_values.push(s);
        }
    }
    Ok(ConstraintPatch {
        pointer: n.pointer().to_owned(),
        path: path.to_owned(),
        minimum: n.opt_f64("minimum")?,
        maximum: n.opt_f64("maximum")?,
        min_length: n.opt_u64("min_length")?,
        max_length: n.opt_u64("max_length")?,
        min_items: n.opt_u64("min_items")?,
        max_items: n.opt_u64("max_items")?,
        enum_values,
    })
}
