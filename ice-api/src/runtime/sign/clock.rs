//! The signing date (`x-acs-date`, V2 `Timestamp`) and the signature nonce, the two per-attempt
//! inputs of a signature, and the parser for the same date form in credential documents. Kept
//! apart from the pure signers so tests can pin both.
//!
//! Dates go through `humantime` (RFC 3339, UTC, whole seconds: exactly the gateway's
//! `yyyy-MM-ddTHH:mm:ssZ`); random bytes come from the operating system through `ring`, the
//! TLS stack's crypto provider, so they add no crate to a build.
//!
//! The client's per-attempt values come from per-thread caches: the date is formatted once per
//! second, and nonces are cut from a buffer the operating system fills 128 nonces at a time
//! (one `getrandom` call per attempt was 4 % of a whole in-process call).

use std::cell::RefCell;
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
    AcsDate::now().as_str().to_owned()
}

/// An `x-acs-date` value on the stack (`yyyy-MM-ddTHH:mm:ssZ`, 20 ASCII bytes).
#[derive(Clone, Copy)]
pub(crate) struct AcsDate([u8; 20]);

thread_local! {
    /// The last second formatted on this thread, and its text.
    static LAST_DATE: RefCell<(u64, AcsDate)> = const { RefCell::new((u64::MAX, AcsDate([b'0'; 20]))) };
}

impl AcsDate {
    /// Now, formatted at most once per second per thread.
    pub(crate) fn now() -> Self {
        let now = SystemTime::now();
        let secs = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        // Never panics: while the thread is being torn down the date is just formatted.
        let cached = LAST_DATE.try_with(|cell| {
            let (last, date) = &mut *cell.try_borrow_mut().ok()?;
            if *last != secs {
                *date = Self::from_text(&format_acs_date(now));
                *last = secs;
            }
            Some(*date)
        });
        match cached {
            Ok(Some(date)) => date,
            _ => Self::from_text(&format_acs_date(now)),
        }
    }

    fn from_text(text: &str) -> Self {
        let mut bytes = [b'0'; 20];
        for (d, s) in bytes.iter_mut().zip(text.bytes()) {
            *d = s;
        }
        AcsDate(bytes)
    }

    pub(crate) fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
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
    Ok(Nonce::new()?.as_str().to_owned())
}

/// A signature nonce on the stack: 32 lower-case hex digits.
#[derive(Clone, Copy)]
pub(crate) struct Nonce([u8; 32]);

/// Nonces cut from one operating-system fill.
const NONCES_PER_FILL: usize = 128;

thread_local! {
    /// Random bytes from the operating system, and how many are used. Each byte serves one
    /// nonce only. (A process that forks copies the buffer: a child that signs before the
    /// buffer is refilled could repeat a parent's nonce, which the gateway answers with
    /// `SignatureNonceUsed`; a fresh attempt then carries a fresh nonce.)
    static RANDOM: RefCell<([u8; 16 * NONCES_PER_FILL], usize)> =
        const { RefCell::new(([0; 16 * NONCES_PER_FILL], 16 * NONCES_PER_FILL)) };
}

impl Nonce {
    /// 128 fresh bits from the operating system's generator.
    pub(crate) fn new() -> Result<Self, SignError> {
        let mut out = [0u8; 32];
        // Never panics: while the thread is being torn down the bytes come straight from the
        // operating system.
        let pooled = RANDOM.try_with(|cell| {
            let Ok(mut cell) = cell.try_borrow_mut() else {
                return Ok(false);
            };
            let (pool, used) = &mut *cell;
            if *used + 16 > pool.len() {
                SystemRandom::new()
                    .fill(pool)
                    .map_err(|_| SignError::NoRandomness)?;
                *used = 0;
            }
            let fresh = pool.get_mut(*used..*used + 16).unwrap_or_default();
            hex::write_lower(&mut out, fresh);
            // Not kept once used.
            fresh.fill(0);
            *used += 16;
            Ok(true)
        });
        match pooled {
            Ok(Ok(true)) => {}
            Ok(Err(e)) => return Err(e),
            // The buffer is out of reach: straight from the operating system.
            Ok(Ok(false)) | Err(_) => {
                let bytes: [u8; 16] = os_random()?;
                hex::write_lower(&mut out, &bytes);
            }
        }
        Ok(Nonce(out))
    }

    pub(crate) fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
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
    fn the_cached_date_is_the_formatted_now() {
        let before = format_acs_date(SystemTime::now());
        let cached = AcsDate::now();
        let after = format_acs_date(SystemTime::now());
        assert!(cached.as_str() == before || cached.as_str() == after);
        assert_eq!(cached.as_str().len(), 20);
    }

    #[test]
    fn nonces_are_hex_and_distinct() {
        // Across several refills of the per-thread buffer, and from other threads.
        let mut nonces: Vec<String> = (0..1000).map(|_| new_nonce().unwrap()).collect();
        let others =
            std::thread::spawn(|| (0..100).map(|_| new_nonce().unwrap()).collect::<Vec<_>>());
        nonces.extend(others.join().unwrap());
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
