//! One operation → one submodule: the request (wire attributes, builder, `Operation`, `Validate`,
//! optional `Paginated`), the response, and the nested types both use.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::types::{
    builder_methods, field_docs, field_ident, field_type, named_struct, rust_type, From,
};
use super::validate::validate_fields;
use super::Ctx;
use crate::ir::{
    Auth, Field, Location, Method, Operation, PageKind, Pagination, TypeHome, TypeRef,
};

/// The `pub mod <op> { … }` item for operation `index`.
pub fn op_module(ctx: &Ctx<'_>, index: usize) -> TokenStream {
    let op = &ctx.api.operations[index];
    let home = TypeHome::Operation(index);
    let module = format_ident!("{}", op.module);
    let req = format_ident!("{}", op.request_name());
    let resp = format_ident!("{}", op.response_name());
    let action = Literal::string(&op.action);
    let version = Literal::string(&ctx.api.version);

    let mut mod_doc = format!(
        "`{}` ({} {}, {}{}).",
        op.action,
        match op.method {
            Method::Get => "GET",
            Method::Post => "POST",
        },
        match op.auth {
            Auth::AccessKey => "signed",
            Auth::Anonymous => "anonymous",
        },
        if op.idempotent {
            "idempotent"
        } else {
            "not idempotent"
        },
        if op.pagination.is_some() {
            ", paginated"
        } else {
            ""
        },
    );
    if let Some(d) = &op.docs {
        mod_doc.push_str("\n\n");
        mod_doc.push_str(d);
    }
    if op.deprecated {
        mod_doc.push_str("\n\n**Deprecated** in the API.");
    }
    let mod_docs = super::inner_doc(&mod_doc);

    // Request struct.
    let fields: Vec<Field> = op.params.iter().map(|p| p.field.clone()).collect();
    let members = op.params.iter().map(|p| {
        let f = &p.field;
        let id = field_ident(&f.rust_name);
        let ty = field_type(ctx, f, &home);
        let wire = Literal::string(&f.wire_name);
        let loc = match p.location {
            Location::Query => quote!(query),
            Location::Form => quote!(form),
        };
        let style = p
            .style
            .attr()
            .map(|s| quote!(, style = #s))
            .unwrap_or_default();
        let docs = field_docs(f);
        quote! {
            #docs
            #[ice(name = #wire, #loc #style)]
            pub #id: #ty
        }
    });
    let default_derive = if fields.iter().any(|f| f.required) {
        TokenStream::new()
    } else {
        quote!(Default,)
    };
    let builder = builder_methods(ctx, &fields, &home, "request");
    let method = match op.method {
        Method::Get => quote!(::ice_api::HttpMethod::Get),
        Method::Post => quote!(::ice_api::HttpMethod::Post),
    };
    let auth = match op.auth {
        Auth::AccessKey => quote!(::ice_api::Auth::AccessKey),
        Auth::Anonymous => quote!(::ice_api::Auth::Anonymous),
    };
    let idempotent = op.idempotent;
    let client_token = op.client_token.map(|i| {
        let f = &op.params[i].field;
        let id = field_ident(&f.rust_name);
        let body = if f.required {
            quote!(::std::option::Option::Some(self.#id.as_str()))
        } else {
            quote!(self.#id.as_deref())
        };
        quote! {
            fn client_token(&self) -> ::std::option::Option<&str> { #body }
        }
    });
    let checks = validate_fields(ctx, &fields, &home);
    let validate = if checks.is_empty() {
        quote!(impl ::ice_api::Validate for #req {})
    } else {
        quote! {
            impl ::ice_api::Validate for #req {
                fn validate(&self, v: &mut ::ice_api::Validator) {
                    #(#checks)*
                }
            }
        }
    };
    let paginated = op
        .pagination
        .as_ref()
        .map(|p| paginated_impl(ctx, op, p, &home));
    let req_doc = format!(
        " Request of `{}`: build with [`{}::new`], add optional fields with `with_*`.",
        op.action,
        op.request_name()
    );

    // Response struct.
    let resp_members = op.response.iter().map(|f| {
        let id = field_ident(&f.rust_name);
        let t = rust_type(ctx, &f.ty, From::Inside(&home));
        let wire = Literal::string(&f.wire_name);
        let docs = field_docs(f);
        quote! {
            #docs
            #[serde(rename = #wire)]
            pub #id: ::std::option::Option<#t>
        }
    });
    let resp_doc = format!(
        " Response of `{}`. Every field is optional; unknown fields are ignored.",
        op.action
    );

    let nested = ctx
        .api
        .types
        .iter()
        .enumerate()
        .filter(|(_, t)| t.home == home)
        .map(|(i, _)| named_struct(ctx, i));

    quote! {
        pub mod #module {
            #mod_docs

            #[doc = #req_doc]
            #[derive(Debug, Clone, PartialEq, #default_derive ::ice_macros::EncodeWire)]
            #[non_exhaustive]
            pub struct #req {
                #(#members,)*
            }

            impl #req { #builder }

            impl ::ice_api::Operation for #req {
                const ACTION: &'static str = #action;
                const VERSION: &'static str = #version;
                const METHOD: ::ice_api::HttpMethod = #method;
                const AUTH: ::ice_api::Auth = #auth;
                const IDEMPOTENT: bool = #idempotent;
                type Response = #resp;
                #client_token
            }

            #validate

            #paginated

            #[doc = #resp_doc]
            #[derive(Debug, Clone, PartialEq, Default, ::serde::Deserialize)]
            #[serde(default)]
            #[non_exhaustive]
            pub struct #resp {
                #(#resp_members,)*
            }

            #(#nested)*
        }
    }
}

/// Expression of type `Option<&T>` for a response path (field indices).
fn path_ref(ctx: &Ctx<'_>, op: &Operation, path: &[usize]) -> TokenStream {
    let mut fields: &[Field] = &op.response;
    let mut expr = TokenStream::new();
    for (depth, &i) in path.iter().enumerate() {
        let f = &fields[i];
        let id = field_ident(&f.rust_name);
        expr = if depth == 0 {
            quote!(response.#id.as_ref())
        } else {
            quote!(#expr.and_then(|x| x.#id.as_ref()))
        };
        fields = match f.ty {
            TypeRef::Named(n) => &ctx.api.types[n].fields,
            _ => &[],
        };
    }
    expr
}

/// Like [`path_ref`] but the last step is `as_deref()` (`Option<&str>` for a string field).
fn path_deref(ctx: &Ctx<'_>, op: &Operation, path: &[usize]) -> TokenStream {
    let mut fields: &[Field] = &op.response;
    let mut expr = TokenStream::new();
    for (depth, &i) in path.iter().enumerate() {
        let f = &fields[i];
        let id = field_ident(&f.rust_name);
        let step = if depth + 1 == path.len() {
            quote!(as_deref)
        } else {
            quote!(as_ref)
        };
        expr = if depth == 0 {
            quote!(response.#id.#step())
        } else {
            quote!(#expr.and_then(|x| x.#id.#step()))
        };
        fields = match f.ty {
            TypeRef::Named(n) => &ctx.api.types[n].fields,
            _ => &[],
        };
    }
    expr
}

fn field_at<'a>(ctx: &'a Ctx<'_>, op: &'a Operation, path: &[usize]) -> Option<&'a Field> {
    let mut fields: &[Field] = &op.response;
    let mut last = None;
    for &i in path {
        let f = fields.get(i)?;
        last = Some(f);
        fields = match f.ty {
            TypeRef::Named(n) => &ctx.api.types[n].fields,
            _ => &[],
        };
    }
    last
}

fn paginated_impl(ctx: &Ctx<'_>, op: &Operation, p: &Pagination, home: &TypeHome) -> TokenStream {
    let req = format_ident!("{}", op.request_name());
    let item = rust_type(ctx, &p.item_ty, From::Inside(home));
    let kind = match p.kind {
        PageKind::Token => quote!(::ice_api::runtime::pagination::PageKind::Token),
        PageKind::PageNumber => quote!(::ice_api::runtime::pagination::PageKind::PageNumber),
    };
    let cursor = &op.params[p.cursor_param].field;
    let cursor_id = field_ident(&cursor.rust_name);
    let cursor_methods = match p.kind {
        PageKind::Token => {
            let token = path_deref(ctx, op, &p.token_path);
            let cur = if cursor.required {
                quote!(::std::option::Option::Some(self.#cursor_id.as_str()))
            } else {
                quote!(self.#cursor_id.as_deref())
            };
            let set = if cursor.required {
                quote!(self.#cursor_id = token.to_owned();)
            } else {
                quote!(self.#cursor_id = ::std::option::Option::Some(token.to_owned());)
            };
            quote! {
                fn next_token(response: &Self::Response) -> ::std::option::Option<&str> {
                    #token
                }
                fn set_next_token(&mut self, token: &str) { #set }
                fn token(&self) -> ::std::option::Option<&str> { #cur }
            }
        }
        PageKind::PageNumber => {
            let (get, set) = if cursor.required {
                (
                    quote!(::std::option::Option::Some(self.#cursor_id)),
                    quote!(self.#cursor_id = page;),
                )
            } else {
                (
                    quote!(self.#cursor_id),
                    quote!(self.#cursor_id = ::std::option::Option::Some(page);),
                )
            };
            quote! {
                fn page_number(&self) -> ::std::option::Option<i64> { #get }
                fn set_page_number(&mut self, page: i64) { #set }
            }
        }
    };
    let size = p.size_param.map(|i| {
        let f = &op.params[i].field;
        let id = field_ident(&f.rust_name);
        let get = if f.required {
            quote!(::std::option::Option::Some(self.#id))
        } else {
            quote!(self.#id)
        };
        quote! {
            fn page_size(&self) -> ::std::option::Option<i64> { #get }
        }
    });
    let total = if p.total_path.is_empty() {
        None
    } else {
        let r = path_ref(ctx, op, &p.total_path);
        let conv = match field_at(ctx, op, &p.total_path).map(|f| &f.ty) {
            Some(TypeRef::String) => quote!(#r.and_then(|s| s.trim().parse::<u64>().ok())),
            _ => quote!(#r.and_then(|n| u64::try_from(*n).ok())),
        };
        Some(quote! {
            fn total_count(response: &Self::Response) -> ::std::option::Option<u64> { #conv }
        })
    };
    // take_items: walk with as_mut, take the last.
    let mut fields: &[Field] = &op.response;
    let mut expr = TokenStream::new();
    let n = p.items_path.len();
    for (depth, &i) in p.items_path.iter().enumerate() {
        let f = &fields[i];
        let id = field_ident(&f.rust_name);
        let last = depth + 1 == n;
        expr = match (depth, last) {
            (0, true) => quote!(response.#id.take()),
            (0, false) => quote!(response.#id.as_mut()),
            (_, true) => quote!(#expr.and_then(|x| x.#id.take())),
            (_, false) => quote!(#expr.and_then(|x| x.#id.as_mut())),
        };
        fields = match f.ty {
            TypeRef::Named(k) => &ctx.api.types[k].fields,
            _ => &[],
        };
    }
    quote! {
        impl ::ice_api::runtime::pagination::Paginated for #req {
            type Item = #item;
            const KIND: ::ice_api::runtime::pagination::PageKind = #kind;
            #cursor_methods
            #size
            #total
            fn take_items(response: &mut Self::Response) -> ::std::vec::Vec<Self::Item> {
                #expr.unwrap_or_default()
            }
        }
    }
}
