//! Foreign logs written from [`ForeignEvent`]s, the way students' programs might write them:
//! the tests (and the mutation corpus) turn twin runs into each input format with these.
//!
//! - [`jsonl`]: the documented JSON lines, optionally with fields reordered, extra fields,
//!   epoch-seconds timestamps and renamed fields (and event values, `event.send` -> `SND`);
//! - [`csv`]: the documented CSV, a header of our names, lists as `1;0;2`;
//! - [`shiviz`]: GoVector's merged ShiViz log, all hosts in one file, zero entries left out;
//! - [`write_submission`]: a whole logiclock run directory as a student's folder in one format.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::submission::{read_submission, Format};
use super::{ForeignEvent, ForeignKind, Mapping};
use crate::log_format::timestamp::format_micros;

/// How [`jsonl`] writes its lines.
#[derive(Debug, Clone, Default)]
pub(crate) struct JsonStyle {
    /// Fields in the reverse of the documented order.
    pub reorder: bool,
    /// A number, a string and a nested object the reader must ignore.
    pub extra_fields: bool,
    /// The timestamp as a number of seconds since the epoch, not RFC 3339 text.
    pub epoch_seconds: bool,
    /// Our field name -> theirs; `event.KIND` -> the value written for that kind.
    pub rename: Vec<(String, String)>,
}

/// The event field's value of a kind.
fn kind_name(kind: &ForeignKind) -> &'static str {
    match kind {
        ForeignKind::Internal => "internal",
        ForeignKind::Send { .. } => "send",
        ForeignKind::Recv { .. } => "recv",
    }
}

fn join(values: impl IntoIterator<Item = impl ToString>, separator: &str) -> String {
    values
        .into_iter()
        .map(|v| v.to_string())
        .collect::<Vec<_>>()
        .join(separator)
}

/// `events` as JSON lines in `style`.
pub(crate) fn jsonl(events: &[ForeignEvent], style: &JsonStyle) -> String {
    let renamed = |ours: &str| -> String {
        style
            .rename
            .iter()
            .find(|(o, _)| o == ours)
            .map_or_else(|| ours.to_owned(), |(_, theirs)| theirs.clone())
    };
    let mut out = String::new();
    for e in events {
        // (our name, JSON text of the value)
        let mut fields: Vec<(String, String)> = Vec::new();
        if let Some(us) = e.timestamp_us {
            let value = if style.epoch_seconds {
                let sign = if us < 0 { "-" } else { "" };
                let abs = us.unsigned_abs();
                format!("{sign}{}.{:06}", abs / 1_000_000, abs % 1_000_000)
            } else {
                format!("\"{}\"", format_micros(us))
            };
            fields.push(("timestamp".into(), value));
        }
        fields.push(("machine".into(), e.machine.to_string()));
        let event = renamed(&format!("event.{}", kind_name(&e.kind)));
        let event = event.strip_prefix("event.").unwrap_or(&event).to_owned();
        fields.push(("event".into(), serde_json::Value::String(event).to_string()));
        if let Some(lamport) = e.lamport {
            fields.push(("lamport".into(), lamport.to_string()));
        }
        match &e.kind {
            ForeignKind::Internal => {}
            ForeignKind::Send { to } => fields.push(("to".into(), format!("[{}]", join(to, ",")))),
            ForeignKind::Recv {
                from,
                msg_clock,
                queue,
            } => {
                fields.push(("from".into(), from.to_string()));
                if let Some(m) = msg_clock {
                    fields.push(("msg_clock".into(), m.to_string()));
                }
                if let Some(q) = queue {
                    fields.push(("queue".into(), q.to_string()));
                }
            }
        }
        if let Some(vc) = &e.vc {
            fields.push(("vc".into(), format!("[{}]", join(vc, ","))));
        }
        let mut fields: Vec<(String, String)> = fields
            .into_iter()
            .map(|(ours, value)| (renamed(&ours), value))
            .collect();
        if style.reorder {
            fields.reverse();
        }
        if style.extra_fields {
            fields.insert(0, ("pid".into(), "4242".into()));
            let middle = fields.len() / 2;
            fields.insert(
                middle,
                (
                    "note".into(),
                    "\"a \\\"quoted\\\" note, with commas\"".into(),
                ),
            );
            fields.push(("payload".into(), "{\"to\":\"x\",\"vc\":[\"a\"]}".into()));
        }
        out.push('{');
        for (i, (name, value)) in fields.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let _ = write!(out, "{}:{value}", serde_json::Value::String(name.clone()));
        }
        out.push_str("}\n");
    }
    out
}

/// The CSV columns, in the order [`csv`] writes them: every field of the format.
const COLUMNS: [&str; 9] = super::mapping::FIELDS;

/// `events` as CSV: a header of our names, lists (`to`, `vc`) as `1;0;2`, empty cells for
/// what an event has not, timestamps in RFC 3339.
pub(crate) fn csv(events: &[ForeignEvent]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let written = (|| -> csv::Result<()> {
        writer.write_record(COLUMNS)?;
        let some = |v: Option<u64>| v.map(|v| v.to_string()).unwrap_or_default();
        for e in events {
            let (to, from, msg_clock, queue) = match &e.kind {
                ForeignKind::Internal => (String::new(), String::new(), None, None),
                ForeignKind::Send { to } => (join(to, ";"), String::new(), None, None),
                ForeignKind::Recv {
                    from,
                    msg_clock,
                    queue,
                } => (String::new(), from.to_string(), *msg_clock, *queue),
            };
            writer.write_record([
                e.machine.to_string(),
                kind_name(&e.kind).to_owned(),
                some(e.lamport),
                e.timestamp_us.map(format_micros).unwrap_or_default(),
                to,
                from,
                some(msg_clock),
                some(queue),
                e.vc.as_ref().map(|vc| join(vc, ";")).unwrap_or_default(),
            ])?;
        }
        writer.flush()?;
        Ok(())
    })();
    written.expect("writing CSV to memory cannot fail");
    let bytes = writer.into_inner().expect("the CSV writer was flushed");
    String::from_utf8(bytes).expect("CSV of UTF-8 fields is UTF-8")
}

/// The ShiViz regular expression GoVector's merged logs open with.
pub(crate) const GOVECTOR_REGEX: &str = r"(?<host>\S*) (?<clock>{.*})\n(?<event>.*)";

/// `logs` (one slice of events per machine) as GoVector's merged ShiViz log: the regular
/// expression, a blank line, then per event `machine-N {"machine-0":3, ...}` and a line of text
/// in a GoVector user's words (`INFO Sending message`, `INFO Received message`,
/// `INFO Local event`), naming no peer and no Lamport clock.
pub(crate) fn shiviz(logs: &[&[ForeignEvent]]) -> String {
    let mut out = format!("{GOVECTOR_REGEX}\n\n");
    for log in logs {
        for e in log.iter() {
            let host = |id: usize| format!("machine-{id}");
            let clock: BTreeMap<String, u64> =
                e.vc.iter()
                    .flatten()
                    .enumerate()
                    .filter(|&(id, &v)| v > 0 || id == e.machine as usize)
                    .map(|(id, &v)| (host(id), v))
                    .collect();
            let clock = join(clock.iter().map(|(h, v)| format!("\"{h}\":{v}")), ", ");
            let text = match e.kind {
                ForeignKind::Internal => "INFO Local event",
                ForeignKind::Send { .. } => "INFO Sending message",
                ForeignKind::Recv { .. } => "INFO Received message",
            };
            let _ = writeln!(out, "{} {{{clock}}}\n{text}", host(e.machine as usize));
        }
    }
    out
}

/// The clock events of the logiclock run directory `run` written into the folder `out` (created)
/// as a student's submission in `format`: `machine-N.jsonl` (in `style`) or `machine-N.csv` per
/// machine, or one `shiviz.log` for all. Returns the files written; a run its own reader finds
/// a problem in is an error.
pub(crate) fn write_submission(
    run: &Path,
    out: &Path,
    format: Format,
    style: &JsonStyle,
) -> std::io::Result<Vec<PathBuf>> {
    let sub = read_submission(run, &Mapping::default());
    if let Some(p) = sub
        .problems
        .iter()
        .chain(sub.logs.iter().flat_map(|l| &l.problems))
        .next()
    {
        let line = p.line.map(|l| format!(" line {l}")).unwrap_or_default();
        return Err(std::io::Error::other(format!(
            "{}{line}: {}",
            p.file.display(),
            p.message
        )));
    }
    std::fs::create_dir_all(out)?;
    let files: Vec<(PathBuf, String)> = match format {
        Format::ShiViz => {
            let logs: Vec<&[ForeignEvent]> = sub.logs.iter().map(|l| l.events.as_slice()).collect();
            vec![(out.join("shiviz.log"), shiviz(&logs))]
        }
        Format::JsonLines | Format::Csv => sub
            .logs
            .iter()
            .map(|log| {
                let id = log.machine.unwrap_or_default();
                match format {
                    Format::Csv => (out.join(format!("machine-{id}.csv")), csv(&log.events)),
                    _ => (
                        out.join(format!("machine-{id}.jsonl")),
                        jsonl(&log.events, style),
                    ),
                }
            })
            .collect(),
    };
    for (path, text) in &files {
        std::fs::write(path, text)?;
    }
    Ok(files.into_iter().map(|(path, _)| path).collect())
}
