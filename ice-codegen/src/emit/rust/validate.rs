//! `impl Validate` bodies: one `Validator` call per check, nested through lists, maps and named
//! types; fields without checks emit nothing. Beyond the declared limits, every request gets two
//! rules that catch the commonest mistakes: a required string may not be blank, and a list of
//! strings may not hold a blank item.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

use super::types::field_ident;
use super::Ctx;
use crate::ir::{Checks, Field, NamedType, TypeKind, TypeRef};

fn opt_usize(v: Option<u64>) -> TokenStream {
    match v {
        Some(n) => {
            let n = Literal::usize_unsuffixed(usize::try_from(n).unwrap_or(usize::MAX));
            quote!(::std::option::Option::Some(#n))
        }
        None => quote!(::std::option::Option::None),
    }
}

fn opt_f64(v: Option<f64>) -> TokenStream {
    match v {
        Some(n) => {
            let n = Literal::f64_unsuffixed(n);
            quote!(::std::option::Option::Some(#n))
        }
        None => quote!(::std::option::Option::None),
    }
}

/// Checks for a value reachable as `expr` (an expression of type `&T`). Empty when nothing applies.
pub fn value_checks(
    ctx: &Ctx<'_>,
    ty: &TypeRef,
    checks: &Checks,
    required: bool,
    expr: TokenStream,
) -> TokenStream {
    let own = &checks.own;
    let mut out = Vec::new();
    match ty {
        TypeRef::String => {
            if required {
                out.push(quote!(v.not_blank(#expr);));
            }
            if own.min_length.is_some() || own.max_length.is_some() {
                let (a, b) = (opt_usize(own.min_length), opt_usize(own.max_length));
                out.push(quote!(v.chars(#expr, #a, #b);));
            }
            if !own.enum_values.is_empty() {
                let vals = own.enum_values.iter().map(|s| Literal::string(s));
                out.push(quote!(v.one_of(#expr, &[#(#vals),*]);));
            }
        }
        TypeRef::Integer | TypeRef::Number => {
            if own.minimum.is_some() || own.maximum.is_some() {
                let (a, b) = (opt_f64(own.minimum), opt_f64(own.maximum));
                out.push(quote!(v.range(*#expr as f64, #a, #b);));
            }
        }
        TypeRef::Decimal => {
            out.push(quote!(::ice_api::Validate::validate(#expr, v);));
            if own.minimum.is_some() || own.maximum.is_some() {
                let (a, b) = (opt_f64(own.minimum), opt_f64(own.maximum));
                out.push(quote! {
                    let n = #expr.as_f64();
                    if n.is_finite() {
                        v.range(n, #a, #b);
                    }
                });
            }
        }
        TypeRef::NumberOrString => {
            out.push(quote!(::ice_api::Validate::validate(#expr, v);));
            if own.minimum.is_some() || own.maximum.is_some() {
                let (a, b) = (opt_f64(own.minimum), opt_f64(own.maximum));
                out.push(quote! {
                    if let ::std::option::Option::Some(n) = #expr.as_f64().filter(|n| n.is_finite()) {
                        v.range(n, #a, #b);
                    }
                });
            }
        }
        TypeRef::List(inner) => {
            if own.min_items.is_some() || own.max_items.is_some() {
                let (a, b) = (opt_usize(own.min_items), opt_usize(own.max_items));
                out.push(quote!(v.items(#expr.len(), #a, #b);));
            }
            let inner_checks = checks.inner.as_deref().cloned().unwrap_or_default();
            // Items of a list are never optional: a blank string item is a mistake.
            let body = value_checks(ctx, inner, &inner_checks, true, quote!(item));
            if !body.is_empty() {
                out.push(quote! {
                    for (i, item) in #expr.iter().enumerate() {
                        v.index(i, |v| { #body });
                    }
                });
            }
        }
        TypeRef::Map(inner) => {
            let inner_checks = checks.inner.as_deref().cloned().unwrap_or_default();
            let body = value_checks(ctx, inner, &inner_checks, false, quote!(item));
            if !body.is_empty() {
                out.push(quote! {
                    for (k, item) in #expr.iter() {
                        v.field(k, |v| { #body });
                    }
                });
            }
        }
        TypeRef::Named(i) => {
            if ctx.has_checks[*i] {
                out.push(quote!(::ice_api::Validate::validate(#expr, v);));
            }
        }
        TypeRef::Boolean | TypeRef::Any | TypeRef::FreeObject | TypeRef::JsonString(_) => {}
    }
    for rule in &checks.rules {
        let rule = format_ident!("{}", rule);
        out.push(quote!(crate::checks::#rule(#expr, v);));
    }
    quote!(#(#out)*)
}

/// One statement per field that has checks; `access(ident)` is the place holding the field.
pub fn field_validations(
    ctx: &Ctx<'_>,
    fields: &[Field],
    access: impl Fn(&Ident) -> TokenStream,
) -> Vec<TokenStream> {
    let mut out = Vec::new();
    for f in fields {
        let body = value_checks(ctx, &f.ty, &f.checks, f.required, quote!(x));
        if body.is_empty() {
            continue;
        }
        let id = field_ident(&f.rust_name);
        let place = access(&id);
        let wire = Literal::string(&f.wire_name);
        if f.required {
            out.push(quote! {
                let x = &#place;
                v.field(#wire, |v| { #body });
            });
        } else {
            out.push(quote! {
                if let ::std::option::Option::Some(x) = &#place {
                    v.field(#wire, |v| { #body });
                }
            });
        }
    }
    out
}

fn ty_has(ty: &TypeRef, checks: &Checks, required: bool, flags: &[bool]) -> bool {
    if checks.any() {
        return true;
    }
    match ty {
        TypeRef::String => required,
        TypeRef::Decimal | TypeRef::NumberOrString => true,
        TypeRef::List(t) | TypeRef::Map(t) => {
            let inner = checks.inner.as_deref().cloned().unwrap_or_default();
            ty_has(t, &inner, matches!(**t, TypeRef::String), flags)
        }
        TypeRef::Named(i) => flags.get(*i).copied().unwrap_or(false),
        _ => false,
    }
}

/// Whether each named type's `Validate` does anything (fixpoint over cycles).
pub fn compute_has_checks(types: &[NamedType]) -> Vec<bool> {
    let mut flags = vec![false; types.len()];
    loop {
        let mut changed = false;
        for (i, t) in types.iter().enumerate() {
            if flags[i] {
                continue;
            }
            let has = match &t.kind {
                TypeKind::Config { parse_only, .. } => !parse_only,
                TypeKind::Enum { .. } => false,
                TypeKind::Untagged { variants } => variants.iter().any(|v| flags[v.ty]),
                TypeKind::Union { variants, .. } => variants.iter().any(|v| {
                    v.params
                        .iter()
                        .any(|p| ty_has(&p.field.ty, &p.field.checks, p.field.required, &flags))
                }),
                TypeKind::Object => {
                    t.in_request
                        && t.fields
                            .iter()
                            .any(|f| ty_has(&f.ty, &f.checks, f.required, &flags))
                }
            };
            if has {
                flags[i] = true;
                changed = true;
            }
        }
        if !changed {
            return flags;
        }
    }
}
