//! JSON documents carried inside string fields of responses (`Extend`, `ExtendOutput`, echoed
//! configs). They are kept raw and parsed on demand, so one odd echo never fails a response.

use std::fmt;

use serde::de::DeserializeOwned;

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

/// Parses the JSON text of `field`: `Ok(None)` when absent or blank.
pub(crate) fn parse_json_field<T: DeserializeOwned>(
    field: &str,
    raw: Option<&str>,
) -> Result<Option<T>, JsonFieldError> {
    let Some(raw) = raw.filter(|r| !r.trim().is_empty()) else {
        return Ok(None);
    };
    let mut de = serde_json::Deserializer::from_str(raw);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        JsonFieldError {
            field: field.to_owned(),
            path: if path == "." { String::new() } else { path },
            message: e.into_inner().to_string(),
        }
    })?;
    de.end().map_err(|e| JsonFieldError {
        field: field.to_owned(),
        path: String::new(),
        message: e.to_string(),
    })?;
    Ok(Some(value))
}
