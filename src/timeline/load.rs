//! Reading a run directory into a [`Timeline`] through [`crate::runlog`]: every line of every log,
//! merged in time order, with the warnings of the logs; or opening it ([`open`]) to stream its
//! lines ([`Opened::each`]) without keeping them, so that memory does not grow with the run.

use std::path::Path;

use crate::log_format::timestamp::parse_micros;
use crate::runlog::{self, Line, RunLogError};

use super::event::{MachineInfo, Timeline};

/// A run directory opened for streaming: its timeline without lines, and its logs.
#[derive(Debug)]
pub(crate) struct Opened {
    /// The run's machines, start, speedup and faults; `events` stays empty, `warnings` is set
    /// by [`Opened::each`].
    pub timeline: Timeline,
    run: runlog::dir::RunDir,
}

impl Opened {
    /// Hand every line of the run to `sink`, in time order, keeping none; then set the
    /// timeline's warnings. The outer error is a log that could not be read; the inner one the
    /// first error of `sink`, which stops the reading.
    pub(crate) fn each<E>(
        &mut self,
        mut sink: impl FnMut(&Timeline, Line) -> Result<(), E>,
    ) -> Result<Result<(), E>, RunLogError> {
        let mut failed = None;
        let timeline = &self.timeline;
        let result = runlog::merge_run(&self.run, |_, line| {
            sink(timeline, line).map_err(|e| {
                failed = Some(e);
                // Stops the merge; the sink's own error is returned instead.
                RunLogError::Layout {
                    dir: timeline.dir.clone(),
                    message: "stopped by its reader".into(),
                }
            })
        });
        if let Some(e) = failed {
            return Ok(Err(e));
        }
        self.timeline.warnings = result?;
        Ok(Ok(()))
    }
}

/// Open the run directory `dir`: read its manifest and find its logs, to stream their lines.
pub(crate) fn open(dir: &Path) -> Result<Opened, RunLogError> {
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
    Ok(Opened {
        timeline: Timeline {
            dir: dir.to_owned(),
            logs: run.logs.clone(),
            machines,
            origin_us,
            speedup: run.manifest.speedup(),
            events: Vec::new(),
            warnings: Vec::new(),
            faults,
        },
        run,
    })
}
