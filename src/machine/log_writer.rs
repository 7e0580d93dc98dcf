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
    /// This machine's share of `--max-log-size`, when set.
    share: Option<u64>,
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
    /// Cancelled once the log reaches its share of `--max-log-size`.
    share_reached: CancellationToken,
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
            open: Arc::new(Mutex::new(Open {
                file,
                len,
                limit,
                share: None,
            })),
            failure: Arc::new(OnceLock::new()),
            failed: CancellationToken::new(),
            share_reached: CancellationToken::new(),
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

    /// Say (through [`LogSink::share_reached`]) once the log holds `share` bytes: this
    /// machine's share of `--max-log-size`. The log takes lines on: the run stops in order.
    pub(crate) fn set_share(&self, share: Option<u64>) {
        let mut open = self.lock();
        open.share = share;
        if share.is_some_and(|share| open.len >= share) {
            self.share_reached.cancel();
        }
    }

    /// Wait until the log holds its share of `--max-log-size`.
    pub(crate) async fn share_reached(&self) {
        self.share_reached.cancelled().await;
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
            Ok(()) => {
                open.len += line.len() as u64;
                if open.share.is_some_and(|share| open.len >= share) {
                    self.share_reached.cancel();
                }
            }
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
            timestamp: crate::log_format::timestamp::format_system(at),
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
mod tests;
