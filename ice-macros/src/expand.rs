//! Code generation from the checked model. One statement per field, each a call into the
//! hand-written runtime (`ice_api::runtime::wire`), so ~400 derived requests stay cheap to compile.
//! The body is generic over the runtime's `WireSink`: the same statements fill the public
//! `WireParams` (`encode_wire`) and the client's percent-encoded buffers.

use std::collections::HashSet;

use proc_macro2::{Ident, TokenStream, TokenTree};
use quote::{format_ident, quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;
use syn::{GenericArgument, Generics, PathArguments, Type};

use crate::model::{Case, CaseBody, Location, Param, ParamKind, Request, Shape, Style, Wire};

pub fn expand(req: &Request) -> TokenStream {
    let ident = req.ident;
    let generics = with_bounds(req);
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let (body, tag_impl) = match &req.shape {
        Shape::Struct(params) => {
            let stmts = params.iter().map(|p| {
                let member = p.member;
                param(p, quote_spanned!(p.ty.span()=> &self.#member))
            });
            (quote!(#(#stmts)*), None)
        }
        Shape::Enum { tag, cases } => {
            let Wire { name, location } = tag;
            let location = location_path(*location);
            let arms = cases.iter().map(case_arm);
            let tags = cases.iter().map(|c| {
                let (variant, value) = (c.ident, &c.value);
                quote!(Self::#variant { .. } => #value,)
            });
            let body = quote! {
                ::ice_api::runtime::wire::WireSink::push(
                    __out,
                    #location,
                    #name,
                    ::ice_api::runtime::wire::WireTag::wire_tag(self),
                );
                match self { #(#arms)* }
            };
            let tag_impl = quote! {
                #[automatically_derived]
                impl #impl_generics ::ice_api::runtime::wire::WireTag for #ident #ty_generics
                #where_clause
                {
                    fn wire_tag(&self) -> &'static str {
                        match self { #(#tags)* }
                    }
                }
            };
            (body, Some(tag_impl))
        }
    };
    quote! {
        #[doc(hidden)]
        #[allow(unused_qualifications, clippy::absolute_paths)]
        const _: () = {
            #[automatically_derived]
            impl #impl_generics ::ice_api::EncodeWire for #ident #ty_generics #where_clause {
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
                    #body
                    ::core::result::Result::Ok(())
                }
            }
            #tag_impl
        };
    }
}

fn case_arm(case: &Case) -> TokenStream {
    let variant = case.ident;
    match &case.body {
        CaseBody::Named(params) => {
            let bound: Vec<_> = params
                .iter()
                .enumerate()
                .filter(|(_, p)| !matches!(p.kind, ParamKind::Skip))
                .map(|(i, p)| (p, format_ident!("__f{}", i, span = p.ty.span())))
                .collect();
            let pats = bound.iter().map(|(p, b)| {
                let member = p.member;
                quote!(#member: #b,)
            });
            let stmts = bound.iter().map(|(p, b)| param(p, b.to_token_stream()));
            quote!(Self::#variant { #(#pats)* .. } => { #(#stmts)* })
        }
        CaseBody::Newtype(ty) => {
            let call = quote_spanned!(ty.span()=> ::ice_api::EncodeWire::encode_to(__f0, __out)?;);
            quote!(Self::#variant(__f0) => { #call })
        }
        CaseBody::Unit => quote!(Self::#variant { .. } => {}),
    }
}

/// The statement for one field; `value` is a reference to it (`&self.member` in a struct, the
/// match binding in an enum variant), spanned at the field's type like everything else here, so
/// an unsatisfied bound (`WireScalar`, `Serialize`, `EncodeWire`) is reported at the field.
fn param(p: &Param, value: TokenStream) -> TokenStream {
    let inner = option_inner(p.ty);
    // Spanned at the field's type so an unsatisfied bound points at the field.
    let span = p.ty.span();
    let arg = if inner.is_some() {
        quote_spanned!(span=> __v)
    } else {
        value.clone()
    };
    let call = match &p.kind {
        ParamKind::Skip => return TokenStream::new(),
        ParamKind::Flatten => {
            quote_spanned!(span=> ::ice_api::EncodeWire::encode_to(#arg, __out)?;)
        }
        ParamKind::Wire {
            wire,
            style,
            direct,
        } => {
            let name = &wire.name;
            let location = location_path(wire.location);
            match style {
                None => quote_spanned!(span=>
                    ::ice_api::runtime::wire::WireSink::scalar(__out, #location, #name, #arg);
                ),
                Some(style) => {
                    let method = if *direct {
                        "json_direct"
                    } else {
                        runtime_method(*style)
                    };
                    let method = Ident::new(method, span);
                    quote_spanned!(span=>
                        ::ice_api::runtime::wire::WireSink::#method(__out, #location, #name, #arg)?;
                    )
                }
            }
        }
    };
    if inner.is_some() {
        quote!(if let ::core::option::Option::Some(__v) = #value { #call })
    } else {
        call
    }
}

fn runtime_method(style: Style) -> &'static str {
    match style {
        Style::Json => "json",
        Style::RepeatList | Style::Flat => "flat",
        Style::Simple => "simple",
    }
}

fn location_path(location: Location) -> TokenStream {
    match location {
        Location::Query => quote!(::ice_api::Location::Query),
        Location::Form => quote!(::ice_api::Location::Form),
    }
}

/// `T` for a field typed `Option<T>` (recognised syntactically by the last path segment).
pub fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    if path.qself.is_some() {
        return None;
    }
    let last = path.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match (args.args.len(), args.args.first()) {
        (1, Some(GenericArgument::Type(inner))) => Some(inner),
        _ => None,
    }
}

/// The input's generics plus, for every field whose type mentions a type parameter, the bound
/// its encoding needs (`WireScalar`, `Serialize` or `EncodeWire`). Fields with concrete types
/// add nothing, keeping generated where-clauses empty for ordinary requests.
fn with_bounds(req: &Request) -> Generics {
    let mut generics = req.generics.clone();
    let params: HashSet<Ident> = generics.type_params().map(|p| p.ident.clone()).collect();
    if params.is_empty() {
        return generics;
    }
    let bound_for = |p: &Param| {
        let ty = option_inner(p.ty).unwrap_or(p.ty);
        let bound = match &p.kind {
            ParamKind::Skip => return None,
            ParamKind::Flatten => quote!(::ice_api::EncodeWire),
            ParamKind::Wire { style: None, .. } => quote!(::ice_api::runtime::wire::WireScalar),
            ParamKind::Wire { direct: true, .. } => quote!(::ice_api::runtime::wire::DirectJson),
            ParamKind::Wire { .. } => quote!(::ice_api::runtime::wire::__private::Serialize),
        };
        mentions(ty.to_token_stream(), &params).then(|| quote!(#ty: #bound))
    };
    let predicates: Vec<TokenStream> = match &req.shape {
        Shape::Struct(ps) => ps.iter().filter_map(bound_for).collect(),
        Shape::Enum { cases, .. } => cases
            .iter()
            .flat_map(|case| match &case.body {
                CaseBody::Named(ps) => ps.iter().filter_map(bound_for).collect(),
                CaseBody::Newtype(ty) if mentions(ty.to_token_stream(), &params) => {
                    vec![quote!(#ty: ::ice_api::EncodeWire)]
                }
                CaseBody::Newtype(_) | CaseBody::Unit => Vec::new(),
            })
            .collect(),
    };
    let where_clause = generics.make_where_clause();
    for predicate in predicates {
        // Predicates are built from parsed types and fixed paths, so they always parse.
        if let Ok(predicate) = syn::parse2(predicate) {
            where_clause.predicates.push(predicate);
        }
    }
    generics
}

fn mentions(tokens: TokenStream, params: &HashSet<Ident>) -> bool {
    tokens.into_iter().any(|tt| match tt {
        TokenTree::Ident(i) => params.contains(&i),
        TokenTree::Group(g) => mentions(g.stream(), params),
        _ => false,
    })
}
