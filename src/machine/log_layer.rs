//! The machine log writer: a tracing layer that turns model events into JSON lines in a file.
//!
//! Each line is handed to the operating system with one `write(2)` as the event happens, before
//! the tick loop goes on. So a line cannot be dropped (unlike `tracing-appender`'s lossy
//! non-blocking writer), and a machine killed with SIGKILL leaves a log that holds every event
//! up to its death: a send is in the sender's log before its message can reach the wire.

use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use tracing_subscriber::layer::{Context, Layer};

use crate::log_format::{take_emitted, LogLine, TARGET};

/// The log file of one machine, shared by the layer and whoever flushes it.
#[derive(Debug, Clone)]
pub struct LogSink {
    file: Arc<Mutex<File>>,
}

impl LogSink {
    /// Create (truncate) the log file at `path`.
    pub fn create(path: &Path) -> std::io::Result<LogSink> {
        Ok(LogSink::from(File::create(path)?))
    }

    /// Open the log file at `path` to add to it (a restarted machine goes on with its log).
    /// A last line cut short by the previous process's death is removed first, so the new lines
    /// start on a line of their own.
    pub fn append(path: &Path) -> std::io::Result<LogSink> {
        let text = std::fs::read(path)?;
        let whole = text.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let file = std::fs::OpenOptions::new().append(true).open(path)?;
        if whole < text.len() {
            file.set_len(whole as u64)?;
        }
        Ok(LogSink::from(file))
    }

    fn from(file: File) -> LogSink {
        LogSink {
            file: Arc::new(Mutex::new(file)),
        }
    }

    /// Make sure every line is with the operating system. Lines are written through, so this
    /// only guards against a future buffered writer. (No fsync: it can stall the tick loop for
    /// milliseconds, and data the OS holds survives this process dying.)
    pub fn flush(&self) -> std::io::Result<()> {
        self.file.lock().unwrap_or_else(|p| p.into_inner()).flush()
    }

    fn write_line(&self, line: &[u8]) {
        let mut file = self.file.lock().unwrap_or_else(|p| p.into_inner());
        // A full disk is the one way to lose lines; say so on stderr rather than panic mid-tick.
        if let Err(e) = file.write_all(line) {
            eprintln!("logiclock: failed to write the machine log: {e}");
        }
    }
}

/// A tracing layer writing [`crate::log_format::emit`]ted events of one machine.
#[derive(Debug)]
pub struct ModelLogLayer {
    machine: u32,
    sink: LogSink,
}

impl ModelLogLayer {
    pub fn new(machine: u32, sink: LogSink) -> ModelLogLayer {
        ModelLogLayer { machine, sink }
    }
}

impl<S: tracing::Subscriber> Layer<S> for ModelLogLayer {
    fn on_event(&self, event: &tracing::Event<'_>, _ctx: Context<'_, S>) {
        if event.metadata().target() != TARGET {
            return;
        }
        let Some(event) = take_emitted() else {
            return;
        };
        let line = LogLine {
            timestamp: humantime::format_rfc3339_micros(SystemTime::now()).to_string(),
            machine: self.machine,
            event,
        };
        let mut bytes = Vec::with_capacity(192);
        // The contract's types always serialize (no maps with non-string keys, no floats).
        serde_json::to_writer(&mut bytes, &line).expect("a log line serializes");
        bytes.push(b'\n');
        // The whole line, newline included, in one write(2).
        self.sink.write_line(&bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log_format::{emit, Event, LogLine};
    use tracing_subscriber::prelude::*;

    #[test]
    fn appending_drops_a_line_cut_short() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("machine-0.log");
        std::fs::write(&path, "{\"a\":1}\n{\"b\":").unwrap();
        let sink = LogSink::append(&path).unwrap();
        sink.write_line(b"{\"c\":3}\n");
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "{\"a\":1}\n{\"c\":3}\n"
        );
    }

    #[test]
    fn emitted_events_become_json_lines_with_timestamp_and_machine() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("machine-4.log");
        let sink = LogSink::create(&path).unwrap();
        let subscriber = tracing_subscriber::registry().with(ModelLogLayer::new(4, sink.clone()));
        tracing::subscriber::with_default(subscriber, || {
            emit(&Event::Internal {
                tick: 1,
                lamport: 1,
                vc: vec![0, 0, 0, 0, 1],
                late_us: 5,
            });
            tracing::info!("a diagnostic that does not belong in the model log");
            emit(&Event::Send {
                tick: 2,
                lamport: 2,
                to: vec![0, 3],
                vc: vec![0, 0, 0, 0, 2],
                late_us: 0,
            });
        });
        sink.flush().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<LogLine> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2, "{text}");
        assert_eq!(lines[0].machine, 4);
        assert_eq!(lines[1].event.name(), "send");
        assert!(lines[0].timestamp.ends_with('Z') && lines[0].timestamp.contains('.'));
        let raw: serde_json::Value = serde_json::from_str(text.lines().nth(1).unwrap()).unwrap();
        assert_eq!(raw["to"], serde_json::json!([0, 3]));
        assert!(humantime::parse_rfc3339(&lines[0].timestamp).is_ok());
    }

    /// One event of every kind the machine writes, every fault kind and drop reason included.
    fn every_event() -> Vec<Event> {
        use crate::log_format::{DropReason, FaultKind};
        let mut events = vec![
            Event::Start {
                format: crate::log_format::FORMAT_VERSION,
                rate: 3,
                interval_us: 333_333,
                machines: 3,
                incarnation: 1,
            },
            Event::Internal {
                tick: 1,
                lamport: 1,
                vc: vec![0, 1, 0],
                late_us: 12,
            },
            Event::Send {
                tick: 2,
                lamport: 2,
                to: vec![0, 2],
                vc: vec![0, 2, 0],
                late_us: 0,
            },
            Event::Recv {
                tick: 3,
                lamport: 9,
                from: 2,
                msg_clock: 8,
                queue: 4,
                vc: vec![0, 3, 5],
                late_us: 7,
            },
            Event::Skipped { first: 4, count: 2 },
            Event::PeerConnected {
                peer: 0,
                addr: "127.0.0.1:4000".into(),
            },
            Event::PeerGone {
                peer: 2,
                reason: "closed \"by peer\"".into(),
            },
            Event::Refused {
                addr: "[::1]:5000".into(),
                reason: "bad handshake".into(),
                count: 1,
            },
            Event::Warning {
                message: "a line\nwith a newline".into(),
            },
        ];
        for (i, reason) in DropReason::ALL.into_iter().enumerate() {
            events.push(Event::Dropped {
                to: vec![i as u32 * 2],
                lamport: 10 + i as u64,
                reason,
            });
        }
        for (i, kind) in FaultKind::ALL.into_iter().enumerate() {
            events.push(Event::Fault {
                kind,
                peer: (i % 2 == 0).then_some(0),
                detail: format!("{kind} for a while"),
            });
        }
        events.push(Event::Stop {
            lamport: 12,
            queue: 1,
            ticks: 6,
            skipped: 2,
            cpu_ms: 40,
            max_rss_kb: 9_000,
        });
        events
    }

    #[test]
    fn every_event_the_writer_emits_is_read_back_equal() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("machine-1.log");
        let sink = LogSink::create(&path).unwrap();
        let subscriber = tracing_subscriber::registry().with(ModelLogLayer::new(1, sink.clone()));
        let events = every_event();
        tracing::subscriber::with_default(subscriber, || events.iter().for_each(emit));
        sink.flush().unwrap();
        let (lines, cut) = crate::runlog::read_log_lines(&path, 1).unwrap();
        assert_eq!(cut, None);
        let read: Vec<Event> = lines.into_iter().map(|l| l.event).collect();
        assert_eq!(read, events);
        // format 3: `to` is an array on every line that has it
        let text = std::fs::read_to_string(&path).unwrap();
        for line in text.lines() {
            let raw: serde_json::Value = serde_json::from_str(line).unwrap();
            if let Some(to) = raw.get("to") {
                assert!(to.is_array(), "{line}");
            }
        }
        assert!(text.contains(r#""reason":"peer gone""#), "{text}");
        assert!(text.contains(r#""kind":"kill""#), "{text}");
    }
}
