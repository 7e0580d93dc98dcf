//! Reading a run directory into a [`Timeline`] through [`crate::runlog`]: every line of every log,
//! merged in time order, with the warnings of the logs.

use std::fmt::Write as _;
use std::path::Path;

use crate::runlog::FlatLine;
use crate::runlog::{self, timestamp::parse_micros, Ev, Parsed, RunLogError, Timed};

use super::event::{Event, Kind, MachineInfo, Other, Timeline};

/// Read the run directory `dir`: its manifest and every line of every machine log.
pub fn load(dir: &Path) -> Result<Timeline, RunLogError> {
    let run = runlog::open_run(dir)?;
    let manifest_path = dir.join(crate::log_format::MANIFEST_FILE);
    let origin_us =
        parse_micros(&run.manifest.started_at).ok_or_else(|| RunLogError::Manifest {
            path: manifest_path.clone(),
            message: format!("bad started_at {:?}", run.manifest.started_at),
        })?;
    let machines: Vec<MachineInfo> = run
        .manifest
        .machines
        .iter()
        .map(|m| MachineInfo {
            id: m.id,
            rate: m.rate,
            interval_us: m.interval_us,
        })
        .collect();
    let faults = match &run.manifest.outcome {
        Some(outcome) => outcome
            .faults
            .iter()
            // A fault that did not apply changed nothing the timeline shows.
            .filter(|f| f.outcome.is_done())
            .map(|f| {
                let at = parse_micros(&f.at).ok_or_else(|| RunLogError::Manifest {
                    path: manifest_path.clone(),
                    message: format!("bad fault time {:?}", f.at),
                })?;
                Ok((at, f.clone()))
            })
            .collect::<Result<_, RunLogError>>()?,
        None => Vec::new(),
    };
    let mut events = Vec::new();
    let warnings = runlog::merge_run(&run, &event, |_, e| {
        events.push(e);
        Ok(())
    })?;
    Ok(Timeline {
        dir: dir.to_owned(),
        logs: run.logs,
        machines,
        origin_us,
        speedup: run.manifest.scenario.speedup,
        events,
        warnings,
        faults,
    })
}

impl Timed for Event {
    fn ts(&self) -> i64 {
        self.ts_us
    }
}

/// The timeline event of line `line`, parsed and checked by [`runlog`].
fn event(line: u64, parsed: Parsed<'_>) -> Event {
    let raw = parsed.flat;
    let kind = match parsed.ev {
        Ev::Internal { .. } => Kind::Internal,
        Ev::Send { to, .. } => Kind::Send { to },
        Ev::Recv {
            from,
            msg_clock,
            queue,
            ..
        } => Kind::Recv {
            from,
            msg_clock,
            queue,
        },
        ev => Kind::Other(Box::new(other(ev, &raw))),
    };
    Event {
        machine: raw.machine,
        line,
        ts_us: parsed.ts,
        timestamp: raw.timestamp.to_owned(),
        tick: raw.tick,
        lamport: raw.lamport,
        vc: raw.vc.unwrap_or_default(),
        late_us: raw.late_us,
        kind,
    }
}

/// The fields of a non-clock line that have no column of their own, as `key=value` text.
fn other(event: Ev, raw: &FlatLine) -> Other {
    let mut detail = String::new();
    let mut put = |key: &str, value: &dyn std::fmt::Display| {
        if !detail.is_empty() {
            detail.push(' ');
        }
        let _ = write!(detail, "{key}={value}");
    };
    let numbers = [
        ("format", raw.format.map(u64::from)),
        ("rate", raw.rate.map(u64::from)),
        ("interval_us", raw.interval_us),
        ("machines", raw.machines.map(u64::from)),
        ("incarnation", raw.incarnation.map(u64::from)),
        ("first", raw.first),
        ("count", raw.count),
        ("queue", raw.queue),
        ("ticks", raw.ticks),
        ("skipped", raw.skipped),
        ("cpu_ms", raw.cpu_ms),
        ("max_rss_kb", raw.max_rss_kb),
    ];
    for (key, value) in numbers {
        if let Some(value) = value {
            put(key, &value);
        }
    }
    let texts = [
        ("kind", &raw.kind),
        ("addr", &raw.addr),
        ("reason", &raw.reason),
        ("detail", &raw.detail),
        ("message", &raw.message),
    ];
    for (key, value) in texts {
        if let Some(value) = value {
            put(key, &format_args!("{value:?}"));
        }
    }
    Other {
        name: raw.event.to_string(),
        event,
        peer: raw.peer.or_else(|| raw.to.and_then(|to| to.iter().next())),
        detail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runlog::IdSet;

    fn parse(rest: &str) -> Result<Event, String> {
        let text =
            format!("{{\"timestamp\":\"2026-01-01T00:00:00.000010Z\",\"machine\":1,{rest}}}");
        runlog::parse_line(text.as_bytes(), 1)
            .map(|p| event(7, p))
            .map_err(|e| format!("{e:?}"))
    }

    #[test]
    fn a_send_line_keeps_its_recipients_and_vector_clock() {
        let e = parse(r#""event":"send","tick":3,"lamport":5,"to":[0,2],"vc":[1,3,0],"late_us":4"#)
            .unwrap();
        assert_eq!(e.kind, Kind::Send { to: IdSet(0b101) });
        assert_eq!((e.tick, e.lamport, e.line), (Some(3), Some(5), 7));
        assert_eq!(e.vc, vec![1, 3, 0]);
    }

    #[test]
    fn other_lines_keep_their_fields_as_text() {
        let e =
            parse(r#""event":"dropped","to":[2],"lamport":9,"reason":"peer \"gone\"""#).unwrap();
        let Kind::Other(other) = &e.kind else {
            panic!("{e:?}")
        };
        assert_eq!(other.name, "dropped");
        assert_eq!(other.peer, Some(2));
        assert_eq!(other.detail, r#"reason="peer \"gone\"""#);
        assert_eq!(e.lamport, Some(9));
    }
}
