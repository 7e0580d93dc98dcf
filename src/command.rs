//! The `logiclock` command: flags validated into a request, the request carried out, and its
//! [`Exit`] turned into the process exit code, with an error printed once. The binary
//! (`src/main.rs`) is one call to [`main`], so it needs nothing else from the library.

use std::process::ExitCode;

use crate::args::{Request, RunRequest};
use crate::cli::Cli;
use crate::exit::{Exit, Failed, Outcome};
use crate::{batch, supervisor};
use clap::Parser;

/// The whole command: parse, carry out, exit; `src/main.rs` is one call to this.
// SIGPIPE stays ignored (Rust's default) in every command, the machine's and the supervisor's
// included; whatever the commands print goes through `crate::stdout`, which turns a reader
// that went away (`| head`) into a quiet end of the printing: see that module for why.
pub fn main() -> ExitCode {
    let outcome = match Request::try_from(Cli::parse()) {
        // The machine process speaks to its supervisor, not to a terminal: it keeps its own ending.
        Ok(Request::Machine) => return crate::machine::main(),
        Ok(Request::Run(request)) => run(*request),
        Ok(Request::Batch(request)) => batch::run(&runtime(), request),
        Ok(Request::Analyze(request)) => Ok(crate::analyze::command::run(&request)),
        Ok(Request::Diagram(request)) => wrote(crate::diagram::diagram(&request)),
        Ok(Request::Export(request)) => wrote(crate::export::export(&request)),
        Ok(Request::Explore(request)) => wrote(crate::explore::explore(&request)),
        Ok(Request::Diff(request)) => crate::diff::run(&request),
        Ok(Request::Compare(request)) => crate::compare::command::run(&request),
        Ok(Request::Import(request)) => crate::import::command::run(&request),
        Ok(Request::Grade(request)) => crate::grade::command::run(&request),
        Err(e) => Err(Failed::new(Exit::BadInput, e)),
    };
    match outcome {
        Ok(exit) => exit.into(),
        Err(failed) => {
            eprintln!("error: {}", failed.error);
            failed.exit.into()
        }
    }
}

/// One run: its summary on stdout, its exit from how it went.
fn run(request: RunRequest) -> Outcome {
    let RunRequest { scenario, options } = request;
    let report = batch::run_one(&runtime(), scenario, options).map_err(Failed::from)?;
    crate::stdout::print(&supervisor::display::summary(
        &report.manifest,
        &report.run_dir,
    ));
    batch::print_checks(&report);
    Ok(report.exit())
}

/// The ending of `diagram` and `export`: the file written, or the error with its code. The
/// status line goes to standard error, so `--out /dev/stdout > x.csv` (or `--out -`) leaves only
/// the file's own bytes on standard output.
fn wrote(result: Result<std::path::PathBuf, crate::timeline::TimelineError>) -> Outcome {
    match result {
        Ok(path) => {
            if !crate::export::command::is_stdout(&path) {
                eprintln!("wrote {}", path.display());
            }
            Ok(Exit::Clean)
        }
        Err(e) => Err(Failed::new(e.exit(), e)),
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("failed to build the tokio runtime")
}
