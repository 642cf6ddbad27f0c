//! Where providers read environment variables and the home directory from.

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

/// The environment a provider reads: the process environment (default) or a fixed map.
///
/// Variables are read when credentials are requested, not when the provider is built. A map
/// lets tests (and embedders) supply variables and a home directory without changing global
/// process state. `Debug` lists only variable names, never values.
///
/// ```
/// use ice_api::runtime::credentials::Env;
/// let env = Env::from_vars([("ALIBABA_CLOUD_PROFILE", "dev")]).with_home("/tmp/home");
/// assert_eq!(env.var("ALIBABA_CLOUD_PROFILE").as_deref(), Some("dev"));
/// assert_eq!(env.home_dir(), Some("/tmp/home".into()));
/// ```
#[derive(Clone, Default)]
pub struct Env {
    vars: Option<Arc<HashMap<String, String>>>,
    home: Option<PathBuf>,
}

impl Env {
    /// The process environment (`std::env`), read at call time.
    pub fn process() -> Self {
        Self::default()
    }

    /// A fixed set of variables; the process environment is not consulted.
    pub fn from_vars<I, K, V>(vars: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        Self {
            vars: Some(Arc::new(
                vars.into_iter()
                    .map(|(k, v)| (k.into(), v.into()))
                    .collect(),
            )),
            home: None,
        }
    }

    /// Uses `home` as the home directory instead of `HOME`/`USERPROFILE`.
    pub fn with_home(mut self, home: impl Into<PathBuf>) -> Self {
        self.home = Some(home.into());
        self
    }

    /// The value of `key`, if set (possibly empty).
    pub fn var(&self, key: &str) -> Option<String> {
        match &self.vars {
            Some(map) => map.get(key).cloned(),
            None => std::env::var(key).ok(),
        }
    }

    /// The value of `key` if set and not empty (surrounding whitespace removed).
    pub fn non_empty(&self, key: &str) -> Option<String> {
        self.var(key)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    }

    /// Whether `key` is set to `true` (case-insensitive), the SDKs' convention for switches.
    pub fn flag(&self, key: &str) -> bool {
        self.var(key)
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
    }

    /// The home directory: the explicit one, else `HOME`, else `USERPROFILE`.
    pub fn home_dir(&self) -> Option<PathBuf> {
        if let Some(home) = &self.home {
            return Some(home.clone());
        }
        self.non_empty("HOME")
            .or_else(|| self.non_empty("USERPROFILE"))
            .map(PathBuf::from)
    }
}

impl fmt::Debug for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Env");
        match &self.vars {
            Some(map) => {
                let mut names: Vec<&str> = map.keys().map(String::as_str).collect();
                names.sort_unstable();
                d.field("vars", &names)
            }
            None => d.field("vars", &"<process>"),
        };
        d.field("home", &self.home).finish()
    }
}
