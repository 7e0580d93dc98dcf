//! `run --engine sim` end to end: claim the run directory, simulate into its logs, and write the
//! manifest through the run layer's one builder, with `engine = "sim"`.

use std::net::SocketAddr;

use super::engine::{Engine, SimOutcome};
use super::write::{timestamp, FileSink};
use crate::manifest::{
    FaultCause, FaultRecord, MachineEnd, MachineEntry, MachineExit, Manifest, Restart,
};
use crate::run::manifest::{self, Ending, ManifestBuilder};
use crate::run::{dir as run_dir, RunError, RunOptions, RunReport};
use crate::scenario::Scenario;

/// Simulate `scenario` and write its run directory (`options.out`, or a new one under
/// `options.runs_root`).
pub fn run(scenario: Scenario, options: &RunOptions) -> Result<RunReport, RunError> {
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
    let manifest = manifest_of(ManifestBuilder::new(options), scenario, &periods, &outcome);
    manifest::write(&manifest, &run_dir)?;
    Ok(RunReport {
        run_dir,
        manifest,
        stopped_by: None,
    })
}

/// The manifest of a simulated run: what a real run's would say, with no processes or ports.
fn manifest_of(
    builder: ManifestBuilder,
    scenario: Scenario,
    periods: &[(u32, u64)],
    outcome: &SimOutcome,
) -> Manifest {
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
        .map(|(at, kind, phase, machines, detail, outcome)| FaultRecord {
            at: timestamp(*at),
            kind: *kind,
            phase: Some(*phase),
            machines: machines.clone(),
            detail: detail.clone(),
            cause: FaultCause::Planned,
            outcome: outcome.clone(),
        })
        .collect();
    let mut manifest = builder.start(scenario, timestamp(0), machines);
    manifest::finish(
        &mut manifest,
        Ending {
            ended_at: timestamp(outcome.end_ns),
            clean: true,
            reason: "completed".to_owned(),
            faults,
            exits,
        },
    );
    manifest
}
