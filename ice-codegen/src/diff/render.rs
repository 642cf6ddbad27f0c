//! A [`Diff`] as a one-line summary, as human text, and as JSON.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::{json, Value};

use super::{Change, Class, Diff, Kind, Place};

const CLASSES: [Class; 3] = [Class::WireBreaking, Class::ApiBreaking, Class::Additive];

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// What a (place, kind) count is called in the summary, singular and plural.
fn label(place: Place, kind: Kind) -> (String, String) {
    let p = place.as_str();
    let pair = |one: &str, many: &str| (one.to_owned(), many.to_owned());
    match kind {
        Kind::OperationAdded => pair("operation added", "operations added"),
        Kind::OperationRemoved => pair("operation removed", "operations removed"),
        Kind::ParameterAdded => pair("parameter added", "parameters added"),
        Kind::ParameterRemoved => pair("parameter removed", "parameters removed"),
        Kind::FieldAdded => (format!("{p} field added"), format!("{p} fields added")),
        Kind::FieldRemoved => (format!("{p} field removed"), format!("{p} fields removed")),
        Kind::ResponseAdded => pair("response added", "responses added"),
        Kind::ResponseRemoved => pair("response removed", "responses removed"),
        Kind::ComponentAdded => pair("component added", "components added"),
        Kind::ComponentRemoved => pair("component removed", "components removed"),
        Kind::Type => (format!("{p} type change"), format!("{p} type changes")),
        Kind::Location => pair("parameter location", "parameter locations"),
        Kind::Style => pair("parameter style", "parameter styles"),
        Kind::Required => (format!("{p} required flag"), format!("{p} required flags")),
        Kind::Enum => (format!("{p} enum"), format!("{p} enums")),
        Kind::Limit => (format!("{p} limit"), format!("{p} limits")),
    }
}

impl Change {
    /// `Op Param.Field`, `Op response Field`, `component Name.Field` or `Op`.
    pub fn subject(&self) -> String {
        let sep = if self.path.is_empty() { "" } else { " " };
        match self.place {
            Place::Operation => self.owner.clone(),
            Place::Request => format!("{}{sep}{}", self.owner, self.path),
            Place::Response => format!("{} response{sep}{}", self.owner, self.path),
            Place::Component => format!("component {}{sep}{}", self.owner, self.path),
        }
    }

    /// `style repeatList -> flat`, `operation removed`, `parameter added (required)`, ….
    pub fn detail(&self) -> String {
        let (noun, verb) = match self.kind {
            Kind::OperationAdded => ("operation", "added"),
            Kind::OperationRemoved => ("operation", "removed"),
            Kind::ParameterAdded => ("parameter", "added"),
            Kind::ParameterRemoved => ("parameter", "removed"),
            Kind::FieldAdded => ("field", "added"),
            Kind::FieldRemoved => ("field", "removed"),
            Kind::ResponseAdded => ("response schema", "added"),
            Kind::ResponseRemoved => ("response schema", "removed"),
            Kind::ComponentAdded => ("component", "added"),
            Kind::ComponentRemoved => ("component", "removed"),
            Kind::Type => return self.transition("type "),
            Kind::Location => return self.transition("in "),
            Kind::Style => return self.transition("style "),
            Kind::Enum => return self.transition("enum "),
            Kind::Required | Kind::Limit => return self.transition(""),
        };
        let required = verb == "added" && self.class == Class::ApiBreaking;
        format!("{noun} {verb}{}", if required { " (required)" } else { "" })
    }

    fn transition(&self, what: &str) -> String {
        let show = |v: &Option<String>| v.clone().unwrap_or_default();
        format!("{what}{} -> {}", show(&self.old), show(&self.new))
    }
}

impl Diff {
    /// Counts by `place.kind` (`request.parameter_added`, …), only those present.
    pub fn counts(&self) -> BTreeMap<(Place, Kind), usize> {
        let mut out = BTreeMap::new();
        for c in &self.changes {
            *out.entry((c.place, c.kind)).or_insert(0) += 1;
        }
        out
    }

    /// One line: `N changes: W wire-breaking, A API-breaking, D additive (204 operations removed, …)`.
    pub fn summary(&self) -> String {
        let mut s = format!(
            "{}: {} wire-breaking, {} API-breaking, {} additive",
            plural(self.changes.len(), "change", "changes"),
            self.count(Class::WireBreaking),
            self.count(Class::ApiBreaking),
            self.count(Class::Additive)
        );
        let parts: Vec<String> = self
            .counts()
            .into_iter()
            .map(|((place, kind), n)| {
                let (one, many) = label(place, kind);
                plural(n, &one, &many)
            })
            .collect();
        if !parts.is_empty() {
            let _ = write!(s, " ({})", parts.join(", "));
        }
        s
    }

    /// Every change, grouped by class, then the summary line.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        for class in CLASSES {
            let n = self.count(class);
            if n == 0 {
                continue;
            }
            let _ = writeln!(s, "{} ({n}):", class.as_str());
            for c in self.changes.iter().filter(|c| c.class == class) {
                let _ = writeln!(s, "  {}: {}", c.subject(), c.detail());
            }
        }
        s.push_str(&self.summary());
        s.push('\n');
        s
    }

    /// Machine-readable form: `summary`, `counts` (totals per class and per `place.kind`) and
    /// `changes`.
    pub fn to_json(&self) -> Value {
        let by_kind: serde_json::Map<String, Value> = self
            .counts()
            .into_iter()
            .map(|((p, k), n)| (format!("{}.{}", p.as_str(), k.as_str()), json!(n)))
            .collect();
        let changes: Vec<Value> = self
            .changes
            .iter()
            .map(|c| {
                json!({
                    "class": c.class.as_str(),
                    "owner": c.owner,
                    "place": c.place.as_str(),
                    "path": c.path,
                    "kind": c.kind.as_str(),
                    "old": c.old,
                    "new": c.new,
                })
            })
            .collect();
        json!({
            "summary": self.summary(),
            "counts": {
                "total": self.changes.len(),
                "wire_breaking": self.count(Class::WireBreaking),
                "api_breaking": self.count(Class::ApiBreaking),
                "additive": self.count(Class::Additive),
                "by_kind": by_kind,
            },
            "changes": changes,
        })
    }
}
