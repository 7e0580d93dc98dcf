//! Reading a run directory into a [`Timeline`]: the manifest, then each log line by line.
//! Every malformed line is an error naming its file and line.

use std::fmt::Write as _;
use std::io::BufRead;
use std::path::Path;

use crate::analyze::read::open_run;
use crate::analyze::timestamp::parse_micros;
use crate::analyze::AnalyzeError;
use crate::log_format::{readable, FlatLine};

use super::event::{Event, Kind, MachineInfo, Other, Timeline};

/// Read the run directory `dir`: its manifest and every line of every machine log.
pub fn load(dir: &Path) -> Result<Timeline, AnalyzeError> {
    let run = open_run(dir)?;
    let manifest_path = dir.join(crate::log_format::MANIFEST_FILE);
    let origin_us =
        parse_micros(&run.manifest.started_at).ok_or_else(|| AnalyzeError::Manifest {
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
    let mut per_machine = Vec::with_capacity(machines.len());
    for (m, path) in machines.iter().zip(&run.logs) {
        let mut events = Vec::new();
        read_log(path, m.id, &mut events)?;
        per_machine.push(events);
    }
    let events = merge(per_machine);
    Ok(Timeline {
        dir: dir.to_owned(),
        logs: run.logs,
        machines,
        origin_us,
        speedup: run.manifest.scenario.speedup,
        events,
    })
}

/// Merge the machines' lines by timestamp, keeping each machine's lines in file order (a system
/// clock step back must not reorder one machine's events).
fn merge(per_machine: Vec<Vec<Event>>) -> Vec<Event> {
    let total = per_machine.iter().map(Vec::len).sum();
    let mut out = Vec::with_capacity(total);
    let mut iters: Vec<_> = per_machine
        .into_iter()
        .map(|v| v.into_iter().peekable())
        .collect();
    loop {
        let next = iters
            .iter_mut()
            .enumerate()
            .filter_map(|(i, it)| it.peek().map(|e| (e.ts_us, i)))
            .min();
        match next {
            Some((_, i)) => out.push(iters[i].next().expect("peeked")),
            None => return out,
        }
    }
}

/// Append every line of the log at `path` (machine `machine`) to `out`.
fn read_log(path: &Path, machine: u32, out: &mut Vec<Event>) -> Result<(), AnalyzeError> {
    let read_error = |source| AnalyzeError::Read {
        path: path.to_owned(),
        source,
    };
    let file = std::fs::File::open(path).map_err(read_error)?;
    let mut reader = std::io::BufReader::with_capacity(1 << 20, file);
    let mut buf = Vec::with_capacity(256);
    let mut line = 0u64;
    loop {
        buf.clear();
        if reader.read_until(b'\n', &mut buf).map_err(read_error)? == 0 {
            return Ok(());
        }
        line += 1;
        if buf.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let event = parse_line(&buf, machine, line).map_err(|message| AnalyzeError::Line {
            path: path.to_owned(),
            line,
            message,
        })?;
        if let Some(format) = event.1 {
            if !readable(format) {
                return Err(AnalyzeError::Format {
                    path: path.to_owned(),
                    found: format,
                });
            }
        }
        out.push(event.0);
    }
}

/// Parse line number `line` of machine `machine`'s log; also returns a `start` line's format.
fn parse_line(text: &[u8], machine: u32, line: u64) -> Result<(Event, Option<u32>), String> {
    let raw: FlatLine = serde_json::from_slice(text).map_err(|e| {
        if e.is_eof() {
            format!("truncated line ({e})")
        } else {
            e.to_string()
        }
    })?;
    if raw.machine != machine {
        return Err(format!(
            "line of machine {} in the log of machine {machine}",
            raw.machine
        ));
    }
    let ts_us =
        parse_micros(raw.timestamp).ok_or_else(|| format!("bad timestamp {:?}", raw.timestamp))?;
    let need = |value: Option<u64>, field: &str| {
        value.ok_or_else(|| format!("`{}` line without `{field}`", raw.event))
    };
    let kind = match raw.event {
        "internal" => Kind::Internal,
        "send" => Kind::Send {
            to: raw
                .to
                .ok_or_else(|| "`send` line without `to`".to_string())?,
        },
        "recv" => Kind::Recv {
            from: need(raw.from.map(u64::from), "from")? as u32,
            msg_clock: need(raw.msg_clock, "msg_clock")?,
            queue: need(raw.queue, "queue")?,
        },
        _ => Kind::Other(Box::new(other(&raw))),
    };
    if !matches!(kind, Kind::Other(_)) {
        need(raw.tick, "tick")?;
        need(raw.lamport, "lamport")?;
    }
    let format = (raw.event == "start").then_some(raw.format).flatten();
    Ok((
        Event {
            machine,
            line,
            ts_us,
            timestamp: raw.timestamp.to_owned(),
            tick: raw.tick,
            lamport: raw.lamport,
            vc: raw.vc.unwrap_or_default(),
            late_us: raw.late_us,
            kind,
        },
        format,
    ))
}

/// The fields of a non-clock line that have no column of their own, as `key=value` text.
fn other(raw: &FlatLine) -> Other {
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
        peer: raw.peer.or_else(|| raw.to.and_then(|to| to.iter().next())),
        detail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log_format::IdSet;

    fn parse(rest: &str) -> Result<Event, String> {
        let text =
            format!("{{\"timestamp\":\"2026-01-01T00:00:00.000010Z\",\"machine\":1,{rest}}}");
        parse_line(text.as_bytes(), 1, 7).map(|(e, _)| e)
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
        let e = parse(r#""event":"dropped","to":2,"lamport":9,"reason":"peer \"gone\"""#).unwrap();
        let Kind::Other(other) = &e.kind else {
            panic!("{e:?}")
        };
        assert_eq!(other.name, "dropped");
        assert_eq!(other.peer, Some(2));
        assert_eq!(other.detail, r#"reason="peer \"gone\"""#);
        assert_eq!(e.lamport, Some(9));
    }

    #[test]
    fn bad_lines_say_what_is_wrong() {
        assert!(parse(r#""event":"recv","tick":1,"lamport":2"#)
            .unwrap_err()
            .contains("without `from`"));
        assert!(parse(r#""event":"internal","tick":1"#)
            .unwrap_err()
            .contains("without `lamport`"));
        let truncated = parse_line(
            br#"{"timestamp":"2026-01-01T00:00:00Z","machine":1,"ev"#,
            1,
            1,
        );
        assert!(truncated.unwrap_err().contains("truncated"));
    }
}
