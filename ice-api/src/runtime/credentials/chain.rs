//! The default credential chain, in the order of the official credentials libraries.

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use super::overrides::Overrides;
use super::{
    BoxFuture, CliProfileProvider, Credentials, CredentialsError, CredentialsUriProvider, Env,
    EnvProvider, IniFileProvider, OidcRoleArnProvider, ProvideCredentials,
};

const PROVIDER: &str = "default";
const NONE_YET: usize = usize::MAX;

/// Tries, in the official libraries' order: environment variables (`env`) → OIDC role for RRSA
/// (`oidc_role_arn`) → CLI profile, `~/.aliyun/config.json` (`cli_profile`) → credentials
/// file, `~/.alibabacloud/credentials.ini` (`profile`) → ECS RAM role from the metadata service
/// (`ecs_ram_role`) → `ALIBABA_CLOUD_CREDENTIALS_URI` (`credential_uri`).
///
/// Only a provider that is not configured at all (its variables and files absent) lets the
/// chain move on. One that is configured but incomplete or failing — OIDC variables partly set,
/// an unreadable token file, a profile named by `ALIBABA_CLOUD_PROFILE` that exists nowhere, a
/// credentials file that does not parse — stops the chain with its error, so the chain never
/// silently ends at another identity (such as the ECS role of the node):
/// `oidc_role_arn: ALIBABA_CLOUD_OIDC_TOKEN_FILE: no file at …; stopped here, not trying
/// cli_profile, profile, ecs_ram_role, credential_uri`. If none is configured, the error lists
/// why each was skipped, without secrets: `no credentials found; tried env: … not set;
/// oidc_role_arn: …; …`.
///
/// The first provider that yields credentials is remembered and used alone from then on (as the
/// official libraries do), so a later failure is reported rather than switching identity. The
/// credentials are named `default/<provider's name>`, e.g. `default/oidc_role_arn`.
///
/// ```no_run
/// # async fn demo() -> Result<(), ice_api::runtime::credentials::CredentialsError> {
/// use ice_api::runtime::credentials::{DefaultChain, Env, ProvideCredentials};
/// // Process environment:
/// let creds = DefaultChain::new().provide().await?;
/// // Or an explicit environment and home directory:
/// let chain = DefaultChain::builder()
///     .env(Env::from_vars([("ALIBABA_CLOUD_PROFILE", "dev")]).with_home("/home/me"))
///     .build();
/// # let _ = (creds, chain);
/// # Ok(()) }
/// ```
pub struct DefaultChain {
    providers: Vec<(&'static str, Arc<dyn ProvideCredentials>)>,
    remembered: AtomicUsize,
}

/// Options of a [`DefaultChain`].
#[derive(Debug, Default)]
pub struct DefaultChainBuilder {
    env: Env,
    overrides: Overrides,
}

impl DefaultChainBuilder {
    /// Reads variables and the home directory from `env` (default: the process).
    pub fn env(mut self, env: Env) -> Self {
        self.env = env;
        self
    }

    /// STS base URL used by the OIDC provider and by role profiles and sections.
    pub fn sts_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.overrides.sts_endpoint = Some(endpoint.into());
        self
    }

    /// Metadata base URL used by the ECS RAM role provider (default `http://100.100.100.200`).
    pub fn metadata_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.overrides.metadata_endpoint = Some(endpoint.into());
        self
    }

    /// The chain.
    pub fn build(self) -> DefaultChain {
        let env = self.env;
        let o = self.overrides;
        let providers: Vec<(&'static str, Arc<dyn ProvideCredentials>)> = vec![
            ("env", Arc::new(EnvProvider::with_env(env.clone()))),
            (
                "oidc_role_arn",
                Arc::new(o.oidc(&env, OidcRoleArnProvider::new())),
            ),
            (
                "cli_profile",
                Arc::new(
                    CliProfileProvider::new()
                        .with_env(env.clone())
                        .with_overrides(o.clone()),
                ),
            ),
            (
                "profile",
                Arc::new(
                    IniFileProvider::new()
                        .with_env(env.clone())
                        .with_overrides(o.clone()),
                ),
            ),
            ("ecs_ram_role", Arc::new(o.ecs_ram_role(&env, None))),
            (
                "credential_uri",
                Arc::new(CredentialsUriProvider::new().with_env(env)),
            ),
        ];
        DefaultChain {
            providers,
            remembered: AtomicUsize::new(NONE_YET),
        }
    }
}

impl Default for DefaultChain {
    fn default() -> Self {
        Self::new()
    }
}

impl DefaultChain {
    /// The chain over the process environment.
    pub fn new() -> Self {
        Self::builder().build()
    }

    /// A chain with options.
    pub fn builder() -> DefaultChainBuilder {
        DefaultChainBuilder::default()
    }

    /// The name of the provider that yielded credentials, once one has.
    pub fn chosen(&self) -> Option<&'static str> {
        self.providers
            .get(self.remembered.load(Ordering::Acquire))
            .map(|(name, _)| *name)
    }

    async fn resolve(&self) -> Result<Credentials, CredentialsError> {
        let tag = |mut c: Credentials| {
            c.provider_name = format!("{PROVIDER}/{}", c.provider_name);
            c
        };
        if let Some((_, p)) = self.providers.get(self.remembered.load(Ordering::Acquire)) {
            return p.provide().await.map(tag);
        }
        let mut tried = Vec::with_capacity(self.providers.len());
        for (i, (name, p)) in self.providers.iter().enumerate() {
            let e = match p.provide().await {
                Ok(c) => {
                    // Keep the first winner if two calls raced.
                    let _ = self.remembered.compare_exchange(
                        NONE_YET,
                        i,
                        Ordering::AcqRel,
                        Ordering::Acquire,
                    );
                    tracing::debug!(provider = name, "credentials found");
                    return Ok(tag(c));
                }
                Err(e) => e,
            };
            let msg = if e.provider == *name {
                e.message.clone()
            } else {
                format!("{}: {}", e.provider, e.message)
            };
            if e.is_not_configured() {
                tried.push(format!("{name}: {msg}"));
                continue;
            }
            let rest: Vec<&str> = self.providers[i + 1..].iter().map(|(n, _)| *n).collect();
            let mut message = format!("{name}: {msg}; stopped here");
            if !rest.is_empty() {
                message.push_str(&format!(", not trying {}", rest.join(", ")));
            }
            if !tried.is_empty() {
                message.push_str(&format!(" (skipped before: {})", tried.join("; ")));
            }
            tracing::debug!(provider = name, "configured credentials provider failed");
            return Err(CredentialsError {
                provider: PROVIDER.to_string(),
                message,
                ..e
            });
        }
        Err(CredentialsError::not_configured(
            PROVIDER,
            format!("no credentials found; tried {}", tried.join("; ")),
        ))
    }
}

impl fmt::Debug for DefaultChain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DefaultChain")
            .field("providers", &self.providers)
            .field("chosen", &self.chosen())
            .finish()
    }
}

impl ProvideCredentials for DefaultChain {
    fn provide(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.resolve())
    }
}
