//! The CSV reader: a header row with the documented format's column names (in any order), then
//! one row per event.

use std::collections::HashMap;
use std::path::Path;

use super::collect::Collector;
use super::mapping::Mapping;
use super::record::{event_of, Cell, Record};
use super::ForeignLog;

/// One row with the header's column positions.
struct Row<'a> {
    columns: &'a HashMap<String, usize>,
    row: &'a csv::StringRecord,
}

impl Record for Row<'_> {
    fn get(&self, name: &str) -> Option<Cell<'_>> {
        let cell = self.row.get(*self.columns.get(name)?)?;
        (!cell.is_empty()).then_some(Cell::Text(cell))
    }
}

/// The log in `text`, the content of the CSV file `path`.
pub(crate) fn read(path: &Path, text: &str, mapping: &Mapping) -> ForeignLog {
    let mut out = Collector::new(path);
    let file_machine = out.file_machine();
    // Windows line ends as plain ones: the reader counts a `\r\n` record's line one short.
    let text = text.replace("\r\n", "\n");
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.as_bytes());
    let header = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            out.problem(Some(1), format!("unreadable CSV header: {e}"));
            return out.finish();
        }
    };
    let columns: HashMap<String, usize> = header
        .iter()
        .enumerate()
        .map(|(i, name)| (name.to_owned(), i))
        .collect();
    // Without these the file cannot be read as the format says: one problem for the file, not
    // one per row.
    for ours in ["event", "machine", "to", "from", "msg_clock"] {
        let theirs = mapping.field(ours);
        if columns.contains_key(theirs) || (ours == "machine" && file_machine.is_some()) {
            continue;
        }
        let renamed = if theirs == ours {
            String::new()
        } else {
            format!(" ({ours})")
        };
        let has: Vec<&str> = header.iter().collect();
        out.problem(
            None,
            format!(
                "the CSV header has no `{theirs}`{renamed} column (it has: {})",
                has.join(", ")
            ),
        );
        return out.finish();
    }
    let mut row = csv::StringRecord::new();
    loop {
        let line = reader.position().line();
        match reader.read_record(&mut row) {
            Ok(false) => break,
            Ok(true) if row.iter().all(str::is_empty) => {}
            Ok(true) if row.len() != header.len() => out.line(
                line,
                Err(format!(
                    "{} cells, the header has {}",
                    row.len(),
                    header.len()
                )),
            ),
            Ok(true) => {
                let record = Row {
                    columns: &columns,
                    row: &row,
                };
                out.line(line, event_of(&record, mapping, line, file_machine));
            }
            Err(e) => {
                out.line(line, Err(format!("unreadable CSV row: {e}")));
                if !matches!(e.kind(), csv::ErrorKind::UnequalLengths { .. }) {
                    break;
                }
            }
        }
    }
    out.finish()
}
