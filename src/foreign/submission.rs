//! A submission: a folder of foreign log files, one per machine (or one ShiViz file for all),
//! each read in the format its content shows, and what is wrong with the folder as a whole.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::mapping::Mapping;
use super::{csv_read, jsonl, shiviz, ForeignKind, ForeignLog, Problem};

/// The format of a foreign log file, told from its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    JsonLines,
    Csv,
    ShiViz,
}

impl Format {
    /// The format's name, for people.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Format::JsonLines => "JSON lines",
            Format::Csv => "CSV",
            Format::ShiViz => "ShiViz",
        }
    }
}

/// A folder of foreign logs, read.
#[derive(Debug, Clone)]
pub(crate) struct Submission {
    pub dir: PathBuf,
    /// The format of its logs; `None` when it has none or several.
    pub format: Option<Format>,
    /// One per machine, sorted by machine id (files of no known machine, unreadable ones, last).
    pub logs: Vec<ForeignLog>,
    /// Problems of the folder as a whole (no logs, a machine's log missing, two files for one
    /// machine, mixed formats).
    pub problems: Vec<Problem>,
}

/// Whether a file in a submission folder is not a log: hidden, or what logiclock writes there
/// (manifest, summary, reports, figures, pages, grades, stderr captures), or a document. In a run
/// directory (one with logiclock's manifest) only its machine logs, `machine-N.log`, are logs:
/// its exports and analysis tables are not.
fn not_a_log(name: &str, run_dir: bool) -> bool {
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    let machine_log = name
        .strip_prefix("machine-")
        .and_then(|rest| rest.strip_suffix(".log"))
        .is_some_and(|id| id.parse::<u32>().is_ok());
    name.starts_with('.')
        || (run_dir && !machine_log)
        || matches!(name, "manifest.json" | "summary.json")
        || name.starts_with("report.")
        || name.starts_with("grade.")
        || name.to_ascii_lowercase().starts_with("readme")
        || matches!(
            ext.to_ascii_lowercase().as_str(),
            "svg" | "html" | "png" | "jpg" | "jpeg" | "gif" | "stderr" | "md" | "pdf" | "toml"
                // What students hand in beside their logs: their program, its build, archives.
                | "py" | "ipynb" | "java" | "class" | "jar" | "c" | "h" | "cc" | "cpp" | "hpp"
                | "go" | "rs" | "js" | "ts" | "rb" | "sh" | "zip" | "tar" | "gz" | "tgz"
                | "7z" | "docx" | "doc" | "odt" | "xlsx" | "lock" | "yaml" | "yml"
        )
        || matches!(
            name,
            "Makefile" | "Cargo.toml" | "go.mod" | "requirements.txt"
        )
}

/// Every log file in `dir` (not recursive; skipping hidden files, files logiclock itself writes
/// there and documents, see [`not_a_log`]), read in the format detected from its content.
pub(crate) fn read_submission(dir: &Path, mapping: &Mapping) -> Submission {
    let mut problems = Vec::new();
    let folder_problem = |message: String| Problem {
        file: dir.to_owned(),
        line: None,
        message,
    };
    let run_dir = dir.join(crate::log_format::MANIFEST_FILE).is_file();
    let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .filter(|e| !not_a_log(&e.file_name().to_string_lossy(), run_dir))
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .collect(),
        Err(e) => {
            problems.push(folder_problem(format!("cannot read the folder: {e}")));
            Vec::new()
        }
    };
    files.sort();
    let mut formats: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    let mut logs = Vec::new();
    let mut shiviz_files = Vec::new();
    for path in &files {
        let name = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        match read_text(path) {
            Err(problem) => logs.push(unreadable(path, problem)),
            Ok((format, text)) => {
                formats.entry(format.name()).or_default().push(name);
                match format {
                    Format::ShiViz => shiviz_files.push(shiviz::parse(path, &text)),
                    Format::JsonLines => logs.push(jsonl::read(path, &text, mapping)),
                    Format::Csv => logs.push(csv_read::read(path, &text, mapping)),
                }
            }
        }
    }
    if !shiviz_files.is_empty() {
        logs.extend(shiviz::resolve(shiviz_files));
    }
    let format = match formats.len() {
        1 => formats.keys().next().and_then(|name| {
            [Format::JsonLines, Format::Csv, Format::ShiViz]
                .into_iter()
                .find(|f| f.name() == *name)
        }),
        _ => None,
    };
    if formats.len() > 1 {
        let each: Vec<String> = formats
            .iter()
            .map(|(format, names)| format!("{format}: {}", names.join(", ")))
            .collect();
        problems.push(folder_problem(format!(
            "mixed formats ({})",
            each.join("; ")
        )));
    }
    if files.is_empty() && problems.is_empty() {
        problems.push(folder_problem("no log files in the folder".to_owned()));
    }
    logs.sort_by_key(|l| (l.machine.is_none(), l.machine, l.file.clone()));
    let mut kept: Vec<ForeignLog> = Vec::with_capacity(logs.len());
    for log in logs {
        match kept.last() {
            Some(last) if log.machine.is_some() && last.machine == log.machine => {
                problems.push(folder_problem(format!(
                    "machine {} has two logs, {} and {}: only the first is read",
                    log.machine.unwrap_or_default(),
                    last.file.display(),
                    log.file.display()
                )));
            }
            _ => kept.push(log),
        }
    }
    match missing(&kept).as_slice() {
        few if few.len() <= 3 => problems.extend(few.iter().map(|id| {
            folder_problem(format!(
                "machine {id}'s log is missing (other logs name it)"
            ))
        })),
        many => problems.push(folder_problem(format!(
            "{} machines the logs name have no log (ids {} to {}): is a machine id wrong?",
            many.len(),
            many[0],
            many[many.len() - 1]
        ))),
    }
    Submission {
        dir: dir.to_owned(),
        format,
        logs: kept,
        problems,
    }
}

/// The machines the logs name (as peers, or by the length of their vector clocks when ids start
/// at 0) or whose ids lie between theirs, that have no log of their own.
fn missing(logs: &[ForeignLog]) -> Vec<u32> {
    let present: BTreeSet<u32> = logs.iter().filter_map(|l| l.machine).collect();
    let Some(&lowest) = present.first() else {
        return Vec::new();
    };
    let mut named = present.clone();
    for event in logs.iter().flat_map(|l| &l.events) {
        match &event.kind {
            ForeignKind::Send { to } => named.extend(to),
            ForeignKind::Recv { from, .. } => {
                named.insert(*from);
            }
            ForeignKind::Internal => {}
        }
        if let (0, Some(vc)) = (lowest, &event.vc) {
            // A bounded count: a vector of a million entries names no million machines.
            named.extend(0..vc.len().min(1_000) as u32);
        }
    }
    let (low, high) = (*named.first().unwrap_or(&0), *named.last().unwrap_or(&0));
    (low..=high.min(low.saturating_add(1_000)))
        .filter(|id| !present.contains(id))
        .collect()
}

/// One file; a ShiViz/GoVector file may hold several hosts, hence a Vec (for the tests: a
/// folder is read whole, its ShiViz files together).
#[cfg(test)]
pub(crate) fn read_file(path: &Path, mapping: &Mapping) -> Vec<ForeignLog> {
    match read_text(path) {
        Err(problem) => vec![unreadable(path, problem)],
        Ok((Format::JsonLines, text)) => vec![jsonl::read(path, &text, mapping)],
        Ok((Format::Csv, text)) => vec![csv_read::read(path, &text, mapping)],
        Ok((Format::ShiViz, text)) => shiviz::resolve(vec![shiviz::parse(path, &text)]),
    }
}

/// A log of `path` holding only the problem that kept it from being read.
fn unreadable(path: &Path, message: String) -> ForeignLog {
    ForeignLog {
        file: path.to_owned(),
        machine: super::collect::number_in_name(path),
        events: Vec::new(),
        problems: vec![Problem {
            file: path.to_owned(),
            line: None,
            message,
        }],
    }
}

/// The text of a log file and its format, or why it is no log.
fn read_text(path: &Path) -> Result<(Format, String), String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read the file: {e}"))?;
    let mut text = String::from_utf8(bytes).map_err(|e| {
        format!(
            "not a text log (not UTF-8 text, byte {})",
            e.utf8_error().valid_up_to()
        )
    })?;
    // A byte-order mark, as some Windows editors and PowerShell write.
    if let Some(rest) = text.strip_prefix('\u{feff}') {
        text = rest.to_owned();
    }
    if let Some(at) = text.find(|c: char| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(format!("not a text log (a control character at byte {at})"));
    }
    if text.trim().is_empty() {
        return Err("empty".to_owned());
    }
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or_default();
    if first.starts_with('[') {
        return Err("a JSON array, not JSON lines: the format is one JSON object per line".into());
    }
    if first == "{" {
        return Err(
            "JSON spread over several lines: the format is one JSON object per line".into(),
        );
    }
    let format = detect(&text).ok_or_else(|| {
        "not a log in a known format: its first line is no JSON object, no ShiViz line and \
         no CSV header"
            .to_owned()
    })?;
    Ok((format, text))
}

/// The format of a log from its first line that is not blank.
pub(crate) fn detect(text: &str) -> Option<Format> {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next()?;
    // logiclock's event-first ShiViz text may open a file without the regular expression.
    let second = lines.next().unwrap_or_default();
    if first.starts_with('{') {
        Some(Format::JsonLines)
    } else if first.starts_with("(?<")
        || shiviz::clock_line(first).is_some()
        || shiviz::clock_line(second).is_some()
    {
        Some(Format::ShiViz)
    } else if first.contains(',') {
        Some(Format::Csv)
    } else {
        None
    }
}
