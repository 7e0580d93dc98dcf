//! The `import` command: read a folder of foreign logs, refuse what makes a run impossible
//! (naming the file and line), warn of the rest, and write the run directory.

use std::path::{Path, PathBuf};

use super::convert::{convert, ConvertError};
use super::write::{write_run, Source, WriteError};
use crate::exit::{Exit, Failed, Outcome};
use crate::foreign::{read_submission, Format, Mapping, Problem};
use crate::run::dir::{self as run_dir, Naming, RunDirError};

/// `logiclock import`, validated.
#[derive(Debug)]
pub(crate) struct Request {
    /// The folder holding one log per machine.
    pub src: PathBuf,
    /// The run directory to write; `None`: `runs/imported-<src name>`, or the next free name.
    pub out: Option<PathBuf>,
    /// How the logs' field names map to the contract's.
    pub mapping: Mapping,
}

/// Why a folder of logs could not be imported.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ImportError {
    #[error("{}: not a directory of logs ({why})", .dir.display())]
    NoSource { dir: PathBuf, why: String },
    #[error("{}: no machine logs found to import", .0.display())]
    NoLogs(PathBuf),
    #[error("{}: cannot import: {message}", place(.file, *.line))]
    Unusable {
        file: PathBuf,
        line: Option<u64>,
        message: String,
    },
    #[error("cannot import: {0}")]
    Convert(#[from] ConvertError),
    #[error(transparent)]
    RunDir(#[from] RunDirError),
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// "file" or "file line N".
fn place(file: &Path, line: Option<u64>) -> String {
    match line {
        Some(line) => format!("{} line {line}", file.display()),
        None => file.display().to_string(),
    }
}

impl ImportError {
    fn exit(&self) -> Exit {
        match self {
            ImportError::Write(_) => Exit::NotClean,
            _ => Exit::BadInput,
        }
    }
}

/// The name a format has in the manifest.
fn format_name(format: Option<&Format>) -> &'static str {
    match format {
        Some(Format::JsonLines) => "json_lines",
        Some(Format::Csv) => "csv",
        Some(Format::ShiViz) => "shiviz",
        None => "unknown",
    }
}

/// Carry out `logiclock import`: the run directory written, or why not.
pub(crate) fn run(request: &Request) -> Outcome {
    let dir = import(request).map_err(|e| {
        let exit = e.exit();
        Failed::new(exit, e)
    })?;
    crate::stdout::print(&format!("{}\n", dir.display()));
    eprintln!(
        "imported {} into {}: timing checks are skipped (rates unknown); next: logiclock analyze {}",
        request.src.display(),
        dir.display(),
        dir.display()
    );
    Ok(Exit::Clean)
}

/// Import `request.src`; returns the run directory written.
pub(super) fn import(request: &Request) -> Result<PathBuf, ImportError> {
    let src = &request.src;
    match std::fs::metadata(src) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => {
            return Err(ImportError::NoSource {
                dir: src.clone(),
                why: "it is a file".into(),
            })
        }
        Err(e) => {
            return Err(ImportError::NoSource {
                dir: src.clone(),
                why: e.to_string(),
            })
        }
    }
    let submission = read_submission(src, &request.mapping);
    let problems = submission
        .problems
        .iter()
        .chain(submission.logs.iter().flat_map(|log| &log.problems));
    // A file that cannot be read as a whole makes the run impossible; a problem of the folder
    // (a machine's log missing, mixed formats) or of one line is a warning, unless no log is left.
    let (fatal, warnings): (Vec<&Problem>, Vec<&Problem>) =
        problems.partition(|p| p.line.is_none() && (p.file != *src || submission.logs.is_empty()));
    if let Some(p) = fatal.first() {
        return Err(ImportError::Unusable {
            file: p.file.clone(),
            line: p.line,
            message: p.message.clone(),
        });
    }
    if submission.logs.is_empty() {
        return Err(ImportError::NoLogs(src.clone()));
    }
    // A file with no event at all (binary junk, a log of something else) is no machine's log.
    if let Some(log) = submission.logs.iter().find(|log| log.events.is_empty()) {
        let why = match log.problems.first() {
            Some(p) => format!(
                "no event could be read (first: {}: {})",
                place(&p.file, p.line),
                p.message
            ),
            None => "no event could be read".to_owned(),
        };
        return Err(ImportError::Unusable {
            file: log.file.clone(),
            line: None,
            message: why,
        });
    }
    for p in warnings {
        let left_out = if p.line.is_some() {
            " (line left out)"
        } else {
            ""
        };
        eprintln!(
            "warning: {}: {}{left_out}",
            place(&p.file, p.line),
            p.message
        );
    }
    let converted = convert(&submission.logs)?;
    let run_dir = claim(request)?;
    let source = Source {
        dir: src.clone(),
        format: format_name(submission.format.as_ref()).to_owned(),
    };
    write_run(&run_dir, &converted, &source)?;
    Ok(run_dir)
}

/// Claim the run directory: `--out` exactly (new or empty), else `runs/imported-<src name>` or
/// the next free name after it.
fn claim(request: &Request) -> Result<PathBuf, RunDirError> {
    match &request.out {
        Some(out) => {
            run_dir::check_out(out)?;
            run_dir::claim(out, Naming::Exact)
        }
        None => {
            let name = std::path::absolute(&request.src)
                .ok()
                .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                .unwrap_or_else(|| "logs".to_owned());
            let root = PathBuf::from(crate::run::dir::RUNS_ROOT);
            run_dir::claim(&root.join(format!("imported-{name}")), Naming::NextFree)
        }
    }
}
