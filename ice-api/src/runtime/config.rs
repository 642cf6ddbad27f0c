//! Client configuration: endpoint, credentials, signature version, timeouts, retries, the
//! response-size cap and the optional client-side rate limit. Building never panics: every problem is a [`ConfigError`]
//! naming the setting.
//!
//! ```
//! use std::time::Duration;
//! use ice_api::runtime::credentials::Credentials;
//! use ice_api::{Config, RetryPolicy};
//!
//! let config = Config::builder()
//!     .region("cn-shanghai")
//!     .credentials(Credentials::new("LTAI5tExampleKeyabcd", "example-secret"))
//!     .read_timeout(Duration::from_secs(20))
//!     .retry_policy(RetryPolicy::new().with_max_attempts(5))
//!     .rate_limit_per_second(10.0)
//!     .build()
//!     .unwrap();
//! assert_eq!(config.endpoint().url(), "https://ice.cn-shanghai.aliyuncs.com/");
//! assert!(!format!("{config:?}").contains("example-secret"));
//! ```

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::credentials::{Credentials, DefaultChain, ProvideCredentials, StaticProvider};
use super::endpoint::{check_region, Endpoint, Network};
use super::rate_limit::RateLimit;
use super::retry::RetryPolicy;

/// Environment variable holding the region id (e.g. `cn-shanghai`).
pub const ENV_REGION: &str = "ALIBABA_CLOUD_REGION_ID";
/// Environment variable holding a full endpoint URL that overrides the regional one (a proxy or
/// a local emulator, e.g. `http://127.0.0.1:8080`).
pub const ENV_ENDPOINT: &str = "ALIBABA_CLOUD_ICE_ENDPOINT";

/// `user-agent` sent with every request.
pub const USER_AGENT: &str = concat!("ice-rs/", env!("CARGO_PKG_VERSION"));

/// Default cap on a success response body: 32 MiB.
///
/// ICE's largest answers are list pages (at most 100 items per page for every paginated
/// operation; a media item with its file list, signed URLs and tags is a few KiB to a few tens
/// of KiB, so a page stays in the low MiB) and inline job results and configurations (editing
/// timelines, templates, ASR / smart-tagging output of long media), which run to a few MiB.
/// 32 MiB leaves about an order of magnitude of headroom over both while bounding the memory one
/// call can take. Raise it with [`ConfigBuilder::max_response_bytes`] if an operation needs more.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 32 * 1024 * 1024;

/// Smallest accepted [`ConfigBuilder::max_response_bytes`]: a gateway error object must fit.
pub const MIN_MAX_RESPONSE_BYTES: usize = 1024;

/// A setting that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The setting, e.g. `endpoint`, `region`, `read_timeout`.
    pub setting: String,
    /// What is wrong and what was expected.
    pub message: String,
}

impl ConfigError {
    /// An error about `setting`.
    pub fn new(setting: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            setting: setting.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.setting, self.message)
    }
}

impl std::error::Error for ConfigError {}

/// Which signature requests carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SignatureVersion {
    /// `ACS3-HMAC-SHA256` in the `Authorization` header (the official SDKs' default).
    #[default]
    V3,
    /// The older RPC signature (HMAC-SHA1, `SignatureVersion=1.0`): common parameters and
    /// `Signature` in the query. Documented as discontinued; use only where V3 is refused.
    V2,
}

/// Connect, read and total timeouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Establishing the connection (TCP + TLS). Default 5 s.
    pub connect: Duration,
    /// Longest wait for the next bytes of a response. Default 10 s.
    pub read: Duration,
    /// Whole call, retries and their waits included, from its first wait or attempt (the
    /// microseconds of validation and encoding before are not counted). Default 60 s.
    pub total: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(5),
            read: Duration::from_secs(10),
            total: Duration::from_secs(60),
        }
    }
}

/// A validated client configuration. Build one with [`Config::builder`] or
/// [`Config::from_env`].
#[derive(Clone)]
pub struct Config {
    region: Option<String>,
    endpoint: Endpoint,
    credentials: Option<Arc<dyn ProvideCredentials>>,
    signature_version: SignatureVersion,
    timeouts: Timeouts,
    retry: RetryPolicy,
    rate_limit: Option<RateLimit>,
    user_agent: String,
    max_response_bytes: usize,
}

impl Config {
    /// A builder with the defaults (V3, 5/10/60 s timeouts, [`RetryPolicy::default`], no rate
    /// limit, [`DEFAULT_MAX_RESPONSE_BYTES`], no credentials).
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }

    /// Configuration from the environment: credentials from the default chain (environment
    /// variables, CLI profile, credentials file, ECS RAM role, …), region from
    /// `ALIBABA_CLOUD_REGION_ID`, and an endpoint override from `ALIBABA_CLOUD_ICE_ENDPOINT`.
    /// One of the last two must be set.
    pub fn from_env() -> Result<Config, ConfigError> {
        Self::builder_from_env()?.build()
    }

    /// Like [`from_env`](Self::from_env) but returns the builder, to adjust further settings.
    pub fn builder_from_env() -> Result<ConfigBuilder, ConfigError> {
        builder_from_vars(|k| std::env::var(k).ok())
            .map(|b| b.credentials_provider(DefaultChain::new()))
    }

    /// The region id, if one was given.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// Where requests go.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// The credentials provider, if any.
    pub fn credentials_provider(&self) -> Option<&Arc<dyn ProvideCredentials>> {
        self.credentials.as_ref()
    }

    /// V3 (default) or V2.
    pub fn signature_version(&self) -> SignatureVersion {
        self.signature_version
    }

    /// Timeouts.
    pub fn timeouts(&self) -> Timeouts {
        self.timeouts
    }

    /// Retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// Client-side rate limit, if enabled.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.rate_limit
    }

    /// The `user-agent` header value.
    pub fn user_agent(&self) -> &str {
        &self.user_agent
    }

    /// Largest success body the client reads, in bytes (default
    /// [`DEFAULT_MAX_RESPONSE_BYTES`]).
    pub fn max_response_bytes(&self) -> usize {
        self.max_response_bytes
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            // Providers' `Debug` never shows secrets (contract of `ProvideCredentials`).
            .field("credentials", &self.credentials)
            .field("signature_version", &self.signature_version)
            .field("timeouts", &self.timeouts)
            .field("retry", &self.retry)
            .field("rate_limit", &self.rate_limit)
            .field("user_agent", &self.user_agent)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish()
    }
}

/// Reads region and endpoint from `var` (a lookup into the environment).
fn builder_from_vars(var: impl Fn(&str) -> Option<String>) -> Result<ConfigBuilder, ConfigError> {
    let mut b = Config::builder();
    let non_empty = |k: &str| {
        var(k)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    if let Some(region) = non_empty(ENV_REGION) {
        check_region(&region).map_err(|e| ConfigError::new(ENV_REGION, e.message))?;
        b = b.region(region);
    }
    if let Some(endpoint) = non_empty(ENV_ENDPOINT) {
        Endpoint::parse(&endpoint).map_err(|e| ConfigError::new(ENV_ENDPOINT, e.message))?;
        b = b.endpoint(endpoint);
    }
    if b.region.is_none() && b.endpoint.is_none() {
        return Err(ConfigError::new(
            ENV_REGION,
            format!("is not set (set {ENV_REGION}, e.g. cn-shanghai, or {ENV_ENDPOINT})"),
        ));
    }
    Ok(b)
}

/// Builder for [`Config`]; [`build`](ConfigBuilder::build) checks every setting.
#[derive(Clone, Default)]
pub struct ConfigBuilder {
    region: Option<String>,
    network: Network,
    endpoint: Option<String>,
    credentials: Option<Arc<dyn ProvideCredentials>>,
    signature_version: SignatureVersion,
    timeouts: Timeouts,
    retry: RetryPolicy,
    rate_limit: Option<RateLimit>,
    rate_per_second: Option<f64>,
    user_agent_suffix: Option<String>,
    max_response_bytes: Option<usize>,
}

impl fmt::Debug for ConfigBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfigBuilder")
            .field("region", &self.region)
            .field("network", &self.network)
            .field("endpoint", &self.endpoint)
            .field("credentials", &self.credentials)
            .finish_non_exhaustive()
    }
}

impl ConfigBuilder {
    /// Region id, e.g. `cn-shanghai`; gives the endpoint `https://ice.<region>.aliyuncs.com`
    /// unless [`endpoint`](Self::endpoint) is set.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Public (default) or VPC endpoint for the region.
    pub fn network(mut self, network: Network) -> Self {
        self.network = network;
        self
    }

    /// Explicit endpoint URL (wins over the region), e.g. `http://127.0.0.1:8080`.
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// Fixed credentials (AccessKey, optionally with an STS token).
    pub fn credentials(self, credentials: Credentials) -> Self {
        self.credentials_provider(StaticProvider::from_credentials(credentials))
    }

    /// A credentials provider (e.g. [`DefaultChain`]); it is asked before every attempt and is
    /// expected to cache.
    pub fn credentials_provider(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.credentials = Some(Arc::new(provider));
        self
    }

    /// A shared credentials provider.
    pub fn shared_credentials_provider(mut self, provider: Arc<dyn ProvideCredentials>) -> Self {
        self.credentials = Some(provider);
        self
    }

    /// V3 (default) or V2 signatures.
    pub fn signature_version(mut self, version: SignatureVersion) -> Self {
        self.signature_version = version;
        self
    }

    /// Connect timeout (default 5 s).
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.timeouts.connect = d;
        self
    }

    /// Read timeout: longest wait for the next response bytes (default 10 s).
    pub fn read_timeout(mut self, d: Duration) -> Self {
        self.timeouts.read = d;
        self
    }

    /// Deadline of a whole call, retries included (default 60 s).
    pub fn total_timeout(mut self, d: Duration) -> Self {
        self.timeouts.total = d;
        self
    }

    /// Retry policy (default [`RetryPolicy::default`]; [`RetryPolicy::disabled`] turns retries off).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Client-side rate limit shared by all clones of the client.
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = Some(limit);
        self.rate_per_second = None;
        self
    }

    /// Client-side rate limit in requests per second (checked by [`build`](Self::build)).
    pub fn rate_limit_per_second(mut self, per_second: f64) -> Self {
        self.rate_per_second = Some(per_second);
        self.rate_limit = None;
        self
    }

    /// Appended to the `user-agent` header after `ice-rs/<version> `.
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// Largest success body the client reads (default [`DEFAULT_MAX_RESPONSE_BYTES`], at least
    /// [`MIN_MAX_RESPONSE_BYTES`]). The body is checked while it streams in, so a call never
    /// holds more than this; a larger body fails the call with a
    /// [`Decode`](crate::ErrorKind::Decode) error whose
    /// [`body_limit`](crate::DecodeError::body_limit) names the cap. Error answers are read
    /// only up to [`MAX_ERROR_BODY_BYTES`](crate::runtime::error::MAX_ERROR_BODY_BYTES).
    ///
    /// ```
    /// use ice_api::Config;
    /// let config = Config::builder()
    ///     .region("cn-shanghai")
    ///     .max_response_bytes(128 * 1024 * 1024)
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(config.max_response_bytes(), 128 * 1024 * 1024);
    /// ```
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = Some(bytes);
        self
    }

    /// Checks the settings and builds the configuration.
    pub fn build(self) -> Result<Config, ConfigError> {
        let region = match self.region {
            Some(r) => {
                let r = r.trim().to_owned();
                check_region(&r)?;
                Some(r)
            }
            None => None,
        };
        let endpoint =
            match (&self.endpoint, &region) {
                (Some(e), _) => Endpoint::parse(e)?,
                (None, Some(r)) => Endpoint::for_region(r, self.network)?,
                (None, None) => return Err(ConfigError::new(
                    "region",
                    "neither a region nor an endpoint is set; call .region(\"cn-shanghai\") or \
                     .endpoint(url), or set ALIBABA_CLOUD_REGION_ID",
                )),
            };
        for (name, d) in [
            ("connect_timeout", self.timeouts.connect),
            ("read_timeout", self.timeouts.read),
            ("total_timeout", self.timeouts.total),
        ] {
            if d.is_zero() {
                return Err(ConfigError::new(
                    name,
                    "is zero; expected a positive duration",
                ));
            }
        }
        let rate_limit = match self.rate_per_second {
            Some(r) => Some(RateLimit::per_second(r)?),
            None => self.rate_limit,
        };
        let user_agent = match self.user_agent_suffix.as_deref().map(str::trim) {
            Some(s) if !s.is_empty() => {
                if s.chars().any(|c| c.is_control()) {
                    return Err(ConfigError::new(
                        "user_agent_suffix",
                        "contains a control character",
                    ));
                }
                format!("{USER_AGENT} {s}")
            }
            _ => USER_AGENT.to_owned(),
        };
        let max_response_bytes = self
            .max_response_bytes
            .unwrap_or(DEFAULT_MAX_RESPONSE_BYTES);
        if max_response_bytes < MIN_MAX_RESPONSE_BYTES {
            return Err(ConfigError::new(
                "max_response_bytes",
                format!(
                    "is {max_response_bytes}; expected at least {MIN_MAX_RESPONSE_BYTES} bytes"
                ),
            ));
        }
        Ok(Config {
            region,
            endpoint,
            credentials: self.credentials,
            signature_version: self.signature_version,
            timeouts: self.timeouts,
            retry: self.retry,
            rate_limit,
            user_agent,
            max_response_bytes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn environment_gives_region_and_endpoint_override() {
        let b = builder_from_vars(vars(&[(ENV_REGION, "cn-beijing")])).unwrap();
        let c = b.build().unwrap();
        assert_eq!(c.endpoint().url(), "https://ice.cn-beijing.aliyuncs.com/");
        assert_eq!(c.region(), Some("cn-beijing"));

        let b = builder_from_vars(vars(&[
            (ENV_REGION, "cn-beijing"),
            (ENV_ENDPOINT, "http://127.0.0.1:9"),
        ]))
        .unwrap();
        assert_eq!(b.build().unwrap().endpoint().url(), "http://127.0.0.1:9/");
    }

    #[test]
    fn environment_errors_name_the_variable() {
        let e = builder_from_vars(vars(&[])).unwrap_err();
        assert_eq!(e.setting, ENV_REGION);
        let e = builder_from_vars(vars(&[(ENV_ENDPOINT, "ftp://x")])).unwrap_err();
        assert_eq!(e.setting, ENV_ENDPOINT);
        let e = builder_from_vars(vars(&[(ENV_REGION, "Shanghai")])).unwrap_err();
        assert_eq!(e.setting, ENV_REGION);
    }

    #[test]
    fn bad_settings_are_errors_not_panics() {
        assert_eq!(Config::builder().build().unwrap_err().setting, "region");
        let e = Config::builder()
            .region("cn-shanghai")
            .read_timeout(Duration::ZERO)
            .build()
            .unwrap_err();
        assert_eq!(e.setting, "read_timeout");
        let e = Config::builder()
            .region("cn-shanghai")
            .rate_limit_per_second(-1.0)
            .build()
            .unwrap_err();
        assert_eq!(e.setting, "rate_limit");
        let e = Config::builder()
            .region("cn-shanghai")
            .user_agent_suffix("a\r\nb")
            .build()
            .unwrap_err();
        assert_eq!(e.setting, "user_agent_suffix");
        let e = Config::builder()
            .region("cn-shanghai")
            .max_response_bytes(10)
            .build()
            .unwrap_err();
        assert_eq!(e.setting, "max_response_bytes");
    }

    #[test]
    fn defaults_are_the_documented_ones() {
        let c = Config::builder().region("us-west-1").build().unwrap();
        assert_eq!(c.timeouts(), Timeouts::default());
        assert_eq!(c.timeouts().connect, Duration::from_secs(5));
        assert_eq!(c.timeouts().read, Duration::from_secs(10));
        assert_eq!(c.timeouts().total, Duration::from_secs(60));
        assert_eq!(c.signature_version(), SignatureVersion::V3);
        assert_eq!(c.retry_policy().max_attempts(), 3);
        assert!(c.user_agent().starts_with("ice-rs/"));
        assert_eq!(c.max_response_bytes(), 32 * 1024 * 1024);
        let vpc = Config::builder()
            .region("cn-hangzhou")
            .network(Network::Vpc)
            .build()
            .unwrap();
        assert_eq!(vpc.endpoint().host(), "ice-vpc.cn-hangzhou.aliyuncs.com");
    }
}
