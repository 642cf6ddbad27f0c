//! Event callback settings (`SetEventCallback`, `GetEventCallback`) and where a job's
//! completion event goes.
//!
//! Settings are kept per account; the emulator treats each AccessKey as its own account.
//! Following the API reference: `CallbackType` is `HTTP` or `MNS`; an HTTP `CallbackURL` is at
//! most 256 bytes; a queue name starts with `ice-callback-`; `AuthKey` is at most 32 characters
//! and mixes upper-case letters, lower-case letters and digits; `AuthSwitch` and `AuthKey`
//! matter only for HTTP. Our choices: parameters left out keep their earlier value (so
//! `AuthSwitch=on` alone re-enables a stored key); `CallbackType` defaults to `MNS` when only a
//! queue name is given and to `HTTP` otherwise; an empty `EventTypeList` means every event.
//!
//! A job's event goes to its `UserData.NotifyAddress` when that is set (an `http(s)://` URL, or
//! an MNS queue name starting with `ice-callback`), whatever the account's event list says, and
//! otherwise to the account's callback when the event is in its list. HTTP callbacks carry
//! `X-ICE-TIMESTAMP`/`X-ICE-SIGNATURE` whenever the account's `AuthSwitch` is `on`.

use serde_json::{json, Map, Value};

use super::actions::Call;
use super::jobs::Job;
use super::params::{at_most, invalid, one_of, optional};
use super::verify::GatewayError;
use super::State;
use crate::callback::AuthKey;

/// Documented limit on `CallbackURL`.
const MAX_URL: usize = 256;
/// Documented limit on `AuthKey`.
const MAX_AUTH_KEY: usize = 32;
/// Required prefix of MNS callback queues.
pub(crate) const QUEUE_PREFIX: &str = "ice-callback";

/// One account's callback settings.
#[derive(Debug, Clone, Default)]
pub(crate) struct Settings {
    mns: bool,
    url: Option<String>,
    queue: Option<String>,
    event_types: Vec<String>,
    auth: bool,
    auth_key: Option<AuthKey>,
}

/// Where one event goes.
#[derive(Debug, Clone)]
pub(crate) enum Destination {
    /// POST to `url`, signed with `key` when callback authentication is on.
    Http { url: String, key: Option<AuthKey> },
    /// Append to the in-memory MNS queue `queue`.
    Mns { queue: String },
}

pub(crate) fn set(state: &mut State, call: &Call<'_>) -> Result<Value, GatewayError> {
    let p = call.params;
    let kind = one_of(p, "CallbackType", &["HTTP", "MNS"])?;
    let switch = one_of(p, "AuthSwitch", &["on", "off"])?;
    let url = optional(p, "CallbackURL");
    if let Some(u) = url {
        at_most("CallbackURL", u, MAX_URL)?;
        let lower = u.to_ascii_lowercase();
        if !(lower.starts_with("http://") || lower.starts_with("https://")) {
            return Err(invalid(
                "CallbackURL",
                "expected an http:// or https:// URL",
            ));
        }
    }
    let queue = optional(p, "CallbackQueueName");
    if let Some(q) = queue {
        if !q.starts_with("ice-callback-") {
            return Err(invalid(
                "CallbackQueueName",
                "expected a queue name starting with ice-callback-",
            ));
        }
    }
    let key = optional(p, "AuthKey");
    if let Some(k) = key {
        let mixed = k.chars().any(|c| c.is_ascii_uppercase())
            && k.chars().any(|c| c.is_ascii_lowercase())
            && k.chars().any(|c| c.is_ascii_digit());
        if k.chars().count() > MAX_AUTH_KEY
            || !k.chars().all(|c| c.is_ascii_alphanumeric())
            || !mixed
        {
            // Never echo the key itself.
            return Err(invalid(
                "AuthKey",
                "expected at most 32 letters and digits, with upper-case and lower-case letters and digits",
            ));
        }
    }
    let events: Option<Vec<String>> = optional(p, "EventTypeList").map(|list| {
        list.split(',')
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(str::to_string)
            .collect()
    });
    let mut s = state
        .event_settings
        .get(call.account)
        .cloned()
        .unwrap_or_default();
    s.mns = match kind {
        Some(k) => k == "MNS",
        None if url.is_none() && queue.is_some() => true,
        None if url.is_some() => false,
        None => s.mns,
    };
    if let Some(u) = url {
        s.url = Some(u.to_string());
    }
    if let Some(q) = queue {
        s.queue = Some(q.to_string());
    }
    if let Some(e) = events {
        s.event_types = e;
    }
    if let Some(sw) = switch {
        s.auth = sw == "on";
    }
    if let Some(k) = key {
        s.auth_key = Some(AuthKey::new(k));
    }
    if s.mns && s.queue.is_none() {
        return Err(invalid(
            "CallbackQueueName",
            "required when CallbackType is MNS",
        ));
    }
    if !s.mns && s.url.is_none() {
        return Err(invalid("CallbackURL", "required when CallbackType is HTTP"));
    }
    if s.auth && s.auth_key.is_none() {
        return Err(invalid("AuthKey", "required when AuthSwitch is on"));
    }
    state.event_settings.insert(call.account.to_string(), s);
    Ok(json!({ "Success": true }))
}

pub(crate) fn get(state: &mut State, call: &Call<'_>) -> Result<Value, GatewayError> {
    let mut o = Map::new();
    if let Some(s) = state.event_settings.get(call.account) {
        o.insert(
            "CallbackType".into(),
            json!(if s.mns { "MNS" } else { "HTTP" }),
        );
        if let Some(q) = &s.queue {
            o.insert("CallbackQueueName".into(), json!(q));
        }
        if let Some(u) = &s.url {
            o.insert("CallbackURL".into(), json!(u));
        }
        o.insert("EventTypeList".into(), json!(s.event_types.join(",")));
        if !s.mns {
            o.insert(
                "AuthSwitch".into(),
                json!(if s.auth { "on" } else { "off" }),
            );
            if let Some(key) = &s.auth_key {
                // The API returns the key to its owner, as the real service does.
                o.insert("AuthKey".into(), json!(key.expose()));
            }
        }
    }
    Ok(Value::Object(o))
}

/// Where `job`'s completion event (`event_type`) goes, if anywhere.
pub(crate) fn destination(state: &State, job: &Job, event_type: &str) -> Option<Destination> {
    let settings = state.event_settings.get(&job.account);
    let key = settings.filter(|s| s.auth).and_then(|s| s.auth_key.clone());
    let notify = job
        .user_data
        .as_deref()
        .and_then(|ud| serde_json::from_str::<Value>(ud).ok())
        .and_then(|ud| ud.get("NotifyAddress")?.as_str().map(str::to_string));
    if let Some(address) = notify {
        let lower = address.to_ascii_lowercase();
        return if lower.starts_with("http://") || lower.starts_with("https://") {
            Some(Destination::Http { url: address, key })
        } else if address.starts_with(QUEUE_PREFIX) {
            Some(Destination::Mns { queue: address })
        } else {
            None
        };
    }
    let s = settings?;
    if !s.event_types.is_empty() && !s.event_types.iter().any(|e| e == event_type) {
        return None;
    }
    if s.mns {
        Some(Destination::Mns {
            queue: s.queue.clone()?,
        })
    } else {
        Some(Destination::Http {
            url: s.url.clone()?,
            key,
        })
    }
}
