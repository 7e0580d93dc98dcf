//! `manifest.json`: what a run directory holds, written by the supervisor and read by the analysis.

use std::net::SocketAddr;
use std::path::Path;

use serde::{Deserialize, Serialize};

mod end;
mod imported;
pub use end::MachineEnd;
pub use imported::{line_ranges, Imported, ImportedFile, ImportedTimestamps};

use crate::model::machine::StopReport;
use crate::scenario::Scenario;

/// Version of the manifest layout. 2: a machine's end ([`MachineEnd`]) is a tagged object, no
/// longer a text. 3: a fault record has a `phase` ([`FaultRecord::phase`]). Manifests of
/// versions 1 and 2 are still read (the run log reader infers their records' phases).
/// An imported run (`engine: "imported"`, with its `imported` record) has `null` for what it
/// cannot know (`scenario`, a machine's `rate`, `interval_us`, `addr` and `pid`); every manifest
/// written before reads as it is, so the version stays.
pub const MANIFEST_VERSION: u32 = 3;

/// The run manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub manifest_version: u32,
    /// Version of the machine log format ([`crate::log_format::FORMAT_VERSION`]).
    pub log_format: u32,
    pub logiclock_version: String,
    /// What ran the scenario; manifests written before engines existed were real runs.
    #[serde(default)]
    pub engine: Engine,
    /// The resolved scenario, seed included; `null` for an imported run, whose scenario
    /// (rates, seed, die, duration, speedup) logiclock cannot know.
    pub scenario: Option<Scenario>,
    /// Where an imported run's logs came from and what of it is unknown or derived; absent in
    /// runs logiclock carried out (an added optional field: older manifests read as they are).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imported: Option<Imported>,
    /// What a batch (`--repeat`, `--sweep`) set for this run; absent outside a batch and in
    /// batches run before it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch: Option<BatchMember>,
    /// The lines and bytes its logs were expected to reach, estimated before it started; absent
    /// in runs made before the estimate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimate: Option<Estimate>,
    /// The warning `run` gave before it started a real run faster than measured faithful;
    /// absent when it gave none, and in runs made before the warning (an added optional field:
    /// older manifests read as they are, so the version stays).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speedup_warning: Option<SpeedupWarning>,
    /// System time the tick loops were told to start at, RFC 3339.
    pub started_at: String,
    pub machines: Vec<MachineEntry>,
    /// Filled in when the run has ended.
    pub outcome: Option<RunOutcome>,
}

/// What a run (or a batch) will write into its logs, estimated before it starts by
/// [`crate::run::estimate`] and recorded in the manifest.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Estimate {
    pub lines: u64,
    pub bytes: u64,
}

/// A speedup beyond the range measured faithful ([`crate::run::fidelity`]), as warned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpeedupWarning {
    pub speedup: f64,
    /// The highest speedup measured faithful, the limit warned against.
    pub faithful_up_to: f64,
    /// The warning as printed.
    pub message: String,
}

/// A run's place in its batch, recorded when it runs: what the aggregate groups it by.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchMember {
    /// The swept scenario key (`events.die`); `None` in a `--repeat` without `--sweep`.
    pub key: Option<String>,
    /// Its value for this run, with its type (a number stays a number; a TOML float NaN, which
    /// JSON cannot hold, is `null`).
    pub value: Option<serde_json::Value>,
    /// In a grid of several sweeps (whose `key` is their keys joined by commas and `value` the
    /// list of their values), each swept key's value with its type; empty otherwise.
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub swept: serde_json::Map<String, serde_json::Value>,
    pub seed: u64,
}

/// What carries out a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Engine {
    /// One operating-system process per machine, talking TCP on loopback, in real time.
    #[default]
    Real,
    /// The ideal-time twin: a deterministic discrete-event simulation in one process.
    Sim,
    /// Nothing logiclock ran: logs of another implementation, turned into a run directory by
    /// `logiclock import` ([`Imported`] says from where). Not a choice of `run --engine`.
    #[value(skip)]
    Imported,
}

impl Engine {
    /// Whether logiclock ran the scenario itself, so its rates and schedule are known.
    pub fn ran_here(self) -> bool {
        match self {
            Engine::Real | Engine::Sim => true,
            Engine::Imported => false,
        }
    }
}

/// One model machine of the run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MachineEntry {
    pub id: u32,
    /// Ticks per model second; `null` when unknown (an imported run).
    pub rate: Option<u32>,
    /// Real microseconds between ticks; `null` when unknown (an imported run).
    pub interval_us: Option<f64>,
    /// Where it listened; `null` when unknown (an imported run).
    pub addr: Option<SocketAddr>,
    /// Its first process; `null` when unknown (an imported run).
    pub pid: Option<u32>,
    /// Log file name, relative to the run directory.
    pub log: String,
    /// Later processes of this machine (restarts after a kill fault), in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub restarts: Vec<Restart>,
}

impl MachineEntry {
    /// Machine `id` with its log at the standard name and no restarts.
    pub fn new(id: u32, rate: u32, interval_us: f64, addr: SocketAddr, pid: u32) -> MachineEntry {
        MachineEntry {
            id,
            rate: Some(rate),
            interval_us: Some(interval_us),
            addr: Some(addr),
            pid: Some(pid),
            log: crate::log_format::log_file_name(id),
            restarts: Vec::new(),
        }
    }
}

/// A later process of a machine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Restart {
    pub pid: u32,
    pub addr: Option<SocketAddr>,
}

/// How the run ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunOutcome {
    pub ended_at: String,
    /// Every machine stopped on request and exited 0.
    pub clean: bool,
    /// Why the run ended: "completed", "interrupted (SIGINT)", ...
    pub reason: String,
    /// The faults carried out, in order.
    #[serde(default)]
    pub faults: Vec<FaultRecord>,
    pub exits: Vec<MachineExit>,
}

/// One fault action the supervisor carried out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaultRecord {
    /// System time, RFC 3339.
    pub at: String,
    /// What the fault did (`kill`, `pause`, `resume`, `restart`, `delay`, `partition`).
    pub kind: crate::log_format::FaultKind,
    /// Where it stands (version 3); `None` only in an older manifest before
    /// [`crate::runlog::open_run`] infers it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<crate::log_format::FaultPhase>,
    /// The machines concerned.
    pub machines: Vec<u32>,
    pub detail: String,
    /// Why it happened: the scenario's plan (left out of the file), or job control.
    #[serde(default, skip_serializing_if = "FaultCause::is_planned")]
    pub cause: FaultCause,
    /// Whether it was done (left out of the file) or no longer applied when due, and why.
    #[serde(default, skip_serializing_if = "FaultOutcome::is_done")]
    pub outcome: FaultOutcome,
}

/// What became of a fault action when it fell due.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultOutcome {
    /// Carried out.
    #[default]
    Done,
    /// Not carried out, with the reason: it no longer applied (a kill or a pause of a dead
    /// machine), or the run ended first.
    NotApplicable(String),
}

impl FaultOutcome {
    /// It was carried out: the default, which the manifest leaves out.
    pub fn is_done(&self) -> bool {
        *self == FaultOutcome::Done
    }
}

/// Why a fault record's action happened.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultCause {
    /// The scenario's `[[fault]]` plan (and the deaths and restarts it leads to).
    #[default]
    Planned,
    /// Job control: Ctrl-Z (SIGTSTP) to `logiclock run` paused the machines with the supervisor,
    /// `fg` (SIGCONT) resumed them.
    JobControl,
}

impl FaultCause {
    /// The scenario planned it: the default, which the manifest leaves out.
    pub fn is_planned(&self) -> bool {
        *self == FaultCause::Planned
    }
}

/// How one machine process ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MachineExit {
    pub id: u32,
    /// How its last process ended; manifests before this enum hold a text ("exit 0", ...).
    pub status: MachineEnd,
    pub clean: bool,
    /// Its final figures, when it reported them.
    pub report: Option<StopReport>,
}

impl Manifest {
    /// Model seconds per real second: the scenario's, or 1 for an imported run, whose
    /// timestamps are read as they are.
    pub fn speedup(&self) -> f64 {
        self.scenario.as_ref().map_or(1.0, |s| s.speedup)
    }

    /// The scenario's seed; `None` for an imported run.
    pub fn seed(&self) -> Option<u64> {
        self.scenario.as_ref().map(|s| s.seed)
    }

    /// The scenario's name, or for an imported run `imported` and its source.
    pub fn name(&self) -> String {
        match (&self.scenario, &self.imported) {
            (Some(s), _) => s.name.clone(),
            (None, Some(i)) => format!("imported {}", i.source),
            (None, None) => "unknown".to_owned(),
        }
    }

    /// Read the manifest of a run directory.
    pub fn read(run_dir: &Path) -> anyhow::Result<Manifest> {
        use anyhow::Context;
        let path = run_dir.join(crate::log_format::MANIFEST_FILE);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("failed to read {}", path.display()))?;
        serde_json::from_str(&text).with_context(|| format!("failed to parse {}", path.display()))
    }

    /// Write the manifest into `run_dir` atomically (a temporary file, then a rename). On a
    /// failure (a full disk) the temporary file is removed and the manifest there stays as it was.
    pub fn write(&self, run_dir: &Path) -> std::io::Result<()> {
        let path = run_dir.join(crate::log_format::MANIFEST_FILE);
        let json = serde_json::to_vec_pretty(self).expect("the manifest always serializes");
        crate::atomic_file::write(&path, &json)
    }
}

#[cfg(test)]
mod tests;
