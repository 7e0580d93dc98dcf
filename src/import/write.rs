//! Writing an imported run directory: claimed exclusively like a run's, each machine's lines
//! written by the engines' own log writer ([`LogSink`]), then `manifest.json` saying the run was
//! imported and what of it is unknown.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::convert::Converted;
use crate::log_format::{self, timestamp};
use crate::machine::log_writer::LogSink;
use crate::manifest::{
    line_ranges, Engine, Imported, ImportedFile, ImportedTimestamps, MachineEntry, Manifest,
    MANIFEST_VERSION,
};
use crate::model::LineSink;

/// What logiclock cannot know of an imported run, as the manifest lists it.
const UNKNOWN: [&str; 7] = [
    "scenario: rates, seed, die, duration and speedup (`scenario` is null)",
    "each machine's rate and tick interval (`rate`, `interval_us` are null)",
    "each machine's address and process id (`addr`, `pid` are null)",
    "how the run ended (`outcome` is null)",
    "start and stop lines (none are written)",
    "physical and hybrid logical clocks (no `pt_us` or `hlc`)",
    "faults (none are recorded)",
];

/// Why the run directory could not be written.
#[derive(Debug, thiserror::Error)]
pub(crate) enum WriteError {
    #[error("failed to write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("failed to write {}: {why}", path.display())]
    Log { path: PathBuf, why: String },
}

/// Where the logs came from, for the manifest.
#[derive(Debug, Clone)]
pub(crate) struct Source {
    pub dir: PathBuf,
    /// `json_lines`, `csv` or `shiviz`.
    pub format: String,
}

/// Write `converted` into `run_dir` (already claimed, empty but for its claim file).
pub(crate) fn write_run(
    run_dir: &Path,
    converted: &Converted,
    source: &Source,
) -> Result<Manifest, WriteError> {
    for m in &converted.machines {
        let path = run_dir.join(log_format::log_file_name(m.machine));
        let mut sink = LogSink::create(&path).map_err(|source| WriteError::Write {
            path: path.clone(),
            source,
        })?;
        for (at, event) in &m.lines {
            sink.line(timestamp::system_of(*at), m.machine, event.clone());
        }
        if let Some(failure) = sink.failure() {
            return Err(WriteError::Log {
                path,
                why: failure.error,
            });
        }
    }
    let manifest = manifest(converted, source, SystemTime::now());
    manifest
        .write(run_dir)
        .map_err(|source| WriteError::Write {
            path: run_dir.join(log_format::MANIFEST_FILE),
            source,
        })?;
    Ok(manifest)
}

/// The manifest of an imported run made at `now`.
pub(crate) fn manifest(converted: &Converted, source: &Source, now: SystemTime) -> Manifest {
    let first = converted
        .machines
        .iter()
        .filter_map(|m| m.lines.first().map(|(at, _)| *at))
        .min()
        .unwrap_or(super::convert::SYNTHETIC_EPOCH_US);
    let machines = converted
        .machines
        .iter()
        .map(|m| MachineEntry {
            id: m.machine,
            rate: None,
            interval_us: None,
            addr: None,
            pid: None,
            log: log_format::log_file_name(m.machine),
            restarts: Vec::new(),
        })
        .collect();
    Manifest {
        manifest_version: MANIFEST_VERSION,
        log_format: log_format::FORMAT_VERSION,
        logiclock_version: env!("CARGO_PKG_VERSION").to_owned(),
        engine: Engine::Imported,
        scenario: None,
        imported: Some(Imported {
            source: source.dir.display().to_string(),
            format: source.format.clone(),
            at: timestamp::format_system(now),
            timestamps: if converted.synthetic_times {
                ImportedTimestamps::Synthetic
            } else {
                ImportedTimestamps::Logged
            },
            files: converted
                .machines
                .iter()
                .map(|m| ImportedFile {
                    machine: m.machine,
                    source: m.source.display().to_string(),
                    lines: line_ranges(&m.source_lines),
                })
                .collect(),
            unknown: UNKNOWN.iter().map(|s| (*s).to_owned()).collect(),
            derived: converted.derived.clone(),
        }),
        batch: None,
        estimate: None,
        speedup_warning: None,
        started_at: timestamp::format_micros(first),
        machines,
        outcome: None,
    }
}

#[cfg(test)]
mod tests;
