//! Callback authentication: `X-ICE-SIGNATURE` over the callback URL, `X-ICE-TIMESTAMP` and the
//! account's auth key.
//!
//! MD5 is what ICE signs with (its help page fixes it); this module only computes and compares
//! it, in constant time, against every configured key so that a key can be rotated without
//! dropping callbacks.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use md5::{Digest, Md5};
use subtle::ConstantTimeEq;

use super::event::CallbackError;
use crate::runtime::credentials::Secret;

/// Header with the UNIX time (seconds) at which ICE sent the callback.
pub const TIMESTAMP_HEADER: &str = "x-ice-timestamp";
/// Header with the 32-hex-digit MD5 signature.
pub const SIGNATURE_HEADER: &str = "x-ice-signature";
/// Default accepted distance between `X-ICE-TIMESTAMP` and the receiver's clock: 5 minutes, the
/// figure Alibaba's help page gives as an example.
pub const DEFAULT_WINDOW: Duration = Duration::from_secs(300);

/// The callback authentication key (`AuthKey` of `SetEventCallback`). `Debug` and `Display`
/// never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct AuthKey(Secret);

impl AuthKey {
    /// Wraps a key.
    pub fn new(key: impl Into<String>) -> Self {
        Self(Secret::new(key))
    }

    /// The key itself, for the emulator's `GetEventCallback` answer.
    #[cfg(feature = "emulator")]
    pub(crate) fn expose(&self) -> &str {
        self.0.expose()
    }
}

impl fmt::Debug for AuthKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AuthKey(***)")
    }
}

/// `X-ICE-SIGNATURE` for a callback to `url` sent at `timestamp` (the header value exactly as
/// sent): lower-case hex MD5 of `url|timestamp|key`.
///
/// ```
/// use ice_api::callback::{signature, AuthKey};
///
/// let sig = signature("https://www.example.com/your/callback", "1519375990", &AuthKey::new("test123"));
/// assert_eq!(sig.len(), 32);
/// ```
pub fn signature(url: &str, timestamp: &str, key: &AuthKey) -> String {
    let mut md5 = Md5::new();
    md5.update(url.as_bytes());
    md5.update(b"|");
    md5.update(timestamp.as_bytes());
    md5.update(b"|");
    md5.update(key.0.expose().as_bytes());
    crate::runtime::sign::hex::lower(&md5.finalize())
}

/// Checks `X-ICE-TIMESTAMP` and `X-ICE-SIGNATURE` against a set of keys and a time window.
///
/// Holding two keys is how a key is switched without losing callbacks (the order Alibaba
/// recommends): add the new key here, then change it in ICE, then remove the old one.
///
/// ```
/// use std::time::{Duration, SystemTime, UNIX_EPOCH};
/// use ice_api::callback::{signature, AuthKey, Rejection, Verifier};
///
/// let url = "https://example.com/ice/callback";
/// let verifier = Verifier::new(AuthKey::new("OldKey1")).with_key(AuthKey::new("NewKey2"));
/// let now = SystemTime::now();
/// let ts = now.duration_since(UNIX_EPOCH).unwrap().as_secs().to_string();
/// let sig = signature(url, &ts, &AuthKey::new("NewKey2"));
/// assert!(verifier.verify(url, Some(&ts), Some(&sig), now).is_ok());
/// assert_eq!(
///     verifier.verify(url, Some(&ts), Some(&"0".repeat(32)), now),
///     Err(Rejection::BadSignature)
/// );
/// ```
#[derive(Debug, Clone)]
pub struct Verifier {
    keys: Vec<AuthKey>,
    window: Duration,
}

impl Verifier {
    /// Verifies with `key` and the [`DEFAULT_WINDOW`].
    pub fn new(key: AuthKey) -> Self {
        Self {
            keys: vec![key],
            window: DEFAULT_WINDOW,
        }
    }

    /// Also accepts `key` (for key rotation).
    pub fn with_key(mut self, key: AuthKey) -> Self {
        self.keys.push(key);
        self
    }

    /// Accepts timestamps at most `window` before or after the receiver's clock.
    pub fn window(mut self, window: Duration) -> Self {
        self.window = window;
        self
    }

    /// Checks one callback addressed to `url` (exactly as configured in ICE) with the given
    /// header values, at time `now`.
    ///
    /// The signature is compared, in constant time, with the one of every key; a timestamp in
    /// the future counts against the window like one in the past.
    pub fn verify(
        &self,
        url: &str,
        timestamp: Option<&str>,
        signature: Option<&str>,
        now: SystemTime,
    ) -> Result<(), Rejection> {
        self.verify_any(&[url], timestamp, signature, now)
    }

    /// Like [`verify`](Self::verify), accepting a signature over any of `urls`.
    pub(crate) fn verify_any(
        &self,
        urls: &[&str],
        timestamp: Option<&str>,
        sig: Option<&str>,
        now: SystemTime,
    ) -> Result<(), Rejection> {
        let ts = timestamp.ok_or(Rejection::MissingHeader(TIMESTAMP_HEADER))?;
        let sig = sig.ok_or(Rejection::MissingHeader(SIGNATURE_HEADER))?;
        let sent = parse_timestamp(ts).ok_or(Rejection::MalformedTimestamp)?;
        let now_secs = now
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let age = i128::from(now_secs) - i128::from(sent);
        if age.unsigned_abs() > u128::from(self.window.as_secs()) {
            return Err(Rejection::StaleTimestamp {
                age_secs: age.clamp(i64::MIN.into(), i64::MAX.into()) as i64,
                window_secs: self.window.as_secs(),
            });
        }
        if sig.len() != 32 || !sig.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Rejection::MalformedSignature);
        }
        let given = sig.to_ascii_lowercase();
        let mut matched = subtle::Choice::from(0);
        for url in urls {
            for key in &self.keys {
                matched |= signature(url, ts, key).as_bytes().ct_eq(given.as_bytes());
            }
        }
        if bool::from(matched) {
            Ok(())
        } else {
            Err(Rejection::BadSignature)
        }
    }
}

/// UNIX seconds: 1 to 19 ASCII digits (no sign, no spaces).
fn parse_timestamp(s: &str) -> Option<u64> {
    if s.is_empty() || s.len() > 19 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Why a callback was refused. `Display` names the reason, never a key or a signature.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rejection {
    /// A required header is absent (its lower-case name).
    MissingHeader(&'static str),
    /// `X-ICE-TIMESTAMP` is not UNIX seconds.
    MalformedTimestamp,
    /// `X-ICE-TIMESTAMP` is outside the window (`age_secs` < 0: in the future).
    StaleTimestamp {
        /// Receiver clock minus the timestamp, in seconds.
        age_secs: i64,
        /// The accepted distance, in seconds.
        window_secs: u64,
    },
    /// `X-ICE-SIGNATURE` is not 32 hex digits.
    MalformedSignature,
    /// `X-ICE-SIGNATURE` matches no configured key (forged, wrong key, or wrong URL).
    BadSignature,
    /// The request method is not `POST` (the method received).
    MethodNotAllowed(String),
    /// The body is larger than the receiver accepts.
    BodyTooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// The body is not a callback envelope.
    InvalidBody(CallbackError),
}

impl Rejection {
    /// The HTTP status a receiver answers with: 401 for authentication failures, 405, 413, or
    /// 400 for a bad body. Any non-200 answer makes ICE retry.
    pub fn status(&self) -> u16 {
        match self {
            Rejection::MethodNotAllowed(_) => 405,
            Rejection::BodyTooLarge { .. } => 413,
            Rejection::InvalidBody(_) => 400,
            _ => 401,
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejection::MissingHeader(h) => write!(f, "missing header {h}"),
            Rejection::MalformedTimestamp => {
                write!(f, "{TIMESTAMP_HEADER} is not a UNIX time in seconds")
            }
            Rejection::StaleTimestamp {
                age_secs,
                window_secs,
            } if *age_secs < 0 => write!(
                f,
                "stale {TIMESTAMP_HEADER}: {} s in the future, more than the {window_secs} s window",
                age_secs.unsigned_abs()
            ),
            Rejection::StaleTimestamp {
                age_secs,
                window_secs,
            } => write!(
                f,
                "stale {TIMESTAMP_HEADER}: {age_secs} s old, more than the {window_secs} s window"
            ),
            Rejection::MalformedSignature => write!(f, "{SIGNATURE_HEADER} is not 32 hex digits"),
            Rejection::BadSignature => write!(
                f,
                "bad signature: {SIGNATURE_HEADER} matches no configured key for this callback URL"
            ),
            Rejection::MethodNotAllowed(m) => write!(f, "method {m} not allowed: ICE POSTs"),
            Rejection::BodyTooLarge { limit } => {
                write!(f, "callback body larger than {limit} bytes")
            }
            Rejection::InvalidBody(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for Rejection {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Rejection::InvalidBody(e) => Some(e),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_plain_unix_seconds() {
        assert_eq!(parse_timestamp("1519375990"), Some(1_519_375_990));
        for bad in ["", "-1", "+1", " 1", "1.5", "1e9", "99999999999999999999"] {
            assert_eq!(parse_timestamp(bad), None, "{bad:?}");
        }
    }
}
