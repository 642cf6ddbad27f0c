//! The one error type of every call. Its `Display` is a single line that names the action, the
//! HTTP status, the service code, the message and the request id, so a log line is enough to
//! open a support ticket:
//!
//! `ICE SubmitSceneMediaSelectionJob failed: HTTP 400 InvalidParameter: The specified parameter "JobId" is not valid. (request id 8906582E-…)`
//!
//! Text that came from the server is passed through [`redact`](super::redact) when the error is
//! built, and `Display`/`Debug` pass their whole output through it again, so an echoed security
//! token, signature or secret never reaches a log line.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;

use super::config::ConfigError;
use super::credentials::CredentialsError;
use super::json_field::JsonFieldError;
use super::redact::{redact, Redactor};
use super::validate::ValidationErrors;
use super::waiter::WaitError;
use super::wire::EncodeError;

/// Longest body excerpt kept in an error, in bytes.
pub const MAX_SNIPPET_BYTES: usize = 512;

/// How much of an error answer (HTTP status ≥ 300) the client reads: 64 KiB. The rest is never
/// read, so a hostile 50 MB error page costs at most this much memory.
///
/// Gateway error objects are a few hundred bytes; the largest real ones are
/// `SignatureDoesNotMatch` answers, which echo the string to sign (about three times the size
/// of the request's parameters). When a body is cut here, the fields that precede the cut are
/// still read (the gateway sends `RequestId`, `HostId` and `Code` before `Message`), and the
/// error also keeps a [`MAX_SNIPPET_BYTES`] excerpt.
pub const MAX_ERROR_BODY_BYTES: usize = 64 * 1024;

/// The one error of this crate: a failed call, a bad configuration, a JSON document inside a
/// response field that does not fit its model, a job that failed or did not finish in time, or an
/// I/O failure (e.g. starting the emulator). Every fallible public function returns it, so `?`
/// works across a whole program. Cheap to move (one box); see [`kind`](Error::kind) for the
/// details and `source()` for the cause. `Display` and `Debug` pass through the one redactor.
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    action: Cow<'static, str>,
    attempts: u32,
    kind: ErrorKind,
}

/// What went wrong.
// `Error` keeps this in a box, so the size of the largest variant costs nothing per call.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The client configuration is unusable (e.g. no region and no endpoint).
    Config(ConfigError),
    /// The request failed client-side validation; nothing was sent.
    Validation(ValidationErrors),
    /// The request could not be encoded into wire parameters; nothing was sent.
    Encode(EncodeError),
    /// Credentials could not be obtained; nothing was sent.
    Credentials(CredentialsError),
    /// The request did not get an HTTP response.
    Transport(TransportError),
    /// The service answered with an error: HTTP status ≥ 400, a redirect (3xx, never
    /// followed), or a 2xx whose body is the gateway's error object (see
    /// [`Client::send`](crate::Client::send)).
    Service(ServiceError),
    /// A success response whose body is not the expected JSON, or is larger than the client's
    /// [`max_response_bytes`](crate::ConfigBuilder::max_response_bytes).
    Decode(DecodeError),
    /// A JSON document inside a response string field (e.g. `ExtendOutput`) does not fit its
    /// model.
    JsonField(JsonFieldError),
    /// Waiting for a job ended without success: the job failed, or the wait timed out.
    Wait(WaitError),
    /// An I/O failure outside a call (e.g. binding the emulator's port).
    Io(std::io::Error),
}

/// How a request failed to get a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportKind {
    /// No connection could be made (DNS, refused, TLS, connect timeout). The request never
    /// reached the server.
    Connect,
    /// A timeout after connecting: read timeout or the total per-call deadline.
    Timeout,
    /// Any other I/O failure (connection reset, closed mid-response, …).
    Other,
}

/// The request did not get an HTTP response.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TransportError {
    /// Connect, timeout or other.
    pub kind: TransportKind,
    /// Whether the server may have received (and acted on) the request. `false` only when the
    /// connection was never established.
    pub may_have_reached_server: bool,
    /// Description of the underlying failure (never contains the URL, headers or secrets).
    pub message: String,
}

/// `AccessDeniedDetail` of a permission error (403 `Forbidden.RAM`, `NoPermission`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct AccessDeniedDetail {
    /// e.g. `AccountLevelIdentityBasedPolicy`.
    pub policy_type: Option<String>,
    /// Owner account of the principal.
    pub auth_principal_owner_id: Option<String>,
    /// Encoded diagnostic message (decode it with the RAM console / `DecodeDiagnosticMessage`).
    pub encoded_diagnostic_message: Option<String>,
    /// e.g. `SubUser`.
    pub auth_principal_type: Option<String>,
    /// Display name of the principal.
    pub auth_principal_display_name: Option<String>,
    /// e.g. `ImplicitDeny`, `ExplicitDeny`.
    pub no_permission_type: Option<String>,
    /// The denied action, e.g. `ice:GetBatchMediaProducingJob`.
    pub auth_action: Option<String>,
}

/// An error answer from the service: HTTP status ≥ 400, a redirect (3xx), or a 2xx carrying
/// the gateway's error object. Every text field is redacted (see [`redact`](super::redact)).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServiceError {
    /// HTTP status.
    pub status: u16,
    /// The `Location` of a redirect (3xx), redacted. The client never follows redirects: a
    /// redirect means the endpoint or a proxy in between is not ICE's gateway.
    pub location: Option<String>,
    /// `Code`, e.g. `InvalidParameter`, `Throttling.User`. `None` for a non-JSON body.
    pub code: Option<String>,
    /// `Message`.
    pub message: Option<String>,
    /// `RequestId` (body), else the `x-acs-request-id` header.
    pub request_id: Option<String>,
    /// `HostId`.
    pub host_id: Option<String>,
    /// `Recommend`: a troubleshooting URL.
    pub recommend: Option<String>,
    /// `AccessDeniedDetail`, on permission errors.
    pub access_denied_detail: Option<AccessDeniedDetail>,
    /// The `x-acs-retry-after` header (milliseconds), when the service asked to wait.
    pub retry_after: Option<Duration>,
    /// A bounded excerpt of the body when it was not a complete JSON object (e.g. an HTML 502
    /// page, or an answer cut at [`MAX_ERROR_BODY_BYTES`]).
    pub body_snippet: Option<String>,
}

/// A success response whose body could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DecodeError {
    /// HTTP status (2xx/3xx).
    pub status: u16,
    /// Request id, if one could be found.
    pub request_id: Option<String>,
    /// Why decoding failed (from serde_json, with line and column).
    pub message: String,
    /// The first ≤ [`MAX_SNIPPET_BYTES`] bytes of the body, cut at a character boundary.
    pub body_snippet: String,
    /// Set when the body was larger than the client's response-size cap
    /// ([`ConfigBuilder::max_response_bytes`](crate::ConfigBuilder::max_response_bytes)): the
    /// cap, in bytes. The body was not read past it.
    pub body_limit: Option<usize>,
}

impl Error {
    pub(crate) fn new(action: impl Into<Cow<'static, str>>, kind: ErrorKind) -> Self {
        Self {
            inner: Box::new(Inner {
                action: action.into(),
                attempts: 1,
                kind,
            }),
        }
    }

    pub(crate) fn with_attempts(mut self, attempts: u32) -> Self {
        self.inner.attempts = attempts;
        self
    }

    /// The action that failed, e.g. `SubmitSceneMediaSelectionJob` (empty for errors outside a
    /// call, such as configuration or a failed job).
    pub fn action(&self) -> &str {
        &self.inner.action
    }

    /// The wait error, when waiting for a job ended without success.
    pub fn wait(&self) -> Option<&WaitError> {
        match &self.inner.kind {
            ErrorKind::Wait(w) => Some(w),
            _ => None,
        }
    }

    /// How many HTTP attempts were made (0 when the request failed before sending).
    pub fn attempts(&self) -> u32 {
        self.inner.attempts
    }

    /// The details.
    pub fn kind(&self) -> &ErrorKind {
        &self.inner.kind
    }

    /// Consumes the error, returning the details.
    pub fn into_kind(self) -> ErrorKind {
        self.inner.kind
    }

    /// The service error, when the service answered with an error status.
    pub fn service(&self) -> Option<&ServiceError> {
        match &self.inner.kind {
            ErrorKind::Service(s) => Some(s),
            _ => None,
        }
    }

    /// The validation errors, when the request was rejected before sending.
    pub fn validation(&self) -> Option<&ValidationErrors> {
        match &self.inner.kind {
            ErrorKind::Validation(v) => Some(v),
            _ => None,
        }
    }

    /// The transport error, when no response arrived.
    pub fn transport(&self) -> Option<&TransportError> {
        match &self.inner.kind {
            ErrorKind::Transport(t) => Some(t),
            _ => None,
        }
    }

    /// The service error code (`InvalidParameter`, `Throttling.User`, …).
    pub fn code(&self) -> Option<&str> {
        self.service().and_then(|s| s.code.as_deref())
    }

    /// The service error message.
    pub fn message(&self) -> Option<&str> {
        self.service().and_then(|s| s.message.as_deref())
    }

    /// The request id, from a service or decode error.
    pub fn request_id(&self) -> Option<&str> {
        match &self.inner.kind {
            ErrorKind::Service(s) => s.request_id.as_deref(),
            ErrorKind::Decode(d) => d.request_id.as_deref(),
            _ => None,
        }
    }

    /// The HTTP status, when a response arrived.
    pub fn status(&self) -> Option<u16> {
        match &self.inner.kind {
            ErrorKind::Service(s) => Some(s.status),
            ErrorKind::Decode(d) => Some(d.status),
            _ => None,
        }
    }

    /// Whether the service asked the caller to slow down: a `Throttling*` code, HTTP 429, or an
    /// `x-acs-retry-after` header.
    pub fn is_throttling(&self) -> bool {
        self.service().is_some_and(ServiceError::is_throttling)
    }

    /// Whether trying again later may succeed: transport failures, throttling,
    /// `ServiceUnavailable` and 5xx. This ignores idempotency; the client's retry policy
    /// additionally refuses to re-send a non-idempotent request that may have been received
    /// (see [`RetryPolicy`](super::retry::RetryPolicy)).
    pub fn is_retryable(&self) -> bool {
        match &self.inner.kind {
            ErrorKind::Transport(_) => true,
            ErrorKind::Service(s) => s.is_throttling() || s.is_unavailable() || s.status >= 500,
            _ => false,
        }
    }
}

impl ServiceError {
    /// Builds the error from a response. Accepts `Code`/`code`, `Message`/`message`,
    /// `RequestId`/`requestId`, `HostId`/`hostId`, `Recommend`/`recommend` and
    /// `AccessDeniedDetail`/`accessDeniedDetail`. A body that is not a complete JSON object
    /// (HTML, or JSON cut short) keeps the fields that precede the problem, the status and a
    /// bounded snippet. Every text is [redacted](super::redact).
    pub fn from_response(
        status: u16,
        header_request_id: Option<&str>,
        retry_after: Option<Duration>,
        body: &[u8],
    ) -> Self {
        Self::parse(
            status,
            header_request_id,
            retry_after,
            body,
            &Redactor::default(),
        )
    }

    /// [`from_response`](Self::from_response) with a redactor that also knows the attempt's
    /// secrets.
    pub(crate) fn parse(
        status: u16,
        header_request_id: Option<&str>,
        retry_after: Option<Duration>,
        body: &[u8],
        redactor: &Redactor,
    ) -> Self {
        let fields = ErrorFields::read(body);
        let clean = |s: Option<String>| s.map(|s| redactor.redact_owned(s));
        ServiceError {
            status,
            location: None,
            code: clean(fields.code),
            message: clean(fields.message),
            request_id: clean(
                fields
                    .request_id
                    .or_else(|| header_request_id.map(str::to_owned)),
            ),
            host_id: clean(fields.host_id),
            recommend: clean(fields.recommend),
            access_denied_detail: fields
                .access_denied_detail
                .map(|d| AccessDeniedDetail::from_map(&d, redactor)),
            retry_after,
            body_snippet: (!fields.complete && !body.is_empty())
                .then(|| redacted_snippet(body, redactor)),
        }
    }

    /// Whether this is a redirect (HTTP 3xx), which the client reports instead of following.
    pub fn is_redirect(&self) -> bool {
        (300..400).contains(&self.status)
    }

    /// `Throttling*` code, HTTP 429, or an `x-acs-retry-after` header (never a redirect).
    pub fn is_throttling(&self) -> bool {
        !self.is_redirect()
            && (self.status == 429
                || self.retry_after.is_some()
                || self
                    .code
                    .as_deref()
                    .is_some_and(|c| c.starts_with("Throttling")))
    }

    /// HTTP 503 or a `ServiceUnavailable*` code (never a redirect): the service did not act on
    /// the request.
    pub fn is_unavailable(&self) -> bool {
        self.status == 503
            || (!self.is_redirect()
                && self
                    .code
                    .as_deref()
                    .is_some_and(|c| c.starts_with("ServiceUnavailable")))
    }
}

impl AccessDeniedDetail {
    fn from_map(map: &serde_json::Map<String, Value>, redactor: &Redactor) -> Self {
        let field = |upper: &str, lower: &str| {
            text(map.get(upper).or_else(|| map.get(lower))).map(|s| redactor.redact_owned(s))
        };
        Self {
            policy_type: field("PolicyType", "policyType"),
            auth_principal_owner_id: field("AuthPrincipalOwnerId", "authPrincipalOwnerId"),
            encoded_diagnostic_message: field(
                "EncodedDiagnosticMessage",
                "encodedDiagnosticMessage",
            ),
            auth_principal_type: field("AuthPrincipalType", "authPrincipalType"),
            auth_principal_display_name: field(
                "AuthPrincipalDisplayName",
                "authPrincipalDisplayName",
            ),
            no_permission_type: field("NoPermissionType", "noPermissionType"),
            auth_action: field("AuthAction", "authAction"),
        }
    }
}

/// A string, number or boolean as text; empty strings count as absent.
fn text(v: Option<&Value>) -> Option<String> {
    let s = match v? {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => return None,
    };
    (!s.is_empty()).then_some(s)
}

/// The error fields of a JSON body, read leniently: fields that precede a syntax error or the
/// end of a body cut at [`MAX_ERROR_BODY_BYTES`] are kept.
#[derive(Default)]
struct ErrorFields {
    code: Option<String>,
    message: Option<String>,
    request_id: Option<String>,
    host_id: Option<String>,
    recommend: Option<String>,
    access_denied_detail: Option<serde_json::Map<String, Value>>,
    /// The body was one complete JSON object.
    complete: bool,
}

impl ErrorFields {
    fn read(body: &[u8]) -> Self {
        let mut fields = ErrorFields::default();
        let mut de = serde_json::Deserializer::from_slice(body);
        let mut object = false;
        let parsed = CollectFields {
            fields: &mut fields,
            object: &mut object,
        }
        .deserialize(&mut de)
        .is_ok();
        fields.complete = parsed && object && de.end().is_ok();
        fields
    }
}

/// Visits the top-level object, storing each known field as soon as it is read, so an error
/// later in the body does not lose it.
struct CollectFields<'a> {
    fields: &'a mut ErrorFields,
    object: &'a mut bool,
}

impl<'de> DeserializeSeed<'de> for CollectFields<'_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for CollectFields<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        *self.object = true;
        let f = self.fields;
        while let Some(key) = map.next_key::<String>()? {
            // The upper-case spelling wins; the lower-case one fills a gap.
            let (slot, upper) = match key.as_str() {
                "Code" => (&mut f.code, true),
                "code" => (&mut f.code, false),
                "Message" => (&mut f.message, true),
                "message" => (&mut f.message, false),
                "RequestId" => (&mut f.request_id, true),
                "requestId" => (&mut f.request_id, false),
                "HostId" => (&mut f.host_id, true),
                "hostId" => (&mut f.host_id, false),
                "Recommend" => (&mut f.recommend, true),
                "recommend" => (&mut f.recommend, false),
                "AccessDeniedDetail" | "accessDeniedDetail" => {
                    if let Value::Object(m) = map.next_value::<Value>()? {
                        f.access_denied_detail.get_or_insert(m);
                    }
                    continue;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            let value = text(Some(&map.next_value::<Value>()?));
            if value.is_some() && (upper || slot.is_none()) {
                *slot = value;
            }
        }
        Ok(())
    }
}

/// How far past [`MAX_SNIPPET_BYTES`] the body is redacted before the snippet is cut, so that
/// removed values (an STS token is a few KiB) do not pull unredacted text into the excerpt.
const SNIPPET_REDACT_WINDOW: usize = 16 * 1024;

/// The snippet of `body` after redaction.
pub(crate) fn redacted_snippet(body: &[u8], redactor: &Redactor) -> String {
    let window = body
        .get(..MAX_SNIPPET_BYTES + SNIPPET_REDACT_WINDOW)
        .unwrap_or(body);
    let text = String::from_utf8_lossy(window);
    snippet(redactor.redact(&text).as_bytes()).0
}

/// The first ≤ [`MAX_SNIPPET_BYTES`] bytes of `body` as text, never splitting a character;
/// invalid UTF-8 is replaced. Returns whether the body was cut.
pub(crate) fn snippet(body: &[u8]) -> (String, bool) {
    let cut = body.len() > MAX_SNIPPET_BYTES;
    let mut bytes = &body[..body.len().min(MAX_SNIPPET_BYTES)];
    // Drop an incomplete character at the cut, rather than turning it into U+FFFD.
    if cut {
        if let Err(e) = std::str::from_utf8(bytes) {
            if e.error_len().is_none() {
                bytes = &bytes[..e.valid_up_to()];
            }
        }
    }
    let mut text = String::from_utf8_lossy(bytes).into_owned();
    // Replacement characters are 3 bytes: keep the bound in bytes, at a char boundary.
    if text.len() > MAX_SNIPPET_BYTES {
        let mut end = MAX_SNIPPET_BYTES;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    (text, cut)
}

/// Writes `s` keeping the output on one line (control characters escaped).
fn write_one_line(f: &mut impl fmt::Write, s: &str) -> fmt::Result {
    for c in s.chars() {
        match c {
            '\n' => f.write_str("\\n")?,
            '\r' => f.write_str("\\r")?,
            '\t' => f.write_str(" ")?,
            c if c.is_control() => write!(f, "\\u{{{:x}}}", c as u32)?,
            c => fmt::Write::write_char(f, c)?,
        }
    }
    Ok(())
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.body_limit {
            Some(limit) => write!(
                f,
                "HTTP {}: response body is larger than the {limit}-byte limit \
                 (Config max_response_bytes); it was not read further",
                self.status
            ),
            None => {
                write!(
                    f,
                    "HTTP {}: response body is not the expected JSON: ",
                    self.status
                )?;
                write_one_line(f, &self.message)
            }
        }
    }
}

impl std::error::Error for DecodeError {}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        if let Some(code) = &self.code {
            write!(f, " {code}")?;
        }
        if let Some(msg) = &self.message {
            f.write_str(": ")?;
            write_one_line(f, msg)?;
        }
        Ok(())
    }
}

impl std::error::Error for ServiceError {}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_one_line(f, &self.message)
    }
}

impl std::error::Error for TransportError {}

impl fmt::Display for Error {
    /// The one-line message, passed whole through [`redact`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut line = String::new();
        self.write_line(&mut line)?;
        f.write_str(&redact(&line))
    }
}

impl Error {
    fn write_line(&self, f: &mut impl fmt::Write) -> fmt::Result {
        if self.inner.action.is_empty() {
            f.write_str("ICE: ")?;
        } else {
            write!(f, "ICE {} failed: ", self.inner.action)?;
        }
        let attempts = self.inner.attempts;
        match &self.inner.kind {
            ErrorKind::Config(e) => write!(f, "invalid configuration: {e}")?,
            ErrorKind::Validation(e) => {
                f.write_str("invalid request (not sent): ")?;
                write_one_line(f, &e.to_string())?;
            }
            ErrorKind::Encode(e) => write!(f, "request not sent: {e}")?,
            ErrorKind::Credentials(e) => write!(f, "request not sent: {e}")?,
            ErrorKind::Transport(t) => {
                let what = match t.kind {
                    TransportKind::Connect => "could not connect",
                    TransportKind::Timeout => "timed out",
                    TransportKind::Other => "connection failed",
                };
                write!(f, "{what}: ")?;
                write_one_line(f, &t.message)?;
                if t.may_have_reached_server {
                    f.write_str(" (the request may have reached the server)")?;
                }
            }
            ErrorKind::Service(s) => {
                write!(f, "HTTP {}", s.status)?;
                if s.is_redirect() {
                    f.write_str(" redirect to ")?;
                    write_one_line(f, s.location.as_deref().unwrap_or("(no Location header)"))?;
                    f.write_str(
                        " not followed (ICE never redirects: check the endpoint and any proxy)",
                    )?;
                }
                if let Some(code) = &s.code {
                    write!(f, " {code}")?;
                }
                if let Some(msg) = &s.message {
                    f.write_str(": ")?;
                    write_one_line(f, msg)?;
                }
                if let Some(snip) = &s.body_snippet {
                    let what = if s.code.is_some() || s.message.is_some() {
                        "body starts"
                    } else {
                        "non-JSON body"
                    };
                    write!(f, ": {what}: ")?;
                    write_one_line(f, snip.trim())?;
                }
                if let Some(d) = s
                    .access_denied_detail
                    .as_ref()
                    .and_then(|d| d.auth_action.as_ref())
                {
                    write!(f, " [denied action {d}]")?;
                }
            }
            ErrorKind::Decode(d) => write!(f, "{d}")?,
            ErrorKind::JsonField(e) => {
                f.write_str("response field not as expected: ")?;
                write_one_line(f, &e.to_string())?;
            }
            ErrorKind::Wait(e) => write!(f, "{e}")?,
            ErrorKind::Io(e) => write!(f, "I/O: {e}")?,
        }
        let request_id = self.request_id();
        match (request_id, attempts > 1) {
            (Some(id), true) => write!(f, " (request id {id}, after {attempts} attempts)"),
            (Some(id), false) => write!(f, " (request id {id})"),
            (None, true) => write!(f, " (after {attempts} attempts)"),
            (None, false) => Ok(()),
        }
    }
}

impl fmt::Debug for Error {
    /// The fields, passed whole through [`redact`] (`{:#?}` stays pretty).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Fields<'a>(&'a Inner);
        impl fmt::Debug for Fields<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct("Error")
                    .field("action", &self.0.action)
                    .field("attempts", &self.0.attempts)
                    .field("kind", &self.0.kind)
                    .finish()
            }
        }
        let text = if f.alternate() {
            format!("{:#?}", Fields(&self.inner))
        } else {
            format!("{:?}", Fields(&self.inner))
        };
        f.write_str(&redact(&text))
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(match &self.inner.kind {
            ErrorKind::Config(e) => e,
            ErrorKind::Validation(e) => e,
            ErrorKind::Encode(e) => e,
            ErrorKind::Credentials(e) => e,
            ErrorKind::Transport(e) => e,
            ErrorKind::Service(e) => e,
            ErrorKind::Decode(e) => e,
            ErrorKind::JsonField(e) => e,
            ErrorKind::Wait(e) => e,
            ErrorKind::Io(e) => e,
        })
    }
}

impl From<ConfigError> for Error {
    fn from(e: ConfigError) -> Self {
        Error::new("", ErrorKind::Config(e)).with_attempts(0)
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::new("", ErrorKind::Io(e)).with_attempts(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(status: u16, body: &str) -> Error {
        Error::new(
            "SubmitSceneMediaSelectionJob",
            ErrorKind::Service(ServiceError::from_response(
                status,
                None,
                None,
                body.as_bytes(),
            )),
        )
    }

    #[test]
    fn display_is_one_line_with_status_code_message_and_request_id() {
        let e = service(
            400,
            r#"{"RequestId":"8906582E-6722-409A-A6C4-0E7863B733A5","HostId":"ice.cn-shanghai.aliyuncs.com",
               "Code":"InvalidParameter","Message":"The specified parameter \"JobId\" is not valid.",
               "Recommend":"https://api.aliyun.com/troubleshoot?q=InvalidParameter"}"#,
        );
        assert_eq!(
            e.to_string(),
            "ICE SubmitSceneMediaSelectionJob failed: HTTP 400 InvalidParameter: The specified \
             parameter \"JobId\" is not valid. (request id 8906582E-6722-409A-A6C4-0E7863B733A5)"
        );
        let s = e.service().unwrap();
        assert_eq!(s.host_id.as_deref(), Some("ice.cn-shanghai.aliyuncs.com"));
        assert!(s
            .recommend
            .as_deref()
            .unwrap()
            .starts_with("https://api.aliyun.com/"));
        assert!(!e.is_retryable());
    }

    #[test]
    fn multi_line_messages_stay_on_one_line() {
        let e = service(
            400,
            r#"{"Code":"SignatureDoesNotMatch","Message":"sts:\nACS3\nabc"}"#,
        );
        assert!(!e.to_string().contains('\n'));
        assert!(e.to_string().contains(r"sts:\nACS3\nabc"));
    }

    #[test]
    fn lower_camel_keys_and_access_denied_detail_are_read() {
        let e = service(
            403,
            r#"{"requestId":"r-1","code":"Forbidden.RAM","message":"denied",
                "accessDeniedDetail":{"authAction":"ice:GetBatchMediaProducingJob","noPermissionType":"ImplicitDeny"}}"#,
        );
        assert_eq!(e.code(), Some("Forbidden.RAM"));
        assert_eq!(e.request_id(), Some("r-1"));
        let d = e.service().unwrap().access_denied_detail.clone().unwrap();
        assert_eq!(
            d.auth_action.as_deref(),
            Some("ice:GetBatchMediaProducingJob")
        );
        assert_eq!(d.no_permission_type.as_deref(), Some("ImplicitDeny"));
    }

    #[test]
    fn html_error_keeps_status_and_bounded_snippet() {
        let body = format!("<html><body>{}</body></html>", "中".repeat(400));
        let e = service(502, &body);
        assert_eq!(e.status(), Some(502));
        assert_eq!(e.code(), None);
        let snip = e.service().unwrap().body_snippet.clone().unwrap();
        assert!(snip.len() <= MAX_SNIPPET_BYTES);
        assert!(snip.starts_with("<html>"));
        assert!(!snip.contains('\u{fffd}'));
        assert!(e.is_retryable());
        assert!(e.to_string().starts_with(
            "ICE SubmitSceneMediaSelectionJob failed: HTTP 502: non-JSON body: <html>"
        ));
    }

    #[test]
    fn throttling_is_recognised_by_code_status_or_header() {
        assert!(service(400, r#"{"Code":"Throttling.User"}"#).is_throttling());
        assert!(service(429, "").is_throttling());
        let with_header =
            ServiceError::from_response(400, None, Some(Duration::from_millis(5)), b"{}");
        assert!(with_header.is_throttling());
        assert!(!service(400, r#"{"Code":"InvalidParameter"}"#).is_throttling());
    }

    #[test]
    fn truncated_json_keeps_the_fields_before_the_cut() {
        let e = service(
            400,
            r#"{"RequestId":"r-9","Code":"SignatureDoesNotMatch","Message":"server string to sign is:GET&%2F&Action%3DX"#,
        );
        assert_eq!(e.code(), Some("SignatureDoesNotMatch"));
        assert_eq!(e.request_id(), Some("r-9"));
        assert_eq!(e.message(), None);
        assert!(e.service().unwrap().body_snippet.is_some());
        // A complete object keeps no snippet.
        let whole = service(400, r#"{"Code":"InvalidParameter","Message":"m"}"#);
        assert_eq!(whole.service().unwrap().body_snippet, None);
    }

    #[test]
    fn display_and_debug_redact_text_built_from_a_request() {
        let e = Error::new(
            "GetBatchMediaProducingJob",
            ErrorKind::Encode(EncodeError::new(
                "query",
                "cannot use SecurityToken=CAIS-secret-token-value&Signature=c2lnbmF0dXJl",
            )),
        );
        for text in [e.to_string(), format!("{e:?}"), format!("{e:#?}")] {
            assert!(!text.contains("CAIS-secret-token-value"), "{text}");
            assert!(!text.contains("c2lnbmF0dXJl"), "{text}");
            assert!(text.contains("SecurityToken=***"), "{text}");
        }
        assert!(
            format!("{e:#?}").contains("\n"),
            "pretty Debug stays pretty"
        );
    }

    #[test]
    fn snippet_never_splits_a_character() {
        let body = "é".repeat(600);
        let (s, cut) = snippet(body.as_bytes());
        assert!(cut);
        assert_eq!(s.len(), 512);
        assert!(s.chars().all(|c| c == 'é'));
        let (s, cut) = snippet(&[0xff; 600]);
        assert!(cut && s.len() <= MAX_SNIPPET_BYTES);
    }
}
