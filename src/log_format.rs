//! The machine log contract: file names, the format version, and every event with its fields.
//!
//! Both the writer (each model machine) and the readers (`analyze`, the tests) use these types, so
//! a field cannot be renamed on one side only. Changing a field is a format change: bump
//! [`FORMAT_VERSION`].

use serde::{Deserialize, Serialize};

/// Version of the log format, written in every `start` line.
pub const FORMAT_VERSION: u32 = 1;

/// The tracing target of model events; the log layer writes only events with this target.
pub const TARGET: &str = "logiclock::model";

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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
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
    },
    /// A tick with an empty queue whose die roll was an internal event.
    Internal {
        tick: u64,
        /// The clock after the event.
        lamport: u64,
        /// How late the tick ran against its schedule, in real microseconds.
        late_us: u64,
    },
    /// A tick with an empty queue whose die roll sent a message.
    Send {
        tick: u64,
        /// The clock after the send: the value the message carries.
        lamport: u64,
        /// Recipient machine ids.
        to: Vec<u32>,
        late_us: u64,
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
        late_us: u64,
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
        to: u32,
        lamport: u64,
        reason: String,
    },
    /// A fault caused on purpose hit this machine: `kill` (of `peer`), `pause`, `delay`,
    /// `partition`; `detail` says what and for how long.
    Fault {
        kind: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        peer: Option<u32>,
        detail: String,
    },
    /// A peer's connection was accepted after a valid handshake.
    PeerConnected { peer: u32, addr: String },
    /// A peer's connection ended (`reason` says how).
    PeerGone { peer: u32, reason: String },
    /// A connection was refused (no valid handshake).
    Refused { addr: String, reason: String },
    /// Something unexpected that did not stop the machine.
    Warning { message: String },
    /// An event name this version does not know (readers only).
    #[serde(other)]
    Unknown,
}

impl Event {
    /// The value of the `event` field for this variant.
    pub fn name(&self) -> &'static str {
        match self {
            Event::Start { .. } => "start",
            Event::Internal { .. } => "internal",
            Event::Send { .. } => "send",
            Event::Recv { .. } => "recv",
            Event::Skipped { .. } => "skipped",
            Event::Stop { .. } => "stop",
            Event::Dropped { .. } => "dropped",
            Event::Fault { .. } => "fault",
            Event::PeerConnected { .. } => "peer_connected",
            Event::PeerGone { .. } => "peer_gone",
            Event::Refused { .. } => "refused",
            Event::Warning { .. } => "warning",
            Event::Unknown => "unknown",
        }
    }

    /// The logical clock after this event, for the events that carry one.
    pub fn lamport(&self) -> Option<u64> {
        match self {
            Event::Internal { lamport, .. }
            | Event::Send { lamport, .. }
            | Event::Recv { lamport, .. }
            | Event::Stop { lamport, .. } => Some(*lamport),
            _ => None,
        }
    }

    /// The tick number, for the events that happen on a tick.
    pub fn tick(&self) -> Option<u64> {
        match self {
            Event::Internal { tick, .. } | Event::Send { tick, .. } | Event::Recv { tick, .. } => {
                Some(*tick)
            }
            _ => None,
        }
    }
}

/// Emit a model event through tracing; the machine's log layer turns it into one JSON line.
pub fn emit(event: &Event) {
    tracing::info!(target: TARGET, record = %Record(event));
}

/// Name of the tracing field that carries a serialized [`Event`].
pub const RECORD_FIELD: &str = "record";

/// Display adapter that writes an event as its JSON object.
struct Record<'a>(&'a Event);

impl std::fmt::Display for Record<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let json = serde_json::to_string(self.0).map_err(|_| std::fmt::Error)?;
        f.write_str(&json)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_send_line_has_the_contract_fields_at_top_level() {
        let line = LogLine {
            timestamp: "2026-01-01T00:00:00.000001Z".into(),
            machine: 2,
            event: Event::Send {
                tick: 7,
                lamport: 12,
                to: vec![0, 1],
                late_us: 3,
            },
        };
        let json: serde_json::Value = serde_json::to_value(&line).unwrap();
        assert_eq!(json["event"], "send");
        assert_eq!(json["machine"], 2);
        assert_eq!(json["lamport"], 12);
        assert_eq!(json["to"], serde_json::json!([0, 1]));
        let back: LogLine = serde_json::from_value(json).unwrap();
        assert_eq!(back, line);
    }

    #[test]
    fn unknown_event_names_are_read_as_unknown() {
        let line: LogLine = serde_json::from_str(
            r#"{"timestamp":"2026-01-01T00:00:00Z","machine":0,"event":"future_thing","x":1}"#,
        )
        .unwrap();
        assert_eq!(line.event, Event::Unknown);
    }
}
