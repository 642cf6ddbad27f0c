//! Credentials from the Alibaba Cloud CLI configuration, `~/.aliyun/config.json`.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;

use super::files::{describe, read_bounded, MAX_CONFIG_FILE};
use super::oidc::{OidcRoleArnProvider, Setting};
use super::overrides::Overrides;
use super::validate::{self, DEFAULT_DURATION_SECONDS};
use super::{BoxFuture, Credentials, CredentialsError, Env, ProvideCredentials, StaticProvider};

const PROVIDER: &str = "cli_profile";
pub(crate) const CLI_PROFILE_DISABLED: &str = "ALIBABA_CLOUD_CLI_PROFILE_DISABLED";
pub(crate) const PROFILE: &str = "ALIBABA_CLOUD_PROFILE";
/// How deep `ChainableRamRoleArn` profiles may refer to one another.
const MAX_CHAIN_DEPTH: usize = 5;
const MODES: &str = "AK, StsToken, RamRoleArn, ChainableRamRoleArn, EcsRamRole, OIDC";

/// Reads a profile of the CLI configuration (`{"current": …, "profiles": [{"name", "mode", …}]}`).
///
/// The profile is the explicit one, else `ALIBABA_CLOUD_PROFILE`, else the file's `current`.
/// Supported modes: `AK`, `StsToken`, `RamRoleArn` (STS `AssumeRole` with the profile's
/// AccessKey), `ChainableRamRoleArn` (`AssumeRole` with another profile's credentials),
/// `EcsRamRole` (metadata service) and `OIDC` (`AssumeRoleWithOIDC` with `ram_role_arn`,
/// `oidc_provider_arn`, `oidc_token_file`). `expired_seconds`, when present, must be a whole
/// number of at least 900, as the official library requires; ARNs must be well formed. Errors
/// point into the file (`config.json#/profiles/2/expired_seconds`).
///
/// Not configured (a chain moves on) when `ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true`, when there
/// is no file, when no profile is chosen, or when the profile named by `ALIBABA_CLOUD_PROFILE` is
/// not in the file (the credentials file may have it). Anything else wrong with the file or the
/// profile is an error.
///
/// The file is read on first use; the provider built from it (with its cache) is kept. The
/// credentials are named `cli_profile/<inner name>`, e.g. `cli_profile/ram_role_arn/static_ak`.
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

    /// STS base URL for `RamRoleArn`, `ChainableRamRoleArn` and `OIDC` profiles (e.g. a loopback
    /// stand-in).
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
            .ok_or_else(|| {
                CredentialsError::not_configured(PROVIDER, "home directory unknown (HOME not set)")
            })
    }

    fn load(&self) -> Result<Arc<dyn ProvideCredentials>, CredentialsError> {
        let path = self.config_path()?;
        let text = read_bounded(&path, MAX_CONFIG_FILE).map_err(|e| {
            let msg = describe(&path, &e);
            match e.kind() {
                std::io::ErrorKind::NotFound if self.path.is_none() => {
                    CredentialsError::not_configured(PROVIDER, msg)
                }
                _ => CredentialsError::new(PROVIDER, msg).with_source(e),
            }
        })?;
        let config: Value = serde_json::from_str(&text).map_err(|e| {
            // serde_json errors name a line and column, never the content.
            CredentialsError::new(
                PROVIDER,
                format!("{} is not valid JSON: {e}", path.display()),
            )
            .with_source(e)
        })?;
        let file = ConfigFile {
            path: &path,
            config: &config,
            env: &self.env,
            overrides: &self.overrides,
        };
        let current = config.get("current").and_then(Value::as_str).map(str::trim);
        let (name, chosen_by) = if let Some(p) = &self.profile {
            (p.clone(), "the provider")
        } else if let Some(p) = self.env.non_empty(PROFILE) {
            if file.find(&p)?.is_none() {
                return Err(CredentialsError::not_configured(
                    PROVIDER,
                    format!("{PROFILE}={p:?} is not a profile in {}", path.display()),
                ));
            }
            (p, PROFILE)
        } else if let Some(p) = current.filter(|c| !c.is_empty()) {
            (p.to_string(), "\"current\"")
        } else {
            return Err(CredentialsError::not_configured(
                PROVIDER,
                format!(
                    "{}: no profile chosen ({PROFILE} not set and no \"current\")",
                    path.display()
                ),
            ));
        };
        match file.find(&name)? {
            Some((index, profile)) => file.provider(index, profile, 0),
            None => Err(CredentialsError::new(
                PROVIDER,
                format!(
                    "{}#/profiles: no profile named {name:?} (chosen by {chosen_by})",
                    path.display()
                ),
            )),
        }
    }
}

struct ConfigFile<'a> {
    path: &'a Path,
    config: &'a Value,
    env: &'a Env,
    overrides: &'a Overrides,
}

impl ConfigFile<'_> {
    /// An error at `#/profiles/<index>[/<key>]`.
    fn err(&self, index: usize, key: Option<&str>, msg: impl fmt::Display) -> CredentialsError {
        let key = key.map(|k| format!("/{k}")).unwrap_or_default();
        CredentialsError::new(
            PROVIDER,
            format!("{}#/profiles/{index}{key}: {msg}", self.path.display()),
        )
    }

    /// The profile named `name` and its index, if any.
    fn find(&self, name: &str) -> Result<Option<(usize, &Value)>, CredentialsError> {
        let profiles = match self.config.get("profiles") {
            None => return Ok(None),
            Some(Value::Array(ps)) => ps,
            Some(_) => {
                return Err(CredentialsError::new(
                    PROVIDER,
                    format!("{}#/profiles: expected an array", self.path.display()),
                ))
            }
        };
        Ok(profiles
            .iter()
            .enumerate()
            .find(|(_, p)| p.get("name").and_then(Value::as_str) == Some(name)))
    }

    fn provider(
        &self,
        index: usize,
        p: &Value,
        depth: usize,
    ) -> Result<Arc<dyn ProvideCredentials>, CredentialsError> {
        let text = |key: &str| {
            p.get(key)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let required =
            |key: &str| text(key).ok_or_else(|| self.err(index, Some(key), "is empty or missing"));
        let arn = |key: &str, check: fn(&str) -> Result<(), String>| {
            let v = required(key)?;
            check(&v).map_err(|m| self.err(index, Some(key), m))?;
            Ok::<_, CredentialsError>(v)
        };
        let duration = || -> Result<u32, CredentialsError> {
            const KEY: &str = "expired_seconds";
            match p.get(KEY) {
                None | Some(Value::Null) => Ok(DEFAULT_DURATION_SECONDS),
                Some(Value::Number(n)) => n
                    .as_u64()
                    .ok_or_else(|| "is not a whole number of seconds".to_string())
                    .and_then(validate::duration_seconds)
                    .map_err(|m| self.err(index, Some(KEY), m)),
                Some(_) => Err(self.err(index, Some(KEY), "expected a number of seconds")),
            }
        };
        let access_key = || -> Result<StaticProvider, CredentialsError> {
            Ok(StaticProvider::new(
                required("access_key_id")?,
                required("access_key_secret")?,
            ))
        };
        let vpc = p
            .get("enable_vpc")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let mode = text("mode").unwrap_or_else(|| "AK".to_string());
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
                        return Err(self.err(
                            index,
                            Some("source_profile"),
                            "source_profile chain too deep (a cycle?)",
                        ));
                    }
                    let (i, sp) = self.find(&src)?.ok_or_else(|| {
                        self.err(
                            index,
                            Some("source_profile"),
                            format!("no profile named {src:?}"),
                        )
                    })?;
                    self.provider(i, sp, depth + 1)?
                };
                let role = arn("ram_role_arn", validate::role_arn)?;
                let mut rra = self
                    .overrides
                    .ram_role_arn(self.env, source, &role)
                    .with_duration_seconds(duration()?);
                if let Some(s) = text("ram_session_name") {
                    rra = rra.with_session_name(s);
                }
                if let Some(policy) = text("policy") {
                    rra = rra.with_policy(policy);
                }
                if let Some(x) = text("external_id") {
                    rra = rra.with_external_id(x);
                }
                if let Some(region) = text("sts_region") {
                    rra = rra.with_sts_region(region, vpc);
                }
                Ok(Arc::new(rra))
            }
            "EcsRamRole" => Ok(Arc::new(
                self.overrides.ecs_ram_role(self.env, text("ram_role_name")),
            )),
            "OIDC" => {
                let at = |key: &str| format!("{}#/profiles/{index}/{key}", self.path.display());
                let setting = |key: &str, v: String| Setting::new(v, at(key));
                let provider = OidcRoleArnProvider::from_file(
                    setting("ram_role_arn", arn("ram_role_arn", validate::role_arn)?),
                    setting(
                        "oidc_provider_arn",
                        arn("oidc_provider_arn", validate::oidc_provider_arn)?,
                    ),
                    setting("oidc_token_file", required("oidc_token_file")?),
                );
                let mut oidc = self
                    .overrides
                    .oidc(self.env, provider)
                    .with_duration_seconds(duration()?);
                // The CLI writes `ram_session_name`; the Python library reads `role_session_name`.
                if let Some(s) = text("ram_session_name").or_else(|| text("role_session_name")) {
                    oidc = oidc.with_session_name(s);
                }
                if let Some(policy) = text("policy") {
                    oidc = oidc.with_policy(policy);
                }
                if let Some(region) = text("sts_region") {
                    oidc = oidc.with_sts_region(region, vpc);
                }
                Ok(Arc::new(oidc))
            }
            other => Err(self.err(
                index,
                Some("mode"),
                format!(
                    "mode {other:?} is not supported (supported: {MODES}); set \
                     {CLI_PROFILE_DISABLED}=true to skip this file"
                ),
            )),
        }
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
                return Err(CredentialsError::not_configured(
                    PROVIDER,
                    format!("disabled by {CLI_PROFILE_DISABLED}=true"),
                ));
            }
            let inner = self.inner.get_or_try_init(|| async { self.load() }).await?;
            let mut creds = inner.provide().await.map_err(|e| e.within(PROVIDER))?;
            creds.provider_name = format!("{PROVIDER}/{}", creds.provider_name);
            Ok(creds)
        })
    }
}
