//! Caching of temporary credentials: reuse until shortly before expiry, one refresh at a time.

use std::fmt;
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use super::{BoxFuture, Credentials, CredentialsError, ProvideCredentials};

/// How long before `expiration` cached credentials are refreshed by default (the official SDKs
/// treat temporary credentials as stale 15 minutes before they expire).
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(15 * 60);

/// The cache used by [`CachingProvider`] and by the providers of temporary credentials.
pub(crate) struct CredentialsCache {
    margin: Duration,
    cached: RwLock<Option<Credentials>>,
    refresh: tokio::sync::Mutex<()>,
}

impl CredentialsCache {
    pub(crate) fn new(margin: Duration) -> Self {
        Self {
            margin,
            cached: RwLock::new(None),
            refresh: tokio::sync::Mutex::new(()),
        }
    }

    fn current(&self) -> Option<Credentials> {
        match self.cached.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn store(&self, creds: &Credentials) {
        match self.cached.write() {
            Ok(mut guard) => *guard = Some(creds.clone()),
            Err(poisoned) => *poisoned.into_inner() = Some(creds.clone()),
        }
    }

    fn is_fresh(&self, creds: &Credentials, now: SystemTime) -> bool {
        match creds.expiration {
            None => true,
            Some(exp) => now
                .checked_add(self.margin)
                .is_some_and(|refresh_at| refresh_at < exp),
        }
    }

    /// Cached credentials if fresh; otherwise runs `fetch` (only one caller at a time; the others
    /// wait and reuse its result). If the refresh fails but the cached credentials have not yet
    /// expired, those are returned.
    pub(crate) async fn get_or_refresh(
        &self,
        fetch: BoxFuture<'_, Result<Credentials, CredentialsError>>,
    ) -> Result<Credentials, CredentialsError> {
        if let Some(c) = self
            .current()
            .filter(|c| self.is_fresh(c, SystemTime::now()))
        {
            return Ok(c);
        }
        let _refreshing = self.refresh.lock().await;
        // Another caller may have refreshed while this one waited.
        let cached = self.current();
        if let Some(c) = cached
            .as_ref()
            .filter(|c| self.is_fresh(c, SystemTime::now()))
        {
            return Ok(c.clone());
        }
        match fetch.await {
            Ok(fresh) => {
                self.store(&fresh);
                Ok(fresh)
            }
            Err(e) => match cached {
                Some(c) if c.expiration.is_some_and(|exp| SystemTime::now() < exp) => {
                    tracing::warn!(
                        provider = %e.provider,
                        error = %e.message,
                        "credential refresh failed; using cached credentials until they expire"
                    );
                    Ok(c)
                }
                _ => Err(e),
            },
        }
    }
}

impl fmt::Debug for CredentialsCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cached = self.current();
        f.debug_struct("CredentialsCache")
            .field("refresh_margin", &self.margin)
            .field("cached_until", &cached.as_ref().map(|c| c.expiration))
            .finish()
    }
}

/// Wraps any provider and caches what it returns until `refresh_margin` (default 15 minutes)
/// before the credentials' `expiration`; credentials without an expiration are kept for good.
///
/// Under concurrency only one refresh is in flight; other callers wait for it. If a refresh
/// fails while the cached credentials are still valid, the cached ones are served.
///
/// ```
/// use std::sync::Arc;
/// use std::time::Duration;
/// use ice_api::runtime::credentials::{CachingProvider, StaticProvider};
/// let cached = CachingProvider::new(Arc::new(StaticProvider::new("id", "secret")))
///     .with_refresh_margin(Duration::from_secs(300));
/// # let _ = cached;
/// ```
pub struct CachingProvider {
    inner: Arc<dyn ProvideCredentials>,
    cache: CredentialsCache,
}

impl CachingProvider {
    /// Caches `inner` with the default 15-minute refresh margin.
    pub fn new(inner: Arc<dyn ProvideCredentials>) -> Self {
        Self {
            inner,
            cache: CredentialsCache::new(DEFAULT_REFRESH_MARGIN),
        }
    }

    /// Refreshes `margin` before expiry instead of 15 minutes. Pick a margin shorter than the
    /// credentials' lifetime, or every call refreshes.
    pub fn with_refresh_margin(self, margin: Duration) -> Self {
        Self {
            inner: self.inner,
            cache: CredentialsCache::new(margin),
        }
    }
}

impl fmt::Debug for CachingProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachingProvider")
            .field("inner", &self.inner)
            .field("cache", &self.cache)
            .finish()
    }
}

impl ProvideCredentials for CachingProvider {
    fn provide(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.cache.get_or_refresh(self.inner.provide()))
    }
}
