//! Callback authentication (`X-ICE-SIGNATURE`): the scheme of Alibaba's help page, the time
//! window, key rotation, and rejections that name their reason without a key or signature.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ice_api::callback::{signature, AuthKey, Rejection, Verifier, DEFAULT_WINDOW};

const URL: &str = "https://www.example.com/your/callback";

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

#[test]
fn reproduces_the_help_page_example() {
    // The page's worked example: md5sum(https://www.example.com/your/callback|1519375990|Test123)
    // = c72b60894140fa98920f1279219b**** (last 4 digits masked on the page). The printed value
    // is the MD5 with the key in lower case; the upper-case key gives another digest.
    let published_prefix = "c72b60894140fa98920f1279219b";
    let sig = signature(URL, "1519375990", &AuthKey::new("test123"));
    assert_eq!(sig.len(), 32);
    assert!(sig.starts_with(published_prefix), "{sig}");
    assert!(!signature(URL, "1519375990", &AuthKey::new("Test123")).starts_with(published_prefix));
}

#[test]
fn signature_covers_url_timestamp_and_key() {
    let key = AuthKey::new("Key12345");
    let base = signature(URL, "1700000000", &key);
    assert_ne!(base, signature(&format!("{URL}/"), "1700000000", &key));
    assert_ne!(base, signature(URL, "1700000001", &key));
    assert_ne!(
        base,
        signature(URL, "1700000000", &AuthKey::new("Key12346"))
    );
    assert!(base
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
}

#[test]
fn old_and_new_key_both_verify_during_rotation() {
    let (old, new) = (AuthKey::new("OldKey111"), AuthKey::new("NewKey222"));
    let verifier = Verifier::new(old.clone()).with_key(new.clone());
    let now = at(1_700_000_000);
    for key in [&old, &new] {
        let sig = signature(URL, "1700000000", key);
        assert_eq!(
            verifier.verify(URL, Some("1700000000"), Some(&sig), now),
            Ok(())
        );
        // Hex case does not matter.
        let upper = sig.to_ascii_uppercase();
        assert_eq!(
            verifier.verify(URL, Some("1700000000"), Some(&upper), now),
            Ok(())
        );
    }
    let other = signature(URL, "1700000000", &AuthKey::new("Unrelated9"));
    assert_eq!(
        verifier.verify(URL, Some("1700000000"), Some(&other), now),
        Err(Rejection::BadSignature)
    );
    // After the switch, the old key no longer verifies.
    let only_new = Verifier::new(new);
    let old_sig = signature(URL, "1700000000", &old);
    assert_eq!(
        only_new.verify(URL, Some("1700000000"), Some(&old_sig), now),
        Err(Rejection::BadSignature)
    );
}

#[test]
fn signature_for_another_url_is_rejected() {
    let key = AuthKey::new("Key12345");
    let sig = signature("https://attacker.example/cb", "1700000000", &key);
    assert_eq!(
        Verifier::new(key).verify(URL, Some("1700000000"), Some(&sig), at(1_700_000_000)),
        Err(Rejection::BadSignature)
    );
}

#[test]
fn timestamp_window_is_inclusive_and_symmetric() {
    let key = AuthKey::new("Key12345");
    let verifier = Verifier::new(key.clone()).window(Duration::from_secs(60));
    let sent = 1_700_000_000u64;
    let ts = sent.to_string();
    let sig = signature(URL, &ts, &key);
    for now in [sent - 60, sent, sent + 60] {
        assert_eq!(verifier.verify(URL, Some(&ts), Some(&sig), at(now)), Ok(()));
    }
    let late = verifier.verify(URL, Some(&ts), Some(&sig), at(sent + 61));
    assert_eq!(
        late,
        Err(Rejection::StaleTimestamp {
            age_secs: 61,
            window_secs: 60
        })
    );
    assert_eq!(
        late.unwrap_err().to_string(),
        "stale x-ice-timestamp: 61 s old, more than the 60 s window"
    );
    let early = verifier
        .verify(URL, Some(&ts), Some(&sig), at(sent - 61))
        .unwrap_err();
    assert_eq!(
        early.to_string(),
        "stale x-ice-timestamp: 61 s in the future, more than the 60 s window"
    );
    assert_eq!(DEFAULT_WINDOW, Duration::from_secs(300));
}

#[test]
fn stale_is_checked_before_the_signature() {
    // A replayed old callback is reported as stale even though its signature is genuine.
    let key = AuthKey::new("Key12345");
    let sig = signature(URL, "1000", &key);
    assert!(matches!(
        Verifier::new(key).verify(URL, Some("1000"), Some(&sig), at(1_700_000_000)),
        Err(Rejection::StaleTimestamp { .. })
    ));
}

#[test]
fn missing_and_malformed_headers_are_named() {
    let key = AuthKey::new("Key12345");
    let v = Verifier::new(key.clone());
    let now = at(1_700_000_000);
    let sig = signature(URL, "1700000000", &key);
    let cases: Vec<(Option<&str>, Option<&str>, Rejection, &str)> = vec![
        (
            None,
            Some(&sig),
            Rejection::MissingHeader("x-ice-timestamp"),
            "missing header x-ice-timestamp",
        ),
        (
            Some("1700000000"),
            None,
            Rejection::MissingHeader("x-ice-signature"),
            "missing header x-ice-signature",
        ),
        (
            Some("1700000000.5"),
            Some(&sig),
            Rejection::MalformedTimestamp,
            "x-ice-timestamp is not a UNIX time in seconds",
        ),
        (
            Some("1700000000"),
            Some("abc"),
            Rejection::MalformedSignature,
            "x-ice-signature is not 32 hex digits",
        ),
        (
            Some("1700000000"),
            Some("zz2b60894140fa98920f1279219b7ed4"),
            Rejection::MalformedSignature,
            "x-ice-signature is not 32 hex digits",
        ),
    ];
    for (ts, s, want, text) in cases {
        let got = v.verify(URL, ts, s, now).unwrap_err();
        assert_eq!(got, want);
        assert_eq!(got.to_string(), text);
        assert_eq!(got.status(), 401);
    }
}

#[test]
fn no_key_or_signature_in_debug_or_display() {
    let secret = "SuperSecretKey42";
    let key = AuthKey::new(secret);
    let verifier = Verifier::new(key.clone()).with_key(AuthKey::new("OtherSecret77"));
    let good = signature(URL, "1700000000", &key);
    let debug = format!("{key:?} {verifier:?}");
    assert!(
        !debug.contains(secret) && !debug.contains("OtherSecret77"),
        "{debug}"
    );
    let forged = "0123456789abcdef0123456789abcdef";
    for now in [at(1_700_000_000), at(1_800_000_000)] {
        for sig in [forged, good.as_str()] {
            if let Err(e) = verifier.verify(URL, Some("1700000000"), Some(sig), now) {
                for text in [e.to_string(), format!("{e:?}")] {
                    assert!(!text.contains(secret), "{text}");
                    assert!(!text.contains(forged) && !text.contains(&good), "{text}");
                }
            }
        }
    }
}
