//! The signing date (`x-acs-date`, V2 `Timestamp`) and the signature nonce, the two per-attempt
//! inputs of a signature, and the parser for the same date form in credential documents. Kept
//! apart from the pure signers so tests can pin both.
//!
//! Dates go through `humantime` (RFC 3339, UTC, whole seconds: exactly the gateway's
//! `yyyy-MM-ddTHH:mm:ssZ`); random bytes come from the operating system through `ring`, the
//! TLS stack's crypto provider, so they add no crate to a build.

use std::fmt::Write as _;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ring::rand::{SecureRandom, SystemRandom};

use super::{hex, SignError};

/// The last second `yyyy` can express, 9999-12-31T23:59:59Z.
const LAST_FORMATTABLE: Duration = Duration::from_secs(253_402_300_799);

/// Formats `t` as the ISO 8601 UTC date the gateway expects, `yyyy-MM-ddTHH:mm:ssZ`
/// (no fractional seconds). Times before 1970 are clamped to the epoch, times past the year
/// 9999 to its last second.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use ice_api::runtime::sign::clock::format_acs_date;
/// let t = UNIX_EPOCH + Duration::from_secs(1_698_315_752);
/// assert_eq!(format_acs_date(t), "2023-10-26T10:22:32Z");
/// ```
pub fn format_acs_date(t: SystemTime) -> String {
    let t = t.clamp(UNIX_EPOCH, UNIX_EPOCH + LAST_FORMATTABLE);
    let mut out = String::with_capacity(20);
    // Cannot fail: `t` is within the range humantime formats, and writing to a String is
    // infallible.
    let _ = write!(out, "{}", humantime::format_rfc3339_seconds(t));
    out
}

/// The current time as an `x-acs-date` value.
pub fn acs_date_now() -> String {
    format_acs_date(SystemTime::now())
}

/// Parses the `Expiration` of a credential document (STS, metadata service, credentials URI):
/// `yyyy-MM-ddTHH:mm:ss[.fff]Z` or with `+00:00`, UTC, surrounding whitespace ignored.
/// `None` for anything else.
pub(crate) fn parse_acs_date(s: &str) -> Option<SystemTime> {
    humantime::parse_rfc3339(s.trim()).ok()
}

/// A fresh signature nonce: 32 lower-case hex digits, 128 bits from the operating system's
/// random number generator. The gateway rejects a nonce it has seen (`SignatureNonceUsed`).
///
/// Fails only if the operating system cannot supply random bytes; the request is then not
/// sent.
///
/// ```
/// use ice_api::runtime::sign::clock::new_nonce;
/// let nonce = new_nonce()?;
/// assert_eq!(nonce.len(), 32);
/// # Ok::<(), ice_api::runtime::sign::SignError>(())
/// ```
pub fn new_nonce() -> Result<String, SignError> {
    let bytes: [u8; 16] = os_random()?;
    Ok(hex::lower(&bytes))
}

/// `N` bytes from the operating system's random number generator.
pub(crate) fn os_random<const N: usize>() -> Result<[u8; N], SignError> {
    let mut bytes = [0u8; N];
    SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| SignError::NoRandomness)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_across_leap_years_and_century_rules() {
        let at = |s| format_acs_date(UNIX_EPOCH + Duration::from_secs(s));
        assert_eq!(at(0), "1970-01-01T00:00:00Z");
        assert_eq!(at(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(at(1_678_696_470), "2023-03-13T08:34:30Z");
        assert_eq!(at(4_107_542_399), "2100-02-28T23:59:59Z");
        assert_eq!(at(4_107_542_400), "2100-03-01T00:00:00Z");
        // Sub-second parts are dropped, not rounded.
        let t = UNIX_EPOCH + Duration::from_millis(1_678_696_470_999);
        assert_eq!(format_acs_date(t), "2023-03-13T08:34:30Z");
    }

    #[test]
    fn dates_out_of_range_are_clamped_not_panics() {
        let before = UNIX_EPOCH - Duration::from_secs(1);
        assert_eq!(format_acs_date(before), "1970-01-01T00:00:00Z");
        let after = UNIX_EPOCH + Duration::from_secs(400_000_000_000);
        assert_eq!(format_acs_date(after), "9999-12-31T23:59:59Z");
    }

    #[test]
    fn parse_is_the_inverse_of_format() {
        for secs in [0, 951_782_400, 1_678_696_470, 4_107_542_400] {
            let t = UNIX_EPOCH + Duration::from_secs(secs);
            assert_eq!(parse_acs_date(&format_acs_date(t)), Some(t));
        }
        let t = UNIX_EPOCH + Duration::from_secs(1_678_696_470);
        assert_eq!(parse_acs_date(" 2023-03-13T08:34:30Z\n"), Some(t));
        assert_eq!(parse_acs_date("2023-03-13T08:34:30+00:00"), Some(t));
        assert_eq!(
            parse_acs_date("2023-03-13T08:34:30.123Z"),
            Some(t + Duration::from_millis(123))
        );
    }

    #[test]
    fn parse_rejects_malformed_without_panicking() {
        for bad in [
            "",
            "2023-03-13",
            "2023-13-01T00:00:00Z",
            "2023-02-30T00:00:00Z",
            "2023-03-13T08:34:30",
            "2023-03-13T08:34:30+08:00",
            "x023-03-13T08:34:30Z",
            "2023-03-13T08:34:3中Z",
            "中中中中中中中中中中中中中中",
            "2023-03-13T08:34:30.Z中",
        ] {
            assert_eq!(parse_acs_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn nonces_are_hex_and_distinct() {
        let nonces: Vec<String> = (0..1000).map(|_| new_nonce().unwrap()).collect();
        for n in &nonces {
            assert_eq!(n.len(), 32);
            assert!(n
                .bytes()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        }
        let distinct: std::collections::HashSet<&String> = nonces.iter().collect();
        assert_eq!(distinct.len(), nonces.len());
    }
}
