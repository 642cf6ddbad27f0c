//! Client-side validation run before anything is sent. Every check records a [`Violation`] at the
//! current path instead of stopping, so one call reports **all** problems at once, e.g.
//! `InputConfig.SpeechTextArray[3]: 1203 characters, at most 1000`.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use super::wire::encoded::EncodedParams;

/// One rejected value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Wire path, e.g. `OutputConfig.MediaURL` or `InputConfig.SpeechTextArray[3]`.
    pub path: String,
    /// What was found and what was expected.
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// Every violation found in one request (never empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationErrors {
    violations: Vec<Violation>,
}

impl ValidationErrors {
    /// The violations, in the order they were found.
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    /// Whether some violation sits exactly at `path`.
    pub fn has_path(&self, path: &str) -> bool {
        self.violations.iter().any(|v| v.path == path)
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.violations.len();
        write!(f, "{n} invalid value{}: ", if n == 1 { "" } else { "s" })?;
        for (i, v) in self.violations.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{v}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

/// Collects violations while walking a value; tracks the current path.
///
/// The library first walks a request in a quiet pass that only tracks the top-level parameter
/// (most requests are valid, and paths are only needed in messages) and walks it again with
/// full paths when something was reported; [`path`](Self::path) is therefore complete whenever
/// a violation can be reported, but not in the quiet pass. [`Validator::new`] always tracks.
#[derive(Debug, Default)]
pub struct Validator {
    path: String,
    violations: Vec<Violation>,
    /// The request's encoded parameters, when it was encoded before validation (the client
    /// does): size limits on JSON parameters are then read off the encoded text.
    encoded: Option<EncodedParams>,
    /// Levels below the root.
    depth: usize,
    /// The quiet pass: paths below the top level are not tracked, reports only mark `failed`.
    quiet: bool,
    failed: bool,
    /// The quiet pass's top-level parameter, copied here instead of into `path` (no
    /// allocation) when it fits.
    top: ([u8; TOP_NAME], usize),
}

/// The longest top-level name the quiet pass keeps inline (longer ones go into `path`).
const TOP_NAME: usize = 32;

impl Validator {
    /// A validator at the root path.
    pub fn new() -> Self {
        Self::default()
    }

    /// The quiet pass (see the type's documentation).
    fn quiet(encoded: Option<EncodedParams>) -> Self {
        Self {
            encoded,
            quiet: true,
            ..Self::default()
        }
    }

    /// Validates `value`: a quiet pass, then, only if it found something, a pass with paths.
    /// With `encoded` (the request's encoded parameters), [`json_bytes`](Self::json_bytes) on a
    /// top-level parameter measures its encoded JSON instead of serialising it again; they are
    /// handed back.
    pub(crate) fn run<V: Validate + ?Sized>(
        value: &V,
        encoded: Option<EncodedParams>,
    ) -> (Result<(), ValidationErrors>, Option<EncodedParams>) {
        let mut quiet = Self::quiet(encoded);
        value.validate(&mut quiet);
        let encoded = quiet.encoded.take();
        if !quiet.failed {
            return (Ok(()), encoded);
        }
        let mut full = Self {
            encoded,
            ..Self::default()
        };
        value.validate(&mut full);
        let encoded = full.encoded.take();
        (full.finish(), encoded)
    }

    /// The current path (complete whenever a violation can be reported).
    pub fn path(&self) -> &str {
        if self.top.1 > 0 {
            let (name, len) = &self.top;
            return name
                .get(..*len)
                .and_then(|n| std::str::from_utf8(n).ok())
                .unwrap_or_default();
        }
        &self.path
    }

    /// Runs `f` one field deeper (`Parent.Field`).
    pub fn field(&mut self, name: &str, f: impl FnOnce(&mut Self)) {
        self.depth += 1;
        if self.quiet && self.depth > 1 {
            f(self);
        } else if let Some(slot) = self
            .top
            .0
            .get_mut(..name.len())
            .filter(|_| self.quiet && !name.is_empty())
        {
            slot.copy_from_slice(name.as_bytes());
            self.top.1 = name.len();
            f(self);
            self.top.1 = 0;
        } else {
            let len = self.path.len();
            if !self.path.is_empty() {
                self.path.push('.');
            }
            self.path.push_str(name);
            f(self);
            self.path.truncate(len);
        }
        self.depth -= 1;
    }

    /// Runs `f` at list index `i` (`Parent[i]`, 0-based as in the message examples).
    pub fn index(&mut self, i: usize, f: impl FnOnce(&mut Self)) {
        self.depth += 1;
        if self.quiet {
            f(self);
        } else {
            let len = self.path.len();
            self.path.push('[');
            push_decimal(&mut self.path, i);
            self.path.push(']');
            f(self);
            self.path.truncate(len);
        }
        self.depth -= 1;
    }

    /// Records a violation at the current path.
    pub fn report(&mut self, message: impl Into<String>) {
        if self.quiet {
            self.failed = true;
            return;
        }
        self.violations.push(Violation {
            path: self.path.clone(),
            message: message.into(),
        });
    }

    /// Checks a length in Unicode characters (as the service counts text).
    pub fn chars(&mut self, value: &str, min: Option<usize>, max: Option<usize>) {
        // A UTF-8 text has between len/4 and len characters: count only when that range
        // reaches past a limit.
        let (lo, hi) = (value.len().div_ceil(4), value.len());
        if min.is_none_or(|m| lo >= m) && max.is_none_or(|m| hi <= m) {
            return;
        }
        let n = value.chars().count();
        self.count(n, min, max, "character");
    }

    /// Checks a length in UTF-8 bytes (as the service limits `UserData`).
    pub fn bytes(&mut self, value: &str, min: Option<usize>, max: Option<usize>) {
        self.count(value.len(), min, max, "byte");
    }

    /// Checks a number of list items.
    pub fn items(&mut self, len: usize, min: Option<usize>, max: Option<usize>) {
        self.count(len, min, max, "item");
    }

    fn count(&mut self, n: usize, min: Option<usize>, max: Option<usize>, unit: &str) {
        let plural = |k: usize| if k == 1 { "" } else { "s" };
        if let Some(min) = min {
            if n < min {
                self.report(format!("{n} {unit}{}, at least {min}", plural(n)));
                return;
            }
        }
        if let Some(max) = max {
            if n > max {
                self.report(format!("{n} {unit}{}, at most {max}", plural(n)));
            }
        }
    }

    /// Checks an inclusive numeric range.
    pub fn range(&mut self, value: f64, min: Option<f64>, max: Option<f64>) {
        let bad =
            value.is_nan() || min.is_some_and(|m| value < m) || max.is_some_and(|m| value > m);
        if bad {
            let expected = match (min, max) {
                (Some(a), Some(b)) => format!("from {a} to {b}"),
                (Some(a), None) => format!("at least {a}"),
                (None, Some(b)) => format!("at most {b}"),
                (None, None) => "a number".to_owned(),
            };
            self.report(format!("{value}, expected {expected}"));
        }
    }

    /// Checks that a string is one of the allowed values.
    pub fn one_of(&mut self, value: &str, allowed: &[&str]) {
        if !allowed.contains(&value) {
            self.report(format!("{value:?}, expected one of {}", allowed.join(", ")));
        }
    }

    /// A required string must hold more than whitespace: `""` and `"   "` are almost always a
    /// mistake the service answers with a vague error, or worse, accepts.
    pub fn not_blank(&mut self, value: &str) {
        // A visible ASCII first byte settles it without the Unicode whitespace scan.
        if value.as_bytes().first().is_some_and(u8::is_ascii_graphic) {
            return;
        }
        if value.trim().is_empty() {
            self.report(if value.is_empty() {
                "empty, expected a value".to_owned()
            } else {
                format!("{value:?} is blank, expected a value")
            });
        }
    }

    /// Reports when the number of present keys is outside `[min, max]`. A key counts as present
    /// when its typed field is set (`typed`) or when it appears in `extra`.
    pub fn key_count(
        &mut self,
        extra: &serde_json::Map<String, serde_json::Value>,
        keys: &[(&str, bool)],
        min: usize,
        max: Option<usize>,
        why: &str,
    ) {
        let is_present = |(k, typed): &&(&str, bool)| *typed || extra.contains_key(*k);
        let n = keys.iter().filter(is_present).count();
        let fits = !(max == Some(0) && n > 0) && n >= min && max.is_none_or(|m| n <= m);
        if fits {
            // The common case builds nothing.
            return;
        }
        let present: Vec<&str> = keys.iter().filter(is_present).map(|(k, _)| *k).collect();
        let all: Vec<&str> = keys.iter().map(|(k, _)| *k).collect();
        if max == Some(0) && n > 0 {
            self.report(format!("{} not allowed: {why}", present.join(" and ")));
        } else if n < min {
            self.report(format!("none of {} is set: {why}", all.join(", ")));
        } else if let Some(max) = max.filter(|m| n > *m) {
            self.report(format!(
                "{} are set, at most {max} of {} allowed: {why}",
                present.join(" and "),
                all.join(", ")
            ));
        }
    }

    /// Reports every key of `extra` that names a typed field (`typed`: key, whether it is set):
    /// the typed field is the one place for that key, so `extra` may not shadow or duplicate it.
    pub fn extra_keys(
        &mut self,
        extra: &serde_json::Map<String, serde_json::Value>,
        typed: &[(&str, bool)],
    ) {
        if extra.is_empty() {
            return;
        }
        for (key, set) in typed {
            if extra.contains_key(*key) {
                self.field(key, |v| {
                    v.report(if *set {
                        "set both as a typed field and as an extra key; keep one"
                    } else {
                        "given as an extra key although the model has a typed field for it; use the typed field (its checks apply)"
                    })
                });
            }
        }
    }

    /// Reports when the compact JSON form of `value` is longer than `max` bytes.
    ///
    /// On a request that was encoded first, a top-level parameter is measured on its encoded
    /// JSON (a value under a wire name can only be there in its `style: json` form); anything
    /// else is serialised into a byte counter, without being kept.
    pub fn json_bytes<T: serde::Serialize + ?Sized>(&mut self, value: &T, max: usize) {
        // Only a top-level parameter can be found there (its name is the whole path).
        let encoded = self
            .encoded
            .as_ref()
            .filter(|_| self.depth == 1)
            .and_then(|w| w.raw_len(self.path()));
        let len = match encoded {
            Some(len) => len,
            None => {
                let mut counter = ByteCount(0);
                if let Err(e) = serde_json::to_writer(&mut counter, value) {
                    self.report(format!("cannot be encoded as JSON: {e}"));
                    return;
                }
                counter.0
            }
        };
        if len > max {
            self.report(format!("{len} bytes as JSON, at most {max}"));
        }
    }

    /// Ends validation: `Ok` when nothing was reported.
    pub fn finish(self) -> Result<(), ValidationErrors> {
        if self.violations.is_empty() {
            Ok(())
        } else {
            Err(ValidationErrors {
                violations: self.violations,
            })
        }
    }
}

/// Appends `n` in decimal (without `fmt`'s machinery: every list item of every request passes
/// here).
fn push_decimal(out: &mut String, n: usize) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut n = n;
    loop {
        i -= 1;
        if let Some(d) = digits.get_mut(i) {
            *d = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || i == 0 {
            break;
        }
    }
    for &d in digits.get(i..).unwrap_or_default() {
        out.push(char::from(d));
    }
}

/// An `io::Write` that only counts.
struct ByteCount(usize);

impl std::io::Write for ByteCount {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A value that can check itself before it is sent.
pub trait Validate {
    /// Records every violation of `self` into `v` (at `v`'s current path).
    fn validate(&self, v: &mut Validator) {
        let _ = v;
    }

    /// Runs [`validate`](Validate::validate) from the root (a quiet pass first, paths only
    /// when something is wrong).
    fn validated(&self) -> Result<(), ValidationErrors> {
        Validator::run(self, None).0
    }
}

impl<T: Validate + ?Sized> Validate for &T {
    fn validate(&self, v: &mut Validator) {
        (**self).validate(v)
    }
}

impl<T: Validate + ?Sized> Validate for Box<T> {
    fn validate(&self, v: &mut Validator) {
        (**self).validate(v)
    }
}

impl<T: Validate> Validate for Option<T> {
    fn validate(&self, v: &mut Validator) {
        if let Some(x) = self {
            x.validate(v)
        }
    }
}

impl<T: Validate> Validate for Vec<T> {
    fn validate(&self, v: &mut Validator) {
        for (i, x) in self.iter().enumerate() {
            v.index(i, |v| x.validate(v));
        }
    }
}

impl<T: Validate> Validate for BTreeMap<String, T> {
    fn validate(&self, v: &mut Validator) {
        for (k, x) in self {
            v.field(k, |v| x.validate(v));
        }
    }
}

impl<T: Validate, S> Validate for HashMap<String, T, S> {
    fn validate(&self, v: &mut Validator) {
        for (k, x) in self {
            v.field(k, |v| x.validate(v));
        }
    }
}

macro_rules! leaf {
    ($($t:ty),*) => {$( impl Validate for $t {} )*};
}
leaf!(
    String, str, bool, i8, i16, i32, i64, u8, u16, u32, u64, usize, isize, f32, f64,
    serde_json::Value, serde_json::Map<String, serde_json::Value>
);

#[cfg(test)]
mod tests {
    use super::*;

    /// Lists with a blank item somewhere deep, and a depth-dependent check.
    struct Nested(Vec<Vec<&'static str>>);

    impl Validate for Nested {
        fn validate(&self, v: &mut Validator) {
            v.field("Outer", |v| {
                for (i, inner) in self.0.iter().enumerate() {
                    v.index(i, |v| {
                        v.field("Items", |v| {
                            for (j, item) in inner.iter().enumerate() {
                                v.index(j, |v| v.not_blank(item));
                            }
                        })
                    });
                }
            });
        }
    }

    #[test]
    fn the_quiet_pass_and_the_full_pass_agree() {
        assert_eq!(Nested(vec![vec!["a"], vec!["b", "c"]]).validated(), Ok(()));
        let err = Nested(vec![vec!["a", " "], vec!["b", ""]])
            .validated()
            .unwrap_err();
        let paths: Vec<&str> = err.violations().iter().map(|v| v.path.as_str()).collect();
        assert_eq!(paths, ["Outer[0].Items[1]", "Outer[1].Items[1]"]);
    }

    #[test]
    fn paths_and_messages_name_every_violation() {
        let mut v = Validator::new();
        v.field("InputConfig", |v| {
            v.field("SpeechTextArray", |v| {
                v.index(3, |v| v.chars(&"字".repeat(1203), None, Some(1000)));
            });
        });
        v.field("MaxResults", |v| v.range(0.0, Some(1.0), Some(100.0)));
        let err = v.finish().unwrap_err();
        assert_eq!(
            err.to_string(),
            "2 invalid values: InputConfig.SpeechTextArray[3]: 1203 characters, at most 1000; \
             MaxResults: 0, expected from 1 to 100"
        );
        assert!(err.has_path("MaxResults"));
    }

    #[test]
    fn list_indexes_are_decimal() {
        let mut v = Validator::new();
        for i in [0, 7, 10, 120, usize::MAX] {
            v.index(i, |v| assert_eq!(v.path(), format!("[{i}]")));
        }
    }

    #[test]
    fn nan_is_out_of_any_range() {
        let mut v = Validator::new();
        v.range(f64::NAN, None, None);
        assert_eq!(v.finish().unwrap_err().violations().len(), 1);
    }
}
