//! What the derive emits when the input has errors: the `compile_error!`s plus a stub impl, so
//! the user sees only the attribute mistakes, not a cascade of "`EncodeWire` is not implemented"
//! errors wherever the type is used (thiserror's `fallback.rs`, clap's dummies).

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Data, DeriveInput};

pub fn expand(input: &DeriveInput, errors: Vec<syn::Error>) -> TokenStream {
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let errors = errors.iter().map(syn::Error::to_compile_error);
    let tag_impl = matches!(input.data, Data::Enum(_)).then(|| {
        quote! {
            #[automatically_derived]
            impl #impl_generics ::ice_api::runtime::wire::WireTag for #ident #ty_generics
            #where_clause
            {
                fn wire_tag(&self) -> &'static str {
                    ""
                }
            }
        }
    });
    quote! {
        #(#errors)*
        #[doc(hidden)]
        const _: () = {
            #[automatically_derived]
            impl #impl_generics ::ice_api::EncodeWire for #ident #ty_generics #where_clause {
                fn encode_wire(
                    &self,
                    _: &mut ::ice_api::WireParams,
                ) -> ::core::result::Result<(), ::ice_api::EncodeError> {
                    ::core::result::Result::Ok(())
                }
            }
            #tag_impl
        };
    }
}
