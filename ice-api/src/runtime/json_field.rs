//! JSON documents carried inside string fields of responses (`Extend`, `ExtendOutput`, echoed
//! configs). They are kept raw and parsed on demand by generated `parse_*` accessors, so one odd
//! echo never fails a whole response. A document that does not fit its model is an [`Error`]
//! whose [`JsonFieldError`] names the JSON path inside the field.

use std::fmt;

use serde::de::DeserializeOwned;

use super::error::{Error, ErrorKind};

/// A JSON-string field of a response could not be parsed into its typed model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonFieldError {
    /// Wire name of the field, e.g. `ExtendOutput`.
    pub field: String,
    /// Path inside the field's JSON where parsing stopped, e.g. `textMatchMediaOutputList[0]`
    /// (empty for the document itself).
    pub path: String,
    /// What was found and what was expected.
    pub message: String,
}

impl fmt::Display for JsonFieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "cannot parse {}: {}", self.field, self.message)
        } else {
            write!(
                f,
                "cannot parse {}.{}: {}",
                self.field, self.path, self.message
            )
        }
    }
}

impl std::error::Error for JsonFieldError {}

impl From<JsonFieldError> for Error {
    fn from(e: JsonFieldError) -> Self {
        Error::new("", ErrorKind::JsonField(e)).with_attempts(0)
    }
}

/// Parses the JSON text of `field`: `Ok(None)` when absent or blank. Fast path first; the
/// path-tracking decoder runs only to explain a failure.
// Used by the generated code of whichever groups are enabled (none: unused).
#[allow(dead_code)]
pub(crate) fn parse_json_field<T: DeserializeOwned>(
    field: &str,
    raw: Option<&str>,
) -> Result<Option<T>, Error> {
    let Some(raw) = raw.filter(|r| !r.trim().is_empty()) else {
        return Ok(None);
    };
    if let Ok(v) = serde_json::from_str(raw) {
        return Ok(Some(v));
    }
    let mut de = serde_json::Deserializer::from_str(raw);
    let err = match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Err(e) => {
            let path = e.path().to_string();
            JsonFieldError {
                field: field.to_owned(),
                path: if path == "." { String::new() } else { path },
                message: e.into_inner().to_string(),
            }
        }
        // The document parsed but trailing characters follow it.
        Ok(_) => JsonFieldError {
            field: field.to_owned(),
            path: String::new(),
            message: de.end().err().map_or_else(
                || "not a single JSON document".to_owned(),
                |e| e.to_string(),
            ),
        },
    };
    Err(err.into())
}

/// JSON Schema of a string field that carries the JSON document `T` (feature `schemars`; the
/// generated `#[schemars(schema_with)]` of such fields): a string whose `contentSchema` is `T`'s,
/// as `cargo xtask schema` exports it.
#[cfg(feature = "schemars")]
#[allow(dead_code)] // Used by the generated code of whichever groups are enabled.
pub(crate) fn json_string_schema<T: schemars::JsonSchema>(
    generator: &mut schemars::SchemaGenerator,
) -> schemars::Schema {
    let mut schema = schemars::Schema::default();
    schema.insert("type".into(), "string".into());
    schema.insert("contentMediaType".into(), "application/json".into());
    schema.insert(
        "contentSchema".into(),
        generator.subschema_for::<T>().to_value(),
    );
    schema
}
