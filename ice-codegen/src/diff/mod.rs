//! What changed between two api-docs specs, and what each change does to users of the generated
//! crate: the basis of `cargo xtask diff` and of the summary `cargo xtask import` prints.
//!
//! Each [`Change`] has a [`Class`]:
//! - **wire-breaking**: a parameter's location (`in`) or *effective* style changed, so every call
//!   that sets it sends different bytes. The effective style is what [`crate::ir`] documents: a
//!   declared `style` wins; an array or object without one travels `flat`; a scalar has none.
//! - **API-breaking**: code written against the old crate stops compiling or starts failing
//!   validation: an operation, parameter, field, response or component removed; a type changed; a
//!   parameter became required or optional (it moves in or out of `new()`); a new required
//!   parameter or field; an enum or bound that now rejects values the old one accepted.
//! - **additive**: everything else (additions, loosened enums and bounds, `pattern` changes,
//!   which are documented but not enforced).
//!
//! ```
//! use std::path::Path;
//! use ice_codegen::diff::{diff, Class};
//! use ice_codegen::spec::load_spec;
//!
//! let old = r#"{"info": {"style": "RPC", "product": "ICE", "version": "1"}, "apis": {"ListX": {
//!   "parameters": [{"name": "Ids", "in": "query", "style": "repeatList",
//!                   "schema": {"type": "array", "items": {"type": "string"}}}]}}}"#;
//! let new = old.replace(r#""style": "repeatList","#, "");
//! let old = load_spec(Path::new("old.json"), old).unwrap();
//! let new = load_spec(Path::new("new.json"), &new).unwrap();
//! let d = diff(&old, &new);
//! assert_eq!(d.changes.len(), 1);
//! assert_eq!(d.changes[0].class, Class::WireBreaking);
//! assert_eq!(d.summary(), "1 change: 1 wire-breaking, 0 API-breaking, 0 additive (1 parameter style)");
//! ```

mod compare;
mod render;

pub use compare::diff;

/// How a change affects users of the generated crate (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// Calls send different bytes.
    WireBreaking,
    /// Old code stops compiling or starts failing validation.
    ApiBreaking,
    /// Nothing existing breaks.
    Additive,
}

impl Class {
    /// `wire-breaking`, `API-breaking` or `additive`.
    pub fn as_str(self) -> &'static str {
        match self {
            Class::WireBreaking => "wire-breaking",
            Class::ApiBreaking => "API-breaking",
            Class::Additive => "additive",
        }
    }
}

/// Where in the spec a change is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Place {
    /// The operation as a whole.
    Operation,
    /// A request parameter or a field nested in one.
    Request,
    /// A response field.
    Response,
    /// A shared schema under `components/schemas` (or one of its fields).
    Component,
}

impl Place {
    /// `operation`, `request`, `response` or `component`.
    pub fn as_str(self) -> &'static str {
        match self {
            Place::Operation => "operation",
            Place::Request => "request",
            Place::Response => "response",
            Place::Component => "component",
        }
    }
}

/// What changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// An operation only in the new spec.
    OperationAdded,
    /// An operation only in the old spec.
    OperationRemoved,
    /// A top-level request parameter only in the new spec.
    ParameterAdded,
    /// A top-level request parameter only in the old spec.
    ParameterRemoved,
    /// A nested field (of a request parameter, a response or a component) only in the new spec.
    FieldAdded,
    /// A nested field only in the old spec.
    FieldRemoved,
    /// An operation gained a response schema.
    ResponseAdded,
    /// An operation lost its response schema.
    ResponseRemoved,
    /// A component only in the new spec.
    ComponentAdded,
    /// A component only in the old spec.
    ComponentRemoved,
    /// The type changed (string, integer, number, boolean, any, array, object, map, free-form object).
    Type,
    /// A parameter's `in` changed.
    Location,
    /// A parameter's effective style changed.
    Style,
    /// `required` changed.
    Required,
    /// The `enum` values changed.
    Enum,
    /// A bound or the `pattern` changed.
    Limit,
}

impl Kind {
    /// Snake-case name, used in `--json` output.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::OperationAdded => "operation_added",
            Kind::OperationRemoved => "operation_removed",
            Kind::ParameterAdded => "parameter_added",
            Kind::ParameterRemoved => "parameter_removed",
            Kind::FieldAdded => "field_added",
            Kind::FieldRemoved => "field_removed",
            Kind::ResponseAdded => "response_added",
            Kind::ResponseRemoved => "response_removed",
            Kind::ComponentAdded => "component_added",
            Kind::ComponentRemoved => "component_removed",
            Kind::Type => "type",
            Kind::Location => "location",
            Kind::Style => "style",
            Kind::Required => "required",
            Kind::Enum => "enum",
            Kind::Limit => "limit",
        }
    }
}

/// One difference.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    /// How it affects users.
    pub class: Class,
    /// The operation, or the component for [`Place::Component`].
    pub owner: String,
    /// Where.
    pub place: Place,
    /// Dotted path below the owner: a parameter name, `Config.Items[].Name` (array items are `[]`,
    /// map values `{}`), or empty for the owner itself.
    pub path: String,
    /// What.
    pub kind: Kind,
    /// The old value, when the change has one (`repeatList`, `maxLength 20`, …).
    pub old: Option<String>,
    /// The new value.
    pub new: Option<String>,
}

/// Every change between two specs, sorted by class, then operations before components, then
/// owner, place and path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diff {
    /// The changes.
    pub changes: Vec<Change>,
}

impl Diff {
    /// How many changes have `class`.
    pub fn count(&self, class: Class) -> usize {
        self.changes.iter().filter(|c| c.class == class).count()
    }

    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}
