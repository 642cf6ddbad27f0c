//! The walk behind [`diff`]. Linear in the size of the two specs: a reference that is the same
//! component on both sides stops the walk there (each component is compared once, by name), and a
//! pair of different components is compared once, as a component named `Old (now New)`, from a
//! work list rather than by recursion. Shared `$ref` diamonds, long reference chains and recursive
//! components so cost no more than their definitions, and the stack stays as deep as the inline
//! nesting.

use std::collections::{BTreeMap, BTreeSet};

use super::{Change, Class, Diff, Kind, Place};
use crate::spec::{Api, ParamStyle, Parameter, Schema, SchemaKind, Spec};

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
        let op = At::new(name, Place::Operation);
        let Some(b) = new.apis.get(name) else {
            w.mark(&op, Class::ApiBreaking, Kind::OperationRemoved);
            continue;
        };
        w.parameters(name, &a.parameters, &b.parameters);
        let resp = At::new(name, Place::Response);
        match (response_schema(a), response_schema(b)) {
            (Some(x), Some(y)) => w.schema(&resp, false, x, y),
            (Some(_), None) => w.mark(&resp, Class::ApiBreaking, Kind::ResponseRemoved),
            (None, Some(_)) => w.mark(&resp, Class::Additive, Kind::ResponseAdded),
            (None, None) => {}
        }
    }
    for name in new.apis.keys().filter(|n| !old.apis.contains_key(*n)) {
        w.mark(
            &At::new(name, Place::Operation),
            Class::Additive,
            Kind::OperationAdded,
        );
    }
    for (name, a) in &old.components {
        let at = At::new(name, Place::Component);
        match new.components.get(name) {
            Some(b) => w.schema(&at, false, a, b),
            None => w.mark(&at, Class::ApiBreaking, Kind::ComponentRemoved),
        }
    }
    for name in new
        .components
        .keys()
        .filter(|n| !old.components.contains_key(*n))
    {
        w.mark(
            &At::new(name, Place::Component),
            Class::Additive,
            Kind::ComponentAdded,
        );
    }
    while let Some((owner, a, b)) = w.pending.pop() {
        w.resolved(&At::new(&owner, Place::Component), a, b);
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
fn response_schema(api: &Api) -> Option<&Schema> {
    api.responses
        .iter()
        .filter(|(status, _)| status.starts_with('2'))
        .find_map(|(_, r)| r.schema.as_ref())
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

fn class_if(breaking: bool) -> Class {
    if breaking {
        Class::ApiBreaking
    } else {
        Class::Additive
    }
}

/// Where a change is: owner, place and dotted path.
struct At<'a> {
    owner: &'a str,
    place: Place,
    path: String,
}

impl<'a> At<'a> {
    fn new(owner: &'a str, place: Place) -> Self {
        At {
            owner,
            place,
            path: String::new(),
        }
    }

    /// A field, `[]` (array items) or `{}` (map values) below this place.
    fn child(&self, name: &str) -> Self {
        let path = match (self.path.is_empty(), name) {
            (true, _) => name.to_owned(),
            (false, "[]" | "{}") => format!("{}{name}", self.path),
            (false, _) => format!("{}.{name}", self.path),
        };
        At {
            owner: self.owner,
            place: self.place,
            path,
        }
    }

    /// Whether `required`, `enum` and bounds generate anything here (not in responses).
    fn checked(&self) -> bool {
        self.place != Place::Response
    }
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

impl<'s> Walker<'s> {
    /// Records a change without values (added, removed).
    fn mark(&mut self, at: &At<'_>, class: Class, kind: Kind) {
        self.record(at, class, kind, None, None);
    }

    /// Records a change from `old` to `new`.
    fn changed(&mut self, at: &At<'_>, class: Class, kind: Kind, old: String, new: String) {
        self.record(at, class, kind, Some(old), Some(new));
    }

    fn record(
        &mut self,
        at: &At<'_>,
        class: Class,
        kind: Kind,
        old: Option<String>,
        new: Option<String>,
    ) {
        self.changes.push(Change {
            class,
            owner: at.owner.to_owned(),
            place: at.place,
            path: at.path.clone(),
            kind,
            old,
            new,
        });
    }

    fn parameters(&mut self, op: &str, old: &'s [Parameter], new: &'s [Parameter]) {
        let by_name: BTreeMap<&str, &Parameter> =
            new.iter().map(|p| (p.name.as_str(), p)).collect();
        let old_names: BTreeSet<&str> = old.iter().map(|p| p.name.as_str()).collect();
        let request = At::new(op, Place::Request);
        for a in old {
            let at = request.child(&a.name);
            let Some(b) = by_name.get(a.name.as_str()) else {
                self.mark(&at, Class::ApiBreaking, Kind::ParameterRemoved);
                continue;
            };
            if a.location != b.location {
                let (x, y) = (a.location.as_str(), b.location.as_str());
                self.changed(&at, Class::WireBreaking, Kind::Location, x.into(), y.into());
            }
            let (x, y) = (effective_style(self.old, a), effective_style(self.new, b));
            if x != y {
                self.changed(&at, Class::WireBreaking, Kind::Style, x.into(), y.into());
            }
            self.schema(&at, true, &a.schema, &b.schema);
        }
        for b in new.iter().filter(|b| !old_names.contains(b.name.as_str())) {
            let class = class_if(b.schema.required == Some(true));
            self.mark(&request.child(&b.name), class, Kind::ParameterAdded);
        }
    }

    /// Compares two schemas: `required` (when `field`: a parameter or an object property), then
    /// references, then (through [`Self::resolved`]) type, enum, bounds and nested fields.
    fn schema(&mut self, at: &At<'_>, field: bool, a: &'s Schema, b: &'s Schema) {
        let (ra, rb) = (a.required == Some(true), b.required == Some(true));
        if at.checked() && field && ra != rb {
            let show = |r: bool| if r { "required" } else { "optional" }.to_owned();
            self.changed(at, Class::ApiBreaking, Kind::Required, show(ra), show(rb));
        }
        match (ref_name(a), ref_name(b)) {
            // The same component: compared once on its own.
            (Some(x), Some(y)) if x == y => {}
            // Two different components: the Rust type changes here, and the pair is compared
            // once, as components, from the work list (a long chain of them would otherwise
            // recurse, and build paths, as deep as the chain).
            (Some(x), Some(y)) => {
                self.changed(at, Class::ApiBreaking, Kind::Type, x.into(), y.into());
                if self.pairs_seen.insert((x, y)) {
                    let (a, b) = (target(self.old, a), target(self.new, b));
                    self.pending.push((format!("{x} (now {y})"), a, b));
                }
            }
            _ => self.resolved(at, target(self.old, a), target(self.new, b)),
        }
    }

    /// [`Self::schema`] for two concrete (non-reference) schemas.
    fn resolved(&mut self, at: &At<'_>, a: &'s Schema, b: &'s Schema) {
        let (x, y) = (shape(a), shape(b));
        if x != y {
            self.changed(at, Class::ApiBreaking, Kind::Type, x.into(), y.into());
            return;
        }
        if at.checked() {
            self.enums(at, a, b);
            self.limits(at, a, b);
        }
        match (&a.kind, &b.kind) {
            (SchemaKind::Array(x), SchemaKind::Array(y)) => {
                self.schema(&at.child("[]"), false, x, y)
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
                    self.schema(&at.child("{}"), false, x, y);
                }
                self.fields(at, pa, pb);
            }
            _ => {}
        }
    }

    fn fields(&mut self, at: &At<'_>, old: &'s [(String, Schema)], new: &'s [(String, Schema)]) {
        let by_name: BTreeMap<&str, &Schema> = new.iter().map(|(n, s)| (n.as_str(), s)).collect();
        let old_names: BTreeSet<&str> = old.iter().map(|(n, _)| n.as_str()).collect();
        for (name, a) in old {
            let child = at.child(name);
            match by_name.get(name.as_str()) {
                Some(b) => self.schema(&child, true, a, b),
                None => self.mark(&child, Class::ApiBreaking, Kind::FieldRemoved),
            }
        }
        for (name, b) in new.iter().filter(|(n, _)| !old_names.contains(n.as_str())) {
            let class = class_if(at.checked() && b.required == Some(true));
            self.mark(&at.child(name), class, Kind::FieldAdded);
        }
    }

    fn enums(&mut self, at: &At<'_>, a: &Schema, b: &Schema) {
        let x: BTreeSet<&str> = a.enum_values.iter().map(String::as_str).collect();
        let y: BTreeSet<&str> = b.enum_values.iter().map(String::as_str).collect();
        if x == y {
            return;
        }
        // No enum accepts everything: narrowing is a new enum or a value taken away.
        let narrower = !y.is_empty() && (x.is_empty() || !x.is_subset(&y));
        let show = |s: &BTreeSet<&str>| {
            if s.is_empty() {
                "any value".to_owned()
            } else {
                s.iter().copied().collect::<Vec<_>>().join(", ")
            }
        };
        self.changed(at, class_if(narrower), Kind::Enum, show(&x), show(&y));
    }

    fn limits(&mut self, at: &At<'_>, a: &Schema, b: &Schema) {
        let f = |v: Option<u64>| v.map(|x| x as f64);
        // (key, old, new, lower bound?); a lower length/item bound of 0 is no bound.
        let bounds = [
            ("minLength", f(a.min_length), f(b.min_length), true),
            ("maxLength", f(a.max_length), f(b.max_length), false),
            ("minimum", a.minimum, b.minimum, true),
            ("maximum", a.maximum, b.maximum, false),
            ("minItems", f(a.min_items), f(b.min_items), true),
            ("maxItems", f(a.max_items), f(b.max_items), false),
        ];
        for (key, x, y, lower) in bounds {
            let counting = key == "minLength" || key == "minItems";
            let bound = |v: Option<f64>| v.filter(|v| !(counting && *v == 0.0));
            let (x, y) = (bound(x), bound(y));
            if x == y {
                continue;
            }
            let tighter = match (x, y) {
                (_, None) => false,
                (None, Some(_)) => true,
                (Some(x), Some(y)) => (lower && y > x) || (!lower && y < x),
            };
            let show =
                |v: Option<f64>| v.map_or_else(|| format!("no {key}"), |v| format!("{key} {v}"));
            self.changed(at, class_if(tighter), Kind::Limit, show(x), show(y));
        }
        // An empty pattern constrains nothing; patterns are documented, not enforced.
        let pattern = |s: &Schema| s.pattern.clone().filter(|p| !p.is_empty());
        let (x, y) = (pattern(a), pattern(b));
        if x != y {
            let show = |p: Option<String>| {
                p.map_or_else(|| "no pattern".to_owned(), |p| format!("pattern {p:?}"))
            };
            self.changed(at, Class::Additive, Kind::Limit, show(x), show(y));
        }
    }
}
