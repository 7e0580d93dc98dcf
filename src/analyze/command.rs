//! `logiclock analyze RUN_DIR...`: analyze each directory, write its outputs, print the summaries
//! and, for several runs, the aggregate table. A batch directory (made by `run --repeat` or
//! `--sweep`) is analyzed run by run and its aggregate is written into it. What a shell's glob
//! picks up besides runs (a batch's own `aggregate.*` files, a directory without a manifest or
//! logs) is skipped with a note; a scenario file is an error that says to run it. Returns the worst
//! [`Exit`] of its runs: a failed check is 1, as is an output that cannot be written (as in
//! `export` and `diagram`), unreadable input is 2.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::batch::aggregate::{self, Aggregate};
use super::batch::members::{self, batch_runs, BatchDir, Swept};
use super::report::{outputs, terminal};
use super::run::{pipeline, Options, Summary};
use super::{plots, AnalyzeError};
use crate::exit::Exit;

/// What the user asked for.
#[derive(Debug, Clone, Default)]
pub(crate) struct Request {
    pub dirs: Vec<PathBuf>,
    pub options: Options,
    pub plots: bool,
    pub quiet: bool,
}

/// What one directory given is: a run, or a batch with its runs.
enum Given {
    Run(PathBuf),
    Batch(PathBuf, BatchDir),
}

/// What a path given is, before it is analyzed.
#[derive(Debug, PartialEq)]
enum Entry {
    /// A run or a batch, or a path that may be one (a missing path is said when analyzed).
    Candidate,
    /// A scenario file: given by mistake for the run it makes, which is an error.
    Scenario,
    /// Not a run and never one (a file such as a batch's `aggregate.md`, an empty directory):
    /// skipped with a note, so that `analyze BATCH/*` works once the batch has its outputs.
    Other(&'static str),
}

/// What `path` is: a run (or something analyze should try and report on), a scenario file, or
/// something else a glob picked up.
fn entry(path: &Path) -> Entry {
    use crate::log_format::MANIFEST_FILE;
    let Ok(meta) = std::fs::metadata(path) else {
        return Entry::Candidate;
    };
    if meta.is_file() {
        return if path.extension().is_some_and(|x| x == "toml") {
            Entry::Scenario
        } else {
            Entry::Other("a file, not a run directory")
        };
    }
    if !meta.is_dir()
        || path.join(MANIFEST_FILE).exists()
        || members::looks_like_a_run(path)
        || batch_runs(path).is_some()
    {
        return Entry::Candidate;
    }
    Entry::Other("a directory without manifest.json or logs")
}

/// Run the command; errors are printed to stderr, results to stdout.
pub(crate) fn run(request: &Request) -> Exit {
    let mut exit = Exit::Clean;
    let mut dirs = Vec::new();
    let mut skipped = 0;
    for path in &request.dirs {
        match entry(path) {
            Entry::Candidate => dirs.push(path.clone()),
            Entry::Scenario => {
                eprintln!(
                    "error: {} is a scenario file, not a run: run it first (logiclock run {0}), \
                     then analyze the run directory it makes",
                    path.display()
                );
                exit = exit.worst(Exit::BadInput);
            }
            Entry::Other(why) => {
                eprintln!("note: {} is {why}: skipped", path.display());
                skipped += 1;
            }
        }
    }
    if dirs.is_empty() && skipped > 0 {
        eprintln!("error: nothing to analyze: none of the paths given is a run or a batch");
        return exit.worst(Exit::BadInput);
    }
    let mut loose = Vec::new();
    for given in plan(&dirs) {
        let (dir, batch) = match given {
            Given::Run(dir) => {
                if let Some(summary) = ended(analyze_run(&dir, request), &mut exit) {
                    loose.push((dir, summary));
                }
                continue;
            }
            Given::Batch(dir, batch) => (dir, batch),
        };
        for (entry, why) in &batch.foreign {
            eprintln!(
                "warning: {} is not a run of the batch {} ({why}): left out",
                entry.display(),
                dir.display()
            );
        }
        let mut analyzed = Vec::new();
        let mut failed = Vec::new();
        for run in &batch.runs {
            match ended(analyze_run(run, request), &mut exit) {
                Some(summary) => analyzed.push((run.clone(), summary)),
                None => failed.push(run.display().to_string()),
            }
        }
        if !failed.is_empty() {
            eprintln!(
                "error: {} of the {} runs of the batch {} could not be analyzed: {}",
                failed.len(),
                batch.runs.len(),
                dir.display(),
                failed.join(", ")
            );
        }
        let agg = aggregate_of(&analyzed);
        match members::write_files(&dir, &agg) {
            Ok(_) => {
                if !request.quiet {
                    crate::stdout::print(&terminal::fit(&agg.text()));
                    crate::stdout::print(&terminal::fit(&format!(
                        "wrote {} in {}\n\n",
                        members::AGGREGATE_FILES.join(", "),
                        dir.display()
                    )));
                }
            }
            Err(e) => {
                eprintln!("error: {e}");
                exit = exit.worst(e.exit());
            }
        }
    }
    if loose.len() > 1 && !request.quiet {
        crate::stdout::print(&terminal::fit(&aggregate_of(&loose).text()));
    }
    exit
}

/// The directories given, each run counted once: a run given twice (`analyze A A`, or alone
/// and inside a batch also given) is analyzed once, as part of its batch if it is in one.
/// Paths are compared canonical, so `A`, `./A` and a link to it are one run.
fn plan(dirs: &[PathBuf]) -> Vec<Given> {
    let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_owned());
    let given: Vec<Given> = dirs
        .iter()
        .map(|dir| match batch_runs(dir) {
            Some(batch) => Given::Batch(dir.clone(), batch),
            None => Given::Run(dir.clone()),
        })
        .collect();
    let mut in_batches = HashSet::new();
    for g in &given {
        if let Given::Batch(_, batch) = g {
            in_batches.extend(batch.runs.iter().map(|r| canonical(r)));
        }
    }
    let mut seen = HashSet::new();
    let mut plan = Vec::new();
    for g in given {
        let dir = match &g {
            Given::Run(dir) | Given::Batch(dir, _) => dir,
        };
        let key = canonical(dir);
        let twice = matches!(g, Given::Run(_)) && in_batches.contains(&key);
        if twice || !seen.insert(key) {
            eprintln!(
                "warning: {} is given more than once (alone, or also inside a batch given): counted once",
                dir.display()
            );
            continue;
        }
        plan.push(g);
    }
    plan
}

/// The summary of a run analyzed, with `exit` raised to 1 for a failed check; on an error, the
/// error printed and `exit` raised to the error's code.
fn ended(result: Result<Summary, AnalyzeError>, exit: &mut Exit) -> Option<Summary> {
    match result {
        Ok(summary) => {
            if !summary.verdict.passed {
                *exit = exit.worst(Exit::NotClean);
            }
            Some(summary)
        }
        Err(e) => {
            eprintln!("error: {e}");
            *exit = exit.worst(e.exit());
            None
        }
    }
}

/// The aggregate of `runs`, grouped by the swept value their manifests record when they share
/// a swept key.
fn aggregate_of(runs: &[(PathBuf, Summary)]) -> Aggregate {
    let dirs: Vec<PathBuf> = runs.iter().map(|(d, _)| d.clone()).collect();
    let swept = Swept::of(&dirs);
    let members = members::members(&swept, runs);
    let mut agg = aggregate::aggregate(swept.key, &members);
    agg.ran = super::batch::provenance::describe_dirs(&dirs);
    agg
}

/// Analyze one run directory, write its outputs and print its summary (or only its verdict).
fn analyze_run(dir: &Path, request: &Request) -> Result<Summary, AnalyzeError> {
    let result = pipeline::analyze_dir(dir, &request.options).and_then(|(analysis, warnings)| {
        for warning in &warnings {
            eprintln!("warning: {warning}");
        }
        let drawn = if request.plots {
            plots::write_plots(dir, &analysis)?
        } else {
            Vec::new()
        };
        outputs::write_outputs(dir, &analysis, &drawn)?;
        Ok(analysis)
    });
    result.map(|analysis| {
        let s = analysis.summary;
        let quotes = if s.verdict.passed {
            Default::default()
        } else {
            outputs::quote_offences(dir, &s.verdict)
        };
        if request.quiet {
            crate::stdout::print(&terminal::verdict_line(
                &dir.display().to_string(),
                &s.verdict,
            ));
        } else {
            crate::stdout::print(&terminal::fit(&outputs::terminal(&s, &quotes)));
            crate::stdout::print(&format!(
                "{}\n",
                terminal::fit(&format!(
                    "wrote {}, {} and CSV series{} in {}\n{}",
                    outputs::REPORT_FILE,
                    outputs::SUMMARY_FILE,
                    if request.plots { ", SVG plots" } else { "" },
                    dir.display(),
                    see_it(dir)
                ))
            ));
        }
        s
    })
}

/// Where to look at a run next: its explorer and diagram, as the commands that write them.
pub(crate) fn see_it(dir: &std::path::Path) -> String {
    format!(
        "see it: logiclock explore {0} (causality, in a browser); logiclock diagram {0}",
        dir.display()
    )
}
