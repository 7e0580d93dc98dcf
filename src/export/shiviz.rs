//! ShiViz logs: one event line and one `host {vector clock}` line per clock event.
//!
//! The file opens with ShiViz's log parsing regular expression on its first line and the
//! multiple-executions delimiter on its second (empty for a single run), which is how ShiViz
//! reads an uploaded file. ShiViz requires each host's own clock entry to start at 1 and grow by
//! exactly 1 per event: logiclock's vector clock does, when every internal, send and receive is
//! exported and nothing else.

use std::io::Write;

use crate::timeline::{Event, Kind, Timeline, TimelineError};

/// ShiViz's log parsing regular expression for this file.
pub const LOG_REGEX: &str = r"(?<event>.*)\n(?<host>\S*) (?<clock>{.*})";
/// ShiViz's multiple-executions delimiter, for a file of several runs.
pub const DELIMITER_REGEX: &str = r"=== (?<trace>.*) ===";

/// ShiViz host name of machine `id`.
pub fn host(id: u32) -> String {
    format!("machine-{id}")
}

/// Check that every clock event has a vector clock that ShiViz accepts: the machine's own entry
/// starts at 1 and grows by exactly 1 per event.
pub fn check(timeline: &Timeline) -> Result<(), TimelineError> {
    let mut own = vec![0u64; timeline.machines.len()];
    for e in timeline.events.iter().filter(|e| e.is_clock_event()) {
        let path = timeline.log_of(e.machine);
        if e.vc.is_empty() {
            return Err(TimelineError::NoVectorClocks {
                path,
                what: "the ShiViz export",
            });
        }
        let slot = timeline
            .machine_index(e.machine)
            .expect("events come from the manifest's machines");
        let found = e.vc.get(e.machine as usize).copied();
        if found != Some(own[slot] + 1) {
            return Err(TimelineError::Clock {
                path,
                line: e.line,
                message: format!(
                    "vector clock {:?}: entry {} should be {} (one more than at the previous event)",
                    e.vc,
                    e.machine,
                    own[slot] + 1
                ),
            });
        }
        own[slot] += 1;
    }
    Ok(())
}

/// Write `runs` (a label and a checked timeline each) as one ShiViz log.
pub fn write(runs: &[(String, &Timeline)], out: &mut impl Write) -> std::io::Result<()> {
    writeln!(out, "{LOG_REGEX}")?;
    writeln!(out, "{}", if runs.len() > 1 { DELIMITER_REGEX } else { "" })?;
    let mut clock = String::with_capacity(128);
    for (label, timeline) in runs {
        if runs.len() > 1 {
            writeln!(out, "=== {label} ===")?;
        }
        for e in timeline.events.iter().filter(|e| e.is_clock_event()) {
            write_event(out, timeline, e)?;
            clock.clear();
            vector_clock(&mut clock, e);
            writeln!(out, "{} {clock}", host(e.machine))?;
        }
    }
    Ok(())
}

/// The event line: what happened, the Lamport clock, the tick and the time.
fn write_event(out: &mut impl Write, timeline: &Timeline, e: &Event) -> std::io::Result<()> {
    let lamport = e.lamport.unwrap_or(0);
    let tick = e.tick.unwrap_or(0);
    let t = timeline.seconds(e.ts_us);
    match &e.kind {
        Kind::Send { to } => {
            let to: Vec<String> = to.iter().map(host).collect();
            writeln!(
                out,
                "send to {} lamport={lamport} tick={tick} t={t:.6}s",
                to.join(",")
            )
        }
        Kind::Recv {
            from,
            msg_clock,
            queue,
        } => writeln!(
            out,
            "recv from {} msg_clock={msg_clock} lamport={lamport} queue={queue} tick={tick} t={t:.6}s",
            host(*from)
        ),
        _ => writeln!(out, "internal lamport={lamport} tick={tick} t={t:.6}s"),
    }
}

/// `{"machine-0": 3, "machine-2": 1}`: the non-zero entries, the event's own host included.
fn vector_clock(out: &mut String, e: &Event) {
    use std::fmt::Write as _;
    out.push('{');
    let mut first = true;
    for (id, &value) in e.vc.iter().enumerate() {
        if value == 0 && id != e.machine as usize {
            continue;
        }
        if !first {
            out.push_str(", ");
        }
        first = false;
        let _ = write!(out, "\"{}\": {value}", host(id as u32));
    }
    out.push('}');
}
