//! The ShiViz/GoVector reader: per event a `host {vector clock}` line and a line of event text,
//! in either order, several hosts in one file (or one file per host, as GoVector writes them).
//!
//! - GoVector (`govec/govec.go`, `logThis`) writes the clock line first, optionally after a
//!   timestamp in nanoseconds (`1700000000123456789 host {...}`, its TSViz form), then the text;
//!   the files it merges (`GoVector --log_type shiviz`) open with ShiViz's regular expression and
//!   a blank line. Each process's first event is `Initialization Complete`, read as internal.
//! - logiclock's export writes the text first, then the clock line, after the regular expression
//!   on line 1 and the executions delimiter on line 2.
//!
//! The order is told from the first line of the body: a clock line opens a GoVector file. A
//! second execution (`=== label ===` after events) is not read. What each event was (send,
//! receive, internal) is worked out across all hosts by [`resolve`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::Problem;

mod infer;
pub(crate) use infer::resolve;

/// One event as the file wrote it.
#[derive(Debug, Clone)]
pub(crate) struct RawEvent {
    /// The line of its clock.
    pub line: u64,
    pub host: String,
    pub text: String,
    /// The vector clock by host name, zero entries left out.
    pub clock: BTreeMap<String, u64>,
    /// The timestamp before the host, when there is one (microseconds since the epoch).
    pub timestamp_us: Option<i64>,
}

/// One ShiViz file, parsed but not yet understood.
#[derive(Debug, Clone)]
pub(crate) struct Parsed {
    pub file: PathBuf,
    pub events: Vec<RawEvent>,
    pub problems: Vec<Problem>,
}

/// The parts of a clock line, `[timestamp ]host {json}`: (timestamp, host, clock text).
pub(crate) fn clock_line(line: &str) -> Option<(Option<&str>, &str, &str)> {
    let line = line.trim();
    if !line.ends_with('}') {
        return None;
    }
    let (first, rest) = line.split_once(' ')?;
    let (timestamp, host, clock) = if rest.starts_with('{') {
        (None, first, rest)
    } else if first.bytes().all(|b| b.is_ascii_digit()) {
        let (host, clock) = rest.split_once(' ')?;
        (Some(first), host, clock)
    } else {
        return None;
    };
    (!host.is_empty() && clock.starts_with('{')).then_some((timestamp, host, clock))
}

/// A `=== label ===` line: the start of an execution in a file of several.
fn delimiter(line: &str) -> bool {
    let line = line.trim();
    line.len() >= 6 && line.starts_with("===") && line.ends_with("===")
}

/// Parse the ShiViz file `path` whose content is `text`.
pub(crate) fn parse(path: &Path, text: &str) -> Parsed {
    let mut parsed = Parsed {
        file: path.to_owned(),
        events: Vec::new(),
        problems: Vec::new(),
    };
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    if lines
        .first()
        .is_some_and(|l| l.trim_start().starts_with("(?<"))
    {
        // The regular expression, then the delimiter's (or a blank line) unless a clock follows.
        i = if lines.get(1).is_some_and(|l| clock_line(l).is_none()) {
            2
        } else {
            1
        };
    }
    let body = |l: &&str| !l.trim().is_empty() && !delimiter(l);
    let clock_first = lines[i..]
        .iter()
        .find(|l| body(l))
        .is_some_and(|l| clock_line(l).is_some());
    let mut pending: Option<(u64, &str)> = None;
    while i < lines.len() {
        let (n, line) = (i as u64 + 1, lines[i]);
        i += 1;
        if delimiter(line) && pending.is_none() {
            if !parsed.events.is_empty() {
                parsed.problem(
                    Some(n),
                    "a second execution begins here: only the first is read",
                );
                break;
            }
            continue;
        }
        match clock_line(line) {
            Some(parts) if clock_first => {
                // The text is the next line, whatever it holds, unless that is a clock line.
                let text = match lines.get(i) {
                    Some(next) if clock_line(next).is_none() => {
                        i += 1;
                        *next
                    }
                    _ => "",
                };
                parsed.event(n, parts, text);
            }
            Some(parts) => {
                let text = pending.take().map_or("", |(_, text)| text);
                parsed.event(n, parts, text);
            }
            None if line.trim().is_empty() && pending.is_none() => {}
            None if clock_first => {
                parsed.problem(Some(n), "expected a `host {vector clock}` line");
            }
            None => {
                if let Some((at, _)) = pending.replace((n, line)) {
                    parsed.problem(Some(at), "event text without a `host {vector clock}` line");
                }
            }
        }
    }
    if let Some((at, _)) = pending {
        parsed.problem(
            Some(at),
            "event text without a `host {vector clock}` line (cut short?)",
        );
    }
    parsed
}

impl Parsed {
    fn problem(&mut self, line: Option<u64>, message: &str) {
        self.problems.push(Problem {
            file: self.file.clone(),
            line,
            message: message.to_owned(),
        });
    }

    fn event(
        &mut self,
        line: u64,
        (timestamp, host, clock): (Option<&str>, &str, &str),
        text: &str,
    ) {
        let parsed: Option<BTreeMap<String, u64>> =
            serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(clock)
                .ok()
                .and_then(|map| {
                    map.into_iter()
                        .map(|(k, v)| Some((k, v.as_u64()?)))
                        .collect()
                });
        let Some(clock) = parsed else {
            self.problem(
                Some(line),
                "the vector clock is no JSON object of whole numbers ({\"host\": 3, ...})",
            );
            return;
        };
        let timestamp_us = match timestamp.map(|t| t.parse::<i128>()) {
            None => None,
            Some(Ok(ns)) => i64::try_from(ns / 1_000).ok(),
            Some(Err(_)) => {
                self.problem(
                    Some(line),
                    "the timestamp before the host is no whole number",
                );
                return;
            }
        };
        self.events.push(RawEvent {
            line,
            host: host.to_owned(),
            text: text.trim().to_owned(),
            clock,
            timestamp_us,
        });
    }
}
