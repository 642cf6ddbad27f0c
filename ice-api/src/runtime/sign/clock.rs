//! The signing date (`x-acs-date`, V2 `Timestamp`) and the signature nonce, the two per-attempt
//! inputs of a signature. Kept apart from the pure signers so tests can pin both.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

/// Formats `t` as the ISO 8601 UTC date the gateway expects, `yyyy-MM-ddTHH:mm:ssZ`
/// (no fractional seconds). Times before 1970 are clamped to the epoch.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use ice_api::runtime::sign::clock::format_acs_date;
/// let t = UNIX_EPOCH + Duration::from_secs(1_698_315_752);
/// assert_eq!(format_acs_date(t), "2023-10-26T10:22:32Z");
/// ```
pub fn format_acs_date(t: SystemTime) -> String {
    let secs = t
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = i64::try_from(secs / 86_400).unwrap_or(i64::MAX / 2);
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// The current time as an `x-acs-date` value.
pub fn acs_date_now() -> String {
    format_acs_date(SystemTime::now())
}

/// Days since 1970-01-01 → (year, month, day) in the proleptic Gregorian calendar
/// (H. Hinnant's `civil_from_days`).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    // d is in 1..=31 and m in 1..=12 by construction.
    (y, m as u32, d as u32)
}

/// A fresh signature nonce: 32 lower-case hex digits (128 bits), unique per call.
///
/// The bits come from std's randomly keyed SipHash (`RandomState`, seeded from the OS once per
/// process) over the time and a process-wide counter, so two calls never share a nonce even in
/// the same nanosecond. Uniqueness, not secrecy, is what the gateway checks
/// (`SignatureNonceUsed`).
pub fn new_nonce() -> String {
    static KEYS: OnceLock<(RandomState, RandomState)> = OnceLock::new();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let (a, b) = KEYS.get_or_init(|| (RandomState::new(), RandomState::new()));
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let word = |s: &RandomState| {
        let mut h = s.build_hasher();
        h.write_u64(n);
        h.write_u128(nanos);
        h.finish()
    };
    let mut out = String::with_capacity(32);
    super::hex::push_lower(&mut out, &word(a).to_be_bytes());
    super::hex::push_lower(&mut out, &word(b).to_be_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn dates_across_leap_years_and_century_rules() {
        let at = |s| format_acs_date(UNIX_EPOCH + Duration::from_secs(s));
        assert_eq!(at(0), "1970-01-01T00:00:00Z");
        assert_eq!(at(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(at(1_678_696_470), "2023-03-13T08:34:30Z");
        assert_eq!(at(4_107_542_399), "2100-02-28T23:59:59Z");
        assert_eq!(at(4_107_542_400), "2100-03-01T00:00:00Z");
    }

    #[test]
    fn nonces_are_hex_and_distinct() {
        let a = new_nonce();
        let b = new_nonce();
        assert_eq!(a.len(), 32);
        assert!(a
            .bytes()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert_ne!(a, b);
    }
}
