//! Why a run directory could not be analyzed (unreadable or corrupt input, failed writes).

use std::path::PathBuf;

/// An error that stops the analysis of a run directory. A failed *check* is not an error: it is
/// part of the result.
#[derive(Debug, thiserror::Error)]
pub enum AnalyzeError {
    #[error("{}: missing manifest.json", dir.display())]
    MissingManifest { dir: PathBuf },
    #[error("failed to read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("failed to parse {}: {message}", path.display())]
    Manifest { path: PathBuf, message: String },
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
    #[error("failed to write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("failed to draw {}: {message}", path.display())]
    Plot { path: PathBuf, message: String },
}
