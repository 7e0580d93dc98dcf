//! What a run leaves behind: its manifest, its outcome, and the report `run` returns.

use std::path::PathBuf;
use std::time::SystemTime;

use super::actor::{Slot, Supervisor};
use super::child::describe;
use super::error::SupervisorError;
use super::signal::Stop;
use crate::log_format;
use crate::manifest::{MachineEntry, MachineExit, Manifest, Outcome, MANIFEST_VERSION};

/// Where and how to run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// The run directory; by default a new one under `runs_root`.
    pub out: Option<PathBuf>,
    pub runs_root: PathBuf,
    pub quiet: bool,
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

    /// 0 for a clean run, 130/143 after SIGINT/SIGTERM, 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        match (self.stopped_by, self.clean()) {
            (Some(stop), _) => stop.exit_code(),
            (None, true) => 0,
            (None, false) => 1,
        }
    }
}

impl Supervisor {
    pub(super) fn manifest(&self, started_at: SystemTime) -> Manifest {
        Manifest {
            manifest_version: MANIFEST_VERSION,
            log_format: log_format::FORMAT_VERSION,
            engine: Default::default(),
            logiclock_version: env!("CARGO_PKG_VERSION").to_owned(),
            scenario: self.scenario.clone(),
            started_at: humantime::format_rfc3339_micros(started_at).to_string(),
            machines: (0u32..)
                .zip(&self.slots)
                .map(|(id, s)| {
                    let addr = s
                        .addr
                        .expect("the manifest is written after every machine listens");
                    let interval_us = self.scenario.tick_interval(s.rate).as_secs_f64() * 1e6;
                    MachineEntry::new(id, s.rate, interval_us, addr, s.child.pid)
                })
                .collect(),
            outcome: None,
        }
    }

    pub(super) fn outcome(&self, reason: String) -> Outcome {
        Outcome {
            ended_at: humantime::format_rfc3339_micros(SystemTime::now()).to_string(),
            clean: self.slots.iter().all(Slot::clean),
            reason,
            faults: self.fault_log.clone(),
            exits: (0u32..)
                .zip(&self.slots)
                .map(|(id, s)| MachineExit {
                    id,
                    status: match (s.exit, s.killed, s.fault_killed) {
                        (Some(status), _, true) => format!("{} (kill fault)", describe(&status)),
                        (Some(status), true, _) => {
                            format!("{} (killed by the supervisor)", describe(&status))
                        }
                        (Some(status), false, false) => describe(&status),
                        (None, _, _) => "unknown".to_owned(),
                    },
                    clean: s.clean(),
                    report: s.report.clone(),
                })
                .collect(),
        }
    }

    pub(super) fn write_manifest(&self, manifest: &Manifest) -> Result<(), SupervisorError> {
        manifest
            .write(&self.run_dir)
            .map_err(|source| SupervisorError::Manifest {
                path: self.run_dir.clone(),
                source,
            })
    }
}
