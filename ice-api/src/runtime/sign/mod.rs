//! Request signing: ACS3-HMAC-SHA256 (V3, default) and the older RPC HMAC-SHA1 (V2, opt-in).
//!
//! Pure functions: clock and nonce are inputs ([`clock`] makes them), no I/O. Secrets are read
//! through [`Secret::expose`](crate::runtime::credentials::Secret::expose) only inside the
//! signers, and no `Debug` or error here shows a secret, a token or a signature.
//!
//! - [`percent`]: RFC 3986 encoding, canonical query strings, form bodies.
//! - [`v3`]: [`sign_v3`] and the anonymous-operation headers.
//! - [`v2`]: [`sign_v2`] and the common RPC parameters.
//!
//! Both are checked against the public doc examples and against vectors recorded from the
//! official Python SDK (`ice-api/tests/fixtures/sdk_vectors.json`, made by
//! `tools/sdk-vectors/generate.py`).

use std::cmp::Ordering;
use std::fmt;

pub mod clock;
pub(crate) mod hex;
pub mod percent;
pub mod v2;
pub mod v3;

pub use v2::{anonymous_params, common_params_v2, sign_v2, string_to_sign_v2};
pub use v3::{anonymous_headers, explain_mismatch, sign_v3, SignedV3, V3Input};

/// Lists at most this long are sorted by insertion, on the stack.
const SMALL: usize = 16;

/// Sorts `v` (stable). A request's parameter and header lists hold a handful of entries, where
/// insertion sort beats the standard sorts' setup (measured by `benches/hot_path.rs`); longer
/// lists go to `sort_by`.
pub(crate) fn sort_small_by<T>(v: &mut [T], cmp: impl Fn(&T, &T) -> Ordering) {
    if v.len() > SMALL {
        v.sort_by(cmp);
        return;
    }
    for i in 1..v.len() {
        // Where `v[i]` goes, found by comparing only; then one rotation moves it there (the
        // lists arrive nearly sorted, so most entries stay put).
        let mut j = i;
        while j > 0
            && v.get(j - 1)
                .zip(v.get(i))
                .is_some_and(|(a, b)| cmp(a, b).is_gt())
        {
            j -= 1;
        }
        if let Some(moved) = v.get_mut(j..=i).filter(|m| m.len() > 1) {
            moved.rotate_right(1);
        }
    }
}

/// Calls `f` with references to `items` sorted by `cmp` (stable), kept on the stack for short
/// lists.
pub(crate) fn with_sorted<'a, T, R>(
    items: &'a [T],
    cmp: impl Fn(&T, &T) -> Ordering,
    f: impl FnOnce(&[&'a T]) -> R,
) -> R {
    let Some(first) = items.first() else {
        return f(&[]);
    };
    if items.len() > SMALL {
        let mut refs: Vec<&T> = items.iter().collect();
        refs.sort_by(|a, b| cmp(a, b));
        return f(&refs);
    }
    let mut buf = [first; SMALL];
    for (slot, item) in buf.iter_mut().zip(items) {
        *slot = item;
    }
    let refs = buf.get_mut(..items.len()).unwrap_or_default();
    sort_small_by(refs, |a, b| cmp(a, b));
    f(refs)
}

/// Why a request could not be signed. Names the header or query key; never quotes a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignError {
    /// A header name that is not an HTTP token.
    InvalidHeaderName {
        /// The offending name.
        name: String,
    },
    /// A header value with a control character (CR, LF, …).
    InvalidHeaderValue {
        /// Lower-cased header name.
        name: String,
    },
    /// The same header name twice (compared case-insensitively).
    DuplicateHeader {
        /// Lower-cased header name.
        name: String,
    },
    /// A caller-supplied header that the signer sets itself (`x-acs-date`, `Authorization`, …).
    ReservedHeader {
        /// Lower-cased header name.
        name: String,
    },
    /// The same query key twice.
    DuplicateQueryKey {
        /// The repeated key.
        key: String,
    },
    /// The HMAC key was rejected (cannot happen with HMAC-SHA256; kept so no path panics).
    InvalidKey,
    /// The operating system's random number generator failed, so no nonce could be drawn.
    NoRandomness,
}

impl fmt::Display for SignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignError::InvalidHeaderName { name } => {
                write!(f, "header name {name:?} is not a valid HTTP token")
            }
            SignError::InvalidHeaderValue { name } => write!(
                f,
                "header {name}: value contains a control character (CR, LF or similar)"
            ),
            SignError::DuplicateHeader { name } => write!(
                f,
                "header {name} is given more than once (names are case-insensitive); \
                 expected each header once"
            ),
            SignError::ReservedHeader { name } => {
                write!(f, "header {name} is set by the signer; do not pass it")
            }
            SignError::DuplicateQueryKey { key } => write!(
                f,
                "query parameter {key} is given more than once; expected each key once"
            ),
            SignError::InvalidKey => f.write_str("the AccessKey secret cannot be used as a key"),
            SignError::NoRandomness => f.write_str(
                "the operating system's random number generator failed; no signature nonce",
            ),
        }
    }
}

impl std::error::Error for SignError {}

#[cfg(test)]
mod tests {
    use super::{sort_small_by, SMALL};

    /// Sorts as the standard stable sort does, equal keys kept in order, on every short list
    /// of a fixed pseudo-random sequence (lengths 0 to past the insertion-sort limit).
    #[test]
    fn sort_small_by_is_the_stable_sort() {
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for len in 0..=SMALL + 2 {
            for _ in 0..200 {
                // (key, position): few distinct keys, so that ties are common.
                let v: Vec<(u64, usize)> = (0..len).map(|i| (next() % 5, i)).collect();
                let mut ours = v.clone();
                sort_small_by(&mut ours, |a, b| a.0.cmp(&b.0));
                let mut std = v;
                std.sort_by_key(|a| a.0);
                assert_eq!(ours, std);
            }
        }
    }
}
