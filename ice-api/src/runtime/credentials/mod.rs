//! Credentials and the providers that find them.
//!
//! Every provider implements [`ProvideCredentials`]. [`DefaultChain`] tries them in the documented
//! order (environment → CLI profile → credentials file → ECS RAM role → credentials URI) and
//! remembers the first that works. Providers of temporary credentials ([`RamRoleArnProvider`],
//! [`EcsRamRoleProvider`], [`CredentialsUriProvider`]) cache them and refresh before expiry;
//! [`CachingProvider`] adds the same caching to any provider.
//!
//! Secrets never reach `Debug`/`Display`/errors: secret and token are [`Secret`]s and the AccessKey
//! ID is shown masked (`LTAI****abcd`).
//!
//! Providers read the environment through [`Env`], which defaults to the process environment but
//! can be a fixed map (with its own home directory) so tests and embedders need not touch global
//! state.
//!
//! ```no_run
//! # async fn demo() -> Result<(), ice_api::runtime::credentials::CredentialsError> {
//! use ice_api::runtime::credentials::{DefaultChain, ProvideCredentials};
//! let chain = DefaultChain::new();
//! let creds = chain.provide().await?;
//! println!("{creds:?}"); // secret and token are redacted
//! # Ok(()) }
//! ```

mod cache;
mod chain;
mod cli_profile;
mod document;
mod ecs_ram_role;
mod env;
mod env_provider;
mod http;
mod ini_file;
mod overrides;
mod ram_role_arn;
mod redact;
mod static_provider;
mod time;
mod uri;

pub use cache::CachingProvider;
pub use chain::{DefaultChain, DefaultChainBuilder};
pub use cli_profile::CliProfileProvider;
pub use ecs_ram_role::EcsRamRoleProvider;
pub use env::Env;
pub use env_provider::EnvProvider;
pub use ini_file::IniFileProvider;
pub use ram_role_arn::{RamRoleArnProvider, StsMethod};
pub use redact::mask_access_key_id;
pub use static_provider::StaticProvider;
pub use uri::CredentialsUriProvider;

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
///
/// `Debug` masks the AccessKey ID and never shows the secret or token.
#[derive(Clone)]
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

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &mask_access_key_id(&self.access_key_id))
            .field("access_key_secret", &self.access_key_secret)
            .field("security_token", &self.security_token)
            .field("expiration", &self.expiration)
            .field("provider_name", &self.provider_name)
            .finish()
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

impl CredentialsError {
    /// An error from `provider`; `message` must not contain a secret.
    pub fn new(provider: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            provider: provider.into(),
            message: message.into(),
        }
    }
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
