//! Credentials and the providers that find them.
//!
//! Every provider implements [`ProvideCredentials`]. [`DefaultChain`] tries them in the order of
//! Alibaba Cloud's official credentials libraries (environment → OIDC role (RRSA) → CLI profile →
//! credentials file → ECS RAM role → credentials URI) and remembers the first that works. A
//! provider that is configured (its variables or files are present) but incomplete or failing
//! stops the chain with an error naming it and the variable or file; only a provider that is not
//! configured at all lets the chain move on, so a typo never silently switches identity.
//!
//! Providers of temporary credentials ([`OidcRoleArnProvider`], [`RamRoleArnProvider`],
//! [`EcsRamRoleProvider`], [`CredentialsUriProvider`]) cache them and refresh before expiry with
//! the same cache as [`CachingProvider`], which adds it to any provider.
//!
//! Every credential carries the official provider name (`static_ak`, `default/env`,
//! `default/oidc_role_arn`, `default/cli_profile/ram_role_arn/static_ak`, …), which the client
//! sends as `x-acs-credentials-provider`.
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
mod files;
mod http;
mod ini;
mod ini_file;
mod oidc;
mod overrides;
mod ram_role_arn;
mod redact;
mod static_provider;
mod sts;
mod uri;
mod validate;

pub use cache::CachingProvider;
pub use chain::{DefaultChain, DefaultChainBuilder};
pub use cli_profile::CliProfileProvider;
pub use ecs_ram_role::EcsRamRoleProvider;
pub use env::Env;
pub use env_provider::EnvProvider;
pub use ini_file::IniFileProvider;
pub use oidc::OidcRoleArnProvider;
pub use ram_role_arn::{RamRoleArnProvider, StsMethod};
pub use redact::mask_access_key_id;
pub use static_provider::StaticProvider;
pub use uri::CredentialsUriProvider;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::time::SystemTime;

use hmac::{Hmac, KeyInit};
use sha2::Sha256;

/// A secret string whose `Debug` and `Display` never show it.
#[derive(Clone)]
pub struct Secret {
    /// Shared by clones (the client's redactor holds it during a call without a copy).
    text: Arc<str>,
    /// HMAC-SHA256 keyed with `text`, made on first use and shared by clones: a V3 signature
    /// then starts from it instead of hashing the padded key twice per request. As secret as
    /// `text` (it signs as well), so it is never shown either.
    hmac: Arc<OnceLock<Option<Hmac<Sha256>>>>,
}

impl Secret {
    /// Wraps a secret.
    pub fn new(s: impl Into<String>) -> Self {
        Self {
            text: Arc::from(s.into()),
            hmac: Arc::default(),
        }
    }

    /// The secret itself; call only where it is needed (signing).
    pub fn expose(&self) -> &str {
        &self.text
    }

    /// The secret, shared (for the redactor).
    pub(crate) fn shared(&self) -> Arc<str> {
        Arc::clone(&self.text)
    }

    /// HMAC-SHA256 keyed with the secret, ready for `update` (`None` only if the key were
    /// rejected, which HMAC never does: it takes keys of any length).
    pub(crate) fn hmac_sha256(&self) -> Option<Hmac<Sha256>> {
        self.hmac
            .get_or_init(|| <Hmac<Sha256> as KeyInit>::new_from_slice(self.text.as_bytes()).ok())
            .clone()
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for Secret {}

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
///
/// [`is_not_configured`](Self::is_not_configured) tells a provider that found nothing to use
/// (its variables and files are absent: the default chain moves on) from one that is configured
/// but failed (the chain stops). `message` names the variable, file (with line) or JSON pointer
/// and never contains a secret; [`source`](std::error::Error::source) is the underlying I/O,
/// parse or transport error when there is one.
#[derive(Debug, Clone)]
pub struct CredentialsError {
    /// Which provider failed (e.g. `env`, `cli_profile`, `default`).
    pub provider: String,
    /// What went wrong (never contains a secret).
    pub message: String,
    not_configured: bool,
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

impl CredentialsError {
    /// A failure of a configured `provider`; `message` must not contain a secret.
    pub fn new(provider: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            provider: provider.into(),
            message: message.into(),
            not_configured: false,
            source: None,
        }
    }

    /// `provider` has nothing to offer here (e.g. its variables are not set); a chain may try the
    /// next provider.
    pub fn not_configured(provider: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            not_configured: true,
            ..Self::new(provider, message)
        }
    }

    /// Whether the provider was simply not configured, rather than configured and failing.
    pub fn is_not_configured(&self) -> bool {
        self.not_configured
    }

    /// Records the underlying error (returned by `source()`); its text must not hold a secret.
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Arc::new(source));
        self
    }

    /// This error as seen from `provider`, which built the failing one from its own
    /// configuration: the message is prefixed with the inner provider's name, and it counts as a
    /// failure (the outer provider is configured), keeping the source.
    pub(crate) fn within(self, provider: &str) -> Self {
        Self {
            message: format!("{}: {}", self.provider, self.message),
            provider: provider.to_string(),
            not_configured: false,
            source: self.source,
        }
    }
}

impl PartialEq for CredentialsError {
    fn eq(&self, other: &Self) -> bool {
        self.provider == other.provider
            && self.message == other.message
            && self.not_configured == other.not_configured
    }
}

impl Eq for CredentialsError {}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "credentials ({}): {}", self.provider, self.message)
    }
}

impl std::error::Error for CredentialsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// A boxed future, to keep the provider trait object-safe without extra dependencies.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A source of credentials. Providers that fetch temporary credentials cache and refresh them.
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    /// Current credentials.
    fn provide(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>>;

    /// The credentials, if they never change (a fixed AccessKey): the client then signs with
    /// them in place instead of asking [`provide`](Self::provide) for a copy on every attempt.
    /// `None` (the default) for anything that fetches, caches or refreshes.
    fn fixed(&self) -> Option<&Credentials> {
        None
    }
}
