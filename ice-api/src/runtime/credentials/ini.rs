//! A strict reader of the credentials INI file, with the syntax of Python's `configparser` as
//! the official `alibabacloud-credentials` library uses it.
//!
//! Hand-written rather than a crate: rust-ini and configparser, the maintained INI crates, accept
//! keys before any section and repeated sections and keys (rust-ini keeps every copy,
//! configparser merges them, last one wins) and record no line numbers; rejecting those
//! afterwards would lose the line number an error must name.
//!
//! Accepted, as `configparser` accepts it: `[section]` headers (a comment may follow), `key =
//! value` and `key: value` (the first `=` or `:` splits; keys are case-insensitive), full-line
//! comments starting with `#` or `;`, blank lines, values continued on more-indented lines, and
//! a `[DEFAULT]` section whose keys every section inherits. As the official library reads a
//! value, it ends at the first `#`; quotes are part of it. Rejected with the line number: a key
//! before any section, a line that is neither, an unclosed or empty header, a repeated section,
//! a repeated key in one section. Unlike `configparser`, `%` is not interpolated and a leading
//! byte-order mark is allowed.

use std::collections::HashMap;
use std::fmt;

/// The section every other one inherits keys from.
const DEFAULT_SECTION: &str = "DEFAULT";

/// Where and why a credentials file does not parse. Never quotes the offending line, which may
/// hold a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IniError {
    /// 1-based line number.
    pub(crate) line: usize,
    pub(crate) reason: String,
}

impl fmt::Display for IniError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

impl std::error::Error for IniError {}

#[derive(Debug)]
struct Entry {
    key: String,
    value: String,
    line: usize,
}

#[derive(Debug)]
struct Section {
    name: String,
    line: usize,
    entries: Vec<Entry>,
}

/// A parsed credentials file.
#[derive(Debug)]
pub(crate) struct IniDoc {
    sections: Vec<Section>,
}

/// One section's values (inherited `[DEFAULT]` keys included), each with its line.
#[derive(Debug)]
pub(crate) struct IniSection {
    /// Line of the `[name]` header.
    pub(crate) line: usize,
    values: HashMap<String, (String, usize)>,
}

impl IniSection {
    /// The value of `key` as the official library reads it: up to the first `#`, trimmed.
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.values
            .get(key)
            .map(|(v, _)| v.split('#').next().unwrap_or_default().trim())
    }

    /// The line `key` is set on.
    pub(crate) fn line_of(&self, key: &str) -> Option<usize> {
        self.values.get(key).map(|(_, line)| *line)
    }
}

impl IniDoc {
    /// Section `name` (case-sensitive), with the keys of `[DEFAULT]` it does not set itself.
    /// `[DEFAULT]` itself is not a section one can select, as in `configparser`.
    pub(crate) fn section(&self, name: &str) -> Option<IniSection> {
        if name == DEFAULT_SECTION {
            return None;
        }
        let found = self.sections.iter().find(|s| s.name == name)?;
        let mut values = HashMap::new();
        let defaults = self.sections.iter().filter(|s| s.name == DEFAULT_SECTION);
        for e in defaults.flat_map(|s| &s.entries).chain(&found.entries) {
            values.insert(e.key.clone(), (e.value.clone(), e.line));
        }
        Some(IniSection {
            line: found.line,
            values,
        })
    }
}

/// The value being read, which more-indented lines continue.
struct Open {
    indent: usize,
    blank_lines: usize,
}

/// Parses `text`, or says on which line and why it is malformed.
pub(crate) fn parse(text: &str) -> Result<IniDoc, IniError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut sections: Vec<Section> = Vec::new();
    let mut open: Option<Open> = None;
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let err = |reason: String| IniError { line, reason };
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            if let Some(o) = open.as_mut() {
                o.blank_lines += 1;
            }
            continue;
        }
        if trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        let indent = raw.len() - raw.trim_start().len();
        if let (Some(o), Some(entry)) = (
            open.as_ref(),
            sections.last_mut().and_then(|s| s.entries.last_mut()),
        ) {
            if indent > o.indent {
                entry.value.push_str(&"\n".repeat(o.blank_lines + 1));
                entry.value.push_str(trimmed);
                open = Some(Open {
                    indent: o.indent,
                    blank_lines: 0,
                });
                continue;
            }
        }
        open = None;

        if let Some(header) = trimmed.strip_prefix('[') {
            let Some((name, rest)) = header.split_once(']') else {
                return Err(err("section header is not closed with ']'".into()));
            };
            let rest = rest.trim_start();
            if !(rest.is_empty() || rest.starts_with('#') || rest.starts_with(';')) {
                return Err(err("unexpected text after the section header".into()));
            }
            if name.is_empty() {
                return Err(err("empty section name".into()));
            }
            if name.trim() != name {
                return Err(err(format!(
                    "section name {name:?} has leading or trailing spaces"
                )));
            }
            if let Some(first) = sections.iter().find(|s| s.name == name) {
                return Err(err(format!(
                    "section [{name}] is repeated (first on line {})",
                    first.line
                )));
            }
            sections.push(Section {
                name: name.to_string(),
                line,
                entries: Vec::new(),
            });
            continue;
        }

        let Some(section) = sections.last_mut() else {
            return Err(err(
                "key outside any section (a [section] header must come first)".into(),
            ));
        };
        let Some(split) = trimmed.find(['=', ':']) else {
            return Err(err(
                "expected a [section] header, `key = value` or `key: value`".into(),
            ));
        };
        let key = trimmed[..split].trim().to_lowercase();
        if key.is_empty() {
            return Err(err("missing key before '=' or ':'".into()));
        }
        if let Some(first) = section.entries.iter().find(|e| e.key == key) {
            return Err(err(format!(
                "key {key:?} is repeated in section [{}] (first on line {})",
                section.name, first.line
            )));
        }
        section.entries.push(Entry {
            key,
            value: trimmed[split + 1..].trim().to_string(),
            line,
        });
        open = Some(Open {
            indent,
            blank_lines: 0,
        });
    }
    Ok(IniDoc { sections })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line_of_error(text: &str) -> (usize, String) {
        let e = parse(text).unwrap_err();
        (e.line, e.reason)
    }

    #[test]
    fn configparser_syntax() {
        let doc = parse(
            "\u{feff}# top\n[default] ; main\nType: access_key\nKEY_B = v # note\n  ; indented comment\n\
             quoted = \"q\"\nsemi = a ; b\nempty =\npolicy = {\"Version\": \"1\",\n    \"Statement\": []}\n\n\
             [other]\nx=1\n",
        )
        .unwrap();
        let s = doc.section("default").unwrap();
        assert_eq!(s.line, 2);
        assert_eq!(s.get("type"), Some("access_key"));
        assert_eq!(s.get("key_b"), Some("v"));
        assert_eq!(s.get("quoted"), Some("\"q\""));
        assert_eq!(s.get("semi"), Some("a ; b"));
        assert_eq!(s.get("empty"), Some(""));
        assert_eq!(
            s.get("policy"),
            Some("{\"Version\": \"1\",\n\"Statement\": []}")
        );
        assert_eq!(s.line_of("policy"), Some(9));
        assert_eq!(doc.section("other").unwrap().get("x"), Some("1"));
        assert!(doc.section("Default").is_none());
    }

    #[test]
    fn continuation_keeps_inner_blank_lines_and_drops_trailing_ones() {
        let doc = parse("[a]\nk = 1\n  two\n\n  three\n\nj = 2\n").unwrap();
        let s = doc.section("a").unwrap();
        assert_eq!(s.get("k"), Some("1\ntwo\n\nthree"));
        assert_eq!(s.get("j"), Some("2"));
    }

    #[test]
    fn default_section_is_inherited_not_selectable() {
        let doc = parse("[DEFAULT]\ntype = access_key\nx = 1\n[a]\nx = 2\n").unwrap();
        let s = doc.section("a").unwrap();
        assert_eq!(s.get("type"), Some("access_key"));
        assert_eq!(s.get("x"), Some("2"));
        assert!(doc.section("DEFAULT").is_none());
    }

    #[test]
    fn malformed_files_name_the_line() {
        for (text, line, reason) in [
            ("k = v\n[default]\n", 1, "outside any section"),
            (
                "[default]\ntype = x\ngarbage\n",
                3,
                "expected a [section] header",
            ),
            ("[default]\n[prod\nk = v\n", 2, "not closed"),
            ("[a]\nk = 1\n[a]\n", 3, "repeated (first on line 1)"),
            ("[a]\nK = 1\nk = 2\n", 3, "\"k\" is repeated"),
            ("[a]\n= v\n", 2, "missing key"),
            ("[]\n", 1, "empty section name"),
            ("[ a ]\n", 1, "leading or trailing spaces"),
            ("[a] b\n", 1, "after the section header"),
        ] {
            let (l, r) = line_of_error(text);
            assert_eq!(l, line, "{text:?}: {r}");
            assert!(r.contains(reason), "{text:?}: {r}");
        }
    }

    #[test]
    fn errors_do_not_quote_the_line() {
        let e = parse("[a]\nsecretValue123\n").unwrap_err();
        assert!(!e.to_string().contains("secretValue123"), "{e}");
        let e = parse("secret_key = topSecret\n").unwrap_err();
        assert!(!e.to_string().contains("topSecret"), "{e}");
    }
}
