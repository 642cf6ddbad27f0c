//! JobType unions: one enum variant per job type, holding that job type's own typed parameters;
//! the tag parameter's value comes from the variant, so a config that does not match its job type
//! does not compile.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::types::{arg, doc_attrs, field_docs, field_ident, field_type, ice_attr};
use super::validate::value_checks;
use super::Ctx;
use crate::ir::{Location, Param, TypeKind};

/// The enum, its constructors and shared setters, `job_type()`, and `Validate`.
pub fn union(ctx: &Ctx<'_>, idx: usize) -> TokenStream {
    let t = &ctx.api.types[idx];
    let TypeKind::Union {
        tag,
        tag_location,
        tag_docs,
        variants,
    } = &t.kind
    else {
        return TokenStream::new();
    };
    if variants.is_empty() {
        return TokenStream::new();
    }
    let name = format_ident!("{}", t.name);
    let home = &t.home;
    let mut doc = t.docs.clone().unwrap_or_default();
    doc.push_str(&format!("\n\n| Variant | `{tag}` |\n|---|---|"));
    for v in variants {
        doc.push_str(&format!(
            "\n| [`{}`](Self::{}) | `{}` |",
            v.rust, v.rust, v.value
        ));
    }
    if let Some(d) = tag_docs {
        doc.push_str(&format!(
            "\n\n`{tag}` in the API reference: {}",
            d.trim_end()
        ));
    }
    let docs = doc_attrs(Some(&doc));
    let tag_loc = match tag_location {
        Location::Query => quote!(query),
        Location::Form => quote!(form),
    };
    let items = variants.iter().map(|v| {
        let r = format_ident!("{}", v.rust);
        let value = &v.value;
        let mut d = doc_attrs(Some(&v.docs));
        if let Some(ex) = &v.example {
            d.extend(raw_docs(&format!("\n```\n{}\n```", ex.trim_end())));
        }
        let fields = v.params.iter().map(|p| {
            let id = field_ident(&p.field.rust_name);
            let ty = field_type(ctx, &p.field, home);
            let attr = ice_attr(ctx, p);
            let fd = field_docs(&p.field, true);
            quote! { #fd #attr #id: #ty, }
        });
        quote! {
            #d
            #[ice(value = #value)]
            #r { #(#fields)* },
        }
    });
    let ctors = variants.iter().map(|v| {
        let r = format_ident!("{}", v.rust);
        let c = format_ident!("{}", v.constructor);
        let mut params = Vec::new();
        let mut inits = Vec::new();
        for p in &v.params {
            let id = field_ident(&p.field.rust_name);
            if p.field.required {
                let (pt, conv) = arg(ctx, &p.field.ty, &id, home);
                params.push(quote!(#id: #pt));
                if id == conv.to_string() {
                    inits.push(quote!(#id));
                } else {
                    inits.push(quote!(#id: #conv));
                }
            } else {
                inits.push(quote!(#id: ::std::option::Option::None));
            }
        }
        let d = format!(
            " A `{}` job; optional parameters are set with the `with_*` methods.",
            v.value
        );
        quote! {
            #[doc = #d]
            pub fn #c(#(#params),*) -> Self {
                Self::#r { #(#inits),* }
            }
        }
    });
    // Setters for optional parameters every variant has with the same type.
    let first = &variants[0];
    let common = first.params.iter().filter(|p| {
        !p.field.required
            && variants.iter().all(|v| {
                v.params.iter().any(|q| {
                    q.field.rust_name == p.field.rust_name
                        && q.field.ty == p.field.ty
                        && !q.field.required
                })
            })
    });
    let setters = common.map(|p| {
        let id = field_ident(&p.field.rust_name);
        let setter = format_ident!("with_{}", p.field.rust_name);
        let (pt, conv) = arg(ctx, &p.field.ty, &id, home);
        let arms = variants.iter().map(|v| {
            let r = format_ident!("{}", v.rust);
            quote! { Self::#r { #id: slot, .. } => *slot = ::std::option::Option::Some(value), }
        });
        let d = format!(" Sets `{}`.", p.field.wire_name);
        quote! {
            #[doc = #d]
            #[must_use]
            pub fn #setter(mut self, #id: #pt) -> Self {
                let value = #conv;
                match &mut self {
                    #(#arms)*
                }
                self
            }
        }
    });
    let tag_arms = variants.iter().map(|v| {
        let r = format_ident!("{}", v.rust);
        let value = &v.value;
        quote! { Self::#r { .. } => #value, }
    });
    let validate_arms = variants.iter().map(|v| {
        let r = format_ident!("{}", v.rust);
        let names: Vec<Ident> = v
            .params
            .iter()
            .map(|p| field_ident(&p.field.rust_name))
            .collect();
        let checks = v.params.iter().map(|p| param_checks(ctx, p));
        quote! { Self::#r { #(#names),* } => { #(#checks)* } }
    });
    let tag_doc = format!(" The `{tag}` value this job is sent with.");
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, ::ice_macros::EncodeWire)]
        #[ice(tag(name = #tag, #tag_loc))]
        #[non_exhaustive]
        pub enum #name {
            #(#items)*
        }

        impl #name {
            #(#ctors)*
            #(#setters)*
            #[doc = #tag_doc]
            pub fn job_type(&self) -> &'static str {
                match self {
                    #(#tag_arms)*
                }
            }
        }

        impl ::ice_api::Validate for #name {
            #[allow(unused_variables)]
            fn validate(&self, v: &mut ::ice_api::Validator) {
                match self {
                    #(#validate_arms)*
                }
            }
        }
    }
}

/// Checks of one variant parameter bound by name in a match arm.
fn param_checks(ctx: &Ctx<'_>, p: &Param) -> TokenStream {
    let id = field_ident(&p.field.rust_name);
    let body = value_checks(
        ctx,
        &p.field.ty,
        &p.field.checks,
        p.field.required,
        quote!(x),
    );
    if body.is_empty() {
        return TokenStream::new();
    }
    let wire = &p.field.wire_name;
    if p.field.required {
        quote! { { let x = #id; v.field(#wire, |v| { #body }); } }
    } else {
        quote! { if let ::std::option::Option::Some(x) = #id { v.field(#wire, |v| { #body }); } }
    }
}

/// Doc lines kept as written (the overlay's examples are doctests, not spec Markdown).
fn raw_docs(text: &str) -> TokenStream {
    let lines = text.trim_end().lines().map(|l| {
        let l = if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        };
        quote!(#[doc = #l])
    });
    quote!(#(#lines)*)
}
