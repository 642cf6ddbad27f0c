//! Numbers that keep their JSON form: `1` stays `1` and `1.0` stays `1.0` after a round trip, so
//! a config parsed from an example re-serializes to the same JSON.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{Validate, Validator};

/// A JSON number as written: integer or floating point.
///
/// ```
/// use ice_api::Number;
/// assert_eq!(serde_json::to_string(&Number::from(1)).unwrap(), "1");
/// assert_eq!(serde_json::to_string(&Number::from(0.3)).unwrap(), "0.3");
/// ```
#[derive(Clone, Copy, PartialEq)]
pub struct Number(Repr);

#[derive(Clone, Copy, PartialEq)]
enum Repr {
    Int(i64),
    Float(f64),
}

impl Number {
    /// The value as `f64` (large integers lose precision).
    pub fn as_f64(self) -> f64 {
        match self.0 {
            Repr::Int(i) => i as f64,
            Repr::Float(f) => f,
        }
    }

    /// The value when it was written as an integer.
    pub fn as_i64(self) -> Option<i64> {
        match self.0 {
            Repr::Int(i) => Some(i),
            Repr::Float(_) => None,
        }
    }
}

impl fmt::Debug for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Repr::Int(i) => write!(f, "{i}"),
            Repr::Float(x) => write!(f, "{x:?}"),
        }
    }
}

macro_rules! from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Number {
            fn from(v: $t) -> Self {
                Number(Repr::Int(i64::from(v)))
            }
        }
    )*};
}
from_int!(i8, i16, i32, i64, u8, u16, u32);

impl From<f64> for Number {
    fn from(v: f64) -> Self {
        Number(Repr::Float(v))
    }
}

impl From<f32> for Number {
    fn from(v: f32) -> Self {
        // Through the shortest decimal form, so `0.3_f32` becomes 0.3 and not 0.30000001192….
        Number(Repr::Float(v.to_string().parse().unwrap_or(f64::from(v))))
    }
}

impl Serialize for Number {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Repr::Int(i) => s.serialize_i64(i),
            Repr::Float(f) => s.serialize_f64(f),
        }
    }
}

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Number;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Number, E> {
                Ok(Number(Repr::Int(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Number, E> {
                Ok(Number(match i64::try_from(v) {
                    Ok(i) => Repr::Int(i),
                    Err(_) => Repr::Float(v as f64),
                }))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Number, E> {
                Ok(Number(Repr::Float(v)))
            }
        }
        d.deserialize_any(V)
    }
}

impl Validate for Number {
    fn validate(&self, v: &mut Validator) {
        let x = self.as_f64();
        if !x.is_finite() {
            v.report(format!("{x}, expected a finite number"));
        }
    }
}

/// A value the docs type as a string but the examples send as a number (`Volume`, `In`, `Out`);
/// both forms are accepted and kept as written.
///
/// ```
/// use ice_api::NumberOrString;
/// let n: NumberOrString = serde_json::from_str(r#""0.5""#).unwrap();
/// assert_eq!(n.as_f64(), Some(0.5));
/// assert_eq!(serde_json::to_string(&n).unwrap(), r#""0.5""#);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum NumberOrString {
    /// Sent as a JSON number.
    Number(Number),
    /// Sent as a JSON string (should hold a decimal number).
    Text(String),
}

impl NumberOrString {
    /// The numeric value; `None` for text that is not a decimal number.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            NumberOrString::Number(n) => Some(n.as_f64()),
            NumberOrString::Text(s) => s.trim().parse().ok(),
        }
    }
}

macro_rules! number_or_string_from {
    ($($t:ty),*) => {$(
        impl From<$t> for NumberOrString {
            fn from(v: $t) -> Self {
                NumberOrString::Number(v.into())
            }
        }
    )*};
}
number_or_string_from!(i32, i64, u32, f32, f64, Number);

impl From<&str> for NumberOrString {
    fn from(v: &str) -> Self {
        NumberOrString::Text(v.to_owned())
    }
}

impl From<String> for NumberOrString {
    fn from(v: String) -> Self {
        NumberOrString::Text(v)
    }
}

/// JSON Schema as `cargo xtask schema` exports these types: inlined (a plain number; a number or
/// a string), never a `$defs` entry of their own.
#[cfg(feature = "schemars")]
mod json_schema {
    use std::borrow::Cow;

    use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};

    use super::{Number, NumberOrString};

    impl JsonSchema for Number {
        fn inline_schema() -> bool {
            true
        }

        fn schema_name() -> Cow<'static, str> {
            Cow::Borrowed("Number")
        }

        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            json_schema!({ "type": "number" })
        }
    }

    impl JsonSchema for NumberOrString {
        fn inline_schema() -> bool {
            true
        }

        fn schema_name() -> Cow<'static, str> {
            Cow::Borrowed("NumberOrString")
        }

        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            json_schema!({ "type": ["number", "string"] })
        }
    }
}

impl Validate for NumberOrString {
    fn validate(&self, v: &mut Validator) {
        match self {
            NumberOrString::Number(n) => n.validate(v),
            NumberOrString::Text(s) => match s.trim().parse::<f64>() {
                Ok(x) if x.is_finite() => {}
                _ => v.report(format!("{s:?}, expected a decimal number")),
            },
        }
    }
}
