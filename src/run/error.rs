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
    /// `Engine::Imported` names where a run came from, not a way to carry one out.
    #[error("an imported run cannot be run again: `logiclock import` makes such runs from logs")]
    NotRunnable,
    #[error("the run could not start: {source} (machine diagnostics are in {})", run_dir.display())]
    Setup {
        run_dir: PathBuf,
        source: SetupError,
    },
}

/// Why the machines of a real run did not all listen and connect their mesh.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// A machine failed or exited; `what` is the step (`listen`, `connect the mesh`).
    #[error("machine {id} failed to {what}: {why}")]
    Machine { id: u32, what: String, why: String },
    /// A stop signal came during set-up.
    #[error("interrupted by {} during set-up", .0.name())]
    Interrupted(Stop),
    /// Every machine's event channel closed.
    #[error("lost every machine's events")]
    EventsLost,
    /// Some machines did not finish the step in time.
    #[error("machines {machines:?} did not {what} within {timeout:?}")]
    Late {
        machines: Vec<u32>,
        what: String,
        timeout: std::time::Duration,
    },
}

impl RunError {
    /// Bad input (an unusable output directory or port, logs too large for the disk) is 2, a signal during set-up 130/143,
    /// anything else that stops a run 1.
    pub fn exit(&self) -> Exit {
        match self {
            RunError::RunDir(_)
            | RunError::TooLarge(_)
            | RunError::PortTaken { .. }
            | RunError::NotRunnable => Exit::BadInput,
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
    fn a_set_up_failure_says_which_machines_and_which_step_as_before() {
        let late = SetupError::Late {
            machines: vec![1, 2],
            what: "connect the mesh".into(),
            timeout: std::time::Duration::from_secs(10),
        };
        let err = RunError::Setup {
            run_dir: PathBuf::from("runs/x"),
            source: late,
        };
        assert_eq!(
            err.to_string(),
            "the run could not start: machines [1, 2] did not connect the mesh within 10s \
             (machine diagnostics are in runs/x)"
        );
        assert_eq!(err.exit(), Exit::NotClean);
        let failed = SetupError::Machine {
            id: 0,
            what: "listen".into(),
            why: "exited with 1".into(),
        };
        assert_eq!(
            failed.to_string(),
            "machine 0 failed to listen: exited with 1"
        );
        let stopped = SetupError::Interrupted(Stop::Terminate);
        assert!(
            stopped.to_string().starts_with("interrupted by SIG"),
            "{stopped}"
        );
    }

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
