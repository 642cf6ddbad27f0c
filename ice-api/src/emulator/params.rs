//! Reading request parameters the way the gateway validates them: every error is a 400
//! `InvalidParameter` that names the parameter.

use std::collections::HashMap;
use std::ops::RangeInclusive;

use serde_json::Value;

use super::verify::GatewayError;

/// Decoded request parameters (query and form body merged).
pub(crate) type Params = HashMap<String, String>;

/// 400 `InvalidParameter` naming `param`.
pub(crate) fn invalid(param: &str, why: impl std::fmt::Display) -> GatewayError {
    GatewayError::new(
        400,
        "InvalidParameter",
        format!("The specified parameter \"{param}\" is not valid: {why}"),
    )
}

pub(crate) fn missing(param: &str) -> GatewayError {
    invalid(param, "it is required")
}

/// A parameter that is present and not blank.
pub(crate) fn optional<'a>(p: &'a Params, name: &str) -> Option<&'a str> {
    p.get(name)
        .map(String::as_str)
        .filter(|v| !v.trim().is_empty())
}

pub(crate) fn required<'a>(p: &'a Params, name: &str) -> Result<&'a str, GatewayError> {
    optional(p, name).ok_or_else(|| missing(name))
}

/// Parses a JSON-string parameter that must hold a JSON object.
pub(crate) fn json_object(
    p: &Params,
    name: &str,
    needed: bool,
) -> Result<Option<Value>, GatewayError> {
    let Some(raw) = optional(p, name) else {
        return if needed { Err(missing(name)) } else { Ok(None) };
    };
    match serde_json::from_str::<Value>(raw) {
        Ok(v @ Value::Object(_)) => Ok(Some(v)),
        Ok(_) => Err(invalid(name, "expected a JSON object")),
        Err(e) => Err(invalid(name, format!("not valid JSON ({e})"))),
    }
}

/// An integer parameter within `range`, `default` when absent.
pub(crate) fn int(
    p: &Params,
    name: &str,
    range: RangeInclusive<u64>,
    default: u64,
) -> Result<u64, GatewayError> {
    match optional(p, name) {
        None => Ok(default),
        Some(v) => match v.parse::<u64>() {
            Ok(n) if range.contains(&n) => Ok(n),
            _ => Err(invalid(
                name,
                format!(
                    "expected an integer from {} to {}, got \"{v}\"",
                    range.start(),
                    range.end()
                ),
            )),
        },
    }
}

/// One of `allowed`, or `None` when absent.
pub(crate) fn one_of<'a>(
    p: &'a Params,
    name: &str,
    allowed: &[&str],
) -> Result<Option<&'a str>, GatewayError> {
    match optional(p, name) {
        None => Ok(None),
        Some(v) if allowed.contains(&v) => Ok(Some(v)),
        Some(v) => Err(invalid(
            name,
            format!("expected one of {}, got \"{v}\"", allowed.join(", ")),
        )),
    }
}

/// At most `max` bytes.
pub(crate) fn at_most(name: &str, value: &str, max: usize) -> Result<(), GatewayError> {
    if value.len() > max {
        Err(invalid(
            name,
            format!("at most {max} bytes, got {}", value.len()),
        ))
    } else {
        Ok(())
    }
}
