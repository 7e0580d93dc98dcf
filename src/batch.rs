//! Several runs in a row: `--repeat N` and `--sweep KEY=V1,V2,...`, planned as a list of runs
//! and carried out one after the other.
//!
//! The seeds are shared across sweep values, so each value is compared on the same seeds and only
//! the swept key differs between paired runs.

use std::path::PathBuf;

use crate::exit::{Exit, Failed, Outcome};
use crate::scenario::Scenario;
use crate::supervisor::{self, RunOptions};

/// One parameter swept over several values.
#[derive(Debug, Clone, PartialEq)]
pub struct Sweep {
    /// A scenario key path, e.g. `events.die` or `clock.max_rate`.
    pub key: String,
    pub values: Vec<toml::Value>,
}

/// Why a `--sweep` argument cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("invalid --sweep {arg:?}: {why} (expected KEY=V1,V2,..., e.g. events.die=4,6,10)")]
pub struct SweepError {
    arg: String,
    why: String,
}

impl std::str::FromStr for Sweep {
    type Err = SweepError;

    fn from_str(arg: &str) -> Result<Sweep, SweepError> {
        let error = |why: &str| SweepError {
            arg: arg.to_owned(),
            why: why.to_owned(),
        };
        let (key, values) = arg.split_once('=').ok_or_else(|| error("no '='"))?;
        let key = key.trim();
        if key.is_empty()
            || !key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        {
            return Err(error("the key must be a scenario key such as events.die"));
        }
        let values = values
            .split(',')
            .map(|v| {
                let v = v.trim();
                // A bare value is parsed as TOML (numbers, booleans); anything else is a string.
                format!("v = {v}")
                    .parse::<toml::Table>()
                    .ok()
                    .and_then(|mut t| t.remove("v"))
                    .unwrap_or_else(|| toml::Value::String(v.to_owned()))
            })
            .collect::<Vec<_>>();
        if values.is_empty() || values.iter().any(|v| v.as_str() == Some("")) {
            return Err(error("empty value"));
        }
        Ok(Sweep {
            key: key.to_owned(),
            values,
        })
    }
}

/// One run of a batch.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedRun {
    /// Directory name inside the batch directory, e.g. `events.die=6-seed42`.
    pub label: String,
    pub seed: u64,
    /// The swept key's value for this run.
    pub set: Option<(String, toml::Value)>,
}

/// The runs of a batch: every sweep value (or the scenario as it is) times `seeds`.
pub fn plan(seeds: &[u64], sweep: Option<&Sweep>) -> Vec<PlannedRun> {
    let settings: Vec<Option<(String, toml::Value)>> = match sweep {
        None => vec![None],
        Some(s) => s
            .values
            .iter()
            .map(|v| Some((s.key.clone(), v.clone())))
            .collect(),
    };
    let mut runs = Vec::new();
    for set in &settings {
        for &seed in seeds {
            let label = match set {
                None => format!("seed{seed}"),
                Some((key, value)) => format!("{key}={}-seed{seed}", value_label(value)),
            };
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
pub fn seeds(repeat: u32, first: Option<u64>) -> Vec<u64> {
    match first {
        Some(first) => (0..u64::from(repeat))
            .map(|i| first.wrapping_add(i))
            .collect(),
        None => (0..repeat).map(|_| rand::random()).collect(),
    }
}

/// A value as it appears in a directory name: `6`, `0.5`, `[1,2,3]`.
fn value_label(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => s.clone(),
        other => other.to_string().replace([' ', '"'], ""),
    }
}

/// A batch of runs, each with its own directory inside `dir`, every scenario already loaded.
#[derive(Debug)]
pub struct BatchRequest {
    pub dir: PathBuf,
    pub runs: Vec<(PlannedRun, Scenario)>,
    pub quiet: bool,
}

/// Carry out the runs of `request` one after the other, printing each summary and then one
/// line per run. A signal ends the batch after the run it stopped; the batch exits with its
/// worst run's code.
pub fn run(runtime: &tokio::runtime::Runtime, request: BatchRequest) -> Outcome {
    supervisor::run_dir::create(&request.dir).map_err(|e| Failed::new(Exit::BadInput, e))?;
    let total = request.runs.len();
    let mut rows = Vec::with_capacity(total);
    let mut exit = Exit::Clean;
    for (n, (run, scenario)) in request.runs.into_iter().enumerate() {
        eprintln!("[{}/{total}] {}", n + 1, run.label);
        let options = RunOptions {
            out: Some(request.dir.join(&run.label)),
            runs_root: request.dir.clone(),
            quiet: request.quiet,
        };
        let run_exit = match runtime.block_on(supervisor::run(scenario, options)) {
            Ok(report) => {
                print!(
                    "{}",
                    supervisor::display::summary(&report.manifest, &report.run_dir)
                );
                let verdict = if report.clean() { "clean" } else { "NOT clean" };
                rows.push(format!("{:<32} {verdict}", run.label));
                report.exit()
            }
            Err(e) => {
                eprintln!("error: {e}");
                rows.push(format!("{:<32} failed: {e}", run.label));
                e.exit()
            }
        };
        exit = exit.worst(run_exit);
        if matches!(run_exit, Exit::Signal(_)) {
            eprintln!("batch interrupted after {} of {total} runs", n + 1);
            break;
        }
    }
    println!("\nbatch of {total} runs in {}:", request.dir.display());
    for row in rows {
        println!("  {row}");
    }
    Ok(exit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sweep_parses_numbers_and_lists() {
        let s: Sweep = "events.die=4, 6,10".parse().unwrap();
        assert_eq!(s.key, "events.die");
        assert_eq!(
            s.values,
            vec![
                toml::Value::Integer(4),
                toml::Value::Integer(6),
                toml::Value::Integer(10)
            ]
        );
        let s: Sweep = "speedup=0.5".parse().unwrap();
        assert_eq!(s.values, vec![toml::Value::Float(0.5)]);
        assert!("die".parse::<Sweep>().is_err());
        assert!("=4".parse::<Sweep>().is_err());
        assert!("die=4,,5".parse::<Sweep>().is_err());
    }

    #[test]
    fn every_sweep_value_runs_on_the_same_seeds() {
        let sweep: Sweep = "events.die=4,20".parse().unwrap();
        let runs = plan(&seeds(3, Some(10)), Some(&sweep));
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
    fn random_seeds_differ() {
        let s = seeds(5, None);
        assert_eq!(s.len(), 5);
        let mut d = s.clone();
        d.sort();
        d.dedup();
        assert_eq!(d.len(), 5);
    }
}
