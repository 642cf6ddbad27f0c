//! Rules the overlay's limits cannot express, hand-written once and named from
//! `specs/ice/2020-11-09/types.yaml` (`checks:`). The generated `Validate` impls call them with
//! the validator positioned at the field (field rules) or at the config (type rules). Each records
//! violations at precise paths and never stops early, so one call reports every problem.

use crate::Validator;

/// Prefix every MNS callback queue name must have.
pub const MNS_QUEUE_PREFIX: &str = "ice-callback";

/// Longest `NotifyAddress` accepted (`UserData` as a whole is limited to 512 bytes).
pub const MAX_NOTIFY_ADDRESS: usize = 512;

/// `UserData.NotifyAddress`: an `http` / `https` URL with a host (parsed by a real URL parser:
/// scheme case-insensitive, no credentials, no whitespace), or the name of an MNS queue that
/// starts with `ice-callback` (letters, digits and `-` only).
pub fn notify_address(value: &str, v: &mut Validator) {
    // Built only for a message: a valid address allocates nothing here.
    let expected = || {
        format!(
            "expected an http(s) URL with a host or an MNS queue name starting with {MNS_QUEUE_PREFIX}"
        )
    };
    if value.len() > MAX_NOTIFY_ADDRESS {
        v.report(format!(
            "{} bytes, at most {MAX_NOTIFY_ADDRESS}",
            value.len()
        ));
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
}
