//! Wire names → Rust identifiers (heck for casing, plus sanitizing for non-ASCII, digits and
//! keywords), and a per-module name allocator that keeps type names unique and deterministic.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Keywords that need `r#` when used as field names.
const RAW_OK: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref",
    "return", "static", "struct", "trait", "true", "type", "unsafe", "use", "where", "while",
    "abstract", "become", "box", "do", "final", "gen", "macro", "override", "priv", "try",
    "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot be raw identifiers.
const NO_RAW: &[&str] = &["self", "super", "crate", "_"];

/// Whether `name` must be written `r#name`.
pub fn needs_raw(name: &str) -> bool {
    RAW_OK.contains(&name)
}

fn ascii_words(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect()
}

/// A snake_case field or module name for a wire name.
pub fn snake(wire: &str) -> String {
    let mut s = ascii_words(wire).to_snake_case();
    if s.is_empty() {
        s = "field".to_owned();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, 'n');
    }
    if NO_RAW.contains(&s.as_str()) {
        s.push('_');
    }
    s
}

/// An UpperCamelCase type name for a wire name.
pub fn pascal(wire: &str) -> String {
    let mut s = ascii_words(wire).to_upper_camel_case();
    if s.is_empty() {
        s = "Type".to_owned();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, 'T');
    }
    if s == "Self" {
        s.push_str("Type");
    }
    s
}

/// Names that would shadow prelude or generated-code paths if used for a struct.
const RESERVED_TYPES: &[&str] = &[
    "Option",
    "Result",
    "String",
    "Vec",
    "Box",
    "Default",
    "Some",
    "None",
    "Ok",
    "Err",
    "Clone",
    "Debug",
    "PartialEq",
    "Send",
    "Sync",
    "Sized",
    "Copy",
    "Iterator",
    "Into",
    "From",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "ToString",
    "ToOwned",
    "Eq",
    "Ord",
    "PartialOrd",
    "Extend",
    "IntoIterator",
    "AsRef",
    "AsMut",
    "Self",
];

/// Public type names of the hand-written `ice-api` runtime (and names it re-exports). Generated
/// types never take these, so `use ice_api::prelude::*` and a group's glob import never clash;
/// `ice-api/tests/unique_names.rs` fails when this list falls behind.
pub const RUNTIME_TYPES: &[&str] = &[
    "AccessDeniedDetail",
    "Auth",
    "BatchProduceMediaComplete",
    "CachingProvider",
    "CallbackError",
    "CallbackEvent",
    "CliProfileProvider",
    "Client",
    "Config",
    "ConfigBuilder",
    "ConfigError",
    "Credentials",
    "CredentialsError",
    "CredentialsUriProvider",
    "DecodeError",
    "DefaultChain",
    "DefaultChainBuilder",
    "EcsRamRoleProvider",
    "Emulator",
    "EmulatorBuilder",
    "EmulatorHandle",
    "EmulatorStats",
    "EncodeError",
    "EncodeWire",
    "Endpoint",
    "EnvProvider",
    "Error",
    "ErrorKind",
    "Event",
    "Faults",
    "HttpMethod",
    "IniFileProvider",
    "ItemStream",
    "JobError",
    "JobState",
    "JsonFieldError",
    "Limits",
    "Location",
    "Network",
    "Number",
    "NumberOrString",
    "Operation",
    "OidcProvider",
    "Outcome",
    "Page",
    "PageKind",
    "PageStream",
    "Paginated",
    "Progress",
    "ProvideCredentials",
    "RamRoleArnProvider",
    "RateLimit",
    "RawRequest",
    "RawResponse",
    "Result",
    "RetryPolicy",
    "Secret",
    "ServiceError",
    "SignatureVersion",
    "StaticProvider",
    "StreamExt",
    "SubJobCounts",
    "Timeouts",
    "Timing",
    "TransportError",
    "TransportKind",
    "Validate",
    "ValidationErrors",
    "Validator",
    "Violation",
    "Wait",
    "WaitError",
    "WaitFailure",
    "WaitOptions",
    "WaitOutcome",
    "Waitable",
    "WireParams",
    "WireScalar",
    "WireTag",
];

/// Hands out unique names within one Rust module.
#[derive(Debug, Default, Clone)]
pub struct Namer {
    used: BTreeSet<String>,
}

impl Namer {
    /// A namer with some names already taken.
    pub fn with_reserved<I: IntoIterator<Item = String>>(names: I) -> Self {
        Namer {
            used: names.into_iter().collect(),
        }
    }

    /// Claims `candidate`, else `parent + candidate`, else numbered variants.
    pub fn claim(&mut self, candidate: &str, parent: &str) -> String {
        let free =
            |n: &str, used: &BTreeSet<String>| !used.contains(n) && !RESERVED_TYPES.contains(&n);
        let first = candidate.to_owned();
        let second = format!("{parent}{candidate}");
        let pick = if free(&first, &self.used) {
            first
        } else if free(&second, &self.used) {
            second
        } else {
            let mut i = 2;
            loop {
                let n = format!("{second}{i}");
                if free(&n, &self.used) {
                    break n;
                }
                i += 1;
            }
        };
        self.used.insert(pick.clone());
        pick
    }

    /// Claims a snake_case name (fields), adding `_2`, `_3`… on collision.
    pub fn claim_field(&mut self, candidate: &str) -> String {
        if self.used.insert(candidate.to_owned()) {
            return candidate.to_owned();
        }
        let mut i = 2;
        loop {
            let n = format!("{candidate}_{i}");
            if self.used.insert(n.clone()) {
                return n;
            }
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn casing_and_sanitizing() {
        assert_eq!(snake("IMAIAgentId"), "imai_agent_id");
        assert_eq!(snake("Type"), "type");
        assert!(needs_raw(&snake("Type")));
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake("1080p"), "n1080p");
        assert_eq!(pascal("sub-job list"), "SubJobList");
        let mut n = Namer::default();
        assert_eq!(n.claim("Result", "Job"), "JobResult");
        assert_eq!(n.claim("Item", "Job"), "Item");
        assert_eq!(n.claim("Item", "Job"), "JobItem");
        assert_eq!(n.claim("Item", "Job"), "JobItem2");
    }
}
