//! A log read into the contract's own [`LogLine`]s, for readers that want every field of every
//! event (a restarted machine, the tests) rather than the fast [`super::Record`]s.

use std::path::Path;

use crate::log_format::{Event, LogLine};

use super::error::{RunLogError, Warning};
use super::line::{Ev, Parsed};
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
    let need = |value: Option<u64>, field: &str| {
        value.ok_or_else(|| format!("`{name}` line without `{field}`"))
    };
    let text = |value: Option<std::borrow::Cow<'_, str>>, field: &str| {
        value
            .map(|v| v.into_owned())
            .ok_or_else(|| format!("`{name}` line without `{field}`"))
    };
    let small =
        |value: Option<u32>, field: &str| need(value.map(u64::from), field).map(|v| v as u32);
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
            machines: small(f.machines, "machines")?,
            incarnation: f.incarnation.unwrap_or(0),
        },
        Ev::Internal { tick, lamport } => Event::Internal {
            tick,
            lamport,
            vc,
            late_us: need(f.late_us, "late_us")?,
        },
        Ev::Send { tick, lamport, to } => Event::Send {
            tick,
            lamport,
            to: to.iter().collect(),
            vc,
            late_us: need(f.late_us, "late_us")?,
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
            late_us: need(f.late_us, "late_us")?,
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
            cpu_ms: need(f.cpu_ms, "cpu_ms")?,
            max_rss_kb: need(f.max_rss_kb, "max_rss_kb")?,
        },
        Ev::Dropped { to, lamport } => Event::Dropped {
            to: vec![to],
            lamport,
            reason: parse_text(text(f.reason, "reason")?, name)?,
        },
        Ev::Other => match name {
            "fault" => Event::Fault {
                kind: parse_text(text(f.kind, "kind")?, name)?,
                peer: f.peer,
                detail: text(f.detail, "detail")?,
            },
            "peer_connected" => Event::PeerConnected {
                peer: small(f.peer, "peer")?,
                addr: text(f.addr, "addr")?,
            },
            "peer_gone" => Event::PeerGone {
                peer: small(f.peer, "peer")?,
                reason: text(f.reason, "reason")?,
            },
            "refused" => Event::Refused {
                addr: text(f.addr, "addr")?,
                reason: text(f.reason, "reason")?,
                // Formats 1 to 3 wrote one line per refused connection.
                count: f.count.unwrap_or(1),
            },
            "warning" => Event::Warning {
                message: text(f.message, "message")?,
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
fn parse_text<T: std::str::FromStr>(value: String, event: &str) -> Result<T, String> {
    value
        .parse()
        .map_err(|_| format!("`{event}` line with an unknown value {value:?}"))
}
