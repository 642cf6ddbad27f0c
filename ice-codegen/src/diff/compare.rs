//! The walk behind [`diff`]. Linear in the size of the two specs: a reference that is the same
//! component on both sides stops the walk there (each component is compared once, by name), and a
//! pair of different components is compared once, as a component named `Old (now New)`, from a
//! work list rather than by recursion. Shared `$ref` diamonds, long reference chains and recursive
//! components so cost no more than their definitions, and the stack stays as deep as the inline
//! nesting.

use std::collections::{BTreeMap, BTreeSet};

use super::{Change, Class, Diff, Kind, Place};
use crate::spec::{ParamStyle, Parameter, Schema, SchemaKind, Spec};

/// Compares `old` with `new`.
pub fn diff(old: &Spec, new: &Spec) -> Diff {
    let mut w = Walker {
        old,
        new,
        changes: Vec::new(),
        pairs_seen: BTreeSet::new(),
        pending: Vec::new(),
    };
    for (name, a) in &old.apis {
        let Some(b) = new.apis.get(name) else {
            w.push(
                Class::ApiBreaking,
                name,
                Place::Operation,
                "",
                Kind::OperationRemoved,
                None,
                None,
            );
            continue;
        };
        w.parameters(name, &a.parameters, &b.parameters);
        match (response_schema(a), response_schema(b)) {
            (Some(x), Some(y)) => w.schema(name, Place::Response, "", false, x, y),
            (Some(_), None) => w.push(
                Class::ApiBreaking,
                name,
                Place::Response,
                "",
                Kind::ResponseRemoved,
                None,
                None,
            ),
            (None, Some(_)) => w.push(
                Class::Additive,
                name,
                Place::Response,
                "",
                Kind::ResponseAdded,
                None,
                None,
            ),
            (None, None) => {}
        }
    }
    for name in new.apis.keys().filter(|n| !old.apis.contains_key(*n)) {
        w.push(
            Class::Additive,
            name,
            Place::Operation,
            "",
            Kind::OperationAdded,
            None,
            None,
        );
    }
    for (name, a) in &old.components {
        match new.components.get(name) {
            Some(b) => w.schema(name, Place::Component, "", false, a, b),
            None => w.push(
                Class::ApiBreaking,
                name,
                Place::Component,
                "",
                Kind::ComponentRemoved,
                None,
                None,
            ),
        }
    }
    for name in new
        .components
        .keys()
        .filter(|n| !old.components.contains_key(*n))
    {
        w.push(
            Class::Additive,
            name,
            Place::Component,
            "",
            Kind::ComponentAdded,
            None,
            None,
        );
    }
    while let Some((owner, a, b)) = w.pending.pop() {
        w.resolved(&owner, Place::Component, "", a, b);
    }
    let mut changes = w.changes;
    // Components after operations, so one operation's changes stay together.
    fn key(c: &Change) -> (Class, bool, &str) {
        (c.class, c.place == Place::Component, &c.owner)
    }
    changes.sort_by(|a, b| key(a).cmp(&key(b)).then_with(|| a.cmp(b)));
    Diff { changes }
}

/// The schema of the first successful response (`200`, else the lowest `2xx`) that has one.
fn response_schema(api: &crate::spec::Api) -> Option<&Schema> {
    api.responses
        .iter()
        .filter(|(status, _)| status.starts_with('2'))
        .find_map(|(_, r)| r.schema.as_ref())
}

struct Walker<'s> {
    old: &'s Spec,
    new: &'s Spec,
    changes: Vec<Change>,
    /// Pairs of different components already compared or queued.
    pairs_seen: BTreeSet<(&'s str, &'s str)>,
    /// Queued pairs of different components: (`Old (now New)`, old target, new target).
    pending: Vec<(String, &'s Schema, &'s Schema)>,
}

/// What a schema is, for type comparison; `$ref`s are followed first.
fn shape(s: &Schema) -> &'static str {
    match &s.kind {
        SchemaKind::String => "string",
        SchemaKind::Integer => "integer",
        SchemaKind::Number => "number",
        SchemaKind::Boolean => "boolean",
        SchemaKind::Any => "any",
        SchemaKind::Array(_) => "array",
        SchemaKind::Object { properties, .. } if !properties.is_empty() => "object",
        SchemaKind::Object {
            additional: Some(_),
            ..
        } => "map",
        SchemaKind::Object { .. } => "free-form object",
        // Only for a dangling or circular reference, which the resolver rejects.
        SchemaKind::Ref(_) => "unresolved reference",
    }
}

/// The component a `#/components/schemas/<Name>` reference names.
fn ref_name(s: &Schema) -> Option<&str> {
    match &s.kind {
        SchemaKind::Ref(r) => r.strip_prefix("#/components/schemas/"),
        _ => None,
    }
}

/// Follows `$ref`s to a concrete schema (bounded by the number of components, so a reference
/// cycle ends); the schema itself when it is not a reference or the reference dangles.
fn target<'s>(spec: &'s Spec, s: &'s Schema) -> &'s Schema {
    let mut cur = s;
    for _ in 0..=spec.components.len() {
        match ref_name(cur).and_then(|n| spec.components.get(n)) {
            Some(next) => cur = next,
            None => break,
        }
    }
    cur
}

/// The style a parameter is sent with (see [`crate::ir`]): declared, else `flat` for an array or
/// object, else none for a scalar.
fn effective_style(spec: &Spec, p: &Parameter) -> &'static str {
    match p.style {
        Some(s) => s.as_str(),
        None => match shape(target(spec, &p.schema)) {
            "array" | "object" | "map" | "free-form object" => ParamStyle::Flat.as_str(),
            "any" => "unspecified",
            _ => "none (scalar)",
        },
    }
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

impl<'s> Walker<'s> {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        class: Class,
        owner: &str,
        place: Place,
        path: &str,
        kind: Kind,
        old: Option<String>,
        new: Option<String>,
    ) {
        self.changes.push(Change {
            class,
            owner: owner.to_owned(),
            place,
            path: path.to_owned(),
            kind,
            old,
            new,
        });
    }

    fn parameters(&mut self, op: &str, old: &'s [Parameter], new: &'s [Parameter]) {
        let by_name: BTreeMap<&str, &Parameter> =
            new.iter().map(|p| (p.name.as_str(), p)).collect();
        let old_names: BTreeSet<&str> = old.iter().map(|p| p.name.as_str()).collect();
        for a in old {
            let Some(b) = by_name.get(a.name.as_str()) else {
                self.push(
                    Class::ApiBreaking,
                    op,
                    Place::Request,
                    &a.name,
                    Kind::ParameterRemoved,
                    None,
                    None,
                );
                continue;
            };
            if a.location != b.location {
                let (x, y) = (a.location.as_str(), b.location.as_str());
                self.push(
                    Class::WireBreaking,
                    op,
                    Place::Request,
                    &a.name,
                    Kind::Location,
                    Some(x.into()),
                    Some(y.into()),
                );
            }
            let (x, y) = (effective_style(self.old, a), effective_style(self.new, b));
            if x != y {
                self.push(
                    Class::WireBreaking,
                    op,
                    Place::Request,
                    &a.name,
                    Kind::Style,
                    Some(x.into()),
                    Some(y.into()),
                );
            }
            self.schema(op, Place::Request, &a.name, true, &a.schema, &b.schema);
        }
        for b in new.iter().filter(|b| !old_names.contains(b.name.as_str())) {
            let class = if b.schema.required == Some(true) {
                Class::ApiBreaking
            } else {
                Class::Additive
            };
            self.push(
                class,
                op,
                Place::Request,
                &b.name,
                Kind::ParameterAdded,
                None,
                None,
            );
        }
    }

    /// Compares two schemas at `path`: `required` (for a parameter or object field: `field`), type,
    /// enum and bounds (not in responses, where they generate nothing), then nested fields.
    fn schema(
        &mut self,
        owner: &str,
        place: Place,
        path: &str,
        field: bool,
        a: &'s Schema,
        b: &'s Schema,
    ) {
        let checked = place != Place::Response;
        if checked && field && a.required.unwrap_or(false) != b.required.unwrap_or(false) {
            let show = |r: Option<bool>| {
                Some(
                    if r == Some(true) {
                        "required"
                    } else {
                        "optional"
                    }
                    .to_owned(),
                )
            };
            self.push(
                Class::ApiBreaking,
                owner,
                place,
                path,
                Kind::Required,
                show(a.required),
                show(b.required),
            );
        }
        match (ref_name(a), ref_name(b)) {
            // The same component: compared once on its own.
            (Some(x), Some(y)) if x == y => {}
            // Two different components: the Rust type changes here, and the pair is compared
            // once, as components, from the work list (a long chain of them would otherwise
            // recurse, and build paths, as deep as the chain).
            (Some(x), Some(y)) => {
                self.push(
                    Class::ApiBreaking,
                    owner,
                    place,
                    path,
                    Kind::Type,
                    Some(x.into()),
                    Some(y.into()),
                );
                if self.pairs_seen.insert((x, y)) {
                    let (a, b) = (target(self.old, a), target(self.new, b));
                    self.pending.push((format!("{x} (now {y})"), a, b));
                }
            }
            _ => self.resolved(owner, place, path, target(self.old, a), target(self.new, b)),
        }
    }

    /// [`Self::schema`] below the reference and `required` level.
    fn resolved(&mut self, owner: &str, place: Place, path: &str, a: &'s Schema, b: &'s Schema) {
        let checked = place != Place::Response;
        let (x, y) = (shape(a), shape(b));
        if x != y {
            self.push(
                Class::ApiBreaking,
                owner,
                place,
                path,
                Kind::Type,
                Some(x.into()),
                Some(y.into()),
            );
            return;
        }
        if checked {
            self.enums(owner, place, path, a, b);
            self.limits(owner, place, path, a, b);
        }
        match (&a.kind, &b.kind) {
            (SchemaKind::Array(x), SchemaKind::Array(y)) => {
                self.schema(owner, place, &format!("{path}[]"), false, x, y)
            }
            (
                SchemaKind::Object {
                    properties: pa,
                    additional: xa,
                },
                SchemaKind::Object {
                    properties: pb,
                    additional: xb,
                },
            ) => {
                if let (Some(x), Some(y)) = (xa, xb) {
                    self.schema(owner, place, &format!("{path}{{}}"), false, x, y);
                }
                self.fields(owner, place, path, pa, pb);
            }
            _ => {}
        }
    }

    fn fields(
        &mut self,
        owner: &str,
        place: Place,
        path: &str,
        old: &'s [(String, Schema)],
        new: &'s [(String, Schema)],
    ) {
        let by_name: BTreeMap<&str, &Schema> = new.iter().map(|(n, s)| (n.as_str(), s)).collect();
        let old_names: BTreeSet<&str> = old.iter().map(|(n, _)| n.as_str()).collect();
        for (name, a) in old {
            let p = join(path, name);
            match by_name.get(name.as_str()) {
                Some(b) => self.schema(owner, place, &p, true, a, b),
                None => self.push(
                    Class::ApiBreaking,
                    owner,
                    place,
                    &p,
                    Kind::FieldRemoved,
                    None,
                    None,
                ),
            }
        }
        for (name, b) in new.iter().filter(|(n, _)| !old_names.contains(n.as_str())) {
            let required = place != Place::Response && b.required == Some(true);
            let class = if required {
                Class::ApiBreaking
            } else {
                Class::Additive
            };
            self.push(
                class,
                owner,
                place,
                &join(path, name),
                Kind::FieldAdded,
                None,
                None,
            );
        }
    }

    fn enums(&mut self, owner: &str, place: Place, path: &str, a: &Schema, b: &Schema) {
        let x: BTreeSet<&str> = a.enum_values.iter().map(String::as_str).collect();
        let y: BTreeSet<&str> = b.enum_values.iter().map(String::as_str).collect();
        if x == y {
            return;
        }
        // No enum accepts everything: narrowing is a new enum or a value taken away.
        let narrower = !y.is_empty() && (x.is_empty() || !x.is_subset(&y));
        let show = |s: &BTreeSet<&str>| {
            Some(if s.is_empty() {
                "any value".to_owned()
            } else {
                s.iter().copied().collect::<Vec<_>>().join(", ")
            })
        };
        let class = if narrower {
            Class::ApiBreaking
        } else {
            Class::Additive
        };
        self.push(class, owner, place, path, Kind::Enum, show(&x), show(&y));
    }

    fn limits(&mut self, owner: &str, place: Place, path: &str, a: &Schema, b: &Schema) {
        let as_f = |v: Option<u64>| v.map(|x| x as f64);
        // (key, old, new, whether it is a lower bound, value meaning "no bound").
        let bounds = [
            (
                "minLength",
                as_f(a.min_length),
                as_f(b.min_length),
                true,
                Some(0.0),
            ),
            (
                "maxLength",
                as_f(a.max_length),
                as_f(b.max_length),
                false,
                None,
            ),
            ("minimum", a.minimum, b.minimum, true, None),
            ("maximum", a.maximum, b.maximum, false, None),
            (
                "minItems",
                as_f(a.min_items),
                as_f(b.min_items),
                true,
                Some(0.0),
            ),
            (
                "maxItems",
                as_f(a.max_items),
                as_f(b.max_items),
                false,
                None,
            ),
        ];
        for (key, x, y, lower, vacuous) in bounds {
            let (x, y) = (
                x.filter(|v| Some(*v) != vacuous),
                y.filter(|v| Some(*v) != vacuous),
            );
            if x == y {
                continue;
            }
            let tighter = match (x, y) {
                (_, None) => false,
                (None, Some(_)) => true,
                (Some(x), Some(y)) => {
                    if lower {
                        y > x
                    } else {
                        y < x
                    }
                }
            };
            let show = |v: Option<f64>| {
                Some(v.map_or_else(|| format!("no {key}"), |v| format!("{key} {v}")))
            };
            let class = if tighter {
                Class::ApiBreaking
            } else {
                Class::Additive
            };
            self.push(class, owner, place, path, Kind::Limit, show(x), show(y));
        }
        // An empty pattern constrains nothing; patterns are documented, not enforced.
        let pat = |s: &Schema| s.pattern.clone().filter(|p| !p.is_empty());
        let (x, y) = (pat(a), pat(b));
        if x != y {
            let show = |p: Option<String>| {
                Some(p.map_or_else(|| "no pattern".to_owned(), |p| format!("pattern {p:?}")))
            };
            self.push(
                Class::Additive,
                owner,
                place,
                path,
                Kind::Limit,
                show(x),
                show(y),
            );
        }
    }
}
