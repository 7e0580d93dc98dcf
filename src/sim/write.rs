//! The simulated run's logs: one buffered JSON-lines log per machine in the log contract
//! (`log_format::LogLine`), with timestamps in virtual time from [`EPOCH`].

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::cut;
use crate::log_format::timestamp::Stamper;
use crate::log_format::{self, Event, LogLine};
use crate::machine::log_writer::TEST_LOG_LIMIT_ENV;
use crate::model::LineSink;
use crate::run::signal::StopWatch;
use crate::run::{RunError, Stop};

/// Unix time (seconds) of virtual time 0: 2026-01-01T00:00:00Z.
pub(crate) const EPOCH: u64 = 1_767_225_600;

/// Bytes buffered per log file before a write.
const BUFFER: usize = 256 * 1024;

/// RFC 3339 UTC with microseconds of virtual time `ns`, as a real machine's log layer writes it.
pub(crate) fn timestamp(ns: u64) -> String {
    let mut out = String::new();
    Stamper::default().write(micros(ns), &mut out);
    out
}

/// Microseconds since the Unix epoch of virtual time `ns`.
fn micros(ns: u64) -> i64 {
    i64::try_from(EPOCH * 1_000_000 + ns / 1_000)
        .expect("virtual time stays within i64 microseconds")
}

/// Why the twin's sink took no more lines before the run's end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Halt {
    /// A stop signal arrived.
    Signal(Stop),
    /// The logs reached `--max-log-size`.
    Cap,
    /// A write failed (a full disk).
    Failed,
}

/// A log write failed: every log was cut back to `at_ns` (see [`super::cut`]).
#[derive(Debug)]
pub(super) struct Cut {
    /// The failed write, naming the log it failed on.
    pub error: RunError,
    /// The instant (virtual ns) every log was cut back to.
    pub at_ns: u64,
}

/// One machine's log: its file, what is on disk, and the lines buffered for it.
struct Log {
    path: PathBuf,
    file: File,
    /// Bytes of whole lines written to the file.
    on_disk: u64,
    buffer: Vec<u8>,
    /// The instant of the first buffered line.
    buffered_from: Option<u64>,
}

/// Writes each machine's lines to its log file, in blocks of [`BUFFER`] bytes.
///
/// It halts (takes no more lines, so the engine stops at its next event) on a stop signal, when
/// the logs reach the size cap, or at the first failed write; [`FileSink::finish`] then cuts
/// every log back to one instant (see [`super::cut`]).
pub(super) struct FileSink {
    logs: Vec<Log>,
    stamper: Stamper,
    timestamp: String,
    /// The first failed write: the log's index and the error.
    failed: Option<(usize, std::io::Error)>,
    /// Bytes of lines taken, and the cap on them (`--max-log-size`).
    total: u64,
    cap: Option<u64>,
    /// [`TEST_LOG_LIMIT_ENV`]: a log "fills the disk" beyond this many bytes.
    limit: Option<u64>,
    signals: Option<StopWatch>,
}

impl FileSink {
    pub(super) fn create(
        run_dir: &Path,
        machines: u32,
        cap: Option<u64>,
        signals: Option<StopWatch>,
    ) -> Result<FileSink, RunError> {
        let logs = (0..machines)
            .map(|id| {
                let path = run_dir.join(log_format::log_file_name(id));
                // Exclusively, like a real machine's log: never over another run's.
                let file = File::create_new(&path).map_err(|source| RunError::Log {
                    path: path.clone(),
                    source,
                })?;
                Ok(Log {
                    path,
                    file,
                    on_disk: 0,
                    buffer: Vec::with_capacity(BUFFER),
                    buffered_from: None,
                })
            })
            .collect::<Result<Vec<_>, RunError>>()?;
        Ok(FileSink {
            logs,
            stamper: Stamper::default(),
            timestamp: String::with_capacity(32),
            failed: None,
            total: 0,
            cap,
            limit: std::env::var(TEST_LOG_LIMIT_ENV)
                .ok()
                .and_then(|v| v.parse().ok()),
            signals,
        })
    }

    /// Why the sink halted, if it did.
    pub(super) fn halt(&self) -> Option<Halt> {
        if self.failed.is_some() {
            return Some(Halt::Failed);
        }
        if let Some(stop) = self.signals.as_ref().and_then(StopWatch::stop) {
            return Some(Halt::Signal(stop));
        }
        match self.cap {
            Some(cap) if self.total >= cap => Some(Halt::Cap),
            _ => None,
        }
    }

    /// Write out every buffered line. After a failed write, cut every log back to whole lines
    /// before one instant instead, and say which log failed.
    pub(super) fn finish(mut self) -> Result<(), Cut> {
        for i in 0..self.logs.len() {
            if self.failed.is_some() {
                break;
            }
            self.write_out(i);
        }
        let Some((failed, source)) = self.failed.take() else {
            return Ok(());
        };
        let error = RunError::Log {
            path: self.logs[failed].path.clone(),
            source,
        };
        let at_ns = cut::instant(self.logs.iter().map(|log| log.buffered_from))
            .expect("the log that failed had lines buffered");
        let stamp = timestamp(at_ns);
        for log in &self.logs {
            // Cutting needs no space; a log that cannot be cut is left as it is.
            let _ = cut::keep_before(&log.file, log.on_disk, &stamp)
                .and_then(|keep| log.file.set_len(keep));
        }
        Err(Cut { error, at_ns })
    }

    /// Write log `i`'s buffer to its file; a failure (even in part) is kept, and the part that
    /// got out is no line of the log's.
    fn write_out(&mut self, i: usize) {
        let log = &mut self.logs[i];
        if log.buffer.is_empty() {
            return;
        }
        let written = match self.limit {
            Some(limit) if log.on_disk + log.buffer.len() as u64 > limit => {
                let fits = limit.saturating_sub(log.on_disk) as usize;
                let _ = log.file.write_all(&log.buffer[..fits]);
                Err(std::io::Error::from_raw_os_error(libc::ENOSPC))
            }
            _ => log.file.write_all(&log.buffer),
        };
        match written {
            Ok(()) => {
                log.on_disk += log.buffer.len() as u64;
                log.buffer.clear();
                log.buffered_from = None;
            }
            Err(e) => {
                let _ = log.file.set_len(log.on_disk);
                self.failed = Some((i, e));
            }
        }
    }
}

impl LineSink for FileSink {
    type At = u64;

    fn line(&mut self, at: u64, machine: u32, event: Event) -> Event {
        if self.failed.is_some() {
            return event;
        }
        self.stamper.write(micros(at), &mut self.timestamp);
        let line = LogLine {
            timestamp: std::mem::take(&mut self.timestamp),
            machine,
            event,
        };
        let i = machine as usize;
        let log = &mut self.logs[i];
        let before = log.buffer.len();
        serde_json::to_writer(&mut log.buffer, &line).expect("a log line serializes");
        log.buffer.push(b'\n');
        log.buffered_from.get_or_insert(at);
        self.total += (log.buffer.len() - before) as u64;
        if log.buffer.len() >= BUFFER {
            self.write_out(i);
        }
        self.timestamp = line.timestamp;
        line.event
    }

    fn halted(&self) -> bool {
        self.halt().is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_count_from_the_fixed_epoch_in_microseconds() {
        assert_eq!(timestamp(0), "2026-01-01T00:00:00.000000Z");
        assert_eq!(timestamp(1_500_000_999), "2026-01-01T00:00:01.500000Z");
        assert_eq!(timestamp(86_400_000_000_000), "2026-01-02T00:00:00.000000Z");
        let mut stamper = Stamper::default();
        let mut out = String::new();
        stamper.write(micros(61_000_001_000), &mut out);
        assert_eq!(out, "2026-01-01T00:01:01.000001Z");
        assert!(humantime::parse_rfc3339(&out).is_ok());
    }
}
