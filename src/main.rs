//! The `logiclock` command: dispatch, and errors mapped to exit codes.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use logiclock::batch;
use logiclock::cli::{AnalyzeArgs, Cli, Command, DiagramArgs, ExportArgs, RunArgs};
use logiclock::manifest::Engine;
use logiclock::scenario::{Overrides, Scenario};
use logiclock::supervisor::{self, RunOptions, SupervisorError};
use logiclock::EXIT_BAD_INPUT;

/// Where run directories go unless `--out` says otherwise.
const RUNS_ROOT: &str = "runs";

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Machine { .. } => logiclock::machine::main(),
        Command::Run(args) => run(args),
        Command::Analyze(args) => analyze(args),
        Command::Diagram(args) => diagram(args),
        Command::Export(args) => export(args),
    }
}

fn run(args: RunArgs) -> ExitCode {
    let overrides = Overrides {
        seed: args.seed,
        duration_s: args.duration,
        speedup: args.speedup,
        set: vec![],
    };
    let scenario = match Scenario::load(&args.scenario, &overrides) {
        Ok(scenario) => scenario,
        Err(e) => return fail(&e, EXIT_BAD_INPUT),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("failed to build the tokio runtime");
    if args.repeat == 1 && args.sweep.is_none() {
        let options = RunOptions {
            out: args.out,
            runs_root: PathBuf::from(RUNS_ROOT),
            quiet: args.quiet,
        };
        return match run_one(args.engine, &runtime, scenario, options) {
            Ok(report) => {
                print!(
                    "{}",
                    supervisor::display::summary(&report.manifest, &report.run_dir)
                );
                ExitCode::from(report.exit_code())
            }
            Err(e) => fail(&e, exit_code(&e)),
        };
    }

    // A batch: plan every run and validate every scenario before starting the first.
    if let Some(sweep) = &args.sweep {
        let flag = match sweep.key.as_str() {
            "seed" => Some("--seed/--repeat (each run of a batch has its own seed)"),
            "duration_s" if args.duration.is_some() => Some("--duration"),
            "speedup" if args.speedup.is_some() => Some("--speedup"),
            _ => None,
        };
        if let Some(flag) = flag {
            eprintln!("error: --sweep {} conflicts with {flag}", sweep.key);
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    }
    let seeds = batch::seeds(args.repeat, Some(scenario.seed));
    let planned = batch::plan(&seeds, args.sweep.as_ref());
    let mut scenarios = Vec::with_capacity(planned.len());
    for run in &planned {
        let overrides = Overrides {
            seed: Some(run.seed),
            set: run.set.iter().cloned().collect(),
            ..overrides.clone()
        };
        match Scenario::load(&args.scenario, &overrides) {
            Ok(s) => scenarios.push(s),
            Err(e) => return fail(&e, EXIT_BAD_INPUT),
        }
    }
    let batch_dir = args.out.unwrap_or_else(|| {
        supervisor::run_dir::default_path(
            &PathBuf::from(RUNS_ROOT),
            &format!("{}-batch", scenario.name),
            scenario.seed,
        )
    });
    if let Err(e) = supervisor::run_dir::create(&batch_dir) {
        return fail(&e, EXIT_BAD_INPUT);
    }

    let total = planned.len();
    let mut rows = Vec::with_capacity(total);
    let mut code = 0u8;
    for (n, (run, scenario)) in planned.iter().zip(scenarios).enumerate() {
        eprintln!("[{}/{total}] {}", n + 1, run.label);
        let options = RunOptions {
            out: Some(batch_dir.join(&run.label)),
            runs_root: PathBuf::from(RUNS_ROOT),
            quiet: args.quiet,
        };
        match run_one(args.engine, &runtime, scenario, options) {
            Ok(report) => {
                print!(
                    "{}",
                    supervisor::display::summary(&report.manifest, &report.run_dir)
                );
                let run_code = report.exit_code();
                rows.push(format!(
                    "{:<32} {}",
                    run.label,
                    if report.clean() { "clean" } else { "NOT clean" }
                ));
                code = code.max(run_code);
                if report.stopped_by.is_some() {
                    eprintln!("batch interrupted after {} of {total} runs", n + 1);
                    break;
                }
            }
            Err(e) => {
                eprintln!("error: {e}");
                rows.push(format!("{:<32} failed: {e}", run.label));
                code = code.max(exit_code(&e));
                if matches!(e, SupervisorError::Interrupted(_)) {
                    eprintln!("batch interrupted after {} of {total} runs", n + 1);
                    break;
                }
            }
        }
    }
    println!("\nbatch of {total} runs in {}:", batch_dir.display());
    for row in rows {
        println!("  {row}");
    }
    ExitCode::from(code)
}

/// One run with the chosen engine.
fn run_one(
    engine: Engine,
    runtime: &tokio::runtime::Runtime,
    scenario: Scenario,
    options: RunOptions,
) -> Result<supervisor::RunReport, SupervisorError> {
    match engine {
        Engine::Real => runtime.block_on(supervisor::run(scenario, options)),
        Engine::Sim => Ok(logiclock::sim::run(scenario, &options)?),
    }
}

/// Bad input (an unusable output directory or port) is 2; anything else that stops a run is 1.
fn exit_code(error: &SupervisorError) -> u8 {
    match error {
        SupervisorError::RunDir(_) | SupervisorError::PortTaken { .. } => EXIT_BAD_INPUT,
        SupervisorError::Interrupted(stop) => stop.exit_code(),
        _ => 1,
    }
}

fn analyze(args: AnalyzeArgs) -> ExitCode {
    use logiclock::analyze::command::{self, Request};
    let step_us = match args.step_ms {
        Some(ms) if !(ms.is_finite() && ms > 0.0) => {
            eprintln!("error: --step-ms must be a positive number of milliseconds, not {ms}");
            return ExitCode::from(command::EXIT_BAD_INPUT);
        }
        step => step.map(|ms| (ms * 1e3).round().max(1.0) as u64),
    };
    let request = Request {
        dirs: args.run_dirs,
        options: logiclock::analyze::Options {
            step_us,
            ..Default::default()
        },
        plots: !args.no_plots,
        quiet: args.quiet,
    };
    ExitCode::from(command::run(&request))
}

fn diagram(args: DiagramArgs) -> ExitCode {
    let request = logiclock::diagram::Request {
        run_dir: args.run_dir,
        from: args.from,
        to: args.to,
        out: args.out,
    };
    match logiclock::diagram::diagram(&request) {
        Ok(path) => {
            println!("wrote {}", path.display());
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e, e.exit_code()),
    }
}

fn export(args: ExportArgs) -> ExitCode {
    let request = logiclock::export::Request {
        format: args.format,
        run_dirs: args.run_dirs,
        out: args.out,
    };
    match logiclock::export::export(&request) {
        Ok(path) => {
            println!("wrote {}", path.display());
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e, e.exit_code()),
    }
}

fn fail(error: &dyn std::error::Error, code: u8) -> ExitCode {
    eprintln!("error: {error}");
    ExitCode::from(code)
}
