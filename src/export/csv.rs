//! One flat CSV table of every line of every machine, in system-time order, for pandas and
//! spreadsheets.

use std::io::Write;

use crate::runlog::Ev;
use crate::timeline::{Kind, Timeline};

use super::perfetto::push_list;

/// The header row.
pub const HEADER: &str =
    "machine,line,timestamp,ts_us,event,tick,lamport,vc,to,from,msg_clock,queue,late_us,peer,detail";

/// Write every line of `timeline` as one row (`ts_us`: µs since the run start).
pub fn write(timeline: &Timeline, out: &mut impl Write) -> std::io::Result<()> {
    writeln!(out, "{HEADER}")?;
    let mut row = String::with_capacity(256);
    for e in &timeline.events {
        use std::fmt::Write as _;
        row.clear();
        let _ = write!(
            row,
            "{},{},{},{},{},",
            e.machine,
            e.line,
            e.timestamp,
            e.ts_us - timeline.origin_us,
            field(e.name())
        );
        opt(&mut row, e.tick);
        opt(&mut row, e.lamport);
        if !e.vc.is_empty() {
            row.push('"');
            push_list(&mut row, e.vc.iter());
            row.push('"');
        }
        row.push(',');
        let (mut from, mut msg_clock, mut queue, mut peer, mut detail) =
            (None, None, None, None, "");
        match &e.kind {
            Kind::Send { to } => {
                row.push('"');
                push_list(&mut row, to.iter());
                row.push('"');
            }
            Kind::Recv {
                from: f,
                msg_clock: c,
                queue: q,
            } => (from, msg_clock, queue) = (Some(*f), Some(*c), Some(*q)),
            Kind::Other(other) => {
                if let Ev::Dropped { to, .. } = other.event {
                    let _ = write!(row, "\"[{to}]\"");
                } else {
                    peer = other.peer;
                }
                detail = &other.detail;
            }
            Kind::Internal => {}
        }
        row.push(',');
        opt(&mut row, from);
        opt(&mut row, msg_clock);
        opt(&mut row, queue);
        opt(&mut row, e.late_us);
        opt(&mut row, peer);
        row.push_str(&field(detail));
        row.push('\n');
        out.write_all(row.as_bytes())?;
    }
    Ok(())
}

/// A value and its comma; nothing but the comma when absent.
fn opt<T: std::fmt::Display>(row: &mut String, value: Option<T>) {
    use std::fmt::Write as _;
    if let Some(value) = value {
        let _ = write!(row, "{value}");
    }
    row.push(',');
}

/// A text field, quoted (quotes doubled) when it holds a comma, a quote or a line break.
fn field(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\"")).into()
    } else {
        text.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_with_commas_or_quotes_are_quoted() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field(r#"reason="a, b""#), r#""reason=""a, b""""#);
    }
}
