//! `#[derive(EncodeWire)]`: the wire encoding of ICE requests — the exact key/value pairs that go
//! into the query string and the form body, which the signer then signs.
//!
//! The derive runs in three passes, like serde_derive and thiserror: parse every `#[ice(...)]`
//! attribute (`attr`, `ast`), validate them all (`valid`, producing the checked `model`), then
//! expand (`expand`). Errors from the first two passes are accumulated (`ctxt`) and reported
//! together, each at the offending token; a stub impl (`fallback`) keeps them from cascading.
//!
//! See [`derive_encode_wire`] for the attribute reference.

use proc_macro::TokenStream;
use syn::{parse_macro_input, DeriveInput};

mod ast;
mod attr;
mod ctxt;
mod expand;
mod fallback;
mod model;
mod suggest;
mod valid;

/// Derives `ice_api::EncodeWire` (and `ice_api::runtime::wire::WireTag` for enums).
///
/// Every field carries one of:
/// - `#[ice(name = "Wire", query)]` or `#[ice(name = "Wire", form)]`, optionally with
///   `style = "json" | "repeatList" | "flat" | "simple"`. Without a style the field must implement
///   `WireScalar` (strings verbatim, numbers in decimal, booleans `true`/`false`); styled fields
///   must implement `serde::Serialize`. A field typed `Option<T>` is omitted when `None`.
///   `style = "json"` fields may add `direct` when the type implements
///   `ice_api::runtime::wire::DirectJson` (the generated configs): the client then writes them
///   with their generated encoder (same bytes).
/// - `#[ice(flatten)]`: the field's type implements `EncodeWire`; its parameters are appended.
/// - `#[ice(skip)]`: not encoded.
///
/// Enums describe discriminated requests: `#[ice(tag(name = "JobType", query))]` on the enum and
/// `#[ice(value = "...")]` on each variant. The tag pair comes first, then the variant's fields
/// (struct-like variants use field attributes; `V(Inner)` calls `Inner::encode_wire`).
///
/// ```
/// use ice_api::{EncodeWire, Location};
///
/// #[derive(ice_macros::EncodeWire)]
/// struct ListJobs {
///     #[ice(name = "JobIds", query, style = "repeatList")]
///     job_ids: Vec<String>,
///     #[ice(name = "NextToken", form)]
///     next_token: Option<String>,
/// }
///
/// let wire = ListJobs { job_ids: vec!["a".into()], next_token: None }.to_wire().unwrap();
/// assert_eq!(wire.get("JobIds.1"), Some((Location::Query, "a")));
/// assert!(wire.form().is_empty());
/// ```
#[proc_macro_derive(EncodeWire, attributes(ice))]
pub fn derive_encode_wire(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    derive(&input).into()
}

fn derive(input: &DeriveInput) -> proc_macro2::TokenStream {
    let cx = ctxt::Ctxt::new();
    let parsed = ast::Input::from_syn(&cx, input);
    let model = valid::check(&cx, &parsed);
    match (cx.check(), model) {
        (Ok(()), Some(model)) => expand::expand(&model),
        (Err(errors), _) => fallback::expand(input, errors),
        // `valid::check` only returns `None` after recording an error; stay safe regardless.
        (Ok(()), None) => fallback::expand(
            input,
            vec![syn::Error::new_spanned(
                &input.ident,
                "ice-macros could not derive `EncodeWire` for this item (internal error)",
            )],
        ),
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    /// The expansion stays one runtime call per field: this is what keeps ~400 generated
    /// requests cheap to compile, so a change here should be deliberate.
    #[test]
    fn expansion_is_one_runtime_call_per_field() {
        let input = syn::parse_quote! {
            struct R {
                #[ice(name = "A", query)]
                a: String,
                #[ice(name = "B", form, style = "json")]
                b: Option<Vec<u8>>,
                #[ice(skip)]
                c: u8,
            }
        };
        let expected = quote! {
            #[doc(hidden)]
            #[allow(unused_qualifications, clippy::absolute_paths)]
            const _: () = {
                #[automatically_derived]
                impl ::ice_api::EncodeWire for R {
                    fn encode_wire(
                        &self,
                        __out: &mut ::ice_api::WireParams,
                    ) -> ::core::result::Result<(), ::ice_api::EncodeError> {
                        ::ice_api::EncodeWire::encode_to(self, __out)
                    }

                    fn encode_to<__S: ::ice_api::runtime::wire::WireSink>(
                        &self,
                        __out: &mut __S,
                    ) -> ::core::result::Result<(), ::ice_api::EncodeError> {
                        ::ice_api::runtime::wire::WireSink::scalar(
                            __out,
                            ::ice_api::Location::Query,
                            "A",
                            &self.a
                        );
                        if let ::core::option::Option::Some(__v) = &self.b {
                            ::ice_api::runtime::wire::WireSink::json(
                                __out,
                                ::ice_api::Location::Form,
                                "B",
                                __v
                            )?;
                        }
                        ::core::result::Result::Ok(())
                    }
                }
            };
        };
        assert_eq!(super::derive(&input).to_string(), expected.to_string());
    }

    /// `direct` swaps `json` for `json_direct`, and bounds a generic field on `DirectJson`.
    #[test]
    fn direct_fields_call_json_direct() {
        let input = syn::parse_quote! {
            struct R<T> {
                #[ice(name = "C", form, style = "json", direct)]
                c: Option<T>,
            }
        };
        let out = super::derive(&input).to_string();
        let call = quote! {
            ::ice_api::runtime::wire::WireSink::json_direct(
                __out,
                ::ice_api::Location::Form,
                "C",
                __v
            )?;
        };
        assert!(out.contains(&call.to_string()), "{out}");
        assert!(
            out.contains(&quote!(T: ::ice_api::runtime::wire::DirectJson).to_string()),
            "{out}"
        );
        assert!(!out.contains("compile_error"), "{out}");
    }

    #[test]
    fn errors_still_emit_a_stub_impl() {
        let input = syn::parse_quote! {
            struct R {
                #[ice(query)]
                a: String,
            }
        };
        let out = super::derive(&input).to_string();
        assert!(out.contains("compile_error"), "{out}");
        assert!(out.contains("impl :: ice_api :: EncodeWire for R"), "{out}");
    }
}
