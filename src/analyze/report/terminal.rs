//! What `analyze` prints on the terminal, kept within [`WIDTH`] columns: the verdict and the
//! main figures; `report.md` holds every table in full.

use std::fmt::Write as _;

use crate::analyze::run::summary::Verdict;

/// The terminal width `analyze` keeps to.
pub const WIDTH: usize = 100;

/// `analyze -q`: one line per run, its verdict and the checks that failed.
pub fn verdict_line(dir: &str, v: &Verdict) -> String {
    if v.passed {
        return format!("{dir}: PASS\n");
    }
    let failed: Vec<String> = v
        .checks
        .iter()
        .filter(|c| !c.passed)
        .map(|c| match (c.name.as_str(), c.first.first()) {
            // The way a run ended says more than the check's name.
            ("ended", Some(o)) => o.message.split(':').next().unwrap_or("ended").to_string(),
            _ => format!("{} ({})", c.name, c.offences),
        })
        .collect();
    format!("{dir}: FAIL: {}\n", failed.join(", "))
}

/// Fit `text` into [`WIDTH`] columns. A table (consecutive indented lines of one length, as
/// [`super::tables::table`] writes them, right-aligned) loses its rightmost whole columns, the same
/// on every row, and says so; any other long line is wrapped at words.
pub fn fit(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < lines.len() {
        let len = lines[i].chars().count();
        let mut j = i + 1;
        if lines[i].starts_with("  ") {
            while j < lines.len() && lines[j].starts_with("  ") && lines[j].chars().count() == len {
                j += 1;
            }
        }
        if len <= WIDTH {
            for line in &lines[i..j] {
                let _ = writeln!(out, "{line}");
            }
        } else if j - i >= 2 {
            let cut = column_cut(&lines[i..j]);
            let _ = writeln!(out, "  (more columns in report.md)");
            for line in &lines[i..j] {
                let kept: String = line.chars().take(cut).collect();
                let _ = writeln!(out, "{kept}");
            }
        } else {
            let _ = writeln!(out, "{}", wrap(lines[i]));
        }
        i = j;
    }
    out
}

/// The largest column end within [`WIDTH`] shared by every row of a right-aligned table.
fn column_cut(rows: &[&str]) -> usize {
    let chars: Vec<Vec<char>> = rows.iter().map(|r| r.chars().collect()).collect();
    (1..=WIDTH)
        .rev()
        .find(|&end| {
            chars
                .iter()
                .all(|c| c[end - 1] != ' ' && c.get(end).is_none_or(|&n| n == ' '))
        })
        .unwrap_or(WIDTH)
}

/// `line` wrapped at words into lines of at most [`WIDTH`] columns, continued with an indent
/// deeper than the line's own.
fn wrap(line: &str) -> String {
    let indent = line.len() - line.trim_start().len() + 4;
    let mut out = String::new();
    let mut current = String::new();
    for (k, word) in line.split(' ').enumerate() {
        let width = current.chars().count();
        if k > 0 && !word.is_empty() && width > indent && width + 1 + word.chars().count() > WIDTH {
            out.push_str(current.trim_end());
            out.push('\n');
            current = " ".repeat(indent);
        } else if k > 0 {
            current.push(' ');
        }
        current.push_str(word);
    }
    out.push_str(current.trim_end());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_are_wrapped_within_the_width() {
        let text = format!("{}\nshort\n", "word ".repeat(40));
        let fitted = fit(&text);
        assert!(fitted.lines().all(|l| l.chars().count() <= WIDTH));
        assert!(fitted.ends_with("short\n"));
        assert_eq!(fitted.matches("word").count(), 40, "nothing lost");
    }

    #[test]
    fn a_wide_table_loses_whole_columns_on_every_row() {
        let row = |a: &str, b: &str| format!("  {a:>60}  {b:>60}");
        let text = format!("{}\n{}\n", row("head", "tail"), row("1", "2"));
        let fitted = fit(&text);
        let lines: Vec<&str> = fitted.lines().collect();
        assert_eq!(lines[0], "  (more columns in report.md)");
        assert_eq!(lines[1].trim(), "head");
        assert_eq!(lines[2].trim(), "1");
    }
}
