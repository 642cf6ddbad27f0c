//! Serde helpers the generated response types name in `#[serde(deserialize_with)]`.

use serde::de::{Deserialize, Deserializer, Error as _};

/// A required string field: missing, `null` or blank is an error naming the field (serde adds the
/// field name and position), so a success body without a job id never yields job `""`.
// Used by the generated code of whichever groups are enabled (none: unused).
#[allow(dead_code)]
pub(crate) fn required_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let s = Option::<String>::deserialize(d)?.unwrap_or_default();
    if s.trim().is_empty() {
        return Err(D::Error::custom("is empty, expected a non-empty string"));
    }
    Ok(s)
}
