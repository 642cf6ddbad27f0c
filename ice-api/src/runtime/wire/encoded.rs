//! The client's encoding of a request: each parameter is percent-encoded as it is produced
//! (JSON serialised straight into the encoded buffer, no decoded copy), then the canonical
//! query (RFC 3986, also the URL's query) and the form body (`+` for space) are joined from
//! the encoded pairs in key order. Byte-identical to [`percent::canonical_query`] and
//! [`percent::form_body`] over [`WireParams`].

use std::ops::Range;

use serde::Serialize;

use super::{percent_json, EncodeError, Location, WireParams, WireScalar, WireSink};
use crate::runtime::operation::HttpMethod;
use crate::runtime::sign::{self, percent, SignError};

/// Encoded parameters of one request.
pub(crate) struct EncodedParams {
    query: Part,
    form: Part,
    /// `GET`: form parameters travel in the query too.
    all_in_query: bool,
    /// The raw keys of every entry, one after the other.
    keys: String,
    /// Reused for scalars.
    scratch: String,
}

impl std::fmt::Debug for EncodedParams {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EncodedParams")
            .field("query_params", &self.query.entries.len())
            .field("form_params", &self.form.entries.len())
            .finish_non_exhaustive()
    }
}

/// One location's parameters: `k=v` pairs, encoded, one after the other.
#[derive(Default)]
struct Part {
    buf: Vec<u8>,
    entries: Vec<Entry>,
}

struct Entry {
    /// The raw key, in `keys`.
    key: Range<usize>,
    /// The encoded `k=v`, in the part's `buf`.
    pair: Range<usize>,
    /// Length of the raw value, in bytes.
    raw_len: usize,
}

impl EncodedParams {
    pub(crate) fn new(method: HttpMethod) -> Self {
        // Room for a typical request (a few JSON configs), so the buffers rarely grow.
        let part = || Part {
            buf: Vec::with_capacity(1024),
            entries: Vec::with_capacity(8),
        };
        Self {
            query: part(),
            form: part(),
            all_in_query: method == HttpMethod::Get,
            keys: String::with_capacity(128),
            scratch: String::new(),
        }
    }

    /// Appends `key=value` to `loc`, the value written by `write` into the part's buffer (with
    /// `+` for spaces when `form`), which returns the value's raw length; nothing when it fails.
    fn entry<E>(
        &mut self,
        loc: Location,
        key: &str,
        write: impl FnOnce(&mut Vec<u8>, bool) -> Result<usize, E>,
    ) -> Result<(), E> {
        let form = loc == Location::Form && !self.all_in_query;
        let part = if form {
            &mut self.form
        } else {
            &mut self.query
        };
        let start = part.buf.len();
        percent::encode_bytes(&mut part.buf, key, form);
        part.buf.push(b'=');
        match write(&mut part.buf, form) {
            Ok(raw_len) => {
                self.record(form, key, start, raw_len);
                Ok(())
            }
            Err(e) => {
                part.buf.truncate(start);
                Err(e)
            }
        }
    }

    /// Records the pair written from `start` on.
    fn record(&mut self, form: bool, key: &str, start: usize, raw_len: usize) {
        let part = if form {
            &mut self.form
        } else {
            &mut self.query
        };
        let k = self.keys.len();
        self.keys.push_str(key);
        part.entries.push(Entry {
            key: k..self.keys.len(),
            pair: start..part.buf.len(),
            raw_len,
        });
    }

    fn key(&self, e: &Entry) -> &str {
        self.keys.get(e.key.clone()).unwrap_or_default()
    }

    /// Appends every pair of `params` (the styles this type does not encode itself).
    fn extend(&mut self, params: &WireParams) {
        for (k, v) in params.query() {
            self.push(Location::Query, k, v);
        }
        for (k, v) in params.form() {
            self.push(Location::Form, k, v);
        }
    }

    /// The length of the raw (decoded) value of top-level parameter `key`, if there is one.
    pub(crate) fn raw_len(&self, key: &str) -> Option<usize> {
        self.query
            .entries
            .iter()
            .chain(&self.form.entries)
            .find(|e| self.key(e) == key)
            .map(|e| e.raw_len)
    }

    /// The query parameter with the longest raw key and value (for a URL-too-long error).
    pub(crate) fn largest_query_key(&self) -> Option<&str> {
        self.query
            .entries
            .iter()
            .max_by_key(|e| e.key.len() + e.raw_len)
            .map(|e| self.key(e))
    }

    /// Whether there is a form body.
    pub(crate) fn has_form(&self) -> bool {
        !self.form.entries.is_empty()
    }

    /// Calls `f` with the part's entries sorted by raw key (stable); `Err(key)` for a key given
    /// twice.
    fn sorted<R>(&self, part: &Part, f: impl FnOnce(&[&Entry]) -> R) -> Result<R, String> {
        sign::with_sorted(
            &part.entries,
            |a, b| self.key(a).cmp(self.key(b)),
            |sorted| {
                if let Some(w) = sorted
                    .windows(2)
                    .find(|w| w.first().map(|e| self.key(e)) == w.get(1).map(|e| self.key(e)))
                {
                    let key = w.first().map(|e| self.key(e)).unwrap_or_default();
                    return Err(key.to_owned());
                }
                Ok(f(sorted))
            },
        )
    }

    fn join(part: &Part, sorted: &[&Entry]) -> Vec<u8> {
        // Exact, so that the body becomes `Bytes` without another allocation.
        let len = sorted
            .iter()
            .map(|e| e.pair.len() + 1)
            .sum::<usize>()
            .saturating_sub(1);
        let mut out = Vec::with_capacity(len);
        for (i, e) in sorted.iter().enumerate() {
            if i > 0 {
                out.push(b'&');
            }
            out.extend_from_slice(part.buf.get(e.pair.clone()).unwrap_or_default());
        }
        out
    }

    /// The canonical query of the ACS3 signature (and the URL's query): a repeated key is
    /// rejected, as [`sign_v3`](crate::runtime::sign::sign_v3) rejects it.
    pub(crate) fn canonical_query(&self) -> Result<String, SignError> {
        self.sorted(&self.query, |sorted| Self::join(&self.query, sorted))
            .map(percent::into_string)
            .map_err(|key| SignError::DuplicateQueryKey { key })
    }

    /// The form body; `None` when a key repeats (the SDK's order then depends on the raw
    /// values, so the caller encodes through [`WireParams`] instead).
    pub(crate) fn form_body(&self) -> Option<Vec<u8>> {
        self.sorted(&self.form, |sorted| Self::join(&self.form, sorted))
            .ok()
    }
}

impl WireSink for EncodedParams {
    fn push(&mut self, loc: Location, key: &str, value: &str) {
        let _ = self.entry::<()>(loc, key, |buf, form| {
            percent::encode_bytes(buf, value, form);
            Ok(value.len())
        });
    }

    fn scalar<T: WireScalar + ?Sized>(&mut self, loc: Location, key: &str, value: &T) {
        let mut s = std::mem::take(&mut self.scratch);
        s.clear();
        value.write_wire(&mut s);
        self.push(loc, key, &s);
        self.scratch = s;
    }

    fn json<T: Serialize + ?Sized>(
        &mut self,
        loc: Location,
        key: &str,
        value: &T,
    ) -> Result<(), EncodeError> {
        self.entry(loc, key, |buf, form| {
            let start = buf.len();
            if let Ok(raw_len) = percent_json::write(buf, value, form) {
                return Ok(raw_len);
            }
            // What the one-pass encoder leaves to serde_json (see `percent_json`).
            buf.truncate(start);
            let json =
                serde_json::to_string(value).map_err(|e| EncodeError::new(key, e.to_string()))?;
            percent::encode_bytes(buf, &json, form);
            Ok(json.len())
        })
    }

    fn flat<T: Serialize + ?Sized>(
        &mut self,
        loc: Location,
        key: &str,
        value: &T,
    ) -> Result<(), EncodeError> {
        let mut params = WireParams::new();
        params.flat(loc, key, value)?;
        self.extend(&params);
        Ok(())
    }

    fn simple<T: Serialize + ?Sized>(
        &mut self,
        loc: Location,
        key: &str,
        value: &T,
    ) -> Result<(), EncodeError> {
        let mut params = WireParams::new();
        params.simple(loc, key, value)?;
        self.extend(&params);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pairs that exercise every byte class, a repeated-looking prefix and every style.
    fn fill<S: WireSink>(s: &mut S) {
        s.push(Location::Query, "JobType", "Smart Mix*~/中");
        s.scalar(Location::Query, "MaxResults", &10_i32);
        s.json(
            Location::Form,
            "InputConfig",
            &serde_json::json!({"Title": "a b+c\n\"q\"", "N": [1.5, -2, 1e300], "中": null}),
        )
        .unwrap();
        s.json(
            Location::Query,
            "UserData",
            &serde_json::json!({"K": "v w"}),
        )
        .unwrap();
        s.flat(Location::Query, "JobIds", &vec!["b", "a"]).unwrap();
        s.simple(Location::Form, "Tags", &vec!["x y", "z"]).unwrap();
        s.push(Location::Form, "EditingConfig", "");
    }

    #[test]
    fn encodes_what_the_decoded_path_encodes() {
        for method in [HttpMethod::Post, HttpMethod::Get] {
            let mut decoded = WireParams::new();
            fill(&mut decoded);
            let mut encoded = EncodedParams::new(method);
            fill(&mut encoded);
            let (query, form) = if method == HttpMethod::Get {
                let mut all = decoded.query().to_vec();
                all.extend(decoded.form().iter().cloned());
                (all, Vec::new())
            } else {
                (decoded.query().to_vec(), decoded.form().to_vec())
            };
            assert_eq!(
                encoded.canonical_query().unwrap(),
                percent::canonical_query(&query)
            );
            assert_eq!(
                encoded.form_body().map(percent::into_string),
                Some(percent::form_body(&form))
            );
            assert_eq!(encoded.has_form(), !form.is_empty());
            for (k, v) in query.iter().chain(&form) {
                assert_eq!(encoded.raw_len(k), Some(v.len()), "{k}");
            }
        }
    }

    #[test]
    fn repeated_keys_are_reported() {
        let mut e = EncodedParams::new(HttpMethod::Post);
        e.push(Location::Query, "A", "1");
        e.push(Location::Query, "A", "2");
        e.push(Location::Form, "B", "1");
        e.push(Location::Form, "B", "0");
        assert_eq!(
            e.canonical_query(),
            Err(SignError::DuplicateQueryKey { key: "A".into() })
        );
        assert_eq!(e.form_body(), None);
    }

    /// A value the one-pass encoder leaves to serde_json (`true` as a map key) comes out as
    /// the decoded path makes it.
    #[test]
    fn values_left_to_serde_json_encode_the_same() {
        let value = std::collections::BTreeMap::from([(true, "a b")]);
        let mut encoded = EncodedParams::new(HttpMethod::Post);
        encoded.json(Location::Form, "K", &value).unwrap();
        let mut decoded = WireParams::new();
        decoded.json(Location::Form, "K", &value).unwrap();
        assert_eq!(
            encoded.form_body().map(percent::into_string),
            Some(percent::form_body(decoded.form()))
        );
        assert_eq!(encoded.raw_len("K"), Some(r#"{"true":"a b"}"#.len()));
    }

    #[test]
    fn a_failed_value_leaves_nothing_behind() {
        let mut e = EncodedParams::new(HttpMethod::Post);
        e.push(Location::Form, "A", "1");
        let nan = std::collections::BTreeMap::from([(vec![1u8], 1)]);
        assert!(e.json(Location::Form, "Bad", &nan).is_err());
        assert_eq!(
            e.form_body().map(percent::into_string).as_deref(),
            Some("A=1")
        );
    }
}
