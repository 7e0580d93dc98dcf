//! The machine log contract: file names, the format version, and every event with its fields.
//!
//! Both the writer (each model machine) and the readers (`analyze`, the tests) use these types, so
//! a field cannot be renamed on one side only. Changing a field is a format change: bump
//! [`FORMAT_VERSION`].

use serde::{Deserialize, Serialize};

/// Version of the log format, written in every `start` line.
pub const FORMAT_VERSION: u32 = 2;

/// Oldest log format version the readers still accept (version 1 had no vector clocks).
pub const OLDEST_READABLE_FORMAT: u32 = 1;

/// Whether this build reads logs of format `version`.
pub fn readable(version: u32) -> bool {
    (OLDEST_READABLE_FORMAT..=FORMAT_VERSION).contains(&version)
}

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
    /// A fault concerning this machine: `kill` (of `peer`, on purpose), `died` (`peer` died
    /// unplanned), `pause`, `delay`, `partition`; `detail` says what and for how long.
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

    /// The vector clock after this event, for the tick events that carry one.
    pub fn vc(&self) -> Option<&[u64]> {
        match self {
            Event::Internal { vc, .. } | Event::Send { vc, .. } | Event::Recv { vc, .. } => {
                Some(vc)
            }
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

/// One log line read field by field: the fast path for readers of long logs (`analyze`).
///
/// Unlike [`LogLine`] it does not buffer the line to find the event first: every event field is an
/// `Option` at the top level, and the event name and timestamp are borrowed from the line. Which
/// fields an event must have is the reader's business; the names are the same as in [`Event`].
#[derive(Debug, Default, Deserialize)]
pub struct FlatLine<'a> {
    #[serde(borrow)]
    pub timestamp: &'a str,
    pub machine: u32,
    #[serde(borrow)]
    pub event: &'a str,
    pub format: Option<u32>,
    pub rate: Option<u32>,
    pub interval_us: Option<u64>,
    pub machines: Option<u32>,
    pub tick: Option<u64>,
    pub lamport: Option<u64>,
    pub late_us: Option<u64>,
    pub to: Option<IdSet>,
    pub from: Option<u32>,
    pub msg_clock: Option<u64>,
    pub queue: Option<u64>,
    pub first: Option<u64>,
    pub count: Option<u64>,
    pub ticks: Option<u64>,
    pub skipped: Option<u64>,
    pub cpu_ms: Option<u64>,
    pub max_rss_kb: Option<u64>,
    /// Vector clock of a tick event (format 2 and up).
    pub vc: Option<Vec<u64>>,
    pub peer: Option<u32>,
    pub incarnation: Option<u32>,
    // Text fields of the rarer events; `Cow` because they may hold escapes.
    #[serde(borrow)]
    pub kind: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow)]
    pub addr: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow)]
    pub reason: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow)]
    pub detail: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow)]
    pub message: Option<std::borrow::Cow<'a, str>>,
}

/// A set of machine ids below 64 (the most a scenario may have), read from a JSON array
/// without allocating.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct IdSet(pub u64);

impl IdSet {
    /// The ids in the set, ascending.
    pub fn iter(self) -> impl Iterator<Item = u32> {
        (0..64u32).filter(move |i| self.0 & (1u64 << i) != 0)
    }
}

impl<'de> Deserialize<'de> for IdSet {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<IdSet, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = IdSet;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an array of machine ids below 64, or one id")
            }
            // `dropped` lines name a single recipient.
            fn visit_u64<E: serde::de::Error>(self, id: u64) -> Result<IdSet, E> {
                if id >= 64 {
                    return Err(E::custom(format!(
                        "machine id {id} out of range (at most 63)"
                    )));
                }
                Ok(IdSet(1u64 << id))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<IdSet, A::Error> {
                let mut set = 0u64;
                while let Some(id) = seq.next_element::<u32>()? {
                    if id >= 64 {
                        return Err(serde::de::Error::custom(format!(
                            "machine id {id} out of range (at most 63)"
                        )));
                    }
                    set |= 1u64 << id;
                }
                Ok(IdSet(set))
            }
        }
        // `any`: a `dropped` line has a number where a `send` line has an array.
        deserializer.deserialize_any(Visitor)
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
                vc: vec![4, 0, 9],
                late_us: 3,
            },
        };
        let json: serde_json::Value = serde_json::to_value(&line).unwrap();
        assert_eq!(json["event"], "send");
        assert_eq!(json["machine"], 2);
        assert_eq!(json["lamport"], 12);
        assert_eq!(json["to"], serde_json::json!([0, 1]));
        assert_eq!(json["vc"], serde_json::json!([4, 0, 9]));
        let back: LogLine = serde_json::from_value(json).unwrap();
        assert_eq!(back, line);
    }

    #[test]
    fn a_flat_line_reads_the_same_fields_as_a_log_line() {
        let text = r#"{"timestamp":"2026-01-01T00:00:00.000001Z","machine":2,"event":"send","tick":7,"lamport":12,"to":[0,1],"late_us":3}"#;
        let flat: FlatLine = serde_json::from_str(text).unwrap();
        assert_eq!(flat.event, "send");
        assert_eq!(flat.lamport, Some(12));
        assert_eq!(flat.to.unwrap().iter().collect::<Vec<_>>(), vec![0, 1]);
        assert_eq!(flat.from, None);
        let bad = serde_json::from_str::<FlatLine>(
            r#"{"timestamp":"x","machine":2,"event":"send","to":[64]}"#,
        );
        assert!(bad.unwrap_err().to_string().contains("out of range"));
    }

    #[test]
    fn format_1_lines_without_vector_clocks_still_read() {
        let line: LogLine = serde_json::from_str(
            r#"{"timestamp":"2026-01-01T00:00:00Z","machine":0,"event":"internal","tick":1,"lamport":1,"late_us":0}"#,
        )
        .unwrap();
        assert_eq!(line.event.vc(), Some(&[][..]));
        assert!(readable(1) && readable(FORMAT_VERSION) && !readable(FORMAT_VERSION + 1));
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
