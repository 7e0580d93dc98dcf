//! Why a run could not be drawn or exported.

use std::path::PathBuf;

use crate::runlog::RunLogError;

use crate::exit::Exit;

/// An error that stops a diagram or an export.
#[derive(Debug, thiserror::Error)]
pub(crate) enum TimelineError {
    /// The run directory or one of its logs could not be read (names the file and line).
    #[error(transparent)]
    Input(#[from] RunLogError),
    /// The logs carry no vector clocks (log format 1) and the output needs them.
    #[error("{}: no vector clocks (log format 1); {what} needs log format 2 or later", path.display())]
    NoVectorClocks { path: PathBuf, what: &'static str },
    /// A vector clock breaks the rules (its own entry must grow by one per event).
    #[error("{} line {line}: {message}", path.display())]
    Clock {
        path: PathBuf,
        line: u64,
        message: String,
    },
    /// Bad options (a window that is empty, several runs where one is expected).
    #[error("{0}")]
    Usage(String),
    #[error("failed to write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl TimelineError {
    /// How the command exits for this error: 2 for bad input, 1 for a failed write (as in
    /// `analyze`).
    pub(crate) fn exit(&self) -> Exit {
        match self {
            TimelineError::Write { .. } => Exit::NotClean,
            _ => Exit::BadInput,
        }
    }
}
