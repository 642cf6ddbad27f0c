//! The default credential chain, in the order the official SDKs document.

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use super::overrides::Overrides;
use super::{
    BoxFuture, CliProfileProvider, Credentials, CredentialsError, CredentialsUriProvider, Env,
    EnvProvider, IniFileProvider, ProvideCredentials,
};

const PROVIDER: &str = "default";
const NONE_YET: usize = usize::MAX;

/// Tries, in order: environment variables → CLI profile (`~/.aliyun/config.json`) →
/// credentials file (`~/.alibabacloud/credentials`) → ECS RAM role (metadata service) →
/// `ALIBABA_CLOUD_CREDENTIALS_URI`. OIDC (RRSA) is not supported.
///
/// The first provider that yields credentials is remembered and used alone from then on (as the
/// official SDKs do), so a later failure is reported rather than silently switching identity.
/// If none works, the error lists why each was skipped, without secrets:
/// `tried env: … not set; cli_profile: no file at …; …`.
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

    /// STS base URL used by `RamRoleArn` profiles and `ram_role_arn` sections.
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
                "cli_profile",
                Arc::new(
                    CliProfileProvider::new()
                        .with_env(env.clone())
                        .with_overrides(o.clone()),
                ),
            ),
            (
                "ini_file",
                Arc::new(
                    IniFileProvider::new()
                        .with_env(env.clone())
                        .with_overrides(o.clone()),
                ),
            ),
            ("ecs_ram_role", Arc::new(o.ecs_ram_role(&env, None))),
            (
                "credentials_uri",
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
            match p.provide().await {
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
                Err(e) => {
                    let msg = if e.provider == *name {
                        e.message
                    } else {
                        format!("{}: {}", e.provider, e.message)
                    };
                    tried.push(format!("{name}: {msg}"));
                }
            }
        }
        Err(CredentialsError::new(
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
