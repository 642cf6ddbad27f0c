//! Open enums (known values plus `Unknown(String)`, so a value the service adds later never fails
//! a response) and untagged sums of config structs.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::types::{doc_attrs, named_path, schemars_derive, From};
use super::Ctx;
use crate::ir::TypeKind;

/// An open string enum.
pub fn open_enum(ctx: &Ctx<'_>, idx: usize) -> TokenStream {
    let t = &ctx.api.types[idx];
    let TypeKind::Enum { values } = &t.kind else {
        return TokenStream::new();
    };
    let name = format_ident!("{}", t.name);
    let docs = doc_attrs(Some(&format!(
        "{}\n\nOpen: a value this SDK does not know yet is kept in `Unknown` instead of failing; \
         compare with [`as_str`](Self::as_str) when in doubt.",
        t.docs.clone().unwrap_or_default().trim_end()
    )));
    let variants = values.iter().map(|v| {
        let r = format_ident!("{}", v.rust);
        let d = doc_attrs(Some(&if v.docs.is_empty() {
            format!("`{}`.", v.value)
        } else {
            format!("`{}`: {}", v.value, v.docs)
        }));
        quote! { #d #r, }
    });
    let to_str = values.iter().map(|v| {
        let r = format_ident!("{}", v.rust);
        let s = &v.value;
        quote! { Self::#r => #s, }
    });
    let from_str = values.iter().map(|v| {
        let r = format_ident!("{}", v.rust);
        let s = &v.value;
        quote! { #s => Self::#r, }
    });
    let schema = open_enum_schema(&t.name, t.docs.as_deref(), values);
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this SDK does not know yet, kept as received.
            Unknown(::std::string::String),
        }

        impl #name {
            /// The wire value.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_str)*
                    Self::Unknown(s) => s,
                }
            }
        }

        impl ::std::convert::From<&str> for #name {
            fn from(s: &str) -> Self {
                match s {
                    #(#from_str)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                let s = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(d)?;
                ::std::result::Result::Ok(Self::from(s.as_ref()))
            }
        }

        impl ::ice_api::WireScalar for #name {
            fn write_wire(&self, out: &mut ::std::string::String) {
                out.push_str(self.as_str());
            }
        }

        impl ::ice_api::Validate for #name {}

        #schema
    }
}

/// `JsonSchema` of an open enum, written by hand like its serde impls: a string, the known values
/// listed (as `cargo xtask schema` lists them, with the same `x-ice-open-enum` marker), and any
/// other string accepted, since `Unknown` keeps it.
fn open_enum_schema(
    name: &str,
    docs: Option<&str>,
    values: &[crate::ir::EnumValue],
) -> TokenStream {
    let ident = format_ident!("{}", name);
    let known = values.iter().map(|v| &v.value);
    let description = docs
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| quote! { schema.insert("description".into(), #d.into()); });
    quote! {
        #[cfg(feature = "schemars")]
        impl ::schemars::JsonSchema for #ident {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed(#name)
            }

            fn schema_id() -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed(::std::concat!(::std::module_path!(), "::", #name))
            }

            fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                let mut schema = ::schemars::Schema::default();
                #description
                schema.insert(
                    "anyOf".into(),
                    ::serde_json::json!([
                        { "type": "string", "enum": [#(#known),*] },
                        { "type": "string", "description": "A value this SDK does not know yet." }
                    ]),
                );
                schema.insert("x-ice-open-enum".into(), true.into());
                schema
            }
        }
    }
}

/// A sum of config structs, serialized as the variant's own JSON.
pub fn untagged(ctx: &Ctx<'_>, idx: usize) -> TokenStream {
    let t = &ctx.api.types[idx];
    let TypeKind::Untagged { variants } = &t.kind else {
        return TokenStream::new();
    };
    let name = format_ident!("{}", t.name);
    let docs = doc_attrs(t.docs.as_deref());
    let from = From::Inside(&t.home);
    let items = variants.iter().map(|v| {
        let r = format_ident!("{}", v.rust);
        let ty = named_path(ctx, v.ty, from);
        let d = doc_attrs(Some(&v.docs).filter(|d| !d.is_empty()).map(String::as_str));
        quote! { #d #r(#ty), }
    });
    let froms = variants.iter().map(|v| {
        let r = format_ident!("{}", v.rust);
        let ty = named_path(ctx, v.ty, from);
        quote! {
            impl ::std::convert::From<#ty> for #name {
                fn from(value: #ty) -> Self {
                    Self::#r(value)
                }
            }
        }
    });
    let arms = variants.iter().map(|v| {
        let r = format_ident!("{}", v.rust);
        quote! { Self::#r(x) => ::ice_api::Validate::validate(x, v), }
    });
    let schemars = schemars_derive();
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #schemars
        #[serde(untagged)]
        pub enum #name {
            #(#items)*
        }
        #(#froms)*
        impl ::ice_api::Validate for #name {
            fn validate(&self, v: &mut ::ice_api::Validator) {
                match self {
                    #(#arms)*
                }
            }
        }
    }
}
