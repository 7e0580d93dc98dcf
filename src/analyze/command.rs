//! `logiclock analyze RUN_DIR...`: analyze each directory, write its outputs, print the summaries
//! and, for several runs, the aggregate table. A batch directory (made by `run --repeat` or
//! `--sweep`) is analyzed run by run and its aggregate is written into it. Returns the exit code.

use std::path::{Path, PathBuf};

use super::aggregate::{self, Aggregate};
use super::aggregate_batch::{self, batch_runs, Swept};
use super::analyzer::Options;
use super::summary::Summary;
use super::{pipeline, plots, report, terminal};

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
    let mut loose = Vec::new();
    for dir in &request.dirs {
        let Some(runs) = batch_runs(dir) else {
            if let Some(summary) = analyze_run(dir, request, &mut code) {
                loose.push((dir.clone(), summary));
            }
            continue;
        };
        let mut analyzed = Vec::new();
        for run in &runs {
            if let Some(summary) = analyze_run(run, request, &mut code) {
                analyzed.push((run.clone(), summary));
            }
        }
        let agg = aggregate_of(&analyzed);
        match aggregate_batch::write_files(dir, &agg) {
            Ok(_) => {
                if !request.quiet {
                    crate::stdout::print(&terminal::fit(&agg.text()));
                    crate::stdout::print(&format!(
                        "wrote {} in {}\n\n",
                        aggregate_batch::AGGREGATE_FILES.join(", "),
                        dir.display()
                    ));
                }
            }
            Err(e) => {
                eprintln!("error: {e}");
                code = EXIT_BAD_INPUT;
            }
        }
    }
    if loose.len() > 1 && !request.quiet {
        crate::stdout::print(&terminal::fit(&aggregate_of(&loose).text()));
    }
    code
}

/// The aggregate of `runs`, grouped by the swept value their manifests record when they share
/// a swept key.
fn aggregate_of(runs: &[(PathBuf, Summary)]) -> Aggregate {
    let dirs: Vec<PathBuf> = runs.iter().map(|(d, _)| d.clone()).collect();
    let swept = Swept::of(&dirs);
    let members = aggregate_batch::members(&swept, runs);
    aggregate::aggregate(swept.key, &members)
}

/// Analyze one run directory, write its outputs and print its summary (or only its verdict);
/// raises `code` on a failed check or bad input.
fn analyze_run(dir: &Path, request: &Request, code: &mut u8) -> Option<Summary> {
    let result = pipeline::analyze_dir(dir, &request.options).and_then(|(analysis, warnings)| {
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
                crate::stdout::print(&terminal::verdict_line(
                    &dir.display().to_string(),
                    &s.verdict,
                ));
            } else {
                crate::stdout::print(&terminal::fit(&report::terminal(&s, &quotes)));
                crate::stdout::print(&format!(
                    "{}\n",
                    terminal::fit(&format!(
                        "wrote {}, {} and CSV series{} in {}",
                        report::REPORT_FILE,
                        report::SUMMARY_FILE,
                        if request.plots { ", SVG plots" } else { "" },
                        dir.display()
                    ))
                ));
            }
            if !s.verdict.passed && *code == EXIT_OK {
                *code = EXIT_CHECK_FAILED;
            }
            Some(s)
        }
        Err(e) => {
            eprintln!("error: {e}");
            *code = EXIT_BAD_INPUT;
            None
        }
    }
}
