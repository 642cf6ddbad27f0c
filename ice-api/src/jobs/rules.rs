//! Generic rules the generated `Validate` impls call: key counts (`one_of` in the overlay), keys
//! set both as a typed field and in `extra`, and size limits on the compact JSON.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::Validator;

/// Reports when the number of present keys is outside `[min, max]`. A key counts as present when
/// its typed field is set (`typed`) or when it appears in `extra`.
pub(crate) fn check_key_count(
    v: &mut Validator,
    extra: &Map<String, Value>,
    keys: &[(&str, bool)],
    min: usize,
    max: Option<usize>,
    why: &str,
) {
    let present: Vec<&str> = keys
        .iter()
        .filter(|(k, typed)| *typed || extra.contains_key(*k))
        .map(|(k, _)| *k)
        .collect();
    let all: Vec<&str> = keys.iter().map(|(k, _)| *k).collect();
    let n = present.len();
    if max == Some(0) && n > 0 {
        v.report(format!("{} not allowed: {why}", present.join(" and ")));
    } else if n < min {
        v.report(format!("none of {} is set: {why}", all.join(", ")));
    } else if let Some(max) = max.filter(|m| n > *m) {
        v.report(format!(
            "{} are set, at most {max} of {} allowed: {why}",
            present.join(" and "),
            all.join(", ")
        ));
    }
}

/// Reports every key of `extra` that duplicates a typed field that is set (the JSON would carry
/// the key twice).
pub(crate) fn check_extra_keys(
    v: &mut Validator,
    extra: &Map<String, Value>,
    typed: &[(&str, bool)],
) {
    if extra.is_empty() {
        return;
    }
    for (key, set) in typed {
        if *set && extra.contains_key(*key) {
            v.field(key, |v| {
                v.report("set both as a typed field and in `extra`; keep one")
            });
        }
    }
}

/// Reports when the compact JSON form of `value` is longer than `max` bytes.
pub(crate) fn check_json_bytes<T: Serialize + ?Sized>(v: &mut Validator, value: &T, max: usize) {
    match serde_json::to_string(value) {
        Ok(json) => v.bytes(&json, None, Some(max)),
        Err(e) => v.report(format!("cannot be encoded as JSON: {e}")),
    }
}
