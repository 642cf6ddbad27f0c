//! `impl Validate` bodies from constraints: one `Validator` call per check, nested through lists,
//! maps and named structs; fields without checks emit nothing.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::types::field_ident;
use super::Ctx;
use crate::ir::{Checks, Field, TypeHome, TypeRef};

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
fn value_checks(ctx: &Ctx<'_>, ty: &TypeRef, checks: &Checks, expr: TokenStream) -> TokenStream {
    let own = &checks.own;
    let mut out = Vec::new();
    match ty {
        TypeRef::String => {
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
        TypeRef::List(inner) => {
            if own.min_items.is_some() || own.max_items.is_some() {
                let (a, b) = (opt_usize(own.min_items), opt_usize(own.max_items));
                out.push(quote!(v.items(#expr.len(), #a, #b);));
            }
            let inner_checks = checks.inner.as_deref().cloned().unwrap_or_default();
            let body = value_checks(ctx, inner, &inner_checks, quote!(item));
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
            let body = value_checks(ctx, inner, &inner_checks, quote!(item));
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
        TypeRef::Boolean | TypeRef::Any | TypeRef::FreeObject => {}
    }
    quote!(#(#out)*)
}

/// One statement per field that has checks.
pub fn validate_fields(ctx: &Ctx<'_>, fields: &[Field], _home: &TypeHome) -> Vec<TokenStream> {
    let mut out = Vec::new();
    for f in fields {
        let body = value_checks(ctx, &f.ty, &f.checks, quote!(x));
        if body.is_empty() {
            continue;
        }
        let id = field_ident(&f.rust_name);
        let wire = Literal::string(&f.wire_name);
        if f.required {
            out.push(quote! {
                let x = &self.#id;
                v.field(#wire, |v| { #body });
            });
        } else {
            out.push(quote! {
                if let ::std::option::Option::Some(x) = &self.#id {
                    v.field(#wire, |v| { #body });
                }
            });
        }
    }
    out
}

/// Whether each named type has checks at any depth (fixpoint over cycles).
pub fn compute_has_checks(ctx_types: &[crate::ir::NamedType]) -> Vec<bool> {
    fn ty_has(ty: &TypeRef, checks: &Checks, flags: &[bool]) -> bool {
        if checks.own.any() {
            return true;
        }
        match ty {
            TypeRef::List(t) | TypeRef::Map(t) => {
                let inner = checks.inner.as_deref().cloned().unwrap_or_default();
                ty_has(t, &inner, flags)
            }
            TypeRef::Named(i) => flags.get(*i).copied().unwrap_or(false),
            _ => false,
        }
    }
    let mut flags = vec![false; ctx_types.len()];
    loop {
        let mut changed = false;
        for (i, t) in ctx_types.iter().enumerate() {
            if !flags[i] && t.fields.iter().any(|f| ty_has(&f.ty, &f.checks, &flags)) {
                flags[i] = true;
                changed = true;
            }
        }
        if !changed {
            return flags;
        }
    }
}
