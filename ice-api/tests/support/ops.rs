//! Small hand-written operations for the client tests (the generated ones implement the same
//! traits): a non-idempotent form-body Submit, an idempotent query-only Get (HTTP GET), and an
//! anonymous operation.

use ice_api::{
    Auth, EncodeError, EncodeWire, HttpMethod, Location, Operation, Validate, Validator, WireParams,
};
use serde::{Deserialize, Serialize};

/// `SubmitSceneMediaSelectionJob`-like: JSON configs in the form body, `ClientToken` optional.
#[derive(Debug, Clone, Default)]
pub struct SubmitJob {
    pub job_type: String,
    pub input_config: serde_json::Value,
    pub output_config: serde_json::Value,
    pub user_data: Option<String>,
    pub client_token: Option<String>,
}

impl EncodeWire for SubmitJob {
    fn encode_wire(&self, out: &mut WireParams) -> Result<(), EncodeError> {
        out.scalar(Location::Query, "JobType", self.job_type.as_str());
        out.json(Location::Form, "InputConfig", &self.input_config)?;
        out.json(Location::Form, "OutputConfig", &self.output_config)?;
        if let Some(u) = &self.user_data {
            out.scalar(Location::Form, "UserData", u.as_str());
        }
        if let Some(t) = &self.client_token {
            out.scalar(Location::Query, "ClientToken", t.as_str());
        }
        Ok(())
    }
}

impl Validate for SubmitJob {
    fn validate(&self, v: &mut Validator) {
        v.field("JobType", |v| {
            v.one_of(&self.job_type, &["Montage", "Split"])
        });
        if let Some(u) = &self.user_data {
            v.field("UserData", |v| v.bytes(u, None, Some(512)));
        }
    }
}

/// Response of [`SubmitJob`].
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
pub struct SubmitJobResponse {
    #[serde(rename = "RequestId")]
    pub request_id: String,
    #[serde(rename = "JobId")]
    pub job_id: String,
}

impl Operation for SubmitJob {
    const ACTION: &'static str = "SubmitSceneMediaSelectionJob";
    const VERSION: &'static str = "2020-11-09";
    const METHOD: HttpMethod = HttpMethod::Post;
    const AUTH: Auth = Auth::AccessKey;
    const IDEMPOTENT: bool = false;
    type Response = SubmitJobResponse;

    fn client_token(&self) -> Option<&str> {
        self.client_token.as_deref()
    }
}

/// `GetLiveRecordJob`-like: HTTP GET, everything in the query.
#[derive(Debug, Clone, Default)]
pub struct GetJob {
    pub job_id: String,
    pub job_ids: Vec<String>,
}

impl EncodeWire for GetJob {
    fn encode_wire(&self, out: &mut WireParams) -> Result<(), EncodeError> {
        out.scalar(Location::Query, "JobId", self.job_id.as_str());
        if !self.job_ids.is_empty() {
            out.flat(Location::Query, "JobIds", &self.job_ids)?;
        }
        Ok(())
    }
}

impl Validate for GetJob {
    fn validate(&self, v: &mut Validator) {
        v.field("JobId", |v| v.chars(&self.job_id, Some(1), Some(64)));
    }
}

/// Response of [`GetJob`].
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct GetJobResponse {
    #[serde(rename = "RequestId")]
    pub request_id: String,
    #[serde(rename = "Status")]
    pub status: String,
}

impl Operation for GetJob {
    const ACTION: &'static str = "GetLiveRecordJob";
    const VERSION: &'static str = "2020-11-09";
    const METHOD: HttpMethod = HttpMethod::Get;
    const AUTH: Auth = Auth::AccessKey;
    const IDEMPOTENT: bool = true;
    type Response = GetJobResponse;
}

/// `GetPublicMediaInfo`-like: anonymous, sent unsigned.
#[derive(Debug, Clone, Default)]
pub struct PublicInfo {
    pub media_id: String,
}

impl EncodeWire for PublicInfo {
    fn encode_wire(&self, out: &mut WireParams) -> Result<(), EncodeError> {
        out.scalar(Location::Query, "MediaId", self.media_id.as_str());
        Ok(())
    }
}

impl Validate for PublicInfo {}

impl Operation for PublicInfo {
    const ACTION: &'static str = "GetPublicMediaInfo";
    const VERSION: &'static str = "2020-11-09";
    const METHOD: HttpMethod = HttpMethod::Post;
    const AUTH: Auth = Auth::Anonymous;
    const IDEMPOTENT: bool = true;
    type Response = serde_json::Value;
}
