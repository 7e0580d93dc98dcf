//! `run --engine sim` end to end: claim the run directory, simulate into its logs, and write the
//! manifest through the run layer's one builder, with `engine = "sim"`.

use std::net::SocketAddr;

use super::engine::{Engine, SimOutcome};
use super::write::{timestamp, FileSink, Halt};
use crate::manifest::{
    FaultCause, FaultRecord, MachineEnd, MachineEntry, MachineExit, Manifest, Restart,
};
use crate::run::manifest::{self, Ending, ManifestBuilder};
use crate::run::signal::StopWatch;
use crate::run::LogCap;
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
    // Listened for by this run, whatever the inherited disposition (see `Stops`), on a task of
    // the caller's tokio runtime (outside one, as in a benchmark, no signal is listened for).
    let signals = match tokio::runtime::Handle::try_current() {
        Ok(_) => Some(StopWatch::start().map_err(RunError::Signals)?),
        Err(_) => None,
    };
    let cap = options.max_log_size.map(|cap| cap.0);
    let mut sink = FileSink::create(&run_dir, periods.len() as u32, cap, signals)?;
    let mut outcome = engine.run(&mut sink);
    let halt = sink.halt();
    let builder = ManifestBuilder::new(options);
    if let Err(cut) = sink.finish() {
        // The logs were cut back to `cut.at_ns`: the manifest says so, if there is room for it.
        outcome.end_ns = cut.at_ns;
        outcome.faults.retain(|(at, ..)| *at < cut.at_ns);
        let reason = format!("stopped: {}", cut.error);
        let ending = SimEnding {
            clean: false,
            reason,
            stopped_in_order: false,
        };
        let manifest = manifest_of(builder, scenario, &periods, &outcome, ending);
        let _ = manifest::write(&manifest, &run_dir);
        return Err(cut.error);
    }
    let (clean, reason, stopped_by) = match halt {
        None => (true, "completed".to_owned(), None),
        // Every machine stopped in order, as a real run stopped by the signal.
        Some(Halt::Signal(stop)) => (true, format!("interrupted by {}", stop.name()), Some(stop)),
        // A planned stop short of the duration: every log ends with its stop line, but the run
        // did not run its course (exit 1).
        // (A failed write ended in a cut above.)
        Some(Halt::Cap | Halt::Failed) => {
            let reason = options.max_log_size.map(LogCap::reason);
            (
                false,
                reason.unwrap_or_else(|| "stopped early".to_owned()),
                None,
            )
        }
    };
    let ending = SimEnding {
        clean,
        reason,
        stopped_in_order: true,
    };
    let manifest = manifest_of(builder, scenario, &periods, &outcome, ending);
    manifest::write(&manifest, &run_dir)?;
    Ok(RunReport {
        run_dir,
        manifest,
        stopped_by,
    })
}

/// How a simulated run ended, for its manifest.
struct SimEnding {
    /// The run's outcome: clean, or not (a cap, a failed write).
    clean: bool,
    reason: String,
    /// Every machine wrote its stop line (false: the logs were cut after a failed write).
    stopped_in_order: bool,
}

/// The manifest of a simulated run: what a real run's would say, with no processes or ports.
fn manifest_of(
    builder: ManifestBuilder,
    scenario: Scenario,
    periods: &[(u32, u64)],
    outcome: &SimOutcome,
    ending: SimEnding,
) -> Manifest {
    let SimEnding {
        clean,
        reason,
        stopped_in_order,
    } = ending;
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
                Some(_) if stopped_in_order => MachineEnd::Exited { code: 0 },
                // Its log could not be written: it stopped as a real machine does then.
                Some(_) => MachineEnd::Exited { code: 1 },
                None => MachineEnd::KilledByFault,
            },
            // A machine a kill fault ended counts as clean, as in a real run.
            clean: stopped_in_order || report.is_none(),
            report: report.clone().filter(|_| stopped_in_order),
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
            clean,
            reason,
            faults,
            exits,
        },
    );
    manifest
}
