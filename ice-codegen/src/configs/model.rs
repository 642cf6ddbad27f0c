//! The overlay file as written (`jobtype-configs.yaml`), and its semantic checks. Every problem is
//! reported as a [`CodegenError`] with a JSON pointer into the overlay.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Deserialize;

use super::ty::Ty;
use crate::output::CodegenError;

/// The whole overlay.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overlay {
    /// Format version; only `1` exists.
    pub version: u32,
    /// API version the typed operations belong to (`2020-11-09`).
    pub api_version: String,
    /// Config, response and enum types.
    #[serde(default)]
    pub types: Vec<TypeDef>,
    /// Job-type sum types (the variant chooses the tag parameter's value).
    #[serde(default)]
    pub unions: Vec<UnionDef>,
    /// Typed operations.
    #[serde(default)]
    pub operations: Vec<OpDef>,
}

/// What a [`TypeDef`] declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A JSON object with typed fields and an `extra` map.
    Struct,
    /// A string enum with an `Unknown(String)` fallback.
    OpenEnum,
    /// A sum of struct types, serialized as the variant's own JSON.
    Untagged,
}

/// One declared type.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypeDef {
    /// Rust and schema name (UpperCamelCase).
    pub name: String,
    /// Kind.
    pub kind: Kind,
    /// Rustdoc / schema description.
    #[serde(default)]
    pub doc: String,
    /// Export a JSON Schema for this type.
    #[serde(default)]
    pub schema: bool,
    /// A parsed, never-sent type: every field optional, no validation.
    #[serde(default)]
    pub response: bool,
    /// A JSON example (shown in rustdoc).
    pub example: Option<String>,
    /// Struct fields.
    #[serde(default)]
    pub fields: Vec<FieldDef>,
    /// Key-count rules over typed fields and `extra`.
    #[serde(default)]
    pub one_of: Vec<OneOf>,
    /// Type-level checks in `ice-api/src/jobs/checks.rs`.
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

/// A field of a struct, union variant or operation.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    /// Wire (JSON or parameter) name; absent only for a flattened operation field.
    pub wire: Option<String>,
    /// Rust field name (snake_case).
    pub rust: String,
    /// Type expression, see [`Ty`].
    #[serde(rename = "type")]
    pub ty: String,
    /// Constructor argument instead of an optional setter.
    #[serde(default)]
    pub required: bool,
    /// Rustdoc / schema description.
    #[serde(default)]
    pub doc: String,
    /// Simple limits.
    #[serde(default)]
    pub limits: Limits,
    /// Field-level checks in `checks.rs`.
    #[serde(default)]
    pub checks: Vec<String>,
    /// Parameter location (unions and operations).
    pub location: Option<Loc>,
    /// Parameter style (unions and operations); default `json` for structured types, `scalar`
    /// for strings and numbers.
    pub style: Option<Style>,
    /// Operation field holding a union: its parameters are inlined.
    #[serde(default)]
    pub flatten: bool,
}

/// Parameter location.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Loc {
    /// URL query.
    Query,
    /// Form body.
    Form,
}

/// Parameter style.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Style {
    /// Plain string.
    Scalar,
    /// Compact JSON string.
    Json,
    /// Comma-joined list, or a string-like value as is.
    Simple,
}

/// Simple limits of one field.
#[derive(Debug, Default, Deserialize)]
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
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OneOf {
    /// Wire keys (typed fields or `extra` keys).
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
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ctor {
    /// Function name.
    pub name: String,
    /// Wire names of the fields it takes, in order (required fields come first implicitly).
    pub args: Vec<String>,
    /// Rustdoc.
    #[serde(default)]
    pub doc: String,
}

/// One open-enum value.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumValue {
    /// Wire value.
    pub value: String,
    /// Rust variant name.
    pub rust: String,
    /// Rustdoc.
    #[serde(default)]
    pub doc: String,
}

/// One untagged variant.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UntaggedVariant {
    /// Rust variant name.
    pub rust: String,
    /// The struct type it holds.
    #[serde(rename = "type")]
    pub ty: String,
    /// Rustdoc.
    #[serde(default)]
    pub doc: String,
}

/// A job-type sum type.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnionDef {
    /// Rust name.
    pub name: String,
    /// The tag parameter.
    pub tag: Tag,
    /// Rustdoc.
    #[serde(default)]
    pub doc: String,
    /// Variants, one per job type.
    pub variants: Vec<UnionVariant>,
}

/// The parameter whose value a union variant chooses.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tag {
    /// Parameter name, e.g. `JobType`.
    pub name: String,
    /// Where it travels.
    pub location: Loc,
}

/// One job type of a union.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnionVariant {
    /// Rust variant name.
    pub rust: String,
    /// Wire value of the tag.
    pub value: String,
    /// Constructor function name.
    pub constructor: String,
    /// Rustdoc.
    #[serde(default)]
    pub doc: String,
    /// A Rust doctest body.
    pub example: Option<String>,
    /// The job type's parameters.
    pub fields: Vec<FieldDef>,
}

/// A typed operation.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpDef {
    /// Action name and Rust type name.
    pub name: String,
    /// `GET` or `POST`.
    pub method: String,
    /// Response type (a `response: true` struct).
    pub response: String,
    /// Safe to resend.
    #[serde(default)]
    pub idempotent: bool,
    /// Rust name of the `ClientToken` field.
    pub client_token: Option<String>,
    /// Rustdoc.
    #[serde(default)]
    pub doc: String,
    /// A Rust doctest body.
    pub example: Option<String>,
    /// Parameters.
    pub fields: Vec<FieldDef>,
}

/// Parses the overlay text; `file` is only used in errors.
pub fn parse(file: &Path, text: &str) -> Result<Overlay, CodegenError> {
    let value: serde_json::Value = serde_norway::from_str(text)
        .map_err(|e| CodegenError::new(file, "", format!("not valid YAML: {e}")))?;
    let overlay: Overlay = serde_path_to_error::deserialize(&value).map_err(|e| {
        let pointer = path_to_pointer(e.path());
        CodegenError::new(file, pointer, e.inner().to_string())
    })?;
    check(file, &overlay)?;
    Ok(overlay)
}

fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for seg in path.iter() {
        out.push('/');
        match seg {
            Segment::Seq { index } => out.push_str(&index.to_string()),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                out.push_str(&key.replace('~', "~0").replace('/', "~1"))
            }
            Segment::Unknown => out.push('?'),
        }
    }
    out
}

/// Semantic checks: names, references, limits that fit their type, rules that refer to real keys.
fn check(file: &Path, o: &Overlay) -> Result<(), CodegenError> {
    let err = |p: String, m: String| CodegenError::new(file, p, m);
    if o.version != 1 {
        return Err(err("/version".into(), format!("{}, expected 1", o.version)));
    }
    let mut kinds: BTreeMap<&str, (Kind, bool)> = BTreeMap::new();
    let mut names = BTreeSet::new();
    for (i, t) in o.types.iter().enumerate() {
        let p = format!("/types/{i}");
        type_name(&t.name).map_err(|m| err(format!("{p}/name"), m))?;
        if !names.insert(t.name.as_str()) {
            return Err(err(
                format!("{p}/name"),
                format!("type {} declared twice", t.name),
            ));
        }
        kinds.insert(&t.name, (t.kind, t.response));
    }
    let mut unions = BTreeSet::new();
    for (i, u) in o.unions.iter().enumerate() {
        let p = format!("/unions/{i}");
        type_name(&u.name).map_err(|m| err(format!("{p}/name"), m))?;
        if !names.insert(u.name.as_str()) {
            return Err(err(
                format!("{p}/name"),
                format!("type {} declared twice", u.name),
            ));
        }
        unions.insert(u.name.as_str());
    }
    let resolve = |p: &str, s: &str, allow_json_string: bool| -> Result<Ty, CodegenError> {
        let ty = Ty::parse(s).map_err(|m| err(p.to_owned(), m))?;
        let mut bad = None;
        ty.visit(&mut |t| match t {
            Ty::Named(n) if !kinds.contains_key(n.as_str()) => {
                bad = Some(format!("unknown type {n:?}: declare it under /types"))
            }
            Ty::JsonString(_) if !allow_json_string => {
                bad = Some("json_string<…> is only allowed in response types".into())
            }
            _ => {}
        });
        match bad {
            Some(m) => Err(err(p.to_owned(), m)),
            None => Ok(ty),
        }
    };
    for (i, t) in o.types.iter().enumerate() {
        let p = format!("/types/{i}");
        let misplaced = |what: &str, present: bool| -> Result<(), CodegenError> {
            if present {
                Err(err(
                    format!("{p}/{what}"),
                    format!("`{what}` does not apply to a {:?} type", t.kind),
                ))
            } else {
                Ok(())
            }
        };
        match t.kind {
            Kind::Struct => {
                misplaced("values", !t.values.is_empty())?;
                misplaced("variants", !t.variants.is_empty())?;
                check_fields(
                    file,
                    &p,
                    &t.fields,
                    &|fp, s| resolve(fp, s, t.response),
                    false,
                )?;
                let wires: BTreeSet<&str> =
                    t.fields.iter().filter_map(|f| f.wire.as_deref()).collect();
                for (j, r) in t.one_of.iter().enumerate() {
                    let rp = format!("{p}/one_of/{j}");
                    if r.keys.len() < 2 && r.max != Some(0) {
                        return Err(err(
                            format!("{rp}/keys"),
                            "a rule needs at least 2 keys".into(),
                        ));
                    }
                    if r.min > 1 {
                        return Err(err(
                            format!("{rp}/min"),
                            format!("{}, expected 0 or 1", r.min),
                        ));
                    }
                    if let Some(max) = r.max {
                        if max > 1 && (max as usize) < r.keys.len() {
                            return Err(err(
                                format!("{rp}/max"),
                                format!("{max}, expected 0, 1 or at least the number of keys"),
                            ));
                        }
                        if max < r.min {
                            return Err(err(format!("{rp}/max"), format!("{max} is below min")));
                        }
                    }
                }
                for (j, c) in t.constructors.iter().enumerate() {
                    let cp = format!("{p}/constructors/{j}");
                    snake_name(&c.name).map_err(|m| err(format!("{cp}/name"), m))?;
                    for (k, a) in c.args.iter().enumerate() {
                        if !wires.contains(a.as_str()) {
                            return Err(err(
                                format!("{cp}/args/{k}"),
                                format!("{a:?} is not a field of {}", t.name),
                            ));
                        }
                    }
                }
                for (j, c) in t.checks.iter().enumerate() {
                    snake_name(c).map_err(|m| err(format!("{p}/checks/{j}"), m))?;
                }
                if t.response {
                    misplaced("one_of", !t.one_of.is_empty())?;
                    misplaced("checks", !t.checks.is_empty())?;
                    misplaced("constructors", !t.constructors.is_empty())?;
                    misplaced("max_json_bytes", t.max_json_bytes.is_some())?;
                }
            }
            Kind::OpenEnum => {
                misplaced("fields", !t.fields.is_empty())?;
                misplaced("variants", !t.variants.is_empty())?;
                if t.values.is_empty() {
                    return Err(err(
                        format!("{p}/values"),
                        "an open enum needs values".into(),
                    ));
                }
                let mut seen = BTreeSet::new();
                for (j, v) in t.values.iter().enumerate() {
                    type_name(&v.rust).map_err(|m| err(format!("{p}/values/{j}/rust"), m))?;
                    if v.rust == "Unknown" || !seen.insert(v.value.as_str()) {
                        return Err(err(
                            format!("{p}/values/{j}"),
                            "duplicate value, or the reserved variant name Unknown".into(),
                        ));
                    }
                }
            }
            Kind::Untagged => {
                misplaced("fields", !t.fields.is_empty())?;
                misplaced("values", !t.values.is_empty())?;
                for (j, v) in t.variants.iter().enumerate() {
                    let vp = format!("{p}/variants/{j}");
                    type_name(&v.rust).map_err(|m| err(format!("{vp}/rust"), m))?;
                    match kinds.get(v.ty.as_str()) {
                        Some((Kind::Struct, false)) => {}
                        _ => {
                            return Err(err(
                                format!("{vp}/type"),
                                format!("{:?} is not a declared request struct type", v.ty),
                            ))
                        }
                    }
                }
            }
        }
        if let Some(ex) = &t.example {
            if let Err(e) = serde_json::from_str::<serde_json::Value>(ex) {
                return Err(err(format!("{p}/example"), format!("not valid JSON: {e}")));
            }
        }
    }
    for (i, u) in o.unions.iter().enumerate() {
        let p = format!("/unions/{i}");
        if u.variants.is_empty() {
            return Err(err(
                format!("{p}/variants"),
                "a union needs variants".into(),
            ));
        }
        let mut values = BTreeSet::new();
        for (j, v) in u.variants.iter().enumerate() {
            let vp = format!("{p}/variants/{j}");
            type_name(&v.rust).map_err(|m| err(format!("{vp}/rust"), m))?;
            snake_name(&v.constructor).map_err(|m| err(format!("{vp}/constructor"), m))?;
            if !values.insert(v.value.as_str()) {
                return Err(err(
                    format!("{vp}/value"),
                    format!("{:?} used twice", v.value),
                ));
            }
            check_fields(file, &vp, &v.fields, &|fp, s| resolve(fp, s, false), true)?;
        }
    }
    for (i, op) in o.operations.iter().enumerate() {
        let p = format!("/operations/{i}");
        type_name(&op.name).map_err(|m| err(format!("{p}/name"), m))?;
        if op.method != "POST" && op.method != "GET" {
            return Err(err(
                format!("{p}/method"),
                format!("{:?}, expected GET or POST", op.method),
            ));
        }
        if kinds.get(op.response.as_str()) != Some(&(Kind::Struct, true)) {
            return Err(err(
                format!("{p}/response"),
                format!(
                    "{:?} is not a declared `response: true` struct",
                    op.response
                ),
            ));
        }
        for (j, f) in op.fields.iter().enumerate() {
            if f.flatten {
                let fp = format!("{p}/fields/{j}");
                if !unions.contains(f.ty.as_str()) {
                    return Err(err(
                        format!("{fp}/type"),
                        format!("{:?} is not a declared union", f.ty),
                    ));
                }
                if f.wire.is_some() || !f.required {
                    return Err(err(
                        fp,
                        "a flattened union has no wire name and is required".into(),
                    ));
                }
            }
        }
        check_fields(
            file,
            &p,
            &op.fields,
            &|fp, s| {
                if unions.contains(s) {
                    Ok(Ty::Named(s.to_owned()))
                } else {
                    resolve(fp, s, false)
                }
            },
            true,
        )?;
        if let Some(ct) = &op.client_token {
            let ok = op
                .fields
                .iter()
                .any(|f| &f.rust == ct && f.ty == "string" && !f.required);
            if !ok {
                return Err(err(
                    format!("{p}/client_token"),
                    format!("{ct:?} is not an optional string field of {}", op.name),
                ));
            }
        }
    }
    Ok(())
}

fn check_fields(
    file: &Path,
    base: &str,
    fields: &[FieldDef],
    resolve: &dyn Fn(&str, &str) -> Result<Ty, CodegenError>,
    params: bool,
) -> Result<(), CodegenError> {
    let err = |p: String, m: String| CodegenError::new(file, p, m);
    let mut rust_names = BTreeSet::new();
    let mut wire_names = BTreeSet::new();
    for (j, f) in fields.iter().enumerate() {
        let p = format!("{base}/fields/{j}");
        snake_name(&f.rust).map_err(|m| err(format!("{p}/rust"), m))?;
        if f.rust == "extra" && !params {
            return Err(err(
                format!("{p}/rust"),
                "`extra` is reserved for unknown keys".into(),
            ));
        }
        if !rust_names.insert(f.rust.as_str()) {
            return Err(err(
                format!("{p}/rust"),
                format!("field {} declared twice", f.rust),
            ));
        }
        match (&f.wire, f.flatten) {
            (Some(w), _) => {
                if w.is_empty() || !wire_names.insert(w.as_str()) {
                    return Err(err(
                        format!("{p}/wire"),
                        format!("wire name {w:?} empty or used twice"),
                    ));
                }
            }
            (None, false) => return Err(err(format!("{p}/wire"), "missing wire name".into())),
            (None, true) => {}
        }
        if !params && (f.location.is_some() || f.style.is_some() || f.flatten) {
            return Err(err(
                p,
                "location / style / flatten only apply to parameters".into(),
            ));
        }
        if params && !f.flatten && f.location.is_none() {
            return Err(err(
                format!("{p}/location"),
                "a parameter needs `location: query | form`".into(),
            ));
        }
        for (k, c) in f.checks.iter().enumerate() {
            snake_name(c).map_err(|m| err(format!("{p}/checks/{k}"), m))?;
        }
        let ty = resolve(&format!("{p}/type"), &f.ty)?;
        let l = &f.limits;
        let lp = format!("{p}/limits");
        let list = matches!(ty, Ty::List(_));
        let string = matches!(ty, Ty::String);
        let numeric = matches!(ty, Ty::Integer | Ty::Number | Ty::NumberOrString);
        let bad = |name: &str, ok: bool| -> Result<(), CodegenError> {
            if ok {
                Ok(())
            } else {
                Err(err(
                    format!("{lp}/{name}"),
                    format!("`{name}` does not apply to type {}", f.ty),
                ))
            }
        };
        bad("min_items", l.min_items.is_none() || list)?;
        bad("max_items", l.max_items.is_none() || list)?;
        bad("min_chars", l.min_chars.is_none() || string)?;
        bad("max_chars", l.max_chars.is_none() || string)?;
        bad(
            "item_max_chars",
            l.item_max_chars.is_none() || matches!(&ty, Ty::List(t) if **t == Ty::String),
        )?;
        bad("min", l.min.is_none() || numeric)?;
        bad("max", l.max.is_none() || numeric)?;
        bad("values", l.values.is_none() || string)?;
        if let Some(style) = f.style {
            let ok = match style {
                Style::Scalar => matches!(ty, Ty::String | Ty::Integer | Ty::Bool),
                Style::Simple => matches!(&ty, Ty::List(_) | Ty::Named(_) | Ty::String),
                Style::Json => true,
            };
            if !ok {
                return Err(err(
                    format!("{p}/style"),
                    format!("style {style:?} does not fit type {}", f.ty),
                ));
            }
        }
    }
    Ok(())
}

fn type_name(s: &str) -> Result<(), String> {
    let mut chars = s.chars();
    let ok = chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_alphanumeric());
    if ok {
        Ok(())
    } else {
        Err(format!("{s:?} is not an UpperCamelCase Rust name"))
    }
}

fn snake_name(s: &str) -> Result<(), String> {
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
