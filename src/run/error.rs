//! Why a run could not be carried out, by either engine, and the exit code of each reason.

use std::net::SocketAddr;
use std::path::PathBuf;

use super::dir::RunDirError;
use super::estimate::TooLarge;
use super::signal::Stop;
use crate::exit::{Exit, Failed};

/// Why a run could not be carried out.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    RunDir(#[from] RunDirError),
    /// The run's logs would not fit where they go: refused before anything is created.
    #[error(transparent)]
    TooLarge(#[from] TooLarge),
    #[error("failed to start machine {id}: {source}")]
    Spawn { id: u32, source: std::io::Error },
    #[error("failed to write the manifest in {}: {source}", path.display())]
    Manifest {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A log file of the twin could not be created or written.
    #[error("failed to write {}: {source}", path.display())]
    Log {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("machine {id}'s port {addr} is not available: {source} (choose another port in [network] ports, or 0 for automatic)")]
    PortTaken {
        id: u32,
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("interrupted by {} before the machines started", .0.name())]
    Interrupted(Stop),
    #[error("failed to listen for signals: {0}")]
    Signals(std::io::Error),
    #[error("the run could not start: {message} (machine diagnostics are in {})", run_dir.display())]
    Setup { run_dir: PathBuf, message: String },
}

impl RunError {
    /// Bad input (an unusable output directory or port, logs too large for the disk) is 2, a signal during set-up 130/143,
    /// anything else that stops a run 1.
    pub fn exit(&self) -> Exit {
        match self {
            RunError::RunDir(_) | RunError::TooLarge(_) | RunError::PortTaken { .. } => {
                Exit::BadInput
            }
            RunError::Interrupted(stop) => stop.exit(),
            _ => Exit::NotClean,
        }
    }
}

impl From<RunError> for Failed {
    /// The error, ending the process with its own exit code.
    fn from(e: RunError) -> Failed {
        Failed::new(e.exit(), e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unusable_directory_is_bad_input_and_a_signal_keeps_its_code() {
        let taken = RunError::RunDir(RunDirError::Taken(PathBuf::from("x")));
        assert_eq!(taken.exit(), Exit::BadInput);
        assert_eq!(
            RunError::Interrupted(Stop::Terminate).exit(),
            Exit::Terminated
        );
        let log = RunError::Log {
            path: PathBuf::from("x"),
            source: std::io::Error::other("disk full"),
        };
        assert_eq!(Failed::from(log).exit, Exit::NotClean);
    }
}
