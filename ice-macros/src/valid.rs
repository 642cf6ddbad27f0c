//! Validation: turns the parsed input into the checked [`model`](crate::model), reporting every
//! inconsistent or missing setting (all of them, each at its own tokens) instead of stopping at
//! the first.

use std::collections::HashMap;

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::LitStr;

use crate::ast::{Body, Field, Input, Variant, VariantShape};
use crate::attr::{Setting, WireAttrs};
use crate::ctxt::Ctxt;
use crate::model::{Case, CaseBody, Location, Param, ParamKind, Request, Shape, Style, Wire};

/// The checked model, or `None` when at least one error was recorded in `cx`.
pub fn check<'a>(cx: &Ctxt, input: &Input<'a>) -> Option<Request<'a>> {
    let original = input.original;
    let shape = match &input.body {
        Body::Struct(fields) => {
            let params = params(cx, fields, &mut WireNames::default());
            Some(Shape::Struct(params?))
        }
        Body::Enum { attrs, variants } => {
            let tag = match &attrs.tag {
                Some(setting) => setting.value.as_ref().and_then(|w| wire(cx, w, setting)),
                None if attrs.damage.excuses("tag") => None,
                None => {
                    cx.error_spanned_by(
                        &original.ident,
                        format!(
                            "enum `{}` needs `#[ice(tag(name = \"...\", query))]`: the parameter \
                             whose value selects the variant",
                            original.ident
                        ),
                    );
                    None
                }
            };
            if variants.is_empty() {
                cx.error_spanned_by(
                    &original.ident,
                    "an `EncodeWire` enum needs at least one variant",
                );
            }
            let cases = cases(cx, variants, tag.as_ref());
            match (tag, cases) {
                (Some(tag), Some(cases)) => Some(Shape::Enum { tag, cases }),
                _ => None,
            }
        }
        Body::Invalid => None,
    }?;
    if cx.has_errors() {
        return None;
    }
    Some(Request {
        ident: &original.ident,
        generics: &original.generics,
        shape,
    })
}

/// Wire names already used in one struct or variant, with who used them first.
#[derive(Default)]
struct WireNames(HashMap<String, String>);

impl WireNames {
    fn claim(&mut self, cx: &Ctxt, lit: &LitStr, owner: String) {
        let name = lit.value();
        match self.0.get(&name) {
            Some(first) => cx.error_spanned_by(
                lit,
                format!("duplicate wire name `{name}`: {first} already uses it"),
            ),
            None => {
                self.0.insert(name, owner);
            }
        }
    }
}

/// All fields, checked; `None` if any one is wrong (all are still checked).
fn params<'a>(cx: &Ctxt, fields: &[Field<'a>], names: &mut WireNames) -> Option<Vec<Param<'a>>> {
    let checked: Vec<_> = fields.iter().map(|f| param(cx, f, names)).collect();
    checked.into_iter().collect()
}

fn param<'a>(cx: &Ctxt, f: &Field<'a>, names: &mut WireNames) -> Option<Param<'a>> {
    let a = &f.attrs;
    let kind = if a.first.is_none() {
        cx.error_spanned_by(
            f.ident,
            format!(
                "field `{}` has no `#[ice(...)]`: every field needs `#[ice(name = \"...\", query)]` \
                 (or `form`), `#[ice(flatten)]` or `#[ice(skip)]`",
                f.ident
            ),
        );
        None
    } else if a.skip.is_some() {
        let others = [
            a.wire.name.as_ref().map(keyed),
            a.wire.query.as_ref().map(keyed),
            a.wire.form.as_ref().map(keyed),
            a.style.as_ref().map(keyed),
            a.direct.as_ref().map(keyed),
            a.flatten.as_ref().map(keyed),
        ];
        let mut ok = true;
        for (tokens, key) in others.into_iter().flatten() {
            cx.error_spanned_by(
                tokens,
                format!("a `skip` field is not encoded: remove `{key}`"),
            );
            ok = false;
        }
        ok.then_some(ParamKind::Skip)
    } else if a.flatten.is_some() {
        let placed = [
            a.wire.name.as_ref().map(keyed),
            a.wire.query.as_ref().map(keyed),
            a.wire.form.as_ref().map(keyed),
        ];
        let mut ok = true;
        for (tokens, key) in placed.into_iter().flatten() {
            cx.error_spanned_by(
                tokens,
                format!(
                    "a `flatten` field takes wire names and locations from the fields of its \
                     type: remove `{key}`"
                ),
            );
            ok = false;
        }
        if let Some(style) = &a.style {
            cx.error_spanned_by(
                style,
                "`style` does not apply to a `flatten` field: the fields of its type carry \
                 their own styles",
            );
            ok = false;
        }
        if let Some(direct) = &a.direct {
            cx.error_spanned_by(
                direct,
                "`direct` does not apply to a `flatten` field: it marks a `style = \"json\"` \
                 value with a generated JSON encoder",
            );
            ok = false;
        }
        ok.then_some(ParamKind::Flatten)
    } else {
        let anchor = a.first.as_ref().map(|attr| attr.to_token_stream());
        let wire = wire(cx, &a.wire, &anchor);
        let style = match &a.style {
            Some(Setting { value: None, .. }) => return None,
            Some(Setting { value, .. }) => *value,
            None => None,
        };
        let direct = match &a.direct {
            Some(d) if style != Some(Style::Json) => {
                cx.error_spanned_by(
                    d,
                    "`direct` applies only to `style = \"json\"`: it selects the value's \
                     generated JSON encoder",
                );
                return None;
            }
            d => d.is_some(),
        };
        wire.map(|wire| {
            names.claim(cx, &wire.name, format!("field `{}`", f.ident));
            ParamKind::Wire {
                wire,
                style,
                direct,
            }
        })
    }?;
    Some(Param {
        member: f.ident,
        ty: f.ty,
        kind,
    })
}

/// `(tokens, key)` of a setting, for errors about a key that must not be there.
fn keyed<T>(s: &Setting<T>) -> (TokenStream, String) {
    (s.tokens.clone(), s.tokens.to_string())
}

/// Resolves `name` + `query`/`form`; missing pieces are reported at `anchor` (the attribute).
fn wire(cx: &Ctxt, w: &WireAttrs, anchor: &dyn ToTokens) -> Option<Wire> {
    let name = match &w.name {
        None if w.damage.excuses("name") => None,
        None => {
            cx.error_spanned_by(
                anchor,
                "missing `name = \"...\"`: the parameter's wire name, e.g. `name = \"JobType\"`",
            );
            None
        }
        Some(Setting { value, .. }) => value.as_ref().and_then(|lit| {
            if lit.value().trim().is_empty() {
                cx.error_spanned_by(lit, "`name` must not be empty");
                None
            } else {
                Some(lit.clone())
            }
        }),
    };
    let location = match (&w.query, &w.form) {
        (None, None) if w.damage.excuses("query") || w.damage.excuses("form") => None,
        (None, None) => {
            cx.error_spanned_by(
                anchor,
                "missing location: add `query` (URL query string) or `form` (form body)",
            );
            None
        }
        (Some(query), Some(form)) => {
            let later: &dyn ToTokens = if query.order > form.order {
                query
            } else {
                form
            };
            cx.error_spanned_by(
                later,
                "`query` and `form` are mutually exclusive: a parameter travels either in the \
                 query string or in the form body",
            );
            None
        }
        (Some(_), None) => Some(Location::Query),
        (None, Some(_)) => Some(Location::Form),
    };
    Some(Wire {
        name: name?,
        location: location?,
    })
}

fn cases<'a>(cx: &Ctxt, variants: &[Variant<'a>], tag: Option<&Wire>) -> Option<Vec<Case<'a>>> {
    let mut values: HashMap<String, String> = HashMap::new();
    let checked: Vec<_> = variants
        .iter()
        .map(|v| case(cx, v, tag, &mut values))
        .collect();
    checked.into_iter().collect()
}

fn case<'a>(
    cx: &Ctxt,
    v: &Variant<'a>,
    tag: Option<&Wire>,
    values: &mut HashMap<String, String>,
) -> Option<Case<'a>> {
    let value = match &v.attrs.value {
        None if v.attrs.damage.excuses("value") => None,
        None => {
            let tag_name =
                tag.map_or_else(|| "tag".to_owned(), |t| format!("`{}`", t.name.value()));
            cx.error_spanned_by(
                v.ident,
                format!(
                    "variant `{}` needs `#[ice(value = \"...\")]`: the {tag_name} value that \
                     selects it",
                    v.ident
                ),
            );
            None
        }
        Some(Setting { value, .. }) => value.as_ref().and_then(|lit| {
            let text = lit.value();
            if text.trim().is_empty() {
                cx.error_spanned_by(lit, "`value` must not be empty");
                return None;
            }
            if let Some(first) = values.get(&text) {
                cx.error_spanned_by(
                    lit,
                    format!("duplicate value `{text}`: variant `{first}` already uses it"),
                );
                return None;
            }
            values.insert(text, v.ident.to_string());
            Some(lit.clone())
        }),
    };
    let body = match &v.shape {
        VariantShape::Named(fields) => {
            let mut names = WireNames::default();
            if let Some(tag) = tag {
                names.claim(cx, &tag.name, "the enum's tag".to_owned());
            }
            params(cx, fields, &mut names).map(CaseBody::Named)
        }
        VariantShape::Newtype(ty) => Some(CaseBody::Newtype(ty)),
        VariantShape::Unit => Some(CaseBody::Unit),
        VariantShape::Invalid => None,
    };
    Some(Case {
        ident: v.ident,
        value: value?,
        body: body?,
    })
}
