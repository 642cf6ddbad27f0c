//! Validation rules the overlay (`specs/ice/2020-11-09/jobtype-configs.yaml`) cannot express as
//! simple limits. The overlay names these functions under `checks:`; the generated `Validate`
//! impls call them with the validator positioned at the field (field checks) or at the config
//! (type checks). Each records violations and never stops early.

use super::{OutputConfig, ScriptInputConfig};
use crate::Validator;

/// Prefix every MNS callback queue name must have.
pub const MNS_QUEUE_PREFIX: &str = "ice-callback";

/// `UserData.NotifyAddress`: an `http://` / `https://` URL with a host, or the name of an MNS
/// queue that starts with `ice-callback` (letters, digits and `-` only).
pub fn notify_address(value: &str, v: &mut Validator) {
    let url_rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"));
    let ok = match url_rest {
        Some(rest) => {
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            !host.is_empty() && !value.chars().any(char::is_whitespace)
        }
        None => {
            value.starts_with(MNS_QUEUE_PREFIX)
                && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        }
    };
    if !ok {
        v.report(format!(
            "{value:?}, expected an http(s) URL or an MNS queue name starting with \
             {MNS_QUEUE_PREFIX}"
        ));
    }
}

/// `OutputConfig`: with more than one output video, `MediaURL` needs the `{index}` placeholder,
/// otherwise every output is written to the same object. `Count` may also come from `extra`.
pub fn media_url_index(cfg: &OutputConfig, v: &mut Validator) {
    let count = cfg
        .count
        .or_else(|| cfg.extra.get("Count").and_then(serde_json::Value::as_i64));
    if let Some(count) = count.filter(|c| *c > 1) {
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
pub fn script_voice_over_mode(cfg: &ScriptInputConfig, v: &mut Validator) {
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
        if set || cfg.extra.contains_key(key) {
            v.field(key, |v| {
                v.report(format!(
                    "global voice-over cannot be combined with grouped voice-over \
                     (MediaGroupArray[{first}].SpeechTextArray)"
                ))
            });
        }
    }
}

/// `ProjectIds`: each ID non-empty and without commas (the list is sent comma-separated).
pub fn project_ids(ids: &[String], v: &mut Validator) {
    for (i, id) in ids.iter().enumerate() {
        if id.trim().is_empty() || id.contains(',') {
            v.index(i, |v| {
                v.report(format!(
                    "{id:?}, expected a non-empty project ID without commas"
                ))
            });
        }
    }
}
