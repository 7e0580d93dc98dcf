//! The events of one run, every machine merged in system-time order.

use std::path::PathBuf;

use crate::runlog::IdSet;

/// A run directory read into memory.
#[derive(Debug, Clone)]
pub struct Timeline {
    /// The run directory.
    pub dir: PathBuf,
    /// Log file of each machine, indexed like [`Timeline::machines`].
    pub logs: Vec<PathBuf>,
    pub machines: Vec<MachineInfo>,
    /// System time of the run start (the manifest's `started_at`), µs since the Unix epoch.
    pub origin_us: i64,
    /// Model seconds per real second.
    pub speedup: f64,
    /// Every log line of every machine, ordered by timestamp (ties: manifest order), each log's
    /// lines in file order.
    pub events: Vec<Event>,
    /// What the logs were read with a caveat (a cut last line), for the command to print.
    pub warnings: Vec<crate::runlog::Warning>,
    /// The faults the engine carried out, as the manifest records them when the run ended
    /// (empty before), each with its time in µs since the Unix epoch.
    pub faults: Vec<(i64, crate::manifest::FaultRecord)>,
}

/// One machine of the run, as the manifest describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct MachineInfo {
    pub id: u32,
    /// Ticks per model second.
    pub rate: u32,
    /// Real microseconds between ticks.
    pub interval_us: f64,
}

/// What a log line records; the clock events carry their fields in [`Event`].
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Internal,
    /// A message to every machine in `to`.
    Send {
        to: IdSet,
    },
    /// The message from `from` that carried `msg_clock`; `queue` messages still wait.
    Recv {
        from: u32,
        msg_clock: u64,
        queue: u64,
    },
    /// Any other line: its event name, and its remaining fields as `key=value` text.
    Other(Box<Other>),
}

/// A line that is not a clock event (start, stop, dropped, fault, peer events, ...).
#[derive(Debug, Clone, PartialEq)]
pub struct Other {
    /// The `event` field.
    pub name: String,
    /// The event as [`crate::runlog`] read it (`Ev::Other` for peer events, faults, warnings).
    pub event: crate::runlog::Ev,
    /// The `peer` (peer events, faults) or `to` (dropped) machine, if any.
    pub peer: Option<u32>,
    /// The line's other fields, `key=value` separated by spaces.
    pub detail: String,
}

/// One log line.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub machine: u32,
    /// Line number in the machine's log, from 1.
    pub line: u64,
    /// System time, µs since the Unix epoch.
    pub ts_us: i64,
    /// The timestamp as written.
    pub timestamp: String,
    pub kind: Kind,
    pub tick: Option<u64>,
    pub lamport: Option<u64>,
    /// The vector clock after the event; empty when the log has none (format 1, other lines).
    pub vc: Vec<u64>,
    pub late_us: Option<u64>,
}

impl Event {
    /// The `event` name of the line.
    pub fn name(&self) -> &str {
        match &self.kind {
            Kind::Internal => "internal",
            Kind::Send { .. } => "send",
            Kind::Recv { .. } => "recv",
            Kind::Other(other) => &other.name,
        }
    }

    /// Whether the event ticks the clocks (internal, send, recv).
    pub fn is_clock_event(&self) -> bool {
        !matches!(self.kind, Kind::Other(_))
    }
}

/// Print the warnings of the run's logs to stderr, as every command does.
pub fn print_warnings(timeline: &Timeline) {
    for warning in &timeline.warnings {
        eprintln!("warning: {warning}");
    }
}

impl Timeline {
    /// Seconds from the run start to `ts_us`.
    pub fn seconds(&self, ts_us: i64) -> f64 {
        (ts_us - self.origin_us) as f64 / 1e6
    }

    /// Index into [`Timeline::machines`] of machine `id`.
    pub fn machine_index(&self, id: u32) -> Option<usize> {
        self.machines.iter().position(|m| m.id == id)
    }

    /// The log file of machine `id` (for error messages).
    pub fn log_of(&self, id: u32) -> PathBuf {
        self.machine_index(id)
            .map(|i| self.logs[i].clone())
            .unwrap_or_else(|| self.dir.clone())
    }
}
