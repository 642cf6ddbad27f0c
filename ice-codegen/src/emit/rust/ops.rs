//! One operation → its request (wire attributes, builder, `Operation`, `Validate`, and
//! `Paginated` / `Waitable` where it pages or polls a job), its response, and, for an operation
//! that starts a job, the `poll_request()` that leads to its waiter.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::types::{
    builder_methods, doc_attrs, field_docs, field_ident, field_type, ice_attr, json_accessors,
    rust_type, schemars_derive, schemars_field_attr, validate_impl, From,
};
use super::validate::field_validations;
use super::Ctx;
use crate::ir::{
    Auth, Field, Method, Operation, PageKind, Pagination, Style, TypeHome, TypeRef, Waiter,
};

/// Every item of operation `index`, for its group module.
pub fn operation(ctx: &Ctx<'_>, index: usize) -> TokenStream {
    let op = &ctx.api.operations[index];
    let home = TypeHome::Group(op.group.clone());
    let req = format_ident!("{}", op.request_name());
    let resp = format_ident!("{}", op.response_name());
    let action = Literal::string(&op.action);
    let version = Literal::string(&ctx.api.version);

    let summary = format!(
        "Request of `{}` ({} {}, {}{}{}).",
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
        if op.waiter.is_some() {
            ", waitable"
        } else {
            ""
        },
    );
    // Spec text is sanitized for rustdoc; the lines written here keep their intra-doc links.
    let mut rust_lines = vec![format!(
        "Build with [`{req}::new`]({req}::new), add optional parameters with `with_*`, send \
         with [`Client::send`](crate::Client::send); the answer is a [`{resp}`].",
        req = op.request_name(),
        resp = op.response_name()
    )];
    if let Some(w) = &op.waiter {
        rust_lines.push(format!(
            "[`Client::wait`](crate::Client::wait) polls this operation until the {} finishes \
             (success: `{}`; failure: `{}`).",
            w.job,
            w.success.join("`, `"),
            if w.failure.is_empty() {
                "none".to_owned()
            } else {
                w.failure.join("`, `")
            }
        ));
    }
    if op.pagination.is_some() {
        rust_lines.push(
            "[`Client::paginate`](crate::Client::paginate) and \
             [`Client::paginate_items`](crate::Client::paginate_items) follow its pages."
                .to_owned(),
        );
    }
    let mut docs = raw_doc(&summary);
    if let Some(d) = &op.docs {
        docs.extend(raw_doc(""));
        docs.extend(doc_attrs(Some(d)));
    }
    if op.deprecated {
        docs.extend(raw_doc(""));
        docs.extend(raw_doc("**Deprecated** in the API."));
    }
    for line in rust_lines {
        docs.extend(raw_doc(""));
        docs.extend(raw_doc(&line));
    }
    if let Some(ex) = &op.example {
        docs.extend(raw_doc(""));
        docs.extend(raw_doc("```"));
        for l in ex.trim_end().lines() {
            docs.extend(raw_doc(l));
        }
        docs.extend(raw_doc("```"));
    }

    let fields: Vec<Field> = op.params.iter().map(|p| p.field.clone()).collect();
    let members = op.params.iter().map(|p| {
        let f = &p.field;
        let id = field_ident(&f.rust_name);
        let ty = field_type(ctx, f, &home);
        let attr = ice_attr(ctx, p);
        let fdocs = field_docs(f, true);
        quote! { #fdocs #attr pub #id: #ty }
    });
    let default_derive = if fields.iter().any(|f| f.required) {
        TokenStream::new()
    } else {
        quote!(Default,)
    };
    let builder = builder_methods(ctx, &fields, &home, "request", &[], false);
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
    let mut checks = Vec::new();
    for p in &op.params {
        if p.style == Style::Flatten {
            let id = field_ident(&p.field.rust_name);
            if let TypeRef::Named(i) = p.field.ty {
                if ctx.has_checks[i] {
                    checks.push(quote!(::ice_api::Validate::validate(&self.#id, v);));
                }
            }
        } else {
            checks.extend(field_validations(
                ctx,
                std::slice::from_ref(&p.field),
                |id| quote!(self.#id),
            ));
        }
    }
    let validate = validate_impl(&req, checks);
    let declares_code = op.response_declares_code.then(|| {
        quote!(
            const RESPONSE_DECLARES_CODE: bool = true;
        )
    });
    let paginated = op
        .pagination
        .as_ref()
        .map(|p| paginated_impl(ctx, op, p, &home));
    let waitable = op.waiter.as_ref().map(|w| waitable_impl(ctx, op, w));
    let response = response_struct(ctx, op, &home);
    let poll = op
        .starts
        .as_ref()
        .map(|s| poll_request(ctx, op, s.poll, &s.id, &home));

    quote! {
        #docs
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
            #declares_code
            #client_token
        }

        #validate
        #paginated
        #waitable
        #response
        #poll
    }
}

/// One `#[doc]` line, as written.
fn raw_doc(line: &str) -> TokenStream {
    let l = if line.is_empty() {
        String::new()
    } else {
        format!(" {line}")
    };
    quote!(#[doc = #l])
}

fn response_struct(ctx: &Ctx<'_>, op: &Operation, home: &TypeHome) -> TokenStream {
    let resp = format_ident!("{}", op.response_name());
    let required: Vec<&str> = op
        .response
        .iter()
        .filter(|f| f.required)
        .map(|f| f.wire_name.as_str())
        .collect();
    let doc = if required.is_empty() {
        format!(
            "Response of `{}`. Every field is optional; unknown fields are ignored.",
            op.action
        )
    } else {
        format!(
            "Response of `{}`. `{}` must be present (a success without it is a decode error); \
             every other field is optional, unknown fields are ignored.",
            op.action,
            required.join("`, `")
        )
    };
    let docs = doc_attrs(Some(&doc));
    let members = op.response.iter().map(|f| {
        let id = field_ident(&f.rust_name);
        let t = field_type(ctx, f, home);
        let wire = Literal::string(&f.wire_name);
        let fdocs = field_docs(f, false);
        let attr = if f.required && matches!(f.ty, TypeRef::String | TypeRef::JsonString(_)) {
            quote!(#[serde(rename = #wire, deserialize_with = "crate::runtime::de::required_string")])
        } else if f.required {
            quote!(#[serde(rename = #wire)])
        } else {
            quote!(#[serde(rename = #wire, default)])
        };
        let schema = schemars_field_attr(ctx, f, home);
        quote! { #fdocs #attr #schema pub #id: #t }
    });
    let default = if required.is_empty() {
        quote!(Default,)
    } else {
        TokenStream::new()
    };
    let accessors = json_accessors(ctx, &op.response, home);
    let imp = (!accessors.is_empty()).then(|| quote!(impl #resp { #(#accessors)* }));
    let schemars = schemars_derive();
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, #default ::serde::Deserialize)]
        #schemars
        #[non_exhaustive]
        pub struct #resp {
            #(#members,)*
        }
        #imp
    }
}

/// The fields a path step looks into.
fn inner_fields<'a>(ctx: &'a Ctx<'_>, f: &'a Field) -> &'a [Field] {
    match &f.ty {
        TypeRef::Named(n) => ctx.api.fields_of(*n),
        TypeRef::JsonString(inner) => match &**inner {
            TypeRef::Named(n) => ctx.api.fields_of(*n),
            _ => &[],
        },
        _ => &[],
    }
}

/// `Option<&T>` for the field at `path`, starting from `root` (an expression of type `&R`).
fn borrow_path(ctx: &Ctx<'_>, top: &[Field], path: &[usize], root: TokenStream) -> TokenStream {
    let mut fields = top;
    // A place (`root.a.b`) while every step is required; an `Option<&_>` chain after that.
    let mut place = root;
    let mut chain: Option<TokenStream> = None;
    for &i in path {
        let f = &fields[i];
        let id = field_ident(&f.rust_name);
        chain = Some(match (chain, f.required) {
            (None, true) => {
                place = quote!(#place.#id);
                None
            }
            (None, false) => Some(quote!(#place.#id.as_ref())),
            (Some(c), true) => Some(quote!(#c.map(|x| &x.#id))),
            (Some(c), false) => Some(quote!(#c.and_then(|x| x.#id.as_ref()))),
        })
        .flatten();
        fields = inner_fields(ctx, f);
    }
    chain.unwrap_or_else(|| quote!(::std::option::Option::Some(&#place)))
}

/// `Option<&str>` for a string or open-enum field at `path`.
fn str_path(ctx: &Ctx<'_>, top: &[Field], path: &[usize], root: TokenStream) -> TokenStream {
    let leaf_is_string = ctx
        .api
        .field_at(top, path)
        .is_some_and(|f| f.ty == TypeRef::String);
    let (Some((&last, prefix)), true) = (path.split_last(), leaf_is_string) else {
        let b = borrow_path(ctx, top, path, root);
        return quote!(#b.map(|s| s.as_str()));
    };
    // `as_deref` / `as_str` on the leaf: `Option<&String>` → `Option<&str>` without a closure.
    let mut fields = top;
    for &i in prefix {
        fields = inner_fields(ctx, &fields[i]);
    }
    let leaf = &fields[last];
    let id = field_ident(&leaf.rust_name);
    if prefix.is_empty() {
        return if leaf.required {
            quote!(::std::option::Option::Some(#root.#id.as_str()))
        } else {
            quote!(#root.#id.as_deref())
        };
    }
    let b = borrow_path(ctx, top, prefix, root);
    if leaf.required {
        quote!(#b.map(|x| x.#id.as_str()))
    } else {
        quote!(#b.and_then(|x| x.#id.as_deref()))
    }
}

/// The body of `job_error`: each of `paths` (code, message) as an `Option<String>`. A path may run
/// through one JSON-string field (e.g. `Extend`); each such document is parsed once, and one that
/// does not parse counts as absent.
fn job_error_body(ctx: &Ctx<'_>, top: &[Field], paths: [Option<&Vec<usize>>; 2]) -> TokenStream {
    let mut docs: Vec<(Vec<usize>, proc_macro2::Ident, TokenStream)> = Vec::new();
    let mut values = Vec::new();
    for path in paths {
        let Some(path) = path else {
            values.push(quote!(::std::option::Option::None));
            continue;
        };
        let mut fields = top;
        let mut split = None;
        for (k, &i) in path.iter().enumerate() {
            let f = &fields[i];
            if let TypeRef::JsonString(inner) = &f.ty {
                split = Some((k, f, inner));
                break;
            }
            fields = inner_fields(ctx, f);
        }
        let value = match split {
            None => {
                let b = borrow_path(ctx, top, path, quote!(response));
                quote!(#b.cloned())
            }
            Some((k, f, inner)) => {
                let prefix = path[..=k].to_vec();
                let local = match docs.iter().find(|(p, _, _)| *p == prefix) {
                    Some((_, local, _)) => local.clone(),
                    None => {
                        let local = format_ident!("doc{}", docs.len());
                        let raw = borrow_path(ctx, top, &prefix, quote!(response));
                        let wire = &f.wire_name;
                        let t = rust_type(ctx, inner, From::Outside);
                        let parse = quote! {
                            #raw.and_then(|raw| {
                                crate::runtime::json_field::parse_json_field::<#t>(#wire, ::std::option::Option::Some(raw.as_str()))
                                    .ok()
                                    .flatten()
                            })
                        };
                        docs.push((prefix, local.clone(), parse));
                        local
                    }
                };
                let rest = borrow_path(ctx, inner_fields(ctx, f), &path[k + 1..], quote!(d));
                quote!(#local.as_ref().and_then(|d| #rest).cloned())
            }
        };
        values.push(value);
    }
    let lets = docs
        .iter()
        .map(|(_, local, parse)| quote!(let #local = #parse;));
    let (code, message) = (&values[0], &values[1]);
    quote! {
        #(#lets)*
        (#code, #message)
    }
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
            let token = str_path(ctx, &op.response, &p.token_path, quote!(response));
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
    let total = (!p.total_path.is_empty()).then(|| {
        let r = borrow_path(ctx, &op.response, &p.total_path, quote!(response));
        let conv = match ctx.api.field_at(&op.response, &p.total_path).map(|f| &f.ty) {
            Some(TypeRef::String) => quote!(#r.and_then(|s| s.trim().parse::<u64>().ok())),
            _ => quote!(#r.and_then(|n| u64::try_from(*n).ok())),
        };
        quote! {
            fn total_count(response: &Self::Response) -> ::std::option::Option<u64> { #conv }
        }
    });
    // take_items: walk with mutable borrows, take the list at the end.
    let mut fields: &[Field] = &op.response;
    let mut expr = quote!(::std::option::Option::Some(response));
    let n = p.items_path.len();
    for (depth, &i) in p.items_path.iter().enumerate() {
        let f = &fields[i];
        let id = field_ident(&f.rust_name);
        let last = depth + 1 == n;
        expr = match (last, f.required) {
            (true, true) => quote!(#expr.map(|x| ::std::mem::take(&mut x.#id))),
            (true, false) => quote!(#expr.and_then(|x| x.#id.take())),
            (false, true) => quote!(#expr.map(|x| &mut x.#id)),
            (false, false) => quote!(#expr.and_then(|x| x.#id.as_mut())),
        };
        fields = inner_fields(ctx, f);
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

fn str_list(values: &[String]) -> TokenStream {
    let v = values.iter().map(|s| Literal::string(s));
    quote!(&[#(#v),*])
}

fn waitable_impl(ctx: &Ctx<'_>, op: &Operation, w: &Waiter) -> TokenStream {
    let req = format_ident!("{}", op.request_name());
    let job = &w.job;
    let id = &op.params[w.id_param].field;
    let id_ident = field_ident(&id.rust_name);
    let id_expr = if id.required {
        quote!(self.#id_ident.as_str())
    } else {
        quote!(self.#id_ident.as_deref().unwrap_or_default())
    };
    let status = str_path(ctx, &op.response, &w.status, quote!(response));
    let (success, failure) = (str_list(&w.success), str_list(&w.failure));
    let sub_jobs = w.sub_jobs.as_ref().map(|s| {
        let list = borrow_path(ctx, &op.response, &s.list, quote!(response));
        let item_field = &ctx.api.types[s.item].fields[s.status];
        let fid = field_ident(&item_field.rust_name);
        let item_status = match (item_field.required, item_field.ty == TypeRef::String) {
            (true, _) => quote!(::std::option::Option::Some(item.#fid.as_str())),
            (false, true) => quote!(item.#fid.as_deref()),
            (false, false) => quote!(item.#fid.as_ref().map(|s| s.as_str())),
        };
        let (ok, bad) = (str_list(&s.success), str_list(&s.failure));
        quote! {
            const SUB_JOB_SUCCESS: &'static [&'static str] = #ok;
            const SUB_JOB_FAILURE: &'static [&'static str] = #bad;
            fn sub_job_statuses(response: &Self::Response) -> ::std::vec::Vec<::std::option::Option<&str>> {
                #list
                    .map(|list| list.iter().map(|item| #item_status).collect())
                    .unwrap_or_default()
            }
        }
    });
    let error = (w.error_code.is_some() || w.error_message.is_some()).then(|| {
        let body = job_error_body(ctx, &op.response, [w.error_code.as_ref(), w.error_message.as_ref()]);
        quote! {
            fn job_error(response: &Self::Response) -> (::std::option::Option<::std::string::String>, ::std::option::Option<::std::string::String>) {
                #body
            }
        }
    });
    quote! {
        impl ::ice_api::runtime::waiter::Waitable for #req {
            const JOB: &'static str = #job;
            const SUCCESS: &'static [&'static str] = #success;
            const FAILURE: &'static [&'static str] = #failure;
            fn job_id(&self) -> &str { #id_expr }
            fn status(response: &Self::Response) -> ::std::option::Option<&str> {
                #status
            }
            #sub_jobs
            #error
        }
    }
}

/// `SubmitXResponse::poll_request()`: the request `Client::wait` polls for the started job.
fn poll_request(
    ctx: &Ctx<'_>,
    op: &Operation,
    poll: usize,
    id: &[usize],
    home: &TypeHome,
) -> TokenStream {
    let resp = format_ident!("{}", op.response_name());
    let p = &ctx.api.operations[poll];
    let req_path = {
        let name = format_ident!("{}", p.request_name());
        let poll_home = TypeHome::Group(p.group.clone());
        if &poll_home == home {
            quote!(#name)
        } else {
            let m = ctx.group_module(&p.group);
            quote!(crate::generated::#m::#name)
        }
    };
    // The id is required along its whole path (the waiter made it so).
    let mut fields: &[Field] = &op.response;
    let mut access = quote!(self);
    for &i in id {
        let f = &fields[i];
        let fid = field_ident(&f.rust_name);
        access = quote!(#access.#fid);
        fields = inner_fields(ctx, f);
    }
    let doc = format!(
        " The [`{}`] that polls the job this call started; pass it to `Client::wait`.",
        p.request_name()
    );
    let same_group = p.group == op.group;
    let gate = (!same_group).then(|| {
        let g = &p.group;
        quote!(#[cfg(feature = #g)])
    });
    quote! {
        #gate
        impl #resp {
            #[doc = #doc]
            pub fn poll_request(&self) -> #req_path {
                #req_path::new(#access.clone())
            }
        }
    }
}
