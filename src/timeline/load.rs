//! Reading a run directory into a [`Timeline`] through [`crate::runlog`]: every line of every log,
//! merged in time order, with the warnings of the logs.

use std::path::Path;

use crate::log_format::timestamp::parse_micros;
use crate::runlog::{self, RunLogError};

use super::event::{MachineInfo, Timeline};

/// Read the run directory `dir`: its manifest and every line of every machine log.
pub(crate) fn load(dir: &Path) -> Result<Timeline, RunLogError> {
    let run = runlog::open_run(dir)?;
    let manifest_path = dir.join(crate::log_format::MANIFEST_FILE);
    let origin_us =
        parse_micros(&run.manifest.started_at).ok_or_else(|| RunLogError::Manifest {
            path: manifest_path.clone(),
            message: format!("bad started_at {:?}", run.manifest.started_at),
        })?;
    let machines: Vec<MachineInfo> = run
        .manifest
        .machines
        .iter()
        .map(|m| MachineInfo {
            id: m.id,
            rate: m.rate,
            interval_us: m.interval_us,
        })
        .collect();
    let faults = match &run.manifest.outcome {
        Some(outcome) => outcome
            .faults
            .iter()
            // A fault that did not apply changed nothing the timeline shows.
            .filter(|f| f.outcome.is_done())
            .map(|f| {
                let at = parse_micros(&f.at).ok_or_else(|| RunLogError::Manifest {
                    path: manifest_path.clone(),
                    message: format!("bad fault time {:?}", f.at),
                })?;
                Ok((at, f.clone()))
            })
            .collect::<Result<_, RunLogError>>()?,
        None => Vec::new(),
    };
    let mut events = Vec::new();
    let warnings = runlog::merge_run(&run, |_, e| {
        events.push(e);
        Ok(())
    })?;
    Ok(Timeline {
        dir: dir.to_owned(),
        logs: run.logs,
        machines,
        origin_us,
        speedup: run.manifest.scenario.speedup,
        events,
        warnings,
        faults,
    })
}
