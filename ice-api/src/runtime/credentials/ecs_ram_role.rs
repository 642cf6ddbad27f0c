//! Temporary credentials of the RAM role attached to an ECS instance, from the instance
//! metadata service (IMDSv2 token first, v1 fallback unless disabled).

use std::fmt;
use std::time::Duration;

use super::cache::{CredentialsCache, DEFAULT_REFRESH_MARGIN};
use super::document::{parse_json, service_error, temporary_credentials};
use super::http::{send, Http};
use super::{BoxFuture, Credentials, CredentialsError, Env, ProvideCredentials};

const PROVIDER: &str = "ecs_ram_role";
/// Where the metadata service listens on ECS.
pub const DEFAULT_METADATA_ENDPOINT: &str = "http://100.100.100.200";
const CREDENTIALS_PATH: &str = "/latest/meta-data/ram/security-credentials/";
const TOKEN_PATH: &str = "/latest/api/token";
const TOKEN_TTL_HEADER: &str = "X-aliyun-ecs-metadata-token-ttl-seconds";
const TOKEN_HEADER: &str = "X-aliyun-ecs-metadata-token";
const TOKEN_TTL_SECONDS: &str = "21600";

pub(crate) const METADATA_DISABLED: &str = "ALIBABA_CLOUD_ECS_METADATA_DISABLED";
const ROLE_NAME: &str = "ALIBABA_CLOUD_ECS_METADATA";
const IMDSV1_DISABLED: &str = "ALIBABA_CLOUD_IMDSV1_DISABLED";

/// Fetches the instance RAM role's credentials from the ECS metadata service and caches them.
///
/// - Not configured when `ALIBABA_CLOUD_ECS_METADATA_DISABLED=true`, when the metadata service
///   does not answer (not on ECS) or, with no role named, when no RAM role is attached; any other
///   failure is an error (a chain stops there).
/// - Role: [`with_role_name`](Self::with_role_name), else `ALIBABA_CLOUD_ECS_METADATA`, else the
///   first role listed by the metadata service.
/// - Asks for an IMDSv2 token (`PUT /latest/api/token`); if that fails it falls back to
///   unauthenticated v1 requests unless `ALIBABA_CLOUD_IMDSV1_DISABLED=true` (or
///   [`with_imdsv1_disabled`](Self::with_imdsv1_disabled)).
/// - Timeouts are short (1 s connect, 2 s total), and if the token request gets no answer at
///   all the provider gives up at once, so a chain fails fast off ECS.
pub struct EcsRamRoleProvider {
    env: Env,
    role_name: Option<String>,
    endpoint: String,
    imdsv1_disabled: Option<bool>,
    http: Http,
    cache: CredentialsCache,
}

impl Default for EcsRamRoleProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl EcsRamRoleProvider {
    /// Reads the process environment and the metadata service at `100.100.100.200`.
    pub fn new() -> Self {
        Self {
            env: Env::process(),
            role_name: None,
            endpoint: DEFAULT_METADATA_ENDPOINT.to_string(),
            imdsv1_disabled: None,
            http: Http::new(Duration::from_secs(1), Duration::from_secs(2), false),
            cache: CredentialsCache::new(DEFAULT_REFRESH_MARGIN),
        }
    }

    /// Reads variables from `env`.
    pub fn with_env(mut self, env: Env) -> Self {
        self.env = env;
        self
    }

    /// Uses this role instead of `ALIBABA_CLOUD_ECS_METADATA` or the listed one.
    pub fn with_role_name(mut self, role: impl Into<String>) -> Self {
        self.role_name = Some(role.into());
        self
    }

    /// Another metadata base URL (e.g. `http://127.0.0.1:PORT` in tests).
    pub fn with_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = endpoint.into().trim_end_matches('/').to_string();
        self
    }

    /// Forbids (or allows) the v1 fallback regardless of `ALIBABA_CLOUD_IMDSV1_DISABLED`.
    pub fn with_imdsv1_disabled(mut self, disabled: bool) -> Self {
        self.imdsv1_disabled = Some(disabled);
        self
    }

    /// Connect and total timeouts of each metadata request.
    pub fn with_timeouts(mut self, connect: Duration, total: Duration) -> Self {
        self.http = self.http.with_timeouts(connect, total);
        self
    }

    /// Refreshes `margin` before expiry instead of 15 minutes.
    pub fn with_refresh_margin(mut self, margin: Duration) -> Self {
        self.cache = CredentialsCache::new(margin);
        self
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        if self.env.flag(METADATA_DISABLED) {
            return Err(CredentialsError::not_configured(
                PROVIDER,
                format!("disabled by {METADATA_DISABLED}=true"),
            ));
        }
        let client = self.http.client(PROVIDER)?;
        let named_role = self
            .role_name
            .clone()
            .or_else(|| self.env.non_empty(ROLE_NAME));
        let v1_disabled = self
            .imdsv1_disabled
            .unwrap_or_else(|| self.env.flag(IMDSV1_DISABLED));

        let token_req = client
            .put(format!("{}{TOKEN_PATH}", self.endpoint))
            .header(TOKEN_TTL_HEADER, TOKEN_TTL_SECONDS);
        let token = match send(PROVIDER, "metadata token request", token_req).await {
            Ok((200, body)) if !body.trim().is_empty() => Some(body.trim().to_string()),
            Ok((status, _)) if v1_disabled => {
                return Err(CredentialsError::new(
                    PROVIDER,
                    format!("metadata token request failed (HTTP {status}) and IMDSv1 is disabled"),
                ))
            }
            // The service did not answer at all: a v1 request to the same host would fail the
            // same way, so fail now (off ECS this halves the time the chain spends here). Unless
            // a role was named, that only means this is not an ECS instance.
            Err(e) => {
                let message = format!("{} (not running on ECS?)", e.message);
                return Err(match named_role {
                    Some(_) => CredentialsError::new(PROVIDER, message),
                    None => CredentialsError::not_configured(PROVIDER, message),
                });
            }
            Ok(_) => None,
        };
        let get = |path: String| {
            let req = client.get(format!("{}{path}", self.endpoint));
            match &token {
                Some(t) => req.header(TOKEN_HEADER, t.as_str()),
                None => req,
            }
        };

        let role = match named_role {
            Some(role) => role,
            None => {
                let what = "listing the instance's RAM role";
                let (status, body) = send(PROVIDER, what, get(CREDENTIALS_PATH.into())).await?;
                let role = body.lines().map(str::trim).find(|l| !l.is_empty());
                match (status, role) {
                    (200, Some(role)) => role.to_string(),
                    (200 | 404, _) => {
                        return Err(CredentialsError::not_configured(
                            PROVIDER,
                            format!("{what}: no RAM role is attached to this instance"),
                        ))
                    }
                    _ => {
                        return Err(CredentialsError::new(
                            PROVIDER,
                            format!("{what}: HTTP {status}"),
                        ))
                    }
                }
            }
        };

        let what = format!("fetching credentials of RAM role {role:?}");
        let (status, body) = send(
            PROVIDER,
            &what,
            get(format!(
                "{CREDENTIALS_PATH}{}",
                crate::runtime::sign::percent::encode(&role)
            )),
        )
        .await?;
        if status != 200 {
            return Err(service_error(PROVIDER, &what, status, &body));
        }
        let doc = parse_json(PROVIDER, &what, status, &body)?;
        match doc.get("Code").and_then(|c| c.as_str()) {
            Some("Success") | None => {}
            Some(_) => return Err(service_error(PROVIDER, &what, status, &body)),
        }
        temporary_credentials(PROVIDER, &what, &doc, PROVIDER)
    }
}

impl fmt::Debug for EcsRamRoleProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EcsRamRoleProvider")
            .field("role_name", &self.role_name)
            .field("endpoint", &self.endpoint)
            .field("imdsv1_disabled", &self.imdsv1_disabled)
            .field("timeouts", &self.http.timeouts())
            .field("env", &self.env)
            .field("cache", &self.cache)
            .finish()
    }
}

impl ProvideCredentials for EcsRamRoleProvider {
    fn provide(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.cache.get_or_refresh(Box::pin(self.fetch())))
    }
}
