//! The JSON-lines reader: one JSON object per line, the documented format (logiclock's own
//! machine logs are such files).

use std::path::Path;

use super::collect::Collector;
use super::mapping::Mapping;
use super::record::event_of;
use super::ForeignLog;

/// The log in `text`, the content of the JSON-lines file `path`.
pub(crate) fn read(path: &Path, text: &str, mapping: &Mapping) -> ForeignLog {
    let mut out = Collector::new(path);
    let file_machine = out.file_machine();
    let cut_short = !text.ends_with('\n');
    let count = text.lines().count();
    for (i, raw) in text.lines().enumerate() {
        let line = i as u64 + 1;
        let raw = raw.trim();
        if raw.is_empty() {
            continue;
        }
        let read = match serde_json::from_str::<serde_json::Value>(raw) {
            Ok(serde_json::Value::Object(fields)) => event_of(&fields, mapping, line, file_machine),
            Ok(other) => Err(format!(
                "not a JSON object: {}",
                other.to_string().chars().take(40).collect::<String>()
            )),
            Err(e) if e.is_eof() && cut_short && i + 1 == count => {
                Err("the last line is cut short (the file ends inside it)".to_owned())
            }
            Err(e) => {
                // serde's own "at line 1 column N" counts within this one line.
                let what = e.to_string();
                let what = what.split(" at line ").next().unwrap_or_default();
                Err(format!("not JSON ({what} at column {})", e.column()))
            }
        };
        out.line(line, read);
    }
    out.finish()
}
