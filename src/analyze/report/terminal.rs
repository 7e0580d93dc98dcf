//! What `analyze` prints on the terminal, kept within the terminal's width (`COLUMNS`, the
//! terminal on stdout, or 100 columns): the verdict and the main figures, tables wrapped by whole
//! columns so nothing is cut; `report.md` holds every table in one piece.

use std::fmt::Write as _;

use crate::analyze::run::summary::Verdict;

/// The width `analyze` keeps to when neither `COLUMNS` nor a terminal on stdout says one.
pub(crate) const DEFAULT_WIDTH: usize = 100;

/// Narrowest width kept to: below it a table's first column and one more would not fit.
const MIN_WIDTH: usize = 40;

/// The width to keep to: `COLUMNS` when it is set to a number, else the width of the terminal on
/// stdout, else [`DEFAULT_WIDTH`] (a pipe or a file).
pub(crate) fn width() -> usize {
    let columns = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&c| c > 0);
    columns
        .or_else(stdout_columns)
        .unwrap_or(DEFAULT_WIDTH)
        .max(MIN_WIDTH)
}

/// The columns of the terminal on stdout, if stdout is one.
fn stdout_columns() -> Option<usize> {
    crate::stdout::terminal_size(libc::STDOUT_FILENO)
        .map(|(_, cols)| cols)
        .filter(|&cols| cols > 0)
}

/// `analyze -q`: one line per run, its verdict and the checks that failed.
pub(crate) fn verdict_line(dir: &str, v: &Verdict) -> String {
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

/// Fit `text` into [`width`] columns (see [`fit_to`]).
pub(crate) fn fit(text: &str) -> String {
    fit_to(text, width())
}

/// Fit `text` into `width` columns, losing nothing. A table (consecutive indented lines of one
/// length, as [`super::tables::table`] writes them, right-aligned) too wide is wrapped by whole
/// columns: its rightmost columns come in further blocks below, each led again by the columns
/// that name the rows (`machine`; `from` and `to`), so every row can still be read by its label. Any other long line is wrapped at
/// words (a word longer than the width, such as a path, is broken; a quoted log line, which is
/// copied into other tools, is the one thing left whole).
pub(crate) fn fit_to(text: &str, width: usize) -> String {
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
        if len <= width {
            for line in &lines[i..j] {
                let _ = writeln!(out, "{line}");
            }
        } else if j - i >= 2 {
            out.push_str(&wrap_table(&lines[i..j], width));
        } else {
            let _ = writeln!(out, "{}", wrap(lines[i], width));
        }
        i = j;
    }
    out
}

/// The ends of the columns of a right-aligned table: the positions where every row has a
/// character before and a space (or its end) after.
fn column_ends(rows: &[Vec<char>]) -> Vec<usize> {
    let len = rows[0].len();
    (1..=len)
        .filter(|&end| {
            rows.iter()
                .all(|c| c[end - 1] != ' ' && c.get(end).is_none_or(|&n| n == ' '))
        })
        .collect()
}

/// A table wider than `width`, as blocks of whole columns that each fit, every block after the
/// first led by the columns that name its rows; rows that do not part into such blocks are
/// wrapped at words.
fn wrap_table(rows: &[&str], width: usize) -> String {
    let chars: Vec<Vec<char>> = rows.iter().map(|r| r.chars().collect()).collect();
    let ends = column_ends(&chars);
    if ends.is_empty() {
        return rows
            .iter()
            .map(|r| format!("{}\n", wrap(r, width)))
            .collect();
    }
    // The columns that lead every block: the fewest leading columns that tell the rows apart
    // (`machine`; `from`, `to` for links; a swept value and a rate), within half the width.
    let keyed = (1..=ends.len())
        .find(|&k| {
            let mut keys: Vec<&[char]> = chars[1..].iter().map(|r| &r[..ends[k - 1]]).collect();
            keys.sort();
            keys.windows(2).all(|w| w[0] != w[1])
        })
        .filter(|&k| ends[k - 1] <= width / 2)
        .unwrap_or(1);
    let (first, rest) = (ends[keyed - 1], &ends[keyed..]);
    // Blocks as (start, end) ranges of columns after the first.
    let mut blocks = Vec::new();
    let mut start = first;
    let mut end = first;
    for &next in rest {
        if end > start && first + (next - start) > width {
            blocks.push((start, end));
            start = end;
        }
        end = next;
    }
    blocks.push((start, end));
    if blocks
        .iter()
        .any(|&(start, end)| first + end - start > width)
    {
        // Not columns that fit (text that only looks like a table): wrapped line by line.
        return rows
            .iter()
            .map(|r| format!("{}\n", wrap(r, width)))
            .collect();
    }
    let mut out = String::new();
    for (b, &(start, end)) in blocks.iter().enumerate() {
        if b > 0 {
            out.push('\n');
        }
        for row in &chars {
            let label: String = row[..first].iter().collect();
            let cells: String = row[start..end].iter().collect();
            let _ = writeln!(out, "{label}{cells}");
        }
    }
    out
}

/// `line` wrapped at words into lines of at most `width` columns, continued with an indent
/// deeper than the line's own; a word longer than a line is broken.
fn wrap(line: &str, width: usize) -> String {
    let indent = (line.len() - line.trim_start().len() + 4).min(width / 2);
    let mut out = String::new();
    let mut current = String::new();
    let mut words: Vec<String> = line.split(' ').map(str::to_owned).collect();
    words.reverse();
    let mut first = true;
    while let Some(word) = words.pop() {
        let used = current.chars().count();
        let len = word.chars().count();
        if !first && !word.is_empty() && used > indent && used + 1 + len > width {
            out.push_str(current.trim_end());
            out.push('\n');
            current = " ".repeat(indent);
        } else if !first {
            current.push(' ');
        }
        first = false;
        let room = width.saturating_sub(current.chars().count()).max(1);
        // A quoted log line (a JSON object) stays whole, to be copied into jq or grep.
        let json = word.starts_with('{');
        if !json && word.chars().count() > room && current.chars().count() <= indent + 1 {
            // Longer than a whole line: what fits here, the rest as the next word.
            let head: String = word.chars().take(room).collect();
            let tail: String = word.chars().skip(room).collect();
            current.push_str(&head);
            out.push_str(current.trim_end());
            out.push('\n');
            current = " ".repeat(indent);
            words.push(tail);
            first = true;
            continue;
        }
        current.push_str(&word);
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
        let fitted = fit_to(&text, DEFAULT_WIDTH);
        assert!(fitted.lines().all(|l| l.chars().count() <= DEFAULT_WIDTH));
        assert!(fitted.ends_with("short\n"));
        assert_eq!(fitted.matches("word").count(), 40, "nothing lost");
    }

    #[test]
    fn a_wrapped_links_table_leads_each_block_with_from_and_to() {
        let row =
            |f: &str, t: &str, a: &str, b: &str| format!("  {f:>4}  {t:>2}  {a:>40}  {b:>40}");
        let text = [
            row("from", "to", "sent", "unmatched"),
            row("0", "1", "5", "0"),
            row("0", "2", "6", "1"),
        ]
        .join("\n");
        let fitted = fit_to(&text, 80);
        let words: Vec<Vec<&str>> = fitted
            .lines()
            .map(|l| l.split_whitespace().collect())
            .collect();
        assert_eq!(words[4], ["from", "to", "unmatched"], "{fitted}");
        assert_eq!(words[6], ["0", "2", "1"], "{fitted}");
    }

    #[test]
    fn a_word_longer_than_the_width_is_broken_not_left_over() {
        let path = format!("wrote report.md in /tmp/{}", "x".repeat(120));
        let fitted = fit_to(&path, 80);
        assert!(fitted.lines().all(|l| l.chars().count() <= 80), "{fitted}");
        assert_eq!(fitted.matches('x').count(), 120, "nothing lost");
    }

    proptest::proptest! {
        #[test]
        fn fitted_text_keeps_to_the_width_and_loses_no_character(
            lines in proptest::collection::vec("( {0,3}[a-z0-9/.]{1,30}){1,12}", 1..8),
            width in 40usize..120,
        ) {
            let text = lines.join("\n") + "\n";
            let fitted = fit_to(&text, width);
            for line in fitted.lines() {
                proptest::prop_assert!(line.chars().count() <= width, "{line:?}");
            }
            let ink = |t: &str| t.chars().filter(|c| !c.is_whitespace()).collect::<String>();
            proptest::prop_assert_eq!(ink(&fitted), ink(&text));
        }
    }

    #[test]
    fn a_wide_table_wraps_by_whole_columns_each_block_led_by_the_first_column() {
        let row = |a: &str, b: &str, c: &str| format!("  {a:>8}  {b:>50}  {c:>50}");
        let text = format!(
            "{}\n{}\n",
            row("machine", "head", "tail"),
            row("7", "1", "2")
        );
        let fitted = fit_to(&text, DEFAULT_WIDTH);
        let lines: Vec<&str> = fitted.lines().collect();
        assert!(lines.iter().all(|l| l.chars().count() <= DEFAULT_WIDTH));
        let words: Vec<Vec<&str>> = lines
            .iter()
            .map(|l| l.split_whitespace().collect())
            .collect();
        assert_eq!(
            words,
            [
                vec!["machine", "head"],
                vec!["7", "1"],
                vec![],
                vec!["machine", "tail"],
                vec!["7", "2"]
            ]
        );
    }
}
