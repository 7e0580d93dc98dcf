//! The one parser of a log line: JSON to the contract's [`Event`], checked, with its timestamp in
//! microseconds: a [`Line`], the only line type a reader of logs sees.
//!
//! The JSON is read field by field into a private flat form that borrows from the line
//! ([`super::flat`]), which is faster on long logs than serde's tagged enum (that buffers every
//! line to find its tag first); the event is then built from it. Which fields each event must
//! have, the queue bound and the single recipient of a `dropped` line are checked here, for every
//! command.

use crate::log_format::{readable, Event, EventKind};

use super::compat;
use super::flat::FlatLine;
use crate::log_format::timestamp::parse_micros;

/// Largest queue length a line may give.
pub(crate) const MAX_QUEUE: u64 = 100_000_000;
/// The largest clock, tick or vector entry a line may hold: 2^53 - 1.
pub(crate) const MAX_CLOCK: u64 = (1 << 53) - 1;
/// The range of a line's timestamp, µs since the Unix epoch: 1970 to the end of 2199 (times in
/// nanoseconds, as the Perfetto export writes them, stay within an i64).
const MIN_TIMESTAMP_US: i64 = 0;
pub(crate) const MAX_TIMESTAMP_US: i64 = 7_258_118_400_000_000;

/// What makes a line's values impossible, if anything: a timestamp (µs since the epoch) outside
/// 1970-2199 (in ns, as the Perfetto export writes times, later ones overflow), a clock, tick or
/// vector entry beyond 2^53 - 1 (the integers every reader keeps exactly: a JSON number in
/// JavaScript, pandas or DuckDB is a double; larger ones would overflow the checks' sums), a queue
/// beyond [`MAX_QUEUE`] (queue lengths index a histogram). `import` refuses the same.
pub(crate) fn impossible(
    timestamp: i64,
    clocks: impl IntoIterator<Item = u64>,
    queue: Option<u64>,
) -> Option<String> {
    if !(MIN_TIMESTAMP_US..=MAX_TIMESTAMP_US).contains(&timestamp) {
        return Some(format!(
            "timestamp {} is outside the years 1970 to 2199",
            crate::log_format::timestamp::format_micros(timestamp)
        ));
    }
    if let Some(big) = clocks.into_iter().find(|&v| v > MAX_CLOCK) {
        return Some(format!(
            "clock or tick {big} is impossible (at most 2^53 - 1 = {MAX_CLOCK})"
        ));
    }
    if let Some(queue) = queue.filter(|&q| q > MAX_QUEUE) {
        return Some(format!("queue {queue} is impossible (at most {MAX_QUEUE})"));
    }
    None
}

/// One log line as every reader sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// Id of the machine that wrote the line.
    pub machine: u32,
    /// Line number in its file, from 1.
    pub line: u64,
    /// System time, microseconds since the Unix epoch.
    pub timestamp: i64,
    pub event: Event,
}

/// Why one line could not be read.
#[derive(Debug, PartialEq)]
pub(crate) enum LineError {
    /// The JSON ends before the line does (a line cut short).
    Truncated(String),
    Malformed(String),
    /// A `start` line of another log format version.
    Format(u32),
}

/// Parse line number `line` of the log of machine `machine`.
pub(crate) fn parse_line(text: &[u8], machine: u32, line: u64) -> Result<Line, LineError> {
    // Without its newline, a line cut inside a string reads as cut, not as a control character.
    let flat: FlatLine = serde_json::from_slice(text.trim_ascii_end()).map_err(|e| {
        let message = e.to_string();
        if e.is_eof() {
            LineError::Truncated(format!("truncated line ({message})"))
        } else {
            LineError::Malformed(message)
        }
    })?;
    let timestamp = parse_micros(flat.timestamp)
        .ok_or_else(|| LineError::Malformed(format!("bad timestamp {:?}", flat.timestamp)))?;
    if flat.machine != machine {
        return Err(LineError::Malformed(format!(
            "line of machine {} in the log of machine {machine}",
            flat.machine
        )));
    }
    let clocks = [flat.tick, flat.lamport, flat.msg_clock, flat.pt_us]
        .into_iter()
        .flatten();
    let vc = flat.vc.iter().flatten().copied();
    let hlc = flat
        .hlc
        .iter()
        .chain(&flat.msg_hlc)
        .flat_map(|h| [h.l, h.c]);
    if let Some(why) = impossible(timestamp, clocks.chain(vc).chain(hlc), flat.queue) {
        return Err(LineError::Malformed(why));
    }
    Ok(Line {
        machine,
        line,
        timestamp,
        event: event(flat)?,
    })
}

/// The event of a flat line; an error names a missing field or an unknown value.
fn event(f: FlatLine<'_>) -> Result<Event, LineError> {
    let name = f.event;
    // An event name this version does not know is a later version's event: `Unknown`.
    let Ok(kind) = name.parse::<EventKind>() else {
        return Ok(Event::Unknown);
    };
    let vc = f.vc.unwrap_or_default();
    Ok(match kind {
        EventKind::Start => {
            let format = need(f.format, name, "format")?;
            if !readable(format) {
                return Err(LineError::Format(format));
            }
            Event::Start {
                format,
                rate: need(f.rate, name, "rate")?,
                interval_us: need(f.interval_us, name, "interval_us")?,
                machines: need(f.machines, name, "machines")?,
                incarnation: f.incarnation.unwrap_or(0),
            }
        }
        EventKind::Internal => Event::Internal {
            tick: need(f.tick, name, "tick")?,
            lamport: need(f.lamport, name, "lamport")?,
            vc,
            late_us: need(f.late_us, name, "late_us")?,
            pt_us: f.pt_us,
            hlc: f.hlc,
        },
        EventKind::Send => Event::Send {
            tick: need(f.tick, name, "tick")?,
            lamport: need(f.lamport, name, "lamport")?,
            to: need(f.to, name, "to")?.iter().collect(),
            vc,
            late_us: need(f.late_us, name, "late_us")?,
            pt_us: f.pt_us,
            hlc: f.hlc,
        },
        EventKind::Recv => Event::Recv {
            tick: need(f.tick, name, "tick")?,
            lamport: need(f.lamport, name, "lamport")?,
            from: need(f.from, name, "from")?,
            msg_clock: need(f.msg_clock, name, "msg_clock")?,
            queue: need(f.queue, name, "queue")?,
            vc,
            late_us: need(f.late_us, name, "late_us")?,
            pt_us: f.pt_us,
            hlc: f.hlc,
            msg_hlc: f.msg_hlc,
            offset_rejected: f.offset_rejected.unwrap_or(false),
        },
        EventKind::Skipped => Event::Skipped {
            first: need(f.first, name, "first")?,
            count: need(f.count, name, "count")?,
        },
        EventKind::Stop => Event::Stop {
            lamport: need(f.lamport, name, "lamport")?,
            queue: need(f.queue, name, "queue")?,
            ticks: need(f.ticks, name, "ticks")?,
            skipped: need(f.skipped, name, "skipped")?,
            cpu_ms: need(f.cpu_ms, name, "cpu_ms")?,
            max_rss_kb: need(f.max_rss_kb, name, "max_rss_kb")?,
        },
        EventKind::Dropped => {
            let to = need(f.to, name, "to")?;
            let mut ids = to.iter();
            let (Some(to), None) = (ids.next(), ids.next()) else {
                return Err(LineError::Malformed(
                    "`dropped` line must name exactly one recipient in `to`".into(),
                ));
            };
            Event::Dropped {
                to: vec![to],
                lamport: need(f.lamport, name, "lamport")?,
                reason: parse_text(&need(f.reason, name, "reason")?, name)?,
            }
        }
        EventKind::Fault => {
            let kind = parse_text(&need(f.kind, name, "kind")?, name)?;
            let detail = need(f.detail, name, "detail")?.into_owned();
            // Formats 1 to 4 said whether a fault begins or ends only in the detail's prose.
            let phase = match f.phase {
                Some(phase) => parse_text(&phase, name)?,
                None => compat::phase_from_prose(kind, &detail),
            };
            Event::Fault {
                kind,
                phase,
                peer: f.peer,
                detail,
            }
        }
        EventKind::PeerConnected => Event::PeerConnected {
            peer: need(f.peer, name, "peer")?,
            addr: need(f.addr, name, "addr")?.into_owned(),
        },
        EventKind::PeerGone => Event::PeerGone {
            peer: need(f.peer, name, "peer")?,
            reason: need(f.reason, name, "reason")?.into_owned(),
        },
        EventKind::Refused => Event::Refused {
            addr: need(f.addr, name, "addr")?.into_owned(),
            reason: need(f.reason, name, "reason")?.into_owned(),
            // Formats 1 to 3 wrote one line per refused connection.
            count: f.count.unwrap_or(1),
        },
        EventKind::Warning => Event::Warning {
            message: need(f.message, name, "message")?.into_owned(),
        },
        EventKind::Unknown => Event::Unknown,
    })
}

/// `value`, or the line error that a line of event `event` lacks its field `field`.
fn need<T>(value: Option<T>, event: &str, field: &str) -> Result<T, LineError> {
    value.ok_or_else(|| LineError::Malformed(format!("`{event}` line without `{field}`")))
}

/// A text field read as the contract's type for it (an enum of known strings).
fn parse_text<T: std::str::FromStr>(value: &str, event: &str) -> Result<T, LineError> {
    value.parse().map_err(|_| {
        LineError::Malformed(format!("`{event}` line with an unknown value {value:?}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log_format::{DropReason, FaultKind};

    const TS: &str = r#""timestamp":"2026-01-01T00:00:00.000010Z""#;

    fn parse(rest: &str) -> Result<Line, LineError> {
        parse_line(format!("{{{TS},\"machine\":1,{rest}}}\n").as_bytes(), 1, 7)
    }

    fn malformed(rest: &str) -> String {
        match parse(rest) {
            Err(LineError::Malformed(m)) => m,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn clocks_beyond_2_pow_53_and_times_beyond_2199_are_impossible_not_an_overflow() {
        let max = (1u64 << 53) - 1;
        let ok = format!(r#""event":"internal","tick":1,"lamport":{max},"vc":[{max}],"late_us":0"#);
        assert!(parse(&ok).is_ok());
        for rest in [
            r#""event":"internal","tick":1,"lamport":18446744073709551615,"late_us":0"#,
            r#""event":"internal","tick":1,"lamport":1,"vc":[9007199254740992,0],"late_us":0"#,
            r#""event":"recv","tick":1,"lamport":2,"from":0,"msg_clock":9007199254740992,"queue":0,"late_us":0"#,
            r#""event":"internal","tick":1,"lamport":1,"late_us":0,"hlc":[9007199254740992,0]"#,
        ] {
            assert!(malformed(rest).contains("at most 2^53 - 1"), "{rest}");
        }
        let late = r#"{"timestamp":"9999-12-31T00:00:00Z","machine":1,"event":"internal","tick":1,"lamport":1,"late_us":0}"#;
        match parse_line(late.as_bytes(), 1, 7) {
            Err(LineError::Malformed(m)) => assert!(m.contains("1970 to 2199"), "{m}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_recv_line_becomes_a_line_with_its_event() {
        let line = parse(
            r#""event":"recv","tick":4,"lamport":9,"from":0,"msg_clock":8,"queue":2,"vc":[1,9],"late_us":5"#,
        )
        .unwrap();
        assert_eq!((line.machine, line.line), (1, 7));
        assert_eq!(line.timestamp % 1_000_000, 10);
        assert_eq!(
            line.event,
            Event::Recv {
                tick: 4,
                lamport: 9,
                from: 0,
                msg_clock: 8,
                queue: 2,
                vc: vec![1, 9],
                late_us: 5,
                pt_us: None,
                hlc: None,
                msg_hlc: None,
                offset_rejected: false,
            }
        );
    }

    #[test]
    fn a_dropped_line_names_its_one_recipient() {
        let line = parse(r#""event":"dropped","to":2,"lamport":17,"reason":"partition""#).unwrap();
        assert_eq!(
            line.event,
            Event::Dropped {
                to: vec![2],
                lamport: 17,
                reason: DropReason::Partition
            }
        );
        assert!(
            malformed(r#""event":"dropped","to":[0,2],"lamport":17,"reason":"x""#)
                .contains("exactly one")
        );
        assert!(malformed(r#""event":"dropped","to":2,"reason":"x""#).contains("without `lamport`"));
    }

    #[test]
    fn a_restart_start_line_with_an_incarnation_is_read() {
        let line = parse(
            r#""event":"start","format":1,"rate":4,"interval_us":25000,"machines":3,"incarnation":1"#,
        )
        .unwrap();
        assert_eq!(
            line.event,
            Event::Start {
                format: 1,
                rate: 4,
                interval_us: 25_000,
                machines: 3,
                incarnation: 1
            }
        );
    }

    #[test]
    fn unknown_events_are_unknown_and_peer_events_keep_their_text() {
        assert_eq!(
            parse(r#""event":"future","x":[1,2]"#).unwrap().event,
            Event::Unknown
        );
        assert_eq!(
            parse(r#""event":"peer_gone","peer":0,"reason":"closed \"x\"""#)
                .unwrap()
                .event,
            Event::PeerGone {
                peer: 0,
                reason: "closed \"x\"".into()
            }
        );
    }

    #[test]
    fn a_line_names_a_missing_field_or_an_unknown_value() {
        assert_eq!(
            malformed(r#""event":"internal","tick":1,"lamport":2"#),
            "`internal` line without `late_us`"
        );
        assert_eq!(
            malformed(r#""event":"peer_gone","reason":"closed""#),
            "`peer_gone` line without `peer`"
        );
        assert_eq!(
            malformed(r#""event":"fault","kind":"meteor","detail":"x""#),
            "`fault` line with an unknown value \"meteor\""
        );
        let fault = parse(r#""event":"fault","kind":"pause","detail":"x""#).unwrap();
        assert!(matches!(
            fault.event,
            Event::Fault {
                kind: FaultKind::Pause,
                ..
            }
        ));
    }

    #[test]
    fn bad_lines_say_what_is_wrong() {
        assert!(malformed(r#""event":"internal","tick":1"#).contains("without `lamport`"));
        assert!(malformed(r#""event":"internal","tick":1,"lamport":"7""#).contains("invalid type"));
        let text = format!("{{{TS},\"machine\":1,\"ev");
        let truncated = parse_line(text.as_bytes(), 1, 1);
        assert!(matches!(truncated, Err(LineError::Truncated(m)) if m.contains("truncated")));
        assert_eq!(
            parse(r#""event":"start","format":7,"rate":1,"interval_us":5,"machines":3"#),
            Err(LineError::Format(7))
        );
        assert!(matches!(
            parse_line(format!("{{{TS},\"machine\":2,\"event\":\"x\"}}").as_bytes(), 1, 1),
            Err(LineError::Malformed(m)) if m.contains("machine 2")
        ));
    }
}
