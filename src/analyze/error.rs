//! Why a run directory could not be analyzed (unreadable or corrupt input, failed writes).

use std::path::{Path, PathBuf};

use crate::exit::Exit;
use crate::runlog::RunLogError;

/// An error that stops the analysis of a run directory. A failed *check* is not an error: it is
/// part of the result.
#[derive(Debug, thiserror::Error)]
pub enum AnalyzeError {
    /// The run directory or one of its logs could not be read (names the file and line).
    #[error(transparent)]
    Input(#[from] RunLogError),
    #[error("{}: {message}", dir.display())]
    Layout { dir: PathBuf, message: String },
    #[error("failed to write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("failed to draw {}: {message}", path.display())]
    Plot { path: PathBuf, message: String },
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
pub fn write_output(path: &Path, bytes: &[u8]) -> Result<(), AnalyzeError> {
    crate::atomic_file::write(path, bytes).map_err(|source| AnalyzeError::Write {
        path: path.to_path_buf(),
        source,
    })
}
