//! Why a run could not be drawn or exported.

use std::path::PathBuf;

use crate::runlog::RunLogError;

pub use crate::EXIT_BAD_INPUT;
/// Exit code for any other failure (an output that could not be written).
pub const EXIT_FAILURE: u8 = 1;

/// An error that stops a diagram or an export.
#[derive(Debug, thiserror::Error)]
pub enum TimelineError {
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
    /// The process exit code for this error: 2 for bad input, 1 for a failed write.
    pub fn exit_code(&self) -> u8 {
        match self {
            TimelineError::Write { .. } => EXIT_FAILURE,
            _ => EXIT_BAD_INPUT,
        }
    }
}
