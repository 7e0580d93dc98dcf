//! `manifest.json`: what a run directory holds, written by the supervisor and read by the analysis.

use std::net::SocketAddr;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::control::StopReport;
use crate::scenario::Scenario;

/// Version of the manifest layout.
pub const MANIFEST_VERSION: u32 = 1;

/// The run manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub manifest_version: u32,
    /// Version of the machine log format ([`crate::log_format::FORMAT_VERSION`]).
    pub log_format: u32,
    pub logiclock_version: String,
    /// The resolved scenario, seed included.
    pub scenario: Scenario,
    /// System time the tick loops were told to start at, RFC 3339.
    pub started_at: String,
    pub machines: Vec<MachineEntry>,
    /// Filled in when the run has ended.
    pub outcome: Option<Outcome>,
}

/// One model machine of the run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MachineEntry {
    pub id: u32,
    /// Ticks per model second.
    pub rate: u32,
    /// Real microseconds between ticks.
    pub interval_us: f64,
    pub addr: SocketAddr,
    pub pid: u32,
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
            rate,
            interval_us,
            addr,
            pid,
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
pub struct Outcome {
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
    /// The machines concerned.
    pub machines: Vec<u32>,
    pub detail: String,
}

/// How one machine process ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MachineExit {
    pub id: u32,
    /// "exit 0", "exit 3", "killed by signal 9", ...
    pub status: String,
    pub clean: bool,
    /// Its final figures, when it reported them.
    pub report: Option<StopReport>,
}

impl Manifest {
    /// Read the manifest of a run directory.
    pub fn read(run_dir: &Path) -> anyhow::Result<Manifest> {
        use anyhow::Context;
        let path = run_dir.join(crate::log_format::MANIFEST_FILE);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("failed to read {}", path.display()))?;
        serde_json::from_str(&text).with_context(|| format!("failed to parse {}", path.display()))
    }

    /// Write the manifest into `run_dir` atomically (a temporary file, then a rename).
    pub fn write(&self, run_dir: &Path) -> std::io::Result<()> {
        let path = run_dir.join(crate::log_format::MANIFEST_FILE);
        let tmp = run_dir.join(".manifest.json.tmp");
        let json = serde_json::to_vec_pretty(self).expect("the manifest always serializes");
        std::fs::write(&tmp, json)?;
        std::fs::rename(&tmp, &path)
    }
}
