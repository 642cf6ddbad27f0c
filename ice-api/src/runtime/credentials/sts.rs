//! What the STS providers (`AssumeRole`, `AssumeRoleWithOIDC`) share: the endpoint, the
//! request encoding, the refresh margin and the reading of the answer.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::cache::DEFAULT_REFRESH_MARGIN;
use super::document::{parse_json, service_error, temporary_credentials};
use super::http::send;
use super::redact::scrub;
use super::{Credentials, CredentialsError, Env};
use crate::runtime::sign::percent;

/// STS API version of `AssumeRole` and `AssumeRoleWithOIDC`.
pub(crate) const STS_VERSION: &str = "2015-04-01";
const STS_REGION: &str = "ALIBABA_CLOUD_STS_REGION";
const VPC_ENDPOINT_ENABLED: &str = "ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED";

/// Where STS is: an explicit base URL, else `sts[-vpc].<region>.aliyuncs.com` with a region
/// given or from `ALIBABA_CLOUD_STS_REGION`, else `sts.aliyuncs.com`.
#[derive(Debug, Clone, Default)]
pub(crate) struct StsEndpoint {
    pub(crate) endpoint: Option<String>,
    pub(crate) region: Option<String>,
    pub(crate) vpc: bool,
}

impl StsEndpoint {
    /// The base URL, reading the region and VPC switch from `env` when not given.
    pub(crate) fn url(&self, env: &Env) -> String {
        if let Some(e) = &self.endpoint {
            let e = e.trim_end_matches('/');
            return if e.contains("://") {
                e.to_string()
            } else {
                format!("https://{e}")
            };
        }
        let region = self.region.clone().or_else(|| env.non_empty(STS_REGION));
        let vpc = self.vpc || env.flag(VPC_ENDPOINT_ENABLED);
        match region {
            Some(r) if vpc => format!("https://sts-vpc.{r}.aliyuncs.com"),
            Some(r) => format!("https://sts.{r}.aliyuncs.com"),
            None => "https://sts.aliyuncs.com".to_string(),
        }
    }
}

/// The default refresh margin: 15 minutes, at most half the session, so that short sessions
/// (900 s) are not refreshed on every call.
pub(crate) fn default_margin(duration_seconds: u32) -> Duration {
    DEFAULT_REFRESH_MARGIN.min(Duration::from_secs(u64::from(duration_seconds / 2)))
}

/// `RoleSessionName` when none is given: `ice-rs-<unix seconds>`.
pub(crate) fn default_session_name() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    format!("ice-rs-{secs}")
}

pub(crate) fn pair(k: &str, v: &str) -> (String, String) {
    (k.to_string(), v.to_string())
}

/// `k=v&…` with RFC 3986 encoding (valid both as a query and as a form body).
pub(crate) fn encode_pairs(pairs: &[(String, String)]) -> String {
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(&percent::encode(k));
        out.push('=');
        out.push_str(&percent::encode(v));
    }
    out
}

/// Sends an STS call and reads the `Credentials` of its answer, named `provider_name`. Error
/// messages carry the service's Code/Message/RequestId with `secrets` (and anything shaped like a
/// JWT) scrubbed, since STS may echo what it was sent.
pub(crate) async fn assume(
    provider: &str,
    what: &str,
    req: reqwest::RequestBuilder,
    provider_name: &str,
    secrets: &[&str],
) -> Result<Credentials, CredentialsError> {
    let scrubbed = |mut e: CredentialsError| {
        e.message = scrub(&e.message, secrets);
        e
    };
    let (status, body) = send(provider, what, req).await?;
    if !(200..300).contains(&status) {
        return Err(scrubbed(service_error(provider, what, status, &body)));
    }
    let doc = parse_json(provider, what, status, &body)?;
    let Some(creds) = doc.get("Credentials") else {
        return Err(scrubbed(service_error(provider, what, status, &body)));
    };
    temporary_credentials(provider, what, creds, provider_name)
}
