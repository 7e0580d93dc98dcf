//! The run layer both engines share: what a run is asked to do, where it goes, what it leaves.
//!
//! The supervisor (real processes) and the twin (`--engine sim`) differ in how the machines tick;
//! everything around that is here, once:
//! - [`options`]: where and how to run ([`RunOptions`]), a batch run's provenance included;
//! - [`cap`]: `--max-log-size`, a cap on a run's log bytes ([`LogCap`]);
//! - [`dir`]: claiming the run directory (created and claimed exclusively, next free `-2`, `-3`);
//! - [`estimate`]: the lines and bytes a run will write, checked against the free space;
//! - [`fidelity`]: a speedup beyond the range measured faithful, warned before a run starts;
//! - [`manifest`]: the one builder of `manifest.json`, with the engine as a field;
//! - [`report`]: what a run returns ([`RunReport`]) and how it exits;
//! - [`signal`]: the signal that stopped a run ([`Stop`]);
//! - [`error`]: why a run could not be carried out ([`RunError`]), with its exit code.

pub mod cap;
pub(crate) mod dir;
pub(crate) mod error;
pub(crate) mod estimate;
pub(crate) mod fidelity;
pub(crate) mod manifest;
pub mod options;
pub(crate) mod report;
pub(crate) mod signal;

pub use cap::LogCap;
pub(crate) use error::{RunError, SetupError};
pub use options::RunOptions;
pub(crate) use report::RunReport;
pub(crate) use signal::Stop;
