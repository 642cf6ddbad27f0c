//! Parsing of the `Expiration` timestamps (`yyyy-MM-ddTHH:mm:ssZ`, UTC) returned by STS, the
//! metadata service and credentials URIs, without a date-time dependency.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Parses `yyyy-MM-ddTHH:mm:ss[.fff]Z` (UTC). Returns `None` for anything else.
pub(crate) fn parse_iso8601(s: &str) -> Option<SystemTime> {
    let s = s.trim();
    let b = s.as_bytes();
    if b.len() < 20 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    if !matches!(b.get(10), Some(b'T') | Some(b't') | Some(b' '))
        || b.get(13) != Some(&b':')
        || b.get(16) != Some(&b':')
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = s.get(r)?;
        if !part.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        part.parse().ok()
    };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, min, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let rest = s.get(19..)?;
    let rest = match rest.strip_prefix('.') {
        Some(frac) => frac.trim_start_matches(|c: char| c.is_ascii_digit()),
        None => rest,
    };
    if !(rest == "Z" || rest == "z" || rest == "+00:00") {
        return None;
    }
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || min > 59 || sec > 60 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + hour * 3600 + min * 60 + sec;
    let secs = u64::try_from(secs).ok()?;
    UNIX_EPOCH.checked_add(Duration::from_secs(secs))
}

// Howard Hinnant's civil-date algorithms (proleptic Gregorian calendar).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;
    // The signer's formatter is the inverse these parses are checked against.
    use crate::runtime::sign::clock::format_acs_date as format_iso8601;

    #[test]
    fn known_instants_round_trip() {
        // 2023-03-13T08:34:30Z is 1678696470 s after the epoch (the V2 doc example's timestamp).
        let t = UNIX_EPOCH + Duration::from_secs(1_678_696_470);
        assert_eq!(format_iso8601(t), "2023-03-13T08:34:30Z");
        assert_eq!(parse_iso8601("2023-03-13T08:34:30Z"), Some(t));
        assert_eq!(parse_iso8601("2023-03-13T08:34:30.123Z"), Some(t));
        assert_eq!(format_iso8601(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        // Leap day.
        let leap = UNIX_EPOCH + Duration::from_secs(951_782_400);
        assert_eq!(format_iso8601(leap), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "",
            "2023-03-13",
            "2023-13-01T00:00:00Z",
            "2023-03-13T08:34:30",
            "x023-03-13T08:34:30Z",
        ] {
            assert_eq!(parse_iso8601(bad), None, "{bad}");
        }
    }
}
