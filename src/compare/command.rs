//! `logiclock compare RUN_OR_BATCH... [--out DIR]`: gather the runs, group them by
//! configuration, compare, print the table and write `compare.md`, `.json`, `.csv` and `.svg`
//! into the output directory. Bad input is exit 2 (named), an output that cannot be written 1.

use std::path::PathBuf;

use super::inputs::{gather, InputError};
use super::{configs, differs, outputs, plot, table};
use crate::analyze::batch::provenance;
use crate::analyze::error::write_output;
use crate::exit::{Exit, Failed, Outcome};

/// What the user asked for.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub inputs: Vec<PathBuf>,
    pub out: PathBuf,
}

/// The files written, in order.
pub(crate) const FILES: [&str; 4] = ["compare.md", "compare.json", "compare.csv", "compare.svg"];

/// Run the command: the table on standard output, warnings on standard error.
pub(crate) fn run(request: &Request) -> Outcome {
    let runs = gather(&request.inputs).map_err(|e: InputError| Failed::new(Exit::BadInput, e))?;
    for run in runs.iter().filter(|r| !r.summary.verdict.passed) {
        let failed: Vec<&str> = run
            .summary
            .verdict
            .checks
            .iter()
            .filter(|c| !c.passed)
            .map(|c| c.name.as_str())
            .collect();
        eprintln!(
            "warning: {} failed its checks ({}): compared all the same",
            run.dir.display(),
            failed.join(", ")
        );
    }
    let groups = configs::configs(&runs);
    let manifests: Vec<_> = runs.iter().map(|r| &r.manifest).collect();
    let mut comparison = table::compare(&runs, &groups, provenance::describe(&manifests));
    comparison.differences = differs::lines(&comparison);
    crate::stdout::print(&crate::analyze::report::terminal::fit(&outputs::terminal(
        &comparison,
    )));
    let written = (|| {
        std::fs::create_dir_all(&request.out).map_err(|source| {
            crate::analyze::AnalyzeError::Write {
                path: request.out.clone(),
                source,
            }
        })?;
        let svg = plot::svg(&comparison).map_err(|source| crate::analyze::AnalyzeError::Plot {
            path: request.out.join(FILES[3]),
            source,
        })?;
        let contents = [
            outputs::markdown(&comparison),
            outputs::json(&comparison),
            outputs::csv(&comparison),
            svg,
        ];
        for (name, text) in FILES.iter().zip(contents) {
            write_output(&request.out.join(name), text.as_bytes())?;
        }
        Ok::<(), crate::analyze::AnalyzeError>(())
    })();
    match written {
        Ok(()) => {
            crate::stdout::print(&format!(
                "wrote {} in {}\n",
                FILES.join(", "),
                request.out.display()
            ));
            Ok(Exit::Clean)
        }
        Err(e) => Err(Failed::new(e.exit(), e)),
    }
}
