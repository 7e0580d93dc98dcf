//! The machine log contract: file names, the format version, and every event with its fields.
//!
//! Both the writer (each model machine, serializing [`LogLine`] with serde) and the one reader
//! ([`crate::runlog`]) use these types, so a field cannot be renamed on one side only. Changing a
//! field is a format change: bump [`FORMAT_VERSION`].
//!
//! # Versions
//! - 1: the first format, without vector clocks.
//! - 2: `vc` on `internal`, `send` and `recv` lines.
//! - 3: every field has one JSON type in every event: `to` is an array of machine ids on `dropped`
//!   lines too (it was a bare integer), so tools that infer one schema for all lines (DuckDB's
//!   `read_json_auto`) read a whole log. Fault kinds ([`FaultKind`]) and drop reasons
//!   ([`DropReason`]) are closed sets of strings.
//! - 4: `count` on `refused` lines (a flood of strangers is logged as a few lines and a periodic
//!   summary); a `refused` line without it (formats 1 to 3) stands for one connection.
//!
//! - 5: `phase` on `fault` lines ([`FaultPhase`]: `begin`, `end`, `instant`), so that whether a
//!   delay or partition begins or ends is a field, not the prose of `detail`. Lines of formats 1
//!   to 4 read with the phase the reader infers from their kind and prose (see
//!   [`crate::runlog::compat`]).
//!
//! - 6: `pt_us` (the machine's own physical clock, model microseconds since the run's start) and
//!   `hlc` (the hybrid logical clock `[l, c]`) on `internal`, `send` and `recv` lines; `msg_hlc`
//!   (what the message carried) and, when true, `offset_rejected` on `recv` lines. Lines of
//!   formats 1 to 5 read without them, and `analyze` skips its HLC check on such runs.
//!
//! The readers accept formats 1 to 6: a `dropped` line's `to` may be an integer or an array of one.

use serde::{Deserialize, Serialize};

mod hlc;
mod kinds;
pub mod timestamp;
pub use hlc::Hlc;
pub use kinds::{DropReason, FaultKind, FaultPhase};

/// Version of the log format, written in every `start` line.
pub const FORMAT_VERSION: u32 = 6;

/// Oldest log format version the readers still accept (version 1 had no vector clocks).
pub const OLDEST_READABLE_FORMAT: u32 = 1;

/// Whether this build reads logs of format `version`.
pub fn readable(version: u32) -> bool {
    (OLDEST_READABLE_FORMAT..=FORMAT_VERSION).contains(&version)
}

/// Name of the run manifest inside a run directory.
pub const MANIFEST_FILE: &str = "manifest.json";

/// Name of machine `id`'s log inside a run directory.
pub fn log_file_name(id: u32) -> String {
    format!("machine-{id}.log")
}

/// Name of the file that receives machine `id`'s diagnostics (stderr).
pub fn stderr_file_name(id: u32) -> String {
    format!("machine-{id}.stderr")
}

/// One line of a machine log: `{"timestamp": ..., "machine": ..., "event": ..., <fields>}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogLine {
    /// System time, RFC 3339 UTC with microseconds.
    pub timestamp: String,
    /// Id of the machine that wrote the line.
    pub machine: u32,
    /// The event and its fields, flattened into the line.
    #[serde(flatten)]
    pub event: Event,
}

/// Everything a model machine logs. The variant name, in snake case, is the `event` field.
///
/// [`EventKind`] is the variant without its fields (for counting and dispatch by kind); its
/// names are generated with the same rule as serde's tag, and a test holds them equal.
#[derive(
    Debug, Clone, PartialEq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumDiscriminants,
)]
#[serde(tag = "event", rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[strum_discriminants(
    name(EventKind),
    derive(
        Hash,
        strum::EnumString,
        strum::IntoStaticStr,
        strum::EnumCount,
        strum::EnumIter
    ),
    strum(serialize_all = "snake_case")
)]
pub enum Event {
    /// The tick loop starts.
    Start {
        /// Log format version ([`FORMAT_VERSION`]).
        format: u32,
        /// Model ticks per model second.
        rate: u32,
        /// Real microseconds between ticks after the speedup.
        interval_us: u64,
        /// Number of machines in the run.
        machines: u32,
        /// 0 for the machine's first process, 1 and up after a restart.
        #[serde(default)]
        incarnation: u32,
    },
    /// A tick with an empty queue whose die roll was an internal event.
    Internal {
        tick: u64,
        /// The clock after the event.
        lamport: u64,
        /// The vector clock after the event, indexed by machine id (format 2 and up).
        #[serde(default)]
        vc: Vec<u64>,
        /// How late the tick ran against its schedule, in real microseconds.
        late_us: u64,
        /// The machine's physical clock at the event, model microseconds (format 6 and up).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pt_us: Option<u64>,
        /// The hybrid logical clock after the event, `[l, c]` (format 6 and up).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        hlc: Option<Hlc>,
    },
    /// A tick with an empty queue whose die roll sent a message.
    Send {
        tick: u64,
        /// The clock after the send: the value the message carries.
        lamport: u64,
        /// Recipient machine ids.
        to: Vec<u32>,
        /// The vector clock after the send: the vector the messages carry.
        #[serde(default)]
        vc: Vec<u64>,
        late_us: u64,
        /// The machine's physical clock at the event, model microseconds (format 6 and up).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pt_us: Option<u64>,
        /// The hybrid logical clock after the event, `[l, c]` (format 6 and up).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        hlc: Option<Hlc>,
    },
    /// A tick that took one message from the queue.
    Recv {
        tick: u64,
        /// The clock after the receive.
        lamport: u64,
        /// Sender machine id.
        from: u32,
        /// The timestamp the message carried.
        msg_clock: u64,
        /// Messages still waiting after this one was taken.
        queue: u64,
        /// The vector clock after the receive.
        #[serde(default)]
        vc: Vec<u64>,
        late_us: u64,
        /// The machine's physical clock at the event, model microseconds (format 6 and up).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pt_us: Option<u64>,
        /// The hybrid logical clock after the event, `[l, c]` (format 6 and up).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        hlc: Option<Hlc>,
        /// The hybrid logical clock the message carried (format 6 and up).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        msg_hlc: Option<Hlc>,
        /// The message's `l` was ahead of this machine's physical clock by more than the
        /// scenario's `max_offset_ms`: a real system (CockroachDB) would have rejected it.
        /// Written only when true.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        offset_rejected: bool,
    },
    /// Ticks `first..first+count` were not run because the loop fell behind its schedule.
    Skipped { first: u64, count: u64 },
    /// The machine stopped; `queue` messages arrived but were never processed.
    Stop {
        lamport: u64,
        queue: u64,
        /// Number of the last tick run, 0 if none ran.
        ticks: u64,
        /// Total ticks skipped.
        skipped: u64,
        /// Process CPU time (user + system), milliseconds.
        cpu_ms: u64,
        /// Peak resident memory of the process, KiB.
        max_rss_kb: u64,
    },
    /// A message to `to` was discarded: by a partition in drop mode, or because `to` is gone.
    /// It counts as sent and never received.
    Dropped {
        /// The one recipient, as an array like a `send` line's (format 3; an integer before).
        #[serde(deserialize_with = "one_or_many")]
        to: Vec<u32>,
        lamport: u64,
        reason: DropReason,
    },
    /// A fault concerning this machine: `kill` (of `peer`, on purpose), `died` (`peer` died
    /// unplanned), `pause`, `delay`, `partition`; `phase` says whether it begins or ends, and
    /// `detail` says what and for how long, for people.
    Fault {
        kind: FaultKind,
        /// Where the fault stands (format 5; inferred for older lines by the reader).
        phase: FaultPhase,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        peer: Option<u32>,
        detail: String,
    },
    /// A peer's connection was accepted after a valid handshake.
    PeerConnected { peer: u32, addr: String },
    /// A peer's connection ended (`reason` says how).
    PeerGone { peer: u32, reason: String },
    /// A connection was refused (no valid handshake, or too many waiting for one). A flood is
    /// logged as a few such lines and a periodic summary: `count` is how many refused
    /// connections the line stands for (1, or more for a summary, whose `addr` and `reason`
    /// are the last one's). Logs written before the field read as 1.
    Refused {
        addr: String,
        reason: String,
        #[serde(default = "one")]
        count: u64,
    },
    /// Something unexpected that did not stop the machine.
    Warning { message: String },
    /// An event name this version does not know (readers only).
    #[serde(other)]
    Unknown,
}

/// The `count` of a `refused` line written before the field existed: one connection.
fn one() -> u64 {
    1
}

/// A list of machine ids written as an array, or (formats 1 and 2) as one bare id.
fn one_or_many<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<u32>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(u32),
        Many(Vec<u32>),
    }
    Ok(match OneOrMany::deserialize(deserializer)? {
        OneOrMany::One(id) => vec![id],
        OneOrMany::Many(ids) => ids,
    })
}

impl EventKind {
    /// The value of the `event` field for this kind.
    pub fn name(self) -> &'static str {
        self.into()
    }

    /// The kind as an index below [`EventKind::COUNT`], for per-kind arrays.
    pub fn index(self) -> usize {
        self as usize
    }
}

pub use strum::EnumCount;

impl Event {
    /// The value of the `event` field for this variant.
    pub fn name(&self) -> &'static str {
        self.into()
    }

    /// The variant, without its fields.
    pub fn kind(&self) -> EventKind {
        self.into()
    }

    /// Whether the event ticks the clocks (internal, send, recv).
    pub fn is_clock_event(&self) -> bool {
        self.tick().is_some()
    }

    /// The vector clock after this event, for the tick events that carry one.
    pub fn vc(&self) -> Option<&[u64]> {
        match self {
            Event::Internal { vc, .. } | Event::Send { vc, .. } | Event::Recv { vc, .. } => {
                Some(vc)
            }
            Event::Start { .. }
            | Event::Skipped { .. }
            | Event::Stop { .. }
            | Event::Dropped { .. }
            | Event::Fault { .. }
            | Event::PeerConnected { .. }
            | Event::PeerGone { .. }
            | Event::Refused { .. }
            | Event::Warning { .. }
            | Event::Unknown => None,
        }
    }

    /// The hybrid logical clock after a tick event (`internal`, `send`, `recv`) of format 6
    /// and up.
    pub fn hlc(&self) -> Option<Hlc> {
        match self {
            Event::Internal { hlc, .. } | Event::Send { hlc, .. } | Event::Recv { hlc, .. } => *hlc,
            _ => None,
        }
    }

    /// The machine's physical clock at a tick event of format 6 and up, model microseconds.
    pub fn pt_us(&self) -> Option<u64> {
        match self {
            Event::Internal { pt_us, .. }
            | Event::Send { pt_us, .. }
            | Event::Recv { pt_us, .. } => *pt_us,
            _ => None,
        }
    }

    /// The logical clock after this event, for the events that carry one.
    pub fn lamport(&self) -> Option<u64> {
        match self {
            Event::Internal { lamport, .. }
            | Event::Send { lamport, .. }
            | Event::Recv { lamport, .. }
            | Event::Stop { lamport, .. } => Some(*lamport),
            // A dropped line's `lamport` is the message's clock, not the machine's after it.
            Event::Dropped { .. }
            | Event::Start { .. }
            | Event::Skipped { .. }
            | Event::Fault { .. }
            | Event::PeerConnected { .. }
            | Event::PeerGone { .. }
            | Event::Refused { .. }
            | Event::Warning { .. }
            | Event::Unknown => None,
        }
    }

    /// The tick number and how late the tick ran (real µs), for the events that happen on a tick.
    pub fn tick_and_lateness(&self) -> Option<(u64, u64)> {
        match *self {
            Event::Internal { tick, late_us, .. }
            | Event::Send { tick, late_us, .. }
            | Event::Recv { tick, late_us, .. } => Some((tick, late_us)),
            Event::Start { .. }
            | Event::Skipped { .. }
            | Event::Stop { .. }
            | Event::Dropped { .. }
            | Event::Fault { .. }
            | Event::PeerConnected { .. }
            | Event::PeerGone { .. }
            | Event::Refused { .. }
            | Event::Warning { .. }
            | Event::Unknown => None,
        }
    }

    /// The tick number, for the events that happen on a tick.
    pub fn tick(&self) -> Option<u64> {
        self.tick_and_lateness().map(|(tick, _)| tick)
    }
}

#[cfg(test)]
mod tests;
