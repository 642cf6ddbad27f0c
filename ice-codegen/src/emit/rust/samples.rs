//! Test support: for every operation, a request with **every** parameter set to a value derived
//! from the parameter's name (strings = the wire name, integers = its length, numbers = length +
//! 0.5, booleans = true, maps = one entry `"k"`). `ice-api/tests/generated_params.rs` recomputes
//! the expected wire pairs independently from the spec JSON.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::types::{field_ident, named_path, From};
use super::{render, Ctx, SAMPLES_PATH};
use crate::ir::TypeRef;
use crate::output::{CodegenError, GeneratedFile};

fn sample(ctx: &Ctx<'_>, ty: &TypeRef, seed: &str, stack: &mut Vec<usize>) -> TokenStream {
    match ty {
        TypeRef::String => quote!(::std::string::String::from(#seed)),
        TypeRef::Integer => {
            let n = Literal::i64_suffixed(seed.len() as i64);
            quote!(#n)
        }
        TypeRef::Number => {
            let n = Literal::f64_suffixed(seed.len() as f64 + 0.5);
            quote!(#n)
        }
        TypeRef::Boolean => quote!(true),
        TypeRef::Any => quote!(::serde_json::Value::String(::std::string::String::from(#seed))),
        TypeRef::FreeObject => quote!({
            let mut m = ::serde_json::Map::new();
            m.insert("k".to_owned(), ::serde_json::Value::String("k".to_owned()));
            m
        }),
        TypeRef::Map(inner) => {
            let v = sample(ctx, inner, "k", stack);
            quote!({
                let mut m = ::std::collections::BTreeMap::new();
                m.insert("k".to_owned(), #v);
                m
            })
        }
        TypeRef::List(inner) => {
            let v = sample(ctx, inner, seed, stack);
            quote!(vec![#v])
        }
        TypeRef::Named(i) => {
            let path = named_path(ctx, *i, From::Outside);
            if stack.contains(i) {
                return quote!(<#path as ::std::default::Default>::default());
            }
            stack.push(*i);
            let sets = ctx.api.types[*i]
                .fields
                .iter()
                .map(|f| {
                    let id = field_ident(&f.rust_name);
                    let v = sample(ctx, &f.ty, &f.wire_name, stack);
                    if f.required {
                        quote!(x.#id = #v;)
                    } else {
                        quote!(x.#id = ::std::option::Option::Some(#v);)
                    }
                })
                .collect::<Vec<_>>();
            stack.pop();
            quote!({
                let mut x = <#path as ::std::default::Default>::default();
                #(#sets)*
                x
            })
        }
    }
}

/// `ice-api/tests/generated_params/samples.rs`.
pub fn samples_file(ctx: &Ctx<'_>) -> Result<GeneratedFile, CodegenError> {
    let mut fns = Vec::new();
    let mut pushes = Vec::new();
    for op in &ctx.api.operations {
        let f = format_ident!("{}", op.module);
        let group = ctx.group_module(&op.group);
        let module = format_ident!("{}", op.module);
        let req = format_ident!("{}", op.request_name());
        let feature = &op.group;
        let mut stack = Vec::new();
        let args = op
            .params
            .iter()
            .filter(|p| p.field.required)
            .map(|p| sample(ctx, &p.field.ty, &p.field.wire_name, &mut stack))
            .collect::<Vec<_>>();
        let sets = op
            .params
            .iter()
            .filter(|p| !p.field.required)
            .map(|p| {
                let id = field_ident(&p.field.rust_name);
                let v = sample(ctx, &p.field.ty, &p.field.wire_name, &mut stack);
                quote!(r.#id = ::std::option::Option::Some(#v);)
            })
            .collect::<Vec<_>>();
        let action = &op.action;
        let mutable = if sets.is_empty() {
            TokenStream::new()
        } else {
            quote!(mut)
        };
        fns.push(quote! {
            #[cfg(feature = #feature)]
            fn #f() -> ::std::result::Result<::ice_api::WireParams, ::ice_api::EncodeError> {
                let #mutable r = ::ice_api::generated::#group::#module::#req::new(#(#args),*);
                #(#sets)*
                ::ice_api::EncodeWire::to_wire(&r)
            }
        });
        pushes.push(quote! {
            #[cfg(feature = #feature)]
            v.push((#action, #f as Encode));
        });
    }
    let features = ctx.api.groups.iter().map(|g| &g.feature);
    let tokens = quote! {
        #![doc = " Sample requests with every parameter set, one per operation (test support)."]
        #![allow(clippy::field_reassign_with_default, clippy::vec_init_then_push, dead_code, unused_mut)]

        /// Encodes one sample request.
        pub type Encode = fn() -> ::std::result::Result<::ice_api::WireParams, ::ice_api::EncodeError>;

        /// Whether every group feature is enabled (so every operation has a sample).
        pub const ALL_GROUPS: bool = cfg!(all(#(feature = #features),*));

        /// `(action, encode)` for every operation compiled in.
        pub fn samples() -> ::std::vec::Vec<(&'static str, Encode)> {
            let mut v: ::std::vec::Vec<(&'static str, Encode)> = ::std::vec::Vec::new();
            #(#pushes)*
            v
        }

        #(#fns)*
    };
    render(SAMPLES_PATH, tokens)
}
