//! The simulated run's logs: one buffered JSON-lines log per machine in the log contract
//! (`log_format::LogLine`), with timestamps in virtual time from [`EPOCH`].

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::log_format::{self, Event, LogLine};
use crate::model::LineSink;
use crate::run::RunError;

/// Unix time (seconds) of virtual time 0: 2026-01-01T00:00:00Z.
pub(crate) const EPOCH: u64 = 1_767_225_600;

/// Bytes buffered per log file before a write.
const BUFFER: usize = 256 * 1024;

/// RFC 3339 UTC with microseconds of virtual time `ns`, as a real machine's log layer writes it.
pub(crate) fn timestamp(ns: u64) -> String {
    let mut out = String::new();
    Stamper::default().write(ns, &mut out);
    out
}

/// Formats timestamps, redoing the date only when the second changes.
#[derive(Debug, Default)]
struct Stamper {
    second: Option<u64>,
    /// `YYYY-MM-DDTHH:MM:SS` of `second`.
    prefix: String,
}

impl Stamper {
    fn write(&mut self, ns: u64, out: &mut String) {
        use std::fmt::Write as _;
        let second = ns / 1_000_000_000;
        if self.second != Some(second) {
            let at = SystemTime::UNIX_EPOCH + Duration::from_secs(EPOCH + second);
            let text = humantime::format_rfc3339_seconds(at).to_string();
            self.prefix = text.trim_end_matches('Z').to_owned();
            self.second = Some(second);
        }
        out.clear();
        out.push_str(&self.prefix);
        let micros = (ns % 1_000_000_000) / 1_000;
        write!(out, ".{micros:06}Z").expect("writing to a String cannot fail");
    }
}

/// Writes each machine's lines to its log file.
pub(super) struct FileSink {
    files: Vec<(PathBuf, BufWriter<File>)>,
    stamper: Stamper,
    timestamp: String,
    error: Option<RunError>,
}

impl FileSink {
    pub(super) fn create(run_dir: &Path, machines: u32) -> Result<FileSink, RunError> {
        let files = (0..machines)
            .map(|id| {
                let path = run_dir.join(log_format::log_file_name(id));
                // Exclusively, like a real machine's log: never over another run's.
                let file = File::create_new(&path).map_err(|source| RunError::Log {
                    path: path.clone(),
                    source,
                })?;
                Ok((path, BufWriter::with_capacity(BUFFER, file)))
            })
            .collect::<Result<Vec<_>, RunError>>()?;
        Ok(FileSink {
            files,
            stamper: Stamper::default(),
            timestamp: String::with_capacity(32),
            error: None,
        })
    }

    /// Flush every log; the first write error, if any, is returned here.
    pub(super) fn finish(mut self) -> Result<(), RunError> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        for (path, file) in &mut self.files {
            file.flush().map_err(|source| RunError::Log {
                path: path.clone(),
                source,
            })?;
        }
        Ok(())
    }
}

impl LineSink for FileSink {
    type At = u64;

    fn line(&mut self, at: u64, machine: u32, event: Event) -> Event {
        self.stamper.write(at, &mut self.timestamp);
        let line = LogLine {
            timestamp: std::mem::take(&mut self.timestamp),
            machine,
            event,
        };
        if self.error.is_none() {
            let (path, file) = &mut self.files[machine as usize];
            let written = serde_json::to_writer(&mut *file, &line)
                .map_err(std::io::Error::from)
                .and_then(|()| file.write_all(b"\n"));
            if let Err(source) = written {
                self.error = Some(RunError::Log {
                    path: path.clone(),
                    source,
                });
            }
        }
        self.timestamp = line.timestamp;
        line.event
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
        stamper.write(61_000_001_000, &mut out);
        assert_eq!(out, "2026-01-01T00:01:01.000001Z");
        assert!(humantime::parse_rfc3339(&out).is_ok());
    }
}
