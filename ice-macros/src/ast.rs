//! The derive input split into the shapes the macro understands, with each item's `#[ice]`
//! attributes parsed. Shape errors (tuple struct, union, …) are reported here.

use syn::{Data, DeriveInput, Fields, Ident, Type};

use crate::attr::{self, EnumAttrs, FieldAttrs, VariantAttrs};
use crate::ctxt::Ctxt;

pub struct Input<'a> {
    pub original: &'a DeriveInput,
    pub body: Body<'a>,
}

pub enum Body<'a> {
    Struct(Vec<Field<'a>>),
    Enum {
        attrs: Box<EnumAttrs>,
        variants: Vec<Variant<'a>>,
    },
    /// A shape the derive rejects (already reported).
    Invalid,
}

pub struct Field<'a> {
    pub ident: &'a Ident,
    pub ty: &'a Type,
    pub attrs: FieldAttrs,
}

pub struct Variant<'a> {
    pub ident: &'a Ident,
    pub attrs: VariantAttrs,
    pub shape: VariantShape<'a>,
}

pub enum VariantShape<'a> {
    /// `V { a: A, b: B }`: fields encoded like struct fields.
    Named(Vec<Field<'a>>),
    /// `V(Inner)`: `Inner: EncodeWire` supplies the parameters.
    Newtype(&'a Type),
    /// `V`: only the tag pair.
    Unit,
    /// A shape the derive rejects (already reported).
    Invalid,
}

impl<'a> Input<'a> {
    pub fn from_syn(cx: &Ctxt, input: &'a DeriveInput) -> Self {
        let body = match &input.data {
            Data::Struct(data) => {
                attr::structure(cx, &input.attrs);
                match &data.fields {
                    Fields::Named(fields) => Body::Struct(named(cx, fields)),
                    Fields::Unnamed(fields) => {
                        cx.error_spanned_by(
                            fields,
                            "`EncodeWire` needs named fields: each field carries its wire name \
                             in `#[ice(name = \"...\", query)]`",
                        );
                        Body::Invalid
                    }
                    Fields::Unit => {
                        cx.error_spanned_by(
                            &input.ident,
                            format!(
                                "`EncodeWire` cannot be derived for a unit struct; write \
                                 `struct {} {{}}` for a request without parameters",
                                input.ident
                            ),
                        );
                        Body::Invalid
                    }
                }
            }
            Data::Enum(data) => Body::Enum {
                attrs: Box::new(attr::enumeration(cx, &input.attrs)),
                variants: data.variants.iter().map(|v| variant(cx, v)).collect(),
            },
            Data::Union(data) => {
                cx.error_spanned_by(
                    data.union_token,
                    "`EncodeWire` cannot be derived for a union; use a struct with named fields \
                     or an enum with `#[ice(tag(...))]`",
                );
                Body::Invalid
            }
        };
        Input {
            original: input,
            body,
        }
    }
}

/// The fields of `{ ... }`, each with its name (always present for named fields).
fn named<'a>(cx: &Ctxt, fields: &'a syn::FieldsNamed) -> Vec<Field<'a>> {
    fields
        .named
        .iter()
        .filter_map(|f| f.ident.as_ref().map(|ident| field(cx, ident, f)))
        .collect()
}

fn field<'a>(cx: &Ctxt, ident: &'a Ident, f: &'a syn::Field) -> Field<'a> {
    Field {
        ident,
        ty: &f.ty,
        attrs: attr::field(cx, &f.attrs),
    }
}

fn variant<'a>(cx: &Ctxt, v: &'a syn::Variant) -> Variant<'a> {
    let shape = match &v.fields {
        Fields::Named(fields) => VariantShape::Named(named(cx, fields)),
        Fields::Unnamed(fields) if fields.unnamed.len() == 1 => {
            let inner = &fields.unnamed[0];
            if let Some(a) = inner.attrs.iter().find(|a| a.path().is_ident("ice")) {
                cx.error_spanned_by(
                    a,
                    "the field of a tuple variant takes no `#[ice]`: its type's `EncodeWire` \
                     supplies the parameters",
                );
            }
            VariantShape::Newtype(&inner.ty)
        }
        Fields::Unnamed(fields) => {
            cx.error_spanned_by(
                fields,
                "a tuple variant must hold exactly one type that implements `EncodeWire`; \
                 use named fields for more",
            );
            VariantShape::Invalid
        }
        Fields::Unit => VariantShape::Unit,
    };
    Variant {
        ident: &v.ident,
        attrs: attr::variant(cx, &v.attrs),
        shape,
    }
}
