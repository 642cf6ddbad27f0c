//! `ACS3-HMAC-SHA256`, the V3 signature the official SDKs use by default
//! (signing.md §2). A pure function of its inputs: the caller supplies date and nonce.

use std::fmt;
use std::ops::Range;

use hmac::Mac;
use sha2::{Digest, Sha256};
use smallvec::SmallVec;

use super::{hex, percent, SignError};
use crate::runtime::credentials::Credentials;

/// The algorithm name, first token of `Authorization` and first line of the string to sign.
pub const ALGORITHM: &str = "ACS3-HMAC-SHA256";

/// `x-acs-date`: signing time, `yyyy-MM-ddTHH:mm:ssZ`.
pub const X_ACS_DATE: &str = "x-acs-date";
/// `x-acs-signature-nonce`: unique per attempt.
pub const X_ACS_SIGNATURE_NONCE: &str = "x-acs-signature-nonce";
/// `x-acs-content-sha256`: lower-case hex SHA-256 of the body bytes.
pub const X_ACS_CONTENT_SHA256: &str = "x-acs-content-sha256";
/// `x-acs-accesskey-id`: sent (and signed) with STS credentials.
pub const X_ACS_ACCESSKEY_ID: &str = "x-acs-accesskey-id";
/// `x-acs-security-token`: the STS token, sent (and signed) with STS credentials.
pub const X_ACS_SECURITY_TOKEN: &str = "x-acs-security-token";
/// `Authorization`: never part of the signed headers.
pub const AUTHORIZATION: &str = "Authorization";

/// Header names the signer adds itself; a caller-supplied header with one of these names is
/// rejected with [`SignError::ReservedHeader`].
pub const SIGNER_HEADERS: [&str; 6] = [
    X_ACS_DATE,
    X_ACS_SIGNATURE_NONCE,
    X_ACS_CONTENT_SHA256,
    X_ACS_ACCESSKEY_ID,
    X_ACS_SECURITY_TOKEN,
    "authorization",
];

/// SHA-256 of the empty body, the `x-acs-content-sha256` of every bodiless request.
pub const EMPTY_BODY_SHA256: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// Everything an ACS3 signature covers.
///
/// `headers` are the request headers to sign besides the ones the signer adds: at least
/// `host`, `x-acs-action`, `x-acs-version` and, when there is a body, `content-type`; any other
/// header sent (`accept`, `user-agent`, `x-acs-retry-attempts`, …) may be listed too and is then
/// signed. Names are matched case-insensitively and must be unique; values are signed trimmed
/// (leading/trailing whitespace removed, inner runs kept), so send them trimmed.
#[derive(Clone, Copy)]
pub struct V3Input<'a> {
    /// HTTP method, upper case as sent (`POST`, `GET`).
    pub method: &'a str,
    /// Request path; `/` for every ICE operation. Each segment is percent-encoded.
    pub path: &'a str,
    /// Query parameters, decoded (as in [`WireParams::query`](crate::WireParams::query)).
    pub query: &'a [(String, String)],
    /// Headers to sign (see above).
    pub headers: &'a [(&'a str, &'a str)],
    /// The exact body bytes sent (empty for none).
    pub body: &'a [u8],
    /// `x-acs-date`, `yyyy-MM-ddTHH:mm:ssZ` ([`clock::format_acs_date`](super::clock::format_acs_date)).
    pub date: &'a str,
    /// `x-acs-signature-nonce` ([`clock::new_nonce`](super::clock::new_nonce)).
    pub nonce: &'a str,
    /// Signing credentials; with an STS token, `x-acs-accesskey-id` and `x-acs-security-token`
    /// are added and signed.
    pub credentials: &'a Credentials,
}

/// The outcome of [`sign_v3`]: the headers to add to the request, plus the intermediate
/// strings for tests and for diagnosing `SignatureDoesNotMatch`.
///
/// `Debug` shows header names only: the `Authorization` value (signature) and the security
/// token never appear.
#[derive(Clone)]
pub struct SignedV3 {
    canonical_request: String,
    query: Range<usize>,
    /// Where the signer's own header values lie in `canonical_request`, by [`Own`].
    own: [Option<Range<usize>>; 5],
    authorization: String,
    string_to_sign: [u8; STRING_TO_SIGN_LEN],
}

impl SignedV3 {
    /// Headers to add to the request, in this order: `x-acs-date`, `x-acs-signature-nonce`,
    /// `x-acs-content-sha256`, [`x-acs-accesskey-id`, `x-acs-security-token`], `Authorization`;
    /// each value as signed (trimmed). Listed on demand: the values live in the canonical
    /// request.
    pub fn headers(&self) -> Vec<(&'static str, &str)> {
        own_headers(&self.own, &self.canonical_request)
            .chain([(AUTHORIZATION, self.authorization.as_str())])
            .collect()
    }

    /// The headers to add, owned (see [`headers`](Self::headers)).
    pub fn into_headers(self) -> Vec<(&'static str, String)> {
        self.headers()
            .into_iter()
            .map(|(n, v)| (n, v.to_owned()))
            .collect()
    }

    /// The value of one added header, by name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers()
            .into_iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    /// The `Authorization` header value. Contains the signature: do not log it.
    pub fn authorization(&self) -> &str {
        &self.authorization
    }

    /// The canonical request that was hashed. With STS credentials it contains the security
    /// token; use [`redacted_canonical_request`](Self::redacted_canonical_request) for logs.
    pub fn canonical_request(&self) -> &str {
        &self.canonical_request
    }

    /// The canonical request with the security token replaced by `***`, safe to log.
    pub fn redacted_canonical_request(&self) -> String {
        let token = self
            .own
            .get(Own::SecurityToken as usize)
            .and_then(Clone::clone);
        match token {
            Some(r) => {
                let cr = &self.canonical_request;
                format!(
                    "{}***{}",
                    cr.get(..r.start).unwrap_or_default(),
                    cr.get(r.end..).unwrap_or_default()
                )
            }
            None => self.canonical_request.clone(),
        }
    }

    /// The canonical query string (already a valid URL query: send it as `?{this}` so the
    /// server sees exactly what was signed).
    pub fn canonical_query(&self) -> &str {
        self.canonical_request
            .get(self.query.clone())
            .unwrap_or_default()
    }

    /// `ACS3-HMAC-SHA256\n<hex sha256 of the canonical request>`. Holds no secret.
    pub fn string_to_sign(&self) -> &str {
        std::str::from_utf8(&self.string_to_sign).unwrap_or_default()
    }
}

impl fmt::Debug for SignedV3 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers().iter().map(|(n, _)| *n).collect();
        f.debug_struct("SignedV3")
            .field("headers", &names)
            .field("string_to_sign", &self.string_to_sign())
            .finish_non_exhaustive()
    }
}

/// RFC 7230 `tchar`: what a header name may contain, by byte.
static TCHAR: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = (b as u8).is_ascii_alphanumeric()
            || matches!(
                b as u8,
                b'!' | b'#'
                    | b'$'
                    | b'%'
                    | b'&'
                    | b'\''
                    | b'*'
                    | b'+'
                    | b'-'
                    | b'.'
                    | b'^'
                    | b'_'
                    | b'`'
                    | b'|'
                    | b'~'
            );
        b += 1;
    }
    t
};

/// Branch-free over the bytes (names are short and nearly always valid).
fn is_token(name: &str) -> bool {
    !name.is_empty() && name.bytes().fold(true, |ok, b| ok & TCHAR[usize::from(b)])
}

/// A header value must not contain control characters other than tab (CR/LF would forge lines
/// of the canonical request, and HTTP rejects them anyway). Branch-free, so it vectorises.
fn is_header_value(v: &str) -> bool {
    !v.bytes().fold(false, |bad, b| {
        bad | ((b < 0x20 && b != b'\t') | (b == 0x7f))
    })
}

/// One header to sign; `upper` records whether the name needs lower-casing, so the common
/// all-lower-case case sorts and copies with plain byte operations.
#[derive(Clone, Copy)]
struct Entry<'a> {
    name: &'a str,
    value: &'a str,
    upper: bool,
    /// For the signer's own headers, where [`SignedV3`] finds the value: `Some(slot)`.
    own: Option<Own>,
}

/// The headers the signer adds, in the order [`SignedV3::headers`] lists them.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Own {
    Date,
    Nonce,
    ContentSha256,
    AccessKeyId,
    SecurityToken,
}

impl Own {
    const ALL: [Own; 5] = [
        Own::Date,
        Own::Nonce,
        Own::ContentSha256,
        Own::AccessKeyId,
        Own::SecurityToken,
    ];

    fn name(self) -> &'static str {
        match self {
            Own::Date => X_ACS_DATE,
            Own::Nonce => X_ACS_SIGNATURE_NONCE,
            Own::ContentSha256 => X_ACS_CONTENT_SHA256,
            Own::AccessKeyId => X_ACS_ACCESSKEY_ID,
            Own::SecurityToken => X_ACS_SECURITY_TOKEN,
        }
    }
}

impl<'a> Entry<'a> {
    fn new(name: &'a str, value: &'a str) -> Self {
        let upper = name.bytes().fold(false, |u, b| u | b.is_ascii_uppercase());
        Self {
            name,
            value,
            upper,
            own: None,
        }
    }

    /// One of the signer's own (lower-case) headers.
    fn own(own: Own, value: &'a str) -> Self {
        Self {
            name: own.name(),
            value,
            upper: false,
            own: Some(own),
        }
    }

    fn cmp_name(&self, other: &Self) -> std::cmp::Ordering {
        if self.upper || other.upper {
            self.name
                .bytes()
                .map(|c| c.to_ascii_lowercase())
                .cmp(other.name.bytes().map(|c| c.to_ascii_lowercase()))
        } else {
            cmp_short(self.name.as_bytes(), other.name.as_bytes())
        }
    }

    fn push_name(&self, out: &mut String) {
        if self.upper {
            out.extend(self.name.chars().map(|c| c.to_ascii_lowercase()));
        } else {
            out.push_str(self.name);
        }
    }
}

/// `a.cmp(b)` for short byte strings such as header names, cheaper than the call to `memcmp`
/// that slice comparison makes: eight bytes at a time (as big-endian integers, which order as
/// the bytes do), so that the shared `x-acs-` prefix costs one comparison.
fn cmp_short(mut a: &[u8], mut b: &[u8]) -> std::cmp::Ordering {
    while let (Some((x, rest_a)), Some((y, rest_b))) =
        (a.split_first_chunk::<8>(), b.split_first_chunk::<8>())
    {
        if x != y {
            return u64::from_be_bytes(*x).cmp(&u64::from_be_bytes(*y));
        }
        (a, b) = (rest_a, rest_b);
    }
    for (x, y) in a.iter().zip(b) {
        if x != y {
            return x.cmp(y);
        }
    }
    a.len().cmp(&b.len())
}

/// Header lists up to this long stay on the stack.
const STACK_HEADERS: usize = 16;

/// The headers to sign: on the stack for any ordinary request.
type Entries<'a> = SmallVec<[Entry<'a>; STACK_HEADERS]>;

/// Checks the caller's headers and returns them with the signer's own, sorted by lower-case
/// name. Duplicates are rejected, not merged: the SDK's merge (`a,b`) produces requests that
/// HTTP clients send with one line dropped, which the server then cannot verify.
fn collect_headers<'a>(
    input: &V3Input<'a>,
    payload_hash: &'a str,
    names: Names,
) -> Result<Entries<'a>, SignError> {
    let mut all = Entries::new();
    for &(name, value) in input.headers {
        if names == Names::Trusted {
            all.push(Entry {
                name,
                value,
                upper: false,
                own: None,
            });
            continue;
        }
        if !is_token(name) {
            return Err(SignError::InvalidHeaderName {
                name: name.to_owned(),
            });
        }
        if SIGNER_HEADERS.iter().any(|r| r.eq_ignore_ascii_case(name)) {
            return Err(SignError::ReservedHeader {
                name: name.to_ascii_lowercase(),
            });
        }
        all.push(Entry::new(name, value));
    }
    all.push(Entry::own(Own::Date, input.date));
    all.push(Entry::own(Own::Nonce, input.nonce));
    if let Some(token) = sts_token(input.credentials) {
        all.push(Entry::own(
            Own::AccessKeyId,
            &input.credentials.access_key_id,
        ));
        all.push(Entry::own(Own::SecurityToken, token));
    }
    // Trusted names come with values the client already made into header values (HTTP's
    // rule is this one); the signer's own values from the credentials are checked either way.
    let unchecked = |e: &&Entry<'_>| names == Names::Check || e.own.is_some();
    if let Some(bad) = all
        .iter()
        .filter(unchecked)
        .find(|e| !is_header_value(e.value))
    {
        return Err(SignError::InvalidHeaderValue {
            name: bad.name.to_ascii_lowercase(),
        });
    }
    // Our own hex digest needs no check.
    all.push(Entry::own(Own::ContentSha256, payload_hash));
    super::sort_small_by(&mut all, Entry::cmp_name);
    if let Some(w) = all
        .windows(2)
        .find(|w| w[0].name.eq_ignore_ascii_case(w[1].name))
    {
        return Err(SignError::DuplicateHeader {
            name: w[0].name.to_ascii_lowercase(),
        });
    }
    Ok(all)
}

/// `value` without leading and trailing whitespace (Unicode's, as the SDK's `strip()`); values
/// that start and end with a visible ASCII character, i.e. nearly all, are returned without the
/// scan.
fn trimmed(value: &str) -> &str {
    let b = value.as_bytes();
    match (b.first(), b.last()) {
        (Some(f), Some(l)) if f.is_ascii_graphic() && l.is_ascii_graphic() => value,
        _ => value.trim(),
    }
}

/// The STS token, when there is a non-empty one (an empty token means plain AK credentials,
/// as in the SDK).
fn sts_token(c: &Credentials) -> Option<&str> {
    c.security_token
        .as_ref()
        .map(|t| t.expose())
        .filter(|t| !t.is_empty())
}

/// Appends the RFC 3986-encoded path, keeping `/` (`/` when empty).
fn push_path(out: &mut String, path: &str) {
    if path.is_empty() || path == "/" {
        out.push('/');
        return;
    }
    for (i, seg) in path.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        percent::encode_into(out, seg);
    }
}

/// Appends the canonical query, rejecting a repeated key (the gateway parses the query into a
/// map, so a repeated key cannot be verified).
fn push_query(out: &mut String, query: &[(String, String)]) -> Result<(), SignError> {
    super::with_sorted(
        query,
        |a, b| a.0.cmp(&b.0),
        |sorted| {
            let mut prev: Option<&str> = None;
            for (k, v) in sorted.iter().map(|p| (p.0.as_str(), p.1.as_str())) {
                if let Some(p) = prev {
                    if p == k {
                        return Err(SignError::DuplicateQueryKey { key: k.to_owned() });
                    }
                    out.push('&');
                }
                percent::encode_into(out, k);
                out.push('=');
                percent::encode_into(out, v);
                prev = Some(k);
            }
            Ok(())
        },
    )
}

/// Lower-case hex of a SHA-256 digest, on the stack.
fn hex64(digest: &[u8]) -> [u8; 64] {
    let mut out = [0u8; 64];
    hex::write_lower(&mut out, digest);
    out
}

/// Signs a request with `ACS3-HMAC-SHA256`.
///
/// The canonical request is `METHOD\nPATH\nQUERY\nHEADERS\nSIGNED_HEADERS\nPAYLOAD_HASH`
/// (signing.md §2.2): query keys and values RFC 3986-encoded and sorted by raw key; headers
/// lower-cased, trimmed, sorted, one `name:value\n` each; payload hash = `x-acs-content-sha256`.
/// The signature is `hex(HMAC-SHA256(secret, "ACS3-HMAC-SHA256\n" + hex(SHA-256(canonical))))`.
///
/// Errors (no value is ever quoted in them): an invalid header name or value, a caller header
/// the signer owns ([`SIGNER_HEADERS`]), a header name given twice (ignoring case), a repeated
/// query key.
///
/// ```
/// use ice_api::runtime::credentials::Credentials;
/// use ice_api::runtime::sign::v3::{sign_v3, V3Input};
/// let creds = Credentials::new("YourAccessKeyId", "YourAccessKeySecret");
/// let query = vec![
///     ("ImageId".to_string(), "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd".to_string()),
///     ("RegionId".to_string(), "cn-shanghai".to_string()),
/// ];
/// let signed = sign_v3(&V3Input {
///     method: "POST",
///     path: "/",
///     query: &query,
///     headers: &[
///         ("host", "ecs.cn-shanghai.aliyuncs.com"),
///         ("x-acs-action", "RunInstances"),
///         ("x-acs-version", "2014-05-26"),
///     ],
///     body: b"",
///     date: "2023-10-26T10:22:32Z",
///     nonce: "3156853299f313e23d1673dc12e1703d",
///     credentials: &creds,
/// })
/// .unwrap();
/// assert!(signed.authorization().ends_with(
///     "Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"
/// ));
/// ```
pub fn sign_v3(input: &V3Input<'_>) -> Result<SignedV3, SignError> {
    sign(input, Query::Pairs(input.query))
}

/// The query of a request to sign.
#[derive(Clone, Copy)]
pub(crate) enum Query<'a> {
    /// Decoded pairs, encoded and sorted here.
    Pairs(&'a [(String, String)]),
    /// The canonical query, already encoded and sorted (the client's one-pass encoding).
    Canonical(&'a str),
}

/// [`sign_v3`] with the query given either way; `input.query` is not read.
pub(crate) fn sign(input: &V3Input<'_>, query: Query<'_>) -> Result<SignedV3, SignError> {
    let mut cr = String::new();
    let core = sign_core(input, query, Names::Check, &mut cr)?;
    let mut sts = [b'\n'; STRING_TO_SIGN_LEN];
    let (algorithm, rest) = sts.split_at_mut(ALGORITHM.len());
    algorithm.copy_from_slice(ALGORITHM.as_bytes());
    if let Some(hash) = rest.get_mut(1..) {
        hash.copy_from_slice(&core.canonical_hash);
    }
    let authorization = core.authorization(input, &cr);
    Ok(SignedV3 {
        canonical_request: cr,
        query: core.query,
        own: core.own,
        authorization,
        string_to_sign: sts,
    })
}

/// `ACS3-HMAC-SHA256\n` and 64 hex digits.
const STRING_TO_SIGN_LEN: usize = ALGORITHM.len() + 1 + 64;

/// What a signature is made of, besides the canonical request itself.
pub(crate) struct Core {
    /// Hex SHA-256 of the canonical request (the string to sign's second line).
    canonical_hash: [u8; 64],
    /// HMAC-SHA256 of the string to sign: the signature, hexed where it is written.
    pub(crate) digest: [u8; 32],
    /// Where the canonical query and the signed header list lie in the canonical request.
    pub(crate) query: Range<usize>,
    /// The signer's own header values in the canonical request, by [`Own`].
    own: [Option<Range<usize>>; 5],
    signed_headers: Range<usize>,
}

/// The signer's own headers (all but `Authorization`) that `own` locates in `canonical`, with
/// their values as signed, in the order [`SignedV3::headers`] lists them.
fn own_headers<'c>(
    own: &'c [Option<Range<usize>>; 5],
    canonical: &'c str,
) -> impl Iterator<Item = (&'static str, &'c str)> + 'c {
    Own::ALL
        .iter()
        .zip(own)
        .filter_map(|(o, r)| Some((o.name(), canonical.get(r.clone()?)?)))
}

impl Core {
    /// The headers the signer added besides `Authorization` (date, nonce, content hash and,
    /// with STS credentials, key id and token), their values read from `canonical`.
    pub(crate) fn own_headers<'c>(
        &'c self,
        canonical: &'c str,
    ) -> impl Iterator<Item = (&'static str, &'c str)> + 'c {
        own_headers(&self.own, canonical)
    }

    /// The `Authorization` header value.
    pub(crate) fn authorization(&self, input: &V3Input<'_>, canonical: &str) -> String {
        let mut auth = String::new();
        self.push_authorization(input, canonical, &mut auth);
        auth
    }

    /// Appends the `Authorization` header value to `out` (reserving exactly its length).
    pub(crate) fn push_authorization(
        &self,
        input: &V3Input<'_>,
        canonical: &str,
        out: &mut String,
    ) {
        const CREDENTIAL: &str = " Credential=";
        const SIGNED_HEADERS: &str = ",SignedHeaders=";
        const SIGNATURE: &str = ",Signature=";
        let key_id = &input.credentials.access_key_id;
        let sh = canonical
            .get(self.signed_headers.clone())
            .unwrap_or_default();
        out.reserve(
            ALGORITHM.len()
                + CREDENTIAL.len()
                + key_id.len()
                + SIGNED_HEADERS.len()
                + sh.len()
                + SIGNATURE.len()
                + 2 * self.digest.len(),
        );
        out.push_str(ALGORITHM);
        out.push_str(CREDENTIAL);
        out.push_str(key_id);
        out.push_str(SIGNED_HEADERS);
        out.push_str(sh);
        out.push_str(SIGNATURE);
        out.push_str(ascii(&hex64(&self.digest)));
    }
}

/// Whether the caller's header names need checking.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Names {
    /// Anyone's: each must be a token the signer does not own.
    Check,
    /// The client's own constants (lower-case tokens, none of the signer's), with values it
    /// has already checked as HTTP header values.
    Trusted,
}

/// The signature of `input`, its canonical request written into `cr` (cleared first; the
/// client reuses one buffer per thread).
pub(crate) fn sign_core(
    input: &V3Input<'_>,
    query: Query<'_>,
    names: Names,
    cr: &mut String,
) -> Result<Core, SignError> {
    let payload_hash = hex64(&Sha256::digest(input.body));
    let headers = collect_headers(input, ascii(&payload_hash), names)?;
    let headers = &headers[..];

    let header_len: usize = headers
        .iter()
        .map(|e| 2 * e.name.len() + e.value.len() + 3)
        .sum();
    let query_len = match query {
        Query::Pairs(pairs) => percent::estimate(pairs),
        Query::Canonical(q) => q.len(),
    };
    // Built as text throughout (every piece is `&str` or ASCII), so it needs no UTF-8 check.
    cr.clear();
    cr.reserve(input.method.len() + 3 * input.path.len() + query_len + header_len + 72);
    cr.push_str(input.method);
    cr.push('\n');
    push_path(cr, input.path);
    cr.push('\n');
    let q_start = cr.len();
    match query {
        Query::Pairs(pairs) => push_query(cr, pairs)?,
        Query::Canonical(q) => cr.push_str(q),
    }
    let query = q_start..cr.len();
    cr.push('\n');
    let mut own: [Option<Range<usize>>; 5] = Default::default();
    for e in headers {
        e.push_name(cr);
        cr.push(':');
        let start = cr.len();
        cr.push_str(trimmed(e.value));
        if let Some(slot) = e.own.and_then(|o| own.get_mut(o as usize)) {
            *slot = Some(start..cr.len());
        }
        cr.push('\n');
    }
    cr.push('\n');
    let sh_start = cr.len();
    for (i, e) in headers.iter().enumerate() {
        if i > 0 {
            cr.push(';');
        }
        e.push_name(cr);
    }
    let signed_headers = sh_start..cr.len();
    cr.push('\n');
    cr.push_str(ascii(&payload_hash));

    let canonical_hash = hex64(&Sha256::digest(cr.as_bytes()));
    // Keyed once per secret, not per request.
    let mut mac = input
        .credentials
        .access_key_secret
        .hmac_sha256()
        .ok_or(SignError::InvalidKey)?;
    mac.update(ALGORITHM.as_bytes());
    mac.update(b"\n");
    mac.update(&canonical_hash);
    let digest: [u8; 32] = mac.finalize().into_bytes().into();
    Ok(Core {
        canonical_hash,
        digest,
        query,
        own,
        signed_headers,
    })
}

/// The text of a hex digest (ASCII by construction).
fn ascii(hex: &[u8; 64]) -> &str {
    std::str::from_utf8(hex).unwrap_or_default()
}

/// V3-style headers for an `Anonymous` operation (GetPublicMediaInfo, ListAllPublicMediaTags,
/// ListPublicMediaBasicInfos): `x-acs-date`, `x-acs-signature-nonce` and
/// `x-acs-content-sha256`, and nothing else.
///
/// What goes out unsigned: no `Authorization`, no AccessKey id, no security token and no
/// `x-acs-credentials-provider`; credentials are not consulted at all. The client does not use
/// these: like the official SDK (6.20.2), it sends anonymous calls on the RPC path, with the
/// common query parameters of [`anonymous_params`](super::v2::anonymous_params) and none of
/// these headers.
pub fn anonymous_headers(body: &[u8], date: &str, nonce: &str) -> Vec<(&'static str, String)> {
    vec![
        (X_ACS_DATE, date.to_owned()),
        (X_ACS_SIGNATURE_NONCE, nonce.to_owned()),
        (X_ACS_CONTENT_SHA256, hex::lower(&Sha256::digest(body))),
    ]
}

/// Explains a `SignatureDoesNotMatch` answer, for an error message or a debug log.
///
/// The gateway's message echoes its own string to sign (`ACS3-HMAC-SHA256\n<hash>`, sometimes
/// with the newline escaped). If its hash equals ours, both sides built the same canonical
/// request and the secret (or AccessKey id) is wrong; otherwise the request was changed after
/// signing or canonicalised differently, and our canonical request (token redacted) is shown.
/// Never includes the secret or the signature.
pub fn explain_mismatch(signed: &SignedV3, server_message: &str) -> String {
    let ours = signed
        .string_to_sign()
        .rsplit('\n')
        .next()
        .unwrap_or_default();
    let theirs = server_message
        .find(ALGORITHM)
        .map(|i| &server_message[i + ALGORITHM.len()..])
        .and_then(|rest| {
            let rest = rest.trim_start_matches(['\\', 'n', '\n', ' ', ':']);
            let hex_len = rest.bytes().take_while(|b| b.is_ascii_hexdigit()).count();
            rest.get(..hex_len).filter(|h| h.len() == 64)
        });
    match theirs {
        Some(h) if h.eq_ignore_ascii_case(ours) => format!(
            "the server computed the same canonical request (hash {ours}); the AccessKey secret \
             does not belong to the AccessKey id, or the request was signed with another secret"
        ),
        Some(h) => format!(
            "the server's canonical request hash {h} differs from ours {ours}: the request was \
             changed after signing (proxy, header rewrite, re-encoded query or body) or \
             canonicalised differently; our canonical request was:\n{}",
            signed.redacted_canonical_request()
        ),
        None => format!(
            "the server's string to sign was not found in its message; our string to sign hash is \
             {ours}; our canonical request was:\n{}",
            signed.redacted_canonical_request()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::cmp_short;

    /// Orders as slice comparison does, across the eight-byte chunk boundaries and the tails.
    #[test]
    fn cmp_short_orders_as_bytes_do() {
        let names = [
            "",
            "a",
            "x",
            "x-acs-",
            "x-acs-a",
            "x-acs-ac",
            "x-acs-acc",
            "x-acs-action",
            "x-acs-accesskey-id",
            "x-acs-content-sha256",
            "x-acs-credentials-provider",
            "x-acs-date",
            "x-acs-security-token",
            "x-acs-signature-nonce",
            "x-acs-version",
            "x-acs-versio",
            "x-acs-versionz",
            "host",
            "accept",
            "content-type",
            "user-agent",
            "x-acs-\u{ff}",
            "x-acs-\u{7f}aaaaaaaaaaaaaaaa",
            "x-acs-aaaaaaaaaaaaaaaaaaaaaaaa",
            "x-acs-aaaaaaaaaaaaaaaaaaaaaaab",
            "x-acs-aaaaaaaa",
            "x-acs-aaaaaaab",
        ];
        for a in names {
            for b in names {
                assert_eq!(
                    cmp_short(a.as_bytes(), b.as_bytes()),
                    a.as_bytes().cmp(b.as_bytes()),
                    "{a:?} vs {b:?}"
                );
            }
        }
    }
}
