//! Rules the overlay's limits cannot express, hand-written once and named from
//! `specs/ice/2020-11-09/types.yaml` (`checks:`). The generated `Validate` impls call them with
//! the validator positioned at the field (field rules) or at the config (type rules). Each records
//! violations at precise paths and never stops early, so one call reports every problem.

use crate::Validator;

/// Prefix every MNS callback queue name must have.
pub const MNS_QUEUE_PREFIX: &str = "ice-callback";

/// Longest `NotifyAddress` accepted (`UserData` as a whole is limited to 512 bytes).
pub const MAX_NOTIFY_ADDRESS: usize = 512;

/// What `NotifyAddress` must be, for a message (built only then: a valid address allocates
/// nothing).
fn expected() -> String {
    format!(
        "expected an http(s) URL with a host or an MNS queue name starting with {MNS_QUEUE_PREFIX}"
    )
}

/// `UserData.NotifyAddress`: an `http` / `https` URL with a host (parsed by a real URL parser:
/// scheme case-insensitive, no credentials, no whitespace), or the name of an MNS queue that
/// starts with `ice-callback` (letters, digits and `-` only).
pub fn notify_address(value: &str, v: &mut Validator) {
    if value.len() > MAX_NOTIFY_ADDRESS {
        v.report(format!(
            "{} bytes, at most {MAX_NOTIFY_ADDRESS}",
            value.len()
        ));
        return;
    }
    if plain_http_url(value) {
        return;
    }
    let looks_like_url = value.contains("://");
    if !looks_like_url {
        let queue = value.starts_with(MNS_QUEUE_PREFIX)
            && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !queue {
            v.report(format!("{value:?}, {}", expected()));
        }
        return;
    }
    parsed_url(value, v);
}

/// The general `http(s)` URL check, through `url::Url::parse`.
fn parsed_url(value: &str, v: &mut Validator) {
    if value.chars().any(char::is_whitespace) {
        v.report(format!("{value:?} contains whitespace, {}", expected()));
        return;
    }
    match url::Url::parse(value) {
        Ok(u) if !matches!(u.scheme(), "http" | "https") => {
            v.report(format!("scheme {:?}, {}", u.scheme(), expected()))
        }
        Ok(u) if u.host_str().is_none_or(str::is_empty) => {
            v.report(format!("{value:?} has no host, {}", expected()))
        }
        Ok(u) if !u.username().is_empty() || u.password().is_some() => {
            v.report("the URL carries credentials; ICE posts to it in clear, so leave them out")
        }
        Ok(_) => {}
        Err(e) => v.report(format!("{value:?} is not a URL ({e}), {}", expected())),
    }
}

/// Whether `value` has the common shape of a callback URL that `url::Url::parse` accepts as an
/// `http` / `https` URL with a host and no credentials, checked without the parser (≈0.3 µs):
/// lower-case `http://` or `https://`; a host of non-empty `[a-z0-9-]` labels joined by `.`
/// (none starting or ending with `-`, no punycode `xn--`, the last not starting with a digit so
/// the IPv4 rules never apply); an optional `:port` of 1–5 digits up to 65535; then nothing or a
/// path / query of unreserved and sub-delimiter characters. `false` only means "ask the parser".
fn plain_http_url(value: &str) -> bool {
    let Some(rest) = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))
    else {
        return false;
    };
    let rest = rest.as_bytes();
    let host_end = rest
        .iter()
        .position(|&b| matches!(b, b':' | b'/' | b'?'))
        .unwrap_or(rest.len());
    let (host, mut tail) = rest.split_at(host_end);
    let plain_label = |l: &[u8]| {
        l.iter().fold(true, |ok, &b| {
            ok & matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'-')
        }) && l.first().is_some_and(|&b| b != b'-')
            && l.last().is_some_and(|&b| b != b'-')
            && !l.starts_with(b"xn--")
    };
    let last_label = host.rsplit(|&b| b == b'.').next().unwrap_or_default();
    if !host.split(|&b| b == b'.').all(plain_label)
        || last_label.first().is_none_or(u8::is_ascii_digit)
    {
        return false;
    }
    if let Some(port) = tail.strip_prefix(b":") {
        let end = port
            .iter()
            .position(|b| !b.is_ascii_digit())
            .unwrap_or(port.len());
        let (digits, after) = port.split_at(end);
        let in_range = (1..=5).contains(&digits.len())
            && digits
                .iter()
                .fold(0u32, |n, &d| n * 10 + u32::from(d - b'0'))
                <= 65535;
        if !in_range {
            return false;
        }
        tail = after;
    }
    matches!(tail.first(), None | Some(b'/' | b'?'))
        && tail
            .iter()
            .fold(true, |ok, &b| ok & PLAIN_TAIL[usize::from(b)])
}

/// The bytes [`plain_http_url`] accepts in a path or query: unreserved and sub-delimiter
/// characters, `/`, `?` and `:` (a table: one lookup per byte, no branch).
const PLAIN_TAIL: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric()
            || matches!(
                c,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'/'
                    | b'?'
                    | b'='
                    | b'&'
                    | b'+'
                    | b','
                    | b';'
                    | b':'
                    | b'!'
                    | b'*'
                    | b'('
                    | b')'
            );
        b += 1;
    }
    t
};

/// `OutputConfig`: with more than one output video, `MediaURL` needs the `{index}` placeholder,
/// otherwise every output is written to the same object.
#[cfg(feature = "media-production")]
pub fn media_url_index(cfg: &crate::media_production::OutputConfig, v: &mut Validator) {
    if let Some(count) = cfg.count.filter(|c| *c > 1) {
        if !cfg.media_url.contains("{index}") {
            v.field("MediaURL", |v| {
                v.report(format!(
                    "no {{index}} placeholder although Count is {count}; every output would \
                     overwrite the same file"
                ))
            });
        }
    }
}

/// `ScriptInputConfig`: grouped voice-over (scripts inside `MediaGroupArray[i].SpeechTextArray`)
/// must not be combined with the global `SpeechTextArray` / `SpeechText` (the service fails the
/// job).
#[cfg(feature = "media-production")]
pub fn script_voice_over_mode(cfg: &crate::media_production::ScriptInputConfig, v: &mut Validator) {
    let grouped = cfg
        .media_group_array
        .iter()
        .position(|g| g.speech_text_array.as_ref().is_some_and(|s| !s.is_empty()));
    let Some(first) = grouped else { return };
    let globals = [
        ("SpeechTextArray", cfg.speech_text_array.is_some()),
        ("SpeechText", cfg.speech_text.is_some()),
    ];
    for (key, set) in globals {
        if set {
            v.field(key, |v| {
                v.report(format!(
                    "global voice-over cannot be combined with grouped voice-over \
                     (MediaGroupArray[{first}].SpeechTextArray)"
                ))
            });
        }
    }
}

/// `ProjectIds`: each ID without commas (the list is sent comma-separated; blank IDs are
/// rejected by the generic list rule).
pub fn project_ids(ids: &[String], v: &mut Validator) {
    for (i, id) in ids.iter().enumerate() {
        if id.contains(',') {
            v.index(i, |v| {
                v.report(format!(
                    "{id:?} contains a comma, which would split it in two"
                ))
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(value: &str) -> Result<(), String> {
        let mut v = Validator::new();
        notify_address(value, &mut v);
        v.finish().map_err(|e| e.to_string())
    }

    #[test]
    fn notify_addresses_are_parsed_not_pattern_matched() {
        for ok in [
            "https://example.com/cb",
            "HTTPS://EXAMPLE.COM/cb",
            "http://127.0.0.1:8080/ice?x=1",
            "ice-callback-demo",
        ] {
            assert_eq!(check(ok), Ok(()), "{ok}");
        }
        for (bad, why) in [
            ("http://@/", "not a URL"),
            ("ftp://example.com/cb", "scheme \"ftp\""),
            ("https://user:pw@example.com/", "credentials"),
            ("https://exa mple.com/", "whitespace"),
            ("my-queue", "expected an http(s) URL"),
            ("ice-callback_x", "expected an http(s) URL"),
        ] {
            let e = check(bad).unwrap_err();
            assert!(e.contains(why), "{bad}: {e}");
        }
        assert!(check(&format!("https://e.com/{}", "a".repeat(600)))
            .unwrap_err()
            .contains("at most 512"));
    }

    /// Whenever the fast path accepts an address, the URL parser's check accepts it too: over
    /// generated strings (fixed seed) near the fast path's shape and around its edges (upper
    /// case, IPv4-like hosts, empty labels, ports past 65535, credentials, odd characters).
    #[test]
    fn the_url_fast_path_agrees_with_the_parser() {
        use proptest::strategy::{Strategy, ValueTree};
        use proptest::test_runner::TestRunner;

        let near =
            "https?://([a-z0-9][a-z0-9-]{0,4}\\.){0,3}[a-z0-9-]?[a-z][a-z0-9]{0,4}(:[0-9]{1,6})?\
                    ([/?][a-zA-Z0-9/?=&+,;:!*()._~-]{0,16})?";
        let edges = "(https?|HTTPS?|ftp|http:)://[a-zA-Z0-9.@:_%-]{0,16}(:[0-9]{0,7})?\
                     ([/?#\\\\][ -~]{0,12})?";
        let strategy = proptest::prop_oneof![3 => near, 1 => edges];
        let mut runner = TestRunner::deterministic();
        let (mut fast, mut total) = (0, 0);
        for _ in 0..20_000 {
            let value = strategy.new_tree(&mut runner).unwrap().current();
            total += 1;
            if plain_http_url(&value) {
                fast += 1;
                let mut v = Validator::new();
                parsed_url(&value, &mut v);
                assert_eq!(v.finish().map_err(|e| e.to_string()), Ok(()), "{value}");
            }
        }
        // Not vacuous: a good share of the generated addresses take the fast path.
        assert!(fast * 5 > total, "{fast} of {total}");
        assert!(plain_http_url("https://example.com/ice/callback"));
    }
}
