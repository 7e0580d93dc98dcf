//! The machine log writer: the model's events as JSON lines in the machine's file, through
//! [`LineSink`].
//!
//! Each line is handed to the operating system with one `write(2)` as the event happens, before
//! the tick loop goes on (and before a send's messages are queued). So a line cannot be dropped
//! (unlike `tracing-appender`'s lossy non-blocking writer), and a machine killed with SIGKILL leaves a log that holds every event
//! up to its death: a send is in the sender's log before its message can reach the wire.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::SystemTime;

use tokio_util::sync::CancellationToken;

use crate::log_format::{Event, LogLine};
use crate::model::LineSink;

/// Test-only: a machine's log "fills the disk" once it would grow beyond this many bytes (the
/// line that crosses it is written in part, then fails with `ENOSPC`, as on a real full disk).
/// For tests where no small file system can be mounted; never set it otherwise.
pub(crate) const TEST_LOG_LIMIT_ENV: &str = "LOGICLOCK_TEST_LOG_LIMIT_BYTES";

/// Why a machine cannot write its log: the run directory and the operating system's error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot write its log in {}: {error}", dir.display())]
pub(crate) struct LogFailure {
    pub dir: PathBuf,
    /// The error as the operating system says it ("No space left on device").
    pub error: String,
}

impl LogFailure {
    fn new(path: &Path, e: &std::io::Error) -> LogFailure {
        let text = e.to_string();
        // "No space left on device (os error 28)": the number says nothing to a reader.
        let error = match text.rfind(" (os error ") {
            Some(i) if text.ends_with(')') => text[..i].to_owned(),
            _ => text,
        };
        LogFailure {
            dir: path.parent().unwrap_or(Path::new(".")).to_owned(),
            error,
        }
    }
}

/// The open file and how much of it is whole lines.
#[derive(Debug)]
struct Open {
    file: File,
    /// Bytes of whole lines in the file: where a failed write is cut back to.
    len: u64,
    /// [`TEST_LOG_LIMIT_ENV`], when set.
    limit: Option<u64>,
}

/// The log file of one machine, shared by every task that writes lines and whoever flushes it.
///
/// A write that fails (a full disk) is cut back to the last whole line, and the sink takes no
/// more lines: a log never ends mid-line, and [`LogSink::failed`] tells the machine to stop.
#[derive(Debug, Clone)]
pub(crate) struct LogSink {
    path: PathBuf,
    open: Arc<Mutex<Open>>,
    failure: Arc<OnceLock<LogFailure>>,
    failed: CancellationToken,
}

impl LogSink {
    /// Create the log file at `path`; a file already there is an error (another run's log).
    pub(crate) fn create(path: &Path) -> std::io::Result<LogSink> {
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)?;
        Ok(LogSink::from(path, file, 0))
    }

    /// Open the log file at `path` to add to it (a restarted machine goes on with its log).
    /// A last line cut short by the previous process's death is removed first, so the new lines
    /// start on a line of their own.
    pub(crate) fn append(path: &Path) -> std::io::Result<LogSink> {
        let text = std::fs::read(path)?;
        let whole = text.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let file = std::fs::OpenOptions::new().append(true).open(path)?;
        if whole < text.len() {
            file.set_len(whole as u64)?;
        }
        Ok(LogSink::from(path, file, whole as u64))
    }

    fn from(path: &Path, file: File, len: u64) -> LogSink {
        let limit = std::env::var(TEST_LOG_LIMIT_ENV)
            .ok()
            .and_then(|v| v.parse().ok());
        LogSink {
            path: path.to_owned(),
            open: Arc::new(Mutex::new(Open { file, len, limit })),
            failure: Arc::new(OnceLock::new()),
            failed: CancellationToken::new(),
        }
    }

    /// Make sure every line is with the operating system. Lines are written through, so this
    /// only guards against a future buffered writer. (No fsync: it can stall the tick loop for
    /// milliseconds, and data the OS holds survives this process dying.)
    pub(crate) fn flush(&self) -> std::io::Result<()> {
        self.lock().file.flush()
    }

    /// Why the log could not be written, once a write has failed.
    pub(crate) fn failure(&self) -> Option<LogFailure> {
        self.failure.get().cloned()
    }

    /// Wait until a write fails, and say why.
    pub(crate) async fn failed(&self) -> LogFailure {
        self.failed.cancelled().await;
        self.failure()
            .expect("the failure is set before the token is cancelled")
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Open> {
        self.open.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Write one whole line, or (on a failed write) nothing: cut back to the last whole line and
    /// take no more lines. Never panics, never prints: stderr may be on the same full disk.
    fn write_line(&self, line: &[u8]) {
        if self.failed.is_cancelled() {
            return;
        }
        let mut open = self.lock();
        let written = match open.limit {
            Some(limit) if open.len + line.len() as u64 > limit => {
                let fits = limit.saturating_sub(open.len) as usize;
                let _ = open.file.write_all(&line[..fits]);
                Err(std::io::Error::from_raw_os_error(libc::ENOSPC))
            }
            _ => open.file.write_all(line),
        };
        match written {
            Ok(()) => open.len += line.len() as u64,
            Err(e) => {
                // Whatever part of the line did get out is removed; truncating needs no space.
                let _ = open.file.set_len(open.len);
                let _ = self.failure.set(LogFailure::new(&self.path, &e));
                self.failed.cancel();
            }
        }
    }
}

/// Lines are stamped with the wall clock when they are written.
impl LineSink for LogSink {
    type At = SystemTime;

    fn line(&mut self, at: SystemTime, machine: u32, event: Event) -> Event {
        self.write_event(at, machine, event)
    }
}

impl LogSink {
    fn write_event(&self, at: SystemTime, machine: u32, event: Event) -> Event {
        let line = LogLine {
            timestamp: humantime::format_rfc3339_micros(at).to_string(),
            machine,
            event,
        };
        let mut bytes = Vec::with_capacity(192);
        // The contract's types always serialize (no maps with non-string keys, no floats).
        serde_json::to_writer(&mut bytes, &line).expect("a log line serializes");
        bytes.push(b'\n');
        // The whole line, newline included, in one write(2) (or none, see `write_line`).
        self.write_line(&bytes);
        line.event
    }
}

/// One machine's log as its tasks write to it: its id and its sink, cheap to clone into every
/// task that has something to log.
#[derive(Debug, Clone)]
pub(crate) struct MachineLog {
    machine: u32,
    sink: LogSink,
}

impl MachineLog {
    /// Machine `machine`'s lines, written to `sink`.
    pub(crate) fn new(machine: u32, sink: LogSink) -> MachineLog {
        MachineLog { machine, sink }
    }

    /// Write `event` now, as one line.
    pub(crate) fn write(&self, event: Event) {
        self.write_back(event);
    }

    /// Write `event` now, as one line, and hand it back.
    pub(crate) fn write_back(&self, event: Event) -> Event {
        self.sink
            .write_event(SystemTime::now(), self.machine, event)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log_format::LogLine;

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
    fn a_failed_write_leaves_whole_lines_only_and_says_why() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("machine-0.log");
        let sink = LogSink::create(&path).unwrap();
        sink.lock().limit = Some(12);
        sink.write_line(b"{\"a\":1}\n");
        assert_eq!(sink.failure(), None);
        // 8 + 8 bytes cross the limit: 4 bytes get out, then ENOSPC.
        sink.write_line(b"{\"b\":2}\n");
        sink.write_line(b"{\"c\":3}\n");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "{\"a\":1}\n");
        let failure = sink.failure().expect("the write failed");
        assert_eq!(failure.error, "No space left on device");
        assert_eq!(failure.dir, dir.path());
        assert_eq!(
            failure.to_string(),
            format!(
                "cannot write its log in {}: No space left on device",
                dir.path().display()
            )
        );
    }

    #[test]
    fn a_log_already_there_is_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("machine-0.log");
        std::fs::write(&path, "another run's line\n").unwrap();
        let err = LogSink::create(&path).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "another run's line\n"
        );
    }

    #[test]
    fn written_events_become_json_lines_with_timestamp_and_machine() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("machine-4.log");
        let sink = LogSink::create(&path).unwrap();
        let log = MachineLog::new(4, sink.clone());
        log.write(Event::Internal {
            tick: 1,
            lamport: 1,
            vc: vec![0, 0, 0, 0, 1],
            late_us: 5,
        });
        tracing::warn!("a diagnostic that does not belong in the model log");
        log.write(Event::Send {
            tick: 2,
            lamport: 2,
            to: vec![0, 3],
            vc: vec![0, 0, 0, 0, 2],
            late_us: 0,
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
        use crate::log_format::{DropReason, FaultKind, FaultPhase};
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
                phase: FaultPhase::ALL[i % FaultPhase::ALL.len()],
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
    fn every_event_the_writer_writes_is_read_back_equal() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("machine-1.log");
        let sink = LogSink::create(&path).unwrap();
        let log = MachineLog::new(1, sink.clone());
        let events = every_event();
        events.iter().cloned().for_each(|e| log.write(e));
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
