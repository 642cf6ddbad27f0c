//! Retry policy: which failures are retried, how long to wait, and when re-sending is unsafe.
//!
//! # Default policy
//! - At most **3 attempts** in total (the first try plus two retries).
//! - Backoff with **full jitter**: the n-th retry (n = 1, 2, …) waits a uniformly random time in
//!   `[0, min(20 s, 100 ms × 2ⁿ)]`.
//! - When the service sends `x-acs-retry-after` (milliseconds), that wait is used instead, capped
//!   at 20 s ([`max_retry_after`](RetryPolicy::max_retry_after)).
//! - No wait ever runs past the call's total timeout; the last error is returned instead.
//!
//! # What is retried
//! | failure | idempotent op, or `ClientToken` set | other (non-idempotent) op |
//! | --- | --- | --- |
//! | connect error (request never left) | retried | retried |
//! | timeout / reset after the request was sent | retried | **not retried** |
//! | `Throttling*` code, HTTP 429, `x-acs-retry-after` | retried | retried |
//! | HTTP 503 or `ServiceUnavailable*` code | retried | retried |
//! | other 5xx (500, 502, 504, …) | retried | **not retried** |
//! | other 4xx, decode errors, validation | not retried | not retried |
//!
//! Throttling and "service unavailable" answers mean the gateway turned the request away before
//! the service acted on it, so they are safe to repeat. Any other 5xx, or a lost response, may
//! come after the job was created: re-sending a `Submit*` then would create a second job. With a
//! `ClientToken` the service de-duplicates, so such requests are retried.
//!
//! Every attempt is signed afresh (new `x-acs-date`, nonce and signature) and retries carry the
//! signed `x-acs-retry-attempts` / `x-acs-retry-delay` headers, as the official SDK does.
//!
//! Hand-written rather than `backon`: this module is the decision table above plus one line of
//! backoff arithmetic, and `backon`'s jitter adds `(0, delay)` to each delay instead of drawing
//! the wait from `[0, delay]` (full jitter).

use std::time::Duration;

use super::error::{ErrorKind, TransportError};
use super::sign::clock::os_random;

/// How a client retries failed attempts. See the [module docs](self) for the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
    max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(20),
            max_retry_after: Duration::from_secs(20),
        }
    }
}

impl RetryPolicy {
    /// The documented default (3 attempts, full jitter from 100 ms, cap 20 s).
    pub fn new() -> Self {
        Self::default()
    }

    /// One attempt, never retried.
    pub fn disabled() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Total attempts including the first (values below 1 count as 1).
    pub fn with_max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }

    /// Base of the exponential backoff.
    pub fn with_base_delay(mut self, d: Duration) -> Self {
        self.base_delay = d;
        self
    }

    /// Upper bound of one backoff wait.
    pub fn with_max_delay(mut self, d: Duration) -> Self {
        self.max_delay = d;
        self
    }

    /// Upper bound applied to the service's `x-acs-retry-after`.
    pub fn with_max_retry_after(mut self, d: Duration) -> Self {
        self.max_retry_after = d;
        self
    }

    /// Total attempts including the first.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// Base of the exponential backoff.
    pub fn base_delay(&self) -> Duration {
        self.base_delay
    }

    /// Upper bound of one backoff wait.
    pub fn max_delay(&self) -> Duration {
        self.max_delay
    }

    /// Upper bound applied to `x-acs-retry-after`.
    pub fn max_retry_after(&self) -> Duration {
        self.max_retry_after
    }

    /// Whether the failure of attempt number `attempt` (1-based) should be retried, and after
    /// what wait. `resend_safe` is true for idempotent operations and requests with a
    /// `ClientToken`.
    pub(crate) fn decide(
        &self,
        failure: &ErrorKind,
        attempt: u32,
        resend_safe: bool,
    ) -> Option<Duration> {
        if attempt >= self.max_attempts {
            return None;
        }
        match failure {
            ErrorKind::Transport(t) if transport_retryable(t, resend_safe) => {
                Some(self.backoff(attempt, unit_random()))
            }
            ErrorKind::Service(s) if s.is_throttling() || s.is_unavailable() => Some(
                s.retry_after
                    .map(|d| d.min(self.max_retry_after))
                    .unwrap_or_else(|| self.backoff(attempt, unit_random())),
            ),
            ErrorKind::Service(s) if s.status >= 500 && resend_safe => {
                Some(self.backoff(attempt, unit_random()))
            }
            _ => None,
        }
    }

    /// Full-jitter wait before retry number `retry` (1-based), for `r` uniform in `[0, 1)`.
    pub(crate) fn backoff(&self, retry: u32, r: f64) -> Duration {
        let exp = 2u32.saturating_pow(retry.min(31));
        let ceil = self.base_delay.saturating_mul(exp).min(self.max_delay);
        ceil.mul_f64(r.clamp(0.0, 1.0))
    }
}

fn transport_retryable(t: &TransportError, resend_safe: bool) -> bool {
    !t.may_have_reached_server || resend_safe
}

/// A uniform float in `[0, 1)` from the operating system's random number generator (the
/// nonce's source). Should that fail, 1.0 waits the whole exponential step: no jitter, but
/// never a shorter wait.
fn unit_random() -> f64 {
    os_random::<8>().map_or(1.0, |b| {
        (u64::from_be_bytes(b) >> 11) as f64 / (1u64 << 53) as f64
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::error::{ServiceError, TransportKind};

    fn svc(status: u16, code: &str, retry_after_ms: Option<u64>) -> ErrorKind {
        let body = format!(r#"{{"Code":"{code}","Message":"m"}}"#);
        ErrorKind::Service(ServiceError::from_response(
            status,
            None,
            retry_after_ms.map(Duration::from_millis),
            body.as_bytes(),
        ))
    }

    fn transport(kind: TransportKind, reached: bool) -> ErrorKind {
        ErrorKind::Transport(TransportError {
            kind,
            may_have_reached_server: reached,
            message: "x".into(),
        })
    }

    #[test]
    fn backoff_is_full_jitter_under_an_exponential_cap() {
        let p = RetryPolicy::default();
        assert_eq!(p.backoff(1, 0.0), Duration::ZERO);
        assert_eq!(p.backoff(1, 1.0), Duration::from_millis(200));
        assert_eq!(p.backoff(3, 1.0), Duration::from_millis(800));
        assert_eq!(p.backoff(30, 1.0), Duration::from_secs(20));
        assert_eq!(p.backoff(u32::MAX, 1.0), Duration::from_secs(20));
        for _ in 0..100 {
            let r = unit_random();
            assert!((0.0..1.0).contains(&r));
        }
    }

    #[test]
    fn non_idempotent_requests_are_not_resent_after_they_may_have_arrived() {
        let p = RetryPolicy::default();
        assert!(p
            .decide(&transport(TransportKind::Timeout, true), 1, false)
            .is_none());
        assert!(p
            .decide(&transport(TransportKind::Timeout, true), 1, true)
            .is_some());
        assert!(p
            .decide(&transport(TransportKind::Connect, false), 1, false)
            .is_some());
        assert!(p
            .decide(&svc(500, "InternalError", None), 1, false)
            .is_none());
        assert!(p
            .decide(&svc(500, "InternalError", None), 1, true)
            .is_some());
        assert!(p
            .decide(&svc(503, "ServiceUnavailable", None), 1, false)
            .is_some());
        assert!(p
            .decide(&svc(400, "Throttling.User", None), 1, false)
            .is_some());
    }

    #[test]
    fn client_errors_are_never_retried_and_attempts_are_bounded() {
        let p = RetryPolicy::default();
        assert!(p
            .decide(&svc(400, "InvalidParameter", None), 1, true)
            .is_none());
        assert!(p.decide(&svc(404, "NotFound", None), 1, true).is_none());
        assert!(p
            .decide(&svc(503, "ServiceUnavailable", None), 3, true)
            .is_none());
        assert!(RetryPolicy::disabled()
            .decide(&transport(TransportKind::Connect, false), 1, true)
            .is_none());
    }

    #[test]
    fn retry_after_is_honoured_and_capped() {
        let p = RetryPolicy::default().with_max_retry_after(Duration::from_secs(1));
        assert_eq!(
            p.decide(&svc(400, "Throttling.User", Some(300)), 1, false),
            Some(Duration::from_millis(300))
        );
        assert_eq!(
            p.decide(&svc(429, "Throttling", Some(90_000)), 1, false),
            Some(Duration::from_secs(1))
        );
    }
}
