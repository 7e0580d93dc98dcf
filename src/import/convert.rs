//! Foreign logs to the log contract, without I/O: each [`ForeignEvent`] becomes the contract's
//! [`Event`] with a timestamp, or the import is refused with the file and line that make it
//! impossible.
//!
//! What the foreign log does not say gets an honest value, and the manifest says which
//! ([`Converted::derived`]):
//! - `tick` is the event's index on its machine, from 1 (a foreign log has no schedule);
//! - `late_us` is 0, and no `pt_us` or `hlc` is written (the HLC check then skips);
//! - a `recv` without `queue` has `queue` 0;
//! - without a vector clock, `vc` is empty (the vector check then skips);
//! - when any event lacks a timestamp, every timestamp is synthetic: [`SYNTHETIC_EPOCH_US`]
//!   plus a millisecond per Lamport value (plus the machine's place, so machines do not tie),
//!   raised where needed to increase along each log. Such times order the events causally
//!   when the Lamport clocks are right, and say nothing of real time.
//!
//! A Lamport clock is never derived: an event without one (every ShiViz event) refuses the
//! import, as does a `recv` without the `msg_clock` its message carried.

use std::path::{Path, PathBuf};

use crate::foreign::{ForeignEvent, ForeignKind, ForeignLog};
use crate::log_format::Event;
// Machine ids a run directory can hold (`runlog` reads ids below it).
use crate::scenario::limits::MAX_MACHINES;

/// Synthetic timestamps count from 2026-01-01T00:00:00Z, the twin's virtual epoch.
pub(crate) const SYNTHETIC_EPOCH_US: i64 = crate::sim::write::EPOCH as i64 * 1_000_000;

/// Microseconds of synthetic time per Lamport value.
const SYNTHETIC_US_PER_CLOCK: i64 = 1_000;

/// Why foreign logs cannot become a run directory.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum ConvertError {
    #[error("{} line {line}: no Lamport clock; logiclock's logs need one on every event and import derives none (ShiViz logs carry vector clocks only)", file.display())]
    NoLamport { file: PathBuf, line: u64 },
    #[error("{} line {line}: recv without msg_clock, the Lamport value its message carried; import derives none", file.display())]
    NoMsgClock { file: PathBuf, line: u64 },
    #[error("{} line {line}: {why}", file.display())]
    Impossible {
        file: PathBuf,
        line: u64,
        why: String,
    },
    #[error("{}: no machine id (no event names one and the file name gives none)", file.display())]
    NoMachine { file: PathBuf },
    #[error("{}: machine {id}: a run directory holds machines 0 to 63", file.display())]
    MachineId { file: PathBuf, id: u32 },
    #[error("{} and {}: both are machine {id}'s log", first.display(), second.display())]
    TwoLogs {
        first: PathBuf,
        second: PathBuf,
        id: u32,
    },
}

/// One machine's log in the contract: each line's time (µs since the epoch) and event.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MachineLines {
    pub machine: u32,
    pub source: PathBuf,
    /// The source line of each event, in order.
    pub source_lines: Vec<u64>,
    pub lines: Vec<(i64, Event)>,
}

/// Foreign logs converted: one entry per machine, by id.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Converted {
    pub machines: Vec<MachineLines>,
    /// Every timestamp was made up ([`SYNTHETIC_EPOCH_US`]); `false`: all are the logs' own.
    pub synthetic_times: bool,
    /// What the lines hold that the foreign logs did not say, for the manifest.
    pub derived: Vec<String>,
}

/// Convert `logs` (one per machine) into the contract, or say which file and line forbid it.
pub(crate) fn convert(logs: &[ForeignLog]) -> Result<Converted, ConvertError> {
    let mut ids: Vec<(u32, &ForeignLog)> = Vec::with_capacity(logs.len());
    for log in logs {
        let id = log.machine.ok_or_else(|| ConvertError::NoMachine {
            file: log.file.clone(),
        })?;
        if id >= MAX_MACHINES {
            return Err(ConvertError::MachineId {
                file: log.file.clone(),
                id,
            });
        }
        if let Some((_, first)) = ids.iter().find(|(other, _)| *other == id) {
            return Err(ConvertError::TwoLogs {
                first: first.file.clone(),
                second: log.file.clone(),
                id,
            });
        }
        ids.push((id, log));
    }
    ids.sort_by_key(|(id, _)| *id);
    let all = || ids.iter().flat_map(|(_, log)| &log.events);
    let synthetic_times = all().any(|e| e.timestamp_us.is_none());
    let mut derived = vec![
        "tick: the event's index on its machine, from 1".to_owned(),
        "late_us: 0 (no schedule to be late against)".to_owned(),
    ];
    if all().any(|e| matches!(e.kind, ForeignKind::Recv { queue: None, .. })) {
        derived.push("queue: 0 on recv lines whose log gave none".to_owned());
    }
    if synthetic_times {
        derived.push(format!(
            "timestamp: synthetic, as some events had none: 2026-01-01T00:00:00Z plus {SYNTHETIC_US_PER_CLOCK} µs per Lamport value, increasing along each log; they order events, not real time"
        ));
    }
    let machines = ids
        .iter()
        .enumerate()
        .map(|(place, (id, log))| machine_lines(*id, place, log, synthetic_times))
        .collect::<Result<_, _>>()?;
    Ok(Converted {
        machines,
        synthetic_times,
        derived,
    })
}

/// The lines of machine `id` (at `place` among the machines) from its foreign log.
fn machine_lines(
    id: u32,
    place: usize,
    log: &ForeignLog,
    synthetic: bool,
) -> Result<MachineLines, ConvertError> {
    let mut lines = Vec::with_capacity(log.events.len());
    let mut last_synthetic = i64::MIN;
    for (tick, e) in (1u64..).zip(&log.events) {
        let lamport = e.lamport.ok_or_else(|| ConvertError::NoLamport {
            file: log.file.clone(),
            line: e.line,
        })?;
        let at = match (synthetic, e.timestamp_us) {
            (false, Some(at)) => at,
            _ => {
                let clock = i64::try_from(lamport).unwrap_or(i64::MAX);
                let at = clock
                    .saturating_mul(SYNTHETIC_US_PER_CLOCK)
                    .saturating_add(SYNTHETIC_EPOCH_US + place as i64)
                    .max(last_synthetic.saturating_add(1));
                last_synthetic = at;
                at
            }
        };
        let msg_clock = match &e.kind {
            ForeignKind::Recv { msg_clock, .. } => *msg_clock,
            _ => None,
        };
        let queue = match &e.kind {
            ForeignKind::Recv { queue, .. } => *queue,
            _ => None,
        };
        let clocks = [Some(lamport), msg_clock].into_iter().flatten();
        let vc = e.vc.iter().flatten().copied();
        if let Some(why) = crate::runlog::impossible(at, clocks.chain(vc), queue) {
            return Err(ConvertError::Impossible {
                file: log.file.clone(),
                line: e.line,
                why,
            });
        }
        lines.push((at, event(tick, lamport, e, &log.file)?));
    }
    Ok(MachineLines {
        machine: id,
        source: log.file.clone(),
        source_lines: log.events.iter().map(|e| e.line).collect(),
        lines,
    })
}

/// The contract's event for foreign event `e`, the `tick`-th of its machine.
fn event(tick: u64, lamport: u64, e: &ForeignEvent, file: &Path) -> Result<Event, ConvertError> {
    let vc = e.vc.clone().unwrap_or_default();
    Ok(match &e.kind {
        ForeignKind::Internal => Event::Internal {
            tick,
            lamport,
            vc,
            late_us: 0,
            pt_us: None,
            hlc: None,
        },
        ForeignKind::Send { to } => Event::Send {
            tick,
            lamport,
            to: to.clone(),
            vc,
            late_us: 0,
            pt_us: None,
            hlc: None,
        },
        ForeignKind::Recv {
            from,
            msg_clock,
            queue,
        } => Event::Recv {
            tick,
            lamport,
            from: *from,
            msg_clock: msg_clock.ok_or_else(|| ConvertError::NoMsgClock {
                file: file.to_owned(),
                line: e.line,
            })?,
            queue: queue.unwrap_or(0),
            vc,
            late_us: 0,
            pt_us: None,
            hlc: None,
            msg_hlc: None,
            offset_rejected: false,
        },
    })
}

#[cfg(test)]
mod tests;
