//! Credentials from the shared credentials file, `~/.alibabacloud/credentials` (INI).

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::cli_profile::PROFILE;
use super::overrides::Overrides;
use super::{BoxFuture, Credentials, CredentialsError, Env, ProvideCredentials, StaticProvider};

const PROVIDER: &str = "ini_file";
pub(crate) const CREDENTIALS_FILE: &str = "ALIBABA_CLOUD_CREDENTIALS_FILE";

/// Reads a section of the credentials INI file.
///
/// The file is the explicit one, else `ALIBABA_CLOUD_CREDENTIALS_FILE`, else
/// `~/.alibabacloud/credentials`, else `~/.alibabacloud/credentials.ini` (the Python SDK's
/// name). The section is the explicit one, else `ALIBABA_CLOUD_PROFILE`, else `default`.
/// `type` is `access_key` (`access_key_id`, `access_key_secret`), `ram_role_arn` (those plus
/// `role_arn`, optional `role_session_name`, `policy`, `external_id`) or `ecs_ram_role`
/// (optional `role_name`). Lines starting with `#` or `;` are comments, and a `#` ends a value.
///
/// ```text
/// [default]
/// type = access_key            # long-lived key
/// access_key_id = LTAI5tExampleKeyabcd
/// access_key_secret = ...
/// ```
pub struct IniFileProvider {
    env: Env,
    path: Option<PathBuf>,
    profile: Option<String>,
    overrides: Overrides,
    inner: tokio::sync::OnceCell<Arc<dyn ProvideCredentials>>,
}

impl Default for IniFileProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl IniFileProvider {
    /// Uses the process environment.
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

    /// Reads this file.
    pub fn with_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// Uses this section.
    pub fn with_profile(mut self, profile: impl Into<String>) -> Self {
        self.profile = Some(profile.into());
        self
    }

    /// STS base URL for `ram_role_arn` sections.
    pub fn with_sts_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.overrides.sts_endpoint = Some(endpoint.into());
        self
    }

    /// Metadata base URL for `ecs_ram_role` sections.
    pub fn with_metadata_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.overrides.metadata_endpoint = Some(endpoint.into());
        self
    }

    pub(crate) fn with_overrides(mut self, overrides: Overrides) -> Self {
        self.overrides = overrides;
        self
    }

    fn file_path(&self) -> Result<PathBuf, CredentialsError> {
        if let Some(p) = &self.path {
            return Ok(p.clone());
        }
        if let Some(v) = self.env.var(CREDENTIALS_FILE) {
            let v = v.trim();
            if v.is_empty() {
                return Err(CredentialsError::new(
                    PROVIDER,
                    format!("{CREDENTIALS_FILE} is set but empty"),
                ));
            }
            return Ok(PathBuf::from(v));
        }
        let dir = self
            .env
            .home_dir()
            .map(|h| h.join(".alibabacloud"))
            .ok_or_else(|| {
                CredentialsError::new(PROVIDER, "home directory unknown (HOME not set)")
            })?;
        let plain = dir.join("credentials");
        if plain.is_file() {
            return Ok(plain);
        }
        let ini = dir.join("credentials.ini");
        if ini.is_file() {
            return Ok(ini);
        }
        Err(CredentialsError::new(
            PROVIDER,
            format!("no file at {} or {}", plain.display(), ini.display()),
        ))
    }

    fn load(&self) -> Result<Arc<dyn ProvideCredentials>, CredentialsError> {
        let path = self.file_path()?;
        let text = std::fs::read_to_string(&path).map_err(|e| {
            let what = if e.kind() == std::io::ErrorKind::NotFound {
                "no file at".to_string()
            } else {
                format!("cannot read ({e})")
            };
            CredentialsError::new(PROVIDER, format!("{what} {}", path.display()))
        })?;
        let sections = parse_ini(&text);
        let name = self
            .profile
            .clone()
            .or_else(|| self.env.non_empty(PROFILE))
            .unwrap_or_else(|| "default".to_string());
        let section = sections.get(&name).ok_or_else(|| {
            CredentialsError::new(PROVIDER, format!("{}: no section [{name}]", path.display()))
        })?;
        self.provider(&path, &name, section)
    }

    fn provider(
        &self,
        path: &Path,
        name: &str,
        section: &HashMap<String, String>,
    ) -> Result<Arc<dyn ProvideCredentials>, CredentialsError> {
        let err = |msg: String| {
            CredentialsError::new(
                PROVIDER,
                format!("{}, section [{name}]: {msg}", path.display()),
            )
        };
        let text = |key: &str| section.get(key).filter(|v| !v.is_empty()).cloned();
        let required =
            |key: &str| text(key).ok_or_else(|| err(format!("{key} is empty or missing")));
        let access_key = || -> Result<StaticProvider, CredentialsError> {
            Ok(StaticProvider::new(
                required("access_key_id")?,
                required("access_key_secret")?,
            ))
        };
        let kind = required("type")?;
        match kind.as_str() {
            "access_key" => Ok(Arc::new(access_key()?)),
            "ram_role_arn" => {
                let mut p = self.overrides.ram_role_arn(
                    &self.env,
                    Arc::new(access_key()?),
                    &required("role_arn")?,
                );
                if let Some(s) = text("role_session_name") {
                    p = p.with_session_name(s);
                }
                if let Some(s) = text("policy") {
                    p = p.with_policy(s);
                }
                if let Some(s) = text("external_id") {
                    p = p.with_external_id(s);
                }
                Ok(Arc::new(p))
            }
            "ecs_ram_role" => Ok(Arc::new(self.overrides.ecs_ram_role(&self.env, text("role_name")))),
            other => Err(err(format!(
                "type {other:?} is not supported (supported: access_key, ram_role_arn, ecs_ram_role)"
            ))),
        }
    }
}

/// Sections → keys → values. Keys are lower-cased and trimmed; a value ends at the first `#`
/// (as in the Python SDK); `#`/`;` lines are comments; malformed lines are ignored.
fn parse_ini(text: &str) -> HashMap<String, HashMap<String, String>> {
    let mut sections: HashMap<String, HashMap<String, String>> = HashMap::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(rest) = line.strip_prefix('[') {
            if let Some(end) = rest.find(']') {
                let name = rest[..end].trim().to_string();
                sections.entry(name.clone()).or_default();
                current = Some(name);
            }
            continue;
        }
        let (Some(section), Some((key, value))) = (&current, line.split_once('=')) else {
            continue;
        };
        let value = value.split('#').next().unwrap_or("").trim();
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(value);
        sections
            .entry(section.clone())
            .or_default()
            .insert(key.trim().to_ascii_lowercase(), value.to_string());
    }
    sections
}

impl fmt::Debug for IniFileProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IniFileProvider")
            .field("path", &self.path)
            .field("profile", &self.profile)
            .field("env", &self.env)
            .field("loaded", &self.inner.get())
            .finish()
    }
}

impl ProvideCredentials for IniFileProvider {
    fn provide(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(async move {
            let inner = self.inner.get_or_try_init(|| async { self.load() }).await?;
            let mut creds = inner.provide().await.map_err(|e| {
                CredentialsError::new(PROVIDER, format!("{}: {}", e.provider, e.message))
            })?;
            creds.provider_name = format!("{PROVIDER}/{}", creds.provider_name);
            Ok(creds)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::parse_ini;

    #[test]
    fn comments_and_sections() {
        let s = parse_ini(
            "# top\n[default]\ntype = access_key # inline\n; semi\nKey_B=\"quoted\"\n[other]\nx=1\n",
        );
        assert_eq!(s["default"]["type"], "access_key");
        assert_eq!(s["default"]["key_b"], "quoted");
        assert_eq!(s["other"]["x"], "1");
        assert_eq!(s["default"].len(), 2);
    }
}
