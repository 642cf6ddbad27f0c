//! "Did you mean" hints for misspelled attribute keys and style values.

/// The candidate closest to `input` if it is close enough to be a plausible typo
/// (case-insensitive optimal-string-alignment distance, tolerant to about one edit in three).
pub fn did_you_mean<'a>(input: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let input = input.to_lowercase();
    let limit = input.chars().count().div_ceil(3).max(1);
    candidates
        .iter()
        .map(|c| (distance(&input, &c.to_lowercase()), *c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Keys people bring from other derives (serde, OpenAPI) and what they mean here: the keys
/// meant (when valid in this position) and a hint.
pub fn alias(input: &str, valid: &[&str]) -> Option<(Vec<&'static str>, &'static str)> {
    let (meant, hint): (&[&'static str], _) = match input {
        "location" | "loc" | "in" => (
            &["query", "form"],
            "write the location as a bare `query` or `form`;",
        ),
        "rename" | "wire" | "wire_name" => (&["name"], "the wire name is `name = \"...\"`;"),
        _ => return None,
    };
    if !meant.iter().all(|m| valid.contains(m)) {
        return None;
    }
    Some((meant.to_vec(), hint))
}

/// Optimal string alignment distance (Levenshtein plus adjacent transpositions).
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // rows[i][j]: distance between a[..i] and b[..j]
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = d;
        }
    }
    rows[a.len()][b.len()]
}

/// `a`, `b`, `c` — for "expected one of" lists.
pub fn list(items: &[&str]) -> String {
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEYS: &[&str] = &[
        "name", "query", "form", "style", "direct", "flatten", "skip",
    ];

    #[test]
    fn suggests_close_keys() {
        assert_eq!(did_you_mean("nmae", KEYS), Some("name"));
        assert_eq!(did_you_mean("qeury", KEYS), Some("query"));
        assert_eq!(did_you_mean("Query", KEYS), Some("query"));
        assert_eq!(did_you_mean("flaten", KEYS), Some("flatten"));
        assert_eq!(
            did_you_mean("repeat_list", &["json", "repeatList", "flat", "simple"]),
            Some("repeatList")
        );
    }

    #[test]
    fn maps_keys_from_other_conventions() {
        assert_eq!(
            alias("location", KEYS).map(|a| a.0),
            Some(vec!["query", "form"])
        );
        assert_eq!(alias("rename", KEYS).map(|a| a.0), Some(vec!["name"]));
        assert_eq!(alias("rename", &["value"]), None);
    }

    #[test]
    fn stays_quiet_for_unrelated_words() {
        assert_eq!(did_you_mean("location", KEYS), None);
        assert_eq!(did_you_mean("x", &["json"]), None);
    }
}
