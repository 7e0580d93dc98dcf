//! The run the analysis and export benchmarks (and `examples/synth_run.rs`) measure: the twin
//! (`--engine sim`) of a three-machine scenario sized to about a given number of log lines.
//!
//! Rates 1, 3 and 6 ticks per model second at speedup 1,000, a 10-sided die (one face per machine
//! beyond ten) and a 150 us link:
//! one line per tick, so a run of `lines` lines lasts `lines / (1 + 3 + 6)` model seconds.

use std::path::Path;

use logiclock::run::RunOptions;
use logiclock::scenario::{Overrides, Scenario};

/// The rates the benchmarks use unless told otherwise.
pub const RATES: [u32; 3] = [1, 3, 6];

/// Simulate about `lines` log lines of the benchmark scenario with `rates` into `dir` (which must
/// not exist yet); returns the number of lines written.
#[allow(dead_code)]
pub fn write_run(dir: &Path, lines: u64, rates: &[u32]) -> u64 {
    let text = scenario_text(lines, rates);
    let scenario = Scenario::parse(&text, Path::new("bench.toml"), &Overrides::default())
        .expect("the benchmark scenario is valid");
    let options = RunOptions {
        out: Some(dir.to_owned()),
        runs_root: dir.to_owned(),
        quiet: true,
        engine: logiclock::manifest::Engine::Sim,
        batch: None,
        max_log_size: None,
    };
    let report = logiclock::sim::run(scenario, &options).expect("the simulation runs");
    (0..report.manifest.machines.len() as u32)
        .map(|id| {
            let path = dir.join(logiclock::log_format::log_file_name(id));
            let text = std::fs::read(&path).expect("the twin wrote every log");
            text.iter().filter(|&&b| b == b'\n').count() as u64
        })
        .sum()
}

/// The benchmark scenario's TOML for about `lines` log lines with `rates`.
#[allow(dead_code)]
pub fn scenario_text(lines: u64, rates: &[u32]) -> String {
    let per_second: u64 = rates.iter().map(|&r| u64::from(r)).sum();
    let duration_s = (lines / per_second.max(1)).max(1);
    let machines = rates.len();
    // A die has at least one face per machine (10 unless there are more machines).
    let die = machines.max(10);
    let rates = rates
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "name = \"bench\"\nmachines = {machines}\nduration_s = {duration_s}\nspeedup = 1000.0\n\
         seed = 1\n[clock]\nrates = [{rates}]\n[events]\ndie = {die}\n[network]\nlatency_us = 150\n",
    )
}
