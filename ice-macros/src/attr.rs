//! Parsing of `#[ice(...)]` attributes into raw settings. Nothing here decides whether a
//! combination makes sense (that is `valid.rs`); this layer only reports malformed syntax,
//! unknown and duplicate keys, and keeps every key's tokens for span-accurate diagnostics.

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::meta::ParseNestedMeta;
use syn::{Attribute, Expr, ExprLit, Lit, LitStr};

use crate::ctxt::Ctxt;
use crate::suggest;

/// Keys accepted on a field of a struct or struct-like variant.
pub const FIELD_KEYS: &[&str] = &[
    "name", "query", "form", "style", "direct", "flatten", "skip",
];
/// Keys accepted on an enum variant.
pub const VARIANT_KEYS: &[&str] = &["value"];
/// Keys accepted on an enum.
pub const ENUM_KEYS: &[&str] = &["tag"];
/// Keys accepted inside `tag(...)`.
pub const TAG_KEYS: &[&str] = &["name", "query", "form"];

/// One key as written: its tokens (for spans), the order it appeared in, and its value if the
/// value parsed (`None` means "present but malformed", already reported).
pub struct Setting<T> {
    pub tokens: TokenStream,
    pub order: usize,
    pub value: Option<T>,
}

impl<T> ToTokens for Setting<T> {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        self.tokens.to_tokens(tokens);
    }
}

/// How a parameter's value is laid out on the wire (the spec's `style`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Json,
    RepeatList,
    Flat,
    Simple,
}

impl Style {
    pub const NAMES: &'static [&'static str] = &["json", "repeatList", "flat", "simple"];

    fn from_name(s: &str) -> Option<Self> {
        match s {
            "json" => Some(Self::Json),
            "repeatList" => Some(Self::RepeatList),
            "flat" => Some(Self::Flat),
            "simple" => Some(Self::Simple),
            _ => None,
        }
    }
}

/// What went wrong while parsing an item's attributes, so validation can stay quiet about a
/// "missing" key the user did write, only misspelled (`nmae`) or inside a malformed attribute.
#[derive(Default)]
pub struct Damage {
    malformed: bool,
    suggested: Vec<&'static str>,
}

impl Damage {
    /// Whether an error about `key` being absent would only repeat an error already reported.
    pub fn excuses(&self, key: &str) -> bool {
        self.malformed || self.suggested.contains(&key)
    }
}

/// `name`, `query` and `form`: shared by fields and by an enum's `tag(...)`.
#[derive(Default)]
pub struct WireAttrs {
    pub damage: Damage,
    pub name: Option<Setting<LitStr>>,
    pub query: Option<Setting<()>>,
    pub form: Option<Setting<()>>,
}

/// Everything written in the `#[ice(...)]` attributes of one field.
#[derive(Default)]
pub struct FieldAttrs {
    /// The first `#[ice ...]` attribute, for errors about something missing.
    pub first: Option<Attribute>,
    pub wire: WireAttrs,
    pub style: Option<Setting<Style>>,
    /// `direct`: a `style = "json"` value with a generated JSON encoder (`DirectJson`).
    pub direct: Option<Setting<()>>,
    pub flatten: Option<Setting<()>>,
    pub skip: Option<Setting<()>>,
}

/// `#[ice(value = "...")]` on a variant.
#[derive(Default)]
pub struct VariantAttrs {
    pub damage: Damage,
    pub value: Option<Setting<LitStr>>,
}

/// `#[ice(tag(...))]` on an enum.
#[derive(Default)]
pub struct EnumAttrs {
    pub damage: Damage,
    pub tag: Option<Setting<WireAttrs>>,
}

/// Counts keys across all attributes of one item so "which came second" is well defined.
#[derive(Default)]
struct Seq(usize);

impl Seq {
    fn next(&mut self) -> usize {
        self.0 += 1;
        self.0
    }
}

pub fn field(cx: &Ctxt, attrs: &[Attribute]) -> FieldAttrs {
    let mut out = FieldAttrs::default();
    let mut seq = Seq::default();
    let mut damage = Damage::default();
    for attr in ice_attrs(attrs) {
        if out.first.is_none() {
            out.first = Some(attr.clone());
        }
        each_key(cx, attr, FIELD_KEYS, "a field", &mut damage, |key, meta| {
            let order = seq.next();
            match key {
                "name" | "query" | "form" => wire_key(cx, &mut out.wire, key, meta, order),
                "style" => {
                    let value = style_value(cx, meta)?;
                    set(cx, &mut out.style, meta, order, value);
                    Ok(())
                }
                "direct" => flag(cx, &mut out.direct, meta, order),
                "flatten" => flag(cx, &mut out.flatten, meta, order),
                _ => flag(cx, &mut out.skip, meta, order),
            }
        });
    }
    out.wire.damage = damage;
    out
}

pub fn variant(cx: &Ctxt, attrs: &[Attribute]) -> VariantAttrs {
    let mut out = VariantAttrs::default();
    let mut seq = Seq::default();
    let mut damage = Damage::default();
    for attr in ice_attrs(attrs) {
        each_key(
            cx,
            attr,
            VARIANT_KEYS,
            "a variant",
            &mut damage,
            |_, meta| {
                let value = string_value(cx, meta, "value")?;
                set(cx, &mut out.value, meta, seq.next(), value);
                Ok(())
            },
        );
    }
    out.damage = damage;
    out
}

pub fn enumeration(cx: &Ctxt, attrs: &[Attribute]) -> EnumAttrs {
    let mut out = EnumAttrs::default();
    let mut seq = Seq::default();
    let mut damage = Damage::default();
    for attr in ice_attrs(attrs) {
        each_key(cx, attr, ENUM_KEYS, "an enum", &mut damage, |_, meta| {
            let order = seq.next();
            if !meta.input.peek(syn::token::Paren) {
                cx.error_spanned_by(
                    &meta.path,
                    "expected `tag(name = \"...\", query)` or `tag(name = \"...\", form)`",
                );
                set(cx, &mut out.tag, meta, order, None);
                return skip_value(meta);
            }
            let mut tag = WireAttrs::default();
            let mut inner_seq = Seq::default();
            meta.parse_nested_meta(|inner| {
                let key = key_of(&inner);
                if TAG_KEYS.contains(&key.as_str()) {
                    wire_key(cx, &mut tag, &key, &inner, inner_seq.next())
                } else {
                    unknown_key(cx, &inner, &key, TAG_KEYS, "`tag(...)`", &mut tag.damage)
                }
            })?;
            set(cx, &mut out.tag, meta, order, Some(tag));
            Ok(())
        });
    }
    out.damage = damage;
    out
}

/// Struct-level `#[ice(...)]` takes no keys today; reject anything written there.
pub fn structure(cx: &Ctxt, attrs: &[Attribute]) {
    for attr in ice_attrs(attrs) {
        each_key(cx, attr, &[], "a struct", &mut Damage::default(), |_, _| {
            Ok(())
        });
    }
}

fn ice_attrs(attrs: &[Attribute]) -> impl Iterator<Item = &Attribute> {
    attrs.iter().filter(|a| a.path().is_ident("ice"))
}

/// Runs `f` for every known key of one `#[ice(...)]`; reports unknown keys (with a suggestion)
/// and syntax errors, then keeps going so later keys are still checked.
fn each_key(
    cx: &Ctxt,
    attr: &Attribute,
    valid: &[&'static str],
    on: &str,
    damage: &mut Damage,
    mut f: impl FnMut(&str, &ParseNestedMeta) -> syn::Result<()>,
) {
    let list = match attr.meta.require_list() {
        Ok(list) => list,
        Err(_) => {
            cx.error_spanned_by(
                attr,
                "expected `#[ice(...)]` with keys inside the parentheses",
            );
            damage.malformed = true;
            return;
        }
    };
    let result = list.parse_nested_meta(|meta| {
        let key = key_of(&meta);
        if valid.contains(&key.as_str()) {
            f(&key, &meta)
        } else {
            let place = format!("`#[ice(...)]` on {on}");
            unknown_key(cx, &meta, &key, valid, &place, damage)
        }
    });
    if let Err(err) = result {
        cx.syn_error(err);
        damage.malformed = true;
    }
}

fn key_of(meta: &ParseNestedMeta) -> String {
    meta.path.to_token_stream().to_string().replace(' ', "")
}

fn unknown_key(
    cx: &Ctxt,
    meta: &ParseNestedMeta,
    key: &str,
    valid: &[&'static str],
    place: &str,
    damage: &mut Damage,
) -> syn::Result<()> {
    let msg = if valid.is_empty() {
        format!("unknown key `{key}`: {place} takes no keys")
    } else {
        let hint = match suggest::alias(key, valid) {
            Some((meant, hint)) => {
                damage.suggested.extend(meant);
                format!(" {hint}")
            }
            None => {
                let suggestion = suggest::did_you_mean(key, valid);
                damage.suggested.extend(suggestion);
                suggestion
                    .map(|s| format!(" did you mean `{s}`?"))
                    .unwrap_or_default()
            }
        };
        format!(
            "unknown key `{key}` in {place};{hint} expected one of {}",
            suggest::list(valid)
        )
    };
    cx.error_spanned_by(&meta.path, msg);
    skip_value(meta)
}

/// Consumes `= expr` or `(...)` after a key so parsing can resume at the next key.
fn skip_value(meta: &ParseNestedMeta) -> syn::Result<()> {
    if meta.input.peek(syn::Token![=]) {
        meta.value()?.parse::<Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        let content;
        syn::parenthesized!(content in meta.input);
        content.parse::<TokenStream>()?;
    }
    Ok(())
}

/// `style = "..."`: one of [`Style::NAMES`]; anything else is reported with a suggestion.
fn style_value(cx: &Ctxt, meta: &ParseNestedMeta) -> syn::Result<Option<Style>> {
    let Some(lit) = string_value(cx, meta, "style")? else {
        return Ok(None);
    };
    let style = Style::from_name(&lit.value());
    if style.is_none() {
        let hint = suggest::did_you_mean(&lit.value(), Style::NAMES)
            .map(|s| format!(" did you mean `{s}`?"))
            .unwrap_or_default();
        cx.error_spanned_by(
            &lit,
            format!(
                "unknown style `{}`;{hint} expected one of {}",
                lit.value(),
                suggest::list(Style::NAMES)
            ),
        );
    }
    Ok(style)
}

fn wire_key(
    cx: &Ctxt,
    wire: &mut WireAttrs,
    key: &str,
    meta: &ParseNestedMeta,
    order: usize,
) -> syn::Result<()> {
    match key {
        "name" => {
            let value = string_value(cx, meta, "name")?;
            set(cx, &mut wire.name, meta, order, value);
            Ok(())
        }
        "query" => flag(cx, &mut wire.query, meta, order),
        _ => flag(cx, &mut wire.form, meta, order),
    }
}

/// `key = "literal"`; a non-string value is reported at the value's tokens.
fn string_value(cx: &Ctxt, meta: &ParseNestedMeta, key: &str) -> syn::Result<Option<LitStr>> {
    if !meta.input.peek(syn::Token![=]) {
        cx.error_spanned_by(
            &meta.path,
            format!("`{key}` needs a value: `{key} = \"...\"`"),
        );
        skip_value(meta)?;
        return Ok(None);
    }
    match meta.value()?.parse::<Expr>()? {
        Expr::Lit(ExprLit {
            lit: Lit::Str(lit), ..
        }) => Ok(Some(lit)),
        other => {
            cx.error_spanned_by(
                &other,
                format!("`{key}` must be a string literal, e.g. `{key} = \"JobType\"`"),
            );
            Ok(None)
        }
    }
}

/// A key without a value (`query`, `form`, `direct`, `flatten`, `skip`).
fn flag(
    cx: &Ctxt,
    slot: &mut Option<Setting<()>>,
    meta: &ParseNestedMeta,
    order: usize,
) -> syn::Result<()> {
    let key = key_of(meta);
    if meta.input.peek(syn::Token![=]) || meta.input.peek(syn::token::Paren) {
        cx.error_spanned_by(&meta.path, format!("`{key}` takes no value"));
        skip_value(meta)?;
    }
    set(cx, slot, meta, order, Some(()));
    Ok(())
}

fn set<T>(
    cx: &Ctxt,
    slot: &mut Option<Setting<T>>,
    meta: &ParseNestedMeta,
    order: usize,
    value: Option<T>,
) {
    if slot.is_some() {
        let key = key_of(meta);
        cx.error_spanned_by(&meta.path, format!("duplicate key `{key}`"));
        return;
    }
    *slot = Some(Setting {
        tokens: meta.path.to_token_stream(),
        order,
        value,
    });
}
