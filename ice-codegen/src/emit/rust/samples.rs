//! Test support: for every operation, a request with **every** parameter set to a value derived
//! from the parameter's name (strings = the wire name, integers = its length, numbers = length +
//! 0.5, booleans = true, maps = one entry `"k"`; typed configs from their JSON example, or from
//! such values per key; a JobType union as its first variant). `ice-api/tests/generated_params.rs`
//! recomputes the expected wire pairs independently from the spec JSON and `types.yaml`.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::{json, Map, Value};

use super::types::{field_ident, named_path, From};
use super::{render, Ctx, SAMPLES_PATH};
use crate::ir::{TypeKind, TypeRef};
use crate::output::{CodegenError, GeneratedFile};

/// A JSON sample of a type, for configs built through serde.
fn json_sample(ctx: &Ctx<'_>, ty: &TypeRef, seed: &str, depth: usize) -> Value {
    if depth > MAX_DEPTH {
        return Value::Null;
    }
    match ty {
        TypeRef::String | TypeRef::JsonString(_) | TypeRef::Any => json!(seed),
        TypeRef::Integer => json!(seed.len() as i64),
        TypeRef::Number | TypeRef::Decimal | TypeRef::NumberOrString => {
            json!(seed.len() as f64 + 0.5)
        }
        TypeRef::Boolean => json!(true),
        TypeRef::FreeObject => json!({"k": "k"}),
        TypeRef::List(t) => json!([json_sample(ctx, t, seed, depth + 1)]),
        TypeRef::Map(t) => json!({"k": json_sample(ctx, t, "k", depth + 1)}),
        TypeRef::Named(i) => {
            let t = &ctx.api.types[*i];
            match &t.kind {
                TypeKind::Config {
                    example: Some(ex), ..
                } => serde_json::from_str(ex).unwrap_or(Value::Null),
                TypeKind::Enum { values } => values.first().map_or(json!(seed), |v| json!(v.value)),
                TypeKind::Untagged { variants } => variants.first().map_or(Value::Null, |v| {
                    json_sample(ctx, &TypeRef::Named(v.ty), seed, depth + 1)
                }),
                _ if depth > 8 => json!({}),
                _ => {
                    let mut m = Map::new();
                    for f in &t.fields {
                        m.insert(
                            f.wire_name.clone(),
                            json_sample(ctx, &f.ty, &f.wire_name, depth + 1),
                        );
                    }
                    Value::Object(m)
                }
            }
        }
    }
}

/// Nesting beyond which samples stop (a default object, a JSON `null`): Alibaba's types nest a
/// handful of levels; a hostile spec's chain of thousands must not recurse that deep here, nor
/// produce an expression rustc would have to.
const MAX_DEPTH: usize = 32;

/// Objects one operation's sample may spell out before the rest are defaults: a diamond of
/// shared types would otherwise double the expression at every level.
const MAX_OBJECTS: usize = 2_000;

/// Where a sample is: the objects being spelled out, and how many more may be.
struct Walk {
    stack: Vec<usize>,
    objects_left: usize,
}

impl Walk {
    fn new() -> Self {
        Walk {
            stack: Vec::new(),
            objects_left: MAX_OBJECTS,
        }
    }
}

fn sample(ctx: &Ctx<'_>, ty: &TypeRef, seed: &str, stack: &mut Walk) -> TokenStream {
    match ty {
        TypeRef::String | TypeRef::JsonString(_) => quote!(::std::string::String::from(#seed)),
        TypeRef::Integer => {
            let n = Literal::i64_suffixed(seed.len() as i64);
            quote!(#n)
        }
        TypeRef::Number => {
            let n = Literal::f64_suffixed(seed.len() as f64 + 0.5);
            quote!(#n)
        }
        TypeRef::Decimal => {
            let n = Literal::f64_suffixed(seed.len() as f64 + 0.5);
            quote!(::ice_api::Number::from(#n))
        }
        TypeRef::NumberOrString => {
            let n = Literal::f64_suffixed(seed.len() as f64 + 0.5);
            quote!(::ice_api::NumberOrString::from(#n))
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
        TypeRef::Named(i) => named_sample(ctx, *i, seed, stack),
    }
}

fn named_sample(ctx: &Ctx<'_>, i: usize, seed: &str, stack: &mut Walk) -> TokenStream {
    let t = &ctx.api.types[i];
    let path = named_path(ctx, i, From::Outside);
    match &t.kind {
        TypeKind::Enum { .. } => quote!(#path::from(#seed)),
        TypeKind::Config { .. } | TypeKind::Untagged { .. } => {
            let json = json_sample(ctx, &TypeRef::Named(i), seed, 0).to_string();
            quote!(::serde_json::from_str::<#path>(#json).expect("sample JSON fits its type"))
        }
        TypeKind::Union { variants, .. } => {
            // The first variant, every parameter set (a struct-variant literal).
            let Some(v) = variants.first() else {
                return quote!(unreachable!());
            };
            let r = format_ident!("{}", v.rust);
            let fields = v.params.iter().map(|p| {
                let id = field_ident(&p.field.rust_name);
                let value = sample(ctx, &p.field.ty, &p.field.wire_name, stack);
                if p.field.required {
                    quote!(#id: #value)
                } else {
                    quote!(#id: ::std::option::Option::Some(#value))
                }
            });
            quote!(#path::#r { #(#fields),* })
        }
        TypeKind::Object => {
            if stack.stack.contains(&i) || stack.stack.len() > MAX_DEPTH || stack.objects_left == 0
            {
                return quote!(<#path as ::std::default::Default>::default());
            }
            stack.objects_left -= 1;
            stack.stack.push(i);
            let args: Vec<TokenStream> = t
                .fields
                .iter()
                .filter(|f| f.required)
                .map(|f| sample(ctx, &f.ty, &f.wire_name, stack))
                .collect();
            let sets: Vec<TokenStream> = t
                .fields
                .iter()
                .filter(|f| !f.required)
                .map(|f| {
                    let id = field_ident(&f.rust_name);
                    let v = sample(ctx, &f.ty, &f.wire_name, stack);
                    quote!(x.#id = ::std::option::Option::Some(#v);)
                })
                .collect();
            stack.stack.pop();
            if sets.is_empty() {
                return quote!(#path::new(#(#args),*));
            }
            quote!({
                let mut x = #path::new(#(#args),*);
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
        let req = format_ident!("{}", op.request_name());
        let feature = &op.group;
        let mut stack = Walk::new();
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
        fns.push(quote! {
            #[cfg(feature = #feature)]
            fn #f() -> ::std::result::Result<::ice_api::WireParams, ::ice_api::EncodeError> {
                let mut r = ::ice_api::#group::#req::new(#(#args),*);
                #(#sets)*
                ::ice_api::EncodeWire::to_wire(&r)
            }
        });
        pushes.push(quote! {
            #[cfg(feature = #feature)]
            v.push((#action, #f as Encode, <::ice_api::#group::#req as ::ice_api::Operation>::RESPONSE_DECLARES_CODE));
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

        /// `(action, encode, Operation::RESPONSE_DECLARES_CODE)` for every operation compiled in.
        pub fn samples() -> ::std::vec::Vec<(&'static str, Encode, bool)> {
            let mut v: ::std::vec::Vec<(&'static str, Encode, bool)> = ::std::vec::Vec::new();
            #(#pushes)*
            v
        }

        #(#fns)*
    };
    render(SAMPLES_PATH, tokens)
}
