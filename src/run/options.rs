//! Where and how to run: the options both engines take.

use std::path::PathBuf;

use super::LogCap;
use crate::manifest::{BatchMember, Engine};

/// Where and how to run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// The run directory; by default a new one under `runs_root`.
    pub out: Option<PathBuf>,
    pub runs_root: PathBuf,
    pub quiet: bool,
    /// Real processes, or the simulated twin.
    pub engine: Engine,
    /// What a batch set for this run (its swept key and value, its seed); `None` outside a batch.
    /// Recorded in the manifest, so an aggregate never reads it back from a directory name.
    pub batch: Option<BatchMember>,
    /// `--max-log-size`: stop the run in order once its logs reach this.
    pub max_log_size: Option<LogCap>,
}
