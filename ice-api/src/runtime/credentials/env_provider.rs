//! Credentials from `ALIBABA_CLOUD_ACCESS_KEY_ID` / `…_SECRET` / `ALIBABA_CLOUD_SECURITY_TOKEN`.

use super::{BoxFuture, Credentials, CredentialsError, Env, ProvideCredentials};

pub(crate) const ACCESS_KEY_ID: &str = "ALIBABA_CLOUD_ACCESS_KEY_ID";
pub(crate) const ACCESS_KEY_SECRET: &str = "ALIBABA_CLOUD_ACCESS_KEY_SECRET";
pub(crate) const SECURITY_TOKEN: &str = "ALIBABA_CLOUD_SECURITY_TOKEN";

/// Reads the AccessKey from the environment each time credentials are requested (unlike the
/// Python SDK, which reads them once at import). Both the ID and the secret must be non-empty;
/// a non-empty `ALIBABA_CLOUD_SECURITY_TOKEN` makes them STS credentials.
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
        let (id, secret) = match (id, secret) {
            (Some(id), Some(secret)) => (id, secret),
            (None, None) => {
                return Err(CredentialsError::new(
                    "env",
                    format!("{ACCESS_KEY_ID} and {ACCESS_KEY_SECRET} not set"),
                ))
            }
            (None, Some(_)) => {
                return Err(CredentialsError::new(
                    "env",
                    format!("{ACCESS_KEY_SECRET} is set but {ACCESS_KEY_ID} is empty or not set"),
                ))
            }
            (Some(_), None) => {
                return Err(CredentialsError::new(
                    "env",
                    format!("{ACCESS_KEY_ID} is set but {ACCESS_KEY_SECRET} is empty or not set"),
                ))
            }
        };
        let mut creds = Credentials::new(id, secret);
        creds.provider_name = "env".into();
        if let Some(token) = self.env.non_empty(SECURITY_TOKEN) {
            creds = creds.with_security_token(token);
            creds.provider_name = "env".into();
        }
        Ok(creds)
    }
}

impl ProvideCredentials for EnvProvider {
    fn provide(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        let result = self.load();
        Box::pin(async move { result })
    }
}
