//! Endpoint overrides passed from a chain or file provider down to the STS and metadata
//! providers it builds (tests point them at loopback servers).

use std::sync::Arc;

use super::ecs_ram_role::EcsRamRoleProvider;
use super::oidc::OidcRoleArnProvider;
use super::ram_role_arn::RamRoleArnProvider;
use super::{Env, ProvideCredentials};

#[derive(Debug, Clone, Default)]
pub(crate) struct Overrides {
    pub(crate) sts_endpoint: Option<String>,
    pub(crate) metadata_endpoint: Option<String>,
}

impl Overrides {
    pub(crate) fn ram_role_arn(
        &self,
        env: &Env,
        source: Arc<dyn ProvideCredentials>,
        role_arn: &str,
    ) -> RamRoleArnProvider {
        let p = RamRoleArnProvider::new(source, role_arn).with_env(env.clone());
        match &self.sts_endpoint {
            Some(e) => p.with_endpoint(e.clone()),
            None => p,
        }
    }

    /// `provider` reading `env`, pointed at the STS override if any.
    pub(crate) fn oidc(&self, env: &Env, provider: OidcRoleArnProvider) -> OidcRoleArnProvider {
        let p = provider.with_env(env.clone());
        match &self.sts_endpoint {
            Some(e) => p.with_endpoint(e.clone()),
            None => p,
        }
    }

    pub(crate) fn ecs_ram_role(&self, env: &Env, role: Option<String>) -> EcsRamRoleProvider {
        let mut p = EcsRamRoleProvider::new().with_env(env.clone());
        if let Some(role) = role {
            p = p.with_role_name(role);
        }
        match &self.metadata_endpoint {
            Some(e) => p.with_endpoint(e.clone()),
            None => p,
        }
    }
}
