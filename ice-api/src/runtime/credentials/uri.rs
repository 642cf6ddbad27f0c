//! Temporary credentials served by a local HTTP endpoint (`ALIBABA_CLOUD_CREDENTIALS_URI`).

use std::fmt;
use std::time::Duration;

use super::cache::{CredentialsCache, DEFAULT_REFRESH_MARGIN};
use super::document::{parse_json, service_error, temporary_credentials};
use super::http::{display_url, send, Http};
use super::{BoxFuture, Credentials, CredentialsError, Env, ProvideCredentials};

const PROVIDER: &str = "credential_uri";
pub(crate) const CREDENTIALS_URI: &str = "ALIBABA_CLOUD_CREDENTIALS_URI";

/// GETs a URI that answers `{"Code":"Success","AccessKeyId":…,"AccessKeySecret":…,
/// "SecurityToken":…,"Expiration":"yyyy-MM-ddTHH:mm:ssZ"}` and caches the result.
///
/// The URI is the explicit one, else `ALIBABA_CLOUD_CREDENTIALS_URI` (read at call time); with
/// neither it is not configured. The credentials are named `credential_uri`, the official name.
pub struct CredentialsUriProvider {
    uri: Option<String>,
    env: Env,
    http: Http,
    cache: CredentialsCache,
}

impl Default for CredentialsUriProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl CredentialsUriProvider {
    /// Reads the URI from `ALIBABA_CLOUD_CREDENTIALS_URI` in the process environment.
    pub fn new() -> Self {
        Self {
            uri: None,
            env: Env::process(),
            http: Http::new(Duration::from_secs(5), Duration::from_secs(10), false),
            cache: CredentialsCache::new(DEFAULT_REFRESH_MARGIN),
        }
    }

    /// Uses `uri` instead of the environment variable.
    pub fn with_uri(mut self, uri: impl Into<String>) -> Self {
        self.uri = Some(uri.into());
        self
    }

    /// Reads the variable from `env`.
    pub fn with_env(mut self, env: Env) -> Self {
        self.env = env;
        self
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let Some(uri) = self
            .uri
            .clone()
            .or_else(|| self.env.non_empty(CREDENTIALS_URI))
        else {
            return Err(CredentialsError::not_configured(
                PROVIDER,
                format!("{CREDENTIALS_URI} not set"),
            ));
        };
        let client = self.http.client(PROVIDER)?;
        let what = format!("GET {}", display_url(&uri));
        let (status, body) = send(PROVIDER, &what, client.get(&uri)).await?;
        if status != 200 {
            return Err(service_error(PROVIDER, &what, status, &body));
        }
        let doc = parse_json(PROVIDER, &what, status, &body)?;
        if doc.get("Code").and_then(|c| c.as_str()) != Some("Success") {
            return Err(service_error(PROVIDER, &what, status, &body));
        }
        temporary_credentials(PROVIDER, &what, &doc, PROVIDER)
    }
}

impl fmt::Debug for CredentialsUriProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialsUriProvider")
            .field("uri", &self.uri.as_deref().map(display_url))
            .field("env", &self.env)
            .field("cache", &self.cache)
            .finish()
    }
}

impl ProvideCredentials for CredentialsUriProvider {
    fn provide(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.cache.get_or_refresh(Box::pin(self.fetch())))
    }
}
