//! Test support for the `schemars` feature: every type `cargo xtask schema` exports on its own
//! (`types/`) and every operation's response, each with the feature that compiles it, so
//! `ice-api/tests/schemars_agreement.rs` compares exactly what the IR holds, whatever the spec.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::types::{named_path, From};
use super::{render, Ctx};
use crate::ir::{TypeHome, TypeKind};
use crate::output::{CodegenError, GeneratedFile};

pub const SCHEMA_TYPES_PATH: &str = "ice-api/tests/schemars_agreement/types.rs";

/// One `(name, feature, derived schema)` entry, the schema only when `feature` is enabled
/// (`""`: always compiled).
fn entry(name: &str, feature: &str, path: TokenStream) -> TokenStream {
    if feature.is_empty() {
        return quote!(v.push((#name, #feature, Some(super::derive::<#path>()))););
    }
    quote! {
        #[cfg(feature = #feature)]
        v.push((#name, #feature, Some(super::derive::<#path>())));
        #[cfg(not(feature = #feature))]
        v.push((#name, #feature, None));
    }
}

/// `ice-api/tests/schemars_agreement/types.rs`.
pub fn schema_types_file(ctx: &Ctx<'_>) -> Result<GeneratedFile, CodegenError> {
    let types = ctx.api.types.iter().enumerate().filter_map(|(i, t)| {
        let exported = matches!(
            t.kind,
            TypeKind::Config { .. } | TypeKind::Enum { .. } | TypeKind::Untagged { .. }
        );
        let feature = match &t.home {
            TypeHome::Group(g) => g.as_str(),
            TypeHome::Components => "",
        };
        exported.then(|| entry(&t.name, feature, named_path(ctx, i, From::Outside)))
    });
    let responses = ctx.api.operations.iter().map(|op| {
        let group = ctx.group_module(&op.group);
        let name = op.response_name();
        let ident = format_ident!("{}", name);
        entry(&name, &op.group, quote!(::ice_api::#group::#ident))
    });
    let tokens = quote! {
        #![doc = " The exported types and responses, each with its feature (test support)."]
        #![allow(clippy::vec_init_then_push, unused_mut)]

        use super::Derived;

        /// Every type exported under `types/`.
        pub fn exported_types() -> ::std::vec::Vec<Derived> {
            let mut v: ::std::vec::Vec<Derived> = ::std::vec::Vec::new();
            #(#types)*
            v
        }

        /// Every operation's response.
        pub fn responses() -> ::std::vec::Vec<Derived> {
            let mut v: ::std::vec::Vec<Derived> = ::std::vec::Vec::new();
            #(#responses)*
            v
        }
    };
    render(SCHEMA_TYPES_PATH, tokens)
}
