//! The simulated run's directory: one buffered JSON-lines log per machine in the log contract
//! (`log_format::LogLine`), and the same `manifest.json` a real run writes, with `engine = "sim"`.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::engine::{Engine, SimOutcome};
use super::Sink;
use crate::log_format::{self, Event, LogLine};
use crate::manifest::{
    self, FaultRecord, MachineEnd, MachineEntry, MachineExit, Manifest, Outcome, Restart,
    MANIFEST_VERSION,
};
use crate::scenario::Scenario;
use crate::supervisor::run_dir::{self, RunDirError};
use crate::supervisor::{RunOptions, RunReport, SupervisorError};

/// Unix time (seconds) of virtual time 0: 2026-01-01T00:00:00Z.
pub const EPOCH: u64 = 1_767_225_600;

/// Bytes buffered per log file before a write.
const BUFFER: usize = 256 * 1024;

/// Why a simulated run could not be written.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error(transparent)]
    RunDir(#[from] RunDirError),
    #[error("failed to write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl From<SimError> for SupervisorError {
    /// A batch reports both engines' failures alike.
    fn from(e: SimError) -> SupervisorError {
        match e {
            SimError::RunDir(e) => SupervisorError::RunDir(e),
            SimError::Write { path, source } => SupervisorError::Manifest { path, source },
        }
    }
}

/// Simulate `scenario` and write its run directory (`options.out`, or a new one under
/// `options.runs_root`).
pub fn run(scenario: Scenario, options: &RunOptions) -> Result<RunReport, SimError> {
    let run_dir = run_dir::claim_run(
        options.out.as_deref(),
        &options.runs_root,
        &scenario.name,
        scenario.seed,
    )?;
    let engine = Engine::new(&scenario);
    let periods = engine.periods();
    let mut sink = FileSink::create(&run_dir, periods.len() as u32)?;
    let outcome = engine.run(&mut sink);
    sink.finish()?;
    let manifest = manifest_of(scenario, &periods, &outcome);
    manifest.write(&run_dir).map_err(|source| SimError::Write {
        path: run_dir.join(log_format::MANIFEST_FILE),
        source,
    })?;
    Ok(RunReport {
        run_dir,
        manifest,
        stopped_by: None,
    })
}

/// RFC 3339 UTC with microseconds of virtual time `ns`, as a real machine's log layer writes it.
pub fn timestamp(ns: u64) -> String {
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
struct FileSink {
    files: Vec<(PathBuf, BufWriter<File>)>,
    stamper: Stamper,
    timestamp: String,
    error: Option<SimError>,
}

impl FileSink {
    fn create(run_dir: &Path, machines: u32) -> Result<FileSink, SimError> {
        let files = (0..machines)
            .map(|id| {
                let path = run_dir.join(log_format::log_file_name(id));
                // Exclusively, like a real machine's log: never over another run's.
                let file = File::create_new(&path).map_err(|source| SimError::Write {
                    path: path.clone(),
                    source,
                })?;
                Ok((path, BufWriter::with_capacity(BUFFER, file)))
            })
            .collect::<Result<Vec<_>, SimError>>()?;
        Ok(FileSink {
            files,
            stamper: Stamper::default(),
            timestamp: String::with_capacity(32),
            error: None,
        })
    }

    /// Flush every log; the first write error, if any, is returned here.
    fn finish(mut self) -> Result<(), SimError> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        for (path, file) in &mut self.files {
            file.flush().map_err(|source| SimError::Write {
                path: path.clone(),
                source,
            })?;
        }
        Ok(())
    }
}

impl Sink for FileSink {
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
                self.error = Some(SimError::Write {
                    path: path.clone(),
                    source,
                });
            }
        }
        self.timestamp = line.timestamp;
        line.event
    }
}

/// The manifest of a simulated run: what a real run's would say, with no processes or ports.
fn manifest_of(scenario: Scenario, periods: &[(u32, u64)], outcome: &SimOutcome) -> Manifest {
    let addr = SocketAddr::new(scenario.host, 0);
    let machines = (0u32..)
        .zip(periods)
        .map(|(id, &(rate, period_ns))| {
            let mut entry = MachineEntry::new(id, rate, period_ns as f64 / 1e3, addr, 0);
            let restarts = outcome.restarts[id as usize] as usize;
            entry.restarts = vec![Restart { pid: 0, addr: None }; restarts];
            entry
        })
        .collect();
    let exits = (0u32..)
        .zip(&outcome.reports)
        .map(|(id, report)| MachineExit {
            id,
            status: match report {
                Some(_) => MachineEnd::Exited { code: 0 },
                None => MachineEnd::KilledByFault,
            },
            // A machine a kill fault ended counts as clean, as in a real run.
            clean: true,
            report: report.clone(),
        })
        .collect();
    let faults = outcome
        .faults
        .iter()
        .map(|(at, kind, phase, machines, detail)| FaultRecord {
            at: timestamp(*at),
            kind: *kind,
            phase: Some(*phase),
            machines: machines.clone(),
            detail: detail.clone(),
        })
        .collect();
    Manifest {
        manifest_version: MANIFEST_VERSION,
        log_format: log_format::FORMAT_VERSION,
        engine: manifest::Engine::Sim,
        logiclock_version: env!("CARGO_PKG_VERSION").to_owned(),
        scenario,
        started_at: timestamp(0),
        machines,
        outcome: Some(Outcome {
            ended_at: timestamp(outcome.end_ns),
            clean: true,
            reason: "completed".to_owned(),
            faults,
            exits,
        }),
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
