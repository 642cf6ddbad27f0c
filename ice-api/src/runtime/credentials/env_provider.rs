//! Credentials from `ALIBABA_CLOUD_ACCESS_KEY_ID` / `…_SECRET` / `ALIBABA_CLOUD_SECURITY_TOKEN`.

use super::{BoxFuture, Credentials, CredentialsError, Env, ProvideCredentials};

pub(crate) const ACCESS_KEY_ID: &str = "ALIBABA_CLOUD_ACCESS_KEY_ID";
pub(crate) const ACCESS_KEY_SECRET: &str = "ALIBABA_CLOUD_ACCESS_KEY_SECRET";
pub(crate) const SECURITY_TOKEN: &str = "ALIBABA_CLOUD_SECURITY_TOKEN";
const PROVIDER: &str = "env";

/// Reads the AccessKey from the environment each time credentials are requested (unlike the
/// Python SDK, which reads them once at import). Both the ID and the secret must be non-empty;
/// a non-empty `ALIBABA_CLOUD_SECURITY_TOKEN` makes them STS credentials. None of the three set
/// is "not configured"; some but not all is an error naming what is missing.
#[derive(Debug, Clone, Default)]
pub struct EnvProvider {
    env: Env,
}

impl EnvProvider {
    /// Reads the process environment.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads `env` instead of the process environment.
    pub fn with_env(env: Env) -> Self {
        Self { env }
    }

    fn load(&self) -> Result<Credentials, CredentialsError> {
        let id = self.env.non_empty(ACCESS_KEY_ID);
        let secret = self.env.non_empty(ACCESS_KEY_SECRET);
        let token = self.env.non_empty(SECURITY_TOKEN);
        let (id, secret) = match (id, secret) {
            (Some(id), Some(secret)) => (id, secret),
            (None, None) if token.is_none() => {
                return Err(CredentialsError::not_configured(
                    PROVIDER,
                    format!("{ACCESS_KEY_ID} and {ACCESS_KEY_SECRET} not set"),
                ))
            }
            (id, secret) => {
                let set: Vec<&str> = [
                    (ACCESS_KEY_ID, id.is_some()),
                    (ACCESS_KEY_SECRET, secret.is_some()),
                    (SECURITY_TOKEN, token.is_some()),
                ]
                .iter()
                .filter(|(_, present)| *present)
                .map(|(name, _)| *name)
                .collect();
                let missing: Vec<&str> = [
                    (ACCESS_KEY_ID, id.is_none()),
                    (ACCESS_KEY_SECRET, secret.is_none()),
                ]
                .iter()
                .filter(|(_, absent)| *absent)
                .map(|(name, _)| *name)
                .collect();
                return Err(CredentialsError::new(
                    PROVIDER,
                    format!(
                        "{} set but {} empty or not set",
                        set.join(" and "),
                        missing.join(" and ")
                    ),
                ));
            }
        };
        let mut creds = Credentials::new(id, secret);
        if let Some(token) = token {
            creds = creds.with_security_token(token);
        }
        creds.provider_name = PROVIDER.into();
        Ok(creds)
    }
}

impl ProvideCredentials for EnvProvider {
    fn provide(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        let result = self.load();
        Box::pin(async move { result })
    }
}
