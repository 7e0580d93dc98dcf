//! What a run leaves behind: its manifest, its outcome, and the report `run` returns.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::error::SupervisorError;
use super::signal::Stop;
use super::slot::Slot;
use crate::exit::Exit;
use crate::log_format;
use crate::manifest::{
    Engine, FaultRecord, MachineEnd, MachineEntry, MachineExit, Manifest, Outcome, Restart,
    MANIFEST_VERSION,
};
use crate::scenario::Scenario;

/// Where and how to run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// The run directory; by default a new one under `runs_root`.
    pub out: Option<PathBuf>,
    pub runs_root: PathBuf,
    pub quiet: bool,
    /// Real processes, or the simulated twin.
    pub engine: Engine,
}

/// How a run went.
#[derive(Debug)]
pub struct RunReport {
    pub run_dir: PathBuf,
    pub manifest: Manifest,
    /// The signal that ended the run early, if one did.
    pub stopped_by: Option<Stop>,
}

impl RunReport {
    /// Every machine ran and stopped cleanly.
    pub fn clean(&self) -> bool {
        self.manifest.outcome.as_ref().is_some_and(|o| o.clean)
    }

    /// Clean (0), stopped by a signal (130/143), or not clean (1).
    pub fn exit(&self) -> Exit {
        match (self.stopped_by, self.clean()) {
            (Some(stop), _) => stop.exit(),
            (None, true) => Exit::Clean,
            (None, false) => Exit::NotClean,
        }
    }
}

/// The manifest of a run whose machines all listen, before its outcome is known.
pub fn manifest(scenario: &Scenario, slots: &[Slot], started_at: SystemTime) -> Manifest {
    Manifest {
        manifest_version: MANIFEST_VERSION,
        log_format: log_format::FORMAT_VERSION,
        engine: Engine::Real,
        logiclock_version: env!("CARGO_PKG_VERSION").to_owned(),
        scenario: scenario.clone(),
        started_at: humantime::format_rfc3339_micros(started_at).to_string(),
        machines: (0u32..)
            .zip(slots)
            .map(|(id, s)| {
                let addr = s
                    .addr
                    .expect("the manifest is written after every machine listens");
                let interval_us = scenario.tick_interval(s.rate).as_secs_f64() * 1e6;
                MachineEntry::new(id, s.rate, interval_us, addr, s.child.pid)
            })
            .collect(),
        outcome: None,
    }
}

/// Fill in what happened after the start: each machine's restarts and how the run ended.
pub fn finish(manifest: &mut Manifest, slots: &[Slot], reason: String, faults: Vec<FaultRecord>) {
    // The manifest names each machine's first process; later ones are its restarts.
    for (entry, slot) in manifest.machines.iter_mut().zip(slots) {
        if slot.earlier.is_empty() {
            continue;
        }
        let later = slot.earlier[1..].iter().copied();
        entry.restarts = later
            .chain([(slot.child.pid, slot.addr)])
            .map(|(pid, addr)| Restart { pid, addr })
            .collect();
    }
    manifest.outcome = Some(Outcome {
        ended_at: humantime::format_rfc3339_micros(SystemTime::now()).to_string(),
        clean: slots.iter().all(Slot::clean),
        reason,
        faults,
        exits: (0u32..)
            .zip(slots)
            .map(|(id, s)| MachineExit {
                id,
                status: s.state.end().unwrap_or(MachineEnd::Unknown),
                clean: s.clean(),
                report: s.report.clone(),
            })
            .collect(),
    });
}

/// Write the manifest into the run directory.
pub fn write(manifest: &Manifest, run_dir: &Path) -> Result<(), SupervisorError> {
    manifest
        .write(run_dir)
        .map_err(|source| SupervisorError::Manifest {
            path: run_dir.to_owned(),
            source,
        })
}
