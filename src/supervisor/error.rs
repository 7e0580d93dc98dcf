//! Why a run could not be carried out.

use std::net::SocketAddr;
use std::path::PathBuf;

use super::run_dir::RunDirError;
use super::signal::Stop;
use crate::exit::Exit;

/// Why a run could not be carried out.
#[derive(Debug, thiserror::Error)]
pub enum SupervisorError {
    #[error(transparent)]
    RunDir(#[from] RunDirError),
    #[error("failed to start machine {id}: {source}")]
    Spawn { id: u32, source: std::io::Error },
    #[error("failed to write the manifest in {}: {source}", path.display())]
    Manifest {
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

impl SupervisorError {
    /// Bad input (an unusable output directory or port) is 2, a signal during set-up 130/143,
    /// anything else that stops a run 1.
    pub fn exit(&self) -> Exit {
        match self {
            SupervisorError::RunDir(_) | SupervisorError::PortTaken { .. } => Exit::BadInput,
            SupervisorError::Interrupted(stop) => stop.exit(),
            _ => Exit::NotClean,
        }
    }
}
