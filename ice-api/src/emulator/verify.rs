//! An independent ACS3-HMAC-SHA256 (V3) signature verifier, written from the protocol
//! description rather than from the client's signer, so that a bug shared by "sign" and "check"
//! cannot hide: the emulator rejects what the real gateway would reject. For the same reason
//! its date parser and formatter ([`parse_acs_date`], [`format_acs_date`]) are its own rather
//! than the runtime's `humantime`-based `sign::clock`, and it hexes with the `hex` crate.
//!
//! Stateless: nonce replay (`SignatureNonceUsed`) is checked by the caller (the emulator keeps a
//! bounded nonce cache) after the signature has verified.
//!
//! ```
//! use ice_api::emulator::verify::{verify_v3, RequestView};
//! use std::time::{Duration, SystemTime};
//!
//! let headers = vec![("host".to_string(), "127.0.0.1".to_string())];
//! let req = RequestView { method: "POST", path: "/", query: "", headers: &headers, body: b"" };
//! let err = verify_v3(&req, |_| None, SystemTime::now(), Duration::from_secs(900)).unwrap_err();
//! assert_eq!(err.code, "IncompleteSignature");
//! ```

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

use crate::runtime::credentials::Secret;

/// The only algorithm name this verifier accepts.
pub const ALGORITHM: &str = "ACS3-HMAC-SHA256";

/// Headers that must be present and signed on every V3 request.
const REQUIRED_SIGNED: [&str; 6] = [
    "host",
    "x-acs-action",
    "x-acs-content-sha256",
    "x-acs-date",
    "x-acs-signature-nonce",
    "x-acs-version",
];

/// A borrowed view of one HTTP request, as received.
#[derive(Debug, Clone, Copy)]
pub struct RequestView<'a> {
    /// Method as sent, e.g. `POST`.
    pub method: &'a str,
    /// Path as sent (`/` for ICE).
    pub path: &'a str,
    /// The raw query string without `?`, still percent-encoded (`+` and `%20` both mean space).
    pub query: &'a str,
    /// Header (name, value) pairs as received; names in any case.
    pub headers: &'a [(String, String)],
    /// Exact body bytes.
    pub body: &'a [u8],
}

/// What the verifier needs to know about an AccessKey: its secret and, for STS keys, the token
/// that must accompany it.
#[derive(Debug, Clone)]
pub struct KeyEntry {
    /// The AccessKey secret (signing key).
    pub secret: Secret,
    /// For temporary (STS) keys: the required `x-acs-security-token`.
    pub security_token: Option<Secret>,
}

impl KeyEntry {
    /// A permanent AccessKey.
    pub fn new(secret: impl Into<String>) -> Self {
        Self {
            secret: Secret::new(secret),
            security_token: None,
        }
    }

    /// A temporary (STS) key whose requests must carry `token`.
    pub fn with_security_token(mut self, token: impl Into<String>) -> Self {
        self.security_token = Some(Secret::new(token));
        self
    }
}

/// The authenticated caller of a request that verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedCaller {
    /// `Credential=` AccessKey ID.
    pub access_key_id: String,
    /// `x-acs-signature-nonce` (for the caller's replay cache).
    pub nonce: String,
    /// `x-acs-date`.
    pub date: SystemTime,
    /// `x-acs-action`.
    pub action: String,
    /// `x-acs-version`.
    pub version: String,
    /// Lower-case signed header names, in order.
    pub signed_headers: Vec<String>,
    /// Whether the caller used STS credentials.
    pub sts: bool,
}

/// A gateway rejection: HTTP status, error `Code` and `Message`, as the real gateway answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayError {
    /// HTTP status (400, 404…).
    pub status: u16,
    /// Gateway error code, e.g. `SignatureDoesNotMatch`.
    pub code: String,
    /// Human-readable message (never contains a secret or a signature).
    pub message: String,
}

impl GatewayError {
    /// Builds an error.
    pub fn new(status: u16, code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            status,
            code: code.into(),
            message: message.into(),
        }
    }

    fn incomplete(message: impl Into<String>) -> Self {
        Self::new(400, "IncompleteSignature", message)
    }
}

impl fmt::Display for GatewayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.status, self.code, self.message)
    }
}

impl std::error::Error for GatewayError {}

/// The parsed `Authorization` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    /// AccessKey ID from `Credential=`.
    pub access_key_id: String,
    /// Signed header names from `SignedHeaders=`.
    pub signed_headers: Vec<String>,
    /// Lower-case hex signature.
    pub signature: String,
}

/// Parses `ACS3-HMAC-SHA256 Credential=<ak>,SignedHeaders=<h1;h2>,Signature=<hex>` strictly:
/// exactly one space after the algorithm, no spaces after commas, the three parts in that order.
pub fn parse_authorization(value: &str) -> Result<Authorization, GatewayError> {
    let rest = value
        .strip_prefix(ALGORITHM)
        .and_then(|r| r.strip_prefix(' '))
        .ok_or_else(|| {
            GatewayError::incomplete(format!(
                "Authorization must start with \"{ALGORITHM} \" followed by Credential=, SignedHeaders=, Signature="
            ))
        })?;
    let mut parts = rest.split(',');
    let mut field = |name: &str| -> Result<String, GatewayError> {
        parts
            .next()
            .and_then(|p| p.strip_prefix(name))
            .and_then(|p| p.strip_prefix('='))
            .map(str::to_owned)
            .ok_or_else(|| {
                GatewayError::incomplete(format!(
                    "Authorization is missing or misplaces \"{name}=\" (expected Credential=…,SignedHeaders=…,Signature=…)"
                ))
            })
    };
    let access_key_id = field("Credential")?;
    let signed = field("SignedHeaders")?;
    let signature = field("Signature")?;
    if parts.next().is_some() {
        return Err(GatewayError::incomplete(
            "Authorization has unexpected trailing parts after Signature=",
        ));
    }
    if access_key_id.is_empty() {
        return Err(GatewayError::incomplete(
            "Authorization Credential= is empty",
        ));
    }
    if signature.len() != 64
        || !signature
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err(GatewayError::incomplete(
            "Authorization Signature= must be 64 lower-case hex digits",
        ));
    }
    let signed_headers: Vec<String> = signed.split(';').map(str::to_owned).collect();
    if signed_headers.iter().any(|h| h.is_empty()) {
        return Err(GatewayError::incomplete(
            "SignedHeaders contains an empty header name",
        ));
    }
    if signed_headers
        .iter()
        .any(|h| h.bytes().any(|b| b.is_ascii_uppercase()))
    {
        return Err(GatewayError::incomplete("SignedHeaders must be lower case"));
    }
    if signed_headers.windows(2).any(|w| w[0] >= w[1]) {
        return Err(GatewayError::incomplete(
            "SignedHeaders must be sorted and contain no duplicates",
        ));
    }
    if signed_headers.iter().any(|h| h == "authorization") {
        return Err(GatewayError::incomplete(
            "the Authorization header itself must not be signed",
        ));
    }
    Ok(Authorization {
        access_key_id,
        signed_headers,
        signature,
    })
}

/// Verifies a V3 request: Authorization syntax, AccessKey, required signed headers, STS token,
/// date skew, body hash and signature. `lookup` maps an AccessKey ID to its [`KeyEntry`].
///
/// Errors (status, code): 400 `IncompleteSignature` (missing/garbled Authorization, required
/// header missing or unsigned), 404 `InvalidAccessKeyId.NotFound`, 400 `InvalidTimeStamp.Format`,
/// 400 `InvalidTimeStamp.Expired`, 400 `InvalidSecurityToken.MismatchWithAccessKey`,
/// 400 `ContentSHA256Mismatch` (header does not match the body), 400 `InvalidParameter`
/// (undecodable or duplicate query keys), 400 `SignatureDoesNotMatch` (message echoes the
/// server's string-to-sign).
pub fn verify_v3(
    req: &RequestView<'_>,
    lookup: impl Fn(&str) -> Option<KeyEntry>,
    now: SystemTime,
    skew: Duration,
) -> Result<VerifiedCaller, GatewayError> {
    let auth_value = single_header(req.headers, "authorization")?
        .ok_or_else(|| GatewayError::incomplete("the Authorization header is missing"))?;
    let auth = parse_authorization(auth_value)?;

    let key = lookup(&auth.access_key_id).ok_or_else(|| {
        GatewayError::new(
            404,
            "InvalidAccessKeyId.NotFound",
            format!("Specified access key is not found: {}", auth.access_key_id),
        )
    })?;

    // Every required header, content-type when present, and every x-acs-* header must be signed.
    for name in REQUIRED_SIGNED {
        if header_values(req.headers, name).next().is_none() {
            return Err(GatewayError::incomplete(format!(
                "the required header \"{name}\" is missing"
            )));
        }
    }
    for (name, _) in req.headers {
        let lower = name.to_ascii_lowercase();
        let must_sign = REQUIRED_SIGNED.contains(&lower.as_str())
            || lower.starts_with("x-acs-")
            || lower == "content-type";
        if must_sign && !auth.signed_headers.contains(&lower) {
            return Err(GatewayError::incomplete(format!(
                "the header \"{lower}\" is present but not listed in SignedHeaders"
            )));
        }
    }
    for name in &auth.signed_headers {
        if header_values(req.headers, name).next().is_none() {
            return Err(GatewayError::incomplete(format!(
                "SignedHeaders lists \"{name}\" but the request has no such header"
            )));
        }
    }

    // STS: the token must be present and belong to this key; x-acs-accesskey-id must agree.
    let token = single_header(req.headers, "x-acs-security-token")?;
    if let Some(expected) = &key.security_token {
        if token != Some(expected.expose()) {
            return Err(GatewayError::new(
                400,
                "InvalidSecurityToken.MismatchWithAccessKey",
                "The security token is missing or does not belong to the AccessKey ID",
            ));
        }
    }
    if let Some(ak) = single_header(req.headers, "x-acs-accesskey-id")? {
        if ak != auth.access_key_id {
            return Err(GatewayError::new(
                400,
                "InvalidAccessKeyId.Mismatch",
                "x-acs-accesskey-id does not match the Credential in Authorization",
            ));
        }
    }

    let date_str = single_header(req.headers, "x-acs-date")?.unwrap_or_default();
    let date = parse_acs_date(date_str).ok_or_else(|| {
        GatewayError::new(
            400,
            "InvalidTimeStamp.Format",
            format!("x-acs-date \"{date_str}\" is not yyyy-MM-ddTHH:mm:ssZ"),
        )
    })?;
    check_skew(now, date, skew, &format!("x-acs-date {date_str}"))?;

    let body_hash = hex::encode(Sha256::digest(req.body));
    let claimed = single_header(req.headers, "x-acs-content-sha256")?.unwrap_or_default();
    if claimed.trim() != body_hash {
        return Err(GatewayError::new(
            400,
            "ContentSHA256Mismatch",
            format!(
                "x-acs-content-sha256 \"{}\" is not the SHA-256 of the {}-byte body (server computed {body_hash})",
                claimed.trim(),
                req.body.len()
            ),
        ));
    }

    let canonical = canonical_request(req, &auth.signed_headers, &body_hash)?;
    let string_to_sign = string_to_sign(&canonical);
    let expected = hmac_hex(key.secret.expose(), &string_to_sign);
    if !constant_time_eq(expected.as_bytes(), auth.signature.as_bytes()) {
        return Err(GatewayError::new(
            400,
            "SignatureDoesNotMatch",
            format!(
                "Specified signature does not match our calculation. server string to sign is:{string_to_sign}"
            ),
        ));
    }

    let get = |n: &str| {
        single_header(req.headers, n)
            .ok()
            .flatten()
            .unwrap_or_default()
            .trim()
            .to_owned()
    };
    Ok(VerifiedCaller {
        access_key_id: auth.access_key_id,
        nonce: get("x-acs-signature-nonce"),
        date,
        action: get("x-acs-action"),
        version: get("x-acs-version"),
        signed_headers: auth.signed_headers,
        sts: token.is_some(),
    })
}

/// Common parameters of the V2 (RPC, HMAC-SHA1) signature; not operation parameters.
pub const V2_COMMON_PARAMS: [&str; 10] = [
    "AccessKeyId",
    "Action",
    "Format",
    "SecurityToken",
    "Signature",
    "SignatureMethod",
    "SignatureNonce",
    "SignatureVersion",
    "Timestamp",
    "Version",
];

/// Verifies a V2 request (HMAC-SHA1, `SignatureVersion=1.0`, signing.md §4): the signed set is
/// every query parameter but `Signature` plus the form-body parameters (the body wins on a
/// clash), sorted and RFC 3986-encoded; the key is the secret plus `&`. Same error codes as
/// [`verify_v3`]; `signed_headers` of the result is empty (V2 signs no header).
pub fn verify_v2(
    req: &RequestView<'_>,
    lookup: impl Fn(&str) -> Option<KeyEntry>,
    now: SystemTime,
    skew: Duration,
) -> Result<VerifiedCaller, GatewayError> {
    let mut query = decode_query(req.query)?;
    query.sort_by(|a, b| a.0.cmp(&b.0));
    if let Some(w) = query.windows(2).find(|w| w[0].0 == w[1].0) {
        return Err(GatewayError::new(
            400,
            "InvalidParameter",
            format!(
                "the query parameter \"{}\" appears more than once",
                String::from_utf8_lossy(&w[0].0)
            ),
        ));
    }
    let mut params: std::collections::BTreeMap<Vec<u8>, Vec<u8>> = query.into_iter().collect();
    let form = single_header(req.headers, "content-type")?
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if form {
        let body = std::str::from_utf8(req.body).map_err(|_| {
            GatewayError::new(400, "InvalidParameter", "the form body is not valid UTF-8")
        })?;
        params.extend(decode_query(body)?);
    }
    let text = |k: &str| {
        params
            .get(k.as_bytes())
            .map(|v| String::from_utf8_lossy(v).into_owned())
    };
    let signature = text("Signature")
        .ok_or_else(|| GatewayError::incomplete("the Signature parameter is missing"))?;
    if text("SignatureMethod").as_deref() != Some("HMAC-SHA1")
        || text("SignatureVersion").as_deref() != Some("1.0")
    {
        return Err(GatewayError::incomplete(
            "V2 requests need SignatureMethod=HMAC-SHA1 and SignatureVersion=1.0",
        ));
    }
    let access_key_id = text("AccessKeyId")
        .filter(|a| !a.is_empty())
        .ok_or_else(|| GatewayError::incomplete("the AccessKeyId parameter is missing"))?;
    let key = lookup(&access_key_id).ok_or_else(|| {
        GatewayError::new(
            404,
            "InvalidAccessKeyId.NotFound",
            format!("Specified access key is not found: {access_key_id}"),
        )
    })?;
    let token = text("SecurityToken");
    if let Some(expected) = &key.security_token {
        if token.as_deref() != Some(expected.expose()) {
            return Err(GatewayError::new(
                400,
                "InvalidSecurityToken.MismatchWithAccessKey",
                "The security token is missing or does not belong to the AccessKey ID",
            ));
        }
    }
    let stamp = text("Timestamp").unwrap_or_default();
    let date = parse_acs_date(&stamp).ok_or_else(|| {
        GatewayError::new(
            400,
            "InvalidTimeStamp.Format",
            format!("Timestamp \"{stamp}\" is not yyyy-MM-ddTHH:mm:ssZ"),
        )
    })?;
    check_skew(now, date, skew, &stamp)?;

    let mut canonical = String::new();
    for (k, v) in params.iter().filter(|(k, _)| k.as_slice() != b"Signature") {
        if !canonical.is_empty() {
            canonical.push('&');
        }
        rfc3986_encode_into(k, &mut canonical);
        canonical.push('=');
        rfc3986_encode_into(v, &mut canonical);
    }
    let mut string_to_sign = format!("{}&%2F&", req.method);
    rfc3986_encode_into(canonical.as_bytes(), &mut string_to_sign);
    let expected = {
        use base64::Engine;
        let key = format!("{}&", key.secret.expose());
        let mut mac = match Hmac::<sha1::Sha1>::new_from_slice(key.as_bytes()) {
            Ok(m) => m,
            Err(_) => return Err(GatewayError::incomplete("unusable AccessKey secret")),
        };
        mac.update(string_to_sign.as_bytes());
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    };
    if !constant_time_eq(expected.as_bytes(), signature.as_bytes()) {
        return Err(GatewayError::new(
            400,
            "SignatureDoesNotMatch",
            format!(
                "Specified signature does not match our calculation. server string to sign is:{string_to_sign}"
            ),
        ));
    }
    Ok(VerifiedCaller {
        access_key_id,
        nonce: text("SignatureNonce").unwrap_or_default(),
        date,
        action: text("Action").unwrap_or_default(),
        version: text("Version").unwrap_or_default(),
        signed_headers: Vec::new(),
        sts: token.is_some(),
    })
}

fn check_skew(
    now: SystemTime,
    date: SystemTime,
    skew: Duration,
    shown: &str,
) -> Result<(), GatewayError> {
    let off = match now.duration_since(date) {
        Ok(d) => d,
        Err(e) => e.duration(),
    };
    if off > skew {
        return Err(GatewayError::new(
            400,
            "InvalidTimeStamp.Expired",
            format!(
                "Specified time stamp or date value is expired: {shown} is {}s away from the server time (allowed {}s)",
                off.as_secs(),
                skew.as_secs()
            ),
        ));
    }
    Ok(())
}

/// Builds the canonical request (signing.md §2.2) from a received request.
pub fn canonical_request(
    req: &RequestView<'_>,
    signed_headers: &[String],
    body_hash: &str,
) -> Result<String, GatewayError> {
    let mut out = String::with_capacity(256 + req.query.len());
    out.push_str(req.method);
    out.push('\n');
    out.push_str(if req.path.is_empty() { "/" } else { req.path });
    out.push('\n');
    out.push_str(&canonical_query(req.query)?);
    out.push('\n');
    for name in signed_headers {
        let values: Vec<&str> = header_values(req.headers, name).map(str::trim).collect();
        out.push_str(name);
        out.push(':');
        out.push_str(&values.join(","));
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&signed_headers.join(";"));
    out.push('\n');
    out.push_str(body_hash);
    Ok(out)
}

/// `ACS3-HMAC-SHA256\n<hex sha256(canonical)>`.
pub fn string_to_sign(canonical_request: &str) -> String {
    format!(
        "{ALGORITHM}\n{}",
        hex::encode(Sha256::digest(canonical_request.as_bytes()))
    )
}

/// Lower-case hex HMAC-SHA256 of `msg` with the raw secret as key.
fn hmac_hex(secret: &str, msg: &str) -> String {
    // HMAC accepts keys of any length, so `new_from_slice` cannot fail.
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(m) => m,
        Err(_) => return String::new(),
    };
    mac.update(msg.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    bool::from(subtle::ConstantTimeEq::ct_eq(a, b))
}

/// Decodes a raw query string with form rules (`+` = space), rejects duplicate keys, sorts by
/// key bytes and re-encodes keys and values per RFC 3986 (`%20`, `%2A`, `~` literal).
pub fn canonical_query(raw: &str) -> Result<String, GatewayError> {
    let mut pairs = decode_query(raw)?;
    pairs.sort_by(|a, b| a.0.cmp(&b.0));
    if let Some(w) = pairs.windows(2).find(|w| w[0].0 == w[1].0) {
        return Err(GatewayError::new(
            400,
            "InvalidParameter",
            format!(
                "the query parameter \"{}\" appears more than once",
                String::from_utf8_lossy(&w[0].0)
            ),
        ));
    }
    let mut out = String::with_capacity(raw.len() + 16);
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        rfc3986_encode_into(k, &mut out);
        out.push('=');
        rfc3986_encode_into(v, &mut out);
    }
    Ok(out)
}

/// Decoded (key, value) byte pairs, in the order received.
pub type BytePairs = Vec<(Vec<u8>, Vec<u8>)>;

/// Splits and percent-decodes `a=1&b=x+y` (form rules) into byte pairs; a key without `=` has
/// an empty value; empty segments are skipped.
pub fn decode_query(raw: &str) -> Result<BytePairs, GatewayError> {
    let mut pairs = Vec::new();
    for seg in raw.split('&').filter(|s| !s.is_empty()) {
        let (k, v) = seg.split_once('=').unwrap_or((seg, ""));
        let bad = || {
            GatewayError::new(
                400,
                "InvalidParameter",
                format!("the query segment \"{seg}\" has an invalid percent-encoding"),
            )
        };
        pairs.push((
            form_decode(k).ok_or_else(bad)?,
            form_decode(v).ok_or_else(bad)?,
        ));
    }
    Ok(pairs)
}

/// Form-urlencoded decoding of one component: `+` → space, `%XX` → byte.
pub fn form_decode(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hi = hex_val(*b.get(i + 1)?)?;
                let lo = hex_val(*b.get(i + 2)?)?;
                out.push((hi << 4) | lo);
                i += 2;
            }
            c => out.push(c),
        }
        i += 1;
    }
    Some(out)
}

fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

fn rfc3986_encode_into(bytes: &[u8], out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in bytes {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 15) as usize] as char);
        }
    }
}

fn header_values<'a>(
    headers: &'a [(String, String)],
    lower_name: &'a str,
) -> impl Iterator<Item = &'a str> + 'a {
    headers
        .iter()
        .filter(move |(n, _)| n.eq_ignore_ascii_case(lower_name))
        .map(|(_, v)| v.as_str())
}

/// The value of a header that must not be repeated.
fn single_header<'a>(
    headers: &'a [(String, String)],
    lower_name: &'a str,
) -> Result<Option<&'a str>, GatewayError> {
    let mut it = header_values(headers, lower_name);
    let first = it.next();
    if it.next().is_some() {
        return Err(GatewayError::incomplete(format!(
            "the header \"{lower_name}\" appears more than once"
        )));
    }
    Ok(first)
}

/// Parses `yyyy-MM-ddTHH:mm:ssZ` (no fractional seconds).
pub fn parse_acs_date(s: &str) -> Option<SystemTime> {
    let b = s.as_bytes();
    if b.len() != 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
        || b[19] != b'Z'
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = s.get(r)?;
        if !part.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        part.parse().ok()
    };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let days = days_from_civil(y, mo, d);
    let secs = days * 86_400 + h * 3600 + mi * 60 + sec;
    u64::try_from(secs)
        .ok()
        .map(|s| UNIX_EPOCH + Duration::from_secs(s))
}

/// Formats a time as `yyyy-MM-ddTHH:mm:ssZ`.
pub fn format_acs_date(t: SystemTime) -> String {
    let secs = t
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0) as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

// Howard Hinnant's civil-date algorithms.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    const EMPTY_SHA: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    const DOC_AUTH: &str = "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0";

    fn doc_headers(auth: &str) -> Vec<(String, String)> {
        [
            ("host", "ecs.cn-shanghai.aliyuncs.com"),
            ("x-acs-action", "RunInstances"),
            ("x-acs-version", "2014-05-26"),
            ("x-acs-date", "2023-10-26T10:22:32Z"),
            ("x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d"),
            ("x-acs-content-sha256", EMPTY_SHA),
            ("Authorization", auth),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
    }

    const DOC_QUERY: &str =
        "ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai";

    fn doc_now() -> SystemTime {
        parse_acs_date("2023-10-26T10:22:40Z").unwrap()
    }

    fn lookup(ak: &str) -> Option<KeyEntry> {
        (ak == "YourAccessKeyId").then(|| KeyEntry::new("YourAccessKeySecret"))
    }

    fn view<'a>(h: &'a [(String, String)], q: &'a str) -> RequestView<'a> {
        RequestView {
            method: "POST",
            path: "/",
            query: q,
            headers: h,
            body: b"",
        }
    }

    #[test]
    fn doc_vector_canonical_request_and_signature() {
        let h = doc_headers(DOC_AUTH);
        let auth = parse_authorization(DOC_AUTH).unwrap();
        let canon =
            canonical_request(&view(&h, DOC_QUERY), &auth.signed_headers, EMPTY_SHA).unwrap();
        let expected = "POST\n/\nImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai\nhost:ecs.cn-shanghai.aliyuncs.com\nx-acs-action:RunInstances\nx-acs-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\nx-acs-date:2023-10-26T10:22:32Z\nx-acs-signature-nonce:3156853299f313e23d1673dc12e1703d\nx-acs-version:2014-05-26\n\nhost;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        assert_eq!(canon, expected);
        assert_eq!(
            string_to_sign(&canon),
            "ACS3-HMAC-SHA256\n7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259"
        );
        let caller = verify_v3(
            &view(&h, DOC_QUERY),
            lookup,
            doc_now(),
            Duration::from_secs(900),
        )
        .unwrap();
        assert_eq!(caller.access_key_id, "YourAccessKeyId");
        assert_eq!(caller.nonce, "3156853299f313e23d1673dc12e1703d");
        assert_eq!(caller.action, "RunInstances");
    }

    #[test]
    fn doc_vector_with_reordered_wire_query_and_plus_spaces_still_verifies() {
        let h = doc_headers(DOC_AUTH);
        let q =
            "RegionId=cn-shanghai&ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811%2Evhd";
        verify_v3(&view(&h, q), lookup, doc_now(), Duration::from_secs(900)).unwrap();
    }

    #[test]
    fn wrong_secret_is_signature_mismatch_echoing_string_to_sign() {
        let h = doc_headers(DOC_AUTH);
        let err = verify_v3(
            &view(&h, DOC_QUERY),
            |_| Some(KeyEntry::new("wrong")),
            doc_now(),
            Duration::from_secs(900),
        )
        .unwrap_err();
        assert_eq!(
            (err.status, err.code.as_str()),
            (400, "SignatureDoesNotMatch")
        );
        assert!(err.message.contains(
            "ACS3-HMAC-SHA256\n7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259"
        ));
        assert!(!err.message.contains("wrong"));
    }

    #[test]
    fn tampered_query_value_is_signature_mismatch() {
        let h = doc_headers(DOC_AUTH);
        let q = DOC_QUERY.replace("cn-shanghai", "cn-beijing");
        let err =
            verify_v3(&view(&h, &q), lookup, doc_now(), Duration::from_secs(900)).unwrap_err();
        assert_eq!(err.code, "SignatureDoesNotMatch");
    }

    #[test]
    fn unknown_key_missing_auth_and_expired_date() {
        let h = doc_headers(&DOC_AUTH.replace("YourAccessKeyId", "Other"));
        let err = verify_v3(
            &view(&h, DOC_QUERY),
            lookup,
            doc_now(),
            Duration::from_secs(900),
        )
        .unwrap_err();
        assert_eq!(
            (err.status, err.code.as_str()),
            (404, "InvalidAccessKeyId.NotFound")
        );

        let mut h = doc_headers(DOC_AUTH);
        h.retain(|(n, _)| n != "Authorization");
        let err = verify_v3(
            &view(&h, DOC_QUERY),
            lookup,
            doc_now(),
            Duration::from_secs(900),
        )
        .unwrap_err();
        assert_eq!(err.code, "IncompleteSignature");

        let h = doc_headers(DOC_AUTH);
        let later = doc_now() + Duration::from_secs(3600);
        let err = verify_v3(
            &view(&h, DOC_QUERY),
            lookup,
            later,
            Duration::from_secs(900),
        )
        .unwrap_err();
        assert_eq!(
            (err.status, err.code.as_str()),
            (400, "InvalidTimeStamp.Expired")
        );
    }

    #[test]
    fn unsigned_acs_header_and_garbled_authorization_are_incomplete() {
        let mut h = doc_headers(DOC_AUTH);
        h.push(("x-acs-extra".into(), "1".into()));
        let err = verify_v3(
            &view(&h, DOC_QUERY),
            lookup,
            doc_now(),
            Duration::from_secs(900),
        )
        .unwrap_err();
        assert_eq!(err.code, "IncompleteSignature");
        assert!(err.message.contains("x-acs-extra"));

        for bad in [
            "ACS3-HMAC-SHA256  Credential=a,SignedHeaders=host,Signature=00",
            "HMAC Credential=a",
            "ACS3-HMAC-SHA256 Credential=a,Signature=0,SignedHeaders=host",
            &DOC_AUTH.replace(",SignedHeaders", ", SignedHeaders"),
            &DOC_AUTH.replace("host;x-acs-action", "x-acs-action;host"),
        ] {
            assert_eq!(
                parse_authorization(bad).unwrap_err().code,
                "IncompleteSignature",
                "{bad}"
            );
        }
    }

    #[test]
    fn body_hash_mismatch_is_reported() {
        let h = doc_headers(DOC_AUTH);
        let mut v = view(&h, DOC_QUERY);
        v.body = b"A=1";
        let err = verify_v3(&v, lookup, doc_now(), Duration::from_secs(900)).unwrap_err();
        assert_eq!(err.code, "ContentSHA256Mismatch");
    }

    #[test]
    fn canonical_query_rules() {
        assert_eq!(
            canonical_query("b=a+b%2Bc++d&A=%E4%B8%AD%2a&e&c=~%7E").unwrap(),
            "A=%E4%B8%AD%2A&b=a%20b%2Bc%20%20d&c=~~&e="
        );
        assert_eq!(
            canonical_query("R.10=x&R.2=y&R.1=z").unwrap(),
            "R.1=z&R.10=x&R.2=y"
        );
        assert_eq!(
            canonical_query("a=1&a=2").unwrap_err().code,
            "InvalidParameter"
        );
        assert_eq!(
            canonical_query("a=%G1").unwrap_err().code,
            "InvalidParameter"
        );
    }

    #[test]
    fn date_round_trip() {
        for s in [
            "1970-01-01T00:00:00Z",
            "2023-10-26T10:22:32Z",
            "2024-02-29T23:59:59Z",
        ] {
            assert_eq!(format_acs_date(parse_acs_date(s).unwrap()), s);
        }
        assert_eq!(
            parse_acs_date("2023-10-26T10:22:32Z")
                .unwrap()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_secs(),
            1_698_315_752
        );
        for bad in [
            "2023-10-26T10:22:32.000Z",
            "2023-13-01T00:00:00Z",
            "2023-10-26 10:22:32Z",
        ] {
            assert!(parse_acs_date(bad).is_none(), "{bad}");
        }
    }
}
