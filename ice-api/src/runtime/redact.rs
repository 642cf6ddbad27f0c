//! The one redactor that every message from the server, or built from a request, passes before
//! it is stored in an [`Error`](crate::Error), shown by `Display`/`Debug` or recorded in a
//! tracing field.
//!
//! Alibaba Cloud's gateway echoes what it received: its `SignatureDoesNotMatch` message for a V2
//! request holds the whole string to sign (`GET&%2F&...%26SecurityToken%3D<token>%26...`), V3
//! messages may quote canonical-request lines (`x-acs-security-token:<token>`), and proxies
//! echo URLs. So values are recognised by the *name* in front of them, in every shape those
//! echoes take:
//!
//! - the name is matched ignoring case, anywhere (also inside `x-acs-security-token`,
//!   `access_key_secret`, …), and must be followed by `=`, `:` or `>` (XML), raw or
//!   percent-encoded any number of times (`%3D`, `%253D`), optionally around quotes (`"`, `\"`,
//!   `%22`) and spaces;
//! - the value runs to the next delimiter (`&`, quote, space, `,`, `;`, `\`, brackets, also when
//!   percent-encoded, e.g. `%26`).
//!
//! | names | value becomes |
//! | --- | --- |
//! | `SecurityToken`, `security_token`, `security-token`, `BearerToken`, OIDC / ID tokens | `***` |
//! | `Signature` (not `SignatureNonce`, `SignatureMethod`, …: a separator must follow) | `***` |
//! | anything containing `secret` (`AccessKeySecret`, `access_key_secret`, …), `AuthKey`, `password` | `***` |
//! | `Authorization` (the whole header value, spaces included) | `***` |
//! | `AccessKeyId`, `x-acs-accesskey-id`, `Credential` | masked: `LTAI****abcd` |
//!
//! The client also hands the redactor the values it knows are secret for the attempt (the
//! AccessKey secret, the security token and the signature it sent); those are removed wherever
//! they appear, even bare, raw or percent-encoded.
//!
//! Hand-written: no maintained crate recognises these parameters in the shapes the gateway
//! echoes them (percent-encoded query strings, the doubly encoded V2 string to sign, JSON,
//! canonical-request header lines).

use std::borrow::Cow;
use std::sync::Arc;

use smallvec::SmallVec;

use super::credentials::mask_access_key_id;
use super::sign::{hex, percent};

/// What replaces a removed value.
const REMOVED: &str = "***";

/// Known values shorter than this are not real credentials (AccessKey secrets have 30
/// characters, signatures 28 or 64, STS tokens hundreds); removing them everywhere would only
/// mangle ordinary words.
const MIN_KNOWN_LEN: usize = 8;

/// How the value after a name is treated.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Removed; ends at the first delimiter.
    Secret,
    /// Removed; spaces and commas belong to it (`ACS3-HMAC-SHA256 Credential=…,Signature=…`).
    Header,
    /// An AccessKey id: shown masked.
    KeyId,
}

/// Lower-case names and their class.
const NAMES: [(&str, Class); 18] = [
    ("securitytoken", Class::Secret),
    ("security_token", Class::Secret),
    ("security-token", Class::Secret),
    ("bearertoken", Class::Secret),
    ("bearer_token", Class::Secret),
    ("oidctoken", Class::Secret),
    ("oidc_token", Class::Secret),
    ("idtoken", Class::Secret),
    ("id_token", Class::Secret),
    ("signature", Class::Secret),
    ("secret", Class::Secret),
    ("authkey", Class::Secret),
    ("auth_key", Class::Secret),
    ("password", Class::Secret),
    ("authorization", Class::Header),
    ("accesskeyid", Class::KeyId),
    ("access_key_id", Class::KeyId),
    ("accesskey-id", Class::KeyId),
];

/// `Credential=<AccessKey id>` inside an ACS3 `Authorization` value.
const CREDENTIAL: (&str, Class) = ("credential", Class::KeyId);

/// Removes credentials from `text` (see the [module docs](self) for what is recognised).
/// Borrows when there is nothing to remove.
///
/// ```
/// use ice_api::runtime::redact::redact;
/// let echoed = "server string to sign is:GET&%2F&AccessKeyId%3DLTAI5tExampleKeyabcd\
///               %26SecurityToken%3DCAIS%252Bsecret%252Ftoken%253D%26SignatureNonce%3Dn1";
/// assert_eq!(
///     redact(echoed),
///     "server string to sign is:GET&%2F&AccessKeyId%3DLTAI****abcd\
///      %26SecurityToken%3D***%26SignatureNonce%3Dn1"
/// );
/// assert_eq!(redact(r#"{"Signature":"c2lnbmF0dXJl"}"#), r#"{"Signature":"***"}"#);
/// assert_eq!(redact("nothing secret here"), "nothing secret here");
/// ```
pub fn redact(text: &str) -> Cow<'_, str> {
    Redactor::default().redact(text)
}

/// The redactor, optionally primed with values known to be secret.
///
/// No `Debug`: it holds secrets.
#[derive(Clone, Default)]
pub(crate) struct Redactor {
    /// Inline for a call's secret, token and signature: priming it allocates nothing.
    known: SmallVec<[Known; 3]>,
}

/// A value known to be secret. Shared, or inline, so that no copy of a secret is made.
#[derive(Clone)]
pub(crate) enum Known {
    /// A credential, shared with the [`Secret`](super::credentials::Secret) holding it.
    Shared(Arc<str>),
    /// An HMAC-SHA256 signature, kept as its 32 bytes (half the size of its text, in every
    /// response the call returns); searched for as the 64 lower-case hex digits sent.
    Digest([u8; 32]),
}

impl Known {
    /// The length of the value's text.
    fn len(&self) -> usize {
        match self {
            Known::Shared(s) => s.len(),
            Known::Digest(d) => 2 * d.len(),
        }
    }

    /// The value's text (a digest's written into `buf`).
    fn text<'a>(&'a self, buf: &'a mut [u8; 64]) -> &'a str {
        match self {
            Known::Shared(s) => s,
            Known::Digest(d) => {
                hex::write_lower(buf, d);
                std::str::from_utf8(buf).unwrap_or_default()
            }
        }
    }
}

impl Redactor {
    /// A redactor that also removes each of `known` wherever it appears (raw, percent-encoded
    /// once or twice, form-encoded, or with `/` JSON-escaped). Values shorter than
    /// [`MIN_KNOWN_LEN`] are ignored. (Gathered by the caller: the client's, each call, stay
    /// in place rather than pass through an iterator.)
    pub(crate) fn from_known(mut known: SmallVec<[Known; 3]>) -> Self {
        known.retain(|v| v.len() >= MIN_KNOWN_LEN);
        Self { known }
    }

    /// Removes credentials from `text`.
    pub(crate) fn redact<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let mut out = Cow::Borrowed(text);
        let mut buf = [0; 64];
        for known in &self.known {
            // No form is shorter than the value (the common case, e.g. a request id, needs no
            // more), and every form keeps the value's unreserved runs intact: without its
            // longest one, none can be there.
            if known.len() > out.len() {
                continue;
            }
            let value = known.text(&mut buf);
            if !contains(&out, longest_unreserved_run(value.as_bytes())) {
                continue;
            }
            for form in known_forms(value) {
                if out.contains(form.as_ref()) {
                    out = Cow::Owned(out.replace(form.as_ref(), REMOVED));
                }
            }
        }
        match by_name(&out) {
            Some(cleaned) => Cow::Owned(cleaned),
            None => out,
        }
    }

    /// [`redact`](Self::redact) for an owned string.
    pub(crate) fn redact_owned(&self, text: String) -> String {
        match self.redact(&text) {
            Cow::Borrowed(_) => text,
            Cow::Owned(s) => s,
        }
    }
}

/// `hay.contains(needle)`; short texts (request ids, header values) by a plain window scan,
/// which beats the setup of `str::contains`'s searcher there.
fn contains(hay: &str, n: &[u8]) -> bool {
    let h = hay.as_bytes();
    let Some((&first, rest)) = n.split_first() else {
        return true;
    };
    if h.len() > 256 {
        // The needle is a run of unreserved (ASCII) characters, so always text.
        return std::str::from_utf8(n).is_ok_and(|n| hay.contains(n));
    }
    h.windows(n.len()).any(|w| {
        w.split_first()
            .is_some_and(|(&b, tail)| b == first && tail == rest)
    })
}

/// The shapes a known value takes when echoed: raw, percent-encoded once and twice,
/// form-encoded, and with `/` escaped as JSON may do.
fn known_forms(value: &str) -> Vec<Cow<'_, str>> {
    let once = percent::encode(value);
    let mut forms = vec![
        Cow::Borrowed(value),
        Cow::Owned(percent::encode(&once)),
        Cow::Owned(percent::form_encode(value)),
        Cow::Owned(value.replace('/', "\\/")),
        Cow::Owned(once),
    ];
    forms.sort();
    forms.dedup();
    forms
}

/// The longest run of RFC 3986 unreserved characters in `value`, which every form of
/// [`known_forms`] contains (percent-encoding and `\/` leave such characters alone).
fn longest_unreserved_run(value: &[u8]) -> &[u8] {
    value
        .split(|&c| !percent::UNRESERVED[usize::from(c)])
        .max_by_key(|run| run.len())
        .unwrap_or(value)
}

/// Removes every named value; `None` when there is none.
fn by_name(text: &str) -> Option<String> {
    // A named value needs a separator after the name (`=`, `:`, `>`, raw or percent-encoded).
    if !text.bytes().any(|b| matches!(b, b'=' | b':' | b'>' | b'%')) {
        return None;
    }
    let lower = text.to_ascii_lowercase();
    let bytes = text.as_bytes();
    let mut cuts: Vec<(usize, usize, Class)> = Vec::new();
    for (name, class) in NAMES.iter().chain(std::iter::once(&CREDENTIAL)) {
        for (at, _) in lower.match_indices(name) {
            if let Some(value) = value_after(bytes, at + name.len(), *class) {
                cuts.push((value.start, value.end, *class));
            }
        }
    }
    if cuts.is_empty() {
        return None;
    }
    cuts.sort_unstable_by_key(|c| (c.0, usize::MAX - c.1));
    // Every cut starts and ends at an ASCII byte or the end of the text, so slicing cannot fail;
    // if it ever did, the text would be dropped rather than shown.
    let part = |r: std::ops::Range<usize>| text.get(r).unwrap_or_default();
    let mut out = String::with_capacity(text.len());
    let mut done = 0;
    for (start, end, class) in cuts {
        // A match inside an earlier one: removed with it, however far it reaches.
        if start < done {
            done = done.max(end);
            continue;
        }
        out.push_str(part(done..start));
        match class {
            // Already masked (a second pass, e.g. `Display` of a redacted field): keep it.
            Class::KeyId if part(start..end).contains("****") => out.push_str(part(start..end)),
            Class::KeyId => out.push_str(&mask_access_key_id(part(start..end))),
            Class::Secret | Class::Header => out.push_str(REMOVED),
        }
        done = end;
    }
    out.push_str(part(done..text.len()));
    Some(out)
}

/// The byte range of the value following a name that ends at `at`, if a separator follows.
fn value_after(b: &[u8], at: usize, class: Class) -> Option<std::ops::Range<usize>> {
    let mut i = skip_quote(b, at);
    i = skip_spaces(b, i);
    let (sep, n) = unit(b, i)?;
    // `=` (query, form), `:` (JSON, header lines), `>` (XML elements).
    if !matches!(sep, b'=' | b':' | b'>') {
        return None;
    }
    i = skip_spaces(b, i + n);
    let start = skip_quote(b, i);
    let mut end = start;
    while let Some((c, n)) = unit(b, end) {
        if ends_value(c, class) {
            break;
        }
        end += n;
    }
    (end > start).then_some(start..end)
}

/// Whether the (decoded) byte `c` ends a value of `class`.
fn ends_value(c: u8, class: Class) -> bool {
    match c {
        b'"' | b'\'' | b'\\' | b'\r' | b'\n' | b'&' | b'<' | b'>' => true,
        b' ' | b'\t' | b',' | b';' | b'}' | b']' | b')' | b'|' => class != Class::Header,
        _ => false,
    }
}

/// Skips one quote: `"` or `'`, raw or percent-encoded, possibly behind backslashes (`\"`,
/// `\\\"` in escaped JSON or `Debug` output).
fn skip_quote(b: &[u8], at: usize) -> usize {
    let mut i = at;
    while b.get(i) == Some(&b'\\') {
        i += 1;
    }
    match unit(b, i) {
        Some((b'"' | b'\'', n)) => i + n,
        _ => at,
    }
}

fn skip_spaces(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    i
}

/// One character at `i`: a raw byte, or a `%XX` escape decoded through any number of
/// encodings (`%3D` → `=`, `%253D` → `=`). Returns the decoded byte and its length in `b`.
fn unit(b: &[u8], i: usize) -> Option<(u8, usize)> {
    let first = *b.get(i)?;
    if first != b'%' {
        return Some((first, 1));
    }
    let mut j = i + 1;
    // A `%` that starts no escape is just a `%`.
    let Some(mut decoded) = hex_pair(b, j) else {
        return Some((first, 1));
    };
    j += 2;
    // `%25` is an encoded `%`: the next two hex digits are the next encoding level.
    while decoded == b'%' {
        match hex_pair(b, j) {
            Some(next) => {
                decoded = next;
                j += 2;
            }
            None => break,
        }
    }
    Some((decoded, j - i))
}

fn hex_pair(b: &[u8], i: usize) -> Option<u8> {
    let hi = char::from(*b.get(i)?).to_digit(16)?;
    let lo = char::from(*b.get(i + 1)?).to_digit(16)?;
    u8::try_from(hi * 16 + lo).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "CAIS+gF1q6Ft5B2yfSjIr5bSEsKNp7x/==";

    #[test]
    fn query_string_forms() {
        let raw = format!("a=1&SecurityToken={TOKEN}&Signature=abc%2B%3D&SignatureNonce=n-1");
        assert_eq!(
            redact(&raw),
            "a=1&SecurityToken=***&Signature=***&SignatureNonce=n-1"
        );
        let enc = format!(
            "SecurityToken={}&AccessKeyId=LTAI5tExampleKeyabcd",
            percent::encode(TOKEN)
        );
        assert_eq!(redact(&enc), "SecurityToken=***&AccessKeyId=LTAI****abcd");
        // Idempotent: a redacted text passes unchanged.
        assert_eq!(redact(&redact(&enc)), redact(&enc));
    }

    #[test]
    fn v2_string_to_sign_is_cleaned_at_every_encoding_level() {
        let cqs = format!(
            "AccessKeyId=STS.NUgYrLnoC37mZZCNnAbez2Zsm&SecurityToken={}&SignatureMethod=HMAC-SHA1",
            percent::encode(TOKEN)
        );
        let sts = format!("POST&%2F&{}", percent::encode(&cqs));
        let once_more = percent::encode(&sts);
        for text in [&sts, &once_more] {
            let out = redact(text);
            assert!(!out.contains("gF1q6Ft5B2yfSjIr5bSEsKNp7x"), "{out}");
            assert!(out.contains("SignatureMethod"), "{out}");
            assert!(out.contains("STS.****2Zsm"), "{out}");
        }
    }

    #[test]
    fn json_header_and_debug_forms() {
        let cases = [
            format!(r#"{{"SecurityToken":"{TOKEN}","x":1}}"#),
            format!(r#"{{\"AccessKeySecret\": \"{TOKEN}\"}}"#),
            format!(r#"\\\"security_token\\\":\\\"{TOKEN}\\\""#),
            format!("x-acs-security-token:{TOKEN}\nx-acs-signature-nonce:n1"),
            format!("x-acs-security-token:{TOKEN}\\nx-acs-signature-nonce:n1"),
            format!("Authorization: ACS3-HMAC-SHA256 Credential=LTAI5tExampleKeyabcd,SignedHeaders=host,Signature={TOKEN}"),
            format!("<Secret>{TOKEN}</Secret> secret={TOKEN}"),
        ];
        for text in &cases {
            let out = redact(text);
            assert!(
                !out.contains("gF1q6Ft5B2yfSjIr5bSEsKNp7x"),
                "{text} → {out}"
            );
        }
        assert!(redact(&cases[3]).contains("x-acs-signature-nonce:n1"));
    }

    #[test]
    fn ordinary_text_is_untouched() {
        for text in [
            "The request signature we calculated does not match the signature you provided.",
            "SignatureNonce=abc&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0",
            "no credentials configured; use Config::builder().credentials(..)",
            "",
            "100%",
            "%",
            "%2",
        ] {
            assert!(matches!(redact(text), Cow::Borrowed(_)), "{text}");
        }
    }

    #[test]
    fn known_values_are_removed_even_bare() {
        let r = Redactor::from_known(
            [TOKEN, "short", "0123456789abcdef"]
                .map(|v| Known::Shared(Arc::from(v)))
                .into(),
        );
        let text = format!(
            "token {TOKEN} expired; as query {}; as form {}; escaped {}; id short; sig 0123456789abcdef",
            percent::encode(TOKEN),
            percent::form_encode(TOKEN),
            TOKEN.replace('/', "\\/"),
        );
        let out = r.redact(&text);
        assert!(!out.contains("gF1q6Ft5B2yfSjIr5bSEsKNp7x"), "{out}");
        assert!(!out.contains("0123456789abcdef"), "{out}");
        assert!(out.contains("id short"), "{out}");
    }

    /// A signature kept as its bytes is found as the hex text that was sent, and a text too
    /// short to hold it is returned as it is.
    #[test]
    fn a_digest_is_removed_as_its_hex_text() {
        let digest: [u8; 32] = std::array::from_fn(|i| (i * 37 + 11) as u8);
        let hex = crate::runtime::sign::hex::lower(&digest);
        let r = Redactor::from_known([Known::Digest(digest)].into_iter().collect());
        let text = format!("Signature mismatch: got {hex}, want other");
        let out = r.redact(&text);
        assert!(!out.contains(&hex), "{out}");
        assert!(out.contains("got ***"), "{out}");
        assert!(matches!(r.redact("r-1234"), Cow::Borrowed("r-1234")));
    }

    #[test]
    fn truncated_escapes_do_not_panic() {
        for text in [
            "Signature=%",
            "Signature=%2",
            "Signature%3",
            "Signature%25",
            "Signature=",
        ] {
            let _ = redact(text);
        }
        assert_eq!(redact("Signature=%"), "Signature=***");
    }
}
