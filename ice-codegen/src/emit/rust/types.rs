//! Type references, identifiers, doc attributes and the named structs (request-side builders,
//! response-side lenient decoders).

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote};

use super::validate::validate_fields;
use super::Ctx;
use crate::emit::docs::doc_lines;
use crate::ir::{Field, NamedType, TypeHome, TypeRef};
use crate::names::needs_raw;

/// A field identifier, raw when it is a keyword.
pub fn field_ident(name: &str) -> Ident {
    if needs_raw(name) {
        Ident::new_raw(name, Span::call_site())
    } else {
        Ident::new(name, Span::call_site())
    }
}

/// `#[doc = "..."]` lines for a description (nothing when absent).
pub fn doc_attrs(text: Option<&str>) -> TokenStream {
    let Some(text) = text else {
        return TokenStream::new();
    };
    let lines = doc_lines(text);
    let attrs = lines.iter().map(|l| {
        let l = format!(" {l}");
        quote!(#[doc = #l])
    });
    quote!(#(#attrs)*)
}

/// Docs for a field: description plus notes on deprecation and declared pattern.
pub fn field_docs(f: &Field) -> TokenStream {
    let mut text = f.docs.clone().unwrap_or_default();
    if f.deprecated {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str("**Deprecated** in the API.");
    }
    if let Some(p) = &f.checks.own.pattern {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(&format!(
            "Pattern (not checked client-side): `{}`",
            p.replace('`', "'")
        ));
    }
    if text.is_empty() {
        let wire = format!(" `{}`.", f.wire_name);
        return quote!(#[doc = #wire]);
    }
    doc_attrs(Some(&text))
}

/// Where a type path is written from.
#[derive(Clone, Copy)]
pub enum From<'a> {
    /// Inside the generated crate, in the given module.
    Inside(&'a TypeHome),
    /// From another crate (test support), with the path prefix of each op module.
    Outside,
}

/// The Rust type of `ty` as written from `from`.
pub fn rust_type(ctx: &Ctx<'_>, ty: &TypeRef, from: From<'_>) -> TokenStream {
    match ty {
        TypeRef::String => quote!(::std::string::String),
        TypeRef::Integer => quote!(i64),
        TypeRef::Number => quote!(f64),
        TypeRef::Boolean => quote!(bool),
        TypeRef::Any => quote!(::serde_json::Value),
        TypeRef::FreeObject => {
            quote!(::serde_json::Map<::std::string::String, ::serde_json::Value>)
        }
        TypeRef::List(t) => {
            let t = rust_type(ctx, t, from);
            quote!(::std::vec::Vec<#t>)
        }
        TypeRef::Map(t) => {
            let t = rust_type(ctx, t, from);
            quote!(::std::collections::BTreeMap<::std::string::String, #t>)
        }
        TypeRef::Named(i) => named_path(ctx, *i, from),
    }
}

/// Path to named type `i`.
pub fn named_path(ctx: &Ctx<'_>, i: usize, from: From<'_>) -> TokenStream {
    let t = &ctx.api.types[i];
    let name = format_ident!("{}", t.name);
    match (&t.home, from) {
        (home, From::Inside(here)) if home == here => quote!(#name),
        (TypeHome::Components, From::Inside(_)) => quote!(crate::generated::components::#name),
        (TypeHome::Components, From::Outside) => quote!(::ice_api::generated::components::#name),
        (TypeHome::Operation(o), _) => {
            let op = &ctx.api.operations[*o];
            let group = ctx.group_module(&op.group);
            let module = format_ident!("{}", op.module);
            match from {
                From::Inside(_) => quote!(crate::generated::#group::#module::#name),
                From::Outside => quote!(::ice_api::generated::#group::#module::#name),
            }
        }
    }
}

/// Field type including `Option` for optional fields.
pub fn field_type(ctx: &Ctx<'_>, f: &Field, home: &TypeHome) -> TokenStream {
    let t = rust_type(ctx, &f.ty, From::Inside(home));
    if f.required {
        t
    } else {
        quote!(::std::option::Option<#t>)
    }
}

/// `new(required…)` and `with_x(optional)` for a request-side struct.
pub fn builder_methods(
    ctx: &Ctx<'_>,
    fields: &[Field],
    home: &TypeHome,
    what: &str,
) -> TokenStream {
    let mut args = Vec::new();
    let mut inits = Vec::new();
    let mut setters = Vec::new();
    let mut arg_docs = Vec::new();
    for f in fields {
        let id = field_ident(&f.rust_name);
        let t = rust_type(ctx, &f.ty, From::Inside(home));
        let is_string = f.ty == TypeRef::String;
        if f.required {
            if is_string {
                args.push(quote!(#id: impl ::std::convert::Into<::std::string::String>));
                inits.push(quote!(#id: #id.into()));
            } else {
                args.push(quote!(#id: #t));
                inits.push(quote!(#id));
            }
            arg_docs.push(format!("`{}`", f.wire_name));
        } else {
            inits.push(quote!(#id: ::std::option::Option::None));
            let setter = format_ident!("with_{}", f.rust_name);
            let doc = format!(" Sets `{}`.", f.wire_name);
            let (arg, val) = if is_string {
                (
                    quote!(value: impl ::std::convert::Into<::std::string::String>),
                    quote!(value.into()),
                )
            } else {
                (quote!(value: #t), quote!(value))
            };
            setters.push(quote! {
                #[doc = #doc]
                pub fn #setter(mut self, #arg) -> Self {
                    self.#id = ::std::option::Option::Some(#val);
                    self
                }
            });
        }
    }
    let new_doc = if arg_docs.is_empty() {
        format!(" A new {what} with every optional field unset.")
    } else {
        format!(
            " A new {what} from its required fields ({}); optional fields start unset.",
            arg_docs.join(", ")
        )
    };
    quote! {
        #[doc = #new_doc]
        pub fn new(#(#args),*) -> Self {
            Self { #(#inits),* }
        }
        #(#setters)*
    }
}

/// A named struct (request side, response side or both).
pub fn named_struct(ctx: &Ctx<'_>, idx: usize) -> TokenStream {
    let t: &NamedType = &ctx.api.types[idx];
    let name = format_ident!("{}", t.name);
    let docs = doc_attrs(t.docs.as_deref());
    let default_doc = if t.docs.is_none() {
        let d = format!(" Object `{}`.", t.name);
        quote!(#[doc = #d])
    } else {
        TokenStream::new()
    };
    // A component no operation uses gets both directions, so it is usable either way.
    let unused = !t.in_request && !t.in_response;
    let (in_request, in_response) = (t.in_request || unused, t.in_response || unused);
    let mut derives = vec![
        quote!(Debug),
        quote!(Clone),
        quote!(PartialEq),
        quote!(Default),
    ];
    if in_request {
        derives.push(quote!(::serde::Serialize));
    }
    if in_response {
        derives.push(quote!(::serde::Deserialize));
    }
    // Response-only structs have only optional fields.
    let fields: Vec<Field> = if in_request {
        t.fields.clone()
    } else {
        t.fields
            .iter()
            .cloned()
            .map(|mut f| {
                f.required = false;
                f
            })
            .collect()
    };
    let container = if in_response {
        quote!(#[serde(default)])
    } else {
        TokenStream::new()
    };
    let members = fields.iter().map(|f| {
        let id = field_ident(&f.rust_name);
        let ty = field_type(ctx, f, &t.home);
        let wire = Literal::string(&f.wire_name);
        let fdocs = field_docs(f);
        let serde_attr = if !f.required && in_request {
            quote!(#[serde(rename = #wire, skip_serializing_if = "Option::is_none")])
        } else {
            quote!(#[serde(rename = #wire)])
        };
        quote! {
            #fdocs
            #serde_attr
            pub #id: #ty
        }
    });
    let builder = if in_request {
        let methods = builder_methods(ctx, &fields, &t.home, &format!("`{}`", t.name));
        let checks = validate_fields(ctx, &fields, &t.home);
        let validate = if checks.is_empty() {
            quote!(impl ::ice_api::Validate for #name {})
        } else {
            quote! {
                impl ::ice_api::Validate for #name {
                    fn validate(&self, v: &mut ::ice_api::Validator) {
                        #(#checks)*
                    }
                }
            }
        };
        quote! {
            impl #name { #methods }
            #validate
        }
    } else {
        TokenStream::new()
    };
    quote! {
        #docs
        #default_doc
        #[derive(#(#derives),*)]
        #container
        #[non_exhaustive]
        pub struct #name {
            #(#members,)*
        }
        #builder
    }
}
