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

/// `text` with every occurrence of each secret, and anything shaped like a JWT
/// (`eyJ….….…`), replaced by `***`: for messages that quote what a server answered, since a
/// server may echo a token it was sent.
pub(crate) fn scrub(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_string();
    for s in secrets.iter().filter(|s| !s.is_empty()) {
        out = out.replace(s, "***");
    }
    let is_jwt_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '=');
    let mut scrubbed = String::with_capacity(out.len());
    let mut rest = out.as_str();
    while let Some(start) = rest.find("eyJ") {
        let (before, from) = rest.split_at(start);
        let len = from.find(|c: char| !is_jwt_char(c)).unwrap_or(from.len());
        let (word, after) = from.split_at(len);
        scrubbed.push_str(before);
        scrubbed.push_str(if word.matches('.').count() >= 2 {
            "***"
        } else {
            word
        });
        rest = after;
    }
    scrubbed.push_str(rest);
    scrubbed
}

#[cfg(test)]
mod tests {
    use super::scrub;

    #[test]
    fn scrubs_secrets_and_jwts() {
        let jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzYSJ9.c2lnbmF0dXJl";
        let msg = format!("invalid token {jwt}, key s3cr3t; eyJnotajwt stays");
        let out = scrub(&msg, &["s3cr3t", ""]);
        assert_eq!(out, "invalid token ***, key ***; eyJnotajwt stays");
    }
}
