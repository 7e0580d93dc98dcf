//! What a run returns, whichever engine ran it: where it went, its manifest, and how it exits.

use std::path::PathBuf;

use super::signal::Stop;
use crate::exit::Exit;
use crate::manifest::Manifest;

/// How a run went.
#[derive(Debug)]
pub struct RunReport {
    pub run_dir: PathBuf,
    pub manifest: Manifest,
    /// The signal that ended the run early, if one did.
    pub stopped_by: Option<Stop>,
}

impl RunReport {
    /// Every machine ran and stopped cleanly.
    pub fn clean(&self) -> bool {
        self.manifest.outcome.as_ref().is_some_and(|o| o.clean)
    }

    /// Clean (0), stopped by a signal (130/143), or not clean (1).
    pub fn exit(&self) -> Exit {
        match (self.stopped_by, self.clean()) {
            (Some(stop), _) => stop.exit(),
            (None, true) => Exit::Clean,
            (None, false) => Exit::NotClean,
        }
    }
}
