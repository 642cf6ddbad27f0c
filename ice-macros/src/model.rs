//! The checked model: what `valid.rs` produces and `expand.rs` consumes. Every choice is resolved,
//! so expansion cannot fail.

use syn::{Generics, Ident, LitStr, Type};

pub use crate::attr::Style;

pub struct Request<'a> {
    pub ident: &'a Ident,
    pub generics: &'a Generics,
    pub shape: Shape<'a>,
}

pub enum Shape<'a> {
    Struct(Vec<Param<'a>>),
    Enum { tag: Wire, cases: Vec<Case<'a>> },
}

/// One enum variant and the tag value that selects it.
pub struct Case<'a> {
    pub ident: &'a Ident,
    pub value: LitStr,
    pub body: CaseBody<'a>,
}

pub enum CaseBody<'a> {
    Named(Vec<Param<'a>>),
    Newtype(&'a Type),
    Unit,
}

/// One named field and how it is encoded.
pub struct Param<'a> {
    pub member: &'a Ident,
    pub ty: &'a Type,
    pub kind: ParamKind,
}

pub enum ParamKind {
    Skip,
    Flatten,
    /// `direct`: the value's generated JSON encoder is used (only with `Style::Json`).
    Wire {
        wire: Wire,
        style: Option<Style>,
        direct: bool,
    },
}

/// A wire name and where it travels.
pub struct Wire {
    pub name: LitStr,
    pub location: Location,
}

#[derive(Clone, Copy)]
pub enum Location {
    Query,
    Form,
}
