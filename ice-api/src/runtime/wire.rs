//! Wire parameters: the exact key/value pairs a request puts into the query string and the form
//! body, before signing. `#[derive(EncodeWire)]` (crate `ice-macros`) generates calls into this
//! module; keeping the style logic here keeps the generated code thin.

use std::fmt;

use serde::Serialize;

pub(crate) mod encoded;
mod percent_json;

#[doc(hidden)]
pub use percent_json::{DirectJson, JsonObject, JsonWriter, Unsupported as JsonUnsupported};

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Location {
    /// The URL query string (`in: query` in the spec).
    Query,
    /// The `application/x-www-form-urlencoded` body (`in: formData`).
    Form,
}

/// The encoded parameters of one request, in insertion order.
///
/// ```
/// use ice_api::{Location, WireParams};
/// let mut w = WireParams::new();
/// w.scalar(Location::Query, "MaxResults", &10_i32);
/// w.flat(Location::Query, "JobIds", &vec!["a", "b"]).unwrap();
/// w.json(Location::Form, "InputConfig", &serde_json::json!({"MediaArray": ["m1"]})).unwrap();
/// assert_eq!(w.query(), &[
///     ("MaxResults".into(), "10".into()),
///     ("JobIds.1".into(), "a".into()),
///     ("JobIds.2".into(), "b".into()),
/// ]);
/// assert_eq!(w.form(), &[("InputConfig".into(), r#"{"MediaArray":["m1"]}"#.into())]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WireParams {
    query: Vec<(String, String)>,
    form: Vec<(String, String)>,
}

impl WireParams {
    /// An empty parameter set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Query parameters in insertion order.
    pub fn query(&self) -> &[(String, String)] {
        &self.query
    }

    /// Form-body parameters in insertion order.
    pub fn form(&self) -> &[(String, String)] {
        &self.form
    }

    /// Splits into `(query, form)`.
    #[allow(clippy::type_complexity)] // two plain pair lists; an alias would only hide that
    pub fn into_parts(self) -> (Vec<(String, String)>, Vec<(String, String)>) {
        (self.query, self.form)
    }

    /// Looks a parameter up by wire name (first match), in either location.
    pub fn get(&self, key: &str) -> Option<(Location, &str)> {
        if let Some((_, v)) = self.query.iter().find(|(k, _)| k == key) {
            return Some((Location::Query, v.as_str()));
        }
        self.form
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| (Location::Form, v.as_str()))
    }

    fn list(&mut self, loc: Location) -> &mut Vec<(String, String)> {
        match loc {
            Location::Query => &mut self.query,
            Location::Form => &mut self.form,
        }
    }

    /// Appends one raw pair.
    pub fn push(&mut self, loc: Location, key: impl Into<String>, value: impl Into<String>) {
        self.list(loc).push((key.into(), value.into()));
    }

    /// Sets parameter `key` in `loc`: replaces its value where it already is (in either
    /// location, moving it to `loc`), else appends it.
    pub fn set(&mut self, loc: Location, key: &str, value: impl Into<String>) {
        self.query.retain(|(k, _)| k != key);
        self.form.retain(|(k, _)| k != key);
        self.push(loc, key, value);
    }

    /// A scalar parameter (no `style` in the spec): strings verbatim, numbers in decimal,
    /// booleans as `true` / `false`.
    pub fn scalar<T: WireScalar + ?Sized>(&mut self, loc: Location, key: &str, value: &T) {
        let mut s = String::new();
        value.write_wire(&mut s);
        self.push(loc, key, s);
    }

    /// `style: json`: the whole value as one compact JSON string.
    pub fn json<T: Serialize + ?Sized>(
        &mut self,
        loc: Location,
        key: &str,
        value: &T,
    ) -> Result<(), EncodeError> {
        let s = serde_json::to_string(value).map_err(|e| EncodeError::new(key, e.to_string()))?;
        self.push(loc, key, s);
        Ok(())
    }

    /// `style: repeatList` and `style: flat`: lists as `Key.1`, `Key.2` (1-based), objects as
    /// `Key.Sub`, recursively; `null` members are omitted.
    pub fn flat<T: Serialize + ?Sized>(
        &mut self,
        loc: Location,
        key: &str,
        value: &T,
    ) -> Result<(), EncodeError> {
        let v = serde_json::to_value(value).map_err(|e| EncodeError::new(key, e.to_string()))?;
        let list = self.list(loc);
        let mut prefix = key.to_owned();
        flatten_into(list, &mut prefix, &v);
        Ok(())
    }

    /// `style: simple`: a list joined with commas (a scalar stays as it is).
    pub fn simple<T: Serialize + ?Sized>(
        &mut self,
        loc: Location,
        key: &str,
        value: &T,
    ) -> Result<(), EncodeError> {
        let v = serde_json::to_value(value).map_err(|e| EncodeError::new(key, e.to_string()))?;
        let joined = match &v {
            serde_json::Value::Array(items) => {
                let mut out = String::new();
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    match item {
                        serde_json::Value::Array(_) | serde_json::Value::Object(_) => {
                            return Err(EncodeError::new(
                                format!("{key}[{i}]"),
                                "style simple takes a list of scalars",
                            ))
                        }
                        other => write_json_scalar(&mut out, other),
                    }
                }
                out
            }
            serde_json::Value::Null => return Ok(()),
            other => {
                let mut out = String::new();
                write_json_scalar(&mut out, other);
                out
            }
        };
        self.push(loc, key, joined);
        Ok(())
    }
}

fn write_json_scalar(out: &mut String, v: &serde_json::Value) {
    match v {
        serde_json::Value::String(s) => out.push_str(s),
        serde_json::Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        serde_json::Value::Number(n) => out.push_str(&n.to_string()),
        serde_json::Value::Null => {}
        other => out.push_str(&other.to_string()),
    }
}

fn flatten_into(list: &mut Vec<(String, String)>, prefix: &mut String, v: &serde_json::Value) {
    match v {
        serde_json::Value::Null => {}
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = prefix.len();
                prefix.push('.');
                prefix.push_str(&(i + 1).to_string());
                flatten_into(list, prefix, item);
                prefix.truncate(len);
            }
        }
        serde_json::Value::Object(map) => {
            for (k, item) in map {
                let len = prefix.len();
                prefix.push('.');
                prefix.push_str(k);
                flatten_into(list, prefix, item);
                prefix.truncate(len);
            }
        }
        scalar => {
            let mut s = String::new();
            write_json_scalar(&mut s, scalar);
            list.push((prefix.clone(), s));
        }
    }
}

/// Where `#[derive(EncodeWire)]` puts a request's parameters: [`WireParams`] (decoded pairs, the
/// public view) or the client's percent-encoded buffers. One method per `style`, with the
/// semantics documented on [`WireParams`]'s methods of the same names.
#[doc(hidden)]
pub trait WireSink {
    /// Appends one raw pair.
    fn push(&mut self, loc: Location, key: &str, value: &str);

    /// A scalar parameter (no `style`).
    fn scalar<T: WireScalar + ?Sized>(&mut self, loc: Location, key: &str, value: &T);

    /// `style: json`.
    fn json<T: Serialize + ?Sized>(
        &mut self,
        loc: Location,
        key: &str,
        value: &T,
    ) -> Result<(), EncodeError>;

    /// `style: json` for a value with a generated encoder (`#[ice(..., direct)]`): what
    /// [`json`](Self::json) writes, which is what this default does; the client's encoded
    /// buffers take the generated encoder.
    fn json_direct<T: DirectJson + ?Sized>(
        &mut self,
        loc: Location,
        key: &str,
        value: &T,
    ) -> Result<(), EncodeError> {
        self.json(loc, key, value)
    }

    /// `style: repeatList` and `style: flat`.
    fn flat<T: Serialize + ?Sized>(
        &mut self,
        loc: Location,
        key: &str,
        value: &T,
    ) -> Result<(), EncodeError>;

    /// `style: simple`.
    fn simple<T: Serialize + ?Sized>(
        &mut self,
        loc: Location,
        key: &str,
        value: &T,
    ) -> Result<(), EncodeError>;
}

impl WireSink for WireParams {
    fn push(&mut self, loc: Location, key: &str, value: &str) {
        WireParams::push(self, loc, key, value);
    }

    fn scalar<T: WireScalar + ?Sized>(&mut self, loc: Location, key: &str, value: &T) {
        WireParams::scalar(self, loc, key, value);
    }

    fn json<T: Serialize + ?Sized>(
        &mut self,
        loc: Location,
        key: &str,
        value: &T,
    ) -> Result<(), EncodeError> {
        WireParams::json(self, loc, key, value)
    }

    fn flat<T: Serialize + ?Sized>(
        &mut self,
        loc: Location,
        key: &str,
        value: &T,
    ) -> Result<(), EncodeError> {
        WireParams::flat(self, loc, key, value)
    }

    fn simple<T: Serialize + ?Sized>(
        &mut self,
        loc: Location,
        key: &str,
        value: &T,
    ) -> Result<(), EncodeError> {
        WireParams::simple(self, loc, key, value)
    }
}

/// A value that travels as one plain string.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a wire scalar",
    label = "a parameter without `style` must be a string, number or bool",
    note = "for lists and objects add `style = \"json\"`, `\"repeatList\"`, `\"flat\"` or `\"simple\"` to the field's `#[ice(...)]`"
)]
pub trait WireScalar {
    /// Appends the wire form of `self` to `out`.
    fn write_wire(&self, out: &mut String);
}

impl WireScalar for str {
    fn write_wire(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl WireScalar for String {
    fn write_wire(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl WireScalar for bool {
    fn write_wire(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
}

impl<T: WireScalar + ?Sized> WireScalar for &T {
    fn write_wire(&self, out: &mut String) {
        (**self).write_wire(out);
    }
}

macro_rules! display_scalar {
    ($($t:ty),*) => {$(
        impl WireScalar for $t {
            fn write_wire(&self, out: &mut String) {
                use fmt::Write;
                let _ = write!(out, "{self}");
            }
        }
    )*};
}
display_scalar!(i8, i16, i32, i64, u8, u16, u32, u64, usize, isize, f32, f64);

/// A request (or part of one) that knows its wire encoding. Derive it with
/// `#[derive(ice_macros::EncodeWire)]`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no wire encoding",
    label = "`{Self}` does not implement `EncodeWire`",
    note = "derive it with `#[derive(ice_macros::EncodeWire)]` and an `#[ice(...)]` on every field"
)]
pub trait EncodeWire {
    /// Appends this value's parameters to `out`.
    fn encode_wire(&self, out: &mut WireParams) -> Result<(), EncodeError>;

    /// Appends this value's parameters to any [`WireSink`]. The derive implements this one (and
    /// [`encode_wire`](Self::encode_wire) through it), so the client encodes straight into its
    /// percent-encoded buffers; a hand-written impl gets this default, which goes through
    /// [`WireParams`].
    #[doc(hidden)]
    fn encode_to<S: WireSink>(&self, out: &mut S) -> Result<(), EncodeError>
    where
        Self: Sized,
    {
        let mut params = WireParams::new();
        self.encode_wire(&mut params)?;
        for (k, v) in &params.query {
            out.push(Location::Query, k, v);
        }
        for (k, v) in &params.form {
            out.push(Location::Form, k, v);
        }
        Ok(())
    }

    /// The full parameter set of this value.
    fn to_wire(&self) -> Result<WireParams, EncodeError> {
        let mut out = WireParams::new();
        self.encode_wire(&mut out)?;
        Ok(out)
    }
}

/// The discriminator of a tagged request enum (`#[ice(tag(...))]`): the wire value of the
/// variant, e.g. `"Smart_Mix_Media_Select"` for `JobType`. Derived with `EncodeWire`.
pub trait WireTag {
    /// The tag value that selects this variant.
    fn wire_tag(&self) -> &'static str;
}

/// Paths the derive expansion names; not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use serde::Serialize;
}

/// A value could not be encoded (e.g. a JSON map with a non-string key, or a non-finite number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodeError {
    /// Wire name of the parameter, e.g. `InputConfig`.
    pub param: String,
    /// What went wrong.
    pub message: String,
}

impl EncodeError {
    /// A new error for parameter `param`.
    pub fn new(param: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            param: param.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot encode {}: {}", self.param, self.message)
    }
}

impl std::error::Error for EncodeError {}
