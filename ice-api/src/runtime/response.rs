//! Reading a 2xx body: the typed value, its `RequestId`, and whether the body is really the
//! gateway's error object (`{"Code":…,"Message":…}` with a 2xx status).
//!
//! The client runs this inside its retry loop (an error object in a 2xx body is a service error
//! the retry policy sees), through [`SuccessDecoder`], so the executor stays non-generic.

use serde::de::DeserializeOwned;

use super::error::{redacted_snippet, DecodeError, Error, ErrorKind, ServiceError};
use super::operation::Operation;
use super::redact::Redactor;

/// The top-level members of a 2xx body that say whether it is really an error, and its
/// request id.
#[derive(serde::Deserialize, Default)]
pub(crate) struct Probe {
    #[serde(rename = "RequestId", alias = "requestId")]
    request_id: Option<serde_json::Value>,
    #[serde(rename = "Code", alias = "code")]
    code: Option<serde_json::Value>,
    #[serde(rename = "Message", alias = "message")]
    message: Option<serde::de::IgnoredAny>,
    #[serde(rename = "Success", alias = "success")]
    success: Option<serde_json::Value>,
}

impl Probe {
    /// Not a JSON object (or not decodable this far): nothing to learn.
    pub(crate) fn read(body: &[u8]) -> Self {
        serde_json::from_slice(body).unwrap_or_default()
    }

    pub(crate) fn request_id(&self) -> Option<String> {
        match self.request_id.as_ref()? {
            serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    /// The rule of [`Client::send`](crate::Client::send): with `declares_code`, a non-empty
    /// `Code` and `Success: false`; otherwise a non-empty `Code` and a `Message`, unless
    /// `Success: true`.
    pub(crate) fn is_error(&self, declares_code: bool) -> bool {
        let has_code =
            matches!(&self.code, Some(serde_json::Value::String(c)) if !c.trim().is_empty());
        let success = match &self.success {
            Some(serde_json::Value::Bool(b)) => Some(*b),
            Some(serde_json::Value::String(s)) if s.trim().eq_ignore_ascii_case("true") => {
                Some(true)
            }
            Some(serde_json::Value::String(s)) if s.trim().eq_ignore_ascii_case("false") => {
                Some(false)
            }
            _ => None,
        };
        has_code
            && if declares_code {
                success == Some(false)
            } else {
                self.message.is_some() && success != Some(true)
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

/// The typed value of `body` and its probe.
fn read_typed<T: DeserializeOwned>(body: &[u8]) -> (Result<T, serde_json::Error>, Probe) {
    (serde_json::from_slice(body), Probe::read(body))
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
    let request_id = probe.request_id().map(|id| redactor.redact_owned(id));
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
