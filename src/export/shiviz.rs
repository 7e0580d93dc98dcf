//! ShiViz logs: one event line and one `host {vector clock}` line per clock event.
//!
//! The file opens with ShiViz's log parsing regular expression on its first line and the
//! multiple-executions delimiter on its second (empty for a single run), which is how ShiViz
//! reads an uploaded file. ShiViz requires each host's own clock entry to start at 1 and grow by
//! exactly 1 per event: logiclock's vector clock does, when every internal, send and receive is
//! exported and nothing else.

use std::io::Write;
use std::path::Path;

use crate::log_format::Event;
use crate::runlog::Line;
use crate::timeline::{Opened, Timeline, TimelineError};

/// ShiViz's log parsing regular expression for this file.
pub(crate) const LOG_REGEX: &str = r"(?<event>.*)\n(?<host>\S*) (?<clock>{.*})";
/// ShiViz's multiple-executions delimiter, for a file of several runs.
pub(crate) const DELIMITER_REGEX: &str = r"=== (?<trace>.*) ===";

/// ShiViz host name of machine `id`.
pub(crate) fn host(id: u32) -> String {
    format!("machine-{id}")
}

/// The check that every clock event has a vector clock that ShiViz accepts: the machine's own
/// entry starts at 1 and grows by exactly 1 per event. Fed line by line, as the run is read.
#[derive(Debug)]
pub(crate) struct Check {
    /// The own entry of each machine's last clock event, by manifest index.
    own: Vec<u64>,
    /// The first line that fails, if any.
    failed: Option<TimelineError>,
}

impl Check {
    /// A check of the run of `timeline`.
    pub(crate) fn new(timeline: &Timeline) -> Check {
        Check {
            own: vec![0; timeline.machines.len()],
            failed: None,
        }
    }

    /// Check line `e` (lines other than clock events pass); only the first failure is kept.
    pub(crate) fn line(&mut self, timeline: &Timeline, e: &Line) {
        if self.failed.is_some() || !e.event.is_clock_event() {
            return;
        }
        let path = || timeline.log_of(e.machine);
        let vc = e.event.vc().unwrap_or_default();
        if vc.is_empty() {
            self.failed = Some(TimelineError::NoVectorClocks {
                path: path(),
                what: "the ShiViz export",
            });
            return;
        }
        let slot = timeline
            .machine_index(e.machine)
            .expect("events come from the manifest's machines");
        let found = vc.get(e.machine as usize).copied();
        if found != Some(self.own[slot] + 1) {
            self.failed = Some(TimelineError::Clock {
                path: path(),
                line: e.line,
                message: format!(
                    "vector clock {:?}: entry {} should be {} (one more than at the previous event)",
                    vc,
                    e.machine,
                    self.own[slot] + 1
                ),
            });
            return;
        }
        self.own[slot] += 1;
    }

    /// The first failure, if any.
    pub(crate) fn finish(self) -> Result<(), TimelineError> {
        self.failed.map_or(Ok(()), Err)
    }
}

/// The execution labels of several runs: the shortest ending of each directory's path that no
/// other run shares (`batch-a/seed5`, `batch-b/seed5`), with ` (2)`, ` (3)` for a run given twice.
///
/// ShiViz (`js/model/parser.js`) refuses a file in which two executions have the same label.
pub(crate) fn labels(dirs: &[&Path]) -> Vec<String> {
    let parts: Vec<Vec<String>> = dirs
        .iter()
        .map(|d| {
            let mut names: Vec<String> = d
                .components()
                .filter_map(|c| match c {
                    std::path::Component::Normal(n) => Some(n.to_string_lossy().into_owned()),
                    _ => None,
                })
                .collect();
            names.reverse();
            names
        })
        .collect();
    let suffix = |p: &[String], n: usize| -> String {
        let mut taken: Vec<&str> = p.iter().take(n.max(1)).map(String::as_str).collect();
        taken.reverse();
        taken.join("/")
    };
    let mut labels: Vec<String> = parts
        .iter()
        .map(|p| {
            // One more component until no other run (with a different path) ends the same way.
            let mut n = 1;
            while n < p.len()
                && parts
                    .iter()
                    .any(|q| q != p && q.len() >= n && q[..n] == p[..n])
            {
                n += 1;
            }
            suffix(p, n)
        })
        .collect();
    let mut seen = std::collections::HashMap::<String, usize>::new();
    for label in &mut labels {
        let count = seen.entry(label.clone()).or_default();
        *count += 1;
        if *count > 1 {
            label.push_str(&format!(" ({count})"));
        }
    }
    labels
}

/// Write `runs` (a label and a checked run each) as one ShiViz log, each run's lines streamed
/// as they are read.
pub(crate) fn write(runs: &mut [(String, Opened)], out: &mut impl Write) -> std::io::Result<()> {
    writeln!(out, "{LOG_REGEX}")?;
    let several = runs.len() > 1;
    writeln!(out, "{}", if several { DELIMITER_REGEX } else { "" })?;
    let mut clock = String::with_capacity(128);
    for (label, run) in runs.iter_mut() {
        if several {
            writeln!(out, "=== {label} ===")?;
        }
        run.each(|timeline, e| {
            if !e.event.is_clock_event() {
                return Ok(());
            }
            write_event(out, timeline, &e)?;
            clock.clear();
            vector_clock(&mut clock, &e);
            writeln!(out, "{} {clock}", host(e.machine))
        })
        .map_err(std::io::Error::other)??;
    }
    Ok(())
}

/// The event line: what happened, the Lamport clock, the tick and the time (`t_model_s`, model
/// seconds since the run start as on every other output, and `t_real_s` beside it).
fn write_event(out: &mut impl Write, timeline: &Timeline, e: &Line) -> std::io::Result<()> {
    let lamport = e.event.lamport().unwrap_or(0);
    let tick = e.event.tick().unwrap_or(0);
    let mut t = format!(
        "t_model_s={:.6} t_real_s={:.6}",
        timeline.model_seconds(e.timestamp),
        timeline.real_seconds(e.timestamp)
    );
    // The physical and hybrid clocks, on lines that carry them (format 6).
    if let (Some(pt), Some(h)) = (e.event.pt_us(), e.event.hlc()) {
        use std::fmt::Write as _;
        let _ = write!(t, " pt_us={pt} hlc=[{},{}]", h.l, h.c);
        if let Event::Recv {
            msg_hlc: Some(m), ..
        } = &e.event
        {
            let _ = write!(t, " msg_hlc=[{},{}]", m.l, m.c);
        }
    }
    match &e.event {
        Event::Send { to, .. } => {
            let to: Vec<String> = to.iter().copied().map(host).collect();
            writeln!(
                out,
                "send to {} lamport={lamport} tick={tick} {t}",
                to.join(",")
            )
        }
        Event::Recv {
            from,
            msg_clock,
            queue,
            ..
        } => writeln!(
            out,
            "recv from {} msg_clock={msg_clock} lamport={lamport} queue={queue} tick={tick} {t}",
            host(*from)
        ),
        _ => writeln!(out, "internal lamport={lamport} tick={tick} {t}"),
    }
}

/// `{"machine-0": 3, "machine-2": 1}`: the non-zero entries, the event's own host included.
fn vector_clock(out: &mut String, e: &Line) {
    use std::fmt::Write as _;
    out.push('{');
    let mut first = true;
    for (id, &value) in e.event.vc().unwrap_or_default().iter().enumerate() {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn labels_of(dirs: &[&str]) -> Vec<String> {
        let paths: Vec<&Path> = dirs.iter().map(Path::new).collect();
        labels(&paths)
    }

    #[test]
    fn labels_are_the_folder_name_when_that_is_unique() {
        assert_eq!(labels_of(&["x/run-a", "x/run-b"]), ["run-a", "run-b"]);
    }

    #[test]
    fn same_named_runs_are_labelled_by_their_batch() {
        assert_eq!(
            labels_of(&["runs/sweep/seed5", "runs/repeat/seed5", "runs/other"]),
            ["sweep/seed5", "repeat/seed5", "other"]
        );
    }

    #[test]
    fn a_run_given_twice_is_numbered() {
        assert_eq!(labels_of(&["a/s", "a/s"]), ["s", "s (2)"]);
    }
}
