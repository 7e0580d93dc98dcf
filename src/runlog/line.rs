//! The one parser of a log line: JSON to a [`FlatLine`] (borrowed fields), checked against the
//! contract, reduced to an [`Ev`] with its timestamp in microseconds.
//!
//! Which fields each event must have, the queue bound and the single recipient of a `dropped`
//! line are checked here, for every command.

use crate::log_format::readable;

use super::flat::{FlatLine, IdSet};

use super::timestamp::parse_micros;

/// Largest queue length a line may give.
pub const MAX_QUEUE: u64 = 100_000_000;

/// One log line reduced to what the analysis needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// System time, microseconds since the Unix epoch.
    pub ts: i64,
    /// Line number in its file, from 1.
    pub line: u64,
    pub event: Ev,
    /// The vector clock of an internal, send or receive event; empty in format 1 logs.
    pub vc: Vec<u64>,
}

/// The events the analysis reads; everything else (peer events, warnings, unknown names) is `Other`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Ev {
    Start {
        format: u32,
        rate: u32,
        interval_us: u64,
    },
    Internal {
        tick: u64,
        lamport: u64,
    },
    Send {
        tick: u64,
        lamport: u64,
        to: IdSet,
    },
    Recv {
        tick: u64,
        lamport: u64,
        from: u32,
        msg_clock: u64,
        queue: u64,
    },
    Skipped {
        first: u64,
        count: u64,
    },
    Stop {
        lamport: u64,
        queue: u64,
        ticks: u64,
        skipped: u64,
    },
    /// The message with clock `lamport` to `to` will never arrive.
    Dropped {
        to: u32,
        lamport: u64,
    },
    Other,
}

/// Why one line could not be read.
#[derive(Debug, PartialEq)]
pub enum LineError {
    /// The JSON ends before the line does (a line cut short).
    Truncated(String),
    Malformed(String),
    /// A `start` line of another log format version.
    Format(u32),
}

/// One line parsed and checked: its time, its event, and all its fields for readers that want
/// more than the [`Ev`] (the timeline's text of rarer events).
#[derive(Debug)]
pub struct Parsed<'a> {
    /// System time, microseconds since the Unix epoch.
    pub ts: i64,
    pub ev: Ev,
    pub flat: FlatLine<'a>,
}

impl Parsed<'_> {
    /// The record of line `line`, taking the vector clock out of the fields.
    pub fn record(&mut self, line: u64) -> Record {
        Record {
            ts: self.ts,
            line,
            event: self.ev,
            vc: self.flat.vc.take().unwrap_or_default(),
        }
    }
}

/// Parse one log line of machine `machine`.
pub fn parse_line(text: &[u8], machine: u32) -> Result<Parsed<'_>, LineError> {
    // Without its newline, a line cut inside a string reads as cut, not as a control character.
    let flat: FlatLine = serde_json::from_slice(text.trim_ascii_end()).map_err(|e| {
        let message = e.to_string();
        if e.is_eof() {
            LineError::Truncated(format!("truncated line ({message})"))
        } else {
            LineError::Malformed(message)
        }
    })?;
    let ts = parse_micros(flat.timestamp)
        .ok_or_else(|| LineError::Malformed(format!("bad timestamp {:?}", flat.timestamp)))?;
    if flat.machine != machine {
        return Err(LineError::Malformed(format!(
            "line of machine {} in the log of machine {machine}",
            flat.machine
        )));
    }
    // Queue lengths index a histogram: refuse values no run can produce.
    if let Some(queue) = flat.queue.filter(|&q| q > MAX_QUEUE) {
        return Err(LineError::Malformed(format!(
            "queue {queue} is impossible (at most {MAX_QUEUE})"
        )));
    }
    let event = flat.event;
    let ev = match flat.event {
        "start" => {
            let format = need(flat.format, event, "format")?;
            if !readable(format) {
                return Err(LineError::Format(format));
            }
            Ev::Start {
                format,
                rate: need(flat.rate, event, "rate")?,
                interval_us: need(flat.interval_us, event, "interval_us")?,
            }
        }
        "internal" => Ev::Internal {
            tick: need(flat.tick, event, "tick")?,
            lamport: need(flat.lamport, event, "lamport")?,
        },
        "send" => Ev::Send {
            tick: need(flat.tick, event, "tick")?,
            lamport: need(flat.lamport, event, "lamport")?,
            to: need(flat.to, event, "to")?,
        },
        "recv" => Ev::Recv {
            tick: need(flat.tick, event, "tick")?,
            lamport: need(flat.lamport, event, "lamport")?,
            from: need(flat.from, event, "from")?,
            msg_clock: need(flat.msg_clock, event, "msg_clock")?,
            queue: need(flat.queue, event, "queue")?,
        },
        "skipped" => Ev::Skipped {
            first: need(flat.first, event, "first")?,
            count: need(flat.count, event, "count")?,
        },
        "stop" => Ev::Stop {
            lamport: need(flat.lamport, event, "lamport")?,
            queue: need(flat.queue, event, "queue")?,
            ticks: need(flat.ticks, event, "ticks")?,
            skipped: need(flat.skipped, event, "skipped")?,
        },
        "dropped" => {
            let to = need(flat.to, event, "to")?;
            let mut ids = to.iter();
            let (Some(to), None) = (ids.next(), ids.next()) else {
                return Err(LineError::Malformed(
                    "`dropped` line must name exactly one recipient in `to`".into(),
                ));
            };
            Ev::Dropped {
                to,
                lamport: need(flat.lamport, event, "lamport")?,
            }
        }
        _ => Ev::Other,
    };
    Ok(Parsed { ts, ev, flat })
}

/// `value`, or the line error that a line of event `event` lacks its field `field`.
fn need<T>(value: Option<T>, event: &str, field: &str) -> Result<T, LineError> {
    required(value, event, field).map_err(LineError::Malformed)
}

/// `value`, or the message that a line of event `event` lacks its field `field`: the one wording
/// of a missing field, for [`parse_line`] and for the full lines of [`super::lines`].
pub(super) fn required<T>(value: Option<T>, event: &str, field: &str) -> Result<T, String> {
    value.ok_or_else(|| format!("`{event}` line without `{field}`"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TS: &str = r#""timestamp":"2026-01-01T00:00:00.000010Z""#;

    fn parse(rest: &str) -> Result<(i64, Ev), LineError> {
        parse_line(format!("{{{TS},\"machine\":1,{rest}}}\n").as_bytes(), 1).map(|p| (p.ts, p.ev))
    }

    #[test]
    fn a_recv_line_becomes_a_record() {
        let (ts, ev) = parse(
            r#""event":"recv","tick":4,"lamport":9,"from":0,"msg_clock":8,"queue":2,"late_us":5"#,
        )
        .unwrap();
        assert_eq!(ts % 1_000_000, 10);
        assert_eq!(
            ev,
            Ev::Recv {
                tick: 4,
                lamport: 9,
                from: 0,
                msg_clock: 8,
                queue: 2
            }
        );
    }

    #[test]
    fn a_dropped_line_names_its_one_recipient() {
        let (_, ev) =
            parse(r#""event":"dropped","to":2,"lamport":17,"reason":"partition""#).unwrap();
        assert_eq!(ev, Ev::Dropped { to: 2, lamport: 17 });
        assert!(matches!(
            parse(r#""event":"dropped","to":[0,2],"lamport":17,"reason":"x""#),
            Err(LineError::Malformed(m)) if m.contains("exactly one")
        ));
        assert!(matches!(
            parse(r#""event":"dropped","to":2,"reason":"x""#),
            Err(LineError::Malformed(m)) if m.contains("without `lamport`")
        ));
    }

    #[test]
    fn a_restart_start_line_with_an_incarnation_is_read() {
        let (_, ev) = parse(
            r#""event":"start","format":1,"rate":4,"interval_us":25000,"machines":3,"incarnation":1"#,
        )
        .unwrap();
        assert_eq!(
            ev,
            Ev::Start {
                format: 1,
                rate: 4,
                interval_us: 25_000
            }
        );
    }

    #[test]
    fn unknown_and_peer_events_are_other() {
        assert_eq!(parse(r#""event":"future","x":[1,2]"#).unwrap().1, Ev::Other);
        assert_eq!(
            parse(r#""event":"peer_gone","peer":0,"reason":"closed \"x\"""#)
                .unwrap()
                .1,
            Ev::Other
        );
    }

    #[test]
    fn bad_lines_say_what_is_wrong() {
        let err = |rest: &str| match parse(rest) {
            Err(LineError::Malformed(m)) => m,
            other => panic!("{other:?}"),
        };
        assert!(err(r#""event":"internal","tick":1"#).contains("without `lamport`"));
        assert!(err(r#""event":"internal","tick":1,"lamport":"7""#).contains("invalid type"));
        let text = format!("{{{TS},\"machine\":1,\"ev");
        let truncated = parse_line(text.as_bytes(), 1);
        assert!(matches!(truncated, Err(LineError::Truncated(m)) if m.contains("truncated")));
        assert_eq!(
            parse(r#""event":"start","format":7,"rate":1,"interval_us":5,"machines":3"#),
            Err(LineError::Format(7))
        );
        assert!(matches!(
            parse_line(format!("{{{TS},\"machine\":2,\"event\":\"x\"}}").as_bytes(), 1),
            Err(LineError::Malformed(m)) if m.contains("machine 2")
        ));
    }
}
