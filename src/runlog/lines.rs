//! A log read into the contract's own [`LogLine`]s, for readers that want every field of every
//! event (a restarted machine, the tests) rather than the fast [`super::Record`]s.

use std::path::Path;

use crate::log_format::{Event, LogLine};

use super::error::{RunLogError, Warning};
use super::line::{required, Ev, Parsed};
use super::read::read_log;

/// Every line of the log at `path` of machine `machine`, and the warning of a cut last line.
pub fn read_log_lines(
    path: &Path,
    machine: u32,
) -> Result<(Vec<LogLine>, Option<Warning>), RunLogError> {
    let mut lines = Vec::new();
    let mut bad = None;
    let warning = read_log(path, machine, |n, parsed| match log_line(parsed) {
        Ok(line) => {
            lines.push(line);
            true
        }
        Err(message) => {
            bad = Some((n, message));
            false
        }
    })?;
    match bad {
        Some((line, message)) => Err(RunLogError::Line {
            path: path.to_owned(),
            line,
            message,
        }),
        None => Ok((lines, warning)),
    }
}

/// The [`LogLine`] of a parsed line; an error names a missing field.
pub fn log_line(parsed: Parsed<'_>) -> Result<LogLine, String> {
    let f = parsed.flat;
    let name = f.event;
    let vc = f.vc.unwrap_or_default();
    let event = match parsed.ev {
        Ev::Start {
            format,
            rate,
            interval_us,
        } => Event::Start {
            format,
            rate,
            interval_us,
            machines: required(f.machines, name, "machines")?,
            incarnation: f.incarnation.unwrap_or(0),
        },
        Ev::Internal { tick, lamport } => Event::Internal {
            tick,
            lamport,
            vc,
            late_us: required(f.late_us, name, "late_us")?,
        },
        Ev::Send { tick, lamport, to } => Event::Send {
            tick,
            lamport,
            to: to.iter().collect(),
            vc,
            late_us: required(f.late_us, name, "late_us")?,
        },
        Ev::Recv {
            tick,
            lamport,
            from,
            msg_clock,
            queue,
        } => Event::Recv {
            tick,
            lamport,
            from,
            msg_clock,
            queue,
            vc,
            late_us: required(f.late_us, name, "late_us")?,
        },
        Ev::Skipped { first, count } => Event::Skipped { first, count },
        Ev::Stop {
            lamport,
            queue,
            ticks,
            skipped,
        } => Event::Stop {
            lamport,
            queue,
            ticks,
            skipped,
            cpu_ms: required(f.cpu_ms, name, "cpu_ms")?,
            max_rss_kb: required(f.max_rss_kb, name, "max_rss_kb")?,
        },
        Ev::Dropped { to, lamport } => Event::Dropped {
            to: vec![to],
            lamport,
            reason: parse_text(&required(f.reason, name, "reason")?, name)?,
        },
        Ev::Other => match name {
            "fault" => Event::Fault {
                kind: parse_text(&required(f.kind, name, "kind")?, name)?,
                peer: f.peer,
                detail: required(f.detail, name, "detail")?.into_owned(),
            },
            "peer_connected" => Event::PeerConnected {
                peer: required(f.peer, name, "peer")?,
                addr: required(f.addr, name, "addr")?.into_owned(),
            },
            "peer_gone" => Event::PeerGone {
                peer: required(f.peer, name, "peer")?,
                reason: required(f.reason, name, "reason")?.into_owned(),
            },
            "refused" => Event::Refused {
                addr: required(f.addr, name, "addr")?.into_owned(),
                reason: required(f.reason, name, "reason")?.into_owned(),
                // Formats 1 to 3 wrote one line per refused connection.
                count: f.count.unwrap_or(1),
            },
            "warning" => Event::Warning {
                message: required(f.message, name, "message")?.into_owned(),
            },
            _ => Event::Unknown,
        },
    };
    Ok(LogLine {
        timestamp: f.timestamp.to_owned(),
        machine: f.machine,
        event,
    })
}

/// A text field read as the contract's type for it (a string, or an enum of known strings).
fn parse_text<T: std::str::FromStr>(value: &str, event: &str) -> Result<T, String> {
    value
        .parse()
        .map_err(|_| format!("`{event}` line with an unknown value {value:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runlog::parse_line;

    /// The full line of machine 1 with fields `rest`, which the fast parser accepts.
    fn full(rest: &str) -> Result<LogLine, String> {
        let text = format!(r#"{{"timestamp":"2026-01-01T00:00:00.000010Z","machine":1,{rest}}}"#);
        log_line(parse_line(text.as_bytes(), 1).expect("the fast parser accepts the line"))
    }

    #[test]
    fn a_full_line_names_a_missing_field_in_the_parsers_words() {
        assert_eq!(
            full(r#""event":"internal","tick":1,"lamport":2"#).unwrap_err(),
            "`internal` line without `late_us`"
        );
        assert_eq!(
            full(r#""event":"peer_gone","reason":"closed""#).unwrap_err(),
            "`peer_gone` line without `peer`"
        );
        assert_eq!(
            full(r#""event":"fault","kind":"meteor","detail":"x""#).unwrap_err(),
            "`fault` line with an unknown value \"meteor\""
        );
    }
}
