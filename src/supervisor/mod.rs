//! The supervisor: starts one machine process per model machine and runs the experiment.
//!
//! - [`child`]: spawning a machine process and turning its output and exit into events;
//! - [`signal`]: Ctrl-C and SIGTERM as events;
//! - [`run_dir`]: creating the run directory;
//! - [`display`]: the live view and the final summary;
//! - [`actor`]: the loop that owns the children and drives set-up, run and stop.

pub mod actor;
pub mod child;
pub mod display;
pub mod run_dir;
pub mod signal;

pub use actor::{run, RunOptions, RunReport, SupervisorError};
