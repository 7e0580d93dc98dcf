//! The runs that `compare` is given: each argument a run (its own `manifest.json`) or a batch
//! (runs in its subdirectories, [`batch_runs`]); each run with its manifest and its per-run
//! figures, read from the `summary.json` that `analyze` wrote, or analyzed here when it has none
//! (or one of another layout). A path that is not a run is named and skipped; the same run given
//! twice is counted once.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::analyze::batch::members::batch_runs;
use crate::analyze::run::summary::SUMMARY_VERSION;
use crate::analyze::{AnalyzeError, Summary};
use crate::log_format::MANIFEST_FILE;
use crate::manifest::Manifest;

// The file `analyze` writes a run's figures to.
use crate::analyze::report::outputs::SUMMARY_FILE;

/// One run to compare.
#[derive(Debug, Clone)]
pub(crate) struct Run {
    pub dir: PathBuf,
    pub manifest: Manifest,
    pub summary: Summary,
}

/// Why the arguments cannot be compared: every one is bad input (exit 2), and names the input.
#[derive(Debug, thiserror::Error)]
pub(crate) enum InputError {
    #[error("failed to compare: {} does not exist", .0.display())]
    Missing(PathBuf),
    #[error("failed to compare: {} is an empty directory, not a run or a batch", .0.display())]
    Empty(PathBuf),
    #[error("failed to compare: {} has a damaged manifest: {why}", dir.display())]
    Manifest { dir: PathBuf, why: String },
    #[error("failed to compare: {} could not be analyzed: {source}", dir.display())]
    Analyze { dir: PathBuf, source: AnalyzeError },
    #[error("failed to compare: no run among {0}")]
    Nothing(String),
}

/// The runs of `args` in the order given (a batch's in its order), each once, and the paths
/// skipped with why; warnings for both go to standard error.
pub(crate) fn gather(args: &[PathBuf]) -> Result<Vec<Run>, InputError> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    for arg in args {
        for (path, why) in runs_of(arg, &mut dirs)? {
            eprintln!("warning: {} is not a run ({why}): skipped", path.display());
        }
    }
    let mut seen = HashSet::new();
    let mut runs = Vec::new();
    for dir in dirs {
        let key = std::fs::canonicalize(&dir).unwrap_or_else(|_| dir.clone());
        if !seen.insert(key) {
            eprintln!(
                "warning: {} is given more than once (alone, or also inside a batch given): counted once",
                dir.display()
            );
            continue;
        }
        runs.push(read(&dir)?);
    }
    if runs.is_empty() {
        let names: Vec<String> = args.iter().map(|a| a.display().to_string()).collect();
        return Err(InputError::Nothing(names.join(", ")));
    }
    Ok(runs)
}

/// Push the run directories of `arg` onto `dirs`; returns the paths that are not runs, with why.
fn runs_of(arg: &Path, dirs: &mut Vec<PathBuf>) -> Result<Vec<(PathBuf, String)>, InputError> {
    if !arg.exists() {
        return Err(InputError::Missing(arg.to_owned()));
    }
    if !arg.is_dir() {
        return Ok(vec![(arg.to_owned(), "not a directory".into())]);
    }
    if arg.join(MANIFEST_FILE).exists() {
        dirs.push(arg.to_owned());
        return Ok(Vec::new());
    }
    if let Some(batch) = batch_runs(arg) {
        dirs.extend(batch.runs);
        return Ok(batch.foreign);
    }
    let empty = std::fs::read_dir(arg).is_ok_and(|mut entries| entries.next().is_none());
    if empty {
        return Err(InputError::Empty(arg.to_owned()));
    }
    Ok(vec![(
        arg.to_owned(),
        format!("no {MANIFEST_FILE}, and no run in it"),
    )])
}

/// A run's manifest and figures: its `summary.json` when it is of this layout, else analyzed.
fn read(dir: &Path) -> Result<Run, InputError> {
    let manifest = Manifest::read(dir).map_err(|e| InputError::Manifest {
        dir: dir.to_owned(),
        why: format!("{e:#}"),
    })?;
    let written = std::fs::read_to_string(dir.join(SUMMARY_FILE))
        .ok()
        .and_then(|text| serde_json::from_str::<Summary>(&text).ok())
        .filter(|s| s.summary_version == SUMMARY_VERSION);
    let summary = match written {
        Some(summary) => summary,
        None => {
            let options = crate::analyze::Options::default();
            let (analysis, warnings) =
                crate::analyze::analyze_dir(dir, &options).map_err(|source| {
                    InputError::Analyze {
                        dir: dir.to_owned(),
                        source,
                    }
                })?;
            for warning in warnings {
                eprintln!("warning: {warning}");
            }
            analysis.summary
        }
    };
    Ok(Run {
        dir: dir.to_owned(),
        manifest,
        summary,
    })
}
