//! Credentials from the shared credentials file, `~/.alibabacloud/credentials.ini` (INI).

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::cli_profile::PROFILE;
use super::files::{describe, read_bounded, MAX_CONFIG_FILE};
use super::ini::{self, IniSection};
use super::oidc::{OidcRoleArnProvider, Setting};
use super::overrides::Overrides;
use super::validate;
use super::{BoxFuture, Credentials, CredentialsError, Env, ProvideCredentials, StaticProvider};

const PROVIDER: &str = "profile";
pub(crate) const CREDENTIALS_FILE: &str = "ALIBABA_CLOUD_CREDENTIALS_FILE";
const TYPES: &str = "access_key, ram_role_arn, ecs_ram_role, oidc_role_arn";

/// Reads a section of the credentials INI file; the official name of this provider is
/// `profile`, and its credentials are named `profile/<inner name>`.
///
/// The file is the explicit one, else `ALIBABA_CLOUD_CREDENTIALS_FILE`, else
/// `~/.alibabacloud/credentials.ini` (the official library's file). Only when that does not
/// exist is `~/.alibabacloud/credentials` read, as a fallback for files written for older
/// versions of this crate. The section is the explicit one, else `ALIBABA_CLOUD_PROFILE`, else
/// `default`.
///
/// `type` is `access_key` (`access_key_id`, `access_key_secret`), `ram_role_arn` (those plus
/// `role_arn`, optional `role_session_name`, `policy`, `external_id`), `ecs_ram_role` (optional
/// `role_name`) or `oidc_role_arn` (`role_arn`, `oidc_provider_arn`, `oidc_token_file_path`,
/// optional `role_session_name`, `policy`).
///
/// The file is parsed strictly with the official library's syntax (`key = value` or
/// `key: value`, `#`/`;` comment lines, a `#` ends a value): a malformed file is an error naming
/// the file, the line and the reason, never partly used.
///
/// Not configured (a chain moves on) only when no file exists and no profile was named, or when
/// the `[default]` section is absent. A file named by the variable that does not exist, a
/// section named by `ALIBABA_CLOUD_PROFILE` that is absent (the CLI configuration did not have
/// the profile either, or the chain would not be here), a file that does not parse or a section
/// that is incomplete are errors.
///
/// ```text
/// [default]
/// type = access_key            # long-lived key
/// access_key_id = LTAI5tExampleKeyabcd
/// access_key_secret: ...
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

/// Where the file name came from, which decides whether its absence is an error.
enum Chosen {
    Explicit(PathBuf),
    Variable(PathBuf),
    Home(PathBuf),
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

    /// STS base URL for `ram_role_arn` and `oidc_role_arn` sections.
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

    /// The file to read and how it was chosen.
    fn file_path(&self) -> Result<Chosen, CredentialsError> {
        if let Some(p) = &self.path {
            return Ok(Chosen::Explicit(p.clone()));
        }
        if let Some(v) = self.env.non_empty(CREDENTIALS_FILE) {
            return Ok(Chosen::Variable(PathBuf::from(v)));
        }
        let dir = self
            .env
            .home_dir()
            .map(|h| h.join(".alibabacloud"))
            .ok_or_else(|| {
                CredentialsError::not_configured(PROVIDER, "home directory unknown (HOME not set)")
            })?;
        let official = dir.join("credentials.ini");
        let fallback = dir.join("credentials");
        if !official.exists() && fallback.exists() {
            return Ok(Chosen::Home(fallback));
        }
        Ok(Chosen::Home(official))
    }

    /// The section name and, if it was named rather than defaulted, by what.
    fn section_name(&self) -> (String, Option<String>) {
        if let Some(p) = &self.profile {
            return (p.clone(), Some("the provider".into()));
        }
        match self.env.non_empty(PROFILE) {
            Some(p) => (p, Some(PROFILE.into())),
            None => ("default".into(), None),
        }
    }

    fn load(&self) -> Result<Arc<dyn ProvideCredentials>, CredentialsError> {
        let (name, named_by) = self.section_name();
        let chosen = self.file_path()?;
        let path = match &chosen {
            Chosen::Explicit(p) | Chosen::Variable(p) | Chosen::Home(p) => p.as_path(),
        };
        let text = read_bounded(path, MAX_CONFIG_FILE).map_err(|e| {
            let mut msg = describe(path, &e);
            if matches!(chosen, Chosen::Variable(_)) {
                msg = format!("{CREDENTIALS_FILE}: {msg}");
            }
            let absent_home =
                matches!(chosen, Chosen::Home(_)) && e.kind() == std::io::ErrorKind::NotFound;
            match (&named_by, absent_home) {
                (None, true) => CredentialsError::not_configured(
                    PROVIDER,
                    format!("{msg} (nor at {})", path.with_extension("").display()),
                ),
                (Some(by), true) => CredentialsError::new(
                    PROVIDER,
                    format!(
                        "profile {name:?} named by {by} was not found: no credentials file ({msg}, \
                         nor at {})",
                        path.with_extension("").display()
                    ),
                ),
                _ => CredentialsError::new(PROVIDER, msg).with_source(e),
            }
        })?;
        let doc = ini::parse(&text).map_err(|e| {
            CredentialsError::new(
                PROVIDER,
                format!("{}:{}: {}", path.display(), e.line, e.reason),
            )
            .with_source(e)
        })?;
        match (doc.section(&name), named_by) {
            (Some(section), _) => self.provider(path, &name, &section),
            (None, None) => Err(CredentialsError::not_configured(
                PROVIDER,
                format!("{}: no section [{name}]", path.display()),
            )),
            (None, Some(by)) => Err(CredentialsError::new(
                PROVIDER,
                format!(
                    "{}: no section [{name}] (profile named by {by})",
                    path.display()
                ),
            )),
        }
    }

    fn provider(
        &self,
        path: &Path,
        name: &str,
        section: &IniSection,
    ) -> Result<Arc<dyn ProvideCredentials>, CredentialsError> {
        let at = |key: &str| {
            let line = section.line_of(key).unwrap_or(section.line);
            format!("{}:{line}: [{name}] {key}", path.display())
        };
        let err =
            |key: &str, msg: String| CredentialsError::new(PROVIDER, format!("{}: {msg}", at(key)));
        let text = |key: &str| {
            section
                .get(key)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        let required = |key: &str| text(key).ok_or_else(|| err(key, "is empty or missing".into()));
        let arn = |key: &str, check: fn(&str) -> Result<(), String>| {
            let v = required(key)?;
            check(&v).map_err(|m| err(key, m))?;
            Ok::<_, CredentialsError>(v)
        };
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
                let role = arn("role_arn", validate::role_arn)?;
                let mut p = self
                    .overrides
                    .ram_role_arn(&self.env, Arc::new(access_key()?), &role);
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
            "ecs_ram_role" => Ok(Arc::new(
                self.overrides.ecs_ram_role(&self.env, text("role_name")),
            )),
            "oidc_role_arn" => {
                let setting = |key: &str, v: String| Setting::new(v, at(key));
                let provider = OidcRoleArnProvider::from_file(
                    setting("role_arn", arn("role_arn", validate::role_arn)?),
                    setting(
                        "oidc_provider_arn",
                        arn("oidc_provider_arn", validate::oidc_provider_arn)?,
                    ),
                    setting("oidc_token_file_path", required("oidc_token_file_path")?),
                );
                let mut p = self.overrides.oidc(&self.env, provider);
                if let Some(s) = text("role_session_name") {
                    p = p.with_session_name(s);
                }
                if let Some(s) = text("policy") {
                    p = p.with_policy(s);
                }
                Ok(Arc::new(p))
            }
            other => Err(err(
                "type",
                format!("{other:?} is not supported (supported: {TYPES})"),
            )),
        }
    }
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
            let mut creds = inner.provide().await.map_err(|e| e.within(PROVIDER))?;
            creds.provider_name = format!("{PROVIDER}/{}", creds.provider_name);
            Ok(creds)
        })
    }
}
