//! Reading a 2xx body: the typed value, its `RequestId`, and whether the body is really the
//! gateway's error object (`{"Code":…,"Message":…}` with a 2xx status).
//!
//! The client runs this inside its retry loop (an error object in a 2xx body is a service error
//! the retry policy sees), through `SuccessDecoder`, so the executor stays non-generic.

use std::ops::Range;

use serde::de::DeserializeOwned;

use super::error::{redacted_snippet, DecodeError, Error, ErrorKind, ServiceError};
use super::operation::Operation;
use super::redact::Redactor;

mod tee;

use tee::{Scalar, Seen};

/// What a 2xx body says about itself: its request id, and whether it is really the gateway's
/// error object.
#[derive(Default, Debug, PartialEq, Eq)]
pub(crate) struct Probe {
    request_id: Option<FoundId>,
    /// A non-blank string `Code`.
    has_code: bool,
    /// A `Message` that is not `null`.
    has_message: bool,
    /// `Success` as a boolean or as the string `true`/`false`.
    success: Option<bool>,
}

/// A body's `RequestId` as a pass found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FoundId {
    /// Where it lies in the body: a plain JSON string, read without a copy.
    At(Range<usize>),
    /// Its text: an escaped string, or a number as `serde_json` prints it.
    Text(String),
}

impl FoundId {
    /// The text, out of `body` (the body the pass read) when it lies there.
    pub(crate) fn text<'a>(&'a self, body: &'a [u8]) -> Option<&'a str> {
        match self {
            FoundId::At(at) => body
                .get(at.clone())
                .and_then(|b| std::str::from_utf8(b).ok()),
            FoundId::Text(s) => Some(s),
        }
    }
}

/// The watched members as serde's derive reads them: the re-parse of error paths, and the
/// reference the one-pass reader ([`tee`]) agrees with.
#[derive(serde::Deserialize, Default)]
struct Members {
    #[serde(rename = "RequestId", alias = "requestId")]
    request_id: Option<serde_json::Value>,
    #[serde(rename = "Code", alias = "code")]
    code: Option<serde_json::Value>,
    #[serde(rename = "Message", alias = "message")]
    message: Option<serde::de::IgnoredAny>,
    #[serde(rename = "Success", alias = "success")]
    success: Option<serde_json::Value>,
}

fn code(s: &str) -> bool {
    !s.trim().is_empty()
}

fn success(s: &str) -> Option<bool> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("true") {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

impl Probe {
    /// A separate pass over `body`. Not a JSON object (or not decodable this far): nothing to
    /// learn.
    pub(crate) fn read(body: &[u8]) -> Self {
        let m: Members = serde_json::from_slice(body).unwrap_or_default();
        use serde_json::Value;
        Probe {
            request_id: match m.request_id {
                Some(Value::String(s)) if !s.is_empty() => Some(FoundId::Text(s)),
                Some(Value::Number(n)) => Some(FoundId::Text(n.to_string())),
                _ => None,
            },
            has_code: matches!(&m.code, Some(Value::String(c)) if code(c)),
            has_message: m.message.is_some(),
            success: match &m.success {
                Some(Value::Bool(b)) => Some(*b),
                Some(Value::String(s)) => success(s),
                _ => None,
            },
        }
    }

    /// What the one pass saw.
    fn from_seen(seen: Seen) -> Self {
        Probe {
            request_id: match seen.request_id {
                Scalar::Str(s) if !s.is_empty() => Some(FoundId::Text(s)),
                Scalar::At(at) if !at.is_empty() => Some(FoundId::At(at)),
                Scalar::Number(n) => Some(FoundId::Text(n)),
                _ => None,
            },
            has_code: matches!(&seen.code, Scalar::Str(c) if code(c)),
            has_message: seen.message,
            success: match &seen.success {
                Scalar::Bool(b) => Some(*b),
                Scalar::Str(s) => success(s),
                _ => None,
            },
        }
    }

    /// The `RequestId` as found (unredacted).
    pub(crate) fn request_id(self) -> Option<FoundId> {
        self.request_id
    }

    /// The rule of [`Client::send`](crate::Client::send): with `declares_code`, a non-empty
    /// `Code` and `Success: false`; otherwise a non-empty `Code` and a `Message`, unless
    /// `Success: true`.
    pub(crate) fn is_error(&self, declares_code: bool) -> bool {
        self.has_code
            && if declares_code {
                self.success == Some(false)
            } else {
                self.has_message && self.success != Some(true)
            }
    }
}

/// Decodes one 2xx body for the executor: returns what the envelope check and the request id
/// need, and keeps whatever else it decoded for the caller.
pub(crate) trait SuccessDecoder: Send {
    /// Reads `body`; called once per 2xx attempt (a retried attempt overwrites the last).
    fn decode(&mut self, body: &[u8]) -> Probe;
}

/// For raw calls: only the probe.
pub(crate) struct ProbeOnly;

impl SuccessDecoder for ProbeOnly {
    fn decode(&mut self, body: &[u8]) -> Probe {
        Probe::read(body)
    }
}

/// For typed calls: the probe and the typed value (or the fast decoder's error, explained with
/// its JSON path later, by [`RawResponse::json`](crate::RawResponse::json)'s error path).
pub(crate) struct Typed<T> {
    value: Option<Result<T, serde_json::Error>>,
}

impl<T> Typed<T> {
    pub(crate) fn new() -> Self {
        Self { value: None }
    }

    /// The decoded value of the last 2xx attempt.
    pub(crate) fn take(&mut self) -> Option<Result<T, serde_json::Error>> {
        self.value.take()
    }
}

impl<T: DeserializeOwned + Send> SuccessDecoder for Typed<T> {
    fn decode(&mut self, body: &[u8]) -> Probe {
        let (value, probe) = read_typed(body);
        self.value = Some(value);
        probe
    }
}

/// The typed value of `body` and its probe, in one pass when the body decodes; a body that
/// does not is read again for its probe (error paths may re-parse).
fn read_typed<T: DeserializeOwned>(body: &[u8]) -> (Result<T, serde_json::Error>, Probe) {
    let mut seen = Seen::over(body);
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = tee::deserialize::<T, _>(&mut de, &mut seen).and_then(|v| de.end().map(|()| v));
    match value {
        Ok(v) if !seen.repeated => (Ok(v), Probe::from_seen(seen)),
        other => (other, Probe::read(body)),
    }
}

/// Decodes a 2xx body of operation `O` exactly as [`Client::send`](crate::Client::send) does,
/// for bodies fetched some other way (your own HTTP stack, a recorded answer): the gateway's
/// error object in a 2xx body is a [`Service`](ErrorKind::Service) error, any other body that
/// does not fit `O::Response` a [`Decode`](ErrorKind::Decode) error naming the JSON path.
/// Texts quoted from the body are [redacted](super::redact).
///
/// ```
/// use ice_api::media_production::GetBatchMediaProducingJobRequest;
/// use ice_api::runtime::response::decode_success;
///
/// let body = br#"{"RequestId":"r-1","EditingBatchJob":{"JobId":"j-1","Status":"Finished"}}"#;
/// let job = decode_success::<GetBatchMediaProducingJobRequest>(200, body)?;
/// assert_eq!(job.request_id.as_deref(), Some("r-1"));
///
/// let envelope = br#"{"RequestId":"r-2","Code":"Throttling.User","Message":"slow down"}"#;
/// let err = decode_success::<GetBatchMediaProducingJobRequest>(200, envelope).unwrap_err();
/// assert_eq!(err.code(), Some("Throttling.User"));
/// assert_eq!(err.request_id(), Some("r-2"));
/// # Ok::<(), ice_api::Error>(())
/// ```
pub fn decode_success<O: Operation>(status: u16, body: &[u8]) -> Result<O::Response, Error> {
    let redactor = Redactor::default();
    let (value, probe) = read_typed::<O::Response>(body);
    let fail = |kind| Err(Error::new(O::ACTION, kind).with_attempts(0));
    if probe.is_error(O::RESPONSE_DECLARES_CODE) {
        let err = ServiceError::parse(status, None, None, body, &redactor);
        return fail(ErrorKind::Service(err));
    }
    let request_id = probe
        .request_id()
        .as_ref()
        .and_then(|id| id.text(body))
        .map(|id| redactor.redact(id).into_owned());
    value.or_else(|e| {
        fail(ErrorKind::Decode(explain::<O::Response>(
            status, body, request_id, &e, &redactor,
        )))
    })
}

/// The decode error for `body`, after a fast decode failed with `e`: the body is decoded once
/// more, tracking the path, so the message names the field
/// (`EditingBatchJob.JobId: missing field …`).
pub(crate) fn explain<T: DeserializeOwned>(
    status: u16,
    body: &[u8],
    request_id: Option<String>,
    e: &serde_json::Error,
    redactor: &Redactor,
) -> DecodeError {
    let mut de = serde_json::Deserializer::from_slice(body);
    let message = match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Err(pe) if pe.path().iter().next().is_some() => format!("{}: {e}", pe.path()),
        _ => e.to_string(),
    };
    DecodeError {
        status,
        request_id,
        // serde_json quotes the offending value.
        message: redactor.redact_owned(message),
        body_snippet: redacted_snippet(body, redactor),
        body_limit: None,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;
    use serde_json::Value;

    use super::*;

    /// Bodies whose watched members take every shape the envelope rule distinguishes.
    const BODIES: &[&str] = &[
        r#"{"RequestId":"r","Code":"InvalidParameter","Message":"bad"}"#,
        r#"{"requestId":"b","code":"Forbidden","message":"no","success":false}"#,
        r#"{"Code":"Forbidden","Success":false}"#,
        r#"{"Code":"Forbidden","Success":"false"}"#,
        r#"{"Code":"200","Success":" TRUE ","Message":"ok"}"#,
        r#"{"Code":"200","Success":true,"Message":"ok"}"#,
        r#"{"RequestId":"r","JobId":"j"}"#,
        r#"{"RequestId":12345,"JobId":"j"}"#,
        r#"{"RequestId":1.5}"#,
        r#"{"RequestId":""}"#,
        r#"{"RequestId":"r\u00e9\n","Code":"  ","Message":"x"}"#,
        r#"{"Code":"X","Message":null}"#,
        r#"{"Code":"X","Message":{"nested":["a"]}}"#,
        r#"{"Code":"X","Message":[1,2]}"#,
        r#"{"Code":{"x":1},"Message":"m"}"#,
        r#"{"Code":null,"Message":"m","Success":null}"#,
        r#"{"Message":"x"}"#,
        r#"{"RequestId":"a","requestId":"b"}"#,
        r#"{"Code":"X","Message":"m","Code":"Y"}"#,
        r#"{"Other":{"RequestId":"inner","Code":"C","Message":"m"},"RequestId":"outer"}"#,
        r#"[]"#,
        r#"{}"#,
    ];

    /// A response that stores some watched members and skips the rest.
    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Declares {
        #[serde(rename = "RequestId", default)]
        request_id: Option<Value>,
        #[serde(rename = "Code", default)]
        code: Option<Value>,
    }

    /// A response that skips every watched member.
    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Skips {
        #[serde(rename = "JobId", default)]
        job_id: Option<String>,
    }

    /// The probe, with the request id as text (one pass keeps a position where the other
    /// keeps a copy).
    fn texts(mut probe: Probe, body: &str) -> (Option<String>, Probe) {
        let id = probe.request_id.take();
        (
            id.as_ref()
                .and_then(|id| id.text(body.as_bytes()))
                .map(str::to_owned),
            probe,
        )
    }

    fn agree<T: DeserializeOwned>(body: &str) {
        let (value, probe) = read_typed::<T>(body.as_bytes());
        if value.is_ok() {
            assert_eq!(
                texts(probe, body),
                texts(Probe::read(body.as_bytes()), body),
                "{body}"
            );
        }
    }

    #[test]
    fn the_one_pass_sees_what_a_separate_pass_sees() {
        for body in BODIES {
            agree::<Value>(body);
            agree::<BTreeMap<String, Value>>(body);
            agree::<Declares>(body);
            agree::<Skips>(body);
            agree::<serde::de::IgnoredAny>(body);
        }
    }

    #[test]
    fn request_ids_come_from_either_spelling() {
        let id = |b: &str| texts(read_typed::<Skips>(b.as_bytes()).1, b).0;
        assert_eq!(id(r#"{"RequestId":"a","X":1}"#).as_deref(), Some("a"));
        assert_eq!(id(r#"{"requestId":"b"}"#).as_deref(), Some("b"));
        assert_eq!(id(r#"{"RequestId":42}"#).as_deref(), Some("42"));
        // Escaped: decoded, so copied.
        assert_eq!(id(r#"{"RequestId":"r\u002d1"}"#).as_deref(), Some("r-1"));
        // Plain: read where it lies.
        let body = r#"{"RequestId":"r-2"}"#;
        let (_, probe) = read_typed::<Skips>(body.as_bytes());
        assert_eq!(probe.request_id(), Some(FoundId::At(14..17)));
        assert_eq!(Probe::read(b"<html>").request_id(), None);
    }

    #[test]
    fn error_envelope_rule_follows_the_declared_response() {
        let err = |b: &str, declares| read_typed::<Skips>(b.as_bytes()).1.is_error(declares);
        let envelope = r#"{"RequestId":"r","Code":"InvalidParameter","Message":"bad"}"#;
        assert!(err(envelope, false));
        assert!(!err(envelope, true), "no Success: false");
        assert!(err(r#"{"Code":"Forbidden","Success":false}"#, true));
        assert!(err(r#"{"Code":"Forbidden","Success":"false"}"#, true));
        assert!(!err(
            r#"{"Code":"200","Success":"true","Message":"ok"}"#,
            true
        ));
        assert!(!err(
            r#"{"Code":"200","Success":true,"Message":"ok"}"#,
            false
        ));
        assert!(!err(r#"{"RequestId":"r","JobId":"j"}"#, false));
        assert!(!err(r#"{"Code":"","Message":"x"}"#, false));
        assert!(!err(r#"{"Message":"x"}"#, false));
        assert!(!err("[]", false));
    }
}
