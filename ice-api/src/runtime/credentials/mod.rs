//! Credentials and providers. (Skeleton contract; providers are filled in by the credentials work.)

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::SystemTime;

/// A secret string whose `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(s: impl Into<String>) -> Self {
        Self(s.into())
    }
    /// The secret itself; call only where it is needed (signing).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// One set of credentials: an AccessKey pair, optionally with an STS security token.
#[derive(Clone, Debug)]
pub struct Credentials {
    /// AccessKey ID (not secret; `STS.…` for temporary credentials).
    pub access_key_id: String,
    /// AccessKey secret.
    pub access_key_secret: Secret,
    /// STS security token, for temporary credentials.
    pub security_token: Option<Secret>,
    /// When temporary credentials expire.
    pub expiration: Option<SystemTime>,
    /// Provider name sent as `x-acs-credentials-provider` (e.g. `static_ak`, `default/env`).
    pub provider_name: String,
}

impl Credentials {
    /// Static AccessKey credentials.
    pub fn new(access_key_id: impl Into<String>, access_key_secret: impl Into<String>) -> Self {
        Self {
            access_key_id: access_key_id.into(),
            access_key_secret: Secret::new(access_key_secret),
            security_token: None,
            expiration: None,
            provider_name: "static_ak".into(),
        }
    }

    /// Adds an STS security token.
    pub fn with_security_token(mut self, token: impl Into<String>) -> Self {
        self.security_token = Some(Secret::new(token));
        self.provider_name = "static_sts".into();
        self
    }
}

/// Why credentials could not be obtained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialsError {
    /// Which provider failed (e.g. `env`, `cli_profile`).
    pub provider: String,
    /// What went wrong (never contains a secret).
    pub message: String,
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "credentials ({}): {}", self.provider, self.message)
    }
}

impl std::error::Error for CredentialsError {}

/// A boxed future, to keep the provider trait object-safe without extra dependencies.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A source of credentials. Providers that fetch temporary credentials cache and refresh them.
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    /// Current credentials.
    fn provide(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>>;
}
