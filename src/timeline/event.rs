//! A run in memory: its machines and faults from the manifest, and every line of every machine
//! merged in system-time order.

use std::path::PathBuf;

use crate::runlog::Line;

/// A run directory read into memory.
#[derive(Debug, Clone)]
pub(crate) struct Timeline {
    /// The run directory.
    pub dir: PathBuf,
    /// Log file of each machine, indexed like [`Timeline::machines`].
    pub logs: Vec<PathBuf>,
    pub machines: Vec<MachineInfo>,
    /// System time of the run start (the manifest's `started_at`), µs since the Unix epoch.
    pub origin_us: i64,
    /// Model seconds per real second.
    pub speedup: f64,
    /// Every log line of every machine, ordered by timestamp (ties: manifest order), each log's
    /// lines in file order.
    pub events: Vec<Line>,
    /// What the logs were read with a caveat (a cut last line), for the command to print.
    pub warnings: Vec<crate::runlog::Warning>,
    /// The faults the engine carried out, as the manifest records them when the run ended
    /// (empty before), each with its time in µs since the Unix epoch.
    pub faults: Vec<(i64, crate::manifest::FaultRecord)>,
}

/// One machine of the run, as the manifest describes it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MachineInfo {
    pub id: u32,
    /// Ticks per model second; `None` when unknown (an imported run).
    pub rate: Option<u32>,
    /// Real microseconds between ticks; `None` when unknown (an imported run).
    pub interval_us: Option<f64>,
}

/// "rate 4/s", or "rate unknown" for a machine of an imported run.
pub(crate) fn rate_text(rate: Option<u32>) -> String {
    match rate {
        Some(rate) => format!("rate {rate}/s"),
        None => "rate unknown".to_owned(),
    }
}

/// Print the warnings of the run's logs to stderr, as every command does.
pub(crate) fn print_warnings(timeline: &Timeline) {
    for warning in &timeline.warnings {
        eprintln!("warning: {warning}");
    }
}

impl Timeline {
    /// The run's time base: its start and speedup.
    pub(crate) fn time_base(&self) -> crate::timebase::TimeBase {
        crate::timebase::TimeBase::new(self.origin_us, self.speedup)
    }

    /// Model seconds from the run start to `ts_us` (what every output shows).
    pub(crate) fn model_seconds(&self, ts_us: i64) -> f64 {
        self.time_base().model_s(ts_us)
    }

    /// Real (system) seconds from the run start to `ts_us`.
    pub(crate) fn real_seconds(&self, ts_us: i64) -> f64 {
        self.time_base().real_s(ts_us)
    }

    /// Index into [`Timeline::machines`] of machine `id`.
    pub(crate) fn machine_index(&self, id: u32) -> Option<usize> {
        self.machines.iter().position(|m| m.id == id)
    }

    /// The log file of machine `id` (for error messages).
    pub(crate) fn log_of(&self, id: u32) -> PathBuf {
        self.machine_index(id)
            .map(|i| self.logs[i].clone())
            .unwrap_or_else(|| self.dir.clone())
    }
}
