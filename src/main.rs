//! The `logiclock` command: dispatch, and errors mapped to exit codes.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use logiclock::cli::{AnalyzeArgs, Cli, Command, RunArgs};
use logiclock::scenario::{Overrides, Scenario};
use logiclock::supervisor::{self, RunOptions, SupervisorError};

/// Exit code for bad input: a bad scenario, flag or output directory.
const EXIT_BAD_INPUT: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Machine { .. } => logiclock::machine::main(),
        Command::Run(args) => run(args),
        Command::Analyze(args) => analyze(args),
    }
}

fn run(args: RunArgs) -> ExitCode {
    let overrides = Overrides {
        seed: args.seed,
        duration_s: args.duration,
        speedup: args.speedup,
    };
    let scenario = match Scenario::load(&args.scenario, &overrides) {
        Ok(scenario) => scenario,
        Err(e) => return fail(&e, EXIT_BAD_INPUT),
    };
    let options = RunOptions {
        out: args.out,
        runs_root: PathBuf::from("runs"),
        quiet: args.quiet,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("failed to build the tokio runtime");
    match runtime.block_on(supervisor::run(scenario, options)) {
        Ok(report) => {
            print!(
                "{}",
                supervisor::display::summary(&report.manifest, &report.run_dir)
            );
            ExitCode::from(report.exit_code())
        }
        Err(e @ SupervisorError::RunDir(_)) => fail(&e, EXIT_BAD_INPUT),
        Err(e) => fail(&e, 1),
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

fn fail(error: &dyn std::error::Error, code: u8) -> ExitCode {
    eprintln!("error: {error}");
    ExitCode::from(code)
}
