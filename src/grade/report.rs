//! The class report: the table of verdicts (terminal and `grade.md`, one row per submission,
//! one column per rule: `PASS`, the number of findings, or `-` where nothing could be judged),
//! each submission's findings (`grade.md`, a few per rule; `grade.json`, all of them) and
//! `grade.csv` (one row per submission, the rule columns).

use std::fmt::Write as _;

use serde::Serialize;

use super::rule::{Options, RULES};
use super::rules::Graded;
use crate::analyze::report::tables::table;

/// Version of `grade.json`'s layout.
pub(crate) const GRADE_FORMAT: u32 = 1;
/// Findings listed per rule and submission in `grade.md` (all are counted, and in the JSON).
pub(crate) const LISTED: usize = 5;

fn verdict(g: &Graded) -> &'static str {
    if g.passed() {
        "PASS"
    } else {
        "FAIL"
    }
}

/// The table of verdicts, aligned for the terminal or as Markdown.
pub(crate) fn verdicts(class: &[Graded], markdown: bool) -> String {
    let mut headers = vec!["submission", "verdict"];
    headers.extend(RULES.iter().map(|(_, id, _)| *id));
    let rows: Vec<Vec<String>> = class
        .iter()
        .map(|g| {
            let name = printable(&g.name);
            let name = if markdown {
                name.replace('|', "\\|")
            } else {
                name
            };
            let mut row = vec![name, verdict(g).to_owned()];
            row.extend(g.cells.iter().map(|(_, cell)| cell.to_string()));
            row
        })
        .collect();
    table(&headers, &rows, markdown)
}

/// `grade.md`.
pub(crate) fn markdown(class: &[Graded], options: &Options) -> String {
    let passed = class.iter().filter(|g| g.passed()).count();
    let mut out = format!(
        "# Class report\n\n{passed} of {} submissions pass every rule. Graded for {} machines, \
         die {}, a send to several peers counted {}.\n\n",
        class.len(),
        options.machines,
        options.die,
        match options.send_rule {
            super::rule::SendRule::Once => "once",
            super::rule::SendRule::PerMessage => "per message",
        }
    );
    out.push_str(&verdicts(class, true));
    out.push_str("\n`PASS`: no finding; a number: that many findings; `-`: nothing in the logs to judge the rule on.\n\n## Rules\n\n");
    for (_, id, what) in RULES {
        let _ = writeln!(out, "- `{id}`: {what}");
    }
    for g in class {
        let format = g.format.as_deref().unwrap_or("no single format");
        let _ = write!(
            out,
            "\n## {}: {}\n\n{format}, machines {:?}, {} events, {} findings.\n",
            printable(&g.name),
            verdict(g),
            g.machines,
            g.events,
            g.findings.len()
        );
        for (rule, _) in &g.cells {
            let of_rule: Vec<_> = g.findings.iter().filter(|f| f.rule == *rule).collect();
            if of_rule.is_empty() {
                continue;
            }
            let _ = writeln!(out, "\n### `{}`\n", rule.id());
            for f in of_rule.iter().take(LISTED) {
                let _ = writeln!(out, "- {}", f.to_string().replace('|', "\\|"));
            }
            if of_rule.len() > LISTED {
                let _ = writeln!(out, "- and {} more", of_rule.len() - LISTED);
            }
        }
        if !g.notes.is_empty() {
            out.push('\n');
            for note in &g.notes {
                let _ = writeln!(out, "- note: {note}");
            }
        }
    }
    out
}

/// `grade.json`: every finding of every submission.
pub(crate) fn json(class: &[Graded], options: &Options) -> String {
    #[derive(Serialize)]
    struct Report<'a> {
        format: u32,
        options: &'a Options,
        passed: usize,
        submissions: &'a [Graded],
    }
    let report = Report {
        format: GRADE_FORMAT,
        options,
        passed: class.iter().filter(|g| g.passed()).count(),
        submissions: class,
    };
    serde_json::to_string_pretty(&report).expect("the class report serializes") + "\n"
}

/// A folder's name as the reports show it: control characters (a newline in a name would break
/// a table row) as `?`.
fn printable(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// A cell a spreadsheet will not run: a leading `=`, `+`, `-` or `@` makes a formula there, so
/// such a name gets a `'` before it (what spreadsheets take as "text").
fn spreadsheet_safe(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

/// `grade.csv`: one row per submission, one column per rule.
pub(crate) fn csv(class: &[Graded]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut headers = vec![
        "submission",
        "format",
        "machines",
        "events",
        "verdict",
        "findings",
    ];
    headers.extend(RULES.iter().map(|(_, id, _)| *id));
    let _ = writer.write_record(&headers);
    for g in class {
        let machines: Vec<String> = g.machines.iter().map(u32::to_string).collect();
        let mut row = vec![
            spreadsheet_safe(&printable(&g.name)),
            g.format.clone().unwrap_or_default(),
            machines.join(";"),
            g.events.to_string(),
            verdict(g).to_owned(),
            g.findings.len().to_string(),
        ];
        row.extend(g.cells.iter().map(|(_, cell)| cell.to_string()));
        let _ = writer.write_record(&row);
    }
    let bytes = writer.into_inner().expect("writing to memory cannot fail");
    String::from_utf8(bytes).expect("the cells are text")
}
