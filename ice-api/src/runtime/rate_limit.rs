//! Client-side rate limit: a token bucket shared by every clone of a client, so a batch
//! submitter stays under its quota instead of collecting `Throttling.User` errors. Every HTTP
//! attempt (retries included) takes one token.
//!
//! Hand-written rather than `governor`: governor sleeps on `futures-timer`'s own thread instead
//! of tokio's clock (so neither the runtime's timer nor `tokio::time::pause` applies), re-polls
//! instead of serving waiters in arrival order, and adds 13 crates, a second `hashbrown` among
//! them, to a user's build.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use super::config::ConfigError;

/// Requests per second and burst size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    per_second: f64,
    burst: u32,
}

impl RateLimit {
    /// `per_second` requests per second (may be fractional, e.g. `0.5`), with a burst of
    /// `max(1, floor(per_second))` requests.
    pub fn per_second(per_second: f64) -> Result<Self, ConfigError> {
        if !per_second.is_finite() || per_second <= 0.0 {
            return Err(ConfigError::new(
                "rate_limit",
                format!("{per_second} requests per second; expected a positive number"),
            ));
        }
        Ok(Self {
            per_second,
            burst: (per_second.floor() as u32).max(1),
        })
    }

    /// Allows up to `burst` (at least 1) back-to-back requests after an idle period.
    pub fn with_burst(mut self, burst: u32) -> Self {
        self.burst = burst.max(1);
        self
    }

    /// Sustained requests per second.
    pub fn rate(&self) -> f64 {
        self.per_second
    }

    /// Largest burst.
    pub fn burst(&self) -> u32 {
        self.burst
    }
}

/// The shared bucket. Waiters reserve a slot under the lock and sleep outside it, so they are
/// served in arrival order and a cancelled call gives up only its own slot.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    limit: RateLimit,
    state: Mutex<Bucket>,
}

#[derive(Debug)]
struct Bucket {
    /// May go negative: then it counts reservations already handed out.
    tokens: f64,
    last: Instant,
}

impl RateLimiter {
    pub(crate) fn new(limit: RateLimit) -> Self {
        Self {
            limit,
            state: Mutex::new(Bucket {
                tokens: f64::from(limit.burst),
                last: Instant::now(),
            }),
        }
    }

    /// How long the caller must wait for its token (zero when one is available). The token is
    /// taken now.
    pub(crate) fn reserve(&self) -> Duration {
        let now = Instant::now();
        // A poisoned lock only means another caller panicked mid-update; the numbers are still
        // usable.
        let mut b = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let elapsed = now.saturating_duration_since(b.last).as_secs_f64();
        b.tokens = (b.tokens + elapsed * self.limit.per_second).min(f64::from(self.limit.burst));
        b.last = now;
        b.tokens -= 1.0;
        if b.tokens >= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-b.tokens / self.limit.per_second)
        }
    }

    /// Waits for a token.
    pub(crate) async fn acquire(&self) {
        let wait = self.reserve();
        if !wait.is_zero() {
            tracing::debug!(wait_ms = wait.as_millis() as u64, "client-side rate limit");
            tokio::time::sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_non_positive_rates() {
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(RateLimit::per_second(bad).is_err());
        }
    }

    #[tokio::test(start_paused = true)]
    async fn spaces_requests_after_the_burst() {
        let l = RateLimiter::new(RateLimit::per_second(4.0).unwrap().with_burst(2));
        assert_eq!(l.reserve(), Duration::ZERO);
        assert_eq!(l.reserve(), Duration::ZERO);
        assert_eq!(l.reserve(), Duration::from_millis(250));
        assert_eq!(l.reserve(), Duration::from_millis(500));
        tokio::time::advance(Duration::from_secs(10)).await;
        // Refill never exceeds the burst.
        assert_eq!(l.reserve(), Duration::ZERO);
        assert_eq!(l.reserve(), Duration::ZERO);
        assert!(l.reserve() > Duration::ZERO);
    }
}
