//! The one error type of every call. Its `Display` is a single line that names the action, the
//! HTTP status, the service code, the message and the request id, so a log line is enough to
//! open a support ticket:
//!
//! `ICE SubmitSceneMediaSelectionJob failed: HTTP 400 InvalidParameter: The specified parameter "JobId" is not valid. (request id 8906582E-…)`

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use serde_json::Value;

use super::config::ConfigError;
use super::credentials::CredentialsError;
use super::json_field::JsonFieldError;
use super::validate::ValidationErrors;
use super::waiter::WaitError;
use super::wire::EncodeError;

/// Longest body excerpt kept in an error, in bytes.
pub const MAX_SNIPPET_BYTES: usize = 512;

/// The one error of this crate: a failed call, a bad configuration, a JSON document inside a
/// response field that does not fit its model, a job that failed or did not finish in time, or an
/// I/O failure (e.g. starting the emulator). Every fallible public function returns it, so `?`
/// works across a whole program. Cheap to move (one box); see [`kind`](Error::kind) for the
/// details and `source()` for the cause.
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
    /// The service answered with HTTP status ≥ 400.
    Service(ServiceError),
    /// A success response whose body is not the expected JSON.
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

/// An error answer from the service (HTTP status ≥ 400).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServiceError {
    /// HTTP status.
    pub status: u16,
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
    /// A bounded excerpt of the body when it was not a JSON error object (e.g. an HTML 502 page).
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
    /// `AccessDeniedDetail`/`accessDeniedDetail`. A body that is not a JSON object keeps the
    /// status and a bounded snippet.
    pub fn from_response(
        status: u16,
        header_request_id: Option<&str>,
        retry_after: Option<Duration>,
        body: &[u8],
    ) -> Self {
        let parsed: Option<serde_json::Map<String, Value>> = match serde_json::from_slice(body) {
            Ok(Value::Object(map)) => Some(map),
            _ => None,
        };
        let mut err = ServiceError {
            status,
            code: None,
            message: None,
            request_id: header_request_id.map(str::to_owned),
            host_id: None,
            recommend: None,
            access_denied_detail: None,
            retry_after,
            body_snippet: None,
        };
        match parsed {
            Some(map) => {
                err.code = field(&map, "Code", "code");
                err.message = field(&map, "Message", "message");
                if let Some(id) = field(&map, "RequestId", "requestId") {
                    err.request_id = Some(id);
                }
                err.host_id = field(&map, "HostId", "hostId");
                err.recommend = field(&map, "Recommend", "recommend");
                err.access_denied_detail = map
                    .get("AccessDeniedDetail")
                    .or_else(|| map.get("accessDeniedDetail"))
                    .and_then(Value::as_object)
                    .map(AccessDeniedDetail::from_map);
            }
            None if !body.is_empty() => err.body_snippet = Some(snippet(body).0),
            None => {}
        }
        err
    }

    /// `Throttling*` code, HTTP 429, or an `x-acs-retry-after` header.
    pub fn is_throttling(&self) -> bool {
        self.status == 429
            || self.retry_after.is_some()
            || self
                .code
                .as_deref()
                .is_some_and(|c| c.starts_with("Throttling"))
    }

    /// HTTP 503 or a `ServiceUnavailable*` code: the service did not act on the request.
    pub fn is_unavailable(&self) -> bool {
        self.status == 503
            || self
                .code
                .as_deref()
                .is_some_and(|c| c.starts_with("ServiceUnavailable"))
    }
}

impl AccessDeniedDetail {
    fn from_map(map: &serde_json::Map<String, Value>) -> Self {
        Self {
            policy_type: field(map, "PolicyType", "policyType"),
            auth_principal_owner_id: field(map, "AuthPrincipalOwnerId", "authPrincipalOwnerId"),
            encoded_diagnostic_message: field(
                map,
                "EncodedDiagnosticMessage",
                "encodedDiagnosticMessage",
            ),
            auth_principal_type: field(map, "AuthPrincipalType", "authPrincipalType"),
            auth_principal_display_name: field(
                map,
                "AuthPrincipalDisplayName",
                "authPrincipalDisplayName",
            ),
            no_permission_type: field(map, "NoPermissionType", "noPermissionType"),
            auth_action: field(map, "AuthAction", "authAction"),
        }
    }
}

/// A string or number field under either spelling; empty strings count as absent.
fn field(map: &serde_json::Map<String, Value>, upper: &str, lower: &str) -> Option<String> {
    let v = map.get(upper).or_else(|| map.get(lower))?;
    let s = match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => return None,
    };
    (!s.is_empty()).then_some(s)
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
fn write_one_line(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
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
        write!(
            f,
            "HTTP {}: response body is not the expected JSON: ",
            self.status
        )?;
        write_one_line(f, &self.message)
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
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
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
                if let Some(code) = &s.code {
                    write!(f, " {code}")?;
                }
                if let Some(msg) = &s.message {
                    f.write_str(": ")?;
                    write_one_line(f, msg)?;
                }
                if let Some(snip) = &s.body_snippet {
                    f.write_str(": non-JSON body: ")?;
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
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("action", &self.inner.action)
            .field("attempts", &self.inner.attempts)
            .field("kind", &self.inner.kind)
            .finish()
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
