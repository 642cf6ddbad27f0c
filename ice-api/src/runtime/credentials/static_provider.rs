//! Fixed credentials given in code.

use std::fmt;

use super::{BoxFuture, Credentials, CredentialsError, ProvideCredentials};

/// Always returns the same AccessKey (optionally with an STS token).
///
/// ```
/// use ice_api::runtime::credentials::StaticProvider;
/// let p = StaticProvider::new("LTAI5tExampleKeyabcd", "my-ak-secret").with_security_token("sts-token");
/// let shown = format!("{p:?}");
/// assert!(!shown.contains("my-ak-secret") && !shown.contains("sts-token"));
/// assert!(shown.contains("LTAI****abcd"));
/// ```
#[derive(Clone)]
pub struct StaticProvider {
    creds: Credentials,
}

impl StaticProvider {
    /// A long-lived AccessKey pair.
    pub fn new(access_key_id: impl Into<String>, access_key_secret: impl Into<String>) -> Self {
        Self {
            creds: Credentials::new(access_key_id, access_key_secret),
        }
    }

    /// Adds an STS security token (temporary credentials you obtained elsewhere).
    pub fn with_security_token(self, token: impl Into<String>) -> Self {
        Self {
            creds: self.creds.with_security_token(token),
        }
    }

    /// Wraps ready-made credentials.
    pub fn from_credentials(creds: Credentials) -> Self {
        Self { creds }
    }
}

impl fmt::Debug for StaticProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaticProvider")
            .field("credentials", &self.creds)
            .finish()
    }
}

impl ProvideCredentials for StaticProvider {
    fn provide(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        let creds = self.creds.clone();
        Box::pin(async move { Ok(creds) })
    }

    fn fixed(&self) -> Option<&Credentials> {
        Some(&self.creds)
    }
}
