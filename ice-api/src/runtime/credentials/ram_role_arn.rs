//! Temporary credentials for a RAM role from STS `AssumeRole`, signed with the RPC (V2)
//! signature using source credentials.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use super::cache::CredentialsCache;
use super::http::{display_url, is_loopback, Http};
use super::sts::{
    assume, default_margin, default_session_name, encode_pairs, pair, StsEndpoint, STS_VERSION,
};
use super::validate::{self, DEFAULT_DURATION_SECONDS};
use super::{BoxFuture, Credentials, CredentialsError, Env, ProvideCredentials};
use crate::runtime::sign::{clock, v2};

const PROVIDER: &str = "ram_role_arn";

/// HTTP method of the `AssumeRole` call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StsMethod {
    /// Common parameters in the query, role parameters in a form body (as credentials-go does).
    #[default]
    Post,
    /// Every parameter in the query.
    Get,
}

/// Assumes a RAM role through STS `AssumeRole` and caches the temporary credentials until
/// shortly before they expire.
///
/// The endpoint is `https://sts.aliyuncs.com`, or `https://sts.<region>.aliyuncs.com` with an STS
/// region (from [`with_sts_region`](Self::with_sts_region) or `ALIBABA_CLOUD_STS_REGION`), or
/// `https://sts-vpc.<region>.aliyuncs.com` when VPC is enabled (`ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED=true`).
/// [`with_endpoint`](Self::with_endpoint) overrides all of that.
///
/// The default refresh margin is 15 minutes, capped at half the requested duration so that
/// short sessions (`DurationSeconds=900`) are not refreshed on every call.
///
/// Before any request the role ARN must have the form `acs:ram::<account id>:role/<name>` and the
/// duration be at least 900 seconds, as the official libraries require. The credentials are
/// named `ram_role_arn/<source's name>` (e.g. `ram_role_arn/static_ak`), and the `AssumeRole`
/// call carries the source's name in `x-acs-credentials-provider`, as credentials-go does.
///
/// ```
/// use std::sync::Arc;
/// use ice_api::runtime::credentials::{RamRoleArnProvider, StaticProvider};
/// let source = Arc::new(StaticProvider::new("LTAI5tExampleKeyabcd", "secret"));
/// let provider = RamRoleArnProvider::new(source, "acs:ram::123456789012:role/ice-worker")
///     .with_session_name("batch-submitter")
///     .with_duration_seconds(1800)
///     .with_sts_region("cn-shanghai", false);
/// # let _ = provider;
/// ```
pub struct RamRoleArnProvider {
    source: Arc<dyn ProvideCredentials>,
    role_arn: String,
    session_name: Option<String>,
    duration_seconds: u32,
    policy: Option<String>,
    external_id: Option<String>,
    sts: StsEndpoint,
    method: StsMethod,
    env: Env,
    http: Http,
    refresh_margin: Option<Duration>,
    cache: CredentialsCache,
}

impl RamRoleArnProvider {
    /// Assumes `role_arn` using credentials from `source` (an AccessKey, or STS credentials).
    pub fn new(source: Arc<dyn ProvideCredentials>, role_arn: impl Into<String>) -> Self {
        Self {
            source,
            role_arn: role_arn.into(),
            session_name: None,
            duration_seconds: DEFAULT_DURATION_SECONDS,
            policy: None,
            external_id: None,
            sts: StsEndpoint::default(),
            method: StsMethod::Post,
            env: Env::process(),
            http: Http::new(Duration::from_secs(5), Duration::from_secs(10), true),
            refresh_margin: None,
            cache: CredentialsCache::new(default_margin(DEFAULT_DURATION_SECONDS)),
        }
    }

    fn rebuild_cache(mut self) -> Self {
        let margin = self
            .refresh_margin
            .unwrap_or_else(|| default_margin(self.duration_seconds));
        self.cache = CredentialsCache::new(margin);
        self
    }

    /// `RoleSessionName` (default `ice-rs-<unix seconds>`).
    pub fn with_session_name(mut self, name: impl Into<String>) -> Self {
        self.session_name = Some(name.into());
        self
    }

    /// `DurationSeconds` (default 3600; at least 900, checked before sending).
    pub fn with_duration_seconds(mut self, seconds: u32) -> Self {
        self.duration_seconds = seconds;
        self.rebuild_cache()
    }

    /// An inline session `Policy` (JSON) further restricting the role.
    pub fn with_policy(mut self, policy: impl Into<String>) -> Self {
        self.policy = Some(policy.into());
        self
    }

    /// `ExternalId` required by the role's trust policy.
    pub fn with_external_id(mut self, external_id: impl Into<String>) -> Self {
        self.external_id = Some(external_id.into());
        self
    }

    /// Uses the regional STS endpoint `sts.<region>.aliyuncs.com` (`sts-vpc.…` if `vpc`).
    pub fn with_sts_region(mut self, region: impl Into<String>, vpc: bool) -> Self {
        self.sts.region = Some(region.into());
        self.sts.vpc = vpc;
        self
    }

    /// A full STS base URL such as `https://sts.aliyuncs.com` or `http://127.0.0.1:8080`
    /// (a bare host gets `https://`).
    pub fn with_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        let endpoint = endpoint.into();
        // A system proxy would not reach a stand-in on this machine.
        let proxy = !is_loopback(&endpoint);
        self.http = self.http.with_system_proxy(proxy);
        self.sts.endpoint = Some(endpoint);
        self
    }

    /// Sends `AssumeRole` as GET or POST (default POST).
    pub fn with_method(mut self, method: StsMethod) -> Self {
        self.method = method;
        self
    }

    /// Reads `ALIBABA_CLOUD_STS_REGION` / `ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED` from `env`.
    pub fn with_env(mut self, env: Env) -> Self {
        self.env = env;
        self
    }

    /// Connect and total timeouts of the STS call (defaults 5 s and 10 s).
    pub fn with_timeouts(mut self, connect: Duration, total: Duration) -> Self {
        self.http = self.http.with_timeouts(connect, total);
        self
    }

    /// Refreshes `margin` before expiry (default: 15 minutes, at most half the duration).
    pub fn with_refresh_margin(mut self, margin: Duration) -> Self {
        self.refresh_margin = Some(margin);
        self.rebuild_cache()
    }

    /// The STS base URL this provider calls.
    pub fn endpoint(&self) -> String {
        self.sts.url(&self.env)
    }

    async fn assume_role(&self) -> Result<Credentials, CredentialsError> {
        let invalid =
            |what: &str, msg: String| CredentialsError::new(PROVIDER, format!("{what} {msg}"));
        validate::duration_seconds(u64::from(self.duration_seconds))
            .map_err(|m| invalid("DurationSeconds", m))?;
        validate::role_arn(self.role_arn.trim()).map_err(|m| invalid("RoleArn:", m))?;
        let source = self
            .source
            .provide()
            .await
            .map_err(|e| CredentialsError::new(PROVIDER, format!("source credentials: {e}")))?;

        let session_name = self
            .session_name
            .clone()
            .unwrap_or_else(default_session_name);
        let mut role_params = vec![
            pair("RoleArn", self.role_arn.trim()),
            pair("RoleSessionName", &session_name),
            pair("DurationSeconds", &self.duration_seconds.to_string()),
        ];
        if let Some(p) = &self.policy {
            role_params.push(pair("Policy", p));
        }
        if let Some(x) = &self.external_id {
            role_params.push(pair("ExternalId", x));
        }

        let nonce =
            clock::new_nonce().map_err(|e| CredentialsError::new(PROVIDER, e.to_string()))?;
        let mut common = vec![
            pair("AccessKeyId", &source.access_key_id),
            pair("Action", "AssumeRole"),
            pair("Format", "JSON"),
            pair("SignatureMethod", v2::SIGNATURE_METHOD),
            pair("SignatureNonce", &nonce),
            pair("SignatureVersion", v2::SIGNATURE_VERSION),
            pair("Timestamp", &clock::format_acs_date(SystemTime::now())),
            pair("Version", STS_VERSION),
        ];
        if let Some(token) = source
            .security_token
            .as_ref()
            .filter(|t| !t.expose().is_empty())
        {
            common.push(pair("SecurityToken", token.expose()));
        }

        let method = match self.method {
            StsMethod::Get => "GET",
            StsMethod::Post => "POST",
        };
        let mut signed: Vec<(String, String)> = common.clone();
        signed.extend(role_params.iter().cloned());
        let signature = v2::sign_v2(method, &signed, source.access_key_secret.expose());

        let (mut query, body) = match self.method {
            StsMethod::Get => (signed, None),
            StsMethod::Post => (common, Some(encode_pairs(&role_params))),
        };
        query.push(("Signature".to_string(), signature));
        let base = self.endpoint();
        let url = format!("{base}/?{}", encode_pairs(&query));

        let client = self.http.client(PROVIDER)?;
        let req = match body {
            None => client.get(&url),
            Some(body) => client
                .post(&url)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body),
        };
        let req = match source.provider_name.as_str() {
            "" => req,
            name => req.header("x-acs-credentials-provider", name),
        };
        let what = format!("STS AssumeRole at {}", display_url(&base));
        let name = format!("{PROVIDER}/{}", source.provider_name);
        let secrets = [
            source.access_key_secret.expose(),
            source.security_token.as_ref().map_or("", |t| t.expose()),
        ];
        assume(PROVIDER, &what, req, &name, &secrets).await
    }
}

impl fmt::Debug for RamRoleArnProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RamRoleArnProvider")
            .field("source", &self.source)
            .field("role_arn", &self.role_arn)
            .field("session_name", &self.session_name)
            .field("duration_seconds", &self.duration_seconds)
            .field("policy", &self.policy.as_ref().map(|_| "<set>"))
            .field("external_id", &self.external_id.as_ref().map(|_| "<set>"))
            .field("endpoint", &self.endpoint())
            .field("method", &self.method)
            .field("timeouts", &self.http.timeouts())
            .field("cache", &self.cache)
            .finish()
    }
}

impl ProvideCredentials for RamRoleArnProvider {
    fn provide(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.cache.get_or_refresh(Box::pin(self.assume_role())))
    }
}
