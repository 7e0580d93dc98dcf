//! Why a run directory could not be analyzed (unreadable or corrupt input, failed writes).

use std::path::{Path, PathBuf};

use plotters::drawing::DrawingAreaErrorKind;

use crate::exit::Exit;
use crate::runlog::RunLogError;

/// An error that stops the analysis of a run directory. A failed *check* is not an error: it is
/// part of the result.
#[derive(Debug, thiserror::Error)]
pub enum AnalyzeError {
    /// The run directory or one of its logs could not be read (names the file and line).
    #[error(transparent)]
    Input(#[from] RunLogError),
    #[error("{}: {source}", dir.display())]
    Layout { dir: PathBuf, source: LayoutError },
    #[error("failed to write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("failed to draw {}: {source}", path.display())]
    Plot { path: PathBuf, source: DrawError },
}

/// Why the lines of a run, each readable, cannot be analyzed together.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LayoutError {
    /// The manifest's start time is not a timestamp.
    #[error("manifest.json: bad started_at {0:?}")]
    StartedAt(String),
    /// The timestamps span more drift samples than memory is kept for.
    #[error(
        "timestamps span more than {max} drift samples of {step_us} us; pass a larger --step-ms"
    )]
    TooManySamples { max: u64, step_us: i64 },
}

/// Why plotters could not draw a plot, in its words.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct DrawError(String);

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for DrawError {
    fn from(e: DrawingAreaErrorKind<E>) -> DrawError {
        DrawError(e.to_string())
    }
}

impl AnalyzeError {
    /// How `analyze` exits for this error: 2 for input it cannot use, 1 for an output it could not
    /// write or draw (as `export` and `diagram` do).
    pub fn exit(&self) -> Exit {
        match self {
            AnalyzeError::Input(_) | AnalyzeError::Layout { .. } => Exit::BadInput,
            AnalyzeError::Write { .. } | AnalyzeError::Plot { .. } => Exit::NotClean,
        }
    }
}

/// Write one output file of `analyze` whole or not at all ([`crate::atomic_file`]): a full
/// disk never leaves it empty or cut short; the error names the file.
pub(crate) fn write_output(path: &Path, bytes: &[u8]) -> Result<(), AnalyzeError> {
    crate::atomic_file::write(path, bytes).map_err(|source| AnalyzeError::Write {
        path: path.to_path_buf(),
        source,
    })
}
