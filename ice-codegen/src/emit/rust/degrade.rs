//! What a regeneration takes away: operations that lose their paginator or waiter, and responses
//! that had fields and come out empty (e.g. a metadata file stripped of its responses). Read from
//! the generated sources before and after, since the previous IR no longer exists; the forms
//! matched here are the ones this generator writes.

use std::collections::BTreeSet;

/// The capabilities generated code gives each operation.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Capabilities {
    /// Requests implementing `Paginated`.
    pub paginated: BTreeSet<String>,
    /// Requests implementing `Waitable`.
    pub waitable: BTreeSet<String>,
    /// Responses with at least one field.
    pub with_fields: BTreeSet<String>,
    /// Every request and response type (an operation the spec dropped is the diff's business,
    /// not a degradation).
    pub types: BTreeSet<String>,
}

impl Capabilities {
    /// Adds what one generated source file declares.
    pub fn scan(&mut self, source: &str) {
        let mut open_response: Option<&str> = None;
        for line in source.lines() {
            let t = line.trim();
            if let Some(rest) =
                t.strip_prefix("impl ::ice_api::runtime::pagination::Paginated for ")
            {
                self.paginated.insert(name(rest).to_owned());
            } else if let Some(rest) =
                t.strip_prefix("impl ::ice_api::runtime::waiter::Waitable for ")
            {
                self.waitable.insert(name(rest).to_owned());
            } else if let Some(rest) = t.strip_prefix("pub struct ") {
                let n = name(rest);
                self.types.insert(n.to_owned());
                open_response = (n.ends_with("Response") && !t.ends_with("{}")).then_some(n);
            } else if t.starts_with("pub ") {
                if let Some(n) = open_response.take() {
                    self.with_fields.insert(n.to_owned());
                }
            } else if t == "}" {
                open_response = None;
            }
        }
    }
}

fn name(rest: &str) -> &str {
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    &rest[..end]
}

/// One warning per kind of loss, naming up to five operations.
pub fn degradation(before: &Capabilities, after: &Capabilities) -> Vec<String> {
    let mut out = Vec::new();
    let mut report = |what: &str, lost: Vec<&String>| {
        if lost.is_empty() {
            return;
        }
        let shown: Vec<&str> = lost.iter().take(5).map(|s| s.as_str()).collect();
        let more = if lost.len() > shown.len() {
            ", …"
        } else {
            ""
        };
        out.push(format!(
            "{} {what} ({}{more})",
            lost.len(),
            shown.join(", ")
        ));
    };
    fn lost<'a>(
        b: &'a BTreeSet<String>,
        a: &BTreeSet<String>,
        after: &Capabilities,
    ) -> Vec<&'a String> {
        b.iter()
            .filter(|n| !a.contains(*n) && after.types.contains(*n))
            .collect()
    }
    let paginators = lost(&before.paginated, &after.paginated, after);
    let waiters = lost(&before.waitable, &after.waitable, after);
    let emptied = lost(&before.with_fields, &after.with_fields, after);
    report("operation(s) lose their paginator", paginators);
    report("operation(s) lose their waiter", waiters);
    report(
        "response(s) had fields and come out empty: does the new metadata carry responses?",
        emptied,
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const BEFORE: &str = "pub struct ListXRequest {\n    pub a: i64,\n}\nimpl ::ice_api::runtime::pagination::Paginated for ListXRequest {\n}\npub struct ListXResponse {\n    #[serde(rename = \"A\")]\n    pub items: Vec<String>,\n}\nimpl ::ice_api::runtime::waiter::Waitable for GetYRequest {\n}\npub struct GetYResponse {\n    pub s: String,\n}\n";
    const AFTER: &str = "pub struct ListXRequest {\n    pub a: i64,\n}\npub struct ListXResponse {}\npub struct GetYResponse {\n    pub s: String,\n}\nimpl ::ice_api::runtime::waiter::Waitable for GetYRequest {\n}\n";

    #[test]
    fn losses_are_named() {
        let (mut b, mut a) = (Capabilities::default(), Capabilities::default());
        b.scan(BEFORE);
        a.scan(AFTER);
        assert_eq!(b.with_fields.len(), 2);
        assert_eq!(
            degradation(&b, &a),
            [
                "1 operation(s) lose their paginator (ListXRequest)",
                "1 response(s) had fields and come out empty: does the new metadata carry responses? (ListXResponse)",
            ]
        );
        assert!(degradation(&a, &b).is_empty());
    }
}
