//! Masking of identifiers that are not secret but should not be shown whole.

/// Masks an AccessKey ID for display: the first and last four characters stay (`LTAI****abcd`);
/// IDs of 12 characters or fewer become `****`.
///
/// ```
/// use ice_api::runtime::credentials::mask_access_key_id;
/// assert_eq!(mask_access_key_id("LTAI5tExampleKeyabcd"), "LTAI****abcd");
/// assert_eq!(mask_access_key_id("short"), "****");
/// ```
pub fn mask_access_key_id(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= 12 {
        return "****".to_string();
    }
    let head: String = chars.iter().take(4).collect();
    let tail: String = chars.iter().skip(chars.len() - 4).collect();
    format!("{head}****{tail}")
}
