//! The client's encoding of a request: each parameter is percent-encoded as it is produced
//! (JSON serialised straight into the encoded buffer, no decoded copy), then the canonical
//! query (RFC 3986, also the URL's query) and the form body (`+` for space) are joined from
//! the encoded pairs in key order. Byte-identical to [`percent::canonical_query`] and
//! [`percent::form_body`] over [`WireParams`].
//!
//! Pairs are written `&`-separated as they come; when they come in key order (the generated
//! code writes most requests' query that way) the buffer already is the joined result and
//! [`EncodedParams::finish`] hands it over without a copy.

use std::cmp::Ordering;

use bytes::Bytes;
use serde::Serialize;
use smallvec::SmallVec;

use super::{percent_json, DirectJson, EncodeError, Location, WireParams, WireScalar, WireSink};
use crate::runtime::operation::HttpMethod;
use crate::runtime::sign::{self, percent, SignError};

/// Encoded parameters of one request.
pub(crate) struct EncodedParams {
    query: Part,
    form: Part,
    /// `GET`: form parameters travel in the query too.
    all_in_query: bool,
    /// The raw keys that percent-encoding changes (rare), one after the other.
    odd_keys: String,
    /// Reused for scalars.
    scratch: String,
    /// A buffer outgrew the `u32` offsets the entries keep (a request of gigabytes).
    too_large: bool,
}

impl std::fmt::Debug for EncodedParams {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EncodedParams")
            .field("query_params", &self.query.entries.len())
            .field("form_params", &self.form.entries.len())
            .finish_non_exhaustive()
    }
}

/// One location's parameters: encoded `k=v` pairs, `&`-separated, in the order written.
struct Part {
    buf: Vec<u8>,
    /// Inline for most requests (a few parameters per location): no allocation, and the
    /// whole encoding stays small to move.
    entries: SmallVec<[Entry; 4]>,
    /// Every key so far was greater than the one before: `buf` is the joined result.
    in_order: bool,
    /// Bytes reserved on first use.
    first_capacity: usize,
}

impl Part {
    fn new(first_capacity: usize) -> Self {
        Self {
            buf: Vec::new(),
            entries: SmallVec::new(),
            in_order: true,
            first_capacity,
        }
    }
}

/// One pair, as offsets (`u32` keeps the inline list small).
#[derive(Clone, Copy)]
struct Entry {
    /// The encoded `k=v` in the part's buffer.
    start: u32,
    end: u32,
    /// The raw key: the first `key_len` bytes of the pair, or, when `odd`, of `odd_keys` from
    /// `odd_at` on.
    key_len: u32,
    odd_at: u32,
    odd: bool,
    /// Length of the raw value, in bytes.
    raw_len: usize,
}

/// A request's query and form body, joined.
pub(crate) struct Joined {
    /// The canonical query of the ACS3 signature, also the URL's query.
    pub(crate) query: String,
    /// The form body; `None` when there is no form parameter.
    pub(crate) body: Option<Bytes>,
}

impl Joined {
    /// The query parameter with the longest encoded pair, its key as encoded (for a
    /// URL-too-long error; ICE's keys read the same either way).
    pub(crate) fn largest_query_key(&self) -> Option<&str> {
        self.query
            .split('&')
            .max_by_key(|pair| pair.len())
            .and_then(|pair| pair.split('=').next())
            .filter(|k| !k.is_empty())
    }
}

impl EncodedParams {
    pub(crate) fn new(method: HttpMethod) -> Self {
        // Room for a typical request (a few JSON configs), so the buffers rarely grow.
        Self {
            query: Part::new(512),
            form: Part::new(1024),
            all_in_query: method == HttpMethod::Get,
            odd_keys: String::new(),
            scratch: String::new(),
            too_large: false,
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
        if part.buf.capacity() == 0 {
            part.buf.reserve(part.first_capacity);
        }
        let mark = part.buf.len();
        if !part.entries.is_empty() {
            part.buf.push(b'&');
        }
        let start = part.buf.len();
        // Parameter names are unreserved ASCII: copied as they are, and the pair starts with
        // the raw key.
        let odd = !key
            .bytes()
            .fold(true, |plain, b| plain & percent::UNRESERVED[usize::from(b)]);
        if odd {
            percent::encode_bytes(&mut part.buf, key, form);
        } else {
            part.buf.extend_from_slice(key.as_bytes());
        }
        part.buf.push(b'=');
        let raw_len = match write(&mut part.buf, form) {
            Ok(n) => n,
            Err(e) => {
                part.buf.truncate(mark);
                return Err(e);
            }
        };
        let end = part.buf.len();
        let odd_at = if odd {
            let at = self.odd_keys.len();
            self.odd_keys.push_str(key);
            at
        } else {
            0
        };
        let (Ok(start), Ok(end), Ok(key_len), Ok(odd_at)) = (
            u32::try_from(start),
            u32::try_from(end),
            u32::try_from(key.len()),
            u32::try_from(odd_at),
        ) else {
            self.too_large = true;
            return Ok(());
        };
        let entry = Entry {
            start,
            end,
            key_len,
            odd_at,
            odd,
            raw_len,
        };
        let part = if form {
            &mut self.form
        } else {
            &mut self.query
        };
        if let Some(last) = part.entries.last() {
            let after = Self::raw_key(&part.buf, &self.odd_keys, last) < key.as_bytes();
            part.in_order &= after;
        }
        part.entries.push(entry);
        Ok(())
    }

    /// The raw key of `e`, an entry of the part whose buffer is `buf`, as bytes (compared
    /// byte-wise, as `str` compares).
    fn raw_key<'a>(buf: &'a [u8], odd_keys: &'a str, e: &Entry) -> &'a [u8] {
        let len = e.key_len as usize;
        if e.odd {
            let at = e.odd_at as usize;
            odd_keys.as_bytes().get(at..at + len).unwrap_or_default()
        } else {
            let at = e.start as usize;
            buf.get(at..at + len).unwrap_or_default()
        }
    }

    fn key<'a>(&'a self, part: &'a Part, e: &Entry) -> &'a [u8] {
        Self::raw_key(&part.buf, &self.odd_keys, e)
    }

    /// A `style: json` pair written by `write` (one of the one-pass writers); what it leaves
    /// to `serde_json` takes the fallback, so results and errors never differ from it.
    fn json_entry<T: Serialize + ?Sized>(
        &mut self,
        loc: Location,
        key: &str,
        value: &T,
        write: impl FnOnce(&mut Vec<u8>, bool) -> Result<usize, percent_json::Unsupported>,
    ) -> Result<(), EncodeError> {
        self.entry(loc, key, |buf, form| {
            let start = buf.len();
            match write(buf, form) {
                Ok(raw_len) => Ok(raw_len),
                Err(_) => json_fallback(buf, start, key, value, form),
            }
        })
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
        [&self.query, &self.form].into_iter().find_map(|part| {
            part.entries
                .iter()
                .find(|e| self.key(part, e) == key.as_bytes())
                .map(|e| e.raw_len)
        })
    }

    /// The pairs of `part` joined in raw-key order (stable); `Err(key)` for a key given twice.
    fn join(&self, part: &Part) -> Result<Vec<u8>, String> {
        let cmp = |a: &Entry, b: &Entry| -> Ordering { self.key(part, a).cmp(self.key(part, b)) };
        sign::with_sorted(&part.entries, cmp, |sorted| {
            if let Some(w) = sorted.windows(2).find(|w| {
                w.first().map(|e| self.key(part, e)) == w.get(1).map(|e| self.key(part, e))
            }) {
                let key = w.first().map(|e| self.key(part, e)).unwrap_or_default();
                return Err(String::from_utf8_lossy(key).into_owned());
            }
            let pair = |e: &Entry| {
                part.buf
                    .get(e.start as usize..e.end as usize)
                    .unwrap_or_default()
            };
            // Exact, so that the body becomes `Bytes` without another allocation.
            let len = sorted
                .iter()
                .map(|e| pair(e).len() + 1)
                .sum::<usize>()
                .saturating_sub(1);
            let mut out = Vec::with_capacity(len);
            for (i, e) in sorted.iter().enumerate() {
                if i > 0 {
                    out.push(b'&');
                }
                out.extend_from_slice(pair(e));
            }
            Ok(out)
        })
    }

    /// The canonical query of the ACS3 signature (and the URL's query) and the form body.
    /// A repeated query key is rejected, as [`sign_v3`](crate::runtime::sign::sign_v3) rejects
    /// it; `Ok(None)` when a form key repeats (the SDK's order then depends on the raw values,
    /// so the caller encodes through [`WireParams`] instead).
    pub(crate) fn finish(mut self) -> Result<Option<Joined>, EncodeError> {
        if self.too_large {
            return Err(EncodeError::new(
                "request",
                "the encoded parameters are larger than 4 GiB",
            ));
        }
        let body = if self.form.entries.is_empty() {
            None
        } else if self.form.in_order {
            Some(Bytes::from(std::mem::take(&mut self.form.buf)))
        } else {
            match self.join(&self.form) {
                Ok(b) => Some(Bytes::from(b)),
                Err(_) => return Ok(None),
            }
        };
        let query = if self.query.in_order {
            std::mem::take(&mut self.query.buf)
        } else {
            self.join(&self.query).map_err(|key| {
                EncodeError::new("request", SignError::DuplicateQueryKey { key }.to_string())
            })?
        };
        Ok(Some(Joined {
            query: percent::into_string(query),
            body,
        }))
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
        self.json_entry(loc, key, value, |buf, form| {
            percent_json::write(buf, value, form)
        })
    }

    fn json_direct<T: DirectJson + ?Sized>(
        &mut self,
        loc: Location,
        key: &str,
        value: &T,
    ) -> Result<(), EncodeError> {
        self.json_entry(loc, key, value, |buf, form| {
            percent_json::write_direct(buf, value, form)
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

/// What the one-pass encoder leaves to serde_json (see `percent_json`): the partial value
/// from `start` on is dropped, then `value` goes through `serde_json` and the table; returns
/// the JSON length.
fn json_fallback<T: Serialize + ?Sized>(
    buf: &mut Vec<u8>,
    start: usize,
    key: &str,
    value: &T,
    form: bool,
) -> Result<usize, EncodeError> {
    buf.truncate(start);
    let json = serde_json::to_string(value).map_err(|e| EncodeError::new(key, e.to_string()))?;
    percent::encode_bytes(buf, &json, form);
    Ok(json.len())
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
        // Keys that percent-encoding changes.
        s.push(Location::Query, "Odd Key/中", "1");
        s.push(Location::Form, "A b", "2");
    }

    fn joined(e: EncodedParams) -> Joined {
        e.finish().unwrap().unwrap()
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
            for (k, v) in query.iter().chain(&form) {
                assert_eq!(encoded.raw_len(k), Some(v.len()), "{k}");
            }
            let j = joined(encoded);
            assert_eq!(j.query, percent::canonical_query(&query));
            assert_eq!(
                j.body
                    .as_deref()
                    .map(|b| String::from_utf8(b.to_vec()).unwrap()),
                (!form.is_empty()).then(|| percent::form_body(&form))
            );
        }
    }

    /// Pairs written in key order are the result as written; out of order they are sorted.
    #[test]
    fn pairs_in_key_order_and_out_of_it_join_the_same() {
        let pairs = [("A", "1"), ("B", "x y"), ("C", "3"), ("C.1", "4")];
        let mut forward = EncodedParams::new(HttpMethod::Post);
        let mut backward = EncodedParams::new(HttpMethod::Post);
        for (k, v) in pairs {
            forward.push(Location::Form, k, v);
            forward.push(Location::Query, k, v);
        }
        for (k, v) in pairs.iter().rev() {
            backward.push(Location::Form, k, v);
            backward.push(Location::Query, k, v);
        }
        assert!(forward.query.in_order && forward.form.in_order);
        assert!(!backward.query.in_order && !backward.form.in_order);
        let (f, b) = (joined(forward), joined(backward));
        assert_eq!(f.query, "A=1&B=x%20y&C=3&C.1=4");
        assert_eq!(f.body.as_deref(), Some(&b"A=1&B=x+y&C=3&C.1=4"[..]));
        assert_eq!((f.query, f.body), (b.query, b.body));
    }

    #[test]
    fn repeated_keys_are_reported() {
        let mut e = EncodedParams::new(HttpMethod::Post);
        e.push(Location::Query, "A", "1");
        e.push(Location::Query, "A", "2");
        assert_eq!(
            e.finish().err().map(|e| e.to_string()),
            Some(format!(
                "cannot encode request: {}",
                SignError::DuplicateQueryKey { key: "A".into() }
            ))
        );
        let mut e = EncodedParams::new(HttpMethod::Post);
        e.push(Location::Form, "B", "1");
        e.push(Location::Form, "B", "0");
        assert!(e.finish().unwrap().is_none());
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
        assert_eq!(encoded.raw_len("K"), Some(r#"{"true":"a b"}"#.len()));
        assert_eq!(
            joined(encoded).body.as_deref(),
            Some(percent::form_body(decoded.form()).as_bytes())
        );
    }

    #[test]
    fn a_failed_value_leaves_nothing_behind() {
        let mut e = EncodedParams::new(HttpMethod::Post);
        e.push(Location::Form, "A", "1");
        let nan = std::collections::BTreeMap::from([(vec![1u8], 1)]);
        assert!(e.json(Location::Form, "Bad", &nan).is_err());
        e.push(Location::Form, "C", "3");
        assert_eq!(joined(e).body.as_deref(), Some(&b"A=1&C=3"[..]));
    }

    #[test]
    fn the_largest_query_parameter_is_named() {
        let mut e = EncodedParams::new(HttpMethod::Get);
        e.push(Location::Query, "Short", "1");
        e.push(Location::Query, "Long", &"x".repeat(100));
        assert_eq!(joined(e).largest_query_key(), Some("Long"));
    }
}
