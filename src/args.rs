//! Validated requests: the raw command-line flags of [`crate::cli`] checked in one place and
//! turned into what each command needs (ripgrep's two stages), so no command checks a flag.

use std::path::PathBuf;

use crate::batch::{self, BatchRequest};
use crate::cli::{
    AnalyzeArgs, Cli, Command, DiagramArgs, ExploreArgs, ExportArgs, GradeArgs, ImportArgs, RunArgs,
};
use crate::run::{dir as run_dir, RunOptions};
use crate::scenario::{Overrides, Scenario, ScenarioError};

use crate::run::dir::RUNS_ROOT;

/// A command line, validated.
#[derive(Debug)]
pub(crate) enum Request {
    /// The hidden machine subcommand: its configuration comes over stdin.
    Machine,
    /// One run of a scenario (boxed: a scenario is large beside the other requests).
    Run(Box<RunRequest>),
    /// Several runs (`--repeat`, `--sweep`), every scenario already validated.
    Batch(BatchRequest),
    Analyze(crate::analyze::command::Request),
    Diagram(crate::diagram::Request),
    Export(crate::export::Request),
    Explore(crate::explore::Request),
    Diff(crate::diff::Request),
    Compare(crate::compare::command::Request),
    Import(crate::import::command::Request),
    Grade(crate::grade::command::Request),
}

/// One run: its scenario with the flags applied, and where it goes.
#[derive(Debug)]
pub(crate) struct RunRequest {
    pub scenario: Scenario,
    pub options: RunOptions,
}

/// Why a command line cannot be carried out; every one is bad input (exit 2).
#[derive(Debug, thiserror::Error)]
pub(crate) enum ArgsError {
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    #[error("--sweep {key}: {why}")]
    SweepConflict { key: String, why: String },
    #[error("--step-ms must be a positive number of milliseconds, not {0}")]
    StepMs(f64),
    /// A `--field` flag or `--map` file that cannot be used (the message names it).
    #[error("{0}")]
    Mapping(String),
    #[error("--die {die} is fewer sides than --machines {machines}: with N machines the rolls 1..=N send")]
    Die { die: u32, machines: u32 },
}

impl TryFrom<Cli> for Request {
    type Error = ArgsError;

    fn try_from(cli: Cli) -> Result<Request, ArgsError> {
        Ok(match cli.command {
            Command::Machine { .. } => Request::Machine,
            Command::Run(args) => run(args)?,
            Command::Analyze(args) => Request::Analyze(analyze(args)?),
            Command::Diagram(args) => Request::Diagram(diagram(args)),
            Command::Export(args) => Request::Export(export(args)),
            Command::Explore(args) => Request::Explore(explore(args)),
            Command::Diff(args) => Request::Diff(crate::diff::Request {
                a: args.a,
                b: args.b,
                out: args.out,
            }),
            Command::Compare(args) => Request::Compare(crate::compare::command::Request {
                inputs: args.inputs,
                out: args
                    .out
                    .unwrap_or_else(|| PathBuf::from(RUNS_ROOT).join("compare")),
            }),
            Command::Import(args) => Request::Import(import(args)?),
            Command::Grade(args) => Request::Grade(grade(args)?),
        })
    }
}

/// The field mapping of `--map`, then of each `--field` (`import` and `grade`).
fn mapping(
    map: Option<&std::path::Path>,
    fields: &[String],
) -> Result<crate::foreign::Mapping, ArgsError> {
    let mut mapping = match map {
        Some(path) => crate::foreign::Mapping::from_file(path).map_err(ArgsError::Mapping)?,
        None => crate::foreign::Mapping::default(),
    };
    for flag in fields {
        mapping.add_flag(flag).map_err(ArgsError::Mapping)?;
    }
    Ok(mapping)
}

/// `import`: the field mapping of `--map`, then of each `--field`.
fn import(args: ImportArgs) -> Result<crate::import::command::Request, ArgsError> {
    let mapping = mapping(args.map.as_deref(), &args.field)?;
    Ok(crate::import::command::Request {
        src: args.src,
        out: args.out,
        mapping,
    })
}

/// `run`: the scenario loaded with the flags applied; a batch has every run's scenario loaded.
fn run(args: RunArgs) -> Result<Request, ArgsError> {
    let overrides = Overrides {
        seed: args.seed,
        duration_s: args.duration,
        speedup: args.speedup,
        set: vec![],
    };
    let scenario = Scenario::load(&args.scenario, &overrides)?;
    if args.repeat == 1 && args.sweep.is_empty() {
        let options = RunOptions {
            out: args.out,
            runs_root: PathBuf::from(RUNS_ROOT),
            quiet: args.quiet,
            engine: args.engine,
            batch: None,
            max_log_size: args.max_log_size,
        };
        return Ok(Request::Run(Box::new(RunRequest { scenario, options })));
    }

    for (i, sweep) in args.sweep.iter().enumerate() {
        let why = match sweep.key.as_str() {
            "seed" => Some(
                "a batch gives each run its own seed, set with --seed/--repeat (--seed 1 \
                 --repeat 3 runs the seeds 1, 2 and 3, each with every swept value)"
                    .to_owned(),
            ),
            "duration_s" if args.duration.is_some() => {
                Some("--duration sets the same key; give one of the two".to_owned())
            }
            "speedup" if args.speedup.is_some() => {
                Some("--speedup sets the same key; give one of the two".to_owned())
            }
            key if args.sweep[..i].iter().any(|s| s.key == key) => {
                Some("the key is swept twice; give all its values in one --sweep".to_owned())
            }
            _ => None,
        };
        if let Some(why) = why {
            let key = sweep.key.clone();
            return Err(ArgsError::SweepConflict { key, why });
        }
    }
    let seeds = batch::seeds(args.repeat, Some(scenario.seed));
    let mut runs = Vec::new();
    for planned in batch::plan(&seeds, &args.sweep) {
        let overrides = Overrides {
            seed: Some(planned.seed),
            set: planned.set.clone(),
            ..overrides.clone()
        };
        let scenario = Scenario::load(&args.scenario, &overrides)?;
        runs.push((planned, scenario));
    }
    // Like a run's: `--out` exactly, or the default name, moving on to `-2`, `-3` when another
    // batch of the same seed took it in the same second.
    let (dir, naming) = match args.out {
        Some(out) => (out, run_dir::Naming::Exact),
        None => {
            let name = format!("{}-batch", scenario.name);
            let path = run_dir::default_path(&PathBuf::from(RUNS_ROOT), &name, scenario.seed);
            (path, run_dir::Naming::NextFree)
        }
    };
    Ok(Request::Batch(BatchRequest {
        dir,
        naming,
        runs,
        quiet: args.quiet,
        engine: args.engine,
        max_log_size: args.max_log_size,
    }))
}

/// `analyze`: `--step-ms` in whole microseconds, at least 1.
fn analyze(args: AnalyzeArgs) -> Result<crate::analyze::command::Request, ArgsError> {
    let step_us = match args.step_ms {
        Some(ms) if !(ms.is_finite() && ms > 0.0) => return Err(ArgsError::StepMs(ms)),
        step => step.map(|ms| (ms * 1e3).round().max(1.0) as u64),
    };
    Ok(crate::analyze::command::Request {
        dirs: args.run_dirs,
        options: crate::analyze::Options {
            step_us,
            ..Default::default()
        },
        plots: !args.no_plots,
        quiet: args.quiet,
    })
}

/// `grade`: the mapping file read and the `--field` flags added to it; the die checked
/// against the machines.
fn grade(args: GradeArgs) -> Result<crate::grade::command::Request, ArgsError> {
    let mapping = mapping(args.map.as_deref(), &args.fields)?;
    if args.die < args.machines {
        let (die, machines) = (args.die, args.machines);
        return Err(ArgsError::Die { die, machines });
    }
    Ok(crate::grade::command::Request {
        out: args.out.unwrap_or_else(|| args.dir.clone()),
        dir: args.dir,
        mapping,
        options: crate::grade::rule::Options {
            send_rule: args.send_rule,
            machines: args.machines,
            die: args.die,
        },
    })
}

fn diagram(args: DiagramArgs) -> crate::diagram::Request {
    crate::diagram::Request {
        run_dir: args.run_dir,
        from: args.from,
        to: args.to,
        out: args.out,
    }
}

fn explore(args: ExploreArgs) -> crate::explore::Request {
    crate::explore::Request {
        run_dir: args.run_dir,
        from: args.from,
        to: args.to,
        machines: args.machines,
        out: args.out,
        other: args.other,
    }
}

fn export(args: ExportArgs) -> crate::export::Request {
    crate::export::Request {
        format: args.format,
        run_dirs: args.run_dirs,
        out: args.out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn request(args: &[&str]) -> Result<Request, ArgsError> {
        let argv = ["logiclock"].iter().chain(args);
        Request::try_from(Cli::try_parse_from(argv).expect("clap accepts the flags"))
    }

    fn scenario() -> String {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("configs/default.toml");
        path.to_str().unwrap().to_owned()
    }

    #[test]
    fn a_sweep_of_a_key_a_flag_also_sets_is_refused() {
        let path = scenario();
        for (args, flag) in [
            (vec!["--sweep", "seed=1,2"], "--seed/--repeat"),
            (
                vec!["--sweep", "speedup=1,2", "--speedup", "3"],
                "--speedup",
            ),
            (
                vec!["--sweep", "duration_s=1,2", "--duration", "3"],
                "--duration",
            ),
        ] {
            let mut argv = vec!["run", path.as_str()];
            argv.extend(args);
            let error = request(&argv).unwrap_err();
            assert!(matches!(error, ArgsError::SweepConflict { .. }), "{error}");
            assert!(error.to_string().contains(flag), "{error}");
        }
    }

    #[test]
    fn a_sweep_plans_every_value_on_the_same_seeds_with_its_scenario_loaded() {
        let path = scenario();
        let argv = ["run", &path, "--seed", "7", "--repeat", "2"];
        let Ok(Request::Batch(batch)) =
            request(&[&argv[..], &["--sweep", "events.die=4,8"]].concat())
        else {
            panic!("a sweep is a batch");
        };
        let got: Vec<(u64, u32)> = batch.runs.iter().map(|(_, s)| (s.seed, s.die)).collect();
        assert_eq!(got, [(7, 4), (8, 4), (7, 8), (8, 8)]);
    }

    #[test]
    fn a_key_swept_twice_is_refused() {
        let path = scenario();
        let argv = [
            "run",
            &path,
            "--sweep",
            "events.die=4",
            "--sweep",
            "events.die=8",
        ];
        let error = request(&argv).unwrap_err();
        assert!(error.to_string().contains("swept twice"), "{error}");
    }

    #[test]
    fn grade_refuses_a_bad_field_flag_and_a_die_smaller_than_the_machines() {
        let error = request(&["grade", "class", "--field", "lamport"]).unwrap_err();
        assert!(error.to_string().contains("--field \"lamport\""), "{error}");
        let error = request(&["grade", "class", "--die", "2"]).unwrap_err();
        assert!(error.to_string().contains("--die 2"), "{error}");
        let error = request(&["grade", "class", "--map", "/no/such.toml"]).unwrap_err();
        assert!(error.to_string().contains("/no/such.toml"), "{error}");
        let Ok(Request::Grade(grade)) = request(&["grade", "class", "--send-rule", "per-message"])
        else {
            panic!("a plain grade command is accepted");
        };
        assert_eq!(
            grade.out,
            PathBuf::from("class"),
            "the report goes into DIR"
        );
        assert_eq!(grade.options.machines, 3);
    }

    #[test]
    fn step_ms_must_be_a_positive_number() {
        for bad in ["0", "-1", "NaN", "inf"] {
            let flag = format!("--step-ms={bad}");
            let error = request(&["analyze", "some-run", &flag]).unwrap_err();
            assert!(matches!(error, ArgsError::StepMs(_)), "{bad}: {error}");
        }
        let Ok(Request::Analyze(analyze)) = request(&["analyze", "r", "--step-ms", "0.0001"])
        else {
            panic!("a positive step is accepted");
        };
        assert_eq!(
            analyze.options.step_us,
            Some(1),
            "rounded up to one microsecond"
        );
    }
}
