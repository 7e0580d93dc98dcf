//! Reading Rust source as the import graph needs it: comments, literals and test-only items
//! blanked out, `use` trees expanded into paths, and the `crate::`, `super::` and `self::` paths
//! written inline.

/// The source with comments removed and string and char literals emptied, so neither a doc link
/// nor a message that names a path counts as a use.
pub(super) fn strip_comments_and_literals(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                    depth += 1;
                    i += 2;
                } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
        } else if c == b'r'
            && matches!(b.get(i + 1), Some(b'#') | Some(b'"'))
            && !ident_byte(prev(b, i))
        {
            // A raw string: r"..." or r#"..."#.
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&b'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&b'"') {
                out.push('r');
                i += 1;
                continue;
            }
            j += 1;
            loop {
                if j >= b.len() {
                    break;
                }
                if b[j] == b'"' && (0..hashes).all(|h| b.get(j + 1 + h) == Some(&b'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            out.push_str("\"\"");
            i = j;
        } else if c == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
        } else if c == b'\'' && char_literal_end(b, i).is_some() {
            i = char_literal_end(b, i).expect("checked just above");
            out.push_str("' '");
        } else {
            let ch = text[i..].chars().next().expect("inside the text");
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

fn prev(b: &[u8], i: usize) -> u8 {
    if i == 0 {
        b' '
    } else {
        b[i - 1]
    }
}

fn ident_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// Where a char literal starting at `i` ends, or `None` for a lifetime (`'a`).
fn char_literal_end(b: &[u8], i: usize) -> Option<usize> {
    if b.get(i + 1) == Some(&b'\\') {
        let close = (i + 2..b.len().min(i + 12)).find(|&j| b[j] == b'\'')?;
        return Some(close + 1);
    }
    let len = std::str::from_utf8(&b[i + 1..b.len().min(i + 5)])
        .ok()
        .or_else(|| std::str::from_utf8(&b[i + 1..b.len().min(i + 2)]).ok())
        .and_then(|s| s.chars().next())
        .map(char::len_utf8)?;
    (b.get(i + 1 + len) == Some(&b'\'')).then_some(i + 2 + len)
}

/// The source without the items marked `#[cfg(test)]`: tests may use anything.
pub(super) fn strip_tests(code: &str) -> String {
    const MARK: &str = "#[cfg(test)]";
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    while let Some(at) = rest.find(MARK) {
        out.push_str(&rest[..at]);
        let item = &rest[at + MARK.len()..];
        rest = &item[item_end(item)..];
    }
    out.push_str(rest);
    out
}

/// The length of the item at the start of `s`: up to its `;` or its closing brace.
fn item_end(s: &str) -> usize {
    let mut depth = 0usize;
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            ';' if depth == 0 => return i + 1,
            _ => {}
        }
    }
    s.len()
}

/// Every `use` statement: whether it is a re-export (`pub`, `pub(crate)`, ...) and its tree.
pub(super) fn use_statements(code: &str) -> Vec<(bool, String)> {
    let b = code.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = code[from..].find("use ") {
        let start = from + at;
        from = start + 4;
        if ident_byte(prev(b, start)) {
            continue;
        }
        let before = code[..start].trim_end();
        let public = before.ends_with("pub") || (before.ends_with(')') && before.contains("pub("));
        let Some(end) = code[from..].find(';') else {
            break;
        };
        out.push((public, code[from..from + end].to_string()));
        from += end;
    }
    out
}

/// One path of a `use` tree, with the name it is brought in as (`*` for a glob).
pub(super) struct Used {
    pub path: Vec<String>,
    pub alias: Option<String>,
}

/// A `use` tree expanded into its paths: `a::{b, c::d as e}` gives `a::b` and `a::c::d` (as `e`).
pub(super) fn expand_tree(tree: &str) -> Vec<Used> {
    let tree: String = tree.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = Vec::new();
    expand(&tree, &[], &mut out);
    out
}

fn expand(tree: &str, prefix: &[String], out: &mut Vec<Used>) {
    let tree = tree.trim().trim_start_matches("::");
    if tree.is_empty() {
        return;
    }
    if let Some(open) = tree.find('{') {
        let head: Vec<String> = tree[..open]
            .split("::")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        let mut base = prefix.to_vec();
        base.extend(head);
        let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
        for part in split_top(inner) {
            if part.trim() == "self" {
                let alias = None;
                out.push(Used {
                    path: base.clone(),
                    alias,
                });
            } else {
                expand(part, &base, out);
            }
        }
        return;
    }
    let (path, alias) = match tree.split_once(" as ") {
        Some((p, a)) => (p, Some(a.trim().to_string())),
        None => (tree, None),
    };
    let mut segs = prefix.to_vec();
    segs.extend(path.split("::").map(|s| s.trim().to_string()));
    if segs.last().is_some_and(|s| s == "*") {
        segs.pop();
        out.push(Used {
            path: segs,
            alias: Some("*".into()),
        });
    } else {
        if segs.last().is_some_and(|s| s == "self") {
            segs.pop();
        }
        out.push(Used { path: segs, alias });
    }
}

/// The parts of a brace group separated by top-level commas.
fn split_top(s: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&s[start..]);
    parts
}

/// Every path outside `use` statements that starts with `crate::`, `super::` or `self::`.
pub(super) fn inline_paths(code: &str) -> Vec<Vec<String>> {
    let b = code.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !ident_byte(prev(b, i)) && b[i].is_ascii_alphabetic() {
            let mut j = i;
            let mut segs = Vec::new();
            loop {
                let start = j;
                while j < b.len() && ident_byte(b[j]) {
                    j += 1;
                }
                if start == j {
                    break;
                }
                segs.push(code[start..j].to_string());
                if code[j..].starts_with("::") && b.get(j + 2).is_some_and(|&c| ident_byte(c)) {
                    j += 2;
                } else {
                    break;
                }
            }
            if segs.len() > 1 && matches!(segs[0].as_str(), "crate" | "super" | "self") {
                out.push(segs);
            }
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
    out
}
