//! Credentials from the Alibaba Cloud CLI configuration, `~/.aliyun/config.json`.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use serde_json::Value;

use super::overrides::Overrides;
use super::ram_role_arn::DEFAULT_DURATION_SECONDS;
use super::{BoxFuture, Credentials, CredentialsError, Env, ProvideCredentials, StaticProvider};

const PROVIDER: &str = "cli_profile";
pub(crate) const CLI_PROFILE_DISABLED: &str = "ALIBABA_CLOUD_CLI_PROFILE_DISABLED";
pub(crate) const PROFILE: &str = "ALIBABA_CLOUD_PROFILE";
/// How deep `ChainableRamRoleArn` profiles may refer to one another.
const MAX_CHAIN_DEPTH: usize = 5;

/// Reads a profile of the CLI configuration (`{"current": …, "profiles": [{"name", "mode", …}]}`).
///
/// The profile is the explicit one, else `ALIBABA_CLOUD_PROFILE`, else the file's `current`.
/// Supported modes: `AK`, `StsToken`, `RamRoleArn` (STS `AssumeRole` with the profile's
/// AccessKey), `EcsRamRole` (metadata service) and `ChainableRamRoleArn` (`AssumeRole` with
/// another profile's credentials). Skipped when `ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true`.
///
/// The file is read on first use; the provider built from it (with its cache) is kept.
pub struct CliProfileProvider {
    env: Env,
    path: Option<PathBuf>,
    profile: Option<String>,
    overrides: Overrides,
    inner: tokio::sync::OnceCell<Arc<dyn ProvideCredentials>>,
}

impl Default for CliProfileProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl CliProfileProvider {
    /// Reads `~/.aliyun/config.json` using the process environment.
    pub fn new() -> Self {
        Self {
            env: Env::process(),
            path: None,
            profile: None,
            overrides: Overrides::default(),
            inner: tokio::sync::OnceCell::new(),
        }
    }

    /// Reads variables and the home directory from `env`.
    pub fn with_env(mut self, env: Env) -> Self {
        self.env = env;
        self
    }

    /// Reads this file instead of `~/.aliyun/config.json`.
    pub fn with_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// Uses this profile instead of `ALIBABA_CLOUD_PROFILE` / `current`.
    pub fn with_profile(mut self, profile: impl Into<String>) -> Self {
        self.profile = Some(profile.into());
        self
    }

    /// STS base URL for `RamRoleArn` profiles (e.g. a loopback stand-in).
    pub fn with_sts_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.overrides.sts_endpoint = Some(endpoint.into());
        self
    }

    /// Metadata base URL for `EcsRamRole` profiles.
    pub fn with_metadata_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.overrides.metadata_endpoint = Some(endpoint.into());
        self
    }

    pub(crate) fn with_overrides(mut self, overrides: Overrides) -> Self {
        self.overrides = overrides;
        self
    }

    fn config_path(&self) -> Result<PathBuf, CredentialsError> {
        if let Some(p) = &self.path {
            return Ok(p.clone());
        }
        self.env
            .home_dir()
            .map(|h| h.join(".aliyun").join("config.json"))
            .ok_or_else(|| CredentialsError::new(PROVIDER, "home directory unknown (HOME not set)"))
    }

    fn load(&self) -> Result<Arc<dyn ProvideCredentials>, CredentialsError> {
        let path = self.config_path()?;
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(CredentialsError::new(
                    PROVIDER,
                    format!("no file at {}", path.display()),
                ))
            }
            Err(e) => {
                return Err(CredentialsError::new(
                    PROVIDER,
                    format!("cannot read {}: {e}", path.display()),
                ))
            }
        };
        let config: Value = serde_json::from_str(&text).map_err(|e| {
            // serde_json errors name a line and column, never the content.
            CredentialsError::new(
                PROVIDER,
                format!("{} is not valid JSON: {e}", path.display()),
            )
        })?;
        let name = self
            .profile
            .clone()
            .or_else(|| self.env.non_empty(PROFILE))
            .or_else(|| {
                config
                    .get("current")
                    .and_then(Value::as_str)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
            })
            .ok_or_else(|| {
                CredentialsError::new(
                    PROVIDER,
                    format!(
                        "{}: no profile chosen ({PROFILE} not set and no \"current\")",
                        path.display()
                    ),
                )
            })?;
        let file = ConfigFile {
            path: &path,
            config: &config,
            env: &self.env,
            overrides: &self.overrides,
        };
        file.provider(&name, 0)
    }
}

struct ConfigFile<'a> {
    path: &'a std::path::Path,
    config: &'a Value,
    env: &'a Env,
    overrides: &'a Overrides,
}

impl ConfigFile<'_> {
    fn err(&self, profile: &str, msg: impl fmt::Display) -> CredentialsError {
        CredentialsError::new(
            PROVIDER,
            format!("{}, profile {profile:?}: {msg}", self.path.display()),
        )
    }

    fn profile(&self, name: &str) -> Result<&Value, CredentialsError> {
        self.config
            .get("profiles")
            .and_then(Value::as_array)
            .and_then(|ps| {
                ps.iter()
                    .find(|p| p.get("name").and_then(Value::as_str) == Some(name))
            })
            .ok_or_else(|| self.err(name, "not found in \"profiles\""))
    }

    fn provider(
        &self,
        name: &str,
        depth: usize,
    ) -> Result<Arc<dyn ProvideCredentials>, CredentialsError> {
        let p = self.profile(name)?;
        let text = |key: &str| {
            p.get(key)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let required = |key: &str| {
            text(key).ok_or_else(|| self.err(name, format!("{key} is empty or missing")))
        };
        let mode = text("mode").unwrap_or_else(|| "AK".to_string());
        let access_key = || -> Result<StaticProvider, CredentialsError> {
            Ok(StaticProvider::new(
                required("access_key_id")?,
                required("access_key_secret")?,
            ))
        };
        match mode.as_str() {
            "AK" => Ok(Arc::new(access_key()?)),
            "StsToken" => Ok(Arc::new(
                access_key()?.with_security_token(required("sts_token")?),
            )),
            "RamRoleArn" | "ChainableRamRoleArn" => {
                let source: Arc<dyn ProvideCredentials> = if mode == "RamRoleArn" {
                    Arc::new(access_key()?)
                } else {
                    let src = required("source_profile")?;
                    if depth >= MAX_CHAIN_DEPTH {
                        return Err(self.err(name, "source_profile chain too deep (a cycle?)"));
                    }
                    self.provider(&src, depth + 1)?
                };
                let mut rra =
                    self.overrides
                        .ram_role_arn(self.env, source, &required("ram_role_arn")?);
                if let Some(s) = text("ram_session_name") {
                    rra = rra.with_session_name(s);
                }
                let secs = number(p.get("expired_seconds")).unwrap_or(0);
                let secs = if secs == 0 {
                    DEFAULT_DURATION_SECONDS
                } else {
                    secs
                };
                rra = rra.with_duration_seconds(secs);
                if let Some(policy) = text("policy") {
                    rra = rra.with_policy(policy);
                }
                if let Some(x) = text("external_id") {
                    rra = rra.with_external_id(x);
                }
                if let Some(region) = text("sts_region") {
                    let vpc = p
                        .get("enable_vpc")
                        .and_then(Value::as_bool)
                        .unwrap_or(false);
                    rra = rra.with_sts_region(region, vpc);
                }
                Ok(Arc::new(rra))
            }
            "EcsRamRole" => Ok(Arc::new(
                self.overrides.ecs_ram_role(self.env, text("ram_role_name")),
            )),
            other => Err(self.err(
                name,
                format!(
                    "mode {other:?} is not supported (supported: AK, StsToken, RamRoleArn, \
                     EcsRamRole, ChainableRamRoleArn)"
                ),
            )),
        }
    }
}

/// A non-negative integer given as a JSON number or string.
fn number(v: Option<&Value>) -> Option<u32> {
    match v? {
        Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

impl fmt::Debug for CliProfileProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CliProfileProvider")
            .field("path", &self.path)
            .field("profile", &self.profile)
            .field("env", &self.env)
            .field("loaded", &self.inner.get())
            .finish()
    }
}

impl ProvideCredentials for CliProfileProvider {
    fn provide(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(async move {
            if self.env.flag(CLI_PROFILE_DISABLED) {
                return Err(CredentialsError::new(
                    PROVIDER,
                    format!("disabled by {CLI_PROFILE_DISABLED}=true"),
                ));
            }
            let inner = self.inner.get_or_try_init(|| async { self.load() }).await?;
            let mut creds = inner.provide().await.map_err(|e| {
                CredentialsError::new(PROVIDER, format!("{}: {}", e.provider, e.message))
            })?;
            creds.provider_name = format!("{PROVIDER}/{}", creds.provider_name);
            Ok(creds)
        })
    }
}
