//! Type references, identifiers, doc attributes, builder methods, and the named types: spec
//! objects (request-side builders, response-side decoders), overlay configs (with `extra`,
//! constructors and rules), open enums, untagged sums and JobType unions.

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote};

use super::validate::field_validations;
use super::Ctx;
use crate::emit::docs::doc_lines;
use crate::ir::{Field, Location, NamedType, Param, Style, TypeHome, TypeKind, TypeRef};
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
    let attrs = doc_lines(text).into_iter().map(|l| {
        let l = if l.is_empty() { l } else { format!(" {l}") };
        quote!(#[doc = #l])
    });
    quote!(#(#attrs)*)
}

/// Docs for a field: description, deprecation, declared pattern, and the checks it gets.
pub fn field_docs(f: &Field, request: bool) -> TokenStream {
    let mut text = f.docs.clone().unwrap_or_default();
    let mut add = |s: String| {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(&s);
    };
    if f.deprecated {
        add("**Deprecated** in the API.".into());
    }
    if let Some(p) = &f.checks.own.pattern {
        add(format!(
            "Pattern (not checked client-side): `{}`",
            p.replace('`', "'")
        ));
    }
    if request {
        if let Some(c) = checks_summary(f) {
            add(format!("Checked before sending: {c}."));
        }
    }
    if text.is_empty() {
        let wire = format!(" `{}`.", f.wire_name);
        return quote!(#[doc = #wire]);
    }
    doc_attrs(Some(&text))
}

/// A one-line summary of what validation checks on a field.
fn checks_summary(f: &Field) -> Option<String> {
    let c = &f.checks.own;
    let mut out = Vec::new();
    let range = |what: &str, a: Option<String>, b: Option<String>| match (a, b) {
        (Some(a), Some(b)) => Some(format!("{a} to {b}{what}")),
        (Some(a), None) => Some(format!("at least {a}{what}")),
        (None, Some(b)) => Some(format!("at most {b}{what}")),
        (None, None) => None,
    };
    let s = |x: Option<u64>| x.map(|x| x.to_string());
    let n = |x: Option<f64>| x.map(|x| x.to_string());
    out.extend(range(" items", s(c.min_items), s(c.max_items)));
    out.extend(range(" characters", s(c.min_length), s(c.max_length)));
    if let Some(inner) = &f.checks.inner {
        if let Some(m) = inner.own.max_length {
            out.push(format!("each item at most {m} characters"));
        }
    }
    out.extend(range("", n(c.minimum), n(c.maximum)));
    if !c.enum_values.is_empty() {
        out.push(format!("one of `{}`", c.enum_values.join("`, `")));
    }
    for rule in &f.checks.rules {
        out.push(format!("[`{rule}`](crate::checks::{rule})"));
    }
    (!out.is_empty()).then(|| out.join("; "))
}

/// `derive(JsonSchema)` behind the opt-in `schemars` feature, for the types users embed in their
/// own API documents (configs, responses and what they hold). schemars reads the serde
/// attributes, so names and required keys follow the wire form.
pub fn schemars_derive() -> TokenStream {
    quote!(#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))])
}

/// The schemars attribute of a struct field, where the Rust type alone says less than `cargo
/// xtask schema` exports: a JSON-string field is described as the document it carries
/// (`contentSchema`), a string checked against a list of values lists them (plus `null` when the
/// field is optional, as `Option` accepts it).
pub fn schemars_field_attr(ctx: &Ctx<'_>, f: &Field, home: &TypeHome) -> TokenStream {
    match &f.ty {
        TypeRef::JsonString(inner) => {
            let t = rust_type(ctx, inner, From::Inside(home))
                .to_string()
                .replace(' ', "");
            let with = format!("crate::runtime::json_field::json_string_schema::<{t}>");
            quote!(#[cfg_attr(feature = "schemars", schemars(schema_with = #with))])
        }
        TypeRef::String if !f.checks.own.enum_values.is_empty() => {
            let values = f.checks.own.enum_values.iter();
            let null = (!f.required).then(|| quote!(, null));
            quote!(#[cfg_attr(feature = "schemars", schemars(extend("enum" = [#(#values),* #null])))])
        }
        _ => TokenStream::new(),
    }
}

/// Where a type path is written from.
#[derive(Clone, Copy)]
pub enum From<'a> {
    /// Inside the generated crate, in the given module.
    Inside(&'a TypeHome),
    /// From another crate (test support).
    Outside,
}

/// The Rust type of `ty` as written from `from`.
pub fn rust_type(ctx: &Ctx<'_>, ty: &TypeRef, from: From<'_>) -> TokenStream {
    match ty {
        TypeRef::String | TypeRef::JsonString(_) => quote!(::std::string::String),
        TypeRef::Integer => quote!(i64),
        TypeRef::Number => quote!(f64),
        TypeRef::Decimal => quote!(::ice_api::Number),
        TypeRef::NumberOrString => quote!(::ice_api::NumberOrString),
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
        (TypeHome::Components, From::Outside) => quote!(::ice_api::components::#name),
        (TypeHome::Group(g), From::Inside(_)) => {
            let m = ctx.group_module(g);
            quote!(crate::generated::#m::#name)
        }
        (TypeHome::Group(g), From::Outside) => {
            let m = ctx.group_module(g);
            quote!(::ice_api::#m::#name)
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

fn is_untagged(ctx: &Ctx<'_>, ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::Named(i) if matches!(ctx.api.types[*i].kind, TypeKind::Untagged { .. }))
}

/// Argument type and conversion of a constructor argument or setter: strings and sums accept
/// anything that converts, lists accept any iterator.
pub fn arg(
    ctx: &Ctx<'_>,
    ty: &TypeRef,
    name: &Ident,
    home: &TypeHome,
) -> (TokenStream, TokenStream) {
    let t = rust_type(ctx, ty, From::Inside(home));
    match ty {
        TypeRef::String => (
            quote!(impl ::std::convert::Into<::std::string::String>),
            quote!(#name.into()),
        ),
        TypeRef::List(inner) if **inner == TypeRef::String => (
            quote!(
                impl ::std::iter::IntoIterator<Item = impl ::std::convert::Into<::std::string::String>>
            ),
            quote!(#name.into_iter().map(::std::convert::Into::into).collect()),
        ),
        TypeRef::List(inner) => {
            let it = rust_type(ctx, inner, From::Inside(home));
            (
                quote!(impl ::std::iter::IntoIterator<Item = #it>),
                quote!(#name.into_iter().collect()),
            )
        }
        TypeRef::Decimal | TypeRef::NumberOrString | TypeRef::Any => {
            (quote!(impl ::std::convert::Into<#t>), quote!(#name.into()))
        }
        _ if is_untagged(ctx, ty) => (quote!(impl ::std::convert::Into<#t>), quote!(#name.into())),
        _ => (t, quote!(#name)),
    }
}

/// `new(required…)` (or named constructors) and `with_x(optional)` setters.
pub fn builder_methods(
    ctx: &Ctx<'_>,
    fields: &[Field],
    home: &TypeHome,
    what: &str,
    ctors: &[(String, Vec<usize>, String)],
    extra: bool,
) -> TokenStream {
    let required: Vec<usize> = (0..fields.len()).filter(|&i| fields[i].required).collect();
    let make = |fname: &str, doc: &str, optional_args: &[usize]| {
        let fname = format_ident!("{}", fname);
        let mut params = Vec::new();
        let mut inits = Vec::new();
        for (i, f) in fields.iter().enumerate() {
            let id = field_ident(&f.rust_name);
            let takes = required.contains(&i) || optional_args.contains(&i);
            if takes {
                let (pt, conv) = arg(ctx, &f.ty, &id, home);
                params.push(quote!(#id: #pt));
                let is_plain = id == conv.to_string();
                inits.push(match (f.required, is_plain) {
                    (true, true) => quote!(#id),
                    (true, false) => quote!(#id: #conv),
                    (false, _) => quote!(#id: ::std::option::Option::Some(#conv)),
                });
            } else {
                inits.push(quote!(#id: ::std::option::Option::None));
            }
        }
        if extra {
            inits.push(quote!(extra: ::serde_json::Map::new()));
        }
        let doc = doc_attrs(Some(doc));
        quote! {
            #doc
            pub fn #fname(#(#params),*) -> Self {
                Self { #(#inits),* }
            }
        }
    };
    let ctor_items: Vec<TokenStream> = if ctors.is_empty() {
        let names: Vec<String> = required
            .iter()
            .map(|&i| format!("`{}`", fields[i].wire_name))
            .collect();
        let doc = if names.is_empty() {
            format!("A new {what} with every optional field unset.")
        } else {
            format!(
                "A new {what} from its required fields ({}); optional fields start unset.",
                names.join(", ")
            )
        };
        vec![make("new", &doc, &[])]
    } else {
        ctors.iter().map(|(n, args, d)| make(n, d, args)).collect()
    };
    let setters = fields.iter().filter(|f| !f.required).map(|f| {
        let id = field_ident(&f.rust_name);
        let setter = format_ident!("with_{}", f.rust_name);
        let (pt, conv) = arg(ctx, &f.ty, &id, home);
        let doc = format!(" Sets `{}`.", f.wire_name);
        quote! {
            #[doc = #doc]
            #[must_use]
            pub fn #setter(mut self, #id: #pt) -> Self {
                self.#id = ::std::option::Option::Some(#conv);
                self
            }
        }
    });
    quote! { #(#ctor_items)* #(#setters)* }
}

/// `parse_<field>()` accessors for the JSON-string fields of a response struct.
pub fn json_accessors(ctx: &Ctx<'_>, fields: &[Field], home: &TypeHome) -> Vec<TokenStream> {
    fields
        .iter()
        .filter_map(|f| {
            let TypeRef::JsonString(inner) = &f.ty else {
                return None;
            };
            let id = field_ident(&f.rust_name);
            let acc = format_ident!("parse_{}", f.rust_name);
            let wire = &f.wire_name;
            let t = rust_type(ctx, inner, From::Inside(home));
            let raw = if f.required {
                quote!(::std::option::Option::Some(self.#id.as_str()))
            } else {
                quote!(self.#id.as_deref())
            };
            let doc = format!(
                " Parses the JSON document in `{wire}`: `Ok(None)` when absent or blank, an error naming the JSON path inside `{wire}` when it does not fit."
            );
            Some(quote! {
                #[doc = #doc]
                pub fn #acc(&self) -> ::std::result::Result<::std::option::Option<#t>, ::ice_api::Error> {
                    crate::runtime::json_field::parse_json_field(#wire, #raw)
                }
            })
        })
        .collect()
}

/// The serde attribute of a struct field. A required field of a response-only type is strict (a
/// success body without it is a decode error naming it; an empty string counts as missing); a
/// field required by the request side of a type also decoded from responses stays lenient.
fn serde_field_attr(ctx: &Ctx<'_>, f: &Field, request: bool, response: bool) -> TokenStream {
    let wire = Literal::string(&f.wire_name);
    match (f.required, request) {
        (true, false) if matches!(f.ty, TypeRef::String | TypeRef::JsonString(_)) => {
            quote!(#[serde(rename = #wire, deserialize_with = "crate::runtime::de::required_string")])
        }
        (true, true) if response && ctx.api.has_default(&f.ty) => {
            quote!(#[serde(rename = #wire, default)])
        }
        (true, _) => quote!(#[serde(rename = #wire)]),
        (false, true) => {
            quote!(#[serde(rename = #wire, default, skip_serializing_if = "::std::option::Option::is_none")])
        }
        (false, false) => quote!(#[serde(rename = #wire, default)]),
    }
}

/// Any named type.
pub fn named_type(ctx: &Ctx<'_>, idx: usize) -> TokenStream {
    let t = &ctx.api.types[idx];
    match &t.kind {
        TypeKind::Object => object(ctx, idx),
        TypeKind::Config { .. } => config(ctx, idx),
        TypeKind::Enum { .. } => super::enums::open_enum(ctx, idx),
        TypeKind::Untagged { .. } => super::enums::untagged(ctx, idx),
        TypeKind::Union { .. } => super::unions::union(ctx, idx),
    }
}

fn type_docs(t: &NamedType) -> TokenStream {
    match &t.docs {
        Some(d) => doc_attrs(Some(d)),
        None => {
            let d = format!(" Object `{}`.", t.name);
            quote!(#[doc = #d])
        }
    }
}

/// A struct from the spec: request side gets builders and validation, response side a lenient
/// decoder (unknown keys ignored, only overlay-required fields mandatory).
fn object(ctx: &Ctx<'_>, idx: usize) -> TokenStream {
    let t = &ctx.api.types[idx];
    let name = format_ident!("{}", t.name);
    let docs = type_docs(t);
    // A component no operation uses gets both directions, so it is usable either way.
    let unused = !t.in_request && !t.in_response;
    let (in_request, in_response) = (t.in_request || unused, t.in_response || unused);
    let fields = &t.fields;
    let all_optional = fields.iter().all(|f| !f.required);
    let mut derives = vec![quote!(Debug), quote!(Clone), quote!(PartialEq)];
    if all_optional {
        derives.push(quote!(Default));
    }
    if in_request {
        derives.push(quote!(::serde::Serialize));
    }
    if in_response {
        derives.push(quote!(::serde::Deserialize));
    }
    let members = fields.iter().map(|f| {
        let id = field_ident(&f.rust_name);
        let ty = field_type(ctx, f, &t.home);
        let attr = serde_field_attr(ctx, f, in_request, in_response);
        let schema = schemars_field_attr(ctx, f, &t.home);
        let fdocs = field_docs(f, in_request);
        quote! { #fdocs #attr #schema pub #id: #ty }
    });
    let mut impls = Vec::new();
    if in_request {
        let methods = builder_methods(ctx, fields, &t.home, &format!("`{}`", t.name), &[], false);
        impls.push(quote!(impl #name { #methods }));
        let checks = field_validations(ctx, fields, |id| quote!(self.#id));
        impls.push(validate_impl(&name, checks));
    }
    let accessors = json_accessors(ctx, fields, &t.home);
    if !accessors.is_empty() {
        impls.push(quote!(impl #name { #(#accessors)* }));
    }
    let schemars = schemars_derive();
    quote! {
        #docs
        #[derive(#(#derives),*)]
        #schemars
        #[non_exhaustive]
        pub struct #name {
            #(#members,)*
        }
        #(#impls)*
    }
}

/// `impl Validate` with the given statements (an empty impl when there are none).
pub fn validate_impl(name: &Ident, checks: Vec<TokenStream>) -> TokenStream {
    if checks.is_empty() {
        quote!(impl ::ice_api::Validate for #name {})
    } else {
        quote! {
            impl ::ice_api::Validate for #name {
                fn validate(&self, v: &mut ::ice_api::Validator) {
                    #(#checks)*
                }
            }
        }
    }
}

/// A config struct of the overlay: typed keys plus `extra` for keys not modelled yet, named
/// constructors, and every rule of the overlay in its `Validate` impl.
fn config(ctx: &Ctx<'_>, idx: usize) -> TokenStream {
    let t = &ctx.api.types[idx];
    let TypeKind::Config {
        parse_only,
        constructors,
        one_of,
        rules,
        max_json_bytes,
        example,
    } = &t.kind
    else {
        return TokenStream::new();
    };
    let name = format_ident!("{}", t.name);
    let mut doc = t.docs.clone().unwrap_or_default();
    if let Some(ex) = example {
        let pretty = serde_json::from_str::<serde_json::Value>(ex)
            .ok()
            .and_then(|v| serde_json::to_string_pretty(&v).ok())
            .unwrap_or_else(|| ex.clone());
        doc.push_str(&format!("\n\n# Example\n\n```json\n{pretty}\n```"));
    }
    if !rules.is_empty() || max_json_bytes.is_some() {
        let mut names: Vec<String> = rules
            .iter()
            .map(|c| format!("[`{c}`](crate::checks::{c})"))
            .collect();
        if let Some(n) = max_json_bytes {
            names.push(format!("at most {n} bytes as compact JSON"));
        }
        doc.push_str(&format!(
            "\n\nChecked before sending, beyond the field limits: {}.",
            names.join(", ")
        ));
    }
    if !parse_only {
        doc.push_str("\n\nKeys this model does not know yet go into `extra` (`with_extra`); they are sent after the typed keys, and unknown keys of a parsed document land there too.");
    }
    let docs = doc_attrs(Some(&doc));
    let fields = &t.fields;
    let request = !parse_only;
    let members = fields.iter().map(|f| {
        let id = field_ident(&f.rust_name);
        let ty = field_type(ctx, f, &t.home);
        let attr = if f.required {
            let wire = Literal::string(&f.wire_name);
            quote!(#[serde(rename = #wire)])
        } else {
            let wire = Literal::string(&f.wire_name);
            quote!(#[serde(rename = #wire, default, skip_serializing_if = "::std::option::Option::is_none")])
        };
        let schema = schemars_field_attr(ctx, f, &t.home);
        let fdocs = field_docs(f, request);
        quote! { #fdocs #attr #schema pub #id: #ty, }
    });
    let default = if fields.iter().any(|f| f.required) {
        TokenStream::new()
    } else {
        quote!(Default,)
    };
    let accessors = json_accessors(ctx, fields, &t.home);
    let mut impls = Vec::new();
    if request {
        let ctors: Vec<(String, Vec<usize>, String)> = constructors
            .iter()
            .map(|c| (c.name.clone(), c.args.clone(), c.docs.clone()))
            .collect();
        let methods = builder_methods(ctx, fields, &t.home, &format!("`{}`", t.name), &ctors, true);
        impls.push(quote! {
            impl #name {
                #methods
                /// Adds a key this model does not know yet (see [`extra`](Self::extra)).
                #[must_use]
                pub fn with_extra(mut self, key: impl ::std::convert::Into<::std::string::String>, value: impl ::std::convert::Into<::serde_json::Value>) -> Self {
                    self.extra.insert(key.into(), value.into());
                    self
                }
            }
        });
        let mut checks = field_validations(ctx, fields, |id| quote!(self.#id));
        let presence = |key: &str| -> TokenStream {
            match fields.iter().find(|f| f.wire_name == key) {
                Some(f) if f.required => quote!(true),
                Some(f) => {
                    let id = field_ident(&f.rust_name);
                    quote!(self.#id.is_some())
                }
                None => quote!(false),
            }
        };
        let typed_keys = fields.iter().map(|f| {
            let w = &f.wire_name;
            let p = presence(w);
            quote!((#w, #p))
        });
        checks.push(quote! { v.extra_keys(&self.extra, &[#(#typed_keys),*]); });
        for r in one_of {
            let keys = r.keys.iter().map(|k| {
                let p = presence(k);
                quote!((#k, #p))
            });
            let min = Literal::usize_unsuffixed(usize::try_from(r.min).unwrap_or(usize::MAX));
            let max = match r.max {
                Some(m) => {
                    let m = Literal::usize_unsuffixed(usize::try_from(m).unwrap_or(usize::MAX));
                    quote!(::std::option::Option::Some(#m))
                }
                None => quote!(::std::option::Option::None),
            };
            let why = &r.why;
            checks.push(quote! { v.key_count(&self.extra, &[#(#keys),*], #min, #max, #why); });
        }
        if let Some(n) = max_json_bytes {
            let n = Literal::usize_unsuffixed(usize::try_from(*n).unwrap_or(usize::MAX));
            checks.push(quote! { v.json_bytes(self, #n); });
        }
        for c in rules {
            let c = format_ident!("{}", c);
            checks.push(quote! { crate::checks::#c(self, v); });
        }
        impls.push(validate_impl(&name, checks));
    }
    if !accessors.is_empty() {
        impls.push(quote!(impl #name { #(#accessors)* }));
    }
    impls.extend(direct_json_impl(ctx, idx));
    let schemars = schemars_derive();
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, #default ::serde::Serialize, ::serde::Deserialize)]
        #schemars
        #[non_exhaustive]
        pub struct #name {
            #(#members)*
            /// Keys this model does not know yet, in arrival (or insertion) order.
            #[serde(flatten)]
            pub extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
        }
        #(#impls)*
    }
}

/// Whether a JSON key can be written as a constant that both percent tables leave as it is.
fn unreserved_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// Whether named type `idx` gets a generated JSON encoder (`DirectJson`): an overlay config
/// (they all carry `extra`) whose keys are all unreserved ASCII; any other config keeps the
/// `Serialize` path.
fn is_direct_config(ctx: &Ctx<'_>, idx: usize) -> bool {
    let t = &ctx.api.types[idx];
    matches!(t.kind, TypeKind::Config { .. })
        && t.fields.iter().all(|f| unreserved_key(&f.wire_name))
}

/// Whether a value of `ty` has a generated JSON encoder: a direct config or a list of them.
fn is_direct(ctx: &Ctx<'_>, ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Named(i) => is_direct_config(ctx, *i),
        TypeRef::List(inner) => matches!(**inner, TypeRef::Named(i) if is_direct_config(ctx, i)),
        _ => false,
    }
}

/// `impl DirectJson` of a config: one writer call per field in declaration order (the key as
/// its encoded constant `%22Key%22%3A`; `None` skipped, as `skip_serializing_if` does; a
/// direct value through its own encoder), then `extra` as `flatten` writes it.
fn direct_json_impl(ctx: &Ctx<'_>, idx: usize) -> Option<TokenStream> {
    if !is_direct_config(ctx, idx) {
        return None;
    }
    let t = &ctx.api.types[idx];
    let name = format_ident!("{}", t.name);
    let calls = t.fields.iter().map(|f| {
        let id = field_ident(&f.rust_name);
        let key = format!("%22{}%22%3A", f.wire_name);
        let method = match (is_direct(ctx, &f.ty), f.required) {
            (true, true) => quote!(direct),
            (true, false) => quote!(direct_opt),
            (false, true) => quote!(field),
            (false, false) => quote!(opt),
        };
        quote!(o.#method(#key, &self.#id)?;)
    });
    Some(quote! {
        impl crate::runtime::wire::DirectJson for #name {
            fn write_json(
                &self,
                w: &mut crate::runtime::wire::JsonWriter<'_>,
            ) -> ::std::result::Result<(), crate::runtime::wire::JsonUnsupported> {
                let mut o = w.object();
                #(#calls)*
                o.end(&self.extra)
            }
        }
    })
}

/// The `#[ice(...)]` attribute of a request parameter; a JSON one whose type has a generated
/// encoder is marked `direct`.
pub fn ice_attr(ctx: &Ctx<'_>, p: &Param) -> TokenStream {
    if p.style == Style::Flatten {
        return quote!(#[ice(flatten)]);
    }
    let wire = Literal::string(&p.field.wire_name);
    let loc = match p.location {
        Location::Query => quote!(query),
        Location::Form => quote!(form),
    };
    match p.style.attr() {
        Some(s) if p.style == Style::Json && is_direct(ctx, &p.field.ty) => {
            quote!(#[ice(name = #wire, #loc, style = #s, direct)])
        }
        Some(s) => quote!(#[ice(name = #wire, #loc, style = #s)]),
        None => quote!(#[ice(name = #wire, #loc)]),
    }
}

#[cfg(test)]
mod tests {
    use super::unreserved_key;

    /// Only keys both percent tables leave as they are become encoded constants.
    #[test]
    fn only_unreserved_keys_become_constants() {
        for key in ["MediaArray", "mediaId", "a.b-c_d~e", "X"] {
            assert!(unreserved_key(key), "{key}");
        }
        for key in ["", "a b", "a+b", "键", "a\"b", "a/b", "a%b"] {
            assert!(!unreserved_key(key), "{key}");
        }
    }
}
