//! Spec descriptions → rustdoc-safe Markdown. Upstream text is Markdown written for a web page;
//! rustdoc would read parts of it differently:
//! - fenced blocks without a language (or with any language) could become doctests → all fences
//!   are rewritten to `text`;
//! - lines indented by 4+ spaces are indented code blocks (doctests too) → indentation is capped
//!   at 3 spaces outside fences;
//! - `[...]` looks like an intra-doc link and `<...>` like HTML → escaped outside inline code;
//! - bare URLs trigger `rustdoc::bare_urls` → wrapped in `<…>`.

/// Alibaba's help-center link markers `~~2692547#1be9bba03b7qu~~` (a document id and an optional
/// anchor) as real URLs, for rustdoc and JSON Schema alike.
pub fn link_markers(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("~~") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("~~") else { break };
        let inner = &after[..end];
        let (id, anchor) = inner.split_once('#').unwrap_or((inner, ""));
        let valid = !id.is_empty()
            && id.bytes().all(|b| b.is_ascii_digit())
            && anchor
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        out.push_str(&rest[..start]);
        if valid {
            out.push_str("https://help.aliyun.com/document_detail/");
            out.push_str(id);
            out.push_str(".html");
            if !anchor.is_empty() {
                out.push('#');
                out.push_str(anchor);
            }
            rest = &after[end + 2..];
        } else {
            out.push_str("~~");
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// Sanitizes one description into doc lines (without the leading `///`).
pub fn doc_lines(text: &str) -> Vec<String> {
    let text = link_markers(text)
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\t', "    ");
    let mut out = Vec::new();
    let mut fence: Option<String> = None;
    for line in text.lines() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let marker = if trimmed.starts_with("```") {
            Some("```")
        } else if trimmed.starts_with("~~~") {
            Some("~~~")
        } else {
            None
        };
        match (&fence, marker) {
            (None, Some(m)) => {
                fence = Some(m.to_owned());
                out.push(format!("{}{m}text", " ".repeat(indent.min(3))));
                continue;
            }
            (Some(open), Some(m)) if open == m => {
                fence = None;
                out.push(format!("{}{m}", " ".repeat(indent.min(3))));
                continue;
            }
            (Some(_), _) => {
                out.push(line.trim_end().to_owned());
                continue;
            }
            (None, None) => {}
        }
        let body = escape_inline(trimmed.trim_end());
        out.push(format!("{}{body}", " ".repeat(indent.min(3))));
    }
    if let Some(m) = fence {
        out.push(m);
    }
    // Trim leading/trailing blank lines.
    while out.first().is_some_and(|l| l.trim().is_empty()) {
        out.remove(0);
    }
    while out.last().is_some_and(|l| l.trim().is_empty()) {
        out.pop();
    }
    out
}

fn url_end(rest: &str) -> usize {
    let mut end = rest.len();
    for (i, c) in rest.char_indices() {
        if c.is_whitespace()
            || matches!(
                c,
                '<' | '>' | '"' | '\'' | '`' | ')' | '(' | '[' | ']' | '{' | '}' | '|' | '\\'
            )
            || !c.is_ascii()
        {
            end = i;
            break;
        }
    }
    // Trailing punctuation belongs to the sentence.
    while end > 0 && rest[..end].ends_with(['.', ',', ';', ':', '!', '?']) {
        end -= 1;
    }
    end
}

/// Length of a Markdown inline link `[text](dest)` at the start of `s`, if there is one.
fn inline_link_len(s: &str) -> Option<usize> {
    let close = s.find(']')?;
    if s[1..close].contains('[') || !s[close + 1..].starts_with('(') {
        return None;
    }
    let dest = &s[close + 2..];
    let end = dest.find(')')?;
    if dest[..end].contains(char::is_whitespace) {
        return None;
    }
    Some(close + 2 + end + 1)
}

/// Escapes `[`, `]`, `<`, `>` and wraps bare URLs, leaving inline code spans untouched.
fn escape_inline(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut in_code = false;
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if c == '`' {
            in_code = !in_code;
            out.push(c);
            rest = &rest[1..];
            continue;
        }
        if in_code {
            out.push(c);
            rest = &rest[c.len_utf8()..];
            continue;
        }
        if rest.starts_with("http://") || rest.starts_with("https://") {
            let end = url_end(rest);
            let url = &rest[..end];
            if url.len() > "https://".len() {
                out.push('<');
                out.push_str(url);
                out.push('>');
                rest = &rest[end..];
                continue;
            }
        }
        if c == '[' {
            if let Some(len) = inline_link_len(rest) {
                out.push_str(&rest[..len]);
                rest = &rest[len..];
                continue;
            }
        }
        match c {
            '[' | ']' | '<' | '>' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
    if in_code {
        // Unbalanced backtick: close it so the next line is not swallowed.
        out.push('`');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_markers_become_help_center_urls() {
        assert_eq!(
            link_markers("see [InputConfig](~~2692547#2faed1559549n~~) and ~~198823~~; ~~not a marker~~"),
            "see [InputConfig](https://help.aliyun.com/document_detail/2692547.html#2faed1559549n) and https://help.aliyun.com/document_detail/198823.html; ~~not a marker~~"
        );
    }

    #[test]
    fn neutralizes_doctests_links_and_html() {
        let lines = doc_lines(
            "Range [1,100].\n\n```\nfn main() {}\n```\n\n        indented\nSee https://help.aliyun.com/x.html. Use `a[0]` <b> [doc](https://x.y/z)",
        );
        assert_eq!(
            lines,
            vec![
                "Range \\[1,100\\].",
                "",
                "```text",
                "fn main() {}",
                "```",
                "",
                "   indented",
                "See <https://help.aliyun.com/x.html>. Use `a[0]` \\<b\\> [doc](https://x.y/z)",
            ]
        );
    }
}
