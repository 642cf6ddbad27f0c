//! Temporary credentials for a RAM role from STS `AssumeRoleWithOIDC`, with an OIDC token read
//! from a file: RRSA on Alibaba Cloud's Kubernetes service (ACK), where each pod's service
//! account token is projected into a file that the kubelet rotates.

use std::fmt;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use super::cache::CredentialsCache;
use super::files::{describe, read_bounded, MAX_TOKEN_FILE};
use super::http::{display_url, is_loopback, Http};
use super::sts::{
    assume, default_margin, default_session_name, encode_pairs, pair, StsEndpoint, STS_VERSION,
};
use super::validate::{self, DEFAULT_DURATION_SECONDS};
use super::{BoxFuture, Credentials, CredentialsError, Env, ProvideCredentials, Secret};
use crate::runtime::sign::clock;

pub(crate) const PROVIDER: &str = "oidc_role_arn";
pub(crate) const ROLE_ARN: &str = "ALIBABA_CLOUD_ROLE_ARN";
pub(crate) const OIDC_PROVIDER_ARN: &str = "ALIBABA_CLOUD_OIDC_PROVIDER_ARN";
pub(crate) const OIDC_TOKEN_FILE: &str = "ALIBABA_CLOUD_OIDC_TOKEN_FILE";
pub(crate) const ROLE_SESSION_NAME: &str = "ALIBABA_CLOUD_ROLE_SESSION_NAME";

/// A value and where it came from (a variable, a builder option or a file key), for errors.
#[derive(Debug, Clone)]
pub(crate) struct Setting {
    pub(crate) value: String,
    pub(crate) from: String,
}

impl Setting {
    pub(crate) fn new(value: impl Into<String>, from: impl Into<String>) -> Self {
        Self {
            value: value.into(),
            from: from.into(),
        }
    }
}

/// Assumes a RAM role through STS `AssumeRoleWithOIDC` and caches the temporary credentials until
/// shortly before they expire (the same cache as [`CachingProvider`](super::CachingProvider)).
///
/// What is not given through the builder is read from the environment, as the official
/// libraries read it: `ALIBABA_CLOUD_ROLE_ARN`, `ALIBABA_CLOUD_OIDC_PROVIDER_ARN`,
/// `ALIBABA_CLOUD_OIDC_TOKEN_FILE` and `ALIBABA_CLOUD_ROLE_SESSION_NAME` (default
/// `ice-rs-<unix seconds>`); the STS endpoint follows `ALIBABA_CLOUD_STS_REGION` and
/// `ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED` like [`RamRoleArnProvider`](super::RamRoleArnProvider).
/// The policy and the duration (default 3600, at least 900) have no variable in the official
/// libraries either; set them with the builder.
///
/// - None of the three set: not configured (a chain moves on).
/// - One or two set: an error naming the missing ones (a chain stops).
/// - The token file is read again on every refresh, because the kubelet rotates it; a missing,
///   unreadable or empty file is an error naming the variable and path.
///
/// The call is unsigned (the token is the proof) and sends the token in a form body, never in
/// the URL. The token is never kept, logged or shown; server messages are scrubbed of it.
///
/// ```no_run
/// # async fn demo() -> Result<(), ice_api::runtime::credentials::CredentialsError> {
/// use ice_api::runtime::credentials::{OidcRoleArnProvider, ProvideCredentials};
/// // On an ACK pod with RRSA, everything comes from the environment:
/// let creds = OidcRoleArnProvider::new().provide().await?;
/// // Or explicitly:
/// let provider = OidcRoleArnProvider::new()
///     .with_role_arn("acs:ram::1234567890123456:role/ice-worker")
///     .with_oidc_provider_arn("acs:ram::1234567890123456:oidc-provider/ack-rrsa-c1")
///     .with_token_file("/var/run/secrets/ack.alibabacloud.com/rrsa-tokens/token")
///     .with_duration_seconds(1800)
///     .with_sts_region("cn-shanghai", true);
/// # let _ = (creds, provider);
/// # Ok(()) }
/// ```
pub struct OidcRoleArnProvider {
    role_arn: Option<Setting>,
    oidc_provider_arn: Option<Setting>,
    token_file: Option<Setting>,
    session_name: Option<String>,
    policy: Option<String>,
    duration_seconds: u32,
    sts: StsEndpoint,
    env: Env,
    http: Http,
    refresh_margin: Option<Duration>,
    cache: CredentialsCache,
}

impl Default for OidcRoleArnProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl OidcRoleArnProvider {
    /// Reads every setting not given through the builder from the process environment.
    pub fn new() -> Self {
        Self {
            role_arn: None,
            oidc_provider_arn: None,
            token_file: None,
            session_name: None,
            policy: None,
            duration_seconds: DEFAULT_DURATION_SECONDS,
            sts: StsEndpoint::default(),
            env: Env::process(),
            http: Http::new(Duration::from_secs(5), Duration::from_secs(10), true),
            refresh_margin: None,
            cache: CredentialsCache::new(default_margin(DEFAULT_DURATION_SECONDS)),
        }
    }

    /// `RoleArn` instead of `ALIBABA_CLOUD_ROLE_ARN`.
    pub fn with_role_arn(mut self, arn: impl Into<String>) -> Self {
        self.role_arn = Some(Setting::new(arn, "role_arn"));
        self
    }

    /// `OIDCProviderArn` instead of `ALIBABA_CLOUD_OIDC_PROVIDER_ARN`.
    pub fn with_oidc_provider_arn(mut self, arn: impl Into<String>) -> Self {
        self.oidc_provider_arn = Some(Setting::new(arn, "oidc_provider_arn"));
        self
    }

    /// The token file instead of `ALIBABA_CLOUD_OIDC_TOKEN_FILE`.
    pub fn with_token_file(mut self, path: impl Into<PathBuf>) -> Self {
        let path = path.into().to_string_lossy().into_owned();
        self.token_file = Some(Setting::new(path, "token_file"));
        self
    }

    /// `RoleSessionName` instead of `ALIBABA_CLOUD_ROLE_SESSION_NAME`.
    pub fn with_session_name(mut self, name: impl Into<String>) -> Self {
        self.session_name = Some(name.into());
        self
    }

    /// An inline session `Policy` (JSON) further restricting the role.
    pub fn with_policy(mut self, policy: impl Into<String>) -> Self {
        self.policy = Some(policy.into());
        self
    }

    /// `DurationSeconds` (default 3600; at least 900, checked before sending).
    pub fn with_duration_seconds(mut self, seconds: u32) -> Self {
        self.duration_seconds = seconds;
        self.rebuild_cache()
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
        self.http = self.http.with_system_proxy(!is_loopback(&endpoint));
        self.sts.endpoint = Some(endpoint);
        self
    }

    /// Reads variables from `env` instead of the process environment.
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

    /// The three settings from a file (CLI profile, credentials file), each labelled with where
    /// it was found.
    pub(crate) fn from_file(
        role_arn: Setting,
        oidc_provider_arn: Setting,
        token_file: Setting,
    ) -> Self {
        let mut p = Self::new();
        p.role_arn = Some(role_arn);
        p.oidc_provider_arn = Some(oidc_provider_arn);
        p.token_file = Some(token_file);
        p
    }

    fn rebuild_cache(mut self) -> Self {
        let margin = self
            .refresh_margin
            .unwrap_or_else(|| default_margin(self.duration_seconds));
        self.cache = CredentialsCache::new(margin);
        self
    }

    /// The STS base URL this provider calls.
    pub fn endpoint(&self) -> String {
        self.sts.url(&self.env)
    }

    fn setting(&self, given: &Option<Setting>, var: &str) -> Option<Setting> {
        given
            .clone()
            .or_else(|| self.env.non_empty(var).map(|v| Setting::new(v, var)))
    }

    /// Role ARN, provider ARN and token file, or why they are not (all) there.
    fn settings(&self) -> Result<[Setting; 3], CredentialsError> {
        let found = [
            (self.setting(&self.role_arn, ROLE_ARN), ROLE_ARN),
            (
                self.setting(&self.oidc_provider_arn, OIDC_PROVIDER_ARN),
                OIDC_PROVIDER_ARN,
            ),
            (
                self.setting(&self.token_file, OIDC_TOKEN_FILE),
                OIDC_TOKEN_FILE,
            ),
        ];
        let missing: Vec<&str> = found
            .iter()
            .filter(|(s, _)| s.is_none())
            .map(|(_, var)| *var)
            .collect();
        let given: Vec<String> = found
            .iter()
            .filter_map(|(s, _)| s.as_ref().map(|s| s.from.clone()))
            .collect();
        match found {
            [(Some(role), _), (Some(provider), _), (Some(token), _)] => Ok([role, provider, token]),
            _ if given.is_empty() => Err(CredentialsError::not_configured(
                PROVIDER,
                format!("{ROLE_ARN}, {OIDC_PROVIDER_ARN} and {OIDC_TOKEN_FILE} not set"),
            )),
            _ => Err(CredentialsError::new(
                PROVIDER,
                format!(
                    "{} set but {} not set; OIDC needs the role ARN, the OIDC provider ARN and \
                     the token file",
                    given.join(" and "),
                    missing.join(" and ")
                ),
            )),
        }
    }

    async fn assume_role_with_oidc(&self) -> Result<Credentials, CredentialsError> {
        let [role, provider, token_file] = self.settings()?;
        let invalid = |s: &Setting, msg: String| {
            CredentialsError::new(PROVIDER, format!("{}: {msg}", s.from))
        };
        validate::role_arn(&role.value).map_err(|m| invalid(&role, m))?;
        validate::oidc_provider_arn(&provider.value).map_err(|m| invalid(&provider, m))?;
        let duration = validate::duration_seconds(u64::from(self.duration_seconds))
            .map_err(|m| CredentialsError::new(PROVIDER, format!("DurationSeconds {m}")))?;

        // Read on every refresh: the kubelet rotates the token.
        let path = PathBuf::from(&token_file.value);
        let token = read_bounded(&path, MAX_TOKEN_FILE)
            .map(|t| Secret::new(t.trim()))
            .map_err(|e| {
                CredentialsError::new(
                    PROVIDER,
                    format!("{}: {}", token_file.from, describe(&path, &e)),
                )
                .with_source(e)
            })?;
        if token.expose().is_empty() {
            return Err(CredentialsError::new(
                PROVIDER,
                format!(
                    "{}: the token file {} is empty",
                    token_file.from,
                    path.display()
                ),
            ));
        }

        let session_name = self
            .session_name
            .clone()
            .or_else(|| self.env.non_empty(ROLE_SESSION_NAME))
            .unwrap_or_else(default_session_name);
        let query = [
            pair("Action", "AssumeRoleWithOIDC"),
            pair("Format", "JSON"),
            pair("Version", STS_VERSION),
            pair("Timestamp", &clock::format_acs_date(SystemTime::now())),
        ];
        let mut form = vec![
            pair("RoleArn", &role.value),
            pair("OIDCProviderArn", &provider.value),
            pair("OIDCToken", token.expose()),
            pair("RoleSessionName", &session_name),
            pair("DurationSeconds", &duration.to_string()),
        ];
        if let Some(p) = self.policy.as_deref().filter(|p| !p.is_empty()) {
            form.push(pair("Policy", p));
        }
        let base = self.endpoint();
        let req = self
            .http
            .client(PROVIDER)?
            .post(format!("{base}/?{}", encode_pairs(&query)))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(encode_pairs(&form));
        let what = format!("STS AssumeRoleWithOIDC at {}", display_url(&base));
        assume(PROVIDER, &what, req, PROVIDER, &[token.expose()]).await
    }
}

impl fmt::Debug for OidcRoleArnProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = |s: &Option<Setting>| s.as_ref().map(|s| s.value.clone());
        f.debug_struct("OidcRoleArnProvider")
            .field("role_arn", &value(&self.role_arn))
            .field("oidc_provider_arn", &value(&self.oidc_provider_arn))
            .field("token_file", &value(&self.token_file))
            .field("session_name", &self.session_name)
            .field("duration_seconds", &self.duration_seconds)
            .field("policy", &self.policy.as_ref().map(|_| "<set>"))
            .field("endpoint", &self.endpoint())
            .field("timeouts", &self.http.timeouts())
            .field("env", &self.env)
            .field("cache", &self.cache)
            .finish()
    }
}

impl ProvideCredentials for OidcRoleArnProvider {
    fn provide(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(
            self.cache
                .get_or_refresh(Box::pin(self.assume_role_with_oidc())),
        )
    }
}
