//! Several runs in a row: `--repeat N` and `--sweep KEY=V1,V2,...`, planned as a list of runs
//! and carried out one after the other.
//!
//! The seeds are shared across sweep values, so each value is compared on the same seeds and only
//! the swept key differs between paired runs.

use std::path::PathBuf;

use crate::exit::{Exit, Failed, Outcome};
use crate::manifest::Estimate;
use crate::manifest::{BatchMember, Engine};
use crate::run::dir::{self as run_dir, Naming, RunDirError};
use crate::run::estimate;
use crate::run::{LogCap, RunError, RunOptions, RunReport};
use crate::scenario::Scenario;
use crate::supervisor;
use crate::sweep::Sweep;

/// One run of a batch.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PlannedRun {
    /// Directory name inside the batch directory, e.g. `events.die=6-seed42`, or
    /// `events.die=6-machines=4-seed42` in a grid of two sweeps.
    pub label: String,
    pub seed: u64,
    /// The swept keys' values for this run, one per `--sweep`, in the order given.
    pub set: Vec<(String, toml::Value)>,
}

/// The runs of a batch: every combination of the sweeps' values (the grid; the scenario as it
/// is without a sweep) times `seeds`. The first sweep varies slowest.
pub(crate) fn plan(seeds: &[u64], sweeps: &[Sweep]) -> Vec<PlannedRun> {
    let mut settings: Vec<Vec<(String, toml::Value)>> = vec![Vec::new()];
    for sweep in sweeps {
        settings = settings
            .into_iter()
            .flat_map(|set| {
                sweep.values.iter().map(move |v| {
                    let mut set = set.clone();
                    set.push((sweep.key.clone(), v.clone()));
                    set
                })
            })
            .collect();
    }
    let mut runs = Vec::new();
    for set in &settings {
        for &seed in seeds {
            let mut label: String = set
                .iter()
                .map(|(key, value)| format!("{key}={}-", crate::sweep::label(value)))
                .collect();
            label.push_str(&format!("seed{seed}"));
            runs.push(PlannedRun {
                label,
                seed,
                set: set.clone(),
            });
        }
    }
    runs
}

/// The seeds of `repeat` runs: consecutive from `first`, or drawn at random.
pub(crate) fn seeds(repeat: u32, first: Option<u64>) -> Vec<u64> {
    match first {
        Some(first) => (0..u64::from(repeat))
            .map(|i| first.wrapping_add(i))
            .collect(),
        None => (0..repeat)
            .map(|_| crate::scenario::random_seed())
            .collect(),
    }
}

impl PlannedRun {
    /// What the run's manifest records of its place in the batch: one sweep's key and value;
    /// in a grid of several sweeps, the keys joined by commas with the list of their values
    /// (what the aggregate groups by), and each key's value on its own in `swept`.
    pub(crate) fn member(&self) -> BatchMember {
        let (key, value, swept) = match &self.set[..] {
            [] => (None, None, Default::default()),
            [(key, value)] => (
                Some(key.clone()),
                Some(json_value(value)),
                Default::default(),
            ),
            grid => {
                let keys: Vec<&str> = grid.iter().map(|(k, _)| k.as_str()).collect();
                let values = grid.iter().map(|(_, v)| json_value(v)).collect();
                let swept = grid
                    .iter()
                    .map(|(k, v)| (k.clone(), json_value(v)))
                    .collect();
                (
                    Some(keys.join(",")),
                    Some(serde_json::Value::Array(values)),
                    swept,
                )
            }
        };
        BatchMember {
            key,
            value,
            swept,
            seed: self.seed,
        }
    }
}

/// A swept TOML value as JSON, with its type: a number stays a number, a list a list; a date
/// (which JSON has not) is its TOML text.
fn json_value(value: &toml::Value) -> serde_json::Value {
    match value {
        toml::Value::Datetime(d) => serde_json::Value::String(d.to_string()),
        other => serde_json::to_value(other).expect("a TOML value converts to JSON"),
    }
}

/// A batch of runs, each with its own directory inside `dir`, every scenario already loaded.
#[derive(Debug)]
pub(crate) struct BatchRequest {
    /// The batch directory asked for, claimed the way `naming` says.
    pub dir: PathBuf,
    pub naming: Naming,
    pub runs: Vec<(PlannedRun, Scenario)>,
    pub quiet: bool,
    pub engine: Engine,
    /// `--max-log-size`, for each run.
    pub max_log_size: Option<LogCap>,
}

/// Carry out the runs of `request` one after the other, printing each summary and then one
/// line per run. A signal ends the batch after the run it stopped; the batch exits with its
/// worst run's code.
pub(crate) fn run(runtime: &tokio::runtime::Runtime, request: BatchRequest) -> Outcome {
    run_dir::check_out(&request.dir).map_err(RunError::from)?;
    // The whole batch must fit, or nothing starts (and no batch directory is made).
    let total =
        Estimate::total(request.runs.iter().map(|(_, scenario)| {
            Estimate::of(scenario, request.engine).capped(request.max_log_size)
        }));
    estimate::check(total, request.runs.len(), &request.dir, request.quiet)
        .map_err(RunError::from)?;
    warn_speedup(request.runs.iter().map(|(_, s)| s), request.engine);
    let dir =
        run_dir::claim(&request.dir, request.naming).map_err(|e| Failed::new(Exit::BadInput, e))?;
    let total = request.runs.len();
    // A grid's labels name several keys: the column is as wide as the longest.
    let width = request
        .runs
        .iter()
        .map(|(run, _)| run.label.chars().count())
        .max()
        .unwrap_or(0)
        .max(32);
    let mut rows = Vec::with_capacity(total);
    let mut exit = Exit::Clean;
    for (n, (run, scenario)) in request.runs.into_iter().enumerate() {
        eprintln!("[{}/{total}] {}", n + 1, run.label);
        let options = RunOptions {
            out: Some(dir.join(&run.label)),
            runs_root: dir.clone(),
            quiet: request.quiet,
            engine: request.engine,
            batch: Some(run.member()),
            max_log_size: request.max_log_size,
        };
        let run_exit = match carry_out(runtime, scenario, options) {
            Ok(report) => {
                crate::stdout::print(&supervisor::display::summary(
                    &report.manifest,
                    &report.run_dir,
                ));
                let verdict = match (print_checks(&report), report.stopped_by) {
                    // Stopped cleanly, but before its end: never just "clean".
                    (_, Some(stop)) => format!("interrupted by {}", stop.name()),
                    (Some(true), None) => "clean, checks PASS".to_owned(),
                    (Some(false), None) => "clean, checks FAIL".to_owned(),
                    (None, None) if report.clean() => "clean".to_owned(),
                    (None, None) => "NOT clean".to_owned(),
                };
                rows.push(format!("{:<width$} {verdict}", run.label));
                report.exit()
            }
            Err(e) => {
                eprintln!("error: {e}");
                rows.push(format!("{:<width$} failed: {e}", run.label));
                exit_in_batch(&e)
            }
        };
        exit = exit.worst(run_exit);
        if run_exit.by_signal() {
            eprintln!("batch interrupted after {} of {total} runs", n + 1);
            break;
        }
    }
    let mut table = format!("\nbatch of {total} runs in {}:\n", dir.display());
    for row in rows {
        table.push_str(&format!("  {row}\n"));
    }
    crate::stdout::print(&table);
    Ok(exit)
}

/// The exit of a run of a batch that could not be carried out. Its directory is the batch's
/// own choice, inside a directory the batch already claimed: failing to create or write it
/// (a disk that filled during the batch) is a failure (1), not bad input as an unusable `--out`.
fn exit_in_batch(error: &RunError) -> Exit {
    match error {
        RunError::RunDir(RunDirError::Create { .. } | RunDirError::NotWritable { .. }) => {
            Exit::NotClean
        }
        other => other.exit(),
    }
}

/// Print a finished run's checks as `logiclock analyze` gives them (the same rules and
/// tolerances, from the same code), under its summary; returns whether they passed (`None`
/// when the run was interrupted or not clean, and so not checked). The run's exit code stays
/// the run's own (did every machine run and stop cleanly?); `analyze` exits 1 on a failed check.
pub(crate) fn print_checks(report: &RunReport) -> Option<bool> {
    if report.exit() != Exit::Clean {
        // Interrupted or not clean: the summary above already says why.
        return None;
    }
    match crate::analyze::run::pipeline::check_dir(&report.run_dir) {
        Ok(verdict) => {
            crate::stdout::print(&crate::analyze::report::outputs::verdict_line(&verdict));
            if !verdict.passed {
                crate::stdout::print(&format!(
                    "the offending lines: logiclock analyze {}\n",
                    report.run_dir.display()
                ));
            }
            Some(verdict.passed)
        }
        Err(e) => {
            eprintln!("warning: the run was not checked: {e}");
            None
        }
    }
}

/// Carry out one run with the engine its options name, once its logs are known to fit (see
/// [`estimate::check`]).
pub(crate) fn run_one(
    runtime: &tokio::runtime::Runtime,
    scenario: Scenario,
    options: RunOptions,
) -> Result<RunReport, RunError> {
    if let Some(out) = &options.out {
        run_dir::check_out(out)?;
    }
    warn_speedup(std::iter::once(&scenario), options.engine);
    let target = options.out.as_deref().unwrap_or(&options.runs_root);
    estimate::check(
        Estimate::of(&scenario, options.engine).capped(options.max_log_size),
        1,
        target,
        options.quiet,
    )?;
    carry_out(runtime, scenario, options)
}

/// Warn, before anything starts, of each distinct speedup of `scenarios` beyond the range
/// measured faithful (the manifest of each run records it too).
fn warn_speedup<'a>(scenarios: impl Iterator<Item = &'a Scenario>, engine: Engine) {
    let mut warned: Vec<String> = Vec::new();
    for w in scenarios.filter_map(|s| crate::run::fidelity::speedup_warning(s, engine)) {
        if !warned.contains(&w.message) {
            eprintln!("warning: {}", w.message);
            warned.push(w.message);
        }
    }
}

/// Carry out one run with the engine its options name: real processes, or the simulated twin.
fn carry_out(
    runtime: &tokio::runtime::Runtime,
    scenario: Scenario,
    options: RunOptions,
) -> Result<RunReport, RunError> {
    match options.engine {
        Engine::Real => runtime.block_on(supervisor::run(scenario, options)),
        Engine::Sim => {
            // The twin listens for stop signals on a task of the runtime.
            let _inside = runtime.enter();
            crate::sim::run(scenario, &options)
        }
        Engine::Imported => Err(RunError::NotRunnable),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sweep_value_runs_on_the_same_seeds() {
        let sweep: Sweep = "events.die=4,20".parse().unwrap();
        let runs = plan(&seeds(3, Some(10)), &[sweep]);
        let labels: Vec<&str> = runs.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "events.die=4-seed10",
                "events.die=4-seed11",
                "events.die=4-seed12",
                "events.die=20-seed10",
                "events.die=20-seed11",
                "events.die=20-seed12"
            ]
        );
    }

    #[test]
    fn a_run_records_its_swept_value_with_its_type_and_its_seed() {
        let sweep: Sweep = "speedup=0.5,2".parse().unwrap();
        let runs = plan(&[7], &[sweep]);
        let member = runs[0].member();
        assert_eq!(member.key.as_deref(), Some("speedup"));
        assert_eq!(member.value, Some(serde_json::json!(0.5)));
        assert_eq!(member.seed, 7);
        let repeat = plan(&[3], &[])[0].member();
        assert_eq!((repeat.key, repeat.value, repeat.seed), (None, None, 3));
        assert!(member.swept.is_empty() && repeat.swept.is_empty());
        let list = json_value(&"v = [1, 2]".parse::<toml::Table>().unwrap()["v"]);
        assert_eq!(list, serde_json::json!([1, 2]));
    }

    #[test]
    fn two_sweeps_run_as_a_grid_and_each_run_records_both_values() {
        let die: Sweep = "events.die=4,10".parse().unwrap();
        let machines: Sweep = "machines=3,4".parse().unwrap();
        let runs = plan(&[1], &[die, machines]);
        let labels: Vec<&str> = runs.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "events.die=4-machines=3-seed1",
                "events.die=4-machines=4-seed1",
                "events.die=10-machines=3-seed1",
                "events.die=10-machines=4-seed1"
            ]
        );
        let member = runs[2].member();
        assert_eq!(member.key.as_deref(), Some("events.die,machines"));
        assert_eq!(member.value, Some(serde_json::json!([10, 3])));
        assert_eq!(
            serde_json::Value::Object(member.swept),
            serde_json::json!({"events.die": 10, "machines": 3})
        );
    }

    #[test]
    fn a_run_directory_a_batch_cannot_make_is_a_failure_not_bad_input() {
        let full = RunError::RunDir(RunDirError::NotWritable {
            path: "b/r".into(),
            source: std::io::Error::from_raw_os_error(28),
        });
        assert_eq!(full.exit(), Exit::BadInput, "alone, as the README says");
        assert_eq!(exit_in_batch(&full), Exit::NotClean);
        let taken = RunError::RunDir(RunDirError::Taken("b/r".into()));
        assert_eq!(exit_in_batch(&taken), Exit::BadInput);
    }

    #[test]
    fn random_seeds_differ() {
        let s = seeds(5, None);
        assert_eq!(s.len(), 5);
        let mut d = s.clone();
        d.sort();
        d.dedup();
        assert_eq!(d.len(), 5);
    }
}
