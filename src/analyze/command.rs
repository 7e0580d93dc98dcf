//! `logiclock analyze RUN_DIR...`: analyze each directory, write its outputs, print the summaries
//! and, for several runs, the aggregate table. Returns the exit code.

use std::path::PathBuf;

use super::analyzer::Options;
use super::{aggregate, pipeline, plots, report};

/// Exit code when every check of every run passed.
pub const EXIT_OK: u8 = 0;
/// Exit code when a check failed.
pub const EXIT_CHECK_FAILED: u8 = 1;
pub use crate::EXIT_BAD_INPUT;

/// What the user asked for.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub dirs: Vec<PathBuf>,
    pub options: Options,
    pub plots: bool,
    pub quiet: bool,
}

/// Run the command; errors are printed to stderr, results to stdout.
pub fn run(request: &Request) -> u8 {
    let mut code = EXIT_OK;
    let mut summaries = Vec::new();
    for dir in &request.dirs {
        let result =
            pipeline::analyze_dir(dir, &request.options).and_then(|(analysis, warnings)| {
                for warning in &warnings {
                    eprintln!("warning: {warning}");
                }
                let drawn = if request.plots {
                    plots::write_plots(dir, &analysis)?
                } else {
                    Vec::new()
                };
                report::write_outputs(dir, &analysis, &drawn)?;
                Ok(analysis)
            });
        match result {
            Ok(analysis) => {
                let s = analysis.summary;
                let quotes = if s.verdict.passed {
                    Default::default()
                } else {
                    report::quote_offences(dir, &s.verdict)
                };
                if request.quiet {
                    crate::stdout::print(&format!(
                        "{}: {}",
                        dir.display(),
                        report::verdict_text(&s.verdict, &quotes)
                    ));
                } else {
                    crate::stdout::print(&report::terminal(&s, &quotes));
                    crate::stdout::print(&format!(
                        "wrote {}, {} and CSV series{} in {}\n\n",
                        report::REPORT_FILE,
                        report::SUMMARY_FILE,
                        if request.plots { ", SVG plots" } else { "" },
                        dir.display()
                    ));
                }
                if !s.verdict.passed && code == EXIT_OK {
                    code = EXIT_CHECK_FAILED;
                }
                summaries.push(s);
            }
            Err(e) => {
                eprintln!("error: {e}");
                code = EXIT_BAD_INPUT;
            }
        }
    }
    if summaries.len() > 1 {
        crate::stdout::print(&aggregate::text(&summaries));
    }
    code
}
