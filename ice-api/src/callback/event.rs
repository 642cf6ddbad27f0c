//! The callback envelope and its typed events.
//!
//! Every event shares one envelope: `{"EventType", "UserId", "EventTime", "MessageBody"}`
//! (Alibaba's event list documents it). The two production completion events get typed bodies;
//! every other event, and every field this SDK does not know, is kept as raw JSON. Parsing never
//! fails on unknown events or fields, only on a body that is not a JSON object with an
//! `EventType`.
//!
//! The body fields of `BatchProduceMediaComplete` are not documented publicly; the typed view
//! reads the likely ones (`JobId`, `Status`, `UserData`, `JobType`, `SubJobList`) leniently and
//! keeps the whole body in [`BatchProduceMediaComplete::raw`]. `ProduceMediaComplete` reads the
//! fields of the media producing job (`JobId`, `ProjectId`, `MediaId`, `MediaURL`, `Status`,
//! `ErrorCode`, `ErrorMessage`, `UserData`) the same way.
//!
//! ```
//! use ice_api::callback::{CallbackEvent, Event};
//!
//! let body = br#"{"EventType":"BatchProduceMediaComplete","UserId":1234567890,
//!   "EventTime":"2025-11-20T08:00:00Z",
//!   "MessageBody":{"JobId":"****20b48fb04483915d4f2cd8ac****","Status":"Finished",
//!                  "UserData":"{\"NotifyAddress\":\"https://example.com/cb\"}"}}"#;
//! let event = CallbackEvent::from_slice(body).unwrap();
//! match &event.event {
//!     Event::BatchProduceMediaComplete(done) => {
//!         assert_eq!(done.job_id.as_deref(), Some("****20b48fb04483915d4f2cd8ac****"));
//!         assert!(done.is_finished());
//!     }
//!     Event::Other { event_type, .. } => println!("unhandled {event_type}"),
//!     _ => {} // `Event` is non-exhaustive: more typed events may be added.
//! }
//! ```

use std::fmt;

use serde::Deserialize;
use serde_json::Value;

/// Event type of the batch one-click / scene job completion.
pub const BATCH_PRODUCE_MEDIA_COMPLETE: &str = "BatchProduceMediaComplete";
/// Event type of the media producing job (`SubmitMediaProducingJob`) completion.
pub const PRODUCE_MEDIA_COMPLETE: &str = "ProduceMediaComplete";

/// One callback: the envelope plus the typed or raw event.
#[derive(Debug, Clone, PartialEq)]
pub struct CallbackEvent {
    /// `EventType`, e.g. `BatchProduceMediaComplete`.
    pub event_type: String,
    /// `UserId` (Alibaba Cloud account ID), as sent (number or string).
    pub user_id: Option<String>,
    /// `EventTime`, `yyyy-MM-ddTHH:mm:ssZ`, as sent.
    pub event_time: Option<String>,
    /// The event.
    pub event: Event,
    /// The whole envelope as received.
    pub raw: Value,
}

/// The event carried by a callback.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Event {
    /// A batch media-producing (or scene) job completed.
    BatchProduceMediaComplete(BatchProduceMediaComplete),
    /// A media producing job (`SubmitMediaProducingJob`) completed.
    ProduceMediaComplete(ProduceMediaComplete),
    /// Any other event: its `MessageBody` as raw JSON (a JSON-string body is parsed when it holds
    /// JSON, else kept as a string).
    Other {
        /// `EventType`.
        event_type: String,
        /// `MessageBody`.
        body: Value,
    },
}

/// `BatchProduceMediaComplete` body. All fields optional; unknown ones stay in `raw`.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchProduceMediaComplete {
    /// Batch job ID.
    pub job_id: Option<String>,
    /// Job type, when sent.
    pub job_type: Option<String>,
    /// `Finished`, `Failed`, or another status string.
    pub status: Option<String>,
    /// The job's `UserData` (a JSON string on the wire).
    pub user_data: Option<String>,
    /// Sub-job results, when sent.
    pub sub_jobs: Vec<CallbackSubJob>,
    /// The whole `MessageBody`.
    pub raw: Value,
}

impl BatchProduceMediaComplete {
    /// `Status == "Finished"` (sub-jobs may still have failed; check [`sub_jobs`](Self::sub_jobs)).
    pub fn is_finished(&self) -> bool {
        self.status.as_deref() == Some("Finished")
    }

    /// `UserData` parsed as JSON, when it is JSON.
    pub fn user_data_json(&self) -> Option<Value> {
        serde_json::from_str(self.user_data.as_deref()?).ok()
    }
}

/// `ProduceMediaComplete` body. All fields optional; unknown ones stay in `raw`.
#[derive(Debug, Clone, PartialEq)]
pub struct ProduceMediaComplete {
    /// Media producing job ID.
    pub job_id: Option<String>,
    /// Editing project the job rendered.
    pub project_id: Option<String>,
    /// Output media asset ID.
    pub media_id: Option<String>,
    /// Output file URL.
    pub media_url: Option<String>,
    /// `Success`, `Failed`, or another status string.
    pub status: Option<String>,
    /// Error code, when failed.
    pub error_code: Option<String>,
    /// Error message, when failed.
    pub error_message: Option<String>,
    /// The job's `UserData` (a JSON string on the wire).
    pub user_data: Option<String>,
    /// The whole `MessageBody`.
    pub raw: Value,
}

impl ProduceMediaComplete {
    /// `Status == "Success"`.
    pub fn is_success(&self) -> bool {
        self.status.as_deref() == Some("Success")
    }
}

/// One sub-job in a completion event.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct CallbackSubJob {
    /// Sub-job ID.
    #[serde(deserialize_with = "lenient_string")]
    pub job_id: Option<String>,
    /// Status (`Success`, `Failed`…).
    #[serde(deserialize_with = "lenient_string")]
    pub status: Option<String>,
    /// Output media ID.
    #[serde(deserialize_with = "lenient_string")]
    pub media_id: Option<String>,
    /// Output URL.
    #[serde(rename = "MediaURL", deserialize_with = "lenient_string")]
    pub media_url: Option<String>,
    /// Error code, when failed.
    #[serde(deserialize_with = "lenient_string")]
    pub error_code: Option<String>,
    /// Error message, when failed.
    #[serde(deserialize_with = "lenient_string")]
    pub error_message: Option<String>,
}

/// A callback body that is not a JSON object with a string `EventType`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackError {
    /// What was wrong.
    pub message: String,
}

impl fmt::Display for CallbackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid ICE callback: {}", self.message)
    }
}

impl std::error::Error for CallbackError {}

impl CallbackEvent {
    /// Parses a callback body (HTTP request body or MNS message).
    pub fn from_slice(body: &[u8]) -> Result<Self, CallbackError> {
        let raw: Value = serde_json::from_slice(body).map_err(|e| CallbackError {
            message: format!("body is not JSON ({e})"),
        })?;
        Self::from_value(raw)
    }

    /// Parses an already-decoded callback.
    pub fn from_value(raw: Value) -> Result<Self, CallbackError> {
        let obj = raw.as_object().ok_or_else(|| CallbackError {
            message: "expected a JSON object".into(),
        })?;
        let event_type = obj
            .get("EventType")
            .and_then(Value::as_str)
            .ok_or_else(|| CallbackError {
                message: "/EventType: expected a string".into(),
            })?
            .to_string();
        let user_id = obj.get("UserId").and_then(scalar_string);
        let event_time = obj.get("EventTime").and_then(scalar_string);
        let body = obj
            .get("MessageBody")
            .map(unwrap_json_string)
            .unwrap_or(Value::Null);
        let event = match event_type.as_str() {
            BATCH_PRODUCE_MEDIA_COMPLETE => Event::BatchProduceMediaComplete(batch_complete(body)),
            PRODUCE_MEDIA_COMPLETE => Event::ProduceMediaComplete(media_complete(body)),
            _ => Event::Other {
                event_type: event_type.clone(),
                body,
            },
        };
        Ok(Self {
            event_type,
            user_id,
            event_time,
            event,
            raw,
        })
    }
}

/// `UserData` as sent: a string as-is, any other JSON value as its text.
fn user_data(body: &Value) -> Option<String> {
    body.get("UserData").and_then(|v| match v {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    })
}

fn media_complete(body: Value) -> ProduceMediaComplete {
    let get = |k: &str| body.get(k).and_then(scalar_string);
    ProduceMediaComplete {
        job_id: get("JobId"),
        project_id: get("ProjectId"),
        media_id: get("MediaId"),
        media_url: get("MediaURL"),
        status: get("Status"),
        error_code: get("ErrorCode"),
        error_message: get("ErrorMessage"),
        user_data: user_data(&body),
        raw: body,
    }
}

fn batch_complete(body: Value) -> BatchProduceMediaComplete {
    let get = |k: &str| body.get(k).and_then(scalar_string);
    let user_data = user_data(&body);
    let sub_jobs = body
        .get("SubJobList")
        .map(unwrap_json_string)
        .and_then(|v| match v {
            Value::Array(items) => Some(
                items
                    .iter()
                    .filter_map(|i| CallbackSubJob::deserialize(i).ok())
                    .collect(),
            ),
            _ => None,
        })
        .unwrap_or_default();
    BatchProduceMediaComplete {
        job_id: get("JobId"),
        job_type: get("JobType"),
        status: get("Status"),
        user_data,
        sub_jobs,
        raw: body,
    }
}

/// Strings as-is, numbers and booleans as text; everything else is absent.
fn scalar_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A body sent as a JSON string holding JSON is parsed; anything else is kept.
fn unwrap_json_string(v: &Value) -> Value {
    match v {
        Value::String(s) => match serde_json::from_str::<Value>(s) {
            Ok(inner @ (Value::Object(_) | Value::Array(_))) => inner,
            _ => v.clone(),
        },
        other => other.clone(),
    }
}

fn lenient_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(scalar_string(&Value::deserialize(d)?))
}
