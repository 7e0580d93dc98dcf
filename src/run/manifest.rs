//! The one builder of `manifest.json`, used by both engines: what every run's manifest says
//! (versions, engine, scenario, batch provenance) is decided here once; an engine adds only what
//! it alone knows (its machines' addresses and processes, and how each ended).

use std::path::Path;

use super::error::RunError;
use super::options::RunOptions;
use crate::log_format;
use crate::manifest::{
    BatchMember, Engine, Estimate, FaultRecord, MachineEntry, MachineExit, Manifest, RunOutcome,
    MANIFEST_VERSION,
};
use crate::scenario::Scenario;

/// Builds the manifest of one run: the engine and the batch provenance come from its options.
#[derive(Debug, Clone)]
pub(crate) struct ManifestBuilder {
    pub engine: Engine,
    pub batch: Option<BatchMember>,
}

/// How a run ended, as its engine saw it.
#[derive(Debug, Clone)]
pub(crate) struct Ending {
    /// RFC 3339, as `started_at`.
    pub ended_at: String,
    /// Every machine stopped on request (or by a kill fault) and exited 0.
    pub clean: bool,
    /// "completed", "interrupted (SIGINT)", ...
    pub reason: String,
    pub faults: Vec<FaultRecord>,
    pub exits: Vec<MachineExit>,
}

impl ManifestBuilder {
    /// The builder for a run carried out with `options`.
    pub(crate) fn new(options: &RunOptions) -> ManifestBuilder {
        ManifestBuilder {
            engine: options.engine,
            batch: options.batch.clone(),
        }
    }

    /// The manifest of a run whose machines are ready, before its outcome is known.
    pub(crate) fn start(
        &self,
        scenario: Scenario,
        started_at: String,
        machines: Vec<MachineEntry>,
    ) -> Manifest {
        let estimate = Some(Estimate::of(&scenario, self.engine));
        let speedup_warning = super::fidelity::speedup_warning(&scenario, self.engine);
        Manifest {
            manifest_version: MANIFEST_VERSION,
            log_format: log_format::FORMAT_VERSION,
            logiclock_version: env!("CARGO_PKG_VERSION").to_owned(),
            engine: self.engine,
            scenario: Some(scenario),
            imported: None,
            batch: self.batch.clone(),
            estimate,
            speedup_warning,
            started_at,
            machines,
            outcome: None,
        }
    }
}

/// Fill in how the run ended.
pub(crate) fn finish(manifest: &mut Manifest, ending: Ending) {
    manifest.outcome = Some(RunOutcome {
        ended_at: ending.ended_at,
        clean: ending.clean,
        reason: ending.reason,
        faults: ending.faults,
        exits: ending.exits,
    });
}

/// Write the manifest into the run directory (atomically: see [`Manifest::write`]).
pub(crate) fn write(manifest: &Manifest, run_dir: &Path) -> Result<(), RunError> {
    manifest
        .write(run_dir)
        .map_err(|source| RunError::Manifest {
            path: run_dir.to_owned(),
            source,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(engine: Engine, batch: Option<BatchMember>) -> RunOptions {
        RunOptions {
            out: None,
            runs_root: "runs".into(),
            quiet: true,
            engine,
            batch,
            max_log_size: None,
        }
    }

    #[test]
    fn the_engine_and_the_batch_record_come_from_the_options() {
        let member = BatchMember {
            key: Some("events.die".into()),
            value: Some(serde_json::json!(6)),
            swept: Default::default(),
            seed: 42,
        };
        let builder = ManifestBuilder::new(&options(Engine::Sim, Some(member.clone())));
        let manifest = builder.start(Scenario::default(), "t0".into(), Vec::new());
        assert_eq!(manifest.engine, Engine::Sim);
        assert_eq!(manifest.batch, Some(member));
        let json = serde_json::to_value(&manifest).unwrap();
        assert_eq!(json["batch"]["value"], 6, "a number stays a number: {json}");
    }

    #[test]
    fn a_run_outside_a_batch_has_no_batch_field() {
        let builder = ManifestBuilder::new(&options(Engine::Real, None));
        let mut manifest = builder.start(Scenario::default(), "t0".into(), Vec::new());
        finish(
            &mut manifest,
            Ending {
                ended_at: "t1".into(),
                clean: true,
                reason: "completed".into(),
                faults: Vec::new(),
                exits: Vec::new(),
            },
        );
        let json = serde_json::to_value(&manifest).unwrap();
        assert!(json.get("batch").is_none(), "{json}");
        assert_eq!(json["outcome"]["reason"], "completed");
    }
}
