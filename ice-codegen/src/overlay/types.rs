//! `types.yaml`: the typed JSON-string parameters the api-docs metadata describes only as
//! `type: string` (the JobType configs of the scene and batch media-producing jobs), the open enums
//! of statuses and job types, and how each attaches to the spec's own operations, parameters and
//! response fields. The resolver checks every attachment against the spec; this module checks the
//! file on its own. Each entry is read separately, so one run reports the problems of every entry.
//!
//! ```yaml
//! version: 2
//! api_version: "2020-11-09"
//! prelude: [SubmitSceneMediaSelectionJob]       # operations whose types `ice_api::prelude` exports
//! types:                                        # struct | open_enum | untagged
//!   - {name: UserData, kind: struct, fields: [{wire: NotifyAddress, type: string}]}
//! unions:                                       # JobType-discriminated parameter sets
//!   - name: SceneMediaSelection
//!     tag: {param: JobType, location: query}
//!     variants:
//!       - {rust: SmartMix, value: Smart_Mix_Media_Select, constructor: smart_mix,
//!          params: [{param: InputConfig, type: SmartMixInputConfig, location: form, required: true}]}
//! operations:                                   # attachments to spec operations
//!   SubmitSceneMediaSelectionJob:
//!     union: {type: SceneMediaSelection, rust: job}
//!     params: {UserData: {type: UserData, location: query}}
//!     response: {JobId: {required: true}}
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use super::ty::Ty;
use crate::output::{CodegenError, Diagnostics};
use crate::spec::node::escape_token;

/// The whole file, each entry with its JSON pointer.
#[derive(Debug, Clone, Default)]
pub struct Typed {
    /// Operations whose request, response and config types `ice_api::prelude` re-exports.
    pub prelude: Vec<(String, String)>,
    /// Declared types.
    pub types: Vec<(TypeDef, String)>,
    /// JobType-discriminated unions.
    pub unions: Vec<(UnionDef, String)>,
    /// Attachments to spec operations, by action, in file order.
    pub operations: Vec<(String, OpDef, String)>,
    /// What each hand-written rule (`checks:`) checks, in words: other languages read it in the
    /// JSON Schema's `x-ice-rules`.
    pub rules: BTreeMap<String, String>,
}

/// What a [`TypeDef`] declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A JSON object with typed fields and an `extra` map for keys not modelled yet.
    Struct,
    /// A string enum with an `Unknown(String)` fallback.
    OpenEnum,
    /// A sum of struct types, serialized as the variant's own JSON.
    Untagged,
}

/// One declared type.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypeDef {
    /// Type name (UpperCamelCase), unique in the generated crate.
    pub name: String,
    /// Kind.
    pub kind: Kind,
    /// Description (language-neutral: it goes into rustdoc and JSON Schema alike).
    #[serde(default)]
    pub doc: String,
    /// Parsed from responses only: every field optional, no validation.
    #[serde(default)]
    pub response: bool,
    /// A JSON example (docs, schema `examples`, tests).
    pub example: Option<String>,
    /// Struct fields.
    #[serde(default)]
    pub fields: Vec<FieldDef>,
    /// Key-count rules over typed fields and `extra`.
    #[serde(default)]
    pub one_of: Vec<OneOf>,
    /// Type-level rules, hand-written in `ice-api/src/checks.rs` (function names).
    #[serde(default)]
    pub checks: Vec<String>,
    /// Limit on the compact JSON size in bytes.
    pub max_json_bytes: Option<u64>,
    /// Named constructors replacing `new`.
    #[serde(default)]
    pub constructors: Vec<Ctor>,
    /// Open-enum values.
    #[serde(default)]
    pub values: Vec<EnumValue>,
    /// Untagged variants.
    #[serde(default)]
    pub variants: Vec<UntaggedVariant>,
}

/// A field of a struct type.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    /// JSON key.
    pub wire: String,
    /// Rust field name; default: the snake_case of `wire`.
    pub rust: Option<String>,
    /// Type expression, see [`Ty`].
    #[serde(rename = "type")]
    pub ty: String,
    /// Constructor argument instead of an optional setter.
    #[serde(default)]
    pub required: bool,
    /// Description.
    #[serde(default)]
    pub doc: String,
    /// Simple limits.
    #[serde(default)]
    pub limits: Limits,
    /// Field-level rules, hand-written in `ice-api/src/checks.rs` (function names).
    #[serde(default)]
    pub checks: Vec<String>,
}

/// Simple limits of one value.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Fewest list items.
    pub min_items: Option<u64>,
    /// Most list items.
    pub max_items: Option<u64>,
    /// Fewest characters.
    pub min_chars: Option<u64>,
    /// Most characters.
    pub max_chars: Option<u64>,
    /// Most characters of each string item of a list.
    pub item_max_chars: Option<u64>,
    /// Smallest number.
    pub min: Option<f64>,
    /// Largest number.
    pub max: Option<f64>,
    /// Allowed string values.
    pub values: Option<Vec<String>>,
}

/// "Between `min` and `max` of these keys may be present."
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OneOf {
    /// JSON keys (typed fields or `extra` keys).
    pub keys: Vec<String>,
    /// Fewest keys present (0 or 1).
    #[serde(default)]
    pub min: u64,
    /// Most keys present (0, 1, or at least the number of keys).
    pub max: Option<u64>,
    /// Why, for the violation message.
    pub why: String,
}

/// A named constructor.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ctor {
    /// Function name.
    pub name: String,
    /// JSON keys of the optional fields it takes, in order (required fields come first).
    pub args: Vec<String>,
    /// Description.
    #[serde(default)]
    pub doc: String,
}

/// One open-enum value.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumValue {
    /// Wire value.
    pub value: String,
    /// Rust variant name.
    pub rust: String,
    /// Description.
    #[serde(default)]
    pub doc: String,
}

/// One untagged variant.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UntaggedVariant {
    /// Rust variant name.
    pub rust: String,
    /// The struct type it holds.
    #[serde(rename = "type")]
    pub ty: String,
    /// Description.
    #[serde(default)]
    pub doc: String,
}

/// A JobType-discriminated set of parameters.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnionDef {
    /// Type name.
    pub name: String,
    /// The spec parameter whose value the variant chooses.
    pub tag: TagDef,
    /// Description.
    #[serde(default)]
    pub doc: String,
    /// One variant per tag value.
    pub variants: Vec<VariantDef>,
}

/// The tag parameter of a union.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TagDef {
    /// Spec parameter name, e.g. `JobType`.
    pub param: String,
    /// Where the spec must place it.
    pub location: Loc,
}

/// One tag value of a union and the parameters it takes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VariantDef {
    /// Rust variant name.
    pub rust: String,
    /// Wire value of the tag.
    pub value: String,
    /// Constructor function name.
    pub constructor: String,
    /// Description.
    #[serde(default)]
    pub doc: String,
    /// A Rust doctest body.
    pub example: Option<String>,
    /// The spec parameters this job type sends, typed.
    pub params: Vec<ParamDef>,
}

/// A spec parameter, typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParamDef {
    /// Spec parameter name (only in union variants; operations key params by name).
    pub param: Option<String>,
    /// New type (the spec's must be `string`: a JSON-string parameter); default: the spec's.
    #[serde(rename = "type")]
    pub ty: Option<String>,
    /// Where the spec must place it; required with `type`.
    pub location: Option<Loc>,
    /// Wire style for a typed value; default `json` (`simple` joins a list with commas).
    pub style: Option<Style>,
    /// Required (may tighten the spec, never loosen it).
    pub required: Option<bool>,
    /// Description replacing the spec's.
    pub doc: Option<String>,
    /// Simple limits.
    #[serde(default)]
    pub limits: Limits,
    /// Hand-written field rules.
    #[serde(default)]
    pub checks: Vec<String>,
}

/// Parameter location as the overlay expects it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Loc {
    /// URL query.
    Query,
    /// Form body.
    Form,
}

/// Wire style of a typed parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Style {
    /// Compact JSON text.
    Json,
    /// A list joined with commas.
    Simple,
}

/// How one spec operation is typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpDef {
    /// Extra description appended to the spec's.
    pub doc: Option<String>,
    /// A Rust doctest body for the request type.
    pub example: Option<String>,
    /// A union that replaces its tag and variant parameters.
    pub union: Option<UnionUse>,
    /// Typed parameters by spec name.
    #[serde(default)]
    pub params: BTreeMap<String, ParamDef>,
    /// Response refinements by dotted path (`EditingBatchJob.SubJobList[].Status`).
    #[serde(default)]
    pub response: BTreeMap<String, ResponseDef>,
}

/// An operation's union field.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnionUse {
    /// The union's name.
    #[serde(rename = "type")]
    pub ty: String,
    /// Rust field name of the request.
    pub rust: String,
}

/// A refinement of one response field (or, for `name`/`same_as`, of the object at a path).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseDef {
    /// New type: an open enum or `json_string<T>` (the spec's must be `string`).
    #[serde(rename = "type")]
    pub ty: Option<String>,
    /// A success response without it (or with it empty) is a decode error.
    #[serde(default)]
    pub required: bool,
    /// Type name of the object at this path (for a list: of its items, path ending in `[]`).
    pub name: Option<String>,
    /// Use the type of another operation's object (`Operation#Path`); every field here must
    /// exist there with the same type.
    pub same_as: Option<String>,
}

const KEYS: &[&str] = &[
    "version",
    "api_version",
    "prelude",
    "rules",
    "types",
    "unions",
    "operations",
];

/// Reads `types.yaml` text. Every entry is checked; all problems land in `diag`.
pub fn load(file: &Path, text: &str, diag: &mut Diagnostics) -> Typed {
    let mut out = Typed::default();
    let Some(root) = super::parse_yaml(file, text, diag) else {
        return out;
    };
    let err = |p: String, m: String| CodegenError::new(file, p, m);
    let Some(top) = root.as_object() else {
        diag.error(err(String::new(), "expected a mapping at the top".into()));
        return out;
    };
    for key in top.keys() {
        if !KEYS.contains(&key.as_str()) {
            diag.error(err(
                format!("/{}", escape_token(key)),
                format!("unknown key `{key}`; expected one of {}", KEYS.join(", ")),
            ));
        }
    }
    if top.get("version").and_then(Value::as_u64) != Some(2) {
        diag.error(err(
            "/version".into(),
            "expected `version: 2` (the format this generator reads)".into(),
        ));
    }
    if let Some(p) = top.get("prelude") {
        match p.as_array() {
            Some(items) => {
                for (i, v) in items.iter().enumerate() {
                    match v.as_str() {
                        Some(s) => out.prelude.push((s.to_owned(), format!("/prelude/{i}"))),
                        None => diag.error(err(
                            format!("/prelude/{i}"),
                            "expected an operation name".into(),
                        )),
                    }
                }
            }
            None => diag.error(err(
                "/prelude".into(),
                "expected a list of operation names".into(),
            )),
        }
    }
    if let Some(r) = top.get("rules") {
        match r.as_object() {
            Some(map) => {
                for (name, v) in map {
                    match v.as_str() {
                        Some(d) if !d.trim().is_empty() => {
                            out.rules.insert(name.clone(), d.trim().to_owned());
                        }
                        _ => diag.error(err(
                            format!("/rules/{}", escape_token(name)),
                            "expected a sentence describing the rule".into(),
                        )),
                    }
                }
            }
            None => diag.error(err(
                "/rules".into(),
                "expected a mapping of rule name to description".into(),
            )),
        }
    }
    out.types = entries(file, top.get("types"), "/types", diag);
    out.unions = entries(file, top.get("unions"), "/unions", diag);
    if let Some(ops) = top.get("operations") {
        match ops.as_object() {
            Some(map) => {
                for (action, v) in map {
                    let p = format!("/operations/{}", escape_token(action));
                    if let Some(def) = decode::<OpDef>(file, v, &p, diag) {
                        out.operations.push((action.clone(), def, p));
                    }
                }
            }
            None => diag.error(err(
                "/operations".into(),
                "expected a mapping of operation names".into(),
            )),
        }
    }
    check(file, &out, diag);
    out
}

fn entries<T: for<'de> Deserialize<'de>>(
    file: &Path,
    v: Option<&Value>,
    base: &str,
    diag: &mut Diagnostics,
) -> Vec<(T, String)> {
    let Some(v) = v else { return Vec::new() };
    let Some(items) = v.as_array() else {
        diag.error(CodegenError::new(file, base, "expected a list"));
        return Vec::new();
    };
    items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| {
            let p = format!("{base}/{i}");
            decode(file, item, &p, diag).map(|t| (t, p))
        })
        .collect()
}

fn decode<T: for<'de> Deserialize<'de>>(
    file: &Path,
    v: &Value,
    base: &str,
    diag: &mut Diagnostics,
) -> Option<T> {
    match serde_path_to_error::deserialize(v) {
        Ok(t) => Some(t),
        Err(e) => {
            let mut p = base.to_owned();
            for seg in e.path().iter() {
                use serde_path_to_error::Segment;
                p.push('/');
                match seg {
                    Segment::Seq { index } => p.push_str(&index.to_string()),
                    Segment::Map { key } | Segment::Enum { variant: key } => {
                        p.push_str(&escape_token(key))
                    }
                    Segment::Unknown => p.push('?'),
                }
            }
            diag.error(CodegenError::new(file, p, e.inner().to_string()));
            None
        }
    }
}

/// What a named type is, for reference checks.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Decl {
    Struct { response: bool },
    Enum,
    Untagged,
    Union,
}

/// Checks the file on its own: names, references, limits that fit their types, rules that refer
/// to real keys. Attachments to the spec are checked by the resolver.
fn check(file: &Path, t: &Typed, diag: &mut Diagnostics) {
    let mut e = |p: String, m: String| diag.error(CodegenError::new(file, p, m));
    let mut decls: BTreeMap<&str, Decl> = BTreeMap::new();
    for (d, p) in &t.types {
        if let Err(m) = type_name(&d.name) {
            e(format!("{p}/name"), m);
        }
        let decl = match d.kind {
            Kind::Struct => Decl::Struct {
                response: d.response,
            },
            Kind::OpenEnum => Decl::Enum,
            Kind::Untagged => Decl::Untagged,
        };
        if decls.insert(&d.name, decl).is_some() {
            e(
                format!("{p}/name"),
                format!("type {} declared twice", d.name),
            );
        }
    }
    for (u, p) in &t.unions {
        if let Err(m) = type_name(&u.name) {
            e(format!("{p}/name"), m);
        }
        if decls.insert(&u.name, Decl::Union).is_some() {
            e(
                format!("{p}/name"),
                format!("type {} declared twice", u.name),
            );
        }
    }
    let resolve =
        |p: &str, s: &str, response: bool, problems: &mut Vec<(String, String)>| -> Option<Ty> {
            let ty = match Ty::parse(s) {
                Ok(t) => t,
                Err(m) => {
                    problems.push((p.to_owned(), m));
                    return None;
                }
            };
            let mut bad = None;
            ty.visit(&mut |x| match x {
                Ty::Named(n) => match decls.get(n.as_str()) {
                    None => bad = Some(format!("unknown type {n:?}: declare it under /types")),
                    Some(Decl::Union) => {
                        bad = Some(format!("{n} is a union; unions only attach to operations"))
                    }
                    Some(Decl::Struct { response: true }) if !response => {
                        bad = Some(format!("{n} is a `response: true` type and cannot be sent"))
                    }
                    _ => {}
                },
                Ty::JsonString(_) if !response => {
                    bad = Some("json_string<…> is only allowed in responses".into())
                }
                _ => {}
            });
            match bad {
                Some(m) => {
                    problems.push((p.to_owned(), m));
                    None
                }
                None => Some(ty),
            }
        };
    let mut problems: Vec<(String, String)> = Vec::new();
    for (d, p) in &t.types {
        let misplaced = |what: &str, present: bool, problems: &mut Vec<(String, String)>| {
            if present {
                problems.push((
                    format!("{p}/{what}"),
                    format!("`{what}` does not apply to a {:?} type", d.kind),
                ));
            }
        };
        match d.kind {
            Kind::Struct => {
                misplaced("values", !d.values.is_empty(), &mut problems);
                misplaced("variants", !d.variants.is_empty(), &mut problems);
                let mut rust = BTreeSet::new();
                let mut wire = BTreeSet::new();
                for (j, f) in d.fields.iter().enumerate() {
                    let fp = format!("{p}/fields/{j}");
                    if !wire.insert(f.wire.as_str()) || f.wire.is_empty() {
                        problems.push((
                            format!("{fp}/wire"),
                            format!("JSON key {:?} empty or used twice", f.wire),
                        ));
                    }
                    let rname = f
                        .rust
                        .clone()
                        .unwrap_or_else(|| crate::names::snake(&f.wire));
                    if let Err(m) = snake_name(&rname) {
                        problems.push((format!("{fp}/rust"), m));
                    }
                    if rname == "extra" {
                        problems.push((
                            format!("{fp}/rust"),
                            "`extra` is reserved for keys not modelled yet".into(),
                        ));
                    }
                    if !rust.insert(rname.clone()) {
                        problems.push((
                            format!("{fp}/rust"),
                            format!("field {rname} declared twice"),
                        ));
                    }
                    if let Some(ty) =
                        resolve(&format!("{fp}/type"), &f.ty, d.response, &mut problems)
                    {
                        check_limits(&fp, &f.limits, &ty, &f.ty, &mut problems);
                        if !d.response {
                            check_bounded(&fp, &f.limits, &f.checks, &ty, &mut problems);
                        }
                    }
                    check_fn_names(&fp, &f.checks, &mut problems);
                }
                for (j, r) in d.one_of.iter().enumerate() {
                    let rp = format!("{p}/one_of/{j}");
                    if r.keys.len() < 2 && r.max != Some(0) {
                        problems
                            .push((format!("{rp}/keys"), "a rule needs at least 2 keys".into()));
                    }
                    if r.min > 1 {
                        problems.push((format!("{rp}/min"), format!("{}, expected 0 or 1", r.min)));
                    }
                    if let Some(max) = r.max {
                        if max > 1 && (max as usize) < r.keys.len() {
                            problems.push((
                                format!("{rp}/max"),
                                format!("{max}, expected 0, 1 or at least the number of keys"),
                            ));
                        }
                        if max < r.min {
                            problems.push((format!("{rp}/max"), format!("{max} is below min")));
                        }
                    }
                }
                for (j, c) in d.constructors.iter().enumerate() {
                    let cp = format!("{p}/constructors/{j}");
                    if let Err(m) = snake_name(&c.name) {
                        problems.push((format!("{cp}/name"), m));
                    }
                    for (k, a) in c.args.iter().enumerate() {
                        if !wire.contains(a.as_str()) {
                            problems.push((
                                format!("{cp}/args/{k}"),
                                format!("{a:?} is not a field of {}", d.name),
                            ));
                        }
                    }
                }
                check_fn_names(p, &d.checks, &mut problems);
                if d.response {
                    misplaced("one_of", !d.one_of.is_empty(), &mut problems);
                    misplaced("checks", !d.checks.is_empty(), &mut problems);
                    misplaced("constructors", !d.constructors.is_empty(), &mut problems);
                    misplaced("max_json_bytes", d.max_json_bytes.is_some(), &mut problems);
                }
            }
            Kind::OpenEnum => {
                misplaced("fields", !d.fields.is_empty(), &mut problems);
                misplaced("variants", !d.variants.is_empty(), &mut problems);
                if d.values.is_empty() {
                    problems.push((format!("{p}/values"), "an open enum needs values".into()));
                }
                let mut seen = BTreeSet::new();
                let mut rust = BTreeSet::new();
                for (j, v) in d.values.iter().enumerate() {
                    if let Err(m) = type_name(&v.rust) {
                        problems.push((format!("{p}/values/{j}/rust"), m));
                    }
                    if v.rust == "Unknown" || !rust.insert(v.rust.as_str()) {
                        problems.push((
                            format!("{p}/values/{j}/rust"),
                            format!(
                                "{:?} is used twice or is the reserved variant Unknown",
                                v.rust
                            ),
                        ));
                    }
                    if !seen.insert(v.value.as_str()) {
                        problems.push((
                            format!("{p}/values/{j}/value"),
                            format!("{:?} listed twice", v.value),
                        ));
                    }
                }
            }
            Kind::Untagged => {
                misplaced("fields", !d.fields.is_empty(), &mut problems);
                misplaced("values", !d.values.is_empty(), &mut problems);
                if d.variants.len() < 2 {
                    problems.push((
                        format!("{p}/variants"),
                        "an untagged sum needs at least 2 variants".into(),
                    ));
                }
                for (j, v) in d.variants.iter().enumerate() {
                    let vp = format!("{p}/variants/{j}");
                    if let Err(m) = type_name(&v.rust) {
                        problems.push((format!("{vp}/rust"), m));
                    }
                    if decls.get(v.ty.as_str()) != Some(&Decl::Struct { response: false }) {
                        problems.push((
                            format!("{vp}/type"),
                            format!("{:?} is not a struct type declared under /types", v.ty),
                        ));
                    }
                }
            }
        }
        if let Some(ex) = &d.example {
            if let Err(err) = serde_json::from_str::<Value>(ex) {
                problems.push((format!("{p}/example"), format!("not valid JSON: {err}")));
            }
        }
    }
    for (u, p) in &t.unions {
        if u.variants.is_empty() {
            problems.push((format!("{p}/variants"), "a union needs variants".into()));
        }
        let mut values = BTreeSet::new();
        for (j, v) in u.variants.iter().enumerate() {
            let vp = format!("{p}/variants/{j}");
            if let Err(m) = type_name(&v.rust) {
                problems.push((format!("{vp}/rust"), m));
            }
            if let Err(m) = snake_name(&v.constructor) {
                problems.push((format!("{vp}/constructor"), m));
            }
            if !values.insert(v.value.as_str()) {
                problems.push((format!("{vp}/value"), format!("{:?} used twice", v.value)));
            }
            let mut names = BTreeSet::new();
            for (k, param) in v.params.iter().enumerate() {
                let pp = format!("{vp}/params/{k}");
                match &param.param {
                    None => problems.push((
                        pp.clone(),
                        "a union parameter needs `param` (the spec name)".into(),
                    )),
                    Some(name) if name == &u.tag.param => {
                        problems.push((format!("{pp}/param"), format!("{name} is the union's tag")))
                    }
                    Some(name) => {
                        if !names.insert(name.clone()) {
                            problems.push((format!("{pp}/param"), format!("{name} listed twice")));
                        }
                    }
                }
                check_param(&pp, param, &resolve, &mut problems);
            }
        }
    }
    for (action, op, p) in &t.operations {
        if let Err(m) = type_name(action) {
            problems.push((p.clone(), m));
        }
        if let Some(u) = &op.union {
            if decls.get(u.ty.as_str()) != Some(&Decl::Union) {
                problems.push((
                    format!("{p}/union/type"),
                    format!("{:?} is not a union declared under /unions", u.ty),
                ));
            }
            if let Err(m) = snake_name(&u.rust) {
                problems.push((format!("{p}/union/rust"), m));
            }
        }
        for (name, param) in &op.params {
            let pp = format!("{p}/params/{}", escape_token(name));
            if param.param.is_some() {
                problems.push((
                    format!("{pp}/param"),
                    "operation parameters are keyed by name; drop `param`".into(),
                ));
            }
            check_param(&pp, param, &resolve, &mut problems);
        }
        for (path, r) in &op.response {
            let rp = format!("{p}/response/{}", escape_token(path));
            if let Some(ty) = &r.ty {
                if let Some(parsed) = resolve(&format!("{rp}/type"), ty, true, &mut problems) {
                    let ok = match &parsed {
                        Ty::JsonString(_) => true,
                        Ty::Named(n) => decls.get(n.as_str()) == Some(&Decl::Enum),
                        _ => false,
                    };
                    if !ok {
                        problems.push((format!("{rp}/type"), format!("{ty:?}: a response field can become an open enum or json_string<T>")));
                    }
                }
            }
            if let Some(n) = &r.name {
                if let Err(m) = type_name(n) {
                    problems.push((format!("{rp}/name"), m));
                }
            }
            if r.same_as.is_some() && r.name.is_some() {
                problems.push((rp.clone(), "`same_as` and `name` exclude each other".into()));
            }
        }
    }
    check_rules_described(t, &mut problems);
    for (p, m) in &t.prelude {
        if !t.operations.iter().any(|(a, _, _)| a == p) && type_name(p).is_err() {
            problems.push((m.clone(), format!("{p:?} is not an operation name")));
        }
    }
    for (p, m) in problems {
        e(p, m);
    }
}

/// Problems found so far: (JSON pointer, message).
type Problems = Vec<(String, String)>;

/// Resolves a type expression at a pointer, recording problems.
type Resolve<'a> = dyn Fn(&str, &str, bool, &mut Problems) -> Option<Ty> + 'a;

fn check_param(pp: &str, param: &ParamDef, resolve: &Resolve<'_>, problems: &mut Problems) {
    if param.ty.is_some() && param.location.is_none() {
        problems.push((
            format!("{pp}/location"),
            "a typed parameter states where the spec places it: `location: query | form`".into(),
        ));
    }
    let ty = match &param.ty {
        Some(s) => resolve(&format!("{pp}/type"), s, false, problems),
        None => None,
    };
    if let Some(ty) = &ty {
        check_limits(
            pp,
            &param.limits,
            ty,
            param.ty.as_deref().unwrap_or(""),
            problems,
        );
        check_bounded(pp, &param.limits, &param.checks, ty, problems);
        if param.style == Some(Style::Simple)
            && !matches!(ty, Ty::List(inner) if matches!(**inner, Ty::String | Ty::Integer))
        {
            problems.push((
                format!("{pp}/style"),
                "style `simple` joins a list of strings or integers".into(),
            ));
        }
    } else if param.style.is_some() {
        problems.push((
            format!("{pp}/style"),
            "`style` applies to a parameter given a `type`".into(),
        ));
    }
    check_fn_names(pp, &param.checks, problems);
}

/// Every string we send has a length limit (or a closed set of values, or a hand-written check
/// that bounds it): a runaway value must fail locally, not travel.
fn check_bounded(p: &str, l: &Limits, checks: &[String], ty: &Ty, problems: &mut Problems) {
    let bounded = match ty {
        Ty::String => l.max_chars.is_some() || l.values.is_some(),
        Ty::List(t) if **t == Ty::String => l.item_max_chars.is_some(),
        _ => true,
    };
    if !bounded && checks.is_empty() {
        let key = if matches!(ty, Ty::String) {
            "max_chars"
        } else {
            "item_max_chars"
        };
        problems.push((
            format!("{p}/limits"),
            format!("a string sent to the service needs a length limit: add `{key}` (the documented figure, else a sanity cap; see the header of types.yaml)"),
        ));
    }
}

fn check_limits(p: &str, l: &Limits, ty: &Ty, ty_text: &str, problems: &mut Vec<(String, String)>) {
    let list = matches!(ty, Ty::List(_));
    let string = matches!(ty, Ty::String);
    let numeric = matches!(ty, Ty::Integer | Ty::Number | Ty::NumberOrString);
    let mut bad = |name: &str, ok: bool| {
        if !ok {
            problems.push((
                format!("{p}/limits/{name}"),
                format!("`{name}` does not apply to type {ty_text}"),
            ));
        }
    };
    bad("min_items", l.min_items.is_none() || list);
    bad("max_items", l.max_items.is_none() || list);
    bad("min_chars", l.min_chars.is_none() || string);
    bad("max_chars", l.max_chars.is_none() || string);
    bad(
        "item_max_chars",
        l.item_max_chars.is_none() || matches!(ty, Ty::List(t) if **t == Ty::String),
    );
    bad("min", l.min.is_none() || numeric);
    bad("max", l.max.is_none() || numeric);
    bad("values", l.values.is_none() || string);
    let pairs = [
        (
            "min_items",
            l.min_items.map(|x| x as f64),
            l.max_items.map(|x| x as f64),
        ),
        (
            "min_chars",
            l.min_chars.map(|x| x as f64),
            l.max_chars.map(|x| x as f64),
        ),
        ("min", l.min, l.max),
    ];
    for (name, lo, hi) in pairs {
        if let (Some(lo), Some(hi)) = (lo, hi) {
            if lo > hi {
                problems.push((
                    format!("{p}/limits/{name}"),
                    format!("{lo} is above the maximum {hi}"),
                ));
            }
        }
    }
}

fn check_fn_names(p: &str, checks: &[String], problems: &mut Vec<(String, String)>) {
    for (k, c) in checks.iter().enumerate() {
        if let Err(m) = snake_name(c) {
            problems.push((format!("{p}/checks/{k}"), m));
        }
    }
}

/// Every rule named under `checks:` anywhere is described under `/rules`.
fn check_rules_described(t: &Typed, problems: &mut Vec<(String, String)>) {
    let mut named: Vec<(String, &String)> = Vec::new();
    for (d, p) in &t.types {
        for (k, c) in d.checks.iter().enumerate() {
            named.push((format!("{p}/checks/{k}"), c));
        }
        for (j, f) in d.fields.iter().enumerate() {
            for (k, c) in f.checks.iter().enumerate() {
                named.push((format!("{p}/fields/{j}/checks/{k}"), c));
            }
        }
    }
    for (_, op, p) in &t.operations {
        for (name, param) in &op.params {
            for (k, c) in param.checks.iter().enumerate() {
                named.push((format!("{p}/params/{}/checks/{k}", escape_token(name)), c));
            }
        }
    }
    for (u, p) in &t.unions {
        for (j, v) in u.variants.iter().enumerate() {
            for (i, param) in v.params.iter().enumerate() {
                for (k, c) in param.checks.iter().enumerate() {
                    named.push((format!("{p}/variants/{j}/params/{i}/checks/{k}"), c));
                }
            }
        }
    }
    for (pointer, rule) in named {
        if !t.rules.contains_key(rule) {
            problems.push((
                pointer,
                format!("rule `{rule}` is not described under /rules"),
            ));
        }
    }
}

/// An UpperCamelCase Rust name.
pub fn type_name(s: &str) -> Result<(), String> {
    let mut chars = s.chars();
    let ok = chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_alphanumeric());
    if ok {
        Ok(())
    } else {
        Err(format!("{s:?} is not an UpperCamelCase Rust name"))
    }
}

/// A snake_case Rust name that is not a keyword.
pub fn snake_name(s: &str) -> Result<(), String> {
    let mut chars = s.chars();
    let ok = chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && syn::parse_str::<syn::Ident>(s).is_ok();
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{s:?} is not a snake_case Rust name (or is a keyword)"
        ))
    }
}
