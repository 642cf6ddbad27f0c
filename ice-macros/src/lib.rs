//! `#[derive(EncodeWire)]`: the signed wire encoding of ICE requests.

use proc_macro::TokenStream;

/// Derives `ice_api::EncodeWire`. (Skeleton: implemented in this crate's `expand` module.)
#[proc_macro_derive(EncodeWire, attributes(ice))]
pub fn derive_encode_wire(input: TokenStream) -> TokenStream {
    let _ = input;
    TokenStream::new()
}
