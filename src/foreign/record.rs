//! One line of a JSON-lines log or one row of a CSV log, as named fields, into a
//! [`ForeignEvent`]: the one place the documented format's fields are checked, for both.
//!
//! A JSON value must have the field's JSON type (`"lamport": "5"` is an error); a CSV cell is
//! text, read as the field's type, and an empty cell is a field left out. Lists (`to`, `vc`) are
//! JSON arrays, or in CSV `1;2` or JSON array text `[1,2]`; a `to` may also be one integer.

use serde_json::Value;

use super::mapping::{KindName, Mapping};
use super::time::{epoch_seconds_micros, rfc3339_micros};
use super::{ForeignEvent, ForeignKind};

/// A field's value as its line holds it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Cell<'a> {
    Json(&'a Value),
    /// A CSV cell, trimmed and not empty.
    Text(&'a str),
}

/// A line's fields by (their) name.
pub(crate) trait Record {
    fn get(&self, name: &str) -> Option<Cell<'_>>;
}

impl Record for serde_json::Map<String, Value> {
    fn get(&self, name: &str) -> Option<Cell<'_>> {
        self.get(name).filter(|v| !v.is_null()).map(Cell::Json)
    }
}

/// What a line is: a clock event, or another event (skipped), by its name.
#[derive(Debug)]
pub(crate) enum Read {
    Event(ForeignEvent),
    Other(String),
}

/// The clock event of `record`, the name of any other event (skipped), or what is wrong with
/// it. `file_machine` is the machine the file's name gives, used when a line has no `machine`.
pub(crate) fn event_of(
    record: &impl Record,
    mapping: &Mapping,
    line: u64,
    file_machine: Option<u32>,
) -> Result<Read, String> {
    let field = |ours: &'static str| Field {
        ours,
        theirs: mapping.field(ours),
    };
    let event = field("event");
    let Some(name) = record.get(event.theirs) else {
        return Err(format!("no {} field", event.show()));
    };
    let name = match name {
        Cell::Json(Value::String(s)) => s.as_str(),
        Cell::Text(s) => s,
        Cell::Json(other) => {
            return Err(event.wrong("a string such as \"send\"", &other.to_string()))
        }
    };
    let Some(kind) = mapping.kind(name) else {
        return Ok(Read::Other(name.to_owned()));
    };
    let machine = field("machine");
    let machine = match record.get(machine.theirs) {
        Some(cell) => machine.id(cell)?,
        None => file_machine.ok_or_else(|| {
            format!(
                "no {} field, and the file's name ends in no number",
                machine.show()
            )
        })?,
    };
    let optional = |ours: &'static str| {
        let f = field(ours);
        record.get(f.theirs).map(|cell| (f, cell))
    };
    let required = |ours: &'static str, what: &str| {
        let f = field(ours);
        record
            .get(f.theirs)
            .map(|cell| (f, cell))
            .ok_or_else(|| format!("a {what} line needs a {} field", f.show()))
    };
    let lamport = optional("lamport").map(|(f, c)| f.int(c)).transpose()?;
    let timestamp_us = optional("timestamp").map(|(f, c)| f.time(c)).transpose()?;
    let vc = optional("vc").map(|(f, c)| f.list(c, "vc")).transpose()?;
    let kind = match kind {
        KindName::Internal => ForeignKind::Internal,
        KindName::Send => {
            let (f, c) = required("to", "send")?;
            let to = f.list(c, "to")?;
            let to = to
                .into_iter()
                .map(|id| u32::try_from(id).map_err(|_| f.wrong("machine ids", &id.to_string())))
                .collect::<Result<_, _>>()?;
            ForeignKind::Send { to }
        }
        KindName::Recv => {
            let (f, c) = required("from", "recv")?;
            let from = f.id(c)?;
            let (f, c) = required("msg_clock", "recv")?;
            let msg_clock = Some(f.int(c)?);
            let queue = optional("queue").map(|(f, c)| f.int(c)).transpose()?;
            ForeignKind::Recv {
                from,
                msg_clock,
                queue,
            }
        }
    };
    Ok(Read::Event(ForeignEvent {
        line,
        machine,
        kind,
        lamport,
        timestamp_us,
        vc,
    }))
}

/// One of our fields and the name it has in the log read.
#[derive(Debug, Clone, Copy)]
struct Field<'a> {
    ours: &'static str,
    theirs: &'a str,
}

impl Field<'_> {
    /// `` `clock` (lamport) `` when renamed, `` `lamport` `` otherwise.
    fn show(self) -> String {
        if self.ours == self.theirs {
            format!("`{}`", self.ours)
        } else {
            format!("`{}` ({})", self.theirs, self.ours)
        }
    }

    fn wrong(self, expected: &str, found: &str) -> String {
        let found: String = found.chars().take(40).collect();
        format!("{} should be {expected}, found {found}", self.show())
    }

    fn int(self, cell: Cell<'_>) -> Result<u64, String> {
        let number = match cell {
            Cell::Json(v) => v.as_u64(),
            Cell::Text(s) => s.parse().ok(),
        };
        number.ok_or_else(|| self.wrong("a whole number >= 0", &shown(cell)))
    }

    fn id(self, cell: Cell<'_>) -> Result<u32, String> {
        let number = match cell {
            Cell::Json(v) => v.as_u64(),
            Cell::Text(s) => s.parse().ok(),
        };
        number
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| self.wrong("a machine id (a whole number >= 0)", &shown(cell)))
    }

    fn time(self, cell: Cell<'_>) -> Result<i64, String> {
        let micros = match cell {
            Cell::Json(Value::String(s)) => rfc3339_micros(s).or_else(|| epoch_seconds_micros(s)),
            Cell::Json(Value::Number(n)) => epoch_seconds_micros(&n.to_string()),
            Cell::Json(_) => None,
            Cell::Text(s) => epoch_seconds_micros(s).or_else(|| rfc3339_micros(s)),
        };
        micros.ok_or_else(|| {
            self.wrong(
                "an RFC 3339 time (2026-12-03T04:00:00.25+02:00) or seconds since the epoch",
                &shown(cell),
            )
        })
    }

    /// A list of whole numbers; `to` may also be one number.
    fn list(self, cell: Cell<'_>, what: &str) -> Result<Vec<u64>, String> {
        let expected = if what == "to" {
            "an array of machine ids, or one id"
        } else {
            "an array of whole numbers"
        };
        let fail = || self.wrong(expected, &shown(cell));
        let from_json = |v: &Value| -> Option<Vec<u64>> {
            match v {
                Value::Array(items) => items.iter().map(Value::as_u64).collect(),
                Value::Number(n) if what == "to" => n.as_u64().map(|n| vec![n]),
                _ => None,
            }
        };
        match cell {
            Cell::Json(v) => from_json(v).ok_or_else(fail),
            Cell::Text(s) if s.starts_with('[') => serde_json::from_str::<Value>(s)
                .ok()
                .and_then(|v| from_json(&v))
                .ok_or_else(fail),
            Cell::Text(s) => s
                .split(';')
                .map(|part| part.trim().parse::<u64>().ok())
                .collect::<Option<Vec<u64>>>()
                .ok_or_else(fail),
        }
    }
}

fn shown(cell: Cell<'_>) -> String {
    match cell {
        Cell::Json(v) => v.to_string(),
        Cell::Text(s) => format!("{s:?}"),
    }
}
