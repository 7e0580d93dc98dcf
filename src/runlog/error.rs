//! Why a run directory or one of its logs could not be read, and what was read with a caveat.

use std::path::PathBuf;

/// An error that stops reading a run directory: always names the file, and the line if any.
#[derive(Debug, thiserror::Error)]
pub enum RunLogError {
    #[error("{}: missing manifest.json", dir.display())]
    MissingManifest { dir: PathBuf },
    #[error("failed to read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("failed to parse {}: {message}", path.display())]
    Manifest { path: PathBuf, message: String },
    /// A manifest names a log outside its run directory (`..`, `/`, an absolute path).
    #[error("{}: machine {machine}: log name {name:?} must be a plain file name inside the run directory", path.display())]
    LogName {
        path: PathBuf,
        machine: u32,
        name: String,
    },
    #[error("failed to parse {} line {line}: {message}", path.display())]
    Line {
        path: PathBuf,
        line: u64,
        message: String,
    },
    #[error("{}: log format {found}, this build reads formats {} to {}", path.display(), crate::log_format::OLDEST_READABLE_FORMAT, crate::log_format::FORMAT_VERSION)]
    Format { path: PathBuf, found: u32 },
    #[error("{}: {message}", dir.display())]
    Layout { dir: PathBuf, message: String },
}

/// Something read with a caveat: the run is still usable, and the user should be told.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Warning {
    /// The log's last line was cut (no newline, or JSON cut short): the machine ended abruptly.
    #[error("{} line {line}: last line cut short ({message}); the machine ended abruptly, read up to line {}", path.display(), line - 1)]
    CutTail {
        path: PathBuf,
        line: u64,
        message: String,
    },
}
