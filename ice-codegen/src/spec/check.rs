//! Checks on one loaded schema node that the JSON shape alone cannot catch: bounds that no value
//! can satisfy and `pattern`s that are not regular expressions. Either would otherwise reach the
//! generated validators and reject every call, or fail there with a less precise message.
//!
//! Patterns are compiled with `fancy-regex`: api-docs patterns are JSON Schema patterns (the
//! ECMAScript dialect), which use lookaround and backreferences the `regex` crate refuses; it is
//! also the engine `jsonschema` uses on our exported schemas. (The published ICE files only carry
//! empty patterns today.)

use std::fmt::Display;

use super::model::Schema;
use super::node::Node;
use crate::output::Diagnostics;

/// Records a problem for each contradiction in `s` (loaded from `n`).
pub(crate) fn check_schema(diag: &mut Diagnostics, n: Node<'_>, s: &Schema) {
    ordered(
        diag,
        n,
        ("minLength", s.min_length),
        ("maxLength", s.max_length),
    );
    ordered(
        diag,
        n,
        ("minItems", s.min_items),
        ("maxItems", s.max_items),
    );
    ordered(diag, n, ("minimum", s.minimum), ("maximum", s.maximum));
    if let Some(p) = &s.pattern {
        if let Err(e) = fancy_regex::Regex::new(p) {
            diag.error(n.error_at("pattern", format!("invalid regular expression {p:?}: {e}")));
        }
    }
}

/// A lower bound above its upper bound.
fn ordered<T: PartialOrd + Display>(
    diag: &mut Diagnostics,
    n: Node<'_>,
    (lo_key, lo): (&str, Option<T>),
    (hi_key, hi): (&str, Option<T>),
) {
    if let (Some(lo), Some(hi)) = (lo, hi) {
        if lo > hi {
            diag.error(n.error_at(
                lo_key,
                format!("{lo_key} {lo} is greater than {hi_key} {hi}: no value can satisfy both"),
            ));
        }
    }
}
